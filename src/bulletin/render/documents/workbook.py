"""``tables-YYYY-MM.xlsx``: the month's tables as an accessible workbook, with xlsxwriter.

Written along the UK Analysis Function's checklist for releasing statistics in spreadsheets:
a cover sheet (title, month, publisher, source, date, contact, what 未反馈 means), a contents
sheet (each sheet's row count as a number) and a notes sheet; one table per sheet with its title in
A1 and nothing but column A above the table (the notes that concern that table, or 本表没有注释);
no merged cells, no blank rows or columns inside a table; each table an Excel table (a named
ListObject with a header row); numbers stored as numbers and shown with thousands separators,
money to the fen, shares as percentages; a missing value written as ``[x]`` with a note. The
telemedicine table gives each measure its unit in a column of its own and the pause as the
platform's state, not as a figure 1. A first sheet, 本月要点, holds every section's headline
figures (:func:`.content.headline_rows`, the pages' own). Every sheet prints on A4, the table's
width on one page, its header row repeated, the sheet's name and page n of N in the footer; the
cover, contents and notes each fit one page. Each column is as wide as what it shows (a CJK
character counts two widths); a long header or note wraps in its cell and its row is given the
height of its lines (LibreOffice does not grow a row of a file it opens); a sheet too wide to print
upright prints landscape.

In a revised month a figure a revision edited keeps its cell a number: the shorthand ``[r]`` goes
into a column of its own at the end of the table (修订标记, naming the revised columns of the row),
as the guidance asks of shorthand beside numbers, explained on the notes sheet and on the cover.

Why xlsxwriter and not gptables: gptables refuses a cell with no ASCII letter or digit, so a
pure-Chinese name fails; xlsxwriter writes the same structure, fast, and lets every name be
written with ``write_string`` (with ``strings_to_formulas`` off as well), so a name beginning with
``=``, ``+``, ``-`` or ``@`` is stored as text, never as a formula. openpyxl reads it back in
the tests.
"""

from __future__ import annotations

import math
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin.core import schema, sheet_layout
from bulletin.core.missing import key_text
from bulletin.core.month_strings import month_label
from bulletin.core.provenance import generated_date
from bulletin.data import demo, revisions
from bulletin.render.documents import content, model
from bulletin.render.documents import wording as w
from bulletin.render.documents.content import dated
from bulletin.style.fmt import UNDEFINED, is_missing, printed

if TYPE_CHECKING:
    from bulletin.data.loaded_month import Month

#: how a missing value is shown, with its note (the Analysis Function's shorthand)
MISSING = "[x]"
MISSING_NOTE = "[x] 表示未反馈：该单位当月未报送此项数据（公报印作“未反馈”），不是 0。"
#: the note of a figure the bulletin printed as a sign for no figure (—, …): shown as that sign
NO_FIGURE_NOTE = "“—”“…”等符号照公报原样印出，表示无数字（不同于未反馈），按缺失处理，不是 0。"

#: sheet names: short, without spaces (screen readers announce them); the layout the template shares
SHEETS = sheet_layout.SHEET_NAMES
HEADLINES_SHEET = "本月要点"
FACTS_SHEET = "公布的总数"

#: number formats: thousands separators; money to the fen; shares as percentages with one decimal
COUNT_FORMAT = "#,##0"
MONEY_FORMAT = "#,##0.00"
SHARE_FORMAT = "0.0%"
PERCENT_FORMAT = "0.0"  # a value already in percent (its unit column says %)

