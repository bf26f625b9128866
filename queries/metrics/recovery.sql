-- purpose: recovery metrics R1 (vintage curve), R2, R3, R4 (Kaplan-Meier median days to first payment), R5, R6, R7 per firm and target period
-- grain: one row per (firm_id, period, metric_id, dim); R4 also emits firm_id 'ALL' (a median cannot be summed)
-- params: $r4_industry (boolean): form ALL's pooled R4 curve. A DuckDB firm batch other than the last drops its ALL rows
--   (metrics.compute_parts), so it skips the ALL curve's windows (~12% of this file's CPU at M).
--   Portable: window functions, ln/exp, no list functions. Definitions: docs/metric-definitions.md
--   On Spark (spark/translate.py): datediff('day', ...) becomes datediff(end, start) (calendar days, as DuckDB)
with
pays as (
    select firm_id, period as month, case_ref, paid_on, cast(amount as double) as amount from payments
),
submitted as (select distinct firm_id, month from stg_cases),
steps as (select * from (values (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12)) as s (m)),
-- R1: the point (vintage v, m) lands in the month v + m
-- the (vintage, m) pairs whose point lands in one of the period's months, as an equi-join key with the period's last
-- month (the history case sets are kept per last month: staging/history_cases.sql)
r1_points as (
    select tm.period, tp.grain, tp.last_month, tp.first_month, tm.month, tm.month_idx - s.m as vintage_idx, s.m
    from target_months as tm
    join target_periods as tp on tp.period = tm.period
    cross join steps as s
),
-- per case facts, computed once from the payments rather than once per period: what each case had paid within m months
-- of placement (R1) and its payments per calendar month (R2)
case_keys as (select distinct firm_id, case_ref, placed_on from stg_cases),
paid_within as (
    select c.firm_id, c.case_ref, c.placed_on, s.m, sum(p.amount) as paid
    from case_keys as c
    join pays as p on p.firm_id = c.firm_id and p.case_ref = c.case_ref
    join steps as s on p.paid_on < c.placed_on + s.m * interval '1 month'
    group by c.firm_id, c.case_ref, c.placed_on, s.m
),
paid_months as (
    select firm_id, case_ref, date_trunc('month', paid_on) as month_start, sum(amount) as amount
    from pays group by firm_id, case_ref, date_trunc('month', paid_on)
),
-- a period's case set is its last month's history rows of the firms that submitted in one of its months (for R1
-- the submission of the point's month, joined below, implies it; R2 and R4 rest on the filter alone)
r1_cases as (
    select pt.period, pt.grain, h.firm_id, h.case_ref, h.vintage, pt.m, h.amount_placed,
           h.product, h.dpd_bucket, h.region_code, coalesce(w.paid, 0) as paid
    from stg_history_cases as h
    join r1_points as pt
        on pt.last_month = h.last_month and pt.vintage_idx = h.vintage_idx and h.firm_last_month >= pt.first_month
    join submitted as sub on sub.firm_id = h.firm_id and sub.month = pt.month
    left join paid_within as w
        on w.firm_id = h.firm_id and w.case_ref = h.case_ref and w.placed_on = h.placed_on and w.m = pt.m
),
-- the cases' sums per cell of every dim the rows below group by: r1_cases is read once and streamed, not kept for
-- both groupings (2.9M rows on one M batch, 12 thousand cells)
r1_cells as (
    select firm_id, period, grain, m, vintage, product, dpd_bucket, region_code,
           sum(paid) as paid, sum(amount_placed) as placed
    from r1_cases
    group by firm_id, period, grain, m, vintage, product, dpd_bucket, region_code
),
-- the vintage points over every m; the headline and the attribute dims are the m = 6 points only, so those grouping
-- sets read only the m = 6 rows (grouping every m and dropping the rest cost ~10% of this file's CPU at M)
r1 as (
    select firm_id, period, grain, 'R1' as metric_id, 'vintage=' || vintage || ';m=' || cast(m as varchar) as dim,
           sum(paid) as numerator, sum(placed) as denominator
    from r1_cells
    group by firm_id, period, grain, m, vintage
    union all
    select firm_id, period, grain, 'R1' as metric_id,
           case when grouping(product) = 0 then 'product=' || product
                when grouping(dpd_bucket) = 0 then 'dpd=' || dpd_bucket
                when grouping(region_code) = 0 then 'region=' || region_code
                else '' end as dim,
           sum(paid) as numerator, sum(placed) as denominator
    from r1_cells
    where m = 6
    group by grouping sets ((firm_id, period, grain), (firm_id, period, grain, product),
                            (firm_id, period, grain, dpd_bucket), (firm_id, period, grain, region_code))
),
-- R2: the cohort active at the period's start, its opening balance and what it paid in the period
-- each period's payments per case split at its first day (calendar months: a bucket is wholly before or inside P)
period_pays as (
    select tp.period, pm.firm_id, pm.case_ref,
           sum(pm.amount) filter (where pm.month_start < tp.first_day) as paid_before,
           sum(pm.amount) filter (where pm.month_start >= tp.first_day) as paid_in
    from target_periods as tp
    join paid_months as pm on pm.month_start <= tp.last_day
    group by tp.period, pm.firm_id, pm.case_ref
),
r2_cases as (
    select tp.period, tp.grain, h.firm_id, h.case_ref, h.product, h.dpd_bucket, h.region_code,
           greatest(h.amount_placed - coalesce(pp.paid_before, 0), 0) as outstanding,
           coalesce(pp.paid_in, 0) as paid_in
    from stg_history_cases as h
    join target_periods as tp
        on tp.last_month = h.last_month and h.firm_last_month >= tp.first_month
        and h.placed_on < tp.first_day and (h.closed_on is null or h.closed_on >= tp.first_day)
    left join period_pays as pp on pp.period = tp.period and pp.firm_id = h.firm_id and pp.case_ref = h.case_ref
),
r2 as (
    select firm_id, period, grain, 'R2' as metric_id,
           case when grouping(product) = 0 then 'product=' || product
                when grouping(dpd_bucket) = 0 then 'dpd=' || dpd_bucket
                when grouping(region_code) = 0 then 'region=' || region_code
                else '' end as dim,
           sum(paid_in) as numerator, sum(outstanding) as denominator
    from r2_cases
    group by grouping sets ((firm_id, period, grain), (firm_id, period, grain, product),
                            (firm_id, period, grain, dpd_bucket), (firm_id, period, grain, region_code))
),
paying as (
    select distinct tm.period, p.firm_id, p.case_ref
    from pays as p join target_months as tm on tm.month = p.month
),
r3 as (
    select c.firm_id, c.period, c.grain, 'R3' as metric_id, '' as dim,
           cast(count(y.case_ref) as double) as numerator, cast(count(*) as double) as denominator
    from stg_period_cases as c
    left join paying as y on y.period = c.period and y.firm_id = c.firm_id and y.case_ref = c.case_ref
    where c.active
    group by c.firm_id, c.period, c.grain
),
-- R4: Kaplan-Meier over the per-firm partials (cases and events per time t, staging/r4_times.sql); ALL pools the
-- firms' cases by summing their partials per (period, dim, t)
r4_pool as (
    select period, grain, firm_id, dim, t, d, c from stg_r4_times
    union all
    select period, grain, 'ALL' as firm_id, dim, t, sum(d) as d, sum(c) as c from stg_r4_times where $r4_industry
    group by period, grain, dim, t
),
r4_risk as (
    select *,
           sum(c) over (partition by period, grain, firm_id, dim order by t desc rows between unbounded preceding and current row) as n
    from r4_pool
),
r4_survival as (
    select *,
           sum(case when d > 0 and d = n then 1 else 0 end)
               over (partition by period, grain, firm_id, dim order by t rows between unbounded preceding and current row) as zeros,
           sum(case when d > 0 and d < n then ln(1.0 - cast(d as double) / n) else 0 end)
               over (partition by period, grain, firm_id, dim order by t rows between unbounded preceding and current row) as log_s
    from r4_risk
),
r4 as (
    select firm_id, period, grain, 'R4' as metric_id, dim,
           cast(min(case when d > 0 and (zeros > 0 or exp(log_s) <= 0.5 + 1e-9) then t end) as double) as numerator,
           cast(sum(c) as double) as denominator
    from r4_survival group by firm_id, period, grain, dim
),
r5 as (
    select firm_id, period, grain, 'R5' as metric_id, 'status=' || status as dim,
           cast(count(*) as double) as numerator,
           cast(sum(count(*)) over (partition by firm_id, period) as double) as denominator
    from stg_period_cases
    where closed_on between first_day and last_day
    group by firm_id, period, grain, status
),
-- R6: cases in legal action at the period's end that were not in the month before. Only the legal-action rows are
-- joined with their previous month's row, not every period case row (R6 on one M batch: 0.44 -> 0.15 CPU s; that
-- data has no legal action, so the join is empty there and grows with the legal-action rows elsewhere)
r6_entered as (
    select c.firm_id, c.period, count(*) as entered
    from stg_period_cases as c
    join target_periods as tp on tp.period = c.period
    left join stg_cases as b
        on b.firm_id = c.firm_id and b.case_ref = c.case_ref and b.month = tp.prev_month and b.status = 'legal_action'
    where c.status = 'legal_action' and b.case_ref is null
    group by c.firm_id, c.period
),
r6 as (
    select c.firm_id, c.period, c.grain, 'R6' as metric_id, '' as dim,
           cast(coalesce(e.entered, 0) as double) as numerator, cast(c.active_cases as double) as denominator
    from (select firm_id, period, grain, count(*) filter (where active) as active_cases
          from stg_period_cases group by firm_id, period, grain) as c
    left join r6_entered as e on e.firm_id = c.firm_id and e.period = c.period
),
-- R7: connected debtor calls of the outbound calls, summed over the period's months (staging/conduct_months.sql)
r7 as (
    select k.firm_id, tm.period, tp.grain, 'R7' as metric_id, '' as dim,
           cast(sum(k.r7_num) as double) as numerator, cast(sum(k.outbound_calls) as double) as denominator
    from stg_conduct_months as k
    join target_months as tm on tm.month = k.month
    join target_periods as tp on tp.period = tm.period
    where k.outbound_calls > 0
    group by k.firm_id, tm.period, tp.grain
)
select * from r1
union all select * from r2
union all select * from r3
union all select * from r4
union all select * from r5
union all select * from r6
union all select * from r7
