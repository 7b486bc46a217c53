"""The loaded month (``bulletin.month``) and the one shape every section shares.

A whole section run (every code cell of a section notebook, executed as papermill would) reads each
table file once, and the check report is computed once, whatever the number of views.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from helpers import REFERENCE_MONTH as FEB
from helpers import edit_csv, make_month

import bulletin
import bulletin.core.schema
from bulletin.data import store
from bulletin.sections import SECTIONS, with_headlines

matplotlib.use("Agg")


def _run_notebook(path: Path, month: str, data_dir: Path) -> dict:
    """Execute a notebook's code cells in this process with ``month`` and ``data_dir`` set
    (the parameters cell skipped), rendering each cell's value as a notebook would."""
    import matplotlib.pyplot as plt

    ns: dict = {}
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        if "parameters" in cell["metadata"].get("tags", []):
            ns.update(month=month, data_dir=data_dir)
            continue
        source = "".join(cell["source"]).rstrip()
        *body, last = source.split("\n")
        exec("\n".join(body), ns)
        try:
            value = eval(last, ns)
        except SyntaxError:
            exec(last, ns)
            value = None
        for method in ("_repr_html_", "_repr_markdown_", "__repr__"):
            if hasattr(value, method):
                getattr(value, method)()
        plt.close("all")
    return ns


@pytest.fixture
def counted(monkeypatch):
    """Counts every table-file read (``store.read_table``, by file) and every facts read."""
    reads: Counter = Counter()
    table, facts = store.read_table, store.read_facts

    def read_table(path, decl, **kw):
        reads[Path(path).parent.name + "/" + Path(path).name] += 1
        return table(path, decl, **kw)

    def read_facts(path, **kw):
        reads[Path(path).parent.name + "/" + Path(path).name] += 1
        return facts(path, **kw)

    monkeypatch.setattr(store, "read_table", read_table)
    monkeypatch.setattr(store, "read_facts", read_facts)
    return reads


@pytest.mark.parametrize("stem", [s.stem for s in SECTIONS])
def test_a_whole_section_run_reads_each_table_once(stem, data_copy, counted):
    make_month(data_copy, "2020-01")  # so that month-on-month reads the month before too
    notebook = next(s.notebook for s in SECTIONS if s.stem == stem)
    _run_notebook(notebook, FEB, data_copy)
    assert counted, "the run read nothing"
    assert max(counted.values()) == 1, counted
    assert any(k.startswith(f"{FEB}/") for k in counted)


def test_the_loaded_month():
    m = bulletin.month(FEB)
    assert m.month == FEB and m.previous is None and m.not_published == {}
    assert len(m.appointments) == 43 and int(m.facts["appointments.cumulative_total"]) == 18722617
    assert int(m.hotline_categories["count"].sum()) <= 59507
    assert m.kiosks["payment_yuan"].dtype == "float64" and m.kiosks["kiosks"].dtype == "Int64"
    assert round(m.kiosks["payment_yuan"].sum(), 2) == 51460109.85
    assert str(m.exact("kiosks")["payment_yuan"].sum()) == "51460109.85"  # Decimal, to the fen
    # a copy each time: changing it leaves the month as loaded
    frame = m.kiosks
    frame["kiosks"] = 0
    assert int(m.kiosks["kiosks"].sum()) == 1481
    report = m.check()
    assert report is m.check()  # computed once
    assert report.summary() == "2020年2月：0 个错误，25 个警告"
    with pytest.raises(AttributeError):
        m.no_such_table  # noqa: B018
    with pytest.raises(bulletin.BulletinDataError):
        bulletin.month("2019-01")


def test_previous_month_and_not_published(data_copy):
    jan = make_month(data_copy, "2020-01")
    (jan / "telemedicine_top_uploaders.csv").unlink()
    (jan / "not_published.csv").write_text(
        store.not_published_csv({"telemedicine_top_uploaders": "本月公报未列前三名"}), encoding="utf-8")
    m = bulletin.month(FEB, data_copy)
    assert m.previous is not None and m.previous.month == "2020-01"
    assert m.previous.not_published == {"telemedicine_top_uploaders": "本月公报未列前三名"}
    assert not m.previous.has("telemedicine_top_uploaders") and m.has("telemedicine_top_uploaders")
    with pytest.raises(bulletin.BulletinDataError, match="did not publish"):
        m.previous.telemedicine_top_uploaders  # noqa: B018


def test_every_section_has_the_same_shape():
    for sec in with_headlines():
        module = sec.module
        for name in ("headlines", "changes", "month_on_month"):
            assert callable(getattr(module, name, None)), (sec.name, name)
        head = module.headlines(bulletin.month(FEB))
        assert list(head.columns) == ["label", "value", "unit", "key"] and len(head) >= 1, sec.name
        assert head["label"].is_unique and head["unit"].map(lambda u: isinstance(u, str)).all(), sec.name
        assert module.changes(bulletin.month(FEB)) is None  # no January in the data


def test_renamed_unit_matches_through_the_alias_table(data_copy):
    """南京江北人民医院 (kiosks, February) was printed 南京市江北人民医院 in January: one unit."""
    from bulletin.sections import kiosks

    jan = make_month(data_copy, "2020-01")
    edit_csv(jan / "kiosks.csv", "hospital,南京江北人民医院,", "hospital,南京市江北人民医院,")
    (data_copy / "units.csv").write_text(
        (bulletin.core.paths.DEFAULT_DATA_DIR / "units.csv").read_text(encoding="utf-8"), encoding="utf-8")
    parts = dict(kiosks.month_on_month(bulletin.month(FEB, data_copy)).parts)
    table = parts["各单位投放台数"].set_index("单位")
    assert table.loc["南京江北人民医院", "环比变化"].startswith("0")
    assert "南京市江北人民医院" not in table.index
    assert not (table["环比变化"] == "新增").any()


def test_import_bulletin_is_light():
    code = ("import sys, bulletin; assert 'pandas' not in sys.modules; bulletin.months(); "
            "assert 'pandas' not in sys.modules; bulletin.load('kiosks', '2020-02'); assert 'pandas' in sys.modules; "
            "assert callable(bulletin.months) and callable(bulletin.month) and callable(bulletin.facts)")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_money_frame_is_everyday_pandas():
    m = bulletin.month(FEB)
    df = m.kiosks
    per = df["payment_yuan"] / df["payments"]
    assert per.isna().sum() == int(((df["payments"] == 0)).sum())
    assert isinstance(df.groupby("group")["payment_yuan"].sum(), pd.Series)


def test_a_table_missing_without_the_record_is_still_an_error(data_copy):
    from bulletin.sections import kiosks

    (data_copy / FEB / "kiosks.csv").unlink()
    with pytest.raises(bulletin.BulletinDataError, match="missing"):
        kiosks.usage_view(bulletin.month(FEB, data_copy))


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


def test_month_on_month_names_units_new_and_gone(data_copy):
    """A hospital dropped and one added between January and February: one line names them."""
    from bulletin.sections import appointments

    jan = make_month(data_copy, "2020-01")
    edit_csv(jan / "appointments.csv", "南京市儿童医院,", "某医院（某分院）,")
    comparison = appointments.month_on_month(bulletin.month(FEB, data_copy))
    assert comparison.changes_of_units[-1] == "本月新增：南京市儿童医院；本月不再出现：某医院（某分院）"
    assert "本月新增：南京市儿童医院" in repr(comparison)
    assert "<p>本月新增：南京市儿童医院；本月不再出现：某医院（某分院）</p>" in comparison._repr_html_()
