"""The text export's layout: decoding, the statistics part, sections by title, rows of cells.

A table is printed one cell per tab-led line with a blank line between rows; paragraphs and
notes are plain lines. A vertically merged cell is printed one character per plain line
(``\\t医``, ``疗``, ``单``, ``位``), blank lines between, and stays the first cell of its row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bulletin.core.errors import IngestError
from bulletin.core.schema import TABLES
from bulletin.data.store import damaged_utf8_line

#: where the statistics part ends in a whole published bulletin (the news in brief follow)
END_MARK = "简讯"

#: the section titles as printed, without the month (the tables not printed under a title of
#: their own, province calls and top uploaders, are read from their sections' paragraphs)
SECTION_TITLES = {
    TABLES[name].title: name
    for name in (
        "hotline_categories",
        "appointments",
        "booking_channels",
        "telemedicine",
        "platform_districts",
        "platform_hospitals",
        "kiosks",
    )
}

_MONTH_IN_TITLE = re.compile(r"(\d{4})年(\d{1,2})月")
#: what a title the package does not know looks like once its month is taken out: no figure, no
#: sentence punctuation, ending as the bulletin's titles end (统计表, 统计, 情况, an optional （…）)
_OTHER_TITLE = re.compile(r"[^\d，。；：、,;]{2,40}?(?:表|统计|情况|一览)(?:（[^（）\d]{1,12}）)?")
#: the heading above the statistics part, where a whole bulletin prints it
PART_HEADING = "统计数据"
_SPACE = re.compile(r"\s+")
#: the longest plain line still read as part of a vertically merged cell
_MERGED_PIECE = 2


def normalize(text: str) -> str:
    """Text compared with labels: no whitespace, full-width parentheses and colons."""
    return _SPACE.sub("", text).replace("(", "（").replace(")", "）").replace(":", "：")


@dataclass
class PrintedCell:
    line: int
    text: str


@dataclass
class Row:
    cells: list[PrintedCell] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.cells[0].line

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass
class Text:
    line: int
    text: str


@dataclass
class Aside:
    """A part of the statistics part the package does not know, kept as printed.

    ``title`` names it (a title such as 2020年2月互联网医院服务情况统计表, or the known section and
    ``段落`` for a paragraph inside it); ``lines`` are (line number, line exactly as printed), from
    its first line to its last non-blank one, blank lines included (they separate a table's rows).
    """

    title: str
    line: int
    lines: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class PrintedSection:
    table: str  # the name of the table the section is declared as in bulletin.core.schema
    title: str  # the title as printed
    line: int
    month: str
    items: list[Row | Text] = field(default_factory=list)
    #: one line per row the reader skipped (a pre-numbered row left empty), for the ingest to print
    skipped: list[str] = field(default_factory=list)
    #: paragraphs of the section its reader does not know (kept as printed, noted, never guessed at)
    aside: list[Aside] = field(default_factory=list)

    def keep_aside(self, item: Text) -> None:
        """Keep a paragraph this section's reader does not know, as printed (``bulletin check`` notes it)."""
        self.aside.append(Aside(f"{self.name}·段落", item.line, [(item.line, item.text)]))

    @property
    def name(self) -> str:
        return TABLES[self.table].title

    @property
    def rows(self) -> list[Row]:
        return [i for i in self.items if isinstance(i, Row)]

    @property
    def texts(self) -> list[Text]:
        return [i for i in self.items if isinstance(i, Text)]

    def error(self, problem: str, line: int | None = None) -> IngestError:
        return IngestError(problem, line=self.line if line is None else line, section=self.name)


def decode_export(data: bytes, file: str | Path | None = None) -> str:
    """The text of an export: UTF-8 (BOM allowed), else GB18030; binary and empty files refused."""
    if not data.strip():
        raise IngestError("the file is empty; expected a bulletin's text export", file=file)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            raise IngestError(
                "the file ends in the middle of a character (truncated?); expected the complete export", file=file
            ) from None
        line = damaged_utf8_line(data, exc.start)
        if line is not None:
            raise IngestError(
                "the file is not text: UTF-8 with an invalid byte; expected valid UTF-8 throughout (or GB18030)",
                file=file, line=line,
            ) from None
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise IngestError("the file is not text; expected a text export in UTF-8 or GB18030", file=file) from None
    if any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text):
        raise IngestError("the file is binary; expected a text export in UTF-8 or GB18030", file=file)
    return text


