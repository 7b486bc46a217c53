"""The month as documents: PDF, Word, workbook and data package, read back and compared with the
figures the February 2020 bulletin printed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from helpers import FIXTURES, REFERENCE_MONTH, check_descriptions, edit_csv, poppler, struct_elements

import bulletin
from bulletin.core import schema
from bulletin.core.errors import BulletinDataError
from bulletin.core.provenance import generated_date
from bulletin.render import documents
from bulletin.render.documents import content, model, pdf

M = REFERENCE_MONTH
#: a name that is markup, code or a formula in every format it reaches
NASTY = '=HYPERLINK("x") #标题 *粗* $x$ [链] \\ @引 <l> _下_ `c`'
#: NASTY as a unit's name can be: the input refuses a name starting with = + - @ (the shape of a
#: spreadsheet formula, bulletin.core.inputs.name_problem), so the name leads with a hospital's word
NASTY_NAME = "医院" + NASTY


def _csv_quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@pytest.fixture(scope="module")
def data_in_odd_path(published_2020_02_data) -> Path:
    """The shipped month in a data path with Chinese characters and spaces."""
    return published_2020_02_data


@pytest.fixture(scope="module")
def written(published_2020_02) -> dict[str, Path]:
    """The month's documents as ``bulletin run`` published them (written by :func:`documents.write_all`
    into the month's staging folder), from the data in :func:`data_in_odd_path`."""
    month = published_2020_02 / M
    paths = [month / name for name in documents.names(M)]
    return {p.suffix.lstrip(".") if p.is_file() else "data": p for p in paths}


@pytest.fixture(scope="module")
def pdf_text(written) -> str:
    exe = poppler("pdftotext")
    return subprocess.run([exe, "-layout", str(written["pdf"]), "-"],
                          capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def nasty(tmp_path_factory) -> tuple[Path, Path]:
    """A month whose names hold markup and formula characters, and its documents."""
    root = tmp_path_factory.mktemp("docs") / "data"
    shutil.copytree(bulletin.core.paths.DEFAULT_DATA_DIR / M, root / M)
    edit_csv(root / M / "appointments.csv", "南京市儿童医院", _csv_quote(NASTY_NAME))
    edit_csv(root / M / "kiosks.csv", "江苏省中医院", _csv_quote(NASTY_NAME))
    edit_csv(root / M / "booking_channels.csv", "微脉科技", _csv_quote("微脉+" + NASTY))
    out = root.parent / "out"
    documents.write_all(M, root, out)
    return root, out


def test_write_all_writes_the_four_documents_into_the_given_folder_only(written, data_in_odd_path):
    assert sorted(p.name for p in written.values()) == sorted(documents.names(M))
    assert all(p.exists() for p in written.values())
    assert not list(written["pdf"].parent.glob(".documents-*")), "the work folder is cleaned up"
    assert sorted(p.name for p in (data_in_odd_path / M).iterdir()) == sorted(
        p.name for p in (bulletin.core.paths.DEFAULT_DATA_DIR / M).iterdir()), "nothing written into the data"


# ---------------------------------------------------------------- PDF


def test_pdf_prints_each_section_figures_as_the_bulletin(pdf_text):
    flat = re.sub(r"\s+", " ", pdf_text)
    for figure in ("59507", "69660", "18722617", "16669", "51460109.85", "2595", "425", "30317", "1703",
                   "33472", "287930", "2103", "49.3亿", "未反馈/83", "52/129", "166469.00", "13497811.90"):
        assert figure in flat, figure
    for line in ("截止2月底，总预约挂号量为18722617次", "截止2月底，区及医院累计校验入库数据49.3亿条"):
        assert line in pdf_text
    for decl in schema.TABLES.values():
        if not decl.name.startswith(("province", "telemedicine_top")):
            assert content.dated(M, decl.title) in pdf_text
    assert "目录" in pdf_text
    assert "咨询类（不含专家咨询）2482个" in flat and "受理市12345工单2595件" in flat


def test_pdf_total_rows_hold_the_stated_totals(pdf_text, data_in_odd_path):
    facts = bulletin.facts(M, data_in_odd_path)
    rows = [re.sub(r"\s+", " ", line).strip() for line in pdf_text.splitlines() if "合计" in line]
    appointments = " ".join(str(facts[f"appointments.total.{c}"]) for c in (*schema.APPOINTMENT_CHANNELS, "total"))
    assert appointments == "25208 26097 15627 7285 74217"
    kiosks = " ".join(str(facts[f"kiosks.total.{c}"]) for c in
                      ("kiosks", "registrations", "registration_yuan", "payments", "payment_yuan"))
    assert kiosks == "1481 131430 6477159.42 159858 51460109.85"
    assert f"合计 {appointments}" in rows
    assert f"合计 {kiosks}" in rows
    assert "合计：16669" in rows


def test_pdf_is_a4_titled_tagged_numbered_with_fonts_embedded(written, pdf_text):
    from pypdf import PdfReader

    reader = PdfReader(written["pdf"])
    assert reader.metadata.title == "南京卫生信息统计简报·统计数据（2020年2月）"
    assert len(reader.pages) >= 4
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"]
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
                fonts.add(str(font["/BaseFont"]).split("+")[-1])
    assert fonts and all(f.startswith("NotoSansCJKsc") for f in fonts)
    pages = len(reader.pages)
    footers = [re.sub(r"\s", "", t.strip().splitlines()[-1]) for t in pdf_text.split("\f") if t.strip()]
    assert footers == [f"{i}/{pages}" for i in range(1, pages + 1)], "each page numbered n / N in its footer"


def test_every_chart_has_alt_text_listing_its_figures(written):
    from pypdf import PdfReader

    reader = PdfReader(written["pdf"])
    alts = [str(e["/Alt"]) for e in struct_elements(reader.trailer["/Root"]["/StructTreeRoot"]) if "/Alt" in e]
    charts = [a for a in alts if a.startswith("条形图")]
    assert len(charts) == 4
    assert any("电话预约：26097个" in a for a in charts)
    assert any("南京市儿童医院：13497811.90元" in a for a in charts)


def test_pdf_pages_render_to_png(written, tmp_path):
    from pypdf import PdfReader

    exe = poppler("pdftoppm")
    subprocess.run([exe, "-r", "40", "-png", str(written["pdf"]), str(tmp_path / "page")], check=True)
    pngs = sorted(tmp_path.glob("page*.png"))
    assert len(pngs) == len(PdfReader(written["pdf"]).pages)
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 2000 for p in pngs)


