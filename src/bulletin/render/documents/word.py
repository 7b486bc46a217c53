"""``bulletin-YYYY-MM.docx``: the same content as an editable Word file, with python-docx.

python-docx writes real Word tables (editors paste them into the full bulletin and edit the
figures), merges cells where the print layout merges them (the 健康档案 header, the 合计 rows)
and gives direct access to the run properties where the East-Asian font is set: every style names
宋体 (headings 黑体) as its ``w:eastAsia`` font and zh-CN as its East-Asian language (Latin text,
the figures, en-US: a client that breaks Chinese text anywhere would split 26097 over two lines),
so Word and WPS pick a Chinese font instead of falling back glyph by glyph. The fonts are not
embedded: Word embeds only TrueType outlines and every Chinese Word/WPS has 宋体 and 黑体.

Where the page breaks only the reader's client knows, so the file is laid out to survive any
break: the group label (医疗单位, 各区, a section of 本月要点) is printed on each of its rows, no row
breaks across pages, the header rows repeat (each at least as tall as its wrapped text: LibreOffice
lays a repeated header out without growing it), headings and the paragraph before a table keep with
what follows. Column widths follow the columns' content, headers wrap where the page is too narrow. Each
table carries its title and a description as alt text, a table titled otherwise than its heading
a numbered caption; the core properties name the publisher. Charts are left to the PDF; the Word
file carries the text and the tables.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import unicodedata
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from bulletin.render.documents.model import (
    BULLETIN,
    PUBLISHER,
    Bars,
    Cell,
    Document,
    Grid,
    Paragraph,
    place,
    split_groups,
    terms_used,
)

BODY_FONT = ("Times New Roman", "宋体")
HEADING_FONT = ("Arial", "黑体")


def _fonts(element, latin: str, east_asian: str) -> None:
    """Set the Latin and East-Asian fonts and the East-Asian language on a style or run element."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    # Latin text (the figures) as en-US: a client breaking "Chinese" Latin text anywhere would
    # split 26097 across two lines (LibreOffice did); the East-Asian text stays zh-CN
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _styles(document) -> None:
    from docx.shared import Pt, RGBColor

    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    _fonts(normal.element, *BODY_FONT)
    for name, size in (("Title", 18), ("Heading 1", 14), ("Caption", 9)):
        style = document.styles[name]
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0, 0, 0)
        _fonts(style.element, *HEADING_FONT)


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#: the text width of the page in twentieths of a point (A4 less two 18 mm margins)
_TEXT_WIDTH = round((210 - 2 * 18) / 25.4 * 1440)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML


#: a group label's column is at least this wide: 医疗单位 on one line at 8 pt, with the cell margins
_LABEL_CHAR = 160  # twips of one CJK character at 8 pt
_CELL_MARGINS = 2 * 115


def _tc(spec: Cell, header: bool, width: int, merge: str | None, keep: bool = False) -> str:
    """One ``w:tc``: width, spans (``gridSpan``, ``vMerge`` restart/continue), shade, text."""
    props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if spec.colspan > 1:
        props.append(f'<w:gridSpan w:val="{spec.colspan}"/>')
    if merge == "restart":
        props.append('<w:vMerge w:val="restart"/>')
    elif merge == "continue":
        props.append("<w:vMerge/>")
    if header or spec.strong:
        props.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{"E8E8E8" if header else "F4F4F4"}"/>')
    if spec.vertical and spec.rowspan > 1:  # top to bottom, characters upright, as the bulletin prints 医疗单位
        props.append('<w:textDirection w:val="tbRlV"/>')
    props.append('<w:vAlign w:val="center"/>')
    if merge == "continue":
        return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr><w:p/></w:tc>"
    centred = header or spec.vertical or spec.colspan > 1
    align = "center" if centred else "right" if spec.numeric else "left"
    bold = "<w:b/>" if header or spec.strong else ""
    text = escape(_CONTROL.sub("", spec.text))
    return (
        f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr><w:p><w:pPr>{'<w:keepNext/>' if keep else ''}"
        f"<w:spacing w:before=\"0\" w:after=\"0\"/>"
        f'<w:jc w:val="{align}"/></w:pPr><w:r><w:rPr>{bold}<w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr>'
        f'<w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:tc>'
    )


