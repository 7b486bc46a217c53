"""What readers see of a month's revisions: :class:`Marks` (``[r]`` after each revised figure),
:func:`notice` (the line saying when and what) and :func:`page_summary` (the month's page).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bulletin.core import paths
from bulletin.core.errors import BulletinError
from bulletin.core.month_strings import month_label
from bulletin.core.schema import TABLES
from bulletin.data.revisions.edits import figures_edited
from bulletin.data.revisions.records import Revision, read

if TYPE_CHECKING:
    import pandas as pd

#: the mark after a revised figure (the UK Code of Practice for Statistics' and the Analysis
#: Function's shorthand for "revised")
MARK = "[r]"


@dataclass(frozen=True)
class Marks:
    """Which figures of the current version a revision edited (each carries ``[r]``)."""

    cells: frozenset[tuple[str, tuple[str, ...], str]] = frozenset()
    rows: frozenset[tuple[str, tuple[str, ...]]] = frozenset()  # rows a revision added: every figure
    tables: frozenset[str] = frozenset()  # tables a revision added: every figure
    facts: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.cells or self.rows or self.tables or self.facts)

    def cell(self, table: str, key: Sequence[object], column: str) -> bool:
        """Whether the figure of ``column`` in the row ``key`` (values as loaded) of ``table`` was revised."""
        if not self:
            return False
        k = key_text(table, key)
        return table in self.tables or (table, k) in self.rows or (table, k, column) in self.cells

    def fact(self, key: str) -> bool:
        return key in self.facts

    def flags(self, table: str, frame: pd.DataFrame) -> pd.DataFrame:
        """Per row of ``frame`` (which holds the key columns of ``table``) and per figure column of
        the table in it: whether it was revised. A 合计 row's figures are its stated totals."""
        import pandas as pd

        from bulletin.data.store import TOTAL_NAMES

        decl = TABLES[table]
        columns = [c for c in decl.column_names if c in frame.columns and c not in decl.key]
        out = pd.DataFrame(False, index=frame.index, columns=columns)
        if not self or not all(k in frame.columns for k in decl.key):
            return out
        totals = {t.column: t.fact for t in decl.totals}
        for i, key in enumerate(zip(*(frame[k] for k in decl.key), strict=True)):
            if "".join(str(key[-1]).split()) in TOTAL_NAMES:
                row = [c in totals and self.fact(totals[c]) for c in columns]
            else:
                row = [self.cell(table, key, c) for c in columns]
            out.iloc[i] = row
        return out


def key_text(table: str, key: Sequence[object]) -> tuple[str, ...]:
    """A row's key as the canonical text a revision record holds."""
    from bulletin.data.store import format_cell

    decl = TABLES[table]
    return tuple(format_cell(v, decl.column(k)) for k, v in zip(decl.key, key, strict=True))


def marks(revisions: Iterable[Revision]) -> Marks:
    """The figures any of ``revisions`` edited or added."""
    cells, rows, tables, facts = set(), set(), set(), set()
    for rev in revisions:
        for c in rev.edits:
            if c.kind == "cell" and c.table and c.column:
                cells.add((c.table, c.unit, c.column))
            elif c.kind == "row_added" and c.table:
                rows.add((c.table, c.unit))
            elif c.kind == "table_added" and c.table:
                tables.add(c.table)
            elif c.kind == "fact" and c.column and c.new is not None:
                facts.add(c.column)
    return Marks(frozenset(cells), frozenset(rows), frozenset(tables), frozenset(facts))


def mark(text: str, revised: bool) -> str:
    """``text`` with `` [r]`` after it when ``revised``."""
    return f"{text} {MARK}" if revised else text


def notice(month: str, revisions: Sequence[Revision]) -> str:
    """The line telling readers the month was revised, when, why and how much (``""`` when never).

    ``2020年2月的数据已修订：2024年5月1日第1次修订（原因：…），改动 3 个数字。标 [r] 的数字为修订后的数字。``
    """
    if not revisions:
        return ""
    parts = []
    for rev in revisions:
        why = f"，原因：{rev.reason}" if rev.reason else ""
        parts.append(f"{rev.date_label}第{rev.number}次修订（改动 {figures_edited(rev.edits)} 处{why}）")
    return f"{month_label(month)}的数据已修订：{'；'.join(parts)}。标 {MARK} 的数字为修订后的数字。"


def page_summary(month: str, data_dir: str | os.PathLike[str] | None) -> list[dict[str, object]]:
    """The month's revisions for its page and the top index: number, date, reason, the edits as
    lines (``[]`` when never revised, or when the records cannot be read: the page then says nothing)."""
    try:
        revs = read(paths.month_dir(month, data_dir))
    except BulletinError:
        return []
    return [{"number": r.number, "when": r.when, "date": r.date_label, "reason": r.reason,
             "figures": figures_edited(r.edits), "edits": [c.text() for c in r.edits]} for r in revs]

