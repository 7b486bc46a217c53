"""Revisions: a corrected month is compared (:func:`compare`), written with its earlier version kept
whole under ``revisions/N/`` (:func:`write_revision`, one atomic exchange), marked for readers
(:class:`Marks`, ``[r]``) and explained (:func:`notice`). Design: ARCHITECTURE.md, "Data folders:
locks and revisions".
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import secrets
import shutil
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import paths
from .errors import BulletinDataError, BulletinError, RevisionRefused
from .month_strings import is_month, month_label
from .schema import FACTS, FACTS_FILE, KIOSK_GROUP_LABELS, TABLES, TELEMEDICINE_MEASURES, Column

if TYPE_CHECKING:
    import pandas as pd

#: the folder of a month that keeps its earlier versions
REVISIONS_DIR = "revisions"
#: the record of one revision, inside the folder of the version it replaced
RECORD_FILE = "revision.json"
RECORD_FORMAT = "bulletin-revision/1"
#: the mark after a revised figure (the UK Code of Practice for Statistics' and the Analysis
#: Function's shorthand for "revised")
MARK = "[r]"
#: the reason a revision records when ``--force`` came without ``--reason`` (never an empty one)
NO_REASON = "（未说明理由）"
#: how many changes the ingest prints before it says how many more there are
SHOWN = 20

#: what a change is: a cell of a row, a row or a table added or removed, a stated figure
#: (``facts.csv``), the rows' order, a note of ``not_published.csv``, or an earlier version that
#: could not be read at all
KINDS = ("cell", "row_added", "row_removed", "table_added", "table_removed", "order", "fact", "note",
         "aside", "unreadable")
_FACTS_TITLE = "公布的总数"
_NOTES_TITLE = "未刊登记录"
_ASIDE_TITLE = "另存的未识别内容"


# ------------------------------------------------------------------------------------ changes


@dataclass(frozen=True)
class Change:
    """One difference between two versions of a month.

    ``table`` is a table name of :data:`bulletin.schema.TABLES` (``facts`` for a stated figure,
    ``not_published`` for a note); ``unit`` the row's key as its canonical text
    (``("南京鼓楼医院",)``, ``("南京市远程心电监测诊断平台", "ecg_cases")``); ``column`` the
    column (a fact's key, a note's item); ``old`` and ``new`` the canonical text of the figure
    (``""``: 未反馈; ``None``: not there in that version).
    """

    kind: str
    table: str | None = None
    unit: tuple[str, ...] = ()
    column: str | None = None
    old: str | None = None
    new: str | None = None

    def text(self) -> str:
        """The change in one line: ``预约挂号服务统计表 · 南京鼓楼医院 · 12320在线预约：1719 → 1819``."""
        if self.kind == "unreadable":
            return f"数据中原有的版本无法读取：{self.old}"
        if self.kind == "fact":
            label = FACTS[self.column].label if self.column in FACTS else str(self.column)
            return f"{_FACTS_TITLE} · {label}：{_shown(self.old)} → {_shown(self.new)}"
        if self.kind == "aside":
            return f"{_ASIDE_TITLE}（kept_aside.csv）：{self.old or '（无）'} → {self.new or '（无）'}"
        if self.kind == "note":
            item = self.column or ""
            title = TABLES[item].title if item in TABLES else FACTS[item].label if item in FACTS else item
            return f"{_NOTES_TITLE} · {title}：{self.old or '（无）'} → {self.new or '（无）'}"
        title = TABLES[self.table].title if self.table in TABLES else str(self.table)
        if self.kind == "table_added":
            return f"{title}：新刊登此表（{self.new} 行）"
        if self.kind == "table_removed":
            return f"{title}：不再刊登此表（原有 {self.old} 行）"
        if self.kind == "order":
            return f"{title}：各行的顺序改变"
        unit = unit_text(self.table, self.unit)
        if self.kind == "row_added":
            return f"{title} · {unit}：新增一行（{self.new}）"
        if self.kind == "row_removed":
            return f"{title} · {unit}：删去一行（{self.old}）"
        text = self.table in TABLES and self.column in TABLES[self.table].column_names \
            and TABLES[self.table].column(self.column).kind == "text"  # an empty note is not 未反馈
        return (f"{title} · {unit} · {column_label(self.table, self.column)}："
                f"{_shown(self.old, text)} → {_shown(self.new, text)}")

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "table": self.table, "unit": list(self.unit), "column": self.column,
                "old": self.old, "new": self.new}

    @classmethod
    def from_dict(cls, data: object, file: Path) -> Change:
        if not isinstance(data, dict) or data.get("kind") not in KINDS:
            raise BulletinDataError("not a change of a revision record", file=file, value=data,
                                    expected="an object with kind one of " + ", ".join(KINDS))
        unit = data.get("unit") or []
        if not isinstance(unit, list) or not all(isinstance(u, str) for u in unit):
            raise BulletinDataError("a change's unit is not a list of names", file=file, value=unit,
                                    expected="the row's key as a list of strings")
        values = [data.get(k) for k in ("table", "column", "old", "new")]
        if not all(v is None or isinstance(v, str) for v in values):
            raise BulletinDataError("a change holds a value that is not text", file=file, value=data,
                                    expected="table, column, old and new as strings or null")
        table, column, old, new = values
        return cls(str(data["kind"]), table, tuple(unit), column, old, new)


def _shown(value: str | None, text: bool = False) -> str:
    if value is None:
        return "（无）"
    return value if value != "" else "（空）" if text else "未反馈"


def unit_text(table: str | None, key: Sequence[str]) -> str:
    """A row's key as a reader names it: ``医疗单位·南京市儿童医院``,
    ``南京市远程心电监测诊断平台·本月采集心电病例``."""
    if table not in TABLES:
        return "·".join(key)
    parts = []
    for name, value in zip(TABLES[table].key, key, strict=False):
        if name == "group":
            parts.append(KIOSK_GROUP_LABELS.get(value, value))
        elif name == "measure":
            parts.append(TELEMEDICINE_MEASURES.get(value, (value, ""))[0])
        elif name == "rank":
            parts.append(f"第{value}名")
        else:
            parts.append(value)
    return "·".join(parts)


def column_label(table: str | None, column: str | None) -> str:
    try:
        return TABLES[table].column(column).label  # type: ignore[index,arg-type]
    except KeyError:
        return str(column)


# ------------------------------------------------------------------------------------ versions


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
    as its sign (a loaded table carries it: :func:`bulletin.missing.signs`), so that 未反馈 → —
    is a change and a month ingested again is not."""
    from .missing import signs
    from .store import format_cell

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
    from . import store

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
    from .store import format_cell

    return Snapshot(
        {name: _rows(tables[name], name) for name in TABLES if name in tables},
        {k: format_cell(v, _fact_column(k)) for k, v in facts.items() if v is not None and k in FACTS},
        dict(not_published),
        list(kept_aside),
    )


