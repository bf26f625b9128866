-- purpose: every contact with its local date and time of day and the fields of its case row (same firm, month, case_ref)
-- grain: one row per (firm_id, month, contact_ref)
-- params: none (reads contacts, cases: the stored case rows, so that stg_cases need not carry the debtor and hold columns)
--   On Spark, cast(... as time) stays TIME (spark.sql.timeType.enabled; sqlglot alone would write TIMESTAMP: spark/translate.py)
select
    k.firm_id,
    k.period as month,
    k.contact_ref,
    k.case_ref,
    k.contact_at,
    k.contact_at_utc,
    cast(k.contact_at as date) as local_date,
    cast(k.contact_at as time) as local_time,
    k.channel,
    k.direction,
    k.party,
    k.number_ref,
    coalesce(k.connected, false) as connected,
    coalesce(k.consented_time, false) as consented_time,
    coalesce(k.debtor_unreachable, false) as debtor_unreachable,
    coalesce(k.disclosed_debt, false) as disclosed_debt,
    coalesce(k.recorded, false) as recorded,
    k.collectors_present,
    k.direction = 'outbound' as outbound,
    k.direction = 'outbound' and k.channel = 'call' as outbound_call,
    c.debtor_ref,
    c.creditor_ref,
    coalesce(c.vulnerable, false) as vulnerable,
    c.hold_from,
    c.hold_to
from contacts as k
join cases as c
    on c.firm_id = k.firm_id and c.period = k.period and c.case_ref = k.case_ref
