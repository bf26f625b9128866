-- purpose: the additive contact counts per firm and submission month that the conduct metrics (V1-V8) and R7 sum over a
--   period's months: a period's figure is the sum of its months' counts, so a new firm-month needs only its own month's
--   contacts, and the other months' counts are the stored ones (refresh.py keeps these rows per month, metrics.update)
-- grain: one row per (firm_id, month) with at least one contact, for the months of the target periods
-- params: $v1_quiet_start, $v1_quiet_end, $v1_weekend_quiet_start, $v1_weekend_quiet_end, $v1_holidays (list of dates),
--   $v1_channels (list), $v3_cap, $v7_min_collectors. A month's counts read only that month's submission, its contacts
--   and its case rows: ingest rejects a contact outside its month (V08) or on a case not in the same submission (V07).
--   Not portable as written: list_contains over the two bound lists (sqlglot writes array_contains; the lists stay
--   bound), extract(isodow) (Spark: DAYOFWEEK_ISO) and cast(... as time) (Spark TIME needs spark.sql.timeType.enabled);
--   spark/translate.py rewrites the last two. Definitions: docs/metric-definitions.md
with
quiet_windows as (
    select k.*,
           case when extract(isodow from k.local_date) >= 6 then cast($v1_weekend_quiet_start as time)
                else cast($v1_quiet_start as time) end as qs,
           case when extract(isodow from k.local_date) >= 6 then cast($v1_weekend_quiet_end as time)
                else cast($v1_quiet_end as time) end as qe
    from stg_contacts as k
    where k.month in (select month from target_months)
),
flagged as (
    select *,
           outbound and list_contains($v1_channels, channel) as v1_scope,
           list_contains(cast($v1_holidays as date[]), local_date)
               or (qs > qe and (local_time >= qs or local_time < qe))
               or (qs < qe and local_time >= qs and local_time < qe) as quiet
    from quiet_windows
),
v3_excess as (
    select firm_id, month, sum(greatest(unanswered - $v3_cap, 0)) as excess
    from (
        select firm_id, month, number_ref, local_date, count(*) as unanswered
        from stg_contact_events  -- no case field: skips the join with the cases
        where outbound_call and not connected and month in (select month from target_months)
        group by firm_id, month, number_ref, local_date
    ) as per_number_day
    group by firm_id, month
),
counts as (
    select firm_id, month,
           count(*) filter (where v1_scope) as v1_den,
           count(*) filter (where v1_scope and quiet and not consented_time) as v1_num,
           count(*) filter (where outbound_call) as outbound_calls,
           count(*) filter (where outbound_call and connected and party = 'debtor') as r7_num,
           count(*) filter (where outbound) as outbound_contacts,
           count(*) filter (where (outbound and party in ('emergency_contact', 'unrelated_third_party') and not debtor_unreachable)
                                  or disclosed_debt) as v4_num,
           count(*) filter (where outbound and party = 'debtor' and hold_from is not null
                                  and local_date >= hold_from and (hold_to is null or local_date <= hold_to)) as v5_num,
           count(*) filter (where outbound and ((channel = 'call' and connected) or channel = 'visit')) as v6_den,
           count(*) filter (where outbound and ((channel = 'call' and connected) or channel = 'visit') and not recorded) as v6_num,
           count(*) filter (where outbound and channel = 'visit') as v7_den,
           count(*) filter (where outbound and channel = 'visit' and coalesce(collectors_present, 0) < $v7_min_collectors) as v7_num,
           count(*) filter (where outbound and vulnerable) as v8_vulnerable,
           count(*) filter (where outbound and not vulnerable) as v8_other
    from flagged group by firm_id, month
)
select c.firm_id, c.month,
       c.v1_num, c.v1_den, c.outbound_calls, c.r7_num, c.outbound_contacts, c.v4_num, c.v5_num, c.v6_num, c.v6_den,
       c.v7_num, c.v7_den, c.v8_vulnerable, c.v8_other, cast(coalesce(v3.excess, 0) as bigint) as v3_excess
from counts as c
left join v3_excess as v3 on v3.firm_id = c.firm_id and v3.month = c.month
