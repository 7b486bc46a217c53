"""Planning a batch: the run's settings checked (folders, notebooks, ``--jobs``, ``--timeout``), the
months present, the digests brought up to date, and every job with its cache key (the current ones
skipped)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bulletin.batch import jobs as job_types
from bulletin.batch.console import as_ranges
from bulletin.batch.documents_job import documents_fresh, documents_key
from bulletin.batch.guards import check_out_dir, check_targets
from bulletin.batch.jobs import Job, JobStatus, Notebook, Outcome, disk_full, last_line, os_error
from bulletin.core import cache, paths
from bulletin.core.errors import RunError


@dataclass(frozen=True)
class Settings:
    """What a run was asked to do, checked: where it reads and writes, what it runs, how."""

    data_root: Path
    data_param: str | None  # the data folder the notebooks are given (None: their default)
    out_dir: Path
    notebooks: tuple[Notebook, ...]
    workers: int
    force: bool
    with_code: bool
    progress: bool
    stream: TextIO
    timeout: float | None


@dataclass(frozen=True)
class Plan:
    """Every job of the run (the current ones marked skipped), those to run, the months whose
    documents alone are to be made, and why things are redone (for the log)."""

    jobs: list[Job]
    todo: list[Job]
    documents_only: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def anything_to_do(self) -> bool:
        return bool(self.todo or self.documents_only)


def _cpu_count() -> int:
    """The CPUs this process may use (a container's share, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


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


def _notebooks_found(notebooks: Sequence[Notebook] | None) -> tuple[Notebook, ...]:
    """The notebooks to run (default: the sections'), each one checked to exist."""
    found = tuple(notebooks) if notebooks is not None else tuple(job_types.section_notebooks())
    for nb in found:
        if not nb.path.is_file():
            raise RunError(f"notebook {paths.display_path(nb.path)} not found")
    return found


def _check_jobs_and_timeout(jobs: int | None, timeout: float | None) -> None:
    if jobs is not None and jobs < 1:
        raise RunError(f"--jobs must be 1 or more (got {jobs})")
    if timeout is not None and not timeout > 0:  # also NaN
        raise RunError(f"--timeout must be a number of seconds above 0 (got {timeout})")


def settings(*, data_dir: str | os.PathLike[str] | None, out: str | os.PathLike[str] | None,
             notebooks: Sequence[Notebook] | None, jobs: int | None, force: bool, with_code: bool,
             progress: bool, stream: TextIO, timeout: float | None) -> Settings:
    """A run's arguments checked, each refused with one line (:class:`RunError`)."""
    data_root, out_dir = _data_and_out_folders(data_dir, out)
    data_param = str(data_root) if data_dir is not None and str(data_dir) != "" else None
    found = _notebooks_found(notebooks)
    _check_jobs_and_timeout(jobs, timeout)
    return Settings(data_root, data_param, out_dir, found, jobs or _cpu_count(), force, with_code, progress, stream,
                    timeout)


def months_present(months: list[str], run: Settings, outcome: Outcome) -> list[str]:
    """The asked months that are in the data (the others are noted in ``outcome.absent`` and said on
    the run's stream), their target folders checked; every data file up to the last of them is read
    once here, before anything is written, so an unreadable one is one line."""
    data_root = run.data_root
    try:
        present = cache.available_months(data_root)
    except OSError as exc:
        raise RunError(f"cannot read the data folder {data_root}: {exc.strerror or exc}") from None
    outcome.absent = [m for m in months if m not in present]
    if outcome.absent:
        print(f"bulletin run: {as_ranges(outcome.absent)} 不在数据目录中，已跳过 (months absent from the data)",
              file=run.stream)
    months = [m for m in months if m in present]
    check_targets(run.out_dir, months)
    for m in sorted(m for m in present if months and m <= max(months)):  # before anything is written
        try:
            cache.data_hash(data_root, m)
        except OSError as exc:  # an unreadable data file or folder: one line, nothing written
            raise RunError(f"cannot read {exc.filename or data_root / m}: {exc.strerror or exc}") from None
    return months


@contextmanager
def history_for_kernels(out_dir: Path) -> Iterator[None]:
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


def digests(months: list[str], run: Settings, log, on_stale: Callable[[], object] | None = None):
    """The digests of every month in the data up to the last one run, each brought up to date once
    (:mod:`bulletin.history`) before any job starts: the trends, the checks across months and the
    month pages read them. A stored digest that is corrupt or stale is rebuilt, with a line in the log.
    ``on_stale()`` is called once before any is computed (a run with data or code new to its reports
    folder: the batch starts its fork server then, which warms up while the digests are computed)."""
    from bulletin.history import History

    history = History(run.data_root, paths.history_dir(run.out_dir), writable=True)
    last = max(months)
    needed = [m for m in history.months() if m <= last]
    try:
        stale = history.stale(needed)
    except OSError as exc:  # an unreadable data file: one line, nothing written
        raise RunError(f"cannot read {exc.filename or run.data_root}: {exc.strerror or exc}") from None
    for line in history.rebuilt:
        log.note(line)
    if stale and on_stale is not None:
        on_stale()
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


def _jobs(months: list[str], run: Settings, history, notes: list[str]) -> list[Job]:
    """Every job with its cache key; those whose published result is current (and untouched since:
    :func:`bulletin.core.cache.freshness`) are marked skipped. A job redone because its published files
    changed gets a line in ``notes`` saying which."""
    jobs = []
    checks = any(nb.checks for nb in run.notebooks)
    for m in months:
        published = cache.read_manifest(run.out_dir / m).get("sections", {}) if checks else {}
        for nb in run.notebooks:
            try:
                extra = _check_history(history, m, published.get(nb.stem)) if nb.checks else {}
                key = cache.job_key(nb.path, run.data_root, m, with_code=run.with_code, reads=nb.reads,
                                    check_history=extra.get("check_history"))
            except OSError as exc:  # an unreadable data file or folder: one line, nothing written
                raise RunError(f"cannot read {exc.filename or run.data_root / m}: {exc.strerror or exc}") from None
            job = Job(m, nb, key, extra=extra)
            why = None if run.force else cache.freshness(run.out_dir / m, nb.stem, job.key)
            if not run.force and why is None:
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


def plan(months: list[str], run: Settings, history) -> Plan:
    """The run's jobs, and the months that need their documents alone: a month whose sections are all
    current but whose documents are not (deleted by hand, or published before there were documents),
    or whose page or summary.json is not what the run published, has its documents run (or carried
    over) and is republished."""
    notes: list[str] = []
    jobs = _jobs(months, run, history, notes)
    todo = [j for j in jobs if j.status == JobStatus.PENDING]
    busy = {j.month for j in todo}
    documents_only = tuple(m for m in months if m not in busy
                           and (not documents_fresh(run.out_dir / m, documents_key(run.data_root, m), notes)
                                or _pages_changed(run.out_dir / m, notes)))
    return Plan(jobs, todo, documents_only, tuple(notes))
