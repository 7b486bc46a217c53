"""``bulletin run``: execute every section notebook for some months and publish the results.

For each (month, section) job papermill executes the section notebook with ``month`` and
``data_dir`` injected (a tagged ``injected-parameters`` cell, as papermill always does); the
executed notebook and its reader's HTML are written into a staging folder, and when every job of
the month has succeeded the staging folder replaces ``reports/YYYY-MM/`` (:func:`publish.swap_in`).
A month with a failed job is not published: its last good folder stays exactly as it was and the
failed notebook is kept in ``reports/YYYY-MM.failed/`` for inspection. One run at a time writes a
reports folder (a :mod:`filelock` lock, ``reports/.bulletin-run.lock``: a second run stops with
one line); a run stopped by Ctrl-C or ``kill`` cleans up after itself, and what a ``kill -9``
leaves the next run removes (or puts back: a month caught between its two renames). Every run
writes a log, ``reports/logs/`` (:mod:`bulletin.runlog`).

The output folder may never overlap the data folder or the package's own folders
(:func:`check_out_dir`): publishing replaces folders.

Speed (see ``bench/bench_run.py``): kernels are forks of one warmed parent
(:mod:`bulletin.execute`), so a notebook pays neither a Python start nor the pandas/matplotlib
imports, yet every section runs in a brand-new process; kernels are shut down immediately; the
runner never imports ``rfc3987_syntax`` (jsonschema builds a grammar at its import, ~1 s, and the
notebook schema has no IRI formats to check); an unchanged rerun only hashes files. Where ``fork``
is missing (Windows) the workers are spawned and the kernels are stock ones: slower, same results.
"""

from __future__ import annotations

import argparse
import enum
import hashlib
import os
import shutil
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from . import cache, datalock, paths
from .errors import RunError
from .months import expand_months, is_month, month_label, next_month

LOCK_NAME = ".bulletin-run.lock"


class JobStatus(enum.StrEnum):
    """What became of a job (a closed set; compares equal to its string value)."""

    PENDING = "pending"
    OK = "ok"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class Notebook:
    """One section notebook as the runner sees it."""

    stem: str  # NN_name: the output file names
    title: str  # Chinese, shown on the index pages
    path: Path
    #: which months it reads (``bulletin.sections.READS``); a notebook not of the registry reads all
    reads: str = "history"
    #: whether it shows the month's check report (compared with every earlier month's digest)
    checks: bool = False


@dataclass(frozen=True)
class JobResult:
    """What a worker reports back for one job."""

    status: JobStatus
    seconds: float = 0.0
    message: str = ""
    cell: int | None = None


@dataclass
class Job:
    """One (month, section) notebook run; ``key`` is its inputs' hash (:func:`bulletin.cache.job_key`)."""

    month: str
    notebook: Notebook
    key: str
    status: JobStatus = JobStatus.PENDING
    seconds: float = 0.0
    message: str = ""
    cell: int | None = None
    #: kept with the job's entry in the month's manifest (the check history it was keyed on)
    extra: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.month} {self.notebook.stem}"

    def record(self, result: JobResult) -> None:
        self.status, self.seconds, self.message, self.cell = result.status, result.seconds, result.message, result.cell


@dataclass
class Outcome:
    """What a batch did: every job's status, the months absent from the data, published, not published."""

    jobs: list[Job] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    failed_months: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # for the operator, printed with the summary
    checks: dict[str, str] = field(default_factory=dict)  # month -> check summary (for the log)
    documents: dict[str, str] = field(default_factory=dict)  # month -> the documents job's fate (for the log)
    log_file: Path | None = None

    notes_are_failures: bool = False  # a note that means the run did not do all it should (exit 1)

    @property
    def exit_code(self) -> int:
        failed = self.failed_months or any(j.status == JobStatus.FAILED for j in self.jobs)
        return 1 if failed or self.notes_are_failures else 0


def section_notebooks(keys: str | None = None) -> list[Notebook]:
    """The registry's sections as notebooks, optionally only ``keys`` (``"appointments,06"``)."""
    from .sections import SECTIONS, section

    chosen = SECTIONS
    if keys is not None:
        names = ", ".join(s.name for s in SECTIONS)
        try:
            # each section once, in the order asked (a section named twice would race with itself)
            chosen = tuple(dict.fromkeys(section(k.strip()) for k in keys.split(",") if k.strip()))
        except KeyError as exc:
            raise RunError(f"unknown section {exc.args[0]!r}; sections are {names}") from None
        if not chosen:
            raise RunError(f"--sections names no section; sections are {names}")
    return [Notebook(s.stem, s.title, s.notebook, s.reads, s.checks) for s in chosen]


def parse_months(specs: Iterable[str]) -> list[str]:
    """Every month the arguments name, each validated (``../x`` is refused), in order, once."""
    seen: dict[str, None] = {}
    for spec in specs:
        for m in expand_months(spec):
            seen.setdefault(m, None)
    return list(seen)


# --------------------------------------------------------------------------------------------
# Work done in the pool's processes


_SERVER_ADDRESS: str | None = None


