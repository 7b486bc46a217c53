"""What the batch may write, and where: the output folder, the month paths in it, the one-run lock."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bulletin.core import paths
from bulletin.core.errors import RunError
from bulletin.core.month_strings import is_month

LOCK_NAME = ".bulletin-run.lock"


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_out_dir(out_dir: Path, data_root: Path) -> None:
    """Refuse an output folder that would put data or the package at risk (publishing replaces folders).

    Both are resolved (following links) first: the reports folder may not be, contain or lie inside
    the data folder (or the project's ``data/``), nor be or lie inside the package's own folders.
    """
    out = out_dir.resolve()
    for data in {data_root.resolve(), paths.DEFAULT_DATA_DIR.resolve()}:
        if _inside(out, data) or _inside(data, out):
            raise RunError(f"--out {out_dir} overlaps the data folder {data}; "
                           "publishing there would replace data: choose another folder")
    root = paths.PROJECT_ROOT.resolve()
    own = [paths.NOTEBOOKS_DIR, root / "src", root / "tests", root / "tools", root / "bench", root / ".git",
           Path(__file__).resolve().parents[1]]  # src/bulletin, this module being batch/guards.py
    for folder in own:
        folder = folder.resolve()
        if _inside(out, folder) or _inside(folder, out) or out == root:
            raise RunError(f"--out {out_dir} is one of the package's own folders ({folder}): choose another folder")


def check_targets(out_dir: Path, months: Iterable[str]) -> None:
    """Refuse paths in the reports folder that this tool did not make (a month that is a link or a file)."""
    for name in [*months, "index.html"]:
        p = out_dir / name
        if p.is_symlink():
            raise RunError(f"{p} is a symbolic link; the run publishes real folders there: move it away")
        if name == "index.html" and p.exists() and not p.is_file():
            raise RunError(f"{p} is not a file; the run writes the top index page there: move it away")
        if name != "index.html" and p.exists() and not p.is_dir():
            raise RunError(f"{p} is not a folder; the run publishes the month there: move it away")


@contextmanager
def reports_lock(out_dir: Path) -> Iterator[None]:
    """Own ``out_dir`` for one run: refuse a second run on the same folder, clear a dead run's debris.

    Two runs on one folder would remove each other's staging folders and interleave publishing;
    the second one stops at once instead. The lock is :mod:`filelock`'s (``flock`` on POSIX,
    ``msvcrt`` on Windows; the system drops it when the run dies, even by ``kill -9``). Whatever a
    killed run left (staging folders, half-written index files) is removed here, and a month that
    was renamed aside and not put back is restored, since holding the lock proves that no other
    run is using the folder.
    """
    from filelock import FileLock, Timeout

    if out_dir.exists() and not out_dir.is_dir():
        raise RunError(f"the reports folder {out_dir} is a file, not a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunError(f"cannot make the reports folder {out_dir}: {exc.strerror or exc}") from None
    if not os.access(out_dir, os.W_OK):  # a read-only mount, or permissions
        raise RunError(f"the reports folder {out_dir} is not writable")
    lock = FileLock(str(paths.confined(out_dir / LOCK_NAME, out_dir)))  # opening it truncates what it names
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise RunError(f"another bulletin run is writing {out_dir}; "
                       "wait for it to finish or use another --out") from None
    except OSError as exc:
        raise RunError(f"cannot lock the reports folder {out_dir}: {exc.strerror or exc}") from None
    try:
        clear_debris(out_dir)
        yield
    finally:
        lock.release()


def clear_debris(out_dir: Path) -> None:
    for aside in out_dir.glob(".*.old-*"):  # a month renamed aside by a run killed before it put one back
        month = aside.name[1:].split(".old-")[0]
        if is_month(month) and not (out_dir / month).exists() and aside.is_dir() and not aside.is_symlink():
            os.replace(aside, out_dir / month)
    for debris in (*out_dir.glob(".*.staging-*"), *out_dir.glob(".*.old-*"), *out_dir.glob(".*.tmp-*")):
        if debris.is_dir() and not debris.is_symlink():
            shutil.rmtree(debris, ignore_errors=True)
        else:
            debris.unlink(missing_ok=True)


def link_or_copy(src: Path, dst: Path) -> None:
    """A published file carried into a month's new folder; a link in the published month is
    refused (the run carries only files it made; following it would publish whatever it names)."""
    if Path(src).is_symlink():
        raise RunError(f"{src} is a symbolic link; the run publishes only files it made there: move it away")
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
