"""Chart builders for the dashboard and the report packs: Polars DataFrame in, plotly Figure out.

Every figure has a plain-words title, axis titles with units and hover text in the chosen
language (`lang`, words from the locale catalogs); tiers keep their colour-blind-safe colours
and always carry their symbol or word as well. Each builder's docstring names its input
columns. Builders never read the store or decide who may see what: the caller passes only
rows the audience may see (e.g. other firms' funnel points only for association staff).
"""

from .complaints import complaint_mix, complaint_outcomes, time_to_close, vulnerable_vs_other
from .conduct import contacts_heatmap, quiet_spans, violations_over_time
from .process import closure_mix, stages, stages_by_firm
from .recovery import fee_mix, quadrant, recovery_by, vintage_curves
from .standards import benchmark, firms_by_tier, funnel, funnel_curve, league, trend

__all__ = [
    "trend", "firms_by_tier", "league", "benchmark", "funnel", "funnel_curve",
    "contacts_heatmap", "quiet_spans", "violations_over_time",
    "complaint_mix", "complaint_outcomes", "time_to_close", "vulnerable_vs_other",
    "vintage_curves", "recovery_by", "quadrant", "fee_mix",
    "stages", "stages_by_firm", "closure_mix",
]
