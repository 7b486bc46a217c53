"""Month-on-month (环比) and year-on-year (同比) change, the same way for every section.

The comparisons are declared once (:data:`bulletin.core.comparisons.COMPARISONS`: a lag in months and
its words); every function here takes one (``basis``, 环比 by default) or loops over those whose
base month is in the data directory. A section compares its headline figures and each of its units
with each base month there; when the month before is not there, the notebook shows one line saying
so (:class:`Note`), and a comparison whose base month is absent shows nothing at all. Units present
in only one of the two months are kept: a unit new this month reads 新增 for the change, one that
was there in the base month and is gone reads 本月无; a figure of a unit present in both months but
not reported (未反馈) reads 未反馈.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING, NamedTuple

import pandas as pd

from bulletin.core.comparisons import COMPARISONS, MONTH_ON_MONTH, Basis
from bulletin.core.missing import signs
from bulletin.core.month_strings import month_label
from bulletin.data.loaded_month import NotPublishedError
from bulletin.data.units import Aliases, aliases
from bulletin.sections import (
    Note,  # sections return it as compare.Note
    model,
)
from bulletin.style import fmt

if TYPE_CHECKING:
    from bulletin.data.loaded_month import Month

#: the canonical columns of a comparison frame (Chinese labels in :data:`bulletin.style.fmt.LABELS`)
COLUMNS = ("value", "previous", "change", "change_pct", "presence")

#: ``presence`` of a unit in the two months compared, and how its change reads when not in both
BOTH, NEW, GONE = "both", "new", "gone"
PRESENCE_TEXT = {NEW: "新增", GONE: "本月无"}


def no_previous(m: Month) -> Note:
    """The line shown when the month before is not in the data."""
    return Note(MONTH_ON_MONTH.missing(m.month))


def bases(m: Month) -> list[tuple[Basis, Month]]:
    """The declared comparisons whose base month is in the data, each with that month (loaded once)."""
    return [(b, base) for b in COMPARISONS if (base := m.earlier(b.lag)) is not None]


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


def _as_printed(frame: pd.DataFrame, key_columns: Sequence[str], value: str) -> list[object]:
    """The ``value`` column of ``frame``, a cell the bulletin printed as a sign for no figure (—, …)
    as that sign (:class:`~bulletin.core.missing.NoFigure`: missing to every sum, shown as printed), not
    as 未反馈. The signs ride in the loaded table's ``attrs`` by row key (:func:`~bulletin.core.missing.signs`);
    a row is found by its table's ``key_columns`` (the kiosks' ``group`` and ``unit``), exactly as
    every table view finds it (:func:`bulletin.style.fmt.with_signs`)."""
    printed = signs(frame)
    widths = {len(k) for k, _ in printed}
    if widths - {len(key_columns)}:  # a spec naming too few columns would show each sign as 未反馈
        raise ValueError(f"the frame's signs for no figure are found by {max(widths)} key columns, the "
                         f"comparison of {value!r} names {list(key_columns)}: name the table's key columns")
    return list(fmt.with_signs(frame, printed, key_columns)[value])


def by_unit(current: pd.DataFrame, previous: pd.DataFrame, key: str, value: str,
            aliases: Aliases | None = None, key_columns: Sequence[str] = ()) -> pd.DataFrame:
    """Per unit: ``key``, ``value``, ``previous``, ``change``, ``change_pct`` (a fraction) and
    ``presence`` (:data:`BOTH`, :data:`NEW` this month, or :data:`GONE` since last month).

    Units are matched through ``aliases`` (:func:`bulletin.data.units.aliases`): a hospital printed
    南京市江北人民医院 last month and 南京江北人民医院 this month is one unit, shown under this
    month's name. Rows follow ``current``; units found only in ``previous`` follow at the end with
    ``value`` missing. A figure printed as a sign for no figure is that sign, its row found by the
    table's ``key_columns`` (``(key,)`` when empty: a table keyed by the unit alone).
    """
    canon = aliases.canonical if aliases is not None else (lambda name: name)
    by = tuple(key_columns) or (key,)
    prev = {canon(k): (k, v) for k, v in zip(previous[key], _as_printed(previous, by, value), strict=True)}
    rows = []
    for name, v in zip(current[key], _as_printed(current, by, value), strict=True):
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
    """A section's headlines as ``key``, ``label`` (with its unit: ``投放台数（台）``) and ``value``;
    a figure its declaration says is not comparable (a share: the change of a share is not a
    count; a judgement) is left out (:func:`.model.comparable`)."""
    keep = headlines[[model.comparable(str(k)) for k in headlines["key"]]]
    labels = [f"{label}（{unit}）" if unit else label for label, unit in zip(keep["label"], keep["unit"], strict=True)]
    return pd.DataFrame({"key": list(keep["key"]), "label": labels, "value": list(keep["value"])}, dtype=object)


def compared_headlines(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Headlines of two months against each other (:func:`by_unit`'s columns, ``label`` first):
    matched by the figure's key, so a figure relabelled between the months is one figure, shown
    under this month's label (a figure gone since, under its label then)."""
    cur, prev = comparable(current), comparable(previous)
    out = by_unit(cur, prev, "key", "value")
    names = {**dict(zip(prev["key"], prev["label"], strict=True)), **dict(zip(cur["key"], cur["label"], strict=True))}
    out.insert(0, "label", [names[k] for k in out["key"]])
    return out.drop(columns="key")


