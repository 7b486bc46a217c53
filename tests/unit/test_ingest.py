"""Tests of ``bulletin.data.ingest``: ``bulletin ingest``: a published bulletin's text export, or a
filled-in month workbook (:mod:`.workbook`), → a month folder."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from helpers import (
    NEW_PLATFORM,
    RAW,
    SHIPPED,
    UNKNOWN_TABLE,
    UNKNOWN_TITLE,
    assert_same_as_shipped,
    ingest,
    ingest_text,
    march,
    one_line,
    raw_text,
    replace_once,
    row_block,
    run_cli,
    section_span,
    seed_path,
    seed_text,
    signed_text,
    telemedicine_not_printed,
    with_unknown_table,
    write,
)
from helpers import REFERENCE_MONTH as M
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulletin import cli
from bulletin.checks import check_month
from bulletin.cli import main
from bulletin.core.errors import BulletinDataError, IngestError
from bulletin.core.missing import NOT_REPORTED, is_missing
from bulletin.core.schema import TABLES
from bulletin.data import revisions
from bulletin.data.ingest import ingest_file, parse_text
from bulletin.data.ingest.layout import section_title
from bulletin.data.loaded_month import Month
from bulletin.data.loaders import facts, load, load_month
from bulletin.data.revisions import RevisionRefused
from bulletin.data.store import KEPT_ASIDE_FILE, month_files, read_kept_aside, read_not_published, write_month_files
from bulletin.ingest_command import ingest_command
from bulletin.render.documents import workbook

KIOSKS_TITLE = "2020年2月自助智能医疗服务终端医院使用情况表"


def last_line_before(text: str, marker: str) -> tuple[str, int]:
    """The text up to the line ``marker`` (not included) and the number of its last non-blank line."""
    head = text[: text.index(marker)]
    lines = head.split("\n")
    return head, max(i for i, ln in enumerate(lines, start=1) if ln.strip())


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


def test_raw_february_reproduces_the_shipped_month_byte_for_byte(tmp_path):
    result = ingest_file(RAW, data_dir=tmp_path)
    assert result.month == "2020-02"
    assert result.absent == ()
    assert len(result.tables) == 9
    assert_same_as_shipped(tmp_path / "2020-02")


def test_whole_published_bulletin_reproduces_the_shipped_month(tmp_path):
    seed_text()  # skipped (failed under CI=true) when the published bulletin is not here
    ingest_file(seed_path(), data_dir=tmp_path)
    assert_same_as_shipped(tmp_path / "2020-02")


def test_the_raw_file_is_the_statistics_part_of_the_published_bulletin():
    seed = seed_text()
    part = raw_text()
    assert part.startswith("统计数据\n")
    assert part in seed
    assert seed[seed.index(part) + len(part):].startswith("简  讯")


def test_a_channel_renamed(tmp_path):
    data = ingest_text(tmp_path, replace_once(raw_text(), "\t微脉科技\n", "\t微脉\n"))
    channels = load("booking_channels", "2020-02", data)
    assert channels["channel"].iloc[-1] == "微脉"
    assert channels["bookings"].iloc[-1] == 5


@pytest.mark.parametrize("right_half", ["\t\n\t\n\t\n", ""], ids=["empty-cells", "left-out"])
def test_an_odd_number_of_channels(tmp_path, right_half):
    text = raw_text()
    text = replace_once(text, row_block(text, "4", "江苏省预约挂号网"), "\t4\n\t江苏省预约挂号网\n\t957\n" + right_half)
    data = ingest_text(tmp_path, text)
    channels = load("booking_channels", "2020-02", data)
    assert channels["channel"].tolist() == [
        "健康南京客户端", "南京卫生12320微信平台", "12320快速预约", "江苏省预约挂号网",
        "南京卫生12320网", "我的南京客户端", "就医160",
    ]
    assert channels["bookings"].sum() == 16669 - 5


def test_a_district_that_did_not_report(tmp_path):
    text = raw_text()
    data = ingest_text(tmp_path, replace_once(text, "\t江宁区\n\t52/129\n", "\t江宁区\n\t未反馈/129\n"))
    dist = load("platform_districts", "2020-02", data).set_index("district")
    assert pd.isna(dist.loc["江宁区", "declared_tables"])
    assert dist.loc["江宁区", "required_tables"] == 129
    assert dist.loc["鼓楼区", "declared_tables"] == 74


def test_the_statistics_part_without_its_heading(tmp_path):
    data = ingest_text(tmp_path, raw_text().removeprefix("统计数据\n"))
    assert_same_as_shipped(data / "2020-02")


def test_a_merged_group_cell_printed_on_one_line(tmp_path):
    text = replace_once(raw_text(), "\t医\n\n疗\n\n单\n\n位\n", "\t医疗单位\n")
    data = ingest_text(tmp_path, text)
    assert_same_as_shipped(data / "2020-02")


@pytest.mark.parametrize(
    ("hospitals", "districts"),
    [
        ("\t医\n\t疗\n\t单\n\t位\n", "\t各\n\t区\n"),  # every character tab-led, in the row
        ("\t医\n\n\t疗\n\n\t单\n\n\t位\n", "\t各\n\n\t区\n"),  # each one a row of its own
        ("\t医疗\n\n单位\n", "\t各 区\n"),
    ],
    ids=["tab-led", "tab-led-blank-lines", "two-characters"],
)
def test_a_merged_group_cell_printed_piece_by_piece(tmp_path, hospitals, districts):
    text = replace_once(raw_text(), "\t医\n\n疗\n\n单\n\n位\n", hospitals)
    text = replace_once(text, "\t各\n\n区\n", districts)
    data = ingest_text(tmp_path, text)
    assert_same_as_shipped(data / "2020-02")


def test_a_section_missing_is_reported_absent_and_the_rest_ingested(tmp_path):
    text = raw_text()
    text = replace_once(text, section_span(text, "2020年2月南京市远程医疗系统数据统计"), "")
    data = tmp_path / "data"
    result = ingest_file(write(tmp_path, text), data_dir=data)
    assert result.absent == ("telemedicine", "telemedicine_top_uploaders")
    assert_same_as_shipped(data / "2020-02", skip=("telemedicine.csv", "telemedicine_top_uploaders.csv"))
    # the absence is recorded with the month, for the checks and the sections
    recorded = read_not_published(data / "2020-02")
    assert list(recorded) == ["telemedicine", "telemedicine_top_uploaders"]
    assert recorded["telemedicine"] == "2020年2月简报未刊登「南京市远程医疗系统数据统计」"


def test_the_february_bulletin_records_nothing_as_not_published(tmp_path):
    result = ingest_file(RAW, data_dir=tmp_path)
    assert result.not_published == {}
    assert not (tmp_path / "2020-02" / "not_published.csv").exists()


def test_a_paragraph_missing_leaves_out_its_table_and_facts(tmp_path):
    text = raw_text()
    para = next(ln for ln in text.split("\n") if ln.startswith("2月，全省12320"))
    data = tmp_path / "data"
    result = ingest_file(write(tmp_path, replace_once(text, para + "\n", "")), data_dir=data)
    assert result.absent == ("province_calls",)
    assert "hotline.province_total_calls" not in facts("2020-02", data)
    assert list(read_not_published(data / "2020-02")) == ["province_calls", "hotline.province_total_calls"]
    assert facts("2020-02", data)["hotline.total_calls"] == 59507


def test_figures_in_paragraphs_with_thousands_separators(tmp_path):
    # "1,710个" once read as a category named 医疗服务投诉1, with 710 calls, and the checks passed
    text = raw_text()
    for old, new in (
        ("共受理咨询电话59507个", "共受理咨询电话59,507个"),
        ("医疗服务投诉1710个", "医疗服务投诉1,710个"),
        ("全省12320共接听电话69660人次", "全省12320共接听电话69,660人次"),
        ("南京30317人次", "南京30,317人次"),
        ("采集检验报告287930份", "采集检验报告287,930份"),
        ("南京市第一医院63123份", "南京市第一医院63,123份"),
    ):
        text = replace_once(text, old, new)
    data = ingest_text(tmp_path, text)
    assert_same_as_shipped(data / "2020-02")


@pytest.mark.parametrize("figure", ["医疗服务投诉1,71个", "医疗服务投诉1710,个"])
def test_a_misplaced_separator_in_a_paragraph_is_refused(tmp_path, figure):
    data = tmp_path / "data"
    with pytest.raises(IngestError, match="expected a name and a figure such as 医疗服务投诉1710个"):
        ingest_file(write(tmp_path, replace_once(raw_text(), "医疗服务投诉1710个", figure)), data_dir=data)
    _assert_nothing_written(data)


@pytest.mark.parametrize(
    ("old", "new", "lost"),
    [
        ("医疗服务投诉1710个、", "医疗服务投诉1710个，", "电话预约26097个"),
        ("南通2025人次、", "南通2025人次；", "镇江1703人次"),
    ],
)
def test_listed_items_after_the_list_would_be_lost_and_are_refused(tmp_path, old, new, lost):
    data = tmp_path / "data"
    with pytest.raises(IngestError, match=f"joined by 、, found '{lost}' after them"):
        ingest_file(write(tmp_path, replace_once(raw_text(), old, new)), data_dir=data)
    _assert_nothing_written(data)


def test_a_total_that_does_not_tie_out_is_written_and_flagged(tmp_path, capsys):
    text = replace_once(raw_text(), "\t合计\n\t25208\n", "\t合计\n\t25209\n")
    data = tmp_path / "data"
    code = ingest_command(str(write(tmp_path, text)), month=None, data_dir=str(data), force=False)
    assert code == 1
    assert facts("2020-02", data)["appointments.total.online_12320"] == 25209
    assert load("appointments", "2020-02", data)["online_12320"].sum() == 25208
    assert "25209" in capsys.readouterr().out.replace(",", "")


def test_the_command_exits_0_on_the_february_bulletin(tmp_path, capsys):
    assert ingest_command(str(RAW), month="2020-02", data_dir=str(tmp_path), force=False) == 0
    out = capsys.readouterr().out
    assert "9 tables, 17 facts" in out
    assert "0 个错误" in out


def _assert_nothing_written(data: Path) -> None:
    assert not data.exists() or not any(data.iterdir())


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"\n \n\t\n", "empty"),
        (b"\x00\x01\x02PNG\x00" * 50, "binary"),
        ("统计数据\n".encode() + b"\x81\x20\xff\xfe", "not text"),
        (RAW.read_bytes()[:-1] + "统".encode()[:2], "truncated"),
        (RAW.read_bytes()[: RAW.read_bytes().index(b"\t6477159.42") + 5], "truncated"),
        ("一段与统计无关的文字\n".encode(), "no statistics section"),
    ],
    ids=["empty", "blank", "binary", "undecodable", "cut-in-a-character", "cut-in-a-line", "no-sections"],
)
def test_bad_files_are_refused_with_a_clear_error(tmp_path, content, expected):
    data = tmp_path / "data"
    with pytest.raises(IngestError, match=expected):
        ingest_file(write(tmp_path, content), data_dir=data)
    _assert_nothing_written(data)


def test_a_damaged_utf8_export_names_the_line_of_the_bad_byte(tmp_path):
    raw = RAW.read_bytes()
    at = raw.index("\t南京市第一医院".encode()) + 2  # inside 南
    data = tmp_path / "data"
    with pytest.raises(IngestError) as err:
        ingest_file(write(tmp_path, raw[:at] + b"\xff" + raw[at + 1 :]), data_dir=data)
    line = raw[:at].count(b"\n") + 1
    assert f"line {line}: the file is not text: UTF-8 with an invalid byte" in str(err.value)
    _assert_nothing_written(data)


def test_a_gb18030_export_is_read(tmp_path):
    data = tmp_path / "data"
    ingest_file(write(tmp_path, raw_text().encode("gb18030")), data_dir=data)
    assert_same_as_shipped(data / "2020-02")


def test_a_file_cut_between_cells_names_the_line_and_section(tmp_path):
    raw = raw_text()
    cut = raw[: raw.index("\t1481\n")]
    data = tmp_path / "data"
    with pytest.raises(IngestError) as err:
        ingest_file(write(tmp_path, cut), data_dir=data)
    assert cut.endswith("\t合计\n")
    assert f"line {cut.count(chr(10))}, 自助智能医疗服务终端医院使用情况表: expected a figure" in str(err.value)
    _assert_nothing_written(data)


def test_a_row_with_a_cell_missing_names_the_line_section_and_expectation(tmp_path):
    text = raw_text()
    block = row_block(text, "3", "南京鼓楼医院")
    text = replace_once(text, block, block.replace("\t2280\n", ""))
    line = text[: text.index(block.split("\n")[0] + "\n\t南京鼓楼医院")].count("\n") + 1
    data = tmp_path / "data"
    with pytest.raises(IngestError) as err:
        ingest_file(write(tmp_path, text), data_dir=data)
    assert str(err.value).endswith(f"line {line}, 预约挂号服务统计表: expected 7 cells in a row, found 6")
    _assert_nothing_written(data)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("\t6398\n", "\t63九8\n", "expected a count in column 12320在线预约"),
        ("\t1067\n\t18417\n", "\t1067\n\t1.84万\n",
         r"expected a count in column 小计 with every digit \(such as 18417\), found '1.84万': .*in full"),
        ("\t江宁区\n\t52/129\n", "\t江宁区\n\t52\n", "expected 申明/规定"),
        ("\t166469.00 \n", "\t166469.001\n", "expected an amount in yuan"),
        ("\t南京市第一医院\n\t3039\n", "\t南京市儿童医院\n\t3039\n", "南京市儿童医院 appears twice"),
        ("其中咨询类（不含专家咨询）2482个", "其中合计2482个", "found a totals row '合计'"),
        ("2020年2月分途径预约情况统计", "2020年3月分途径预约情况统计", "two months"),
        ("各市电话量统计为：南京30317人次", "各市电话量统计为：南京三万人次", "expected a name and a figure"),
    ],
    ids=["count", "count-in-wan", "fraction", "money", "duplicate", "totals-row-as-a-name", "two-months", "paragraph"],
)
def test_bad_cells_are_refused(tmp_path, old, new, expected):
    data = tmp_path / "data"
    with pytest.raises(IngestError, match=expected):
        ingest_file(write(tmp_path, replace_once(raw_text(), old, new)), data_dir=data)
    _assert_nothing_written(data)


def test_an_existing_month_is_never_replaced_without_force_and_kept_whole_with_it(tmp_path):
    ingest_file(RAW, data_dir=tmp_path)
    marker = tmp_path / "2020-02" / "appointments.csv"
    marker.write_text("kept\n", encoding="utf-8")  # a month in the data that cannot even be read
    with pytest.raises(RevisionRefused, match="2020-02 is already in the data") as refused:
        ingest_file(RAW, data_dir=tmp_path)
    assert [c.kind for c in refused.value.edits] == ["unreadable"]
    assert marker.read_text(encoding="utf-8") == "kept\n"
    assert not (tmp_path / "2020-02" / "revisions").exists()
    result = ingest_file(RAW, data_dir=tmp_path, force=True)
    assert result.revision is not None and result.revision.number == 1
    assert_same_as_shipped(tmp_path / "2020-02", extra=("revisions",))
    # the version it replaced is kept as it was, unreadable file and all
    assert (tmp_path / "2020-02" / "revisions" / "1" / "appointments.csv").read_text(encoding="utf-8") == "kept\n"
    assert [p.name for p in tmp_path.iterdir()] == ["2020-02"]


def test_month_must_agree_with_the_titles(tmp_path):
    ingest_file(RAW, month="2020-02", data_dir=tmp_path / "a")
    assert (tmp_path / "a" / "2020-02" / "facts.csv").exists()
    with pytest.raises(IngestError, match="--month 2020-03 does not agree"):
        ingest_file(RAW, month="2020-03", data_dir=tmp_path / "b")
    with pytest.raises(BulletinDataError, match="not a month"):
        ingest_file(RAW, month="2020-2", data_dir=tmp_path / "b")
    _assert_nothing_written(tmp_path / "b")


def test_never_writes_under_data_raw(tmp_path):
    with pytest.raises(IngestError, match="refusing to write") as err:
        ingest_file(RAW, data_dir=tmp_path / "data" / "raw")
    assert str(tmp_path / "data" / "raw") in str(err.value)  # the folder given, not the project's
    assert not (tmp_path / "data" / "raw").exists()


def test_parse_text_reports_the_tables_absent_from_a_partial_export():
    text = raw_text()
    part = section_span(text, "2020年2月预约挂号服务统计表")
    with pytest.raises(IngestError, match=r"^line 362, 预约挂号服务统计表: the text stops here"):
        parse_text(part)  # one section alone is a text cut short (see test_truncation.py)
    parsed = parse_text(part, partial=True)
    assert list(parsed.tables) == ["appointments"]
    assert parsed.cut.line == 362 and "kiosks" in parsed.cut.unread and "hotline_categories" not in parsed.cut.unread
    assert parsed.facts["appointments.cumulative_total"] == 18722617
    assert "kiosks" in parsed.absent and "hotline_categories" in parsed.absent


def test_a_platform_paragraph_missing_is_read_without_it(tmp_path):
    # the note naming it compares with an earlier month in the data (tests/test_layouts.py); with
    # none, there is nothing to compare with and nothing is noted
    text = raw_text()
    para = next(ln for ln in text.split("\n") if ln.startswith("南京市远程影像诊断平台"))
    data = tmp_path / "data"
    result = ingest_file(write(tmp_path, replace_once(text, para + "\n", "")), data_dir=data)
    assert result.notes == ()
    tele = load("telemedicine", "2020-02", data)
    assert "南京市远程影像诊断平台" not in set(tele["platform"])
    assert len(tele) == 19 and "paused" not in set(tele["measure"])


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("\t预约数量\n\n\t1\n", "\t预约数量\n\t1\n", "expected a header row of labels, found figures 1"),
        ("2020年2月南京市卫生信息平台数据采集情况（区）\n", "", "expected paragraphs, found a table row"),
        ("2020年2月南京市远程医疗系统数据统计\n", "", "found a paragraph"),
    ],
    ids=["header-run-into-first-row", "title-lost-before-a-table", "title-lost-before-paragraphs"],
)
def test_figures_that_would_be_lost_are_refused(tmp_path, old, new, expected):
    data = tmp_path / "data"
    with pytest.raises(IngestError, match=expected):
        ingest_file(write(tmp_path, replace_once(raw_text(), old, new)), data_dir=data)
    _assert_nothing_written(data)


def test_a_total_row_with_an_empty_name_cell(tmp_path):
    data = ingest_text(tmp_path, replace_once(raw_text(), "\t合计\n\t25208\n", "\t合计\n\t\n\t25208\n"))
    assert_same_as_shipped(data / "2020-02")


def test_a_new_platform_in_the_usual_pattern_yields_its_institutions_and_volume(tmp_path):
    text = raw_text()
    image = next(ln for ln in text.split("\n") if ln.startswith("南京市远程影像诊断平台"))
    data = ingest_text(tmp_path, replace_once(text, image + "\n", image + "\n\n" + NEW_PLATFORM))
    tele = load("telemedicine", "2020-02", data)
    new = tele[tele["platform"] == "南京市远程病理诊断平台"].set_index("measure")["value"]
    assert new.to_dict() == {"institutions": 15, "institutions_secondary_plus": 6, "monthly_volume": 1234}
    # the usual platforms keep their named volumes, not the general one
    ecg = tele[tele["platform"] == "南京市远程心电监测诊断平台"].set_index("measure")["value"]
    assert ecg["ecg_cases"] == 33472 and "monthly_volume" not in ecg.index
    assert len(tele) == 23 + 3


def test_names_with_full_width_parentheses_are_kept(tmp_path):
    text = replace_once(raw_text(), "\t南京鼓楼医院\n\t1719\n", "\t南京鼓楼医院（本部）\n\t1719\n")
    data = ingest_text(tmp_path, text)
    appts = load("appointments", "2020-02", data).set_index("hospital")
    assert appts.loc["南京鼓楼医院（本部）", "online_12320"] == 1719


def test_a_platform_whose_name_does_not_end_in_platform(tmp_path):
    text = raw_text()
    image = next(ln for ln in text.split("\n") if ln.startswith("南京市远程影像诊断平台"))
    para = "南京市远程病理会诊中心累计接入9家医疗机构。2月份共采集病理报告321份。\n\n"
    data = ingest_text(tmp_path, replace_once(text, image + "\n", image + "\n\n" + para))
    tele = load("telemedicine", "2020-02", data)
    new = tele[tele["platform"] == "南京市远程病理会诊中心"].set_index("measure")["value"]
    assert new.to_dict() == {"institutions": 9, "monthly_volume": 321}
    assert len(tele) == 23 + 2  # February's 23 rows kept


def test_top_uploaders_of_any_number(tmp_path):
    two = "的分别是南京市第一医院63123份，南京市妇幼保健院52817份"
    old, new = f"排名前三{two}，南京医科大学第二附属医院44593份。", f"排名前二{two}。"
    data = ingest_text(tmp_path, replace_once(raw_text(), old, new))
    top = load("telemedicine_top_uploaders", "2020-02", data)
    lab = top[top["platform"] == "南京市远程临检诊断平台"]
    assert lab["hospital"].tolist() == ["南京市第一医院", "南京市妇幼保健院"] and lab["rank"].tolist() == [1, 2]
    assert len(top) == 5


def test_the_hotline_total_alone_records_the_categories_as_not_published(tmp_path):
    text = raw_text()
    para = next(ln for ln in text.split("\n") if "共受理咨询电话59507个" in ln)
    short = "2020年2月，南京12320卫生热线共受理咨询电话59507个，受理市12345工单2595件，省12345工单425件。"
    data = tmp_path / "data"
    result = ingest_file(write(tmp_path, replace_once(text, para, short)), data_dir=data)
    assert result.absent == ("hotline_categories",)
    assert facts("2020-02", data)["hotline.total_calls"] == 59507
    assert list(read_not_published(data / "2020-02")) == ["hotline_categories"]
    # categories printed without 其中 would be lost: refused
    listed = short.replace("59507个，", "59507个，咨询类2482个、医疗服务投诉1710个，")
    with pytest.raises(IngestError, match="expected 其中 before the categories"):
        ingest_file(write(tmp_path, replace_once(text, para, listed)), data_dir=tmp_path / "other")


def test_the_province_total_alone_records_the_cities_as_not_published(tmp_path):
    text = raw_text()
    para = next(ln for ln in text.split("\n") if ln.startswith("2月，全省12320"))
    data = tmp_path / "data"
    short = "2月，全省12320共接听电话69660人次。"
    result = ingest_file(write(tmp_path, replace_once(text, para, short)), data_dir=data)
    assert result.absent == ("province_calls",)
    assert facts("2020-02", data)["hotline.province_total_calls"] == 69660


def test_a_title_without_a_table_under_it_is_not_published(tmp_path):
    text = raw_text()
    span = section_span(text, "2020年2月分途径预约情况统计")
    data = tmp_path / "data"
    result = ingest_file(write(tmp_path, replace_once(text, span, "2020年2月分途径预约情况统计\n\n本月暂无数据。\n\n")),
                         data_dir=data)
    assert result.absent == ("booking_channels",)
    assert list(read_not_published(data / "2020-02")) == ["booking_channels", "booking_channels.total"]
    assert any("printed without a table" in n for n in result.notes)


TEXT = RAW.read_text(encoding="utf-8")


LINES = TEXT.split("\n")[:-1]  # every line ends with a line break


REFERENCE = parse_text(TEXT)


REFERENCE_FILES = month_files(REFERENCE.tables, REFERENCE.facts)


#: line index → the section (by table name) it belongs to; None before the first title
SECTION_OF: list[str | None] = []


_current = None


for _line in LINES:
    _found = section_title(_line)
    _current = _found[0] if _found else _current
    SECTION_OF.append(_current)


ORDER = list(dict.fromkeys(s for s in SECTION_OF if s))


#: what each section yields: its tables and the prefixes of its facts
YIELDS = {
    "hotline_categories": (("hotline_categories", "province_calls"), ("hotline.",)),
    "appointments": (("appointments",), ("appointments.",)),
    "booking_channels": (("booking_channels",), ("booking_channels.",)),
    "telemedicine": (("telemedicine", "telemedicine_top_uploaders"), ()),
    "platform_districts": (("platform_districts",), ("platform.",)),
    "platform_hospitals": (("platform_hospitals",), ("platform.",)),
    "kiosks": (("kiosks",), ("kiosks.",)),
}


n = len(LINES)


index = st.integers(0, n - 1)


tab_lines = [i for i, ln in enumerate(LINES) if ln.startswith("\t") and len(ln) > 2]


damage = st.one_of(
    st.tuples(st.just("delete"), index),
    st.tuples(st.just("duplicate"), index),
    st.tuples(st.just("swap"), index, index),
    st.tuples(st.just("truncate"), st.sampled_from(tab_lines), st.integers(1, 12)),
)


def apply(lines: list[str], op: tuple) -> tuple[list[str], set[int]]:
    """The damaged lines and the original line indices the damage touched."""
    out = list(lines)
    kind, i = op[0], op[1]
    if kind == "delete":
        del out[i]
        return out, {i}
    if kind == "duplicate":
        out.insert(i, out[i])
        return out, {i}
    if kind == "swap":
        j = op[2]
        out[i], out[j] = out[j], out[i]
        return out, {i, j}
    out[i] = out[i][: max(1, len(out[i]) - op[2])]
    return out, {i}


def touched_sections(lines_touched: set[int]) -> set[str]:
    out: set[str] = set()
    for i in lines_touched:
        sec = SECTION_OF[i]
        if sec is None:
            continue
        out.add(sec)
        # a damaged title merges its section into the one before it
        pos = ORDER.index(sec)
        if pos:
            out.add(ORDER[pos - 1])
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(op=damage)
def test_damage_yields_correct_data_or_an_ingest_error(op):
    lines, touched = apply(LINES, op)
    text = "\n".join(lines) + "\n"
    try:
        parsed = parse_text(text)
    except IngestError:
        return
    files = month_files(parsed.tables, parsed.facts)
    with tempfile.TemporaryDirectory() as tmp:
        write_month_files(Path(tmp) / parsed.month, files)
        loaded = load_month(parsed.month, tmp)  # what is written always loads under the schema
        facts(parsed.month, tmp)
    assert set(loaded) == set(parsed.tables)
    assert parsed.month == "2020-02"
    hit = touched_sections(touched)
    for sec in set(ORDER) - hit:
        names, fact_prefixes = YIELDS[sec]
        for name in names:
            assert files.get(TABLES[name].file) == REFERENCE_FILES[TABLES[name].file], name
        for key, value in REFERENCE.facts.items():
            if key.startswith(fact_prefixes) and not any(
                key.startswith(p) for s in hit for p in YIELDS[s][1]
            ):
                assert parsed.facts.get(key) == value, key


@settings(max_examples=40, deadline=None)
@given(i=st.sampled_from([i for i, ln in enumerate(LINES) if ln == ""]))
def test_a_repeated_blank_line_changes_nothing(i):
    lines = list(LINES)
    lines.insert(i, "")
    parsed = parse_text("\n".join(lines) + "\n")
    assert month_files(parsed.tables, parsed.facts) == REFERENCE_FILES


CHANNELS_START = TEXT.index("\t序号\n\t名称\n\t预约数量\n\t序号")


CHANNELS_END = TEXT.index("\t合计：16669\n")


channel_names = st.lists(
    st.text(st.sampled_from("健康南京客户端微信平台预约网（）()APP"), min_size=1, max_size=10).filter(
        lambda s: s.strip() and not s.strip().isdigit() and s.strip() not in ("合计", "总计")
    ),
    min_size=1, max_size=13, unique_by=str.strip,
)


def channels_text(channels: list[tuple[str, int]], leave_out: bool) -> str:
    """The channel table printed as the bulletin does: two (序号, 名称, 预约数量) groups per row."""
    half = (len(channels) + 1) // 2
    rows = ["\t序号\n\t名称\n\t预约数量\n\t序号\n\t名称\n\t预约数量\n"]
    for r in range(half):
        left = channels[r]
        cells = f"\t{r + 1}\n\t{left[0]}\n\t{left[1]}\n"
        if r + half < len(channels):
            right = channels[r + half]
            cells += f"\t{r + half + 1}\n\t{right[0]}\n\t{right[1]}\n"
        elif not leave_out:
            cells += "\t\n\t\n\t\n"
        rows.append(cells)
    return "\n".join(rows) + "\n"


@settings(max_examples=60, deadline=None)
@given(names=channel_names, counts=st.lists(st.integers(0, 10**6), min_size=13, max_size=13), leave_out=st.booleans())
def test_any_number_of_channels_two_per_row(names, counts, leave_out):
    channels = [(n.strip(), c) for n, c in zip(names, counts, strict=False)]
    total = sum(c for _, c in channels)
    text = TEXT[:CHANNELS_START] + channels_text(channels, leave_out) + f"\t合计：{total}\n" + TEXT[
        CHANNELS_END + len("\t合计：16669\n"):]
    parsed = parse_text(text)
    frame = parsed.tables["booking_channels"]
    assert list(zip(frame["channel"], frame["bookings"], strict=True)) == channels
    assert parsed.facts["booking_channels.total"] == total


@settings(max_examples=40, deadline=None)
@given(order=st.permutations(range(43)), keep=st.integers(1, 43))
def test_any_subset_of_hospitals_in_any_order(order, keep):
    frame = REFERENCE.tables["appointments"]
    start = TEXT.index("\t1\n\t" + frame["hospital"].iloc[0] + "\n")
    end = TEXT.index("\t合计\n\t25208\n")
    blocks = TEXT[start:end].rstrip("\n").split("\n\n")
    assert len(blocks) == 43
    chosen = [order[k] for k in range(keep)]
    text = TEXT[:start] + "\n\n".join(blocks[k] for k in chosen) + "\n\n" + TEXT[end:]
    got = parse_text(text).tables["appointments"]
    assert got["hospital"].tolist() == [frame["hospital"].iloc[k] for k in chosen]
    assert got["total"].tolist() == [frame["total"].iloc[k] for k in chosen]


def test_a_month_between_missing_compares_the_fall_but_not_the_gap(data):
    source = write(data.parent, march(raw_text()).replace("2020年3月", "2020年4月").replace("3月份", "4月份")
                   .replace("截止3月底", "截止4月底").replace("\n3月，全省", "\n4月，全省"), "2020-04.txt")
    ingest_file(source, data_dir=data)
    report = check_month("2020-04", data)
    # 18796834 − 18722617 = 74217 over two months: no gap note, since March is not in the data
    assert report.notes == [] and report.errors == []


def test_the_ingest_command_says_what_was_not_published_and_exits_0(data, capsys):
    source = write(data.parent, march(telemedicine_not_printed(raw_text())), "2020年3月 简报.txt")
    assert main(["ingest", str(source), "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    titles = "南京市远程医疗系统数据统计、远程医疗平台本月数据上传量前三名"
    assert f"absent from this bulletin (recorded in not_published.csv): {titles}" in out
    assert "2020年3月：0 个错误，25 个警告，2 条提示" in out
    assert main(["check", "2020-03", "--data-dir", str(data)]) == 0


#: the places it is inserted: before each title the package knows, and before 简讯
BEFORE = (
    "南京12320卫生热线2020年2月数据统计",
    "2020年2月预约挂号服务统计表",
    "2020年2月分途径预约情况统计",
    "2020年2月南京市远程医疗系统数据统计",
    "2020年2月南京市卫生信息平台数据采集情况（区）",
    "2020年2月南京市卫生信息平台数据采集情况（医院）",
    "2020年2月自助智能医疗服务终端医院使用情况表",
    "简  讯",
)


def kept_rows(folder: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO((folder / KEPT_ASIDE_FILE).read_text(encoding="utf-8"), newline="")))


@pytest.mark.parametrize("before", BEFORE)
def test_an_unknown_table_in_each_position_is_kept_aside_and_the_month_ingested_exactly(tmp_path, capsys, before):
    text, line = with_unknown_table(before)
    source = write(tmp_path, text)
    code = cli.main(["ingest", str(source), "--data-dir", str(tmp_path / "data")])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    folder = tmp_path / "data" / "2020-02"
    assert_same_as_shipped(folder, extra=(KEPT_ASIDE_FILE,))
    # one line on stderr, a note naming the part and its line
    assert err.count("\n") == 1 and err.startswith("note: ") and f"line {line}: 「{UNKNOWN_TITLE}」" in err, err
    printed = UNKNOWN_TABLE.rstrip("\n").split("\n")
    assert kept_rows(folder) == [["part", "line", "text"],
                                 *([UNKNOWN_TITLE, str(line + i), t] for i, t in enumerate(printed))]
    assert read_kept_aside(folder) == [(UNKNOWN_TITLE, line, printed)]
    notes = [f for f in check_month("2020-02", tmp_path / "data").findings if f.rule == "kept_aside"]
    assert [(f.severity, f.value) for f in notes] == [("note", UNKNOWN_TITLE)]
    assert f"第 {line} 行" in notes[0].message and f"（{len(printed)} 行）" in notes[0].message


#: a paragraph with figures no reader of the section knows, and the line it is printed after
PARAGRAPHS = (
    ("2020年2月，南京12320卫生热线", "南京12320微信公众号本月推送健康提示36条，阅读量共计12345次。"),
    ("南京市远程影像诊断平台累计接入", "南京市互联网医院本月共开展在线问诊1801人次。"),
    ("（截止2月底，总预约挂号量为", "南京市分时段预约比例达到95%。"),
)


@pytest.mark.parametrize(("after", "paragraph"), PARAGRAPHS)
def test_an_unknown_paragraph_is_kept_aside_and_the_month_ingested_exactly(tmp_path, after, paragraph):
    text = seed_text()
    printed = next(ln for ln in text.split("\n") if ln.startswith(after))
    text = replace_once(text, printed + "\n", printed + "\n\n" + paragraph + "\n")
    line = text.split("\n").index(paragraph) + 1
    result = ingest_file(write(tmp_path, text), data_dir=tmp_path / "data")
    assert_same_as_shipped(result.folder, extra=(KEPT_ASIDE_FILE,))
    ((part, first, lines),) = read_kept_aside(result.folder)
    assert (first, lines) == (line, [paragraph]) and part.endswith("·段落")
    assert [f.value for f in check_month("2020-02", tmp_path / "data").findings if f.rule == "kept_aside"] == [part]


def test_a_known_paragraph_printed_wrongly_or_under_a_table_is_refused_not_kept_aside(tmp_path, capsys):
    """Known content printed wrongly is not unknown content: a hotline figure that cannot be read
    is refused as before, and so is a platform's paragraph found under a table's title."""
    text = replace_once(seed_text(), "共受理咨询电话59507个", "共受理咨询电话约六万个")
    code = cli.main(["ingest", str(write(tmp_path, text)), "--data-dir", str(tmp_path / "data")])
    assert code == 2 and "expected a figure in 个 after 共受理咨询电话" in capsys.readouterr().err
    lost = replace_once(seed_text(), "2020年2月南京市远程医疗系统数据统计\n", "")
    code = cli.main(["ingest", str(write(tmp_path, lost, "lost.txt")), "--data-dir", str(tmp_path / "data")])
    assert code == 2 and "of another section (its title lost?)" in capsys.readouterr().err
    # while the same text with an unknown paragraph under that table is ingested
    note = "（不包含12320电话预约"
    para = replace_once(seed_text(), note, "南京市互联网医院本月共开展在线问诊1801人次。\n\n" + note)
    assert ingest_file(write(tmp_path, para, "para.txt"), data_dir=tmp_path / "data").aside
    assert not (tmp_path / "data" / "2020-02" / "revisions").exists()


def test_a_table_kept_aside_is_part_of_the_months_version(tmp_path):
    """Ingesting the same text again changes nothing; the text without the table is a revision."""
    data = tmp_path / "data"
    text, _ = with_unknown_table("2020年2月分途径预约情况统计")
    ingest_file(write(tmp_path, text, "with.txt"), data_dir=data)
    assert ingest_file(write(tmp_path, text, "again.txt"), data_dir=data).unchanged
    plain = write(tmp_path, seed_text(), "plain.txt")
    with pytest.raises(revisions.RevisionRefused) as refused:
        ingest_file(plain, data_dir=data)
    (change,) = refused.value.edits
    assert change.kind == "aside" and change.new == "" and change.old.startswith(UNKNOWN_TITLE)
    result = ingest_file(plain, data_dir=data, force=True, reason="表外内容删去")
    assert not (result.folder / KEPT_ASIDE_FILE).exists()
    assert (result.folder / "revisions" / "1" / KEPT_ASIDE_FILE).is_file()
    assert not [f for f in check_month("2020-02", data).findings if f.rule == "kept_aside"]


def test_a_misprinted_title_is_kept_aside_and_warned_about_naming_the_table(tmp_path):
    """预约挂号服务统计 (表 left out) is no title the package knows: its table is kept aside, the
    month ingested; the check warns that it is close to the table this month does not print."""
    text = replace_once(seed_text(), "2020年2月预约挂号服务统计表\n", "2020年2月预约挂号服务统计\n")
    result = ingest_file(write(tmp_path, text), data_dir=tmp_path / "data")
    assert "appointments" in result.absent and result.aside[0].title == "2020年2月预约挂号服务统计"
    found = [f for f in check_month("2020-02", tmp_path / "data").findings if f.rule.startswith("kept_aside")]
    assert [(f.severity, f.rule, f.expected) for f in found] == [("warning", "kept_aside_close", "预约挂号服务统计表")]


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


def _row(frame: pd.DataFrame, table: str, key: tuple[str, ...]) -> pd.Series:
    cols = {"appointments": ["hospital"], "booking_channels": ["channel"], "kiosks": ["group", "unit"],
            "platform_districts": ["district"], "platform_hospitals": ["hospital"]}[table]
    hit = frame[(frame[cols].astype(str) == list(key)).all(axis=1)]
    assert len(hit) == 1
    return hit.iloc[0]


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


def test_plain_february_has_no_sign_anywhere(tmp_path):
    result = ingest_file(write(tmp_path, seed_text()), data_dir=tmp_path / "data")
    m = Month(M, result.folder.parent)
    assert all(m.signs(name) == {} for name in FILES)
    assert not Path(result.folder / "kept_aside.csv").exists()


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


def test_the_seed_tests_read_the_bulletin_that_BULLETIN_SEED_names(tmp_path, monkeypatch):
    """A checkout that is not beside ../shared names the published bulletin's file in BULLETIN_SEED:
    the seed tests read that file (here February's statistics part, put elsewhere) and ingest it to
    the shipped month; a name that is no file fails them, never skips them; without the variable and
    without the file beside the project, they skip saying what to set."""
    import helpers

    elsewhere = tmp_path / "elsewhere" / "bulletin.txt"
    elsewhere.parent.mkdir()
    elsewhere.write_text(raw_text(), encoding="utf-8")
    monkeypatch.setenv(helpers.SEED_ENV, str(elsewhere))
    assert seed_path() == elsewhere and seed_text() == raw_text()
    ingest_file(seed_path(), data_dir=tmp_path / "data")
    assert_same_as_shipped(tmp_path / "data" / "2020-02")
    monkeypatch.setenv(helpers.SEED_ENV, str(tmp_path / "gone.txt"))
    with pytest.raises(pytest.fail.Exception, match=f"BULLETIN_SEED names the published bulletin {tmp_path}"):
        seed_text()
    monkeypatch.delenv(helpers.SEED_ENV)
    monkeypatch.setattr(helpers, "SHARED_SEED", tmp_path / "shared" / "seeds" / "gone.txt")
    monkeypatch.setattr(helpers, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match="set BULLETIN_SEED to its file"):
        seed_text()
    monkeypatch.setattr(helpers, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="CI runs beside ../shared/seeds"):
        seed_text()
