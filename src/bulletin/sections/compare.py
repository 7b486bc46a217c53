"""Month-on-month change, the same way for every section.

A section compares its headline figures and each of its units with the month before when that
month is in the data directory; when it is not, the notebook shows one line saying so
(:class:`Note`). Units present in only one of the two months are kept: a unit new this month reads
新增 for the change, one that was there last month and is gone reads 本月无; a figure of a unit
present in both months but not reported (未反馈) reads 未反馈.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING

import pandas as pd

from .. import fmt
from ..loaded_month import NotPublishedError
from ..month_strings import month_label, previous_month
from ..units import Aliases, aliases
from . import Note  # sections return it as compare.Note

if TYPE_CHECKING:
    from ..loaded_month import Month

#: the canonical columns of a comparison frame (Chinese labels in :data:`bulletin.fmt.LABELS`)
COLUMNS = ("value", "previous", "change", "change_pct", "presence")

#: ``presence`` of a unit in the two months compared, and how its change reads when not in both
BOTH, NEW, GONE = "both", "new", "gone"
PRESENCE_TEXT = {NEW: "新增", GONE: "本月无"}


def no_previous(m: Month) -> Note:
    """The line shown when the month before is not in the data."""
    prev = previous_month(m.month)
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
    if isinstance(a, float) or isinstance(b, float):
        return round(float(a) - float(b), 2)  # money in yuan: the difference to the fen
    return int(a) - int(b)


def by_unit(current: pd.DataFrame, previous: pd.DataFrame, key: str, value: str,
            aliases: Aliases | None = None) -> pd.DataFrame:
    """Per unit: ``key``, ``value``, ``previous``, ``change``, ``change_pct`` (a fraction) and
    ``presence`` (:data:`BOTH`, :data:`NEW` this month, or :data:`GONE` since last month).

    Units are matched through ``aliases`` (:func:`bulletin.units.aliases`): a hospital printed
    南京市江北人民医院 last month and 南京江北人民医院 this month is one unit, shown under this
    month's name. Rows follow ``current``; units found only in ``previous`` follow at the end with
    ``value`` missing.
    """
    canon = aliases.canonical if aliases is not None else (lambda name: name)
    prev = {canon(k): (k, v) for k, v in zip(previous[key], previous[value], strict=True)}
    rows = []
    for name, v in zip(current[key], current[value], strict=True):
        hit = prev.pop(canon(name), None)
        rows.append((name, v, hit[1], BOTH) if hit is not None else (name, v, pd.NA, NEW))
    rows.extend((name, pd.NA, p, GONE) for name, p in prev.values())
    out = pd.DataFrame(rows, columns=[key, "value", "previous", "presence"], dtype=object)
    out["change"] = [_sub(a, b) for a, b in zip(out["value"], out["previous"], strict=True)]
    out["change_pct"] = [_ratio(c, p) for c, p in zip(out["change"], out["previous"], strict=True)]
    return out[[key, *COLUMNS]]


def headline_frame(rows: Sequence[tuple[str, object, str]]) -> pd.DataFrame:
    """A section's ``headlines`` table from ``(label, value, unit)`` rows; values keep their type
    (counts stay ``int``, shares and money ``float``) in an object column."""
    return pd.DataFrame(list(rows), columns=["label", "value", "unit"], dtype=object)


def comparable(headlines: pd.DataFrame) -> pd.DataFrame:
    """A section's headlines as ``label`` (with its unit: ``投放台数（台）``) and ``value``; shares
    (unit %) are left out, since the change of a share is not a count."""
    keep = headlines[headlines["unit"] != "%"]
    labels = [f"{label}（{unit}）" if unit else label for label, unit in zip(keep["label"], keep["unit"], strict=True)]
    return pd.DataFrame({"label": labels, "value": list(keep["value"])}, dtype=object)


def money_rows(frame: pd.DataFrame) -> list[bool]:
    """Which rows of a :func:`changes` frame are money (their label ends with （元）, see
    :func:`comparable`): shown to the fen, since money in a month is float yuan, not ``Decimal``."""
    return [str(label).endswith("（元）") for label in frame["label"]]


def changes(m: Month, headlines: Callable[[Month], pd.DataFrame]) -> pd.DataFrame | None:
    """Month-on-month of a section's headlines (``label``, ``value``, ``previous``, ``change``,
    ``change_pct``, ``presence``), or ``None`` when the month before is not in the data."""
    if m.previous is None:
        return None
    return by_unit(comparable(headlines(m)), comparable(headlines(m.previous)), "label", "value")


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


def display(frame: pd.DataFrame, key_label: str = "项目", money: bool | Sequence[bool] = False) -> pd.DataFrame:
    """A comparison frame for readers: the unit, 本月, 上月, 环比变化 (``+1,234（+5.2%）``).

    Money (``Decimal`` values, or every value when ``money``, or the rows where ``money`` is true
    when it is one flag a row) is shown in 元 with two decimals.
    A unit in only one of the two months reads 新增 or 本月无 for the change.
    """
    key = frame.columns[0]
    presence = frame["presence"]
    flags = [money] * len(frame) if isinstance(money, bool) else list(money)
    out = pd.DataFrame(
        {
            key_label: [fmt.FORMATTERS["text"](v) for v in frame[key]],
            fmt.LABELS["value"]: [_value(v, f, p != GONE)
                                  for v, f, p in zip(frame["value"], flags, presence, strict=True)],
            fmt.LABELS["previous"]: [_value(v, f, p != NEW)
                                     for v, f, p in zip(frame["previous"], flags, presence, strict=True)],
            fmt.LABELS["change_text"]: [_change(row, f) for (_, row), f in zip(frame.iterrows(), flags, strict=True)],
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
    #: per part, the line naming its units new this month and gone since (``""`` when none)
    changes_of_units: tuple[str, ...] = ()
    #: one line per comparison left out because the bulletin of one of the two months did not
    #: publish its table (shown under the heading, so a reader knows why it is missing)
    omitted: tuple[str, ...] = ()

    def _lines(self) -> list[str]:
        return list(self.changes_of_units) + [""] * (len(self.parts) - len(self.changes_of_units))

    def __repr__(self) -> str:
        head = "\n".join([f"{month_label(self.month)}与{month_label(self.previous)}比较", *self.omitted])
        blocks = [f"{title}\n{line + chr(10) if line else ''}{frame.to_string()}"
                  for (title, frame), line in zip(self.parts, self._lines(), strict=True)]
        return "\n\n".join([head, *blocks])

    def _repr_html_(self) -> str:
        head = f"<p>{escape(month_label(self.month))}与{escape(month_label(self.previous))}比较</p>"
        head += "".join(f'<p class="note">{escape(line)}</p>' for line in self.omitted)
        return head + "".join(
            f"<h4>{escape(title)}</h4>" + (f"<p>{escape(line)}</p>" if line else "") + frame.to_html()
            for (title, frame), line in zip(self.parts, self._lines(), strict=True)
        )


def new_and_gone(frame: pd.DataFrame) -> str:
    """One line naming the units of a comparison frame new this month and those gone since last
    month (``本月新增：甲、乙；本月不再出现：丙``), or ``""`` when the units are the same."""
    key = frame.columns[0]
    new = [str(v) for v in frame.loc[frame["presence"] == NEW, key]]
    gone = [str(v) for v in frame.loc[frame["presence"] == GONE, key]]
    parts = ([f"本月新增：{'、'.join(new)}"] if new else []) + ([f"本月不再出现：{'、'.join(gone)}"] if gone else [])
    return "；".join(parts)


#: one per-unit comparison: (title, frame of a month, key column, value column, money?)
UnitSpec = tuple[str, Callable[["Month"], pd.DataFrame], str, str, bool]


def month_on_month(
    m: Month,
    headlines: Callable[[Month], pd.DataFrame] | None,
    unit_specs: Sequence[UnitSpec] = (),
    key_label: str = "单位",
) -> Comparison | Note:
    """The month-on-month view of a section, or the one line saying the month before is missing.

    ``headlines(m)`` is the section's headline table; each unit spec gives a frame per month whose
    ``key`` rows are compared on ``value``, units matched through the alias table
    (``data/units.csv``): units new this month read 新增, units gone read 本月无.
    """
    if m.previous is None:
        return no_previous(m)
    parts: list[tuple[str, pd.DataFrame]] = []
    lines: list[str] = []
    omitted: list[str] = []
    if headlines is not None:
        frame = changes(m, headlines)
        parts.append(("主要指标", display(frame, "指标", money=money_rows(frame))))  # type: ignore[arg-type]
        lines.append("")
    names = aliases(m.data_dir)
    for title, frame_of, key, value, money in unit_specs:
        try:
            frame = by_unit(frame_of(m), frame_of(m.previous), key, value, names)
        except NotPublishedError as exc:  # the table is not in the bulletin of one of the two months
            omitted.append(_not_compared(m, title, str(exc.value)))
            continue
        parts.append((title, display(frame, key_label, money=money)))
        lines.append(new_and_gone(frame))
    if not parts:  # nothing to compare: the lines alone, not a heading over nothing
        return Note("\n".join(omitted))
    return Comparison(m.month, m.previous.month, tuple(parts), tuple(lines), tuple(omitted))


def _not_compared(m: Month, title: str, table: str) -> str:
    """The line saying why the comparison ``title`` is left out: which month did not publish ``table``."""
    from ..schema import TABLES

    which = m.month if table in m.not_published else m.previous.month  # type: ignore[union-attr]
    name = TABLES[table].title if table in TABLES else table
    return f"{month_label(which)}的公报没有发布「{name}」，「{title}」不作环比比较。"
