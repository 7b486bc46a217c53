"""A filled-in month workbook (``bulletin template``'s layout, :mod:`bulletin.core.sheet_layout`) → :class:`Parsed`.

:func:`parse_workbook` returns what :func:`bulletin.data.ingest.parse_text` returns for a text export,
so the month goes through the same writer, checks, lock, revisions and diff. The file is read with
openpyxl in read-only mode and ``data_only=False``: a formula is seen as a formula and refused,
never evaluated (the cached result a spreadsheet stored may be stale, or absent). Every cell is
checked for what its column holds; the first bad one raises :class:`~bulletin.core.errors.WorkbookError`
naming the sheet and cell (``预约挂号!D14``), the value and what was expected.

Money arrives as Excel's binary doubles: an amount is taken through the double's shortest repr
(``Decimal(repr(x))``: 51460109.85 is exactly 51460109.85), never through its binary expansion,
then quantized to the fen; one with more than two decimals left is refused (:func:`fen_exact`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from bulletin.core.errors import BulletinDataError, WorkbookError
from bulletin.core.missing import NOT_REPORTED, NoFigure
from bulletin.core.month_strings import parse_month
from bulletin.core.schema import FACTS, Column
from bulletin.core.sheet_layout import (
    FACTS_HEADERS,
    FACTS_SHEET,
    FIRST_ROW,
    GUIDE_SHEET,
    HEADER_ROW,
    MONTH_CELL,
    PARAGRAPH_FACTS,
    PUBLISHED_FACTS_HEADERS,
    PUBLISHED_FACTS_SHEET,
    PUBLISHED_HEADER_ROW,
    PUBLISHED_MISSING,
    PUBLISHED_NO_FIGURE,
    PUBLISHED_NOT_PRINTED,
    PUBLISHED_PAUSE_REASON,
    PUBLISHED_PAUSED,
    PUBLISHED_REVISED,
    PUBLISHED_SHEETS,
    PUBLISHED_TELEMEDICINE_HEADERS,
    SHEETS,
    TABLE_SHEETS,
    TOTAL_LABEL,
    TableSheet,
    cell_name,
)
from bulletin.data import glyphs
from bulletin.data.ingest.tables import no_figure
from bulletin.data.store import MAX_COUNT, parse_cell

#: the signatures that make a file a workbook: a zip (xlsx), or an OLE2 compound file (encrypted, .xls)
ZIP_SIGNATURE = b"PK\x03\x04"
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xltx", ".xltm")

_CENT = Decimal("0.01")
_EXPECTED_FILE = "an .xlsx workbook made by bulletin template (saved without a password, without macros)"


def is_workbook(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is meant as a workbook: by its suffix, or by its first bytes."""
    if Path(path).suffix.lower() in WORKBOOK_SUFFIXES:
        return True
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError:
        return False
    return head in (ZIP_SIGNATURE, OLE2_SIGNATURE)


def _open(path: Path, shown: str):
    """The workbook, opened read-only; a file that is not a plain .xlsx is refused before openpyxl reads it."""
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        raise WorkbookError("no such file", file=shown, expected=_EXPECTED_FILE) from None
    except OSError as exc:
        raise WorkbookError(f"cannot read the file ({exc.strerror or exc})", file=shown) from None
    if head.startswith(OLE2_SIGNATURE):
        raise WorkbookError("an encrypted (password-protected) workbook or an old .xls file (an OLE2 compound "
                            "file, signature D0CF11E0)", file=shown, expected=_EXPECTED_FILE)
    if not head.startswith(ZIP_SIGNATURE):
        raise WorkbookError("not a workbook (not an .xlsx zip file)", file=shown, value=head[:4].hex(),
                            expected=_EXPECTED_FILE)
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            types = z.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError) as exc:
        raise WorkbookError(f"not a workbook (a damaged zip file: {exc})", file=shown,
                            expected=_EXPECTED_FILE) from None
    if path.suffix.lower() in (".xlsm", ".xltm") or any(n.lower().endswith("vbaproject.bin") for n in names) \
            or b"macroEnabled" in types:
        raise WorkbookError("a macro-enabled workbook (.xlsm, vbaProject.bin)", file=shown,
                            expected=_EXPECTED_FILE + "; save it as 'Excel Workbook (.xlsx)'")
    if "xl/workbook.xml" not in names:
        raise WorkbookError("not a workbook (a zip file without xl/workbook.xml)", file=shown, expected=_EXPECTED_FILE)
    try:
        return load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, ParseError) as exc:
        raise WorkbookError(f"not a readable workbook ({type(exc).__name__}: {exc})", file=shown,
                            expected=_EXPECTED_FILE) from None


