"""``bulletin check`` across months: cumulative figures that tie out, and names never seen before.

:func:`~bulletin.checks.month.check_month` adds these findings to a month's report, comparing it
with the earlier months' digests and the alias table ``data/units.csv``: a cumulative figure that
fell is an error (``cumulative_fell``), one that grew by other than the month's own total a note
(``cumulative_gap``), a new name close to a known one a warning (``name_close_to_known``). The
rules and their reasons: ARCHITECTURE.md, "Across months".
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from bulletin.checks.report import Finding, figure_text
from bulletin.core.month_strings import month_label, previous_month
from bulletin.core.schema import FACTS, TELEMEDICINE_MEASURES
from bulletin.data.units import Aliases, aliases

PathLike = str | os.PathLike[str] | None


class Digests(Protocol):
    """What the checks across months read of the months' digests (:class:`bulletin.history.History`,
    a layer above the checks, which computes each month's :func:`check_inputs` into its digest)."""

    def months(self) -> list[str]: ...

    def digest(self, month: str) -> dict: ...


@dataclass(frozen=True)
class Cumulative:
    """A running total the bulletin states, and the month's own total it should grow by (if any).

    ``fact``: a fact key of ``facts.csv``; or ``measure``: a measure of ``telemedicine.csv``,
    one figure per platform (platforms matched through ``units.csv``).
    """

    fact: str | None = None
    measure: str | None = None
    #: the month's own total: a fact key (with ``fact``) or a measure (with ``measure``)
    monthly: str | None = None


#: the cumulative figures of the bulletin; one line per figure
CUMULATIVES: tuple[Cumulative, ...] = (
    Cumulative(fact="appointments.cumulative_total", monthly="appointments.total.total"),
    Cumulative(fact="platform.cumulative_records"),
    Cumulative(measure="institutions"),
    Cumulative(measure="consultations_cumulative", monthly="consultations"),
)

#: (table, column) → kind of name (the kinds of ``units.csv``); kiosks' units are hospitals or
#: districts by their group
NAME_COLUMNS: dict[tuple[str, str], str] = {
    ("hotline_categories", "category"): "category",
    ("province_calls", "city"): "city",
    ("appointments", "hospital"): "hospital",
    ("booking_channels", "channel"): "channel",
    ("telemedicine", "platform"): "platform",
    ("telemedicine_top_uploaders", "platform"): "platform",
    ("telemedicine_top_uploaders", "hospital"): "hospital",
    ("platform_districts", "district"): "district",
    ("platform_hospitals", "hospital"): "hospital",
    ("kiosks", "unit"): "group",
}
KIOSK_GROUP_KINDS = {"hospital": "hospital", "district": "district"}

#: the least difflib ratio between the distinctive parts of two names for them to be "close"
CLOSE_RATIO = 0.8
#: what many names share and so says nothing about which unit a name is
_GENERIC = re.compile(r"中国人民解放军|南京市|南京|附属|第|医院|院$")


def _core(name: str) -> str:
    return _GENERIC.sub("", name) or name


def close(a: str, b: str) -> bool:
    """Whether two different names are likely the same unit spelt differently.

    >>> close("南京市鼓楼医院", "南京鼓楼医院"), close("八一医院", "中国人民解放军第八一医院")
    (True, True)
    >>> close("南京市第一医院", "南京市第二医院"), close("南京市口腔医院", "江苏省口腔医院")
    (False, False)
    """
    ca, cb = _core(a), _core(b)
    return ca == cb or difflib.SequenceMatcher(None, ca, cb).ratio() >= CLOSE_RATIO


def names_in(tables: dict[str, pd.DataFrame]) -> Iterator[tuple[str, str, str, str]]:
    """(table, column, kind, name) for every name printed in a month's tables."""
    for (name, column), kind in NAME_COLUMNS.items():
        frame = tables.get(name)
        if frame is None:
            continue
        groups = frame["group"] if kind == "group" else None
        for i, value in enumerate(frame[column]):
            unit_kind = KIOSK_GROUP_KINDS.get(str(groups.iloc[i]), "hospital") if groups is not None else kind
            yield name, column, unit_kind, str(value)


@dataclass
class _Earlier:
    """What the months before the checked one hold: facts, telemedicine rows, names by kind."""

    months: list[str]
    facts: dict[str, dict[str, object]]
    telemedicine: dict[str, list[list]]
    names: dict[str, set[str]]


#: the fact keys and the telemedicine measures the cumulative rules read
_FACT_KEYS = tuple(sorted({k for r in CUMULATIVES if r.fact for k in (r.fact, r.monthly) if k}))
_MEASURES = frozenset(k for r in CUMULATIVES if r.measure for k in (r.measure, r.monthly) if k)


def _tele_rows(frame: pd.DataFrame | None) -> list[list] | None:
    """The telemedicine rows of the cumulative measures: ``[platform, measure, value]``."""
    if frame is None:
        return None
    return [[str(p), str(ms), _int(v)] for p, ms, v in zip(frame["platform"], frame["measure"], frame["value"],
                                                            strict=True) if str(ms) in _MEASURES]


