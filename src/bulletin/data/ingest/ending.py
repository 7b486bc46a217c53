"""Where the statistics part ends: a bulletin that left a section out, or a file cut short.

The rule (data/README.md, "A cut-short bulletin"):

- the part is complete when the next part's heading ``简讯`` follows it (a whole published
  bulletin), or when it ends with its last section, 自助智能医疗服务终端医院使用情况表, printed
  through its 合计 row (the statistics part alone, as ``data/raw/`` keeps it);
- a section missing *before* the last one read is an omission (``not_published.csv``): the text
  goes on after it, so nothing was cut there;
- anything else is a truncation: the file stops inside the part, and the ingest refuses it naming
  the last line read, unless ``--partial`` says the analyst knows. Then the sections read in full
  are kept; the section the file stops in is dropped unless it is a table that reached its 合计 row
  (a half table is never written), and it and every section after it are recorded as not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bulletin.core.errors import IngestError
from bulletin.core.schema import FACTS, TABLES
from bulletin.data.ingest.layout import SECTION_TITLES, PrintedSection, Row, normalize

#: the sections in the order the bulletin prints them
ORDER: tuple[str, ...] = tuple(SECTION_TITLES.values())
#: the section that closes the statistics part (printed through its 合计 row)
LAST = ORDER[-1]
TOTAL = "合计"
#: a total printed in one cell, 合计：16669 (as ``bulletin.data.ingest.tables`` reads it)
_TOTAL_N = re.compile(r"合计：(\d+|\d{1,3}(?:,\d{3})+)")
#: the tables a section yields (a section is named by its first table)
_SECTION_TABLES = {
    "hotline_categories": ("hotline_categories", "province_calls"),
    "telemedicine": ("telemedicine", "telemedicine_top_uploaders"),
}
#: the section of a fact whose key does not start with its table's name
_FACT_SECTIONS = {"hotline": "hotline_categories", "platform": "platform_hospitals"}


@dataclass(frozen=True)
class Cut:
    """A text that stops inside the statistics part (read with ``--partial``)."""

    line: int  # the last line read
    #: the tables and facts of the section the text stops in (unless kept) and of all after it
    unread: frozenset[str]


def section_tables(section: str) -> tuple[str, ...]:
    return _SECTION_TABLES.get(section, (section,))


def fact_section(key: str) -> str:
    head = key.split(".", 1)[0]
    return _FACT_SECTIONS.get(head, head)


def _total_row(sec: PrintedSection) -> Row | None:
    return next((row for row in sec.rows if normalize(row.texts[0]).startswith(TOTAL)), None)


def closed(sec: PrintedSection) -> bool:
    """A table with a stated total whose 合计 row (or 合计：N) is printed whole: it is complete."""
    if not TABLES[sec.table].totals or sec.table == "hotline_categories":
        return False
    row = _total_row(sec)
    if row is None:
        return False
    return bool(_TOTAL_N.fullmatch(normalize(row.texts[0]))) or len(row.cells) > len(TABLES[sec.table].totals)


def last_line(numbered: list[tuple[int, str]]) -> int:
    return next((n for n, ln in reversed(numbered) if ln.strip()), numbered[-1][0] if numbered else 1)


def check(
    found: list[PrintedSection], numbered: list[tuple[int, str]], ended: bool, *, partial: bool
) -> tuple[list[PrintedSection], Cut | None]:
    """The sections to read and the cut (``None``: the part is complete).

    Raises :class:`IngestError` for a truncated text without ``partial``, naming its last line.
    """
    last = found[-1]
    if ended or (last.table == LAST and closed(last)):
        return found, None
    line = last_line(numbered)
    stop = ("the text stops here, before the end of the statistics part "
            f"(the {TABLES[LAST].title} table through its 合计 row, or 简讯 after it): the file was cut short; "
            "expected the whole statistics part (or --partial to keep only the sections read in full)")
    row = _total_row(last) if last.table == LAST else None
    if row is not None and not partial:
        wanted = len(TABLES[LAST].totals)
        raise IngestError(f"expected a figure for each of the {wanted} totals in the {TOTAL} row, "
                          f"found {len(row.cells) - 1}: {stop}", line=line, section=last.name)
    if not partial:
        raise IngestError(stop, line=line, section=last.name)
    keep = closed(last)
    if not keep and len(found) == 1:
        raise IngestError(f"--partial: the text stops (line {line}) inside its first section; "
                          "expected at least one section read in full", line=line, section=last.name)
    start = ORDER.index(last.table) + (1 if keep else 0)
    sections = set(ORDER[start:])
    unread = {t for s in sections for t in section_tables(s)}
    unread |= {key for key in FACTS if fact_section(key) in sections}
    return (found if keep else found[:-1]), Cut(line, frozenset(unread))
