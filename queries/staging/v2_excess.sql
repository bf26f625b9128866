-- purpose: V2's excess connected calls per firm and submission month: all firms' connected outbound debtor calls per
--   (debtor_ref, creditor_ref, local date), in time order, beyond the cap; each counts for the firm that made it
-- grain: one row per (firm_id, month) with an excess call
-- params: $v2_cap. Reads stg_contacts of every firm on the connection. A debtor-day lies inside one month (ingest rejects
--   a contact outside its submission's month, V08), so a month's excess needs only that month's contacts: refresh.py
--   recomputes a new firm-month's month over all firms and takes the other months' from the stored month rows.
--   Only the groups with more calls than the cap are put in time order: counting the groups first is cheaper than
--   sorting every call by its 64-character debtor_ref (a month at M, medians of six: 4.2 -> 3.6 CPU s), and the groups
--   are counted by one hash of their key rather than by the two 64-character refs and the day (3.25 -> 2.88 CPU s,
--   medians of four months): a hash collision only merges groups, so every group over the cap is among the
--   candidates, and the ranking partitions by the exact key. Spark's hash() is 32-bit: more candidates, same counts
with
calls as (
    select firm_id, month, contact_ref, contact_at_utc, debtor_ref, creditor_ref, local_date,
           hash(debtor_ref, creditor_ref, local_date) as group_hash
    from stg_contacts
    where outbound_call and connected and party = 'debtor'
),
crowded as (
    select group_hash from calls group by group_hash having count(*) > $v2_cap
)
select firm_id, month, cast(count(*) as bigint) as excess
from (
    select c.firm_id, c.month,
           row_number() over (partition by c.debtor_ref, c.creditor_ref, c.local_date
                              order by c.contact_at_utc, c.firm_id, c.contact_ref) as n
    from calls as c
    join crowded as g on g.group_hash = c.group_hash
) as ordered
where n > $v2_cap
group by firm_id, month