#: note number → text; each table lists only the notes that concern it (:func:`_notes_for`)
NOTES = {
    "[注1]": MISSING_NOTE,
    "[注2]": "金额单位为元，保留到分（两位小数）。",
    "[注3]": "公报印出的合计与累计数见“公布的总数”表；本工作簿各表只含单位行，不含合计行。",
    "[注4]": "“申明上传表/规定上传表”在公报中印在一个单元格内，此处分为两列。",
    "[注5]": "各指标单位不同，见“单位”列；“平台状态”为“暂停”的平台本月暂停数据采集及服务（公报文字所述）。",
    "[注6]": "占比的数值为百分数（43.5 即 43.5%，单位列为 %）；“公报写法”列为网页、PDF 与 Word 文件"
             "“本月要点”所印的写法，数值列为其数字（公报以亿为单位印出的，数值为其展开，见“说明”）。",
    # a revised month's note, then a note of the signs for no figure (the notes sheet lists only
    # the notes some table cites)
    "[注7]": "[r] 表示修订后的数字：本月数据发布后经过修订，“修订标记”列为 [r] 的行中，"
             "其后列出的各列为修订过的数字（为空表示该行没有修订）；修订前的数字保留在数据的 revisions/ 文件夹中。",
    "[注8]": NO_FIGURE_NOTE,
}
REVISED_COLUMN = "修订标记"
#: the telemedicine measure that is a state, not a figure: shown in 平台状态, not as a number
PAUSED = "paused"


#: column widths are in characters of the default font (Excel's unit): a CJK character is two
MIN_WIDTH = 6
#: a header wider than this wraps onto lines of even length (its row grows) instead of widening its column
HEADER_WIDTH = 22
#: a wrapped cell (a note, a qualifier) wraps at this width unless its sheet says otherwise
WRAP_WIDTH = 40
#: the height of one line of 11 pt text in points (the CJK font's line is taller than Calibri's)
LINE_HEIGHT = 16
#: the widest sheet (in character widths) printed upright on A4; a wider one prints landscape. A4
#: less its margins is 523 pt: 87 widths of a digit in an 11 pt CJK font, a few to spare
PORTRAIT_WIDTH = 84


