"""The PDF, the Word file and the workbook as their readers' clients lay them out, page by page.

The Typst PDF is read by poppler (``pdftotext -bbox``: every word with its position on its page);
the Word file and the workbook are first laid out by LibreOffice (``soffice --headless
--convert-to pdf``, Debian's ``libreoffice-writer-nogui`` and ``libreoffice-calc-nogui``, which
``.ci/run`` installs: the workbook printed as its print settings say) and then read the same way. LibreOffice
runs with a profile of its own under ``tmp_path`` (parallel runs never share one) and sees only
the project's CJK font, through a fontconfig file of its own: a Chinese reader's Word or WPS always
has a Chinese font, and without one LibreOffice would lay out substitute boxes whose widths are not
a Chinese font's; with the machine's fonts, the layout would differ from machine to machine.
Each document is converted and read once for the module.

What a reader or an editor would refuse, asserted on the pages: a table row on a page without its
group label (医疗单位, 各区), a heading or caption left at the foot of a page, money not printed
to the fen, a table title printed twice, a document without its source line, issue, version and
the meaning of 未反馈 beside the tables that print it, the bulletin's caveats away from their figures.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import IN_CI, REFERENCE_MONTH, poppler, struct_elements, tool

import bulletin
from bulletin.core import schema
from bulletin.render import documents
from bulletin.render.documents import content, model, pdf

M = REFERENCE_MONTH
KINDS = ("pdf", "docx")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Line:
    y: float
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        """The line's text without spaces (clients space figures from Chinese differently)."""
        return "".join(w.text for w in self.words)


