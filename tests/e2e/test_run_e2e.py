"""The monthly batch, tested the way papermill tests itself: run small real notebooks into tmp_path,
read the results back, assert on cells, outputs and the published files."""

from __future__ import annotations

import functools
import io
import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import helpers
import nbformat
import pytest
from helpers import edit_csv, make_month

from bulletin.batch import Notebook, run_batch, worker
from bulletin.cli import main
from bulletin.core import cache, paths
from bulletin.render.reader_pages import month_index_html, top_index_html

FIXTURES = helpers.FIXTURES / "notebooks"
#: the real job, kept before a test replaces it with a wrapper
_RUN_NOTEBOOK = worker.run_notebook
FIGURES = Notebook("00_figures", "数字", FIXTURES / "00_figures.ipynb")
CHART = Notebook("01_chart", "图表", FIXTURES / "01_chart.ipynb")
RAISES = Notebook("02_raises", "出错", FIXTURES / "02_raises.ipynb")
HANGS = Notebook("04_hangs", "不停", FIXTURES / "04_hangs.ipynb")

@pytest.fixture(autouse=True)
def _stable_code_hash(monkeypatch):
    """Other work may edit src/bulletin while these tests run; the skip tests need a fixed code hash."""
    monkeypatch.setattr(cache, "code_hash", functools.cache(lambda: "code"))


def _run(months, data, out, notebooks, **kw):
    log = io.StringIO()
    outcome = run_batch(months, data_dir=data, out=out, notebooks=notebooks, progress=False, stream=log, jobs=2, **kw)
    return outcome, log.getvalue()


@pytest.fixture(scope="module")
def _good_runs(tmp_path_factory, as_in_a_test):
    """One good run of the shipped February per set of notebooks, made once for this module: the
    "last good month" that many tests start from before they break something. Each test gets its own
    copy (:func:`good_month`), so what it breaks is its own."""
    made: dict[tuple[str, ...], Path] = {}

    def make(notebooks) -> Path:
        key = tuple(nb.stem for nb in notebooks)
        if key not in made:
            home = tmp_path_factory.mktemp("good-" + "-".join(key))
            shutil.copytree(paths.DEFAULT_DATA_DIR / helpers.REFERENCE_MONTH, home / "data" / helpers.REFERENCE_MONTH)
            with as_in_a_test(home, code_hash="code"):
                outcome, log = _run(["2020-02"], home / "data", home / "reports", list(notebooks))
            assert outcome.exit_code == 0 and outcome.published == ["2020-02"], log
            made[key] = home / "reports"
        return made[key]

    return make


@pytest.fixture
def good_month(tmp_path, data_copy, _good_runs):
    """``good_month(notebooks)``: ``tmp_path/"reports"`` as ``_run(["2020-02"], data_copy, out, notebooks)``
    leaves it (exit 0), copied from the module's one such run: the same bytes, manifests and digests
    (the keys are content hashes of the data, which ``data_copy`` holds too, and of the fixed code)."""

    def copy(notebooks=(FIGURES,)) -> Path:
        out = tmp_path / "reports"
        shutil.copytree(_good_runs(notebooks), out, symlinks=True)
        return out

    return copy


def _snapshot(folder: Path) -> dict[str, bytes]:
    """What a reports folder publishes (not the run logs nor the run lock)."""
    skipped = ("logs/", ".bulletin-run.lock", ".history/")  # the runner's own records and digests
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.relative_to(folder).as_posix().startswith(skipped)}


def _statuses(outcome) -> dict[str, str]:
    return {j.name: j.status for j in outcome.jobs}


