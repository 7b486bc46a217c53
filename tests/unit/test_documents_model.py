"""Tests of ``bulletin.render.documents.model``: the documents' content, independent of the format it is
written in."""

from __future__ import annotations

from helpers import REFERENCE_MONTH as M

from bulletin.render.documents import model, pdf

#: a name that is markup, code or a formula in every format it reaches
NASTY = '=HYPERLINK("x") #标题 *粗* $x$ [链] \\ @引 <l> _下_ `c`'


def test_typst_literal_keeps_every_character_inert(tmp_path):
    from pypdf import PdfReader

    texts = [NASTY, 'a"b\\"', "#set page(width: 1cm)", "]#panic(\"x\")[", "$ a $ */_ <ref> @cite 12\n2"]
    doc = model.Document(M, "t", "s", tuple(model.Chapter(t, (model.Paragraph(t),)) for t in texts))
    text = "".join(p.extract_text() for p in PdfReader(pdf.write(doc, tmp_path / "t.pdf")).pages)
    flat = "".join(text.split())
    for t in texts:
        assert flat.count("".join(t.split())) >= 3, t  # contents entry, heading, paragraph
