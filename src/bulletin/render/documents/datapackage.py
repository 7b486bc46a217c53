"""``data-YYYY-MM/``: the month's tidy CSV files and a Frictionless Data Package descriptor.

The descriptor (``datapackage.json``) is generated from :mod:`bulletin.core.schema`, never written by
hand: one resource per table, one for ``facts.csv`` (the totals and cumulative figures the
bulletin prints) and one for ``headlines.csv`` (every section's headline figures, the pages' own:
:func:`.content.headline_rows`); each field with its type, Chinese title, unit and constraints
(counts are non-negative integers, money a number with two decimals, a text column with choices
an enum), the table's primary key, and the empty cell as the one missing value (未反馈). A text
cell from the data that a spreadsheet would evaluate (one starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return, OWASP's list) is written with a leading apostrophe, as the trends
download writes it (:func:`bulletin.data.store.spreadsheet_text`), and the descriptions say how to undo it.

Every description is generated from the schema and from what was written, and says only what
holds of the files (the tests check each statement): that a table has no totals row, which facts
hold its printed totals, which column is the sum of which, where 未反馈 is possible, the unit of
each telemedicine measure; a column says 未反馈 only if it can hold it
(:attr:`bulletin.core.schema.Column.not_reported`). No ``licenses``: the bulletin grants none, and the
description says so. The package names its ``sources`` (the bulletin), its
``contributors`` (the centre that publishes it; the data names no contact), ``created`` (when it
was written: the data holds no publication date, :func:`bulletin.core.provenance.generated_date`) and ``version``
(``1.0.0``, ``1.N.0`` after N revisions); a revised month's descriptor lists its ``revisions``
(each one's number, time, reason and edits, under the key ``changes`` as ``bulletin revisions MONTH N --json``
gives them).

``frictionless validate data-YYYY-MM/datapackage.json`` checks every file against it; the tests
run it, and run it on a copy with one broken cell to see it fail. The ``frictionless`` library is
not imported here: writing the descriptor is plain JSON.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin.core import schema
from bulletin.core.missing import signs
from bulletin.data import demo, revisions
from bulletin.data.store import FORMULA_GUARD, facts_csv, spreadsheet_text, table_csv
from bulletin.render.documents import content, model
from bulletin.render.documents import wording as w
from bulletin.render.documents.content import dated
from bulletin.style.fmt import is_missing, printed

if TYPE_CHECKING:
    import pandas as pd

    from bulletin.data.loaded_month import Month

_TYPES = {"text": "string", "count": "integer", "money": "number"}
HEADLINES_FILE = "headlines.csv"
#: the missing-value note of a field that can hold 未反馈 (:attr:`bulletin.core.schema.Column.not_reported`)
NOT_REPORTED_TEXT = "空单元格表示未反馈（该单位当月未报送，不是 0）"
#: how a text cell that a spreadsheet would take for a formula is written
#: (:func:`bulletin.data.store.spreadsheet_text`), and how a reader undoes it: said in the package's
#: description and in each free-text field's
FORMULA_TEXT = (f"以 =、+、-、@、制表符、回车或 {FORMULA_GUARD} 开头的文本前加了一个 {FORMULA_GUARD}"
                f"（以免电子表格把它当作公式执行），去掉开头的这一个 {FORMULA_GUARD} 即得原文；数值不受影响")
#: the missing-value note of a nullable text field (telemedicine's note): nothing printed, not 未反馈
NOT_PRINTED_TEXT = "空单元格表示公报在该项旁没有印注明"
#: the package's licence: the bulletin grants none, so the descriptor claims none and says so
NO_LICENCE_TEXT = "公报未载明数据的使用许可，本数据包因此不附许可（licenses）。"
#: the note of a field holding a sign the bulletin printed for no figure (—, …)
NO_FIGURE_TEXT = "单元格中的“{signs}”照公报原样印出，表示无数字（不同于未反馈），按缺失处理，不是 0"


def _measure_units() -> str:
    """The unit of each telemedicine measure, from :data:`bulletin.core.schema.TELEMEDICINE_MEASURES`."""
    parts = [f"{code}：{unit}" for code, (_, unit) in schema.TELEMEDICINE_MEASURES.items() if unit]
    return "单位随指标（measure）而定：" + "，".join(parts) + "；paused 为 1 表示该平台本月暂停数据采集及服务（无单位）"


def field(col: schema.Column, table: str | None = None, no_figure: Sequence[str] = ()) -> dict[str, object]:
    """The Table Schema field of a declared column (of ``table``, for its own wording).

    ``no_figure``: the signs for no figure (—, …) this month's file holds in the column, as printed
    (the resource lists them as missing values): such a column is not ``required``.
    """
    out: dict[str, object] = {"name": col.name, "title": col.label, "type": _TYPES[col.kind]}
    if col.kind == "money":
        out["decimalChar"] = "."
        out["bareNumber"] = True
    constraints = _constraints(col, no_figure)
    if constraints:
        out["constraints"] = constraints
    if col.unit:
        out["unit"] = col.unit  # not a Table Schema keyword: kept for readers, ignored by validators
    said = _described(col, table, no_figure)
    if said:
        out["description"] = "；".join(said)
    return out


def _constraints(col: schema.Column, no_figure: Sequence[str]) -> dict[str, object]:
    """The Table Schema constraints of a declared column: required, minimum, enum."""
    constraints: dict[str, object] = {}
    if not col.nullable and not no_figure:
        constraints["required"] = True
    if col.kind in ("count", "money"):
        constraints["minimum"] = 0
    if col.choices is not None:
        constraints["enum"] = list(col.choices)
    return constraints


def _described(col: schema.Column, table: str | None, no_figure: Sequence[str]) -> list[str]:
    """The parts of a field's description, in order: unit, values, what an empty cell means, the
    formula guard of a text column, the signs for no figure."""
    said = []
    if col.unit:
        said.append(f"单位：{col.unit}" + ("，保留到分" if col.kind == "money" else ""))
    elif table == "telemedicine" and col.name == "value":
        said.append(_measure_units())
    if col.choices is not None:
        names = schema.KIOSK_GROUP_LABELS if col.name == "group" else {
            k: label for k, (label, _) in schema.TELEMEDICINE_MEASURES.items()}
        said.append("取值：" + "，".join(f"{c}（{names.get(c, c)}）" for c in col.choices))
    if col.not_reported:
        said.append(NOT_REPORTED_TEXT)
    elif col.nullable:
        said.append(NOT_PRINTED_TEXT)
    if col.kind == "text" and col.choices is None:
        said.append(FORMULA_TEXT)
    if no_figure:
        said.append(NO_FIGURE_TEXT.format(signs="”“".join(no_figure)))
    return said


def table_description(decl: schema.Table, facts: Mapping[str, object], frame: pd.DataFrame) -> str:
    """What a table's CSV holds, from its declaration and the rows written: one row per key, no
    totals row, which facts hold the printed totals (``facts``: those written this month) and
    whether the rows add up to each (a month whose 合计 does not tie out says so, as ``bulletin
    check`` does), which column is the sum of which and whether every row obeys it."""
    from bulletin.sections import model

    keys = "、".join(decl.column(k).label for k in decl.key)
    scope = model.qualifier(decl.name)  # the scope note the bulletin prints with the table, in its words
    text = (f"公报注明{scope}。" if scope else "") + f"每行一个{keys}（{'、'.join(decl.key)} 唯一），不含合计行。"
    said = []
    for total in decl.totals:
        stated = schema.stated_total(decl.name, total.column, facts)
        if stated is None:
            continue
        rows = schema.column_sum(frame[total.column], decl.column(total.column).kind) or 0
        if total.rule == "exact":
            tie = "等于各行之和" if rows == stated else f"各行之和为 {rows}，与之不符"
        else:
            tie = "各行为其中所列的分项，各行之和" + ("不超过总数" if rows <= stated else f"为 {rows}，超过总数")
        said.append(f"{decl.column(total.column).label} 为 {total.fact}（{tie}）")
    if said:
        text += "公报印出的合计见 facts.csv：" + "，".join(said) + "。"
    for whole, parts in decl.row_sums.items():
        rule = f"{decl.column(whole).label}（{whole}）= " + " + ".join(
            f"{decl.column(p).label}（{p}）" for p in parts)
        stated_rows = frame[[whole, *parts]].dropna()
        wrong = sum(1 for r in stated_rows.itertuples(index=False) if int(r[0]) != sum(int(v) for v in r[1:]))
        text += f"每行的{rule}。" if not wrong else f"{rule}，有 {wrong} 行不符。"
    return text


def _facts_resource() -> dict[str, object]:
    return {
        "name": "facts", "path": schema.FACTS_FILE, "title": "公报公布的合计与累计数",
        "description": "公报印出的各表合计行、合计数与截止月底的累计数，每行一项：key 为项目代码，"
                       "value 为数值（单位见 unit 列，金额保留到分），label 为中文名称。",
        "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "schema": {
            "fields": [
                {"name": "key", "title": "项目代码", "type": "string",
                 "constraints": {"required": True, "enum": list(schema.FACTS)}},
                {"name": "value", "title": "数值", "type": "number", "description": "单位见 unit 列",
                 "constraints": {"required": True, "minimum": 0}},
                {"name": "unit", "title": "单位", "type": "string"},
                {"name": "label", "title": "项目", "type": "string", "constraints": {"required": True}},
            ],
            "primaryKey": ["key"],
            "missingValues": [""],
        },
    }


def _compared_fields(against: list[content.Compared]) -> list[dict[str, object]]:
    """Three fields per declared comparison whose base month is in the data (``yoy_base``,
    ``yoy_change``, ``yoy_change_pct``): none when neither the month before nor the same month a year
    earlier is there."""
    from bulletin.core.month_strings import month_label

    fields: list[dict[str, object]] = []
    for c in against:
        b = c.basis
        fields += [
            {"name": f"{b.key}_base", "title": f"{b.label}（{month_label(c.base)}）", "type": "number",
             "description": f"{b.label}（{month_label(c.base)}）的同一指标；占比不作比较，为空；本月新增的指标为空"},
            {"name": f"{b.key}_change", "title": b.delta_label, "type": "number",
             "description": f"{b.name}增减：本月减{b.label}，单位同 unit 列"},
            {"name": f"{b.key}_change_pct", "title": b.ratio_label, "type": "number",
             "description": f"{b.name}增幅：增减占{b.label}的比例的小数（0.19 即 19%）；{b.label}为 0 时为空"},
        ]
    return fields


def _headlines_resource(m: Month, against: list[content.Compared] | None = None) -> dict[str, object]:
    return {
        "name": "headlines", "path": HEADLINES_FILE, "title": dated(m.month, content.HEADLINES_TITLE),
        "description": "各板块的主要指标，与网页“本月概览”和 PDF、Word 文件“本月要点”中的数字相同；"
                       "每行一个指标：section 为板块，key 为指标的标识，label 为指标，value 为数值，unit 为单位"
                       "（unit 为 % 的行，value 为百分数，43.5 即 43.5%；金额保留到分），printed 为公报的写法，"
                       "note 为说明（公报随该数印出的限定语；以亿印出的数，value 为其展开；计算所得的数，其算法）。",
        "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "schema": {
            "fields": [
                {"name": "section", "title": "板块", "type": "string", "constraints": {"required": True}},
                {"name": "key", "title": "标识", "type": "string", "constraints": {"required": True}},
                {"name": "label", "title": "指标", "type": "string", "constraints": {"required": True}},
                {"name": "value", "title": "数值", "type": "number", "description": "单位见 unit 列"},
                {"name": "unit", "title": "单位", "type": "string"},
                {"name": "printed", "title": "公报写法", "type": "string"},
                {"name": "note", "title": "说明", "type": "string"},
                *_compared_fields(against or []),
            ],
            "primaryKey": ["section", "label"],
            "missingValues": [""],
        },
    }


def _plain(value: object, unit: str) -> str:
    """A headline's value in the CSV: money to the fen, counts whole, shares in full."""
    if is_missing(value):
        return ""
    if unit == "元":
        return str(printed.money(value))
    if isinstance(value, int | Decimal) or (unit != "%" and float(value).is_integer()):  # type: ignore[arg-type]
        return str(int(value))  # type: ignore[call-overload]
    return repr(float(value))  # type: ignore[arg-type]


