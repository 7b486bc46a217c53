"""The month's tables laid out as workbook sheets, declared once from :mod:`bulletin.core.schema`.

One :class:`TableSheet` per table: its sheet's name, its title as the bulletin prints it, one
:class:`SheetColumn` per schema column (header = the printed label with its unit, codes shown in
Chinese) and the stated totals entered on its 合计 row. The fill-in template
(:mod:`bulletin.render.documents.template`) writes this layout and the workbook reader
(:mod:`bulletin.data.ingest.workbook`) reads it back; nothing here does I/O.

A sheet is laid out as: the title in row 1 (``2020年2月预约挂号服务统计表``), the headers in row 2,
one row per unit from row 3 in the bulletin's order, and — for a table whose totals must add up
(:attr:`bulletin.core.schema.Total.rule` ``exact``) — a row whose name cell reads 合计 with the totals
as printed. A total that is only the listed part's ceiling (其中 …, ``at_most``) is no 合计 of the
rows: it is entered with the other figures the bulletin prints in its paragraphs, on the
:data:`FACTS_SHEET`, one row per fact (code, label, value, unit).
"""

from __future__ import annotations

from dataclasses import dataclass

from bulletin.core.month_strings import month_label
from bulletin.core.schema import FACTS, KIOSK_GROUP_LABELS, TABLES, TELEMEDICINE_MEASURES, Column, Fact, Table, Total

#: sheet names: short, without spaces (the published workbook's own names)
SHEET_NAMES = {
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
#: the figures the bulletin prints in its paragraphs (and totals that are no 合计 of a table's rows)
FACTS_SHEET = "段落数字"
FACTS_HEADERS = ("代码", "项目", "数值", "单位")
#: the instructions; its cell :data:`MONTH_CELL` holds the month (YYYY-MM)
GUIDE_SHEET = "填写说明"
MONTH_LABEL_CELL = (1, 0)
MONTH_CELL = (1, 1)

TITLE_ROW = 0
HEADER_ROW = 1
FIRST_ROW = 2
#: the name of a totals row, as the bulletin prints it
TOTAL_LABEL = "合计"

#: the codes a text column holds, shown in Chinese (column name → code → label)
_SHOWN: dict[str, dict[str, str]] = {
    "group": dict(KIOSK_GROUP_LABELS),
    "measure": {code: label for code, (label, _) in TELEMEDICINE_MEASURES.items()},
}


def header(col: Column) -> str:
    """A column's header: its printed label, with its unit when the label does not already say it."""
    if col.unit and col.kind != "text" and f"（{col.unit}）" not in col.label:
        return f"{col.label}（{col.unit}）"
    return col.label


@dataclass(frozen=True)
class SheetColumn:
    column: Column
    header: str

    @property
    def choices(self) -> tuple[str, ...] | None:
        """The values a cell may hold as shown (a code's Chinese label), or None (open)."""
        if self.column.choices is None:
            return None
        shown = _SHOWN.get(self.column.name, {})
        return tuple(shown.get(c, c) for c in self.column.choices)

    def shown(self, value: object) -> str:
        """A text cell as written in the sheet: a code in Chinese."""
        return _SHOWN.get(self.column.name, {}).get(str(value), str(value))

    def code(self, text: str) -> str:
        """A text cell as stored: a Chinese label back to its code (anything else unchanged)."""
        for code, label in _SHOWN.get(self.column.name, {}).items():
            if text == label:
                return code
        return text


@dataclass(frozen=True)
class TableSheet:
    table: Table
    name: str
    columns: tuple[SheetColumn, ...]
    #: the stated totals entered on the 合计 row (the table's ``exact`` totals)
    totals: tuple[Total, ...]

    def title(self, month: str) -> str:
        return f"{month_label(month)}{self.table.title}"

    @property
    def total_column(self) -> int:
        """The column of the 合计 label: the unit's name (the key's last column; 单位, not 分组)."""
        return self.table.column_names.index(self.table.key[-1])


def _sheet(table: Table) -> TableSheet:
    return TableSheet(
        table, SHEET_NAMES[table.name], tuple(SheetColumn(c, header(c)) for c in table.columns),
        tuple(t for t in table.totals if t.rule == "exact"),
    )


#: every table's sheet, in the schema's order
TABLE_SHEETS: dict[str, TableSheet] = {name: _sheet(t) for name, t in TABLES.items()}

#: the facts on :data:`FACTS_SHEET`: every fact that is not the 合计 of a table's rows, in declared order
PARAGRAPH_FACTS: dict[str, Fact] = {
    key: fact for key, fact in FACTS.items()
    if not any(t.fact == key for s in TABLE_SHEETS.values() for t in s.totals)
}

#: every sheet a month's workbook holds, in order
SHEETS = (GUIDE_SHEET, *(s.name for s in TABLE_SHEETS.values()), FACTS_SHEET)


def column_letter(column: int) -> str:
    """``D`` for the zero-based ``column`` 3."""
    letters = ""
    n = column + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def cell_name(sheet: str, row: int, column: int) -> str:
    """``预约挂号!D14`` for the zero-based ``row`` and ``column``."""
    return f"{sheet}!{column_letter(column)}{row + 1}"


# ------------------------------------------------------------------ the published workbook, read back
# (``tables-YYYY-MM.xlsx`` of :mod:`bulletin.render.documents.workbook`: the same sheet names and headers,
# laid out for readers: a notes line under the title, the header in row 3, 未反馈 as [x], no 合计
# rows — the stated totals are on their own sheet —, a 修订标记 column in a revised month, and the
# telemedicine table with a unit and a state column)

#: sheets only the published workbook has (read past: its tables and figures are on the others)
PUBLISHED_SHEETS = ("封面", "目录", "注释", "本月要点")
PUBLISHED_FACTS_SHEET = "公布的总数"
PUBLISHED_FACTS_HEADERS = ("项目", "数值", "单位")
PUBLISHED_HEADER_ROW = 2
PUBLISHED_MISSING = "[x]"
PUBLISHED_REVISED = "修订标记"
#: the second row of a table's sheet when the bulletin did not print the table (then ``：note``)
PUBLISHED_NOT_PRINTED = "本月简报未公布此表"
PUBLISHED_TELEMEDICINE_HEADERS = ("平台", "指标", "数值", "单位", "平台状态", "公报注明")
#: the telemedicine table's row of a paused platform's reason, its state words, and the row of a
#: platform that printed no figure
PUBLISHED_PAUSE_REASON = "暂停原因"
PUBLISHED_PAUSED = "暂停"
PUBLISHED_NO_FIGURE = "（本月未公布指标）"
