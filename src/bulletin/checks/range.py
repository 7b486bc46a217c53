"""``bulletin check START:END``: each month of a range in the data, one digest history shared."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from bulletin.checks.month import check_month
from bulletin.checks.report import CheckReport
from bulletin.core.month_strings import month_ranges, month_runs
from bulletin.data.loaders import range_months

PathLike = str | os.PathLike[str] | None


@dataclass
class RangeReport:
    """The reports of the months of a range (``2020-01:2020-06``) that are in the data."""

    spec: str
    reports: list[CheckReport]
    #: months of the range with no folder in the data directory
    #: (shown as runs: :func:`~bulletin.core.month_strings.month_runs`)
    absent: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """The worst of the months' exit codes."""
        return max((r.exit_code for r in self.reports), default=0)

    def summary(self) -> str:
        errors = sum(len(r.errors) for r in self.reports)
        warnings = sum(len(r.warnings) for r in self.reports)
        notes = sum(len(r.notes) for r in self.reports)
        return (f"{self.spec}：{len(self.reports)} 个月，{errors} 个错误，{warnings} 个警告，{notes} 条提示"
                + (f"；无数据的月份 {month_ranges(self.absent, counted=True)}" if self.absent else ""))

    def to_text(self) -> str:
        """Each month's report in order, then one summary line for the range."""
        return "\n\n".join([*(r.to_text() for r in self.reports), self.summary()])

    def to_dict(self) -> dict[str, object]:
        return {
            "range": self.spec,
            "summary": self.summary(),
            "exit_code": self.exit_code,
            # runs, not every month: 1000-01:9999-12 is a hundred thousand months
            "absent": [{"from": first, "to": last, "months": n} for first, last, n in month_runs(self.absent)],
            "months": [r.to_dict() for r in self.reports],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


def check_range(spec: str, data_dir: PathLike = None) -> RangeReport:
    """Check every month of ``START:END`` that is in the data: each month's own checks and its
    checks against the months before it (cumulative figures, names never seen).

    Raises :class:`BulletinDataError` for a range not of the form ``YYYY-MM:YYYY-MM`` or one with
    no month in the data.
    """
    found, absent = range_months(spec, data_dir)
    from bulletin.history import History

    digests = History(data_dir)
    reports = [check_month(m, data_dir, digests=digests) for m in found]
    return RangeReport(spec, reports, absent)
