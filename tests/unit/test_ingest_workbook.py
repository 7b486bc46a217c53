"""Tests of ``bulletin.data.ingest.workbook``: a filled-in month workbook (``bulletin template``'s layout,
:mod:`bulletin.core.sheet_layout`) → :class:`Parsed`."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from helpers import SHIPPED, assert_same_as_shipped, replace_once, seed_text, write

from bulletin import cli
from bulletin.core.schema import TABLES
from bulletin.core.sheet_layout import FACTS_SHEET, FIRST_ROW, GUIDE_SHEET, TABLE_SHEETS, TOTAL_LABEL
from bulletin.data.ingest import ingest_file
from bulletin.data.ingest.workbook import fen_exact
from bulletin.data.loaded_month import Month
from bulletin.data.store import month_files, read_facts, read_table, write_month_files
from bulletin.render.documents.template import write_template


def month_of(folder: Path) -> tuple[dict, dict]:
    """A month folder's tables (exact: money as Decimal) and facts."""
    tables = {name: read_table(folder / t.file, t, exact=True) for name, t in TABLES.items()
              if (folder / t.file).is_file()}
    return tables, read_facts(folder / "facts.csv", exact=True)


def _as_typed(sc, value):
    """A cell as the office's script would type it: 未反馈 for a missing count, numbers as numbers."""
    if pd.isna(value):
        return "未反馈" if sc.column.nullable and sc.column.kind != "text" else None
    if sc.column.kind == "text":
        return sc.shown(value)
    if sc.column.kind == "money":
        return float(value)
    return int(value)


def fill(template: Path, tables: dict, facts: dict, out: Path) -> Path:
    """Fill a template in as the office would with a script: every unit's row, the 合计 rows, the
    paragraph figures; numbers written as numbers (money as Excel's doubles)."""
    book = openpyxl.load_workbook(template)
    for name, layout in TABLE_SHEETS.items():
        sheet = book[layout.name]
        sheet.delete_rows(FIRST_ROW + 1, sheet.max_row)  # the pre-filled units and 合计 row
        frame = tables.get(name)
        rows = [] if frame is None else list(frame[list(layout.table.column_names)].itertuples(index=False))
        for r, rec in enumerate(rows, start=FIRST_ROW + 1):
            for c, (sc, value) in enumerate(zip(layout.columns, rec, strict=True), start=1):
                sheet.cell(r, c, _as_typed(sc, value))
        if rows and layout.totals:
            r = FIRST_ROW + 1 + len(rows)
            sheet.cell(r, layout.total_column + 1, TOTAL_LABEL)
            for total in layout.totals:
                if total.fact in facts:
                    c = layout.table.column_names.index(total.column) + 1
                    value = facts[total.fact]
                    sheet.cell(r, c, float(value) if isinstance(value, Decimal) else value)
    sheet = book[FACTS_SHEET]
    for r in range(FIRST_ROW + 1, sheet.max_row + 1):
        key = sheet.cell(r, 1).value
        if key in facts:
            sheet.cell(r, 3, facts[key])
    book.save(out)
    return out