def _row_text(name: str, cells: Mapping[str, str]) -> str:
    decl = TABLES[name]
    return "，".join(f"{c.label} {_shown(cells[c.name])}" for c in decl.columns if c.name not in decl.key)


def compare(old: Snapshot, new: Snapshot) -> list[Change]:
    """Every difference from ``old`` to ``new``: tables in their declared order, rows in the new
    order, then the stated figures, then the notes of what was not printed."""
    changes: list[Change] = []
    for name in TABLES:
        before, after = old.tables.get(name), new.tables.get(name)
        if before is None and after is None:
            continue
        if before is None:
            changes.append(Change("table_added", name, new=str(len(after or []))))
        elif after is None:
            changes.append(Change("table_removed", name, old=str(len(before))))
        else:
            changes += _compare_rows(name, before, after)
    for key in FACTS:
        if old.facts.get(key) != new.facts.get(key):
            changes.append(Change("fact", "facts", (), key, old.facts.get(key), new.facts.get(key)))
    for item in [*TABLES, *FACTS]:
        was, now = old.not_published.get(item), new.not_published.get(item)
        if was is not None and now is not None and was != now:
            changes.append(Change("note", "not_published", (), item, was, now))
    if old.kept_aside != new.kept_aside:
        changes.append(Change("aside", "kept_aside", old=_aside_text(old.kept_aside), new=_aside_text(new.kept_aside)))
    return changes


def _aside_text(lines: Sequence[tuple[str, int, str]]) -> str:
    """The parts kept aside in one line: ``某表（第438行起，12行）``; empty for none."""
    parts: dict[str, list[int]] = {}
    for part, line, _ in lines:
        parts.setdefault(part, []).append(line)
    return "、".join(f"{part}（第{min(n)}行起，{len(n)}行）" for part, n in parts.items())


