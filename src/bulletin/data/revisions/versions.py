"""The versions of a month as canonical text (:class:`Snapshot`): the one a month folder holds
(:func:`snapshot_folder`) and the one an ingest is about to write (:func:`snapshot_of`), so that
two versions compare figure by figure (:mod:`bulletin.data.revisions.edits`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin.core.schema import FACTS, FACTS_FILE, TABLES, Column

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Snapshot:
    """One version of a month as canonical text: per table its rows in order (key, cells), the
    facts and the notes of ``not_published.csv``."""

    tables: dict[str, list[tuple[tuple[str, ...], dict[str, str]]]] = field(default_factory=dict)
    facts: dict[str, str] = field(default_factory=dict)
    not_published: dict[str, str] = field(default_factory=dict)
    #: the lines kept aside (``kept_aside.csv``): (part, line number, line as printed)
    kept_aside: list[tuple[str, int, str]] = field(default_factory=list)


def _fact_column(key: str) -> Column:
    return Column("value", FACTS[key].label, FACTS[key].kind)


def _rows(frame: pd.DataFrame, name: str) -> list[tuple[tuple[str, ...], dict[str, str]]]:
    """Each row's key and cells as the month folder's text; a sign printed for no figure is kept
    as its sign (a loaded table carries it: :func:`bulletin.core.missing.signs`), so that 未反馈 → —
    is an edit and a month ingested again is not."""
    from bulletin.core.missing import signs
    from bulletin.data.store import format_cell

    decl = TABLES[name]
    printed = signs(frame)
    out = []
    for record in frame[list(decl.column_names)].itertuples(index=False):
        cells = {c.name: format_cell(v, c) for v, c in zip(record, decl.columns, strict=True)}
        key = tuple(cells[k] for k in decl.key)
        if printed:
            cells.update({c: sign for (k, c), sign in printed.items() if k == key and cells.get(c) == ""})
        out.append((key, cells))
    return out


def snapshot_folder(folder: Path) -> Snapshot:
    """The version a month folder holds (its own files; ``revisions/`` is not part of it).

    Raises :class:`BulletinDataError` when a file cannot be read, as ``bulletin.load`` does.
    """
    from bulletin.data import store

    snap = Snapshot()
    for name, decl in TABLES.items():
        if (folder / decl.file).exists():
            snap.tables[name] = _rows(store.read_table(folder / decl.file, decl, exact=True), name)
    if (folder / FACTS_FILE).exists():
        facts = store.read_facts(folder / FACTS_FILE, exact=True)
        snap.facts = {k: store.format_cell(v, _fact_column(k)) for k, v in facts.items()}
    snap.not_published = store.read_not_published(folder)
    snap.kept_aside = [(part, line + i, text) for part, line, lines in store.read_kept_aside(folder)
                       for i, text in enumerate(lines)]
    return snap


def snapshot_of(tables: Mapping[str, pd.DataFrame], facts: Mapping[str, object],
                not_published: Mapping[str, str], kept_aside: Sequence[tuple[str, int, str]] = ()) -> Snapshot:
    """The version an ingest is about to write (tables as read from the bulletin)."""
    from bulletin.data.store import format_cell

    return Snapshot(
        {name: _rows(tables[name], name) for name in TABLES if name in tables},
        {k: format_cell(v, _fact_column(k)) for k, v in facts.items() if v is not None and k in FACTS},
        dict(not_published),
        list(kept_aside),
    )

