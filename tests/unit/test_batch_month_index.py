"""Tests of ``bulletin.batch.month_index``: a month's index figures: what its page shows besides its
sections (headlines, check report, links)."""

from __future__ import annotations

import pytest


@pytest.mark.usefixtures("_stable_code_hash")
def test_index_figures_unavailable_say_why(tmp_path):
    from bulletin.batch.month_index import index_figures

    figures = index_figures("2020-02", str(tmp_path / "no-data"))
    assert figures.headlines is None and figures.check is None
    assert [p.split(":")[0] for p in figures.problems] == ["headline figures", "check summary"]