def headlines_csv(rows: list[tuple[str, str, object, str]], keys: list[str],
                  against: list[content.Compared] | None = None) -> str:
    """headlines.csv: each headline with its key, value, unit, printed form and note (the model's),
    then three columns per comparison in ``against`` (环比, 同比: base figure, change, change as a fraction)."""
    from bulletin.sections import model

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    against = against or []
    writer.writerow(["section", "key", "label", "value", "unit", "printed", "note",
                     *(f["name"] for f in _compared_fields(against))])
    for (s, label, v, u), k in zip(rows, keys, strict=True):
        extra: list[str] = []
        for c in against:
            base, change, ratio, presence = c.rows.get(k, (None, None, None, "new"))
            if presence == "new":
                extra += ["", "", ""]
                continue
            pct = "" if is_missing(ratio) or math.isinf(float(ratio)) else repr(float(ratio))
            extra += [_plain(base, u), _plain(change, u), pct]
        writer.writerow([spreadsheet_text(s), k, spreadsheet_text(label), _plain(v, u), spreadsheet_text(u),
                         content.printed_figure(v, u, k), spreadsheet_text(model.explain(k, v, u)), *extra])
    return buf.getvalue()


def created() -> str:
    """When the package is written, ISO 8601 in UTC (the data holds no publication date); its day
    is :func:`bulletin.core.provenance.generated_date`'s unless the writing straddles midnight."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def descriptor(m: Month, frames: Mapping[str, pd.DataFrame], facts: Mapping[str, object],
               with_headlines: bool = False, against: list[content.Compared] | None = None) -> dict[str, object]:
    """The ``datapackage.json`` of the month for the tables (``frames``), facts and headlines written
    (with the columns of each comparison in ``against``, :func:`.content.compared`)."""
    year, mon = w.month_parts(m.month)
    resources: list[dict[str, object]] = []
    for name in frames:
        decl = schema.TABLES[name]
        printed_signs = signs(frames[name])

        def used(column: str) -> list[str]:
            return sorted({s for (_, c), s in printed_signs.items() if c == column})  # noqa: B023

        resources.append({
            "name": name, "path": decl.file, "title": dated(m.month, decl.title),
            "description": table_description(decl, facts, frames[name]),
            "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": {"fields": [field(c, name, used(c.name)) for c in decl.columns], "primaryKey": list(decl.key),
                       "missingValues": ["", *sorted(set(printed_signs.values()))]},
        })
    if facts:
        resources.append(_facts_resource())
    if with_headlines:
        resources.append(_headlines_resource(m, against))
    description = (demo.NOTICE if m.synthetic else "") + "公报统计数据部分各表，一表一个CSV文件，各表只含单位行"
    if facts:
        description += "；公报印出的合计与累计数见 facts.csv"
    if with_headlines:
        description += "；各板块的主要指标见 headlines.csv"
    description += f"。{FORMULA_TEXT}。"
    if m.not_published:
        description += "本月未公布：" + "、".join(m.not_published) + "。"
    description += NO_LICENCE_TEXT
    out: dict[str, object] = {
        "profile": "tabular-data-package",
        "name": f"nanjing-health-bulletin-{m.month}",
        "title": f"{model.BULLETIN}统计数据（{year}年{mon}月）{demo.suffix(m.synthetic)}",
        "description": description,
        "version": f"1.{m.revisions[-1].number if m.revisions else 0}.0",
        "created": created(),
        "sources": [{"title": f"{model.PUBLISHER}《{model.BULLETIN}》{year}年{mon}月，统计数据部分"}],
        "contributors": [{"title": model.PUBLISHER, "role": "publisher"}],
        "resources": resources,
    }
    if m.revisions:
        out["description"] = f"{out['description']} {revisions.notice(m.month, m.revisions)}"
        out["revisions"] = [
            {"revision": r.number, "when": r.when, "reason": r.reason,
             "changes": [{**c.to_dict(), "text": c.text()} for c in r.edits]}
            for r in m.revisions
        ]
    return out


def write(m: Month, folder: Path) -> Path:
    """Write the CSV files and ``datapackage.json`` into ``folder`` (created) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, decl in schema.TABLES.items():
        frame = content.table(m, name, exact=True)
        if frame is None:
            continue
        (folder / decl.file).write_text(table_csv(frame, decl, for_readers=True), encoding="utf-8", newline="")
        written[name] = frame
    facts = {k: v for k in schema.FACTS if (v := content.fact(m, k)) is not None}
    if facts:
        (folder / schema.FACTS_FILE).write_text(facts_csv(facts), encoding="utf-8", newline="")
    rows = content.headline_rows(m)
    against = content.compared(m) if rows else []
    if rows:
        (folder / HEADLINES_FILE).write_text(headlines_csv(rows, content.headline_keys(m), against),
                                             encoding="utf-8", newline="")
    text = json.dumps(descriptor(m, written, facts, bool(rows), against), ensure_ascii=False, indent=2) + "\n"
    (folder / "datapackage.json").write_text(text, encoding="utf-8")
    return folder
