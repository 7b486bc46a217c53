"""Figures as the printed bulletin words them: the PDF's and the Word file's style.

The bulletin prints counts without thousands separators (``59507``), money to the fen
(``166469.00``), the platform's cumulative records in 亿 (``49.3亿``) and shares as percentages
with one decimal (``34.0%``). A missing figure reads as the bulletin's own word, 未反馈
(:data:`bulletin.style.fmt.NOT_REPORTED`, the one place that word is kept for display), never as 0. A
figure a revision edited is passed as :class:`Revised` and reads ``59507 [r]``.

The reader's style (pages, notebooks: ``59,507``, ``6,477,159.42``) is :mod:`bulletin.style.fmt` itself;
both styles take the same values, so one figure is one number in every output.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from bulletin.core.missing import shown
from bulletin.core.schema import to_fen
from bulletin.style.fmt import NOT_REPORTED, is_missing, pct


@dataclass(frozen=True)
class Revised:
    """A figure a revision edited: worded as any other, then `` [r]`` (:func:`count`, :func:`yuan`, :func:`big`)."""

    value: object


def _mark(text: str) -> str:
    from bulletin.data.revisions import MARK

    return f"{text} {MARK}"


#: money exactly to the fen, ``Decimal`` or float64 yuan alike (the schema's one rule)
money = to_fen


def count(x: object) -> str:
    """A count as printed: ``59507``; missing → 未反馈; a revised figure ``59507 [r]``."""
    if isinstance(x, Revised):
        return _mark(count(x.value))
    if is_missing(x):
        return shown(x, NOT_REPORTED)
    if isinstance(x, Decimal):
        x = x.to_integral_value(ROUND_HALF_UP)
    elif isinstance(x, float):
        x = round(x)
    return str(int(x))  # type: ignore[call-overload]


def yuan(x: object) -> str:
    """Money as printed, to the fen: ``51460109.85``; missing → 未反馈; a revised figure ``51460109.85 [r]``."""
    if isinstance(x, Revised):
        return _mark(yuan(x.value))
    return shown(x, NOT_REPORTED) if is_missing(x) else f"{money(x)}"


def big(x: object, precision: Decimal = Decimal("0.1")) -> str:
    """A large count as the bulletin states it: in 亿 when it is a round number of ``precision``
    亿 (49.3亿: of 0.1亿, 千万), else in full, so that no digit is ever made up or lost."""
    if isinstance(x, Revised):
        return _mark(big(x.value, precision))
    if is_missing(x):
        return shown(x, NOT_REPORTED)
    n = int(x)  # type: ignore[call-overload]
    step = int(precision * 10**8)
    if n >= 10**8 and step > 0 and n % step == 0:
        said = f"{(Decimal(n) / 10**8).quantize(precision)}"
        return (said.rstrip("0").rstrip(".") if "." in said else said) + "亿"
    return str(n)


def change(delta: object, ratio: object, money: bool = False) -> str:
    """A change as printed: ``+9507（+19.0%）``, money to the fen (``+482832.44（+0.9%）``); missing → —."""
    from bulletin.style.fmt import UNDEFINED

    if is_missing(delta):
        return UNDEFINED
    d = Decimal(str(delta))
    head = ("+" if d > 0 else "") + (yuan(d) if money else count(d))
    return f"{head}（{pct(ratio, signed=True)}）"


def figure(x: object, unit: str, form: str = "", precision: Decimal | None = None) -> str:
    """A headline figure without its unit, as printed, in the form its declaration gives: a figure
    declared in 亿 as :func:`big` to its precision (49.3亿); else by its unit, a share (``%``) as
    ``34.0%`` (as the pages show it), money (``元``) to the fen, else a count (``59507``)."""
    from bulletin.style.fmt import digits

    if form == "亿":
        return big(x, precision or Decimal("0.1"))
    if unit == "%":  # a headline share is in percent (43.52…), as its unit says
        return pct(x if is_missing(x) else float(x) / 100, digits(precision, 1), na=NOT_REPORTED)
    if unit == "元":
        return yuan(x)
    return count(x)