def money_rows(frame: pd.DataFrame) -> list[bool]:
    """Which rows of a :func:`changes` frame are money (their label ends with （元）, see
    :func:`comparable`): shown to the fen, since money in a month is float yuan, not ``Decimal``."""
    return [str(label).endswith("（元）") for label in frame["label"]]


def changes(m: Month, headlines: Callable[[Month], pd.DataFrame],
            basis: Basis = MONTH_ON_MONTH) -> pd.DataFrame | None:
    """A section's headlines against the base month of ``basis`` (环比 by default; 同比 with
    :data:`bulletin.core.comparisons.YEAR_ON_YEAR`): ``label``, ``value``, ``previous`` (the base
    month's), ``change``, ``change_pct``, ``presence``; ``None`` when that month is not in the data."""
    base = m.earlier(basis.lag)
    if base is None:
        return None
    return compared_headlines(headlines(m), headlines(base))


def section_headlines(figures: Sequence[model.Declared], module: str
                      ) -> tuple[Callable[[Month], pd.DataFrame], Callable[..., pd.DataFrame | None]]:
    """A section's ``headlines(m)`` and ``changes(m, basis)``, made once for every section from its
    declared ``figures`` (its ``FIGURES``), named as the ``module``'s own functions (``module``:
    its ``__name__``): ``headlines, changes = compare.section_headlines(FIGURES, __name__)``."""

    def headlines(m: Month) -> pd.DataFrame:
        """The section's key figures (its ``FIGURES``, :func:`bulletin.sections.model.headlines`):
        ``label``, ``value``, ``unit`` (``%``: in percent; money in 元), ``key``. A table or
        paragraph the bulletin left out drops only the figures read from it."""
        return model.headlines(m, figures)

    def section_changes(m: Month, basis: Basis = MONTH_ON_MONTH) -> pd.DataFrame | None:
        """:func:`headlines` against the base month of ``basis`` (环比 by default, or 同比; money in
        yuan): ``None`` when that month is not in the data (:func:`bulletin.sections.compare.changes`)."""
        return changes(m, headlines, basis)

    section_changes.__name__ = "changes"
    for fn in (headlines, section_changes):  # found (and pickled) by name as the section module's own
        fn.__module__, fn.__qualname__ = module, fn.__name__
    return headlines, section_changes


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
    return display_bases([(MONTH_ON_MONTH, frame)], key_label, money)


def _numbered(frame: pd.DataFrame) -> list[tuple[object, int]]:
    """A frame's units as ``(unit, n)``: a name printed twice is two rows, matched in order."""
    seen: dict[object, int] = {}
    out = []
    for k in frame[frame.columns[0]]:
        seen[k] = seen.get(k, -1) + 1
        out.append((k, seen[k]))
    return out