def fen_exact(value: int | float) -> Decimal | None:
    """An amount read from a cell, exactly to the fen; None when it is not an amount to the fen.

    A double is taken through its shortest repr (``Decimal(repr(x))``: 51460109.85 is 51460109.85,
    not 51460109.850000001490116…), then, when more than two decimals remain, through the 15
    significant digits Excel shows and computes with: 0.1 + 0.2 (0.30000000000000004) is the
    0.30 a reader sees in the cell. An amount still beyond the fen (166469.001, 1.005) is None:
    refused, never rounded one way or the other.
    """
    if isinstance(value, int):
        return Decimal(value).quantize(_CENT)
    for text in (repr(value), f"{value:.15g}"):
        exact = Decimal(text)
        if exact == exact.quantize(_CENT):
            return exact.quantize(_CENT)
    return None


class _Reader:
    """Cells of one workbook checked against the layout; errors name file, sheet and cell."""

    def __init__(self, shown: str) -> None:
        self.file = shown
        #: how the workbook writes 未反馈 (the published workbook: [x])
        self.missing = NOT_REPORTED

    def error(self, where: str, problem: str, value: object = None, expected: str | None = None) -> WorkbookError:
        return WorkbookError(problem, file=self.file, cell=where, value=value, expected=expected)

    def _plain(self, cell, where: str) -> object:
        """A cell's value, refusing what no column holds: a formula, a date, an error, a boolean."""
        value = cell.value
        kind = getattr(cell, "data_type", None)
        if kind == "f" or (isinstance(value, str) and value.startswith("=") and kind != "s"):
            raise self.error(where, "a formula", value, "a value typed in (formulas are never evaluated)")
        if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
            raise self.error(where, "a date-formatted cell", str(value),
                             "a number in the General or Number format, not a date")
        if kind == "e":
            raise self.error(where, "an error value", value, "a value typed in")
        if isinstance(value, bool):
            raise self.error(where, "a TRUE/FALSE value", value, "a number or a name")
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    def count(self, value: object, where: str, col: Column, what: str) -> int | None:
        if value is None or value == self.missing:
            if col.nullable:
                return None
            if value is None:
                raise self.error(where, "an empty required cell", None,
                                 f"{what}: a whole number ≥ 0 (this column is never 未反馈)")
            raise self.error(where, f"{NOT_REPORTED} where the bulletin always prints a figure", value,
                             f"{what}: a whole number ≥ 0")
        allowed = f" or {self.missing}" if col.nullable else ""
        if isinstance(value, str):
            raise self.error(where, "text in a count", value, f"{what}: a whole number ≥ 0{allowed}, as a number")
        if isinstance(value, float):
            if not value.is_integer():
                raise self.error(where, "not a whole number", value, f"{what}: a whole number ≥ 0{allowed}")
            value = int(value)
        if not isinstance(value, int) or value < 0 or value > MAX_COUNT:
            raise self.error(where, "not a count", value, f"{what}: a whole number ≥ 0{allowed}")
        return value

    def money(self, value: object, where: str, col: Column, what: str) -> Decimal:
        if value is None:
            raise self.error(where, "an empty required cell", None, f"{what}: an amount in yuan")
        if isinstance(value, str):
            raise self.error(where, "text in an amount", value, f"{what}: an amount in yuan, as a number")
        if not isinstance(value, (int, float)):
            raise self.error(where, "not an amount", value, f"{what}: an amount in yuan")
        exact = fen_exact(value)
        if exact is not None and exact < 0:
            raise self.error(where, "a negative amount", value, f"{what}: an amount ≥ 0")
        if exact is None:
            raise self.error(where, "money beyond the fen", repr(value),
                             f"{what}: an amount in yuan with at most two decimals")
        return exact

    def fact(self, key: str, value: object, where: str) -> int | Decimal | None:
        """A stated figure of :data:`bulletin.core.schema.FACTS`, read as its kind declares."""
        fact = FACTS[key]
        col = Column("value", fact.label, fact.kind, fact.unit)
        return (self.money(value, where, col, fact.label) if fact.kind == "money"
                else self.count(value, where, col, fact.label))

    def text(self, value: object, where: str, col: Column, what: str) -> str | None:
        if value is None:
            if col.nullable:
                return None
            raise self.error(where, "an empty required cell", None, f"{what}: a name")
        if not isinstance(value, str):
            raise self.error(where, "a number where a name is expected", value, f"{what}: a name, as text")
        try:
            text = parse_cell(value, col, file=self.file, row=0)
        except BulletinDataError as exc:
            raise self.error(where, exc.problem, value, exc.expected) from None
        bad = glyphs.first_unprintable(text)
        if bad is not None:
            raise self.error(where, f"{glyphs.describe(bad)}, which the documents' font cannot print", value,
                             glyphs.EXPECTED)
        return text


