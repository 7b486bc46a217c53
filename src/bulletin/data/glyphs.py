"""Which characters every output can print: those of the project's font, Noto Sans CJK SC.

The PDF embeds only that font (Typst refuses a character it lacks), the pages carry a subset of
it, the charts draw with it. So a name holding a character outside it — a CJK Extension B
ideograph such as 𠀀 (U+20000), an emoji — cannot be printed in every output, and it is refused
where it enters: by ``bulletin ingest`` (file, line and code point) and, for a month folder edited
by hand, by ``bulletin check`` and by ``bulletin documents`` before anything is written (the first
such cell: file, row, column and code point).
README.md ("Characters that print") says why refusing was chosen over a fallback font.

The font's character map is read (about 0.2 s) only for a character outside the ranges that the
font is known to cover whole (:data:`COVERED`, kept true by a test against the font file).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

#: code point ranges the project's font covers entirely: ASCII and Latin-1, CJK punctuation,
#: CJK Extension A up to U+4DB5, the Unified Ideographs up to U+9FD0 and the fullwidth forms
#: (（）， in nearly every name: without them every check would read the font's map)
COVERED: tuple[tuple[int, int], ...] = (
    (0x20, 0x7E), (0xA0, 0xFF), (0x3000, 0x303F), (0x3400, 0x4DB5), (0x4E00, 0x9FD0),
    (0xFF01, 0xFF60), (0xFFE0, 0xFFE6),
)

FONT_NAME = "Noto Sans CJK SC"


@lru_cache(maxsize=1)
def coverage() -> frozenset[int]:
    """Every code point the project's font (the ``mplfonts`` Noto Sans CJK SC) has a glyph for."""
    from fontTools.ttLib import TTFont

    from bulletin.core.fonts import source_font

    with TTFont(source_font(), lazy=True) as font:  # closed here, not left to the garbage collector
        return frozenset(font.getBestCmap())


def printable(ch: str) -> bool:
    """Whether every output can print ``ch`` (the project's font has its glyph)."""
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in COVERED) or code in coverage()


#: any character outside :data:`COVERED` (only those need the font's map)
_OUTSIDE = re.compile("[^" + "".join(f"\\U{lo:08X}-\\U{hi:08X}" for lo, hi in COVERED) + "]")


def first_unprintable(text: str) -> str | None:
    """The first character of ``text`` that the project's font cannot print, else None."""
    return next((m.group() for m in _OUTSIDE.finditer(text) if not printable(m.group())), None)


def describe(ch: str) -> str:
    """``U+20000 CJK UNIFIED IDEOGRAPH-20000``: the code point and its Unicode name."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}"


#: what is expected instead, in the messages
EXPECTED = "characters that font prints (write the character in a common form)"


def month_csv_files() -> list[str]:
    """The CSV files of a month folder whose text reaches the outputs: every table and the
    record of what the bulletin did not print."""
    from bulletin.core.schema import TABLES
    from bulletin.data.store import NOT_PUBLISHED_FILE

    return [*(t.file for t in TABLES.values()), NOT_PUBLISHED_FILE]


def check_month_folder(folder: Path, files: Iterable[str] | None = None) -> None:
    """Refuse the first cell of ``files`` (CSV files of the month ``folder``; default
    :func:`month_csv_files`) holding a character that cannot be printed:
    :class:`BulletinDataError` naming the file, row, column and code point.

    Rows are numbered as a spreadsheet shows them (the header is row 1). Files that are absent are
    skipped (the loader reports them).
    """
    from bulletin.core.errors import BulletinDataError
    from bulletin.data.store import decode_csv

    for name in month_csv_files() if files is None else files:
        path = Path(folder) / name
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data.isascii():
            continue
        rows = csv.reader(io.StringIO(decode_csv(data, path), newline=""))
        header: list[str] = []
        for number, cells in enumerate(rows, start=1):
            if number == 1:
                header = cells
            for pos, cell in enumerate(cells):
                bad = first_unprintable(cell)
                if bad is not None:
                    column = header[pos].strip() if pos < len(header) else None
                    raise BulletinDataError(
                        f"a character the documents' font ({FONT_NAME}) cannot print, {describe(bad)}",
                        file=path, row=number, column=column, value=cell.strip(), expected=EXPECTED,
                    )