def shown_width(text: str) -> int:
    """The width of ``text`` in Excel's character widths: a wide (CJK, fullwidth) character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class _Sized:
    """A worksheet that remembers what each cell shows, so that :meth:`fit` gives every column a
    width from its content and every wrapped row a height (xlsxwriter measures nothing, and
    LibreOffice keeps a row one line high unless told). Everything else goes to the worksheet."""

    def __init__(self, sheet, formats: dict) -> None:
        self.sheet = sheet
        self.formats = formats
        self.cells: dict[tuple[int, int], tuple[str, bool]] = {}  # (row, column) → (text shown, wrapped)
        self.header_row = -1

    def __getattr__(self, name: str):
        return getattr(self.sheet, name)

    def write_string(self, row: int, col: int, string: str, cell_format=None) -> int:
        self.cells[(row, col)] = (string, cell_format is self.formats["wrap"])
        # centred in its row, as a wrapped neighbour is (a row grown for a long note)
        return self.sheet.write_string(row, col, string, cell_format or self.formats["text"])

    def write_number(self, row: int, col: int, number: float, cell_format=None) -> int:
        if cell_format is self.formats["money"]:
            shown = f"{number:,.2f}"
        elif cell_format is self.formats["share"]:
            shown = f"{number:.1%}"
        else:
            shown = f"{number:,.0f}"
        self.cells[(row, col)] = (shown, False)
        return self.sheet.write_number(row, col, number, cell_format)

    def write_url(self, row: int, col: int, url: str, cell_format=None, string: str | None = None) -> int:
        self.cells[(row, col)] = (string or url, False)
        return self.sheet.write_url(row, col, url, cell_format, string)

    def add_table(self, first_row: int, first_col: int, last_row: int, last_col: int, options: dict) -> int:
        """The table, its header cells wrapped (a long header takes more lines, never a cut)."""
        self.header_row = first_row
        columns = [{**c, "header_format": self.formats["header"]} for c in options.get("columns", [])]
        for c, column in enumerate(columns, start=first_col):
            self.cells[(first_row, c)] = (column["header"], True)
        return self.sheet.add_table(first_row, first_col, last_row, last_col, {**options, "columns": columns})

    def fit(self, wrap: int = WRAP_WIDTH) -> bool:
        """Size the columns and rows from what the sheet shows; True when it is too wide to print upright.

        A column is as wide as its widest figure or name (a header up to :data:`HEADER_WIDTH`,
        a wrapped cell up to ``wrap``; beyond, they wrap onto more lines and their row grows). The
        lines above the table (title, notes line) overflow into the table's columns: the last
        column widens when they would overflow past the table (past the printed area)."""
        # the lines above the table; the title (row 0) is set in 14 pt, not 11
        above = [shown_width(text) * (1.3 if r == 0 else 1) + 2 for (r, _), (text, _) in self.cells.items()
                 if r < self.header_row]
        columns = sorted({c for (r, c) in self.cells if r >= self.header_row >= 0}) or [0]
        widths = {c: self._column_width(c, wrap) for c in columns}
        if self.header_row < 0:  # no table: the lines are the content (a wrapped one wraps at ``wrap``)
            widths[0] = math.ceil(max([MIN_WIDTH] + [min(shown_width(t) * (1.3 if r == 0 else 1) + 2,
                                                         wrap if wr else 1000)
                                                     for (r, _), (t, wr) in self.cells.items()]))
        else:
            spill = math.ceil(max(above, default=0) - sum(widths.values()))
            if spill > 0:
                widths[columns[-1]] += spill
        for c, width in widths.items():
            self.sheet.set_column(c, c, width)
        self._grow_rows(widths)
        return sum(widths.values()) > PORTRAIT_WIDTH

    def _column_width(self, c: int, wrap: int) -> float:
        """The width of table column ``c``: its widest cell (a long header on lines of even length,
        a wrapped cell up to ``wrap``), at least :data:`MIN_WIDTH`."""
        width = MIN_WIDTH
        for (r, cc), (text, wrapped) in self.cells.items():
            if cc != c or r < self.header_row or self.header_row < 0:
                continue
            w = shown_width(text) + 2
            if r == self.header_row and w > HEADER_WIDTH:  # its lines of even length, with room to spare
                w = math.ceil(shown_width(text) / math.ceil(shown_width(text) / (HEADER_WIDTH - 2))) + 4
            width = max(width, min(w, wrap) if wrapped and r != self.header_row else w)
        return width

    def _grow_rows(self, widths: dict[int, float]) -> None:
        """Each row holding a wrapped cell as high as its most lines."""
        lines: dict[int, int] = {}
        for (r, c), (text, wrapped) in self.cells.items():
            if wrapped and c in widths:
                lines[r] = max(lines.get(r, 1), math.ceil(shown_width(text) / max(widths[c] - 2, 1)))
        for r, n in sorted(lines.items()):
            if n > 1:
                self.sheet.set_row(r, n * LINE_HEIGHT + 2)


_header = sheet_layout.header


def _text(name: str, column: str, value: object) -> str:
    """A text cell as a reader reads it: codes (kiosk group, telemedicine measure) in Chinese."""
    if name == "kiosks" and column == "group":
        return schema.KIOSK_GROUP_LABELS.get(str(value), str(value))
    if column == "measure" and str(value) in schema.TELEMEDICINE_MEASURES:
        return schema.TELEMEDICINE_MEASURES[str(value)][0]
    return str(value)


def _notes_for(decl: schema.Table, frame, flagged: bool, signs: dict | None = None) -> list[str]:
    """The notes that concern one table: [x] only where a figure is missing (and not printed as a
    sign), money only where there is money, the stated totals only where the bulletin states some,
    and so on."""
    figures = [c.name for c in decl.columns if c.kind != "text"]
    found = []
    signs = signs or {}
    if sum(is_missing(v) for c in figures for v in frame[c]) > len(signs):
        found.append("[注1]")
    if any(c.kind == "money" for c in decl.columns):
        found.append("[注2]")
    if decl.totals:
        found.append("[注3]")
    if "declared_tables" in decl.column_names:
        found.append("[注4]")
    if decl.name == "telemedicine":
        found.append("[注5]")
    if flagged:
        found.append("[注7]")
    if signs:
        found.append("[注8]")
    return found


def _notes_line(sheet, marks: list[str], scope: str = "") -> None:
    """The line under a table's title: the scope note the bulletin printed with it (its words), then
    which notes of the notes sheet concern it."""
    said = f"本表注释见注释表：{' '.join(marks)}。" if marks else "本表没有注释。"
    sheet.write_string(1, 0, f"公报注明{scope}。{said}" if scope else said)


def _write_marks(sheet, flagged: list[str] | None, row: int, column: int) -> None:
    """The 修订标记 column of a table (nothing when no figure of it was revised)."""
    for r, text in enumerate(flagged or [], start=row):
        sheet.write_string(r, column, text)


def _revised_rows(m: Month, name: str, frame) -> list[str] | None:
    """Per row of the table, its 修订标记: ``[r] 12320在线预约、小计`` (the revised columns), or ``""``;
    None when no figure of the table was revised (the table then has no such column)."""
    decl = schema.TABLES[name]
    if not m.revised:
        return None
    flags = m.revised.flags(name, frame)
    if not flags.to_numpy().any():
        return None
    out = []
    for _, row in flags.iterrows():
        hit = [decl.column(c).label for c in flags.columns if row[c]]
        out.append(f"{revisions.MARK} " + "、".join(hit) if hit else "")
    return out


def _print_setup(sheet, header_row: int, landscape: bool = False, one_page: bool = False) -> None:
    """A4, the table's width on one page (its length on as many as it takes), the header row
    repeated on every page, the sheet's name and page n of N in the footer."""
    sheet.set_paper(9)
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.fit_to_pages(1, 1 if one_page else 0)  # 0: as many pages long as it takes
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    if header_row >= 0:
        sheet.repeat_rows(header_row)
    sheet.set_footer("&L&A&R第 &P 页，共 &N 页")


