-- purpose: every stored case row, typed and with the derived keys the metrics group by (dpd bucket, vintage)
-- grain: one row per (firm_id, period, case_ref): period is the submission month; next_month = the case's next report
--   (computed once here: the period and history case sets pick a case's row for a period with it). The debtor and
--   hold columns only contacts need are read there from the stored rows: this table stays small
-- params: none
select
    c.firm_id,
    c.period as month,
    c.case_ref,
    c.product,
    c.region_code,
    c.placed_on,
    c.dpd_at_placement,
    cast(c.amount_placed as double) as amount_placed,
    coalesce(c.vulnerable, false) as vulnerable,
    c.status,
    c.closed_on,
    case
        when c.dpd_at_placement <= 30 then 'M1'
        when c.dpd_at_placement <= 60 then 'M2'
        when c.dpd_at_placement <= 90 then 'M3'
        when c.dpd_at_placement <= 180 then 'M4-M6'
        else 'M6+'
    end as dpd_bucket,
    strftime(c.placed_on, '%Y-%m') as vintage,
    extract(year from c.placed_on) * 12 + extract(month from c.placed_on) - 1 as vintage_idx,
    lead(c.period) over (partition by c.firm_id, c.case_ref order by c.period) as next_month
from cases as c
