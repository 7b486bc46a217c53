"""Revisions: a correction of February's bookings re-ingested, without and with ``--force``.

The correction is February's own text with one hospital's figures changed as a statistics office
would correct them: 南京鼓楼医院's 12320 online bookings 1719 → 1819, so its 小计 11191 → 11291, the
table's 合计 25208 → 25308 and 74217 → 74317, and the cumulative bookings 18722617 → 18722717.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
from pathlib import Path

import pytest
from helpers import DIFF, FIXTURES, GULOU, corrected, files_of, raw_text, shipped_files, write

import bulletin
from bulletin.core import paths
from bulletin.core.errors import BulletinDataError
from bulletin.data import datalock, revisions
from bulletin.data.ingest import ingest_file

RAW = paths.DEFAULT_DATA_DIR / "raw" / "2020-02.txt"


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


def test_the_month_on_the_page_and_in_every_document_says_it_was_revised(data, correction, tmp_path):
    """[r] in the section views, the PDF, the Word file, the workbook and the data package."""
    from pypdf import PdfReader

    from bulletin.render.documents import write_all
    from bulletin.sections import appointments

    ingest_file(correction, data_dir=data, force=True, reason="南京鼓楼医院报送更正")
    m = bulletin.month("2020-02", data)
    view = appointments.printed_view(m).set_index("单位")
    assert view.loc[GULOU, "12320在线预约"] == "1,819 [r]" and view.loc[GULOU, "小计"] == "11,291 [r]"
    assert view.loc[GULOU, "电话预约"] == "2,496"
    assert view.loc["合计", "12320在线预约"] == "25,308 [r]" and view.loc["合计", "电话预约"] == "26,097"
    assert view.loc["南京市儿童医院", "小计"] == "18,417"
    assert "标 [r] 的数字为修订后的数字" in m._repr_html_()  # the line under every section page's title

    out = tmp_path / "docs"
    write_all("2020-02", data, out)
    pdf = "".join(p.extract_text() for p in PdfReader(out / "bulletin-2020-02.pdf").pages)
    assert "3 南京鼓楼医院 1819 [r] 2496 4696 2280 11291 [r]" in pdf
    assert "合计 25308 [r] 26097 15627 7285 74317 [r]" in pdf and "18722717 [r]次" in pdf
    assert "修订说明" in pdf and "南京鼓楼医院报送更正" in pdf
    import docx
    import openpyxl

    word = docx.Document(str(out / "bulletin-2020-02.docx"))
    rows = [[c.text for c in r.cells] for t in word.tables for r in t.rows]
    assert ["3", GULOU, "1819 [r]", "2496", "4696", "2280", "11291 [r]"] in rows
    assert any("第1次修订" in p.text and "1719 → 1819" in p.text for p in word.paragraphs)
    book = openpyxl.load_workbook(out / "tables-2020-02.xlsx")
    sheet = [r for r in book["预约挂号"].iter_rows(values_only=True)]
    assert sheet[2][-1] == "修订标记"
    gulou = next(r for r in sheet if r[0] == GULOU)
    assert gulou[1:6] == (1819, 2496, 4696, 2280, 11291)  # numbers stay numbers
    assert gulou[6] == "[r] 12320在线预约、小计"
    assert next(r for r in sheet if r[0] == "南京市儿童医院")[6] in ("", None)
    assert any(r[0] == "[注7]" and "[r] 表示修订后的数字" in r[1] for r in book["注释"].iter_rows(values_only=True))
    totals = {r[0]: r for r in book["公布的总数"].iter_rows(values_only=True) if r[0]}
    assert totals["预约挂号服务统计表·合计·小计"][1:] == (74317, "次", "[r]")
    assert totals["预约挂号服务统计表·合计·电话预约"][3] in ("", None)
    assert "修订标记" not in [c for r in book["自助终端"].iter_rows(values_only=True) for c in r]  # not revised
    package = json.loads((out / "data-2020-02" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["version"] == "1.1.0" and package["revisions"][0]["reason"] == "南京鼓楼医院报送更正"
    assert [c["text"] for c in package["revisions"][0]["changes"]] == DIFF
    # an unrevised month's documents say nothing of revisions
    write_all("2020-02", None, tmp_path / "plain")
    plain = json.loads((tmp_path / "plain" / "data-2020-02" / "datapackage.json").read_text(encoding="utf-8"))
    assert "revisions" not in plain and plain["version"] == "1.0.0"


# --- a revision killed or starved at any point ---------------------------------------------------

#: audit events of the calls that change files (``open`` counts only when it writes); removing a
#: folder is a step a kill may interrupt, never one that a full disk makes fail
_MUTATING = {"os.mkdir", "os.rename", "os.remove", "os.rmdir", "shutil.copyfile", "shutil.copytree",
             "shutil.rmtree", "os.link", "os.symlink", "ctypes.call_function"}
_NEVER_FULL = {"shutil.rmtree", "os.remove", "os.rmdir"}


def _writes(event: str, args: tuple) -> bool:
    if event == "open":
        mode, flags = args[1], args[2]
        return (isinstance(mode, str) and any(c in mode for c in "wax+")) or bool(
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
    return event in _MUTATING


def _in_child(step: int, action: str, fallback: bool, data: Path, source: Path) -> int:
    """Fork; the child ingests ``source`` with --force and, at its ``step``-th file-changing call,
    is killed (``kill``) or has the call fail with ENOSPC (``full``). Returns the child's wait status."""
    pid = os.fork()
    if pid:
        return os.waitpid(pid, 0)[1]
    try:  # the child: never returns into pytest
        seen = 0

        def hook(event: str, args: tuple) -> None:
            nonlocal seen
            if not _writes(event, args):
                return
            if action == "full" and event in _NEVER_FULL:
                return
            seen += 1
            if seen == step:
                if action == "kill":
                    os.kill(os.getpid(), signal.SIGKILL)
                raise OSError(28, "No space left on device")

        if fallback:  # a system without an atomic exchange of two folders: two renames
            from bulletin.data.revisions import writing

            writing.exchange_in_one_call = lambda a, b: False
        sys.addaudithook(hook)
        try:
            ingest_file(source, data_dir=data, force=True)
        except BulletinDataError:
            os._exit(2 if seen >= step else 3)
        os._exit(0 if seen < step else 4)  # 0: the step was never reached, the revision ran through
    except BaseException:  # noqa: BLE001
        import traceback

        (data.parent / "child-error.txt").write_text(traceback.format_exc(), encoding="utf-8")
        os._exit(5)


