"""Month strings: the only form accepted anywhere is ``YYYY-MM``."""

from __future__ import annotations

import calendar
import re

from bulletin.core.errors import BulletinDataError

#: ASCII digits only: ``\d`` would also take full-width digits (２０２０-02) and make another path
_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


def parse_month(value: object) -> str:
    """Return ``value`` if it is a month ``YYYY-MM``, else raise :class:`BulletinDataError`.

    Anything else (``2020-2``, ``../x``, ``2020-13``) is refused before it can become a path.
    """
    if not isinstance(value, str) or not _MONTH.fullmatch(value):
        raise BulletinDataError(
            "not a month", column="month", value=value, expected="a month of the form YYYY-MM"
        )
    return value


def is_month(value: object) -> bool:
    return isinstance(value, str) and _MONTH.fullmatch(value) is not None


def _ym(month: str) -> tuple[int, int]:
    year, mon = parse_month(month).split("-")
    return int(year), int(mon)


def previous_month(month: str) -> str:
    """The month before ``month`` (``2020-01`` → ``2019-12``)."""
    year, mon = _ym(month)
    year, mon = (year - 1, 12) if mon == 1 else (year, mon - 1)
    return f"{year:04d}-{mon:02d}"


def months_before(month: str, lag: int) -> str:
    """The month ``lag`` months before ``month`` (``2020-02``, 12 → ``2019-02``)."""
    year, mon = _ym(month)
    index = year * 12 + (mon - 1) - lag
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def next_month(month: str) -> str:
    year, mon = _ym(month)
    year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return f"{year:04d}-{mon:02d}"


def month_runs(months: list[str]) -> list[tuple[str, str, int]]:
    """Months as runs of consecutive months: ``(first, last, how many)``, in order."""
    runs: list[tuple[str, str, int]] = []
    for m in sorted(months):
        if runs and next_month(runs[-1][1]) == m:
            runs[-1] = (runs[-1][0], m, runs[-1][2] + 1)
        else:
            runs.append((m, m, 1))
    return runs


def month_ranges(months: list[str], counted: bool = False) -> str:
    """Months as runs: ``2020-01 至 2020-06、2020-09`` (a list of sixty months stays one short line);
    ``counted`` adds each run's length: ``2020-03 至 2020-12（10 个月）``."""
    return "、".join(first if n == 1 else f"{first} 至 {last}" + (f"（{n} 个月）" if counted else "")
                    for first, last, n in month_runs(months))


def days_in_month(month: str) -> int:
    """Calendar days of ``month`` (29 for ``2020-02``)."""
    year, mon = _ym(month)
    return calendar.monthrange(year, mon)[1]


def month_label(month: str) -> str:
    """The month as printed in the bulletin: ``2020年2月``."""
    year, mon = _ym(month)
    return f"{year}年{mon}月"


def expand_months(spec: str) -> list[str]:
    """``2020-02`` → ``["2020-02"]``; ``2020-01:2020-03`` → the three months, in order (anything
    else, ``202002`` the number included, is refused as :func:`parse_month` refuses it)."""
    if not isinstance(spec, str) or ":" not in spec:
        return [parse_month(spec)]
    if spec.count(":") > 1:
        raise BulletinDataError(
            "not a month range", column="month", value=spec, expected="START:END, two months YYYY-MM"
        )
    start, _, end = spec.partition(":")
    start, end = parse_month(start), parse_month(end)
    if end < start:
        raise BulletinDataError(
            "month range runs backwards", column="month", value=spec, expected="START:END with START <= END"
        )
    out = [start]
    while out[-1] != end:
        out.append(next_month(out[-1]))
    return out