def _compare_rows(name: str, before: list[tuple[tuple[str, ...], dict[str, str]]],
                  after: list[tuple[tuple[str, ...], dict[str, str]]]) -> list[Change]:
    decl = TABLES[name]
    changes = []
    was, now = dict(before), dict(after)
    for key, cells in after:
        if key not in was:
            changes.append(Change("row_added", name, key, new=_row_text(name, cells)))
            continue
        changes += [Change("cell", name, key, col, was[key][col], cells[col])
                    for col in decl.column_names if col not in decl.key and was[key][col] != cells[col]]
    changes += [Change("row_removed", name, key, old=_row_text(name, cells)) for key, cells in before if key not in now]
    if [k for k, _ in before if k in now] != [k for k, _ in after if k in was]:
        changes.append(Change("order", name))
    return changes


def compare_with_folder(folder: Path, new: Snapshot) -> list[Change]:
    """:func:`compare` of the version ``folder`` holds with ``new``; an earlier version that cannot
    be read is one change saying why (it is kept whole all the same)."""
    try:
        old = snapshot_folder(folder)
    except BulletinDataError as exc:
        return [Change("unreadable", old=str(exc))]
    return compare(old, new)


def diff_lines(changes: Sequence[Change], shown: int = SHOWN) -> list[str]:
    """The changes as indented lines, at most ``shown`` of them and a line saying how many more."""
    lines = [f"  {c.text()}" for c in changes[:shown]]
    if len(changes) > shown:
        lines.append(f"  … and {len(changes) - shown} more")
    return lines


def figures_changed(changes: Sequence[Change]) -> int:
    """How many figures the changes touch (a row or table added or removed counts once)."""
    return sum(1 for c in changes if c.kind not in ("order", "note"))


# ------------------------------------------------------------------------------------ records


@dataclass(frozen=True)
class Revision:
    """One revision of a month: its number, when it was taken in (UTC), from which file, why, what
    changed, and the folder that keeps the version it replaced."""

    month: str
    number: int
    when: str  # ISO 8601 UTC, 2024-05-01T08:30:00Z
    changes: tuple[Change, ...]
    reason: str = ""
    source: str = ""
    folder: Path | None = None  # revisions/N/: the version this revision replaced
    #: each kept file (path inside ``folder``) → its SHA-256, as recorded when the revision was made;
    #: None for a record written before hashes were kept
    hashes: dict[str, str] | None = field(default=None, compare=False)

    @property
    def kept(self) -> str:
        """Where the version this revision replaced is kept, as shown to users: ``2020-02/revisions/1/``."""
        if self.folder is None:
            return ""
        return f"{paths.display_path(self.folder.parent.parent)}/{REVISIONS_DIR}/{self.number}/"

    @property
    def date(self) -> str:
        """The day the revision was taken in, ``2024-05-01``."""
        return self.when[:10]

    @property
    def date_label(self) -> str:
        """The day as readers read it, ``2024年5月1日``."""
        try:
            d = dt.date.fromisoformat(self.date)
        except ValueError:
            return self.date
        return f"{d.year}年{d.month}月{d.day}日"

    def text(self) -> str:
        """The revision as ``bulletin revisions MONTH N`` prints it: a heading and the diff."""
        source = f", from {self.source}" if self.source else ""
        head = f"{self.month} revision {self.number} ({self.when}{source})"
        lines = [head + (f": {self.reason}" if self.reason else "")]
        if self.folder is not None:
            unverified = f" ({NOT_VERIFIABLE})" if self.hashes is None else ""
            lines.append(f"the version it replaced: {self.kept}{unverified}")
        lines += diff_lines(self.changes, shown=len(self.changes))
        return "\n".join(lines)

    def summary(self) -> str:
        """One line of ``bulletin revisions MONTH``."""
        n = len(self.changes)
        parts = [f"revision {self.number}", self.when, f"{n} change{'s' if n != 1 else ''}"]
        if self.hashes is None:
            parts.append(NOT_VERIFIABLE)
        if self.source:
            parts.append(f"from {self.source}")
        if self.reason:
            parts.append(f"reason: {self.reason}")
        return "  ".join(parts)

    def to_dict(self) -> dict[str, object]:
        """The record as ``revision.json`` holds it (and ``--json`` prints it, with each change's text)."""
        data: dict[str, object] = {
            "format": RECORD_FORMAT, "month": self.month, "revision": self.number, "when": self.when,
            "reason": self.reason, "source": self.source, "changes": [c.to_dict() for c in self.changes]}
        if self.hashes is not None:
            data["files"] = {name: f"sha256:{digest}" for name, digest in sorted(self.hashes.items())}
        return data


