"""One CSV cell and its value, by the kind :mod:`bulletin.core.schema` declares for its column:
:func:`parse_cell` (text → ``str``, ``int``, ``Decimal`` or ``None``, a bad cell one
:class:`~bulletin.core.errors.BulletinDataError` naming file, row, column and value) and
:func:`format_cell` (a value → its canonical text, what :func:`parse_cell` reads back unchanged).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from bulletin.core.errors import BulletinDataError
from bulletin.core.inputs import check_name, invisible
from bulletin.core.missing import NO_FIGURE_SIGNS, NOT_REPORTED, NoFigure
from bulletin.core.schema import Column

#: the largest count a nullable ``Int64`` column holds
MAX_COUNT = 2**63 - 1

#: ASCII digits only (``re.ASCII``): ``\d`` alone takes ٣ (Arabic-Indic) and ３ (full-width), which ``int``
#: reads as 3 — a figure a reader of the file cannot check
_INT = re.compile(r"\d+|\d{1,3}(?:,\d{3})+", re.ASCII)
_MONEY = re.compile(r"(\d+|\d{1,3}(?:,\d{3})+)(?:\.(\d{1,2}))?", re.ASCII)
_CENT = Decimal("0.01")


def _count_expected(col: Column) -> str:
    return "a non-negative integer such as 1234 or 1,234" + (
        f" (or {NOT_REPORTED} / empty)" if col.nullable else ""
    ) + f" (or a sign for no figure: {' '.join(NO_FIGURE_SIGNS)})"


def _text_cell(text: str, raw: str, col: Column, *, file: str | Path, row: int) -> str:
    """A name (or a note) checked for its shape (:func:`bulletin.core.inputs.name_problem`, the one check
    every name gets), or a code checked against its declared choices."""
    if not text:
        raise BulletinDataError("empty cell", file=file, row=row, column=col.name, value=raw, expected="a name")
    if col.choices is not None and text not in col.choices:
        hidden = invisible(text)
        raise BulletinDataError(
            "unknown value" + (f" (it holds {hidden})" if hidden else ""), file=file, row=row, column=col.name,
            value=text, expected="one of " + ", ".join(col.choices),
        )
    return check_name(text, file=file, row=row, column=col.name)


def parse_cell(raw: str, col: Column, *, file: str | Path, row: int) -> object:
    """One cell → ``str``, ``int``, ``Decimal`` or ``None`` (missing), as declared for ``col``.

    A figure cell holding a printed sign for "no figure" (:data:`bulletin.core.missing.NO_FIGURE_SIGNS`)
    is missing (``None``) in any figure column: the bulletin printed no figure there, which no
    declaration can forbid; :func:`read_table` keeps the sign.
    """
    text = raw.strip()
    if col.kind == "text":
        return None if not text and col.nullable else _text_cell(text, raw, col, file=file, row=row)
    if text in NO_FIGURE_SIGNS:
        return None
    if text in ("", NOT_REPORTED):
        if col.nullable:
            return None
        raise BulletinDataError(
            "missing figure", file=file, row=row, column=col.name, value=raw,
            expected="a non-negative integer" if col.kind == "count" else "an amount in yuan",
        )
    if col.kind == "count":
        if not _INT.fullmatch(text):
            raise BulletinDataError(
                "not a count", file=file, row=row, column=col.name, value=raw, expected=_count_expected(col)
            )
        number = int(text.replace(",", ""))
        if number > MAX_COUNT:
            raise BulletinDataError(
                "count too large", file=file, row=row, column=col.name, value=raw,
                expected=f"a non-negative integer of at most {MAX_COUNT}",
            )
        return number
    if not _MONEY.fullmatch(text):
        raise BulletinDataError(
            "not an amount", file=file, row=row, column=col.name, value=raw,
            expected="a non-negative amount in yuan with at most two decimals, such as 1234.56",
        )
    try:
        return Decimal(text.replace(",", "")).quantize(_CENT)
    except InvalidOperation:  # pragma: no cover - the pattern already guarantees a number
        raise BulletinDataError("not an amount", file=file, row=row, column=col.name, value=raw) from None



def format_cell(value: object, col: Column) -> str:
    """The canonical text of a value in a CSV file (the inverse of :func:`parse_cell`)."""
    if isinstance(value, NoFigure):  # the sign as printed (未反馈 is the empty cell)
        return value.sign
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if col.kind == "money":  # a float is written from its shortest repr, which is the parsed amount
        return f"{Decimal(repr(value) if isinstance(value, float) else value).quantize(_CENT)}"
    if col.kind == "count":
        return str(int(value))
    return str(value)

