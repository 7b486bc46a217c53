"""The batch, top to bottom: the run's settings checked, the months present, the digests brought up to
date, the plan, the jobs run in the pool with each month published as its last job ends, the top
index, the summary. Each step is its own module: :mod:`.plan`, :mod:`.pool`, :mod:`.collect`,
:mod:`.publishing`, :mod:`.console`; stopping on a signal is :mod:`.signals`."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from typing import TextIO

from bulletin.batch import jobs as job_types
from bulletin.batch import plan as planning
from bulletin.batch import pool, runlog
from bulletin.batch.console import print_summary
from bulletin.batch.guards import reports_lock
from bulletin.batch.jobs import Notebook, Outcome, parse_months
from bulletin.batch.publishing import refresh_top_index
from bulletin.core import cache
from bulletin.data import datalock


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
    started = time.time()
    cache.forget()
    months = parse_months(month_specs)
    run = planning.settings(data_dir=data_dir, out=out, notebooks=notebooks, jobs=jobs, force=force,
                            with_code=with_code, progress=progress, stream=stream or sys.stderr, timeout=timeout)
    outcome = Outcome()
    months = planning.months_present(months, run, outcome)
    if months:
        with datalock.reading(run.data_root), reports_lock(run.out_dir), \
                runlog.run_log(run.out_dir, started) as log, planning.history_for_kernels(run.out_dir), \
                pool.EarlyServer() as early:
            outcome.log_file = log.path
            try:
                # digests to compute: a cold run, whose fork server warms up meanwhile
                history = planning.digests(months, run, log, on_stale=early.start)
                plan = planning.plan(months, run, history)
                outcome.jobs = plan.jobs
                log.start(months, list(run.notebooks), run.data_root, run.workers, force=force, with_code=with_code)
                for line in plan.notes:
                    log.note(line)
                if plan.anything_to_do:
                    pool.run_jobs(plan, run, outcome, early)
                # the month links of every published page, after any run; the top index when needed
                refresh_top_index(run.out_dir, outcome, always=bool(outcome.published))
            finally:
                log.finish(outcome)
    print_summary(outcome, run.out_dir, run.stream)
    return outcome
