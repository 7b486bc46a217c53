"""``tables-YYYY-MM.xlsx``: the month's tables as an accessible workbook, with xlsxwriter.

Written along the UK Analysis Function's checklist for releasing statistics in spreadsheets:
a cover sheet (title, month, source, what 未反馈 means), a contents sheet and a notes sheet; one
table per sheet with its title in A1 and nothing but column A above the table; no merged cells,
no blank rows or columns inside a table; each table an Excel table (a named ListObject with a
header row); numbers stored as numbers, money shown to the fen; a missing value written as
``[x]`` with a note. In a revised month a figure a revision changed keeps its cell a number: the
shorthand ``[r]`` goes into a column of its own at the end of the table (修订标记, naming the
revised columns of the row), as the guidance asks of shorthand beside numbers, explained on the
notes sheet and on the cover.

Why xlsxwriter and not gptables: gptables refuses a cell with no ASCII letter or digit, so a
pure-Chinese name fails; xlsxwriter writes the same structure, fast, and lets every name be
written with ``write_string`` (with ``strings_to_formulas`` off as well), so a name beginning with
``=``, ``+``, ``-`` or ``@`` is stored as text, never as a formula. openpyxl reads it back in
the tests.
"""

from __future__ import annotations

from pathlib import Path

from .. import revisions, schema
from . import wording as w
from .content import MonthData, dated

#: how a missing value is shown, with its note (the Analysis Function's shorthand)
MISSING = "[x]"
MISSING_NOTE = "[x] 表示未反馈：该单位当月未报送此项数据（公报印作“未反馈”），不是 0。"

#: sheet names: short, without spaces (screen readers announce them)
SHEETS = {
    "hotline_categories": "热线类别",
    "province_calls": "全省热线",
    "appointments": "预约挂号",
    "booking_channels": "分途径预约",
    "telemedicine": "远程医疗",
    "telemedicine_top_uploaders": "远程医疗前三名",
    "platform_districts": "平台采集_区",
    "platform_hospitals": "平台采集_医院",
    "kiosks": "自助终端",
}
NOTES = (
    ("[注1]", MISSING_NOTE),
    ("[注2]", "金额单位为元，保留到分（两位小数）。"),
    ("[注3]", "公报印出的合计与累计数见“公布的总数”表；本工作簿各表只含单位行，不含合计行。"),
    ("[注4]", "“申明上传表/规定上传表”在公报中印在一个单元格内，此处分为两列。"),
)
#: the note on the revision mark, in a revised month only
REVISED_NOTE = ("[注5]", "[r] 表示修订后的数字：本月数据发布后经过修订，“修订标记”列为 [r] 的行中，"
                         "其后列出的各列为修订过的数字（为空表示该行没有修订）；"
                         "修订前的数字保留在数据的 revisions/ 文件夹中。")
REVISED_COLUMN = "修订标记"


def _header(col: schema.Column) -> str:
    if col.unit and col.kind != "text" and f"（{col.unit}）" not in col.label:
        return f"{col.label}（{col.unit}）"
    return col.label


def _text(name: str, column: str, value: object) -> str:
    """A text cell as a reader reads it: codes (kiosk group, telemedicine measure) in Chinese."""
    if name == "kiosks" and column == "group":
        return schema.KIOSK_GROUP_LABELS.get(str(value), str(value))
    if column == "measure" and str(value) in schema.TELEMEDICINE_MEASURES:
        label, unit = schema.TELEMEDICINE_MEASURES[str(value)]
        return f"{label}（{unit}）" if unit else label
    return str(value)


def _write_marks(sheet, flagged: list[str] | None, row: int, column: int) -> None:
    """The 修订标记 column of a table (nothing when no figure of it was revised)."""
    for r, text in enumerate(flagged or [], start=row):
        sheet.write_string(r, column, text)
    if flagged:
        sheet.set_column(column, column, 30)


