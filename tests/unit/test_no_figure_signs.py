"""Signs printed for "no figure" (—, …) in a table's cell: missing, never 0, kept as printed and
told apart from 未反馈, shown as printed in every output; totals and checks leave them out.

The variant is the published bulletin (the seed) with a sign in each table kind: a count
(appointments, booking channels, kiosks), money (kiosks) and the platform tables (the 申明/规定
cell, a count, a health-record count). Where February printed 0 the sign is put in its place, so
that the stated 合计 still ties out; 微脉科技's 5 bookings are replaced, so that the 合计 is 5 more
than the rows' sum (the sign left out, as 未反馈 is).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from helpers import assert_same_as_shipped, replace_once, seed_text, write

from bulletin.core.errors import IngestError
from bulletin.core.missing import NOT_REPORTED, NoFigure, is_missing
from bulletin.core.schema import Column
from bulletin.data import revisions
from bulletin.data.ingest import ingest_file, parse_text
from bulletin.data.ingest.layout import PrintedSection
from bulletin.data.ingest.tables import _figure
from bulletin.data.loaded_month import Month
from bulletin.data.loaders import load
from bulletin.data.store import parse_cell
from bulletin.render.documents import content, datapackage, workbook
from bulletin.style import fmt
from bulletin.style.fmt import printed

M = "2020-02"
#: (old, new) in the seed's text: table, unit, column, the sign printed
EDITS = (
    ("\t南京市第一医院\n\t3039\n\t8125\n\t0\n", "\t南京市第一医院\n\t3039\n\t8125\n\t—\n"),
    ("\t微脉科技\n\t5\n", "\t微脉科技\n\t…\n"),
    ("\t玄武区\n\t22\n\t242\n\t2420.00 \n\t0\n\t0.00 \n", "\t玄武区\n\t22\n\t242\n\t2420.00 \n\t…\n\t— \n"),
    ("\t玄武区\n\t56/129\n", "\t玄武区\n\t—/129\n"),
    ("\t49513\n\t15838\n", "\t49513\n\t…\n"),
    ("\t江苏省中医院\n\t26/83\n\t13\n\t4960336\n", "\t江苏省中医院\n\t26/83\n\t13\n\t—\n"),
)
#: (table, key, column) → the sign kept
SIGNS = {
    ("appointments", ("南京市第一医院",), "in_clinic"): "—",
    ("booking_channels", ("微脉科技",), "bookings"): "…",
    ("kiosks", ("district", "玄武区"), "payments"): "…",
    ("kiosks", ("district", "玄武区"), "payment_yuan"): "—",
    ("platform_districts", ("玄武区",), "declared_tables"): "—",
    ("platform_districts", ("玄武区",), "ehr_diabetes"): "…",
    ("platform_hospitals", ("江苏省中医院",), "records"): "—",
}
FILES = {"appointments": "appointments.csv", "booking_channels": "booking_channels.csv", "kiosks": "kiosks.csv",
         "platform_districts": "platform_districts.csv", "platform_hospitals": "platform_hospitals.csv"}


def signed_text() -> str:
    text = seed_text()
    for old, new in EDITS:
        text = replace_once(text, old, new)
    return text


@pytest.fixture(scope="module")
def month(tmp_path_factory) -> Month:
    root = tmp_path_factory.mktemp("signs") / "data"
    ingest_file(write(root.parent, signed_text()), data_dir=root)
    return Month(M, root)


def _row(frame: pd.DataFrame, table: str, key: tuple[str, ...]) -> pd.Series:
    cols = {"appointments": ["hospital"], "booking_channels": ["channel"], "kiosks": ["group", "unit"],
            "platform_districts": ["district"], "platform_hospitals": ["hospital"]}[table]
    hit = frame[(frame[cols].astype(str) == list(key)).all(axis=1)]
    assert len(hit) == 1
    return hit.iloc[0]


# --- reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("sign", ["—", "–", "-", "…", "——", "……"])
@pytest.mark.parametrize("kind", ["count", "money"])
def test_a_sign_alone_in_a_figure_cell_is_no_figure_never_0(sign, kind):
    section = PrintedSection("kiosks", "t", 1, M)
    col = Column("x", "标签", kind)
    assert _figure(f" {sign} ", section, 3, "标签", col) == NoFigure(sign)
    assert parse_cell(sign, col, file="f.csv", row=2) is None  # in any column, nullable or not
    assert is_missing(NoFigure(sign)) and NoFigure(sign) != 0


def test_a_whole_申明_cell_printed_as_a_sign_is_neither_figure():
    text = replace_once(signed_text(), "\t江苏省中医院\n\t26/83\n", "\t江苏省中医院\n\t…\n")
    row = parse_text(text).tables["platform_hospitals"].set_index("hospital").loc["江苏省中医院"]
    assert (row["declared_tables"], row["required_tables"]) == (NoFigure("…"), NoFigure("…"))


def test_a_sign_beside_a_figure_is_still_refused():
    section = PrintedSection("kiosks", "t", 1, M)
    with pytest.raises(IngestError, match="expected a count"):
        _figure("—5", section, 3, "标签", Column("x", "标签", "count"))


def test_the_month_folder_keeps_each_sign_as_printed_and_未反馈_stays_empty(month):
    folder = month.folder
    for (table, key, column), sign in SIGNS.items():
        with (folder / FILES[table]).open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        names = ("group", "unit") if table == "kiosks" else [k for k in ("hospital", "channel", "district")
                                                               if k in rows[0]]
        (row,) = [r for r in rows if tuple(r[k] for k in names) == key]
        assert row[column] == sign, (table, key, column)
    # 未反馈 (江苏省人民医院's declared tables) is still the empty cell, not a sign
    hospitals = (folder / "platform_hospitals.csv").read_text(encoding="utf-8")
    assert "\n江苏省人民医院,,83," in hospitals
    # every other file is February's, byte for byte
    assert_same_as_shipped(folder, skip=tuple(FILES.values()), extra=tuple(FILES.values()))


def test_a_loaded_sign_is_missing_and_its_sign_is_kept(month):
    for (table, key, column), sign in SIGNS.items():
        frame = load(table, M, month.data_dir)
        assert pd.isna(_row(frame, table, key)[column]), (table, column)
        assert month.signs(table)[(key, column)] == sign
    # the exact reading (what the checks tie out on) too
    assert pd.isna(_row(month.exact("kiosks"), "kiosks", ("district", "玄武区"))["payment_yuan"])


def test_checks_leave_a_sign_out_of_every_total_and_name_it(month):
    report = month.check()
    found = {(f.table, f.column, f.value) for f in report.findings if f.rule == "no_figure"}
    assert found == {(t, c, s) for (t, _, c), s in SIGNS.items()}
    # the signs are not 未反馈: only February's eight 未反馈 remain
    assert {f.unit for f in report.findings if f.rule == "not_reported"} == {
        "江苏省人民医院", "东南大学附属中大医院", "南京医科大学第二附属医院", "江苏省肿瘤医院",
        "江苏省省级机关医院", "南医大眼科医院", "江苏省口腔医院", "中科院皮研所"}
    # 微脉科技's 5 left out (never read as anything): the rows add up to 16664 against 16669
    (mismatch,) = [f for f in report.findings if f.rule == "total_mismatch"]
    assert (mismatch.table, mismatch.value, mismatch.expected) == ("booking_channels", 16664, 16669)
    # the kiosks' and the appointments' totals, where the sign stands for February's 0, tie out
    assert not [f for f in report.findings if f.rule in ("row_sum_mismatch", "total_exceeded")]


def test_ingesting_the_same_text_again_changes_nothing_and_未反馈_for_a_sign_is_a_change(month, tmp_path):
    again = write(tmp_path, signed_text())
    assert ingest_file(again, data_dir=month.data_dir).unchanged
    other = replace_once(signed_text(), "\t江苏省中医院\n\t26/83\n\t13\n\t—\n",
                         f"\t江苏省中医院\n\t26/83\n\t13\n\t{NOT_REPORTED}\n")
    with pytest.raises(revisions.RevisionRefused) as refused:
        ingest_file(write(tmp_path, other, "other.txt"), data_dir=month.data_dir)
    (change,) = refused.value.edits
    assert (change.table, change.column, change.old, change.new) == ("platform_hospitals", "records", "—", "")
    assert change.text().endswith("数据上传量：— → 未反馈")


def test_a_total_row_printed_with_a_sign_is_a_total_not_stated():
    """玄武区's … and — stand in the 各区 rows; a — in the kiosks' 合计 row states no total."""
    text = signed_text()
    block = text[text.index("\t合计\n", text.index("\t玄武区\n")):]
    total_row = block[: block.index("\n\n")]
    cells = total_row.split("\n")
    assert cells[-1].strip() == "51460109.85"
    parsed = parse_text(replace_once(text, total_row, "\n".join([*cells[:-1], "\t—"])))
    assert "kiosks.total.payment_yuan" not in parsed.facts and "kiosks.total.payments" in parsed.facts
    assert "kiosks.total.payment_yuan" in parsed.not_published


# --- outputs --------------------------------------------------------------------------------------


def test_pages_show_the_sign_as_printed(month):
    shown = fmt.table(month.table("appointments"), "appointments")
    row = shown[shown["单位"] == "南京市第一医院"].iloc[0]
    assert row["诊间预约"] == "—"
    kiosks = fmt.table(month.table("kiosks"), "kiosks")
    row = kiosks[kiosks["单位"] == "玄武区"].iloc[0]
    assert (row["缴费（次）"], row["缴费金额（元）"]) == ("…", "—")
    hospitals = fmt.table(month.table("platform_hospitals"), "platform_hospitals")
    assert hospitals[hospitals["接入单位"] == "江苏省中医院"].iloc[0]["数据上传量"] == "—"
    # 未反馈 still reads 未反馈
    assert hospitals[hospitals["接入单位"] == "江苏省人民医院"].iloc[0]["申明上传表"] == "未反馈"


def test_the_printed_style_words_a_sign_as_printed():
    assert printed.count(NoFigure("—")) == "—" and printed.yuan(NoFigure("…")) == "…"
    assert printed.count(printed.Revised(NoFigure("—"))) == "— [r]"
    assert fmt.count(NoFigure("…")) == "…" and fmt.count(pd.NA) == "未反馈"


def test_pdf_and_word_tables_print_the_sign_and_say_what_it_means(month):
    doc = content.build_from(month)
    cells = {g.name: [[c.text for c in row] for row in g.body]
             for ch in doc.chapters for g in ch.blocks if hasattr(g, "body")}
    (appointment,) = [r for r in cells["appointments"] if "南京市第一医院" in r]
    assert appointment[4] == "—"
    (district,) = [r for r in cells["platform_districts"] if "玄武区" in r]
    assert district[1] == "—/129" and district[-1] == "…"
    (hospital,) = [r for r in cells["platform_hospitals"] if "江苏省中医院" in r]
    assert hospital[3] == "—"
    (kiosk,) = [r for r in cells["kiosks"] if "玄武区" in r]
    assert kiosk[-2:] == ["…", "—"]
    assert {t for t, _ in doc.terms} == {"未反馈", "—", "…"}


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


def test_the_data_package_keeps_the_sign_and_declares_it_missing(month, tmp_path):
    folder = datapackage.write(month, tmp_path / "package")
    text = (folder / "kiosks.csv").read_text(encoding="utf-8")
    assert "\ndistrict,玄武区,22,242,2420.00,…,—\n" in text
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    (kiosks,) = [r for r in descriptor["resources"] if r["name"] == "kiosks"]
    assert kiosks["schema"]["missingValues"] == ["", "—", "…"]
    payments = next(f for f in kiosks["schema"]["fields"] if f["name"] == "payments")
    assert "required" not in payments.get("constraints", {}) and "无数字" in payments["description"]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(load("kiosks", M, month.data_dir))


def test_plain_february_has_no_sign_anywhere(tmp_path):
    result = ingest_file(write(tmp_path, seed_text()), data_dir=tmp_path / "data")
    m = Month(M, result.folder.parent)
    assert all(m.signs(name) == {} for name in FILES)
    assert not Path(result.folder / "kept_aside.csv").exists()


def test_the_word_file_prints_the_sign_with_its_note(month, tmp_path):
    import docx

    from bulletin.render.documents import word

    path = word.write(content.build_from(month), tmp_path / "m.docx")
    d = docx.Document(path)
    rows = [[c.text for c in row.cells] for t in d.tables for row in t.rows]
    (hospital,) = [r for r in rows if r[0] == "江苏省中医院"]
    assert hospital[3] == "—"
    notes = [p.text for p in d.paragraphs if p.text.startswith("注：")]
    assert "注：“—”：简报此处印作该符号，表示无数字，按缺失处理，不是0。" in notes
    assert "注：“…”：简报此处印作该符号，表示无数字，按缺失处理，不是0。" in notes


def test_the_pdf_source_prints_the_sign_with_its_note(month):
    from bulletin.render.documents import pdf

    doc = content.build_from(month)
    (grid,) = [g for ch in doc.chapters for g in ch.blocks if getattr(g, "name", "") == "platform_hospitals"]
    source = pdf._grid(grid, True, doc.terms)
    assert '"—"' in source and "注：“—”：简报此处印作该符号" in source and "注：“…”" not in source


def test_the_commands_ingest_and_check_a_month_with_signs(tmp_path, capsys):
    from bulletin import cli

    data = tmp_path / "data"
    code = cli.main(["ingest", str(write(tmp_path, signed_text())), "--data-dir", str(data)])
    out, err = capsys.readouterr()
    # exit 1: 微脉科技's sign is left out of the channels' 合计 (16664 against 16669), as 未反馈 would be
    assert code == 1 and err == ""
    assert "江苏省中医院：数据上传量印作“—”（无数字），按缺失处理，不计入合计" in out
    assert cli.main(["check", M, "--data-dir", str(data)]) == 1
    assert "各行相加为 16,664，而表中合计为 16,669" in capsys.readouterr().out


def test_the_published_workbook_of_a_month_with_signs_ingests_back_with_each_sign(month, tmp_path):
    """The workbook writes a sign as printed; read back (``bulletin ingest FILE.xlsx``), each sign is
    that sign again, not 未反馈 and not refused as text in a count: the month folder comes back
    byte for byte."""
    book = workbook.write(month, tmp_path / f"tables-{M}.xlsx")
    ingest_file(book, data_dir=tmp_path / "back")
    back = tmp_path / "back" / M
    for name, file in FILES.items():
        assert (back / file).read_bytes() == (month.folder / file).read_bytes(), name
    reread = Month(M, tmp_path / "back")
    for (table, key, column), sign in SIGNS.items():
        assert is_missing(_row(reread.table(table), table, key)[column])
        assert reread.signs(table)[(key, column)] == sign, (table, key, column)


def test_the_month_on_month_table_shows_a_sign_as_printed_not_as_未反馈(month, tmp_path):
    """March copied from the month with signs: the channel 微脉科技, printed “…” in both months, reads
    “…” in 本月 and 上月 of the booking channels' month-on-month table, never 未反馈 nor 0."""
    import shutil

    from bulletin.sections import booking_channels

    root = tmp_path / "data"
    shutil.copytree(month.folder, root / M)
    shutil.copytree(month.folder, root / "2020-03")
    view = booking_channels.month_on_month(Month("2020-03", root))
    table = dict(view.parts)["各途径预约数量"].set_index("途径")
    assert table.at["微脉科技", "本月"] == "…" and table.at["微脉科技", "上月"] == "…"
    assert "未反馈" not in table.loc["微脉科技"].tolist()


