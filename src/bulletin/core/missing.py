"""What counts as a missing figure (the bulletin's 未反馈) in a loaded table: ``None``, pandas'
``NA``/``NaT``, a float or ``Decimal`` NaN, and :class:`NoFigure` (a printed sign for "no figure").

Its own module, below :mod:`bulletin.core.schema` and :mod:`bulletin.style.fmt`, so that the schema's totals
rule and the formatters share one definition without importing each other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

#: the signs a Chinese statistical table prints alone in a cell for 无数字 (no figure): the dash
#: "—" (and its doubled form "——"), the en dash and hyphen that typesetting and exports turn it
#: into, and the ellipsis "…" ("……") for 数字不详. Each reads as missing, never as 0; the sign
#: is kept as printed (:class:`NoFigure`), since it is not 未反馈: 未反馈 says a unit did not
#: report, a sign says the bulletin has no figure there, and a reader of official statistics
#: expects to see the table's own sign again.
NO_FIGURE_SIGNS = ("—", "——", "–", "-", "…", "……")

#: the bulletin's word for a figure a unit did not report: read as missing, like an empty cell, in
#: the data files, the text and the workbooks; shown for a missing figure in every output (one word,
#: kept here once: :mod:`bulletin.style.fmt`, the store, the ingest and the workbooks read it from here)
NOT_REPORTED = "未反馈"


@dataclass(frozen=True)
class NoFigure:
    """A missing figure the bulletin printed as a sign (``—``, ``…``): missing to every sum and
    check, shown as its sign (:func:`shown`) wherever 未反馈 would be shown."""

    sign: str

    def __str__(self) -> str:
        return self.sign


def shown(x: object, na: str) -> str:
    """How a missing figure ``x`` reads: its printed sign for a :class:`NoFigure`, else ``na`` (未反馈)."""
    return x.sign if isinstance(x, NoFigure) else na


def is_missing(x: object) -> bool:
    """Whether ``x`` is a figure not reported (未反馈) rather than a value."""
    if x is None or isinstance(x, NoFigure):
        return True
    if isinstance(x, float):
        return math.isnan(x)
    if isinstance(x, Decimal):
        return x.is_nan()
    if type(x).__module__.startswith("pandas"):  # pd.NA, pd.NaT (no pandas import for plain values)
        import pandas as pd

        return x is pd.NA or x is pd.NaT
    return False


#: the key of :attr:`pandas.DataFrame.attrs` under which a loaded table keeps its printed signs
SIGNS_ATTR = "bulletin.no_figure_signs"


def signs(frame: object) -> dict[tuple[tuple[str, ...], str], str]:
    """The printed signs of a loaded table: ``{(row key as text, column): sign}`` (``{}``: none).

    A loaded frame holds ``<NA>`` in such a cell, so that pandas, sums and checks treat it as
    missing; the sign rides along in ``frame.attrs``, which pandas carries through copies,
    selections, renames, sorts and merges. Rows are named by their key (never by position), so a
    filtered or reordered frame still finds its signs.
    """
    attrs = getattr(frame, "attrs", None) or {}
    return attrs.get(SIGNS_ATTR) or {}


def key_text(values: object) -> tuple[str, ...]:
    """A row's key values as the text a month folder holds them in."""
    return tuple(str(v) for v in values)  # type: ignore[union-attr]