def _init_worker(address: str | None, kernel_path: str | None, server_stdin: int | None) -> None:
    import signal
    import threading

    global _SERVER_ADDRESS
    _SERVER_ADDRESS = address
    if kernel_path:  # where jupyter_client finds the `bulletin-fork` kernel spec (documented by jupyter_core)
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [kernel_path, os.environ.get("JUPYTER_PATH")]))
    if server_stdin is not None:  # inherited by fork; the server stops when the runner closes it
        os.close(server_stdin)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runner handles Ctrl-C and stops us
    for name in ("SIGTERM", "SIGHUP"):  # not the runner's handlers: terminate() must end a worker
        sig = getattr(signal, name, None)
        if sig is not None and callable(signal.getsignal(sig)):  # an ignored one (nohup) stays ignored
            signal.signal(sig, signal.SIG_DFL)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """A worker whose runner was killed (``kill -9``) would wait for work forever: exit instead.

    The pool's pipes stay open in every worker, so no end-of-file tells them; the parent's pid does
    (ipykernel's parent poller does the same).
    """
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


def _failure(exc: BaseException, seconds: float) -> JobResult:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        last = (f"{exc.ename}: {exc.evalue}".strip().splitlines() or [exc.ename])[-1]
        return JobResult(JobStatus.FAILED, seconds, last, exc.exec_count)
    return JobResult(JobStatus.FAILED, seconds, _last_line(exc))


#: what jupyter_client says when a kernel dies or stays silent before it has run anything
#: (on a loaded machine, e.g. a port taken between its choice and the kernel's bind)
_KERNEL_START_FAILURES = ("Kernel died before replying to kernel_info", "Kernel didn't respond in",
                          "the forked kernel ended before it was ready")


def _kernel_never_started(exc: BaseException) -> bool:
    """Whether ``exc`` is a kernel that failed to start: the job is tried once more in a new kernel."""
    return isinstance(exc, RuntimeError) and any(text in str(exc) for text in _KERNEL_START_FAILURES)


def _execute(month: str, nb: Notebook, data_param: str | None, data_dir: Path, staging: str,
             failed_dir: str, with_code: bool) -> JobResult:
    """Run one notebook into ``staging``; on error keep it in ``failed_dir``.

    ``data_param`` is what the notebook receives (None: its own default, as in JupyterLab);
    ``data_dir`` is the folder that means, scrubbed from the outputs whichever way it was chosen.
    """
    import nbformat
    import papermill as pm

    from .execute import KERNEL_NAME, kernel_config
    from .publish import notebook_html, relativise

    start = time.monotonic()
    out_nb = Path(staging) / f"{nb.stem}.ipynb"
    kernelspec = _kernelspec(nb.path)

    def execute():
        return pm.execute_notebook(
            str(nb.path),
            str(out_nb),
            parameters={"month": month, "data_dir": data_param},
            kernel_name=KERNEL_NAME if _SERVER_ADDRESS else "python3",
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            cwd=str(nb.path.parent),
            shutdown_kernel="immediate",
            config=kernel_config(),  # jupyter_client's kernel client, with a shorter readiness probe
        )

    try:
        try:
            executed = execute()
        except Exception as exc:  # only a kernel that never started is tried again
            if not _kernel_never_started(exc):
                raise
            executed = execute()  # a fresh kernel: no cell of the notebook has run yet
    except Exception as exc:  # noqa: BLE001 - any failure of one job is reported, others carry on
        result = _failure(exc, time.monotonic() - start)
        if out_nb.exists():
            failed = nbformat.read(out_nb, as_version=4)
            relativise(failed, notebook=nb.path, output_name=f"{month}.failed/{nb.stem}.ipynb", data_dir=data_dir,
                       kernelspec=kernelspec)
            Path(failed_dir).mkdir(parents=True, exist_ok=True)
            nbformat.write(failed, Path(failed_dir) / f"{nb.stem}.ipynb")
            out_nb.unlink()
        return result
    relativise(executed, notebook=nb.path, output_name=f"{month}/{nb.stem}.ipynb", data_dir=data_dir,
               kernelspec=kernelspec)
    nbformat.write(executed, out_nb)
    html_text = notebook_html(executed, title=nb.title, month=month, with_code=with_code, stem=nb.stem,
                              months=sorted(cache.available_months(data_dir)))
    (Path(staging) / f"{nb.stem}.html").write_text(html_text, encoding="utf-8")
    return JobResult(JobStatus.OK, time.monotonic() - start)


def _kernelspec(notebook: Path) -> dict | None:
    """The notebook's own kernel spec metadata (papermill records the one it ran; readers get this one)."""
    import json

    try:
        spec = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {}).get("kernelspec")
    except (OSError, ValueError):
        return None
    return spec if isinstance(spec, dict) else None


@dataclass
class MonthSummary:
    """What a month's index page shows besides its sections; what could not be had is ``None`` and
    its error is listed in ``problems`` (the page says "unavailable", the run's summary says why)."""

    headlines: list[list[str]] | None = None  # [[label, value], ...]: the sections' own headlines
    points: list[str] | None = None  # the month's main points in words (bulletin.sections.overview.key_points)
    check: str | None = None  # the check summary line
    #: the findings themselves, as the month page lists them: ``summary``, ``counts``, ``findings``
    #: (rows of 级别/规则/表/单位/说明) and ``notes``
    check_report: dict | None = None
    months: list[str] | None = None  # every month in the data (the pages' previous/next links)
    problems: list[str] = field(default_factory=list)
    revisions: list[dict] = field(default_factory=list)  # the month's revisions (bulletin.revisions.page_summary)


