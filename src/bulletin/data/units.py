"""One unit, many names: the alias table ``data/units.csv``.

The bulletin prints the same hospital under different names in different tables and months
(南京江北人民医院 in the kiosks table, 南京市江北人民医院 in the data-platform table). The alias
table maps every other spelling to one canonical name, so that month-on-month comparisons and
joins across tables match units by what they are, not by how they were printed.

``units.csv`` has three columns, ``canonical,alias,kind``: one row per other spelling. A canonical
name needs no row of its own; ``kind`` is what the unit is (``hospital``, ``district``,
``platform``, ``channel``, ``category``, ``city``). The file is plain UTF-8 CSV kept by hand; a
malformed row raises :class:`~bulletin.core.errors.BulletinDataError` naming the file, row, column and
value. This module imports nothing heavy (no pandas), so the command line stays quick.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, overload

from bulletin.core import inputs, paths
from bulletin.core.errors import BulletinDataError
from bulletin.core.inputs import check_name
from bulletin.data import glyphs

if TYPE_CHECKING:
    import pandas as pd

UNITS_FILE = "units.csv"
COLUMNS = ("canonical", "alias", "kind")
#: what ``bulletin check`` says of a data folder without an alias table (legitimate: data/README.md)
ABSENT_NOTE = ("提示：数据文件夹中没有 units.csv（别名表）：各月的名称按印刷的原样比较，"
               "同一单位的不同写法不会合并（需要时按 data/README.md 建立此表）")
KINDS = ("hospital", "district", "platform", "channel", "category", "city")


@dataclass(frozen=True)
class Aliases:
    """The alias table: ``alias → canonical`` and each canonical name's kind."""

    to_canonical: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # canonical name → kind

    def canonical(self, name: str) -> str:
        """The canonical name of ``name`` (``name`` itself when the table does not list it)."""
        return self.to_canonical.get(name, name)

    def known(self, name: str) -> bool:
        """Whether the table lists ``name``, as a canonical name or as an alias."""
        return name in self.to_canonical or name in self.kinds

    def names(self, kind: str | None = None) -> set[str]:
        """Every name the table lists (canonical names and aliases), optionally of one kind."""
        canon = {c for c, k in self.kinds.items() if kind is None or k == kind}
        return canon | {a for a, c in self.to_canonical.items() if c in canon}

    def spellings(self, canonical: str) -> list[str]:
        """The other spellings of a canonical name, in the table's order."""
        return [a for a, c in self.to_canonical.items() if c == canonical]

    @overload
    def rename(self, names: pd.Series) -> pd.Series: ...
    @overload
    def rename(self, names: pd.Index) -> pd.Index: ...
    @overload
    def rename(self, names: Iterable[str]) -> list[str]: ...

    def rename(self, names):
        """Each name replaced by its canonical name.

        A pandas Series comes back as a Series with the same index, name and dtype (so
        ``aliases().rename(m.kiosks["unit"]).head()`` and ``frame.assign(unit=...)`` line up row by
        row), an Index as an Index; missing values stay missing. Any other iterable gives a list.
        """
        pd = sys.modules.get("pandas")  # a Series can only exist once pandas is imported
        if pd is not None and isinstance(names, pd.Series | pd.Index):
            return names.map(self.canonical, na_action="ignore")
        return [self.canonical(n) for n in names]


def _fail(problem: str, file: Path, row: int | None = None, column: str | None = None, value: object = None,
          expected: str | None = None) -> BulletinDataError:
    return BulletinDataError(problem, file=paths.display_path(file), row=row, column=column, value=value,
                             expected=expected)


def _name(value: str, file: str, number: int, column: str) -> None:
    """The one shape check every name gets (:func:`bulletin.core.inputs.name_problem`, as in the month
    files), and a character the documents' font cannot print (as ``bulletin check`` refuses it there)."""
    check_name(value, file=file, row=number, column=column)
    bad = glyphs.first_unprintable(value)
    if bad is not None:
        raise BulletinDataError(f"a character the documents' font ({glyphs.FONT_NAME}) cannot print, "
                                f"{glyphs.describe(bad)}", file=file, row=number, column=column, value=value,
                                expected=glyphs.EXPECTED)