def _write_value(sheet, r: int, c: int, value: object, kind: str, formats: dict) -> None:
    if is_missing(value):
        sheet.write_string(r, c, MISSING, formats["missing"])
    elif kind == "money":
        sheet.write_number(r, c, float(printed.money(value)), formats["money"])
    elif kind == "share":
        sheet.write_number(r, c, float(value), formats["share"])  # type: ignore[arg-type]
    elif kind == "percent":  # a headline share, in percent as its unit says
        sheet.write_number(r, c, float(value), formats["percent"])  # type: ignore[arg-type]
    else:
        sheet.write_number(r, c, int(value), formats["count"])  # type: ignore[call-overload]


def _facts_sheet(book, m: Month, formats: dict) -> tuple[str, str, object, str]:
    """The sheet of the stated totals and cumulative figures (with 修订标记 when one was revised);
    returns its line of the contents sheet."""
    totals = _Sized(book.add_worksheet(FACTS_SHEET), formats)
    table_title = dated(m.month, "公报公布的合计与累计数")
    totals.write_string(0, 0, table_title, formats["title"])
    facts = [(k, content.fact(m, k)) for k in schema.FACTS]
    facts = [(k, v) for k, v in facts if v is not None]
    facts_revised = any(m.revised.fact(k) for k, _ in facts)
    marks = ["[注2]", "[注3]"] + (["[注7]"] if facts_revised else [])
    _notes_line(totals, marks)
    totals.add_table(2, 0, 2 + max(len(facts), 1), 3 if facts_revised else 2, {
        "name": "table_facts", "style": "Table Style Light 9", "autofilter": False,
        "columns": [{"header": "项目"}, {"header": "数值"}, {"header": "单位"}]
        + ([{"header": REVISED_COLUMN}] if facts_revised else []),
    })
    for r, (key, value) in enumerate(facts, start=3):
        fact = schema.FACTS[key]
        totals.write_string(r, 0, fact.label)
        _write_value(totals, r, 1, value, fact.kind, formats)
        totals.write_string(r, 2, fact.unit)
        if facts_revised:
            totals.write_string(r, 3, revisions.MARK if m.revised.fact(key) else "")
    _print_setup(totals, 2, landscape=totals.fit())
    return FACTS_SHEET, table_title, len(facts), ""


