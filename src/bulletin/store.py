"""Reading and writing one month folder: ``DIR/YYYY-MM/<table>.csv`` and ``facts.csv``.

The format is plain UTF-8 CSV with canonical column names, one row per unit, LF line ends. What
Excel on Chinese Windows writes back (GB18030, a UTF-8 byte-order mark, "1,234") is accepted on
reading. Cells are converted by the kinds declared in :mod:`bulletin.schema`; every bad cell
raises :class:`BulletinDataError` with the file, the row (as a spreadsheet numbers it, the
header being row 1), the column and the value.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from .errors import BulletinDataError
from .schema import FACTS, FACTS_COLUMNS, FACTS_FILE, TABLES, Column, Table

#: how a missing figure is printed in the bulletin
NOT_REPORTED = "未反馈"

_INT = re.compile(r"\d+|\d{1,3}(?:,\d{3})+")
_MONEY = re.compile(r"(\d+|\d{1,3}(?:,\d{3})+)(?:\.(\d{1,2}))?")


def decode(data: bytes, file: str | Path) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), else GB18030; anything else is an error."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise BulletinDataError(
            "the file is not text", file=file, expected="a CSV file in UTF-8 or GB18030"
        ) from None
    if "\x00" in text:
        raise BulletinDataError("the file is not text", file=file, expected="a CSV file in UTF-8 or GB18030")
    return text


def parse_cell(raw: str, col: Column, *, file: str | Path, row: int) -> object:
    """One cell → ``str``, ``int``, ``Decimal`` or ``None`` (missing), as declared for ``col``."""
    text = raw.strip()
    if col.kind == "text":
        if not text:
            raise BulletinDataError("empty cell", file=file, row=row, column=col.name, value=raw, expected="a name")
        if col.choices is not None and text not in col.choices:
            raise BulletinDataError(
                "unknown value", file=file, row=row, column=col.name, value=text,
                expected="one of " + ", ".join(col.choices),
            )
        return text
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
                "not a count", file=file, row=row, column=col.name, value=raw,
                expected="a non-negative integer such as 1234 or 1,234"
                + (f" (or {NOT_REPORTED} / empty)" if col.nullable else ""),
            )
        return int(text.replace(",", ""))
    if not _MONEY.fullmatch(text):
        raise BulletinDataError(
            "not an amount", file=file, row=row, column=col.name, value=raw,
            expected="a non-negative amount in yuan with at most two decimals, such as 1234.56",
        )
    try:
        return Decimal(text.replace(",", "")).quantize(Decimal("0.01"))
    except InvalidOperation:  # pragma: no cover - the pattern already guarantees a number
        raise BulletinDataError("not an amount", file=file, row=row, column=col.name, value=raw) from None


def format_cell(value: object, col: Column) -> str:
    """The canonical text of a value in a CSV file (the inverse of :func:`parse_cell`)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if col.kind == "money":
        return f"{Decimal(value).quantize(Decimal('0.01'))}"
    if col.kind == "count":
        return str(int(value))
    return str(value)


def _rows(text: str) -> Iterable[tuple[int, list[str]]]:
    """(row number, cells) for each non-blank row; the header is row 1."""
    for number, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        if cells and any(c.strip() for c in cells):
            yield number, cells


def _header(cells: list[str], expected: tuple[Column, ...], file: Path) -> list[int]:
    """Positions of the expected columns; headers may be canonical names or the Chinese labels."""
    names = [c.strip() for c in cells]
    index = {}
    for pos, name in enumerate(names):
        index.setdefault(name, pos)
    positions = []
    for col in expected:
        pos = index.get(col.name, index.get(col.label))
        if pos is None:
            raise BulletinDataError(
                "column missing", file=file, row=1, column=col.name,
                value=",".join(names), expected="a header with columns " + ",".join(c.name for c in expected),
            )
        positions.append(pos)
    return positions


