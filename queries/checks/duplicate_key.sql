-- purpose: V06 duplicate key: a key column whose value appears on more than one row of a submitted table
-- grain: one row per offending row (every row after the first with the same key)
-- params: none; {table} and {column} come from the template's declared unique columns
-- returns: row_no
SELECT row_no
FROM (
    SELECT row_no, row_number() OVER (PARTITION BY {column} ORDER BY row_no) AS nth
    FROM {table}
    WHERE {column} IS NOT NULL
)
WHERE nth > 1
ORDER BY row_no
