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

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import section_charts
from money_scan import (
    FEN,
    NO_FIGURE,
    NUMBER,
    html_problems,
    is_money_header,
    not_to_the_fen,
    prose_amounts,
    table_cells,
)

MONTH = "2020-02"


@pytest.fixture(scope="module")
def published(published_2020_02) -> Path:
    """The month's own folder of the session's one ``bulletin run 2020-02`` (read-only)."""
    return published_2020_02 / MONTH


def _docx_problems(path: Path) -> list[str]:
    import docx

    document = docx.Document(str(path))
    problems = [f"{path.name}: text: {a!r}" for p in document.paragraphs for a in prose_amounts(p.text)]
    for table in document.tables:
        rows = [[c.text.strip() for c in row.cells] for row in table.rows]
        for header, cell in table_cells(rows, 1):
            if not_to_the_fen(cell):
                problems.append(f"{path.name}: table column {header!r}: {cell!r}")
    return problems


def _yuan_rows_problems(path: Path, sheet, cells) -> list[str]:
    """A row whose unit cell reads 元 (公布的总数: 项目 | 数值 | 单位): each number in it to the fen."""
    problems = []
    for row in cells[1:]:
        if any(c.value == "元" for c in row):
            for cell in row:
                if isinstance(cell.value, int | float) and not re.search(r"0\.00(?![0#])", cell.number_format):
                    problems.append(f"{path.name}: {sheet.title}!{cell.coordinate} (元): "
                                    f"number format {cell.number_format!r}")
    return problems


def _xlsx_problems(path: Path) -> list[str]:
    import openpyxl

    book = openpyxl.load_workbook(path)
    problems = []
    for sheet in book.worksheets:
        for _, ref in sheet.tables.items():
            cells = sheet[ref]
            heads = [str(c.value or "") for c in cells[0]]
            problems += _yuan_rows_problems(path, sheet, cells)
            for j, head in enumerate(heads):
                if not is_money_header(head):
                    continue
                for row in cells[1:]:
                    cell = row[j]
                    if isinstance(cell.value, int | float) and not re.search(r"0\.00(?![0#])", cell.number_format):
                        problems.append(f"{path.name}: {sheet.title}!{cell.coordinate} ({head}): "
                                        f"number format {cell.number_format!r}")
                    elif isinstance(cell.value, str) and not_to_the_fen(cell.value):
                        problems.append(f"{path.name}: {sheet.title}!{cell.coordinate} ({head}): {cell.value!r}")
    return problems


def _pdf_problems(path: Path) -> list[str]:
    """The PDF's prose amounts, and every figure printed under a header naming money (by position)."""
    from bs4 import BeautifulSoup

    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    problems = [f"{path.name}: text: {a!r}" for a in prose_amounts(text)]
    boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    soup = BeautifulSoup(boxes, "lxml")
    for number, page in enumerate(soup.find_all("page"), start=1):
        words = [(w.get_text(), *(float(w[k]) for k in ("xmin", "ymin", "xmax", "ymax")))
                 for w in page.find_all("word")]
        heads = [w for w in words if "（元）" in w[0] and not w[0].startswith("图")]
        for head, x0, y0, x1, y1 in heads:
            height = y1 - y0
            below = sorted((w for w in words if w[2] > y1 and w[1] < x1 and w[3] > x0), key=lambda w: w[2])
            last = y1
            for word, _, top, _, bottom in below:
                if top - last > 3 * height:  # the table has ended
                    break
                if not NUMBER.fullmatch(word):
                    if word not in NO_FIGURE:
                        break
                    continue
                if not FEN.fullmatch(word):
                    problems.append(f"{path.name}: page {number}, column {head!r}: {word!r}")
                last = bottom
    return problems


def test_money_to_the_fen_in_every_output(published):
    pages = [published.parent / "index.html", *sorted(published.glob("*.html"))]
    assert len(pages) == 10  # the top index, the month page and the eight sections
    problems = [p for page in pages for p in html_problems(page)]
    problems += _docx_problems(published / f"bulletin-{MONTH}.docx")
    problems += _xlsx_problems(published / f"tables-{MONTH}.xlsx")
    if shutil.which("pdftotext"):
        problems += _pdf_problems(published / f"bulletin-{MONTH}.pdf")
    assert not problems, "\n".join(problems[:40])