def _rows(sheet):
    return sheet.iter_rows(min_row=1, values_only=False)


def _total_row(reader: _Reader, layout: TableSheet, r: int, values: list[object]) -> dict[str, object]:
    """The stated totals of a 合计 row (a blank cell: the bulletin printed no total for that column)."""
    out: dict[str, object] = {}
    for total in layout.totals:
        i = layout.table.column_names.index(total.column)
        col = layout.columns[i].column
        if values[i] is None or _sign(values[i]) is not None:  # a total printed as a sign is not stated
            continue
        what, where = f"{TOTAL_LABEL}·{col.label}", cell_name(layout.name, r, i)
        out[total.fact] = (reader.money(values[i], where, col, what) if col.kind == "money"
                           else reader.count(values[i], where, col, what))
    return out


def _sign(value: object) -> NoFigure | None:
    """A cell holding a sign for no figure (—, …) alone, read as the text ingest reads one
    (:func:`.tables.no_figure`: ``"— "`` typed in a cell is ``—``, as in a text export); ``None``
    for anything else (a number, a blank)."""
    return no_figure(value) if isinstance(value, str) else None


def _record(reader: _Reader, layout: TableSheet, r: int, values: list[object]) -> dict[str, object]:
    """One unit's row, each cell read as its column declares; a figure cell holding a sign for no
    figure is that sign (missing, never 0, kept as printed), as in a text export."""
    rec: dict[str, object] = {}
    for i, sc in enumerate(layout.columns):
        col, where, value = sc.column, cell_name(layout.name, r, i), values[i]
        if col.kind != "text" and (sign := _sign(value)) is not None:
            rec[col.name] = sign
            continue
        if col.kind == "text":
            value = sc.code(value) if isinstance(value, str) else value
            if col.choices is not None and value is not None and value not in col.choices:
                raise reader.error(where, "not one of the choices", values[i], "one of " + "、".join(sc.choices or ()))
            rec[col.name] = reader.text(value, where, col, sc.header)
        elif col.kind == "money":
            rec[col.name] = reader.money(value, where, col, sc.header)
        else:
            rec[col.name] = reader.count(value, where, col, sc.header)
    return rec


def _values(reader: _Reader, sheet_name: str, r: int, cells: list, width: int) -> list[object]:
    """The first ``width`` cells of a row (checked by :meth:`_Reader._plain`); anything right of them is refused."""
    for i, c in enumerate(cells[width:], start=width):
        if c.value not in (None, ""):
            raise reader.error(cell_name(sheet_name, r, i), "a cell beyond the table's columns", c.value,
                               f"nothing right of the table's {width} columns")
    values = [reader._plain(c, cell_name(sheet_name, r, i)) for i, c in enumerate(cells[:width])]
    return values + [None] * (width - len(values))


def _header(reader: _Reader, sheet_name: str, r: int, values: list[object], headers: tuple[str, ...]) -> None:
    for i, text in enumerate(headers):
        if values[i] != text:
            raise reader.error(cell_name(sheet_name, r, i), "a header changed", values[i],
                               f"the template's header {text!r}")


