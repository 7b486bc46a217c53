"""Tests of ``bulletin.data.glyphs``: which characters every output can print: those of the project's font,
Noto Sans CJK SC."""

from __future__ import annotations

import pytest
from helpers import REFERENCE_MONTH as M
from helpers import edit_csv

from bulletin.core.errors import BulletinDataError
from bulletin.data import glyphs


def test_the_ranges_taken_as_covered_are_in_the_font():
    cmap = glyphs.coverage()
    for lo, hi in glyphs.COVERED:
        assert all(c in cmap for c in range(lo, hi + 1)), hex(lo)


def test_glyph_check_error_is_a_data_error(data_copy):
    edit_csv(data_copy / M / "province_calls.csv", "南京", "南京😷")
    with pytest.raises(BulletinDataError, match=r"province_calls\.csv, row 2, column city"):
        glyphs.check_month_folder(data_copy / M, ["province_calls.csv"])
