"""Stopping a batch: `kill`, a scheduler's timeout or a closed terminal (SIGTERM, SIGHUP) stop it as
cleanly as Ctrl-C does (no orphan workers, no staging folders, published months untouched)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from bulletin.batch.jobs import Job, JobStatus


class Stopped:
    """The signals that stopped the run, in the order they came."""

    def __init__(self) -> None:
        self.by: list[int] = []

    def exit_code(self) -> int:
        """The shell's code for a run stopped by a signal: 128 + its number (SIGINT for Ctrl-C)."""
        return 128 + (self.by[0] if self.by else signal.SIGINT)


@contextmanager
def stop_as_interrupt() -> Iterator[Stopped]:
    """While inside, SIGTERM and SIGHUP raise KeyboardInterrupt as Ctrl-C does (a signal someone set
    to be ignored, as `nohup` does, stays ignored); the handlers before are put back after."""
    stopped = Stopped()

    def stop(signum: int, frame: object) -> None:
        stopped.by.append(signum)
        raise KeyboardInterrupt

    previous = {}
    if threading.current_thread() is threading.main_thread():  # where Python lets a handler be set
        for name in ("SIGTERM", "SIGHUP"):
            sig = getattr(signal, name, None)
            if sig is not None and signal.getsignal(sig) is not signal.SIG_IGN:  # `nohup` stays in force
                previous[sig] = signal.signal(sig, stop)
    try:
        yield stopped
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def mark_interrupted(todo: list[Job], stream: TextIO) -> None:
    """Ctrl-C: said once, and every job not yet run failed as ``interrupted``."""
    print("\nbulletin run: interrupted; published months are left as they were", file=stream)
    for j in todo:
        if j.status == JobStatus.PENDING:
            j.status, j.message = JobStatus.FAILED, "interrupted"
