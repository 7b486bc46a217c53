"""The batch's job types: a section notebook as the runner sees it, a job, its result, the outcome.

Light on purpose (dataclasses only): :mod:`bulletin.runlog` and the command line import these
without the runner's machinery.
"""

from __future__ import annotations

import enum
import errno
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bulletin.core.errors import RunError
from bulletin.core.month_strings import expand_months

#: the longest a cell of a job may run, in seconds, unless ``bulletin run --timeout`` says otherwise
#: (a section's cells take seconds; a cell that never ends must not hang the batch)
DEFAULT_TIMEOUT = 600.0


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
    """One (month, section) notebook run; ``key`` is its inputs' hash (:func:`bulletin.core.cache.job_key`)."""

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
    from bulletin.sections import SECTIONS, section

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


def last_line(exc: BaseException) -> str:
    """``Type: message``, only its last line (what a summary line can hold)."""
    return (f"{type(exc).__name__}: {exc}".strip().splitlines() or [type(exc).__name__])[-1]


def os_error(exc: OSError) -> str:
    """An operating system's error as one line: what went wrong and on which path; a full disk is
    named as such (磁盘已满), whichever library's write met it."""
    what = "磁盘已满 (no space left on device)" if exc.errno == errno.ENOSPC else f"{exc.strerror or exc}"
    return what + (f" ({exc.filename})" if exc.filename else "")


def disk_full(exc: BaseException | None) -> OSError | None:
    """The ``ENOSPC`` error behind ``exc`` (itself, or its cause or context, as papermill and
    nbformat re-raise it), or None."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            return exc
        exc = exc.__cause__ or exc.__context__
    return None
