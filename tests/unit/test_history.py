"""Years of months: digests computed once, cache keys per section, navigation that never goes
stale, gaps shown as gaps, and the trends window at 120 months (issue 15)."""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

import pytest
from helpers import edit_csv, synthetic_history

import bulletin
from bulletin import history
from bulletin.core import cache
from bulletin.core.month_strings import month_label
from bulletin.sections import SECTIONS, trends


@pytest.fixture(autouse=True)
def _stable_code_hash(monkeypatch):
    """Other work may edit src/bulletin while these tests run; the skip tests need a fixed code hash."""
    monkeypatch.setattr(cache, "code_hash", functools.cache(lambda: "code"))


def test_the_sections_declare_what_they_read():
    reads = {s.name: (s.reads, s.checks) for s in SECTIONS}
    assert reads["trends"] == ("history", False)
    assert reads["overview"] == ("previous", True)  # month-on-month, and the check across months
    assert {reads[s.name] for s in SECTIONS if s.name not in ("trends", "overview")} == {("previous", False)}


def test_a_digest_is_computed_once_and_the_checks_read_it(tmp_path, monkeypatch):
    data = tmp_path / "data"
    synthetic_history(data, "2020-01", 3)
    calls = []
    real = history.compute
    monkeypatch.setattr(history, "compute", lambda m: calls.append(m.month) or real(m))
    m = bulletin.month("2020-03", data)
    trends.headline_table(m)
    trends.lead_chart(m)
    trends.leaders(m)
    trends.year_to_date(m)
    m.check()
    assert sorted(calls) == ["2020-01", "2020-02", "2020-03"]  # once each, not once per view
    # the check across months reads the digests: February's cumulative, as the data states it
    assert not [f for f in m.check().findings if f.rule == "cumulative_fell"]


def test_a_gap_in_the_history_is_shown_as_a_gap(tmp_path):
    data = tmp_path / "data"
    synthetic_history(data, "2020-02", 4, skip=("2020-03", "2020-04"))  # 2020-02, then 2020-05
    m = bulletin.month("2020-05", data)
    assert trends.window(m) == ["2020-02", "2020-03", "2020-04", "2020-05"]
    assert "2020年3月、2020年4月不在数据中" in str(trends.span(m))
    table = trends.headline_table(m)
    row = table.loc[("预约挂号", "本月预约挂号量（次）")]
    assert list(row) == ["74,217", "无数据", "无数据", "74,217"]
    cumulative = table.loc[("预约挂号", "截止月底累计预约挂号量（次）")]
    assert list(cumulative) == ["18,722,617", "无数据", "无数据", "18,945,268"]  # 18,722,617 + 3 × 74,217
    fig = trends.lead_chart(m)
    ys = list(fig.axes[1].lines[0].get_ydata())
    assert ys[0] == ys[3] == 74217 and math.isnan(ys[1]) and math.isnan(ys[2])  # never interpolated
    lead = trends.leaders(m)
    assert lead.loc["2020年3月"].eq("无数据").all() and lead.loc["2020年5月"].str.contains("南京市儿童医院").any()
    csv = trends.history_csv(m)
    assert "2020-03" not in csv and csv.count("\n2020-05,") == csv.count("\n2020-02,") > 30


def _store_history(data: Path, store: Path, months: list[str]) -> None:
    """Digests of every month, the first computed, the others its copies under their own keys
    (the months' data are copies too): a 120-month history without computing 120 digests."""
    first = history.compute(bulletin.month(months[0], data))
    for step, month in enumerate(months):
        digest = json.loads(json.dumps(first))
        digest.update(month=month, key=history.digest_key(data, month))
        for row in digest["headlines"]:
            if row[1] == "本月预约挂号量":
                row[2] = 70000 + 100 * step  # a series that moves
        history.write_stored(store, digest)


def test_the_trends_window_at_120_months(tmp_path, monkeypatch):
    data = tmp_path / "data"
    months = synthetic_history(data, "2011-01", 120)
    store = tmp_path / "reports" / ".history"
    _store_history(data, store, months)
    monkeypatch.setenv("BULLETIN_HISTORY_DIR", str(store))
    monkeypatch.setattr(history, "compute", lambda m: pytest.fail(f"digest of {m.month} computed again"))
    m = bulletin.month("2020-12", data)
    table = trends.headline_table(m)
    assert list(table.columns) == [month_label(x) for x in months[-13:]]  # 2019-12 … 2020-12
    assert table.loc[("预约挂号", "本月预约挂号量（次）"), "2020年12月"] == "81,900"  # 70,000 + 100 × 119
    assert len(trends.leaders(m)) == 13
    for fig, points in ((trends.lead_chart(m), 13), (trends.lead_chart(m, months=None), 120)):
        for ax in fig.axes:
            assert len(ax.lines[0].get_ydata()) == points
            labels = [t.get_text() for t in ax.get_xticklabels()]
            assert 2 <= len(labels) <= 7 and labels[-1].startswith("12月")  # legible, and the month shown labelled
    assert "更早的月份见页末" in str(trends.span(m))
    # the analyst's API and the download hold every month
    assert bulletin.headlines(data_dir=data)["month"].nunique() == 120
    download = trends.history_download(m)
    assert download.filename == "bulletin-headlines-2011-01-2020-12.csv"
    assert trends.history_csv(m).count("本月预约挂号量") == 120


def test_the_downloadable_history_is_a_link_that_works_offline(tmp_path):
    """The page carries the CSV (a data: URL with the download attribute); a name from the data
    that a spreadsheet would run as a formula is written as text."""
    import base64
    import re

    import nbformat

    from bulletin.render.site.pages import section_page

    data = tmp_path / "data"
    synthetic_history(data, "2020-01", 2)
    edit_csv(data / "2020-02" / "telemedicine.csv", "南京市远程心电监测诊断平台", "=HYPERLINK(1)", count=99)
    m = bulletin.month("2020-02", data)
    bundle, meta = trends.history_download(m)._repr_mimebundle_()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
        "display_data", data=bundle, metadata=meta)])]
    page = section_page(nb, title="趋势", month="2020-02", with_code=False, stem="07_trends")
    link = re.search(r'<a href="data:text/csv;charset=utf-8;base64,([^"]+)" download="([^"]+)">', page)
    assert link and link.group(2) == "bulletin-headlines-2020-01-2020-02.csv"
    text = base64.b64decode(link.group(1)).decode("utf-8")
    assert text.startswith("\ufeff月份,板块,指标,数值,单位\n2020-01,12320卫生热线,12320卫生热线受理咨询电话,59507,个\n")
    assert "\n2020-02,预约挂号,本月预约挂号量,74217,次\n" in text
    assert ",'=HYPERLINK(1)" in text or "=HYPERLINK" not in text


