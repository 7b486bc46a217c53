"""``bulletin template MONTH``: the fill-in workbook for a month, laid out by :mod:`bulletin.core.sheet_layout`.

The sheets: 填写说明 (the month, and how to fill in, in Chinese); one sheet per table, titled and
headed as the bulletin prints it, the units of the latest earlier month in the data already in
their order (rows may be added or deleted) and a 合计 row for each stated total; 段落数字, the
figures the bulletin prints in its paragraphs. Every figure cell carries a data validation that
Excel and LibreOffice both honour (a custom formula): counts whole and ≥ 0, money at most two
decimals, 未反馈 only in a column the schema lets go unreported. ``bulletin ingest`` reads it back
(:mod:`bulletin.data.ingest.workbook`).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from bulletin.core import paths
from bulletin.core.errors import BulletinDataError
from bulletin.core.missing import NOT_REPORTED
from bulletin.core.month_strings import is_month, month_label, parse_month
from bulletin.core.schema import TABLES
from bulletin.core.sheet_layout import (
    FACTS_HEADERS,
    FACTS_SHEET,
    FIRST_ROW,
    GUIDE_SHEET,
    HEADER_ROW,
    MONTH_CELL,
    MONTH_LABEL_CELL,
    PARAGRAPH_FACTS,
    TABLE_SHEETS,
    TITLE_ROW,
    TOTAL_LABEL,
    SheetColumn,
    TableSheet,
    column_letter,
)
from bulletin.data import store

#: rows below the header that carry the validations (rows can be added up to here)
VALIDATED_ROWS = 1000

GUIDE = (
    "本工作簿是 {label}统计简报的数据填报模板，由 bulletin template 生成；填好后用 bulletin ingest 文件名.xlsx 导入。",
    "每张表一个工作表，表名和列名与简报所印相同，请不要改动工作表名称、第 1 行标题和第 2 行列名。",
    "单位已按数据中最近的月份（{earlier}）的顺序预先填好：可增加行、删除行、调整顺序；整行留空的行不读入。",
    "“合计”行填写简报所印的合计数；未印合计的，合计行的数字留空。",
    "次数、人次、台数等为不小于 0 的整数；金额以元为单位，最多两位小数（到分）。",
    "单位未报送的数字填“未反馈”，仅限允许未反馈的表：{nullable}；其他表的数字不得留空。",
    "某张表本月简报未刊登：删除该表的全部数据行（包括合计行），保留标题和列名。",
    "“{facts}”表填写简报正文段落中的数字（代码列不要改动）；简报未印的数字留空。",
    "不要使用公式、不要把数字设为日期格式、不要加密或另存为启用宏的工作簿（.xlsm）：这些都会被拒收。",
    "“远程医疗”表的“公报注明”列照录简报在数字旁所印的说明（括注、城市名单等），没有就留空。",
)


def _months(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if is_month(p.name) and p.is_dir()) if root.is_dir() else []


def _latest_earlier(month: str, root: Path, name: str) -> tuple[str | None, list[tuple[object, ...]]]:
    """The key cells of ``name`` in the latest earlier month that printed it: (month, rows)."""
    decl = TABLES[name]
    for m in reversed([m for m in _months(root) if m < month]):
        path = root / m / decl.file
        if not path.is_file():
            continue
        frame = store.read_table(path, decl, exact=True)
        return m, [tuple(rec) for rec in frame[list(decl.key)].itertuples(index=False)]
    return None, []


def _validation(sheet, col: int, sc: SheetColumn) -> None:
    """The cell rule for one column's rows (a custom formula: Excel and LibreOffice both honour it)."""
    first, last = FIRST_ROW, FIRST_ROW + VALIDATED_ROWS
    cell = f"{column_letter(col)}{first + 1}"
    kind = sc.column.kind
    if kind == "text":
        if sc.choices is None:
            return
        options = {"validate": "list", "source": list(sc.choices),
                   "error_message": "请从列表中选择：" + "、".join(sc.choices)}
    elif kind == "count":
        rule = f"AND(ISNUMBER({cell}),{cell}>=0,{cell}=INT({cell}))"
        message = "请填不小于 0 的整数"
        if sc.column.nullable:
            rule = f'OR({rule},{cell}="{NOT_REPORTED}")'
            message += f"，或“{NOT_REPORTED}”"
        options = {"validate": "custom", "value": f"={rule}", "error_message": message}
    else:
        rule = f"AND(ISNUMBER({cell}),{cell}>=0,ROUND({cell},2)={cell})"
        options = {"validate": "custom", "value": f"={rule}", "error_message": "请填金额（元），最多两位小数"}
    options.update(error_title=sc.header, ignore_blank=True)
    sheet.data_validation(first, col, last, col, options)


