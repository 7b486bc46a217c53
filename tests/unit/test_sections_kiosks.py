"""Tests of ``bulletin.sections.kiosks``: 自助智能医疗服务终端: use of the self-service kiosks by hospital and by
district."""

from __future__ import annotations

from decimal import Decimal

import matplotlib
import pandas as pd
import pytest
from helpers import REFERENCE_MONTH as FEB
from helpers import _row, edit_csv, heads, make_month

import bulletin
import bulletin.core.schema
from bulletin import month
from bulletin.sections import kiosks, model

matplotlib.use("Agg")


def test_kiosk_totals_tie_out_exactly():
    t = kiosks.totals(month(FEB)).set_index("column")
    assert t.at["kiosks", "stated"] == 1481 and t.at["kiosks", "summed"] == 1481
    assert t.at["registrations", "summed"] == 131430
    assert t.at["registration_yuan", "summed"] == Decimal("6477159.42")
    assert t.at["payments", "summed"] == 159858
    assert t.at["payment_yuan", "summed"] == Decimal("51460109.85")
    assert isinstance(t.at["payment_yuan", "summed"], Decimal)
    assert t["matches"].all()


def test_kiosk_usage_and_averages():
    h = kiosks.usage(month(FEB), "hospital").set_index("unit")
    d = kiosks.usage(month(FEB), "district").set_index("unit")
    assert (len(h), len(d)) == (37, 12)
    assert h.at["江苏省人民医院", "uses_per_kiosk"] == pytest.approx((7973 + 5592) / 200)
    assert h.at["江苏省中医院", "avg_registration_yuan"] == pytest.approx(4705865.42 / 23542)
    assert h.at["南京市儿童医院", "avg_payment_yuan"] == pytest.approx(13497811.90 / 67453)
    # no kiosk, no ratio (not 0, not infinity)
    assert pd.isna(h.at["南京市中心医院", "uses_per_kiosk"])
    assert pd.isna(d.at["玄武区", "avg_payment_yuan"])


def test_kiosk_views_show_money_to_the_fen():
    view = kiosks.usage_view(month(FEB), "hospital").set_index("医疗单位")
    assert view.at["江苏省人民医院", "缴费金额（元）"] == "2,482,832.44"
    assert view.at["江苏省人民医院", "挂号金额（元）"] == "166,469.00"
    summary = kiosks.group_summary_view(month(FEB))
    assert summary.at["医疗单位", "缴费金额（元）"] == "48,925,725.59"
    assert summary.at["合计", "挂号金额（元）"] == "6,477,159.42"
    assert summary.at["合计", "缴费金额（元）"] == "51,460,109.85"


def test_idle_kiosks():
    idle = kiosks.idle(month(FEB))
    assert len(idle) == 13
    assert idle.iloc[0].to_dict() == {"group": "hospital", "unit": "东部战区总医院", "kiosks": 82}
    assert "建邺区" in idle["unit"].to_list()
    # no kiosk installed is not idle
    assert "南京市中心医院" not in idle["unit"].to_list() and "鼓楼区" not in idle["unit"].to_list()
    summary = kiosks.group_summary(month(FEB))
    assert summary.at["合计", "idle_kiosks"] == idle["kiosks"].sum() == 144
    assert summary.at["合计", "registration_yuan"] == 6477159.42  # yuan, rounded to the fen
    assert summary.at["医疗单位", "kiosks"] == 1160 and summary.at["各区", "kiosks"] == 321


def test_kiosk_outliers_are_those_the_check_flags():
    from bulletin.checks import check_month

    flagged = kiosks.outliers(month(FEB))
    assert set(zip(flagged["unit"], flagged["column"], strict=True)) == {
        ("江苏省中医院", "registration_yuan"),
        ("江苏省肿瘤医院", "payment_yuan"),
        ("南京市妇幼保健院", "payment_yuan"),
    }
    warned = {(f.unit, f.column) for f in check_month(FEB).warnings if f.rule == "average_outlier"}
    assert warned == set(zip(flagged["unit"], flagged["column"], strict=True))
    h = kiosks.usage(month(FEB), "hospital").set_index("unit")
    assert h.at["江苏省中医院", "registration_outlier"] and not h.at["江苏省中医院", "payment_outlier"]
    assert h.at["南京市妇幼保健院", "payment_outlier"]
    assert flagged.set_index("unit").at["江苏省肿瘤医院", "average"] == Decimal("1393.43")


def test_kiosk_headline():
    head = heads(kiosks, month(FEB))
    assert head["投放终端"] == 1481
    assert head["自助缴费金额"] == 51460109.85  # float yuan, summed from the rows and rounded to the fen
    assert "闲置终端的单位数" not in head  # a judgement of the package, not a headline
    found = model.judgements(month(FEB), kiosks.FIGURES).set_index("key")
    assert found.at["kiosks.idle_units", "value"] == 13 and found.at["kiosks.idle_kiosks", "value"] == 144
    assert "本项目的判断" in found.at["kiosks.idle_units", "rule"]


def test_kiosks_month_on_month(two_months):
    ch = kiosks.changes(month(FEB, two_months)).set_index("label")
    assert ch.at["自助缴费金额（元）", "change"] == 482832.44
    assert ch.at["自助缴费金额（元）", "previous"] == pytest.approx(50977277.41, abs=0.005)
    assert ch.at["投放终端（台）", "change"] == 20
    assert ch.at["自助缴费（次）", "change"] == 592
    parts = dict(kiosks.month_on_month(month(FEB, two_months)).parts)
    # the headline's money to the fen too (float yuan, not Decimal: once shown as 51,460,109.9, +482,832)
    head = _row(parts["主要指标"], "自助缴费金额（元）")
    assert (head["本月"], head["上月"], head["环比变化"]) == ("51,460,109.85", "50,977,277.41", "+482,832.44（+0.9%）")
    money = _row(parts["各单位缴费金额（元）"], "江苏省人民医院")
    assert (money["本月"], money["上月"]) == ("2,482,832.44", "2,000,000.00")
    assert money["环比变化"] == "+482,832.44（+24.1%）"
    assert _row(parts["各单位投放台数"], "江苏省人民医院")["环比变化"] == "+20（+11.1%）"
    assert len(parts["各单位投放台数"]) == 49


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


def test_a_table_missing_without_the_record_is_still_an_error(data_copy):
    from bulletin.sections import kiosks

    (data_copy / FEB / "kiosks.csv").unlink()
    with pytest.raises(bulletin.BulletinDataError, match="missing"):
        kiosks.usage_view(bulletin.month(FEB, data_copy))
