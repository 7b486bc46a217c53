"""Tests of ``bulletin.render.documents.workbook``: ``tables-YYYY-MM.xlsx``: the month's tables as an
accessible workbook, with xlsxwriter."""

from __future__ import annotations

from bulletin.render.documents import workbook


def test_the_workbook_writes_the_sign_as_printed(month, tmp_path):
    from openpyxl import load_workbook

    book = load_workbook(workbook.write(month, tmp_path / "book.xlsx"))
    sheet = book[workbook.SHEETS["platform_hospitals"]]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    (row,) = [r for r in rows if r[0] == "江苏省中医院"]
    assert row[4] == "—"
    (unreported,) = [r for r in rows if r[0] == "江苏省人民医院"]
    assert unreported[1] == workbook.MISSING  # 未反馈 stays [x]
    assert "[注8]" in rows[1][0] and "[注1]" in rows[1][0]
    kiosks = [[c.value for c in row] for row in book[workbook.SHEETS["kiosks"]].iter_rows()]
    (row,) = [r for r in kiosks if r[1] == "玄武区"]
    assert row[-2:] == ["…", "—"]
    assert "[注8]" in kiosks[1][0] and "[注1]" not in kiosks[1][0]  # no 未反馈 in the kiosks
    notes = [[c.value for c in row] for row in book["注释"].iter_rows()]
    assert ["[注8]", workbook.NO_FIGURE_NOTE] in notes
