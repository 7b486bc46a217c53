"""Tests of ``bulletin.core.sheet_layout``: the month's tables laid out as workbook sheets, declared once
from :mod:`bulletin.core.schema`."""

from __future__ import annotations

from bulletin.core.schema import FACTS
from bulletin.core.sheet_layout import PARAGRAPH_FACTS, TABLE_SHEETS


def test_facts_and_layout_cover_every_fact():
    totals = {t.fact for s in TABLE_SHEETS.values() for t in s.totals}
    assert set(PARAGRAPH_FACTS) | totals == set(FACTS)
