-- purpose: V2's excess connected calls per firm and submission month: all firms' connected outbound debtor calls per
--   (debtor_ref, creditor_ref, local date), in time order, beyond the cap; each counts for the firm that made it
-- grain: one row per (firm_id, month) with an excess call
-- params: $v2_cap. Reads stg_contacts of every firm on the connection. A debtor-day lies inside one month (ingest rejects
--   a contact outside its submission's month, V08), so a month's excess needs only that month's contacts: refresh.py
--   recomputes a new firm-month's month over all firms and takes the other months' from the stored month rows.
--   Only the groups with more calls than the cap are put in time order: counting the groups first is cheaper than
--   sorting every call by its 64-character debtor_ref (a month at M, medians of six: 4.2 -> 3.6 CPU s)
with
calls as (
    select firm_id, month, contact_ref, contact_at_utc, debtor_ref, creditor_ref, local_date
    from stg_contacts
    where outbound_call and connected and party = 'debtor'
),
crowded as (
    select debtor_ref, creditor_ref, local_date
    from calls
    group by debtor_ref, creditor_ref, local_date
    having count(*) > $v2_cap
)
select firm_id, month, cast(count(*) as bigint) as excess
from (
    select c.firm_id, c.month,
           row_number() over (partition by c.debtor_ref, c.creditor_ref, c.local_date
                              order by c.contact_at_utc, c.firm_id, c.contact_ref) as n
    from calls as c
    join crowded as g on g.debtor_ref = c.debtor_ref and g.creditor_ref = c.creditor_ref and g.local_date = c.local_date
) as ordered
where n > $v2_cap
group by firm_id, month