def read(folder: os.PathLike[str] | str) -> tuple[Revision, ...]:
    """The revisions of the month in ``folder``, oldest first (``()`` when it was never revised).

    Raises :class:`BulletinDataError` naming the file for a record that cannot be read.
    """
    base = Path(folder) / REVISIONS_DIR
    if not base.is_dir():
        return ()
    out = []
    try:
        entries = sorted(base.iterdir())
    except OSError as exc:
        raise BulletinDataError(f"cannot list the revisions ({exc.strerror or exc})", file=base) from None
    for entry in entries:
        if not (entry.name.isascii() and entry.name.isdigit()):
            continue  # not a revision (a file a desktop leaves, say)
        if entry.is_symlink() or not entry.is_dir():
            raise BulletinDataError(
                "a revision that is not a folder", file=entry,
                expected=f"the folder {REVISIONS_DIR}/{entry.name}/ that bulletin ingest --force keeps, with the "
                f"version revision {entry.name} replaced and its {RECORD_FILE} (restore it from a backup)",
            )
        rev = _read_record(entry, Path(folder).name)
        verify(rev)
        out.append(rev)
    return tuple(sorted(out, key=lambda r: r.number))


#: what a revision recorded before hashes were kept says of its kept version
NOT_VERIFIABLE = "not verifiable: recorded before hashes"


def file_hashes(folder: Path) -> dict[str, str]:
    """Each file under ``folder`` but the revision's record (path inside it, ``/``-separated) → its SHA-256."""
    import hashlib

    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != RECORD_FILE:
            out[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def verify(rev: Revision) -> None:
    """Refuse a kept version that is no longer the one recorded: a file changed, removed or added since
    the revision was made (:class:`BulletinDataError` naming the file). A record written before hashes
    were kept cannot be verified (:data:`NOT_VERIFIABLE`) and is taken as it is."""
    if rev.hashes is None or rev.folder is None:
        return
    try:
        found = file_hashes(rev.folder)
    except OSError as exc:
        raise BulletinDataError(f"cannot read the kept version ({exc.strerror or exc})", file=rev.folder) from None
    for name, digest in sorted(rev.hashes.items()):
        if name not in found:
            raise BulletinDataError(f"a file of the version revision {rev.number} replaced is gone",
                                    file=rev.folder / name, expected=f"the file as {RECORD_FILE} records it")
        if found[name] != digest:
            raise BulletinDataError(
                f"changed since revision {rev.number} was recorded (its SHA-256 differs from {RECORD_FILE}'s)",
                file=rev.folder / name, value=f"sha256:{found[name][:12]}…",
                expected=f"sha256:{digest[:12]}…, the version kept as it was replaced (restore it from a backup)",
            )
    extra = sorted(set(found) - set(rev.hashes))
    if extra:
        raise BulletinDataError(f"a file added to the version revision {rev.number} replaced",
                                file=rev.folder / extra[0], expected=f"only the files {RECORD_FILE} records")


def _read_record(entry: Path, month: str) -> Revision:
    path = entry / RECORD_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BulletinDataError(
            "revision record missing", file=path,
            expected=f"the {RECORD_FILE} that bulletin ingest --force writes with each revision",
        ) from None
    except (OSError, ValueError) as exc:
        raise BulletinDataError(f"cannot read the revision record ({exc})", file=path,
                                expected="the JSON record bulletin ingest --force writes") from None
    if not isinstance(data, dict) or data.get("revision") != int(entry.name):
        raise BulletinDataError("not the record of this revision", file=path,
                                value=data.get("revision") if isinstance(data, dict) else data,
                                expected=f"revision {int(entry.name)}, as the folder's name says")
    when, changes = data.get("when"), data.get("changes")
    if not isinstance(when, str) or not isinstance(changes, list):
        raise BulletinDataError("the record lacks its time or its changes", file=path,
                                expected="when (an ISO time) and changes (a list)")
    files = data.get("files")
    hashes = None
    if files is not None:
        if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.startswith("sha256:")
                                                  for k, v in files.items()):
            raise BulletinDataError("the record's file hashes are not readable", file=path, value=files,
                                    expected='files: {"name.csv": "sha256:…"}')
        hashes = {k: v.removeprefix("sha256:") for k, v in files.items()}
    return Revision(month, int(entry.name), when, tuple(Change.from_dict(c, path) for c in changes),
                    str(data.get("reason") or ""), str(data.get("source") or ""), entry, hashes)


