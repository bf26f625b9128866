-- purpose: ACCC/ASIC A1: actual contacts per case beyond max_week in an ISO week or beyond max_month in a calendar month
-- grain: one row per (firm_id, period, metric_id, dim)
-- params: $a1_max_week, $a1_max_month. Reads every month (ISO weeks cross month ends); counts contacts in the period.
--   Portable apart from strftime for the ISO week key: Spark's date_format has no ISO week-year, so spark/translate.py
--   builds '%G-%V' from the year of the week's Thursday and weekofyear. Definitions: docs/metric-definitions.md
with
actual as (
    select firm_id, month, case_ref, contact_ref, contact_at, local_date
    from stg_contact_events
    where outbound and party = 'debtor' and (channel not in ('call', 'ivr') or connected)
),
ranked as (
    select *,
           row_number() over (partition by firm_id, case_ref, strftime(local_date, '%G-%V')
                              order by contact_at, contact_ref) as in_week,
           row_number() over (partition by firm_id, case_ref, month order by contact_at, contact_ref) as in_month
    from actual
),
firm_months as (
    select firm_id, month,
           count(*) as contacts,
           count(*) filter (where in_week > $a1_max_week) as week_excess,
           count(*) filter (where in_month > $a1_max_month) as month_excess,
           count(*) filter (where in_week > $a1_max_week or in_month > $a1_max_month) as excess
    from ranked group by firm_id, month
),
periods as (
    select f.firm_id, tm.period, tp.grain,
           cast(sum(f.excess) as double) as excess, cast(sum(f.week_excess) as double) as week_excess,
           cast(sum(f.month_excess) as double) as month_excess, cast(sum(f.contacts) as double) as contacts
    from firm_months as f
    join target_months as tm on tm.month = f.month
    join target_periods as tp on tp.period = tm.period
    group by f.firm_id, tm.period, tp.grain
)
select firm_id, period, grain, 'A1' as metric_id, '' as dim, excess as numerator, contacts as denominator from periods
union all select firm_id, period, grain, 'A1', 'rule=week', week_excess, contacts from periods
union all select firm_id, period, grain, 'A1', 'rule=month', month_excess, contacts from periods
