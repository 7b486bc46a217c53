"""Tests of ``bulletin.sections.appointments``: 预约挂号: the hospitals' bookings by channel, channel
shares, concentration, cumulative total."""

from __future__ import annotations

import matplotlib
from helpers import REFERENCE_MONTH as FEB
from helpers import REFERENCE_MONTH as M
from helpers import edit_csv, make_month

import bulletin
import bulletin.core.schema
from bulletin import month
from bulletin.sections import appointments, booking_channels, hotline, overview
from bulletin.style import fmt

matplotlib.use("Agg")


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


def test_month_on_month_names_units_new_and_gone(data_copy):
    """A hospital dropped and one added between January and February: one line names them."""
    from bulletin.sections import appointments

    jan = make_month(data_copy, "2020-01")
    edit_csv(jan / "appointments.csv", "南京市儿童医院,", "某医院（某分院）,")
    comparison = appointments.month_on_month(bulletin.month(FEB, data_copy))
    assert comparison.changes_of_units[-1] == "本月新增：南京市儿童医院；本月不再出现：某医院（某分院）"
    assert "本月新增：南京市儿童医院" in repr(comparison)
    assert "<p>本月新增：南京市儿童医院；本月不再出现：某医院（某分院）</p>" in comparison._repr_html_()
