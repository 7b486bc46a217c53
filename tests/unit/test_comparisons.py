"""Tests of ``bulletin.core.comparisons``: the comparisons the package makes, declared once: 环比 (with the
month before) and 同比 (with the same month a year earlier)."""

from __future__ import annotations

from helpers import REFERENCE_MONTH as FEB
from helpers import YEAR_EARLIER

from bulletin.core.comparisons import COMPARISONS, MONTH_ON_MONTH, YEAR_ON_YEAR, base_months


def test_the_comparisons_are_declared_once_each_a_lag_and_its_words():
    assert [(b.name, b.lag, b.label) for b in COMPARISONS] == [("环比", 1, "上月"), ("同比", 12, "上年同月")]
    assert YEAR_ON_YEAR.base(FEB) == YEAR_EARLIER and YEAR_ON_YEAR.base("2020-01") == "2019-01"
    assert MONTH_ON_MONTH.base("2020-01") == "2019-12" and base_months(FEB) == ["2020-01", YEAR_EARLIER]
    # the line a section shows without the month before is the declaration's own
    assert MONTH_ON_MONTH.missing(FEB) == "数据中没有上月（2020年1月）的数据，本月不作环比比较。"
