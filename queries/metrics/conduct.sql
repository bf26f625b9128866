-- purpose: conduct metrics V1-V10 per firm and target period: the contact counts V1-V8 sum over the period's months
--   (stg_conduct_months, queries/staging/conduct_months.sql); V2's excess calls (counted across all firms together) come
--   from stg_v2_excess (queries/staging/v2_excess.sql)
-- grain: one row per (firm_id, period, metric_id, dim); V8 as its two group rates (the ratio is formed in metrics.py)
-- params: $v10_report_hours. Definitions: docs/metric-definitions.md
with
periods as (
    select f.firm_id, tm.period, tp.grain,
           cast(sum(f.v1_num) as double) as v1_num, cast(sum(f.v1_den) as double) as v1_den,
           cast(sum(coalesce(v2.excess, 0)) as double) as v2_num, cast(sum(f.v3_excess) as double) as v3_num,
           cast(sum(f.outbound_calls) as double) as outbound_calls, cast(sum(f.outbound_contacts) as double) as outbound_contacts,
           cast(sum(f.v4_num) as double) as v4_num, cast(sum(f.v5_num) as double) as v5_num,
           cast(sum(f.v6_num) as double) as v6_num, cast(sum(f.v6_den) as double) as v6_den,
           cast(sum(f.v7_num) as double) as v7_num, cast(sum(f.v7_den) as double) as v7_den,
           cast(sum(f.v8_vulnerable) as double) as v8_vulnerable, cast(sum(f.v8_other) as double) as v8_other
    from stg_conduct_months as f
    join target_months as tm on tm.month = f.month
    join target_periods as tp on tp.period = tm.period
    left join stg_v2_excess as v2 on v2.firm_id = f.firm_id and v2.month = f.month
    group by f.firm_id, tm.period, tp.grain
),
active as (
    select period, grain, firm_id,
           cast(count(*) as double) as cases,
           cast(count(*) filter (where vulnerable) as double) as vulnerable_cases,
           cast(count(*) filter (where not vulnerable) as double) as other_cases
    from stg_period_cases where active group by period, grain, firm_id
),
reviews as (
    select q.firm_id, tm.period, tp.grain,
           cast(count(*) filter (where q.finding <> 'none') as double) as findings,
           cast(count(distinct q.review_ref) as double) as reviews
    from qa_reviews as q
    join target_months as tm on tm.month = q.period
    join target_periods as tp on tp.period = tm.period
    group by q.firm_id, tm.period, tp.grain
),
incidents_in as (
    select i.firm_id, tm.period,
           cast(count(*) as double) as incidents,
           cast(sum(i.records_affected) as double) as records,
           cast(count(*) filter (where i.reported_at_utc is not null
                and i.reported_at_utc <= i.detected_at_utc + $v10_report_hours * interval '1 hour') as double) as in_time
    from incidents as i
    join target_months as tm on tm.month = i.period
    group by i.firm_id, tm.period
)
select firm_id, period, grain, 'V1' as metric_id, '' as dim, v1_num as numerator, v1_den as denominator from periods
union all select firm_id, period, grain, 'V2', '', v2_num, outbound_calls from periods
union all select firm_id, period, grain, 'V3', '', v3_num, outbound_calls from periods
union all select firm_id, period, grain, 'V4', '', v4_num, outbound_contacts from periods
union all select firm_id, period, grain, 'V5', '', v5_num, outbound_contacts from periods
union all select firm_id, period, grain, 'V6', '', v6_num, v6_den from periods
union all select firm_id, period, grain, 'V7', '', v7_num, v7_den from periods
union all
select a.firm_id, a.period, a.grain, 'V8', 'group=vulnerable', coalesce(p.v8_vulnerable, 0), a.vulnerable_cases
from active as a left join periods as p on p.firm_id = a.firm_id and p.period = a.period
union all
select a.firm_id, a.period, a.grain, 'V8', 'group=other', coalesce(p.v8_other, 0), a.other_cases
from active as a left join periods as p on p.firm_id = a.firm_id and p.period = a.period
union all select firm_id, period, grain, 'V9', '', findings, reviews from reviews
union all
select a.firm_id, a.period, a.grain, 'V10', '', coalesce(i.incidents, 0), a.cases
from active as a left join incidents_in as i on i.firm_id = a.firm_id and i.period = a.period
union all
select a.firm_id, a.period, a.grain, 'V10', 'measure=records_affected', coalesce(i.records, 0), 1.0
from active as a left join incidents_in as i on i.firm_id = a.firm_id and i.period = a.period
union all
select i.firm_id, i.period, tp.grain, 'V10', 'measure=reported_in_time', i.in_time, i.incidents
from incidents_in as i join target_periods as tp on tp.period = i.period
