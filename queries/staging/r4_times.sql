-- purpose: R4's Kaplan-Meier input per firm: the cases and first payments at each time t (days since placement)
-- grain: one row per (period, firm_id, dim, t): d = first payments at t (events), c = cases whose time is t
-- params: none (reads stg_history_cases, payments). The cases of the 12 vintages ending with P's last month; a case's
--   time is its first payment if that is on or before the censoring day, else it is censored at closure or at censor_day.
--   These partials are additive over firms: ALL's pooled curve sums them per (period, dim, t) (queries/metrics/recovery.sql),
--   and refresh.py stores them per period so that a new firm-month recombines ALL without recomputing the other firms.
--   Counted once per last month (the periods ending with it have the same cases, vintages and censoring days) and
--   given to each of those periods whose months the firm submitted in
with
first_paid as (select firm_id, case_ref, min(paid_on) as paid_on from payments group by firm_id, case_ref),
r4_cases as (
    select h.last_month, h.firm_id, h.firm_last_month, h.vintage, h.product, h.dpd_bucket, h.region_code,
           f.paid_on is not null as event,
           case when f.paid_on is not null then datediff('day', h.placed_on, f.paid_on)
                else greatest(datediff('day', h.placed_on,
                     case when h.closed_on is not null and h.closed_on <= h.censor_day then h.closed_on else h.censor_day end), 0)
           end as t
    from stg_history_cases as h
    left join first_paid as f on f.firm_id = h.firm_id and f.case_ref = h.case_ref and f.paid_on <= h.censor_day
    where h.vintage_idx between h.last_month_idx - 11 and h.last_month_idx
),
partials as (
    select last_month, firm_id, firm_last_month,
           case when grouping(vintage) = 0 then 'vintage=' || vintage
                when grouping(product) = 0 then 'product=' || product
                when grouping(dpd_bucket) = 0 then 'dpd=' || dpd_bucket
                when grouping(region_code) = 0 then 'region=' || region_code
                else '' end as dim,
           cast(t as bigint) as t, cast(sum(case when event then 1 else 0 end) as bigint) as d, cast(count(*) as bigint) as c
    from r4_cases
    group by grouping sets ((last_month, firm_id, firm_last_month, t, vintage), (last_month, firm_id, firm_last_month, t),
                            (last_month, firm_id, firm_last_month, t, product), (last_month, firm_id, firm_last_month, t, dpd_bucket),
                            (last_month, firm_id, firm_last_month, t, region_code))
)
select tp.period, tp.grain, p.firm_id, p.dim, p.t, p.d, p.c
from partials as p
join target_periods as tp on tp.last_month = p.last_month and p.firm_last_month >= tp.first_month
