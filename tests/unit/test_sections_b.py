"""Sections 04 远程医疗, 05 卫生信息平台数据采集, 06 自助智能医疗服务终端, against the February 2020 figures."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from helpers import REFERENCE_MONTH as FEB
from helpers import edit_csv, make_month

from bulletin import month
from bulletin.sections import data_platform, kiosks, model, telemedicine


def heads(module, m) -> dict[str, object]:
    """A section's ``headlines(m)`` as ``{label: value}``, every row labelled and with a unit column."""
    frame = module.headlines(m)
    assert list(frame.columns) == ["label", "value", "unit", "key"]
    assert frame["label"].is_unique
    return dict(zip(frame["label"], frame["value"], strict=True))

ECG = "南京市远程心电监测诊断平台"
LAB = "南京市远程临检诊断平台"
IMAGING = "南京市远程影像诊断平台"
CONSULT = "南京市远程医学会诊平台"


# ---------------------------------------------------------------- 04 远程医疗


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


# ---------------------------------------------------------------- 05 卫生信息平台数据采集


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


# ---------------------------------------------------------------- 06 自助智能医疗服务终端


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


# ---------------------------------------------------------------- month-on-month


def test_no_previous_month_is_one_line(data_dir):
    for module in (telemedicine, data_platform, kiosks):
        note = module.month_on_month(month(FEB, data_dir))
        assert str(note) == "数据中没有上月（2020年1月）的数据，本月不作环比比较。"
        assert module.changes(month(FEB, data_dir)) is None


@pytest.fixture
def two_months(data_copy):
    """February as shipped, and a January made from it with a few figures lowered."""
    jan = make_month(data_copy, "2020-01")
    edit_csv(jan / "telemedicine.csv", f"{ECG},ecg_cases,33472", f"{ECG},ecg_cases,30000")
    edit_csv(jan / "platform_districts.csv", "江宁区,52,129,52,6188332,", "江宁区,52,129,40,6000000,")
    edit_csv(jan / "kiosks.csv", "hospital,江苏省人民医院,200,7973,166469.00,5592,2482832.44",
             "hospital,江苏省人民医院,180,7973,166469.00,5000,2000000.00")
    # its stated 合计 follow the rows (the headlines show the stated total, as every output does)
    for key, before, after in (("kiosks", "1481", "1461"), ("payments", "159858", "159266"),
                               ("payment_yuan", "51460109.85", "50977277.41")):
        edit_csv(jan / "facts.csv", f"kiosks.total.{key},{before},", f"kiosks.total.{key},{after},")
    return data_copy


def _row(frame: pd.DataFrame, label: str) -> pd.Series:
    return frame.set_index(frame.columns[0]).loc[label]


def test_telemedicine_month_on_month(two_months):
    ch = telemedicine.changes(month(FEB, two_months)).set_index("label")
    assert ch.at["心电监测诊断·本月采集心电病例（份）", "previous"] == 30000
    assert ch.at["心电监测诊断·本月采集心电病例（份）", "change"] == 3472
    assert ch.at["心电监测诊断·本月采集心电病例（份）", "change_pct"] == pytest.approx(3472 / 30000)
    assert ch.at["临检诊断·本月采集检验报告（份）", "change"] == 0
    view = telemedicine.month_on_month(month(FEB, two_months))
    (title, table), = view.parts
    assert _row(table, "心电监测诊断·本月采集心电病例")["环比变化"] == "+3,472（+11.6%）"


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
