-- purpose: the calls V2 counts (connected outbound calls to the debtor) among the contacts on the connection, with the
--   columns staging/v2_excess.sql reads; after a new firm-month, the submitting firm's calls (old and new version) name
--   the (debtor, creditor, local day) groups whose excess can change (metrics.update)
-- grain: one row per (firm_id, month, contact_ref) of a call V2 counts
-- params: none (reads stg_contacts: the submitting firm's month)
select firm_id, month, contact_ref, contact_at_utc, local_date, party, connected, outbound_call, debtor_ref, creditor_ref
from stg_contacts
where outbound_call and connected and party = 'debtor'