def _revised_rows(d: MonthData, name: str, frame) -> list[str] | None:
    """Per row of the table, its 修订标记: ``[r] 12320在线预约、小计`` (the revised columns), or ``""``;
    None when no figure of the table was revised (the table then has no such column)."""
    decl = schema.TABLES[name]
    if not d.marks:
        return None
    flags = d.marks.flags(name, frame)
    if not flags.to_numpy().any():
        return None
    out = []
    for _, row in flags.iterrows():
        hit = [decl.column(c).label for c in flags.columns if row[c]]
        out.append(f"{revisions.MARK} " + "、".join(hit) if hit else "")
    return out


def _facts_sheet(book, d: MonthData, title, count_fmt, money_fmt) -> tuple[str, str, str]:
    """The sheet of the stated totals and cumulative figures (with 修订标记 when one was revised);
    returns its line of the contents sheet."""
    totals = book.add_worksheet("公布的总数")
    totals.write_string(0, 0, dated(d.month, "公报公布的合计与累计数"), title)
    facts = [(k, d.fact(k)) for k in schema.FACTS]
    facts = [(k, v) for k, v in facts if v is not None]
    facts_revised = any(d.marks.fact(k) for k, _ in facts)
    totals.write_string(1, 0, "公报印出的合计行、合计数与截止月底的累计数，按公布原样录入；见注释表 [注3]"
                        + ("、[注5]" if facts_revised else "") + "。")
    totals.add_table(2, 0, 2 + max(len(facts), 1), 3 if facts_revised else 2, {
        "name": "table_facts", "style": "Table Style Light 9", "autofilter": False,
        "columns": [{"header": "项目"}, {"header": "数值"}, {"header": "单位"}]
        + ([{"header": REVISED_COLUMN}] if facts_revised else []),
    })
    for r, (key, value) in enumerate(facts, start=3):
        fact = schema.FACTS[key]
        totals.write_string(r, 0, fact.label)
        if fact.kind == "money":
            totals.write_number(r, 1, float(w.money(value)), money_fmt)
        else:
            totals.write_number(r, 1, int(value), count_fmt)
        totals.write_string(r, 2, fact.unit)
        if facts_revised:
            totals.write_string(r, 3, revisions.MARK if d.marks.fact(key) else "")
    totals.set_column(0, 0, 52)
    totals.set_column(1, 2, 16)
    return "公布的总数", dated(d.month, "公报公布的合计与累计数"), f"{len(facts)}项"


