-- purpose: the additive contact counts per firm and submission month that the conduct metrics (V1-V8) and R7 sum over a
--   period's months: a period's figure is the sum of its months' counts, so a new firm-month needs only its own month's
--   contacts, and the other months' counts are the stored ones (refresh.py keeps these rows per month, metrics.update)
-- grain: one row per (firm_id, month) with at least one contact, for the months of the target periods
-- params: $v1_quiet_start, $v1_quiet_end, $v1_weekend_quiet_start, $v1_weekend_quiet_end, $v1_holidays (list of dates),
--   $v1_channels (list), $v3_cap, $v7_min_collectors. A month's counts read only that month's submission, its contacts
--   and its case rows: ingest rejects a contact outside its month (V08) or on a case not in the same submission (V07).
--   Reads stg_contact_events (no case field) for every count but V5's and V8's, which join only the contacts on a
--   vulnerable or held case. Not portable as written: unnest of the two bound lists (sqlglot writes explode),
--   hash() (Spark's is 32-bit: more V3 candidates, the same counts), extract(isodow) (Spark: DAYOFWEEK_ISO) and
--   cast(... as time) (Spark TIME needs spark.sql.timeType.enabled); spark/translate.py rewrites the last two.
--   Definitions: docs/metric-definitions.md
-- Each part reads stg_contact_events itself: one CTE read by all three was kept whole in memory (3M rows with their
--   64-character refs on one M batch, 0.7 CPU s), while three reads each take only the columns and rows they need
with
quiet_windows as (
    select k.*, cast(k.contact_at as time) as local_time,
           case when extract(isodow from k.local_date) >= 6 then cast($v1_weekend_quiet_start as time)
                else cast($v1_quiet_start as time) end as qs,
           case when extract(isodow from k.local_date) >= 6 then cast($v1_weekend_quiet_end as time)
                else cast($v1_quiet_end as time) end as qe
    from stg_contact_events as k
    where k.month in (select month from target_months)
),
-- the bound lists as IN subqueries: list_contains over them cost 0.2 of 0.5 CPU s more for V1's flags on one M batch
flagged as (
    select *,
           outbound and channel in (select unnest($v1_channels)) as v1_scope,
           local_date in (select unnest(cast($v1_holidays as date[])))
               or (qs > qe and (local_time >= qs or local_time < qe))
               or (qs < qe and local_time >= qs and local_time < qe) as quiet
    from quiet_windows
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
           count(*) filter (where outbound and ((channel = 'call' and connected) or channel = 'visit')) as v6_den,
           count(*) filter (where outbound and ((channel = 'call' and connected) or channel = 'visit') and not recorded) as v6_num,
           count(*) filter (where outbound and channel = 'visit') as v7_den,
           count(*) filter (where outbound and channel = 'visit' and coalesce(collectors_present, 0) < $v7_min_collectors) as v7_num
    from flagged group by firm_id, month
),
-- V5 and V8 need a case field: only the outbound contacts on a vulnerable or held case row are joined with it (a small
-- build side instead of every case row); V8's other group is the rest of the outbound contacts
marked_cases as (
    select firm_id, period as month, case_ref, coalesce(vulnerable, false) as vulnerable, hold_from, hold_to
    from cases
    where (vulnerable or hold_from is not null) and period in (select month from target_months)
),
case_counts as (
    select k.firm_id, k.month,
           count(*) filter (where c.vulnerable) as v8_vulnerable,
           count(*) filter (where k.party = 'debtor' and c.hold_from is not null
                                  and k.local_date >= c.hold_from and (c.hold_to is null or k.local_date <= c.hold_to)) as v5_num
    from stg_contact_events as k  -- the target months: those of marked_cases
    join marked_cases as c on c.firm_id = k.firm_id and c.month = k.month and c.case_ref = k.case_ref
    where k.outbound
    group by k.firm_id, k.month
),
-- V3: the (number, day) groups over the cap are first found by one hash of the whole group key, then counted exactly
-- on their calls only. A hash collision can only merge groups, so every group over the cap is among the candidates
unanswered as (
    select firm_id, month, number_ref, local_date, hash(firm_id, month, number_ref, local_date) as group_hash
    from stg_contact_events
    where outbound_call and not connected and month in (select month from target_months)
),
crowded as (
    select group_hash from unanswered group by group_hash having count(*) > $v3_cap
),
v3_excess as (
    select firm_id, month, sum(greatest(calls - $v3_cap, 0)) as excess
    from (
        select u.firm_id, u.month, u.number_ref, u.local_date, count(*) as calls
        from unanswered as u
        join crowded as g on g.group_hash = u.group_hash
        group by u.firm_id, u.month, u.number_ref, u.local_date
    ) as per_number_day
    group by firm_id, month
)
select c.firm_id, c.month,
       c.v1_num, c.v1_den, c.outbound_calls, c.r7_num, c.outbound_contacts, c.v4_num,
       cast(coalesce(cc.v5_num, 0) as bigint) as v5_num, c.v6_num, c.v6_den, c.v7_num, c.v7_den,
       cast(coalesce(cc.v8_vulnerable, 0) as bigint) as v8_vulnerable,
       c.outbound_contacts - cast(coalesce(cc.v8_vulnerable, 0) as bigint) as v8_other,
       cast(coalesce(v3.excess, 0) as bigint) as v3_excess
from counts as c
left join case_counts as cc on cc.firm_id = c.firm_id and cc.month = c.month
left join v3_excess as v3 on v3.firm_id = c.firm_id and v3.month = c.month
