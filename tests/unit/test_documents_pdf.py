"""Tests of ``bulletin.render.documents.pdf``: ``bulletin-YYYY-MM.pdf``: the statistics part laid out as the
bulletin prints it, with Typst."""

from __future__ import annotations

from bulletin.render.documents import pdf


def test_pdf_uses_the_font_file_and_colour_of_the_charts():
    from bulletin.style import charts

    assert pdf.BUNDLED_FONT == charts.BUNDLED_FONT and pdf.BAR_COLOUR == charts.PALETTE[0]
    assert pdf.font_file().is_file()
