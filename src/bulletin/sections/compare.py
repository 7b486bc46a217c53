"""Month-on-month change, the same way for every section.

A section compares its headline figures and each of its units with the month before when that
month is in the data directory; when it is not, the notebook shows one line saying so
(:class:`Note`). Units present in only one of the two months are kept, with — for the change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from .. import fmt
from ..load import PathLike, months
from ..months import month_label, previous_month

#: the canonical columns of a comparison frame (Chinese labels in :data:`bulletin.fmt.LABELS`)
COLUMNS = ("value", "previous", "change", "change_pct")


@dataclass(frozen=True)
class Note:
    """One line for the reader, shown as text in a notebook (no quotes, no repr)."""

    text: str

    def __repr__(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        return self.text


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
    """Per unit: ``key``, ``value``, ``previous``, ``change``, ``change_pct`` (a fraction).

    Rows follow ``current``; units found only in ``previous`` follow at the end with ``value``
    missing.
    """
    prev = dict(zip(previous[key], previous[value], strict=True))
    rows = []
    for name, v in zip(current[key], current[value], strict=True):
        p = prev.pop(name, pd.NA)
        rows.append((name, v, p))
    rows.extend((name, pd.NA, p) for name, p in prev.items())
    out = pd.DataFrame(rows, columns=[key, "value", "previous"], dtype=object)
    out["change"] = [_sub(a, b) for a, b in zip(out["value"], out["previous"], strict=True)]
    out["change_pct"] = [_ratio(c, p) for c, p in zip(out["change"], out["previous"], strict=True)]
    return out


def headlines(current: Mapping[str, object], previous: Mapping[str, object]) -> pd.DataFrame:
    """Headline figures ``{label: value}`` of two months side by side, with their change."""
    frame = pd.DataFrame({"label": list(current), "value": list(current.values())}, dtype=object)
    prev = pd.DataFrame({"label": list(previous), "value": list(previous.values())}, dtype=object)
    return units(frame, prev, "label", "value")


def display(frame: pd.DataFrame, key_label: str = "项目", money: bool = False) -> pd.DataFrame:
    """A comparison frame for readers: the unit, 本月, 上月, 环比变化 (``+1,234（+5.2%）``)."""
    key = frame.columns[0]
    value_fmt = fmt.yuan if money else fmt.count
    out = pd.DataFrame(
        {
            key_label: [fmt.FORMATTERS["text"](v) for v in frame[key]],
            fmt.LABELS["value"]: [value_fmt(v, na=fmt.UNDEFINED) for v in frame["value"]],
            fmt.LABELS["previous"]: [value_fmt(v, na=fmt.UNDEFINED) for v in frame["previous"]],
            fmt.LABELS["change_text"]: [
                fmt.change(c, r, money=money) for c, r in zip(frame["change"], frame["change_pct"], strict=True)
            ],
        }
    )
    out.index = [str(i + 1) for i in range(len(out))]
    return out