def write(d: MonthData, target: Path) -> Path:
    """Write the month's tables of ``d`` to ``target`` and return ``target``."""
    import xlsxwriter

    # in_memory: no temporary file per sheet (their creation and removal cost more than the writing)
    book = xlsxwriter.Workbook(str(target), {"in_memory": True, "strings_to_formulas": False,
                                             "strings_to_numbers": False, "strings_to_urls": False})
    year, mon = w.month_parts(d.month)
    book.set_properties({"title": f"南京卫生信息统计简报统计表（{year}年{mon}月）", "language": "zh-CN"})
    title = book.add_format({"bold": True, "font_size": 14})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    count_fmt = book.add_format({"num_format": "0"})
    money_fmt = book.add_format({"num_format": "0.00"})
    missing_fmt = book.add_format({"align": "right"})

    cover = book.add_worksheet("封面")
    contents = book.add_worksheet("目录")
    notes = book.add_worksheet("注释")
    cover.write_string(0, 0, f"南京卫生信息统计简报统计表：{year}年{mon}月", title)
    lines = [
        f"统计月份：{year}年{mon}月",
        "来源：南京市卫生信息中心《南京卫生信息统计简报》统计数据部分，按公报印出的数字录入。",
        "内容：12320卫生热线、预约挂号、分途径预约、远程医疗、卫生信息平台数据采集、自助智能医疗服务终端。",
        "未反馈：单位当月未报送该项数据；表中以 [x] 表示，不是 0（见注释表[注1]）。",
        "每张表单独一个工作表，表名在A1单元格；目录表列出全部表格。",
    ]
    revised = bool(d.revisions)
    if revised:
        lines.append(revisions.notice(d.month, d.revisions) + "修订过的数字在各表“修订标记”列中标出（见注释表[注5]）。")
    for i, line in enumerate(lines, start=2):
        cover.write_string(i, 0, line)
    cover.set_column(0, 0, 110)

    all_notes = (*NOTES, REVISED_NOTE) if revised else NOTES
    notes.write_string(0, 0, "注释", title)
    notes.write_string(1, 0, "各表第2行列出其适用的注释编号。")
    notes.add_table(2, 0, 2 + len(all_notes), 1, {"name": "notes", "style": "Table Style Light 1",
                                                  "columns": [{"header": "注释编号"}, {"header": "注释内容"}]})
    for i, (mark, text) in enumerate(all_notes, start=3):
        notes.write_string(i, 0, mark)
        notes.write_string(i, 1, text, wrap)
    notes.set_column(0, 0, 12)
    notes.set_column(1, 1, 100)

    listed: list[tuple[str, str, str]] = []
    for name, sheet_name in SHEETS.items():
        decl = schema.TABLES[name]
        frame = d.table(name)
        sheet = book.add_worksheet(sheet_name)
        table_title = dated(d.month, decl.title)
        sheet.write_string(0, 0, table_title, title)
        if frame is None:
            note = d.not_published.get(name, "")
            sheet.write_string(1, 0, "本月简报未公布此表" + (f"：{note}" if note else "") + "。")
            listed.append((sheet_name, table_title, "本月未公布"))
            continue
        marks = "[注1] [注2]" + (" [注4]" if "declared_tables" in decl.column_names else "")
        flagged = _revised_rows(d, name, frame)
        marks += " [注5]" if flagged else ""
        sheet.write_string(1, 0, f"本表含注释，见注释表 {marks}。")
        cols = list(decl.columns)
        first = 2  # the header row right under the notes line: no blank row above the table
        last = first + max(len(frame), 1)  # an empty table keeps one empty data row (Excel needs one)
        headers = [{"header": _header(c)} for c in cols] + ([{"header": REVISED_COLUMN}] if flagged else [])
        sheet.add_table(first, 0, last, len(headers) - 1, {
            "name": f"table_{name}", "style": "Table Style Light 9", "autofilter": False, "columns": headers,
        })
        _write_marks(sheet, flagged, first + 1, len(cols))
        for r, record in enumerate(frame[list(decl.column_names)].itertuples(index=False), start=first + 1):
            for c, (value, col) in enumerate(zip(record, cols, strict=True)):
                if w.missing(value) and col.kind == "text":
                    continue  # a note the bulletin did not print: an empty cell, not 未反馈
                if w.missing(value):
                    sheet.write_string(r, c, MISSING, missing_fmt)
                elif col.kind == "money":
                    sheet.write_number(r, c, float(w.money(value)), money_fmt)
                elif col.kind == "count":
                    sheet.write_number(r, c, int(value), count_fmt)
                else:
                    sheet.write_string(r, c, _text(name, col.name, value))
        for c, col in enumerate(cols):
            sheet.set_column(c, c, 34 if col.kind == "text" else 16)
        listed.append((sheet_name, table_title, f"{len(frame)}行"))

    listed.append(_facts_sheet(book, d, title, count_fmt, money_fmt))

    contents.write_string(0, 0, "目录", title)
    contents.write_string(1, 0, "每张表一个工作表；点击工作表名称可跳转。")
    contents.add_table(2, 0, 2 + len(listed), 2, {
        "name": "contents", "style": "Table Style Light 1", "autofilter": False,
        "columns": [{"header": "工作表"}, {"header": "表名"}, {"header": "行数"}],
    })
    for r, (sheet_name, table_title, size) in enumerate(listed, start=3):
        contents.write_url(r, 0, f"internal:'{sheet_name}'!A1", string=sheet_name)
        contents.write_string(r, 1, table_title)
        contents.write_string(r, 2, size)
    contents.set_column(0, 0, 18)
    contents.set_column(1, 1, 60)
    contents.set_column(2, 2, 10)
    book.close()
    return target
