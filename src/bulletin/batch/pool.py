"""The pool: the fork server (whose kernels the notebooks run in), the worker processes, the progress
shown as jobs finish, and their end, however the run ends (at once on Ctrl-C or a signal, :mod:`.signals`)."""

from __future__ import annotations

import shutil
import sys
from typing import TextIO

from bulletin.batch import collect, worker
from bulletin.batch.collect import InFlight
from bulletin.batch.console import job_line
from bulletin.batch.jobs import Job, Outcome
from bulletin.batch.plan import Plan, Settings
from bulletin.batch.signals import mark_interrupted


def start_server():
    """The fork server (started first: it warms up while this process imports the rest), or None."""
    from bulletin.batch import kernels

    return kernels.start_server()


def _import_for_workers() -> None:
    """What the forked workers should inherit instead of importing each (spawned ones import it anyway)."""
    # jsonschema builds an IRI grammar when rfc3987_syntax is importable (~1 s, jsonschema #1428);
    # the notebook schema checks no IRI, so the runner's processes go without it.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
    import nbformat  # noqa: F401 - imported once here, inherited by the forked workers
    import papermill  # noqa: F401

    from bulletin.render.reader_pages import prepare_pages

    prepare_pages()  # built once here, inherited by the forked workers


def _make_pool(n_workers: int, server):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from bulletin.batch.kernels import fork_available

    method = "fork" if fork_available() and "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(
        max_workers=n_workers,
        mp_context=multiprocessing.get_context(method),
        initializer=worker.init_worker,
        initargs=(server.address if server else None, str(server.folder) if server else None,
                  server.stdin_fd if server and method == "fork" else None),
    )


def _stop_workers(pool, others: set[int]) -> None:
    """Stop the pool's workers now (Ctrl-C): only our own live children, through multiprocessing."""
    import multiprocessing

    for proc in multiprocessing.active_children():  # reaped ones are not listed: their IDs are not ours
        if proc.pid not in others:
            proc.terminate()


class _Bar:
    """On a terminal: tqdm's bar, redrawn in place as each job finishes."""

    def __init__(self, total: int, run: Settings) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=total, unit="job", file=run.stream, disable=not run.progress, dynamic_ncols=True,
                        desc="bulletin run")

    def job_done(self, job: Job, failed: int) -> None:
        self.bar.update(1)
        self.bar.set_postfix_str(f"failed {failed}")

    def close(self) -> None:
        self.bar.close()


class _Lines:
    """Elsewhere (a CI log, a cron mail): one plain line a finished job, as a log reads it."""

    def __init__(self, total: int, run: Settings) -> None:
        self.total, self.done, self.stream = total, 0, run.stream

    def job_done(self, job: Job, failed: int) -> None:
        self.done += 1
        print(f"bulletin run [{self.done}/{self.total}] {job.name}  {job_line(job)}", file=self.stream, flush=True)

    def close(self) -> None:
        pass


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # not a file, or a closed one
        return False


def progress_for(total: int, run: Settings) -> _Bar | _Lines:
    """How finished jobs are shown: tqdm's bar on a terminal, one line a job elsewhere (tqdm's
    carriage-return redraws would be one long line there); nothing when progress is off."""
    if run.progress and not _is_terminal(run.stream):
        return _Lines(total, run)
    return _Bar(total, run)


class EarlyServer:
    """The fork server started before the plan is made, when the run has digests to compute (a cold
    run): it warms up while the runner computes them, instead of after. :func:`run_jobs` takes it
    over (:meth:`take`); one nobody took (nothing to run, an error) is stopped when the run ends."""

    def __init__(self) -> None:
        self.server = None
        self.started = False

    def start(self) -> None:
        if not self.started:
            self.started = True
            self.server = start_server()

    def take(self):
        """The early server for the pool (its stopping is then the pool's), or a new one."""
        server, self.server = self.server, None
        return server if self.started else start_server()

    def __enter__(self) -> EarlyServer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


def run_jobs(plan: Plan, run: Settings, outcome: Outcome, early: EarlyServer | None = None) -> None:
    """Run the plan's jobs in a pool of workers (kernels from the fork server, ``early``'s when it
    started one); publish each month as its last job ends. Ctrl-C (or SIGTERM, :mod:`.signals`)
    stops everything at once."""
    import multiprocessing

    batch = InFlight(run, plan, outcome)
    others = {p.pid for p in multiprocessing.active_children()}  # a caller's own child processes
    server = pool = progress = None
    interrupted = False
    try:
        server = early.take() if early is not None else start_server()
        _import_for_workers()
        if server is not None:
            from bulletin.batch.kernels import check_registered

            check_registered()  # while the server warms up
        collect.make_stagings(batch)
        pool = _make_pool(max(1, min(run.workers, len(plan.todo) + len(plan.documents_only))), server)
        # The first month's documents need no kernel: they are made while the server warms up (a
        # core the runner would leave idle until then); the others come last (see collect.collect).
        collect.submit_documents(batch, pool, collect.documents_to_make(batch)[:1])
        if server is not None:
            server.wait_ready()
        progress = progress_for(len(plan.todo), run)
        collect.collect(batch, pool, progress)
    except KeyboardInterrupt:
        interrupted = True
        mark_interrupted(plan.todo, run.stream)
        raise
    finally:
        _close_down(batch, progress, pool, server, interrupted=interrupted, others=others)


def _close_down(batch: InFlight, progress, pool, server, *, interrupted: bool, others: set[int]) -> None:
    """The end of the pool, however it ended: the progress closed, the workers stopped (at once
    when interrupted: running notebooks are not waited for), then the fork server and its kernels,
    and the staging folders of months not published."""
    if progress is not None:
        progress.close()
    if pool is not None:
        if interrupted:  # do not wait for running notebooks
            _stop_workers(pool, others)
        pool.shutdown(wait=True, cancel_futures=True)
    if server is not None:  # after the workers: they hold a copy of its stdin pipe
        server.stop()  # kills every kernel it forked and has not reaped
    for staging in batch.stagings.values():
        shutil.rmtree(staging, ignore_errors=True)
