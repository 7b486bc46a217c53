"""Month words in a bulletin's statistics part that name another month than the bulletin's own.

A February bulletin whose note says （截止3月底，总预约挂号量为…） was probably edited from another
month's text, so the figure beside it may be another month's. ``bulletin ingest`` finds such
words (:func:`find`: ``N月``, ``YYYY年N月``, ``M-N月``, in every line of the statistics part but
the section titles, which must name the bulletin's month anyway) and records them in the month
folder, in ``other_months.csv`` (only when there are some). ``bulletin check`` reads them back
(:func:`read`) and warns about each that disagrees with the folder's month, naming the line of
the text; ``check`` reads only the data folder, so the text's line numbers are kept there.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bulletin.data.ingest.layout import PrintedSection

#: the file in the month folder (absent: the text named no other month, or the month was made by hand)
FILE = "other_months.csv"
COLUMNS = ("line", "table", "words", "month", "source")
#: the last line number taken: a bulletin's text export runs to a few thousand lines
MAX_LINE = 1_000_000

#: a month as the prose prints it: 3月, 2020年3月, 1-2月 (the range's last month counts)
_MONTH = re.compile(r"(?<!\d)(?:(\d{4})年)?(?:\d{1,2}[-－~～至到])?(\d{1,2})月")
#: what bounds the clause a month word is shown in
_CLAUSE = re.compile(r"[，。；：、（）(),;:]")
_SHOWN = 24


@dataclass(frozen=True)
class MonthWord:
    """A month word of the text: its line, the section's table, the clause, the month it names.

    ``month`` is ``YYYY-MM`` when the year is printed, else ``--MM`` (ISO 8601's month without a year).
    """

    line: int
    table: str
    words: str
    month: str
    source: str = ""

    def disagrees_with(self, month: str) -> bool:
        """Whether this names another month than ``month`` (``YYYY-MM``)."""
        year, mm = month.split("-")
        named_year, named = self.month.rsplit("-", 1)
        return named != mm or (named_year not in ("", "-") and named_year != year)


def _clause(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in _CLAUSE.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in _CLAUSE.finditer(text, end)), len(text))
    clause = text[left:right].strip()
    return clause if len(clause) <= _SHOWN else clause[: _SHOWN - 1] + "…"


def in_line(text: str) -> list[tuple[str, str]]:
    """(clause, month named) for each month word of one line of text."""
    out = []
    for m in _MONTH.finditer(text):
        year, number = m.group(1), int(m.group(2))
        if not 1 <= number <= 12:
            continue
        out.append((_clause(text, m.start(), m.end()), f"{year or '-'}-{number:02d}"))
    return out


def find(sections: Iterable[PrintedSection], month: str, source: str = "") -> list[MonthWord]:
    """The month words of the sections' lines (titles excluded) that name another month than ``month``."""
    from bulletin.data.ingest.layout import Row

    out = []
    for sec in sections:
        for item in sec.items:
            lines = [(c.line, c.text) for c in item.cells] if isinstance(item, Row) else [(item.line, item.text)]
            for line, text in lines:
                for words, named in in_line(text):
                    word = MonthWord(line, sec.table, words, named, source)
                    if word.disagrees_with(month):
                        out.append(word)
    return out


def to_csv(words: list[MonthWord]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([w.line, w.table, w.words, w.month, w.source] for w in words)
    return buf.getvalue()


def read(folder: Path) -> list[MonthWord]:
    """The month words recorded in ``folder`` (``[]`` without the file); a malformed file raises
    :class:`BulletinDataError` naming the file, row, column and value: a file that is there but is
    not a regular file (a named pipe is never waited on, a dangling link), a line number that is not
    one (other digits than 0-9, 0, beyond :data:`MAX_LINE`), an unknown table, a month not of the
    form ``YYYY-MM`` or ``--MM``, or the same row twice (the warning would be repeated)."""
    from bulletin.core.errors import BulletinDataError
    from bulletin.core.inputs import present, read_regular
    from bulletin.core.schema import TABLES
    from bulletin.data.store import decode_csv

    path = Path(folder) / FILE
    if not present(path):
        return []
    data = read_regular(path, f"{FILE} missing", "the month words bulletin ingest records, a CSV file")
    try:
        rows = [(n, r) for n, r in enumerate(csv.reader(io.StringIO(decode_csv(data, path), newline="")), start=1)
                if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise BulletinDataError(f"not a readable CSV file ({exc})", file=path) from None
    if not rows or [c.strip() for c in rows[0][1]] != list(COLUMNS):
        raise BulletinDataError("unexpected header", file=path, row=1, value=",".join(rows[0][1]) if rows else "",
                                expected="the header " + ",".join(COLUMNS))
    out = []
    seen: dict[tuple[str, ...], int] = {}
    for number, cells in rows[1:]:
        cells = [c.strip() for c in cells] + [""] * (len(COLUMNS) - len(cells))
        line, table, words, named, source = cells[: len(COLUMNS)]
        if not re.fullmatch(r"[0-9]+", line) or not 1 <= int(line) <= MAX_LINE:
            raise BulletinDataError("not a line number", file=path, row=number, column="line", value=line,
                                    expected=f"the line of the text, a whole number from 1 to {MAX_LINE:,} "
                                    "in the digits 0-9")
        if table not in TABLES:
            raise BulletinDataError("unknown table", file=path, row=number, column="table", value=table,
                                    expected="a table name of bulletin.core.schema.TABLES")
        if not re.fullmatch(r"([0-9]{4}|-)-(0[1-9]|1[0-2])", named):
            raise BulletinDataError("not a month", file=path, row=number, column="month", value=named,
                                    expected="YYYY-MM, or --MM when the text prints no year")
        key = (str(int(line)), table, words, named, source)
        if key in seen:
            raise BulletinDataError(f"the same row twice (first on row {seen[key]})", file=path, row=number,
                                    column="line", value=",".join(cells[: len(COLUMNS)]),
                                    expected="each month word once")
        seen[key] = number
        out.append(MonthWord(int(line), table, words, named, source))
    return out
