-- purpose: V07 a row that refers to a case_ref missing from the same submission's cases table
-- grain: one row per offending row
-- params: none; {table} is a template table with a case_ref column
-- returns: row_no
SELECT t.row_no
FROM {table} AS t
ANTI JOIN cases AS c ON c.case_ref = t.case_ref
WHERE t.case_ref IS NOT NULL
ORDER BY t.row_no