def read_table(path: Path, table: Table) -> pd.DataFrame:
    """Read one table file and check it against its declaration."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BulletinDataError(
            f"table {table.name} missing", file=path, expected=f"the file {table.file} in the month folder"
        ) from None
    except OSError as exc:
        raise BulletinDataError(f"cannot read the file ({exc.strerror})", file=path) from None
    rows = iter(_rows(decode(data, path)))
    first = next(rows, None)
    if first is None:
        raise BulletinDataError("empty file", file=path, expected="a header row " + ",".join(table.column_names))
    positions = _header(first[1], table.columns, path)
    width = max(positions) + 1
    values: dict[str, list[object]] = {c.name: [] for c in table.columns}
    seen: dict[tuple[object, ...], int] = {}
    key_pos = [table.column_names.index(k) for k in table.key]
    for number, cells in rows:
        if len(cells) < width:
            raise BulletinDataError(
                f"row has {len(cells)} cells", file=path, row=number, value=",".join(cells),
                expected=f"{len(first[1])} cells as in the header",
            )
        parsed = [parse_cell(cells[pos], col, file=path, row=number) for col, pos in zip(table.columns, positions)]
        key = tuple(parsed[i] for i in key_pos)
        if key in seen:
            raise BulletinDataError(
                f"duplicate key (first on row {seen[key]})", file=path, row=number,
                column=",".join(table.key), value="/".join(map(str, key)), expected="each key once",
            )
        seen[key] = number
        for col, value in zip(table.columns, parsed):
            values[col.name].append(value)
    return pd.DataFrame({c.name: _series(values[c.name], c) for c in table.columns})


def _series(values: list[object], col: Column) -> pd.Series:
    if col.kind == "count":
        return pd.Series(pd.array(values, dtype="Int64"))
    if col.kind == "money":
        return pd.Series(values, dtype=object)
    return pd.Series(values, dtype="string")


def read_facts(path: Path) -> dict[str, object]:
    """``facts.csv`` → {key: int | Decimal}, in file order."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BulletinDataError("facts missing", file=path, expected=f"the file {FACTS_FILE} in the month folder") from None
    rows = iter(_rows(decode(data, path)))
    first = next(rows, None)
    if first is None:
        raise BulletinDataError("empty file", file=path, expected="a header row " + ",".join(FACTS_COLUMNS))
    names = [c.strip() for c in first[1]]
    for needed in ("key", "value"):
        if needed not in names:
            raise BulletinDataError(
                "column missing", file=path, row=1, column=needed, value=",".join(names),
                expected="a header with columns " + ",".join(FACTS_COLUMNS),
            )
    k_pos, v_pos = names.index("key"), names.index("value")
    out: dict[str, object] = {}
    for number, cells in rows:
        if len(cells) <= max(k_pos, v_pos):
            raise BulletinDataError(f"row has {len(cells)} cells", file=path, row=number, expected=f"{len(names)} cells")
        key = cells[k_pos].strip()
        fact = FACTS.get(key)
        if fact is None:
            raise BulletinDataError(
                "unknown fact", file=path, row=number, column="key", value=key,
                expected="one of the facts declared in bulletin.schema.FACTS",
            )
        if key in out:
            raise BulletinDataError("duplicate key", file=path, row=number, column="key", value=key, expected="each fact once")
        out[key] = parse_cell(cells[v_pos], Column("value", fact.label, fact.kind), file=path, row=number)
    return out


def _csv_text(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(header))
    writer.writerows(rows)
    return buf.getvalue()


def table_csv(frame: pd.DataFrame, table: Table) -> str:
    """The canonical CSV text of a table (what :func:`read_table` reads back unchanged)."""
    cols = table.columns
    rows = ([format_cell(v, c) for v, c in zip(rec, cols)] for rec in frame[list(table.column_names)].itertuples(index=False))
    return _csv_text(table.column_names, rows)


def facts_csv(facts: Mapping[str, object]) -> str:
    """The canonical ``facts.csv`` text, facts in their declared order."""
    rows = []
    for key, fact in FACTS.items():
        if key in facts and facts[key] is not None:
            rows.append([key, format_cell(facts[key], Column("value", fact.label, fact.kind)), fact.unit, fact.label])
    unknown = set(facts) - set(FACTS)
    if unknown:
        raise BulletinDataError("unknown fact", column="key", value=sorted(unknown)[0], expected="a fact declared in bulletin.schema.FACTS")
    return _csv_text(FACTS_COLUMNS, rows)


def month_files(tables: Mapping[str, pd.DataFrame], facts: Mapping[str, object]) -> dict[str, str]:
    """File name → text for a whole month folder (tables in declared order, then facts)."""
    files = {TABLES[name].file: table_csv(tables[name], TABLES[name]) for name in TABLES if name in tables}
    files[FACTS_FILE] = facts_csv(facts)
    return files


def write_month_files(target: Path, files: Mapping[str, str], *, force: bool = False) -> Path:
    """Write a month folder atomically.

    The files go to a temporary folder beside ``target``, which is then renamed into place; an
    existing folder is only replaced with ``force`` (moved aside first, deleted last), so a
    failure at any point leaves either the old folder or the new one, never a mixture.
    """
    target = Path(target)
    if target.exists() and not force:
        raise BulletinDataError(
            "month folder exists", file=target, expected="--force to replace it (the old folder is kept until the new one is complete)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        for name, text in files.items():
            (tmp / name).write_bytes(text.encode("utf-8"))
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, old / target.name)
            try:
                os.replace(tmp, target)
            except BaseException:
                os.replace(old / target.name, target)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target
