"""Tests of ``bulletin.sections.data_platform``: 卫生信息平台数据采集: completeness, upload days and volumes of
districts and hospitals."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import REFERENCE_MONTH as FEB
from helpers import _row, edit_csv, heads, ingest_march, march, raw_text, replace_once

from bulletin import month
from bulletin.checks import check_month
from bulletin.data.loaders import load
from bulletin.sections import data_platform, kiosks, telemedicine


def test_a_hospital_not_reporting_any_figure_is_checked_and_charted(data):
    row = "\t江苏省中医院\n\t26/83\n\t13\n\t4960336\n\t29\n\t109031\n\t1455\n"
    blank = "\t江苏省中医院\n\t未反馈/未反馈\n" + "\t未反馈\n" * 5
    ingest_march(data, march(replace_once(raw_text(), row, blank)))
    report = check_month("2020-03", data)
    assert report.exit_code == 0
    columns = ("declared_tables", "required_tables", "uploaded_tables", "records", "upload_days",
               "outpatient_visits", "discharges")
    found = {f.column for f in report.warnings if f.unit == "江苏省中医院" and f.rule == "not_reported"}
    assert found == set(columns)
    from bulletin import month
    from bulletin.sections import data_platform

    hospitals = load("platform_hospitals", "2020-03", data)
    fig = data_platform.records_chart(month("2020-03", data), "hospital")
    assert len(fig.axes[0].patches) == len(hospitals) - 1  # no bar for the hospital that did not report
    fig = data_platform.upload_days_chart(month("2020-03", data), "hospital")
    assert len(fig.axes[0].patches) == len(hospitals) - 1


def test_district_completeness():
    d = data_platform.units(month(FEB), "district").set_index("unit")
    assert len(d) == 12
    assert (d.at["江宁区", "uploaded_tables"], d.at["江宁区", "required_tables"]) == (52, 129)
    assert round(d.at["江宁区", "uploaded_share"] * 100, 1) == 40.3
    assert round(d.at["鼓楼区", "declared_share"] * 100, 1) == 57.4  # 74/129
    assert (d["days_in_month"] == 29).all()
    assert d.at["秦淮区", "upload_days"] == 6
    assert d.at["江宁区", "records"] == 6188332


def test_hospital_not_reported_stays_missing():
    h = data_platform.units(month(FEB), "hospital").set_index("unit")
    assert len(h) == 25
    assert pd.isna(h.at["江苏省人民医院", "declared_tables"])
    assert pd.isna(h.at["江苏省人民医院", "declared_share"])  # 未反馈, not 0
    assert not h.at["江苏省人民医院", "declared_reported"]
    assert h.at["江苏省人民医院", "uploaded_share"] == pytest.approx(50 / 83)
    missing = data_platform.not_reported(month(FEB), "hospital")
    assert len(missing) == 8 and "中科院皮研所" in missing and "南京鼓楼医院" not in missing


def test_lagging_rule():
    d = data_platform.lagging(month(FEB), "district")
    assert d["unit"].to_list() == ["秦淮区"]  # 6 of 29 days
    assert d.at[0, "lagging_reasons"] == "上传天数偏少"
    h = data_platform.lagging(month(FEB), "hospital").set_index("unit")["lagging_reasons"]
    assert h["中科院皮研所"] == "无数据上传、上传表完整率偏低"
    assert "南京市职业病防治院" not in h.index  # 0 upload days yet 6,253 records: doubtful, not judged
    assert h["江苏省第二中医院"] == "上传天数偏少"  # 20 of 29 days
    assert h["江苏省中医院"] == "上传表完整率偏低"  # 13 of 83 tables
    assert "南京鼓楼医院" not in h.index


def test_a_judgement_never_contradicts_a_figure_of_its_own_row():
    """南京市职业病防治院: 0 upload days yet 6,253 records. That is a data-quality finding, not 无数据上传
    (nor 全月无上传 on the chart); every judgement is headed as the package's own."""
    m = month(FEB)
    h = data_platform.units(m, "hospital").set_index("unit")
    assert (h.at["南京市职业病防治院", "upload_days"], h.at["南京市职业病防治院", "records"]) == (0, 6253)
    assert h.at["南京市职业病防治院", "data_issue"] == "上传天数为0，却有数据上传量6,253条"
    assert not h.at["南京市职业病防治院", "lagging"]
    assert h.at["中科院皮研所", "data_issue"] == ""  # 0 days and 0 records agree: 无数据上传 stands
    for view in (data_platform.lagging_view(m), data_platform.completeness_view(m, "hospital")):
        judged = next(c for c in view.columns if c.startswith("本包判断"))
        records = next(c for c in view.columns if c.startswith("数据上传量"))
        row = view[view.iloc[:, 1 if view.columns[0] == "层级" else 0] == "南京市职业病防治院"].iloc[0]
        assert row[judged] == "数据存疑：上传天数为0，却有数据上传量6,253条"
        # no row says 无数据上传 beside records uploaded
        assert not [r for r, j in zip(view[records], view[judged], strict=True) if "无数据上传" in j and r != "0"]
    fig = data_platform.upload_days_chart(m, "hospital")
    notes = [t.get_text() for t in fig.axes[0].texts]
    assert "0/29（数据存疑：上传天数为0，却有数据上传量6,253条）" in notes
    assert [t for t in notes if "全月无上传" in t] == ["0/29（全月无上传）"]  # 中科院皮研所: 0 days, 0 records
    assert "不是简报的表述" in str(data_platform.lagging_rule())
    # idle kiosks are the package's judgement too, with their rule, in the column that says so
    idle = kiosks.idle_view(m)
    assert set(idle["本包判断"]) == {"整月闲置：已投放终端，本月挂号、缴费均为0次"} and len(idle) == 13
    usage = kiosks.usage_view(m, "hospital")
    assert usage.columns[-1] == "本包判断（闲置、均价异常）" and "标记" not in usage.columns
    title = kiosks.uses_per_kiosk_chart(m, "hospital").axes[0].get_title(loc="left")
    assert "“闲置”为本包判断" in title, title


