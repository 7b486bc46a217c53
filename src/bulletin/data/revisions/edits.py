"""What changed between two versions of a month: an :class:`Edit` each (a cell, a row or table
added or removed, the rows' order, a stated figure, a note), :func:`edits_between` two versions,
:func:`edits_since` the version a folder holds, and their lines as the ingest prints them.

These are a revision's edits; the month-on-month edits of the figures (环比, 同比) are
:mod:`bulletin.sections.compare`'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bulletin.core.errors import BulletinDataError
from bulletin.core.schema import FACTS, KIOSK_GROUP_LABELS, TABLES, TELEMEDICINE_MEASURES
from bulletin.data.revisions.versions import Snapshot, snapshot_folder

#: how many edits the ingest prints before it says how many more there are
SHOWN = 20

#: what an edit is: a cell of a row, a row or a table added or removed, a stated figure
#: (``facts.csv``), the rows' order, a note of ``not_published.csv``, or an earlier version that
#: could not be read at all
KINDS = ("cell", "row_added", "row_removed", "table_added", "table_removed", "order", "fact", "note",
         "aside", "unreadable")
_FACTS_TITLE = "公布的总数"
_NOTES_TITLE = "未刊登记录"
_ASIDE_TITLE = "另存的未识别内容"


@dataclass(frozen=True)
class Edit:
    """One difference between two versions of a month.

    ``table`` is a table name of :data:`bulletin.core.schema.TABLES` (``facts`` for a stated figure,
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
        """The edit in one line: ``预约挂号服务统计表 · 南京鼓楼医院 · 12320在线预约：1719 → 1819``."""
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
    def from_dict(cls, data: object, file: Path) -> Edit:
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



def _row_text(name: str, cells: Mapping[str, str]) -> str:
    decl = TABLES[name]
    return "，".join(f"{c.label} {_shown(cells[c.name])}" for c in decl.columns if c.name not in decl.key)


def edits_between(old: Snapshot, new: Snapshot) -> list[Edit]:
    """Every difference from ``old`` to ``new``: tables in their declared order, rows in the new
    order, then the stated figures, then the notes of what was not printed."""
    edits: list[Edit] = []
    for name in TABLES:
        before, after = old.tables.get(name), new.tables.get(name)
        if before is None and after is None:
            continue
        if before is None:
            edits.append(Edit("table_added", name, new=str(len(after or []))))
        elif after is None:
            edits.append(Edit("table_removed", name, old=str(len(before))))
        else:
            edits += _row_edits(name, before, after)
    for key in FACTS:
        if old.facts.get(key) != new.facts.get(key):
            edits.append(Edit("fact", "facts", (), key, old.facts.get(key), new.facts.get(key)))
    for item in [*TABLES, *FACTS]:
        was, now = old.not_published.get(item), new.not_published.get(item)
        if was is not None and now is not None and was != now:
            edits.append(Edit("note", "not_published", (), item, was, now))
    if old.kept_aside != new.kept_aside:
        edits.append(Edit("aside", "kept_aside", old=_aside_text(old.kept_aside), new=_aside_text(new.kept_aside)))
    return edits


def _aside_text(lines: Sequence[tuple[str, int, str]]) -> str:
    """The parts kept aside in one line: ``某表（第438行起，12行）``; empty for none."""
    parts: dict[str, list[int]] = {}
    for part, line, _ in lines:
        parts.setdefault(part, []).append(line)
    return "、".join(f"{part}（第{min(n)}行起，{len(n)}行）" for part, n in parts.items())


def _row_edits(name: str, before: list[tuple[tuple[str, ...], dict[str, str]]],
                  after: list[tuple[tuple[str, ...], dict[str, str]]]) -> list[Edit]:
    decl = TABLES[name]
    edits = []
    was, now = dict(before), dict(after)
    for key, cells in after:
        if key not in was:
            edits.append(Edit("row_added", name, key, new=_row_text(name, cells)))
            continue
        edits += [Edit("cell", name, key, col, was[key][col], cells[col])
                    for col in decl.column_names if col not in decl.key and was[key][col] != cells[col]]
    edits += [Edit("row_removed", name, key, old=_row_text(name, cells)) for key, cells in before if key not in now]
    if [k for k, _ in before if k in now] != [k for k, _ in after if k in was]:
        edits.append(Edit("order", name))
    return edits


def edits_since(folder: Path, new: Snapshot) -> list[Edit]:
    """:func:`edits_between` of the version ``folder`` holds with ``new``; an earlier version that cannot
    be read is one edit saying why (it is kept whole all the same)."""
    try:
        old = snapshot_folder(folder)
    except BulletinDataError as exc:
        return [Edit("unreadable", old=str(exc))]
    return edits_between(old, new)


def edit_lines(edits: Sequence[Edit], shown: int = SHOWN) -> list[str]:
    """The edits as indented lines, at most ``shown`` of them and a line saying how many more."""
    lines = [f"  {c.text()}" for c in edits[:shown]]
    if len(edits) > shown:
        lines.append(f"  … and {len(edits) - shown} more")
    return lines


def figures_edited(edits: Sequence[Edit]) -> int:
    """How many figures the edits touch (a row or table added or removed counts once)."""
    return sum(1 for c in edits if c.kind not in ("order", "note"))