def _pages(path: Path) -> list[list[Line]]:
    """Every page of a PDF as its lines, top to bottom, each line's words left to right."""
    exe = poppler("pdftotext")
    xhtml = subprocess.run([exe, "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    pages = []
    for page in ET.fromstring(xhtml).iterfind(".//h:page", ns):
        words = sorted((Word(float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")),
                             w.text or "") for w in page.iterfind("h:word", ns)),
                       key=lambda w: ((w.y0 + w.y1) / 2, w.x0))
        lines: list[list[Word]] = []
        for w in words:  # a word whose middle is within 2.5 pt of the line's first word: the same line
            if lines and abs((w.y0 + w.y1) / 2 - (lines[-1][0].y0 + lines[-1][0].y1) / 2) < 2.5:
                lines[-1].append(w)
            else:
                lines.append([w])
        pages.append([Line((ws[0].y0 + ws[0].y1) / 2, tuple(sorted(ws, key=lambda w: w.x0))) for ws in lines])
    return pages


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _is_footer(line: Line) -> bool:
    return re.fullmatch(r"\d+/\d+", line.text) is not None


def _is_contents(line: Line) -> bool:
    return "....." in line.text


@pytest.fixture(scope="module")
def data_in_odd_path(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("render") / "卫生 数据"
    shutil.copytree(bulletin.core.paths.DEFAULT_DATA_DIR / M, root / M)
    return root


def _render(data_dir: Path, work: Path) -> dict[str, list[list[Line]]]:
    """The month's documents written from ``data_dir``: the PDF as written, the Word file and the
    workbook (printed) as LibreOffice lays them out."""
    soffice = tool("soffice", "libreoffice-writer-nogui")
    out = work / "月报 输出"
    written = {p.suffix.lstrip("."): p for p in documents.write_all(M, data_dir, out) if p.is_file()}
    conf = work / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{pdf.font_file().parent}</dir>\n  <cachedir>{work / 'fontcache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": str(work)}
    converted = work / "word"
    done = subprocess.run([soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(converted), str(written["docx"]),
                           str(written["xlsx"])],
                          capture_output=True, text=True, env=env, timeout=300, stdin=subprocess.DEVNULL)
    word_pdf = converted / written["docx"].with_suffix(".pdf").name
    assert done.returncode == 0 and word_pdf.is_file(), done.stderr
    printed = converted / written["xlsx"].with_suffix(".pdf").name
    out = {"pdf": _pages(written["pdf"]), "docx": _pages(word_pdf)}
    if printed.is_file():
        out["xlsx"] = _pages(printed)
    return out


def _printed_workbook(rendered: dict[str, list[list[Line]]]) -> list[list[Line]]:
    if "xlsx" not in rendered:  # soffice without its spreadsheet part
        message = "LibreOffice could not print the workbook: Debian package libreoffice-calc-nogui"
        pytest.fail(f"{message} is missing; .ci/run installs it") if IN_CI else pytest.skip(message)
    return rendered["xlsx"]


@pytest.fixture(scope="module")
def rendered(data_in_odd_path, tmp_path_factory) -> dict[str, list[list[Line]]]:
    return _render(data_in_odd_path, tmp_path_factory.mktemp("render"))


@pytest.fixture(scope="module")
def long_month(tmp_path_factory) -> Path:
    """The month with twice as many hospitals' kiosks (each hospital again as its 分院): the
    hospitals' group no longer fits one page, in either document."""
    root = tmp_path_factory.mktemp("long") / "data"
    shutil.copytree(bulletin.core.paths.DEFAULT_DATA_DIR / M, root / M)
    path = root / M / "kiosks.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    extra = [line.replace(",", "分院,", 2).replace("分院,", ",", 1) for line in lines if line.startswith("hospital,")]
    path.write_text("".join([*lines[:1], *(line for line in lines[1:] if line.startswith("hospital,")), *extra,
                             *(line for line in lines[1:] if not line.startswith("hospital,"))]), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def rendered_long(long_month, tmp_path_factory) -> dict[str, list[list[Line]]]:
    return _render(long_month, tmp_path_factory.mktemp("render"))


@pytest.fixture(scope="module")
def doc(data_in_odd_path) -> model.Document:
    return content.build(M, data_in_odd_path)


def _body(pages: list[list[Line]]) -> list[tuple[int, int, Line]]:
    """(page, line, Line) of every line that is neither the contents list nor a page footer."""
    return [(p, i, line) for p, lines in enumerate(pages) for i, line in enumerate(lines)
            if not _is_contents(line) and not _is_footer(line)]


def _kiosk_rows(pages: list[list[Line]], data_dir: Path | None = None) -> list[tuple[int, Line, Word, str]]:
    """The kiosks table's rows: (page, line, the unit's word, the unit's group), from the table's
    heading to its 合计 row."""
    frame = bulletin.load("kiosks", M, data_dir)
    group_of = dict(zip(frame["unit"], frame["group"], strict=True))
    heading = _flat(content.dated(M, schema.TABLES["kiosks"].title))
    body = _body(pages)
    start = max(k for k, (_, _, line) in enumerate(body) if line.text.endswith(heading))
    rows = []
    for p, _, line in body[start + 1:]:
        if line.text.startswith("合计"):
            break
        unit = next((w for w in line.words if w.text in group_of), None)
        if unit is not None:
            rows.append((p, line, unit, group_of[unit.text]))
    return rows


# ---------------------------------------------------------------- tables across pages


@pytest.mark.parametrize("month", ["2020-02", "long"])
@pytest.mark.parametrize("kind", KINDS)
def test_no_page_shows_a_table_row_cut_from_its_group_label(request, kind, month):
    """On every page the kiosks table reaches, each group it shows has its label (医疗单位, 各区)
    left of its rows on that page: repeated on each row, or the group kept whole on one page.
    The month as published, and with twice the hospitals (a group longer than a page)."""
    data_dir = request.getfixturevalue("long_month") if month == "long" else None
    pages = request.getfixturevalue("rendered_long" if month == "long" else "rendered")[kind]
    rows = _kiosk_rows(pages, data_dir)
    assert len(rows) == (86 if month == "long" else 49), "every kiosk row is found on the pages"
    assert month != "long" or len({p for p, *_ in rows}) >= 2, "the long table runs over pages"
    for page in sorted({p for p, *_ in rows}):
        here = [(line, unit, group) for p, line, unit, group in rows if p == page]
        left = min(unit.x0 for _, unit, _ in here)
        top, bottom = here[0][0].y - 3, here[-1][0].y + 3
        label = "".join(w.text for line in pages[page] for w in line.words
                        if w.x1 <= left + 0.5 and top <= (w.y0 + w.y1) / 2 <= bottom)
        for group in dict.fromkeys(g for *_, g in here):
            assert schema.KIOSK_GROUP_LABELS[group] in label, (
                f"{kind} page {page + 1}: rows of {schema.KIOSK_GROUP_LABELS[group]} without their label "
                f"(left of the units: {label!r})")


@pytest.mark.parametrize("kind", KINDS)
def test_every_heading_and_caption_is_followed_on_its_page_by_its_content(rendered, doc, kind):
    pages = rendered[kind]
    body = _body(pages)
    for chapter in doc.chapters:
        title = _flat(chapter.title)
        found = [(p, i) for p, i, line in body if line.text.endswith(title)]
        assert len(found) == 1, f"{kind}: the heading {chapter.title} printed once ({len(found)})"
        p, i = found[0]
        after = [line for line in pages[p][i + 1:] if not _is_footer(line)]
        assert after, f"{kind}: the heading {chapter.title} is the last line of page {p + 1}"
    captions = [b.title for s in doc.chapters for b in s.blocks if isinstance(b, model.Bars)] if kind == "pdf" else []
    assert kind == "docx" or len(captions) == 4
    for title in captions:  # a chart's caption under its chart, on the same page
        ((p, i),) = [(p, i) for p, i, line in body if line.text.endswith(_flat(title))]
        assert i > 0 and not _is_footer(pages[p][i - 1]), f"the caption {title} starts page {p + 1}"


@pytest.mark.parametrize("kind", KINDS)
def test_no_table_title_is_printed_twice(rendered, doc, kind):
    body = _body(rendered[kind])
    for chapter in doc.chapters:
        for block in chapter.blocks:
            if isinstance(block, model.Grid):
                hits = [line.text for _, _, line in body if _flat(block.title) in line.text]
                assert len(hits) == 1, f"{kind}: {block.title} printed {len(hits)} times: {hits}"


@pytest.mark.parametrize("kind", KINDS)
def test_no_figure_is_split_across_two_lines(rendered, doc, kind):
    """A figure in the prose reads whole on one line (LibreOffice had broken 26097 after its 2)."""
    text = "\n".join(line.text for _, _, line in _body(rendered[kind]))
    paragraphs = [b.text for s in doc.chapters for b in s.blocks if isinstance(b, model.Paragraph) and not b.note]
    assert len(paragraphs) == 6
    for paragraph in paragraphs:
        found = re.search("\n?".join(map(re.escape, _flat(paragraph))), text)
        assert found, f"{kind}: {paragraph[:20]}… is printed"
        assert not re.search(r"\d\n\d", found.group()), f"{kind}: a figure split over two lines in {found.group()!r}"


# ---------------------------------------------------------------- figures


def _fen(value: object) -> str:
    return f"{Decimal(str(value)).quantize(Decimal('0.01'))}"


@pytest.mark.parametrize("kind", KINDS)
def test_money_is_printed_to_the_fen(rendered, kind):
    pages = rendered[kind]
    frame = bulletin.load("kiosks", M).set_index("unit")
    rows = _kiosk_rows(pages)
    for _, line, unit, _ in rows:
        words = {w.text.replace(",", "") for w in line.words}
        for column in ("registration_yuan", "payment_yuan"):
            assert _fen(frame.loc[unit.text, column]) in words, (kind, unit.text, column, line.text)
    facts = bulletin.facts(M)
    totals = [line for _, _, line in _body(pages) if line.text.startswith("合计") and "1481" in line.text]
    assert len(totals) == 1
    words = {w.text.replace(",", "") for w in totals[0].words}
    assert {_fen(facts["kiosks.total.registration_yuan"]), _fen(facts["kiosks.total.payment_yuan"])} <= words
    assert {"6477159.42", "51460109.85"} <= words


def test_chart_bars_start_at_zero_on_a_value_axis_with_labels_as_the_tables(rendered, doc):
    """The kiosks chart: each value label sits where a bar from the axis's 0, drawn to the axis's
    scale, ends; the labels are money to the fen with separators, the ticks counts with separators."""
    chart = next(b for b in doc.chapters[-1].blocks if isinstance(b, model.Bars))
    assert all(name in set(bulletin.load("kiosks", M).query("group == 'hospital'")["unit"])
               for name, _, _ in chart.items), "hospitals ranked with hospitals only"
    end, ticks = pdf.scale(max(v for _, v, _ in chart.items), money=True)
    assert (end, ticks) == (15_000_000, [0, 5_000_000, 10_000_000, 15_000_000])
    page = next(lines for lines in rendered["pdf"] if any(line.text.endswith(_flat(chart.title)) for line in lines))
    words = [w for line in page for w in line.words]

    def centre(text: str) -> float:
        (w,) = [w for w in words if w.text == text and w.y0 > words_below]
        return (w.x0 + w.x1) / 2

    labels = {name: next(w for w in words if w.text == f"{Decimal(str(v)).quantize(Decimal('0.01')):,}")
              for name, v, _ in chart.items}
    assert labels["南京市儿童医院"].text == "13,497,811.90"
    words_below = max(w.y1 for w in labels.values())  # the ticks are under the bars
    zero, full = centre("0"), centre("15,000,000")
    assert centre("5,000,000") == pytest.approx(zero + (full - zero) / 3, abs=0.5)
    for name, value, _ in chart.items:  # the bar runs from 0 to its value; its label 4 pt after it
        assert labels[name].x0 == pytest.approx(zero + (full - zero) * value / end + 4, abs=1.0), name


# ---------------------------------------------------------------- what the documents say of their figures


@pytest.mark.parametrize("kind", KINDS)
def test_source_issue_version_and_not_reported_are_printed(rendered, doc, kind):
    pages = rendered[kind]
    first = _flat("".join(line.text for line in pages[0]))
    assert doc.colophon == model.colophon(M)
    for line in doc.colophon:
        assert _flat(line) in first, (kind, line)
    assert "南京市卫生信息中心《南京卫生信息统计简报》2020年2月刊" in first and "数据未经修订" in first
    # the meaning of 未反馈 under the table that prints it, on the page of its last rows
    notes = [(p, i) for p, i, line in _body(pages) if line.text.startswith("注：“未反馈”")]
    assert len(notes) == 1, f"{kind}: one table prints 未反馈 (the hospitals' uploads): {notes}"
    p, i = notes[0]
    assert i > 0 and "未反馈" in pages[p][i - 1].text, f"{kind}: the note stands under a row holding 未反馈"


#: the bulletin's caveats beside the figures they qualify (issue 20 part 3: kept as data in the
#: telemedicine table's note column, worded next to their figure)
CAVEATS = {
    "consultations": r"会诊109次（未通过平台申请的会诊未统计在内）",
    "imaging": r"远程影像诊断平台[^。]{0,60}。[^。]{0,20}因数据中心库受病毒影响[^。]{0,30}暂停数据采集及服务",
    "cities": r"联通南京市、马鞍山市、镇江市和扬州市4个城市",
    "districts": r"覆盖10个区的社区卫生服务中心",
}


@pytest.mark.parametrize("caveat", list(CAVEATS))
@pytest.mark.parametrize("kind", KINDS)
def test_the_bulletins_caveats_stand_beside_their_figures(rendered, kind, caveat):
    text = _flat("".join(line.text for _, _, line in _body(rendered[kind])))
    assert re.search(CAVEATS[caveat], text), (kind, caveat)


# ---------------------------------------------------------------- headings and the Word file's properties


def test_pdf_headings_one_h1_for_the_title_and_h2_for_each_section(data_in_odd_path, doc, tmp_path):
    from pypdf import PdfReader

    target = pdf.write(doc, tmp_path / "b.pdf")
    tags = [str(e["/S"]) for e in struct_elements(PdfReader(target).trailer["/Root"]["/StructTreeRoot"])
            if re.fullmatch(r"/H\d", str(e.get("/S", "")))]
    # the title, then the contents list's heading and the seven sections under it
    assert tags == ["/H1", "/H2", *["/H2"] * len(doc.chapters)]


def test_docx_properties_name_the_publisher_and_tables_carry_alt_text(data_in_odd_path, doc, tmp_path, monkeypatch):
    import docx

    from bulletin.render.documents import word

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1583020800")  # 2020-03-01T00:00:00Z
    d = docx.Document(word.write(doc, tmp_path / "b.docx"))
    props = d.core_properties
    assert (props.author, props.last_modified_by) == (model.PUBLISHER, model.PUBLISHER)
    assert props.created.isoformat()[:19] == props.modified.isoformat()[:19] == "2020-03-01T00:00:00"
    assert props.comments == doc.colophon[0] and "python-docx" not in f"{props.comments}{props.author}"
    grids = [b for s in doc.chapters for b in s.blocks if isinstance(b, model.Grid)]
    with zipfile.ZipFile(tmp_path / "b.docx") as z:  # the tables' XML as Word reads it
        tables = ET.fromstring(z.read("word/document.xml")).findall(f".//{W}tbl")
    assert len(tables) == len(grids) == 6  # 本月要点 and the five tables the bulletin prints
    for table, grid in zip(tables, grids, strict=True):
        tblpr = table.find(f"{W}tblPr")
        assert tblpr.find(f"{W}tblCaption").get(f"{W}val") == grid.title
        assert tblpr.find(f"{W}tblDescription").get(f"{W}val") == word.description(grid)
        assert f"{len(grid.body)}行" in word.description(grid)
        rows = table.findall(f"{W}tr")
        assert len(rows) == len(grid.header) + len(grid.body)
        assert all(row.find(f"{W}trPr/{W}cantSplit") is not None for row in rows), "no row breaks across pages"
    headings = [p for p in d.paragraphs if p.style.name == "Heading 1"]
    assert [p.text for p in headings] == [s.title for s in doc.chapters]
    assert all(p.paragraph_format.keep_with_next for p in headings)


def test_a_table_titled_otherwise_than_its_chapter_is_captioned_and_numbered(tmp_path):
    """Two tables under one heading: each is captioned 表1, 表2 with its own title (a Word Caption
    numbered by a SEQ field; a Typst table caption above the table); a revised month says so."""
    from bulletin.render.documents import word
    from bulletin.render.documents.model import Cell, Chapter, Grid

    head = ((Cell("单位"), Cell("数")),)
    first = Grid("kiosks", "甲表", (1, 1), head, ((Cell("甲院"), Cell("未反馈", numeric=True)),))
    second = Grid("kiosks", "乙表", (1, 1), head, ((Cell("乙院"), Cell("3", numeric=True)),))
    doc = model.Document(M, "简报（2020年2月）", "2020年2月", (Chapter("一节", (first, second)),),
                         model.colophon(M, "2024年5月1日"), (model.NOT_REPORTED_TERM,))
    text = subprocess.run([poppler("pdftotext"), "-layout", str(pdf.write(doc, tmp_path / "s.pdf")),
                           "-"], capture_output=True, text=True, check=True).stdout
    assert re.search(r"表1\s+甲表\s+单位\s+数\s+甲院\s+未反馈\s+注：“未反馈”", text)
    assert re.search(r"表2\s+乙表\s+单位\s+数\s+乙院\s+3", text) and "注：" not in text.split("乙表")[1]
    assert "数据于2024年5月1日修订" in text
    with zipfile.ZipFile(word.write(doc, tmp_path / "s.docx")) as z:
        root = ET.fromstring(z.read("word/document.xml"))
    body = list(root.find(f"{W}body"))
    captions = [(i, p) for i, p in enumerate(body) if p.find(f"{W}pPr/{W}pStyle[@{W}val='Caption']") is not None]
    assert ["".join(t.text for t in p.iter(f"{W}t")) for _, p in captions] == ["表 1\u3000甲表", "表 2\u3000乙表"]
    assert all(p.find(f"{W}fldSimple").get(f"{W}instr").split()[:2] == ["SEQ", "表"] for _, p in captions)
    assert all(body[i + 1].tag == f"{W}tbl" for i, _ in captions), "each caption right above its table"


# ---------------------------------------------------------------- layout as the clients show it


def _line_of(pages: list[list[Line]], text: str) -> tuple[int, int]:
    """(page, line) of the one line of the body holding ``text`` (spaces aside)."""
    found = [(p, i) for p, i, line in _body(pages) if _flat(text) in line.text]
    assert len(found) == 1, f"{text} printed once: {found}"
    return found[0]


BRACKETED = {"appointments": "（截止2月底，总预约挂号量为18722617次）",
             "platform_hospitals": "（截止2月底，区及医院累计校验入库数据49.3亿条）"}


@pytest.mark.parametrize("name", list(BRACKETED))
def test_a_tables_bracketed_line_stands_under_its_table_on_its_page(rendered, doc, name):
    """（截止2月底，…49.3亿条） is printed with its table, never alone at the head of the next page,
    and （截止2月底，总预约挂号量为18722617次） right under its table's 合计 row, before Figure 2:
    in the PDF and in the Word file."""
    text = BRACKETED[name]
    for kind in KINDS:
        pages = rendered[kind]
        chapter = next(c for c in doc.chapters if any(getattr(b, "name", "") == name for b in c.blocks))
        assert any(isinstance(b, model.Paragraph) and b.text == text for b in chapter.blocks)
        p, i = _line_of(pages, text)
        before = [line for line in pages[p][:i] if not _is_footer(line)]
        assert before, f"{kind}: {text} starts page {p + 1} alone"
        if name == "appointments":
            follows = before[-1].text
            assert follows.startswith("合计"), f"{kind}: {text} follows {follows!r}, not the 合计 row"
        else:  # under the last hospital's row (and the note on 未反馈 the table prints)
            last = before[-2 if before[-1].text.startswith("注：") else -1].text
            assert last.startswith("中科院皮研所"), f"{kind}: {text} follows {last!r}, not the table's last row"


def _every_page_of_the_headlines_table_shows_its_rows_section(rendered, doc, kind: str) -> None:
    pages = rendered[kind]
    month = bulletin.month(M)
    rows = content.headline_rows(month)
    keys = content.headline_keys(month)
    body = _body(pages)
    start, end = (next(k for k, (_, _, line) in enumerate(body) if line.text.endswith(_flat(c.title)))
                  for c in doc.chapters[:2])
    found = []
    for (section, label, value, unit), key in zip(rows, keys, strict=True):
        row = _flat(label + content.printed_figure(value, unit, key))
        hits = [(p, line, _word_starting(line, _flat(label))) for p, _, line in body[start:end] if row in line.text]
        assert hits, f"{kind}: the headline {label} is printed"
        found.append((*hits[0], section))
    # February's 33 headlines (the package's judgements no longer among them) fit one page: the
    # check below then holds trivially for it, and bites wherever the table breaks
    for page in sorted({p for p, *_ in found}):
        here = [(line, w, s) for p, line, w, s in found if p == page]
        left = min(w.x0 for _, w, _ in here)
        top, bottom = min(line.y for line, _, _ in here) - 3, max(line.y for line, _, _ in here) + 3
        labels = "".join(w.text for line in pages[page] for w in line.words
                         if w.x1 <= left + 0.5 and top - 30 <= (w.y0 + w.y1) / 2 <= bottom)
        for section in dict.fromkeys(s for *_, s in here):
            assert _flat(section) in labels, f"{kind} page {page + 1}: rows of {section} without their label"


def test_every_page_of_the_headlines_table_shows_its_rows_section(rendered, doc):
    """本月要点 over two pages: a section's rows on a page stand beside their section's label on
    that page (the PDF had carried 自助缴费金额 … onto page 2 under an empty cell); in the PDF and in
    the Word file."""
    for kind in KINDS:
        _every_page_of_the_headlines_table_shows_its_rows_section(rendered, doc, kind)


def _word_starting(line: Line, text: str) -> Word:
    """The word of ``line`` where ``text`` starts (a client may print 12320 and 卫生热线 as two words)."""
    for k, w in enumerate(line.words):
        if "".join(x.text for x in line.words[k:]).startswith(text):
            return w
    raise AssertionError(f"{text} not in {line.text}")


def _header_block(pages: list[list[Line]], first_cells: set[str], height: float,
                  between: tuple[str, str]) -> list[tuple[int, str]]:
    """(page, text) of the header over a table's rows on each page it reaches: the lines within
    ``height`` points above the page's first row (a row: a line starting with one of ``first_cells``,
    between the headings ``between``)."""
    body = _body(pages)
    start = next(k for k, (_, _, line) in enumerate(body) if line.text.endswith(_flat(between[0])))
    end = next(k for k, (_, _, line) in enumerate(body) if line.text.endswith(_flat(between[1])))
    rows = {(p, i) for p, i, line in body[start:end] if line.words and line.words[0].text in first_cells}
    blocks = []
    for p, lines in enumerate(pages):
        starts = [line.y for i, line in enumerate(lines) if (p, i) in rows]
        if starts:
            top = min(starts)
            blocks.append((p, "".join(line.text for line in lines if top - height < line.y < top - 2
                                      and not line.text.endswith(_flat(between[0])))))
    return blocks


def _the_districts_header_is_whole_on_every_page(rendered, doc, kind: str) -> None:
    from collections import Counter

    grid = next(b for c in doc.chapters for b in c.blocks if getattr(b, "name", "") == "platform_districts")
    units = {row[0].text for row in grid.body}
    titles = [c.title for c in doc.chapters]
    after = titles[titles.index(grid.title) + 1]
    blocks = _header_block(rendered[kind], units, 70, (grid.title, after))
    assert len(blocks) >= 1  # the header on its first page; on the next too where the table breaks
    for p, text in blocks:
        for label in [c.text for row in grid.header for c in row]:
            missing = Counter(_flat(label)) - Counter(text)
            assert not missing, f"{kind} page {p + 1}: the header {label} lacks {''.join(missing.elements())}"
    assert len({"".join(sorted(text)) for _, text in blocks}) == 1, f"{kind}: the repeated header differs: {blocks}"


def test_the_districts_header_is_whole_on_every_page(rendered, doc):
    """The districts' header, repeated on the next page, shows every header's whole text (the Word
    file as LibreOffice lays it out had cut 门急诊信息上传人次 to 门急诊信息上传人 there); in the PDF
    and in the Word file."""
    for kind in KINDS:
        _the_districts_header_is_whole_on_every_page(rendered, doc, kind)


def test_the_word_files_appointments_header_holds_12320_online_on_one_line(rendered, doc, tmp_path):
    """12320在线预约 on one line in the Word file, with room to spare: its column holds the header
    even in a font setting the digits as wide as the characters (a client without 宋体 falls back
    to such fonts; the reviewer's had wrapped 约 alone onto a second line)."""
    from bulletin.render.documents import word

    header = [line.text for lines in rendered["docx"] for line in lines if line.text.startswith("序号单位")]
    assert header and all("12320在线预约" in text for text in header), header
    grid = next(b for c in doc.chapters for b in c.blocks if getattr(b, "name", "") == "appointments")
    column = [c.text for c in grid.header[0]].index("12320在线预约")
    with zipfile.ZipFile(word.write(doc, tmp_path / "b.docx")) as z:
        tables = ET.fromstring(z.read("word/document.xml")).findall(f".//{W}tbl")
    table = next(t for t in tables if t.find(f"{W}tblPr/{W}tblCaption").get(f"{W}val") == grid.title)
    width = int(table.findall(f"{W}tblGrid/{W}gridCol")[column].get(f"{W}w"))
    assert width >= 9 * 160 + 2 * 115, f"{width} twips"  # 160: a character at 8 pt; the cell margins


def _columns(lines: list[Line], gap: float = 1e9) -> dict[float, str]:
    """The text of each column of printed spreadsheet cells, top to bottom: each line of a
    left-aligned cell starts at its column's left edge (an edge: an x where words of two or more
    lines start, or a word more than ``gap`` points after the word before it: cells without spaces);
    a word starting elsewhere goes on the text before it."""
    starts = [w.x0 for line in lines for w in line.words]
    edges = sorted({round(x, 1) for x in starts if sum(abs(x - y) < 0.3 for y in starts) >= 2})
    columns: dict[float, list[str]] = {}
    for line in lines:
        key, end = None, -1e9
        for w in line.words:
            edge = next((x for x in edges if abs(x - w.x0) < 0.3), w.x0 if w.x0 - end > gap else None)
            end = w.x1
            key = edge if edge is not None else key if key is not None else w.x0
            columns.setdefault(key, []).append(w.text)
    return {x: "".join(texts) for x, texts in columns.items()}


def _sheet_pages(printed: list[list[Line]], sheet: str) -> list[list[Line]]:
    """The printed pages of one sheet (its name in the footer: ``平台采集_区 … 第 13 页，共 17 页``)."""
    footer = re.compile(rf"{re.escape(sheet)}第\d+页，共\d+页")
    return [lines for lines in printed if lines and footer.fullmatch(lines[-1].text)]


@pytest.fixture(scope="module")
def workbook_tables(data_in_odd_path, tmp_path_factory) -> dict[str, tuple[list[str], str]]:
    """Each sheet's table as written: its headers and its first row's first cell."""
    import openpyxl

    from bulletin.render.documents import workbook

    book = openpyxl.load_workbook(workbook.write(content.read_month(M, data_in_odd_path),
                                                 tmp_path_factory.mktemp("wb") / "t.xlsx"))
    out = {}
    for sheet in book.worksheets:
        for table in sheet.tables.values():
            first = sheet[table.ref.split(":")[0]]
            out[sheet.title] = ([c.name for c in table.tableColumns],
                                str(sheet.cell(first.row + 1, first.column).value))
    return out


def test_the_printed_workbook_shows_every_header_whole(rendered, workbook_tables):
    """Every sheet printed as LibreOffice prints it: each header of its table whole on its first
    page, wrapped in its own column (the three 健康档案累计上传总量·… told apart), not cut by the
    next column's header."""
    printed = _printed_workbook(rendered)
    assert len(workbook_tables) == 13  # the contents, the notes, 本月要点, nine tables, the stated totals
    for sheet, (headers, first) in workbook_tables.items():
        pages = _sheet_pages(printed, sheet)
        assert pages, f"the sheet {sheet} is printed"
        lines = pages[0]
        # the line over the header: its notes (after the scope note the bulletin printed, 公报注明…)
        start = next(i for i, line in enumerate(lines) if line.text.startswith(("本表注释", "本表没有注释",
                                                                                  "每张表", "各表", "公报注明")))
        end = next(i for i, line in enumerate(lines) if i > start and line.words[0].text == _flat(first))
        shown = set(_columns(lines[start + 1:end], gap=1.0).values())
        for header in headers:
            assert _flat(header) in shown, f"{sheet}: the header {header} is not printed whole: {sorted(shown)}"


def test_the_printed_workbook_cuts_no_note(rendered):
    """The notes sheet's notes and the telemedicine table's 公报注明 print whole, line under line in
    their column, none past the print edge or over the next row's note."""
    from bulletin.render.documents import workbook

    printed = _printed_workbook(rendered)
    (notes,) = _sheet_pages(printed, "注释")
    column = max(_columns(notes[3:-1]).values(), key=len)  # the notes' column, after the title lines
    for text in workbook.NOTES.values():
        # the revised month's note and the note of the signs for no figure: not in February
        if "[r]" not in text and text != workbook.NO_FIGURE_NOTE:
            assert _flat(text) in column, f"the note {text[:12]}… is cut"
    pages = _sheet_pages(printed, "远程医疗")
    columns = "".join("".join(_columns(lines[:-1]).values()) for lines in pages)
    assert "影像系统因数据中心库受病毒影响，系统暂未恢复，暂停数据采集及服务" in columns
    for n, lines in enumerate(printed):  # the footer's 第 n 页，共 N 页 ends at the right margin
        edge = lines[-1].words[-1].x1
        past = [w.text for line in lines for w in line.words if w.x1 > edge + 1]
        assert not past, f"page {n + 1} of the printed workbook runs past its right margin: {past}"


@pytest.mark.parametrize("epoch", ["²", "١٥٨٣٠٢٠٨٠٠"])
def test_a_source_date_epoch_of_other_digits_is_ignored_not_a_traceback(monkeypatch, epoch):
    """``str.isdigit`` takes ² and Arabic-Indic digits, which int() then refuses or reads (issue 27)."""
    import datetime as dt

    from bulletin.render.documents import word

    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert word._date() == dt.datetime.combine(dt.datetime.now(dt.UTC).date(), dt.time())


def test_no_pdf_page_shows_a_tables_repeated_header_without_its_rows(rendered, doc):
    """A table's header repeats on a new page only above rows of that table: the notes under the
    本月要点 (one a headline) follow the table as lines of their own, instead of moving, as a footer
    too tall for the page, alone to the next page under a repeated header with no row."""
    grids = [b for c in doc.chapters for b in c.blocks if isinstance(b, model.Grid) and len(b.header) == 1]
    for grid in grids:
        header = _flat("".join(c.text for c in grid.header[0]))
        rows = {_flat(c.text) for row in grid.body for c in row}  # a row's line starts with one of its cells
        for p, page in enumerate(rendered["pdf"]):
            lines = [line for line in page if not _is_footer(line)]
            for i, line in enumerate(lines):
                if line.text == header and i + 1 < len(lines):
                    following = lines[i + 1].text
                    assert any(following.startswith(r) for r in rows if r), (
                        f"pdf page {p + 1}: the header of {grid.title} stands over {following!r}, no row of it")