def test_figures_that_disagree_get_a_finding_not_a_lagging_reason():
    df = pd.DataFrame({"upload_days": pd.array([0, 5, 0, 0], dtype="Int64"),
                       "records": pd.array([6253, 0, 0, pd.NA], dtype="Int64"),
                       "uploaded_share": pd.array([0.5] * 4, dtype="Float64")})
    assert list(data_platform.data_issues(df)) == [
        "上传天数为0，却有数据上传量6,253条", "数据上传量为0，却有上传天数5天", "", ""]
    # 0 days and 0 records agree (无数据上传); so do 0 days with the records 未反馈
    assert list(data_platform.lagging_reasons(df, 29)) == ["", "", "无数据上传", "无数据上传"]


def test_a_computed_total_says_so_once():
    """The bulletin prints no 合计 for the districts' health records: the page's row is computed and
    says it once (合计（计算所得）), its district cell blank, not 合计 | 合计."""
    view = data_platform.ehr_view(month(FEB))
    assert view.index[-1] == "合计（计算所得）"
    last = list(view.iloc[-1])
    assert last == ["", "6,359,529", "450,370", "153,568"]
    assert not [i for i, row in view.iterrows() if "合计" in i and "合计" in row.iloc[0]]


def test_platform_headline_and_cumulative():
    assert data_platform.cumulative_records(month(FEB)) == 4_930_000_000
    head = heads(data_platform, month(FEB))
    assert head["接入区数"] == 12 and head["接入医院数"] == 25
    assert head["截止月底累计校验入库数据"] == 4_930_000_000
    assert head["医院·申明上传表未反馈"] == 8
    districts = data_platform.units(month(FEB), "district")
    hospitals = data_platform.units(month(FEB), "hospital")
    assert head["本月数据上传量"] == districts["records"].sum() + hospitals["records"].sum()
    ehr = data_platform.ehr_totals(month(FEB))
    assert ehr["ehr_basic"] == districts["ehr_basic"].sum()
    assert ehr["ehr_hypertension"] == 450370