def _headlines_sheet(book, m: Month, formats: dict) -> tuple[tuple[str, str, object, str], list[str]]:
    """本月要点: every section's headline figures, numbers as numbers (the pages' figures); returns
    its line of the contents sheet and the notes it cites."""
    sheet = _Sized(book.add_worksheet(HEADLINES_SHEET), formats)
    table_title = dated(m.month, content.HEADLINES_TITLE)
    sheet.write_string(0, 0, table_title, formats["title"])
    from bulletin.sections import model

    rows = content.headline_rows(m)
    keys = content.headline_keys(m)
    marks = (["[注2]"] if any(unit == "元" for *_, unit in rows) else []) + ["[注6]"]
    _notes_line(sheet, marks)
    against = content.compared(m)  # 环比, 同比: three columns each whose base month is in the data
    columns = [{"header": "板块"}, {"header": "指标"}, {"header": "数值"}, {"header": "单位"},
               {"header": "公报写法"}, {"header": "说明"}]
    for c in against:
        columns += [{"header": f"{c.basis.label}（{month_label(c.base)}）"}, {"header": c.basis.delta_label},
                    {"header": c.basis.ratio_label}]
    sheet.add_table(2, 0, 2 + max(len(rows), 1), len(columns) - 1, {
        "name": "table_headlines", "style": "Table Style Light 9", "autofilter": False, "columns": columns,
    })
    for r, ((section, label, value, unit), key) in enumerate(zip(rows, keys, strict=True), start=3):
        sheet.write_string(r, 0, section)
        sheet.write_string(r, 1, label)
        kind = "percent" if unit == "%" else "money" if unit == "元" else "count"
        _write_value(sheet, r, 2, value, kind, formats)
        sheet.write_string(r, 3, unit)
        sheet.write_string(r, 4, content.printed_figure(value, unit, key))
        sheet.write_string(r, 5, model.explain(key, value, unit), formats["wrap"])
        for i, c in enumerate(against):
            col = 6 + 3 * i
            found = c.rows.get(key)
            if found is None:  # a share: not compared
                continue
            base, change, ratio, presence = found
            if presence == "new":  # not in the base month: said, never a 0
                sheet.write_string(r, col + 1, c.worded(key, unit))
                continue
            _write_value(sheet, r, col, base, kind, formats)
            if is_missing(change):
                sheet.write_string(r, col + 1, UNDEFINED)
            elif kind == "money":
                sheet.write_number(r, col + 1, float(printed.money(change)), formats["money"])
            else:
                sheet.write_number(r, col + 1, int(change), formats["count"])  # type: ignore[call-overload]
            if is_missing(ratio) or math.isinf(float(ratio)):
                sheet.write_string(r, col + 2, UNDEFINED)
            else:
                sheet.write_number(r, col + 2, float(ratio), formats["share"])
    _print_setup(sheet, 2, landscape=sheet.fit())
    return (HEADLINES_SHEET, table_title, len(rows), ""), marks


def _telemedicine_rows(frame) -> tuple[list[tuple[str, str, object, str, str, str]], bool]:
    """The telemedicine table as 平台, 指标, 数值, 单位, 平台状态, 公报注明: each measure with its own unit,
    the pause a state of the platform (not a figure coded 1), and in 公报注明 the qualifier the
    bulletin prints beside each figure (the pause's reason on a row of its own, 暂停原因)."""
    notes = frame["note"] if "note" in frame.columns else [None] * len(frame)
    records = list(zip(frame["platform"], frame["measure"], frame["value"], notes, strict=True))
    paused = {p: n for p, k, v, n in records if k == PAUSED and not is_missing(v) and int(v) == 1}
    rows = []
    for platform, measure, value, note in records:
        state = "暂停" if platform in paused else "运行"
        note = "" if is_missing(note) else str(note)
        if measure == PAUSED:
            if platform in paused and note:
                rows.append((str(platform), "暂停原因", None, "", state, note))
            continue
        label, unit = schema.TELEMEDICINE_MEASURES.get(str(measure), (str(measure), ""))
        rows.append((str(platform), label, value, unit, state, note))
    listed = {r[0] for r in rows}
    for platform in dict.fromkeys(frame["platform"]):  # a paused platform that states no figure
        if platform not in listed:
            rows.append((str(platform), "（本月未公布指标）", None, "", "暂停" if platform in paused else "运行", ""))
    return rows, bool(paused)


