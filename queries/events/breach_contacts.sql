-- purpose: the contact events behind a conduct breach of one firm in one period (the scorecard's drill-down)
-- grain: one row per offending contact: pseudonymous refs, local time, channel, party, and which rule it broke
-- params: $firm_id, $first_day, $last_day (dates, inclusive), $metric_id (V1, V2, V3, V4, V5, V6 or V7), and the
--   conduct family's own parameters under the same names ($v1_quiet_start, $v1_quiet_end, $v1_weekend_quiet_start,
--   $v1_weekend_quiet_end, $v1_holidays, $v1_channels, $v2_cap, $v3_cap, $v7_min_collectors), so each rule here is
--   the rule the metric counts (queries/staging/conduct_months.sql; V2 staging/v2_excess.sql): the rows listed are
--   the metric's numerator (a test checks it).
--   Reads stg_contacts (metrics.prepare).
with scoped as (
    select *,
           case when extract(isodow from local_date) >= 6 then cast($v1_weekend_quiet_start as time)
                else cast($v1_quiet_start as time) end as qs,
           case when extract(isodow from local_date) >= 6 then cast($v1_weekend_quiet_end as time)
                else cast($v1_quiet_end as time) end as qe
    from stg_contacts where local_date between $first_day and $last_day
),
v2 as (
    select firm_id, contact_ref,
           row_number() over (partition by debtor_ref, creditor_ref, local_date order by contact_at_utc, firm_id, contact_ref) as n
    from scoped where outbound_call and connected and party = 'debtor'
),
v3 as (
    select firm_id, contact_ref,
           row_number() over (partition by firm_id, number_ref, local_date order by contact_at, contact_ref) as n
    from scoped where outbound_call and not connected
)
select s.contact_ref, s.case_ref, s.debtor_ref, s.contact_at as local_time, s.channel, s.party, s.connected, s.recorded
from scoped as s
left join v2 on v2.firm_id = s.firm_id and v2.contact_ref = s.contact_ref
left join v3 on v3.firm_id = s.firm_id and v3.contact_ref = s.contact_ref
where s.firm_id = $firm_id
  and case $metric_id
      when 'V1' then s.outbound and not s.consented_time and list_contains($v1_channels, s.channel)
                     and (list_contains(cast($v1_holidays as date[]), s.local_date)
                          or (s.qs > s.qe and (s.local_time >= s.qs or s.local_time < s.qe))
                          or (s.qs < s.qe and s.local_time >= s.qs and s.local_time < s.qe))
      when 'V2' then v2.n > $v2_cap
      when 'V3' then v3.n > $v3_cap
      when 'V4' then (s.outbound and s.party in ('emergency_contact', 'unrelated_third_party') and not s.debtor_unreachable) or s.disclosed_debt
      when 'V5' then s.outbound and s.party = 'debtor' and s.hold_from is not null and s.local_date >= s.hold_from
                     and (s.hold_to is null or s.local_date <= s.hold_to)
      when 'V6' then s.outbound and ((s.channel = 'call' and s.connected) or s.channel = 'visit') and not s.recorded
      when 'V7' then s.outbound and s.channel = 'visit' and coalesce(s.collectors_present, 0) < $v7_min_collectors
      else false
  end
order by s.contact_at, s.contact_ref
limit 5000