def test_data_platform_month_on_month(two_months):
    ch = data_platform.changes(month(FEB, two_months)).set_index("label")
    assert ch.at["本月数据上传量（条）", "change"] == 188332
    assert not [k for k in ch.index if "已上传表合计" in k]  # a sum of table counts across units is no figure
    view = data_platform.month_on_month(month(FEB, two_months))
    parts = dict(view.parts)
    assert _row(parts["主要指标"], "本月数据上传量（条）")["环比变化"] == "+188,332（+0.3%）"
    records = parts["区·数据上传量"]
    assert _row(records, "江宁区")["上月"] == "6,000,000"
    assert _row(records, "江宁区")["环比变化"] == "+188,332（+3.1%）"
    assert _row(parts["区·已上传表（CDA文档）"], "江宁区")["环比变化"] == "+12（+30.0%）"
    assert _row(records, "鼓楼区")["环比变化"] == "0（+0.0%）"
    assert len(parts["医院·数据上传量"]) == 25


def test_units_added_or_dropped_between_months(two_months):
    """A hospital gone since January and one renamed: 新增 / 本月无 in every unit table, no NaN."""
    jan = two_months / "2020-01"
    edit_csv(jan / "platform_hospitals.csv", "中科院皮研所,,83,0,0,0,0,0\n", "")
    edit_csv(jan / "kiosks.csv", "hospital,南京市口腔医院,", "hospital,南京市口腔医院（本部）,")
    parts = dict(data_platform.month_on_month(month(FEB, two_months)).parts)
    assert _row(parts["医院·数据上传量"], "中科院皮研所")["环比变化"] == "新增"
    money = dict(kiosks.month_on_month(month(FEB, two_months)).parts)["各单位缴费金额（元）"]
    assert _row(money, "南京市口腔医院")["环比变化"] == "新增"
    gone = _row(money, "南京市口腔医院（本部）")
    assert (gone["本月"], gone["上月"], gone["环比变化"]) == ("—", "0.00", "本月无")
    for module in (data_platform, kiosks, telemedicine):
        text = repr(module.month_on_month(month(FEB, two_months)))
        assert "nan" not in text.lower() and "<NA>" not in text


def test_rules_read_from_the_thresholds_the_code_applies():
    lag = str(data_platform.lagging_rule())
    assert "当月天数的 80%（上传天数偏少）" in lag and "中位数的一半" in lag
    rule = str(kiosks.outlier_rule())
    assert "3.5 个稳健标准差" in rule and "至少 5 倍" in rule and "不足 30 次" in rule


@pytest.mark.parametrize("level", ["district", "hospital"])
def test_completeness_threshold_line_is_drawn_over_the_bars(level):
    """The axis says 虚线：同级中位数的一半: the dashed line is drawn at half the peers' median, over
    every bar (behind them, the districts' line, 20.0% under bars of 22.5% to 60.5%, showed nowhere)."""
    m = month(FEB)
    fig = data_platform.completeness_chart(m, level)
    ax = fig.axes[0]
    limit = data_platform.completeness_threshold(data_platform.units(m, level))
    assert level != "district" or round(limit, 4) == 0.1996  # half of 51/129 and 52/129's median
    (line,) = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
    assert list(line.get_xdata()) == [limit, limit]
    assert "同级中位数的一半" in ax.get_xlabel()
    assert all(line.get_zorder() > bar.get_zorder() for bar in ax.patches), "the line is not hidden by a bar"
    assert all(text.get_zorder() > line.get_zorder() for text in ax.texts), "the value labels stay readable"
