"""The batch: plan the jobs, bring the digests up to date, run the jobs in a pool of workers and
publish each month as its last job ends; ``bulletin run``'s signal handling (:func:`run_command`)."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from .. import cache, datalock, paths
from ..errors import RunError
from . import documents_job, runlog, worker
from . import figures as index_figures
from . import jobs as job_types
from .documents_job import documents_fresh, documents_key
from .figures import IndexFigures
from .guards import check_out_dir, check_targets, reports_lock
from .jobs import Job, JobResult, JobStatus, Notebook, Outcome, disk_full, last_line, os_error, parse_months
from .publishing import forget_failures, publish_month, refresh_top_index
from .report import as_ranges, print_summary


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
    from ..history import History

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
        except RunError:  # where it would be kept leads outside the reports folder: the run stops
            raise
        except Exception as exc:  # noqa: BLE001 - the month's own jobs report its data; its digest is a gap
            full = disk_full(exc)
            why = f"could not be kept: {os_error(full)}" if full is not None else \
                f"could not be computed ({last_line(exc)})"
            log.note(f"digest {m}: {why}")
            history.add_gap(m, last_line(exc))
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
          with_code: bool, history, notes: list[str]) -> list[Job]:
    """Every job with its cache key; those whose published result is current (and untouched since:
    :func:`bulletin.cache.freshness`) are marked skipped. A job redone because its published files
    changed gets a line in ``notes`` saying which."""
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
            why = None if force else cache.freshness(out_dir / m, nb.stem, job.key)
            if not force and why is None:
                job.status, job.message = JobStatus.SKIPPED, "unchanged"
            elif why:
                notes.append(f"{job.name}: run again ({why})")
            jobs.append(job)
    return jobs


def _pages_changed(month_dir: Path, notes: list[str]) -> bool:
    """Whether the published month's page or summary is not what the run published (edited, emptied,
    removed); says which in ``notes``."""
    why = cache.changed_files(month_dir, cache.MONTH_PAGES)
    if why is not None:
        notes.append(f"{month_dir.name}: published again ({why})")
    return why is not None


def _data_and_out_folders(data_dir: str | os.PathLike[str] | None,
                          out: str | os.PathLike[str] | None) -> tuple[Path, Path]:
    """The data folder and the reports folder of a run, refused with one line when unusable."""
    data_root = paths.data_dir(data_dir)
    if not data_root.is_dir():  # else every month would be reported absent, hiding the mistyped folder
        raise RunError(f"the data folder {data_root} does not exist or is not a folder")
    if out is not None and str(out) == "":
        raise RunError("--out is empty; give a folder, or leave the option out for the default")
    out_dir = Path(out).expanduser().absolute() if out is not None else paths.DEFAULT_REPORTS_DIR
    check_out_dir(out_dir, data_root)
    return data_root, out_dir.resolve()


def _notebooks_found(notebooks: Sequence[Notebook] | None) -> list[Notebook]:
    """The notebooks to run (default: the sections'), each one checked to exist."""
    found = list(notebooks) if notebooks is not None else job_types.section_notebooks()
    for nb in found:
        if not nb.path.is_file():
            raise RunError(f"notebook {paths.display_path(nb.path)} not found")
    return found


def _check_jobs_and_timeout(jobs: int | None, timeout: float | None) -> None:
    if jobs is not None and jobs < 1:
        raise RunError(f"--jobs must be 1 or more (got {jobs})")
    if timeout is not None and not timeout > 0:  # also NaN
        raise RunError(f"--timeout must be a number of seconds above 0 (got {timeout})")


def _months_present(months: list[str], data_root: Path, out_dir: Path, outcome: Outcome,
                    stream: TextIO) -> list[str]:
    """The asked months that are in the data (the others are noted in ``outcome.absent`` and said on
    ``stream``), their target folders checked; every data file up to the last of them is read once
    here, before anything is written, so an unreadable one is one line."""
    try:
        present = cache.available_months(data_root)
    except OSError as exc:
        raise RunError(f"cannot read the data folder {data_root}: {exc.strerror or exc}") from None
    outcome.absent = [m for m in months if m not in present]
    if outcome.absent:
        print(f"bulletin run: {as_ranges(outcome.absent)} 不在数据目录中，已跳过 (months absent from the data)",
              file=stream)
    months = [m for m in months if m in present]
    check_targets(out_dir, months)
    for m in sorted(m for m in present if months and m <= max(months)):  # before anything is written
        try:
            cache.data_hash(data_root, m)
        except OSError as exc:  # an unreadable data file or folder: one line, nothing written
            raise RunError(f"cannot read {exc.filename or data_root / m}: {exc.strerror or exc}") from None
    return months


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
    timeout: float | None = job_types.DEFAULT_TIMEOUT,
) -> Outcome:
    """Run the batch; see the module docstring. Raises :class:`BulletinError` on bad arguments.

    ``timeout``: the longest a cell of a job may run, in seconds (``--timeout``); a job that runs
    out is failed and named, its month is not published, and its kernel is shut down."""

    stream = stream or sys.stderr
    started = time.time()
    cache.forget()
    months = parse_months(month_specs)
    data_root, out_dir = _data_and_out_folders(data_dir, out)
    data_param = str(data_root) if data_dir is not None and str(data_dir) != "" else None
    notebooks = _notebooks_found(notebooks)
    _check_jobs_and_timeout(jobs, timeout)
    workers = jobs or _cpu_count()

    outcome = Outcome()
    months = _months_present(months, data_root, out_dir, outcome, stream)
    if months:
        with datalock.reading(data_root), reports_lock(out_dir), runlog.run_log(out_dir, started) as log, \
                _history_for_kernels(out_dir):
            outcome.log_file = log.path
            try:
                history = _digests(months, notebooks, data_root, out_dir, log)
                redone: list[str] = []
                outcome.jobs = _plan(months, notebooks, data_root, out_dir, force=force, with_code=with_code,
                                     history=history, notes=redone)
                log.start(months, notebooks, data_root, workers, force=force, with_code=with_code)
                todo = [j for j in outcome.jobs if j.status == JobStatus.PENDING]
                # a month whose sections are all current but whose documents are not (deleted by hand,
                # or published before there were documents), or whose page or summary.json is not
                # what the run published: the documents alone run (or are carried over), and the
                # month is republished
                busy = {j.month for j in todo}
                documents_only = [m for m in months if m not in busy
                                  and (not documents_fresh(out_dir / m, documents_key(data_root, m), redone)
                                       or _pages_changed(out_dir / m, redone))]
                for line in redone:
                    log.note(line)
                if todo or documents_only:
                    _run_jobs(todo, outcome, data_root, data_param, out_dir, workers, with_code, progress, stream,
                              force, documents_only, timeout)
                # the month links of every published page, after any run; the top index when needed
                refresh_top_index(out_dir, outcome, always=bool(outcome.published))
            finally:
                log.finish(outcome)
    print_summary(outcome, out_dir, stream)
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
    timeout: float | None = job_types.DEFAULT_TIMEOUT
    by_month: dict[str, list[Job]] = field(default_factory=dict)
    stagings: dict[str, Path] = field(default_factory=dict)
    figures: dict[str, IndexFigures] = field(default_factory=dict)
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
        from ..demo import is_synthetic
        from ..release import __version__

        found = {"version": __version__, "code": cache.code_hash()[:12],
                 "data": cache.data_hash(self.data_root, month)[:12]}
        return {**found, "synthetic": True} if is_synthetic(self.data_root) else found