def _stream_text(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def test_run_publishes_executes_and_skips(tmp_path, data_copy):
    make_month(data_copy, "2020-03")
    out = tmp_path / "reports"

    outcome, log = _run(["2020-02:2020-04"], data_copy, out, [FIGURES, CHART])
    assert outcome.exit_code == 0, log
    assert outcome.absent == ["2020-04"] and "2020-04" in log
    assert sorted(outcome.published) == ["2020-02", "2020-03"]
    # the chart notebook ran twice, each time in a fresh kernel (it fails if it sees its own state)
    assert _statuses(outcome) == {f"{m} {s}": "ok" for m in ("2020-02", "2020-03") for s in ("00_figures", "01_chart")}

    month = out / "2020-02"
    assert sorted(p.name for p in month.iterdir()) == sorted([
        "00_figures.html", "00_figures.ipynb", "01_chart.html", "01_chart.ipynb", "index.html", "manifest.json",
        "summary.json",
        "bulletin-2020-02.pdf", "bulletin-2020-02.docx", "tables-2020-02.xlsx", "data-2020-02",  # the documents
    ])
    nb = nbformat.read(month / "00_figures.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and 'month = "2020-02"' in injected[0].source
    assert "医院数 43" in _stream_text(nb) and "合计 74217" in _stream_text(nb)
    assert nb.metadata.papermill.input_path == "tests/fixtures/notebooks/00_figures.ipynb"
    assert nb.metadata.papermill.output_path == "2020-02/00_figures.ipynb"
    assert nb.metadata.papermill.parameters["data_dir"] == "data"
    chart = nbformat.read(month / "01_chart.ipynb", as_version=4)
    assert any("image/png" in o.get("data", {}) for c in chart.cells if c.cell_type == "code" for o in c.outputs)

    page = (month / "00_figures.html").read_text(encoding="utf-8")
    assert "医院数 43" in page and "<h1" in page and "预约挂号" in page
    assert "load(" not in page and "injected" not in page.lower().replace("injected-parameters", "")
    body = page[page.index("<main"):]
    assert "jp-InputPrompt" not in body and "jp-OutputPrompt" not in body and "In&nbsp;[" not in body
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?:", page)
    chart_page = (month / "01_chart.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in chart_page

    index = (month / "index.html").read_text(encoding="utf-8")
    assert 'href="00_figures.html"' in index and "数字" in index and "2020年2月" in index
    assert "59,507" in index and "74,217" in index  # headline figures, computed in a fork of the server
    assert "0 个错误" in index  # the check summary
    top = (out / "index.html").read_text(encoding="utf-8")
    assert top.index("2020-03/index.html") < top.index("2020-02/index.html")  # newest first

    for f in out.rglob("*"):
        if f.is_file():  # the documents are binary; the Word file and the workbook are zip archives
            blobs = [f.read_bytes()]
            if zipfile.is_zipfile(f):
                with zipfile.ZipFile(f) as z:
                    blobs += [z.read(n) for n in z.namelist()]
            for blob in blobs:
                assert str(tmp_path).encode() not in blob and str(paths.PROJECT_ROOT).encode() not in blob, f

    # unchanged: everything skipped, nothing rewritten
    before = _snapshot(out)
    outcome, log = _run(["2020-02", "2020-03"], data_copy, out, [FIGURES, CHART])
    assert set(_statuses(outcome).values()) == {"skipped"} and "unchanged" in log
    assert _snapshot(out) == before

    # one month's data changed: only that month reruns (2020-03 compares with 2020-02, not the reverse)
    edit_csv(data_copy / "2020-03" / "appointments.csv", "1067,18417", "1067,18418")
    outcome, _ = _run(["2020-02", "2020-03"], data_copy, out, [FIGURES])
    assert _statuses(outcome) == {"2020-02 00_figures": "skipped", "2020-03 00_figures": "ok"}
    assert "合计 74218" in _stream_text(nbformat.read(out / "2020-03" / "00_figures.ipynb", as_version=4))
    assert (out / "2020-03" / "01_chart.html").is_file()  # a section not rerun is carried over

    # --force reruns
    outcome, _ = _run(["2020-02"], data_copy, out, [FIGURES], force=True)
    assert _statuses(outcome) == {"2020-02 00_figures": "ok"}


def test_failure_keeps_the_last_good_month(tmp_path, data_copy, good_month):
    out = good_month([FIGURES])  # the last good month: a good run of FIGURES (exit 0)
    good = _snapshot(out)

    outcome, log = _run(["2020-02"], data_copy, out, [FIGURES, CHART, RAISES], force=True)
    assert outcome.exit_code == 1
    jobs = {j.notebook.stem: j for j in outcome.jobs}
    assert jobs["00_figures"].status == "ok" and jobs["01_chart"].status == "ok"  # the others carried on
    failed = jobs["02_raises"]
    assert failed.status == "failed" and failed.cell == 4
    assert failed.message == "ValueError: boom in 2020-02"
    assert "2020-02 02_raises" in log and "cell 4: ValueError: boom in 2020-02" in log
    published = {k: v for k, v in _snapshot(out).items() if not k.startswith("2020-02.failed/")}
    assert published == good  # the last good month, byte for byte; top index unchanged
    kept = nbformat.read(out / "2020-02.failed" / "02_raises.ipynb", as_version=4)
    assert any(o.get("output_type") == "error" for c in kept.cells if c.cell_type == "code" for o in c.outputs)
    assert str(tmp_path) not in json.dumps(kept)
    assert not list(out.glob(".2020-02.staging-*"))

    # a later run keeps the failure of a section it did not rerun, forgets those of sections that ran
    failed_dir = out / "2020-02.failed"
    (failed_dir / "00_figures.ipynb").write_bytes((failed_dir / "02_raises.ipynb").read_bytes())
    assert _run(["2020-02"], data_copy, out, [FIGURES], force=True)[0].exit_code == 0
    assert sorted(p.name for p in failed_dir.iterdir()) == ["02_raises.ipynb"]

    assert main(["run", "2020-02", "--data-dir", str(data_copy), "--out", str(out), "--sections", "nope"]) == 2


def test_a_month_that_cannot_be_published_stays_as_it_was(tmp_path, data_copy, monkeypatch, good_month):
    import errno

    from bulletin.render import reader_pages

    out = good_month([FIGURES])  # a good run of FIGURES (exit 0)
    good = _snapshot(out)

    def full_disk(staging, target):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr(reader_pages, "swap_in", full_disk)
    outcome, log = _run(["2020-02"], data_copy, out, [FIGURES], force=True)
    assert outcome.exit_code == 1 and outcome.failed_months == ["2020-02"]
    assert "2020-02 could not be published: 磁盘已满 (no space left on device)" in log and "Traceback" not in log
    assert "not published 2020-02 (the last good" in log
    assert _snapshot(out) == good and not list(out.glob(".2020-02*"))


def _worker_dies(*args):
    os._exit(1)


def test_a_worker_that_dies_fails_its_jobs_in_one_line(tmp_path, data_copy, monkeypatch):
    from bulletin.batch import worker

    monkeypatch.setattr(worker, "run_notebook", _worker_dies)  # the forked workers call it
    outcome, log = _run(["2020-02"], data_copy, tmp_path / "reports", [FIGURES, CHART])
    assert outcome.exit_code == 1 and outcome.published == [] and "Traceback" not in log
    assert {j.message for j in outcome.jobs} == {"not finished: a worker process died (killed, or out of memory?)"}
    assert not (tmp_path / "reports" / "2020-02").exists()


@pytest.mark.parametrize("month", ["../x", "2020-13", "2020-2", "2020-02:../x"])
def test_month_validated_before_anything_runs(tmp_path, month, capsys):
    out = tmp_path / "reports"
    assert main(["run", month, "--out", str(out)]) == 2
    assert "not a month" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("args, message", [
    (["--jobs", "0"], "--jobs must be 1 or more"),
    (["--jobs", "-1"], "--jobs must be 1 or more"),
    (["--sections", ","], "--sections names no section"),
    (["--sections", "9"], "unknown section '9'"),
    (["--out", "{file}"], "is a file, not a folder"),
    (["--out", "{file}/reports"], "cannot make the reports folder"),
    (["--data-dir", "{file}"], "is not a folder"),
    (["--data-dir", "{file}-nope"], "does not exist"),
    (["--timeout", "0"], "--timeout must be a number of seconds above 0"),
    (["--timeout", "nan"], "--timeout must be a number of seconds above 0"),
])
def test_bad_arguments_are_one_line(tmp_path, data_copy, capsys, args, message):
    (tmp_path / "file").write_text("not a folder")
    args = [a.format(file=tmp_path / "file") for a in args]
    argv = ["run", "2020-02", "--data-dir", str(data_copy), "--sections", "appointments", *args]
    if "--out" not in args:
        argv += ["--out", str(tmp_path / "reports")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "reports").exists()


def test_one_run_per_reports_folder_and_a_dead_runs_debris_cleared(tmp_path, data_copy, capsys):
    from filelock import FileLock

    out = tmp_path / "reports"
    out.mkdir()
    with FileLock(str(out / ".bulletin-run.lock")):  # as a run in progress holds it
        assert main(["run", "2020-02", "--data-dir", str(data_copy), "--out", str(out), "--sections", "2"]) == 2
    assert "another bulletin run is writing" in capsys.readouterr().err
    assert [p.name for p in out.iterdir() if p.name != ".bulletin-run.lock"] == []

    # what a run killed with SIGKILL leaves behind is removed by the next one
    (out / ".2020-02.staging-99999").mkdir()
    (out / ".2020-02.staging-99999" / "00_figures.html").write_text("half")
    (out / ".2020-01.old-99999").mkdir()  # a month renamed aside and not put back: restored
    (out / ".2020-01.old-99999" / "index.html").write_text("the last good January")
    (out / ".index.html.tmp-99999").write_text("half")
    outcome, log = _run(["2020-02"], data_copy, out, [FIGURES])
    assert outcome.exit_code == 0, log
    assert sorted(p.name for p in out.iterdir()) == [
        ".bulletin-run.lock", ".history", "2020-01", "2020-02", "index.html", "logs"]
    assert (out / "2020-01" / "index.html").read_text() == "the last good January"

    # a run with nothing to do clears the debris too
    (out / ".2020-02.staging-99998").mkdir()
    outcome, log = _run(["2020-02"], data_copy, out, [FIGURES])
    assert {j.status for j in outcome.jobs} == {"skipped"}
    assert not list(out.glob(".2020-02.staging-*"))


def test_only_absent_months(tmp_path, data_copy, capsys):
    assert main(["run", "2019-01", "--data-dir", str(data_copy), "--out", str(tmp_path / "r")]) == 2
    assert "2019-01" in capsys.readouterr().err

    # a range with gaps: the absent months in one line, as ranges
    assert main(["run", "2019-01:2020-01", "2020-03:2020-04", "--data-dir", str(data_copy),
                 "--out", str(tmp_path / "r")]) == 2
    absent = [line for line in capsys.readouterr().err.splitlines() if "absent" in line]
    assert len(absent) == 1 and "2019-01:2020-01, 2020-03:2020-04 不在数据目录中" in absent[0]


def test_data_strings_are_escaped(tmp_path, data_copy):
    evil = "<script>alert(1)</script>"
    edit_csv(data_copy / "2020-02" / "appointments.csv", "南京市儿童医院", evil)
    out = tmp_path / "reports"
    code = main(["run", "2020-02", "--data-dir", str(data_copy), "--out", str(out), "--sections", "appointments",
                 "--jobs", "1"])
    assert code == 0
    page = (out / "2020-02" / "02_appointments.html").read_text(encoding="utf-8")
    assert evil not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in (out / "2020-02" / "index.html").read_text(encoding="utf-8")

    finding = {"级别": "警告", "规则": evil, "表": evil, "单位": evil, "说明": evil}
    index = month_index_html("2020-02", [("02_x", evil)], {"headlines": [(evil, evil)],
                                                          "check_report": {"summary": evil, "findings": [finding]}})
    # the section's title twice (navigation, list), a headline's label and value, the summary, the
    # warning's rule among the counts (the month page shows no table of warnings)
    assert evil not in index and index.count("&lt;script&gt;") == 6
    error = {**finding, "级别": "错误"}
    index = month_index_html("2020-02", [], {"check_report": {"summary": "", "findings": [error]}})
    assert evil not in index and index.count("&lt;script&gt;") == 2  # an error's rule and its words
    top = top_index_html([("2020-02", [evil], {"headlines": [[evil, evil]]})])
    assert evil not in top and top.count("&lt;script&gt;") == 2


def test_with_code_keeps_code_but_not_the_injected_cell(tmp_path, data_copy):
    out = tmp_path / "reports"
    outcome, _ = _run(["2020-02"], data_copy, out, [FIGURES], with_code=True)
    assert outcome.exit_code == 0
    page = (out / "2020-02" / "00_figures.html").read_text(encoding="utf-8")
    body = page[page.index("<main"):]
    assert '<pre class="code">' in body and "appointments" in body  # the code is shown
    assert "# Parameters" not in body  # papermill's injected cell is not
    assert "jp-InputPrompt" not in body


_INTERRUPTED = """
import sys
from pathlib import Path
from bulletin.batch import Notebook, run_batch
fx = Path(sys.argv[1])
nbs = [Notebook("00_figures", "数字", fx / "00_figures.ipynb"), Notebook("03_slow", "慢", fx / "03_slow.ipynb")]
try:
    run_batch(["2020-02"], data_dir=sys.argv[2], out=sys.argv[3], notebooks=nbs, force=True, jobs=2, progress=False)
except KeyboardInterrupt:
    sys.exit(130)
"""


_CLI = """
import sys
from pathlib import Path
from bulletin.batch import jobs
from bulletin.cli import main
fx = Path(sys.argv[1])
nbs = [jobs.Notebook("00_figures", "数字", fx / "00_figures.ipynb"),
       jobs.Notebook("03_slow", "慢", fx / "03_slow.ipynb")]
jobs.section_notebooks = lambda keys=None: nbs
sys.exit(main(["run", "2020-02", "--data-dir", sys.argv[2], "--out", sys.argv[3], "--force", "--jobs", "2"]))
"""


def _ours(tmp_path: Path) -> list[str]:
    """Processes still alive that belong to a run under tmp_path (runner, workers, fork server, kernels)."""
    alive = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (cmdline.parent / "stat").read_text().split(") ")[-1][:1]
        except OSError:
            continue
        if str(tmp_path) in text and state != "Z":
            alive.append(f"{cmdline.parent.name}: {text}")
    return alive


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc to list processes")
@pytest.mark.parametrize("signame, code", [("SIGTERM", 128 + 15), ("SIGKILL", -9)])
def test_killed_run_leaves_no_process_and_no_half_month(tmp_path, data_copy, signame, code, good_month):
    import signal
    import subprocess
    import sys
    import time

    out = good_month([FIGURES])  # a good run of FIGURES (exit 0)
    good = _snapshot(out)
    proc = subprocess.Popen(
        [sys.executable, "-c", _CLI, str(FIXTURES), str(data_copy), str(out)],
        start_new_session=True, env=dict(os.environ, TMPDIR=str(tmp_path)),  # the fork server's socket in here
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not list(out.glob(".2020-02.staging-*/00_figures.html")):  # one job done, the slow one running
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.1)
    os.kill(proc.pid, getattr(signal, signame))  # the runner alone, as `kill` or the OOM killer does
    assert proc.wait(timeout=30) == code
    deadline = time.monotonic() + 10
    while _ours(tmp_path) and time.monotonic() < deadline:  # workers and kernels notice within a second
        time.sleep(0.2)
    assert _ours(tmp_path) == []
    assert not list(tmp_path.glob("bulletin-fork-*"))  # the fork server removed its socket
    debris = {k: v for k, v in _snapshot(out).items() if k.startswith(".")}
    assert {k: v for k, v in _snapshot(out).items() if k not in debris} == good
    if signame == "SIGKILL":  # no clean-up ran; the next run that writes clears the staging folder
        assert _run(["2020-02"], data_copy, out, [FIGURES], force=True)[0].exit_code == 0
    assert not list(out.glob(".2020-02*"))


def test_ctrl_c_leaves_the_last_good_month(tmp_path, data_copy, good_month):
    import signal
    import subprocess
    import sys
    import time

    out = good_month([FIGURES])  # a good run of FIGURES (exit 0)
    good = _snapshot(out)
    proc = subprocess.Popen(
        [sys.executable, "-c", _INTERRUPTED, str(FIXTURES), str(data_copy), str(out)],
        start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not list(out.glob(".2020-02.staging-*/00_figures.html")):  # one job done, the slow one running
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=30) == 130
    assert _snapshot(out) == good
    assert not list(out.glob(".2020-02*"))


# --------------------------------------------------------------------------------------------
# Process safety: only live, unreaped children of our own are ever signalled


def test_workers_never_signal_a_kernel_by_its_id(tmp_path, data_copy, monkeypatch):
    """Kernels are the fork server's children: the workers' provisioner asks the server instead."""
    record = tmp_path / "signals"

    def refuse(*args):
        with open(record, "a") as f:
            f.write(f"{args}\n")
        raise AssertionError("a worker signalled a process by its ID")

    monkeypatch.setattr(os, "kill", refuse)  # inherited by the forked workers
    monkeypatch.setattr(os, "killpg", refuse)
    outcome, log = _run(["2020-02"], data_copy, tmp_path / "reports", [FIGURES, CHART])
    monkeypatch.undo()
    assert outcome.exit_code == 0, log
    assert not record.exists()


def test_without_fork_the_batch_still_runs(tmp_path, data_copy, monkeypatch):
    """Where fork is missing (Windows) the workers are spawned and the kernels are stock ones."""
    import multiprocessing

    from bulletin.batch import kernels

    methods = []
    real_get_context = multiprocessing.get_context
    monkeypatch.setattr(kernels, "fork_available", lambda: False)
    monkeypatch.setattr(multiprocessing, "get_context", lambda m=None: methods.append(m) or real_get_context(m))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    out = tmp_path / "reports"
    outcome, log = _run(["2020-02"], data_copy, out, [FIGURES])
    assert outcome.exit_code == 0, log
    assert methods == ["spawn"]
    assert not list(tmp_path.glob("bulletin-fork-*"))  # no fork server was started
    nb = nbformat.read(out / "2020-02" / "00_figures.ipynb", as_version=4)
    assert "医院数 43" in _stream_text(nb) and "合计 74217" in _stream_text(nb)
    assert nb.metadata.kernelspec.name == "python3"


def test_published_notebooks_name_their_own_kernel(good_month):
    out = good_month([FIGURES])  # what a good run of FIGURES (exit 0) published
    nb = nbformat.read(out / "2020-02" / "00_figures.ipynb", as_version=4)
    assert nb.metadata.kernelspec.name == "python3"  # not the runner's bulletin-fork


# --------------------------------------------------------------------------------------------
# The output folder never puts data or the package at risk


@pytest.mark.parametrize("out", ["{data}", "{data}/2020-02", "{data}/2020-02/x", "{tmp}", "{link}", "{link}/sub",
                                 "{project_data}", "{notebooks}", "{package}", "{project}"])
def test_an_out_that_overlaps_the_data_or_the_package_is_refused(tmp_path, data_copy, capsys, out):
    (tmp_path / "link").symlink_to(data_copy)
    out = out.format(data=data_copy, tmp=tmp_path, link=tmp_path / "link", project_data=paths.DEFAULT_DATA_DIR,
                     notebooks=paths.NOTEBOOKS_DIR, package=cache.PACKAGE_DIR, project=paths.PROJECT_ROOT)
    before = _snapshot(data_copy)
    code = main(["run", "2020-02", "--data-dir", str(data_copy), "--out", out, "--sections", "2", "--force"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "overlaps the data folder" in err or "package's own folders" in err
    assert _snapshot(data_copy) == before and not (data_copy / "index.html").exists()


def test_an_out_that_lies_around_the_data_by_a_link_is_refused(tmp_path, data_copy, capsys):
    # the data folder is reached through a link that lies inside --out: resolved, they overlap
    out = tmp_path / "reports"
    out.mkdir()
    (out / "data").symlink_to(data_copy, target_is_directory=True)
    outer = tmp_path / "outer"
    outer.mkdir()
    (outer / "reports").symlink_to(data_copy.parent)
    code = main(["run", "2020-02", "--data-dir", str(outer / "reports" / "data"), "--out", str(tmp_path),
                 "--sections", "2"])
    assert code == 2 and "overlaps the data folder" in capsys.readouterr().err


def test_an_empty_out_is_refused(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["run", "2020-02", "--out", ""])
    assert stop.value.code == 2 and "--out is empty" in capsys.readouterr().err
    with pytest.raises(Exception, match="--out is empty"):
        run_batch(["2020-02"], out="", progress=False)


# --------------------------------------------------------------------------------------------
# Each way a run can fail ends with one line, the right exit code and nothing left behind


def _one_line_exit(argv, capsys, code):
    assert main(argv) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err and len([line for line in err.splitlines() if "bulletin run:" in line]) == 1, err
    return err


def test_an_unreadable_data_file_is_one_line(tmp_path, data_copy, capsys, monkeypatch):
    import pathlib

    blocked = data_copy / "2020-02" / "kiosks.csv"
    real = pathlib.Path.read_bytes

    def read_bytes(self):  # chmod 000 does not stop root, who may run the tests
        if self == blocked:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)
    out = tmp_path / "reports"
    err = _one_line_exit(["run", "2020-02", "--data-dir", str(data_copy), "--out", str(out), "--sections", "2"],
                         capsys, 2)
    assert f"cannot read {blocked}: Permission denied" in err
    assert not out.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_in_place_of_a_csv_hangs_neither_check_nor_run(tmp_path, data_copy):
    import subprocess
    import sys

    fifo = data_copy / "2020-02" / "kiosks.csv"
    fifo.unlink()
    os.mkfifo(fifo)
    out = tmp_path / "reports"
    for args, code in ((["check", "2020-02"], 2), (["run", "2020-02", "--out", str(out), "--sections", "2"], 2)):
        proc = subprocess.run([sys.executable, "-m", "bulletin.cli", *args, "--data-dir", str(data_copy)],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == code, proc.stderr
        assert "not a regular file" in proc.stderr and "kiosks.csv" in proc.stderr
        assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert not out.exists()


@pytest.mark.parametrize("what", ["file", "symlink", "index-folder"])
def test_a_path_in_reports_the_tool_did_not_make_is_refused(tmp_path, data_copy, capsys, what):
    out = tmp_path / "reports"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if what == "file":
        (out / "2020-02").write_text("mine")
    elif what == "symlink":
        (out / "2020-02").symlink_to(elsewhere, target_is_directory=True)
    else:
        (out / "index.html").mkdir()
    before = _snapshot(out)
    err = _one_line_exit(["run", "2020-02", "--data-dir", str(data_copy), "--out", str(out), "--sections", "2"],
                         capsys, 2)
    assert "move it away" in err
    assert _snapshot(out) == before and list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in out.iterdir()) == sorted(["2020-02" if what != "index-folder" else "index.html"])


def test_a_top_index_that_cannot_be_written_is_a_note_and_exit_1(tmp_path, data_copy, monkeypatch):
    import errno

    from bulletin.render import reader_pages

    def no_inodes(out):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(out / "index.html"))

    monkeypatch.setattr(reader_pages, "write_top_index", no_inodes)
    out = tmp_path / "reports"
    outcome, log = _run(["2020-02"], data_copy, out, [FIGURES])
    assert outcome.exit_code == 1 and outcome.published == ["2020-02"]
    assert "note: the top index page could not be written: 磁盘已满 (no space left on device)" in log
    assert "bulletin run: 1 ran, 0 skipped, 0 failed" in log and "Traceback" not in log
    assert not list(out.glob(".*tmp-*"))


def test_an_interrupt_before_the_run_takes_charge_is_one_line(monkeypatch, capsys):
    from bulletin.batch import jobs

    def interrupted(keys=None):  # Ctrl-C while the command reads its arguments
        raise KeyboardInterrupt

    monkeypatch.setattr(jobs, "section_notebooks", interrupted)
    assert main(["run", "2020-02"]) == 130
    assert capsys.readouterr().err.strip() == "bulletin run: interrupted"


def test_a_fork_server_killed_outright_leaves_no_traceback_and_no_folder(tmp_path, monkeypatch):
    import signal
    import socket

    from bulletin.batch.kernels import ForkedKernel, ForkServer

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    server = ForkServer().start()
    server.wait_ready()
    assert server.folder.parent == tmp_path
    server.process.send_signal(signal.SIGKILL)  # our own child, not yet reaped
    server.process.wait()
    server.stop()  # writes to a closed pipe: no BrokenPipeError
    assert not server.folder.exists()
    a, b = socket.socketpair()
    b.close()
    kernel = ForkedKernel(a, 12345)  # its server is gone
    kernel.send_signal(signal.SIGINT)
    assert kernel.poll() is not None


def test_no_absolute_data_path_in_published_notebooks_whatever_its_characters(tmp_path, data_copy):
    import shutil

    name = '数据 目录 "引号\' back\\slash'
    if os.name == "posix":
        name += "\nnewline"
    data = tmp_path / "上级 folder" / name
    data.parent.mkdir()
    shutil.move(data_copy, data)
    out = tmp_path / "reports"
    outcome, log = _run(["2020-02"], data, out, [FIGURES, RAISES])
    assert outcome.exit_code == 1, log  # RAISES fails by design: its kept notebook is checked too
    files = [out / "2020-02.failed" / "02_raises.ipynb"]
    assert outcome.failed_months == ["2020-02"]
    outcome, log = _run(["2020-02"], data, out, [FIGURES])
    files += [out / "2020-02" / "00_figures.ipynb", out / "2020-02" / "00_figures.html"]
    for f in files:
        raw = f.read_text(encoding="utf-8")
        for form in (str(data), json.dumps(str(data))[1:-1], json.dumps(str(data), ensure_ascii=False)[1:-1],
                     repr(str(data))[1:-1], str(tmp_path), json.dumps(str(tmp_path))[1:-1]):
            assert form not in raw, (f.name, form)
    nb = nbformat.read(out / "2020-02" / "00_figures.ipynb", as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert 'month = "2020-02"' in injected.source and "data_dir = " in injected.source
    assert nb.metadata.papermill.parameters["data_dir"] == name  # the folder's own name, no path
    assert "医院数 43" in _stream_text(nb)


def test_the_run_log_records_what_ran(tmp_path, data_copy):
    out = tmp_path / "reports"
    _run(["2020-02"], data_copy, out, [FIGURES, RAISES])
    outcome, console = _run(["2020-02"], data_copy, out, [FIGURES])
    logs = sorted((out / "logs").glob("run-*.log"))
    assert len(logs) == 2 and outcome.log_file == logs[-1]
    first = logs[0].read_text(encoding="utf-8")
    assert "package bulletin 0.1.0, code sha256 code" in first  # the tests fix the code hash to "code"
    digest = cache.file_hash(data_copy / "2020-02" / "appointments.csv")
    assert f"input data/2020-02/appointments.csv sha256 {digest}" in first
    assert f"input tests/fixtures/notebooks/00_figures.ipynb sha256 {cache.file_hash(FIGURES.path)}" in first
    assert "job 2020-02 02_raises failed" in first and "cell 4 ValueError: boom in 2020-02" in first
    assert "not published 2020-02" in first and "exit code 1" in first
    second = logs[1].read_text(encoding="utf-8")
    assert "job 2020-02 00_figures ok" in second and "check 2020-02: 2020年2月：0 个错误" in second
    assert "published 2020-02" in second and re.search(r"documents 2020-02 ok \d+\.\d\ds", second)
    assert "sha256" not in console and len(console.splitlines()) <= 4  # the console stays short

    manifest = cache.read_manifest(out / "2020-02")
    provenance = manifest["provenance"]
    assert provenance["version"] == "0.1.0" and provenance["code"] == "code"
    assert provenance["data"] == cache.data_hash(data_copy, "2020-02")[:12]
    page = (out / "2020-02" / "index.html").read_text(encoding="utf-8")
    assert f"由 bulletin 0.1.0（代码 code）根据数据 {provenance['data']} 生成" in page


def test_an_install_without_the_provisioner_entry_point_is_one_line(tmp_path, data_copy, monkeypatch, capsys):
    import importlib.metadata

    real = importlib.metadata.entry_points
    monkeypatch.setattr(importlib.metadata, "entry_points",
                        lambda **kw: [] if kw.get("group") == "jupyter_client.kernel_provisioners" else real(**kw))
    out = tmp_path / "reports"
    code = main(["run", "2020-02", "--data-dir", str(data_copy), "--out", str(out), "--sections", "2"])
    err = capsys.readouterr().err
    assert code == 2 and "bulletin-fork-provisioner is not registered" in err and "make setup" in err
    assert not list(out.glob(".2020-02*")) and not (out / "2020-02").exists()


def test_a_kernel_that_never_started_is_tried_once_more(tmp_path, data_copy, monkeypatch):
    """A kernel that dies before it has run anything (a loaded machine) does not fail the month;
    a notebook's own error is not retried."""
    import papermill

    from bulletin.batch.kernels import KernelStartError

    real = papermill.execute_notebook
    calls = {"n": 0}

    def flaky(*args, **kwargs):  # the first start in each worker process fails, as on a loaded machine
        calls["n"] += 1
        if calls["n"] == 1:
            raise KernelStartError("Kernel died before replying to kernel_info")
        return real(*args, **kwargs)

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    out = tmp_path / "reports"
    outcome, log = _run(["2020-02"], data_copy, out, [FIGURES, CHART])
    assert outcome.exit_code == 0 and outcome.published == ["2020-02"], log
    assert _statuses(outcome) == {"2020-02 00_figures": "ok", "2020-02 01_chart": "ok"}

    calls["n"] = 0
    outcome, log = _run(["2020-02"], data_copy, out, [RAISES], force=True)
    failed = outcome.jobs[0]
    assert failed.status == "failed" and "boom" in failed.message  # retried past the start, then its own error


# --------------------------------------------------------------------------------------------
# A link under --out never takes a write outside it; a cell that never ends; a full disk


def _data_files(data: Path) -> dict[str, bytes]:
    return {p.relative_to(data).as_posix(): p.read_bytes() for p in sorted(data.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("link, to", [
    (".history", ""),  # the run would write DATA/2020-02.json
    (".history", "2020-02"),  # … DATA/2020-02/2020-02.json, inside the month
    ("logs", ""),  # the run log into DATA
    (".bulletin-run.lock", "2020-02/kiosks.csv"),  # taking the lock truncates the file it opens
])
def test_a_link_under_out_that_leads_outside_is_refused_where_it_is_written(tmp_path, data_copy, capsys, monkeypatch,
                                                                            link, to):
    from bulletin.batch import jobs

    monkeypatch.setattr(jobs, "section_notebooks", lambda keys=None: [FIGURES])
    out = tmp_path / "reports"
    out.mkdir()
    (out / link).symlink_to(data_copy / to)
    before = _data_files(data_copy)
    err = _one_line_exit(["run", "2020-02", "--data-dir", str(data_copy), "--out", str(out)], capsys, 2)
    assert f"{out / link}" in err and "leads outside the reports folder" in err and "remove the link" in err
    assert _data_files(data_copy) == before  # nothing written, truncated or added in the data
    assert not (out / "2020-02").exists()


def test_a_failed_notebook_is_not_kept_through_a_link_to_the_data(tmp_path, data_copy):
    out = tmp_path / "reports"
    out.mkdir()
    (out / "2020-02.failed").symlink_to(data_copy / "2020-02", target_is_directory=True)
    before = _data_files(data_copy)
    outcome, log = _run(["2020-02"], data_copy, out, [RAISES])
    assert outcome.exit_code == 1 and outcome.failed_months == ["2020-02"]
    assert f"{out / '2020-02.failed' / '02_raises.ipynb'} leads outside the reports folder" in log
    assert _data_files(data_copy) == before and not (out / "2020-02").exists()


def test_a_link_in_a_published_month_is_not_carried_over(tmp_path, data_copy, capsys, monkeypatch, good_month):
    out = good_month([FIGURES, CHART])  # a good run of both (exit 0)
    page = out / "2020-02" / "00_figures.html"
    page.unlink()
    page.symlink_to(data_copy / "2020-02" / "kiosks.csv")
    good = _snapshot(out)
    before = _data_files(data_copy)
    with pytest.raises(Exception, match=r"00_figures.html is a symbolic link; the run publishes only files it made"):
        _run(["2020-02"], data_copy, out, [CHART], force=True)  # 00_figures would be carried over
    assert _snapshot(out) == good and _data_files(data_copy) == before
    assert not list(out.glob(".2020-02*"))


def _link_then_run(month, nb, data_param, data_dir, staging, *args, **kwargs):
    """As if someone slipped a link to a data file into the staging folder under the run, before the job writes."""
    (Path(staging) / "00_figures.html").symlink_to(Path(data_dir) / month / "kiosks.csv")
    return _RUN_NOTEBOOK(month, nb, data_param, data_dir, staging, *args, **kwargs)


def test_a_link_in_a_staging_folder_is_replaced_not_written_through(tmp_path, data_copy, monkeypatch):
    monkeypatch.setattr(worker, "run_notebook", _link_then_run)  # the forked workers call it (by name)
    before = _data_files(data_copy)
    out = tmp_path / "reports"
    outcome, _ = _run(["2020-02"], data_copy, out, [FIGURES])
    assert outcome.exit_code == 0
    assert _data_files(data_copy) == before  # the page went into the reports folder, not into kiosks.csv
    page = out / "2020-02" / "00_figures.html"
    assert not page.is_symlink() and "<html" in page.read_text(encoding="utf-8")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to see the kernel's process")
def test_a_cell_that_never_ends_times_out_named_and_leaves_no_kernel(tmp_path, data_copy, good_month):
    import time

    out = good_month([FIGURES])  # a good run of FIGURES (exit 0)
    good = _snapshot(out)
    started = time.monotonic()
    outcome, log = _run(["2020-02"], data_copy, out, [FIGURES, HANGS], force=True, timeout=2)
    assert time.monotonic() - started < 60
    assert outcome.exit_code == 1 and outcome.failed_months == ["2020-02"] and outcome.published == []
    line = next(line for line in log.splitlines() if "2020-02 04_hangs" in line)
    assert "FAILED" in line and "timed out: a cell ran longer than the 2 s limit (--timeout)" in line, log
    assert {k: v for k, v in _snapshot(out).items() if not k.startswith("2020-02.failed/")} == good
    pid = int((tmp_path / "kernel.pid").read_text())
    for _ in range(100):  # the kernel was shut down (and reaped by the process that forked it)
        if not Path(f"/proc/{pid}").exists():
            break
        time.sleep(0.05)
    assert not Path(f"/proc/{pid}").exists(), f"kernel {pid} still running"


def test_a_full_disk_is_named_and_nothing_is_half_written(tmp_path, data_copy, monkeypatch, good_month):
    import errno

    import papermill.iorw

    from bulletin.core import files

    out = good_month([FIGURES])  # a good run of FIGURES (exit 0)
    good = _snapshot(out)

    def full(path, text, **kw):  # the package's own writes, in the workers (forked: they inherit this)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(files, "write_text_atomic", full)
    outcome, log = _run(["2020-02"], data_copy, out, [FIGURES, CHART], force=True)
    assert outcome.exit_code == 1 and outcome.published == []
    for stem in ("00_figures", "01_chart"):
        line = next(line for line in log.splitlines() if f"2020-02 {stem}" in line)
        assert "FAILED" in line and "could not write: 磁盘已满 (no space left on device)" in line, log
    assert "NotJSONError" not in log and "Traceback" not in log
    assert _snapshot(out) == good and not list(out.glob(".2020-02*"))

    # papermill's own write of the notebook, cut short by the full disk (what users saw as
    # "NotJSONError: Notebook does not appear to be JSON: ''")
    def cut_short(self, buf, path):
        Path(path).write_text("", encoding="utf-8")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)

    monkeypatch.undo()
    monkeypatch.setattr(papermill.iorw.LocalHandler, "write", cut_short)
    outcome, log = _run(["2020-02"], data_copy, out, [FIGURES], force=True)
    line = next(line for line in log.splitlines() if "2020-02 00_figures" in line)
    assert "FAILED" in line and "磁盘已满 (no space left on device)" in line and "NotJSONError" not in log, log
    assert _snapshot(out) == good and not list(out.glob(".2020-02*"))

    # the documents, and the digests kept in .history
    from bulletin import history
    from bulletin.render import documents

    monkeypatch.undo()
    monkeypatch.setattr(documents, "write_all", lambda month, data, folder: full(Path(folder) / "x.pdf", ""))
    monkeypatch.setattr(history, "write_stored", lambda folder, digest: full(folder / "2020-02.json", ""))
    (out / ".history" / "2020-02.json").unlink()
    outcome, log = _run(["2020-02"], data_copy, out, [FIGURES], force=True)
    assert outcome.exit_code == 1 and outcome.published == []
    assert "2020-02 not published: documents: could not write: 磁盘已满 (no space left on device)" in log, log
    assert "digest 2020-02: could not be kept: 磁盘已满 (no space left on device)" in \
        outcome.log_file.read_text(encoding="utf-8")
    assert _snapshot(out) == good and not list(out.glob(".2020-02*"))


@pytest.mark.parametrize("edit", ["page", "summary", "notebook", "workbook"])
def test_a_published_file_changed_by_hand_is_redone_not_skipped(tmp_path, data_copy, edit, good_month):
    out = good_month([FIGURES, CHART])  # a good run of both (exit 0)
    month = out / "2020-02"
    published = {name: (month / name).read_bytes() for name in ("00_figures.html", "index.html", "summary.json")}
    name = {"page": "00_figures.html", "summary": "summary.json", "notebook": "00_figures.ipynb",
            "workbook": "tables-2020-02.xlsx"}[edit]
    if edit == "summary":
        (month / name).write_text("null", encoding="utf-8")
    elif edit == "workbook":
        (month / name).write_bytes(b"PK\x03\x04 not the workbook")
    else:
        text = (month / name).read_text(encoding="utf-8")
        (month / name).write_text(text.replace("2020", "2030"), encoding="utf-8")
    edited = (month / name).read_bytes()

    outcome, log = _run(["2020-02"], data_copy, out, [FIGURES, CHART])
    assert outcome.exit_code == 0 and outcome.published == ["2020-02"]
    statuses = _statuses(outcome)
    assert statuses["2020-02 01_chart"] == "skipped"  # what was not touched is still not redone
    if edit == "summary":
        assert statuses["2020-02 00_figures"] == "skipped"
        line = "2020-02: published again (summary.json differs from what the run published (edited since?))"
    elif edit == "workbook":
        assert statuses["2020-02 00_figures"] == "skipped"
        line = f"2020-02 documents: made again ({name} differs from what the run published (edited since?))"
    else:
        assert statuses["2020-02 00_figures"] == "ok"
        line = f"2020-02 00_figures: run again ({name} differs from what the run published (edited since?))"
    logged = outcome.log_file.read_text(encoding="utf-8")
    assert logged.count(line) == 1, logged
    assert (month / name).read_bytes() != edited
    for page, data in published.items():  # what the run publishes again, as it first did
        assert (month / page).read_bytes() == data, page
    if edit == "workbook":
        assert zipfile.is_zipfile(month / name)
    summary = json.loads((month / "summary.json").read_text(encoding="utf-8"))
    assert isinstance(summary, dict) and summary

    # and now it is unchanged: skipped, nothing said
    outcome, _ = _run(["2020-02"], data_copy, out, [FIGURES, CHART])
    assert set(_statuses(outcome).values()) == {"skipped"} and outcome.published == []


def test_a_linked_document_folder_is_made_again_not_copied_through(tmp_path, data_copy, good_month):
    out = good_month([FIGURES])  # a good run of FIGURES (exit 0)
    package = out / "2020-02" / "data-2020-02"
    shutil.rmtree(package)
    package.symlink_to(data_copy / "2020-02", target_is_directory=True)  # the data's own month folder
    before = _data_files(data_copy)
    outcome, _ = _run(["2020-02"], data_copy, out, [FIGURES])
    assert outcome.exit_code == 0 and outcome.published == ["2020-02"]
    assert "2020-02 documents: made again (data-2020-02 is a link" in outcome.log_file.read_text(encoding="utf-8")
    assert not package.is_symlink() and (package / "datapackage.json").is_file()
    assert _data_files(data_copy) == before


class _Console(io.StringIO):
    """A stream that says whether it is a terminal (a CI log or a cron mail is not)."""

    def __init__(self, terminal: bool) -> None:
        super().__init__()
        self.terminal = terminal

    def isatty(self) -> bool:
        return self.terminal


def test_progress_off_a_terminal_is_one_plain_line_a_finished_job(tmp_path, data_copy):
    log = _Console(terminal=False)
    outcome = run_batch(["2020-02"], data_dir=data_copy, out=tmp_path / "reports", notebooks=[FIGURES, RAISES],
                        progress=True, stream=log, jobs=2)
    text = log.getvalue()
    assert outcome.exit_code == 1 and "\r" not in text
    lines = [line for line in text.splitlines() if line.startswith("bulletin run [")]
    assert len(lines) == 2 and sorted(line[:17] for line in lines) == ["bulletin run [1/2", "bulletin run [2/2"]
    ok = next(line for line in lines if "2020-02 00_figures" in line)
    failed = next(line for line in lines if "2020-02 02_raises" in line)
    assert re.search(r"\] 2020-02 00_figures  ok +\d+\.\ds$", ok), ok
    assert re.search(r"\] 2020-02 02_raises  FAILED +\d+\.\ds cell \d+: ", failed), failed


def test_progress_on_a_terminal_is_tqdm_redrawn_in_place():
    from bulletin.batch import JobResult, JobStatus, pool
    from bulletin.batch.jobs import Job
    from bulletin.batch.plan import Settings

    def shown(terminal: bool, progress: bool = True) -> str:
        stream = _Console(terminal)
        run = Settings(Path("data"), None, Path("reports"), (FIGURES,), 1, False, False, progress, stream, None)
        bar = pool.progress_for(2, run)
        for n, nb in enumerate([FIGURES, CHART], start=1):
            job = Job("2020-02", nb, "key")
            job.record(JobResult(JobStatus.OK, seconds=1.25 * n))
            bar.job_done(job, 0)
        bar.close()
        return stream.getvalue()

    on_terminal = shown(terminal=True)
    assert "\r" in on_terminal and "2/2" in on_terminal and "bulletin run [" not in on_terminal
    assert shown(terminal=False).splitlines() == ["bulletin run [1/2] 2020-02 00_figures  ok         1.2s",
                                                  "bulletin run [2/2] 2020-02 01_chart  ok         2.5s"]
    assert shown(terminal=False, progress=False) == shown(terminal=True, progress=False) == ""
