"""Tests of ``bulletin.sections.booking_channels``: 分途径预约: bookings by channel, ranked with shares, and
how they relate to the appointment table."""

from __future__ import annotations

import math

import pytest
from helpers import REFERENCE_MONTH as M

from bulletin import month
from bulletin.data.loaded_month import Month
from bulletin.sections import booking_channels
from bulletin.style import fmt


def test_the_month_on_month_table_shows_a_sign_as_printed_not_as_未反馈(month, tmp_path):
    """March copied from the month with signs: the channel 微脉科技, printed “…” in both months, reads
    “…” in 本月 and 上月 of the booking channels' month-on-month table, never 未反馈 nor 0."""
    import shutil

    from bulletin.sections import booking_channels

    root = tmp_path / "data"
    shutil.copytree(month.folder, root / M)
    shutil.copytree(month.folder, root / "2020-03")
    view = booking_channels.month_on_month(Month("2020-03", root))
    table = dict(view.parts)["各途径预约数量"].set_index("途径")
    assert table.at["微脉科技", "本月"] == "…" and table.at["微脉科技", "上月"] == "…"
    assert "未反馈" not in table.loc["微脉科技"].tolist()


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
