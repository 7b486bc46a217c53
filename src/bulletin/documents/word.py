"""``bulletin-YYYY-MM.docx``: the same content as an editable Word file, with python-docx.

python-docx writes real Word tables (editors paste them into the full bulletin and edit the
figures), merges cells where the print layout merges them (the 健康档案 header, the 医疗单位/各区
group cells, the 合计 rows), and gives direct access to the run properties where the East-Asian
font is set: every style names 宋体 (headings 黑体) as its ``w:eastAsia`` font and zh-CN as its
East-Asian language, so Word and WPS pick a Chinese font instead of falling back glyph by glyph.
The fonts are not embedded: Word embeds only TrueType outlines and every Chinese Word/WPS has
宋体 and 黑体. Charts are left to the PDF; the Word file carries the text and the tables.
"""

from __future__ import annotations

from pathlib import Path

from .model import Bars, Cell, Document, Grid, Paragraph, place

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
    lang.set(qn("w:val"), "zh-CN")
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


def _set_cell(cell, spec: Cell, header: bool) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(spec.text)
    run.font.size = Pt(8)
    run.bold = spec.strong or header
    if header or spec.vertical or spec.colspan > 1:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif spec.numeric:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if spec.vertical:  # top to bottom, characters upright, as the bulletin prints 医疗单位
        direction = OxmlElement("w:textDirection")
        direction.set(qn("w:val"), "tbRlV")
        cell._tc.get_or_add_tcPr().append(direction)


def _table(document, grid: Grid) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    caption = document.add_paragraph(grid.title, style="Caption")
    caption.alignment = 1
    rows = (*grid.header, *grid.body)
    table = document.add_table(rows=len(rows), cols=grid.columns)
    table.style = "Table Grid"
    placed = list(place(rows, grid.columns))
    cells = [r.cells for r in table.rows]  # read once: python-docx rebuilds the list on each call
    for r, c, spec in placed:
        _set_cell(cells[r][c], spec, r < len(grid.header))
    for r, c, spec in placed:
        if spec.rowspan > 1 or spec.colspan > 1:
            cells[r][c].merge(cells[r + spec.rowspan - 1][c + spec.colspan - 1])
    for row in table.rows[: len(grid.header)]:  # header rows repeat on each page (and mark the header)
        flag = OxmlElement("w:tblHeader")
        flag.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(flag)


def write(doc: Document, target: Path) -> Path:
    """Write ``doc`` as a Word file to ``target`` and return ``target``."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = docx.Document()
    document.core_properties.title = doc.title
    document.core_properties.language = "zh-CN"
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    _styles(document)
    document.add_paragraph(doc.title.split("（")[0], style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(doc.subtitle).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for sec in doc.sections:
        document.add_heading(sec.title, level=1)
        for block in sec.blocks:
            if isinstance(block, Paragraph):
                p = document.add_paragraph(block.text)
                if block.note:
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    for run in p.runs:
                        run.font.size = Pt(9)
                else:
                    p.paragraph_format.first_line_indent = Pt(21)
            elif isinstance(block, Grid):
                _table(document, block)
            elif isinstance(block, Bars):
                continue  # the PDF draws the charts; editors take text and tables from here
    document.save(str(target))
    return target