def month_summary(month: str, data_dir: str | None) -> MonthSummary:
    """Headline figures and the check report of a month, for its index page (never raises).

    Both come from one loaded month (:func:`bulletin.month`), so each file is read once: the
    headlines are the sections' own (``bulletin.sections.overview.headline_texts``), the report is
    ``m.check()``.
    """
    from .revisions import page_summary

    result = MonthSummary(revisions=page_summary(month, data_dir))
    try:  # for the previous/next month links; without them the page simply has none
        result.months = sorted(cache.available_months(paths.data_dir(data_dir)))
    except Exception:  # noqa: BLE001 - an unusable data folder is reported by the jobs themselves
        pass
    m = None
    try:
        from .loaded import Month
        from .sections.overview import headline_texts, key_points

        m = Month(month, data_dir)
        result.headlines = [[str(k), str(v)] for k, v in headline_texts(m)]
        result.points = key_points(m)
    except Exception as exc:  # noqa: BLE001 - a section's failure is the section job's to report
        result.problems.append(f"headline figures: {_last_line(exc)}")
    try:
        from .loaded import Month

        report = (m or Month(month, data_dir)).check()
        result.check = str(report.summary())
        result.check_report = {
            "summary": report.summary(), "counts": {"errors": len(report.errors), "warnings": len(report.warnings)},
            "findings": report.to_frame().to_dict("records"), "notes": [r.message for r in report.remainders],
        }
    except Exception as exc:  # noqa: BLE001 - as above
        result.problems.append(f"check summary: {_last_line(exc)}")
    return result


def month_summary_json(month: str, data_dir: str | None) -> dict:
    """:func:`month_summary` as JSON-able data (what a fork of the server sends back)."""
    import json
    from dataclasses import asdict

    # the findings hold numpy scalars and NA: through JSON once, as the fork server sends them
    return json.loads(json.dumps(asdict(month_summary(month, data_dir)), ensure_ascii=False, default=str))


def _last_line(exc: BaseException) -> str:
    """``Type: message``, only its last line (what a summary line can hold)."""
    return (f"{type(exc).__name__}: {exc}".strip().splitlines() or [type(exc).__name__])[-1]


def _month_summary_job(month: str, data_param: str | None) -> MonthSummary:
    """:func:`month_summary` in a pool worker, computed in a fork of the warmed server when there is one."""
    if _SERVER_ADDRESS:  # a fork of the warmed server: pandas and the package are already imported
        from .execute import call

        try:
            return MonthSummary(**call(_SERVER_ADDRESS, "bulletin.run:month_summary_json", month, data_param))  # type: ignore[arg-type]
        except (OSError, RuntimeError, ValueError, TypeError):  # the server could not: the same here, slower
            pass
    return month_summary(month, data_param)


# --------------------------------------------------------------------------------------------
# The documents: one more job of each month