def _table(reader: _Reader, sheet, layout: TableSheet, header_row: int = HEADER_ROW
           ) -> tuple[list[dict[str, object]], dict[str, object]]:
    """One table sheet's rows (in the sheet's order) and the totals of its 合计 row.

    ``header_row`` differs in the published workbook, whose revised month adds a 修订标记 column
    after the table's (read past, never as data).
    """
    width = len(layout.columns)
    skip = 0
    out: list[dict[str, object]] = []
    facts: dict[str, object] = {}
    seen: dict[tuple[object, ...], str] = {}
    total_row: int | None = None
    for r, cells in enumerate(_rows(sheet)):
        if r < header_row:
            continue
        cells = list(cells)
        if r == header_row and header_row != HEADER_ROW and len(cells) > width \
                and cells[width].value == PUBLISHED_REVISED:
            skip = 1
        values = _values(reader, layout.name, r, cells[:width] + cells[width + skip:], width)
        if r == header_row:
            _header(reader, layout.name, r, values, tuple(sc.header for sc in layout.columns))
            continue
        if all(v is None for v in values):
            continue  # a row left empty (or deleted)
        if any(isinstance(v, str) and "".join(v.split()) == TOTAL_LABEL for v in values):
            where = cell_name(layout.name, r, layout.total_column)
            if not layout.totals:
                raise reader.error(where, f"a {TOTAL_LABEL} row in a table that states no total", TOTAL_LABEL,
                                   "one row per unit")
            if total_row is not None:
                raise reader.error(where, f"a second {TOTAL_LABEL} row", TOTAL_LABEL,
                                   f"one {TOTAL_LABEL} row (the first is row {total_row + 1})")
            total_row = r
            facts = _total_row(reader, layout, r, values)
            continue
        rec = _record(reader, layout, r, values)
        key = tuple(rec[k] for k in layout.table.key)
        where = cell_name(layout.name, r, layout.table.column_names.index(layout.table.key[-1]))
        if key in seen:
            raise reader.error(where, "a unit twice", "·".join(map(str, key)), f"each unit once (also {seen[key]})")
        seen[key] = where
        out.append(rec)
    return out, facts


def _facts(reader: _Reader, sheet) -> dict[str, object]:
    out: dict[str, object] = {}
    seen: dict[str, str] = {}
    for r, cells in enumerate(_rows(sheet)):
        if r < HEADER_ROW:
            continue
        values = _values(reader, FACTS_SHEET, r, list(cells), len(FACTS_HEADERS))
        if r == HEADER_ROW:
            _header(reader, FACTS_SHEET, r, values, FACTS_HEADERS)
            continue
        if all(v is None for v in values):
            continue
        key, where = values[0], cell_name(FACTS_SHEET, r, 0)
        if key not in PARAGRAPH_FACTS:
            raise reader.error(where, "an unknown code", key,
                               "a code the template lists: " + ", ".join(PARAGRAPH_FACTS))
        if key in seen:
            raise reader.error(where, "a figure twice", key, f"each code once (also {seen[key]})")
        seen[key] = where
        if values[2] is None or _sign(values[2]) is not None:
            continue  # not stated in this bulletin (blank, or printed as a sign for no figure)
        out[key] = reader.fact(key, values[2], cell_name(FACTS_SHEET, r, 2))
    return out


@dataclass(frozen=True)
class WorkbookMonth:
    """What a month workbook holds: its month, each printed table's rows (in the sheet's order),
    the facts stated, lines about sheets skipped, and the notes a published workbook gives for the
    tables it says were not printed (table → note)."""

    month: str
    tables: dict[str, list[dict[str, object]]]
    facts: dict[str, object]
    skipped: tuple[str, ...] = ()
    not_printed: dict[str, str] = field(default_factory=dict)


def parse_workbook(path: str | os.PathLike[str], *, month: str | None = None, file: str | None = None
                   ) -> WorkbookMonth:
    """Read a filled-in template, or a workbook the package published (``tables-YYYY-MM.xlsx``);
    :func:`bulletin.data.ingest.ingest_file` makes it a ``Parsed``.

    A table sheet without rows is a table the bulletin did not print; a blank figure on the
    paragraph sheet, or a blank cell of a 合计 row, a figure it did not state (both recorded in
    ``not_published.csv``, as a text ingest records them). A sheet the layout does not know is
    named in ``skipped`` and ignored.
    """
    path = Path(path)
    shown = file or str(path)
    reader = _Reader(shown)
    book = _open(path, shown)
    try:
        names = book.sheetnames
        if GUIDE_SHEET not in names and all(n in names for n in PUBLISHED_SHEETS):
            return _published(reader, book, month)
        return _template(reader, book, month)
    finally:
        book.close()


