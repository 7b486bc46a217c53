"""The documents' content, independent of the format it is written in.

:mod:`.content` turns a month's data into a :class:`Document` (chapters of paragraphs, tables
laid out as the bulletin prints them, bar charts); :mod:`.pdf` and :mod:`.word` only render it.
Tables are grids of :class:`Cell` with row and column spans, listed the way Typst and HTML list
them: each row holds only the cells that start in it, a spanned position is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from bulletin.core import publication
from bulletin.style.fmt import NOT_REPORTED


@dataclass(frozen=True)
class Cell:
    """One table cell as printed: its text, spans, and how it is set."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    numeric: bool = False  # right-aligned figures
    strong: bool = False  # the 合计 row
    vertical: bool = False  # a group label printed top to bottom (医疗单位, 各区)


@dataclass(frozen=True)
class Grid:
    """A table in its printed layout: header rows (repeated on each page) and body rows."""

    name: str  # the schema table it shows
    title: str
    widths: tuple[float, ...]  # relative column widths
    header: tuple[tuple[Cell, ...], ...]
    body: tuple[tuple[Cell, ...], ...]

    @property
    def columns(self) -> int:
        return len(self.widths)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of prose; ``note`` for a line set smaller under a table: a bracketed line (cumulative
    figures, omissions, which months are compared) or a note on the table's figures (注：…)."""

    text: str
    note: bool = False

    @property
    def from_left(self) -> bool:
        """Whether the line reads from the left, as a note on the table's figures (注：…) does, in every
        document; a bracketed line (its cumulative figure, as the bulletin prints it) stands centred."""
        return self.note and self.text.startswith("注：")


@dataclass(frozen=True)
class Bars:
    """A horizontal bar chart: labels, values and the values as printed, with its alt text."""

    title: str
    items: tuple[tuple[str, float, str], ...]
    alt: str
    #: the values' unit as the title gives it (元 for money, printed to the fen; else counts)
    unit: str = ""

    @property
    def money(self) -> bool:
        return self.unit == "元"


Block = Paragraph | Grid | Bars


@dataclass(frozen=True)
class Chapter:
    """One headed part of a document (a heading and its blocks); not a bulletin section
    (:class:`bulletin.sections.Section`, a notebook): the documents have chapters of their own,
    such as 本月要点 and 修订说明."""

    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    month: str
    title: str  # the document's title (PDF metadata, Word core properties)
    subtitle: str
    chapters: tuple[Chapter, ...]
    #: the lines printed under the subtitle: where the figures come from, which issue and
    #: version of the data they are (:func:`colophon`)
    colophon: tuple[str, ...] = ()
    #: words a table may print instead of a figure, with what they mean: a note under each table
    #: that prints one (and the colophon's definition)
    terms: tuple[tuple[str, str], ...] = ()


#: who publishes the bulletin (the Word file's author, the source line, the workbook's cover; the
#: centre the pages' footer names as the source); the data names no contact person, telephone or address
PUBLISHER = publication.PUBLISHER
#: the bulletin the figures are taken from (:data:`bulletin.core.publication.NAME`, said once)
BULLETIN = publication.NAME
#: what 未反馈 means wherever a table prints it (the workbook's cover says the same)
NOT_REPORTED_TERM = (NOT_REPORTED, "单位当月未报送该项数据，按缺失处理，不是0")


def no_figure_term(sign: str) -> tuple[str, str]:
    """What a sign printed for no figure (—, …) means, under each table that prints it."""
    return (sign, "简报此处印作该符号，表示无数字，按缺失处理，不是0")


def terms_used(grid: Grid, terms: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """The terms a table prints in a figure's cell (未反馈, 未反馈/83, 未反馈 [r]); a label that merely
    holds the word, such as the headline 申明上传表未反馈, is not one."""
    return [(t, meaning) for t, meaning in terms if any(c.numeric and t in c.text for row in grid.body for c in row)]


def colophon(month: str, revised: str = "") -> tuple[str, ...]:
    """The source line and the data's issue and version, for a month (``"2020-02"``).

    ``revised`` is the day of the latest revision as readers read it (``2024年5月1日``), empty
    for a month never revised. The bulletin's text carries no publication day, so none is printed:
    the release is named by its issue, and a revision by its day.
    """
    year, mon = (int(p) for p in month.split("-"))
    issue = f"{year}年{mon}月刊"
    version = f"数据于{revised}修订" if revised else "数据未经修订"
    return (f"资料来源：{PUBLISHER}《{BULLETIN}》{issue}统计数据部分，按简报印出的数字录入。",
            f"发布：《{BULLETIN}》{issue}；{version}。",
            f"“{NOT_REPORTED_TERM[0]}”：{NOT_REPORTED_TERM[1]}。")


def place(rows: Sequence[Sequence[Cell]], columns: int) -> Iterator[tuple[int, int, Cell]]:
    """(row, column, cell) for every cell of ``rows``, spans taken into account.

    Each row lists only the cells that start in it, left to right; positions covered by a span
    from an earlier row or column are skipped, as Typst and HTML place cells.

    Raises
    ------
    ValueError
        When a row holds more cells than its free positions (a layout bug, not bad data).
    """
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            if c + cell.colspan > columns:
                raise ValueError(f"row {r} overflows {columns} columns at {cell.text!r}")
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            yield r, c, cell
            c += cell.colspan


def split_groups(rows: Sequence[Sequence[Cell]], columns: int, longest: int) -> tuple[tuple[Cell, ...], ...]:
    """``rows`` with every group label (a body cell spanning rows: 医疗单位, or a section of 本月要点)
    cut into labels of at most ``longest`` rows each, the label repeated at the head of each part.

    A page break inside a group then never leaves rows under a label printed on the page before:
    the PDF keeps each part on one page (``longest`` rows fit a page); the Word file, whose page
    breaks only its reader's client knows, repeats the label on every row (``longest=1``).
    """
    by_row: list[list[tuple[int, Cell]]] = [[] for _ in rows]
    for r, c, cell in place(rows, columns):
        if cell.rowspan <= longest:
            by_row[r].append((c, cell))
            continue
        for k in range(0, min(cell.rowspan, len(rows) - r), longest):  # the places the one label covered
            by_row[r + k].append((c, replace(cell, rowspan=min(longest, cell.rowspan - k))))
    out = [[cell for _, cell in sorted(row, key=lambda placed: placed[0])] for row in by_row]
    return tuple(tuple(row) for row in out)
