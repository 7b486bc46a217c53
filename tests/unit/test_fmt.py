"""The one formatting package: the reader's style (pages, notebooks) and the printed style (the
PDF and the Word file) word the same values, money to the fen in both."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from helpers import REFERENCE_MONTH

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


def test_the_printed_style_marks_a_revised_figure_and_keeps_every_digit():
    assert printed.count(printed.Revised(1819)) == "1819 [r]"
    assert printed.yuan(printed.Revised(2482832.44)) == "2482832.44 [r]"
    assert printed.big(4935000000) == "4935000000"  # not a round 千万: printed in full
    assert printed.money(51460109.85) == Decimal("51460109.85")
    assert printed.NOT_REPORTED is fmt.NOT_REPORTED  # one word for a missing figure


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
