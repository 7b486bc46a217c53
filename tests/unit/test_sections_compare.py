"""Tests of ``bulletin.sections.compare``: month-on-month (环比) and year-on-year (同比) change, the same
way for every section."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from helpers import REFERENCE_MONTH as M

from bulletin.core.comparisons import MONTH_ON_MONTH, YEAR_ON_YEAR
from bulletin.core.missing import NoFigure
from bulletin.data.loaded_month import Month
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


def test_the_kiosks_month_on_month_finds_a_sign_by_the_tables_key_columns(month, tmp_path):
    """The kiosks' comparison finds 玄武区's signs by the table's key (group, unit), as its table view
    does (:func:`bulletin.style.fmt.with_signs`, one mechanism): “…” and “—” in 本月 and 上月, never
    未反馈; a comparison naming fewer key columns than the table's signs are found by is refused,
    never shown as 未反馈."""
    import shutil

    from bulletin.sections import compare, kiosks

    root = tmp_path / "data"
    shutil.copytree(month.folder, root / M)
    shutil.copytree(month.folder, root / "2020-03")
    parts = dict(kiosks.month_on_month(Month("2020-03", root)).parts)
    for title, sign in (("各单位缴费（次）", "…"), ("各单位缴费金额（元）", "—")):
        row = parts[title].set_index("单位").loc["玄武区"]
        assert (row["本月"], row["上月"]) == (sign, sign), title
    march, february = Month("2020-03", root).kiosks, Month(M, root).kiosks
    compared = compare.by_unit(march, february, "unit", "payments", key_columns=("group", "unit"))
    assert compared.set_index("unit").at["玄武区", "value"] == NoFigure("…")
    with pytest.raises(ValueError, match=r"found by 2 key columns, the comparison of 'payments' names \['unit'\]"):
        compare.by_unit(march, february, "unit", "payments")
