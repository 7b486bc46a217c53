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
