"""One writer of a data folder at a time, and never while a run reads it: :func:`writing` (ingest)
and :func:`reading` (run), an operating-system lock on the data folder itself (nothing is
written into it). Design: ARCHITECTURE.md, "Data folders: locks and revisions".
"""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bulletin.core.errors import DataLockedError

#: how long a run waits for an ingest to finish writing before it gives up (seconds)
READ_WAIT = 30.0
_POLL = 0.05


def _fcntl():
    try:
        import fcntl
    except ImportError:  # Windows
        return None
    return fcntl


@contextmanager
def writing(root: os.PathLike[str] | str) -> Iterator[None]:
    """Hold the data folder ``root`` for writing (an ingest); refuse at once when it is taken.

    Raises
    ------
    DataLockedError
        When a ``bulletin run`` is reading the folder or another ingest is writing it.
    """
    with _lock(Path(root), exclusive=True, wait=0.0):
        yield


@contextmanager
def reading(root: os.PathLike[str] | str, wait: float | None = None) -> Iterator[None]:
    """Hold the data folder ``root`` for reading (a run); other readers are welcome, an ingest is
    waited for up to ``wait`` seconds (default :data:`READ_WAIT`).

    A folder that cannot be opened (no permission) is read without the lock: the run's own reading
    then reports what is wrong with it.
    """
    with _lock(Path(root), exclusive=False, wait=READ_WAIT if wait is None else wait):
        yield


@contextmanager
def _lock(root: Path, *, exclusive: bool, wait: float) -> Iterator[None]:
    fcntl = _fcntl()
    if fcntl is None:
        with _file_lock(root, exclusive=exclusive, wait=wait):
            yield
        return
    try:
        fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        if exclusive:
            raise DataLockedError(f"cannot lock the data folder {root}: {exc.strerror or exc}") from None
        yield  # a reader goes on unlocked; what it cannot read it reports itself
        return
    try:
        mode = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, mode)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise DataLockedError(f"cannot lock the data folder {root}: {exc.strerror or exc}") from None
                if time.monotonic() >= deadline:
                    raise _busy(root, exclusive) from None
                time.sleep(_POLL)
        try:
            yield
        finally:
            # released explicitly: a forked child (a kernel of the run) may still hold a copy of fd
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _busy(root: Path, exclusive: bool) -> DataLockedError:
    if exclusive:
        return DataLockedError(f"the data folder {root} is in use: a bulletin run is reading and publishing it, "
                               "or another ingest is writing it; nothing written: try again when it has finished")
    return DataLockedError(f"the data folder {root} is being written by bulletin ingest; "
                           "try again when it has finished")


@contextmanager
def _file_lock(root: Path, *, exclusive: bool, wait: float) -> Iterator[None]:
    """Where a folder cannot be locked: a lock file named by the folder's path, outside it."""
    from filelock import FileLock, Timeout

    name = hashlib.sha256(os.fsencode(root.resolve())).hexdigest()[:16]
    lock = FileLock(str(Path(tempfile.gettempdir()) / f"bulletin-data-{name}.lock"))
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise _busy(root, exclusive) from None
    try:
        yield
    finally:
        lock.release()
