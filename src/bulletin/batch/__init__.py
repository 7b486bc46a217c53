"""``bulletin run``: execute every section notebook for some months and publish the results.

One job a module: :mod:`.jobs` (the job types), :mod:`.worker` (a notebook run in a pool worker),
:mod:`.month_index` (a month's index figures), :mod:`.documents_job` (the month's documents),
:mod:`.guards` (what the batch may write, and the one-run lock), :mod:`.plan` (the settings checked,
the digests, the jobs to run), :mod:`.pool` (the fork server and the workers), :mod:`.collect` (the
results as they arrive), :mod:`.publishing` (a month swapped in), :mod:`.signals` (SIGTERM and SIGHUP
as Ctrl-C), :mod:`.scheduler` (``run_batch``: the pipeline), :mod:`.console` (the console lines),
:mod:`.runlog` (the log). ``bulletin run``'s arguments are the CLI's (:mod:`bulletin.cli`).
How they fit together: ARCHITECTURE.md, "The batch".
"""

from __future__ import annotations

from bulletin.batch.jobs import Job, JobResult, JobStatus, Notebook, Outcome, section_notebooks
from bulletin.batch.scheduler import run_batch

__all__ = ["Job", "JobResult", "JobStatus", "Notebook", "Outcome", "run_batch", "section_notebooks"]
