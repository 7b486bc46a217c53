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
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import BulletinDataError, DuplicateKeyError
from .inputs import FORMULA_STARTS, check_name, invisible, is_total_name, read_regular
from .inputs import TOTAL_NAMES as TOTAL_NAMES  # where the other modules import it from
from .missing import NO_FIGURE_SIGNS, NOT_REPORTED, SIGNS_ATTR, NoFigure, key_text, signs
from .schema import FACTS, FACTS_COLUMNS, FACTS_FILE, TABLES, Column, Table

#: the largest count a nullable ``Int64`` column holds
MAX_COUNT = 2**63 - 1

#: ASCII digits only (``re.ASCII``): ``\d`` alone takes ٣ (Arabic-Indic) and ３ (full-width), which ``int``
#: reads as 3 — a figure a reader of the file cannot check
_INT = re.compile(r"\d+|\d{1,3}(?:,\d{3})+", re.ASCII)
_MONEY = re.compile(r"(\d+|\d{1,3}(?:,\d{3})+)(?:\.(\d{1,2}))?", re.ASCII)
_CENT = Decimal("0.01")
_TEXT_EXPECTED = "a CSV file in UTF-8 (with or without BOM) or GB18030, as Excel saves it"


def decode_csv(data: bytes, file: str | Path) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), else GB18030; anything else is an error."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BulletinDataError(
            "the file is UTF-16 (Excel's 'Unicode text')", file=file,
            expected=_TEXT_EXPECTED + " (save as 'CSV UTF-8')",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        row = damaged_utf8_line(data, exc.start)
        if row is not None:
            raise BulletinDataError(
                "the file is UTF-8 but damaged (an invalid byte)", file=file, row=row,
                value=data[max(0, exc.start - 12) : exc.start + 4].decode("utf-8", "replace"),
                expected="valid UTF-8 throughout (save the file again as 'CSV UTF-8')",
            ) from None
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            text = None
        if text is None or chinese_plausibility(text) < _PLAUSIBLE:
            other = likely_encoding(data)
            problem = f"the file looks like {other}, not UTF-8 or GB18030 Chinese" if other else "the file is not text"
            raise BulletinDataError(problem, file=file, expected=_TEXT_EXPECTED + " (save it as 'CSV UTF-8')") from None
    if "\x00" in text:
        raise BulletinDataError("the file is not text (it holds NUL bytes)", file=file, expected=_TEXT_EXPECTED)
    return text


#: below this share of common Chinese characters, text decoded as GB18030 is taken for garbage
_PLAUSIBLE = 0.6
#: other encodings a CSV may arrive in, and how a reader knows them
_OTHER_ENCODINGS = (("big5", "Big5 (traditional Chinese, Taiwan/Hong Kong)"),
                    ("shift_jis", "Shift-JIS (Japanese)"),
                    ("cp1252", "Windows-1252 (Western European)"))


def chinese_plausibility(text: str) -> float:
    """The share of the non-ASCII characters of ``text`` that common Chinese text is made of.

    Common characters are the 3755 most frequent hanzi (GB2312 level 1) and GB2312's punctuation
    and full-width forms. Chinese names score near 1 (this project's data 0.93 to 1); bytes of
    another encoding read as GB18030 score low (Big5 0.28, Shift-JIS 0.0 in the tests) and
    include private-use characters. Text with fewer than 4 non-ASCII characters scores 1 (too
    little to judge).
    """
    others = [ch for ch in text if ord(ch) > 127]
    if len(others) < 4:
        return 1.0
    common = 0
    for ch in others:
        try:
            lead = ch.encode("gb2312")[0]
        except UnicodeEncodeError:
            continue
        common += 0xB0 <= lead <= 0xD7 or lead in (0xA1, 0xA3)
    return common / len(others)


def likely_encoding(data: bytes) -> str | None:
    """The encoding ``data`` most likely is among Big5, Shift-JIS and Windows-1252 (None: none fits)."""
    import unicodedata

    for codec, label in _OTHER_ENCODINGS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        others = [ch for ch in text if ord(ch) > 127]
        if not others:
            continue
        if codec == "cp1252":
            fits = sum(unicodedata.category(ch).startswith("L") for ch in others)
        elif codec == "shift_jis":
            fits = sum("HIRAGANA" in unicodedata.name(ch, "") or "KATAKANA" in unicodedata.name(ch, "")
                       for ch in others) * 3 + sum("CJK" in unicodedata.name(ch, "") for ch in others)
        else:
            fits = sum("CJK UNIFIED" in unicodedata.name(ch, "") or unicodedata.category(ch) == "Po"
                       for ch in others)
        if fits >= 0.9 * len(others):
            return label
    return None


