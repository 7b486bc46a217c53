"""A table or paragraph the package does not know, in a text export: named, kept as printed in
``kept_aside.csv``, the rest of the month ingested exactly, listed by ``bulletin check`` as a note.

The variants are the published bulletin (the seed) with an internet-hospital table inserted
before each title the package knows (and before 简讯), or with a paragraph added to a section;
every file but ``kept_aside.csv`` must equal February's month folder byte for byte.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from helpers import assert_same_as_shipped, replace_once, seed_text, write

from bulletin import cli
from bulletin.checks import check_month
from bulletin.data import revisions
from bulletin.data.ingest import ingest_file
from bulletin.data.store import KEPT_ASIDE_FILE, read_kept_aside

#: a statistics table a later bulletin may print (not one the package reads)
UNKNOWN_TITLE = "2020年2月南京市互联网医院服务情况统计表"
UNKNOWN_TABLE = (f"{UNKNOWN_TITLE}\n\n\t序号\n\t医院\n\t在线问诊人次\n\n\t1\n\t南京鼓楼医院\n\t1234\n\n"
                 "\t2\n\t南京市第一医院\n\t567\n\n\t合计\n\t\n\t1801\n")
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


def with_unknown_table(before: str) -> tuple[str, int]:
    """The seed with :data:`UNKNOWN_TABLE` on the lines before ``before``; the title's line number."""
    text = seed_text()
    head = text[: text.index("\n" + before + "\n") + 1]
    return replace_once(text, "\n" + before + "\n", "\n" + UNKNOWN_TABLE + "\n" + before + "\n"), \
        head.count("\n") + 1


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


def test_a_damaged_kept_aside_file_is_one_line_naming_its_row(tmp_path, capsys):
    text, line = with_unknown_table("2020年2月预约挂号服务统计表")
    folder = ingest_file(write(tmp_path, text), data_dir=tmp_path / "data").folder
    path = folder / KEPT_ASIDE_FILE
    path.write_text(path.read_text(encoding="utf-8").replace(f",{line + 2},", ",第三行,"), encoding="utf-8")
    code = cli.main(["check", "2020-02", "--data-dir", str(tmp_path / "data")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "kept_aside.csv" in err and "row 4" in err and "第三行" in err, err


def test_a_misprinted_title_is_kept_aside_and_warned_about_naming_the_table(tmp_path):
    """预约挂号服务统计 (表 left out) is no title the package knows: its table is kept aside, the
    month ingested; the check warns that it is close to the table this month does not print."""
    text = replace_once(seed_text(), "2020年2月预约挂号服务统计表\n", "2020年2月预约挂号服务统计\n")
    result = ingest_file(write(tmp_path, text), data_dir=tmp_path / "data")
    assert "appointments" in result.absent and result.aside[0].title == "2020年2月预约挂号服务统计"
    found = [f for f in check_month("2020-02", tmp_path / "data").findings if f.rule.startswith("kept_aside")]
    assert [(f.severity, f.rule, f.expected) for f in found] == [("warning", "kept_aside_close", "预约挂号服务统计表")]