# ------------------------------------------------------------------------------------ what readers see


@dataclass(frozen=True)
class Marks:
    """Which figures of the current version a revision changed (each carries ``[r]``)."""

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

        from .store import TOTAL_NAMES

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
    from .store import format_cell

    decl = TABLES[table]
    return tuple(format_cell(v, decl.column(k)) for k, v in zip(decl.key, key, strict=True))


def marks(revisions: Iterable[Revision]) -> Marks:
    """The figures any of ``revisions`` changed or added."""
    cells, rows, tables, facts = set(), set(), set(), set()
    for rev in revisions:
        for c in rev.changes:
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
        parts.append(f"{rev.date_label}第{rev.number}次修订（改动 {figures_changed(rev.changes)} 处{why}）")
    return f"{month_label(month)}的数据已修订：{'；'.join(parts)}。标 {MARK} 的数字为修订后的数字。"


def page_summary(month: str, data_dir: str | os.PathLike[str] | None) -> list[dict[str, object]]:
    """The month's revisions for its page and the top index: number, date, reason, the changes as
    lines (``[]`` when never revised, or when the records cannot be read: the page then says nothing)."""
    try:
        revs = read(paths.month_dir(month, data_dir))
    except BulletinError:
        return []
    return [{"number": r.number, "when": r.when, "date": r.date_label, "reason": r.reason,
             "figures": figures_changed(r.changes), "changes": [c.text() for c in r.changes]} for r in revs]


# ------------------------------------------------------------------------------------ writing


def refusal(month: str, folder: Path, changes: Sequence[Change]) -> RevisionRefused:
    """The refusal of a bulletin that would change ``month``, already in the data in ``folder``,
    without ``--force``: it lists the changes and names the revision ``--force`` would make."""
    return RevisionRefused(month, folder, changes, next_number(folder), shown=paths.display_path(folder),
                           kept_in=REVISIONS_DIR)


def next_number(folder: Path) -> int:
    revs = read(folder)
    return revs[-1].number + 1 if revs else 1


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_revision(target: Path, files: Mapping[str, str], changes: Sequence[Change], *, reason: str = "",
                   source: str = "", when: str | None = None) -> Revision:
    """Replace the month folder ``target`` by the new version ``files`` (name → text), keeping the
    version it holds whole in ``revisions/N/`` with the revision's record.

    Everything is assembled in a folder beside ``target`` (the new files, the month's earlier
    revisions, the version being replaced and the record), which then takes ``target``'s place in
    one step (:func:`_exchange`). Any failure before that step leaves ``target`` untouched and no
    folder behind; a kill leaves at most a folder that :func:`recover` removes.

    Raises :class:`BulletinDataError` when the revision cannot be written (a full disk, say).
    """
    target = Path(target)
    month = target.name
    number = next_number(target)
    record = Revision(month, number, when or _now(), tuple(changes), reason, source)
    work = target.parent / f".{month}.revision-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        os.mkdir(work)
        for name, text in files.items():
            (work / name).write_bytes(text.encode("utf-8"))
        kept = work / REVISIONS_DIR
        if (target / REVISIONS_DIR).is_dir():
            shutil.copytree(target / REVISIONS_DIR, kept)
        else:
            os.mkdir(kept)
        earlier = kept / str(number)
        os.mkdir(earlier)
        for entry in sorted(target.iterdir()):  # the version being replaced, whole
            if entry.name == REVISIONS_DIR:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.copytree(entry, earlier / entry.name)
            else:
                shutil.copy2(entry, earlier / entry.name)
        record = Revision(month, number, record.when, record.changes, reason, source, hashes=file_hashes(earlier))
        text = json.dumps(record.to_dict(), ensure_ascii=False, indent=1) + "\n"
        (earlier / RECORD_FILE).write_bytes(text.encode("utf-8"))
        _exchange(work, target)  # from here on ``work`` holds the replaced version (also kept in revisions/N/)
    except OSError as exc:
        raise BulletinDataError(f"cannot write the revision ({exc.strerror or exc}); the month is as it was",
                                file=target) from exc
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return Revision(month, number, record.when, record.changes, reason, source, target / REVISIONS_DIR / str(number),
                    record.hashes)