def merged_keys(frames: Sequence[tuple[Basis, pd.DataFrame]]) -> list[object]:
    """The units of one or more comparison frames of the same month: this month's in their order,
    then those found only in a base month (each once)."""
    return [k for k, _ in dict.fromkeys(key for _, frame in frames for key in _numbered(frame))]


def display_bases(frames: Sequence[tuple[Basis, pd.DataFrame]], key_label: str = "项目",
                  money: bool | Sequence[bool] = False) -> pd.DataFrame:
    """Comparison frames of one month (one a basis, :func:`by_unit`) as one table for readers: the
    unit, 本月, then for each basis its base month's figure and the change (上月, 环比变化, 上年同月,
    同比变化). ``money`` as in :func:`display` (a flag a row of :func:`merged_keys`). A unit absent
    from both months of a comparison reads — there.
    """
    keys = list(dict.fromkeys(key for _, frame in frames for key in _numbered(frame)))
    flags = [money] * len(keys) if isinstance(money, bool) else list(money)
    rows = [{k: row for k, (_, row) in zip(_numbered(frame), frame.iterrows(), strict=True)}
            for _, frame in frames]

    def now(k: object, f: bool) -> str:
        row = next((r[k] for r in rows if k in r and r[k]["presence"] != GONE), None)
        return _value(row["value"], f, True) if row is not None else fmt.UNDEFINED

    columns = {
        key_label: [fmt.FORMATTERS["text"](k) for k, _ in keys],
        fmt.LABELS["value"]: [now(k, f) for k, f in zip(keys, flags, strict=True)],
    }
    for (basis, _), by_key in zip(frames, rows, strict=True):
        columns[basis.label] = [_value(by_key[k]["previous"], f, by_key[k]["presence"] != NEW) if k in by_key
                                else fmt.UNDEFINED for k, f in zip(keys, flags, strict=True)]
        columns[basis.change_label] = [_change(by_key[k], f) if k in by_key else fmt.UNDEFINED
                                       for k, f in zip(keys, flags, strict=True)]
    out = pd.DataFrame(columns)
    out.index = [str(i + 1) for i in range(len(out))]
    return out


@dataclass(frozen=True)
class Comparison:
    """A section's month-on-month (and year-on-year) view: titled display tables, shown one after another."""

    month: str
    #: the first base month compared with (the month before when it is in the data)
    previous: str
    parts: tuple[tuple[str, pd.DataFrame], ...]
    #: per part, the line naming its units new this month and gone since (``""`` when none)
    changes_of_units: tuple[str, ...] = ()
    #: one line per comparison left out because the bulletin of one of the two months did not
    #: publish its table (shown under the heading, so a reader knows why it is missing)
    omitted: tuple[str, ...] = ()
    #: every comparison shown, ``(name, base month)``: (环比, the month before) alone when empty
    against: tuple[tuple[str, str], ...] = ()

    def heading(self) -> str:
        """``2020年2月与2020年1月比较``; with 同比 too, each base month named with its comparison."""
        if not self.against or self.against == ((MONTH_ON_MONTH.name, self.previous),):
            return f"{month_label(self.month)}与{month_label(self.previous)}比较"
        bases = "、".join(f"{month_label(base)}（{name}）" for name, base in self.against)
        return f"{month_label(self.month)}与{bases}比较"

    def _lines(self) -> list[str]:
        return list(self.changes_of_units) + [""] * (len(self.parts) - len(self.changes_of_units))

    def __repr__(self) -> str:
        head = "\n".join([self.heading(), *self.omitted])
        blocks = [f"{title}\n{line + chr(10) if line else ''}{frame.to_string()}"
                  for (title, frame), line in zip(self.parts, self._lines(), strict=True)]
        return "\n\n".join([head, *blocks])

    def _repr_html_(self) -> str:
        head = f"<p>{escape(self.heading())}</p>"
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