def test_the_kiosks_month_on_month_finds_a_sign_by_the_tables_key_columns(month, tmp_path):
    """The kiosks' comparison finds 玄武区's signs by the table's key (group, unit), as its table view
    does (:func:`bulletin.style.fmt.with_signs`, one mechanism): “…” and “—” in 本月 and 上月, never
    未反馈; a comparison naming fewer key columns than the table's signs are found by is refused,
    never shown as 未反馈."""
    import shutil

    from bulletin.sections import compare, kiosks

    root = tmp_path / "data"
    shutil.copytree(month.folder, root / M)
    shutil.copytree(month.folder, root / "2020-03")
    parts = dict(kiosks.month_on_month(Month("2020-03", root)).parts)
    for title, sign in (("各单位缴费（次）", "…"), ("各单位缴费金额（元）", "—")):
        row = parts[title].set_index("单位").loc["玄武区"]
        assert (row["本月"], row["上月"]) == (sign, sign), title
    march, february = Month("2020-03", root).kiosks, Month(M, root).kiosks
    compared = compare.by_unit(march, february, "unit", "payments", key_columns=("group", "unit"))
    assert compared.set_index("unit").at["玄武区", "value"] == NoFigure("…")
    with pytest.raises(ValueError, match=r"found by 2 key columns, the comparison of 'payments' names \['unit'\]"):
        compare.by_unit(march, february, "unit", "payments")
