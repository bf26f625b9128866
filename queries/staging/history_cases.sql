-- purpose: for history-dependent recovery metrics, each (firm, case) as last reported up to a target period's last month, with its censoring day
-- grain: one row per (period, firm_id, case_ref)
-- params: none (reads stg_cases, target_periods)
with up_to as (
    select
        tp.period, tp.grain, tp.first_day, tp.last_day, tp.last_month_idx, c.*,
        max(c.month) over (partition by tp.period, c.firm_id) as firm_last_month,
        row_number() over (partition by tp.period, c.firm_id, c.case_ref order by c.month desc) as latest
    from target_periods as tp
    join stg_cases as c on c.month <= tp.last_month
)
select
    *,
    -- survival is observed up to the end of the firm's latest reported month, at most the period's end
    least(last_day, last_day(cast(firm_last_month || '-01' as date))) as censor_day
from up_to
where latest = 1
