"""Every headline figure is one number in every output: the pages, the PDF, the Word file, the
workbook and the data package.

February 2020 as shipped, and a variant March: its bulletin text with a fifth telemedicine
platform, a ninth booking channel (合计：16700) and a 未反馈 among the platform's records,
ingested, then edited by hand so that the kiosks' stated 缴费金额 合计 no longer ties out with its
rows (the stated figure is shown: what the bulletin printed), the stated 挂号金额 合计 is gone
(the exact sum of the rows is shown) and one hospital's 小计 is one more than its channels. One
``bulletin run`` of the overview publishes both months' pages and documents (module-scoped);
each section's ``headlines(m)``, computed here, is then looked for in each output, read back as
a number and compared at the precision the output shows.
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
from bulletin import paths, schema
from bulletin.ingest import ingest_file
from bulletin.sections import kiosks, with_headlines

FEB, VARIANT = "2020-02", "2020-03"
MONTHS = (FEB, VARIANT)
#: the variant's kiosk row edited by hand: 挂号金额 and 缴费金额 one fen more than printed
ROW = "hospital,江苏省人民医院,200,7973,166469.00,5592,2482832.44"
EDITED = "hospital,江苏省人民医院,200,7973,166469.01,5592,2482832.45"
#: headlines that are a table's 合计 (``bulletin.schema.table_total``), and the column they total
TOTALS = {
    "本月预约挂号量": ("appointments", "total"),
    "分途径预约合计": ("booking_channels", "bookings"),
    "投放终端": ("kiosks", "kiosks"),
    "自助挂号": ("kiosks", "registrations"),
    "自助挂号金额": ("kiosks", "registration_yuan"),
    "自助缴费": ("kiosks", "payments"),
    "自助缴费金额": ("kiosks", "payment_yuan"),
}


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, Path]:
    """The two months in a data path with Chinese characters and spaces, published by one run."""
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
    outcome = run_batch([f"{FEB}:{VARIANT}"], data_dir=data, out=out, notebooks=section_notebooks("overview"),
                        jobs=2, progress=False, stream=log)
    assert outcome.exit_code == 0 and sorted(outcome.published) == list(MONTHS), log.getvalue()
    return data, out


@pytest.fixture(scope="module")
def headlines(published) -> dict[str, list[tuple[str, str, object, str]]]:
    """Per month, every section's headlines as the sections compute them: (section, label, value, unit)."""
    data, _ = published
    found = {}
    for month in MONTHS:
        m = bulletin.month(month, data)
        found[month] = [(sec.title, str(label), value, str(unit)) for sec in with_headlines()
                        for label, value, unit in sec.module.headlines(m).itertuples(index=False)]
    return found


def shown(text: str) -> Decimal:
    """The number a figure as shown holds: ``51,460,109.85 元`` → 51460109.85, ``43.5%`` → 43.5,
    ``49.3亿条`` → 4930000000, ``59507个`` → 59507."""
    found = re.match(r"\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(%|亿)?", text)
    assert found, f"no figure in {text!r}"
    value = Decimal(found.group(1).replace(",", ""))
    return value * 10**8 if found.group(2) == "亿" else value


def agrees(value: object, unit: str, got: Decimal, exact: bool = False) -> bool:
    """Whether ``got`` (as an output shows or stores it) is the headline ``value``: to the fen for
    money and whole for counts always; a share to the 0.1 percentage point it is shown with
    (``exact``: stored, to the last digit); a count shown in 亿 to the 0.1 亿 it is shown with."""
    if unit == "%":
        want = Decimal(repr(float(value)))
        return got == want if exact else abs(got - want * 100) <= Decimal("0.05")
    if unit == "元":
        return got == Decimal(str(value)).quantize(Decimal("0.01"))
    if got != int(value) and not exact:  # 49.3亿条: the bulletin's own rounding of the cumulative records
        return unit == "条" and abs(got - int(value)) <= Decimal("0.05") * 10**8
    return got == int(value)


