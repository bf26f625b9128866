-- purpose: the industry's fee-model mix (percentage / fixed / success) over the cases held in a period; never fee rates
-- grain: one row per fee_model
-- params: $first_day, $last_day (dates, inclusive): cases held at some time in the period
select fee_model, count(distinct firm_id || '/' || case_ref) as cases
from cases
where placed_on <= $last_day and (closed_on is null or closed_on >= $first_day)
  and period between strftime($first_day, '%Y-%m') and strftime($last_day, '%Y-%m')
group by fee_model
order by fee_model
