-- purpose: complaint metrics C1-C6 per firm and target period (C6 as its two group rates; the ratio is formed in metrics.py)
-- grain: one row per (firm_id, period, metric_id, dim)
-- params: $c3_days (closed within N days). Portable SQL (on Spark, datediff('day', a, b) is written datediff(b, a)).
--   Definitions: docs/metric-definitions.md
with
period_complaints as (
    select tp.period, tp.grain, tp.first_day, tp.last_day, m.firm_id, m.complaint_ref, m.case_ref,
           m.received_on, m.closed_on, m.source, m.category, m.outcome,
           row_number() over (partition by tp.period, m.firm_id, m.complaint_ref order by m.period desc) as latest
    from target_periods as tp
    join target_months as tm on tm.period = tp.period
    join complaints as m on m.period = tm.month
),
received as (
    select * from period_complaints where latest = 1 and received_on between first_day and last_day
),
closed as (
    select * from period_complaints where latest = 1 and closed_on between first_day and last_day
),
active as (
    select period, grain, firm_id,
           cast(count(*) as double) as cases,
           cast(count(*) filter (where vulnerable) as double) as vulnerable_cases,
           cast(count(*) filter (where not vulnerable) as double) as other_cases
    from stg_period_cases where active group by period, grain, firm_id
),
c1 as (
    select a.firm_id, a.period, a.grain, 'C1' as metric_id, '' as dim,
           cast(count(r.complaint_ref) as double) as numerator, max(a.cases) as denominator
    from active as a
    left join received as r on r.period = a.period and r.firm_id = a.firm_id
    group by a.firm_id, a.period, a.grain
),
c2 as (
    select firm_id, period, grain, 'C2' as metric_id, '' as dim,
           cast(count(*) filter (where outcome in ('upheld', 'partially_upheld')) as double) as numerator,
           cast(count(*) as double) as denominator
    from closed where outcome in ('upheld', 'partially_upheld', 'not_upheld')
    group by firm_id, period, grain
),
c3 as (
    select firm_id, period, grain, 'C3' as metric_id, '' as dim,
           cast(count(*) filter (where datediff('day', received_on, closed_on) <= $c3_days) as double) as numerator,
           cast(count(*) as double) as denominator
    from closed group by firm_id, period, grain
),
c4 as (
    select firm_id, period, grain, 'C4' as metric_id, '' as dim,
           cast(count(*) filter (where source in ('regulator', 'hotline', 'association', 'court', 'media')) as double) as numerator,
           cast(count(*) as double) as denominator
    from received group by firm_id, period, grain
),
c5 as (
    select firm_id, period, grain, 'C5' as metric_id, 'category=' || category as dim,
           cast(count(*) as double) as numerator,
           cast(sum(count(*)) over (partition by firm_id, period) as double) as denominator
    from received group by firm_id, period, grain, category
),
c6_counts as (
    select r.firm_id, r.period,
           count(*) filter (where c.vulnerable) as vulnerable_complaints,
           count(*) filter (where not c.vulnerable) as other_complaints
    from received as r
    join stg_period_cases as c on c.period = r.period and c.firm_id = r.firm_id and c.case_ref = r.case_ref
    group by r.firm_id, r.period
),
c6 as (
    select a.firm_id, a.period, a.grain, 'C6' as metric_id, 'group=vulnerable' as dim,
           cast(coalesce(n.vulnerable_complaints, 0) as double) as numerator, a.vulnerable_cases as denominator
    from active as a left join c6_counts as n on n.firm_id = a.firm_id and n.period = a.period
    union all
    select a.firm_id, a.period, a.grain, 'C6', 'group=other',
           cast(coalesce(n.other_complaints, 0) as double), a.other_cases
    from active as a left join c6_counts as n on n.firm_id = a.firm_id and n.period = a.period
)
select * from c1
union all select * from c2
union all select * from c3
union all select * from c4
union all select * from c5
union all select * from c6
