"""``bulletin run``: execute every section notebook for some months and publish the results.

One job a module: :mod:`.jobs` (the job types), :mod:`.worker` (a notebook run in a pool worker),
:mod:`.figures` (a month's index figures), :mod:`.documents_job` (the month's documents),
:mod:`.guards` (what the batch may write, and the one-run lock), :mod:`.publishing` (a month swapped
in), :mod:`.scheduler` (the batch itself), :mod:`.report` (the console lines), :mod:`.runlog` (the
log). How they fit together: ARCHITECTURE.md, "The batch".
"""

from __future__ import annotations

from .jobs import Job, JobResult, JobStatus, Notebook, Outcome, section_notebooks
from .scheduler import run_batch, run_command

__all__ = ["Job", "JobResult", "JobStatus", "Notebook", "Outcome", "run_batch", "run_command", "section_notebooks"]