def _state(month: Path, new: dict[str, bytes]) -> str:
    """``old`` or ``new`` when the month folder holds one version whole (with what it must keep)."""
    if not month.is_dir():
        return "missing"
    current = files_of(month)
    if current == shipped_files() and not (month / "revisions").exists():
        return "old"
    kept = month / "revisions" / "1"
    if current == new and {n: b for n, b in files_of(kept).items() if n != "revision.json"} == shipped_files():
        assert [r.number for r in revisions.read(month)] == [1]
        return "new"
    return "mixed"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the steps are counted in a forked child")
@pytest.mark.parametrize("fallback", [False, True], ids=["atomic-exchange", "two-renames"])
@pytest.mark.parametrize("action", ["kill", "full"], ids=["killed", "disk-full"])
def test_a_revision_stopped_at_any_step_leaves_the_old_or_the_new_month_whole(tmp_path, action, fallback):
    source = write(tmp_path, corrected(raw_text()), "fix.txt")
    pristine = tmp_path / "pristine"
    pristine.mkdir()
    ingest_file(RAW, data_dir=pristine)
    done = tmp_path / "done"
    shutil.copytree(pristine, done)
    ingest_file(source, data_dir=done, force=True)
    new = files_of(done / "2020-02")
    seen_states = set()
    for step in range(1, 200):
        data = tmp_path / f"step{step}"
        shutil.copytree(pristine, data)
        status = _in_child(step, action, fallback, data, source)
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
            break  # every step was tried: this run reached its end before the step
        if action == "kill":
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (step, status)
        else:  # an error while assembling: one clean error; while cleaning up: ignored, the revision done
            assert os.WIFEXITED(status) and os.WEXITSTATUS(status) in (2, 4), (step, status)
        state = _state(data / "2020-02", new)
        if state == "missing":  # killed between the two renames: the old month is aside, whole
            assert fallback and action == "kill", step
            (aside,) = [p for p in data.iterdir() if ".revision-old-" in p.name]
            assert files_of(aside) == shipped_files()
        else:
            assert state in ("old", "new"), (step, state)
        if action == "full" and os.WEXITSTATUS(status) == 2:
            assert state == "old" and sorted(p.name for p in data.iterdir()) == ["2020-02"], step
        seen_states.add(state)
        # the next ingest repairs what was left (and, every few steps here, finishes the revision)
        with datalock.writing(data):
            revisions.recover(data)
        assert _state(data / "2020-02", new) in ("old", "new") and sorted(p.name for p in data.iterdir()) == [
            "2020-02"], step
        if step % 5 == 0 or state == "missing":
            ingest_file(source, data_dir=data, force=True)
            assert _state(data / "2020-02", new) == "new" and sorted(p.name for p in data.iterdir()) == ["2020-02"]
        shutil.rmtree(data)
    else:
        pytest.fail("the revision never ran to its end")
    assert step > 20  # the steps of a revision were all counted (files, folders, the exchange, the clean-up)
    assert {"old", "new"} <= seen_states
    assert ("missing" in seen_states) == (fallback and action == "kill")


