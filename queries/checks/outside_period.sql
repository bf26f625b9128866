-- purpose: V08 a date or local timestamp that must fall inside the reporting period but does not
-- grain: one row per offending row
-- params: $period_start, $period_end (dates, inclusive); {table}.{column} is a date or timestamp
-- returns: row_no
SELECT row_no
FROM {table}
WHERE CAST({column} AS DATE) NOT BETWEEN $period_start AND $period_end
ORDER BY row_no
