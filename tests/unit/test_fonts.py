"""Tests of ``bulletin.core.fonts``: the CJK font a page carries: a WOFF2 subset of the project's Noto
Sans CJK SC, only the page's glyphs."""

from __future__ import annotations

import io

from bulletin.core import fonts


def test_page_font_is_a_woff2_subset_of_its_own_characters():
    from fontTools.ttLib import TTFont

    data = fonts.subset_woff2("南京市卫生信息统计简报2020年2月")
    assert data[:4] == b"wOF2" and len(data) % 4 == 0
    font = TTFont(io.BytesIO(data))
    cmap = font["cmap"].getBestCmap()
    assert {ord(c) for c in "南京市卫生信息统计简报年月"} <= set(cmap)
    assert ord("核") not in cmap  # only the page's glyphs
    assert len(font.getGlyphOrder()) < 120
    css = fonts.font_face_css("南京")
    assert css.startswith("@font-face") and f'font-family: "{fonts.FAMILY}"' in css and "data:font/woff2;base64," in css
