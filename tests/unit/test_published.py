"""Every published output of one batch run of 2020-02, read as a reader gets it.

The session's one run of ``bulletin run 2020-02`` (conftest's ``published_2020_02``: data and
reports in folders whose paths hold Chinese characters and spaces) feeds every test here:

- money is shown to the fen everywhere: every page (HTML), the PDF (its text as poppler's
  ``pdftotext`` reads it, with the words' positions), the Word file and the workbook's number
  formats are scanned for an amount of money with fewer than two decimals;
- the pages' layout in headless Chromium at 1280 and 390 px: no table cut off (a table wider
  than its box sits in a scroll box that says so), and no chart text drawn smaller than 10 px.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

MONTH = "2020-02"
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


@pytest.fixture(scope="module")
def published(published_2020_02) -> Path:
    """The month's own folder of the session's one ``bulletin run 2020-02`` (read-only)."""
    return published_2020_02 / MONTH


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


# ---------------------------------------------------------------- the pages at 1280 and 390 px

#: the smallest text any chart draws, in points (test_every_chart_draws_text_of_at_least_9_pt)
SMALLEST_PT = 9


def _section_charts():
    """(section, function, figure) for every chart the sections draw for the month with their defaults."""
    import inspect

    import bulletin
    from bulletin.sections import SECTIONS

    m = bulletin.month(MONTH)
    for sec in SECTIONS:
        for fname, fn in inspect.getmembers(sec.module, inspect.isfunction):
            if not fname.endswith("_chart") or fn.__module__ != sec.module.__name__:
                continue
            required = [n for n, v in inspect.signature(fn).parameters.items()
                        if v.default is inspect.Parameter.empty and n != "m"]
            fig = fn(m, **{n: "hotline" for n in required})  # trends.headline_chart(m, section)
            if fig is not None:  # the trends need more than one month
                yield sec.name, fname, fig


def test_every_chart_draws_text_of_at_least_9_pt():
    """No chart of any section draws text smaller than SMALLEST_PT, and the width a page may shrink
    it to keeps that text 10 px tall."""
    import matplotlib.pyplot as plt

    from bulletin.style import charts

    drawn = 0
    for section, fname, fig in _section_charts():
        drawn += 1
        assert charts.smallest_text_pt(fig) >= SMALLEST_PT, (section, fname, charts.smallest_text_pt(fig))
        # the page never draws it narrower than where that text is 10 px: 900 px at 9 pt (12.5 px) → 720 px
        smallest_px = charts.smallest_text_pt(fig) * 100 / 72
        assert charts.min_display_width(fig) == math.ceil(fig.get_figwidth() * 100 * 10 / smallest_px)
        plt.close(fig)
    assert drawn >= 12
