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

import re
from pathlib import Path
from xml.sax.saxutils import escape

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


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#: the text width of the page in twentieths of a point (A4 less two 18 mm margins)
_TEXT_WIDTH = round((210 - 2 * 18) / 25.4 * 1440)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML


def _tc(spec: Cell, header: bool, width: int, merge: str | None) -> str:
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
    if spec.vertical:  # top to bottom, characters upright, as the bulletin prints 医疗单位
        props.append('<w:textDirection w:val="tbRlV"/>')
    props.append('<w:vAlign w:val="center"/>')
    if merge == "continue":
        return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr><w:p/></w:tc>"
    centred = header or spec.vertical or spec.colspan > 1
    align = "center" if centred else "right" if spec.numeric else "left"
    bold = "<w:b/>" if header or spec.strong else ""
    text = escape(_CONTROL.sub("", spec.text))
    return (
        f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr><w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\"/>"
        f'<w:jc w:val="{align}"/></w:pPr><w:r><w:rPr>{bold}<w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr>'
        f'<w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:tc>'
    )


def table_xml(grid: Grid) -> str:
    """The ``w:tbl`` of a grid: a real Word table, merged where the print layout merges.

    Written as XML in one piece rather than cell by cell through python-docx's objects (ten times
    faster for the kiosks table); the merges are the ones ``_Cell.merge`` makes, so python-docx
    reads them back as merged cells.
    """
    rows = (*grid.header, *grid.body)
    widths = [round(_TEXT_WIDTH * w / sum(grid.widths)) for w in grid.widths]
    starts: dict[tuple[int, int], Cell] = {}
    below: dict[tuple[int, int], Cell] = {}  # positions under a row span's first row, at its first column
    for r, c, cell in place(rows, grid.columns):
        starts[(r, c)] = cell
        for dr in range(1, cell.rowspan):
            below[(r + dr, c)] = cell
    out = [f'<w:tbl xmlns:w="{_W}"><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{_TEXT_WIDTH}" w:type="dxa"/>'
           '<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>'
           + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"]
    for r in range(len(rows)):
        header = r < len(grid.header)
        out.append("<w:tr>" + ("<w:trPr><w:tblHeader/></w:trPr>" if header else ""))
        c = 0
        while c < grid.columns:
            cell, merge = starts.get((r, c)), None
            if cell is not None:
                merge = "restart" if cell.rowspan > 1 else None
            elif (r, c) in below:
                cell, merge = below[(r, c)], "continue"
            else:  # a row shorter than the grid: an empty cell keeps Word's grid whole
                cell = Cell("")
            out.append(_tc(cell, header, sum(widths[c:c + cell.colspan]), merge))
            c += cell.colspan
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _table(document, grid: Grid) -> None:
    from docx.oxml import parse_xml

    caption = document.add_paragraph(grid.title, style="Caption")
    caption.alignment = 1
    caption._p.addnext(parse_xml(table_xml(grid)))


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
