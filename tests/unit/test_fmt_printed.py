"""Tests of ``bulletin.style.fmt.printed``: figures as the printed bulletin words them: the PDF's and the
Word file's style."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from bulletin.core.missing import NoFigure
from bulletin.sections import booking_channels, model
from bulletin.style import fmt
from bulletin.style.fmt import printed


def test_the_printed_style_marks_a_revised_figure_and_keeps_every_digit():
    assert printed.count(printed.Revised(1819)) == "1819 [r]"
    assert printed.yuan(printed.Revised(2482832.44)) == "2482832.44 [r]"
    assert printed.big(4935000000) == "4935000000"  # not a round 千万: printed in full
    assert printed.money(51460109.85) == Decimal("51460109.85")
    assert printed.NOT_REPORTED is fmt.NOT_REPORTED  # one word for a missing figure


def test_the_booking_channels_scope_note_is_printed_in_the_bulletins_words(february):
    printed = "（不包含12320电话预约、医院诊间预约、医院自有途径预约）"  # the published text's line 389
    assert model.qualifier("booking_channels") == printed
    assert str(booking_channels.scope_note(february)) == "公报注明：" + printed
    assert "本项目计算" in booking_channels.RELATION_RATIO
    assert model.explain("booking_channels.total", 16669, "次") == "不包含12320电话预约、医院诊间预约、医院自有途径预约"


def test_the_printed_style_words_a_sign_as_printed():
    assert printed.count(NoFigure("—")) == "—" and printed.yuan(NoFigure("…")) == "…"
    assert printed.count(printed.Revised(NoFigure("—"))) == "— [r]"
    assert fmt.count(NoFigure("…")) == "…" and fmt.count(pd.NA) == "未反馈"
