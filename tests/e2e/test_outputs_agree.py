"""Every declared figure is said the same way in every output: the pages, the PDF, the Word file,
the workbook and the data package. Generated from the declarations (:mod:`bulletin.sections.model`):
each figure the month has is looked for in each output with the same digits, unit and printed
form (:func:`model.text`, per style), and with its note (:func:`model.explain`: the qualifier the
bulletin printed with it, the printed form a rounded figure expands, a computed figure's rule).
Replaces ``test_figures_agree.py`` (each of its assertions is kept here).

February 2020 as published by the session's one run (``published_2020_02``), and a variant
March: its bulletin text with a fifth telemedicine platform, a ninth booking channel (合计：16700)
and a 未反馈 among the platform's records, ingested, then edited by hand so that the kiosks'
stated 缴费金额 合计 no longer ties out with its rows (the stated figure is shown: what the
bulletin printed), the stated 挂号金额 合计 is gone (the exact sum of the rows is shown) and one
hospital's 小计 is one more than its channels. One ``bulletin run`` of the overview publishes the
variant's pages and documents (module-scoped).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import subprocess
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from helpers import (
    check_descriptions,
    march,
    new_platform_and_channel,
    not_reported_in_a_new_column,
    poppler,
    raw_text,
    write,
)

import bulletin
from bulletin.core import paths, schema
from bulletin.data.ingest import ingest_file
from bulletin.sections import kiosks, model, with_headlines
from bulletin.style import fmt

FEB, VARIANT = "2020-02", "2020-03"
MONTHS = (FEB, VARIANT)
#: the variant's kiosk row edited by hand: 挂号金额 and 缴费金额 one fen more than printed
ROW = "hospital,江苏省人民医院,200,7973,166469.00,5592,2482832.44"
EDITED = "hospital,江苏省人民医院,200,7973,166469.01,5592,2482832.45"
#: headlines that are a table's 合计 (``bulletin.core.schema.table_total``), and the column they total
TOTALS = {
    "appointments.total": ("appointments", "total"),
    "booking_channels.total": ("booking_channels", "bookings"),
    "kiosks.kiosks": ("kiosks", "kiosks"),
    "kiosks.registrations": ("kiosks", "registrations"),
    "kiosks.registration_yuan": ("kiosks", "registration_yuan"),
    "kiosks.payments": ("kiosks", "payments"),
    "kiosks.payment_yuan": ("kiosks", "payment_yuan"),
}


@pytest.fixture(scope="module")
def variant(tmp_path_factory) -> tuple[Path, Path]:
    """The variant month in a data path with Chinese characters and spaces, published by one run
    of the overview (its pages and documents)."""
    from bulletin.batch import run_batch, section_notebooks

    root = tmp_path_factory.mktemp("agree") / "简报 数据"
    data = root / "数据 目录"
    data.mkdir(parents=True)
    shutil.copytree(paths.DEFAULT_DATA_DIR / FEB, data / FEB)
    shutil.copy(paths.DEFAULT_DATA_DIR / "units.csv", data / "units.csv")
    text = march(new_platform_and_channel(not_reported_in_a_new_column(raw_text())), 3)
    ingest_file(write(root, text, f"{VARIANT} 简报.txt"), data_dir=data)
    kiosk_rows = data / VARIANT / "kiosks.csv"
    assert ROW in kiosk_rows.read_text(encoding="utf-8")
    kiosk_rows.write_text(kiosk_rows.read_text(encoding="utf-8").replace(ROW, EDITED), encoding="utf-8")
    booked = data / VARIANT / "appointments.csv"  # a 小计 one more than its channels (and than the 合计)
    booked.write_text(booked.read_text(encoding="utf-8").replace("南京市儿童医院,6398,1187,9765,1067,18417",
                                                                 "南京市儿童医院,6398,1187,9765,1067,18418"),
                      encoding="utf-8")
    facts = data / VARIANT / "facts.csv"
    facts.write_text("".join(line for line in facts.read_text(encoding="utf-8").splitlines(keepends=True)
                             if not line.startswith("kiosks.total.registration_yuan,")), encoding="utf-8")
    out = root / "报告 输出"
    log = io.StringIO()
    outcome = run_batch([VARIANT], data_dir=data, out=out, notebooks=section_notebooks("overview"),
                        jobs=1, progress=False, stream=log)
    assert outcome.exit_code == 0 and outcome.published == [VARIANT], log.getvalue()
    return data, out


@pytest.fixture(scope="module")
def published(published_2020_02, published_2020_02_data, variant) -> dict[str, tuple[Path, Path]]:
    """Per month, its data folder and the reports folder it was published to."""
    return {FEB: (published_2020_02_data, published_2020_02), VARIANT: variant}


@pytest.fixture(scope="module")
def declared(published) -> dict[str, list[tuple[str, str, str, object, str]]]:
    """Per month, every declared headline figure the month has: (section, key, label, value, unit)."""
    found = {}
    for month, (data, _) in published.items():
        m = bulletin.month(month, data)
        found[month] = [(sec.title, str(key), str(label), value, str(unit)) for sec in with_headlines()
                        for label, value, unit, key in sec.module.headlines(m).itertuples(index=False)]
    return found


def exactly(value: object, unit: str, got: Decimal) -> bool:
    """Whether a number as stored is the figure: to the fen for money, whole for counts, a share
    (in percent, as its unit) to the last digit of its float."""
    if unit == "元":
        return got == Decimal(str(value)).quantize(Decimal("0.01"))
    if unit == "%":
        return got == Decimal(repr(float(value)))
    return got == int(value)


def _cells(page: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", page, flags=re.S)
    return [[unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
            for r in rows]


def _page_text(path: Path) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def _pdf_text(path: Path) -> str:
    return subprocess.run([poppler("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _docx(path: Path):
    import docx

    return docx.Document(str(path))


def _docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def _book(path: Path):
    import openpyxl

    return openpyxl.load_workbook(path)


def _qualified(declared_rows) -> list[tuple[str, str]]:
    """(key, qualifier) of each figure of the month declared with a qualifier."""
    return [(key, model.declaration(key).qualifier) for _, key, *_ in declared_rows
            if model.declaration(key).qualifier]


def test_the_variant_shows_the_stated_total_where_printed_and_the_exact_sum_where_not(declared, published):
    """The kiosks' totals have one source: the stated 合计 (51460109.85, though the rows now add up
    to 51460109.86) and, where the month states none, the exact sum of the rows (6477159.43)."""
    data, _ = published[VARIANT]
    got = {key: value for _, key, _, value, _ in declared[VARIANT]}
    assert got["kiosks.payment_yuan"] == 51460109.85 and got["kiosks.registration_yuan"] == 6477159.43
    t = kiosks.totals(bulletin.month(VARIANT, data)).set_index("column")
    assert t.at["payment_yuan", "summed"] == Decimal("51460109.86")  # the rows: what the check compares
    assert got["booking_channels.total"] == 16700 and got["appointments.total"] == 74217
    assert {key: value for _, key, _, value, _ in declared[FEB]}["kiosks.payment_yuan"] == 51460109.85


def test_every_declared_figure_is_declared_once_with_its_provenance(declared):
    for month, rows in declared.items():
        keys = [key for _, key, *_ in rows]
        assert len(keys) == len(set(keys)), month
        for _, key, _, value, unit in rows:
            decl = model.declaration(key)
            assert decl.unit == unit and decl.provenance in (model.PRINTED, model.COMPUTED), (month, key)
            assert not fmt.is_missing(value), (month, key)


@pytest.mark.parametrize("month", MONTHS)
def test_every_declared_figure_is_said_the_same_on_the_pages(published, declared, month):
    _, out = published[month]
    overview = {(r[1], r[2]): r[3] for r in _cells((out / month / "00_overview.html").read_text(encoding="utf-8"))
                if len(r) == 4}
    # label, figure, then a change per comparison whose base month is in the data (the variant's 环比)
    index = {r[0]: r[1] for r in _cells((out / month / "index.html").read_text(encoding="utf-8")) if len(r) >= 2}
    for section, key, label, value, unit in declared[month]:
        said = model.text(value, unit, key=key)
        assert overview[(section, label)] == said, (month, key, overview[(section, label)], said)
        assert index[label] == said, (month, key, index[label], said)


@pytest.mark.parametrize("month", MONTHS)
def test_every_declared_figure_is_said_the_same_in_the_pdf(published, declared, month):
    _, out = published[month]
    text = _pdf_text(out / month / f"bulletin-{month}.pdf")
    for _, key, label, value, unit in declared[month]:
        # the figure, then its change per comparison (the variant's 环比; none for a share)
        found = re.search(rf"(?m)^\s*(?:\S+\s{{2,}})?{re.escape(label)}\s{{2,}}(\S+)(?:\s{{2,}}\S+)*\s*$", text)
        assert found, (month, key)
        assert found.group(1) == model.text(value, unit, style="printed", key=key), (month, key, found.group(1))


@pytest.mark.parametrize("month", MONTHS)
def test_every_declared_figure_is_said_the_same_in_the_word_file_and_its_tables_totals(published, declared, month):
    _, out = published[month]
    tables = _docx(out / month / f"bulletin-{month}.docx").tables
    rows = {(r.cells[0].text, r.cells[1].text): r.cells[2].text for r in tables[0].rows[1:]}
    for section, key, label, value, unit in declared[month]:
        assert rows[(section, label)] == model.text(value, unit, style="printed", key=key), (month, key)
    # the 合计 rows of the printed tables hold the same totals, as printed
    appointments, booking, kiosk_table = tables[1], tables[2], tables[-1]
    printed = {("appointments", "total"): appointments.rows[-1].cells[-1].text,
               ("booking_channels", "bookings"): booking.rows[-1].cells[0].text.removeprefix("合计："),
               **{("kiosks", c): kiosk_table.rows[-1].cells[i].text for i, c in enumerate(kiosks.VALUE_COLUMNS, 2)}}
    values = {key: (value, unit) for _, key, _, value, unit in declared[month]}
    for key, table in TOTALS.items():
        value, unit = values[key]
        assert model.text(value, unit, style="printed", key=key) == printed[table] + unit, (month, key, printed[table])


@pytest.mark.parametrize("month", MONTHS)
def test_every_declared_figure_is_said_the_same_in_the_workbook(published, declared, month):
    _, out = published[month]
    book = _book(out / month / f"tables-{month}.xlsx")
    sheet = book["本月要点"]
    (table,) = sheet.tables.values()
    cells = [[c.value for c in row] for row in sheet[table.ref]]
    assert cells[0][:6] == ["板块", "指标", "数值", "单位", "公报写法", "说明"]  # then the comparisons' columns
    stored = {(r[0], r[1]): r[2:6] for r in cells[1:]}
    assert len(stored) == len(declared[month])
    for section, key, label, value, unit in declared[month]:
        got, got_unit, shown, note = stored[(section, label)]
        assert isinstance(got, int | float) and not isinstance(got, bool), (month, key, got)
        assert got_unit == unit and shown == model.text(value, unit, style="printed", key=key), (month, key, shown)
        assert (note or "") == model.explain(key, value, unit), (month, key, note)
        if unit == "%":  # a share to Excel's 15 significant digits (xlsxwriter writes 16)
            assert math.isclose(got, value, rel_tol=1e-15), (month, key, got)
        else:
            assert exactly(value, unit, Decimal(repr(got)) if isinstance(got, float) else Decimal(got)), (month, key)
    facts = {r[0].value: r[1].value for r in book["公布的总数"].iter_rows(min_row=4)}
    values = {key: (value, unit) for _, key, _, value, unit in declared[month]}
    for key, (name, column) in TOTALS.items():
        fact = schema.FACTS[schema.declared_total(name, column).fact].label
        if fact in facts:  # a stated total is the headline itself
            assert exactly(*values[key], Decimal(repr(facts[fact]))), (month, key)
        else:
            assert month == VARIANT and key == "kiosks.registration_yuan"


@pytest.mark.parametrize("month", MONTHS)
def test_every_declared_figure_is_said_the_same_in_the_data_package(published, declared, month):
    _, out = published[month]
    with (out / month / f"data-{month}" / "headlines.csv").open(encoding="utf-8", newline="") as fh:
        stored = {r["key"]: r for r in csv.DictReader(fh)}
    assert len(stored) == len(declared[month])
    for section, key, label, value, unit in declared[month]:
        row = stored[key]
        assert (row["section"], row["label"], row["unit"]) == (section, label, unit), (month, key, row)
        assert exactly(value, unit, Decimal(row["value"])), (month, key, row)
        assert row["printed"] == model.text(value, unit, style="printed", key=key), (month, key, row)
        assert row["note"] == model.explain(key, value, unit), (month, key, row)


@pytest.mark.parametrize("month", MONTHS)
def test_each_printed_qualifier_is_in_every_output_in_the_printed_words(published, declared, month):
    """A qualifier the bulletin printed with a figure or a table (the booking channels'
    （不包含12320电话预约、医院诊间预约、医院自有途径预约）) is in the page, the PDF, the Word file, the
    workbook and the data package, in the bulletin's words."""
    _, out = published[month]
    qualifiers = {q for _, q in _qualified(declared[month])}
    assert "（不包含12320电话预约、医院诊间预约、医院自有途径预约）" in qualifiers
    pdf = _pdf_text(out / month / f"bulletin-{month}.pdf").replace(" ", "")
    word = _docx_text(_docx(out / month / f"bulletin-{month}.docx"))
    book = _book(out / month / f"tables-{month}.xlsx")
    cells = "\n".join(str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row if c.value)
    package = "".join(p.read_text(encoding="utf-8") for p in (out / month / f"data-{month}").rglob("*")
                      if p.is_file())
    pages = "".join(_page_text(p) for p in (out / month).glob("*.html"))
    for q in qualifiers:
        words = q.strip("（）")
        for name, text in (("pdf", pdf), ("word", word), ("workbook", cells), ("data package", package)):
            assert words in text, (month, name, q)
        if month == FEB:  # every page of the session's run (the variant publishes the overview only)
            assert q in pages, (month, "pages", q)


