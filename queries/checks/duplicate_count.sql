-- purpose: V06 how many rows repeat a key already seen: a cheap hash count, so that the row listing (checks/duplicate_key) runs only when there are some
-- grain: one row for the submitted table
-- params: none; {table} and {column} come from the template's declared unique columns
-- returns: duplicates (count of non-empty keys minus count of distinct keys)
SELECT count({column}) - count(DISTINCT {column}) AS duplicates
FROM {table}
