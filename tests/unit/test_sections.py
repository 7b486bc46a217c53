"""Tests of ``bulletin.sections``: the bulletin's sections: one notebook and one module of figures
each."""

from __future__ import annotations

import html

import matplotlib
import pandas as pd
import pytest
from helpers import CRAFTED
from helpers import REFERENCE_MONTH as FEB
from helpers import REFERENCE_MONTH as M

import bulletin
import bulletin.core.schema
from bulletin import BulletinDataError, month
from bulletin.data.loaded_month import Month
from bulletin.sections import SECTIONS, Note, model, overview, start, with_headlines

matplotlib.use("Agg")


@pytest.mark.usefixtures("_stable_code_hash")
def test_the_sections_declare_what_they_read():
    reads = {s.name: (s.reads, s.checks) for s in SECTIONS}
    assert reads["trends"] == ("history", False)
    assert reads["overview"] == ("previous", True)  # month-on-month, and the check across months
    assert {reads[s.name] for s in SECTIONS if s.name not in ("trends", "overview")} == {("previous", False)}


def test_every_figure_is_declared_once_and_the_tables_come_from_the_declarations():
    keys = [d.key for d in model.all_figures()]
    assert len(keys) == len(set(keys))
    from bulletin.sections import section

    assert section("hotline").tables == ("hotline_categories", "province_calls")
    assert section("booking_channels").tables == ("booking_channels", "appointments")
    for sec in with_headlines():
        assert set(model.tables_of(sec.module.FIGURES)) <= set(sec.tables), sec.name


def test_start_accepts_a_month_in_the_data(data_dir):
    m = start(M, data_dir, "hotline")
    assert m.label == "统计月份：2020年2月" and m.month == M
    assert m._repr_html_() == '<p class="note"><strong>统计月份：2020年2月</strong></p>'
    assert int(m.facts["hotline.total_calls"]) == 59507
    with pytest.raises(KeyError):
        start(M, data_dir, "no_such_section")


@pytest.mark.parametrize("month", ["2020-03", "../x", "2020-2"])
def test_start_stops_on_a_month_not_in_the_data(data_dir, month):
    with pytest.raises(BulletinDataError) as err:
        start(month, data_dir, "hotline")
    assert month in str(err.value)


def test_start_shows_long_cells_whole(data_dir):
    """A finding's 说明 is longer than pandas' default 50 characters: the notebook shows it whole."""
    with pd.option_context("display.max_colwidth", 50):
        start(M, data_dir, "overview")
        html = overview.quality_findings(month(M, data_dir))._repr_html_()
    assert "23,542 次" in html and "..." not in html


def test_every_section_has_the_same_shape():
    for sec in with_headlines():
        module = sec.module
        for name in ("headlines", "changes", "month_on_month"):
            assert callable(getattr(module, name, None)), (sec.name, name)
        head = module.headlines(bulletin.month(FEB))
        assert list(head.columns) == ["label", "value", "unit", "key"] and len(head) >= 1, sec.name
        assert head["label"].is_unique and head["unit"].map(lambda u: isinstance(u, str)).all(), sec.name
        assert module.changes(bulletin.month(FEB)) is None  # no January in the data


def test_note_is_escaped_html_not_markdown():
    note = Note("\n".join(f"- {n}" for n in CRAFTED))
    out = note._repr_html_()
    assert out.startswith('<ul class="note">') and out.count("<li>") == len(CRAFTED)
    assert "<script>" not in out and "<a" not in out and "<img" not in out and "<h1" not in out
    for name in CRAFTED:
        assert html.escape(name) in out
    assert not hasattr(note, "_repr_markdown_")
    assert not hasattr(Month("2020-02"), "_repr_markdown_")
    assert Month("2020-02")._repr_html_() == '<p class="note"><strong>统计月份：2020年2月</strong></p>'
