-- purpose: V08 a date that may lie before the period but never after its last day
-- grain: one row per offending row
-- params: $period_end (date); {table}.{column} is a date
-- returns: row_no
SELECT row_no
FROM {table}
WHERE {column} > $period_end
ORDER BY row_no