def check_inputs(tables: dict[str, pd.DataFrame], facts: dict[str, object] | None) -> dict:
    """What the checks of later months read of a month, as JSON holds it (kept in its digest,
    :mod:`bulletin.history`): its cumulative figures (``facts``), its platforms' cumulative
    measures (``telemedicine``) and every name it prints, by kind (``names``)."""
    names: dict[str, set[str]] = {}
    for _, _, kind, value in names_in(tables):
        names.setdefault(kind, set()).add(value)
    return {
        "facts": None if facts is None else {k: _int(facts.get(k)) for k in _FACT_KEYS if facts.get(k) is not None},
        "telemedicine": _tele_rows(tables.get("telemedicine")),
        "names": {kind: sorted(found) for kind, found in sorted(names.items())},
    }


def _read_earlier(month: str, history: Digests) -> _Earlier:
    """The months of the data directory before ``month``, from their digests (each read or
    computed once per ``history``, which the months of a range share)."""
    earlier = [m for m in history.months() if m < month]
    facts: dict[str, dict[str, object]] = {}
    tele: dict[str, list[list]] = {}
    names: dict[str, set[str]] = {}
    for m in earlier:
        part = history.digest(m)["check"]
        if part.get("facts") is not None:
            facts[m] = part["facts"]
        if part.get("telemedicine") is not None:
            tele[m] = part["telemedicine"]
        for kind, found in part.get("names", {}).items():
            names.setdefault(kind, set()).update(found)
    return _Earlier(earlier, facts, tele, names)


def _int(value: object) -> int | None:
    if value is None or value is pd.NA:
        return None
    return int(value)  # type: ignore[call-overload]


def _platform_figures(rows: list[list] | None, measure: str, units: Aliases) -> dict[str, int]:
    """Canonical platform → its figure for ``measure`` (``rows`` as :func:`_tele_rows` gives them)."""
    out = {}
    for platform, ms, value in rows or ():
        if ms == measure and value is not None:
            out[units.canonical(platform)] = value
    return out


def _series(rule: Cumulative, facts: dict[str, object] | None, tele: list[list] | None,
            units: Aliases) -> dict[str, tuple[int | None, int | None]]:
    """Subject → (cumulative, monthly) of one month: one subject for a fact, one per platform for a measure."""
    if rule.fact is not None:
        facts = facts or {}
        cum = _int(facts.get(rule.fact))
        monthly = _int(facts.get(rule.monthly)) if rule.monthly else None
        return {"": (cum, monthly)} if cum is not None else {}
    cums = _platform_figures(tele, rule.measure or "", units)
    monthly_figures = _platform_figures(tele, rule.monthly, units) if rule.monthly else {}
    return {p: (v, monthly_figures.get(p)) for p, v in cums.items()}


def _label(rule: Cumulative, subject: str) -> tuple[str, str, str]:
    """(table, Chinese name of the figure, unit) for a message."""
    if rule.fact is not None:
        fact = FACTS[rule.fact]
        return "facts", f"「{fact.label}」", fact.unit
    label, unit = TELEMEDICINE_MEASURES[rule.measure or ""]
    return "telemedicine", f"{subject}「{label}」", unit


def _monthly_label(rule: Cumulative) -> str:
    if rule.fact is not None:
        return FACTS[rule.monthly or ""].label
    return TELEMEDICINE_MEASURES[rule.monthly or ""][0]


def cumulative_findings(month: str, facts: dict[str, object] | None, telemedicine: pd.DataFrame | None,
                        earlier: _Earlier, units: Aliases) -> Iterator[Finding]:
    """The cumulative rules of :data:`CUMULATIVES` for ``month`` against its earlier months."""
    before = previous_month(month)
    rows = _tele_rows(telemedicine)
    for rule in CUMULATIVES:
        now = _series(rule, facts, rows, units)
        for subject, (cum, monthly) in now.items():
            table, what, unit = _label(rule, subject)
            key = rule.fact or rule.measure
            # the latest earlier month that states the figure
            prev_month, prev = None, None
            for m in reversed(earlier.months):
                value = _series(rule, earlier.facts.get(m), earlier.telemedicine.get(m), units).get(subject)
                if value is not None and value[0] is not None:
                    prev_month, prev = m, value[0]
                    break
            if prev is None or cum is None:
                continue
            if cum < prev:
                yield Finding(
                    "error", "cumulative_fell", table, subject or None, key, cum, prev,
                    f"{what}{month_label(month)}为 {figure_text(cum)}{unit}，少于{month_label(prev_month)}的 "
                    f"{figure_text(prev)}{unit}（减少 {figure_text(prev - cum)}）：累计数不应下降",
                )
                continue
            if monthly is None or prev_month != before:
                continue
            grown = cum - prev
            if grown != monthly:
                yield Finding(
                    "note", "cumulative_gap", table, subject or None, key, grown, monthly,
                    f"{what}由{month_label(prev_month)}的 {figure_text(prev)} 增至 {figure_text(cum)}，"
                    f"增加 {figure_text(grown)}{unit}；"
                    f"而本月「{_monthly_label(rule)}」为 {figure_text(monthly)}{unit}，"
                    f"相差 {figure_text(grown - monthly)}",
                )