def _table_sheet(book, layout: TableSheet, month: str, root: Path, formats: dict) -> None:
    sheet = book.add_worksheet(layout.name)
    sheet.write_string(TITLE_ROW, 0, layout.title(month), formats["title"])
    for c, sc in enumerate(layout.columns):
        sheet.write_string(HEADER_ROW, c, sc.header, formats["header"])
        sheet.set_column(c, c, 28 if sc.column.kind == "text" else 14,
                         formats["text"] if sc.column.kind == "text" and sc.choices is None else
                         formats["money"] if sc.column.kind == "money" else None)
        _validation(sheet, c, sc)
    _, keys = _latest_earlier(month, root, layout.table.name)
    key_pos = [next(i for i, sc in enumerate(layout.columns) if sc.column.name == k) for k in layout.table.key]
    r = FIRST_ROW
    for rec in keys:
        for pos, value in zip(key_pos, rec, strict=True):
            sc = layout.columns[pos]
            if sc.column.kind == "text":
                sheet.write_string(r, pos, sc.shown(value))
            else:
                sheet.write_number(r, pos, int(value))  # a rank
        r += 1
    if layout.totals:
        sheet.write_string(r, layout.total_column, TOTAL_LABEL, formats["bold"])
    sheet.freeze_panes(FIRST_ROW, 0)


def _facts_sheet(book, formats: dict) -> None:
    sheet = book.add_worksheet(FACTS_SHEET)
    for c, text in enumerate(FACTS_HEADERS):
        sheet.write_string(HEADER_ROW, c, text, formats["header"])
    sheet.write_string(TITLE_ROW, 0, "简报正文段落中的数字（及非表内合计的总数）", formats["title"])
    for r, (key, fact) in enumerate(PARAGRAPH_FACTS.items(), start=FIRST_ROW):
        sheet.write_string(r, 0, key, formats["code"])
        sheet.write_string(r, 1, fact.label)
        sheet.write_string(r, 3, fact.unit)
        cell = f"C{r + 1}"
        rule = (f"AND(ISNUMBER({cell}),{cell}>=0,{cell}=INT({cell}))" if fact.kind == "count"
                else f"AND(ISNUMBER({cell}),{cell}>=0,ROUND({cell},2)={cell})")
        sheet.data_validation(r, 2, r, 2, {"validate": "custom", "value": f"={rule}", "ignore_blank": True,
                                           "error_title": fact.label,
                                           "error_message": "请填不小于 0 的整数" if fact.kind == "count"
                                           else "请填金额（元），最多两位小数"})
    sheet.set_column(0, 0, 34, formats["code"])
    sheet.set_column(1, 1, 40)
    sheet.set_column(2, 2, 16)
    sheet.set_column(3, 3, 8)


def _guide_sheet(book, month: str, earlier: str | None, formats: dict) -> None:
    sheet = book.add_worksheet(GUIDE_SHEET)
    sheet.write_string(TITLE_ROW, 0, f"{month_label(month)}统计简报 数据填报模板", formats["title"])
    sheet.write_string(*MONTH_LABEL_CELL, "月份")
    sheet.write_string(*MONTH_CELL, month, formats["bold"])
    label = month_label(month)
    shown = month_label(earlier) if earlier else "数据中没有更早的月份，单位未预填"
    nullable = "、".join(f"“{s.name}”" for s in TABLE_SHEETS.values()
                        if any(c.column.nullable and c.column.kind != "text" for c in s.columns))
    for n, line in enumerate(GUIDE, start=1):
        sheet.write_string(MONTH_CELL[0] + 1 + n, 0, f"{n}. " + line.format(label=label, earlier=shown,
                                                                           facts=FACTS_SHEET, nullable=nullable))
    sheet.set_column(0, 0, 120)
    sheet.set_column(1, 1, 12)


def write_template(month: str, out: str | os.PathLike[str] | None = None, data_dir: str | os.PathLike | None = None
                   ) -> Path:
    """Write the fill-in workbook of ``month`` to ``out`` (default ``reports/template-YYYY-MM.xlsx``);
    the file appears whole or not at all."""
    import xlsxwriter

    month = parse_month(month)
    root = paths.data_dir(data_dir)
    target = Path(out) if out is not None else paths.DEFAULT_REPORTS_DIR / f"template-{month}.xlsx"
    if target.suffix.lower() != ".xlsx":
        raise BulletinDataError("not an .xlsx file name", file=target, expected="a file name ending in .xlsx")
    if target.is_dir():
        raise BulletinDataError("a folder, not a file", file=target, expected="a file name ending in .xlsx")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BulletinDataError(f"cannot make the folder ({exc.strerror or exc})", file=target.parent) from None
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_numbers": False,
                                          "strings_to_urls": False})
    formats = {
        "title": book.add_format({"bold": True, "font_size": 13}),
        "header": book.add_format({"bold": True, "text_wrap": True, "bg_color": "#DDEBF7", "border": 1}),
        "bold": book.add_format({"bold": True}),
        "text": book.add_format({"num_format": "@"}),
        "code": book.add_format({"num_format": "@", "font_color": "#595959"}),
        "money": book.add_format({"num_format": "0.00"}),
    }
    try:
        earlier = max((m for m in _months(root) if m < month), default=None)
        _guide_sheet(book, month, earlier, formats)
        for layout in TABLE_SHEETS.values():
            _table_sheet(book, layout, month, root, formats)
        _facts_sheet(book, formats)
        book.close()
        os.replace(tmp, target)
    except OSError as exc:
        raise BulletinDataError(f"cannot write the template ({exc.strerror or exc})", file=target) from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return target
