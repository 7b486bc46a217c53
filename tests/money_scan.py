"""The test's scan for money shown short of the fen (fewer than two decimals, or scaled to 万元/亿元)
in what a reader gets: a page's tables and text, a Word file's, a workbook's, a PDF's text.

Used by the end-to-end scan of every published output (tests/e2e/test_published_e2e.py) and checked
itself on crafted pages (tests/unit/test_fmt.py::test_the_scan_finds_money_short_of_the_fen).
"""

from __future__ import annotations

import re
from pathlib import Path

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


def not_to_the_fen(text: str) -> str | None:
    """The first figure of a money cell's text when it is not to the fen, else None."""
    text = text.replace("[r]", "").strip()
    if text in NO_FIGURE:
        return None
    found = NUMBER.search(text)
    if found is None:
        return None
    return None if FEN.fullmatch(found.group(0)) else found.group(0)


def prose_amounts(text: str) -> list[str]:
    """Amounts in 元 in running text that are not to the fen (or are scaled to 万元, 亿元)."""
    return [m.group(0) for m in IN_YUAN.finditer(text) if m.group(2) or not FEN.fullmatch(m.group(1))]


def table_cells(rows: list[list[str]], header_rows: int) -> list[tuple[str, str]]:
    """(header, cell) for every money cell of a table: the cells under a header naming money, and
    the figures of a row whose unit cell reads 元 (a headline table: 项目 | 本月 | 单位)."""
    out = []
    heads = rows[:header_rows]
    for row in rows[header_rows:]:
        money_row = any(c.strip() == "元" for c in row)
        for j, cell in enumerate(row):
            head = " ".join(h[j] for h in heads if j < len(h))
            if is_money_header(head):
                out.append((head, cell))
            elif money_row and NUMBER.fullmatch(cell.replace("[r]", "").strip() or "x") and cell.strip() != "元":
                out.append((head or "元", cell))
    return out


def html_problems(path: Path) -> list[str]:
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
        for header, cell in table_cells([*header_rows, *body_rows], len(header_rows)):
            bad = not_to_the_fen(cell)
            if bad:
                problems.append(f"{path.name}: table column {header!r}: {cell!r}")
        table.decompose()
    for amount in prose_amounts(soup.get_text(" ")):
        problems.append(f"{path.name}: text: {amount!r}")
    return problems


def is_money_header(head: str) -> bool:
    """A column header naming money (元, 金额), not a count, a ratio or a share of it."""
    return bool(MONEY_HEADER.search(head)) and not re.search(r"次|台|个|数|比|%", head.replace("金额", ""))
