"""Every variant of issue 8 published by one `bulletin run`, month after month.

February 2020 (the shipped month) is followed by eight months, each February's bulletin text with
one of the variants of tests/helpers.py (each also ingested alone in tests/unit), ingested in
turn into a data folder whose path holds Chinese characters and a space. One batch run (two
workers) publishes all nine months;
the tests read what it published: every section page and month page, the month-on-month part
(each month against the one before it), the trends over all nine months, what a month did not
publish, and the new, gone and renamed units. Every variant keeps February's figures except where
it changes them, so the pages' figures are February's real ones (59,507 hotline calls, 74,217
appointments, 18,722,617 cumulative appointments growing by 74,217 a month).
"""

from __future__ import annotations

import io
import re
import shutil
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import nbformat
import pytest
from helpers import (
    CUMULATIVE_FEB,
    MONTHLY_FEB,
    hospital_added_and_dropped,
    march,
    new_platform_and_channel,
    not_reported_in_a_new_column,
    odd_number_of_channels,
    raw_text,
    renamed_unit,
    rows_reordered,
    telemedicine_not_printed,
    with_cumulative,
    write,
)

from bulletin.batch import Outcome, run_batch
from bulletin.checks import check_month
from bulletin.core import paths, publication
from bulletin.core.month_strings import month_label
from bulletin.data.ingest import ingest_file
from bulletin.sections import SECTIONS

#: what ``bulletin run`` reads as 2020-10's cumulative appointments: below September's
#: 18,722,617 + 7 × 74,217 = 19,242,136 (a data error), still above February's
FALLEN = 19200000
CUMULATIVE_SEPTEMBER = CUMULATIVE_FEB + 7 * MONTHLY_FEB

#: month → the variant of February's text its bulletin is (2020-10: unchanged, but its cumulative falls)
VARIANTS = {
    "2020-03": rows_reordered,
    "2020-04": hospital_added_and_dropped,
    "2020-05": new_platform_and_channel,
    "2020-06": odd_number_of_channels,
    "2020-07": telemedicine_not_printed,
    "2020-08": not_reported_in_a_new_column,
    "2020-09": renamed_unit,
    "2020-10": lambda text: text,
}
MONTHS = ["2020-02", *VARIANTS]


@dataclass
class Published:
    """The data folder, the reports folder and what the one batch run returned."""

    data: Path
    out: Path
    outcome: Outcome
    log: str

    def page(self, month: str, stem: str = "index") -> str:
        """A published HTML page as text (entities decoded, tags kept)."""
        return unescape((self.out / month / f"{stem}.html").read_text(encoding="utf-8"))

    def rows(self, month: str, stem: str, label: str) -> list[list[str]]:
        """The cells after ``label`` in every table row of a published page that has a cell ``label``."""
        found = []
        for row in re.findall(r"<tr>(.*?)</tr>", self.page(month, stem), flags=re.S):
            cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            if label in cells:
                found.append(cells[cells.index(label) + 1:])
        return found

    def stream(self, month: str, stem: str) -> str:
        """The text a published notebook printed (its stream outputs and each output's text/plain)."""
        nb = nbformat.read(self.out / month / f"{stem}.ipynb", as_version=4)
        return "\n".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                         for cell in nb.cells for o in cell.get("outputs", []))


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Published:
    """February and the eight variants ingested into ``数据 目录`` and published by one batch run."""
    root = tmp_path_factory.mktemp("variants") / "简报 数据"
    data = root / "数据 目录"
    data.mkdir(parents=True)
    shutil.copytree(paths.DEFAULT_DATA_DIR / "2020-02", data / "2020-02")
    shutil.copy(paths.DEFAULT_DATA_DIR / "units.csv", data / "units.csv")
    for month, variant in VARIANTS.items():
        number = int(month[-2:])
        text = march(variant(raw_text()), number)
        if month == "2020-10":
            text = with_cumulative(text, FALLEN, number)
        ingest_file(write(root, text, f"{month} 简报.txt"), data_dir=data)
    log = io.StringIO()
    out = root / "报告 输出"
    outcome = run_batch(["2020-02:2020-10"], data_dir=data, out=out, jobs=2, progress=False, stream=log)
    return Published(data, out, outcome, log.getvalue())


def label(month: str) -> str:
    return month_label(month)