def _table_sheet(book, m: Month, name: str, sheet_name: str,
                 formats: dict) -> tuple[tuple[str, str, object, str], list[str]]:
    """One table's sheet; returns its line of the contents sheet and the notes it cites."""
    from bulletin.sections import model
    decl = schema.TABLES[name]
    frame = content.table(m, name, exact=True)
    sheet = _Sized(book.add_worksheet(sheet_name), formats)
    table_title = dated(m.month, decl.title)
    sheet.write_string(0, 0, table_title, formats["title"])
    if frame is None:
        note = m.not_published.get(name, "")
        sheet.write_string(1, 0, "本月简报未公布此表" + (f"：{note}" if note else "") + "。")
        _print_setup(sheet, -1, landscape=sheet.fit())
        return (sheet_name, table_title, None, "本月简报未公布此表"), []
    flagged = _revised_rows(m, name, frame)
    signs = m.signs(name)
    marks = _notes_for(decl, frame, bool(flagged), signs)
    _notes_line(sheet, marks, model.qualifier(name))
    first = 2  # the header row right under the notes line: no blank row above the table
    if name == "telemedicine":
        return (sheet_name, table_title, _telemedicine_table(sheet, frame, first, formats), ""), marks
    cols = list(decl.columns)
    last = first + max(len(frame), 1)  # an empty table keeps one empty data row (Excel needs one)
    headers = [{"header": _header(c)} for c in cols] + ([{"header": REVISED_COLUMN}] if flagged else [])
    sheet.add_table(first, 0, last, len(headers) - 1, {
        "name": f"table_{name}", "style": "Table Style Light 9", "autofilter": False, "columns": headers,
    })
    _write_marks(sheet, flagged, first + 1, len(cols))
    for r, record in enumerate(frame[list(decl.column_names)].itertuples(index=False), start=first + 1):
        key = key_text(getattr(record, k) for k in decl.key) if signs else ()
        for c, (value, col) in enumerate(zip(record, cols, strict=True)):
            if col.kind == "text" and not is_missing(value):
                sheet.write_string(r, c, _text(name, col.name, value))
            elif (key, col.name) in signs and is_missing(value):
                sheet.write_string(r, c, signs[(key, col.name)], formats["missing"])  # as printed ([注8])
            else:
                _write_value(sheet, r, c, value, col.kind, formats)
    _print_setup(sheet, first, landscape=sheet.fit())  # the platform tables print landscape
    return (sheet_name, table_title, len(frame), ""), marks


def _telemedicine_table(sheet, frame, first: int, formats: dict) -> int:
    """The telemedicine table (:func:`_telemedicine_rows`); returns its number of rows."""
    rows, _ = _telemedicine_rows(frame)
    headers = [{"header": h} for h in ("平台", "指标", "数值", "单位", "平台状态", "公报注明")]
    sheet.add_table(first, 0, first + max(len(rows), 1), len(headers) - 1, {
        "name": "table_telemedicine", "style": "Table Style Light 9", "autofilter": False, "columns": headers,
    })
    for r, (platform, label, value, unit, state, note) in enumerate(rows, start=first + 1):
        sheet.write_string(r, 0, platform)
        sheet.write_string(r, 1, label)
        if label != "暂停原因":  # the reason is words, not a missing figure
            _write_value(sheet, r, 2, value, "count", formats)
        if unit:
            sheet.write_string(r, 3, unit)
        sheet.write_string(r, 4, state)
        if note:
            sheet.write_string(r, 5, note, formats["wrap"])
    _print_setup(sheet, first, landscape=sheet.fit())
    return len(rows)


