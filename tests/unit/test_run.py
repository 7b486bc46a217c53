"""The monthly batch, tested the way papermill tests itself: run small real notebooks into tmp_path,
read the results back, assert on cells, outputs and the published files."""

from __future__ import annotations

import functools
import json
import os

import helpers
import pytest
from helpers import edit_csv, make_month

from bulletin import cache, paths
from bulletin.batch import Notebook

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
    import nbformat

    from bulletin.reader_pages import relativise

    data = tmp_path / "somewhere" / "data"
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("load()", outputs=[nbformat.v4.new_output(
        "error", ename="BulletinDataError", evalue=f"file {data}/2020-02/kiosks.csv: missing",
        traceback=[f"{data}/2020-02/kiosks.csv", f"{paths.PROJECT_ROOT}/src/bulletin/loaders.py"])]))
    relativise(nb, notebook=FIGURES.path, output_name="2020-02.failed/x.ipynb", data_dir=data)
    text = json.dumps(nb)
    assert str(tmp_path) not in text and str(paths.PROJECT_ROOT) not in text
    assert nb.cells[0].outputs[0].evalue == "file data/2020-02/kiosks.csv: missing"


def test_index_figures_unavailable_say_why(tmp_path):
    from bulletin.batch.figures import index_figures

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

    from bulletin.kernels import _Children

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

    from bulletin.kernels import clear_stale_folders

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