# --- the data folder's lock ---------------------------------------------------------------------


def test_a_run_waits_for_an_ingest_then_gives_up_without_writing(data, tmp_path, monkeypatch):
    import io

    from bulletin.batch import Notebook, run_batch

    figures = Notebook("00_figures", "数字", FIXTURES / "notebooks" / "00_figures.ipynb")
    monkeypatch.setattr(datalock, "READ_WAIT", 0.2)
    out = tmp_path / "reports"
    with datalock.writing(data), pytest.raises(datalock.DataLockedError, match="being written by bulletin ingest"):
        run_batch(["2020-02"], data_dir=data, out=out, notebooks=[figures], progress=False, stream=io.StringIO())
    assert not out.exists()
    with datalock.writing(data), pytest.raises(datalock.DataLockedError):  # two ingests never write together
        ingest_file(RAW, data_dir=data)


# --- what readers see, and the reruns ------------------------------------------------------------


def test_a_revised_month_is_rerun_and_every_published_output_marks_it(data, correction, tmp_path):
    import io
    from html import unescape

    from pypdf import PdfReader

    from bulletin.batch import run_batch, section_notebooks

    out = tmp_path / "reports"

    def run():
        outcome = run_batch(["2020-02"], data_dir=data, out=out, notebooks=section_notebooks("00,02"), jobs=2,
                            progress=False, stream=io.StringIO())
        assert outcome.exit_code == 0
        return {j.name: j.status.value for j in outcome.jobs}, outcome.documents.get("2020-02", "")

    def page(name: str) -> str:
        return unescape((out / name).read_text(encoding="utf-8"))

    assert run()[0] == {"2020-02 00_overview": "ok", "2020-02 02_appointments": "ok"}
    assert "[r]" not in page("2020-02/02_appointments.html") and "修订" not in page("2020-02/index.html")
    assert run() == ({"2020-02 00_overview": "skipped", "2020-02 02_appointments": "skipped"}, "")
    ingest_file(correction, data_dir=data, force=True, reason="南京鼓楼医院报送更正")
    jobs, documents = run()  # the month's data changed: its sections and its documents run again
    assert jobs == {"2020-02 00_overview": "ok", "2020-02 02_appointments": "ok"} and documents.startswith("ok")
    assert run() == ({"2020-02 00_overview": "skipped", "2020-02 02_appointments": "skipped"}, "")

    section = page("2020-02/02_appointments.html")
    assert "1,819 [r]" in section and "11,291 [r]" in section and "25,308 [r]" in section and "74,317 [r]" in section
    assert "2,496 [r]" not in section and "18,417 [r]" not in section
    notice = "第1次修订（改动 5 处，原因：南京鼓楼医院报送更正）。标 [r] 的数字为修订后的数字。"
    assert notice in section and notice in page("2020-02/00_overview.html")
    month = page("2020-02/index.html")
    assert "本月数据已修订" in month and "第1次修订（" in month and "修订原因：南京鼓楼医院报送更正" in month
    assert all(line in month for line in DIFF)
    assert "数据已修订：" in page("index.html") and "（第1次，改动 5 处：南京鼓楼医院报送更正）" in page("index.html")
    summary = json.loads((out / "2020-02" / "summary.json").read_text(encoding="utf-8"))
    assert summary["revisions"][0]["number"] == 1 and summary["revisions"][0]["figures"] == 5
    pdf = "".join(p.extract_text() for p in PdfReader(out / "2020-02" / "bulletin-2020-02.pdf").pages)
    assert "南京鼓楼医院 1819 [r]" in pdf


# --------------------------------------------------------------------------- hostile round 4 (issue 27)