def test_one_run_publishes_all_nine_months_with_exit_0_though_october_has_a_data_error(published):
    outcome = published.outcome
    assert outcome.exit_code == 0, published.log
    assert sorted(outcome.published) == MONTHS and outcome.failed_months == [] and outcome.absent == []
    assert {j.name: j.status.value for j in outcome.jobs} == {f"{m} {s.stem}": "ok" for m in MONTHS for s in SECTIONS}
    # each variant checks as designed: only October's fallen cumulative is an error (bulletin check
    # exits 1 on it), and bulletin run publishes the month with its error, as `make report` does
    for month in MONTHS:
        report = check_month(month, published.data)
        assert report.exit_code == (1 if month == "2020-10" else 0), (month, report.summary())
    (fell,) = check_month("2020-10", published.data).errors
    assert fell.rule == "cumulative_fell" and (fell.value, fell.expected) == (FALLEN, CUMULATIVE_SEPTEMBER)
    october = published.page("2020-10")
    assert "2020年10月：1 个错误，25 个警告" in october and "错误：1 项" in october
    assert "19,200,000次，少于2020年9月的 19,242,136次（减少 42,136）" in october
    top = published.page(".", "index")
    assert [top.index(f"{m}/index.html") for m in reversed(MONTHS)] == sorted(top.index(f"{m}/index.html")
                                                                              for m in MONTHS)  # newest first


def test_every_section_page_and_month_page_of_every_month(published):
    for month in MONTHS:
        index = published.page(month)
        assert f"{publication.NAME} · {label(month)}" in index
        for s in SECTIONS:
            assert (published.out / month / f"{s.stem}.ipynb").is_file()
            assert f'href="{s.stem}.html"' in index and s.title in index
            page = published.page(month, s.stem)
            assert f"统计月份：{label(month)}" in page and s.title in page
        # February's real figures on every month's page (the variants keep them)
        assert "59,507 个" in index and "74,217 次" in index and "51,460,109.85 元" in index
    cumulative = {m: CUMULATIVE_FEB + i * MONTHLY_FEB for i, m in enumerate(MONTHS)} | {"2020-10": FALLEN}
    for month, value in cumulative.items():
        assert f"截止月底累计预约挂号量 {value:,} 次" in re.sub(r"<[^>]+>", " ", published.page(month)).replace(
            "  ", " "), month
    # nothing published names the machine's folders (the data path has Chinese characters and a space)
    for f in published.out.rglob("*"):
        if f.suffix in (".html", ".ipynb", ".json"):
            assert str(published.data.parent) not in f.read_text(encoding="utf-8"), f


def test_each_month_compares_with_the_month_before(published):
    assert "数据中没有上月（2020年1月）的数据，本月不作环比比较。" in published.page("2020-02", "01_hotline")
    for previous, month in zip(MONTHS, MONTHS[1:], strict=False):
        for s in SECTIONS:
            if s.name != "trends" and not (s.name == "telemedicine" and "2020-07" in (month, previous)):
                assert f"{label(month)}与{label(previous)}比较" in published.page(month, s.stem), (month, s.stem)
    # March against February: February's figures are March's 上月
    calls = published.rows("2020-03", "01_hotline", "12320卫生热线受理咨询电话（个）")
    assert ["59,507", "59,507", "0（+0.0%）"] in calls
    overview = published.rows("2020-03", "00_overview", "截止月底累计预约挂号量（次）")
    assert overview == [["18,796,834", "18,722,617", "+74,217（+0.4%）"]]
    # money to the fen in the headlines' comparison (it read 51,460,109.9 before)
    payments = ["51,460,109.85", "51,460,109.85", "0.00（+0.0%）"]
    assert published.rows("2020-03", "06_kiosks", "自助缴费金额（元）") == [payments]
    assert payments in published.rows("2020-03", "00_overview", "自助缴费金额（元）")
    # October's fall, against September
    assert published.rows("2020-10", "02_appointments", "截止月底累计预约挂号量（次）") == [
        ["19,200,000", "19,242,136", "-42,136（-0.2%）"]]
    # rows reordered: March lists 南京市第一医院 first, and compares each hospital with itself
    appointments = published.stream("2020-03", "02_appointments")
    assert appointments.index("南京市第一医院") < appointments.index("南京市儿童医院")
    assert published.rows("2020-03", "02_appointments", "南京市儿童医院")[-1] == ["18,417", "18,417", "0（+0.0%）"]
    assert "本月新增" not in published.page("2020-03", "02_appointments")


def test_the_trends_of_october_list_all_nine_months(published):
    page = published.page("2020-10", "07_trends")
    assert "以下显示2020年2月至2020年10月的 9 个月（数据中截至本月共有 9 个月，起于2020年2月）。" in page
    assert published.rows("2020-10", "07_trends", "截止月底累计预约挂号量（次）") == [
        [f"{CUMULATIVE_FEB + i * MONTHLY_FEB:,}" for i in range(8)] + ["19,200,000"]]
    assert published.rows("2020-10", "07_trends", "12320卫生热线受理咨询电话（个）") == [["59,507"] * 9]
    # July did not print 远程医疗: — in its column, and the year to date counts 8 months of it
    assert published.rows("2020-10", "07_trends", "心电监测诊断·本月采集心电病例（份）") == [
        ["33,472"] * 5 + ["—"] + ["33,472"] * 3]
    assert ["9 个月", "535,563 个"] in published.rows("2020-10", "07_trends", "12320卫生热线受理咨询电话")
    assert ["8 个月", "267,776 份"] in published.rows("2020-10", "07_trends", "心电监测诊断·本月采集心电病例")
    assert ["9 个月", "150,047 次"] in published.rows("2020-10", "07_trends", "分途径预约合计")  # 16,700 and 16,664
    assert "数据中只有2020年2月一个月，还没有可以比较的趋势。" in published.page("2020-02", "07_trends")