def _check_sheets(reader: _Reader, names: list[str], wanted: tuple[str, ...], what: str) -> list[str]:
    """Refuse a missing sheet; the lines naming the sheets not in ``wanted`` (skipped)."""
    missing = [s for s in wanted if s not in names]
    if missing:
        others = [n for n in names if n not in wanted]
        raise reader.error(f"{missing[0]}!A1", "a sheet missing or renamed",
                           "、".join(others) if others else None, f"{what}'s sheet {missing[0]!r}")
    return [f"{reader.file}: sheet {n!r} is no sheet of {what}; ignored" for n in names if n not in wanted]


def _month(reader: _Reader, written: object, where: str, month: str | None, expected: str) -> str:
    try:
        printed = parse_month(written)
    except BulletinDataError:
        raise reader.error(where, "not a month", written, expected) from None
    if month is not None and parse_month(month) != printed:
        raise reader.error(where, f"--month {month} does not agree with the workbook's month", printed)
    return printed


def _template(reader: _Reader, book, month: str | None) -> WorkbookMonth:
    skipped = _check_sheets(reader, book.sheetnames, SHEETS, "the template")
    where = cell_name(GUIDE_SHEET, *MONTH_CELL)
    written = reader._plain(book[GUIDE_SHEET].cell(MONTH_CELL[0] + 1, MONTH_CELL[1] + 1), where)
    printed = _month(reader, written, where, month, "the month as YYYY-MM, as the template wrote it")
    tables: dict[str, list[dict[str, object]]] = {}
    facts: dict[str, object] = {}
    for name, layout in TABLE_SHEETS.items():
        rows, totals = _table(reader, book[layout.name], layout)
        if rows:
            tables[name] = rows
        elif totals:
            raise reader.error(cell_name(layout.name, FIRST_ROW, 0), f"a {TOTAL_LABEL} row without any unit",
                               None, f"the units' rows above the {TOTAL_LABEL} row, or no {TOTAL_LABEL} either")
        facts.update(totals)
    facts.update(_facts(reader, book[FACTS_SHEET]))
    return WorkbookMonth(printed, tables, facts, tuple(skipped))


_TITLE_MONTH = re.compile(r"(\d{4})年(\d{1,2})月")


def _published(reader: _Reader, book, month: str | None) -> WorkbookMonth:
    """The package's published workbook (:mod:`bulletin.render.documents.workbook`) read back."""
    reader.missing = PUBLISHED_MISSING
    wanted = (*PUBLISHED_SHEETS, *(s.name for s in TABLE_SHEETS.values()), PUBLISHED_FACTS_SHEET)
    skipped = _check_sheets(reader, book.sheetnames, wanted, "the published workbook")
    where = cell_name(PUBLISHED_FACTS_SHEET, 0, 0)
    title = reader._plain(book[PUBLISHED_FACTS_SHEET].cell(1, 1), where)
    found = _TITLE_MONTH.match(title) if isinstance(title, str) else None
    printed = _month(reader, f"{found.group(1)}-{int(found.group(2)):02d}" if found else title, where, month,
                     "a title starting with the month, such as 2020年2月")
    tables: dict[str, list[dict[str, object]]] = {}
    not_printed: dict[str, str] = {}
    for name, layout in TABLE_SHEETS.items():
        sheet = book[layout.name]
        second = reader._plain(sheet.cell(2, 1), cell_name(layout.name, 1, 0))
        if isinstance(second, str) and second.startswith(PUBLISHED_NOT_PRINTED):
            not_printed[name] = second[len(PUBLISHED_NOT_PRINTED):].lstrip("：").removesuffix("。")
            continue
        if name == "telemedicine":
            rows = _published_telemedicine(reader, sheet, layout)
        else:
            rows, _ = _table(reader, sheet, layout, PUBLISHED_HEADER_ROW)
        if rows:
            tables[name] = rows
    facts = _published_facts(reader, book[PUBLISHED_FACTS_SHEET])
    return WorkbookMonth(printed, tables, facts, tuple(skipped), not_printed)