def statistics_part(text: str, *, partial: bool = False) -> tuple[list[tuple[int, str]], bool]:
    """(line number, line) of the statistics part, and whether the next part's ``简讯`` ends it.

    The part runs from its first section title up to ``简讯``: news before the statistics part
    hold no section titles, so the first title is where the part starts whether or not
    ``统计数据`` is printed above it. Without ``简讯`` a last line with no line end is where a cut
    file stops: refused, or with ``partial`` left out (it cannot be read whole).
    """
    numbered = list(enumerate(text.splitlines(), start=1))
    start = next((i for i, (_, ln) in enumerate(numbered) if section_title(ln)), len(numbered))
    # a part the package does not know, printed before the first title it knows, still belongs to
    # the statistics part when the part's own heading (统计数据) stands above it
    heading = next((i for i in range(start - 1, -1, -1) if normalize(numbered[i][1]) == PART_HEADING), None)
    if heading is not None and any(other_title(ln) for _, ln in numbered[heading + 1 : start]):
        start = heading + 1
    numbered = numbered[start:]
    _refuse_other_digits(numbered)
    end = next((i for i, (_, ln) in enumerate(numbered) if normalize(ln) == END_MARK), None)
    if end is not None:
        return numbered[:end], True
    if numbered and not text.endswith(("\n", "\r")) and numbered[-1][1].strip():
        if partial:
            return numbered[:-1], False
        raise IngestError(
            "the file ends in the middle of a line (truncated?); expected each line to end with a line break",
            line=numbered[-1][0],
        )
    return numbered, False


def _refuse_other_digits(numbered: list[tuple[int, str]]) -> None:
    """Refuse the first decimal digit of the statistics part that is not one of 0-9 (Arabic-Indic ٣,
    full-width ３ …), naming its line: ``\\d``, ``int`` and ``Decimal`` would read it as a figure that a
    reader comparing the data with the text could not find."""
    import unicodedata

    for number, line in numbered:
        if line.isascii():
            continue
        for ch in line:
            if not ch.isascii() and unicodedata.category(ch) == "Nd":
                raise IngestError(
                    f"a digit other than 0-9, U+{ord(ch):04X} {unicodedata.name(ch, 'DIGIT')}, in {line.strip()!r}; "
                    "expected figures written with the digits 0-9", line=number,
                )


def section_title(line: str) -> tuple[str, str] | None:
    """(table name, month) when ``line`` is a known section title such as 2020年2月预约挂号服务统计表."""
    if line.startswith("\t"):
        return None
    norm = normalize(line)
    found = _MONTH_IN_TITLE.search(norm)
    if not found:
        return None
    name = SECTION_TITLES.get(norm[: found.start()] + norm[found.end() :])
    if name is None:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    if not 1 <= month <= 12:
        return None
    return name, f"{year:04d}-{month:02d}"


def other_title(line: str) -> bool:
    """Whether ``line`` is the title of a statistics table or section the package does not know,
    such as 2020年2月南京市互联网医院服务情况统计表: a plain line naming a month, without figures
    or sentence punctuation besides it, ending as the bulletin's titles end."""
    if line.startswith("\t") or section_title(line):
        return False
    norm = normalize(line)
    found = _MONTH_IN_TITLE.search(norm)
    return bool(found) and bool(_OTHER_TITLE.fullmatch(norm[: found.start()] + norm[found.end() :]))


def sections(numbered: list[tuple[int, str]]) -> list[PrintedSection]:
    """The sections found by their titles, each with its rows and plain lines."""
    return parts(numbered)[0]


def parts(numbered: list[tuple[int, str]]) -> tuple[list[PrintedSection], list[Aside]]:
    """The sections found by their titles, and the parts under titles the package does not know.

    A part under an unknown title runs to the next title, known or not; its lines are kept as
    printed (:class:`Aside`), so that a later bulletin's new table neither stops the month nor
    runs into the section before it.
    """
    out: list[PrintedSection] = []
    aside: list[Aside] = []
    body: list[tuple[int, str]] = []
    current: PrintedSection | Aside | None = None

    def close() -> None:
        if isinstance(current, PrintedSection):
            current.items = _items(body)
        elif isinstance(current, Aside):
            current.lines = body
            while current.lines and not current.lines[-1][1].strip():
                current.lines.pop()

    for number, line in numbered:
        found = section_title(line)
        if found or other_title(line):
            close()
            if found:
                current = PrintedSection(found[0], line.strip(), number, found[1])
                out.append(current)
                body = []
            else:
                current = Aside(line.strip(), number)
                aside.append(current)
                body = [(number, line)]
        elif current is not None:
            body.append((number, line))
    close()
    return out, aside


def _items(body: list[tuple[int, str]]) -> list[Row | Text]:
    items: list[Row | Text] = []
    row: Row | None = None
    blank = False
    for number, line in body:
        if line.startswith("\t"):
            if row is None or blank:
                row = Row()
                items.append(row)
            row.cells.append(PrintedCell(number, line[1:].strip()))
            blank = False
        elif not line.strip():
            blank = True
        elif row is not None and len(row.cells) == 1 and _merged_piece(line):
            # the next character of a vertically merged cell: the row goes on after it
            row.cells[0].text += line.strip()
            blank = False
        else:
            row = None
            blank = False
            items.append(Text(number, line.strip()))
    return items


def _merged_piece(line: str) -> bool:
    text = line.strip()
    return len(text) <= _MERGED_PIECE and not any(ch.isdigit() for ch in text) and text[0] not in "（("
