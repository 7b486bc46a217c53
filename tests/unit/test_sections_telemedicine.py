"""Tests of ``bulletin.sections.telemedicine``: 远程医疗: the four telemedicine platforms side by side, and
the top uploaders."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import ECG, NEW_PLATFORM, _row, heads, ingest_march, march, raw_text, replace_once
from helpers import REFERENCE_MONTH as FEB

from bulletin import month
from bulletin.sections import data_platform, kiosks, telemedicine


def test_a_new_platform_is_shown_by_the_telemedicine_section(data):
    text = raw_text()
    image = next(ln for ln in text.split("\n") if ln.startswith("南京市远程影像诊断平台"))
    ingest_march(data, march(replace_once(text, image + "\n", image + "\n\n" + NEW_PLATFORM)))
    from bulletin import month
    from bulletin.sections import telemedicine

    wide = telemedicine.platforms(month("2020-03", data))
    assert wide.index.tolist()[-1] == "南京市远程病理诊断平台" and len(wide) == 5
    assert wide.loc["南京市远程病理诊断平台", "institutions"] == 15
    assert wide.loc["南京市远程病理诊断平台", "monthly_volume"] == 1234
    assert wide.loc["南京市远程心电监测诊断平台", "ecg_cases"] == 33472


LAB = "南京市远程临检诊断平台"


IMAGING = "南京市远程影像诊断平台"


CONSULT = "南京市远程医学会诊平台"


def test_platforms_side_by_side():
    wide = telemedicine.platforms(month(FEB))
    assert list(wide.index) == [CONSULT, ECG, LAB, IMAGING]
    assert wide["institutions"].to_list() == [47, 149, 118, 178]
    assert wide.at[ECG, "ecg_cases"] == 33472
    assert wide.at[ECG, "consultations"] == 33
    assert wide.at[LAB, "lab_reports"] == 287930
    assert wide.at[LAB, "specimens_routed"] == 2103
    assert wide.at[CONSULT, "consultations_cumulative"] == 109
    assert wide.at[CONSULT, "institutions_secondary_plus"] == 22
    # a measure a platform does not state is missing, not 0
    assert pd.isna(wide.at[IMAGING, "ecg_cases"])


def test_imaging_platform_is_paused():
    wide = telemedicine.platforms(month(FEB))
    assert wide["status"].to_list() == ["运行", "运行", "运行", "暂停"]
    view = telemedicine.overview(month(FEB))
    assert view.loc["运行状态", IMAGING] == "暂停"
    assert view.loc["累计接入医疗机构（家）", IMAGING] == 178
    assert "暂停数据采集及服务（1=暂停）" not in view.index
    assert heads(telemedicine, month(FEB))["暂停服务的平台数"] == 1


def test_volumes_and_headline():
    vol = telemedicine.volumes(month(FEB))
    stated = vol.dropna(subset=["value"]).set_index("measure")["value"]
    assert stated.to_dict() == {"ecg_cases": 33472, "consultations": 33, "lab_reports": 287930,
                                "specimens_routed": 2103}
    # the paused platform is listed without a volume
    assert vol.loc[vol["platform"] == IMAGING, "value"].isna().all()
    head = heads(telemedicine, month(FEB))
    assert head["心电监测诊断·本月采集心电病例"] == 33472
    assert head["临检诊断·本月采集检验报告"] == 287930
    # the qualifier the bulletin prints beside the figure stays with it, in its label
    assert head["医学会诊·累计会诊（未通过平台申请的会诊未统计在内）"] == 109 and head["暂停服务的平台数"] == 1


def test_every_qualifier_is_shown_next_to_its_figure():
    view = telemedicine.overview_view(month(FEB))
    assert view.at["累计会诊（次）", "医学会诊平台"] == "109（未通过平台申请的会诊未统计在内）"
    assert view.at["联通城市（个）", "心电监测诊断平台"] == "4（南京市、马鞍山市、镇江市和扬州市）"
    assert view.at["覆盖区（个）", "心电监测诊断平台"] == "10（覆盖10个区的社区卫生服务中心）"
    assert view.at["覆盖区（个）", "临检诊断平台"] == "7（覆盖市内7个区）"
    assert view.at["其中：二级以上医疗机构（家）", "医学会诊平台"] == "22（南京市内）"
    assert view.at["其中：二级以上医疗机构（家）", "临检诊断平台"] == "17"  # printed without a scope
    assert view.at["运行状态", "影像诊断平台"] == "暂停（影像系统因数据中心库受病毒影响，系统暂未恢复，暂停数据采集及服务）"  # noqa: E501
    vol = telemedicine.volumes_view(month(FEB)).set_index("平台")
    assert vol.at[IMAGING, "指标"].startswith("影像系统因数据中心库受病毒影响")


def test_top_uploaders():
    top = telemedicine.top_uploaders(month(FEB))
    ecg = top[top["platform"] == ECG]
    assert ecg["hospital"].to_list() == ["江苏省人民医院", "南京鼓楼医院", "南京市妇幼保健院"]
    assert ecg["count"].to_list() == [6477, 4857, 4049]
    lab = top[top["platform"] == LAB].set_index("rank")
    assert (lab.at[1, "hospital"], lab.at[1, "count"]) == ("南京市第一医院", 63123)
    assert lab.at[1, "share"] == pytest.approx(63123 / 287930)
    assert ecg["share"].iloc[0] == pytest.approx(6477 / 33472)


def test_no_previous_month_is_one_line(data_dir):
    for module in (telemedicine, data_platform, kiosks):
        note = module.month_on_month(month(FEB, data_dir))
        assert str(note) == "数据中没有上月（2020年1月）的数据，本月不作环比比较。"
        assert module.changes(month(FEB, data_dir)) is None


def test_telemedicine_month_on_month(two_months):
    ch = telemedicine.changes(month(FEB, two_months)).set_index("label")
    assert ch.at["心电监测诊断·本月采集心电病例（份）", "previous"] == 30000
    assert ch.at["心电监测诊断·本月采集心电病例（份）", "change"] == 3472
    assert ch.at["心电监测诊断·本月采集心电病例（份）", "change_pct"] == pytest.approx(3472 / 30000)
    assert ch.at["临检诊断·本月采集检验报告（份）", "change"] == 0
    view = telemedicine.month_on_month(month(FEB, two_months))
    (title, table), = view.parts
    assert _row(table, "心电监测诊断·本月采集心电病例")["环比变化"] == "+3,472（+11.6%）"