def write(m: Month, target: Path) -> Path:
    """Write the month's tables of ``m`` to ``target`` and return ``target``."""
    import xlsxwriter

    # in_memory: no temporary file per sheet (their creation and removal cost more than the writing)
    book = xlsxwriter.Workbook(str(target), {"in_memory": True, "strings_to_formulas": False,
                                             "strings_to_numbers": False, "strings_to_urls": False})
    year, mon = w.month_parts(m.month)
    mark = demo.suffix(m.synthetic)
    book.set_properties({"title": f"{model.BULLETIN}统计表（{year}年{mon}月）{mark}", "language": "zh-CN",
                         "author": model.PUBLISHER, "company": model.PUBLISHER})
    formats = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "wrap": book.add_format({"text_wrap": True, "valign": "vcenter"}),
        "header": book.add_format({"text_wrap": True, "valign": "bottom"}),
        "text": book.add_format({"valign": "vcenter"}),
        "count": book.add_format({"num_format": COUNT_FORMAT, "valign": "vcenter"}),
        "money": book.add_format({"num_format": MONEY_FORMAT, "valign": "vcenter"}),
        "share": book.add_format({"num_format": SHARE_FORMAT, "valign": "vcenter"}),
        "missing": book.add_format({"align": "right", "valign": "vcenter"}),
        "percent": book.add_format({"num_format": PERCENT_FORMAT, "valign": "vcenter"}),
    }
    title = formats["title"]

    cover = _Sized(book.add_worksheet("封面"), formats)
    contents = _Sized(book.add_worksheet("目录"), formats)
    notes = _Sized(book.add_worksheet("注释"), formats)
    cover.write_string(0, 0, f"{model.BULLETIN}统计表：{year}年{mon}月{mark}", title)
    lines = [*([demo.NOTICE] if m.synthetic else []),
        f"统计月份：{year}年{mon}月",
        f"发布机构：{model.PUBLISHER}",
        f"来源：{model.PUBLISHER}《{model.BULLETIN}》统计数据部分，按公报印出的数字录入。",
        f"生成日期：{generated_date()}"
        "（数据中没有公报的发布日期；此为本工作簿生成之日，与网页页脚的生成日期相同）",
        f"联系方式：公报统计数据部分未载明联系人与联系方式；如有疑问，请向{model.PUBLISHER}查询。",
        "内容：本月要点、12320卫生热线、预约挂号、分途径预约、远程医疗、卫生信息平台数据采集、自助智能医疗服务终端。",
        "未反馈：单位当月未报送该项数据；表中以 [x] 表示，不是 0（见注释表[注1]）。",
        "每张表单独一个工作表，表名在A1单元格；目录表列出全部表格。",
    ]
    revised = bool(m.revisions)
    if revised:
        lines.append(revisions.notice(m.month, m.revisions) + "修订过的数字在各表“修订标记”列中标出（见注释表[注7]）。")
    for i, line in enumerate(lines, start=2):
        cover.write_string(i, 0, line, formats["wrap"])
    _print_setup(cover, -1, one_page=True, landscape=cover.fit(wrap=PORTRAIT_WIDTH - 4))

    line, marks = _headlines_sheet(book, m, formats)
    listed: list[tuple[str, str, object, str]] = [line]
    used: set[str] = set(marks)
    for name, sheet_name in SHEETS.items():
        line, marks = _table_sheet(book, m, name, sheet_name, formats)
        listed.append(line)
        used.update(marks)
    listed.append(_facts_sheet(book, m, formats))
    used.update({"[注2]", "[注3]"})
    if revised:
        used.add("[注7]")

    all_notes = [(k, v) for k, v in NOTES.items() if k in used]
    notes.write_string(0, 0, "注释", title)
    notes.write_string(1, 0, "各表第2行列出其适用的注释编号。")
    notes.add_table(2, 0, 2 + len(all_notes), 1, {"name": "notes", "style": "Table Style Light 1",
                                                  "columns": [{"header": "注释编号"}, {"header": "注释内容"}]})
    for i, (mark, text) in enumerate(all_notes, start=3):
        notes.write_string(i, 0, mark)
        notes.write_string(i, 1, text, formats["wrap"])
    _print_setup(notes, 2, one_page=True, landscape=notes.fit(wrap=PORTRAIT_WIDTH - 14))

    contents.write_string(0, 0, "目录", title)
    contents.write_string(1, 0, "每张表一个工作表；点击工作表名称可跳转。")
    contents.add_table(2, 0, 2 + len(listed), 3, {
        "name": "contents", "style": "Table Style Light 1", "autofilter": False,
        "columns": [{"header": "工作表"}, {"header": "表名"}, {"header": "行数"}, {"header": "说明"}],
    })
    for r, (sheet_name, table_title, size, remark) in enumerate(listed, start=3):
        contents.write_url(r, 0, f"internal:'{sheet_name}'!A1", string=sheet_name)
        contents.write_string(r, 1, table_title)
        _write_value(contents, r, 2, size, "count", formats)
        contents.write_string(r, 3, remark)
    _print_setup(contents, 2, one_page=True, landscape=contents.fit())
    book.close()
    return target
