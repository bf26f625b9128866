-- purpose: every contact with its local date, without its case's fields (U1, U2, A1 and the month counts read none;
--   V5 and V8 join only the few case rows they need)
-- grain: one row per (firm_id, month, contact_ref)
-- params: none (reads contacts only). The same rows as stg_contacts: ingest rejects a contact whose case_ref is missing
--   or not in the same submission's cases (V07), so the join there only adds columns; skipping it saves a join of every
--   contact with every stored case row in each family that reads no case column
select
    k.firm_id,
    k.period as month,
    k.contact_ref,
    k.case_ref,
    k.contact_at,
    cast(k.contact_at as date) as local_date,
    k.channel,
    k.party,
    k.number_ref,
    coalesce(k.connected, false) as connected,
    coalesce(k.consented_time, false) as consented_time,
    coalesce(k.debtor_unreachable, false) as debtor_unreachable,
    coalesce(k.disclosed_debt, false) as disclosed_debt,
    coalesce(k.recorded, false) as recorded,
    k.collectors_present,
    k.direction = 'outbound' as outbound,
    k.direction = 'outbound' and k.channel = 'call' as outbound_call
from contacts as k
