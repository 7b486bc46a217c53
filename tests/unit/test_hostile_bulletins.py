"""Hostile bulletins built from February's text: cut short, unprintable names, 万 and 亿, wrong months.

Each case runs the command a user types (`bulletin ingest`, `check`, `documents`) and asserts
its exit code, the one line it prints and the line of the text it names, and what is (not) written.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import (
    RAW,
    SHIPPED,
    assert_same_as_shipped,
    edit_csv,
    raw_text,
    replace_once,
    section_span,
    seed_text,
    write,
)
from helpers import REFERENCE_MONTH as M

from bulletin import cli
from bulletin.core.errors import BulletinDataError
from bulletin.data import glyphs, other_months
from bulletin.data.loaders import facts, load
from bulletin.data.store import read_not_published

KIOSKS_TITLE = "2020年2月自助智能医疗服务终端医院使用情况表"


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def ingest(capsys, tmp_path: Path, text: str, *extra: str, name: str = "bulletin.txt") -> tuple[int, str, str, Path]:
    data = tmp_path / "data"
    code, out, err = run_cli(capsys, "ingest", str(write(tmp_path, text, name)), "--data-dir", str(data), *extra)
    return code, out, err, data


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


def last_line_before(text: str, marker: str) -> tuple[str, int]:
    """The text up to the line ``marker`` (not included) and the number of its last non-blank line."""
    head = text[: text.index(marker)]
    lines = head.split("\n")
    return head, max(i for i, ln in enumerate(lines, start=1) if ln.strip())


# --- 1. a text cut short is not a month --------------------------------------------------------


def test_the_first_22_lines_of_the_published_bulletin_are_refused_as_cut_short(tmp_path, capsys):
    # `head -n 22` once ingested as "2 tables, 4 facts" with the other seven recorded as not printed
    head = "".join(seed_text().splitlines(keepends=True)[:22])
    code, out, err, data = ingest(capsys, tmp_path, head)
    assert code == 2 and out == ""
    assert one_line(err).startswith(
        "bulletin ingest: file bulletin.txt, line 22, 南京12320卫生热线数据统计: the text stops here, "
        "before the end of the statistics part")
    assert "--partial" in err
    assert not data.exists()


@pytest.mark.parametrize("title", [
    "2020年2月分途径预约情况统计",
    "2020年2月南京市远程医疗系统数据统计",
    "2020年2月南京市卫生信息平台数据采集情况（区）",
    "2020年2月南京市卫生信息平台数据采集情况（医院）",
    KIOSKS_TITLE,
])
def test_a_text_cut_before_a_section_is_refused_naming_its_last_line(tmp_path, capsys, title):
    head, last = last_line_before(raw_text(), title + "\n")
    code, _, err, data = ingest(capsys, tmp_path, head)
    assert code == 2
    assert f", line {last}, " in one_line(err) and "the text stops here" in err
    assert not data.exists()


def test_a_cut_inside_the_appointments_table_writes_no_half_table(tmp_path, capsys):
    # once: appointments.csv with 1 of 43 rows, exit 1, and the half table stayed in the data folder
    head, last = last_line_before(raw_text(), "\t2\n\t南京市第一医院\n")
    assert last == 23  # the first hospital's 小计, 18417
    code, _, err, data = ingest(capsys, tmp_path, head)
    assert code == 2
    assert "line 23, 预约挂号服务统计表: the text stops here" in one_line(err)
    assert not data.exists()


def test_a_cut_in_the_middle_of_a_row_is_refused_at_its_last_line(tmp_path, capsys):
    text = raw_text()
    head = text[: text.index("\t9765\n")]  # the first hospital's row stops after 电话预约
    code, _, err, data = ingest(capsys, tmp_path, head)
    assert code == 2 and "line 20, 预约挂号服务统计表: the text stops here" in one_line(err)
    assert not data.exists()


def test_a_cut_inside_the_last_total_row_is_refused_at_its_last_line(tmp_path, capsys):
    text = raw_text()
    head = text[: text.index("\t131430\n") + len("\t131430\n")]  # 合计, 投放台数 1481, 挂号 131430
    code, _, err, data = ingest(capsys, tmp_path, head)
    assert code == 2
    assert ("line 1200, 自助智能医疗服务终端医院使用情况表: expected a figure for each of the 5 totals "
            "in the 合计 row, found 2: the text stops here") in one_line(err)
    assert not data.exists()
    code, _, _, data = ingest(capsys, tmp_path, head, "--partial")  # the table without its totals: not kept
    assert code == 0 and not (data / M / "kiosks.csv").exists()
    assert (data / M / "platform_hospitals.csv").read_bytes() == (SHIPPED / "platform_hospitals.csv").read_bytes()


def test_a_cut_short_text_never_replaces_the_month_in_the_data(tmp_path, capsys):
    data = tmp_path / "data"
    assert run_cli(capsys, "ingest", str(RAW), "--data-dir", str(data))[0] == 0
    before = {p.name: p.read_bytes() for p in (data / M).iterdir()}
    head, _ = last_line_before(raw_text(), KIOSKS_TITLE + "\n")
    code, _, err = run_cli(capsys, "ingest", str(write(tmp_path, head)), "--data-dir", str(data), "--force")
    assert code == 2 and "the text stops here" in one_line(err)
    assert {p.name: p.read_bytes() for p in (data / M).iterdir()} == before
    assert sorted(p.name for p in data.iterdir()) == [M]  # no temporary folder either


def test_partial_keeps_the_sections_read_in_full_and_records_the_rest_as_not_read(tmp_path, capsys):
    head, last = last_line_before(raw_text(), "\t2\n\t南京市第一医院\n")
    code, out, _, data = ingest(capsys, tmp_path, head, "--partial")
    assert code == 0
    assert f"--partial: the text stops at line {last}" in out
    folder = data / M
    # the hotline section is whole; the appointments table the text stops in is not written
    assert (folder / "hotline_categories.csv").read_bytes() == (SHIPPED / "hotline_categories.csv").read_bytes()
    assert (folder / "province_calls.csv").read_bytes() == (SHIPPED / "province_calls.csv").read_bytes()
    assert not (folder / "appointments.csv").exists()
    assert facts(M, data)["hotline.total_calls"] == 59507
    recorded = read_not_published(folder)
    assert list(recorded)[:7] == ["appointments", "booking_channels", "telemedicine", "telemedicine_top_uploaders",
                                  "platform_districts", "platform_hospitals", "kiosks"]
    assert recorded["appointments"] == f"2020年2月简报的文本在第{last}行中断（--partial），未读到「预约挂号服务统计表」"
    assert recorded["appointments.cumulative_total"].startswith(f"2020年2月简报的文本在第{last}行中断")


def test_partial_keeps_a_table_the_text_stops_after_its_total(tmp_path, capsys):
    head, last = last_line_before(raw_text(), "2020年2月南京市远程医疗系统数据统计\n")
    code, _, _, data = ingest(capsys, tmp_path, head, "--partial")
    assert code == 0
    assert load("booking_channels", M, data)["bookings"].sum() == 16669
    assert facts(M, data)["booking_channels.total"] == 16669
    assert "booking_channels" not in read_not_published(data / M)
    assert "未读到" in read_not_published(data / M)["kiosks"]


def test_partial_drops_a_last_line_without_its_line_break(tmp_path, capsys):
    text = raw_text()
    head = text[: text.index("\t9765\n") + len("\t97")]  # a cut in the middle of a line
    code, _, err, data = ingest(capsys, tmp_path, head)
    assert code == 2 and "line 21: the file ends in the middle of a line" in one_line(err)
    code, _, _, data = ingest(capsys, tmp_path, head, "--partial")
    assert code == 0 and not (data / M / "appointments.csv").exists()
    assert "第20行中断" in read_not_published(data / M)["appointments"]


@pytest.mark.parametrize(("titles", "absent"), [
    (("2020年2月分途径预约情况统计", "2020年2月南京市卫生信息平台数据采集情况（医院）"),
     {"booking_channels", "platform_hospitals"}),
    (("南京12320卫生热线2020年2月数据统计",), {"hotline_categories", "province_calls"}),
])
def test_sections_left_out_of_the_middle_stay_omissions(tmp_path, capsys, titles, absent):
    text = raw_text()
    for title in titles:
        text = replace_once(text, section_span(text, title), "")
    code, out, err, data = ingest(capsys, tmp_path, text)
    assert code == 0, err
    recorded = read_not_published(data / M)
    assert absent <= set(recorded)
    assert all(recorded[n].startswith("2020年2月简报未刊登「") for n in absent)
    assert "absent from this bulletin" in out and "--partial" not in out


def test_the_last_section_left_out_of_a_whole_bulletin_is_an_omission(tmp_path, capsys):
    # 简讯 after the statistics part shows where it ends: a missing kiosks section was not printed
    seed = seed_text()
    start = seed.index(KIOSKS_TITLE)
    end = seed.index("简  讯")
    code, _, err, data = ingest(capsys, tmp_path, seed[:start] + seed[end:])
    assert code == 0, err
    assert read_not_published(data / M)["kiosks"] == "2020年2月简报未刊登「自助智能医疗服务终端医院使用情况表」"
    for table in ("appointments.csv", "telemedicine.csv", "platform_hospitals.csv"):
        assert (data / M / table).read_bytes() == (SHIPPED / table).read_bytes()
    assert not (data / M / "kiosks.csv").exists() and "kiosks.total.kiosks" not in facts(M, data)


# --- 2. every character ingest accepts prints in every output ------------------------------------


@pytest.mark.parametrize(("old", "new", "line", "code_point"), [
    ("\t南京市第一医院\n\t3039\n", "\t南京市第𠀀医院\n\t3039\n", 26, "U+20000 CJK UNIFIED IDEOGRAPH-20000"),
    ("\t南京市胸科医院\n\t10\n", "\t南京市胸科医院😷\n\t10\n", 981, "U+1F637 FACE WITH MEDICAL MASK"),
    ("南京市第一医院63123份", "南京市第一医院🏥63123份", 418, "U+1F3E5 HOSPITAL"),
    ("\t微脉科技\n", "\t微脉科技\U000e0101\n", 406, "U+E0101 VARIATION SELECTOR-18"),
])
def test_a_name_the_font_cannot_print_is_refused_at_ingest(tmp_path, capsys, old, new, line, code_point):
    code, _, err, data = ingest(capsys, tmp_path, replace_once(raw_text(), old, new))
    assert code == 2
    assert f"file bulletin.txt, line {line}, " in one_line(err)
    assert f"holds {code_point}, which the documents' font (Noto Sans CJK SC) cannot print" in err
    assert not data.exists()


def test_the_ranges_taken_as_covered_are_in_the_font():
    cmap = glyphs.coverage()
    for lo, hi in glyphs.COVERED:
        assert all(c in cmap for c in range(lo, hi + 1)), hex(lo)


def test_documents_refuse_a_hand_edited_name_before_writing_anything(data_copy, tmp_path, capsys):
    edit_csv(data_copy / M / "kiosks.csv", "南京市胸科医院", "南京市胸科医院😷")
    out = tmp_path / "new" / "out"
    code, printed, err = run_cli(capsys, "documents", M, "--data-dir", str(data_copy), "--out", str(out))
    assert code == 2 and printed == ""
    line = one_line(err)
    assert re.search(r"kiosks\.csv, row 24, column unit: a character the documents' font \(Noto Sans CJK SC\) "
                     r"cannot print, U\+1F637 FACE WITH MEDICAL MASK \(found '南京市胸科医院😷'\)", line), line
    assert not (tmp_path / "new").exists()  # no empty output folder


# --- 3. 万 and 亿 in the prose --------------------------------------------------------------------


def test_figures_in_wan_are_read_exactly(tmp_path, capsys):
    text = raw_text()
    for old, new in (
        ("共受理咨询电话59507个", "共受理咨询电话5.9507万个"),
        ("电话预约26097个", "电话预约2.6097万个"),
        ("全省12320共接听电话69660人次", "全省12320共接听电话6.966万人次"),
        ("南京30317人次", "南京3.0317万人次"),
        ("采集检验报告287930份", "采集检验报告28.793万份"),
        ("南京市第一医院63123份", "南京市第一医院6.3123万份"),
    ):
        text = replace_once(text, old, new)
    code, _, err, data = ingest(capsys, tmp_path, text)
    assert code == 0, err
    assert facts(M, data)["hotline.total_calls"] == 59507
    assert facts(M, data)["hotline.province_total_calls"] == 69660
    assert_same_as_shipped(data / M)


HOTLINE = "line 4, 南京12320卫生热线数据统计: "


@pytest.mark.parametrize(("new", "expected"), [
    ("共受理咨询电话5.95071万个", HOTLINE + "共受理咨询电话: 5.95071万 is 59507.1, not a whole number; "
                          "expected a whole count"),
    ("共受理咨询电话约5.95万个", HOTLINE + "expected a figure in 个 after 共受理咨询电话, such as "
                         "59507个, 59,507个 or 5.9507万个, found '约5.95万个，其中咨询'"),
])
def test_a_figure_in_wan_that_cannot_be_read_is_named_with_why(tmp_path, capsys, new, expected):
    code, _, err, data = ingest(capsys, tmp_path, replace_once(raw_text(), "共受理咨询电话59507个", new))
    assert code == 2 and expected in one_line(err)
    assert not data.exists()


def test_a_category_in_wan_that_is_not_whole_names_the_category(tmp_path, capsys):
    text = replace_once(raw_text(), "医疗服务投诉1710个", "医疗服务投诉0.17105万个")
    code, _, err, _ = ingest(capsys, tmp_path, text)
    assert code == 2 and HOTLINE + "医疗服务投诉: 0.17105万 is 1710.5, not a whole number" in one_line(err)


# --- 4. month words that disagree with the month -----------------------------------------------


WRONG_NOTE = ("（截止2月底，总预约挂号量为18722617次）", "（截止3月底，总预约挂号量为18722617次）")


def test_a_note_naming_another_month_is_a_warning_naming_its_line(tmp_path, capsys):
    code, _, err, data = ingest(capsys, tmp_path, replace_once(raw_text(), *WRONG_NOTE), name="2020年2月简报.txt")
    assert code == 0, err
    assert (data / M / other_months.FILE).read_text(encoding="utf-8") == (
        "line,table,words,month,source\n369,appointments,截止3月底,--03,2020年2月简报.txt\n")
    code, out, _ = run_cli(capsys, "check", M, "--data-dir", str(data))
    assert code == 0
    assert ("[月份与本月不符] 简报文本（2020年2月简报.txt）第 369 行「截止3月底」说的是3月，本月为2020年2月" in out)
    code, out, _ = run_cli(capsys, "check", M, "--data-dir", str(data), "--json")
    found = [f for f in json.loads(out)["findings"] if f["rule"] == "month_word_mismatch"]
    assert [(f["severity"], f["table"], f["value"]) for f in found] == [("warning", "appointments", "截止3月底")]


def test_february_as_printed_names_no_other_month(tmp_path, capsys):
    code, _, _, data = ingest(capsys, tmp_path, raw_text())
    assert code == 0 and not (data / M / other_months.FILE).exists()
    code, out, _ = run_cli(capsys, "check", M, "--data-dir", str(data), "--json")
    assert not [f for f in json.loads(out)["findings"] if f["rule"] == "month_word_mismatch"]


@pytest.mark.parametrize(("old", "new", "line", "named"), [
    ("2月份采集心电病例33472份", "1月份采集心电病例33472份", 416, "1月"),
    ("2月，全省12320共接听电话", "2019年2月，全省12320共接听电话", 6, "2019年2月"),
    ("（截止2月底，区及医院累计校验入库数据49.3亿条）", "（截止12月底，区及医院累计校验入库数据49.3亿条）",
     788, "12月"),
])
def test_month_words_in_prose_and_notes_that_disagree(tmp_path, capsys, old, new, line, named):
    code, _, _, data = ingest(capsys, tmp_path, replace_once(raw_text(), old, new))
    assert code == 0
    code, out, _ = run_cli(capsys, "check", M, "--data-dir", str(data))
    assert code == 0 and f"第 {line} 行「" in out and f"说的是{named}，本月为2020年2月" in out


def test_month_words_that_agree_are_not_recorded():
    assert other_months.in_line("（截止2月底，1-2月累计预约12320次）") == [("截止2月底", "--02"),
                                                                   ("1-2月累计预约12320次", "--02")]
    assert not other_months.MonthWord(1, "kiosks", "2020年2月", "2020-02").disagrees_with("2020-02")
    assert other_months.MonthWord(1, "kiosks", "2019年2月", "2019-02").disagrees_with("2020-02")
    assert other_months.in_line("南京12320卫生热线") == []  # no month in a number
    assert other_months.in_line("13月") == []


def test_a_damaged_record_of_month_words_is_one_line(data_copy, capsys):
    (data_copy / M / other_months.FILE).write_text("line,table,words,month,source\nx,appointments,a,--03,\n",
                                                  encoding="utf-8")
    code, _, err = run_cli(capsys, "check", M, "--data-dir", str(data_copy))
    assert code == 2 and "other_months.csv, row 2, column line: not a line number (found 'x')" in one_line(err)


def test_a_month_folder_renamed_to_the_month_its_words_name_is_no_warning(tmp_path, capsys):
    code, _, _, data = ingest(capsys, tmp_path, replace_once(raw_text(), *WRONG_NOTE))
    shutil.copytree(data / M, data / "2020-03")
    shutil.rmtree(data / M)
    code, out, _ = run_cli(capsys, "check", "2020-03", "--data-dir", str(data), "--json")
    assert not [f for f in json.loads(out)["findings"] if f["rule"] == "month_word_mismatch"]


def test_glyph_check_error_is_a_data_error(data_copy):
    edit_csv(data_copy / M / "province_calls.csv", "南京", "南京😷")
    with pytest.raises(BulletinDataError, match=r"province_calls\.csv, row 2, column city"):
        glyphs.check_month_folder(data_copy / M, ["province_calls.csv"])


def test_bulletin_check_refuses_a_hand_edited_name_the_font_cannot_print(data_copy, capsys):
    """A month folder edited by hand with a name the documents cannot print: ``bulletin check``
    says so in one line (file, row, column, value, code point) and exits 2, before a run whose
    documents would fail on it."""
    kiosks = data_copy / M / "kiosks.csv"
    lines = kiosks.read_text(encoding="utf-8").splitlines()
    row = next(n for n, text in enumerate(lines, start=1) if "南京市儿童医院" in text)
    edit_csv(kiosks, "南京市儿童医院", "南京市儿童医院𠀀")
    code, _, err = run_cli(capsys, "check", M, "--data-dir", str(data_copy))
    line = one_line(err)
    assert code == 2, err
    assert f"kiosks.csv, row {row}, column unit:" in line and "U+20000 CJK UNIFIED IDEOGRAPH-20000" in line
    assert "(found '南京市儿童医院𠀀')" in line


# --- hostile round 4 (issue 27): other digits, formula-shaped names, other_months.csv ---------------


@pytest.mark.parametrize("digits", ["٣٠٣١٧", "３０３１７"], ids=["arabic-indic", "full-width"])
def test_a_figure_in_other_digits_than_0_to_9_is_refused_by_the_ingest(tmp_path, capsys, digits):
    code, _, err, data = ingest(capsys, tmp_path, replace_once(raw_text(), "南京30317人次", f"南京{digits}人次"))
    line = one_line(err)
    assert code == 2 and "line 6" in line and f"U+{ord(digits[0]):04X}" in line and "the digits 0-9" in line
    assert not data.exists()


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://evil.example\")", "+cmd|' /C calc'!A0", "@SUM(A1)", "-1+2"])
def test_a_name_shaped_like_a_formula_is_refused_by_the_ingest(tmp_path, capsys, name):
    text = replace_once(raw_text(), "\t南京鼓楼医院\n\t1719\n", f"\t{name}\n\t1719\n")
    code, _, err, data = ingest(capsys, tmp_path, text)
    line = one_line(err)
    assert code == 2 and "spreadsheet formula" in line and repr(name) in line
    assert not data.exists()


def _month_words(data_copy: Path, body: str) -> None:
    (data_copy / M / other_months.FILE).write_text("line,table,words,month,source\n" + body, encoding="utf-8")


@pytest.mark.parametrize("line", ["²", "3²", "١٢", "１２", "0", str(10**29), "-3"])
def test_a_line_number_of_other_digits_or_out_of_range_is_one_line(data_copy, capsys, line):
    _month_words(data_copy, f"{line},appointments,截止3月底,--03,\n")
    code, _, err = run_cli(capsys, "check", M, "--data-dir", str(data_copy))
    assert code == 2 and f"other_months.csv, row 2, column line: not a line number (found {line!r})" in one_line(err)
    assert "from 1 to 1,000,000" in err


def test_a_month_word_recorded_twice_is_refused(data_copy, capsys):
    _month_words(data_copy, "369,appointments,截止3月底,--03,\n369,appointments,截止3月底,--03,\n")
    code, _, err = run_cli(capsys, "check", M, "--data-dir", str(data_copy))
    assert code == 2 and "other_months.csv, row 3, column line: the same row twice (first on row 2)" in one_line(err)


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="FIFOs are POSIX")
def test_month_words_in_a_named_pipe_are_refused_without_waiting(data_copy):
    import os
    import sys

    os.mkfifo(data_copy / M / other_months.FILE)
    proc = subprocess.run([sys.executable, "-m", "bulletin.cli", "check", M, "--data-dir", str(data_copy)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "other_months.csv" in proc.stderr and "not a regular file" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_a_month_word_naming_the_folders_own_month_is_one_note(data_copy, capsys):
    _month_words(data_copy, "369,appointments,截止2月底,--02,\n370,appointments,2020年2月,2020-02,\n"
                            "416,telemedicine,1月份,--01,\n")
    code, out, _ = run_cli(capsys, "check", M, "--data-dir", str(data_copy), "--json")
    findings = json.loads(out)["findings"]
    (note,) = [f for f in findings if f["rule"] == "month_word_own_month"]
    assert note["severity"] == "note" and "2 处月份词（简报文本第 369、370 行）说的就是本月2020年2月" in note["message"]
    assert [f["value"] for f in findings if f["rule"] == "month_word_mismatch"] == ["1月份"]
    assert code == 0