def _published_telemedicine(reader: _Reader, sheet, layout: TableSheet) -> list[dict[str, object]]:
    """The telemedicine table as published: a measure by its label, the pause as the platform's state
    (its reason on a row of its own), a unit column read past."""
    platform_col, measure_col, value_col, note_col = layout.columns
    width = len(PUBLISHED_TELEMEDICINE_HEADERS)
    out: list[dict[str, object]] = []
    paused: dict[str, str | None] = {}
    for r, cells in enumerate(_rows(sheet)):
        if r < PUBLISHED_HEADER_ROW:
            continue
        cells = list(cells)
        skip = 1 if r == PUBLISHED_HEADER_ROW and len(cells) > width and cells[width].value == PUBLISHED_REVISED \
            else 0
        values = _values(reader, layout.name, r, cells[:width] + cells[width + skip:], width)
        if r == PUBLISHED_HEADER_ROW:
            _header(reader, layout.name, r, values, PUBLISHED_TELEMEDICINE_HEADERS)
            continue
        if all(v is None for v in values):
            continue
        where = cell_name(layout.name, r, 0)
        platform = reader.text(values[0], where, platform_col.column, platform_col.header)
        note = reader.text(values[5], cell_name(layout.name, r, 5), note_col.column, note_col.header)
        if values[4] == PUBLISHED_PAUSED:
            paused.setdefault(platform, None)
        if values[1] == PUBLISHED_PAUSE_REASON:
            paused[platform] = note
            out.append({"platform": platform, "measure": "paused", "value": 1, "note": note})
            continue
        if values[1] == PUBLISHED_NO_FIGURE:
            continue
        measure = measure_col.code(values[1]) if isinstance(values[1], str) else values[1]
        if measure not in (measure_col.column.choices or ()):
            raise reader.error(cell_name(layout.name, r, 1), "not one of the choices", values[1],
                               "one of " + "、".join(measure_col.choices or ()))
        value = reader.count(values[2], cell_name(layout.name, r, 2), value_col.column, value_col.header)
        out.append({"platform": platform, "measure": measure, "value": value, "note": note})
    _add_pauses_without_reason(out, paused)
    return out


def _add_pauses_without_reason(out: list[dict[str, object]], paused: dict[str, str | None]) -> None:
    """A platform marked paused with no reason printed: the pause itself becomes its last row."""
    for platform in paused:
        if not any(r["platform"] == platform and r["measure"] == "paused" for r in out):
            last = max(i for i, r in enumerate(out) if r["platform"] == platform) if any(
                r["platform"] == platform for r in out) else len(out) - 1
            out.insert(last + 1, {"platform": platform, "measure": "paused", "value": 1, "note": None})


def _published_facts(reader: _Reader, sheet) -> dict[str, object]:
    """The stated totals and cumulative figures, each found by its label."""
    by_label = {f.label: k for k, f in FACTS.items()}
    out: dict[str, object] = {}
    width = len(PUBLISHED_FACTS_HEADERS)
    skip = 0
    for r, cells in enumerate(_rows(sheet)):
        if r < PUBLISHED_HEADER_ROW:
            continue
        cells = list(cells)
        if r == PUBLISHED_HEADER_ROW and len(cells) > width and cells[width].value == PUBLISHED_REVISED:
            skip = 1
        values = _values(reader, PUBLISHED_FACTS_SHEET, r, cells[:width] + cells[width + skip:], width)
        if r == PUBLISHED_HEADER_ROW:
            _header(reader, PUBLISHED_FACTS_SHEET, r, values, PUBLISHED_FACTS_HEADERS)
            continue
        if all(v is None for v in values):
            continue
        key = by_label.get(values[0])
        where = cell_name(PUBLISHED_FACTS_SHEET, r, 0)
        if key is None:
            raise reader.error(where, "an unknown figure", values[0], "a label of bulletin.core.schema.FACTS")
        if key in out:
            raise reader.error(where, "a figure twice", values[0], "each figure once")
        out[key] = reader.fact(key, values[1], cell_name(PUBLISHED_FACTS_SHEET, r, 1))
    return out