def test_names_with_markup_characters_print_as_text(nasty):
    exe = poppler("pdftotext")
    _, out = nasty
    text = subprocess.run([exe, str(out / f"bulletin-{M}.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert "".join(NASTY_NAME.split()) in flat
    assert "".join(("微脉+" + NASTY).split()) in flat


# ---------------------------------------------------------------- Word


def test_docx_tables_have_the_printed_cells_and_merges(written, data_in_odd_path):
    import docx
    from docx.oxml.ns import qn

    d = docx.Document(written["docx"])
    assert d.core_properties.title == "南京卫生信息统计简报·统计数据（2020年2月）"
    fonts = d.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    headlines, appointments, booking, districts, hospitals, kiosks = d.tables
    facts = bulletin.facts(M, data_in_odd_path)
    assert [c.text for c in headlines.rows[0].cells] == ["板块", "指标", "本月"]
    assert [c.text for c in headlines.rows[1].cells] == ["12320卫生热线", "12320卫生热线受理咨询电话", "59507个"]

    assert [c.text for c in appointments.rows[0].cells] == ["序号", "单位", "12320在线预约", "电话预约", "诊间预约",
                                                             "第三方", "小计"]
    first = ["1", "南京市儿童医院", "6398", "1187", "9765", "1067", "18417"]
    assert [c.text for c in appointments.rows[1].cells] == first
    last = appointments.rows[-1].cells
    assert len(appointments.rows) == 1 + 43 + 1
    assert last[0]._tc is last[1]._tc and last[0].text == "合计"
    assert [c.text for c in last[2:]] == [str(facts[f"appointments.total.{c}"])
                                          for c in (*schema.APPOINTMENT_CHANNELS, "total")]

    assert [c.text for c in booking.rows[1].cells] == ["1", "健康南京客户端", "9525", "5", "南京卫生12320网", "446"]
    assert [c.text for c in booking.rows[4].cells] == ["4", "江苏省预约挂号网", "957", "8", "微脉科技", "5"]
    total = booking.rows[-1].cells
    assert len({id(c._tc) for c in total}) == 1 and total[0].text == "合计：16669"

    head = districts.rows[0].cells
    assert head[7]._tc is head[8]._tc is head[9]._tc and head[7].text == "健康档案累计上传总量"
    assert head[0]._tc is districts.rows[1].cells[0]._tc and head[0].text == "接入单位"
    assert [c.text for c in districts.rows[1].cells[7:]] == ["基本信息", "高血压", "糖尿病"]
    assert [c.text for c in districts.rows[2].cells] == ["江宁区", "52/129", "52", "6188332", "29", "196723", "3051",
                                                         "932154", "45349", "42918"]
    assert [c.text for c in hospitals.rows[4].cells][:2] == ["江苏省人民医院", "未反馈/83"]

    # the group label on each of its rows, never merged down them: a page break cannot cut rows from it
    column = [row.cells[0] for row in kiosks.rows]
    assert [c.text for c in column[1:50]] == ["医疗单位"] * 37 + ["各区"] * 12
    assert len({id(c._tc) for c in column[1:50]}) == 49
    assert [c.text for c in kiosks.rows[1].cells[1:]] == ["江苏省人民医院", "200", "7973", "166469.00", "5592",
                                                          "2482832.44"]
    last = kiosks.rows[-1].cells
    assert last[0]._tc is last[1]._tc and last[0].text == "合计"
    assert [c.text for c in last[2:]] == ["1481", "131430", "6477159.42", "159858", "51460109.85"]


# ---------------------------------------------------------------- workbook


def _sheet_table(ws):
    (table,) = ws.tables.values()
    rows = [[c.value for c in row] for row in ws[table.ref]]
    return table, rows[0], rows[1:]


def test_xlsx_follows_the_spreadsheet_checklist_and_equals_the_data(written, data_in_odd_path):
    import openpyxl

    wb = openpyxl.load_workbook(written["xlsx"])
    assert wb.sheetnames[:3] == ["封面", "目录", "注释"]
    assert "未反馈" in " ".join(str(c.value) for row in wb["封面"].iter_rows() for c in row if c.value)
    for ws in wb.worksheets:
        assert not ws.merged_cells.ranges, ws.title
        assert isinstance(ws["A1"].value, str) and ws["A1"].value
    from bulletin.render.documents.workbook import SHEETS

    for name, sheet in SHEETS.items():
        ws = wb[sheet]
        decl = schema.TABLES[name]
        assert ws["A1"].value == content.dated(M, decl.title)
        if name == "telemedicine":
            continue  # its own layout: test_xlsx_telemedicine_gives_each_measure_its_unit
        table, header, body = _sheet_table(ws)
        assert table.headerRowCount == 1 and len(header) == len(decl.columns)
        frame = bulletin.load(name, M, data_in_odd_path)
        assert len(body) == len(frame)
        for row, record in zip(body, frame[list(decl.column_names)].itertuples(index=False), strict=True):
            for got, want, col in zip(row, record, decl.columns, strict=True):
                if col.kind == "text":  # a note the bulletin did not print is an empty cell, not [x]
                    assert got is None if pd.isna(want) else (isinstance(got, str) and got), (col.name, got)
                elif pd.isna(want):
                    assert got == "[x]"
                elif col.kind == "count":
                    assert type(got) is int and got == int(want)
                else:
                    assert Decimal(str(got)).quantize(Decimal("0.01")) == Decimal(str(want)), (got, want)
    kiosks = wb[SHEETS["kiosks"]]
    assert kiosks["A3"].value == "分组" and kiosks["A2"].value.startswith("本表注释")  # no blank row above
    assert kiosks["G4"].value == 2482832.44 and kiosks["G4"].number_format == "#,##0.00"  # to the fen
    assert kiosks["C4"].value == 200 and kiosks["C4"].number_format == "#,##0"  # thousands separators
    _, _, facts = _sheet_table(wb["公布的总数"])
    values = {label: value for label, value, _ in facts}
    assert values["自助智能医疗服务终端医院使用情况表·合计·缴费金额（元）"] == 51460109.85
    assert values["截止月底总预约挂号量"] == 18722617


def test_xlsx_telemedicine_gives_each_measure_its_unit_and_the_pause_as_a_state(written, data_in_odd_path):
    import openpyxl

    wb = openpyxl.load_workbook(written["xlsx"])
    _, header, body = _sheet_table(wb["远程医疗"])
    assert header == ["平台", "指标", "数值", "单位", "平台状态", "公报注明"]
    frame = bulletin.load("telemedicine", M, data_in_odd_path)
    figures = frame[frame["measure"] != "paused"]
    reasons = [row for row in body if row[1] == "暂停原因"]
    body = [row for row in body if row[1] != "暂停原因"]
    assert len(body) == len(figures)  # 暂停 is not a figure coded 1
    for row, (platform, measure, value, note) in zip(body, figures.itertuples(index=False), strict=True):
        label, unit = schema.TELEMEDICINE_MEASURES[measure]
        assert row[:4] == [platform, label, int(value), unit]
        assert row[4] == ("暂停" if platform == "南京市远程影像诊断平台" else "运行")
        assert row[5] == (None if pd.isna(note) else note)  # the bulletin's qualifier beside its figure
    assert ["南京市远程心电监测诊断平台", "本月采集心电病例", 33472, "份", "运行", None] in body
    assert reasons == [["南京市远程影像诊断平台", "暂停原因", None, None, "暂停",
                        "影像系统因数据中心库受病毒影响，系统暂未恢复，暂停数据采集及服务"]]
    assert wb["远程医疗"]["A2"].value == "本表注释见注释表：[注5]。"


def test_xlsx_cover_contents_notes_and_print_set_up(written):
    import openpyxl

    wb = openpyxl.load_workbook(written["xlsx"])
    cover = [c.value for row in wb["封面"].iter_rows() for c in row if c.value]
    assert f"发布机构：{model.PUBLISHER}" in cover
    date = generated_date()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", date)
    assert any(line.startswith(f"生成日期：{date}") and "没有公报的发布日期" in line for line in cover)
    assert any(line.startswith("联系方式：") and "未载明" in line for line in cover)  # no contact made up
    _, header, rows = _sheet_table(wb["目录"])
    assert header == ["工作表", "表名", "行数", "说明"]
    sizes = {sheet: size for sheet, _, size, _ in rows}
    assert sizes["预约挂号"] == 43 and sizes["自助终端"] == 49 and sizes["公布的总数"] == 17
    assert all(type(v) is int for v in sizes.values())  # a number, not the text 43行
    assert wb["目录"]["C4"].number_format == "#,##0"
    # a table cites only the notes that concern it
    assert wb["预约挂号"]["A2"].value == "本表注释见注释表：[注3]。"
    assert wb["热线类别"]["A2"].value == "本表注释见注释表：[注3]。"
    assert wb["全省热线"]["A2"].value == "本表注释见注释表：[注3]。"
    assert wb["平台采集_医院"]["A2"].value == "本表注释见注释表：[注1] [注4]。"
    assert wb["自助终端"]["A2"].value == "本表注释见注释表：[注2] [注3]。"
    assert wb["远程医疗前三名"]["A2"].value == "本表没有注释。"
    notes = {r[0]: r[1] for r in wb["注释"].iter_rows(min_row=4, values_only=True)}
    assert "[注7]" not in notes and set(notes) == {"[注1]", "[注2]", "[注3]", "[注4]", "[注5]", "[注6]"}
    for ws in wb.worksheets:  # A4, one page wide, the header row on every page
        assert ws.page_setup.paperSize == 9, ws.title
        # fitToWidth and fitToHeight default to 1 in OOXML (absent: 1); 0 is "as many pages as it takes"
        assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth or 1) == 1, ws.title
        assert "&P" in ws.oddFooter.right.text, ws.title
    for sheet in ("封面", "目录", "注释"):
        assert (wb[sheet].page_setup.fitToHeight or 1) == 1
    assert wb["自助终端"].page_setup.fitToHeight == 0 and wb["自助终端"].print_title_rows == "$3:$3"
    assert wb["平台采集_区"].page_setup.orientation == "landscape"


def test_xlsx_writes_names_holding_formula_characters_as_text(nasty):
    import openpyxl

    _, out = nasty
    wb = openpyxl.load_workbook(out / f"tables-{M}.xlsx")
    cell = wb["预约挂号"]["A4"]
    assert cell.value == NASTY_NAME and cell.data_type == "s"
    cells = [c for row in wb["分途径预约"].iter_rows() for c in row if c.value == "微脉+" + NASTY]
    assert cells and cells[0].data_type == "s"


# ---------------------------------------------------------------- data package


def _frictionless(descriptor: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("frictionless")
    return subprocess.run([str(exe), "validate", str(descriptor)], capture_output=True, text=True)


def test_data_package_validates_and_fails_on_one_broken_cell(written, tmp_path):
    folder = written["data"]
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    kiosks = next(r for r in descriptor["resources"] if r["name"] == "kiosks")
    assert kiosks["schema"]["primaryKey"] == ["group", "unit"]
    fields = {f["name"]: f for f in kiosks["schema"]["fields"]}
    assert fields["payment_yuan"]["type"] == "number" and fields["kiosks"]["type"] == "integer"
    assert fields["group"]["constraints"]["enum"] == ["hospital", "district"]
    hospitals = next(r for r in descriptor["resources"] if r["name"] == "platform_hospitals")
    declared = next(f for f in hospitals["schema"]["fields"] if f["name"] == "declared_tables")
    assert "required" not in declared.get("constraints", {}) and hospitals["schema"]["missingValues"] == [""]
    assert [r["name"] for r in descriptor["resources"]] == [*schema.TABLES, "facts", "headlines"]

    good = _frictionless(folder / "datapackage.json")
    assert good.returncode == 0, good.stdout + good.stderr

    broken = tmp_path / "broken"
    shutil.copytree(folder, broken)
    edit_csv(broken / "appointments.csv", ",6398,", ",6398x,")
    bad = _frictionless(broken / "datapackage.json")
    assert bad.returncode != 0
    assert "appointments" in bad.stdout and "type-error" in bad.stdout


def test_data_package_names_its_source_publisher_date_and_version(written):
    descriptor = json.loads((written["data"] / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["version"] == "1.0.0"  # never revised
    assert descriptor["created"].startswith(generated_date())
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", descriptor["created"])
    assert descriptor["sources"] == [{"title": f"{model.PUBLISHER}《南京卫生信息统计简报》2020年2月，统计数据部分"}]
    assert descriptor["contributors"] == [{"title": model.PUBLISHER, "role": "publisher"}]
    facts = next(r for r in descriptor["resources"] if r["name"] == "facts")
    assert facts["title"] == "公报公布的合计与累计数" and "unit 列" in facts["description"]
    telemedicine = next(r for r in descriptor["resources"] if r["name"] == "telemedicine")
    value = next(f for f in telemedicine["schema"]["fields"] if f["name"] == "value")
    for code, (_, unit) in schema.TELEMEDICINE_MEASURES.items():
        assert (f"{code}：{unit}" in value["description"]) if unit else (code in value["description"])


#: names a spreadsheet would evaluate (OWASP's CSV injection examples), and one that already starts
#: with the guard itself: (file, the name they replace, the hostile name)
FORMULA_NAMES = [
    ("appointments.csv", "南京市儿童医院", '=HYPERLINK("http://evil.example","点击")'),
    ("kiosks.csv", "江苏省中医院", "+cmd|' /C calc'!A0"),
    ("booking_channels.csv", "微脉科技", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("platform_hospitals.csv", "江苏省人民医院", "-2+3+cmd|' /C calc'!A0"),
    ("platform_hospitals.csv", "中科院皮研所", "'=1+1"),
]


def test_data_package_writes_no_formula_from_data_and_says_how_to_undo_the_guard(tmp_path, monkeypatch):
    """The data package's guard holds on its own: the input's refusal of names shaped like a formula
    (:data:`bulletin.core.inputs.FORMULA_STARTS`, the first guard) is lifted here, as for data written
    before that refusal existed."""
    from bulletin.core import inputs
    from bulletin.data.store import SPREADSHEET_STARTS, codec
    from bulletin.render.documents import datapackage

    monkeypatch.setattr(inputs, "FORMULA_STARTS", ())
    monkeypatch.setattr(codec, "FORMULA_STARTS", ())
    root = tmp_path / "data"
    shutil.copytree(bulletin.core.paths.DEFAULT_DATA_DIR / M, root / M)
    for file, old, new in FORMULA_NAMES:
        edit_csv(root / M / file, old, _csv_quote(new))
    folder = datapackage.write(bulletin.month(M, root), tmp_path / f"data-{M}")
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert datapackage.FORMULA_TEXT in descriptor["description"]
    undo = "去掉开头的这一个 ' 即得原文"
    seen = set()
    for resource in descriptor["resources"]:
        if resource["name"] not in schema.TABLES:
            continue
        decl = schema.TABLES[resource["name"]]
        published = pd.read_csv(folder / resource["path"], dtype=str, keep_default_na=False)
        original = pd.read_csv(root / M / decl.file, dtype=str, keep_default_na=False)
        assert len(published) == len(original), decl.name
        for field in resource["schema"]["fields"]:
            col = decl.column(field["name"])
            cells, before = published[col.name].tolist(), original[col.name].tolist()
            if col.kind != "text":  # numbers untouched, to the character
                assert cells == before, (decl.name, col.name)
                continue
            assert not [c for c in cells if c[:1] in SPREADSHEET_STARTS], (decl.name, col.name)
            if col.choices is None:
                assert undo in field["description"], (decl.name, col.name)
            # the documented rule, applied by a reader, gives every name back as the data holds it
            assert [c[1:] if c.startswith("'") else c for c in cells] == before, (decl.name, col.name)
            seen |= {c for c in cells if c.startswith("'")}
    assert seen == {"'" + new for _, _, new in FORMULA_NAMES}
    # the bulletin's own figures, as printed: 江苏省人民医院's kiosks and their registrations
    assert "hospital,江苏省人民医院,200,7973,166469.00," in (folder / "kiosks.csv").read_text(encoding="utf-8")


def test_data_package_descriptions_say_only_what_holds(written):
    check_descriptions(written["data"])
    kiosks = next(r for r in json.loads((written["data"] / "datapackage.json").read_text(encoding="utf-8"))[
        "resources"] if r["name"] == "kiosks")
    assert "缴费金额（元） 为 kiosks.total.payment_yuan（等于各行之和）" in kiosks["description"]


def test_data_package_claims_no_licence_and_says_not_reported_only_where_it_can_be(written):
    descriptor = json.loads((written["data"] / "datapackage.json").read_text(encoding="utf-8"))
    assert "licenses" not in descriptor  # the publisher granted none
    assert "公报未载明数据的使用许可" in descriptor["description"]
    said = {}
    for resource in descriptor["resources"]:
        if resource["name"] not in schema.TABLES:
            continue
        for f in resource["schema"]["fields"]:
            col = schema.TABLES[resource["name"]].column(f["name"])
            said[resource["name"], col.name] = f.get("description", "")
            assert ("未反馈" in said[resource["name"], col.name]) == col.not_reported, (resource["name"], col.name)
    assert "未反馈" in said["platform_hospitals", "declared_tables"]  # 未反馈/83 is printed there
    # telemedicine's note: empty means the bulletin printed no qualifier beside the figure
    note = said["telemedicine", "note"]
    assert "未反馈" not in note and "没有印注明" in note
    assert not schema.TABLES["telemedicine"].column("note").not_reported


def test_uploaded_tables_are_counted_in_the_printed_unit(written, published_2020_02):
    """The bulletin counts tables in 份 (已上传表/CDA文档（份）) and prints 张 nowhere."""
    for page in (published_2020_02 / M).glob("*.html"):
        assert not re.search(r"\d\s*张|（张）", page.read_text(encoding="utf-8")), page.name
    for name in ("platform_districts", "platform_hospitals"):
        for c in ("declared_tables", "required_tables", "uploaded_tables"):
            assert schema.TABLES[name].column(c).unit == "份"
    package = (written["data"] / "datapackage.json").read_text(encoding="utf-8")
    assert "张" not in package and '"unit": "份"' in package
    for kind in ("docx", "xlsx"):
        assert not re.search(r"\d\s*张|（张）", _zip_text(written[kind])), kind
    assert not re.search(r"\d\s*张|（张）", pdf_text_of(written["pdf"]))


def pdf_text_of(path: Path) -> str:
    return subprocess.run([poppler("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


# ---------------------------------------------------------------- what the bulletin did not print, odd shapes


def _zip_text(path: Path) -> str:
    """Every XML part of an Office file (its text, its properties) with the markup removed."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = [z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")]
    return re.sub(r"<[^>]+>", "", "".join(parts))


def test_every_output_names_the_publication_once_one_way(written, pdf_text, published_2020_02):
    """The bulletin prints no name of its own: every output says :data:`bulletin.core.publication.NAME`,
    and neither 南京市卫生信息统计简报 nor 《卫生信息统计简报》."""
    from bulletin.core import publication

    name = publication.NAME
    info = subprocess.run([poppler("pdfinfo"), str(written["pdf"])], capture_output=True, text=True,
                          check=True).stdout
    pages = [p.read_text(encoding="utf-8") for p in (published_2020_02 / M).glob("*.html")]
    outputs = {
        "pdf": re.sub(r"\s+", "", pdf_text) + info,
        "docx": _zip_text(written["docx"]),
        "xlsx": _zip_text(written["xlsx"]),
        "datapackage.json": (written["data"] / "datapackage.json").read_text(encoding="utf-8"),
        "month page": pages[0] if len(pages) == 1 else "".join(pages),
        "top page": (published_2020_02 / "index.html").read_text(encoding="utf-8"),
    }
    assert len(pages) > 2
    for kind, text in outputs.items():
        assert name in text, kind
        # every mention of the publication is the one name: no other prefix, no other form
        assert text.count("卫生信息统计简报") == text.count(name), (kind, re.findall(r".{4}卫生信息统计简报", text))
    for page in pages:
        assert f"《{name}》" in page, "the footer names the source by the one name"


def test_not_published_items_are_skipped_with_a_line(data_copy, tmp_path):
    folder = data_copy / M
    (folder / "kiosks.csv").unlink()
    # a fact recorded as not printed is not stated in facts.csv (both would be refused)
    edit_csv(folder / "facts.csv", "hotline.city_12345_tickets,2595,件,受理市12345工单\n", "")
    (folder / "not_published.csv").write_text(
        "item,note\nkiosks,本月未统计\nhotline.city_12345_tickets,\n", encoding="utf-8")
    out = tmp_path / "out"
    documents.write_all(M, data_copy, out)
    doc = content.build(M, data_copy)
    kiosk_chapter = doc.chapters[-1]
    assert doc.chapters[0].title == content.dated(M, content.HEADLINES_TITLE)
    rows = content.headline_rows(content.read_month(M, data_copy))
    assert not any(label.startswith("投放终端") for _, label, _, _ in rows)
    line = "（本月简报未公布自助智能医疗服务终端医院使用情况表：本月未统计）"
    assert [b.text for b in kiosk_chapter.blocks] == [line]
    hotline = doc.chapters[1].blocks[0].text
    assert "市12345工单" not in hotline and "省12345工单425件" in hotline
    descriptor = json.loads((out / f"data-{M}" / "datapackage.json").read_text(encoding="utf-8"))
    assert "kiosks" not in [r["name"] for r in descriptor["resources"]]
    assert _frictionless(out / f"data-{M}" / "datapackage.json").returncode == 0


@pytest.mark.parametrize("keep", [0, 1, 7])
def test_any_number_of_rows_works(data_copy, tmp_path, keep):
    folder = data_copy / M
    for name in ("booking_channels", "kiosks", "appointments", "platform_districts"):
        lines = (folder / f"{name}.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        (folder / f"{name}.csv").write_text("".join(lines[: 1 + keep]), encoding="utf-8")
    paths = documents.write_all(M, data_copy, tmp_path / "out")
    assert all(p.exists() for p in paths)
    doc = content.build(M, data_copy)
    booking = next(b for b in doc.chapters[3].blocks if isinstance(b, content.Grid))
    assert len(booking.body) == (keep + 1) // 2 + 1
    if keep == 7:  # an odd count: the last right-hand pair is empty
        assert [c.text for c in booking.body[3]] == ["4", "江苏省预约挂号网", "957", "", "", ""]
        assert [c.text for c in booking.body[0][3:]] == ["5", "南京卫生12320网", "446"]


def test_bad_data_leaves_the_output_folder_as_it_was(data_copy, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("old", encoding="utf-8")
    edit_csv(data_copy / M / "kiosks.csv", ",7973,", ",79x3,")
    with pytest.raises(BulletinDataError, match="kiosks.csv"):
        documents.write_all(M, data_copy, out)
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def _write_pdf_in_child(target: str) -> None:
    pdf.write(content.build(M), Path(target))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the hang this guards against needs fork")
def test_a_process_forked_after_a_compile_still_compiles(tmp_path):
    """A pool worker forked from a process that has compiled once must not wait for the compiler's
    threads, which the fork did not copy (this hung ``bulletin run`` in tests before)."""
    import multiprocessing

    pdf.write(content.build(M), tmp_path / "parent.pdf")
    child = multiprocessing.get_context("fork").Process(target=_write_pdf_in_child, args=(str(tmp_path / "c.pdf"),))
    child.start()
    child.join(timeout=120)
    if child.is_alive():
        child.terminate()
        child.join()
        pytest.fail("the forked child hung compiling the PDF")
    assert child.exitcode == 0 and (tmp_path / "c.pdf").read_bytes() == (tmp_path / "parent.pdf").read_bytes()


def test_cli_writes_the_documents_and_refuses_the_data_folder(data_copy, tmp_path, capsys):
    from bulletin.cli import main

    assert main(["documents", M, "--data-dir", str(data_copy), "--out", str(tmp_path / "文档 输出")]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert [Path(p).name for p in printed] == documents.names(M)
    assert main(["documents", M, "--data-dir", str(data_copy), "--out", str(data_copy / M)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "data directory" in err[0]
    assert sorted(p.name for p in (data_copy / M).iterdir()) == sorted(
        p.name for p in (bulletin.core.paths.DEFAULT_DATA_DIR / M).iterdir())
    edit_csv(data_copy / M / "appointments.csv", ",6398,", ",-5,")
    assert main(["documents", M, "--data-dir", str(data_copy), "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "appointments.csv" in err[0] and "-5" in err[0]


# ---------------------------------------------------------------- in the monthly batch


def test_bulletin_run_publishes_the_documents_with_the_month_and_skips_them_unchanged(data_copy, tmp_path):
    import io

    from bulletin.batch import Notebook, run_batch
    from bulletin.core import cache

    figures = Notebook("00_figures", "数字", FIXTURES / "notebooks" / "00_figures.ipynb")
    out = tmp_path / "报告 目录"

    def run(notebooks=(figures,), **kw):
        log = io.StringIO()
        outcome = run_batch([M], data_dir=data_copy, out=out, notebooks=list(notebooks), progress=False,
                            stream=log, jobs=2, **kw)
        return outcome, log.getvalue()

    outcome, log = run()
    assert outcome.exit_code == 0 and outcome.published == [M], log
    month = out / M
    assert all((month / name).exists() for name in documents.names(M))
    assert (month / f"data-{M}" / "kiosks.csv").is_file()
    page = (month / "index.html").read_text(encoding="utf-8")
    assert f'href="bulletin-{M}.pdf"' in page and f'href="data-{M}/datapackage.json"' in page
    key = cache.read_manifest(month)["documents"]["key"]
    pdf_bytes = (month / f"bulletin-{M}.pdf").read_bytes()

    # another notebook added: the documents are carried over (same key, same bytes), not rewritten
    chart = Notebook("01_chart", "图表", figures.path.with_name("01_chart.ipynb"))
    outcome, log = run(notebooks=[figures, chart])
    assert outcome.exit_code == 0, log
    assert cache.read_manifest(month)["documents"]["key"] == key
    assert (month / f"bulletin-{M}.pdf").read_bytes() == pdf_bytes
    assert (month / f"data-{M}" / "datapackage.json").is_file()

    # the data changes: the documents follow
    edit_csv(data_copy / M / "kiosks.csv", "江苏省人民医院,200,", "江苏省人民医院,201,")
    edit_csv(data_copy / M / "facts.csv", "kiosks.total.kiosks,1481,", "kiosks.total.kiosks,1482,")
    outcome, log = run()
    assert outcome.exit_code == 0, log
    assert cache.read_manifest(month)["documents"]["key"] != key
    import docx

    kiosks = docx.Document(month / f"bulletin-{M}.docx").tables[-1]
    assert kiosks.rows[1].cells[2].text == "201" and kiosks.rows[-1].cells[2].text == "1482"

    # a document deleted by hand while every section is current: the documents alone are rebuilt
    # and the month is republished with its sections carried over
    (month / f"tables-{M}.xlsx").unlink()
    html_before = (month / "00_figures.html").read_bytes()
    outcome, log = run()
    assert outcome.exit_code == 0 and outcome.published == [M], log
    assert {j.status for j in outcome.jobs} == {"skipped"}
    assert (month / f"tables-{M}.xlsx").is_file() and (month / "00_figures.html").read_bytes() == html_before
    outcome, log = run()  # now nothing at all is left to do
    assert outcome.published == [] and {j.status for j in outcome.jobs} == {"skipped"}, log


def test_a_month_whose_documents_fail_is_not_published(data_copy, tmp_path, monkeypatch, published_2020_02):
    import io

    from bulletin.batch import Notebook, run_batch

    figures = Notebook("00_figures", "数字", FIXTURES / "notebooks" / "00_figures.ipynb")
    out = tmp_path / "reports"
    log = io.StringIO()
    # a month published by a good run (exit 0) of the same data: a copy of the session's one
    shutil.copytree(published_2020_02, out, symlinks=True)
    before = {p.name: p.stat().st_mtime_ns for p in (out / M).iterdir()}

    def broken(month, data_dir, out_dir):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(documents, "write_all", broken)  # the forked workers inherit it
    outcome = run_batch([M], data_dir=data_copy, out=out, notebooks=[figures], progress=False, stream=log,
                        jobs=1, force=True)
    assert outcome.exit_code == 1 and outcome.failed_months == [M]
    full = "documents: could not write: 磁盘已满 (no space left on device)"
    assert any(full in n for n in outcome.notes), outcome.notes
    assert {p.name: p.stat().st_mtime_ns for p in (out / M).iterdir()} == before
