"""The comparisons the package makes, declared once: 环比 (with the month before) and 同比 (with the
same month a year earlier).

A comparison is a lag in months and the words a reader sees. Every output that compares a month
with an earlier one loops over :data:`COMPARISONS` and shows those whose base month is in the data
(a comparison without its base month shows nothing, never 0). Light on purpose (no pandas): the
batch's cache keys read :func:`base_months` to cover the months a comparison reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from bulletin.core.month_strings import month_label, months_before


@dataclass(frozen=True)
class Basis:
    """One comparison: its name (``同比``), how many months back its base month is, what that month
    is called (``上年同月``) and a short key for machine-readable column names (``yoy``)."""

    name: str
    lag: int
    label: str
    key: str

    def base(self, month: str) -> str:
        """The month ``month`` is compared with (``2020-02`` → ``2019-02`` for 同比)."""
        return months_before(month, self.lag)

    @property
    def change_label(self) -> str:
        """The heading of the worded change (``同比变化``)."""
        return f"{self.name}变化"

    @property
    def delta_label(self) -> str:
        """The heading of the change as a number (``同比增减``)."""
        return f"{self.name}增减"

    @property
    def ratio_label(self) -> str:
        """The heading of the change as a fraction of the base (``同比增幅``)."""
        return f"{self.name}增幅"

    def missing(self, month: str) -> str:
        """The line saying the base month is not in the data (``…本月不作环比比较。``)."""
        return f"数据中没有{self.label}（{month_label(self.base(month))}）的数据，本月不作{self.name}比较。"


MONTH_ON_MONTH = Basis("环比", 1, "上月", "mom")
YEAR_ON_YEAR = Basis("同比", 12, "上年同月", "yoy")
#: every comparison, in the order the outputs show them
COMPARISONS: tuple[Basis, ...] = (MONTH_ON_MONTH, YEAR_ON_YEAR)


def base_months(month: str) -> list[str]:
    """The base months of every comparison of ``month`` (named whether or not they are in the data)."""
    return [b.base(month) for b in COMPARISONS]


__all__ = ["COMPARISONS", "MONTH_ON_MONTH", "YEAR_ON_YEAR", "Basis", "base_months"]
