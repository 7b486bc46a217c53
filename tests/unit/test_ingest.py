"""`bulletin ingest`: the February 2020 bulletin read back byte for byte, and perturbed layouts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from helpers import (
    NEW_PLATFORM,
    RAW,
    assert_same_as_shipped,
    raw_text,
    replace_once,
    row_block,
    section_span,
    seed_path,
    seed_text,
    write,
)

from bulletin import cli
from bulletin.core.errors import BulletinDataError, IngestError
from bulletin.data.ingest import ingest_file, parse_text
from bulletin.data.loaders import facts, load
from bulletin.data.revisions import RevisionRefused
from bulletin.data.store import read_not_published
from bulletin.ingest_command import ingest_command


def ingest_text(tmp_path: Path, text: str, **kw) -> Path:
    data = tmp_path / "data"
    ingest_file(write(tmp_path, text), data_dir=data, **kw)
    return data










# --- round trips --------------------------------------------------------------------------------


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


def test_the_raw_file_is_the_statistics_part_of_the_published_bulletin():
    seed = seed_text()
    part = raw_text()
    assert part.startswith("统计数据\n")
    assert part in seed
    assert seed[seed.index(part) + len(part):].startswith("简  讯")


def test_loaded_values_are_the_bulletins(tmp_path):
    ingest_file(RAW, data_dir=tmp_path)
    appts = load("appointments", "2020-02", tmp_path).set_index("hospital")
    assert len(appts) == 43
    assert appts.loc["南京市儿童医院"].tolist() == [6398, 1187, 9765, 1067, 18417]
    hosp = load("platform_hospitals", "2020-02", tmp_path).set_index("hospital")
    assert pd.isna(hosp.loc["江苏省人民医院", "declared_tables"])
    assert hosp.loc["江苏省人民医院", "required_tables"] == 83
    assert hosp["declared_tables"].isna().sum() == 8
    dist = load("platform_districts", "2020-02", tmp_path).set_index("district")
    assert dist.loc["江宁区"].tolist() == [52, 129, 52, 6188332, 29, 196723, 3051, 932154, 45349, 42918]
    kiosks = load("kiosks", "2020-02", tmp_path)
    assert kiosks.groupby("group").size().to_dict() == {"district": 12, "hospital": 37}
    assert kiosks.iloc[0]["registration_yuan"] == 166469.00
    assert round(kiosks["payment_yuan"].sum(), 2) == 51460109.85
    channels = load("booking_channels", "2020-02", tmp_path)
    assert channels["channel"].tolist()[:2] == ["健康南京客户端", "南京卫生12320微信平台"]
    assert channels["channel"].tolist()[4] == "南京卫生12320网"
    tele = load("telemedicine", "2020-02", tmp_path).set_index(["platform", "measure"])["value"]
    assert tele[("南京市远程影像诊断平台", "paused")] == 1
    assert tele[("南京市远程心电监测诊断平台", "ecg_cases")] == 33472
    assert ("南京市远程临检诊断平台", "paused") not in tele.index
    top = load("telemedicine_top_uploaders", "2020-02", tmp_path)
    assert top.iloc[3].tolist() == ["南京市远程临检诊断平台", 1, "南京市第一医院", 63123]
    hot = load("hotline_categories", "2020-02", tmp_path)
    assert hot["category"].iloc[0] == "咨询类（不含专家咨询）" and hot["count"].sum() == 31969
    assert load("province_calls", "2020-02", tmp_path)["calls"].sum() == 69660
    f = facts("2020-02", tmp_path)
    assert f["platform.cumulative_records"] == 4_930_000_000
    assert f["appointments.cumulative_total"] == 18722617
    assert f["booking_channels.total"] == 16669
    assert (f["hotline.city_12345_tickets"], f["hotline.province_12345_tickets"]) == (2595, 425)
    assert f["kiosks.total.payment_yuan"] == 51460109.85


# --- perturbed layouts --------------------------------------------------------------------------


def test_rows_in_another_order_keep_the_printed_order(tmp_path):
    text = raw_text()
    first, second = row_block(text, "1", "南京市儿童医院"), row_block(text, "2", "南京市第一医院")
    text = replace_once(text, first + "\n" + second, second + "\n" + first)
    jiangning = row_block(text, "江宁区")
    text = replace_once(text, jiangning + "\n", "")
    text = replace_once(text, row_block(text, "秦淮区") + "\n", row_block(text, "秦淮区") + "\n" + jiangning + "\n")
    data = ingest_text(tmp_path, text)
    appts = load("appointments", "2020-02", data)
    assert appts["hospital"].tolist()[:3] == ["南京市第一医院", "南京市儿童医院", "南京鼓楼医院"]
    assert appts.set_index("hospital").loc["南京市儿童医院", "total"] == 18417
    dist = load("platform_districts", "2020-02", data)
    assert dist["district"].tolist()[-2:] == ["秦淮区", "江宁区"]
    assert dist.iloc[-1]["records"] == 6188332


def test_a_hospital_added_and_one_removed(tmp_path):
    text = raw_text()
    text = replace_once(text, row_block(text, "43", "南京玛丽妇产医院") + "\n", "")
    added = "\t43\n\t某新接入医院\n\t10\n\t20\n\t0\n\t5\n\t35\n\n"
    text = replace_once(text, "\t合计\n\t25208\n", added + "\t合计\n\t25208\n")
    data = ingest_text(tmp_path, text)
    appts = load("appointments", "2020-02", data).set_index("hospital")
    assert len(appts) == 43
    assert "南京玛丽妇产医院" not in appts.index
    assert appts.loc["某新接入医院"].tolist() == [10, 20, 0, 5, 35]
    assert facts("2020-02", data)["appointments.total.total"] == 74217


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


# --- bad files ------------------------------------------------------------------------------------


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


# --- --force, --month, the command line ---------------------------------------------------------


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


def test_the_cli_exits_2_with_one_line_and_no_traceback(tmp_path, capsys):
    args = ["ingest", str(RAW), "--data-dir", str(tmp_path)]
    assert cli.main(args) == 0
    capsys.readouterr()
    # the same bulletin again: nothing to change, nothing written
    assert cli.main(args) == 0 and "nothing written" in capsys.readouterr().out
    assert cli.main([*args, "--force", "--month", "2020-02"]) == 0
    assert not (tmp_path / "2020-02" / "revisions").exists()
    assert cli.main(["ingest", str(write(tmp_path, b"")), "--data-dir", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "empty" in err and "Traceback" not in err


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


# --- open lists of names: new platforms, channels, units are read, never refused ---------------



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


def test_not_reported_in_any_count_column_of_the_platform_tables_stays_missing(tmp_path):
    row = "\t江苏省中医院\n\t26/83\n\t13\n"
    text = replace_once(raw_text(), row + "\t4960336\n", row + "\t未反馈\n")
    text = replace_once(text, "\t江宁区\n\t52/129\n", "\t江宁区\n\t52/未反馈\n")
    data = ingest_text(tmp_path, text)
    hosp = load("platform_hospitals", "2020-02", data).set_index("hospital")
    assert pd.isna(hosp.loc["江苏省中医院", "records"])
    assert hosp.loc["江苏省中医院", "upload_days"] == 29
    dist = load("platform_districts", "2020-02", data).set_index("district")
    assert pd.isna(dist.loc["江宁区", "required_tables"]) and dist.loc["江宁区", "declared_tables"] == 52


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
