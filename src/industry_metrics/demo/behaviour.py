"""How each demo firm behaves: a compliant baseline, and the specific misconduct of specific firms.

SCENARIOS is the one table of who does what; tests and docs read it. Each scenario changes
a few fields of the baseline Profile, strongly enough to stand out in its metric.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Profile:
    """Per-firm behaviour parameters; rates are probabilities per event unless named otherwise."""

    intensity: float = 1.0  # contact volume relative to the industry
    night_share: float = 0.0004  # outbound contacts placed in the quiet window 22:00-08:00
    night_consented: float = 0.5  # of those, share the debtor agreed to
    improper_third_party: float = 0.0002  # emergency/unrelated contacts while the debtor is reachable
    disclosed_debt: float = 0.0
    respects_holds: bool = True  # drops outbound contacts to the debtor during a hold
    unrecorded: float = 0.003  # calls and visits without a recording
    single_collector: float = 0.001  # visits with one collector present
    vulnerable_factor: float = 0.6  # contact volume on vulnerable cases relative to the others
    qa_finding: float = 0.001  # reviews with at least one finding
    slow_complaints: float = 0.03  # complaints closed after more than 15 days
    incidents_per_month: float = 0.08
    late_incident_reports: float = 0.05  # incidents reported more than 4 hours after detection
    unanswered_floods: float = 0.0  # share of cases per month hit by a day of 8-14 unanswered calls
    shared_flood: bool = False  # joins the cross-agency daily call flood on the shared debtors
    complaint_rate: float = 1.0
    complaint_skew: str = ""  # a complaint category this firm's misconduct provokes


BASELINE = Profile()


@dataclass(frozen=True)
class Scenario:
    firm_id: str
    metric: str
    title: str
    changes: dict


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("F003", "V1", "calls debtors at night", {"night_share": 0.03, "night_consented": 0.02, "complaint_rate": 2.5, "complaint_skew": "out_of_hours"}),
    Scenario("F005", "V2", "call floods on shared debtors, together with F008", {"shared_flood": True, "complaint_skew": "excessive_contact"}),
    Scenario("F008", "V2", "call floods on shared debtors, together with F005", {"shared_flood": True, "complaint_skew": "excessive_contact"}),
    Scenario("F004", "V3", "floods debtors' numbers with unanswered calls", {"unanswered_floods": 0.08, "complaint_skew": "excessive_contact"}),
    Scenario("F009", "V4", "calls emergency contacts and contact lists while the debtor is reachable", {"improper_third_party": 0.3, "disclosed_debt": 0.02, "complaint_rate": 2.0, "complaint_skew": "third_party_contact"}),
    Scenario("F013", "V5", "keeps contacting debtors during holds", {"respects_holds": False}),
    Scenario("F014", "V6", "does not record calls and visits", {"unrecorded": 0.35}),
    Scenario("F018", "V7", "sends a single collector on field visits", {"single_collector": 0.6}),
    Scenario("F019", "V8", "contacts vulnerable debtors more than others", {"vulnerable_factor": 2.5, "complaint_skew": "vulnerable_treatment"}),
    Scenario("F023", "V9", "QA reviews find threats and insults", {"qa_finding": 0.06, "complaint_skew": "threats_abuse"}),
    Scenario("F010", "C3", "handles complaints slowly (and draws more of them)", {"slow_complaints": 0.7, "complaint_rate": 10.0}),
    Scenario("F024", "V10", "has data incidents and reports them late", {"incidents_per_month": 2.5, "late_incident_reports": 0.8}),
)

# Submission events that are not misconduct: (firm, nominal period index; see event_period).
LATE_FIRM = "F027"  # submits its last period after every other firm
REJECTED_FIRST = ("F029", 3)  # first try includes a `phone` column with mobile numbers; resubmitted clean
RESUBMITTED = ("F011", 5)  # v1 accepted, then superseded by a corrected v2
JOINED_LATE = ("F030", 4)  # joins the association in this period: the panel changes
XLSX_FIRM = "F002"  # sends one workbook with a sheet per table


def event_period(nominal: int, months: int) -> int | None:
    """The period index of a submission event in a demo of `months` months (short demos move it earlier)."""
    return min(nominal, months - 1) if months >= 2 else None


def profile(firm_id: str) -> Profile:
    changes = {}
    for s in SCENARIOS:
        if s.firm_id == firm_id:
            changes.update(s.changes)
    return replace(BASELINE, **changes)


def scenarios_for(firm_ids: set[str]) -> list[Scenario]:
    """The scenarios whose firm exists in a demo of this size."""
    return [s for s in SCENARIOS if s.firm_id in firm_ids]
