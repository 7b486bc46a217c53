"""Tests of ``bulletin.checks.month``: ``bulletin check`` of one month: read it (:mod:`.reading`), tie
out its stated totals (:mod:`.totals`), apply the declared rules (:mod:`.rules`) and compare it with
the months before it (:mod:`.across`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import (
    CUMULATIVE_FEB,
    EXPECTED_WARNINGS,
    IDLE_KIOSKS,
    MONTHLY_FEB,
    NOT_REPORTING,
    edit,
    edit_csv,
    folder,
    hospital_added_and_dropped,
    ingest,
    ingest_march,
    keys,
    make_month,
    march,
    new_platform_and_channel,
    not_reported_in_a_new_column,
    odd_number_of_channels,
    one_line,
    raw_text,
    renamed_unit,
    replace_once,
    row_block,
    rows_reordered,
    run_cli,
    telemedicine_not_printed,
    with_cumulative,
)
from helpers import REFERENCE_MONTH as M

import bulletin
from bulletin import BulletinDataError, cli
from bulletin.checks import CheckReport, Finding, average_outliers, check_month
from bulletin.cli import main
from bulletin.core import paths
from bulletin.data import other_months, units
from bulletin.data.loaders import facts, load
from bulletin.data.store import read_not_published


def rules(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings}


@pytest.fixture(scope="module")
def february() -> CheckReport:
    return check_month(M)


def test_february_has_no_errors_and_exactly_the_expected_warnings(february):
    assert february.errors == []
    assert february.exit_code == 0
    assert keys(february.warnings) == EXPECTED_WARNINGS
    assert len(february.warnings) == len(EXPECTED_WARNINGS)  # no finding twice
    assert february.summary() == f"2020年2月：0 个错误，{len(EXPECTED_WARNINGS)} 个警告"


def test_february_hotline_remainder_is_information_not_a_finding(february):
    (rest,) = february.remainders
    assert (rest.table, rest.fact, rest.stated, rest.listed, rest.remainder) == (
        "hotline_categories", "hotline.total_calls", 59507, 31969, 27538,
    )
    assert "27,538" in february.to_text()


def test_idle_kiosks_fire_on_real_data(february):
    idle = {f.unit: f for f in february.warnings if f.rule == "kiosks_idle"}
    assert set(idle) == IDLE_KIOSKS
    assert idle["东部战区总医院"].value == 82
    assert "82" in idle["东部战区总医院"].message
    # no kiosks installed is not idle: 南京市中心医院, 鼓楼区 and 秦淮区 have 0 kiosks
    assert not {"南京市中心医院", "鼓楼区", "秦淮区"} & set(idle)


def test_average_outlier_says_why(february):
    (tcm,) = [f for f in february.warnings if f.rule == "average_outlier" and f.column == "registration_yuan"]
    assert tcm.unit == "江苏省中医院"
    assert tcm.value == Decimal("199.89")  # 4705865.42 / 23542
    assert Decimal(10) < tcm.expected < Decimal(20)  # the peers' median
    for part in ("199.89", "4,705,865.42", "23,542", "中位数", str(tcm.expected), "倍"):
        assert part in tcm.message


def test_average_outlier_needs_a_large_ratio_not_only_a_tiny_mad(february):
    # the districts' registration fees are all near 10 yuan: a tiny MAD puts 浦口区 (8.57) and
    # 高淳区 (12.31) many MADs away, but they are not 5 times off, so they are not flagged
    flagged = {f.unit for f in february.warnings if f.rule == "average_outlier"}
    assert not {"浦口区", "高淳区"} & flagged


def test_average_outlier_on_a_crafted_district(data_copy):
    edit(data_copy, "kiosks.csv", "district,高淳区,6,1220,15023.00", "district,高淳区,6,1220,150230.00")
    edit(data_copy, "facts.csv", "registration_yuan,6477159.42", "registration_yuan,6612366.42")
    report = check_month(M, data_copy)
    assert report.errors == []
    (f,) = [f for f in report.warnings if f.rule == "average_outlier" and f.unit == "高淳区"]
    assert f.value == Decimal("123.14")


def test_average_outliers_of_a_frame_are_the_checks_findings(february):
    df = bulletin.load("kiosks", M)
    checked = [f for f in february.warnings if f.rule == "average_outlier"]
    assert average_outliers(df) == checked
    # a part of the table (one group) is judged among its own rows, as the check does per group
    hospitals = average_outliers(df[df["group"] == "hospital"].reset_index(drop=True))
    assert hospitals == checked  # February's three outliers are all hospitals
    assert average_outliers(df[df["group"] == "district"]) == []
    with pytest.raises(BulletinDataError, match="unknown table"):
        average_outliers(df, table="kiosk")


def test_upload_days_zero_fires_on_real_data(february):
    (f,) = [f for f in february.warnings if f.rule == "upload_days_zero"]
    assert (f.unit, f.value) == ("南京市职业病防治院", 0)
    assert "6,253" in f.message
    # 中科院皮研所 also has 0 days, but no records: nothing contradicts
    assert all(f.unit != "中科院皮研所" for f in february.warnings if f.rule == "upload_days_zero")


def test_upload_days_zero_on_a_crafted_district(data_copy):
    edit(data_copy, "platform_districts.csv", "秦淮区,29,129,29,15524,6,", "秦淮区,29,129,29,15524,0,")
    report = check_month(M, data_copy)
    assert ("upload_days_zero", "platform_districts", "秦淮区", "upload_days") in keys(report.warnings)


def test_not_reported_fires_on_real_data(february):
    assert {f.unit for f in february.warnings if f.rule == "not_reported"} == NOT_REPORTING


def test_upload_days_beyond_the_month(data_copy):
    assert "upload_days_beyond_month" not in rules(check_month(M).findings)
    edit(data_copy, "platform_districts.csv", "江宁区,52,129,52,6188332,29,", "江宁区,52,129,52,6188332,30,")
    (f,) = [f for f in check_month(M, data_copy).warnings if f.rule == "upload_days_beyond_month"]
    assert (f.table, f.unit, f.value, f.expected) == ("platform_districts", "江宁区", 30, 29)
    # the same 30 days fit a 31-day month
    make_month(data_copy, "2020-03", source=M)
    edit_csv(data_copy / "2020-03" / "platform_districts.csv", "6188332,29,", "6188332,30,")
    assert "upload_days_beyond_month" not in rules(check_month("2020-03", data_copy).findings)


def test_more_tables_uploaded_than_required(data_copy):
    assert "uploaded_exceeds_required" not in rules(check_month(M).findings)
    edit(data_copy, "platform_hospitals.csv", "南京鼓楼医院,58,83,58,", "南京鼓楼医院,58,83,90,")
    report = check_month(M, data_copy)
    (f,) = [f for f in report.warnings if f.rule == "uploaded_exceeds_required"]
    assert (f.table, f.unit, f.value, f.expected) == ("platform_hospitals", "南京鼓楼医院", 90, 83)
    assert report.exit_code == 0


def test_idle_kiosks_on_a_crafted_district(data_copy):
    edit(data_copy, "kiosks.csv", "district,雨花台区,12,2,20.00,0,0.00", "district,雨花台区,12,0,0.00,0,0.00")
    edit(data_copy, "facts.csv", "kiosks.total.registrations,131430", "kiosks.total.registrations,131428")
    edit(data_copy, "facts.csv", "registration_yuan,6477159.42", "registration_yuan,6477139.42")
    report = check_month(M, data_copy)
    assert report.errors == []
    assert ("kiosks_idle", "kiosks", "雨花台区", "kiosks") in keys(report.warnings)


def test_a_stated_total_off_by_one_fen(data_copy):
    edit(data_copy, "facts.csv", "kiosks.total.payment_yuan,51460109.85", "kiosks.total.payment_yuan,51460109.86")
    report = check_month(M, data_copy)
    (f,) = report.errors
    assert (f.rule, f.table, f.column) == ("total_mismatch", "kiosks", "payment_yuan")
    assert (f.value, f.expected) == (Decimal("51460109.85"), Decimal("51460109.86"))
    assert report.exit_code == 1


def test_a_changed_subtotal(data_copy):
    edit(data_copy, "appointments.csv", "1067,18417", "1067,18418")
    report = check_month(M, data_copy)
    assert keys(report.errors) == {
        ("row_sum_mismatch", "appointments", "南京市儿童医院", "total"),
        ("total_mismatch", "appointments", "合计", "total"),
    }


def test_a_changed_total_row_subtotal(data_copy):
    # the 合计 row's 小计 and its column agree with each other but not with the 合计 row's parts
    edit(data_copy, "facts.csv", "appointments.total.in_clinic,15627", "appointments.total.in_clinic,15628")
    report = check_month(M, data_copy)
    assert keys(report.errors) == {
        ("total_mismatch", "appointments", "合计", "in_clinic"),
        ("row_sum_mismatch", "appointments", "合计", "total"),
    }


def test_a_changed_phone_figure_breaks_the_cross_table_check(data_copy):
    # the row still adds up, but the phone column no longer matches its 合计 nor the hotline
    edit(data_copy, "appointments.csv", "南京市第一医院,3039,8125,0,358,11522", "南京市第一医院,3039,8126,0,358,11523")
    report = check_month(M, data_copy)
    assert rules(report.errors) == {"total_mismatch", "cross_table_mismatch"}
    (cross,) = [f for f in report.errors if f.rule == "cross_table_mismatch"]
    assert (cross.table, cross.unit, cross.value, cross.expected) == ("hotline_categories", "电话预约", 26097, 26098)


def test_the_hotline_phone_category_must_match_the_appointments(data_copy):
    edit(data_copy, "hotline_categories.csv", "电话预约,26097", "电话预约,26079")
    report = check_month(M, data_copy)
    assert [f.rule for f in report.errors] == ["cross_table_mismatch", "cross_table_mismatch"]
    assert {f.expected for f in report.errors} == {26097}


def test_a_cross_checked_row_that_is_absent_is_said_not_skipped(data_copy):
    edit(data_copy, "hotline_categories.csv", "电话预约,26097\n", "")
    report = check_month(M, data_copy)
    assert report.errors == []
    missing = [f for f in report.warnings if f.rule == "cross_figure_missing"]
    assert {(f.table, f.unit) for f in missing} == {("hotline_categories", "电话预约")}
    assert len(missing) == 2  # one per comparison it takes part in


def test_listed_categories_exceeding_the_stated_total(data_copy):
    edit(data_copy, "facts.csv", "hotline.total_calls,59507", "hotline.total_calls,30000")
    report = check_month(M, data_copy)
    assert keys(report.errors) == {("total_exceeded", "hotline_categories", "合计", "count")}
    assert report.remainders == []


def test_a_deleted_table(data_copy):
    (folder(data_copy) / "province_calls.csv").unlink()
    report = check_month(M, data_copy)
    assert keys(report.errors) == {("table_missing", "province_calls", None, None)}
    assert report.exit_code == 1


def test_a_table_recorded_as_not_published_is_a_note_not_an_error(data_copy, capsys):
    (folder(data_copy) / "telemedicine_top_uploaders.csv").unlink()
    (folder(data_copy) / "not_published.csv").write_text(
        "item,note\ntelemedicine_top_uploaders,本月未刊登上传量排名\n", encoding="utf-8"
    )
    report = check_month(M, data_copy)
    assert report.errors == [] and report.exit_code == 0
    assert keys(report.notes) == {("not_published", "telemedicine_top_uploaders", None, None)}
    assert keys(report.warnings) == EXPECTED_WARNINGS
    assert report.summary() == f"2020年2月：0 个错误，{len(EXPECTED_WARNINGS)} 个警告，1 条提示"
    assert main(["check", M, "--data-dir", str(data_copy), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["counts"]["notes"] == 1
    (note,) = [f for f in doc["findings"] if f["severity"] == "note"]
    assert "远程医疗平台本月数据上传量前三名" in note["message"] and "本月未刊登上传量排名" in note["message"]
    assert main(["check", M, "--data-dir", str(data_copy)]) == 0
    text = capsys.readouterr().out
    assert "提示（1）" in text and "[本月未刊登]" in text


def test_a_fact_recorded_as_not_published_is_not_required(data_copy):
    # the 合计：N line not printed: its fact is left out and recorded, so nothing is tied out
    edit(data_copy, "facts.csv", "booking_channels.total,16669,次,分途径预约合计\n", "")
    (folder(data_copy) / "not_published.csv").write_text("item,note\nbooking_channels.total,\n", encoding="utf-8")
    report = check_month(M, data_copy)
    assert report.errors == []
    assert keys(report.notes) == {("not_published", "facts", None, None)}
    assert "分途径预约合计" in report.notes[0].message


def test_a_table_missing_without_the_record_stays_an_error(data_copy):
    (folder(data_copy) / "telemedicine_top_uploaders.csv").unlink()
    (folder(data_copy) / "province_calls.csv").unlink()  # recorded as not printed (a present table cannot be)
    (folder(data_copy) / "not_published.csv").write_text("item,note\nprovince_calls,\n", encoding="utf-8")
    report = check_month(M, data_copy)
    assert keys(report.errors) == {("table_missing", "telemedicine_top_uploaders", None, None)}
    assert report.exit_code == 1


@pytest.mark.parametrize("item, problem", [
    ("kiosks", "listed as not printed but kiosks.csv is present"),
    ("booking_channels.total", "listed as not printed but facts.csv states it"),
])
def test_a_table_or_fact_listed_as_not_printed_but_present_is_refused(data_copy, capsys, item, problem):
    """Listed as not printed, the kiosks table went unchecked with only a note (issue 27)."""
    (folder(data_copy) / "not_published.csv").write_text(f"item,note\nhotline.total_calls,\n{item},\n",
                                                         encoding="utf-8")
    edit(data_copy, "facts.csv", "hotline.total_calls,59507,个,12320卫生热线共受理咨询电话\n", "")
    with pytest.raises(BulletinDataError, match=problem) as err:
        check_month(M, data_copy)
    assert (err.value.row, err.value.column, err.value.value) == (3, "item", item)
    assert main(["check", M, "--data-dir", str(data_copy)]) == 2
    out = capsys.readouterr()
    assert "not_published.csv, row 3, column item: " + problem in out.err and len(out.err.strip().splitlines()) == 1


def test_a_deleted_facts_file(data_copy):
    (folder(data_copy) / "facts.csv").unlink()
    report = check_month(M, data_copy)
    assert keys(report.errors) == {("facts_missing", "facts", None, None)}
    (f,) = report.errors
    assert "缺少 facts.csv（数据项）" in f.message
    assert "数据项（facts）" in report.to_text() and "（facts.csv）（" not in report.to_text()


def test_a_stated_total_missing(data_copy):
    edit(data_copy, "facts.csv", "booking_channels.total,16669,次,分途径预约合计\n", "")
    report = check_month(M, data_copy)
    assert keys(report.errors) == {("total_missing", "booking_channels", None, "bookings")}


def test_a_duplicate_key_is_reported_as_an_error(data_copy):
    edit(data_copy, "province_calls.csv", "镇江,1703\n", "镇江,1703\n南京,1\n")
    report = check_month(M, data_copy)
    (f,) = report.errors
    assert (f.rule, f.table, f.unit) == ("duplicate_key", "province_calls", "南京")
    assert "10" in f.message  # the row of the repeat


def test_a_breakdown_above_its_whole(data_copy):
    old, new = "临检诊断平台,institutions_secondary_plus,17", "临检诊断平台,institutions_secondary_plus,119"
    edit(data_copy, "telemedicine.csv", old, new)
    (f,) = check_month(M, data_copy).errors
    assert (f.rule, f.unit, f.column, f.value, f.expected) == (
        "breakdown_exceeds", "南京市远程临检诊断平台", "institutions_secondary_plus", 119, 118,
    )


def test_top_uploaders_in_rank_order(data_copy):
    edit(data_copy, "telemedicine_top_uploaders.csv", "南京鼓楼医院,4857", "南京鼓楼医院,7000")
    (f,) = check_month(M, data_copy).errors
    assert (f.rule, f.unit, f.value, f.expected) == ("rank_order", "南京市远程心电监测诊断平台", 7000, 6477)


def test_top_uploaders_ranks_run_from_one(data_copy):
    edit(data_copy, "telemedicine_top_uploaders.csv", "南京市远程临检诊断平台,3,", "南京市远程临检诊断平台,4,")
    (f,) = check_month(M, data_copy).errors
    assert (f.rule, f.unit, f.column) == ("rank_order", "南京市远程临检诊断平台", "rank")


@pytest.mark.parametrize("month", ["2020-2", "../x", "2020-13"])
def test_a_bad_month_raises(month):
    with pytest.raises(BulletinDataError):
        check_month(month)


def test_an_absent_month_folder_raises(data_copy):
    with pytest.raises(BulletinDataError, match="数据中没有 2019-01 这个月份") as info:
        check_month("2019-01", data_copy)
    # the same message as bulletin.load's: which data directory, and the months it does hold
    assert str(data_copy) in str(info.value) and str(info.value).endswith("数据中有：2020-02")


def test_a_bad_cell_raises(data_copy):
    edit(data_copy, "kiosks.csv", "东部战区总医院,82,", "东部战区总医院,八十二,")
    with pytest.raises(BulletinDataError, match="kiosks.csv"):
        check_month(M, data_copy)


def test_report_forms(february):
    text = february.to_text()
    assert text.startswith(february.summary())
    assert "自助智能医疗服务终端医院使用情况表" in text and "东部战区总医院" in text
    frame = february.to_frame()
    assert list(frame.columns) == ["级别", "规则", "表", "单位", "说明"]
    assert len(frame) == len(february.findings)
    assert set(frame["级别"]) == {"警告"}


def test_a_range_with_no_month_in_the_data_exits_2_naming_the_months_present(data_copy, capsys):
    assert main(["check", "2019-01:2019-03", "--data-dir", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "2019-01:2019-03" in err and "2020-02" in err and "Traceback" not in err
    assert main(["check", "2020-03:2020-01", "--data-dir", str(data_copy)]) == 2
    assert "runs backwards" in capsys.readouterr().err


def test_a_range_reports_each_month_and_the_worst_exit_code(data_copy, capsys):
    make_month(data_copy, "2020-03")
    # March copies February: its cumulative appointments did not grow by March's 74,217
    assert main(["check", "2020-02:2020-03", "--data-dir", str(data_copy)]) == 0
    out = capsys.readouterr().out
    assert out.count("（bulletin check 2020-0") == 2
    assert "截止月底总预约挂号量」由2020年2月的 18,722,617 增至 18,722,617，增加 0次" in out
    assert "而本月「预约挂号服务统计表·合计·小计」为 74,217次，相差 -74,217" in out
    assert out.rstrip().endswith(f"2020-02:2020-03：2 个月，0 个错误，{2 * len(EXPECTED_WARNINGS)} 个警告，1 条提示")


def test_a_control_character_in_a_name_is_refused_with_file_row_and_column(data_copy, capsys):
    edit(data_copy, "province_calls.csv", "镇江,1703", "镇\x0b江,1703")
    assert main(["check", M, "--data-dir", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "province_calls.csv" in err and "row 9" in err and "column city" in err and "control character" in err


@pytest.mark.parametrize("name", list(bulletin.core.schema.TABLES))
def test_each_table_in_turn_not_published_is_one_note_and_exit_0(data_copy, name):
    (folder(data_copy) / f"{name}.csv").unlink()
    (folder(data_copy) / "not_published.csv").write_text(f"item,note\n{name},\n", encoding="utf-8")
    report = check_month(M, data_copy)
    assert report.errors == [] and report.exit_code == 0
    assert keys(report.notes) == {("not_published", name, None, None)}
    # the warnings of the other tables are all still there
    assert keys(report.warnings) == {w for w in EXPECTED_WARNINGS if w[1] != name}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_an_alias_table_that_is_a_named_pipe_is_refused_without_waiting(data_copy):
    os.mkfifo(data_copy / "units.csv")  # nobody writes into it: reading it would wait for ever
    proc = subprocess.run([sys.executable, "-m", "bulletin.cli", "check", "2020-02", "--data-dir", str(data_copy)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "units.csv" in proc.stderr and "not a regular file" in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_a_data_folder_without_alias_table_is_checked_with_a_note(data_copy, capsys):
    assert not (data_copy / "units.csv").exists()
    assert cli.main(["check", "2020-02", "--data-dir", str(data_copy)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == units.ABSENT_NOTE and "2020年2月：0 个错误" in out
    shutil.copy2(paths.DEFAULT_DATA_DIR / "units.csv", data_copy / "units.csv")
    assert cli.main(["check", "2020-02", "--data-dir", str(data_copy)]) == 0
    assert units.ABSENT_NOTE not in capsys.readouterr().out
    assert cli.main(["check", "2020-02", "--data-dir", str(data_copy), "--json"]) == 0
    json.loads(capsys.readouterr().out)  # the JSON stays JSON


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


def test_a_month_folder_renamed_to_the_month_its_words_name_is_no_warning(tmp_path, capsys):
    code, _, _, data = ingest(capsys, tmp_path, replace_once(raw_text(), *WRONG_NOTE))
    shutil.copytree(data / M, data / "2020-03")
    shutil.rmtree(data / M)
    code, out, _ = run_cli(capsys, "check", "2020-03", "--data-dir", str(data), "--json")
    assert not [f for f in json.loads(out)["findings"] if f["rule"] == "month_word_mismatch"]


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


def test_a_month_word_naming_the_folders_own_month_is_one_note(data_copy, capsys):
    _month_words(data_copy, "369,appointments,截止2月底,--02,\n370,appointments,2020年2月,2020-02,\n"
                            "416,telemedicine,1月份,--01,\n")
    code, out, _ = run_cli(capsys, "check", M, "--data-dir", str(data_copy), "--json")
    findings = json.loads(out)["findings"]
    (note,) = [f for f in findings if f["rule"] == "month_word_own_month"]
    assert note["severity"] == "note" and "2 处月份词（简报文本第 369、370 行）说的就是本月2020年2月" in note["message"]
    assert [f["value"] for f in findings if f["rule"] == "month_word_mismatch"] == ["1月份"]
    assert code == 0


CUMULATIVE_MARCH = CUMULATIVE_FEB + MONTHLY_FEB  # 18796834


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
