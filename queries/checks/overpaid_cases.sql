-- purpose: W04 cases whose payments (this submission plus the firm's earlier accepted periods) exceed the amount placed
-- grain: one row per offending case, with the first payment row of this submission that belongs to it
-- params: none; earlier_payments is a view of the firm's stored payments before this period (may be empty)
-- returns: row_no, case_ref
WITH paid AS (
    SELECT case_ref, sum(amount) AS amount, min(row_no) AS row_no
    FROM payments
    GROUP BY case_ref
),
earlier AS (
    SELECT case_ref, sum(amount) AS amount
    FROM earlier_payments
    GROUP BY case_ref
)
SELECT paid.row_no, paid.case_ref
FROM paid
JOIN cases AS c USING (case_ref)
LEFT JOIN earlier USING (case_ref)
WHERE paid.amount + coalesce(earlier.amount, 0) > c.amount_placed
ORDER BY paid.row_no