def _start_server():
    """The fork server (started first: it warms up while this process imports the rest), or None."""
    from .. import kernels

    return kernels.start_server()


def _import_for_workers() -> None:
    """What the forked workers should inherit instead of importing each (spawned ones import it anyway)."""
    # jsonschema builds an IRI grammar when rfc3987_syntax is importable (~1 s, jsonschema #1428);
    # the notebook schema checks no IRI, so the runner's processes go without it.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
    import nbformat  # noqa: F401 - imported once here, inherited by the forked workers
    import papermill  # noqa: F401

    from ..publish import prepare_pages

    prepare_pages()  # built once here, inherited by the forked workers


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

    from ..kernels import fork_available

    method = "fork" if fork_available() and "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(
        max_workers=n_workers,
        mp_context=multiprocessing.get_context(method),
        initializer=worker.init_worker,
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
        return JobResult(JobStatus.FAILED, message=last_line(exc))


def _figures_result(fut) -> IndexFigures:
    try:
        return fut.result()
    except Exception as exc:  # noqa: BLE001 - a worker that died: the page says unavailable
        return IndexFigures(problems=[f"index figures: {last_line(exc)}"])


def _documents_result(fut) -> dict:
    try:
        return fut.result()
    except Exception as exc:  # noqa: BLE001 - a worker that died
        return {"status": "failed", "message": f"documents: {last_line(exc)}"}


