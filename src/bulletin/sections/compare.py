"""Month-on-month change, the same way for every section.

A section compares its headline figures and each of its units with the month before when that
month is in the data directory; when it is not, the notebook shows one line saying so
(:class:`Note`). Units present in only one of the two months are kept: a unit new this month reads
新增 for the change, one that was there last month and is gone reads 本月无; a figure of a unit
present in both months but not reported (未反馈) reads 未反馈.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

import pandas as pd

from .. import fmt
from ..loaders import PathLike, months
from ..months import month_label, previous_month
from . import Note  # sections return it as compare.Note

#: the canonical columns of a comparison frame (Chinese labels in :data:`bulletin.fmt.LABELS`)
COLUMNS = ("value", "previous", "change", "change_pct", "presence")

#: ``presence`` of a unit in the two months compared, and how its change reads when not in both
BOTH, NEW, GONE = "both", "new", "gone"
PRESENCE_TEXT = {NEW: "新增", GONE: "本月无"}


def previous_in_data(month: str, data_dir: PathLike = None) -> str | None:
    """The month before ``month`` if it is in the data directory, else ``None``."""
    prev = previous_month(month)
    return prev if prev in months(data_dir) else None


def no_previous(month: str) -> Note:
    """The line shown when the month before is not in the data."""
    prev = previous_month(month)
    return Note(f"数据中没有上月（{month_label(prev)}）的数据，本月不作环比比较。")


def _ratio(change: object, previous: object) -> float:
    if fmt.is_missing(change) or fmt.is_missing(previous) or float(previous) == 0:
        return float("nan")
    return float(change) / float(previous)


def _sub(a: object, b: object) -> object:
    if fmt.is_missing(a) or fmt.is_missing(b):
        return pd.NA
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return Decimal(str(a)) - Decimal(str(b))
    return int(a) - int(b)


def units(current: pd.DataFrame, previous: pd.DataFrame, key: str, value: str) -> pd.DataFrame:
    """Per unit: ``key``, ``value``, ``previous``, ``change``, ``change_pct`` (a fraction) and
    ``presence`` (:data:`BOTH`, :data:`NEW` this month, or :data:`GONE` since last month).

    Rows follow ``current``; units found only in ``previous`` follow at the end with ``value``
    missing.
    """
    prev = dict(zip(previous[key], previous[value], strict=True))
    rows = []
    for name, v in zip(current[key], current[value], strict=True):
        rows.append((name, v, prev.pop(name), BOTH) if name in prev else (name, v, pd.NA, NEW))
    rows.extend((name, pd.NA, p, GONE) for name, p in prev.items())
    out = pd.DataFrame(rows, columns=[key, "value", "previous", "presence"], dtype=object)
    out["change"] = [_sub(a, b) for a, b in zip(out["value"], out["previous"], strict=True)]
    out["change_pct"] = [_ratio(c, p) for c, p in zip(out["change"], out["previous"], strict=True)]
    return out[[key, *COLUMNS]]


def headlines(current: Mapping[str, object], previous: Mapping[str, object]) -> pd.DataFrame:
    """Headline figures ``{label: value}`` of two months side by side, with their change."""
    frame = pd.DataFrame({"label": list(current), "value": list(current.values())}, dtype=object)
    prev = pd.DataFrame({"label": list(previous), "value": list(previous.values())}, dtype=object)
    return units(frame, prev, "label", "value")


def changes(
    month: str, data_dir: PathLike, headline_figures: Callable[[str, PathLike], Mapping[str, object]]
) -> pd.DataFrame | None:
    """:func:`headlines` of ``month`` and the month before, or ``None`` when that month is not in the data."""
    prev = previous_in_data(month, data_dir)
    if prev is None:
        return None
    return headlines(headline_figures(month, data_dir), headline_figures(prev, data_dir))


def _value(v: object, money: bool, present: bool) -> str:
    """A figure of one month: — when the unit is absent that month, 未反馈 when it did not report."""
    na = fmt.NOT_REPORTED if present else fmt.UNDEFINED
    if money or isinstance(v, Decimal):
        return fmt.yuan(v, na=na)
    if isinstance(v, float):
        return fmt.number(v, na=na)
    return fmt.count(v, na=na)


def _change(row: pd.Series, money: bool) -> str:
    if row["presence"] != BOTH:
        return PRESENCE_TEXT[row["presence"]]
    return fmt.change(row["change"], row["change_pct"], money=money or isinstance(row["change"], Decimal))


def display(frame: pd.DataFrame, key_label: str = "项目", money: bool = False) -> pd.DataFrame:
    """A comparison frame for readers: the unit, 本月, 上月, 环比变化 (``+1,234（+5.2%）``).

    Money (``Decimal`` values, or every value when ``money``) is shown in 元 with two decimals.
    A unit in only one of the two months reads 新增 or 本月无 for the change.
    """
    key = frame.columns[0]
    presence = frame["presence"]
    out = pd.DataFrame(
        {
            key_label: [fmt.FORMATTERS["text"](v) for v in frame[key]],
            fmt.LABELS["value"]: [_value(v, money, p != GONE) for v, p in zip(frame["value"], presence, strict=True)],
            fmt.LABELS["previous"]: [_value(v, money, p != NEW)
                                     for v, p in zip(frame["previous"], presence, strict=True)],
            fmt.LABELS["change_text"]: [_change(row, money) for _, row in frame.iterrows()],
        }
    )
    out.index = [str(i + 1) for i in range(len(out))]
    return out


@dataclass(frozen=True)
class Comparison:
    """A section's month-on-month view: titled display tables, shown one after another."""

    month: str
    previous: str
    parts: tuple[tuple[str, pd.DataFrame], ...]

    def __repr__(self) -> str:
        head = f"{month_label(self.month)}与{month_label(self.previous)}比较"
        return "\n\n".join([head, *(f"{title}\n{frame.to_string()}" for title, frame in self.parts)])

    def _repr_html_(self) -> str:
        head = f"<p>{escape(month_label(self.month))}与{escape(month_label(self.previous))}比较</p>"
        return head + "".join(f"<h4>{escape(title)}</h4>{frame.to_html()}" for title, frame in self.parts)


#: one per-unit comparison: (title, loader of a DataFrame, key column, value column, money?)
UnitSpec = tuple[str, Callable[[str, PathLike], pd.DataFrame], str, str, bool]


def month_on_month(
    month: str,
    data_dir: PathLike,
    headline_figures: Callable[[str, PathLike], Mapping[str, object]] | None,
    unit_specs: Sequence[UnitSpec] = (),
    key_label: str = "单位",
) -> Comparison | Note:
    """The month-on-month view of a section, or the one line saying the month before is missing.

    ``headline_figures(month, data_dir)`` gives ``{Chinese label: value}``; each unit spec gives a
    frame per month whose ``key`` rows are compared on ``value``.
    """
    prev = previous_in_data(month, data_dir)
    if prev is None:
        return no_previous(month)
    parts: list[tuple[str, pd.DataFrame]] = []
    if headline_figures is not None:
        frame = headlines(headline_figures(month, data_dir), headline_figures(prev, data_dir))
        parts.append(("主要指标", display(frame, "指标")))
    for title, loader, key, value, money in unit_specs:
        frame = units(loader(month, data_dir), loader(prev, data_dir), key, value)
        parts.append((title, display(frame, key_label, money=money)))
    return Comparison(month, prev, tuple(parts))
