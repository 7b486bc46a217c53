"""The model of the bulletin (:mod:`bulletin.sections.model`): each figure declared once, a
paragraph left out drops only its own figures, judgements are not headlines, a share's value and
unit agree, and a table's printed scope note reaches every output in the bulletin's words."""

from __future__ import annotations

import pytest
from helpers import raw_text, replace_once, write

import bulletin
from bulletin import history
from bulletin.data.ingest import ingest_file
from bulletin.sections import overview, with_headlines

FEB = "2020-02"


def _headlines(m) -> dict[str, tuple[str, object, str]]:
    return {key: (label, value, unit) for sec in with_headlines()
            for label, value, unit, key in sec.module.headlines(m).itertuples(index=False)}


def _line(text: str, prefix: str) -> str:
    return next(ln for ln in text.split("\n") if ln.startswith(prefix)) + "\n"


def _without_province(text: str) -> str:
    return replace_once(text, _line(text, "2月，全省12320"), "")


def test_the_province_paragraph_left_out_keeps_the_hotline_total(tmp_path):
    """Item 5 of the issue: without the province paragraph the hotline's own total (59,507)
    stays a headline, a key point and a row of the month's digest."""
    data = tmp_path / "data"
    ingest_file(write(tmp_path, _without_province(raw_text())), data_dir=data)
    m = bulletin.month(FEB, data)
    got = _headlines(m)
    assert got["hotline.total_calls"] == ("12320卫生热线受理咨询电话", 59507, "个")
    assert got["hotline.city_12345_tickets"][1] == 2595
    assert "hotline.nanjing_share" not in got and "hotline.province_total_calls" not in got
    assert any("59,507个" in p for p in overview.key_points(m))
    assert ["hotline", "12320卫生热线受理咨询电话", 59507, "个", "hotline.total_calls"] in \
        history.compute(m)["headlines"]
    # end to end: the workbook's 本月要点 (what the issue saw lose it) keeps it too
    import openpyxl

    from bulletin.render import documents

    documents.write_all(FEB, data, tmp_path / "out")
    sheet = openpyxl.load_workbook(tmp_path / "out" / f"tables-{FEB}.xlsx")["本月要点"]
    rows = {r[1]: r[2] for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["12320卫生热线受理咨询电话"] == 59507 and "南京占全省电话量" not in rows


def test_the_workbook_and_data_package_give_the_printed_form_and_the_scope_note(tmp_path, data_dir):
    """Item 1 and 2 of the issue, in the files themselves: 49.3亿条 is given as printed, with the
    number said to be its expansion, and the channel table's scope note is there in the printed
    words; the workbook no longer claims its numbers are the pages' own form."""
    import csv
    import json

    import openpyxl

    from bulletin.render import documents

    out = tmp_path / "out"
    documents.write_all(FEB, data_dir, out)
    book = openpyxl.load_workbook(out / f"tables-{FEB}.xlsx")
    rows = {r[1]: r for r in book["本月要点"].iter_rows(min_row=4, values_only=True)}
    label, value, unit, shown, note = rows["截止月底累计校验入库数据"][1:]
    assert (value, unit, shown) == (4930000000, "条", "49.3亿条") and "公报印作49.3亿条" in note and "展开" in note
    assert rows["南京占全省电话量"][2:5] == (pytest.approx(43.52139, abs=1e-5), "%", "43.5%")
    notes = " ".join(str(c) for r in book["注释"].iter_rows(values_only=True) for c in r if c)
    assert "公报写法" in notes and "相同" not in notes
    scope = "（不包含12320电话预约、医院诊间预约、医院自有途径预约）"
    assert any(scope in str(s.cell(2, 1).value or "") for s in book.worksheets)  # under the channel table
    folder = out / f"data-{FEB}"
    with (folder / "headlines.csv").open(encoding="utf-8", newline="") as fh:
        stored = {r["key"]: r for r in csv.DictReader(fh)}
    assert stored["platform.cumulative_records"]["printed"] == "49.3亿条"
    assert "展开" in stored["platform.cumulative_records"]["note"]
    assert stored["booking_channels.total"]["note"] == scope.strip("（）")
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    channels = next(r for r in descriptor["resources"] if r["name"] == "booking_channels")
    assert scope in channels["description"]


