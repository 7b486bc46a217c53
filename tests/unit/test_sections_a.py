"""Sections 00–03 and the shared formatting/month-on-month layer, on the February 2020 figures."""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd
import pytest
from helpers import REFERENCE_MONTH, edit_csv, make_month

from bulletin import BulletinDataError, month
from bulletin.sections import appointments, booking_channels, compare, hotline, overview, start
from bulletin.style import fmt

M = REFERENCE_MONTH


# --- fmt ---------------------------------------------------------------------------------------


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


# --- start ---------------------------------------------------------------------------------------


def test_start_accepts_a_month_in_the_data(data_dir):
    m = start(M, data_dir, "hotline")
    assert m.label == "统计月份：2020年2月" and m.month == M
    assert m._repr_html_() == '<p class="note"><strong>统计月份：2020年2月</strong></p>'
    assert int(m.facts["hotline.total_calls"]) == 59507
    with pytest.raises(KeyError):
        start(M, data_dir, "no_such_section")


@pytest.mark.parametrize("month", ["2020-03", "../x", "2020-2"])
def test_start_stops_on_a_month_not_in_the_data(data_dir, month):
    with pytest.raises(BulletinDataError) as err:
        start(month, data_dir, "hotline")
    assert month in str(err.value)


# --- 01 hotline ----------------------------------------------------------------------------------


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


# --- 02 appointments ---------------------------------------------------------------------------


def test_appointments_printed_table(data_dir):
    table = appointments.printed_table(month(M, data_dir))
    assert len(table) == 44
    total = table.iloc[-1]
    assert total["hospital"] == "合计"
    assert [int(total[c]) for c in appointments.COLUMNS] == [25208, 26097, 15627, 7285, 74217]
    shown = fmt.table(table, "appointments")
    assert list(shown.columns) == ["单位", "12320在线预约", "电话预约", "诊间预约", "第三方", "小计"]
    assert list(shown.index[:2]) == ["1", "2"] and shown.index[-1] == ""
    assert shown.iloc[0]["小计"] == "18,417"
    assert shown.iloc[-1]["小计"] == "74,217"


def test_appointments_top_channels_shares_concentration(data_dir):
    top = appointments.top_by_channel(month(M, data_dir), n=12)
    assert len(top) == 13 and top["hospital"].iloc[-1] == "其他（31家）"
    assert int(top["total"].sum()) == 74217
    assert int(top["total"].iloc[-1]) == 6781
    shares = appointments.channel_shares(month(M, data_dir)).set_index("channel")["share"]
    assert fmt.pct(shares["12320在线预约"]) == "34.0%"
    assert fmt.pct(shares["电话预约"]) == "35.2%"
    assert fmt.pct(shares["第三方"]) == "9.8%"
    conc = appointments.concentration(month(M, data_dir)).set_index("group")
    assert int(conc.loc["预约量前5家医院", "bookings"]) == 50391
    assert fmt.pct(conc.loc["预约量前5家医院", "share"]) == "67.9%"
    assert int(conc.loc["预约量前10家医院", "bookings"]) == 64398
    assert fmt.pct(conc.loc["预约量前10家医院", "share"]) == "86.8%"
    assert int(conc.loc["其余33家医院", "bookings"]) == 9819
    assert appointments.cumulative_total(month(M, data_dir)) == 18722617
    assert "18,722,617" in repr(appointments.cumulative_line(month(M, data_dir)))


# --- 03 booking channels -----------------------------------------------------------------------


def test_booking_channels_ranked_and_related(data_dir):
    frame = booking_channels.ranked(month(M, data_dir))
    assert frame["channel"].iloc[0] == "健康南京客户端"
    assert int(frame["bookings"].sum()) == booking_channels.channels_total(month(M, data_dir)) == 16669
    assert fmt.pct(frame["share"].iloc[0]) == "57.1%"
    rel = booking_channels.relation(month(M, data_dir))
    assert [int(v) for v in rel["bookings"]] == [16669, 25208, 7285, 32493]
    assert rel["ratio"].iloc[1] == pytest.approx(16669 / 25208)
    assert fmt.pct(rel["ratio"].iloc[3]) == "51.3%"
    assert math.isnan(rel["ratio"].iloc[0])


# --- the reader views and charts the notebooks 01–03 show ---------------------------------------


