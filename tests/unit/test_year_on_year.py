"""同比 (year-on-year) beside 环比: declared once (``bulletin.core.comparisons``: a lag and its words),
shown for every headline figure in every output when the same month a year earlier is in the data,
and nowhere (no column, no word, no 0) when it is not.

February 2019 here is TEST DATA, not a bulletin: February 2020's folder with the hotline's three
stated figures scaled down (:func:`synthetic_february_2019`). The expected changes are computed by
hand below from those figures and February 2020's printed ones.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import bulletin
from bulletin.batch.documents_job import documents_key
from bulletin.core import cache, paths
from bulletin.core.comparisons import COMPARISONS, MONTH_ON_MONTH, YEAR_ON_YEAR, base_months
from bulletin.sections import SECTIONS, hotline, overview, telemedicine

FEB, YEAR_EARLIER = "2020-02", "2019-02"
#: fact → (February 2020 as printed, the synthetic February 2019)
SCALED = {
    "hotline.total_calls": (59507, 50000),
    "hotline.city_12345_tickets": (2595, 2076),  # × 0.8
    "hotline.province_12345_tickets": (425, 340),  # × 0.8
}
# by hand: 59,507 − 50,000 = 9,507 and 9,507 / 50,000 = 19.014%; 2,595 − 2,076 = 519 and
# 519 / 2,076 = 25.0%; 425 − 340 = 85 and 85 / 340 = 25.0%; every other figure is unchanged (0, +0.0%)
CALLS, CALLS_PCT = 9507, 0.19014
CALLS_SAID, CALLS_PRINTED = "+9,507（+19.0%）", "+9507（+19.0%）"
TICKETS_SAID, PROVINCE_TICKETS_SAID = "+519（+25.0%）", "+85（+25.0%）"


def synthetic_february_2019(data: Path) -> Path:
    """SYNTHETIC TEST DATA: a February 2019 made from February 2020's folder, the hotline's three
    stated figures scaled (:data:`SCALED`), every other figure as February 2020 printed it."""
    target = data / YEAR_EARLIER
    shutil.copytree(paths.DEFAULT_DATA_DIR / FEB, target)
    facts = target / "facts.csv"
    text = facts.read_text(encoding="utf-8")
    for key, (printed, synthetic) in SCALED.items():
        assert f"\n{key},{printed}," in text
        text = text.replace(f"\n{key},{printed},", f"\n{key},{synthetic},")
    facts.write_text(text, encoding="utf-8")
    return target


@pytest.fixture
def two_years(data_copy) -> Path:
    """February 2020 and the synthetic February 2019 (no January 2020: no 环比), with the alias table."""
    shutil.copy2(paths.DEFAULT_DATA_DIR / "units.csv", data_copy / "units.csv")
    synthetic_february_2019(data_copy)
    return data_copy


def test_the_comparisons_are_declared_once_each_a_lag_and_its_words():
    assert [(b.name, b.lag, b.label) for b in COMPARISONS] == [("环比", 1, "上月"), ("同比", 12, "上年同月")]
    assert YEAR_ON_YEAR.base(FEB) == YEAR_EARLIER and YEAR_ON_YEAR.base("2020-01") == "2019-01"
    assert MONTH_ON_MONTH.base("2020-01") == "2019-12" and base_months(FEB) == ["2020-01", YEAR_EARLIER]
    # the line a section shows without the month before is the declaration's own
    assert MONTH_ON_MONTH.missing(FEB) == "数据中没有上月（2020年1月）的数据，本月不作环比比较。"


def test_both_comparisons_in_one_table_each_unit_once():
    import pandas as pd

    from bulletin.sections import compare

    now = pd.DataFrame({"unit": ["甲", "乙"], "n": [10, 5]})
    month_before = pd.DataFrame({"unit": ["甲", "丙"], "n": [8, 4]})
    year_before = pd.DataFrame({"unit": ["甲", "乙", "丁"], "n": [5, 4, 1]})
    shown = compare.display_bases([(MONTH_ON_MONTH, compare.by_unit(now, month_before, "unit", "n")),
                                   (YEAR_ON_YEAR, compare.by_unit(now, year_before, "unit", "n"))], "单位")
    assert list(shown.columns) == ["单位", "本月", "上月", "环比变化", "上年同月", "同比变化"]
    assert shown.values.tolist() == [
        ["甲", "10", "8", "+2（+25.0%）", "5", "+5（+100.0%）"],
        ["乙", "5", "—", "新增", "4", "+1（+25.0%）"],
        ["丙", "—", "4", "本月无", "—", "—"],  # gone since last month, not there a year ago
        ["丁", "—", "—", "—", "1", "本月无"],
    ]


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


def test_a_figure_relabelled_since_the_base_month_still_compares_by_its_key(two_years, monkeypatch):
    from bulletin.render.documents import content

    m = bulletin.month(FEB, two_years)
    figures, rows, section_headlines = overview.figures, content.headline_rows, hotline.headlines

    def relabelled(frame, month):  # the year before printed every label differently
        return frame.assign(label=["旧·" + str(x) for x in frame["label"]]) if month.month == YEAR_EARLIER else frame

    monkeypatch.setattr(overview, "figures", lambda month: relabelled(figures(month), month))
    monkeypatch.setattr(content, "headline_rows",
                        lambda month: [(s, ("旧·" + lab) if month.month == YEAR_EARLIER else lab, v, u)
                                       for s, lab, v, u in rows(month)])
    monkeypatch.setattr(hotline, "headlines", lambda month: relabelled(section_headlines(month), month))
    # the month page's column, the documents' (PDF, Word, workbook, data package) and the section's
    [said] = overview.compared_texts(m)
    texts = dict(zip((label for label, _ in overview.headline_texts(m)), said["changes"], strict=True))
    assert texts["12320卫生热线受理咨询电话"] == CALLS_SAID and texts["受理市12345工单"] == TICKETS_SAID
    assert texts["南京占全省电话量"] == ""  # a share: declared not comparable
    [yoy] = content.compared(m)
    assert yoy.worded("hotline.total_calls", "个") == CALLS_PRINTED
    assert yoy.rows["hotline.total_calls"][0] == 50000 and "hotline.nanjing_share" not in yoy.rows
    ch = hotline.changes(m, YEAR_ON_YEAR).set_index("label")
    calls = ch.loc["12320卫生热线受理咨询电话（个）"]
    assert [calls["previous"], calls["change"], calls["presence"]] == [50000, CALLS, "both"]
    assert not any(label.startswith("旧·") for label in ch.index)


def test_whether_a_figure_is_compared_is_declared_not_guessed_from_its_unit(two_years):
    import pandas as pd

    from bulletin.sections import compare, model

    assert not model.comparable("hotline.nanjing_share") and not model.comparable("appointments.channel_share.phone")
    assert not model.comparable("platform.lagging_hospitals") and not model.comparable("kiosks.idle_kiosks")
    assert model.comparable("hotline.total_calls") and model.comparable("platform.cumulative_records")
    m = bulletin.month(FEB, two_years)
    # a judgement counted in 家 (not a share) is still not compared: its declaration says so
    frame = pd.DataFrame({"key": ["hotline.total_calls", "platform.lagging_hospitals"], "value": [59507, 11],
                          "unit": ["个", "家"]}, dtype=object)
    [(basis, _, found)] = compare.headline_changes(m, lambda month: frame)
    assert basis == YEAR_ON_YEAR and list(found["key"]) == ["hotline.total_calls"]


def test_without_the_month_a_year_earlier_nothing_says_yoy(data_copy):
    m = bulletin.month(FEB, data_copy)
    for module in (hotline, overview, telemedicine):
        assert str(module.month_on_month(m)) == "数据中没有上月（2020年1月）的数据，本月不作环比比较。"
    assert hotline.changes(m, YEAR_ON_YEAR) is None
    assert overview.compared_texts(m) == []


def test_the_jobs_and_the_documents_are_keyed_on_the_month_a_year_earlier(two_years):
    reads = {s.name: s.reads for s in SECTIONS}
    assert YEAR_EARLIER in cache.months_read(two_years, FEB, reads["hotline"])
    notebook = next(s for s in SECTIONS if s.name == "hotline").notebook

    def keys() -> tuple[str, str]:
        cache.forget()
        return (cache.job_key(notebook, two_years, FEB, with_code=False, reads=reads["hotline"]),
                documents_key(two_years, FEB))

    before = keys()
    facts = two_years / YEAR_EARLIER / "facts.csv"
    facts.write_text(facts.read_text(encoding="utf-8").replace(",50000,", ",50001,"), encoding="utf-8")
    after = keys()
    assert before[0] != after[0] and before[1] != after[1]
    shutil.rmtree(two_years / YEAR_EARLIER)
    assert keys()[0] not in (before[0], after[0])


# ---------------------------------------------------------------- one run of the two months


