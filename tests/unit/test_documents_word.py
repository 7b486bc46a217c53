"""Tests of ``bulletin.render.documents.word``: ``bulletin-YYYY-MM.docx``: the same content as an editable
Word file, with python-docx."""

from __future__ import annotations

from bulletin.render.documents import content


def test_the_word_file_prints_the_sign_with_its_note(month, tmp_path):
    import docx

    from bulletin.render.documents import word

    path = word.write(content.build_from(month), tmp_path / "m.docx")
    d = docx.Document(path)
    rows = [[c.text for c in row.cells] for t in d.tables for row in t.rows]
    (hospital,) = [r for r in rows if r[0] == "江苏省中医院"]
    assert hospital[3] == "—"
    notes = [p.text for p in d.paragraphs if p.text.startswith("注：")]
    assert "注：“—”：简报此处印作该符号，表示无数字，按缺失处理，不是0。" in notes
    assert "注：“…”：简报此处印作该符号，表示无数字，按缺失处理，不是0。" in notes


def test_the_word_file_sets_each_note_as_the_pdf_does(tmp_path):
    """February 2020's notes under its tables: a note on the figures (注：…) from the left at 8 pt, a
    bracketed line (which months the comparisons are with) centred at 9 pt, as the PDF sets them
    (``Paragraph.from_left``, one rule for both documents)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt
    from helpers import REFERENCE_MONTH

    import bulletin
    from bulletin.render.documents import word
    from bulletin.render.documents.model import Paragraph

    doc = content.build_from(bulletin.month(REFERENCE_MONTH))
    notes = [b for c in doc.chapters for b in c.blocks if isinstance(b, Paragraph) and b.note]
    left = [n.text for n in notes if n.from_left]
    centred = [n.text for n in notes if not n.from_left]
    assert left and centred and all(t.startswith("注：") for t in left)
    assert all(t.startswith("（") for t in centred), centred
    d = docx.Document(word.write(doc, tmp_path / "m.docx"))
    by_text = {p.text: p for p in d.paragraphs}
    for text in left:
        assert by_text[text].alignment == WD_ALIGN_PARAGRAPH.LEFT, text
        assert {r.font.size for r in by_text[text].runs} == {Pt(8)}, text
    for text in centred:
        assert by_text[text].alignment == WD_ALIGN_PARAGRAPH.CENTER, text
        assert {r.font.size for r in by_text[text].runs} == {Pt(9)}, text
