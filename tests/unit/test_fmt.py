"""Tests of ``bulletin.style.fmt``: numbers and tables as a reader sees them: the one formatting package, in
two styles."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from helpers import REFERENCE_MONTH
from money_scan import html_problems

import bulletin
from bulletin.sections import kiosks
from bulletin.style import fmt
from bulletin.style.fmt import printed


@pytest.mark.parametrize(("value", "unit", "form", "reader", "bulletin_style"), [
    (59507, "个", "", "59,507", "59507"),
    (51460109.85, "元", "", "51,460,109.85", "51460109.85"),
    (Decimal("166469"), "元", "", "166,469.00", "166469.00"),
    (43.521389606660926, "%", "", "43.5%", "43.5%"),  # a share in percent, as its unit says
    (4930000000, "条", "亿", "49.3亿", "49.3亿"),  # declared in 亿, as the bulletin prints it
    (pd.NA, "个", "", "未反馈", "未反馈"),
])
def test_both_styles_word_the_same_value(value, unit, form, reader, bulletin_style):
    assert fmt.figure(value, unit, form=form) == reader
    assert printed.figure(value, unit, form) == bulletin_style


def test_the_word_for_a_figure_not_reported_is_kept_once():
    from bulletin.core import missing, sheet_layout
    from bulletin.data import store

    assert missing.NOT_REPORTED == "未反馈" and fmt.NOT_REPORTED is missing.NOT_REPORTED
    assert not hasattr(store, "MISSING_TEXT") and "NOT_REPORTED" not in vars(sheet_layout)
    assert fmt.count(None) == missing.NOT_REPORTED  # what the store reads as missing is what outputs show


def test_tables_show_money_to_the_fen_whether_float_or_decimal():
    m = bulletin.month(REFERENCE_MONTH)
    row = kiosks.usage_view(m).iloc[0]
    assert row["挂号金额（元）"] == "166,469.00" and row["缴费金额（元）"] == "2,482,832.44"
    groups = kiosks.group_summary_view(m)
    assert groups.loc["各区", "挂号金额（元）"] == "140,350.00"
    assert groups.loc["合计", "缴费金额（元）"] == "51,460,109.85"
    frame = pd.DataFrame({"unit": ["a"], "payment_yuan": [0.5], "ratio": [0.5]})
    shown = fmt.table(frame)
    assert list(shown.iloc[0]) == ["a", "0.50", "0.5"]  # a money column by its name; other floats one decimal


def test_pages_show_the_sign_as_printed(month):
    shown = fmt.table(month.table("appointments"), "appointments")
    row = shown[shown["单位"] == "南京市第一医院"].iloc[0]
    assert row["诊间预约"] == "—"
    kiosks = fmt.table(month.table("kiosks"), "kiosks")
    row = kiosks[kiosks["单位"] == "玄武区"].iloc[0]
    assert (row["缴费（次）"], row["缴费金额（元）"]) == ("…", "—")
    hospitals = fmt.table(month.table("platform_hospitals"), "platform_hospitals")
    assert hospitals[hospitals["接入单位"] == "江苏省中医院"].iloc[0]["数据上传量"] == "—"
    # 未反馈 still reads 未反馈
    assert hospitals[hospitals["接入单位"] == "江苏省人民医院"].iloc[0]["申明上传表"] == "未反馈"


def test_the_scan_finds_money_short_of_the_fen(tmp_path):
    """The scanners themselves: an amount with one decimal, in a table or in prose, is found."""
    page = tmp_path / "p.html"
    page.write_text(
        "<table><thead><tr><th></th><th>单位</th><th>缴费金额（元）</th><th>缴费（次）</th></tr></thead>"
        "<tbody><tr><th>1</th><td>江苏省人民医院</td><td>2,482,832.4</td><td>5,592</td></tr>"
        "<tr><th>2</th><td>江苏省中医院</td><td>6,301,989.94</td><td>15,742</td></tr></tbody></table>"
        "<table><tbody><tr><td>自助缴费金额</td><td>51,460,109.9</td><td>元</td></tr></tbody></table>"
        "<p>共缴费5146万元，挂号6,477,159.42元。</p>",
        encoding="utf-8",
    )
    assert html_problems(page) == [
        "p.html: table column '缴费金额（元）': '2,482,832.4'",
        "p.html: table column '元': '51,460,109.9'",
        "p.html: text: '5146万元'",
    ]


def test_formatting_for_readers():
    assert fmt.count(18722617) == "18,722,617"
    assert fmt.count(pd.NA) == "未反馈"
    assert fmt.pct(30317 / 69660) == "43.5%"
    assert fmt.pct(5 / 16669) == "<0.1%"
    assert fmt.pct(float("nan")) == "—"
    assert fmt.yuan(Decimal("6477159.42")) == "6,477,159.42"
    assert fmt.yuan(Decimal("0.5"), unit=True) == "0.50元"
    assert fmt.change(1234, 0.0523) == "+1,234（+5.2%）"
    assert fmt.change(-56, -0.1) == "-56（-10.0%）"
    assert fmt.change(7, float("nan")) == "+7（—）"
    assert fmt.change(pd.NA, float("nan")) == "—"


def test_table_labels_and_na():
    frame = pd.DataFrame(
        {"hospital": ["甲医院", "乙医院"], "declared_tables": pd.array([3, None], dtype="Int64"), "share": [0.5, 0.25]}
    )
    out = fmt.table(frame, "platform_hospitals")
    assert list(out.columns) == ["接入单位", "申明上传表", "占比"]
    assert list(out["申明上传表"]) == ["3", "未反馈"]
    assert list(out["占比"]) == ["50.0%", "25.0%"]
    assert list(out.index) == ["1", "2"]
    html = out.to_html()
    assert "未反馈" in html and "0x" not in html
