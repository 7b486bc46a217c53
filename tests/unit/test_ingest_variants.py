"""Bulletins that differ from February still ingest and check with the right findings and exit code.

Each variant is built here from the text of ``data/raw/2020-02.txt`` (never shipped in data/). Most
are ingested as March 2020 after February, so that the checks across months run too: the March
text is February's with the month in its titles and notes changed and the cumulative
appointments grown by exactly February's monthly total (18722617 + 74217 = 18796834), so that an
unchanged March has exactly February's warnings and nothing else.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import (
    CUMULATIVE_FEB,
    EXPECTED_WARNINGS,
    MONTHLY_FEB,
    NEW_PLATFORM,
    hospital_added_and_dropped,
    keys,
    march,
    new_platform_and_channel,
    not_reported_in_a_new_column,
    odd_number_of_channels,
    raw_text,
    renamed_unit,
    replace_once,
    row_block,
    rows_reordered,
    telemedicine_not_printed,
    with_cumulative,
    write,
)

from bulletin.checks import check_month
from bulletin.cli import main
from bulletin.core import paths
from bulletin.data.ingest import ingest_file
from bulletin.data.loaders import facts, load
from bulletin.data.store import read_not_published

CUMULATIVE_MARCH = CUMULATIVE_FEB + MONTHLY_FEB  # 18796834




@pytest.fixture
def data(tmp_path) -> Path:
    """A data directory (a Chinese name with a space) holding the alias table and February, ingested."""
    root = tmp_path / "数据 目录"
    root.mkdir()
    shutil.copy(paths.DEFAULT_DATA_DIR / "units.csv", root / "units.csv")
    ingest_file(paths.DEFAULT_DATA_DIR / "raw" / "2020-02.txt", data_dir=root)
    return root


def ingest_march(data: Path, text: str) -> Path:
    source = data.parent / "2020-03.txt"
    source.write_text(text, encoding="utf-8")
    return ingest_file(source, data_dir=data).folder




# The variants, each a function of February's text (tests/test_variants_run.py publishes them all).















def test_an_unchanged_march_has_februarys_findings_and_ties_out(data):
    ingest_march(data, march(raw_text()))
    report = check_month("2020-03", data)
    assert report.errors == [] and report.notes == []
    assert keys(report.warnings) == EXPECTED_WARNINGS
    assert report.exit_code == 0


def test_rows_reordered(data):
    ingest_march(data, march(rows_reordered(raw_text())))
    report = check_month("2020-03", data)
    assert report.errors == [] and report.notes == [] and keys(report.warnings) == EXPECTED_WARNINGS
    assert load("appointments", "2020-03", data)["hospital"].tolist()[:2] == ["南京市第一医院", "南京市儿童医院"]


def test_a_hospital_added_and_one_dropped(data):
    ingest_march(data, march(hospital_added_and_dropped(raw_text())))
    report = check_month("2020-03", data)
    assert report.exit_code == 0 and report.errors == []
    assert keys(report.warnings) == EXPECTED_WARNINGS  # a new name not like any known one: no warning
    hospitals = load("appointments", "2020-03", data).set_index("hospital")
    assert "南京玛丽妇产医院" not in hospitals.index and hospitals.loc["某新接入医院（分院）", "total"] == 1
    assert hospitals["total"].sum() == MONTHLY_FEB


def test_a_hospital_dropped_without_its_figures_leaves_the_total_row_off_by_them(data):
    text = raw_text()
    ingest_march(data, march(replace_once(text, row_block(text, "43", "南京玛丽妇产医院") + "\n", "")))
    report = check_month("2020-03", data)
    assert keys(report.errors) == {
        ("total_mismatch", "appointments", "合计", "online_12320"),
        ("total_mismatch", "appointments", "合计", "total"),
    }
    (online,) = [f for f in report.errors if f.column == "online_12320"]
    assert (online.value, online.expected) == (25207, 25208)
    assert report.exit_code == 1


def test_a_new_platform_and_a_new_channel_in_an_odd_row(data):
    ingest_march(data, march(new_platform_and_channel(raw_text())))
    report = check_month("2020-03", data)
    assert report.exit_code == 0 and report.errors == [] and report.notes == []
    assert keys(report.warnings) == EXPECTED_WARNINGS
    channels = load("booking_channels", "2020-03", data)
    assert channels["channel"].iloc[-1] == "掌上医院APP" and channels["bookings"].sum() == 16700
    tele = load("telemedicine", "2020-03", data)
    new = tele[tele["platform"] == "南京市远程病理诊断平台"].set_index("measure")["value"]
    assert new["institutions"] == 15 and new["monthly_volume"] == 1234


def test_an_odd_number_of_channels(data):
    ingest_march(data, march(odd_number_of_channels(raw_text())))
    report = check_month("2020-03", data)
    assert report.exit_code == 0 and keys(report.warnings) == EXPECTED_WARNINGS
    assert len(load("booking_channels", "2020-03", data)) == 7


def test_a_section_not_printed(data):
    folder = ingest_march(data, march(telemedicine_not_printed(raw_text())))
    assert list(read_not_published(folder)) == ["telemedicine", "telemedicine_top_uploaders"]
    report = check_month("2020-03", data)
    assert report.errors == [] and report.exit_code == 0
    assert keys(report.notes) == {
        ("not_published", "telemedicine", None, None),
        ("not_published", "telemedicine_top_uploaders", None, None),
    }
    assert keys(report.warnings) == EXPECTED_WARNINGS


def test_only_the_consultation_platform_printed(data):
    # the case of the issue: 远程医疗 prints one paragraph, the top uploaders are not published
    text = raw_text()
    for name in ("南京市远程心电监测诊断平台", "南京市远程临检诊断平台", "南京市远程影像诊断平台"):
        para = next(ln for ln in text.split("\n") if ln.startswith(name))
        text = replace_once(text, para + "\n", "")
    folder = ingest_march(data, march(text))
    assert read_not_published(folder) == {
        "telemedicine_top_uploaders": "2020年3月简报未刊登「远程医疗平台本月数据上传量前三名」"
    }
    report = check_month("2020-03", data)
    assert report.exit_code == 0
    assert keys(report.notes) == {("not_published", "telemedicine_top_uploaders", None, None)}
    assert load("telemedicine", "2020-03", data).query("measure == 'institutions'")["value"].tolist() == [47]


def test_not_reported_in_a_new_column(data):
    ingest_march(data, march(not_reported_in_a_new_column(raw_text())))
    report = check_month("2020-03", data)
    assert report.exit_code == 0 and report.errors == []
    assert keys(report.warnings) == EXPECTED_WARNINGS | {
        ("not_reported", "platform_hospitals", "江苏省中医院", "records")
    }


def test_a_renamed_unit_is_warned_about_naming_both(data):
    ingest_march(data, march(renamed_unit(raw_text())))
    report = check_month("2020-03", data)
    assert report.exit_code == 0
    new = keys(report.warnings) - EXPECTED_WARNINGS
    assert new == {("name_close_to_known", "appointments", "南京市鼓楼医院", "hospital")}
    (finding,) = [f for f in report.warnings if f.rule == "name_close_to_known"]
    assert "「南京市鼓楼医院」" in finding.message and "「南京鼓楼医院」" in finding.message
    assert "南京鼓楼医院,南京市鼓楼医院,hospital" in finding.message  # the row to add to units.csv


def test_a_unit_printed_under_an_alias_of_the_table_is_no_warning(data):
    # 南京同仁医院 in the appointments table printed as 同仁医院, its alias in units.csv
    text = replace_once(raw_text(), "\t南京同仁医院\n", "\t同仁医院\n")
    ingest_march(data, march(text))
    report = check_month("2020-03", data)
    assert keys(report.warnings) == EXPECTED_WARNINGS


def test_a_second_month_whose_cumulative_falls(data, capsys):
    ingest_march(data, with_cumulative(march(raw_text()), 18700000))
    report = check_month("2020-03", data)
    assert keys(report.errors) == {("cumulative_fell", "facts", None, "appointments.cumulative_total")}
    (fell,) = report.errors
    assert (fell.value, fell.expected) == (18700000, CUMULATIVE_FEB)
    assert "18,700,000" in fell.message and "18,722,617" in fell.message and "22,617" in fell.message
    assert report.exit_code == 1
    # the range: February alone is clean, March is not; the exit code is the worst
    assert main(["check", "2020-01:2020-03", "--data-dir", str(data), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [m["month"] for m in doc["months"]] == ["2020-02", "2020-03"]
    assert [m["exit_code"] for m in doc["months"]] == [0, 1]
    assert doc["absent"] == [{"from": "2020-01", "to": "2020-01", "months": 1}]
    assert main(["check", "2020-02:2020-02", "--data-dir", str(data)]) == 0
    assert "2020-02:2020-02：1 个月，0 个错误" in capsys.readouterr().out


def test_a_cumulative_that_grows_by_more_than_the_months_total_is_a_note(data):
    ingest_march(data, with_cumulative(march(raw_text()), 18800000))
    report = check_month("2020-03", data)
    assert report.errors == [] and report.exit_code == 0
    (gap,) = report.notes
    assert gap.rule == "cumulative_gap" and (gap.value, gap.expected) == (18800000 - CUMULATIVE_FEB, MONTHLY_FEB)
    assert "77,383" in gap.message and "74,217" in gap.message and "3,166" in gap.message


def test_a_platforms_cumulative_institutions_falling_is_an_error(data):
    lab = "南京市远程临检诊断平台累计接入"
    ingest_march(data, replace_once(march(raw_text()), lab + "118家", lab + "100家"))
    report = check_month("2020-03", data)
    assert keys(report.errors) == {("cumulative_fell", "telemedicine", "南京市远程临检诊断平台", "institutions")}
    assert facts("2020-03", data)["appointments.cumulative_total"] == CUMULATIVE_MARCH


def test_a_month_between_missing_compares_the_fall_but_not_the_gap(data):
    source = write(data.parent, march(raw_text()).replace("2020年3月", "2020年4月").replace("3月份", "4月份")
                   .replace("截止3月底", "截止4月底").replace("\n3月，全省", "\n4月，全省"), "2020-04.txt")
    ingest_file(source, data_dir=data)
    report = check_month("2020-04", data)
    # 18796834 − 18722617 = 74217 over two months: no gap note, since March is not in the data
    assert report.notes == [] and report.errors == []


def test_a_hospital_not_reporting_any_figure_is_checked_and_charted(data):
    row = "\t江苏省中医院\n\t26/83\n\t13\n\t4960336\n\t29\n\t109031\n\t1455\n"
    blank = "\t江苏省中医院\n\t未反馈/未反馈\n" + "\t未反馈\n" * 5
    ingest_march(data, march(replace_once(raw_text(), row, blank)))
    report = check_month("2020-03", data)
    assert report.exit_code == 0
    columns = ("declared_tables", "required_tables", "uploaded_tables", "records", "upload_days",
               "outpatient_visits", "discharges")
    found = {f.column for f in report.warnings if f.unit == "江苏省中医院" and f.rule == "not_reported"}
    assert found == set(columns)
    from bulletin import month
    from bulletin.sections import data_platform

    hospitals = load("platform_hospitals", "2020-03", data)
    fig = data_platform.records_chart(month("2020-03", data), "hospital")
    assert len(fig.axes[0].patches) == len(hospitals) - 1  # no bar for the hospital that did not report
    fig = data_platform.upload_days_chart(month("2020-03", data), "hospital")
    assert len(fig.axes[0].patches) == len(hospitals) - 1


def test_the_ingest_command_says_what_was_not_published_and_exits_0(data, capsys):
    source = write(data.parent, march(telemedicine_not_printed(raw_text())), "2020年3月 简报.txt")
    assert main(["ingest", str(source), "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    titles = "南京市远程医疗系统数据统计、远程医疗平台本月数据上传量前三名"
    assert f"absent from this bulletin (recorded in not_published.csv): {titles}" in out
    assert "2020年3月：0 个错误，25 个警告，2 条提示" in out
    assert main(["check", "2020-03", "--data-dir", str(data)]) == 0


def test_a_new_platform_is_shown_by_the_telemedicine_section(data):
    text = raw_text()
    image = next(ln for ln in text.split("\n") if ln.startswith("南京市远程影像诊断平台"))
    ingest_march(data, march(replace_once(text, image + "\n", image + "\n\n" + NEW_PLATFORM)))
    from bulletin import month
    from bulletin.sections import telemedicine

    wide = telemedicine.platforms(month("2020-03", data))
    assert wide.index.tolist()[-1] == "南京市远程病理诊断平台" and len(wide) == 5
    assert wide.loc["南京市远程病理诊断平台", "institutions"] == 15
    assert wide.loc["南京市远程病理诊断平台", "monthly_volume"] == 1234
    assert wide.loc["南京市远程心电监测诊断平台", "ecg_cases"] == 33472


def test_the_month_page_lists_the_notes_of_a_month_with_a_table_not_published(data):
    ingest_march(data, march(telemedicine_not_printed(raw_text())))
    from bulletin.batch.month_index import index_figures_json
    from bulletin.render.site.pages import month_page

    html = month_page("2020-03", [], index_figures_json("2020-03", data))
    assert "提示：2 项（本月未刊登 2 项）" in html
    assert "「远程医疗平台本月数据上传量前三名」" in html
