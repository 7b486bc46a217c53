"""One month folder, ``DIR/YYYY-MM/``: its files as text (:func:`month_files`), written
atomically (:func:`write_month_files`: the old folder or the new one, never a mixture), and its two
records besides the tables: what the bulletin did not print (``not_published.csv``) and what the
ingest kept aside unread (``kept_aside.csv``).
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from bulletin.core.errors import BulletinDataError, DuplicateKeyError
from bulletin.core.schema import FACTS, FACTS_FILE, TABLES
from bulletin.data.store.codec import csv_records, csv_text, facts_csv, read_bytes, read_facts, table_csv


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

    ``items`` maps a table name of :data:`bulletin.core.schema.TABLES` or a fact key of
    :data:`bulletin.core.schema.FACTS` to a short note for the reader (may be empty). Tables come
    first in their declared order, then facts in theirs, so the file does not depend on the order
    in which the ingest found the gaps.
    """
    unknown = [k for k in items if k not in TABLES and k not in FACTS]
    if unknown:
        raise BulletinDataError(
            "unknown item", file=NOT_PUBLISHED_FILE, column="item", value=unknown[0],
            expected="a table name of bulletin.core.schema.TABLES or a fact key of bulletin.core.schema.FACTS",
        )
    order = [*TABLES, *FACTS]
    return csv_text(NOT_PUBLISHED_COLUMNS, ([k, items[k] or ""] for k in order if k in items))


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
    data = read_bytes(path, "not_published.csv missing", "a CSV file")
    records = csv_records(data, path)
    _expect_header(records, NOT_PUBLISHED_COLUMNS, path)
    out: dict[str, str] = {}
    rows: dict[str, int] = {}
    for number, cells in records[1:]:
        item = cells[0].strip()
        if item not in TABLES and item not in FACTS:
            raise BulletinDataError(
                "unknown item", file=path, row=number, column="item", value=item,
                expected="a table name of bulletin.core.schema.TABLES or a fact key of bulletin.core.schema.FACTS",
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
    return csv_text(KEPT_ASIDE_COLUMNS, ([part, str(line), text] for part, line, text in rows))


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
    records = csv_records(read_bytes(path, f"{KEPT_ASIDE_FILE} missing", "a CSV file"), path)
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