def _cells(page: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", page, flags=re.S)
    return [[unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
            for r in rows]


def test_the_variant_shows_the_stated_total_where_printed_and_the_exact_sum_where_not(headlines, published):
    """The kiosks' totals have one source: the stated 合计 (51460109.85, though the rows now add up
    to 51460109.86) and, where the month states none, the exact sum of the rows (6477159.43)."""
    data, _ = published
    got = {label: value for _, label, value, _ in headlines[VARIANT]}
    assert got["自助缴费金额"] == 51460109.85 and got["自助挂号金额"] == 6477159.43
    t = kiosks.totals(bulletin.month(VARIANT, data)).set_index("column")
    assert t.at["payment_yuan", "summed"] == Decimal("51460109.86")  # the rows: what the check compares
    assert got["分途径预约合计"] == 16700 and got["本月预约挂号量"] == 74217
    assert {label: value for _, label, value, _ in headlines[FEB]}["自助缴费金额"] == 51460109.85


@pytest.mark.parametrize("month", MONTHS)
def test_every_headline_is_the_same_number_on_the_pages(published, headlines, month):
    _, out = published
    overview = {(r[1], r[2]): r[3] for r in _cells((out / month / "00_overview.html").read_text(encoding="utf-8"))
                if len(r) == 4}
    page = (out / month / "index.html").read_text(encoding="utf-8")
    table = page[page.index('<table class="data headlines">'):]
    # 指标, 本月, then the 环比 change when the month before is in the data
    index = {r[0]: r[1] for r in _cells(table[:table.index("</table>")])[1:]}
    for section, label, value, unit in headlines[month]:
        assert agrees(value, unit, shown(overview[(section, label)])), (month, label, overview[(section, label)])
        assert agrees(value, unit, shown(index[label])), (month, label, index[label])


@pytest.mark.parametrize("month", MONTHS)
def test_every_headline_is_the_same_number_in_the_pdf(published, headlines, month):
    _, out = published
    exe = poppler("pdftotext")
    text = subprocess.run([exe, "-layout", str(out / month / f"bulletin-{month}.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    for _, label, value, unit in headlines[month]:
        # the figure, then the 环比 change when the month before is in the data (none for a share)
        found = re.search(rf"(?m)^\s*(?:\S+\s{{2,}})?{re.escape(label)}\s{{2,}}(\S+)(?:\s{{2,}}\S+)?\s*$", text)
        assert found, (month, label)
        assert agrees(value, unit, shown(found.group(1))), (month, label, found.group(1))


def _word_tables(path: Path):
    import docx

    return docx.Document(str(path)).tables


@pytest.mark.parametrize("month", MONTHS)
def test_every_headline_is_the_same_number_in_the_word_file_and_its_tables_totals(published, headlines, month):
    _, out = published
    tables = _word_tables(out / month / f"bulletin-{month}.docx")
    rows = {(r.cells[0].text, r.cells[1].text): r.cells[2].text for r in tables[0].rows[1:]}
    for section, label, value, unit in headlines[month]:
        assert agrees(value, unit, shown(rows[(section, label)])), (month, label, rows[(section, label)])
    # the 合计 rows of the printed tables hold the same totals
    appointments, booking, kiosk_table = tables[1], tables[2], tables[-1]
    printed = {("appointments", "total"): appointments.rows[-1].cells[-1].text,
               ("booking_channels", "bookings"): booking.rows[-1].cells[0].text.removeprefix("合计："),
               **{("kiosks", c): kiosk_table.rows[-1].cells[i].text for i, c in enumerate(kiosks.VALUE_COLUMNS, 2)}}
    values = {label: (value, unit) for _, label, value, unit in headlines[month]}
    for label, key in TOTALS.items():
        value, unit = values[label]
        assert agrees(value, unit, shown(printed[key])), (month, label, printed[key])


@pytest.mark.parametrize("month", MONTHS)
def test_every_headline_is_the_same_number_in_the_workbook(published, headlines, month):
    import openpyxl

    _, out = published
    book = openpyxl.load_workbook(out / month / f"tables-{month}.xlsx")
    sheet = book["本月要点"]
    (table,) = sheet.tables.values()
    # 板块, 指标, 数值, 单位, then three columns of 环比 when the month before is in the data
    cells = [[c.value for c in row][:4] for row in sheet[table.ref]][1:]
    stored = {(section, label): (value, unit) for section, label, value, unit in cells}
    for section, label, value, unit in headlines[month]:
        got, got_unit = stored[(section, label)]
        assert isinstance(got, int | float) and not isinstance(got, bool), (month, label, got)
        assert got_unit == ("" if unit == "%" else unit)
        if unit == "%":  # a share to Excel's 15 significant digits (xlsxwriter writes 16)
            assert math.isclose(got, value, rel_tol=1e-15), (month, label, got)
        else:
            assert agrees(value, unit, Decimal(repr(got)) if isinstance(got, float) else Decimal(got), exact=True), \
                (month, label, got)
    facts = {r[0].value: r[1].value for r in book["公布的总数"].iter_rows(min_row=4)}
    values = {label: (value, unit) for _, label, value, unit in headlines[month]}
    for label, (name, column) in TOTALS.items():
        fact = schema.FACTS[schema.declared_total(name, column).fact].label
        if fact in facts:  # a stated total is the headline itself
            assert agrees(*values[label], Decimal(repr(facts[fact])), exact=True), (month, label)
        else:
            assert month == VARIANT and label == "自助挂号金额"


@pytest.mark.parametrize("month", MONTHS)
def test_every_headline_is_the_same_number_in_the_data_package(published, headlines, month):
    _, out = published
    with (out / month / f"data-{month}" / "headlines.csv").open(encoding="utf-8", newline="") as fh:
        stored = {(r["section"], r["label"]): r for r in csv.DictReader(fh)}
    assert len(stored) == len(headlines[month])
    for section, label, value, unit in headlines[month]:
        row = stored[(section, label)]
        assert row["unit"] == unit and agrees(value, unit, Decimal(row["value"]), exact=True), (month, label, row)


@pytest.mark.parametrize("month", MONTHS)
def test_the_data_package_says_which_totals_tie_out(published, month):
    """The variant's stated 缴费金额 合计 no longer ties out: its description says so, with the sum."""
    _, out = published
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
