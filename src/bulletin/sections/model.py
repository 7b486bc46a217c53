"""The model of the bulletin: what each section prints and what the package derives, declared once.

Each bulletin section declares its ``FIGURES`` (a tuple of :class:`Figure` and :class:`Figures`)
and its ``TABLES`` (:class:`TableDecl`). A figure is declared once, with

- ``key``: its stable name (``hotline.total_calls``); outputs and the overview find it by key;
- ``label`` and ``unit`` as the bulletin prints them (``12320卫生热线受理咨询电话``, ``个``);
  a share has the unit ``%`` and its value in percent (43.52…), so that value and unit agree;
- ``form`` and ``precision``: how it is printed (``亿`` with precision 0.1 for 49.3亿条; ``元``
  to the fen ``0.01``); :func:`text` words it per style for every output, :func:`explain` says
  beside it that a rounded printed form's number is its expansion;
- ``qualifier``: the scope note the bulletin prints with it, in its words;
- ``provenance``: :data:`PRINTED` (as the bulletin prints it), :data:`COMPUTED` (from printed
  figures, with its ``rule``, e.g. 计算所得) or :data:`JUDGEMENT` (the package's own finding,
  with its rule and thresholds). Judgements are never headline figures: :func:`headlines` gives
  printed and computed figures only, :func:`judgements` the package's findings with their rule;
- ``needs``: the tables (:data:`bulletin.schema.TABLES`) or facts it reads. A month whose
  bulletin did not print one of them lacks this figure only; every other figure stays.

A month-on-month (环比) or year-on-year (同比) column is one more comparison of the same
declared figures: each headline row and each digest row carries its ``key``, so the figure of
another month is found by key (:func:`bulletin.history.History.series` has it per month).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from ..loaded_month import Month

#: provenance of a figure
PRINTED, COMPUTED, JUDGEMENT = "printed", "computed", "judgement"

#: the columns of a section's headlines (values keep their type; ``key`` names the declaration)
COLUMNS = ("label", "value", "unit", "key")


@dataclass(frozen=True)
class TableDecl:
    """A table the section prints: its name in :data:`bulletin.schema.TABLES` and the scope note
    the bulletin prints with it (in its words, shown wherever the table is)."""

    name: str
    qualifier: str = ""


@dataclass(frozen=True)
class Figure:
    """One figure of a section (see the module docstring)."""

    key: str
    label: str
    unit: str
    value: Callable[[Month], object]  # None when the month does not have it
    needs: tuple[str, ...] = ()
    provenance: str = PRINTED
    rule: str = ""
    qualifier: str = ""
    form: str = ""  # "" as a number; "亿" as the bulletin prints a large count
    precision: Decimal | None = None  # the printed precision (0.1 亿, 0.01 元, 0.1 %)
    comparable: bool = True  # compared with an earlier month (环比, 同比); a share or a judgement is not

    def rows(self, m: Month) -> list[tuple[str, object, str, str]]:
        value = self.value(m)
        return [] if value is None else [(self.label, value, self.unit, self.key)]


@dataclass(frozen=True)
class Figures:
    """A family of figures of one rule, one per printed unit or channel (each channel's share):
    ``each(m)`` gives ``(key suffix, label, value)`` per figure."""

    key: str
    label: str  # the family's label, with {} where each figure's own name goes
    unit: str
    each: Callable[[Month], Iterable[tuple[str, str, object]]]
    needs: tuple[str, ...] = ()
    provenance: str = PRINTED
    rule: str = ""
    qualifier: str = ""
    form: str = ""
    precision: Decimal | None = None
    comparable: bool = True

    def rows(self, m: Month) -> list[tuple[str, object, str, str]]:
        return [(label, value, self.unit, f"{self.key}.{suffix}") for suffix, label, value in self.each(m)
                if value is not None]


Declared = Figure | Figures


#: what :func:`derived` made of each loaded month, by key (gone with the month)
_DERIVED: weakref.WeakKeyDictionary[Month, dict[Hashable, pd.DataFrame]] = weakref.WeakKeyDictionary()


def derived(m: Month, key: Hashable, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """A frame a section derives from month ``m``'s tables (``make()``), made once per loaded month
    and ``key``: a month reads each table once and never changes it, and a section's figures ask
    for the same frame many times. Each call returns a copy, free to change."""
    made = _DERIVED.setdefault(m, {})
    if key not in made:
        made[key] = make()
    return made[key].copy()


def available(m: Month, decl: Declared) -> bool:
    """Whether the month printed every table and fact ``decl`` needs."""
    return not any(name in m.not_published for name in decl.needs)


def evaluate(m: Month, figures: Iterable[Declared], provenance: Iterable[str] = (PRINTED, COMPUTED)) -> pd.DataFrame:
    """The figures of ``figures`` the month has, of the given provenances: ``label``, ``value``,
    ``unit``, ``key``. A figure whose table or fact the bulletin did not print is left out alone."""
    wanted = set(provenance)
    rows: list[tuple[str, object, str, str]] = []
    for decl in figures:
        if decl.provenance in wanted and available(m, decl):
            rows.extend(decl.rows(m))
    return pd.DataFrame(rows, columns=list(COLUMNS), dtype=object)


def headlines(m: Month, figures: Iterable[Declared]) -> pd.DataFrame:
    """A section's headline figures: its printed and computed figures the month has."""
    return evaluate(m, figures)


def judgements(m: Month, figures: Iterable[Declared]) -> pd.DataFrame:
    """The package's own findings of a section: ``label``, ``value``, ``unit``, ``key``, ``rule``."""
    decls = [d for d in figures if d.provenance == JUDGEMENT]
    frame = evaluate(m, decls, (JUDGEMENT,))
    rules = {d.key: d.rule for d in decls}
    frame["rule"] = [rules.get(k, rules.get(k.rsplit(".", 1)[0], "")) for k in frame["key"]]
    return frame


def tables_of(figures: Iterable[Declared]) -> tuple[str, ...]:
    """The tables the figures read (in order of first use), from their ``needs``."""
    from ..schema import TABLES

    return tuple(dict.fromkeys(n for d in figures for n in d.needs if n in TABLES))


def declaration(key: str) -> Declared:
    """The declaration of a figure by its key (``kiosks.payment_yuan``; a family's member
    ``appointments.channel_share.phone`` is found by its family's key)."""
    for decl in all_figures():
        if key == decl.key or (isinstance(decl, Figures) and key.startswith(decl.key + ".")):
            return decl
    raise KeyError(key)


def comparable(key: str) -> bool:
    """Whether the figure ``key`` is compared with an earlier month (环比, 同比), as declared: a
    share or a judgement is not; a key no declaration holds (a figure since removed) is not."""
    try:
        return declaration(key).comparable
    except KeyError:
        return False


def value_of(m: Month, key: str) -> object | None:
    """The month's value of the declared figure ``key`` (a family's member by its full key); None
    when the month lacks it or did not print a table or fact it needs."""
    decl = declaration(key)
    if not available(m, decl):
        return None
    if isinstance(decl, Figure):
        return decl.value(m)
    return next((v for suffix, _, v in decl.each(m) if f"{decl.key}.{suffix}" == key), None)


def worded(key: str, value: object, style: str = "printed", unit: bool = True) -> str:
    """The figure ``key`` with ``value``, worded as its declaration says (its unit, form and
    precision): ``59507个``, ``49.3亿条`` in the printed style; what the PDF's and the Word
    file's prose print of a declared figure (without its unit, ``51460109.85``, when not ``unit``:
    a table cell under a header that names it)."""
    decl = declaration(key)
    return text(value, decl.unit, style, spaced=False, key=key) if unit else number(value, decl.unit, style, key=key)


def _form(key: str) -> tuple[str, Decimal | None]:
    """The declared printed form and precision of ``key`` (``("", None)`` without a key, or for a
    key no declaration holds)."""
    if not key:
        return "", None
    try:
        decl = declaration(key)
    except KeyError:
        return "", None
    return decl.form, decl.precision


def all_figures() -> tuple[Declared, ...]:
    """Every section's declared figures, in the sections' order."""
    from . import with_headlines

    return tuple(d for sec in with_headlines() for d in getattr(sec.module, "FIGURES", ()))


def all_tables() -> dict[str, TableDecl]:
    """Every section's declared tables by name."""
    from . import with_headlines

    return {t.name: t for sec in with_headlines() for t in getattr(sec.module, "TABLES", ())}


def qualifier(table: str) -> str:
    """The scope note the bulletin prints with ``table`` (``""`` when none)."""
    decl = all_tables().get(table)
    return decl.qualifier if decl else ""


def text(value: object, unit: str, style: str = "reader", spaced: bool = True, key: str = "") -> str:
    """A headline figure as shown, with its unit: the one place a figure is formatted, per style.

    ``reader``: ``59,507 个`` (``59,507个`` when not ``spaced``), ``43.5%``, ``51,460,109.85 元``,
    ``49.3亿条``; ``printed``: as the bulletin prints it, ``59507个``, ``51460109.85元``, ``49.3亿条``.
    A share's value is in percent (the unit %). The printed form and precision are the
    declaration's of ``key`` (49.3亿条 for ``platform.cumulative_records`` only); without a key a
    figure is a plain number.
    """
    from ..fmt import printed

    shown = number(value, unit, style, key=key)
    if unit == "%" or shown == printed.NOT_REPORTED:
        return shown
    form, _ = _form(key)
    return f"{shown} {unit}" if style == "reader" and spaced and form != "亿" else f"{shown}{unit}"


def number(value: object, unit: str, style: str = "reader", na: str | None = None, key: str = "") -> str:
    """A headline figure without its unit, per style (``59,507`` / ``59507``, ``49.3亿``,
    ``43.5%``) in the form and precision declared for ``key``: what :func:`text` says before the
    unit, and what a table whose header names the unit shows (the trends). ``na`` for a missing
    value in the reader's style."""
    from .. import fmt
    from ..fmt import printed

    form, precision = _form(key)
    if style == "printed":
        return printed.figure(value, unit, form, precision)
    return fmt.figure(value, unit, na=na, form=form, precision=precision)


def share(part: object, whole: object) -> float | None:
    """A share in percent (the unit %): 30317 of 69660 → 43.52…; None when either is missing or
    the whole is 0."""
    from .. import fmt

    if fmt.is_missing(part) or fmt.is_missing(whole) or not float(whole):
        return None
    return float(part) / float(whole) * 100


def explain(key: str, value: object, unit: str) -> str:
    """What is said beside a figure in every output that lists it (the workbook's and the data
    package's 说明): the qualifier the bulletin printed with it, in its words; for a figure the
    bulletin prints in a rounded form (49.3亿条), that the number is that printed form expanded;
    for a computed figure, its rule. ``""`` when there is nothing to say."""
    try:
        decl = declaration(key)
    except KeyError:
        return ""
    parts = []
    if decl.qualifier:
        parts.append(decl.qualifier.strip("（）"))
    if decl.form == "亿" and not _missing(value):
        parts.append(f"公报印作{text(value, unit, style='printed', key=key)}，数值为其展开（精确到{decl.precision}亿）")
    if decl.provenance != PRINTED and decl.rule:
        parts.append(decl.rule)
    return "；".join(parts)


def notes(rows: Iterable[tuple[str, str, object, str]]) -> list[str]:
    """The notes under a list of headline figures ``(key, label, value, unit)``: one line
    ``label：note`` per figure with something to say (:func:`explain`), the same in every output."""
    return [f"{label}：{said}" for key, label, value, unit in rows if (said := explain(key, value, unit))]


def _missing(value: object) -> bool:
    from .. import fmt

    return fmt.is_missing(value)
