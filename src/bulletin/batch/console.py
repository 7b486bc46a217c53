"""What ``bulletin run`` prints on the console: one line a job, where to open each month, notes."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from bulletin.batch.jobs import Job, JobStatus, Outcome
from bulletin.core.month_strings import month_label, month_runs


def as_ranges(months: list[str]) -> str:
    """``2019-01, 2019-02, 2019-03, 2020-01`` → ``2019-01:2019-03, 2020-01`` (as the command takes them)."""
    return ", ".join(first if n == 1 else f"{first}:{last}" for first, last, n in month_runs(months))


def _for_operator(path: Path) -> str:
    """A path the operator can open from where they ran the command (relative when below it)."""
    try:
        return path.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        return str(path)


def job_line(j: Job) -> str:
    """A job's status as the console says it (the summary, the lines of progress off a terminal)."""
    if j.status == JobStatus.OK:
        return f"ok       {j.seconds:5.1f}s"
    if j.status == JobStatus.SKIPPED:
        return "skipped         unchanged since the last run"
    where = f"cell {j.cell}: " if j.cell is not None else ""
    return f"FAILED   {j.seconds:5.1f}s {where}{j.message}"


def print_summary(outcome: Outcome, out_dir: Path, stream: TextIO) -> None:
    if not outcome.jobs:
        print("bulletin run: nothing to run", file=stream)
        return
    width = max(len(j.name) for j in outcome.jobs)
    for j in outcome.jobs:
        print(f"  {j.name:<{width}}  {job_line(j)}", file=stream)
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
    counts = {s: sum(j.status == s for j in outcome.jobs) for s in (JobStatus.OK, JobStatus.SKIPPED, JobStatus.FAILED)}
    print(f"bulletin run: {counts[JobStatus.OK]} ran, {counts[JobStatus.SKIPPED]} skipped, "
          f"{counts[JobStatus.FAILED]} failed", file=stream)
