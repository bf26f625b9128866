-- purpose: days from receipt to closure of the complaints closed in a period (for the time-to-close histogram against the 15-day standard)
-- grain: one row per number of days with at least one complaint
-- params: $firm_id (a firm, or NULL for every firm), $first_day, $last_day (dates, inclusive)
select date_diff('day', received_on, closed_on) as days, count(distinct firm_id || '/' || complaint_ref) as complaints
from complaints
where closed_on between $first_day and $last_day
  and ($firm_id is null or firm_id = $firm_id)
group by all
order by days
