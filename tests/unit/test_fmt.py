"""Tests of ``bulletin.style.fmt``: numbers and tables as a reader sees them: the one formatting package, in
two styles."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

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


def test_pages_show_the_sign_as_printed(month):
    shown = fmt.table(month.table("appointments"), "appointments")
    row = shown[shown["单位"] == "南京市第一医院"].iloc[0]
    assert row["诊间预约"] == "—"
    kiosks = fmt.table(month.table("kiosks"), "kiosks")
    row = kiosks[kiosks["单位"] == "玄武区"].iloc[0]
    assert (row["缴费（次）"], row["缴费金额（元）"]) == ("…", "—")
    hospitals = fmt.table(month.table("platform_hospitals"), "platform_hospitals")
    assert hospitals[hospitals["接入单位"] == "江苏省中医院"].iloc[0]["数据上传量"] == "—"
    # 未反馈 still reads 未反馈
    assert hospitals[hospitals["接入单位"] == "江苏省人民医院"].iloc[0]["申明上传表"] == "未反馈"


#: an amount to the fen as the outputs print it: 2,482,832.44, 2482832.44, -12.30, +1,234.00
FEN = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2}")


#: a figure as printed (any number of decimals, separators allowed)
NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


#: an amount in the prose: a figure followed by 元 (or 万元, 亿元: a scale drops the fen)
IN_YUAN = re.compile(r"([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*([万亿]?)元")


#: a header that names money: 挂号金额（元）, 平均（元）, 缴费金额
MONEY_HEADER = re.compile(r"元|金额")


#: what a money cell may hold instead of an amount
NO_FIGURE = {"", "—", "未反馈", "未列出", "[x]"}


def _not_to_the_fen(text: str) -> str | None:
    """The first figure of a money cell's text when it is not to the fen, else None."""
    text = text.replace("[r]", "").strip()
    if text in NO_FIGURE:
        return None
    found = NUMBER.search(text)
    if found is None:
        return None
    return None if FEN.fullmatch(found.group(0)) else found.group(0)


def _prose_amounts(text: str) -> list[str]:
    """Amounts in 元 in running text that are not to the fen (or are scaled to 万元, 亿元)."""
    return [m.group(0) for m in IN_YUAN.finditer(text) if m.group(2) or not FEN.fullmatch(m.group(1))]


def _table_cells(rows: list[list[str]], header_rows: int) -> list[tuple[str, str]]:
    """(header, cell) for every money cell of a table: the cells under a header naming money, and
    the figures of a row whose unit cell reads 元 (a headline table: 项目 | 本月 | 单位)."""
    out = []
    heads = rows[:header_rows]
    for row in rows[header_rows:]:
        money_row = any(c.strip() == "元" for c in row)
        for j, cell in enumerate(row):
            head = " ".join(h[j] for h in heads if j < len(h))
            if MONEY_HEADER.search(head) and not re.search(r"次|台|个|数|比|%", head.replace("金额", "")):
                out.append((head, cell))
            elif money_row and NUMBER.fullmatch(cell.replace("[r]", "").strip() or "x") and cell.strip() != "元":
                out.append((head or "元", cell))
    return out


def _html_problems(path: Path) -> list[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
    for hidden in soup(["script", "style"]):
        hidden.decompose()
    problems = []
    for table in soup.find_all("table"):
        head = table.find("thead")
        header_rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
                       for tr in (head.find_all("tr") if head else [])]
        body = table.find("tbody") or table
        body_rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])] for tr in body.find_all("tr")]
        if header_rows:
            width = max(len(r) for r in body_rows) if body_rows else 0
            # a header row shorter than the body lacks the index column's cell: align from the right
            header_rows = [[""] * (width - len(r)) + r for r in header_rows]
        for header, cell in _table_cells([*header_rows, *body_rows], len(header_rows)):
            bad = _not_to_the_fen(cell)
            if bad:
                problems.append(f"{path.name}: table column {header!r}: {cell!r}")
        table.decompose()
    for amount in _prose_amounts(soup.get_text(" ")):
        problems.append(f"{path.name}: text: {amount!r}")
    return problems


def test_the_scan_finds_money_short_of_the_fen(tmp_path):
    """The scanners themselves: an amount with one decimal, in a table or in prose, is found."""
    page = tmp_path / "p.html"
    page.write_text(
        "<table><thead><tr><th></th><th>单位</th><th>缴费金额（元）</th><th>缴费（次）</th></tr></thead>"
        "<tbody><tr><th>1</th><td>江苏省人民医院</td><td>2,482,832.4</td><td>5,592</td></tr>"
        "<tr><th>2</th><td>江苏省中医院</td><td>6,301,989.94</td><td>15,742</td></tr></tbody></table>"
        "<table><tbody><tr><td>自助缴费金额</td><td>51,460,109.9</td><td>元</td></tr></tbody></table>"
        "<p>共缴费5146万元，挂号6,477,159.42元。</p>",
        encoding="utf-8",
    )
    assert _html_problems(page) == [
        "p.html: table column '缴费金额（元）': '2,482,832.4'",
        "p.html: table column '元': '51,460,109.9'",
        "p.html: text: '5146万元'",
    ]


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
