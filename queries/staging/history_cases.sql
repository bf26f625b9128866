-- purpose: for history-dependent recovery metrics, each (firm, case) as last reported up to a target period's last month, with its censoring day
-- grain: one row per (period, firm_id, case_ref)
-- params: none (reads stg_cases, target_periods). A row is the latest up to P when the case's next report is after P
--   (a range join on [month, next_month), far cheaper than ranking every month's rows for every period)
with versions as (
    select c.*, lead(c.month) over (partition by c.firm_id, c.case_ref order by c.month) as next_month
    from stg_cases as c
),
firm_last as (
    select tp.period, f.firm_id, max(f.month) as firm_last_month
    from target_periods as tp
    join (select distinct firm_id, month from stg_cases) as f on f.month <= tp.last_month
    group by tp.period, f.firm_id
)
select
    tp.period, tp.grain, tp.first_day, tp.last_day, tp.last_month_idx, v.*, fl.firm_last_month,
    -- survival is observed up to the end of the firm's latest reported month, at most the period's end
    least(tp.last_day, last_day(cast(fl.firm_last_month || '-01' as date))) as censor_day
from target_periods as tp
join versions as v on v.month <= tp.last_month and (v.next_month is null or v.next_month > tp.last_month)
join firm_last as fl on fl.period = tp.period and fl.firm_id = v.firm_id
