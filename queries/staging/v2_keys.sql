-- purpose: the (debtor, creditor, local day) groups in which V2 counts calls of the contacts on the connection: after a
--   new firm-month only these groups' excess calls can change, for any firm (metrics.update)
-- grain: one row per (debtor_ref, creditor_ref, local_date)
-- params: none (reads stg_contacts: the submitting firm's month, old and new version)
select distinct debtor_ref, creditor_ref, local_date
from stg_contacts
where outbound_call and connected and party = 'debtor'