def parse(text: str, file: Path) -> Aliases:
    """The alias table from the text of ``units.csv`` (time linear in its rows: every test is a
    dictionary look-up)."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [c.strip() for c in rows[0]] != list(COLUMNS):
        raise _fail("unexpected header", file, 1, value=",".join(rows[0]) if rows else "",
                    expected="the header " + ",".join(COLUMNS))
    to_canonical: dict[str, str] = {}
    kinds: dict[str, str] = {}
    first: dict[str, int] = {}  # alias → the row that gave it
    shown = paths.display_path(file)
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(COLUMNS):
            raise _fail("wrong number of cells", file, number, value=len(cells), expected=f"{len(COLUMNS)} cells")
        canonical, alias, kind = (c.strip() for c in cells)
        _name(canonical, shown, number, "canonical")
        _name(alias, shown, number, "alias")
        if kind not in KINDS:
            raise _fail("unknown kind", file, number, "kind", kind, "one of " + ", ".join(KINDS))
        _check_against_earlier_rows(canonical, alias, kind, file, number, to_canonical, kinds, first)
        first[alias] = number
        to_canonical[alias] = canonical
        kinds[canonical] = kind
    return Aliases(to_canonical, kinds)


def _check_against_earlier_rows(canonical: str, alias: str, kind: str, file: Path, number: int,
                                to_canonical: dict[str, str], kinds: dict[str, str], first: dict[str, int]) -> None:
    """A row of ``units.csv`` that contradicts itself or the rows above it is refused, naming it."""
    if alias == canonical:
        raise _fail("an alias equal to its canonical name", file, number, "alias", alias,
                    "another spelling of the canonical name")
    if alias in kinds:
        raise _fail("an alias that is itself a canonical name", file, number, "alias", alias,
                    "one canonical name per unit (list the other spellings under it)")
    if canonical in to_canonical:
        raise _fail("a canonical name that is also an alias", file, number, "canonical", canonical,
                    f"the canonical name {to_canonical[canonical]!r} instead")
    if to_canonical.get(alias, canonical) != canonical:
        raise _fail("an alias given two canonical names", file, number, "alias", alias,
                    f"one canonical name (already {to_canonical[alias]!r})")
    if kinds.get(canonical, kind) != kind:
        raise _fail("a unit given two kinds", file, number, "kind", kind, f"{kinds[canonical]!r}, as before")
    if alias in first:
        raise _fail(f"the same row twice (first on row {first[alias]})", file, number, "alias", alias,
                    "each spelling once")


def aliases(data_dir: str | os.PathLike[str] | None = None) -> Aliases:
    """The alias table of the data directory (an empty one when it has no ``units.csv``: see
    :func:`present`). A ``units.csv`` that is there but is not a regular file (a named pipe, a
    folder, a symbolic link to nothing) is refused without waiting on it."""
    file = paths.data_dir(data_dir) / UNITS_FILE
    if not inputs.present(file):
        return Aliases()
    data = inputs.read_regular(file, "alias table missing", "the alias table units.csv, a regular CSV file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail("not UTF-8 text", file, expected="the alias table as UTF-8 CSV") from None
    return parse(text, file)


def present(data_dir: str | os.PathLike[str] | None = None) -> bool:
    """Whether the data directory has an alias table. Without one every name stands for itself (a
    legitimate data folder: one month, or units never renamed); ``bulletin check`` says so in a note."""
    return inputs.present(paths.data_dir(data_dir) / UNITS_FILE)


def canonical(name: str, data_dir: str | os.PathLike[str] | None = None) -> str:
    """The canonical name of one unit name (reads the table each call: for many names use :func:`aliases`)."""
    return aliases(data_dir).canonical(name)
