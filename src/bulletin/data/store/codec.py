"""The CSV codec of a month's tables and stated figures: :func:`read_table` and :func:`read_facts`
read a file against its schema (one error line for a bad cell, a duplicate key or a wrong header),
:func:`table_csv` and :func:`facts_csv` write the canonical text they read back unchanged, and
:func:`spreadsheet_text` guards a published CSV's text cells against a spreadsheet's formulas.

The format is plain UTF-8 CSV with canonical column names, one row per unit, LF line ends. What
Excel on Chinese Windows writes back (GB18030, a UTF-8 byte-order mark, "1,234") is accepted on
reading; every bad cell raises :class:`BulletinDataError` with the file, the row (as a spreadsheet
numbers it, the header being row 1), the column and the value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from bulletin.core.errors import BulletinDataError, DuplicateKeyError
from bulletin.core.inputs import FORMULA_STARTS, is_total_name, read_regular
from bulletin.core.missing import NO_FIGURE_SIGNS, SIGNS_ATTR, key_text, signs
from bulletin.core.schema import FACTS, FACTS_COLUMNS, FACTS_FILE, Column, Table
from bulletin.data.store.cells import MAX_COUNT, format_cell, parse_cell
from bulletin.data.store.encoding import TEXT_EXPECTED, decode_csv


def csv_records(data: bytes, file: Path) -> list[tuple[int, list[str]]]:
    """(row number, cells) for each non-blank row of a CSV file; the header is row 1.

    Row numbers count records as a spreadsheet shows them (a quoted cell spanning lines is one
    row). Every way the csv module can fail becomes a :class:`BulletinDataError`.
    """
    reader = csv.reader(io.StringIO(decode_csv(data, file), newline=""))
    out = []
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return out
        except csv.Error as exc:
            raise BulletinDataError(
                f"not a readable CSV file ({exc})", file=file, row=number + 1, expected=TEXT_EXPECTED
            ) from None
        number += 1
        for cell in cells:
            if cell and not cell.isspace():
                out.append((number, cells))
                break


def read_bytes(path: Path, missing: str, expected: str) -> bytes:
    """The bytes of a regular file (:func:`bulletin.core.inputs.read_regular`: a FIFO is never waited on)."""
    return read_regular(path, missing, expected)


def _header(cells: list[str], expected: tuple[Column, ...], file: Path) -> list[int]:
    """Positions of the expected columns; headers may be canonical names or the Chinese labels."""
    names = [c.strip() for c in cells]
    header = ",".join(names)
    want = "a header with columns " + ",".join(c.name for c in expected)
    positions = []
    for col in expected:
        found = [pos for pos, name in enumerate(names) if name in (col.name, col.label)]
        if not found and col.optional:
            positions.append(-1)  # a file written before the column existed: all missing
            continue
        if not found:
            raise BulletinDataError("column missing", file=file, row=1, column=col.name, value=header, expected=want)
        if len(found) > 1:
            raise BulletinDataError(
                "column appears more than once", file=file, row=1, column=col.name, value=header,
                expected=want + ", each once",
            )
        positions.append(found[0])
    return positions


def _check_width(number: int, cells: list[str], width: int, needed: int, file: Path) -> None:
    """A row must reach every needed column and hold nothing beyond the header's columns.

    Cells beyond the header are refused unless blank: an unquoted thousands separator
    (``南京,30,317``) would otherwise silently read as 30.
    """
    if len(cells) < needed:
        raise BulletinDataError(
            f"row has {len(cells)} cells", file=file, row=number, value=",".join(cells),
            expected=f"{width} cells as in the header",
        )
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        raise BulletinDataError(
            f"row has {len(cells)} cells", file=file, row=number, value=",".join(cells),
            expected=f"{width} cells as in the header (a number with a thousands separator must be quoted: \"1,234\")",
        )


def _convert(raw: list[str], numbers: list[int], col: Column, file: Path, exact: bool = False) -> object:
    """One column's cells → the pandas array for its kind (fast path for plain ASCII integers).

    Money is parsed exactly (to the fen) either way; with ``exact`` it stays ``Decimal`` in an
    object column, else it becomes float64 yuan (missing → NaN).
    """
    if col.kind == "count":
        return _counts(raw, numbers, col, file)
    if col.kind == "money":
        return _money(raw, numbers, col, file, exact)
    return _texts(raw, numbers, col, file)


def _counts(raw: list[str], numbers: list[int], col: Column, file: Path) -> object:
    """A count column as nullable ``Int64`` (plain ASCII integers: the fast path, no cell parsed)."""
    if all(v.isdigit() and v.isascii() for v in raw):
        ints = [int(v) for v in raw]
        if not ints or max(ints) <= MAX_COUNT:
            return pd.arrays.IntegerArray(np.array(ints, dtype=np.int64), np.zeros(len(ints), dtype=bool))
    values = [parse_cell(v, col, file=file, row=n) for v, n in zip(raw, numbers, strict=True)]
    return pd.array(values, dtype="Int64")


def _money(raw: list[str], numbers: list[int], col: Column, file: Path, exact: bool) -> object:
    """A money column parsed to the fen: ``Decimal`` objects with ``exact``, else float64 yuan."""
    values = [parse_cell(v, col, file=file, row=n) for v, n in zip(raw, numbers, strict=True)]
    if not exact:
        return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _texts(raw: list[str], numbers: list[int], col: Column, file: Path) -> object:
    """A text column as ``string``, every cell checked by :func:`parse_cell` when any looks wrong."""
    stripped = [v.strip() for v in raw]
    if col.nullable:  # a free text that may be absent (a note): empty is missing, never an error
        given = [(v, n) for v, n in zip(raw, numbers, strict=True) if v.strip()]
        if not all(v.strip().isprintable() and not v.strip().startswith(FORMULA_STARTS) for v, _ in given) \
                or any(is_total_name(v) for v, _ in given):
            for v, n in given:
                parse_cell(v, col, file=file, row=n)  # raises on the first bad cell
        return pd.array([v or None for v in stripped], dtype="string")
    # not printable: a control or invisible format character may hide in a name (parse_cell names it)
    suspect = not all(stripped) or any(map(is_total_name, stripped)) or not all(map(str.isprintable, stripped)) \
        or any(v.startswith(FORMULA_STARTS) for v in stripped)
    if suspect or (col.choices is not None and not set(stripped) <= set(col.choices)):
        for v, n in zip(raw, numbers, strict=True):
            parse_cell(v, col, file=file, row=n)  # raises on the first bad cell
    return pd.array(stripped, dtype="string")


def read_table(path: Path, table: Table, *, exact: bool = False) -> pd.DataFrame:
    """Read one table file and check it against its declaration.

    Counts are nullable ``Int64`` (未反馈 → ``<NA>``), names ``string``. Money columns are float64
    yuan for everyday pandas; ``exact=True`` keeps them :class:`~decimal.Decimal` (to the fen),
    the path ``bulletin check`` ties totals out on. Both are validated identically.
    """
    path = Path(path)
    data = read_bytes(path, f"table {table.name} missing", f"the file {table.file} in the month folder")
    records = csv_records(data, path)
    if not records:
        raise BulletinDataError("empty file", file=path, expected="a header row " + ",".join(table.column_names))
    (_, head), body = records[0], records[1:]
    positions = _header(head, table.columns, path)
    needed = max(positions) + 1
    for number, cells in body:
        if len(cells) != len(head):
            _check_width(number, cells, len(head), needed, path)
    numbers = [n for n, _ in body]
    columns = {
        col.name: _convert(["" if pos < 0 else cells[pos] for _, cells in body], numbers, col, path, exact)
        for col, pos in zip(table.columns, positions, strict=True)
    }
    _check_keys(table, columns, numbers, path)
    frame = pd.DataFrame(columns, copy=False)
    found = _signs(table, positions, body)
    if found:
        frame.attrs[SIGNS_ATTR] = found
    return frame


def _signs(table: Table, positions: list[int], body: list[tuple[int, list[str]]]) -> dict:
    """``{(row key, column): sign}`` for each figure cell printed as a sign for no figure."""
    figures = [(c, p) for c, p in zip(table.columns, positions, strict=True) if c.kind != "text" and p >= 0]
    keys = [positions[[c.name for c in table.columns].index(k)] for k in table.key]
    out = {}
    for _, cells in body:
        for col, pos in figures:
            sign = cells[pos].strip()
            if sign in NO_FIGURE_SIGNS:
                out[(key_text(cells[k].strip() for k in keys), col.name)] = sign
    return out


def _check_keys(table: Table, columns: dict[str, object], numbers: list[int], file: Path) -> None:
    keys = list(zip(*(columns[k] for k in table.key), strict=True))
    if len(set(keys)) == len(keys):
        return
    seen: dict[tuple[object, ...], int] = {}
    for key, number in zip(keys, numbers, strict=True):
        if key in seen:
            raise DuplicateKeyError(
                f"duplicate key (first on row {seen[key]})", file=file, row=number,
                column=",".join(table.key), value="/".join(map(str, key)), expected="each key once",
            )
        seen[key] = number


def read_facts(path: Path, *, exact: bool = False) -> dict[str, object]:
    """``facts.csv`` → {key: int | float}, in file order; with ``exact`` money is a ``Decimal``."""
    path = Path(path)
    data = read_bytes(path, "facts missing", f"the file {FACTS_FILE} in the month folder")
    records = csv_records(data, path)
    if not records:
        raise BulletinDataError("empty file", file=path, expected="a header row " + ",".join(FACTS_COLUMNS))
    (_, head), body = records[0], records[1:]
    k_pos, v_pos = _header(head, (Column("key", "键", "text"), Column("value", "数值")), path)
    out: dict[str, object] = {}
    for number, cells in body:
        if len(cells) != len(head):
            _check_width(number, cells, len(head), max(k_pos, v_pos) + 1, path)
        key = cells[k_pos].strip()
        fact = FACTS.get(key)
        if fact is None:
            raise BulletinDataError(
                "unknown fact", file=path, row=number, column="key", value=key,
                expected="one of the facts declared in bulletin.core.schema.FACTS",
            )
        if key in out:
            raise DuplicateKeyError(
                "duplicate key", file=path, row=number, column="key", value=key, expected="each fact once"
            )
        value = parse_cell(cells[v_pos], Column("value", fact.label, fact.kind), file=path, row=number)
        out[key] = float(value) if isinstance(value, Decimal) and not exact else value
    return out


#: how a cell starts when a spreadsheet would read it as a formula (OWASP, "CSV Injection"): the
#: four formula signs (:data:`bulletin.core.inputs.FORMULA_STARTS`, which names never start with), and
#: the tab and carriage return some spreadsheets skip before them
SPREADSHEET_STARTS = (*FORMULA_STARTS, "\t", "\r")
#: what a published CSV puts before such a cell (the reader removes one to get the name back)
FORMULA_GUARD = "'"


def spreadsheet_text(text: str) -> str:
    """A text cell as a published CSV writes it: with a leading apostrophe (:data:`FORMULA_GUARD`)
    when it starts with one of :data:`SPREADSHEET_STARTS`, so that a spreadsheet opening the download
    shows the name instead of evaluating it. A cell starting with an apostrophe already gets one
    more, so the rule that undoes it is one and exact: *a text cell that starts with an apostrophe
    loses that one apostrophe*.

    Only for published CSVs (the data package, the trends download): the data folder's own files
    keep the names as printed (:func:`table_csv` without ``for_readers``).
    """
    return FORMULA_GUARD + text if text[:1] in (*SPREADSHEET_STARTS, FORMULA_GUARD) else text


def csv_text(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(header))
    writer.writerows(rows)
    return buf.getvalue()


def table_csv(frame: pd.DataFrame, table: Table, *, for_readers: bool = False) -> str:
    """The canonical CSV text of a table (what :func:`read_table` reads back unchanged): a figure
    the bulletin printed as a sign for no figure is written as that sign, whether the frame holds
    it as a :class:`~bulletin.core.missing.NoFigure` (the ingest) or carries it beside ``<NA>`` (a
    loaded table, :func:`bulletin.core.missing.signs`).

    ``for_readers``: a CSV for download (the data package), whose text cells that a spreadsheet
    would take for a formula are guarded (:func:`spreadsheet_text`); numbers are never touched.
    """
    cols = table.columns
    printed = signs(frame)
    key = [table.column_names.index(k) for k in table.key]

    def row(rec: tuple) -> list[str]:
        cells = [format_cell(v, c) for v, c in zip(rec, cols, strict=True)]
        if printed:
            k = key_text(cells[i] for i in key)
            cells = [printed.get((k, c.name), text) if text == "" and c.kind != "text" else text
                     for text, c in zip(cells, cols, strict=True)]
        if for_readers:
            cells = [spreadsheet_text(text) if c.kind == "text" else text for text, c in zip(cells, cols, strict=True)]
        return cells

    return csv_text(table.column_names, (row(rec) for rec in frame[list(table.column_names)].itertuples(index=False)))


def facts_csv(facts: Mapping[str, object]) -> str:
    """The canonical ``facts.csv`` text, facts in their declared order."""
    rows = []
    for key, fact in FACTS.items():
        if key in facts and facts[key] is not None:
            rows.append([key, format_cell(facts[key], Column("value", fact.label, fact.kind)), fact.unit, fact.label])
    unknown = set(facts) - set(FACTS)
    if unknown:
        raise BulletinDataError("unknown fact", column="key", value=sorted(unknown)[0],
                                expected="a fact declared in bulletin.core.schema.FACTS")
    return csv_text(FACTS_COLUMNS, rows)

