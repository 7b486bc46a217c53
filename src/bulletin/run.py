"""``bulletin run``: execute every section notebook for some months and publish the results.

For each (month, section) job papermill executes the section notebook with ``month`` and
``data_dir`` injected (a tagged ``injected-parameters`` cell, as papermill always does); the
executed notebook and its reader's HTML are written into a staging folder, and when every job of
the month has succeeded the staging folder replaces ``reports/YYYY-MM/`` in one step. A month with
a failed job is not published: its last good folder stays exactly as it was and the failed
notebook is kept in ``reports/YYYY-MM.failed/`` for inspection. One run at a time writes a reports
folder (``flock`` on the folder: a second run stops with one line); a run stopped by Ctrl-C or
``kill`` cleans up after itself, and what a ``kill -9`` leaves the next run removes.

Speed (see ``bench/bench_run.py``): kernels are forks of one warmed parent
(:mod:`bulletin.execute`), so a notebook pays neither a Python start nor the pandas/matplotlib
imports, yet every section runs in a brand-new process; kernels are shut down immediately; the
runner never imports ``rfc3987_syntax`` (jsonschema builds a grammar at its import, ~1 s, and the
notebook schema has no IRI formats to check); an unchanged rerun only hashes files.
"""

from __future__ import annotations

import argparse
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

from . import cache, paths
from .errors import RunError
from .months import expand_months, month_label, next_month


@dataclass(frozen=True)
class Notebook:
    """One section notebook as the runner sees it."""

    stem: str  # NN_name: the output file names
    title: str  # Chinese, shown on the index pages
    path: Path


@dataclass
class Job:
    """One (month, section) notebook run; ``key`` is its inputs' hash (:func:`bulletin.cache.job_key`)."""

    month: str
    notebook: Notebook
    key: str
    status: str = "pending"  # ok | skipped | failed
    seconds: float = 0.0
    message: str = ""
    cell: int | None = None

    @property
    def name(self) -> str:
        return f"{self.month} {self.notebook.stem}"


@dataclass
class Outcome:
    """What a batch did: every job's status, the months absent from the data, published, not published."""

    jobs: list[Job] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    failed_months: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # for the operator, printed with the summary

    @property
    def exit_code(self) -> int:
        return 1 if self.failed_months or any(j.status == "failed" for j in self.jobs) else 0


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
    return [Notebook(s.stem, s.title, s.notebook) for s in chosen]


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


def _init_worker(address: str | None, server_stdin: int | None) -> None:
    import signal
    import threading

    global _SERVER_ADDRESS
    _SERVER_ADDRESS = address
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


def _execute(month: str, nb: Notebook, data_param: str | None, data_dir: Path, staging: str,
             failed_dir: str, with_code: bool) -> dict:
    """Run one notebook into ``staging``; on error keep it in ``failed_dir``. Returns a status dict.

    ``data_param`` is what the notebook receives (None: its own default, as in JupyterLab);
    ``data_dir`` is the folder that means, scrubbed from the outputs whichever way it was chosen.
    """
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from .publish import notebook_html, relativise

    start = time.monotonic()
    out_nb = Path(staging) / f"{nb.stem}.ipynb"
    kwargs = {}
    if _SERVER_ADDRESS:
        from .execute import fork_kernel_manager_class

        kwargs["kernel_manager_class"] = fork_kernel_manager_class(_SERVER_ADDRESS)
    try:
        executed = pm.execute_notebook(
            str(nb.path),
            str(out_nb),
            parameters={"month": month, "data_dir": data_param},
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            cwd=str(nb.path.parent),
            shutdown_kernel="immediate",
            **kwargs,
        )
    except Exception as exc:  # noqa: BLE001 - any failure of one job is reported, others carry on
        result = {"status": "failed", "seconds": time.monotonic() - start, "cell": None}
        if isinstance(exc, PapermillExecutionError):
            last = (f"{exc.ename}: {exc.evalue}".strip().splitlines() or [exc.ename])[-1]
            result.update(cell=exc.exec_count, message=last)
        else:
            result["message"] = _last_line(exc)
        if out_nb.exists():
            failed = nbformat.read(out_nb, as_version=4)
            relativise(failed, notebook=nb.path, output_name=f"{month}.failed/{nb.stem}.ipynb", data_dir=data_dir)
            Path(failed_dir).mkdir(parents=True, exist_ok=True)
            nbformat.write(failed, Path(failed_dir) / f"{nb.stem}.ipynb")
            out_nb.unlink()
        return result
    relativise(executed, notebook=nb.path, output_name=f"{month}/{nb.stem}.ipynb", data_dir=data_dir)
    nbformat.write(executed, out_nb)
    html_text = notebook_html(executed, title=nb.title, month=month, with_code=with_code, stem=nb.stem,
                              months=sorted(cache.available_months(data_dir)))
    (Path(staging) / f"{nb.stem}.html").write_text(html_text, encoding="utf-8")
    return {"status": "ok", "seconds": time.monotonic() - start, "cell": None, "message": ""}


