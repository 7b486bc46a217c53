"""Tests of ``bulletin.data.loaded_month``: one loaded month: every table, the facts and the check report of
a month, each read once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from helpers import REFERENCE_MONTH as FEB
from helpers import edit_csv, heads, make_month, run_notebook_in_process

import bulletin
import bulletin.core.schema
from bulletin import month
from bulletin.data import store
from bulletin.sections import (
    SECTIONS,
    appointments,
    booking_channels,
    compare,
    data_platform,
    hotline,
    overview,
    telemedicine,
)

matplotlib.use("Agg")


def test_month_on_month_with_a_previous_month(data_copy):
    march = make_month(data_copy, "2020-03")
    edit_csv(march / "province_calls.csv", "南京,30317", "南京,33349")  # +3,032 = +10.0%
    edit_csv(march / "facts.csv", "hotline.province_total_calls,69660", "hotline.province_total_calls,72692")
    edit_csv(march / "booking_channels.csv", "微脉科技,5", "微脉科技,0")
    comparison = hotline.month_on_month(month("2020-03", data_copy))
    assert isinstance(comparison, compare.Comparison)
    parts = dict(comparison.parts)
    cities = parts["全省各市接听电话"].set_index("项目")
    assert cities.loc["南京", "环比变化"] == "+3,032（+10.0%）"
    assert cities.loc["苏州", "环比变化"] == "0（+0.0%）"
    heads = parts["主要指标"].set_index("指标")
    assert heads.loc["全省12320接听电话（人次）", "本月"] == "72,692"
    assert heads.loc["全省12320接听电话（人次）", "上月"] == "69,660"
    channels = dict(booking_channels.month_on_month(month("2020-03", data_copy)).parts)["各途径预约数量"]
    assert channels.set_index("途径").loc["微脉科技", "环比变化"] == "-5（-100.0%）"
    hospitals = dict(appointments.month_on_month(month("2020-03", data_copy)).parts)["各医院预约挂号量"]
    assert len(hospitals) == 43
    assert "与" in repr(overview.month_on_month(month("2020-03", data_copy)))
    assert "<h4>主要指标</h4>" in comparison._repr_html_()


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
    run_notebook_in_process(notebook, FEB, data_copy)
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


def test_money_frame_is_everyday_pandas():
    m = bulletin.month(FEB)
    df = m.kiosks
    per = df["payment_yuan"] / df["payments"]
    assert per.isna().sum() == int(((df["payments"] == 0)).sum())
    assert isinstance(df.groupby("group")["payment_yuan"].sum(), pd.Series)


def test_derived_frames_are_computed_once_a_month_and_handed_out_as_copies(monkeypatch):
    """data_platform.units and telemedicine.platforms are read by the headlines, the views, the
    charts and every document writer: each is computed once per loaded month (Month.derived), and
    a caller that changes its copy changes nothing for the next one."""
    from bulletin.render.documents import content

    calls: list[int] = []
    real = data_platform.lagging_reasons
    monkeypatch.setattr(data_platform, "lagging_reasons", lambda df, days: calls.append(len(df)) or real(df, days))
    m = month(FEB)
    first = data_platform.units(m, "hospital")
    first.loc[:, "records"] = -1  # the caller's copy only
    again = data_platform.units(m, "hospital").set_index("unit")
    assert again.at["南京市职业病防治院", "records"] == 6253 and again.at["中科院皮研所", "lagging_reasons"] == \
        "无数据上传、上传表完整率偏低"
    doc = content.build_from(m)  # the PDF's and Word file's content: 本月要点 and each chapter
    assert doc.chapters[0].title.endswith(content.HEADLINES_TITLE)
    assert heads(data_platform, m)["医院·申明上传表未反馈"] == 8
    assert heads(telemedicine, m)["暂停服务的平台数"] == 1 == telemedicine.paused_count(m)
    assert sorted(calls) == [12, 25]  # one district table, one hospital table: once each in the month
