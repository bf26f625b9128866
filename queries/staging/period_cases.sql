-- purpose: the case set of each target period: each (firm, case) from its latest month inside the period, with the active flag
-- grain: one row per (period, firm_id, case_ref)
-- params: none (reads stg_cases, target_periods, target_months). A month's row is the latest inside P when the
--   case's next report falls after P's last month
with versions as (
    select c.*, lead(c.month) over (partition by c.firm_id, c.case_ref order by c.month) as next_month
    from stg_cases as c
)
select
    tp.period, tp.grain, tp.first_day, tp.last_day, v.*,
    v.placed_on <= tp.last_day and (v.closed_on is null or v.closed_on >= tp.first_day) as active
from target_periods as tp
join target_months as tm on tm.period = tp.period
join versions as v on v.month = tm.month
where v.next_month is null or v.next_month > tp.last_month
