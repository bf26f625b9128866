-- purpose: the month each case was first contacted outbound, so "contacted yet" at a month is one comparison
--   (kept per snapshot at metric refresh; the process stages read it instead of scanning every contact)
-- grain: one row per (firm_id, case_ref) with at least one outbound contact
-- params: $firm_id (a firm, or NULL for every firm)
select firm_id, case_ref, min(period) as first_month
from contacts
where direction = 'outbound' and ($firm_id is null or firm_id = $firm_id)
group by firm_id, case_ref
order by firm_id, case_ref
