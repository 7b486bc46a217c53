"""同比 (year-on-year) beside 环比: declared once (``bulletin.core.comparisons``: a lag and its words),
shown for every headline figure in every output when the same month a year earlier is in the data,
and nowhere (no column, no word, no 0) when it is not.

February 2019 here is TEST DATA, not a bulletin: February 2020's folder with the hotline's three
stated figures scaled down (:func:`synthetic_february_2019`). The expected changes are computed by
hand below from those figures and February 2020's printed ones.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from helpers import (
    CALLS,
    CALLS_PCT,
    CALLS_PRINTED,
    CALLS_SAID,
    PROVINCE_TICKETS_SAID,
    TICKETS_SAID,
    YEAR_EARLIER,
    poppler,
    synthetic_february_2019,
)
from helpers import REFERENCE_MONTH as FEB

from bulletin.batch import run_batch, section_notebooks
from bulletin.core import paths

# ---------------------------------------------------------------- one run of the two months


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The synthetic February 2019 and February 2020, published by one run (overview, hotline, documents)."""
    data = tmp_path_factory.mktemp("yoy") / "数据 目录"
    data.mkdir()
    shutil.copytree(paths.DEFAULT_DATA_DIR / FEB, data / FEB)
    shutil.copy2(paths.DEFAULT_DATA_DIR / "units.csv", data / "units.csv")
    synthetic_february_2019(data)
    out = data.parent / "报告"
    log = io.StringIO()
    outcome = run_batch([YEAR_EARLIER, FEB], data_dir=data, out=out, notebooks=section_notebooks("overview,hotline"),
                        jobs=2, progress=False, stream=log)
    assert outcome.exit_code == 0 and sorted(outcome.published) == [YEAR_EARLIER, FEB], log.getvalue()
    return out


def _rows(html: str) -> dict[str, list[str]]:
    """A page's table rows by their first cell that is not a row number: the cells after it."""
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        cells = [unescape(re.sub(r"<[^>]+>", "", c)).strip()
                 for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        cells = cells[1:] if cells and cells[0].isdigit() else cells
        if cells:
            found.setdefault(cells[0], cells[1:])
    return found


def _pdf_text(path: Path) -> str:
    return subprocess.run([poppler("pdftotext"), "-layout", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


def _outputs_text(out: Path, month: str) -> str:
    """Every published output of ``month`` as text: pages, PDF, Word, workbook, data package."""
    import docx
    import openpyxl

    folder = out / month
    parts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.html"))]
    parts.append(_pdf_text(folder / f"bulletin-{month}.pdf"))
    document = docx.Document(str(folder / f"bulletin-{month}.docx"))
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells] + [p.text for p in document.paragraphs]
    book = openpyxl.load_workbook(folder / f"tables-{month}.xlsx")
    parts += [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    parts += [p.read_text(encoding="utf-8") for p in sorted((folder / f"data-{month}").iterdir())]
    return unescape("\n".join(parts))


def test_the_pages_show_yoy_for_february_2020(published):
    section = _rows((published / FEB / "01_hotline.html").read_text(encoding="utf-8"))
    assert section["12320卫生热线受理咨询电话（个）"] == ["59,507", "50,000", CALLS_SAID]
    overview_page = _rows((published / FEB / "00_overview.html").read_text(encoding="utf-8"))
    assert overview_page["受理市12345工单（件）"] == ["2,595", "2,076", TICKETS_SAID]
    month_page = (published / FEB / "index.html").read_text(encoding="utf-8")
    table = month_page[month_page.index('<table class="data headlines">'):]
    rows = _rows(table[:table.index("</table>")])
    assert rows["指标"] == ["本月", "同比变化（2019年2月）"]
    assert rows["12320卫生热线受理咨询电话"] == ["59,507 个", CALLS_SAID]
    assert rows["受理省12345工单"] == ["425 件", PROVINCE_TICKETS_SAID]
    assert rows["南京占全省电话量"] == ["43.5%", ""]  # a share is not compared: nothing, never 0


def test_the_pdf_and_the_word_file_show_yoy_for_february_2020(published):
    text = _pdf_text(published / FEB / f"bulletin-{FEB}.pdf")
    assert re.search(r"本月\s+同比变化\n", text) and "（同比：与上年同月（2019年2月）比较。占比不作比较。）" in text
    assert re.search(rf"12320卫生热线受理咨询电话\s+59507个\s+{re.escape(CALLS_PRINTED)}\s*$", text, re.M)
    assert re.search(r"受理市12345工单\s+2595件\s+\+519（\+25\.0%）\s*$", text, re.M)
    import docx

    document = docx.Document(str(published / FEB / f"bulletin-{FEB}.docx"))
    table = document.tables[0]
    rows = {r.cells[1].text: [c.text for c in r.cells[2:]] for r in table.rows}
    assert rows["指标"] == ["本月", "同比变化"]
    assert "（同比：与上年同月（2019年2月）比较。占比不作比较。）" in [p.text for p in document.paragraphs]
    assert rows["12320卫生热线受理咨询电话"] == ["59507个", CALLS_PRINTED]
    assert rows["南京占全省电话量"] == ["43.5%", ""]


def test_the_workbook_and_the_data_package_hold_yoy_as_numbers(published):
    import openpyxl

    sheet = openpyxl.load_workbook(published / FEB / f"tables-{FEB}.xlsx")["本月要点"]
    (ref,) = [t.ref for t in sheet.tables.values()]
    cells = [[c.value for c in row] for row in sheet[ref]]
    assert cells[0] == ["板块", "指标", "数值", "单位", "公报写法", "说明",
                        "上年同月（2019年2月）", "同比增减", "同比增幅"]
    rows = {r[1]: [*r[2:4], *r[6:]] for r in cells[1:]}  # 数值, 单位, then the 同比 columns
    assert rows["12320卫生热线受理咨询电话"] == [59507, "个", 50000, CALLS, pytest.approx(CALLS_PCT, abs=1e-12)]
    assert rows["南京占全省电话量"][2:] == [None, None, None]
    folder = published / FEB / f"data-{FEB}"
    with (folder / "headlines.csv").open(encoding="utf-8", newline="") as fh:
        stored = {r["label"]: r for r in csv.DictReader(fh)}
    row = stored["12320卫生热线受理咨询电话"]
    assert (row["value"], row["yoy_base"], row["yoy_change"], float(row["yoy_change_pct"])) == (
        "59507", "50000", "9507", pytest.approx(CALLS_PCT, abs=1e-12))
    assert (stored["受理市12345工单"]["yoy_base"], stored["受理市12345工单"]["yoy_change"]) == ("2076", "519")
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    fields = next(r for r in descriptor["resources"] if r["name"] == "headlines")["schema"]["fields"]
    assert [(f["name"], f["title"]) for f in fields][-3:] == [
        ("yoy_base", "上年同月（2019年2月）"), ("yoy_change", "同比增减"), ("yoy_change_pct", "同比增幅")]
    frictionless = Path(sys.executable).with_name("frictionless")
    checked = subprocess.run([str(frictionless), "validate", str(folder / "datapackage.json")],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout[-2000:]


def test_a_month_without_its_year_earlier_month_says_nothing_of_yoy(published):
    text = _outputs_text(published, YEAR_EARLIER)  # 2019-02: no 2018-02, no 2019-01 in the data
    assert "50000" in text.replace(",", "")  # its own (synthetic) hotline total is there
    for word in ("同比", "上年同月", "yoy_"):
        assert word not in text, word