def test_views_and_charts_of_sections_01_to_03(data_dir):
    cats = hotline.categories_view(month(M, data_dir))
    assert list(cats.columns) == ["类别", "受理量", "占受理总量"]
    assert cats.set_index("类别").loc["电话预约"].tolist() == ["26,097", "43.9%"]
    assert hotline.province_view(month(M, data_dir)).iloc[0].tolist() == ["南京", "30,317", "43.5%"]
    assert appointments.printed_view(month(M, data_dir)).iloc[-1]["小计"] == "74,217"
    shares = appointments.channel_shares_view(month(M, data_dir))
    assert list(shares.columns) == ["预约途径", "预约量（次）", "占比"]
    conc = appointments.concentration_view(month(M, data_dir)).set_index("医院范围")
    assert conc.loc["预约量前5家医院"].tolist() == ["50,391", "67.9%"]
    ranked = booking_channels.ranked_view(month(M, data_dir))
    assert ranked.iloc[0].tolist() == ["健康南京客户端", "9,525", "57.1%"]
    assert ranked.iloc[-1]["占比"] == "<0.1%"
    assert booking_channels.relation_view(month(M, data_dir)).iloc[3][booking_channels.RELATION_RATIO] == "51.3%"
    for chart in (hotline.categories_chart, hotline.province_chart, appointments.top_by_channel_chart,
                  appointments.channel_shares_chart, booking_channels.ranked_chart):
        assert not chart(month(M, data_dir)).axes[0].get_title(loc="left").isascii()  # a Chinese title


# --- 00 overview ---------------------------------------------------------------------------------


def test_overview_headlines(data_dir):
    heads = dict(overview.headline_texts(month(M, data_dir)))
    assert heads["12320卫生热线受理咨询电话"] == "59,507 个"
    assert heads["南京占全省电话量"] == "43.5%"
    assert heads["本月预约挂号量"] == "74,217 次"
    assert heads["截止月底累计预约挂号量"] == "18,722,617 次"
    assert heads["分途径预约合计"] == "16,669 次"
    assert heads["心电监测诊断·本月采集心电病例"] == "33,472 份"
    assert heads["临检诊断·本月采集检验报告"] == "287,930 份"
    assert heads["暂停服务的平台数"] == "1 个"
    assert heads["医学会诊·累计会诊（未通过平台申请的会诊未统计在内）"] == "109 次"
    assert heads["自助缴费金额"] == "51,460,109.85 元"
    assert heads["截止月底累计校验入库数据"] == "49.3亿条"
    assert heads["本月数据上传量"] == "54,617,666 条"
    assert all(isinstance(a, str) and isinstance(b, str) for a, b in overview.headline_texts(month(M, data_dir)))
    # overview.headlines has the shape of every section's headlines (label, value, unit), values typed
    frame = overview.headlines(month(M, data_dir))
    assert list(hotline.headlines(month(M, data_dir)).columns) == ["label", "value", "unit", "key"]
    assert list(frame.columns) == ["label", "value", "unit", "section", "key"]
    row = frame.set_index("label").loc["自助缴费金额"]
    assert (row["value"], row["unit"], row["section"]) == (51460109.85, "元", "自助智能医疗服务终端")


def test_overview_key_points_one_sentence_per_section(data_dir):
    points = overview.key_points(month(M, data_dir))
    assert len(points) == 6 and all(p.endswith("。") for p in points)
    hotline_, appts, channels, tele, platform, kiosk = points
    assert "59,507个" in hotline_ and "69,660人次" in hotline_ and "43.5%" in hotline_
    assert "74,217次" in appts and "电话预约占35.2%、12320在线预约占34.0%" in appts and "18,722,617次" in appts
    assert "16,669次" in channels and "健康南京客户端最多，占57.1%" in channels
    assert "心电病例33,472份" in tele and "检验报告287,930份" in tele and "1个平台暂停服务" in tele
    assert "54,617,666条" in platform and "49.3亿条" in platform
    assert "1,481台" in kiosk and "51,460,109.85元" in kiosk
    # the idle kiosks and the lagging units are the package's judgements: no key point states them
    assert "闲置" not in kiosk and "滞后" not in platform


def test_overview_quality(data_dir):
    assert repr(overview.quality_summary(month(M, data_dir))) == "2020年2月：0 个错误，25 个警告"
    by_rule = overview.quality_by_rule(month(M, data_dir))
    assert by_rule.set_index("规则").loc["终端未使用", "条数"] == "13"
    findings = overview.quality_findings(month(M, data_dir))
    assert len(findings) == 25
    first = findings.iloc[0]
    assert (first["单位"], first["说明"]) == ("东部战区总医院", "投放台数 82，本月挂号、缴费均为 0")


def test_start_shows_long_cells_whole(data_dir):
    """A finding's 说明 is longer than pandas' default 50 characters: the notebook shows it whole."""
    with pd.option_context("display.max_colwidth", 50):
        start(M, data_dir, "overview")
        html = overview.quality_findings(month(M, data_dir))._repr_html_()
    assert "23,542 次" in html and "..." not in html


# --- month on month ------------------------------------------------------------------------------


