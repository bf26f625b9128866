-- purpose: for history-dependent recovery metrics, each (firm, case) as last reported up to a target period's last month, with its censoring day
-- grain: one row per (period, firm_id, case_ref)
-- params: none (reads stg_cases, target_periods). A row is the latest up to P when the case's next report is after P
--   (a range join on [month, next_month), far cheaper than ranking every month's rows per period). Only the columns
--   the recovery metrics read: this is the largest staging table (cases x periods)
-- firms: only those with a submission in one of P's months (docs/metric-definitions.md, "Firm rows"). A firm that
--   skipped P has history reaching into P but gets no rows for P, and none of its cases are pooled into ALL (R4):
--   its figures for P would rest on carried-over case rows it never confirmed for P. (Every accepted submission
--   holds at least one case row, so the months of stg_cases are the accepted submissions.)
with
firm_last as (
    select tp.period, f.firm_id, max(f.month) as firm_last_month
    from target_periods as tp
    join (select distinct firm_id, month from stg_cases) as f on f.month <= tp.last_month
    group by tp.period, f.firm_id
    having max(f.month) >= min(tp.first_month)
)
select
    tp.period, tp.grain, tp.first_day, tp.last_day, tp.last_month_idx,
    v.firm_id, v.month, v.case_ref, v.product, v.region_code, v.placed_on, v.amount_placed, v.closed_on,
    v.dpd_bucket, v.vintage, v.vintage_idx, fl.firm_last_month,
    -- survival is observed up to the end of the firm's latest reported month, at most the period's end
    least(tp.last_day, last_day(cast(fl.firm_last_month || '-01' as date))) as censor_day
from target_periods as tp
join stg_cases as v on v.month <= tp.last_month and (v.next_month is null or v.next_month > tp.last_month)
join firm_last as fl on fl.period = tp.period and fl.firm_id = v.firm_id