class KnownNames:
    """The known names of one kind, indexed so that :func:`close` runs only on candidates.

    ``close`` holds when the distinctive parts are equal (a dictionary look-up) or their difflib
    ratio is at least :data:`CLOSE_RATIO`. The ratio is ``2·M/(len a + len b)``, and the matched
    characters ``M`` never exceed the characters the two parts share (difflib's ``quick_ratio``), so
    a character index counts, for each name, what it shares with every known name holding one of
    its characters, and difflib runs only where the bound reaches the ratio: the same names as a
    comparison with every known name, in time that grows with the names sharing characters rather
    than with difflib over the whole alias table (issue 27: 1.8 ms a row of ``units.csv`` before).
    """

    def __init__(self, names: set[str]) -> None:
        self.names = sorted(names)
        self.cores = [_core(n) for n in self.names]
        self.by_core: dict[str, list[int]] = {}
        self.index: dict[str, list[tuple[int, int]]] = {}  # character → (name, how many times)
        for i, core in enumerate(self.cores):
            self.by_core.setdefault(core, []).append(i)
            for ch, n in _counts(core).items():
                self.index.setdefault(ch, []).append((i, n))

    def close_to(self, name: str) -> list[str]:
        """The known names close to ``name`` (``name`` itself left out), in sorted order."""
        core = _core(name)
        found = set(self.by_core.get(core, ()))
        shared: dict[int, int] = {}
        for ch, n in _counts(core).items():
            for i, m in self.index.get(ch, ()):
                shared[i] = shared.get(i, 0) + min(n, m)
        for i, common in shared.items():  # the bound with a hair of slack for float rounding; close() decides
            if i not in found and 2 * common + 1e-9 >= CLOSE_RATIO * (len(core) + len(self.cores[i])) \
                    and close(name, self.names[i]):
                found.add(i)
        return [self.names[i] for i in sorted(found) if self.names[i] != name]


def _counts(text: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for ch in text:
        out[ch] = out.get(ch, 0) + 1
    return out


def name_findings(tables: dict[str, pd.DataFrame], earlier: _Earlier, units: Aliases) -> Iterator[Finding]:
    """A warning for each name never seen before (not in ``units.csv``, not in an earlier month) that is
    close to a known name of the same kind."""
    reported: set[tuple[str, str]] = set()
    known: dict[str, KnownNames] = {}  # by kind, built once
    for table, column, kind, name in names_in(tables):
        if units.known(name) or name in earlier.names.get(kind, set()) or (kind, name) in reported:
            continue
        if kind not in known:
            known[kind] = KnownNames(units.names(kind) | earlier.names.get(kind, set()))
        matches = known[kind].close_to(name)
        if not matches:
            continue
        reported.add((kind, name))
        canonical = units.canonical(matches[0])
        shown = "、".join(f"「{m}」" for m in matches[:3])
        yield Finding(
            "warning", "name_close_to_known", table, name, column, name, matches[0],
            f"「{name}」此前从未出现（不在 units.csv，也不在此前各月），与已知的{shown}相近："
            f"若为同一单位，请在 data/units.csv 加一行 {canonical},{name},{kind}",
        )


def history_state(month: str, data_dir: PathLike, history: Digests) -> dict:
    """Exactly what the checks of ``month`` read of the months before it, as JSON holds it: every
    name seen by kind, and for each cumulative figure (and platform) the latest earlier month that
    states it with its value. Two histories with the same state give ``month`` the same findings,
    so the batch keys a section that shows the check on this (a correction of one hospital's
    bookings two months back changes nothing here; a renamed unit or a changed cumulative does)."""
    earlier = _read_earlier(month, history)
    units = aliases(data_dir)
    latest: dict[str, list] = {}
    for rule in CUMULATIVES:
        for m in earlier.months:  # in order: a later month's figure replaces an earlier one
            for subject, (cum, _) in _series(rule, earlier.facts.get(m), earlier.telemedicine.get(m), units).items():
                if cum is not None:
                    latest[f"{rule.fact or rule.measure}|{subject}"] = [m, cum]
    return {"names": {kind: sorted(found) for kind, found in sorted(earlier.names.items())},
            "latest": dict(sorted(latest.items()))}


def across_months(month: str, tables: dict[str, pd.DataFrame], facts: dict[str, object] | None,
                  data_dir: PathLike, history: Digests) -> list[Finding]:
    """The findings of ``month`` against the months before it and the alias table (``history``: the
    months' digests, :class:`bulletin.history.History`, shared by the months of a range)."""
    earlier = _read_earlier(month, history)
    units = aliases(data_dir)
    return [
        *cumulative_findings(month, facts, tables.get("telemedicine"), earlier, units),
        *name_findings(tables, earlier, units),
    ]