def month_summary(month: str, data_dir: str | None) -> dict:
    """Headline figures and the check summary of a month, for its index page (never raises).

    Both come from one loaded month (:func:`bulletin.month`), so each file is read once: the
    headlines are the sections' own (``bulletin.sections.overview.headlines``), the summary is
    ``m.check()``. What could not be had is ``None`` and its error is listed under ``problems``:
    the page says "unavailable" and the run's summary says why.
    """
    result: dict = {"headlines": None, "check": None, "check_report": None, "months": None, "problems": []}
    try:  # for the previous/next month links; without them the page simply has none
        result["months"] = sorted(cache.available_months(paths.data_dir(data_dir)))
    except Exception:  # noqa: BLE001 - an unusable data folder is reported by the jobs themselves
        pass
    m = None
    try:
        from .loaded import Month
        from .sections.overview import headlines

        m = Month(month, data_dir)
        result["headlines"] = [[str(k), str(v)] for k, v in headlines(m)]
    except Exception as exc:  # noqa: BLE001 - a section's failure is the section job's to report
        result["problems"].append(f"headline figures: {_last_line(exc)}")
    try:
        from .loaded import Month

        report = (m or Month(month, data_dir)).check()
        result["check"] = str(report.summary())
        # the findings themselves, as the month page lists them (级别/规则/表/单位/说明)
        result["check_report"] = {
            "summary": report.summary(), "counts": {"errors": len(report.errors), "warnings": len(report.warnings)},
            "findings": report.to_frame().to_dict("records"), "notes": [r.message for r in report.remainders],
        }
    except Exception as exc:  # noqa: BLE001
        result["problems"].append(f"check summary: {_last_line(exc)}")
    return result


def _last_line(exc: BaseException) -> str:
    """``Type: message``, only its last line (what a summary line can hold)."""
    return (f"{type(exc).__name__}: {exc}".strip().splitlines() or [type(exc).__name__])[-1]


def _month_summary_job(month: str, data_param: str | None) -> dict:
    """:func:`month_summary` in a pool worker, computed in a fork of the warmed server when there is one."""
    if _SERVER_ADDRESS:  # a fork of the warmed server: pandas and the package are already imported
        from .execute import call

        try:
            return call(_SERVER_ADDRESS, "bulletin.run:month_summary", month, data_param)  # type: ignore[return-value]
        except Exception:  # noqa: BLE001 - the server could not do it: the same, here, only slower
            pass
    return month_summary(month, data_param)


def documents_key(data_root: Path, month: str) -> str:
    """The cache key of a month's documents (:mod:`bulletin.documents`): the package's code and the
    month's data, not the notebooks (a changed notebook alone leaves the documents as they were)."""
    parts = [cache.RUNNER_FORMAT, "documents", cache.code_hash(), cache.month_hash(data_root, month)]
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
# The batch


