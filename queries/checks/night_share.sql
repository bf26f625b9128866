-- purpose: W02 share of contacts whose local time is between 00:00 and 06:00 (warn above one half)
-- grain: one row for the submission's contacts table
-- params: none
-- returns: night (count), total (count)
SELECT
    count(*) FILTER (WHERE hour(contact_at) < 6) AS night,
    count(*) AS total
FROM contacts
