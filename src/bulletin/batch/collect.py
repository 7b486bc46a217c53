"""Collecting a batch's results: every job, each month's index figures and documents submitted to
the pool; each result recorded as it arrives, and a month published as soon as its last one is in."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bulletin.batch import documents_job, month_index, runlog, worker
from bulletin.batch.documents_job import documents_fresh, documents_key
from bulletin.batch.jobs import Job, JobResult, JobStatus, Outcome, last_line, os_error
from bulletin.batch.month_index import IndexFigures
from bulletin.batch.plan import Plan, Settings
from bulletin.batch.publishing import forget_failures, provenance, publish_month, refresh_top_index
from bulletin.core import cache


@dataclass
class InFlight:
    """What a batch keeps while its jobs run, month by month, until the month is published."""

    run: Settings
    plan: Plan
    outcome: Outcome
    by_month: dict[str, list[Job]] = field(default_factory=dict)
    remaining: dict[str, int] = field(default_factory=dict)  # month → its jobs not finished yet
    stagings: dict[str, Path] = field(default_factory=dict)
    index: dict[str, IndexFigures] = field(default_factory=dict)
    documents: dict[str, dict] = field(default_factory=dict)  # month → status, key (and message)
    documents_keys: dict[str, str] = field(default_factory=dict)  # month → its documents' cache key
    documents_futures: dict = field(default_factory=dict)  # a documents job's future → its month

    def __post_init__(self) -> None:
        for j in self.plan.todo:
            self.by_month.setdefault(j.month, []).append(j)
        for m in self.plan.documents_only:  # months with no section to run, only their documents
            self.by_month.setdefault(m, [])
        self.remaining = {m: len(js) for m, js in self.by_month.items()}


def make_stagings(batch: InFlight) -> None:
    """One staging folder a month, in the reports folder, where the month is assembled."""
    for m in batch.by_month:
        batch.stagings[m] = batch.run.out_dir / f".{m}.staging-{os.getpid()}"
        batch.stagings[m].mkdir()


def _ordered(batch: InFlight) -> list[Job]:
    """Month by month (months are published as they complete); within a month the longest job first
    (by its last recorded time, else the sections' usual order reversed: the long ones come last)."""
    previous = {m: cache.read_manifest(batch.run.out_dir / m).get("sections", {}) for m in batch.by_month}
    order = {m: i for i, m in enumerate(batch.by_month)}
    todo = batch.plan.todo

    def key(j: Job) -> tuple[int, float, int]:
        seconds = previous[j.month].get(j.notebook.stem, {}).get("seconds")
        return order[j.month], -float(seconds) if seconds is not None else 0.0, -todo.index(j)

    return sorted(todo, key=key)


def _job_result(fut) -> JobResult:
    from concurrent.futures.process import BrokenProcessPool

    try:
        return fut.result()
    except BrokenProcessPool:  # one worker was killed (the OOM killer?): the pool is lost
        return JobResult(JobStatus.FAILED, message="not finished: a worker process died (killed, or out of memory?)")
    except Exception as exc:  # noqa: BLE001 - one job's failure is reported, the others go on
        return JobResult(JobStatus.FAILED, message=last_line(exc))


def _index_result(fut) -> IndexFigures:
    try:
        return fut.result()
    except Exception as exc:  # noqa: BLE001 - a worker that died: the page says unavailable
        return IndexFigures(problems=[f"index figures: {last_line(exc)}"])


def _documents_result(fut) -> dict:
    try:
        return fut.result()
    except Exception as exc:  # noqa: BLE001 - a worker that died
        return {"status": "failed", "message": f"documents: {last_line(exc)}"}


def documents_to_make(batch: InFlight) -> list[str]:
    """The months whose documents must be made (the others' are carried over, unchanged); sets
    ``batch.documents`` for the carried ones and ``batch.documents_keys`` for all."""
    run = batch.run
    batch.documents_keys = {m: documents_key(run.data_root, m) for m in batch.by_month}
    edited: list[str] = []  # documents changed by hand in a month whose sections run (the others said so already)
    batch.documents = {m: {"status": "carried", "key": k} for m, k in batch.documents_keys.items()
                       if not run.force
                       and documents_fresh(run.out_dir / m, k, None if m in batch.plan.documents_only else edited)}
    for line in edited:
        runlog.logger.warning("%s", line)
    return [m for m in batch.by_month if m not in batch.documents]


def submit_documents(batch: InFlight, pool, months: Iterable[str]) -> None:
    for m in months:
        future = pool.submit(documents_job.month_documents_job, m, batch.run.data_param, str(batch.stagings[m]))
        batch.documents_futures[future] = m


def collect(batch: InFlight, pool, progress) -> None:
    """Submit every job and the months' index figures; publish each month as its last result arrives.
    ``progress.job_done(job, failed)`` is told of each finished job."""
    from concurrent.futures import FIRST_COMPLETED, wait

    run = batch.run
    index_futures = {pool.submit(month_index.index_figures_job, m, run.data_param): m for m in batch.by_month}
    futures = {
        pool.submit(worker.run_notebook, j.month, j.notebook, run.data_param, run.data_root,
                    str(batch.stagings[j.month]), str(run.out_dir / f"{j.month}.failed"), run.with_code,
                    run.timeout): j
        for j in _ordered(batch)
    }
    # The other documents: one short job a month, last (it fills a worker's idle tail).
    submitted = set(batch.documents_futures.values())
    submit_documents(batch, pool, [m for m in batch.documents_keys if m not in batch.documents and m not in submitted])
    keys, docs_futures = batch.documents_keys, batch.documents_futures
    pending = set(futures) | set(index_futures) | set(docs_futures)
    failed = 0
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        ready = []
        for fut in done:
            if fut in index_futures:
                month = index_futures[fut]
                batch.index[month] = _index_result(fut)
            elif fut in docs_futures:
                month = docs_futures[fut]
                batch.documents[month] = {**_documents_result(fut), "key": keys[month]}
            else:
                job = futures[fut]
                job.record(_job_result(fut))
                failed += job.status == JobStatus.FAILED
                month = job.month
                batch.remaining[month] -= 1
                progress.job_done(job, failed)
            if batch.remaining[month] == 0 and month in batch.index and month in batch.documents:
                ready.append(month)
        for m in ready:
            _finish_month(batch, m)
            refresh_top_index(run.out_dir, batch.outcome)


def _record_extras(outcome: Outcome, month: str, index: IndexFigures, documents: dict) -> None:
    """The month's documents and index check, as the summary says them."""
    if documents:
        seconds = f" {documents['seconds']:.2f}s" if "seconds" in documents else ""
        message = f" {documents['message']}" if documents.get("message") else ""
        outcome.documents[month] = f"{documents.get('status')}{seconds}{message}"
    if index.check:
        outcome.checks[month] = index.check


def _finish_month(batch: InFlight, month: str) -> None:
    """The month's last result is in: it is published, unless a job or its documents failed."""
    jobs = batch.by_month[month]
    out_dir = batch.run.out_dir
    # what was kept for the month is dropped once it is published: a long backfill holds no more
    # than its months in flight
    index = batch.index.pop(month, None) or IndexFigures()
    documents = batch.documents.pop(month, None) or {}
    staging = batch.stagings.pop(month)
    outcome = batch.outcome
    _record_extras(outcome, month, index, documents)
    try:
        forget_failures(month, jobs, out_dir)
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
        publish_month(month, jobs, index, documents, out_dir, staging, provenance(batch.run.data_root, month))
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
