-- purpose: V2's excess connected calls per firm and submission month: all firms' connected outbound debtor calls per
--   (debtor_ref, creditor_ref, local date), in time order, beyond the cap; each counts for the firm that made it
-- grain: one row per (firm_id, month) that made calls to debtors
-- params: $v2_cap. Reads stg_contacts of every firm on the connection. A debtor-day lies inside one month (ingest rejects
--   a contact outside its submission's month, V08), so a month's excess needs only that month's contacts: refresh.py
--   recomputes a new firm-month's month over all firms and takes the other months' from the stored month rows
select firm_id, month, cast(count(*) filter (where n > $v2_cap) as bigint) as excess
from (
    select firm_id, month,
           row_number() over (partition by debtor_ref, creditor_ref, local_date
                              order by contact_at_utc, firm_id, contact_ref) as n
    from stg_contacts
    where outbound_call and connected and party = 'debtor'
) as ordered
group by firm_id, month