@pytest.fixture(scope="module")
def february_workbook(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("feb")
    template = write_template("2020-02", tmp / "template.xlsx", SHIPPED.parent)
    return fill(template, *month_of(SHIPPED), tmp / "2020-02.xlsx")


def test_february_filled_in_ingests_to_the_shipped_month_byte_for_byte(february_workbook, tmp_path):
    result = ingest_file(february_workbook, data_dir=tmp_path)
    assert (result.month, len(result.tables), result.absent) == ("2020-02", 9, ())
    assert_same_as_shipped(tmp_path / "2020-02")
    assert not (tmp_path / "2020-02" / "not_published.csv").exists()


def _variant() -> tuple[dict, dict]:
    """February with every figure tripled (the totals tripled too, so they still tie out)."""
    tables, facts = month_of(SHIPPED)
    out = {}
    for name, frame in tables.items():
        frame = frame.copy()
        for col in TABLES[name].columns:
            if col.kind != "text" and col.name != "rank":
                frame[col.name] = [v if pd.isna(v) else v * 3 for v in frame[col.name]]
        out[name] = frame
    tele = out["telemedicine"]
    tele.loc[tele["measure"] == "paused", "value"] = 1
    return out, {k: v * 3 for k, v in facts.items()}


def test_a_variant_month_filled_in_ingests_as_writing_it_directly(data_copy, tmp_path):
    tables, facts = _variant()
    direct = write_month_files(tmp_path / "direct" / "2020-03", month_files(tables, facts))
    template = write_template("2020-03", tmp_path / "t.xlsx", data_copy)
    book = fill(template, tables, facts, tmp_path / "2020-03.xlsx")
    assert cli.main(["ingest", str(book), "--data-dir", str(data_copy)]) in (0, 1)  # the checks' verdict
    written = data_copy / "2020-03"
    assert sorted(p.name for p in written.iterdir()) == sorted(p.name for p in direct.iterdir())
    for p in direct.iterdir():
        assert (written / p.name).read_bytes() == p.read_bytes(), p.name
    assert "kiosks.total.payment_yuan,154380329.55," in (written / "facts.csv").read_text(encoding="utf-8")


def test_a_workbook_goes_through_revisions_diff_force_and_reason(february_workbook, data_copy, tmp_path, capsys):
    assert cli.main(["ingest", str(february_workbook), "--data-dir", str(data_copy)]) == 0
    assert "nothing written" in capsys.readouterr().out
    book = openpyxl.load_workbook(february_workbook)
    book["预约挂号"]["B3"] = 6399
    changed = tmp_path / "changed.xlsx"
    book.save(changed)
    before = (data_copy / "2020-02" / "appointments.csv").read_bytes()
    assert cli.main(["ingest", str(changed), "--data-dir", str(data_copy)]) == 1
    out = capsys.readouterr().out
    assert "南京市儿童医院" in out and "6398 → 6399" in out and "--force" in out
    assert (data_copy / "2020-02" / "appointments.csv").read_bytes() == before
    cli.main(["ingest", str(changed), "--data-dir", str(data_copy), "--force", "--reason", "医院更正"])
    assert "南京市儿童医院,6399," in (data_copy / "2020-02" / "appointments.csv").read_text(encoding="utf-8")
    assert (data_copy / "2020-02" / "revisions" / "1" / "appointments.csv").read_bytes() == before


def _edit(source: Path, target: Path, change) -> Path:
    book = openpyxl.load_workbook(source)
    change(book)
    book.save(target)
    return target


def _set(sheet: str, cell: str, value, number_format: str | None = None):
    def change(book):
        book[sheet][cell] = value
        if number_format:
            book[sheet][cell].number_format = number_format
    return change


def _with_macros(source: Path, target: Path) -> Path:
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(target, "w") as out:
        for item in z.infolist():
            out.writestr(item, z.read(item))
        out.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    return target


BAD = {
    "formula": (lambda s, t: _edit(s, t, _set("预约挂号", "B3", "=1+1")),
                "预约挂号!B3: a formula (found '=1+1')"),
    "text in a count": (lambda s, t: _edit(s, t, _set("预约挂号", "C5", "两千")),
                        "预约挂号!C5: text in a count (found '两千')"),
    "money beyond the fen": (lambda s, t: _edit(s, t, _set("自助终端", "E3", 166469.001)),
                             "自助终端!E3: money beyond the fen (found '166469.001')"),
    "date-formatted cell": (lambda s, t: _edit(s, t, _set("预约挂号", "B4", dt.datetime(1904, 4, 5))),
                            "预约挂号!B4: a date-formatted cell"),
    "empty required cell": (lambda s, t: _edit(s, t, _set("预约挂号", "D14", None)),
                            "预约挂号!D14: an empty required cell"),
    "未反馈 where not allowed": (lambda s, t: _edit(s, t, _set("预约挂号", "D14", "未反馈")),
                               "预约挂号!D14: 未反馈 where the bulletin always prints a figure"),
    "renamed sheet": (lambda s, t: _edit(s, t, lambda b: setattr(b["预约挂号"], "title", "预约")),
                      "预约挂号!A1: a sheet missing or renamed (found '预约')"),
    "missing sheet": (lambda s, t: _edit(s, t, lambda b: b.remove(b["自助终端"])),
                      "自助终端!A1: a sheet missing or renamed"),
    "header changed": (lambda s, t: _edit(s, t, _set("预约挂号", "C2", "电话")),
                       "预约挂号!C2: a header changed (found '电话')"),
    "macro-enabled (.xlsm)": (lambda s, t: shutil.copy(s, t.with_suffix(".xlsm")) and t.with_suffix(".xlsm"),
                              "a macro-enabled workbook"),
    "macro-enabled (vbaProject.bin)": (_with_macros, "a macro-enabled workbook"),
    "encrypted": (lambda s, t: t.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)) and t,
                  "an encrypted (password-protected) workbook or an old .xls file"),
    "not a workbook": (lambda s, t: t.write_text("2020年2月预约挂号服务统计表\n", encoding="utf-8") and t,
                       "not a workbook (not an .xlsx zip file)"),
    "a zip that is no workbook": (lambda s, t: zipfile.ZipFile(t, "w").close() or t, "not a workbook"),
    "a unit twice": (lambda s, t: _edit(s, t, _set("预约挂号", "A4", "南京市儿童医院")),
                     "预约挂号!A4: a unit twice"),
    "a month not YYYY-MM": (lambda s, t: _edit(s, t, _set(GUIDE_SHEET, "B2", "二月")),
                            "填写说明!B2: not a month (found '二月')"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_workbook_is_refused_in_one_line_naming_sheet_and_cell(case, february_workbook, data_copy, tmp_path,
                                                                     capsys):
    make, expected = BAD[case]
    shutil.rmtree(data_copy / "2020-02")  # the month is not in the data: nothing may appear
    bad = make(february_workbook, tmp_path / "bad.xlsx")
    assert cli.main(["ingest", str(bad), "--data-dir", str(data_copy)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and expected in err, err
    assert err.startswith(f"bulletin ingest: file {bad}") or "bad.xls" in err
    assert list(data_copy.iterdir()) == []


def test_a_bad_workbook_leaves_the_month_in_the_data_untouched(february_workbook, data_copy, tmp_path, capsys):
    before = {p.name: p.read_bytes() for p in (data_copy / "2020-02").iterdir()}
    bad = _edit(february_workbook, tmp_path / "bad.xlsx", _set("自助终端", "G5", "13,497,811.90"))
    assert cli.main(["ingest", str(bad), "--data-dir", str(data_copy), "--force"]) == 2
    assert "自助终端!G5: text in an amount" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in (data_copy / "2020-02").iterdir()} == before


def test_an_extra_sheet_is_named_and_ignored(february_workbook, tmp_path, capsys):
    extra = _edit(february_workbook, tmp_path / "extra.xlsx", lambda b: b.create_sheet("备注").append(["=1/0"]))
    assert cli.main(["ingest", str(extra), "--data-dir", str(tmp_path / "data")]) == 0
    assert "sheet '备注' is no sheet of the template; ignored" in capsys.readouterr().out
    assert_same_as_shipped(tmp_path / "data" / "2020-02")


def test_money_from_excels_doubles_is_exact_to_the_fen(february_workbook, tmp_path):
    assert fen_exact(0.1 + 0.2) == Decimal("0.30")  # 0.30000000000000004: the 0.3 Excel shows
    assert fen_exact(sum([0.01] * 10)) == Decimal("0.10")  # 0.09999999999999999
    assert fen_exact(51460109.85) == Decimal("51460109.85")
    assert fen_exact(2482832.44 + 0.01) == Decimal("2482832.45")
    assert fen_exact(1.005) is None and fen_exact(166469.001) is None  # refused, never rounded either way

    def amounts(book):
        sheet = book["自助终端"]
        sheet["E3"] = 166468.9 + 0.1  # 166469.00000000003 in binary, 166469.00 to the fen
        sheet["G3"] = 2482832.34 + 0.1  # 2482832.4400000004
    sums = _edit(february_workbook, tmp_path / "sums.xlsx", amounts)
    ingest_file(sums, data_dir=tmp_path)
    assert_same_as_shipped(tmp_path / "2020-02")


def _published(data: Path, month: str, target: Path) -> Path:
    import bulletin
    from bulletin.render.documents import workbook

    return workbook.write(bulletin.month(month, data), target)


def _same_folder(written: Path, expected: Path) -> None:
    names = sorted(p.name for p in expected.iterdir() if p.is_file())
    assert sorted(p.name for p in written.iterdir()) == names
    for name in names:
        assert (written / name).read_bytes() == (expected / name).read_bytes(), name


def test_the_published_workbook_of_february_ingests_back_byte_for_byte(tmp_path, capsys):
    book = _published(SHIPPED.parent, "2020-02", tmp_path / "tables-2020-02.xlsx")
    assert cli.main(["ingest", str(book), "--data-dir", str(tmp_path / "data")]) == 0
    assert "skipped" not in capsys.readouterr().out  # 封面, 目录, 注释, 本月要点 are the published workbook's own
    assert_same_as_shipped(tmp_path / "data" / "2020-02")


def test_a_published_variant_with_a_table_not_printed_and_a_silent_pause_round_trips(tmp_path):
    tables, facts = _variant()
    del tables["booking_channels"]
    del facts["booking_channels.total"]
    tele = tables["telemedicine"]
    tele.loc[tele["measure"] == "paused", "note"] = None  # paused, no reason printed
    files = month_files(tables, facts)
    files["not_published.csv"] = ("item,note\nbooking_channels,本月无数据\n"
                                  "booking_channels.total,2020年3月简报未刊登「分途径预约合计」\n")
    source = write_month_files(tmp_path / "source" / "2020-03", files)
    book = _published(source.parent, "2020-03", tmp_path / "tables-2020-03.xlsx")
    ingest_file(book, data_dir=tmp_path / "back")
    _same_folder(tmp_path / "back" / "2020-03", source)


def test_a_revised_months_published_workbook_reads_past_its_revision_marks(february_workbook, data_copy, tmp_path):
    book = openpyxl.load_workbook(february_workbook)
    book["预约挂号"]["B3"] = 6399
    book["自助终端"]["E3"] = 166470.5
    changed = book.save(tmp_path / "changed.xlsx") or tmp_path / "changed.xlsx"
    ingest_file(changed, data_dir=data_copy, force=True, reason="更正")
    published = _published(data_copy, "2020-02", tmp_path / "tables.xlsx")
    assert "修订标记" in [c.value for c in openpyxl.load_workbook(published)["预约挂号"][3]]
    ingest_file(published, data_dir=tmp_path / "back")
    _same_folder(tmp_path / "back" / "2020-02", data_copy / "2020-02")
    assert "南京市儿童医院,6399," in (tmp_path / "back" / "2020-02" / "appointments.csv").read_text(encoding="utf-8")


def test_a_bad_published_workbook_is_refused_naming_sheet_and_cell(tmp_path, capsys):
    book = _published(SHIPPED.parent, "2020-02", tmp_path / "tables.xlsx")
    bad = _edit(book, tmp_path / "bad.xlsx", _set("预约挂号", "C6", "[x]"))  # 未反馈 where never allowed
    assert cli.main(["ingest", str(bad), "--data-dir", str(tmp_path / "data")]) == 2
    assert "预约挂号!C6: 未反馈 where the bulletin always prints a figure (found '[x]')" in capsys.readouterr().err
    bad = _edit(book, tmp_path / "bad2.xlsx", _set("公布的总数", "B5", "=B4+1"))
    assert cli.main(["ingest", str(bad), "--data-dir", str(tmp_path / "data")]) == 2
    assert "公布的总数!B5: a formula (found '=B4+1')" in capsys.readouterr().err
    assert not (tmp_path / "data").exists() or list((tmp_path / "data").iterdir()) == []


TYPED_SIGNS = {"a space": (" … …", "— —", "-  "), "a full-width or no-break space": ("…\u3000…", "—\xa0— ", "\u3000—")}


@pytest.mark.parametrize("case", list(TYPED_SIGNS))
def test_a_sign_typed_with_spaces_reads_as_the_text_ingest_reads_it(case, february_workbook, tmp_path):
    """A workbook cell holding ``"— —"`` is the sign —— (a row's figure: missing, the sign kept; the
    合计 row's: a total not stated), as the same cell of a text export is (spaces in a sign are
    ignored, beside it as inside it): the two month folders are the same byte for byte."""
    payments, paid, total = TYPED_SIGNS[case]
    text = replace_once(seed_text(), "\t玄武区\n\t22\n\t242\n\t2420.00 \n\t0\n\t0.00 \n",
                        f"\t玄武区\n\t22\n\t242\n\t2420.00 \n\t{payments}\n\t{paid}\n")
    text = replace_once(text, "\t51460109.85", f"\t{total}")
    ingest_file(write(tmp_path, text), data_dir=tmp_path / "text")

    def typed(book):
        sheet = book[TABLE_SHEETS["kiosks"].name]
        rows = {(r[0].value, r[1].value): r[0].row for r in sheet.iter_rows(min_row=FIRST_ROW + 1)}
        sheet[f"F{rows['各区', '玄武区']}"], sheet[f"G{rows['各区', '玄武区']}"] = payments, paid
        sheet[f"G{rows[None, TOTAL_LABEL]}"] = total
    ingest_file(_edit(february_workbook, tmp_path / "typed.xlsx", typed), data_dir=tmp_path / "workbook")
    _same_folder(tmp_path / "workbook" / "2020-02", tmp_path / "text" / "2020-02")
    signs = Month("2020-02", tmp_path / "workbook").signs("kiosks")
    assert signs[(("district", "玄武区"), "payments")] == "".join(payments.split())
    assert signs[(("district", "玄武区"), "payment_yuan")] == "".join(paid.split())
    assert "kiosks.total.payment_yuan" not in read_facts(tmp_path / "workbook" / "2020-02" / "facts.csv")