def test_no_previous_month_is_one_line(data_dir):
    for module in (overview, hotline, appointments, booking_channels):
        note = module.month_on_month(month(M, data_dir))
        assert isinstance(note, compare.Note)
        assert repr(note) == "数据中没有上月（2020年1月）的数据，本月不作环比比较。"


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


def test_units_present_in_one_month_only():
    cur = pd.DataFrame({"unit": ["甲", "乙"], "n": [10, 5]})
    prev = pd.DataFrame({"unit": ["甲", "丙"], "n": [8, 4]})
    out = compare.by_unit(cur, prev, "unit", "n")
    assert list(out["unit"]) == ["甲", "乙", "丙"]
    assert list(out["presence"]) == [compare.BOTH, compare.NEW, compare.GONE]
    shown = compare.display(out)
    assert list(shown["环比变化"]) == ["+2（+25.0%）", "新增", "本月无"]
    assert list(shown["本月"]) == ["10", "5", "—"]
    assert list(shown["上月"]) == ["8", "—", "4"]
    money = compare.by_unit(pd.DataFrame({"u": ["甲"], "y": [Decimal("10.50")]}),
                          pd.DataFrame({"u": ["甲"], "y": [Decimal("10.00")]}), "u", "y")
    assert list(compare.display(money)["环比变化"]) == ["+0.50（+5.0%）"]


def test_a_unit_in_both_months_that_did_not_report_reads_not_reported():
    cur = pd.DataFrame({"unit": ["甲", "乙"], "n": pd.array([None, 5], dtype="Int64")})
    prev = pd.DataFrame({"unit": ["甲", "乙"], "n": pd.array([3, None], dtype="Int64")})
    shown = compare.display(compare.by_unit(cur, prev, "unit", "n"))
    assert list(shown["本月"]) == ["未反馈", "5"]
    assert list(shown["上月"]) == ["3", "未反馈"]
    assert list(shown["环比变化"]) == ["—", "—"]


def test_month_on_month_with_renamed_and_dropped_units(data_copy):
    """A hospital renamed and one dropped between months: 新增 / 本月无, never NaN or a crash."""
    jan = make_month(data_copy, "2020-01")
    edit_csv(jan / "appointments.csv", "南京市中心医院,", "南京市中心医院（本部）,")
    edit_csv(jan / "booking_channels.csv", "微脉科技,5", "微脉,5")
    feb = dict(appointments.month_on_month(month(M, data_copy)).parts)["各医院预约挂号量"].set_index("单位")
    assert feb.loc["南京市中心医院", "环比变化"] == "新增"
    assert feb.loc["南京市中心医院（本部）", ["本月", "上月", "环比变化"]].tolist() == ["—", "21", "本月无"]
    channels = dict(booking_channels.month_on_month(month(M, data_copy)).parts)["各途径预约数量"].set_index("途径")
    assert channels.loc["微脉科技", "环比变化"] == "新增" and channels.loc["微脉", "环比变化"] == "本月无"
    m = month(M, data_copy)
    text = repr(appointments.month_on_month(m)) + repr(booking_channels.month_on_month(m))
    assert "nan" not in text.lower() and "<NA>" not in text


# --- the recorded notebooks guard the figures --------------------------------------------------


def test_a_stated_figure_the_bulletin_did_not_print_is_left_out_not_failed(data_copy):
    # a month whose bulletin printed neither the province's calls, the city's 12345 tickets nor the
    # cumulative bookings (listed in not_published.csv, absent from facts.csv)
    folder = data_copy / M
    gone = ("hotline.city_12345_tickets", "hotline.province_total_calls", "appointments.cumulative_total")
    lines = (folder / "facts.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "facts.csv").write_text("".join(ln for ln in lines if not ln.startswith(gone)), encoding="utf-8")
    (folder / "not_published.csv").write_text("item,note\n" + "".join(f"{k},\n" for k in gone), encoding="utf-8")
    m = month(M, data_copy)
    shown = dict(zip(hotline.headlines(m)["label"], hotline.headlines(m)["value"], strict=True))
    assert shown == {"12320卫生热线受理咨询电话": 59507, "受理省12345工单": 425, "其中南京": 30317}
    assert "截止月底累计预约挂号量" not in set(appointments.headlines(m)["label"])
    assert appointments.headlines(m)["value"].iloc[0] == 74217
    assert hotline.province(m)["share"].isna().all()  # no stated total: no share made up from the rows
    assert "没有刊登" in appointments.cumulative_line(m).text
    points = overview.key_points(m)
    assert points[0] == "12320卫生热线本月受理咨询电话59,507个。"  # the province clause dropped, nothing else
    from bulletin.history import compute

    digest = compute(m)  # the month's digest (the trends and later checks read it) is still made
    assert digest["month"] == M
