"""Tests of ``bulletin.sections.hotline``: 12320卫生热线: calls by category as printed, and the province's
calls by city."""

from __future__ import annotations

import pytest
from helpers import (
    CALLS,
    CALLS_PCT,
    CALLS_SAID,
    PROVINCE_TICKETS_SAID,
    TICKETS_SAID,
)
from helpers import REFERENCE_MONTH as FEB
from helpers import REFERENCE_MONTH as M

import bulletin
from bulletin import month
from bulletin.core.comparisons import YEAR_ON_YEAR
from bulletin.sections import hotline, overview, telemedicine
from bulletin.style import fmt


def test_hotline_shows_only_the_printed_categories_and_the_remainder_as_derived(data_dir):
    m = month(M, data_dir)
    frame = hotline.categories(m)
    # the seven categories the bulletin prints, in its order: no invented 其他 row
    assert list(frame["category"]) == ["咨询类（不含专家咨询）", "医疗服务投诉", "电话预约", "专家在线答疑",
                                       "心理危机干预", "医院满意度调查（呼入）", "自助语音问答"]
    assert int(frame["count"].sum()) == 31969 < 59507
    phone = frame.set_index("category").loc["电话预约"]
    assert int(phone["count"]) == 26097
    assert fmt.pct(phone["share"]) == "43.9%"  # of the stated total, 59,507
    assert list(hotline.categories_ranked(m)["category"])[0] == "电话预约"
    assert len(hotline.categories_view(m)) == 7
    r = hotline.unlisted(m)
    assert (r["total"], r["listed"], r["value"]) == (59507, 31969, 27538)
    note = str(hotline.unlisted_note(m))
    assert note.startswith("计算所得（总量减列明类别之和）")
    assert "59,507" in note and "31,969" in note and "27,538" in note and "46.3%" in note
    fig = hotline.categories_chart(m)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(labels) == 7 and not any("其他" in t for t in labels)


def test_hotline_province_and_nanjing_share(data_dir):
    frame = hotline.province(month(M, data_dir))
    assert list(frame["city"][:2]) == ["南京", "苏州"]
    assert int(frame["calls"].sum()) == 69660
    assert hotline.nanjing_share(month(M, data_dir)) == pytest.approx(30317 / 69660)
    assert fmt.pct(hotline.nanjing_share(month(M, data_dir))) == "43.5%"
    head = hotline.headlines(month(M, data_dir)).set_index("label")
    assert head.loc["12320卫生热线受理咨询电话"].to_list() == [59507, "个", "hotline.total_calls"]
    assert head.loc["其中南京"].to_list() == [30317, "人次", "hotline.nanjing_calls"]
    assert head.loc["南京占全省电话量", "unit"] == "%"


def test_the_section_pages_show_yoy_beside_each_headline(two_years):
    m = bulletin.month(FEB, two_years)
    ch = hotline.changes(m, YEAR_ON_YEAR).set_index("label")
    assert ch.loc["12320卫生热线受理咨询电话（个）", ["value", "previous", "change"]].tolist() == [59507, 50000, CALLS]
    assert ch.loc["12320卫生热线受理咨询电话（个）", "change_pct"] == pytest.approx(CALLS_PCT, abs=1e-12)
    assert hotline.changes(m) is None  # no January 2020: no 环比
    view = hotline.month_on_month(m)
    assert repr(view).startswith("2020年2月与2019年2月（同比）比较\n"
                                 "数据中没有上月（2020年1月）的数据，本月不作环比比较。")
    head = dict(view.parts)["主要指标"].set_index("指标")
    assert list(head.columns) == ["本月", "上年同月", "同比变化"]
    assert head.loc["12320卫生热线受理咨询电话（个）"].tolist() == ["59,507", "50,000", CALLS_SAID]
    assert head.loc["受理市12345工单（件）", "同比变化"] == TICKETS_SAID
    assert head.loc["受理省12345工单（件）", "同比变化"] == PROVINCE_TICKETS_SAID
    assert dict(view.parts)["全省各市接听电话"].set_index("项目").loc["南京", "同比变化"] == "0（+0.0%）"
    every = dict(overview.month_on_month(m).parts)["主要指标"].set_index("指标")
    assert every.loc["12320卫生热线受理咨询电话（个）", "同比变化"] == CALLS_SAID
    assert every.loc["自助缴费金额（元）"].tolist() == ["51,460,109.85", "51,460,109.85", "0.00（+0.0%）"]
    platforms = dict(telemedicine.month_on_month(m).parts)["各平台指标"].set_index("平台·指标")
    assert platforms.loc["心电监测诊断·本月采集心电病例", "同比变化"] == "0（+0.0%）"


def test_without_the_month_a_year_earlier_nothing_says_yoy(data_copy):
    m = bulletin.month(FEB, data_copy)
    for module in (hotline, overview, telemedicine):
        assert str(module.month_on_month(m)) == "数据中没有上月（2020年1月）的数据，本月不作环比比较。"
    assert hotline.changes(m, YEAR_ON_YEAR) is None
    assert overview.compared_texts(m) == []
