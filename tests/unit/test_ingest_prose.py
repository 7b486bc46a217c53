"""Tests of ``bulletin.data.ingest.prose``: figures printed inside paragraphs: the hotline, the province's
calls, the telemedicine platforms."""

from __future__ import annotations

import pytest

from bulletin.core import paths
from bulletin.core.errors import IngestError
from bulletin.data.ingest import parse_text

RAW = (paths.DEFAULT_DATA_DIR / "raw" / "2020-02.txt").read_text(encoding="utf-8")


def _notes(text: str) -> dict[tuple[str, str], str | None]:
    t = parse_text(text).tables["telemedicine"]
    return {(p.removeprefix("南京市远程").removesuffix("平台"), m): n
            for p, m, n in zip(t["platform"], t["measure"], t["note"], strict=True)}


def _edit(old: str, new: str, text: str = RAW) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_february_keeps_every_qualifier_verbatim():
    notes = _notes(RAW)
    assert notes["医学会诊", "consultations_cumulative"] == "未通过平台申请的会诊未统计在内"
    assert notes["心电监测诊断", "cities_connected"] == "南京市、马鞍山市、镇江市和扬州市"
    assert notes["心电监测诊断", "districts_covered"] == "覆盖10个区的社区卫生服务中心"
    assert notes["临检诊断", "districts_covered"] == "覆盖市内7个区"
    assert notes["影像诊断", "districts_covered"] == "覆盖市内10个区"
    assert notes["影像诊断", "paused"] == "影像系统因数据中心库受病毒影响，系统暂未恢复，暂停数据采集及服务"
    assert notes["医学会诊", "institutions_secondary_plus"] == "南京市内"
    assert notes["心电监测诊断", "institutions_tertiary"] == "南京市内"
    assert sum(n is not None for n in notes.values()) == 8
    assert notes["心电监测诊断", "ecg_cases"] is None and notes["医学会诊", "institutions"] is None


def test_other_qualifiers_are_read_the_same_way():
    text = _edit("联通南京市、马鞍山市、镇江市和扬州市4个城市", "联通南京市、滁州市和宣城市3个城市")
    text = _edit("覆盖10个区的社区卫生服务中心", "覆盖全市11个区的社区卫生服务站", text)
    text = _edit("会诊109次（未通过平台申请的会诊未统计在内）", "会诊109次（含线下会诊12次）", text)
    text = _edit("心电病例33472份", "心电病例33472份（含外院上传）", text)
    text = _edit("影像系统因数据中心库受病毒影响，系统暂未恢复，暂停数据采集及服务。",
                 "因机房搬迁，暂停数据采集及服务。", text)
    notes = _notes(text)
    assert notes["心电监测诊断", "cities_connected"] == "南京市、滁州市和宣城市"
    assert notes["心电监测诊断", "districts_covered"] == "覆盖全市11个区的社区卫生服务站"
    assert notes["医学会诊", "consultations_cumulative"] == "含线下会诊12次"
    assert notes["心电监测诊断", "ecg_cases"] == "含外院上传"
    assert notes["影像诊断", "paused"] == "因机房搬迁，暂停数据采集及服务"
    t = parse_text(text).tables["telemedicine"].set_index(["platform", "measure"])["value"]
    assert t["南京市远程心电监测诊断平台", "cities_connected"] == 3
    assert t["南京市远程心电监测诊断平台", "districts_covered"] == 11
    assert t["南京市远程心电监测诊断平台", "ecg_cases"] == 33472


def test_a_bulletin_printing_no_qualifier_has_no_note():
    text = _edit("联通南京市、马鞍山市、镇江市和扬州市4个城市", "联通4个城市")
    text = _edit("（未通过平台申请的会诊未统计在内）", "", text)
    text = _edit("其中南京市内二级以上", "其中二级以上", text)
    notes = _notes(text)
    assert notes["心电监测诊断", "cities_connected"] is None
    assert notes["医学会诊", "consultations_cumulative"] is None
    assert notes["医学会诊", "institutions_secondary_plus"] is None


def test_a_qualifier_the_documents_cannot_print_is_refused_naming_its_line():
    text = _edit("（未通过平台申请的会诊未统计在内）", "（未通过平台申请的会诊\U00020000未统计在内）")
    with pytest.raises(IngestError) as err:
        parse_text(text, file="2020-02.txt")
    assert "line 414" in str(err.value) and "U+20000" in str(err.value)


def test_a_month_written_before_the_notes_shows_them_as_new_text_not_as_not_reported(tmp_path):
    import shutil

    from bulletin.data import revisions
    from bulletin.data.ingest import ingest_file

    folder = tmp_path / "data" / "2020-02"
    shutil.copytree(paths.DEFAULT_DATA_DIR / "2020-02", folder)
    lines = (folder / "telemedicine.csv").read_text(encoding="utf-8").splitlines()
    (folder / "telemedicine.csv").write_text("\n".join(",".join(x.split(",")[:3]) for x in lines) + "\n",
                                             encoding="utf-8")
    with pytest.raises(revisions.RevisionRefused) as refused:
        ingest_file(paths.DEFAULT_DATA_DIR / "raw" / "2020-02.txt", data_dir=tmp_path / "data")
    shown = revisions.edit_lines(refused.value.edits)
    assert len(shown) == 8 and all("公报注明：（空） → " in line for line in shown), shown
    assert any(line.endswith("累计会诊 · 公报注明：（空） → 未通过平台申请的会诊未统计在内") for line in shown)