_LATIN_CHAR = 90  # twips of a Latin letter or digit at 8 pt
#: the height of one line of 8 pt table text, in twips (with the CJK font's line spacing)
_LINE = 250


def text_width(text: str) -> int:
    """The width of ``text`` set at 8 pt, in twips: a wide (CJK, fullwidth) character is twice a digit."""
    return sum(_LABEL_CHAR if unicodedata.east_asian_width(ch) in "WF" else _LATIN_CHAR for ch in text)


def _content_widths(grid: Grid, body: tuple[tuple[Cell, ...], ...]) -> list[int]:
    """Column widths in twips from what the columns hold: each column wide enough for its widest
    figure or name and, where the page allows, its header on one line (12320在线预约); what the
    page lacks is taken from the headers, which wrap (their rows grow), never from the figures."""
    need = [_CELL_MARGINS + _LATIN_CHAR * 2] * grid.columns  # the body's widest cell
    want = list(need)  # and the header's
    for _, c, cell in place(body, grid.columns):
        if cell.colspan == 1:  # a group label (医疗单位) on one line, as each of its rows repeats it
            need[c] = max(need[c], text_width(cell.text) + _CELL_MARGINS)
    for _, c, cell in place(grid.header, grid.columns):
        if cell.colspan == 1:
            want[c] = max(want[c], text_width(cell.text) + _CELL_MARGINS)
    want = [max(n, w) for n, w in zip(need, want, strict=True)]
    if sum(want) <= _TEXT_WIDTH:  # the rest of the page shared out in proportion
        spare = _TEXT_WIDTH - sum(want)
        widths = [w + spare * w // sum(want) for w in want]
    elif sum(need) < _TEXT_WIDTH:  # every header up to one width on one line, the longer ones wrapped
        low, high = 0, max(want)
        while high - low > 1:  # the widest such width the page holds
            mid = (low + high) // 2
            low, high = (mid, high) if sum(max(n, min(w, mid)) for n, w in zip(need, want, strict=True)) \
                <= _TEXT_WIDTH else (low, mid)
        widths = [max(n, min(w, low)) for n, w in zip(need, want, strict=True)]
    else:  # the figures alone overflow the page: the grid's own shares
        widths = [round(_TEXT_WIDTH * w / sum(grid.widths)) for w in grid.widths]
    widths[-1] += _TEXT_WIDTH - sum(widths)
    return widths


def _header_heights(grid: Grid, widths: list[int]) -> list[int]:
    """Each header row's least height in twips: enough for every header cell's wrapped lines, a
    cell spanning rows given the height of the rows it spans (LibreOffice lays a repeated header
    out one row at a time, and cut 门急诊信息上传人次 to its first two lines)."""
    heights = [_LINE] * len(grid.header)
    cells = [(r, c, cell) for r, c, cell in place(grid.header, grid.columns)]
    for r, c, cell in sorted(cells, key=lambda rc: rc[2].rowspan):
        room = max(sum(widths[c:c + cell.colspan]) - _CELL_MARGINS, _LABEL_CHAR)
        # a quarter more than the text measures: a line breaks early before （ and inside no Latin word
        tall = math.ceil(text_width(cell.text) * 1.25 / room) * _LINE + 60
        rows = range(r, min(r + cell.rowspan, len(heights)))
        lacking = tall - sum(heights[i] for i in rows)
        if lacking > 0:
            heights[rows[-1]] += lacking
    return heights


def _widths(grid: Grid, body: tuple[tuple[Cell, ...], ...]) -> list[int]:
    """Column widths in twips: from the columns' content (:func:`_content_widths`), a group label's
    column widened to hold its label on one line (taken from the widest column)."""
    widths = _content_widths(grid, body)
    for _, c, cell in place(body, grid.columns):
        if cell.vertical and cell.colspan == 1:
            need = len(cell.text) * _LABEL_CHAR + _CELL_MARGINS
            if widths[c] < need:
                widest = max(range(len(widths)), key=widths.__getitem__)
                widths[widest] -= need - widths[c]
                widths[c] = need
    return widths


def description(grid: Grid) -> str:
    """The table's alt text (Word's 可选文字 description): its size and columns."""
    columns = "、".join(dict.fromkeys(c.text for row in grid.header for c in row if c.text))
    return f"{grid.title}：{len(grid.body)}行，列为{columns}。"


def table_xml(grid: Grid, keep_last: bool = False) -> str:
    """The ``w:tbl`` of a grid: a real Word table, merged where the print layout merges.

    Written as XML in one piece rather than cell by cell through python-docx's objects (ten times
    faster for the kiosks table); the merges are the ones ``_Cell.merge`` makes, so python-docx
    reads them back as merged cells. A group label (医疗单位, 各区) is repeated on each of its
    rows instead of merged down them: Word and LibreOffice print a merged cell once, on the page
    where it starts, so rows carried onto the next page would stand under no label. No row breaks
    across pages (``cantSplit``), the header rows repeat on each page (``tblHeader``), and the table
    carries its title and a description as alt text (``tblCaption``, ``tblDescription``).
    ``keep_last`` keeps the last row on the page of the paragraph after the table (its note).
    """
    body = split_groups(grid.body, grid.columns, 1)
    rows = (*grid.header, *body)
    widths = _widths(grid, body)
    heights = _header_heights(grid, widths)
    starts: dict[tuple[int, int], Cell] = {}
    below: dict[tuple[int, int], Cell] = {}  # positions under a row span's first row, at its first column
    for r, c, cell in place(rows, grid.columns):
        starts[(r, c)] = cell
        for dr in range(1, cell.rowspan):
            below[(r + dr, c)] = cell
    alt = (f'<w:tblCaption w:val={quoteattr(_CONTROL.sub("", grid.title))}/>'
           f'<w:tblDescription w:val={quoteattr(_CONTROL.sub("", description(grid)))}/>')
    out = [f'<w:tbl xmlns:w="{_W}"><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
           f'<w:tblLayout w:type="fixed"/>{alt}</w:tblPr><w:tblGrid>'
           + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"]
    for r in range(len(rows)):
        header = r < len(grid.header)
        # a header row grows with its text (atLeast, never an exact height that would cut it)
        grow = f'<w:trHeight w:val="{heights[r]}" w:hRule="atLeast"/>' if header else ""
        out.append("<w:tr><w:trPr><w:cantSplit/>" + grow + ("<w:tblHeader/>" if header else "") + "</w:trPr>")
        c = 0
        while c < grid.columns:
            cell, merge = starts.get((r, c)), None
            if cell is not None:
                merge = "restart" if cell.rowspan > 1 else None
            elif (r, c) in below:
                cell, merge = below[(r, c)], "continue"
            else:  # a row shorter than the grid: an empty cell keeps Word's grid whole
                cell = Cell("")
            out.append(_tc(cell, header, sum(widths[c:c + cell.colspan]), merge, keep_last and r == len(rows) - 1))
            c += cell.colspan
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def caption_xml(style_id: str, number: int, title: str) -> str:
    """A Word caption paragraph (style Caption) numbered by a ``SEQ 表`` field: 表 1　title."""
    text = escape(_CONTROL.sub("", title))
    return (f'<w:p xmlns:w="{_W}"><w:pPr><w:pStyle w:val={quoteattr(style_id)}/><w:keepNext/><w:jc w:val="center"/>'
            f'</w:pPr><w:r><w:t xml:space="preserve">表 </w:t></w:r><w:fldSimple w:instr=" SEQ 表 \\* ARABIC ">'
            f'<w:r><w:t>{number}</w:t></w:r></w:fldSimple>'
            f'<w:r><w:t xml:space="preserve">\u3000{text}</w:t></w:r></w:p>')


def _table(document, grid: Grid, caption: int | None, terms: tuple[tuple[str, str], ...]) -> None:
    """The grid as a Word table at the end of the body, after its caption ``表 {caption}`` when
    given (else right under the heading that names it), with a note for each word of ``terms``
    its cells print. Through python-docx's public ``Document.element`` and ``oxml.parse_xml``."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn
    from docx.shared import Pt

    body = document.element.body
    end = body.find(qn("w:sectPr"))

    def add(xml: str) -> None:
        element = parse_xml(xml)
        if end is None:
            body.append(element)
        else:
            end.addprevious(element)

    if caption is not None:
        add(caption_xml(document.styles["Caption"].style_id, caption, grid.title))
    elif end is not None and end.getprevious() is not None and end.getprevious().tag == qn("w:tbl"):
        document.add_paragraph().paragraph_format.keep_with_next = True  # two tables never touch (Word would join them)
    used = terms_used(grid, terms)
    add(table_xml(grid, keep_last=bool(used)))
    for term, meaning in used:
        note = document.add_paragraph(f"注：“{term}”：{meaning}。")
        for run in note.runs:
            run.font.size = Pt(8)


def _date() -> dt.datetime:
    """The Word file's date: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else the day of
    the run (UTC midnight, the day the site's pages say they were generated)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isascii() and epoch.isdigit():  # str.isdigit alone takes ² and ٣, which int() then refuses
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None)
    return dt.datetime.combine(dt.datetime.now(dt.UTC).date(), dt.time())


def write(doc: Document, target: Path) -> Path:
    """Write ``doc`` as a Word file to ``target`` and return ``target``."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = docx.Document()
    props = document.core_properties  # the template's own (author python-docx, dated 2013) replaced
    props.title = doc.title
    props.language = "zh-CN"
    props.author = props.last_modified_by = PUBLISHER
    props.subject = f"{BULLETIN}{doc.subtitle}"
    props.category = "统计数据"
    props.comments = doc.colophon[0] if doc.colophon else ""
    props.keywords = ""
    props.created = props.modified = _date()
    props.revision = 1
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    _styles(document)
    document.add_paragraph(doc.title.split("（")[0], style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(doc.subtitle).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in doc.colophon:
        p = document.add_paragraph(line)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        for run in p.runs:
            run.font.size = Pt(8.5)
    captions = 0  # the tables captioned so far: 表 1, 表 2 …
    for chapter in doc.chapters:
        document.add_heading(chapter.title, level=1).paragraph_format.keep_with_next = True
        grids = [b for b in chapter.blocks if isinstance(b, Grid)]
        once = len(grids) == 1 and grids[0].title == chapter.title  # the heading is the table's title
        for i, block in enumerate(chapter.blocks):
            before_table = i + 1 < len(chapter.blocks) and isinstance(chapter.blocks[i + 1], Grid)
            if isinstance(block, Paragraph):
                p = document.add_paragraph(block.text)
                p.paragraph_format.keep_with_next = before_table
                if block.note:  # as the PDF sets it: 注：… from the left at 8 pt, a bracketed line centred at 9 pt
                    p.alignment = WD_ALIGN_PARAGRAPH.LEFT if block.from_left else WD_ALIGN_PARAGRAPH.CENTER
                    for run in p.runs:
                        run.font.size = Pt(8 if block.from_left else 9)
                else:
                    p.paragraph_format.first_line_indent = Pt(21)
            elif isinstance(block, Grid):
                captions += 0 if once else 1
                _table(document, block, caption=None if once else captions, terms=doc.terms)
            elif isinstance(block, Bars):
                continue  # the PDF draws the charts; editors take text and tables from here
    document.save(str(target))
    return target
