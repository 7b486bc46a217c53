"""Tests of ``bulletin.data.revisions``: revisions: a corrected month is compared (:func:`compare`), written
with its earlier version kept whole under ``revisions/N/`` (:func:`write_revision`, one atomic
exchange), marked for readers (:class:`Marks`, ``[r]``) and explained (:func:`notice`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import DIFF, GULOU, RAW, SHIPPED, corrected, files_of, raw_text, replace_once, shipped_files, write

import bulletin
from bulletin.checks import check_month
from bulletin.cli import main
from bulletin.core import paths
from bulletin.core.errors import BulletinDataError
from bulletin.data import datalock, revisions
from bulletin.data.ingest import ingest_file
from bulletin.data.loaders import facts, load, months


@pytest.fixture
def data(tmp_path) -> Path:
    """February ingested from its raw text into a data folder with the alias table."""
    root = tmp_path / "数据 目录"
    root.mkdir()
    shutil.copy(paths.DEFAULT_DATA_DIR / "units.csv", root / "units.csv")
    ingest_file(RAW, data_dir=root)
    return root


@pytest.fixture
def correction(tmp_path) -> Path:
    return write(tmp_path, corrected(raw_text()), "2020-02 更正.txt")


def test_without_force_the_diff_is_printed_exit_1_and_nothing_written(data, correction, capsys):
    before = files_of(data / "2020-02")
    assert main(["ingest", str(correction), "--data-dir", str(data)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "2020-02 更正.txt: 2020-02 is already in the data, and this bulletin changes it (5 changes):"
    assert out[1:6] == [f"  {line}" for line in DIFF]
    assert "nothing written" in out[6] and "--force" in out[6] and "revisions/1/" in out[6]
    assert len(out) == 7  # one short block, then nothing (no checks: nothing was written)
    assert files_of(data / "2020-02") == before == shipped_files()
    assert sorted(p.name for p in data.iterdir()) == ["2020-02", "units.csv"]
    assert not (data / "2020-02" / "revisions").exists()


def test_with_force_the_new_month_is_written_and_the_earlier_one_kept_whole(data, correction, capsys):
    code = main(["ingest", str(correction), "--data-dir", str(data), "--force", "--reason", "南京鼓楼医院报送更正"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "2020-02 revised (5 changes):" in out and all(line in out for line in DIFF)
    assert "revision 1 written" in out and "2020-02/revisions/1/" in out
    assert "2020年2月：0 个错误" in out  # the checks of the new version: every total still ties out
    month = data / "2020-02"
    kept = month / "revisions" / "1"
    # the earlier version whole, file for file, and its record
    assert files_of(kept) == {**shipped_files(), "revision.json": (kept / "revision.json").read_bytes()}
    record = json.loads((kept / "revision.json").read_text(encoding="utf-8"))
    assert record["revision"] == 1 and record["month"] == "2020-02" and record["reason"] == "南京鼓楼医院报送更正"
    assert record["source"] == "2020-02 更正.txt" and record["when"].endswith("Z")
    assert [(c["table"], c["unit"], c["column"], c["old"], c["new"]) for c in record["changes"]] == [
        ("appointments", [GULOU], "online_12320", "1719", "1819"),
        ("appointments", [GULOU], "total", "11191", "11291"),
        ("facts", [], "appointments.cumulative_total", "18722617", "18722717"),
        ("facts", [], "appointments.total.online_12320", "25208", "25308"),
        ("facts", [], "appointments.total.total", "74217", "74317"),
    ]
    # readers of the data read the current version; revisions/ is not data to them
    assert months(data) == ["2020-02"]
    gulou = load("appointments", "2020-02", data).set_index("hospital").loc[GULOU]
    assert (gulou["online_12320"], gulou["total"]) == (1819, 11291)
    assert facts("2020-02", data)["appointments.total.total"] == 74317
    report = check_month("2020-02", data)
    assert report.errors == [] and report.exit_code == 0
    # the other files are February's as shipped
    changed = {n for n, b in files_of(month).items() if b != shipped_files()[n]}
    assert changed == {"appointments.csv", "facts.csv"}


def test_month_revisions_in_python(data, correction):
    ingest_file(correction, data_dir=data, force=True, reason="更正")
    m = bulletin.month("2020-02", data)
    (rev,) = m.revisions
    assert rev.number == 1 and rev.reason == "更正" and [c.text() for c in rev.edits] == DIFF
    assert rev.folder == data / "2020-02" / "revisions" / "1"
    assert m.revised.cell("appointments", (GULOU,), "online_12320")
    assert m.revised.cell("appointments", (GULOU,), "total")
    assert not m.revised.cell("appointments", (GULOU,), "phone")
    assert not m.revised.cell("appointments", ("南京市儿童医院",), "total")
    assert m.revised.fact("appointments.total.total") and not m.revised.fact("appointments.total.phone")
    assert m.appointments.set_index("hospital").loc[GULOU, "online_12320"] == 1819
    assert "第1次修订（改动 5 处，原因：更正）" in m.revision_notice
    assert bulletin.month("2020-02").revisions == () and not bulletin.month("2020-02").revised


def test_bulletin_revisions_lists_and_shows_a_diff(data, correction, capsys):
    assert main(["revisions", "2020-02", "--data-dir", str(data)]) == 0
    assert "never revised" in capsys.readouterr().out
    # a revision asked of a month never revised: said so, not "no such revision (found 1)"
    assert main(["revisions", "2020-02", "1", "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "2020-02 has no revisions: the month was never revised" in err
    assert "found" not in err and "no such revision" not in err
    ingest_file(correction, data_dir=data, force=True, reason="更正")
    assert main(["revisions", "2020-02", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("2020-02: 1 revision;") and "revision 1" in out[1] and "5 changes" in out[1]
    assert "from 2020-02 更正.txt" in out[1] and "reason: 更正" in out[1]
    assert main(["revisions", "2020-02", "1", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("2020-02 revision 1 (") and out[1] == "the version it replaced: 2020-02/revisions/1/"
    assert out[2:] == [f"  {line}" for line in DIFF]
    assert main(["revisions", "2020-02", "1", "--data-dir", str(data), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["revision"] == 1 and [c["text"] for c in doc["changes"]] == DIFF
    assert doc["kept"] == "2020-02/revisions/1/"
    assert main(["revisions", "2020-02", "--data-dir", str(data), "--json"]) == 0
    assert [r["revision"] for r in json.loads(capsys.readouterr().out)["revisions"]] == [1]
    assert main(["revisions", "2020-02", "2", "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such revision" in err and "one of 1" in err


def test_a_second_revision_keeps_both_earlier_versions(data, correction, tmp_path):
    ingest_file(correction, data_dir=data, force=True)
    first = files_of(data / "2020-02")
    again = write(tmp_path, corrected(raw_text(), online=1829), "second.txt")
    result = ingest_file(again, data_dir=data, force=True, reason="再次更正")
    assert result.revision.number == 2
    assert result.revision.edits[0].text() == "预约挂号服务统计表 · 南京鼓楼医院 · 12320在线预约：1819 → 1829"
    kept = data / "2020-02" / "revisions"
    assert {n: b for n, b in files_of(kept / "1").items() if n != "revision.json"} == shipped_files()
    assert {n: b for n, b in files_of(kept / "2").items() if n != "revision.json"} == first
    assert [r.number for r in bulletin.month("2020-02", data).revisions] == [1, 2]
    assert load("appointments", "2020-02", data).set_index("hospital").loc[GULOU, "online_12320"] == 1829


def test_a_reingest_that_changes_nothing_says_so_and_writes_nothing(data, capsys):
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in (data / "2020-02").iterdir()}
    for extra in ([], ["--force"]):
        assert main(["ingest", str(RAW), "--data-dir", str(data), *extra]) == 0
        out = capsys.readouterr().out
        assert "already in the data with exactly these tables and figures; nothing written" in out
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in (data / "2020-02").iterdir()} == before
    assert ingest_file(RAW, data_dir=data, force=True).unchanged
    assert sorted(p.name for p in data.iterdir()) == ["2020-02", "units.csv"]


def test_a_revision_that_breaks_a_tie_out_is_reported_like_any_other_error(data, tmp_path, capsys):
    # the hospital's row corrected, the 合计 row not: the table no longer adds up
    text = replace_once(raw_text(), "\t南京鼓楼医院\n\t1719\n\t2496\n\t4696\n\t2280\n\t11191\n",
                        "\t南京鼓楼医院\n\t1819\n\t2496\n\t4696\n\t2280\n\t11291\n")
    assert main(["ingest", str(write(tmp_path, text)), "--data-dir", str(data), "--force"]) == 1
    assert "revision 1 written" in capsys.readouterr().out
    report = check_month("2020-02", data)
    assert report.exit_code == 1
    assert {(e.rule, e.column) for e in report.errors} >= {("total_mismatch", "online_12320"),
                                                           ("total_mismatch", "total")}
    assert main(["check", "2020-02", "--data-dir", str(data)]) == 1


def test_an_ingest_while_a_run_reads_the_data_is_refused_and_writes_nothing(data, correction, capsys):
    before = files_of(data / "2020-02")
    with datalock.reading(data):  # as bulletin run holds it while it runs and publishes
        assert main(["ingest", str(correction), "--data-dir", str(data), "--force"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "a bulletin run is reading and publishing it" in err
        assert "nothing written" in err
        with datalock.reading(data, wait=0):  # runs share it
            pass
    assert files_of(data / "2020-02") == before and not (data / "2020-02" / "revisions").exists()
    assert main(["ingest", str(correction), "--data-dir", str(data), "--force"]) == 0  # once the run is over


def test_a_revision_replaced_by_a_plain_file_is_refused_not_dropped(data, correction, capsys):
    ingest_file(correction, data_dir=data, force=True, reason="更正")
    kept = data / "2020-02" / "revisions" / "1"
    shutil.rmtree(kept)
    kept.write_text("not a revision\n", encoding="utf-8")
    assert main(["revisions", "2020-02", "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "revisions/1" in err and "a revision that is not a folder" in err
    with pytest.raises(BulletinDataError, match="a revision that is not a folder"):
        revisions.read(data / "2020-02")


def test_an_edited_file_of_a_kept_version_is_named(data, correction, capsys):
    ingest_file(correction, data_dir=data, force=True, reason="更正")
    kept = data / "2020-02" / "revisions" / "1"
    record = json.loads((kept / "revision.json").read_text(encoding="utf-8"))
    # each kept file's SHA-256, taken when the revision was made: February as shipped
    assert set(record["files"]) == {p.name for p in SHIPPED.iterdir()}
    import hashlib

    kiosks = (SHIPPED / "kiosks.csv").read_bytes()
    assert record["files"]["kiosks.csv"] == "sha256:" + hashlib.sha256(kiosks).hexdigest()
    assert main(["revisions", "2020-02", "--data-dir", str(data)]) == 0
    assert "not verifiable" not in capsys.readouterr().out
    path = kept / "appointments.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("1719", "1720", 1), encoding="utf-8")
    for argv in (["revisions", "2020-02"], ["revisions", "2020-02", "1"]):
        assert main([*argv, "--data-dir", str(data)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "revisions/1/appointments.csv" in err
        assert "changed since revision 1 was recorded" in err
    with pytest.raises(BulletinDataError, match=r"revisions/1/appointments\.csv.*changed since revision 1"):
        assert bulletin.month("2020-02", data).revisions
    # a second revision on top of an altered archive is refused too, the month left as it is
    before = files_of(data / "2020-02")
    with pytest.raises(BulletinDataError, match="changed since revision 1"):
        ingest_file(write(data.parent, corrected(raw_text(), 1919), "again.txt"), data_dir=data, force=True)
    assert files_of(data / "2020-02") == before


def test_a_record_written_before_hashes_still_reads_and_says_so(data, correction, capsys):
    ingest_file(correction, data_dir=data, force=True, reason="更正")
    path = data / "2020-02" / "revisions" / "1" / "revision.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    del record["files"]
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    (rev,) = bulletin.month("2020-02", data).revisions
    assert rev.hashes is None and rev.reason == "更正"
    assert main(["revisions", "2020-02", "--data-dir", str(data)]) == 0
    assert "not verifiable: recorded before hashes" in capsys.readouterr().out
    assert main(["revisions", "2020-02", "1", "--data-dir", str(data)]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        "the version it replaced: 2020-02/revisions/1/ (not verifiable: recorded before hashes)")
    assert main(["revisions", "2020-02", "1", "--data-dir", str(data), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["verified"] is False


def test_force_without_a_reason_records_that_none_was_given(data, correction, capsys):
    assert main(["ingest", str(correction), "--data-dir", str(data), "--force"]) == 0
    out = capsys.readouterr().out
    assert "no --reason given: revision 1 records （未说明理由）" in out
    record = json.loads((data / "2020-02" / "revisions" / "1" / "revision.json").read_text(encoding="utf-8"))
    assert record["reason"] == "（未说明理由）"
    m = bulletin.month("2020-02", data)
    assert "原因：（未说明理由）" in m.revision_notice
    assert main(["revisions", "2020-02", "--data-dir", str(data)]) == 0
    assert "reason: （未说明理由）" in capsys.readouterr().out