def test_the_month_that_did_not_print_telemedicine_says_so(published):
    titles = "「南京市远程医疗系统数据统计」、「远程医疗平台本月数据上传量前三名」"
    page = published.page("2020-07", "04_telemedicine")
    assert f"2020年7月的公报没有发布{titles}，此处没有内容。" in page
    assert "2020年7月的公报没有发布「南京市远程医疗系统数据统计」，「各平台指标」不作环比比较。" in page
    assert "2020年7月的公报没有发布：「南京市远程医疗系统数据统计」" in published.page("2020-07", "00_overview")
    assert "提示：2 项（本月未刊登 2 项）" in published.page("2020-07")
    # August compares with July, which has no telemedicine: one line saying so, not a heading over nothing
    august = published.page("2020-08", "04_telemedicine")
    assert "2020年7月的公报没有发布「南京市远程医疗系统数据统计」，「各平台指标」不作环比比较。" in august
    assert "2020年8月与2020年7月比较" not in august
    june = published.rows("2020-06", "04_telemedicine", "心电监测诊断·本月采集心电病例")
    assert ["33,472", "33,472", "0（+0.0%）"] in june


def test_the_overview_after_the_month_without_telemedicine_compares_with_the_month_before_it(published):
    # August follows a July that printed no 远程医疗: its telemedicine rows compare with June, not 新增
    august = published.page("2020-08", "00_overview")
    assert ("2020年7月的公报没有发布「南京市远程医疗系统数据统计」：「远程医疗」各项的上月数取自2020年6月，"
            "即此前最近一次发布的月份。") in august
    assert published.rows("2020-08", "00_overview", "心电监测诊断·本月采集心电病例（份）") == [
        ["33,472", "33,472", "0（+0.0%）"]]
    assert published.rows("2020-08", "00_overview", "12320卫生热线受理咨询电话（个）") == [
        ["59,507", "59,507", "0（+0.0%）"]]  # the other sections against July itself


def test_new_gone_and_renamed_units(published):
    april = published.page("2020-04", "02_appointments")
    assert "本月新增：某新接入医院（分院）；本月不再出现：南京玛丽妇产医院" in april
    assert published.rows("2020-04", "02_appointments", "某新接入医院（分院）")[-1] == ["1", "—", "新增"]
    # the renamed unit (no alias in units.csv): new and gone in September, the other way in October
    september = published.page("2020-09", "02_appointments")
    assert "本月新增：南京市鼓楼医院；本月不再出现：南京鼓楼医院" in september
    assert published.rows("2020-09", "02_appointments", "南京鼓楼医院")[-1] == ["—", "11,191", "本月无"]
    assert "本月新增：南京鼓楼医院；本月不再出现：南京市鼓楼医院" in published.page("2020-10", "02_appointments")
    # the check's warning: among the findings on the overview's page (the month page counts them)
    assert "南京鼓楼医院,南京市鼓楼医院,hospital" in published.page("2020-09", "00_overview")
    # the new channel (an odd ninth) and the new platform, then both gone in June's seven channels
    channels = published.page("2020-05", "03_booking_channels")
    assert "本月新增：掌上医院APP" in channels and "16,700" in channels
    assert published.rows("2020-05", "03_booking_channels", "掌上医院APP")[-1] == ["31", "—", "新增"]
    telemedicine = published.page("2020-05", "04_telemedicine")
    assert "四个平台" not in telemedicine  # five this month: the page's prose names no count
    assert "病理诊断平台" in telemedicine and ["1,234", "运行"] in published.rows(
        "2020-05", "04_telemedicine", "本月采集量（份）")
    assert published.rows("2020-05", "04_telemedicine", "病理诊断·累计接入医疗机构")[-1] == ["15", "—", "新增"]
    assert "本月不再出现：微脉科技、掌上医院APP" in published.page("2020-06", "03_booking_channels")
    assert "16,664" in published.page("2020-06", "03_booking_channels")
    # 未反馈 in a new column: missing, never 0, in August and in its comparisons
    assert published.rows("2020-08", "05_data_platform", "江苏省中医院")[-1] == ["未反馈", "4,960,336", "—"]
    assert published.rows("2020-09", "05_data_platform", "江苏省中医院")[-1] == ["4,960,336", "未反馈", "—"]
