-- purpose: the case set of each target period: each (firm, case) from its latest month inside the period, with the active flag
-- grain: one row per (period, firm_id, case_ref)
-- params: none (reads stg_cases, target_periods, target_months)
with in_period as (
    select
        tp.period, tp.grain, tp.first_day, tp.last_day, c.*,
        row_number() over (partition by tp.period, c.firm_id, c.case_ref order by c.month desc) as latest
    from target_periods as tp
    join target_months as tm on tm.period = tp.period
    join stg_cases as c on c.month = tm.month
)
select
    *,
    placed_on <= last_day and (closed_on is null or closed_on >= first_day) as active
from in_period
where latest = 1
