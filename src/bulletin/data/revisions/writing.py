"""Writing a revision: the new version takes the month's place with the version it replaces kept
whole under ``revisions/N/`` (:func:`write_revision`, one atomic exchange of two folders), the
refusal without ``--force`` (:func:`refusal`), and the repair of what a killed revision left
(:func:`recover`).
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import secrets
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from bulletin.core import paths
from bulletin.core.errors import BulletinDataError, RevisionRefused
from bulletin.core.month_strings import is_month
from bulletin.data.revisions.edits import Edit
from bulletin.data.revisions.records import RECORD_FILE, REVISIONS_DIR, Revision, file_hashes, read

#: the reason a revision records when ``--force`` came without ``--reason`` (never an empty one)
NO_REASON = "（未说明理由）"


def refusal(month: str, folder: Path, edits: Sequence[Edit]) -> RevisionRefused:
    """The refusal of a bulletin that would change ``month``, already in the data in ``folder``,
    without ``--force``: it lists the edits and names the revision ``--force`` would make."""
    return RevisionRefused(month, folder, edits, next_number(folder), shown=paths.display_path(folder),
                           kept_in=REVISIONS_DIR)


def next_number(folder: Path) -> int:
    revs = read(folder)
    return revs[-1].number + 1 if revs else 1


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_revision(target: Path, files: Mapping[str, str], edits: Sequence[Edit], *, reason: str = "",
                   source: str = "", when: str | None = None) -> Revision:
    """Replace the month folder ``target`` by the new version ``files`` (name → text), keeping the
    version it holds whole in ``revisions/N/`` with the revision's record.

    Everything is assembled in a folder beside ``target`` (the new files, the month's earlier
    revisions, the version being replaced and the record), which then takes ``target``'s place in
    one step (:func:`_exchange`). Any failure before that step leaves ``target`` untouched and no
    folder behind; a kill leaves at most a folder that :func:`recover` removes.

    Raises :class:`BulletinDataError` when the revision cannot be written (a full disk, say).
    """
    target = Path(target)
    month = target.name
    number = next_number(target)
    record = Revision(month, number, when or _now(), tuple(edits), reason, source)
    work = target.parent / f".{month}.revision-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        os.mkdir(work)
        for name, text in files.items():
            (work / name).write_bytes(text.encode("utf-8"))
        kept = work / REVISIONS_DIR
        if (target / REVISIONS_DIR).is_dir():
            shutil.copytree(target / REVISIONS_DIR, kept)
        else:
            os.mkdir(kept)
        earlier = kept / str(number)
        os.mkdir(earlier)
        for entry in sorted(target.iterdir()):  # the version being replaced, whole
            if entry.name == REVISIONS_DIR:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.copytree(entry, earlier / entry.name)
            else:
                shutil.copy2(entry, earlier / entry.name)
        record = Revision(month, number, record.when, record.edits, reason, source, hashes=file_hashes(earlier))
        text = json.dumps(record.to_dict(), ensure_ascii=False, indent=1) + "\n"
        (earlier / RECORD_FILE).write_bytes(text.encode("utf-8"))
        _exchange(work, target)  # from here on ``work`` holds the replaced version (also kept in revisions/N/)
    except OSError as exc:
        raise BulletinDataError(f"cannot write the revision ({exc.strerror or exc}); the month is as it was",
                                file=target) from exc
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return Revision(month, number, record.when, record.edits, reason, source, target / REVISIONS_DIR / str(number),
                    record.hashes)


def _exchange(new: Path, target: Path) -> None:
    """Swap the folders ``new`` and ``target`` so that ``target`` is the new month and ``new`` the old.

    On Linux this is one system call (``renameat2(…, RENAME_EXCHANGE)``): there is no moment at
    which the month is missing. Where it is not available (another system, a file system without
    it), the old folder is renamed aside, the new one in, the old one to ``new``; a kill between the
    first two renames leaves the old month aside, whole, and :func:`recover` puts it back.
    """
    if exchange_in_one_call(new, target):
        return
    aside = target.parent / f".{target.name}.revision-old-{os.getpid()}-{secrets.token_hex(4)}"
    os.replace(target, aside)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(aside, target)
        raise
    try:  # the revision is in place; the replaced version goes where the caller removes it
        os.replace(aside, new)
    except OSError:  # it is kept in the new month's revisions/ as well
        shutil.rmtree(aside, ignore_errors=True)


def exchange_in_one_call(a: Path, b: Path) -> bool:
    """``renameat2(a, b, RENAME_EXCHANGE)``; False where the system or the file system has no such call
    (then :func:`_exchange` falls back to two renames; a test stands in for such a system by replacing
    this function)."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        call = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library without it (glibc before 2.28, musl)
        return False
    call.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    call.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    if call(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def recover(root: Path) -> list[str]:
    """Repair what a killed revision left in the data folder ``root`` (run under the write lock).

    A month renamed aside and not replaced (a kill between the two renames where there is no
    atomic exchange) is put back; every other leftover folder is removed: it is either a new
    version never put in place, or a replaced version that the month's ``revisions/`` also keeps.
    Returns one line per month put back.
    """
    restored = []
    try:
        debris = sorted(p for p in root.iterdir() if p.name.startswith(".") and ".revision-" in p.name)
    except OSError:
        return restored
    for p in debris:
        month = p.name[1:].split(".revision-")[0]
        if is_month(month) and ".revision-old-" in p.name and not (root / month).exists() and p.is_dir():
            os.replace(p, root / month)
            restored.append(f"{month}: put back the version an interrupted revision had moved aside")
    for p in debris:
        if p.exists() and p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
    return restored