class UnitSpec(NamedTuple):
    """One per-unit comparison of a section (:func:`month_on_month`)."""

    title: str
    #: the frame of a month (a loaded table, or one derived from it that keeps its ``attrs``)
    frame_of: Callable[[Month], pd.DataFrame]
    #: the column naming the unit, matched across the months through the alias table
    key: str
    #: the column compared
    value: str
    #: whether ``value`` is money (shown to the fen)
    money: bool = False
    #: the table's key columns, which find a figure printed as a sign (:func:`bulletin.style.fmt.with_signs`);
    #: empty for a table keyed by ``key`` alone
    key_columns: tuple[str, ...] = ()


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
    found = bases(m)
    if not found:
        return no_previous(m)
    parts: list[tuple[str, pd.DataFrame]] = []
    lines: list[str] = []
    omitted: list[str] = [] if m.previous is not None else [no_previous(m).text]
    if headlines is not None:
        frames = [(b, by_unit(comparable(headlines(m)), comparable(headlines(base)), "label", "value"))
                  for b, base in found]
        parts.append(headline_part(frames))
        lines.append("")
    names = aliases(m.data_dir)
    for title, frame_of, key, value, money, key_columns in (UnitSpec(*spec) for spec in unit_specs):
        frames = []
        for b, base in found:
            try:
                frames.append((b, by_unit(frame_of(m), frame_of(base), key, value, names, key_columns)))
            except NotPublishedError as exc:  # the table is not in the bulletin of one of the two months
                omitted.append(_not_compared(m, base, b, title, str(exc.value)))
        if not frames:
            continue
        parts.append((title, display_bases(frames, key_label, money=money)))
        # units new and gone: said against the month before only (新增 since last month)
        lines.append(next((new_and_gone(f) for b, f in frames if b == MONTH_ON_MONTH), ""))
    if not parts:  # nothing to compare: the lines alone, not a heading over nothing
        return Note("\n".join(omitted))
    against = tuple((b.name, base.month) for b, base in found)
    return Comparison(m.month, found[0][1].month, tuple(parts), tuple(lines), tuple(omitted), against)


def headline_part(frames: Sequence[tuple[Basis, pd.DataFrame]]) -> tuple[str, pd.DataFrame]:
    """The 主要指标 part of a comparison view: headline frames (one a basis, :func:`comparable`
    labels) as one table, money to the fen."""
    money = [str(label).endswith("（元）") for label in merged_keys(frames)]
    return "主要指标", display_bases(frames, "指标", money=money)


def _not_compared(m: Month, base: Month, basis: Basis, title: str, table: str) -> str:
    """The line saying why the comparison ``title`` is left out: which month did not publish ``table``."""
    from bulletin.core.schema import TABLES

    which = m.month if table in m.not_published else base.month
    name = TABLES[table].title if table in TABLES else table
    return f"{month_label(which)}的公报没有发布「{name}」，「{title}」不作{basis.name}比较。"


def headline_changes(m: Month, frame_of: Callable[[Month], pd.DataFrame],
                     key: str = "key") -> list[tuple[Basis, Month, pd.DataFrame]]:
    """Headline figures against each declared comparison whose base month is in the data.

    ``frame_of(month)`` gives the figures as ``key`` (the figure's key, :mod:`.model`: a figure
    relabelled between the months is still one figure), ``value``, ``unit``; a figure its
    declaration says is not comparable (a share, a judgement: :func:`.model.comparable`) is left
    out. Each frame is :func:`by_unit`'s, in ``frame_of(m)``'s order; what the outputs show beside
    a figure is :func:`change_text` of its row.
    """
    def counts(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[[model.comparable(str(k)) for k in frame[key]]].reset_index(drop=True)

    current = counts(frame_of(m))
    return [(b, base, by_unit(current, counts(frame_of(base)), key, "value")) for b, base in bases(m)]


def change_text(row: pd.Series, money: bool = False) -> str:
    """One row's change as readers read it: ``+9,507（+19.0%）``, 新增, 本月无 (:func:`display`'s words)."""
    return _change(row, money)