def damaged_utf8_line(data: bytes, bad: int) -> int | None:
    """The line of ``data``'s first invalid UTF-8 byte (at ``bad``) when the text before it is
    clearly UTF-8, else ``None`` (the file may be GB18030).

    A UTF-8 file with one bad byte must not be read as GB18030 (every name would turn to garbage).
    Chinese text in GB18030 almost never forms UTF-8 three-byte sequences, so several of them before
    the first invalid byte mean the file is UTF-8 and damaged there.
    """
    before = data[:bad].decode("utf-8")
    if sum(1 for ch in before if ch >= "\u0800") >= 2:
        return before.count("\n") + 1
    return None


def _count_expected(col: Column) -> str:
    return "a non-negative integer such as 1234 or 1,234" + (
        f" (or {NOT_REPORTED} / empty)" if col.nullable else ""
    ) + f" (or a sign for no figure: {' '.join(NO_FIGURE_SIGNS)})"


def _text_cell(text: str, raw: str, col: Column, *, file: str | Path, row: int) -> str:
    """A name (or a note) checked for its shape (:func:`bulletin.inputs.name_problem`, the one check
    every name gets), or a code checked against its declared choices."""
    if not text:
        raise BulletinDataError("empty cell", file=file, row=row, column=col.name, value=raw, expected="a name")
    if col.choices is not None and text not in col.choices:
        hidden = _invisible(text)
        raise BulletinDataError(
            "unknown value" + (f" (it holds {hidden})" if hidden else ""), file=file, row=row, column=col.name,
            value=text, expected="one of " + ", ".join(col.choices),
        )
    return check_name(text, file=file, row=row, column=col.name)


def parse_cell(raw: str, col: Column, *, file: str | Path, row: int) -> object:
    """One cell → ``str``, ``int``, ``Decimal`` or ``None`` (missing), as declared for ``col``.

    A figure cell holding a printed sign for "no figure" (:data:`bulletin.missing.NO_FIGURE_SIGNS`)
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


_invisible = invisible
_is_total_name = is_total_name


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


def _records(data: bytes, file: Path) -> list[tuple[int, list[str]]]:
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
                f"not a readable CSV file ({exc})", file=file, row=number + 1, expected=_TEXT_EXPECTED
            ) from None
        number += 1
        for cell in cells:
            if cell and not cell.isspace():
                out.append((number, cells))
                break


def _read_bytes(path: Path, missing: str, expected: str) -> bytes:
    """The bytes of a regular file (:func:`bulletin.inputs.read_regular`: a FIFO is never waited on)."""
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
                or any(_is_total_name(v) for v, _ in given):
            for v, n in given:
                parse_cell(v, col, file=file, row=n)  # raises on the first bad cell
        return pd.array([v or None for v in stripped], dtype="string")
    # not printable: a control or invisible format character may hide in a name (parse_cell names it)
    suspect = not all(stripped) or any(map(_is_total_name, stripped)) or not all(map(str.isprintable, stripped)) \
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
    data = _read_bytes(path, f"table {table.name} missing", f"the file {table.file} in the month folder")
    records = _records(data, path)
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
    data = _read_bytes(path, "facts missing", f"the file {FACTS_FILE} in the month folder")
    records = _records(data, path)
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
                expected="one of the facts declared in bulletin.schema.FACTS",
            )
        if key in out:
            raise DuplicateKeyError(
                "duplicate key", file=path, row=number, column="key", value=key, expected="each fact once"
            )
        value = parse_cell(cells[v_pos], Column("value", fact.label, fact.kind), file=path, row=number)
        out[key] = float(value) if isinstance(value, Decimal) and not exact else value
    return out


#: how a cell starts when a spreadsheet would read it as a formula (OWASP, "CSV Injection"): the
#: four formula signs (:data:`bulletin.inputs.FORMULA_STARTS`, which names never start with), and
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


def _csv_text(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(header))
    writer.writerows(rows)
    return buf.getvalue()


def table_csv(frame: pd.DataFrame, table: Table, *, for_readers: bool = False) -> str:
    """The canonical CSV text of a table (what :func:`read_table` reads back unchanged): a figure
    the bulletin printed as a sign for no figure is written as that sign, whether the frame holds
    it as a :class:`~bulletin.missing.NoFigure` (the ingest) or carries it beside ``<NA>`` (a
    loaded table, :func:`bulletin.missing.signs`).

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

    return _csv_text(table.column_names, (row(rec) for rec in frame[list(table.column_names)].itertuples(index=False)))


