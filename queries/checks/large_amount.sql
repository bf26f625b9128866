-- purpose: W03 a single amount above 10 million (plausible but unusual: needs the firm's confirmation)
-- grain: one row per offending row
-- params: $limit (decimal); {table}.{column} is a decimal column
-- returns: row_no
SELECT row_no
FROM {table}
WHERE {column} > $limit
ORDER BY row_no
