-- purpose: the case set of each target period: each (firm, case) from its latest month inside the period, with the active flag
-- grain: one row per (period, firm_id, case_ref)
-- params: none (reads stg_cases, target_periods, target_months). A month's row is the latest inside P when the
--   case's next report falls after P's last month. Only the columns the metrics read (cases x periods rows)
select
    tp.period, tp.grain, tp.first_day, tp.last_day,
    v.firm_id, v.month, v.case_ref, v.vulnerable, v.status, v.closed_on,
    v.placed_on <= tp.last_day and (v.closed_on is null or v.closed_on >= tp.first_day) as active
from target_periods as tp
join target_months as tm on tm.period = tp.period
join stg_cases as v on v.month = tm.month
where v.next_month is null or v.next_month > tp.last_month