@pytest.mark.parametrize("month", MONTHS)
def test_each_figures_note_is_under_the_headlines_of_the_page_the_pdf_and_the_word_file(published, declared, month):
    """What the workbook and the data package say beside a figure (:func:`model.explain`) the
    page, the PDF and the Word file say under their list of headlines, in the same words."""
    _, out = published[month]
    said = model.notes((key, label, value, unit) for _, key, label, value, unit in declared[month])
    assert any("公报印作49.3亿条" in line for line in said) and any("不包含12320电话预约" in line for line in said)
    page = re.sub(r"\s+", "", _page_text(out / month / "00_overview.html"))
    pdf = re.sub(r"\s+", "", _pdf_text(out / month / f"bulletin-{month}.pdf"))
    word = re.sub(r"\s+", "", _docx_text(_docx(out / month / f"bulletin-{month}.docx")))
    for line in said:
        flat = re.sub(r"\s+", "", line)
        assert flat in page, (month, "page", line)
        assert "注：" + flat in pdf, (month, "pdf", line)
        assert "注：" + flat in word, (month, "word", line)


@pytest.mark.parametrize("month", MONTHS)
def test_the_data_package_says_which_totals_tie_out(published, month):
    """The variant's stated 缴费金额 合计 no longer ties out: its description says so, with the sum."""
    _, out = published[month]
    folder = out / month / f"data-{month}"
    check_descriptions(folder)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    said = next(r for r in descriptor["resources"] if r["name"] == "kiosks")["description"]
    if month == VARIANT:
        assert "kiosks.total.payment_yuan（各行之和为 51460109.86，与之不符）" in said
        assert "kiosks.total.registration_yuan" not in said  # not stated: no claim made
        booked = next(r for r in descriptor["resources"] if r["name"] == "appointments")["description"]
        assert "appointments.total.total（各行之和为 74218，与之不符）" in booked and "有 1 行不符" in booked
    else:
        assert "kiosks.total.payment_yuan（等于各行之和）" in said
