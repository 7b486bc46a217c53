"""``bulletin check``: one module a job.

:mod:`.report` (findings and the report), :mod:`.reading` (the month as the checks read it),
:mod:`.totals` (stated totals and 小计), :mod:`.rules` (the declared cross-table and warning rules),
:mod:`.across` (against the months before: cumulative figures, names never seen), :mod:`.month`
(:func:`check_month`, all of these for one month) and :mod:`.range` (:func:`check_range`, each
month of a range).
"""

from __future__ import annotations

from bulletin.checks.across import CUMULATIVES, NAME_COLUMNS, close
from bulletin.checks.month import check_month
from bulletin.checks.range import RangeReport, check_range
from bulletin.checks.reading import CheckedMonth
from bulletin.checks.report import RULE_LABELS, SEVERITIES, SEVERITY_LABELS, CheckReport, Finding, Remainder
from bulletin.checks.rules import (
    CROSS_RULES,
    OUTLIER_MADS,
    OUTLIER_MIN_EVENTS,
    OUTLIER_MIN_PEERS,
    OUTLIER_MIN_RATIO,
    WARNING_RULES,
    average_outliers,
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
    "CheckedMonth",
    "Finding",
    "RangeReport",
    "Remainder",
    "average_outliers",
    "check_month",
    "check_range",
    "close",
]