@contextmanager
def _reports_lock(out_dir: Path) -> Iterator[None]:
    """Own ``out_dir`` for one run: refuse a second run on the same folder, clear a dead run's debris.

    Two runs on one folder would remove each other's staging folders and interleave publishing;
    the second one stops at once instead. The lock is ``flock`` on the folder itself, so no lock
    file is left behind and the kernel drops it when the run dies, even by ``kill -9``. Whatever a
    killed run left (staging folders, a month renamed aside, half-written index files) is removed
    here, since holding the lock proves that no other run is using it.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise RunError(f"the reports folder {out_dir} is a file, not a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunError(f"cannot make the reports folder {out_dir}: {exc.strerror or exc}") from None
    if not os.access(out_dir, os.W_OK):  # a read-only mount, or permissions
        raise RunError(f"the reports folder {out_dir} is not writable")
    fd = os.open(out_dir, os.O_RDONLY)
    try:
        try:
            import fcntl
        except ImportError:  # no flock (Windows): one run at a time is then the operator's care
            fcntl = None
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise RunError(f"another bulletin run is writing {out_dir}; "
                               "wait for it to finish or use another --out") from None
        for debris in (*out_dir.glob(".*.staging-*"), *out_dir.glob(".*.old-*"), *out_dir.glob(".*.tmp-*")):
            if debris.is_dir():
                shutil.rmtree(debris, ignore_errors=True)
            else:
                debris.unlink(missing_ok=True)
        yield
    finally:
        os.close(fd)  # releases the lock


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _publish_month(month: str, jobs: list[Job], facts: dict, out: Path, staging: Path) -> None:
    from .publish import month_files, swap_in, write_text_atomic

    target = out / month
    old = cache.read_manifest(target)
    sections: dict[str, dict] = dict(old.get("sections", {})) if isinstance(old.get("sections"), dict) else {}
    ran = {j.notebook.stem for j in jobs if j.status == "ok"}
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
        if j.status == "ok":
            sections[j.notebook.stem] = {"key": j.key, "title": j.notebook.title, "seconds": round(j.seconds, 2)}
    sections = dict(sorted(sections.items()))
    documents = facts.get("documents") or {}
    if documents.get("status") == "carried":
        _carry_documents(month, target, staging)
    cache.write_manifest(staging, month, sections,
                         documents={"key": documents["key"]} if documents.get("key") else None)
    listing = [(stem, entry.get("title", stem)) for stem, entry in sections.items()]
    for name, text in month_files(month, listing, facts).items():
        write_text_atomic(staging / name, text)
    swap_in(staging, target)


def _forget_failures(month: str, jobs: list[Job], out: Path) -> None:
    """Remove the kept failed notebooks of sections that have now run; a section not rerun keeps its own."""
    failed_dir = out / f"{month}.failed"
    for j in jobs:
        if j.status == "ok":
            (failed_dir / f"{j.notebook.stem}.ipynb").unlink(missing_ok=True)
    try:
        failed_dir.rmdir()  # only when nothing is left in it
    except OSError:
        pass


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
    stream = stream or sys.stderr
    cache.forget()
    months = parse_months(month_specs)
    data_root = paths.data_dir(data_dir)
    if not data_root.is_dir():  # else every month would be reported absent, hiding the mistyped folder
        raise RunError(f"the data folder {data_root} does not exist or is not a folder")
    data_param = str(data_root) if data_dir is not None and str(data_dir) != "" else None
    out_dir = Path(out).expanduser().resolve() if out else paths.DEFAULT_REPORTS_DIR
    notebooks = list(notebooks) if notebooks is not None else section_notebooks()
    for nb in notebooks:
        if not nb.path.is_file():
            raise RunError(f"notebook {paths.display_path(nb.path)} not found")
    if jobs is not None and jobs < 1:
        raise RunError(f"--jobs must be 1 or more (got {jobs})")
    # the CPUs this process may use (a container's share, not the host's count)
    workers = jobs or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()) or 1

    outcome = Outcome()
    present = cache.available_months(data_root)
    outcome.absent = [m for m in months if m not in present]
    if outcome.absent:
        print(f"bulletin run: {_as_ranges(outcome.absent)} 不在数据目录中，已跳过 (months absent from the data)",
              file=stream)
    months = [m for m in months if m in present]
    for m in months:
        for nb in notebooks:
            job = Job(m, nb, cache.job_key(nb.path, data_root, m, with_code=with_code))
            if not force and cache.is_fresh(out_dir / m, nb.stem, job.key):
                job.status, job.message = "skipped", "unchanged"
            outcome.jobs.append(job)
    todo = [j for j in outcome.jobs if j.status == "pending"]
    if todo:
        with _reports_lock(out_dir):
            _run_jobs(todo, outcome, data_root, data_param, out_dir, workers, with_code, progress, stream, force)
    elif months and not (out_dir / "index.html").is_file():
        from .publish import write_top_index

        with _reports_lock(out_dir):
            write_top_index(out_dir)
    _print_summary(outcome, out_dir, stream)
    return outcome


def _run_jobs(todo: list[Job], outcome: Outcome, data_root: Path, data_param: str | None, out_dir: Path,
              workers: int, with_code: bool, progress: bool, stream: TextIO, force: bool = False) -> None:
    """Run ``todo`` in a pool of forked workers (kernels from the fork server); publish each month
    as its last job ends. Ctrl-C (or SIGTERM via :func:`run_command`) stops everything at once."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    from .execute import ForkServer, fork_available

    t0 = time.monotonic()
    timing = os.environ.get("BULLETIN_RUN_TIMING")

    def mark(what: str) -> None:
        if timing:
            print(f"[{time.monotonic() - t0:6.2f}s] {what}", file=stream)

    # started first: it warms up (imports pandas, matplotlib...) while this process imports the rest
    server = ForkServer().start() if fork_available() else None
    # jsonschema builds an IRI grammar when rfc3987_syntax is importable (~1 s, jsonschema #1428);
    # the notebook schema checks no IRI, so the runner's processes go without it.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
    by_month: dict[str, list[Job]] = {}
    for j in todo:
        by_month.setdefault(j.month, []).append(j)
    stagings: dict[str, Path] = {}
    others = {p.pid for p in multiprocessing.active_children()}  # a caller's own child processes
    pool = None
    bar = None
    interrupted = False
    try:
        import nbformat  # noqa: F401 - imported once here, inherited by the forked workers
        import papermill  # noqa: F401

        from .publish import exporter, write_top_index

        exporter(with_code)  # built once here, inherited by the forked workers
        mark("imports done")
        if server is not None:
            server.wait_ready()
        mark("fork server ready")
        for m in by_month:
            stagings[m] = out_dir / f".{m}.staging-{os.getpid()}"
            stagings[m].mkdir()
        # Month by month, so that months are published as they complete; within a month the
        # longest job first (by its last recorded time), so that no worker idles at the end.
        previous = {m: cache.read_manifest(out_dir / m).get("sections", {}) for m in by_month}
        order = {m: i for i, m in enumerate(by_month)}
        todo = sorted(todo, key=lambda j: (order[j.month],
                                           -float(previous[j.month].get(j.notebook.stem, {}).get("seconds", 1.0))))
        n_workers = min(workers, len(todo))
        pool = ProcessPoolExecutor(
            max_workers=n_workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_init_worker,
            initargs=(server.address if server else None, server.stdin_fd if server else None),
        )
        from tqdm import tqdm

        bar = tqdm(total=len(todo), unit="job", file=stream, disable=not progress, dynamic_ncols=True,
                   desc="bulletin run")
        facts_futures = {pool.submit(_month_summary_job, m, data_param): m for m in by_month}
        futures = {}
        for j in todo:
            fut = pool.submit(_execute, j.month, j.notebook, data_param, data_root,
                              str(stagings[j.month]), str(out_dir / f"{j.month}.failed"), with_code)
            futures[fut] = j
        # The documents: one short job a month, last (it fills a worker's idle tail), unless unchanged.
        doc_keys = {m: documents_key(data_root, m) for m in by_month}
        docs: dict[str, dict] = {m: {"status": "carried", "key": k} for m, k in doc_keys.items()
                                 if not force and _documents_fresh(out_dir / m, k)}
        docs_futures = {pool.submit(_month_documents_job, m, data_param, str(stagings[m])): m
                        for m in by_month if m not in docs}
        facts: dict[str, dict] = {}
        remaining = {m: len(js) for m, js in by_month.items()}
        pending = set(futures) | set(facts_futures) | set(docs_futures)
        failed = 0
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            finished_months = []
            for fut in done:
                if fut in facts_futures:
                    m = facts_futures[fut]
                    try:
                        facts[m] = fut.result()
                    except Exception as exc:  # noqa: BLE001 - a worker that died: the page says unavailable
                        facts[m] = {"problems": [f"index figures: {_last_line(exc)}"]}
                    if remaining[m] == 0 and m in docs:
                        finished_months.append(m)
                    continue
                if fut in docs_futures:
                    m = docs_futures[fut]
                    try:
                        docs[m] = {**fut.result(), "key": doc_keys[m]}
                    except Exception as exc:  # noqa: BLE001 - a worker that died
                        docs[m] = {"status": "failed", "message": f"documents: {_last_line(exc)}"}
                    if remaining[m] == 0 and m in facts:
                        finished_months.append(m)
                    continue
                j = futures[fut]
                try:
                    r = fut.result()
                except BrokenProcessPool:  # one worker was killed (the OOM killer?): the pool is lost
                    r = {"status": "failed", "seconds": 0.0, "cell": None,
                         "message": "not finished: a worker process died (killed, or out of memory?)"}
                except Exception as exc:  # noqa: BLE001 - one job's failure is reported, the others go on
                    r = {"status": "failed", "seconds": 0.0, "cell": None, "message": _last_line(exc)}
                j.status, j.seconds, j.cell, j.message = r["status"], r["seconds"], r["cell"], r.get("message", "")
                failed += j.status == "failed"
                remaining[j.month] -= 1
                if remaining[j.month] == 0 and j.month in facts and j.month in docs:
                    finished_months.append(j.month)
                bar.update(1)
                running = min(n_workers, sum(1 for f in pending if f in futures))
                bar.set_postfix_str(f"running {running}, failed {failed}")
            mark(f"{len(done)} done")
            for m in finished_months:
                _finish_month(m, by_month[m], {**facts.get(m, {}), "documents": docs.get(m)}, out_dir,
                              stagings.pop(m), outcome)
                write_top_index(out_dir)
        mark("published")
    except KeyboardInterrupt:
        interrupted = True
        print("\nbulletin run: interrupted; published months are left as they were", file=stream)
        for j in todo:
            if j.status == "pending":
                j.status, j.message = "failed", "interrupted"
        raise
    finally:
        if bar is not None:
            bar.close()
        if pool is not None:
            if interrupted:  # do not wait for running notebooks: stop the pool's workers now
                for proc in multiprocessing.active_children():
                    if proc.pid not in others:
                        proc.terminate()
            pool.shutdown(wait=True, cancel_futures=True)
        if server is not None:  # after the workers: they hold a copy of its stdin pipe
            server.stop()  # kills every kernel it forked
        for staging in stagings.values():
            shutil.rmtree(staging, ignore_errors=True)