def facts_csv(facts: Mapping[str, object]) -> str:
    """The canonical ``facts.csv`` text, facts in their declared order."""
    rows = []
    for key, fact in FACTS.items():
        if key in facts and facts[key] is not None:
            rows.append([key, format_cell(facts[key], Column("value", fact.label, fact.kind)), fact.unit, fact.label])
    unknown = set(facts) - set(FACTS)
    if unknown:
        raise BulletinDataError(
            "unknown fact", column="key", value=sorted(unknown)[0], expected="a fact declared in bulletin.schema.FACTS"
        )
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
    failure at any point leaves either the old folder or the new one, never a mixture, and no
    temporary folder behind. A failure to write raises :class:`BulletinDataError`.
    """
    target = Path(target)
    if target.parent.exists() and not target.parent.is_dir():
        raise BulletinDataError("the data directory is a file, not a folder", file=target.parent,
                                expected="a folder to write the month folder in")
    if target.exists() and not force:
        raise BulletinDataError(
            "month folder exists", file=target,
            expected="--force to replace it (the old folder is kept until the new one is complete)",
        )
    tmp: Path | None = None
    old: Path | None = None
    aside = False  # the old folder has been moved into ``old`` and not yet put back
    done = False
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # os.mkdir honours the user's umask (tempfile.mkdtemp would make the month 0700 for good)
        tmp = target.parent / f".{target.name}.new-{os.getpid()}-{secrets.token_hex(4)}"
        os.mkdir(tmp)
        for name, text in files.items():
            (tmp / name).write_bytes(text.encode("utf-8"))
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, old / target.name)
            aside = True
            try:
                os.replace(tmp, target)
            except BaseException:
                os.replace(old / target.name, target)
                aside = False
                raise
        else:
            os.replace(tmp, target)
        done = True
    except OSError as exc:
        where = f"; the old folder is kept in {old}" if aside else ""
        raise BulletinDataError(f"cannot write the month folder ({exc.strerror or exc}){where}", file=target) from exc
    finally:
        if tmp is not None and tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        # the moved-aside old folder is deleted only once it is no longer the sole copy of the data
        if old is not None and (done or not aside):
            shutil.rmtree(old, ignore_errors=True)
    return target


#: the month folder's record of what the bulletin did not print that month
NOT_PUBLISHED_FILE = "not_published.csv"
NOT_PUBLISHED_COLUMNS = ("item", "note")


def _expect_header(records: list[tuple[int, list[str]]], columns: tuple[str, ...], path: Path) -> None:
    """Refuse a record file whose first row is not exactly ``columns``, naming the file and the header found."""
    if not records or [c.strip() for c in records[0][1]] != list(columns):
        raise BulletinDataError(
            "unexpected header", file=path, row=1, value=",".join(records[0][1]) if records else "",
            expected="the header " + ",".join(columns),
        )


def not_published_csv(items: Mapping[str, str]) -> str:
    """The canonical ``not_published.csv`` text: one row per table or fact the bulletin left out.

    ``items`` maps a table name of :data:`bulletin.schema.TABLES` or a fact key of
    :data:`bulletin.schema.FACTS` to a short note for the reader (may be empty). Tables come
    first in their declared order, then facts in theirs, so the file does not depend on the order
    in which the ingest found the gaps.
    """
    unknown = [k for k in items if k not in TABLES and k not in FACTS]
    if unknown:
        raise BulletinDataError(
            "unknown item", file=NOT_PUBLISHED_FILE, column="item", value=unknown[0],
            expected="a table name of bulletin.schema.TABLES or a fact key of bulletin.schema.FACTS",
        )
    order = [*TABLES, *FACTS]
    return _csv_text(NOT_PUBLISHED_COLUMNS, ([k, items[k] or ""] for k in order if k in items))


def read_not_published(folder: Path) -> dict[str, str]:
    """What the bulletin did not print in the month of ``folder``: item → note (``{}`` without the file).

    Raises :class:`BulletinDataError` for an item that is neither a table nor a fact, an item
    listed twice, an item the folder holds all the same (a table's file, a fact of ``facts.csv``:
    listed as not printed, it would go unchecked), or a malformed file, naming the file, row,
    column and value.
    """
    path = Path(folder) / NOT_PUBLISHED_FILE
    try:
        if not os.path.lexists(path):
            return {}
    except OSError as exc:
        raise BulletinDataError(f"cannot read ({exc.strerror or exc})", file=path) from None
    data = _read_bytes(path, "not_published.csv missing", "a CSV file")
    records = _records(data, path)
    _expect_header(records, NOT_PUBLISHED_COLUMNS, path)
    out: dict[str, str] = {}
    rows: dict[str, int] = {}
    for number, cells in records[1:]:
        item = cells[0].strip()
        if item not in TABLES and item not in FACTS:
            raise BulletinDataError(
                "unknown item", file=path, row=number, column="item", value=item,
                expected="a table name of bulletin.schema.TABLES or a fact key of bulletin.schema.FACTS",
            )
        if item in out:
            raise DuplicateKeyError("duplicate item", file=path, row=number, column="item", value=item,
                                    expected="each item once")
        if item in TABLES and os.path.lexists(Path(folder) / TABLES[item].file):
            raise BulletinDataError(
                f"listed as not printed but {TABLES[item].file} is present", file=path, row=number, column="item",
                value=item, expected=f"either the table's file or this row (delete {TABLES[item].file} if the "
                "bulletin did not print the table, else this row)",
            )
        out[item] = cells[1].strip() if len(cells) > 1 else ""
        rows[item] = number
    _refuse_facts_stated(folder, path, rows)
    return out


def _refuse_facts_stated(folder: Path, path: Path, rows: dict[str, int]) -> None:
    """A fact listed as not printed (at ``rows[key]`` of ``path``) that ``facts.csv`` states all the same
    is refused: it would go unchecked."""
    facts = [k for k in rows if k in FACTS]
    if facts and os.path.lexists(Path(folder) / FACTS_FILE):
        try:
            stated = read_facts(Path(folder) / FACTS_FILE)
        except BulletinDataError:  # facts.csv's own fault is reported where it is read
            stated = {}
        for key in facts:
            if key in stated:
                raise BulletinDataError(
                    f"listed as not printed but {FACTS_FILE} states it", file=path, row=rows[key], column="item",
                    value=key, expected=f"either the fact in {FACTS_FILE} or this row, not both",
                )


#: the month folder's record of what its text printed that the package does not know (absent: nothing)
KEPT_ASIDE_FILE = "kept_aside.csv"
KEPT_ASIDE_COLUMNS = ("part", "line", "text")


def kept_aside_csv(rows: Iterable[tuple[str, int, str]]) -> str:
    """The canonical ``kept_aside.csv`` text: one row per printed line (part, line number, line as printed).

    A CSV rather than a copy of the text: each line keeps the number it has in the export (what
    ``bulletin check`` names, and what an analyst looks up in ``data/raw/``), the part it belongs
    to, and its exact characters (a tab-led table cell keeps its tab), in a file that the month
    folder's readers, hashes and revisions treat like every other.
    """
    return _csv_text(KEPT_ASIDE_COLUMNS, ([part, str(line), text] for part, line, text in rows))


def read_kept_aside(folder: Path) -> list[tuple[str, int, list[str]]]:
    """The parts kept aside in the month of ``folder``: (part, first line, lines as printed), in
    the text's order (``[]`` without the file). Consecutive lines of one part make one entry.

    Raises :class:`BulletinDataError` for a malformed file, naming the file, row, column and value.
    """
    path = Path(folder) / KEPT_ASIDE_FILE
    try:
        if not path.is_file():
            if path.exists():
                raise BulletinDataError("not a regular file", file=path, expected="a CSV file")
            return []
    except OSError as exc:
        raise BulletinDataError(f"cannot read ({exc.strerror or exc})", file=path) from None
    records = _records(_read_bytes(path, f"{KEPT_ASIDE_FILE} missing", "a CSV file"), path)
    _expect_header(records, KEPT_ASIDE_COLUMNS, path)
    out: list[tuple[str, int, list[str]]] = []
    last = None
    for number, cells in records[1:]:  # a blank printed line is a row too: its part and line are there
        if len(cells) != len(KEPT_ASIDE_COLUMNS) or not cells[0].strip() or not cells[1].strip().isdigit():
            raise BulletinDataError(
                "not a kept line", file=path, row=number, column="line", value=",".join(cells),
                expected="part,line,text with the line number of the text export",
            )
        part, line, text = cells[0].strip(), int(cells[1]), cells[2]
        if out and part == out[-1][0] and last is not None and line == last + 1:
            out[-1][2].append(text)
        else:
            out.append((part, line, [text]))
        last = line
    return out
