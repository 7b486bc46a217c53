"""The monthly batch, tested the way papermill tests itself: run small real notebooks into tmp_path,
read the results back, assert on cells, outputs and the published files."""

from __future__ import annotations

import functools
import json
import os

import helpers
import nbformat
import pytest
from helpers import edit_csv, make_month

from bulletin.batch import Notebook
from bulletin.core import cache, paths

FIXTURES = helpers.FIXTURES / "notebooks"
FIGURES = Notebook("00_figures", "数字", FIXTURES / "00_figures.ipynb")

@pytest.fixture(autouse=True)
def _stable_code_hash(monkeypatch):
    """Other work may edit src/bulletin while these tests run; the skip tests need a fixed code hash."""
    monkeypatch.setattr(cache, "code_hash", functools.cache(lambda: "code"))


def test_a_previous_month_added_later_reruns_the_month_after(data_copy):
    def key(month):
        cache.forget()
        return cache.job_key(FIGURES.path, data_copy, month, with_code=False)

    before = key("2020-02")
    make_month(data_copy, "2020-03")
    assert key("2020-02") == before  # a later month changes nothing before it
    make_month(data_copy, "2020-01")
    with_previous = key("2020-02")
    assert with_previous != before  # sections compare with the month before: they must rerun
    edit_csv(data_copy / "2020-01" / "appointments.csv", "1067,18417", "1067,18418")
    assert key("2020-02") != with_previous


def test_the_trends_inputs_and_the_alias_table_are_in_the_key(data_copy):
    """07_trends reads every earlier month, and month-on-month matches names through units.csv."""
    def key(month):
        cache.forget()
        return cache.job_key(FIGURES.path, data_copy, month, with_code=False)

    make_month(data_copy, "2020-01")
    make_month(data_copy, "2019-12")
    before = key("2020-02")
    edit_csv(data_copy / "2019-12" / "appointments.csv", "1067,18417", "1067,18418")  # two months back
    changed = key("2020-02")
    assert changed != before
    (data_copy / "units.csv").write_text("canonical,alias,kind\n南京鼓楼医院,鼓楼医院,hospital\n", encoding="utf-8")
    assert key("2020-02") != changed
    assert "units.csv" in cache.month_inputs(data_copy, "2020-02")
    assert "2020-02/appointments.csv" in cache.month_inputs(data_copy, "2020-02")


def test_relativise_scrubs_error_messages_and_tracebacks(tmp_path):
    from bulletin.render.reader_pages import relativise

    data = tmp_path / "somewhere" / "data"
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("load()", outputs=[nbformat.v4.new_output(
        "error", ename="BulletinDataError", evalue=f"file {data}/2020-02/kiosks.csv: missing",
        traceback=[f"{data}/2020-02/kiosks.csv", f"{paths.PROJECT_ROOT}/src/bulletin/data/loaders.py"])]))
    relativise(nb, notebook=FIGURES.path, output_name="2020-02.failed/x.ipynb", data_dir=data)
    text = json.dumps(nb)
    assert str(tmp_path) not in text and str(paths.PROJECT_ROOT) not in text
    assert nb.cells[0].outputs[0].evalue == "file data/2020-02/kiosks.csv: missing"


def test_index_figures_unavailable_say_why(tmp_path):
    from bulletin.batch.month_index import index_figures

    figures = index_figures("2020-02", str(tmp_path / "no-data"))
    assert figures.headlines is None and figures.check is None
    assert [p.split(":")[0] for p in figures.problems] == ["headline figures", "check summary"]


def test_a_section_named_twice_runs_once():
    from bulletin.batch import section_notebooks

    assert [nb.stem for nb in section_notebooks("02,appointments, 2,kiosks")] == ["02_appointments", "06_kiosks"]


# --------------------------------------------------------------------------------------------
# Process safety: only live, unreaped children of our own are ever signalled


def test_the_fork_server_signals_only_children_it_has_not_reaped(monkeypatch):
    import signal
    import time

    from bulletin.batch.kernels.server import _Children

    class Selector:  # what reap() needs of the server's selector
        def unregister(self, conn):
            pass

    quick = os.fork()
    if quick == 0:
        os._exit(0)
    slow = os.fork()
    if slow == 0:
        time.sleep(60)
        os._exit(0)
    children = _Children()
    children.conns = {quick: None, slow: None}
    deadline = time.monotonic() + 10
    while quick in children.conns and time.monotonic() < deadline:
        children.reap(Selector())
        time.sleep(0.01)
    assert quick not in children.conns and slow in children.conns  # reaped: forgotten; alive: still ours

    sent = []
    real_kill = os.kill
    monkeypatch.setattr(os, "kill", lambda pid, sig: sent.append(("kill", pid, sig)) or real_kill(pid, sig))
    monkeypatch.setattr(os, "killpg", lambda pid, sig: sent.append(("killpg", pid, sig)))
    children.signal(quick, signal.SIGKILL)  # its ID may belong to anyone now: nothing is sent
    assert sent == []
    children.stop_all()  # the live one is killed and reaped, nobody else
    assert sent == [("killpg", slow, signal.SIGKILL), ("kill", slow, signal.SIGKILL)]
    assert children.conns == {}
    with pytest.raises(ChildProcessError):
        os.waitpid(slow, os.WNOHANG)  # already reaped by stop_all