def _documents_to_make(batch: _Batch) -> list[str]:
    """The months whose documents must be made (the others' are carried over, unchanged); sets
    ``batch.documents`` for the carried ones and ``batch.documents_keys`` for all."""
    batch.documents_keys = {m: documents_key(batch.data_root, m) for m in batch.by_month}
    edited: list[str] = []  # documents changed by hand in a month whose sections run (the others said so already)
    batch.documents = {m: {"status": "carried", "key": k} for m, k in batch.documents_keys.items()
                       if not batch.force
                       and documents_fresh(batch.out_dir / m, k, None if m in batch.documents_only else edited)}
    for line in edited:
        runlog.logger.warning("%s", line)
    return [m for m in batch.by_month if m not in batch.documents]


def _submit_documents(batch: _Batch, pool, months: Iterable[str]) -> None:
    for m in months:
        future = pool.submit(documents_job.month_documents_job, m, batch.data_param, str(batch.stagings[m]))
        batch.documents_futures[future] = m


def _collect(batch: _Batch, pool, bar) -> None:
    """Submit every job and the months' index figures; publish each month as its last result arrives."""
    from concurrent.futures import FIRST_COMPLETED, wait

    figures_futures = {pool.submit(index_figures.index_figures_job, m, batch.data_param): m for m in batch.by_month}
    futures = {
        pool.submit(worker.run_notebook, j.month, j.notebook, batch.data_param, batch.data_root,
                    str(batch.stagings[j.month]), str(batch.out_dir / f"{j.month}.failed"), batch.with_code,
                    batch.timeout): j
        for j in _ordered(batch)
    }
    # The other documents: one short job a month, last (it fills a worker's idle tail).
    submitted = set(batch.documents_futures.values())
    _submit_documents(batch, pool, [m for m in batch.documents_keys if m not in batch.documents and m not in submitted])
    keys, docs_futures = batch.documents_keys, batch.documents_futures
    pending = set(futures) | set(figures_futures) | set(docs_futures)
    failed = 0
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        ready = []
        for fut in done:
            if fut in figures_futures:
                month = figures_futures[fut]
                batch.figures[month] = _figures_result(fut)
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
            if batch.remaining[month] == 0 and month in batch.figures and month in batch.documents:
                ready.append(month)
        for m in ready:
            _finish_month(batch, m)
            refresh_top_index(batch.out_dir, batch.outcome)


def _stop_workers(pool, others: set[int]) -> None:
    """Stop the pool's workers now (Ctrl-C): only our own live children, through multiprocessing."""
    import multiprocessing

    for proc in multiprocessing.active_children():  # reaped ones are not listed: their IDs are not ours
        if proc.pid not in others:
            proc.terminate()


