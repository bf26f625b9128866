-- purpose: for history-dependent recovery metrics, each (firm, case) as last reported up to a target period's last month, with its censoring day
-- grain: one row per (last_month, firm_id, case_ref): a period's rows are those of its last month (a quarter and the
--   month it ends with share them, and a year its December: ~30% fewer rows than one set per period, measured at M),
--   restricted by the reader to the firms with a submission in one of the period's months (firm_last_month >= first_month)
-- params: none (reads stg_cases, target_periods). A row is the latest up to L when the case's next report is after L
--   (a range join on [month, next_month), far cheaper than ranking every month's rows per period). Only the columns
--   the recovery metrics read: this is the largest staging table (cases x last months)
-- firms: only those with a submission in one of P's months (docs/metric-definitions.md, "Firm rows"). A firm that
--   skipped P has history reaching into P but gets no rows for P, and none of its cases are pooled into ALL (R4):
--   its figures for P would rest on carried-over case rows it never confirmed for P. (Every accepted submission
--   holds at least one case row, so the months of stg_cases are the accepted submissions.) Here a firm is kept for L
--   when it submitted in one of the months of some period ending with L; each reader keeps it per period
with
last_months as (
    select last_month, min(first_month) as first_month, any_value(last_day) as last_day, any_value(last_month_idx) as last_month_idx
    from target_periods group by last_month
),
firm_last as (
    select l.last_month, f.firm_id, max(f.month) as firm_last_month
    from last_months as l
    join (select distinct firm_id, month from stg_cases) as f on f.month <= l.last_month
    group by l.last_month, f.firm_id
    having max(f.month) >= min(l.first_month)
)
select
    l.last_month, l.last_day, l.last_month_idx,
    v.firm_id, v.month, v.case_ref, v.product, v.region_code, v.placed_on, v.amount_placed, v.closed_on,
    v.dpd_bucket, v.vintage, v.vintage_idx, fl.firm_last_month,
    -- survival is observed up to the end of the firm's latest reported month, at most the period's end (the last
    -- month's end: every period ending with L ends on L's last day)
    least(l.last_day, last_day(cast(fl.firm_last_month || '-01' as date))) as censor_day
from last_months as l
join stg_cases as v on v.month <= l.last_month and (v.next_month is null or v.next_month > l.last_month)
join firm_last as fl on fl.last_month = l.last_month and fl.firm_id = v.firm_id
