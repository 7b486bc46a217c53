"""Tests of ``bulletin.sections.compare``: month-on-month (环比) and year-on-year (同比) change, the same
way for every section."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from bulletin.comparisons import MONTH_ON_MONTH, YEAR_ON_YEAR
from bulletin.sections import compare


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