def test_a_stale_fork_folder_is_removed_a_live_one_kept(tmp_path):
    from filelock import FileLock

    from bulletin.batch.kernels import clear_stale_folders

    dead = tmp_path / "bulletin-fork-dead"
    (dead / "kernels").mkdir(parents=True)
    (dead / "lock").write_text("")
    live = tmp_path / "bulletin-fork-live"
    live.mkdir()
    with FileLock(str(live / "lock")):
        assert clear_stale_folders(str(tmp_path)) == [dead]
    assert live.is_dir() and not dead.exists()


# --------------------------------------------------------------------------------------------
# The output folder never puts data or the package at risk


# --------------------------------------------------------------------------------------------
# Each way a run can fail ends with one line, the right exit code and nothing left behind


# --------------------------------------------------------------------------------------------
# A link under --out never takes a write outside it; a cell that never ends; a full disk


def test_the_manifest_replaces_a_link_in_staging_and_never_writes_through_it(tmp_path, data_copy):
    """A link slipped into a month's staging folder under the manifest's name, to a data file, is
    replaced by the manifest (written atomically, as every other file of the month is): the data
    file keeps its bytes; a staging folder that is itself a link out of the reports folder is refused."""
    from bulletin.core.errors import RunError

    out = tmp_path / "reports"
    staging = out / ".2020-02.staging"
    staging.mkdir(parents=True)
    kiosks = data_copy / "2020-02" / "kiosks.csv"
    before = kiosks.read_bytes()
    (staging / cache.MANIFEST).symlink_to(kiosks)
    sections = {"06_kiosks": {"key": "k", "title": "自助智能医疗服务终端"}}
    cache.write_manifest(staging, "2020-02", sections)
    assert kiosks.read_bytes() == before
    assert not (staging / cache.MANIFEST).is_symlink() and cache.read_manifest(staging)["sections"] == sections
    outside = out / ".2020-03.staging"
    outside.symlink_to(data_copy / "2020-02", target_is_directory=True)
    with pytest.raises(RunError, match="leads outside the reports folder"):
        cache.write_manifest(outside, "2020-03", sections, root=out)
    assert not (data_copy / "2020-02" / cache.MANIFEST).exists()




def test_a_cold_run_starts_its_fork_server_before_computing_the_digests(data_copy, tmp_path, monkeypatch):
    """The fork server warms up (about a second of imports) while the runner computes the digests
    of a reports folder new to the data, not after them; a run whose digests are all current starts
    none before its plan says there is work, and a server nobody took is stopped with the run."""
    import io

    from bulletin.batch import plan as planning
    from bulletin.batch import pool
    from bulletin.history import History

    events: list[str] = []

    class Server:
        def stop(self) -> None:
            events.append("stopped")

    monkeypatch.setattr(pool, "start_server", lambda: events.append("server") or Server())
    real_digest = History.digest
    monkeypatch.setattr(History, "digest", lambda self, m: events.append(f"digest {m}") or real_digest(self, m))
    run = planning.settings(data_dir=data_copy, out=tmp_path / "reports", notebooks=[FIGURES], jobs=1, force=False,
                            with_code=False, progress=False, stream=io.StringIO(), timeout=None)

    class Log:
        def note(self, line: str) -> None:
            events.append(line)

    with pool.EarlyServer() as early:
        history = planning.digests(["2020-02"], run, Log(), on_stale=early.start)
    assert events == ["server", "digest 2020-02", "stopped"]  # nothing took it: stopped with the run
    assert [h[2] for h in history.digest("2020-02")["headlines"][:1]] == [59507]  # 12320 calls, February 2020
    events.clear()
    with pool.EarlyServer() as early:
        planning.digests(["2020-02"], run, Log(), on_stale=early.start)  # every digest current now
        assert events == []  # none started before the plan
        early.take().stop()  # the pool starts its own when the plan has work, and stops it
    assert events == ["server", "stopped"]
