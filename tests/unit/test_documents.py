"""The month as documents: PDF, Word, workbook and data package, read back and compared with the
figures the February 2020 bulletin printed."""

from __future__ import annotations

from helpers import REFERENCE_MONTH

from bulletin.render.documents import model, pdf

M = REFERENCE_MONTH
#: a name that is markup, code or a formula in every format it reaches
NASTY = '=HYPERLINK("x") #标题 *粗* $x$ [链] \\ @引 <l> _下_ `c`'


# ---------------------------------------------------------------- PDF


def test_typst_literal_keeps_every_character_inert(tmp_path):
    from pypdf import PdfReader

    texts = [NASTY, 'a"b\\"', "#set page(width: 1cm)", "]#panic(\"x\")[", "$ a $ */_ <ref> @cite 12\n2"]
    doc = model.Document(M, "t", "s", tuple(model.Chapter(t, (model.Paragraph(t),)) for t in texts))
    text = "".join(p.extract_text() for p in PdfReader(pdf.write(doc, tmp_path / "t.pdf")).pages)
    flat = "".join(text.split())
    for t in texts:
        assert flat.count("".join(t.split())) >= 3, t  # contents entry, heading, paragraph


# ---------------------------------------------------------------- Word


# ---------------------------------------------------------------- workbook


# ---------------------------------------------------------------- data package


# ---------------------------------------------------------------- what the bulletin did not print, odd shapes


def test_pdf_uses_the_font_file_and_colour_of_the_charts():
    from bulletin.style import charts

    assert pdf.BUNDLED_FONT == charts.BUNDLED_FONT and pdf.BAR_COLOUR == charts.PALETTE[0]
    assert pdf.font_file().is_file()


# ---------------------------------------------------------------- in the monthly batch


