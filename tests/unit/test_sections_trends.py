"""Tests of ``bulletin.sections.trends``: 趋势: the months of the data up to the month shown, side by
side, read from the months' digests."""

from __future__ import annotations

import json
import math
from pathlib import Path

import matplotlib
import pytest
from helpers import REFERENCE_MONTH as FEB
from helpers import edit_csv, make_month, synthetic_history

import bulletin
import bulletin.core.schema
from bulletin import history
from bulletin.core.month_strings import month_label
from bulletin.sections import trends

matplotlib.use("Agg")


@pytest.mark.usefixtures("_stable_code_hash")
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


@pytest.mark.usefixtures("_stable_code_hash")
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


def test_trends_over_three_months(data_copy):
    """January, February and a March whose Nanjing calls rose: the trend views hold each month."""
    from bulletin.sections import trends

    make_month(data_copy, "2020-01")
    march = make_month(data_copy, "2020-03")
    edit_csv(march / "province_calls.csv", "南京,30317", "南京,33349")
    m = bulletin.month("2020-03", data_copy)
    assert str(trends.span(m)) == "以下显示2020年1月至2020年3月的 3 个月（数据中截至本月共有 3 个月，起于2020年1月）。"
    table = trends.headline_table(m)
    assert list(table.columns) == ["2020年1月", "2020年2月", "2020年3月"]
    assert list(table.loc[("12320卫生热线", "其中南京（人次）")]) == ["30,317", "30,317", "33,349"]
    ytd = trends.year_to_date(m).set_index("指标")
    assert ytd.columns[-1] == "2020年累计（2020年1月至2020年3月）"  # sums three months: a 累计
    assert ytd.loc["12320卫生热线受理咨询电话"].iloc[-1] == "178,521 个"  # 3 × 59,507
    assert ytd.loc["自助缴费金额"].iloc[-1] == "154,380,329.55 元"  # 3 × 51,460,109.85, to the fen
    assert "截止月底累计预约挂号量" not in ytd.index and "投放终端" not in ytd.index
    lead = trends.leaders(m)
    assert list(lead.index) == ["2020年1月", "2020年2月", "2020年3月"]
    assert lead.loc["2020年3月", "预约挂号·预约量最多的医院"].startswith("南京市儿童医院（18,417次）")
    fig = trends.headline_chart(m, "hotline")
    assert len(fig.axes) == 5 and fig.axes[0].get_title(loc="left") == "12320卫生热线受理咨询电话（个）"
    nanjing = next(ax for ax in fig.axes if ax.get_title(loc="left") == "其中南京（人次）")
    assert list(nanjing.lines[0].get_ydata()) == [30317, 30317, 33349]
    lead_chart = trends.lead_chart(m)  # the page's chart: each section's lead figure
    assert [ax.get_title(loc="left") for ax in lead_chart.axes][:2] == [
        "12320卫生热线·12320卫生热线受理咨询电话（个）", "预约挂号·本月预约挂号量（次）"]


def test_trends_with_one_month_say_there_is_nothing_to_compare():
    from bulletin.sections import trends

    m = bulletin.month(FEB)
    assert str(trends.span(m)) == "数据中只有2020年2月一个月，还没有可以比较的趋势。"  # said once
    assert trends.headline_chart(m, "kiosks") is None  # no line of one point under every chart
    # the page's chart heading is not left over nothing: a line says when the chart comes
    assert trends.lead_chart(m) is None and str(trends.lead_chart_or_note(m)) == (
        "只有2020年2月一个月，没有走势可画；数据中有了第二个月，这里按月画出各板块的主要指标。")
    # the tables still show the month's own figures
    table = trends.headline_table(m).to_string()
    assert "59,507" in table and "51,460,109.85" in table
    assert "49.3亿" in table and "4,930,000,000" not in table  # as the bulletin prints it, not falsely exact
    assert "59,507" in trends.year_to_date(m).to_string()
    # a column that holds one month is headed by that month, never as a 累计
    ytd = trends.year_to_date(m)
    assert ytd.columns[-1] == "2020年2月" and set(ytd["月数"]) == {"1 个月"}
    assert not any("累计" in c for c in ytd.columns)
    assert len(trends.leaders(m)) > 0
