"""Tests of ``bulletin.data.ingest.layout``: the text export's layout: decoding, the statistics part,
sections by title, rows of cells."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import REFERENCE_MONTH as M
from helpers import assert_same_as_shipped, march, raw_text, replace_once, telemedicine_not_printed, write

import bulletin
from bulletin.core import paths
from bulletin.core.errors import IngestError
from bulletin.core.schema import Column
from bulletin.data.ingest import ingest_file
from bulletin.data.ingest.layout import PrintedSection
from bulletin.data.ingest.tables import _figure
from bulletin.data.loaders import load
from bulletin.ingest_command import ingest_command
from bulletin.sections import overview

#: the appointments table's last row, and what follows it
LAST_ROW = "\t43\n\t南京玛丽妇产医院\n\t1\n\t0\n\t0\n\t0\n\t1\n\n"


IMAGE = "南京市远程影像诊断平台"


TELEMEDICINE = "南京市远程医疗系统数据统计"


def line_of(text: str, part: str, offset: int = 0) -> int:
    """The line number of the ``offset``-th line of ``part`` (which occurs once) in ``text``."""
    assert text.count(part) == 1
    return text[: text.index(part)].count("\n") + 1 + offset


def without_image(text: str) -> str:
    para = next(ln for ln in text.split("\n") if ln.startswith(IMAGE))
    return replace_once(text, para + "\n", "")


@pytest.fixture
def data(tmp_path) -> Path:
    root = tmp_path / "数据 目录"
    root.mkdir()
    shutil.copy(paths.DEFAULT_DATA_DIR / "units.csv", root / "units.csv")
    return root


def ingest(data: Path, text: str, name: str) -> object:
    return ingest_file(write(data.parent, text, name), data_dir=data)


@pytest.mark.parametrize("empty", ["\t\n" * 6, ""], ids=["empty-cells-printed", "cells-not-printed"])
def test_rows_holding_only_their_serial_number_are_skipped_with_one_line_each(tmp_path, capsys, empty):
    padding = f"\t44\n{empty}\n\t45\n{empty}\n"
    text = replace_once(raw_text(), LAST_ROW, LAST_ROW + padding)
    data = tmp_path / "data"
    assert ingest_command(str(write(tmp_path, text)), month=None, data_dir=str(data), force=False) == 0
    skipped = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("skipped:")]
    first = line_of(text, LAST_ROW + "\t44\n", 8)
    lines = (first, first + 1 + empty.count("\n") + 1)  # the next row, after the blank line
    assert skipped == [
        f"skipped: 预约挂号服务统计表, line {line}: row {n} holds only its serial number, every other cell empty "
        "(an unused row of the printed form); skipped" for line, n in zip(lines, (44, 45), strict=True)
    ]
    assert_same_as_shipped(data / "2020-02")  # 43 hospitals, the 合计 row read as before
    assert len(load("appointments", "2020-02", data)) == 43


def test_padding_in_the_two_per_row_channel_table_is_skipped(tmp_path):
    last = "\t4\n\t江苏省预约挂号网\n\t957\n\t8\n\t微脉科技\n\t5\n\n"
    text = replace_once(raw_text(), last, last + "\t5\n\t\n\t\n\t9\n\t\n\t\n\n")
    result = ingest_file(write(tmp_path, text), data_dir=tmp_path / "data")
    assert [s.split(": ", 1)[1].split(" holds")[0] for s in result.skipped] == ["row 5", "row 9"]
    assert_same_as_shipped(tmp_path / "data" / "2020-02")


def test_a_row_with_a_name_but_no_figures_is_still_an_error_naming_the_line(tmp_path):
    row = "\t44\n\t某医院\n" + "\t\n" * 5
    text = replace_once(raw_text(), LAST_ROW, LAST_ROW + row + "\n")
    with pytest.raises(IngestError, match="expected a count in column 12320在线预约, found ''") as err:
        ingest_file(write(tmp_path, text), data_dir=tmp_path / "data")
    assert f"line {line_of(text, LAST_ROW + row, 10)}," in str(err.value)  # the row's first empty figure
    assert not (tmp_path / "data").exists()


def test_a_row_with_figures_but_no_name_is_still_an_error_naming_the_line(tmp_path):
    row = "\t44\n\t\n\t1\n\t0\n\t0\n\t0\n\t1\n"
    text = replace_once(raw_text(), LAST_ROW, LAST_ROW + row + "\n")
    with pytest.raises(IngestError, match="expected a name in column 单位, found an empty cell") as err:
        ingest_file(write(tmp_path, text), data_dir=tmp_path / "data")
    assert f"line {line_of(text, LAST_ROW + row, 9)}," in str(err.value)  # the empty name cell
    assert not (tmp_path / "data").exists()


def test_a_platform_not_printed_is_noted_against_the_latest_earlier_month_in_the_data(data, capsys):
    ingest(data, raw_text(), "2020-02.txt")
    source = write(data.parent, march(without_image(raw_text())), "2020-03.txt")
    assert ingest_command(str(source), month=None, data_dir=str(data), force=False) == 0
    out = capsys.readouterr().out
    assert f"absent from this bulletin: {TELEMEDICINE}: {IMAGE} (printed in 2020年2月)" in out
    # April after a March without it: nothing of March's to miss, and the new platform is not "missing"
    pathology = "南京市远程病理诊断平台累计接入15家医疗机构，其中二级以上医疗机构6家。4月份共采集病理切片1234份。\n\n"
    text = march(raw_text(), 4)
    heart = next(ln for ln in text.split("\n") if ln.startswith("南京市远程心电监测诊断平台"))
    assert ingest(data, replace_once(text, heart + "\n", heart + "\n\n" + pathology), "2020-04.txt").notes == ()
    # May prints neither the image platform (back in April) nor the pathology one (new in April)
    result = ingest(data, march(without_image(raw_text()), 5), "2020-05.txt")
    assert result.notes == (f"{TELEMEDICINE}: 南京市远程病理诊断平台 (printed in 2020年4月)",  # April's order
                            f"{TELEMEDICINE}: {IMAGE} (printed in 2020年4月)")


def test_a_month_that_did_not_print_telemedicine_is_passed_over(data):
    ingest(data, raw_text(), "2020-02.txt")
    ingest(data, march(telemedicine_not_printed(raw_text())), "2020-03.txt")
    result = ingest(data, march(without_image(raw_text()), 4), "2020-04.txt")
    assert result.notes == (f"{TELEMEDICINE}: {IMAGE} (printed in 2020年2月)",)


def test_no_earlier_month_means_nothing_to_note_and_a_renamed_platform_is_matched_by_its_alias(data):
    assert ingest(data, without_image(raw_text()), "2020-02.txt").notes == ()  # February's four names are not a list
    with (data / "units.csv").open("a", encoding="utf-8") as f:
        f.write(f"{IMAGE},南京市远程影像平台,platform\n")
    text = march(raw_text()).replace(f"{IMAGE}累计接入", "南京市远程影像平台累计接入")
    assert ingest(data, text, "2020-03.txt").notes == ()  # printed (all four), under another name
    result = ingest(data, march(without_image(raw_text()), 4), "2020-04.txt")
    assert result.notes == (f"{TELEMEDICINE}: 南京市远程影像平台 (printed in 2020年3月)",)


def _rows(comparison, label: str) -> list[str]:
    (_, frame), = comparison.parts
    row = frame[frame["指标"] == label]
    assert len(row) == 1, label
    return list(row.iloc[0, 1:])


def test_the_overview_compares_telemedicine_with_the_latest_month_that_printed_it(data):
    ingest(data, raw_text(), "2020-02.txt")
    ingest(data, march(telemedicine_not_printed(raw_text())), "2020-03.txt")
    ingest(data, march(raw_text(), 4), "2020-04.txt")
    mom = overview.month_on_month(bulletin.month("2020-04", data))
    assert mom.previous == "2020-03"
    assert ("2020年3月的公报没有发布「南京市远程医疗系统数据统计」：「远程医疗」各项的上月数取自2020年2月，"
            "即此前最近一次发布的月份。") in repr(mom)
    # February's 33,472 ECG cases are April's 上月: no change, not 新增
    assert _rows(mom, "心电监测诊断·本月采集心电病例（份）") == ["33,472", "33,472", "0（+0.0%）"]
    assert _rows(mom, "暂停服务的平台数（个）") == ["1", "1", "0（+0.0%）"]
    assert "新增" not in repr(mom)
    # the other sections compare with March itself
    assert _rows(mom, "截止月底累计预约挂号量（次）") == ["18,871,051", "18,796,834", "+74,217（+0.4%）"]
    # March, against February: telemedicine not printed this month, so nothing to say about it
    march_mom = overview.month_on_month(bulletin.month("2020-03", data))
    assert "上月数取自" not in repr(march_mom) and _rows(march_mom, "心电监测诊断·本月采集心电病例（份）")[1:] == [
        "33,472", "本月无"]


def test_the_overview_says_when_no_earlier_month_printed_telemedicine(data):
    ingest(data, telemedicine_not_printed(raw_text()), "2020-02.txt")
    ingest(data, march(raw_text()), "2020-03.txt")
    mom = overview.month_on_month(bulletin.month("2020-03", data))
    assert ("2020年2月及此前各月的公报都没有发布「南京市远程医疗系统数据统计」：「远程医疗」各项本月新增，"
            "没有可比较的数。") in repr(mom)
    assert _rows(mom, "心电监测诊断·本月采集心电病例（份）") == ["33,472", "—", "新增"]


def test_a_sign_beside_a_figure_is_still_refused():
    section = PrintedSection("kiosks", "t", 1, M)
    with pytest.raises(IngestError, match="expected a count"):
        _figure("—5", section, 3, "标签", Column("x", "标签", "count"))
