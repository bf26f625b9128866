-- purpose: the calls V2 counts (connected outbound calls to the debtor) of every firm on the connection that fall in the
--   V2 groups of v2_keys, with the columns staging/v2_excess.sql reads; stands in for stg_contacts there, so a new
--   firm-month recounts only its groups
-- grain: one row per (firm_id, month, contact_ref) in a touched (debtor_ref, creditor_ref, local_date)
-- params: none (reads contacts, cases and the registered table v2_keys: the groups of the submitting firm's calls,
--   staging/v2_calls.sql). The cases are narrowed to the touched debtor
--   and creditor pairs first: the join with every contact of the month then has a small build side
with touched_cases as (
    select c.firm_id, c.period, c.case_ref, c.debtor_ref, c.creditor_ref
    from cases as c
    semi join (select distinct debtor_ref, creditor_ref from v2_keys) as pairs
        on pairs.debtor_ref = c.debtor_ref and pairs.creditor_ref = c.creditor_ref
)
select
    k.firm_id,
    k.period as month,
    k.contact_ref,
    k.contact_at_utc,
    cast(k.contact_at as date) as local_date,
    k.party,
    coalesce(k.connected, false) as connected,
    k.direction = 'outbound' and k.channel = 'call' as outbound_call,
    c.debtor_ref,
    c.creditor_ref
from contacts as k
join touched_cases as c
    on c.firm_id = k.firm_id and c.period = k.period and c.case_ref = k.case_ref
semi join v2_keys as g
    on g.debtor_ref = c.debtor_ref and g.creditor_ref = c.creditor_ref and g.local_date = cast(k.contact_at as date)
where k.direction = 'outbound' and k.channel = 'call' and k.connected and k.party = 'debtor'  -- what v2_excess counts
