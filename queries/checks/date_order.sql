-- purpose: V10 an end date earlier than the start date it belongs to (closed before received, hold ending before it starts)
-- grain: one row per offending row
-- params: none; {table}.{column} must not be earlier than {table}.{other}
-- returns: row_no
SELECT row_no
FROM {table}
WHERE {column} < {other}
ORDER BY row_no