def _finish_month(month: str, jobs: list[Job], facts: dict, out_dir: Path, staging: Path, outcome: Outcome) -> None:
    _forget_failures(month, jobs, out_dir)
    documents = facts.get("documents") or {}
    if documents.get("status") == "failed":
        outcome.notes.append(f"{month} not published: {documents.get('message', 'documents failed')}")
    if any(j.status != "ok" for j in jobs) or documents.get("status") == "failed":
        outcome.failed_months.append(month)
        shutil.rmtree(staging, ignore_errors=True)
        return
    try:
        _publish_month(month, jobs, facts, out_dir, staging)
    except OSError as exc:  # a full disk, say: the month stays as it was, the other months go on
        shutil.rmtree(staging, ignore_errors=True)
        outcome.failed_months.append(month)
        outcome.notes.append(f"{month} could not be published: {exc.strerror or exc}"
                             + (f" ({exc.filename})" if exc.filename else ""))
        return
    outcome.published.append(month)
    outcome.notes.extend(f"{month} index page without its {problem}" for problem in facts.get("problems", []))


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


def _print_summary(outcome: Outcome, out_dir: Path, stream: TextIO) -> None:
    if not outcome.jobs:
        print("bulletin run: nothing to run", file=stream)
        return
    width = max(len(j.name) for j in outcome.jobs)
    for j in outcome.jobs:
        if j.status == "ok":
            line = f"ok       {j.seconds:5.1f}s"
        elif j.status == "skipped":
            line = "skipped         unchanged since the last run"
        else:
            where = f"cell {j.cell}: " if j.cell is not None else ""
            line = f"FAILED   {j.seconds:5.1f}s {where}{j.message}"
        print(f"  {j.name:<{width}}  {line}", file=stream)
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
    n_ok = sum(j.status == "ok" for j in outcome.jobs)
    n_skip = sum(j.status == "skipped" for j in outcome.jobs)
    n_fail = sum(j.status == "failed" for j in outcome.jobs)
    print(f"bulletin run: {n_ok} ran, {n_skip} skipped, {n_fail} failed", file=stream)


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
