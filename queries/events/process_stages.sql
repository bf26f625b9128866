-- purpose: where the cases held at period end stand in the collection process, and how closed ones closed
-- grain: one row per (firm_id, stage): assessment (active, never contacted), first_contact (active, contacted),
--   repayment_plan (negotiated), legal_action, or closed:<status>
-- params: $month (YYYY-MM: the period's last month), $firm_id (a firm, or NULL for every firm)
-- reads: first_contact (events/first_contact: the refresh's per-case file, or that query over the contacts)
with held as (
    select c.firm_id, c.case_ref, c.status
    from cases as c
    where c.period = $month and ($firm_id is null or c.firm_id = $firm_id)
),
contacted as (
    select firm_id, case_ref
    from first_contact
    where first_month <= $month and ($firm_id is null or firm_id = $firm_id)
)
select
    h.firm_id,
    case
        when h.status = 'active' and k.case_ref is null then 'assessment'
        when h.status = 'active' then 'first_contact'
        when h.status in ('repayment_plan', 'legal_action') then h.status
        else 'closed:' || h.status
    end as stage,
    count(*) as cases
from held as h
left join contacted as k on k.firm_id = h.firm_id and k.case_ref = h.case_ref
group by all
order by h.firm_id, stage
