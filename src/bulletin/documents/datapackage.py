"""``data-YYYY-MM/``: the month's tidy CSV files and a Frictionless Data Package descriptor.

The descriptor (``datapackage.json``) is generated from :mod:`bulletin.schema`, never written by
hand: one resource per table (and one for ``facts.csv``), each field with its type, Chinese
title, unit and constraints (counts are non-negative integers, money a number with two decimals,
a text column with choices an enum), the table's primary key, and the empty cell as the one
missing value (未反馈). A revised month's descriptor records its revisions: ``version`` (``1.N.0``
after N revisions) and ``revisions`` (each one's number, time, reason and changes, as
``bulletin revisions MONTH N --json`` gives them).
``frictionless validate data-YYYY-MM/datapackage.json`` checks every file against it; the tests
run it, and run it on a copy with one broken cell to see it fail. The ``frictionless`` library is
not imported here: writing the descriptor is plain JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import revisions, schema
from ..store import facts_csv, table_csv
from . import wording as w
from .content import MonthData, dated

_TYPES = {"text": "string", "count": "integer", "money": "number"}


def field(col: schema.Column) -> dict[str, object]:
    """The Table Schema field of a declared column."""
    out: dict[str, object] = {"name": col.name, "title": col.label, "type": _TYPES[col.kind]}
    constraints: dict[str, object] = {}
    if not col.nullable:
        constraints["required"] = True
    if col.kind in ("count", "money"):
        constraints["minimum"] = 0
    if col.kind == "money":
        out["decimalChar"] = "."
        out["bareNumber"] = True
    if col.choices is not None:
        constraints["enum"] = list(col.choices)
    if constraints:
        out["constraints"] = constraints
    if col.unit:
        out["unit"] = col.unit  # not a Table Schema keyword: kept for readers, ignored by validators
        out["description"] = f"单位：{col.unit}" + ("；空单元格表示未反馈" if col.nullable else "")
    return out


def _facts_resource() -> dict[str, object]:
    return {
        "name": "facts", "path": schema.FACTS_FILE, "title": "公报公布的合计与累计数",
        "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "schema": {
            "fields": [
                {"name": "key", "type": "string", "constraints": {"required": True, "enum": list(schema.FACTS)}},
                {"name": "value", "type": "number", "constraints": {"required": True, "minimum": 0}},
                {"name": "unit", "type": "string"},
                {"name": "label", "type": "string", "constraints": {"required": True}},
            ],
            "primaryKey": ["key"],
            "missingValues": [""],
        },
    }


def descriptor(d: MonthData, tables: list[str], with_facts: bool) -> dict[str, object]:
    """The ``datapackage.json`` of the month for the tables written."""
    year, mon = w.month_parts(d.month)
    resources: list[dict[str, object]] = []
    for name in tables:
        decl = schema.TABLES[name]
        resources.append({
            "name": name, "path": decl.file, "title": dated(d.month, decl.title), "description": decl.source,
            "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": {"fields": [field(c) for c in decl.columns], "primaryKey": list(decl.key),
                       "missingValues": [""]},
        })
    if with_facts:
        resources.append(_facts_resource())
    out: dict[str, object] = {
        "profile": "tabular-data-package",
        "name": f"nanjing-health-bulletin-{d.month}",
        "title": f"南京卫生信息统计简报统计数据（{year}年{mon}月）",
        "description": "公报统计数据部分各表，一表一个CSV文件；按公报印出的数字录入，合计行与累计数见 facts.csv。"
                       + (" 本月未公布：" + "、".join(d.not_published) if d.not_published else ""),
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                      "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": resources,
    }
    if d.revisions:
        out["version"] = f"1.{d.revisions[-1].number}.0"
        out["description"] = f"{out['description']} {revisions.notice(d.month, d.revisions)}"
        out["revisions"] = [
            {"revision": r.number, "when": r.when, "reason": r.reason,
             "changes": [{**c.to_dict(), "text": c.text()} for c in r.changes]}
            for r in d.revisions
        ]
    return out


def write(d: MonthData, folder: Path) -> Path:
    """Write the CSV files and ``datapackage.json`` into ``folder`` (created) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, decl in schema.TABLES.items():
        frame = d.table(name)
        if frame is None:
            continue
        (folder / decl.file).write_text(table_csv(frame, decl), encoding="utf-8", newline="")
        written.append(name)
    facts = {k: v for k in schema.FACTS if (v := d.fact(k)) is not None}
    if facts:
        (folder / schema.FACTS_FILE).write_text(facts_csv(facts), encoding="utf-8", newline="")
    text = json.dumps(descriptor(d, written, bool(facts)), ensure_ascii=False, indent=2) + "\n"
    (folder / "datapackage.json").write_text(text, encoding="utf-8")
    return folder
