"""``bulletin check``: the rules for one month (:mod:`.month`) and across months (:mod:`.across`).

:func:`check_month` ties out a month's stated totals, compares figures printed twice, flags
anomalies, lists what the bulletin did not print, and compares the month with the months before
it (cumulative figures, names never seen); :func:`check_range` does so for each month of a range.
"""

from __future__ import annotations

from .across import CUMULATIVES, NAME_COLUMNS, RangeReport, check_range, close
from .month import (
    CROSS_RULES,
    OUTLIER_MADS,
    OUTLIER_MIN_EVENTS,
    OUTLIER_MIN_PEERS,
    OUTLIER_MIN_RATIO,
    RULE_LABELS,
    SEVERITIES,
    SEVERITY_LABELS,
    WARNING_RULES,
    CheckReport,
    Finding,
    MonthData,
    Remainder,
    average_outliers,
    check_month,
)

__all__ = [
    "CROSS_RULES",
    "CUMULATIVES",
    "NAME_COLUMNS",
    "OUTLIER_MADS",
    "OUTLIER_MIN_EVENTS",
    "OUTLIER_MIN_PEERS",
    "OUTLIER_MIN_RATIO",
    "RULE_LABELS",
    "SEVERITIES",
    "SEVERITY_LABELS",
    "WARNING_RULES",
    "CheckReport",
    "Finding",
    "MonthData",
    "RangeReport",
    "Remainder",
    "average_outliers",
    "check_month",
    "check_range",
    "close",
]