def _exchange(new: Path, target: Path) -> None:
    """Swap the folders ``new`` and ``target`` so that ``target`` is the new month and ``new`` the old.

    On Linux this is one system call (``renameat2(…, RENAME_EXCHANGE)``): there is no moment at
    which the month is missing. Where it is not available (another system, a file system without
    it), the old folder is renamed aside, the new one in, the old one to ``new``; a kill between the
    first two renames leaves the old month aside, whole, and :func:`recover` puts it back.
    """
    if _renameat2_exchange(new, target):
        return
    aside = target.parent / f".{target.name}.revision-old-{os.getpid()}-{secrets.token_hex(4)}"
    os.replace(target, aside)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(aside, target)
        raise
    try:  # the revision is in place; the replaced version goes where the caller removes it
        os.replace(aside, new)
    except OSError:  # it is kept in the new month's revisions/ as well
        shutil.rmtree(aside, ignore_errors=True)


def _renameat2_exchange(a: Path, b: Path) -> bool:
    """``renameat2(a, b, RENAME_EXCHANGE)``; False where the system or the file system has no such call."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        call = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library without it (glibc before 2.28, musl)
        return False
    call.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    call.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    if call(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def recover(root: Path) -> list[str]:
    """Repair what a killed revision left in the data folder ``root`` (run under the write lock).

    A month renamed aside and not replaced (a kill between the two renames where there is no
    atomic exchange) is put back; every other leftover folder is removed: it is either a new
    version never put in place, or a replaced version that the month's ``revisions/`` also keeps.
    Returns one line per month put back.
    """
    restored = []
    try:
        debris = sorted(p for p in root.iterdir() if p.name.startswith(".") and ".revision-" in p.name)
    except OSError:
        return restored
    for p in debris:
        month = p.name[1:].split(".revision-")[0]
        if is_month(month) and ".revision-old-" in p.name and not (root / month).exists() and p.is_dir():
            os.replace(p, root / month)
            restored.append(f"{month}: put back the version an interrupted revision had moved aside")
    for p in debris:
        if p.exists() and p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
    return restored


# ------------------------------------------------------------------------------------ the command


def revisions_command(month: str, number: int | None, data_dir: str | None, as_json: bool) -> int:
    """``bulletin revisions MONTH [N] [--json]``: list a month's revisions, or show one as a diff."""
    from .loaders import month_folder

    folder = month_folder(month, data_dir)
    revs = read(folder)
    if number is not None:
        found = [r for r in revs if r.number == number]
        if not revs:
            raise BulletinDataError(
                f"{folder.name} has no revisions: the month was never revised, so there is no revision {number}",
                file=folder, column="revision",
                expected=f"`bulletin revisions {folder.name}` to list a month's revisions",
            )
        if not found:
            raise BulletinDataError(
                "no such revision", file=folder / REVISIONS_DIR, column="revision", value=number,
                expected="one of " + ", ".join(str(r.number) for r in revs),
            )
        rev = found[0]
        if as_json:
            print(json.dumps(_json(rev), ensure_ascii=False, indent=1))
        else:
            print(rev.text())
        return 0
    if as_json:
        print(json.dumps({"month": folder.name, "revisions": [_json(r) for r in revs]}, ensure_ascii=False, indent=1))
        return 0
    if not revs:
        print(f"{folder.name}: never revised (the data holds the month as first ingested)")
        return 0
    print(f"{folder.name}: {len(revs)} revision{'s' if len(revs) != 1 else ''}; "
          f"the current version is {paths.display_path(folder)}/")
    for rev in revs:
        print(f"  {rev.summary()}")
    print(f"bulletin revisions {folder.name} N shows revision N as a diff")
    return 0


def _json(rev: Revision) -> dict[str, object]:
    data = rev.to_dict()
    data["kept"] = rev.kept or None
    data["verified"] = rev.hashes is not None  # False: recorded before hashes were kept
    data["changes"] = [{**c.to_dict(), "text": c.text()} for c in rev.changes]
    return data
