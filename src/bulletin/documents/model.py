"""The documents' content, independent of the format it is written in.

:mod:`.content` turns a month's data into a :class:`Document` (sections of paragraphs, tables
laid out as the bulletin prints them, bar charts); :mod:`.pdf` and :mod:`.word` only render it.
Tables are grids of :class:`Cell` with row and column spans, listed the way Typst and HTML list
them: each row holds only the cells that start in it, a spanned position is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass


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
    """A paragraph of prose; ``note`` for a bracketed line set smaller (cumulative figures, omissions)."""

    text: str
    note: bool = False


@dataclass(frozen=True)
class Bars:
    """A horizontal bar chart: labels, values and the values as printed, with its alt text."""

    title: str
    items: tuple[tuple[str, float, str], ...]
    alt: str


Block = Paragraph | Grid | Bars


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    month: str
    title: str  # the document's title (PDF metadata, Word core properties)
    subtitle: str
    sections: tuple[Section, ...]


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
