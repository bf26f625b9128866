-- purpose: Regulation F call-frequency metrics: U1 (calls beyond the 7th within 7 consecutive local days, per case) and U2 (calls within 7 days of a conversation)
-- grain: one row per (firm_id, period, metric_id, dim)
-- params: $u1_max_calls, $u1_window_days, $u2_days. Reads every month (windows cross month ends); counts calls in the period.
--   lag with a bound offset: Spark binds a named parameter marker (:u1_max_calls) before analysis, so the offset stays
--   bound on Spark too (checked by tests/test_spark_parity.py). DuckDB spells IGNORE NULLS inside the call
--   (`lag(x, n ignore nulls) over ...`); sqlglot 30 translates it to Spark's `lag(x, n) ignore nulls over ...`.
--   Definitions: docs/metric-definitions.md
with
calls as (
    select firm_id, month, case_ref, contact_ref, contact_at, local_date, outbound_call, consented_time,
           connected and party = 'debtor' as conversation
    from stg_contact_events
    where channel = 'call'
),
ordered as (
    select *,
           -- only countable calls (outbound, no prior consent) take part in the 7-in-7 count
           -- the same window as last_conversation, so one sort serves both: the countable call max_calls places back
           -- is the max_calls-th earlier non-null date among the countable calls' dates (IGNORE NULLS)
           case when outbound_call and not consented_time then
               lag(case when outbound_call and not consented_time then local_date end, $u1_max_calls ignore nulls)
                   over (partition by firm_id, case_ref order by contact_at, contact_ref)
           end as date_of_call_before,
           max(case when conversation then local_date end)
               over (partition by firm_id, case_ref order by contact_at, contact_ref
                     rows between unbounded preceding and 1 preceding) as last_conversation
    from calls
),
firm_months as (
    select firm_id, month,
           count(*) filter (where outbound_call) as outbound_calls,
           count(*) filter (where outbound_call and not consented_time
                            and date_of_call_before >= local_date - ($u1_window_days - 1)) as u1_num,
           count(*) filter (where outbound_call and not consented_time
                            and last_conversation >= local_date - ($u2_days - 1)) as u2_num
    from ordered group by firm_id, month
),
periods as (
    select f.firm_id, tm.period, tp.grain,
           cast(sum(f.u1_num) as double) as u1_num, cast(sum(f.u2_num) as double) as u2_num,
           cast(sum(f.outbound_calls) as double) as outbound_calls
    from firm_months as f
    join target_months as tm on tm.month = f.month
    join target_periods as tp on tp.period = tm.period
    group by f.firm_id, tm.period, tp.grain
)
select firm_id, period, grain, 'U1' as metric_id, '' as dim, u1_num as numerator, outbound_calls as denominator from periods
union all select firm_id, period, grain, 'U2', '', u2_num, outbound_calls from periods