#: the qualifiers February's bulletin prints beside its telemedicine figures (data/2020-02/telemedicine.csv)
QUALIFIERS = ("未通过平台申请的会诊未统计在内", "南京市、马鞍山市、镇江市和扬州市", "覆盖10个区的社区卫生服务中心",
              "覆盖市内7个区", "影像系统因数据中心库受病毒影响，系统暂未恢复，暂停数据采集及服务")


def test_every_output_shows_the_telemedicine_qualifiers_next_to_their_figures(published):
    import docx
    import openpyxl
    from bs4 import BeautifulSoup

    page = BeautifulSoup((published / "04_telemedicine.html").read_text(encoding="utf-8"), "lxml")
    cells = [td.get_text(strip=True) for td in page.find_all("td")]
    assert "109（未通过平台申请的会诊未统计在内）" in cells
    assert "4（南京市、马鞍山市、镇江市和扬州市）" in cells and "10（覆盖10个区的社区卫生服务中心）" in cells
    assert "暂停（影像系统因数据中心库受病毒影响，系统暂未恢复，暂停数据采集及服务）" in cells
    prose = "\n".join(p.text for p in docx.Document(str(published / f"bulletin-{MONTH}.docx")).paragraphs)
    pdf = subprocess.run(["pdftotext", str(published / f"bulletin-{MONTH}.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout if shutil.which("pdftotext") else prose
    pdf = re.sub(r"\s", "", pdf)
    for text in (prose, pdf):
        assert "累计通过平台开展各类会诊109次（未通过平台申请的会诊未统计在内）" in text
        assert "联通南京市、马鞍山市、镇江市和扬州市4个城市" in text
        assert "南京市内三级医院12家" in text and "覆盖10个区的社区卫生服务中心" in text
        assert "其中二级以上医疗机构17家，覆盖市内7个区" in text  # the lab platform prints no 南京市内
        assert QUALIFIERS[-1] in text
    sheet = openpyxl.load_workbook(published / f"tables-{MONTH}.xlsx")["远程医疗"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows[0] == ("平台", "指标", "数值", "单位", "平台状态", "公报注明")
    noted = {(r[0], r[1]): (r[2], r[5]) for r in rows[1:]}
    assert noted["南京市远程医学会诊平台", "累计会诊"] == (109, QUALIFIERS[0])
    assert noted["南京市远程医学会诊平台", "累计接入医疗机构"] == (47, None)  # printed bare: empty
    package = (published / f"data-{MONTH}" / "telemedicine.csv").read_text(encoding="utf-8")
    assert all(q in package for q in QUALIFIERS)


def test_the_month_page_opens_with_a_few_main_points_in_words(published):
    from bs4 import BeautifulSoup

    page = BeautifulSoup((published / "index.html").read_text(encoding="utf-8"), "lxml")
    heading = next(h for h in page.find_all("h2") if h.get_text() == "本月要点")
    points = heading.find_next("ul", class_="points").find_all("li")
    assert len(points) == 6  # one sentence per section, not the 33 figures
    assert points[0].get_text().startswith("12320卫生热线本月受理咨询电话59,507个")
    details = heading.find_next("details")
    assert details.summary.get_text() == "全部主要指标（33 项）" and not details.has_attr("open")
    assert len(details.find("tbody").find_all("tr")) == 33  # printed and computed figures: no judgement


# ---------------------------------------------------------------- the pages at 1280 and 390 px

#: the smallest text any chart draws, in points (test_every_chart_draws_text_of_at_least_9_pt)
SMALLEST_PT = 9
WIDTHS = (1280, 390)

_LAYOUT = """JSON.stringify((() => {
  const vw = document.documentElement.clientWidth;
  const scroller = el => {
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) return box;
    }
    return null;
  };
  const cue = box => box ? parseFloat(getComputedStyle(box, '::before').height) || 0 : 0;
  const visible = el => el.getClientRects().length > 0;
  const boxes = (el, r) => { const s = scroller(el); return {
    right: r.right, width: r.width, box: s ? s.clientWidth : null, boxRight: s ? s.getBoundingClientRect().right : null,
    scrolls: s ? s.scrollWidth > s.clientWidth + 1 : false, cue: cue(s),
    what: (el.innerText || el.getAttribute('alt') || '').slice(0, 30).replace(/\\s+/g, ' ')}; };
  return {vw, page: document.documentElement.scrollWidth,
    tables: [...document.querySelectorAll('table')].filter(visible).map(t => boxes(t, t.getBoundingClientRect())),
    images: [...document.images].filter(visible).map(i => ({...boxes(i, i.getBoundingClientRect()),
                                                            natural: i.naturalWidth, alt: i.getAttribute('alt')}))};
})())"""


def _layout_problems(name: str, width: int, found: dict, sizes: dict[str, float]) -> list[str]:
    where = f"{name} at {width} px"
    problems = []
    if found["page"] > found["vw"] + 1:
        problems.append(f"{where}: the page is {found['page']} px wide, wider than the window ({found['vw']} px)")
    for kind, items in (("table", found["tables"]), ("chart", found["images"])):
        for t in items:
            if t["box"] is None:  # not in a scroll box: it must fit the window
                if t["right"] > found["vw"] + 1:
                    problems.append(f"{where}: {kind} {t['what']!r} is cut off at {t['right']:.0f} px")
                continue
            if t["boxRight"] > found["vw"] + 1:
                problems.append(f"{where}: the scroll box of {kind} {t['what']!r} is cut off")
            if t["scrolls"] and t["cue"] < 10:
                problems.append(f"{where}: {kind} {t['what']!r} scrolls sideways without a visible cue")
    for image in found["images"]:
        # the chart's smallest text as drawn (its figure measured; SMALLEST_PT for the trends' charts)
        smallest = sizes.get(image["alt"], SMALLEST_PT)
        text_px = image["width"] / image["natural"] * smallest * 100 / 72  # the charts' DPI is 100
        if round(text_px, 3) < 10:
            problems.append(f"{where}: chart {image['what']!r} drawn {image['width']:.0f} px wide for "
                            f"{image['natural']} px: its smallest text is {text_px:.1f} px tall")
    return problems


def test_no_table_cut_off_and_chart_text_at_least_10_px_at_1280_and_390(published, tmp_path):
    import base64
    import json
    import os
    import time

    import helpers

    if helpers.CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium not found, and CI=true requires the browser test to run")
        pytest.skip("Chromium not found (Debian: apt-get install chromium)")
    keep = Path(os.environ["BULLETIN_SCREENSHOTS"]) if os.environ.get("BULLETIN_SCREENSHOTS") else None
    pages = [("top", published.parent / "index.html"), ("month", published / "index.html"),
             *[(p.stem, p) for p in sorted(published.glob("0*.html"))]]
    assert len(pages) == 10
    sizes = _smallest_text_by_alt()
    page = helpers.Page(helpers.CHROMIUM, tmp_path / "profile")
    problems: list[str] = []
    measured = {"tables": 0, "charts": 0, "scrolling": 0}
    try:
        for width in WIDTHS:
            page.send("Emulation.setDeviceMetricsOverride", width=width, height=900, deviceScaleFactor=1,
                      mobile=width < 600)
            for name, path in pages:
                page.open(path.as_uri())
                page.evaluate("document.fonts.ready.then(() => JSON.stringify(1))")
                time.sleep(0.05)  # one frame, for the scroll-driven cue
                found = page.evaluate(_LAYOUT)
                problems += _layout_problems(name, width, found, sizes)
                measured["tables"] += len(found["tables"])
                measured["charts"] += len(found["images"])
                measured["scrolling"] += sum(t["scrolls"] for t in found["tables"] + found["images"])
                if keep is not None:
                    keep.mkdir(parents=True, exist_ok=True)
                    height = min(max(found and page.evaluate("JSON.stringify(document.documentElement.scrollHeight)"),
                                     600), 16000)
                    page.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
                              deviceScaleFactor=1, mobile=width < 600)
                    shot = page.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
                    (keep / f"{name}-{width}.png").write_bytes(base64.b64decode(shot))
                    page.send("Emulation.setDeviceMetricsOverride", width=width, height=900, deviceScaleFactor=1,
                              mobile=width < 600)
    finally:
        page.close()
    assert not problems, "\n".join(problems[:30])
    # the test looked at something: every page's tables and charts, and at 390 px the wide ones scroll
    # (29 tables a width: the month page shows the check's counts, not a table of warnings)
    assert measured["tables"] >= 58 and measured["charts"] > 20 and measured["scrolling"] > 10, json.dumps(measured)


def _smallest_text_by_alt() -> dict[str, float]:
    """Each chart's alt text → the size in points of its smallest text, measured on the figure."""
    import matplotlib.pyplot as plt

    from bulletin.style import charts

    out = {}
    for _, _, fig in section_charts():
        out[charts.alt_text(fig)] = charts.smallest_text_pt(fig)
        plt.close(fig)
    return out