def documents_key(data_root: Path, month: str) -> str:
    """The cache key of a month's documents (:mod:`bulletin.documents`): the package's code and the
    month's own data, not the notebooks (a changed notebook alone leaves the documents as they
    were) nor any other month (the documents show the month alone)."""
    parts = [cache.RUNNER_FORMAT, "documents", cache.code_hash(), cache.data_hash(data_root, month)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _documents_fresh(month_dir: Path, key: str) -> bool:
    from .documents import names

    entry = cache.read_manifest(month_dir).get("documents")
    return (isinstance(entry, dict) and entry.get("key") == key
            and all((month_dir / name).exists() for name in names(month_dir.name)))


def _month_documents_job(month: str, data_param: str | None, staging: str) -> dict:
    """The month's PDF, Word file, workbook and data package, written into its staging folder
    (one more job of the month: it is published with the month, or the month is not)."""
    start = time.monotonic()
    try:
        from .documents import write_all

        write_all(month, data_param, staging)
    except Exception as exc:  # noqa: BLE001 - reported as the month's failure, the other jobs go on
        return {"status": "failed", "seconds": time.monotonic() - start, "message": f"documents: {_last_line(exc)}"}
    return {"status": "ok", "seconds": time.monotonic() - start, "message": ""}


def _carry_documents(month: str, old: Path, staging: Path) -> None:
    """Documents whose inputs are unchanged: linked (or copied) from the published month."""
    from .documents import names

    for name in names(month):
        if (old / name).is_dir():
            shutil.copytree(old / name, staging / name, copy_function=_link_or_copy)
        else:
            _link_or_copy(old / name, staging / name)


# --------------------------------------------------------------------------------------------
# Guards: what the batch may write, and where


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_out_dir(out_dir: Path, data_root: Path) -> None:
    """Refuse an output folder that would put data or the package at risk (publishing replaces folders).

    Both are resolved (following links) first: the reports folder may not be, contain or lie inside
    the data folder (or the project's ``data/``), nor be or lie inside the package's own folders.
    """
    out = out_dir.resolve()
    for data in {data_root.resolve(), paths.DEFAULT_DATA_DIR.resolve()}:
        if _inside(out, data) or _inside(data, out):
            raise RunError(f"--out {out_dir} overlaps the data folder {data}; "
                           "publishing there would replace data: choose another folder")
    root = paths.PROJECT_ROOT.resolve()
    own = [paths.NOTEBOOKS_DIR, root / "src", root / "tests", root / "tools", root / "bench", root / ".git",
           Path(__file__).resolve().parent]
    for folder in own:
        folder = folder.resolve()
        if _inside(out, folder) or _inside(folder, out) or out == root:
            raise RunError(f"--out {out_dir} is one of the package's own folders ({folder}): choose another folder")


def _check_targets(out_dir: Path, months: Iterable[str]) -> None:
    """Refuse paths in the reports folder that this tool did not make (a month that is a link or a file)."""
    for name in [*months, "index.html"]:
        p = out_dir / name
        if p.is_symlink():
            raise RunError(f"{p} is a symbolic link; the run publishes real folders there: move it away")
        if name == "index.html" and p.exists() and not p.is_file():
            raise RunError(f"{p} is not a file; the run writes the top index page there: move it away")
        if name != "index.html" and p.exists() and not p.is_dir():
            raise RunError(f"{p} is not a folder; the run publishes the month there: move it away")


@contextmanager
def _reports_lock(out_dir: Path) -> Iterator[None]:
    """Own ``out_dir`` for one run: refuse a second run on the same folder, clear a dead run's debris.

    Two runs on one folder would remove each other's staging folders and interleave publishing;
    the second one stops at once instead. The lock is :mod:`filelock`'s (``flock`` on POSIX,
    ``msvcrt`` on Windows; the system drops it when the run dies, even by ``kill -9``). Whatever a
    killed run left (staging folders, half-written index files) is removed here, and a month that
    was renamed aside and not put back is restored, since holding the lock proves that no other
    run is using the folder.
    """
    from filelock import FileLock, Timeout

    if out_dir.exists() and not out_dir.is_dir():
        raise RunError(f"the reports folder {out_dir} is a file, not a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunError(f"cannot make the reports folder {out_dir}: {exc.strerror or exc}") from None
    if not os.access(out_dir, os.W_OK):  # a read-only mount, or permissions
        raise RunError(f"the reports folder {out_dir} is not writable")
    lock = FileLock(str(out_dir / LOCK_NAME))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise RunError(f"another bulletin run is writing {out_dir}; "
                       "wait for it to finish or use another --out") from None
    except OSError as exc:
        raise RunError(f"cannot lock the reports folder {out_dir}: {exc.strerror or exc}") from None
    try:
        _clear_debris(out_dir)
        yield
    finally:
        lock.release()


def _clear_debris(out_dir: Path) -> None:
    for aside in out_dir.glob(".*.old-*"):  # a month renamed aside by a run killed before it put one back
        month = aside.name[1:].split(".old-")[0]
        if is_month(month) and not (out_dir / month).exists() and aside.is_dir():
            os.replace(aside, out_dir / month)
    for debris in (*out_dir.glob(".*.staging-*"), *out_dir.glob(".*.old-*"), *out_dir.glob(".*.tmp-*")):
        if debris.is_dir() and not debris.is_symlink():
            shutil.rmtree(debris, ignore_errors=True)
        else:
            debris.unlink(missing_ok=True)


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


# --------------------------------------------------------------------------------------------
# Publishing a month


def _publish_month(month: str, jobs: list[Job], summary: MonthSummary, documents: dict, out: Path, staging: Path,
                   provenance: dict) -> None:
    from dataclasses import asdict

    from .publish import month_files, swap_in, write_text_atomic

    target = out / month
    old = cache.read_manifest(target)
    sections: dict[str, dict] = dict(old.get("sections", {})) if isinstance(old.get("sections"), dict) else {}
    ran = {j.notebook.stem for j in jobs if j.status == JobStatus.OK}
    # Sections published before and not rerun now (skipped, or not selected) are carried over.
    for stem in list(sections):
        if stem in ran:
            continue
        if all((target / f"{stem}.{ext}").is_file() for ext in ("ipynb", "html")):
            for ext in ("ipynb", "html"):
                _link_or_copy(target / f"{stem}.{ext}", staging / f"{stem}.{ext}")
        else:
            del sections[stem]
    for j in jobs:
        if j.status == JobStatus.OK:
            sections[j.notebook.stem] = {"key": j.key, "title": j.notebook.title, "seconds": round(j.seconds, 2),
                                         **j.extra}
    sections = dict(sorted(sections.items()))
    if documents.get("status") == "carried":
        _carry_documents(month, target, staging)
    documents_entry = {"key": documents["key"]} if documents.get("key") else None
    cache.write_manifest(staging, month, sections, documents=documents_entry, provenance=provenance)
    listing = [(stem, entry.get("title", stem)) for stem, entry in sections.items()]
    page_data = {**asdict(summary), "documents": bool(documents), "provenance": provenance}
    for name, text in month_files(month, listing, page_data).items():
        write_text_atomic(staging / name, text)
    swap_in(staging, target)


def _forget_failures(month: str, jobs: list[Job], out: Path) -> None:
    """Remove the kept failed notebooks of sections that have now run; a section not rerun keeps its own."""
    failed_dir = out / f"{month}.failed"
    for j in jobs:
        if j.status == JobStatus.OK:
            (failed_dir / f"{j.notebook.stem}.ipynb").unlink(missing_ok=True)
    try:
        failed_dir.rmdir()  # only when nothing is left in it
    except OSError:
        pass


def _finish_month(batch: _Batch, month: str) -> None:
    jobs = batch.by_month[month]
    # what was kept for the month is dropped once it is published: a long backfill holds no more
    # than its months in flight
    facts = batch.facts.pop(month, None) or MonthSummary()
    documents = batch.documents.pop(month, None) or {}
    staging = batch.stagings.pop(month)
    outcome = batch.outcome
    if documents:
        seconds = f" {documents['seconds']:.2f}s" if "seconds" in documents else ""
        message = f" {documents['message']}" if documents.get("message") else ""
        outcome.documents[month] = f"{documents.get('status')}{seconds}{message}"
    if facts.check:
        outcome.checks[month] = facts.check
    _forget_failures(month, jobs, batch.out_dir)
    if documents.get("status") == "failed":
        outcome.notes.append(f"{month} not published: {documents.get('message', 'documents failed')}")
    if any(j.status != JobStatus.OK for j in jobs) or documents.get("status") == "failed":
        outcome.failed_months.append(month)
        shutil.rmtree(staging, ignore_errors=True)
        return
    try:
        _publish_month(month, jobs, facts, documents, batch.out_dir, staging, batch.provenance(month))
    except OSError as exc:  # a full disk, say: the month stays as it was, the other months go on
        shutil.rmtree(staging, ignore_errors=True)
        outcome.failed_months.append(month)
        outcome.notes.append(f"{month} could not be published: {_os_error(exc)}")
        return
    outcome.published.append(month)
    outcome.notes.extend(f"{month} index page without its {problem}" for problem in facts.problems)


def _os_error(exc: OSError) -> str:
    return f"{exc.strerror or exc}" + (f" ({exc.filename})" if exc.filename else "")


def _write_top_index(out_dir: Path, outcome: Outcome, *, always: bool = True) -> None:
    """Put the month links of every published page right (:func:`bulletin.site.navigation.refresh`)
    and rewrite the top index (``always``, or when it is missing or a month's links changed); a
    failure (no inodes left, say) is a note and exit 1, not a traceback."""
    from .publish import write_top_index
    from .site.navigation import refresh

    try:
        changed = refresh(out_dir)
        if always or changed or not (out_dir / "index.html").is_file():
            write_top_index(out_dir)
    except OSError as exc:
        note = f"the top index page could not be written: {_os_error(exc)}"
        if note not in outcome.notes:
            outcome.notes.append(note)
        outcome.notes_are_failures = True


# --------------------------------------------------------------------------------------------
# The batch


def _cpu_count() -> int:
    """The CPUs this process may use (a container's share, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


@contextmanager
def _history_for_kernels(out_dir: Path) -> Iterator[None]:
    """Tell the batch's kernels and workers where the months' digests are (``$BULLETIN_HISTORY_DIR``)."""
    before = os.environ.get(paths.ENV_HISTORY_DIR)
    os.environ[paths.ENV_HISTORY_DIR] = str(paths.history_dir(out_dir))
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(paths.ENV_HISTORY_DIR, None)
        else:
            os.environ[paths.ENV_HISTORY_DIR] = before


def _digests(months: list[str], notebooks: list[Notebook], data_root: Path, out_dir: Path, log):
    """The digests of every month in the data up to the last one run, each brought up to date once
    (:mod:`bulletin.history`) before any job starts: the trends, the checks across months and the
    month pages read them. A stored digest that is corrupt or stale is rebuilt, with a line in the log."""
    from .history import History

    history = History(data_root, paths.history_dir(out_dir), writable=True)
    last = max(months)
    needed = [m for m in history.months() if m <= last]
    try:
        stale = history.stale(needed)
    except OSError as exc:  # an unreadable data file: one line, nothing written
        raise RunError(f"cannot read {exc.filename or data_root}: {exc.strerror or exc}") from None
    for line in history.rebuilt:
        log.note(line)
    for m in stale:
        try:
            history.digest(m)
        except Exception as exc:  # noqa: BLE001 - the month's own jobs report its data; its digest is a gap
            log.note(f"digest {m}: could not be computed ({_last_line(exc)})")
            history.add_gap(m, _last_line(exc))
    return history


def _check_history(history, month: str, published: object) -> dict:
    """What the check of ``month`` reads of the months before it, as a hash
    (:meth:`bulletin.history.History.check_history`), with the fingerprint it was computed from
    (the earlier digests' check parts and the alias table): when the fingerprint is the one the
    published job recorded, its hash is reused, so an unchanged rerun computes nothing."""
    fingerprint = history.check_fingerprint(month)
    if isinstance(published, dict) and published.get("check_fingerprint") == fingerprint \
            and isinstance(published.get("check_history"), str):
        return {"check_fingerprint": fingerprint, "check_history": published["check_history"]}
    return {"check_fingerprint": fingerprint, "check_history": history.check_history(month)}


def _plan(months: list[str], notebooks: list[Notebook], data_root: Path, out_dir: Path, *, force: bool,
          with_code: bool, history) -> list[Job]:
    """Every job with its cache key; those whose published result is current are marked skipped."""
    jobs = []
    for m in months:
        published = cache.read_manifest(out_dir / m).get("sections", {}) if any(nb.checks for nb in notebooks) else {}
        for nb in notebooks:
            try:
                extra = _check_history(history, m, published.get(nb.stem)) if nb.checks else {}
                key = cache.job_key(nb.path, data_root, m, with_code=with_code, reads=nb.reads,
                                    check_history=extra.get("check_history"))
            except OSError as exc:  # an unreadable data file or folder: one line, nothing written
                raise RunError(f"cannot read {exc.filename or data_root / m}: {exc.strerror or exc}") from None
            job = Job(m, nb, key, extra=extra)
            if not force and cache.is_fresh(out_dir / m, nb.stem, job.key):
                job.status, job.message = JobStatus.SKIPPED, "unchanged"
            jobs.append(job)
    return jobs


def run_batch(
    month_specs: Sequence[str],
    *,
    data_dir: str | os.PathLike[str] | None = None,
    out: str | os.PathLike[str] | None = None,
    notebooks: Sequence[Notebook] | None = None,
    jobs: int | None = None,
    force: bool = False,
    with_code: bool = False,
    progress: bool = True,
    stream: TextIO | None = None,
) -> Outcome:
    """Run the batch; see the module docstring. Raises :class:`BulletinError` on bad arguments."""
    from . import runlog

    stream = stream or sys.stderr
    started = time.time()
    cache.forget()
    months = parse_months(month_specs)
    data_root = paths.data_dir(data_dir)
    if not data_root.is_dir():  # else every month would be reported absent, hiding the mistyped folder
        raise RunError(f"the data folder {data_root} does not exist or is not a folder")
    data_param = str(data_root) if data_dir is not None and str(data_dir) != "" else None
    if out is not None and str(out) == "":
        raise RunError("--out is empty; give a folder, or leave the option out for the default")
    out_dir = Path(out).expanduser().absolute() if out is not None else paths.DEFAULT_REPORTS_DIR
    check_out_dir(out_dir, data_root)
    out_dir = out_dir.resolve()
    notebooks = list(notebooks) if notebooks is not None else section_notebooks()
    for nb in notebooks:
        if not nb.path.is_file():
            raise RunError(f"notebook {paths.display_path(nb.path)} not found")
    if jobs is not None and jobs < 1:
        raise RunError(f"--jobs must be 1 or more (got {jobs})")
    workers = jobs or _cpu_count()

    outcome = Outcome()
    try:
        present = cache.available_months(data_root)
    except OSError as exc:
        raise RunError(f"cannot read the data folder {data_root}: {exc.strerror or exc}") from None
    outcome.absent = [m for m in months if m not in present]
    if outcome.absent:
        print(f"bulletin run: {_as_ranges(outcome.absent)} 不在数据目录中，已跳过 (months absent from the data)",
              file=stream)
    months = [m for m in months if m in present]
    _check_targets(out_dir, months)
    for m in sorted(m for m in present if months and m <= max(months)):  # before anything is written
        try:
            cache.data_hash(data_root, m)
        except OSError as exc:  # an unreadable data file or folder: one line, nothing written
            raise RunError(f"cannot read {exc.filename or data_root / m}: {exc.strerror or exc}") from None
    if months:
        with datalock.reading(data_root), _reports_lock(out_dir), runlog.run_log(out_dir, started) as log, \
                _history_for_kernels(out_dir):
            outcome.log_file = log.path
            try:
                history = _digests(months, notebooks, data_root, out_dir, log)
                outcome.jobs = _plan(months, notebooks, data_root, out_dir, force=force, with_code=with_code,
                                     history=history)
                log.start(months, notebooks, data_root, workers, force=force, with_code=with_code)
                todo = [j for j in outcome.jobs if j.status == JobStatus.PENDING]
                # a month whose sections are all current but whose documents are not (deleted by hand,
                # or published before there were documents): the documents alone run, and the month
                # is republished
                busy = {j.month for j in todo}
                documents_only = [m for m in months if m not in busy
                                  and not _documents_fresh(out_dir / m, documents_key(data_root, m))]
                if todo or documents_only:
                    _run_jobs(todo, outcome, data_root, data_param, out_dir, workers, with_code, progress, stream,
                              force, documents_only)
                # the month links of every published page, after any run; the top index when needed
                _write_top_index(out_dir, outcome, always=bool(outcome.published))
            finally:
                log.finish(outcome)
    _print_summary(outcome, out_dir, stream)
    return outcome


@dataclass
class _Batch:
    """The state of one batch while its jobs run (what the steps of :func:`_run_jobs` share)."""

    todo: list[Job]
    outcome: Outcome
    data_root: Path
    data_param: str | None
    out_dir: Path
    with_code: bool
    force: bool = False
    documents_only: Sequence[str] = ()
    by_month: dict[str, list[Job]] = field(default_factory=dict)
    stagings: dict[str, Path] = field(default_factory=dict)
    facts: dict[str, MonthSummary] = field(default_factory=dict)
    documents: dict[str, dict] = field(default_factory=dict)  # month → status, key (and message)
    remaining: dict[str, int] = field(default_factory=dict)
    documents_keys: dict[str, str] = field(default_factory=dict)  # month → its documents' cache key
    documents_futures: dict = field(default_factory=dict)  # a documents job's future → its month

    def __post_init__(self) -> None:
        for j in self.todo:
            self.by_month.setdefault(j.month, []).append(j)
        for m in self.documents_only:  # months with no section to run, only their documents
            self.by_month.setdefault(m, [])
        self.remaining = {m: len(js) for m, js in self.by_month.items()}

    def provenance(self, month: str) -> dict:
        """Which code and data produced a month (shown on its page, kept in its manifest)."""
        from . import __version__

        return {"version": __version__, "code": cache.code_hash()[:12],
                "data": cache.data_hash(self.data_root, month)[:12]}


def _start_server():
    """The fork server (started first: it warms up while this process imports the rest), or None."""
    from .execute import ForkServer, fork_available

    return ForkServer().start() if fork_available() else None


def _import_for_workers(with_code: bool) -> None:
    """What the forked workers should inherit instead of importing each (spawned ones import it anyway)."""
    # jsonschema builds an IRI grammar when rfc3987_syntax is importable (~1 s, jsonschema #1428);
    # the notebook schema checks no IRI, so the runner's processes go without it.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
    import nbformat  # noqa: F401 - imported once here, inherited by the forked workers
    import papermill  # noqa: F401

    from .publish import exporter

    exporter(with_code)  # built once here, inherited by the forked workers


def _make_stagings(batch: _Batch) -> None:
    for m in batch.by_month:
        batch.stagings[m] = batch.out_dir / f".{m}.staging-{os.getpid()}"
        batch.stagings[m].mkdir()


def _ordered(batch: _Batch) -> list[Job]:
    """Month by month (months are published as they complete); within a month the longest job first
    (by its last recorded time, else the sections' usual order reversed: the long ones come last)."""
    previous = {m: cache.read_manifest(batch.out_dir / m).get("sections", {}) for m in batch.by_month}
    order = {m: i for i, m in enumerate(batch.by_month)}

    def key(j: Job) -> tuple[int, float, int]:
        seconds = previous[j.month].get(j.notebook.stem, {}).get("seconds")
        return order[j.month], -float(seconds) if seconds is not None else 0.0, -batch.todo.index(j)

    return sorted(batch.todo, key=key)


def _make_pool(n_workers: int, server):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .execute import fork_available

    method = "fork" if fork_available() and "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(
        max_workers=n_workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        initargs=(server.address if server else None, str(server.folder) if server else None,
                  server.stdin_fd if server and method == "fork" else None),
    )


def _job_result(fut) -> JobResult:
    from concurrent.futures.process import BrokenProcessPool

    try:
        return fut.result()
    except BrokenProcessPool:  # one worker was killed (the OOM killer?): the pool is lost
        return JobResult(JobStatus.FAILED, message="not finished: a worker process died (killed, or out of memory?)")
    except Exception as exc:  # noqa: BLE001 - one job's failure is reported, the others go on
        return JobResult(JobStatus.FAILED, message=_last_line(exc))


def _facts_result(fut) -> MonthSummary:
    try:
        return fut.result()
    except Exception as exc:  # noqa: BLE001 - a worker that died: the page says unavailable
        return MonthSummary(problems=[f"index figures: {_last_line(exc)}"])


def _documents_result(fut) -> dict:
    try:
        return fut.result()
    except Exception as exc:  # noqa: BLE001 - a worker that died
        return {"status": "failed", "message": f"documents: {_last_line(exc)}"}


def _documents_to_make(batch: _Batch) -> list[str]:
    """The months whose documents must be made (the others' are carried over, unchanged); sets
    ``batch.documents`` for the carried ones and ``batch.documents_keys`` for all."""
    batch.documents_keys = {m: documents_key(batch.data_root, m) for m in batch.by_month}
    batch.documents = {m: {"status": "carried", "key": k} for m, k in batch.documents_keys.items()
                       if not batch.force and _documents_fresh(batch.out_dir / m, k)}
    return [m for m in batch.by_month if m not in batch.documents]


def _submit_documents(batch: _Batch, pool, months: Iterable[str]) -> None:
    for m in months:
        batch.documents_futures[pool.submit(_month_documents_job, m, batch.data_param, str(batch.stagings[m]))] = m


def _collect(batch: _Batch, pool, bar) -> None:
    """Submit every job and the months' index figures; publish each month as its last result arrives."""
    from concurrent.futures import FIRST_COMPLETED, wait

    facts_futures = {pool.submit(_month_summary_job, m, batch.data_param): m for m in batch.by_month}
    futures = {
        pool.submit(_execute, j.month, j.notebook, batch.data_param, batch.data_root, str(batch.stagings[j.month]),
                    str(batch.out_dir / f"{j.month}.failed"), batch.with_code): j
        for j in _ordered(batch)
    }
    # The other documents: one short job a month, last (it fills a worker's idle tail).
    submitted = set(batch.documents_futures.values())
    _submit_documents(batch, pool, [m for m in batch.documents_keys if m not in batch.documents and m not in submitted])
    keys, docs_futures = batch.documents_keys, batch.documents_futures
    pending = set(futures) | set(facts_futures) | set(docs_futures)
    failed = 0
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        ready = []
        for fut in done:
            if fut in facts_futures:
                month = facts_futures[fut]
                batch.facts[month] = _facts_result(fut)
            elif fut in docs_futures:
                month = docs_futures[fut]
                batch.documents[month] = {**_documents_result(fut), "key": keys[month]}
            else:
                job = futures[fut]
                job.record(_job_result(fut))
                failed += job.status == JobStatus.FAILED
                month = job.month
                batch.remaining[month] -= 1
                bar.update(1)
                bar.set_postfix_str(f"failed {failed}")
            if batch.remaining[month] == 0 and month in batch.facts and month in batch.documents:
                ready.append(month)
        for m in ready:
            _finish_month(batch, m)
            _write_top_index(batch.out_dir, batch.outcome)


def _stop_workers(pool, others: set[int]) -> None:
    """Stop the pool's workers now (Ctrl-C): only our own live children, through multiprocessing."""
    import multiprocessing

    for proc in multiprocessing.active_children():  # reaped ones are not listed: their IDs are not ours
        if proc.pid not in others:
            proc.terminate()


def _run_jobs(todo: list[Job], outcome: Outcome, data_root: Path, data_param: str | None, out_dir: Path,
              workers: int, with_code: bool, progress: bool, stream: TextIO, force: bool = False,
              documents_only: Sequence[str] = ()) -> None:
    """Run ``todo`` in a pool of workers (kernels from the fork server); publish each month as its
    last job ends. Ctrl-C (or SIGTERM via :func:`run_command`) stops everything at once."""
    import multiprocessing

    from tqdm import tqdm

    batch = _Batch(todo, outcome, data_root, data_param, out_dir, with_code, force, documents_only)
    others = {p.pid for p in multiprocessing.active_children()}  # a caller's own child processes
    server = pool = bar = None
    interrupted = False
    try:
        server = _start_server()
        _import_for_workers(with_code)
        if server is not None:
            from .execute import check_registered

            check_registered()  # while the server warms up
        _make_stagings(batch)
        pool = _make_pool(max(1, min(workers, len(todo) + len(documents_only))), server)
        # The first month's documents need no kernel: they are made while the server warms up (a
        # core the runner would leave idle until then); the others come last (see _collect).
        _submit_documents(batch, pool, _documents_to_make(batch)[:1])
        if server is not None:
            server.wait_ready()
        bar = tqdm(total=len(todo), unit="job", file=stream, disable=not progress, dynamic_ncols=True,
                   desc="bulletin run")
        _collect(batch, pool, bar)
    except KeyboardInterrupt:
        interrupted = True
        print("\nbulletin run: interrupted; published months are left as they were", file=stream)
        for j in todo:
            if j.status == JobStatus.PENDING:
                j.status, j.message = JobStatus.FAILED, "interrupted"
        raise
    finally:
        if bar is not None:
            bar.close()
        if pool is not None:
            if interrupted:  # do not wait for running notebooks
                _stop_workers(pool, others)
            pool.shutdown(wait=True, cancel_futures=True)
        if server is not None:  # after the workers: they hold a copy of its stdin pipe
            server.stop()  # kills every kernel it forked and has not reaped
        for staging in batch.stagings.values():
            shutil.rmtree(staging, ignore_errors=True)


def _as_ranges(months: list[str]) -> str:
    """``2019-01, 2019-02, 2019-03, 2020-01`` → ``2019-01:2019-03, 2020-01`` (as the command takes them)."""
    runs: list[list[str]] = []
    for m in months:
        if runs and next_month(runs[-1][-1]) == m:
            runs[-1].append(m)
        else:
            runs.append([m])
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]}:{r[-1]}" for r in runs)


def _for_operator(path: Path) -> str:
    """A path the operator can open from where they ran the command (relative when below it)."""
    try:
        return path.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        return str(path)


def _job_line(j: Job) -> str:
    if j.status == JobStatus.OK:
        return f"ok       {j.seconds:5.1f}s"
    if j.status == JobStatus.SKIPPED:
        return "skipped         unchanged since the last run"
    where = f"cell {j.cell}: " if j.cell is not None else ""
    return f"FAILED   {j.seconds:5.1f}s {where}{j.message}"


def _print_summary(outcome: Outcome, out_dir: Path, stream: TextIO) -> None:
    if not outcome.jobs:
        print("bulletin run: nothing to run", file=stream)
        return
    width = max(len(j.name) for j in outcome.jobs)
    for j in outcome.jobs:
        print(f"  {j.name:<{width}}  {_job_line(j)}", file=stream)
    shown = _for_operator(out_dir)
    for m in outcome.published:
        print(f"published {month_label(m)}: open {shown}/{m}/index.html", file=stream)
    for m in outcome.failed_months:
        kept = f"failed notebooks kept in {shown}/{m}.failed/; " if (out_dir / f"{m}.failed").is_dir() else ""
        last = (f"the last good {shown}/{m}/ is unchanged" if (out_dir / m / "index.html").is_file()
                else "no earlier run published it")
        print(f"not published {m} ({kept}{last})", file=stream)
    for note in outcome.notes:
        print(f"note: {note}", file=stream)
    counts = {s: sum(j.status == s for j in outcome.jobs) for s in (JobStatus.OK, JobStatus.SKIPPED, JobStatus.FAILED)}
    print(f"bulletin run: {counts[JobStatus.OK]} ran, {counts[JobStatus.SKIPPED]} skipped, "
          f"{counts[JobStatus.FAILED]} failed", file=stream)


def run_command(args: argparse.Namespace) -> int:
    """``bulletin run`` (called by the CLI with its parsed arguments)."""
    import signal
    import threading

    notebooks = section_notebooks(getattr(args, "sections", None))
    stopped_by: list[int] = []

    def stop(signum: int, frame: object) -> None:
        stopped_by.append(signum)
        raise KeyboardInterrupt

    # `kill`, a scheduler's timeout or a closed terminal stop the batch as cleanly as Ctrl-C does
    # (no orphan workers, no staging folders, published months untouched).
    previous = {}
    if threading.current_thread() is threading.main_thread():  # where Python lets a handler be set
        for name in ("SIGTERM", "SIGHUP"):
            sig = getattr(signal, name, None)
            if sig is not None and signal.getsignal(sig) is not signal.SIG_IGN:  # `nohup` stays in force
                previous[sig] = signal.signal(sig, stop)
    try:
        outcome = run_batch(
            args.months,
            data_dir=args.data_dir,
            out=args.out,
            notebooks=notebooks,
            jobs=args.jobs,
            force=args.force,
            with_code=args.with_code,
        )
    except KeyboardInterrupt:
        return 128 + (stopped_by[0] if stopped_by else signal.SIGINT)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if not outcome.jobs and outcome.absent:
        return 2
    return outcome.exit_code
