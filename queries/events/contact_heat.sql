-- purpose: outbound contacts by local weekday and hour, for the conduct heatmap (quiet windows show up at a glance)
-- grain: one row per (ISO weekday 1-7, local hour 0-23) with at least one contact
-- params: $firm_id (a firm, or NULL for every firm), $first_day, $last_day (dates, inclusive)
select
    cast(extract(isodow from contact_at) as integer) as weekday,
    cast(extract(hour from contact_at) as integer) as hour,
    count(*) as contacts
from contacts
where direction = 'outbound'
  and cast(contact_at as date) between $first_day and $last_day
  and ($firm_id is null or firm_id = $firm_id)
group by all
order by weekday, hour
