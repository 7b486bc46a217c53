"""The run log: what each ``bulletin run`` did, kept next to what it publishes.

Every run that reaches the reports folder writes ``reports/logs/run-YYYYMMDDTHHMMSSmmmZ-PID.log``
through the standard :mod:`logging` module (a file handler on the ``bulletin.run`` logger, so a
caller may add its own handlers too). The log records when the run happened; the package version
and the hash of its code; the SHA-256 of every input (notebooks and data files); each job's status,
time and failing cell; and each month's check summary. The console output stays short: the log is
where the detail goes. Logs are never rotated or removed by the tool.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from bulletin.batch.jobs import Notebook, Outcome
from bulletin.core import cache, paths

LOG_DIR = "logs"
logger = logging.getLogger("bulletin.run")


class RunLog:
    """Writes one run's records (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def start(self, months: Sequence[str], notebooks: Sequence[Notebook], data_root: Path, workers: int, *,
              force: bool, with_code: bool) -> None:
        """The run's parameters, the code's identity and every input's hash."""
        from bulletin.core.paths import display_path
        from bulletin.core.provenance import __version__

        logger.info("bulletin run started %s (UTC)", time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()))
        logger.info("package bulletin %s, code sha256 %s, python %s", __version__, cache.code_hash(),
                    sys.version.split()[0])
        logger.info("months %s; sections %s; data %s; jobs %d; force %s; with_code %s", ", ".join(months),
                    ", ".join(nb.stem for nb in notebooks), display_path(data_root), workers, force, with_code)
        for nb in notebooks:
            logger.info("input %s sha256 %s", display_path(nb.path), cache.file_hash(nb.path))
        seen: set[str] = set()
        for m in months:
            for name, digest in cache.month_inputs(data_root, m).items():
                if name not in seen:
                    seen.add(name)
                    logger.info("input data/%s sha256 %s", name, digest)
        # the other months the jobs read (the month before, the history): one line each, their data's hash
        for m in sorted(cache.available_months(data_root)):
            if m < max(months, default="") and m not in months:
                logger.info("input data/%s/ sha256 %s (read through its digest)", m, cache.data_hash(data_root, m))

    def note(self, line: str) -> None:
        """One line about something the run noticed and handled (a digest rebuilt, say)."""
        logger.warning("%s", line)

    def finish(self, outcome: Outcome) -> None:
        """Each job's status, time and failing cell; each month's check summary and fate."""
        for j in outcome.jobs:
            cell = f" cell {j.cell}" if j.cell is not None else ""
            message = f" {j.message}" if j.message else ""
            logger.info("job %s %s %.2fs%s%s", j.name, j.status.value, j.seconds, cell, message)
        for month, fate in outcome.documents.items():
            logger.info("documents %s %s", month, fate)
        for month, summary in outcome.checks.items():
            logger.info("check %s: %s", month, summary)
        for m in outcome.published:
            logger.info("published %s", m)
        for m in outcome.failed_months:
            logger.warning("not published %s", m)
        for note in outcome.notes:
            logger.warning("note: %s", note)
        logger.info("bulletin run ended, exit code %d", outcome.exit_code)


@contextmanager
def run_log(out_dir: Path, started: float) -> Iterator[RunLog]:
    """Open the run's log file under ``out_dir/logs`` for the duration of the run.

    A log that cannot be written (full disk) does not stop the batch: the run goes on without it.
    A ``logs`` that leads outside ``out_dir`` (a link) is refused (:class:`~bulletin.core.errors.RunError`).
    """
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(started)) + f"{int(started * 1000) % 1000:03d}Z"
    path = out_dir / LOG_DIR / f"run-{stamp}-{os.getpid()}.log"
    handler: logging.Handler
    paths.confined(path, out_dir)  # a `logs` that is a link to elsewhere: one line, nothing written there
    try:
        path.parent.mkdir(exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    formatter = logging.Formatter("%(asctime)sZ %(levelname)s %(message)s")
    formatter.converter = time.gmtime  # this formatter's times in UTC (not the class's: others keep theirs)
    handler.setFormatter(formatter)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # the console output stays as short as it is
    try:
        yield RunLog(path)
    finally:
        logger.removeHandler(handler)
        handler.close()