def _run_jobs(todo: list[Job], outcome: Outcome, data_root: Path, data_param: str | None, out_dir: Path,
              workers: int, with_code: bool, progress: bool, stream: TextIO, force: bool = False,
              documents_only: Sequence[str] = (), timeout: float | None = job_types.DEFAULT_TIMEOUT) -> None:
    """Run ``todo`` in a pool of workers (kernels from the fork server); publish each month as its
    last job ends. Ctrl-C (or SIGTERM via :func:`run_command`) stops everything at once."""
    import multiprocessing

    from tqdm import tqdm

    batch = _Batch(todo, outcome, data_root, data_param, out_dir, with_code, force, documents_only, timeout)
    others = {p.pid for p in multiprocessing.active_children()}  # a caller's own child processes
    server = pool = bar = None
    interrupted = False
    try:
        server = _start_server()
        _import_for_workers()
        if server is not None:
            from ..kernels import check_registered

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
        _mark_interrupted(todo, stream)
        raise
    finally:
        _close_down(batch, bar, pool, server, interrupted=interrupted, others=others)


def _mark_interrupted(todo: list[Job], stream: TextIO) -> None:
    """Ctrl-C: said once, and every job not yet run failed as ``interrupted``."""
    print("\nbulletin run: interrupted; published months are left as they were", file=stream)
    for j in todo:
        if j.status == JobStatus.PENDING:
            j.status, j.message = JobStatus.FAILED, "interrupted"


def _close_down(batch: _Batch, bar, pool, server, *, interrupted: bool, others: set[int]) -> None:
    """The end of the pool, however it ended: the progress bar closed, the workers stopped (at once
    when interrupted: running notebooks are not waited for), then the fork server and its kernels,
    and the staging folders of months not published."""
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


def _finish_month(batch: _Batch, month: str) -> None:
    jobs = batch.by_month[month]
    # what was kept for the month is dropped once it is published: a long backfill holds no more
    # than its months in flight
    index = batch.figures.pop(month, None) or IndexFigures()
    documents = batch.documents.pop(month, None) or {}
    staging = batch.stagings.pop(month)
    outcome = batch.outcome
    if documents:
        seconds = f" {documents['seconds']:.2f}s" if "seconds" in documents else ""
        message = f" {documents['message']}" if documents.get("message") else ""
        outcome.documents[month] = f"{documents.get('status')}{seconds}{message}"
    if index.check:
        outcome.checks[month] = index.check
    try:
        forget_failures(month, jobs, batch.out_dir)
    except BaseException:  # `YYYY-MM.failed` is a link out of the reports folder (RunError)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if documents.get("status") == "failed":
        outcome.notes.append(f"{month} not published: {documents.get('message', 'documents failed')}")
    if any(j.status != JobStatus.OK for j in jobs) or documents.get("status") == "failed":
        outcome.failed_months.append(month)
        shutil.rmtree(staging, ignore_errors=True)
        return
    try:
        publish_month(month, jobs, index, documents, batch.out_dir, staging, batch.provenance(month))
    except OSError as exc:  # a full disk, say: the month stays as it was, the other months go on
        shutil.rmtree(staging, ignore_errors=True)
        outcome.failed_months.append(month)
        outcome.notes.append(f"{month} could not be published: {os_error(exc)}")
        return
    except BaseException:  # a link in the published month (RunError): the run stops, nothing left behind
        shutil.rmtree(staging, ignore_errors=True)
        raise
    outcome.published.append(month)
    outcome.notes.extend(f"{month} index page without its {problem}" for problem in index.problems)


def run_command(args: argparse.Namespace) -> int:
    """``bulletin run`` (called by the CLI with its parsed arguments)."""
    import signal
    import threading

    notebooks = job_types.section_notebooks(getattr(args, "sections", None))
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
            timeout=getattr(args, "timeout", job_types.DEFAULT_TIMEOUT),
        )
    except KeyboardInterrupt:
        return 128 + (stopped_by[0] if stopped_by else signal.SIGINT)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if not outcome.jobs and outcome.absent:
        return 2
    return outcome.exit_code
