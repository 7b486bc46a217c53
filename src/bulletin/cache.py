"""What makes a (month, section) job's result stale: content hashes of everything it reads.

A job is skipped when the key recorded in the published month's manifest equals the key of its
inputs now: the notebook, the installed ``bulletin`` code (with its page templates), the month's
data files and those of every month before it (sections compare with the month before, the trends
read them all), the alias table ``units.csv``, and the options that change the output. Content, not mtimes:
a ``git checkout`` or a copy that touches files without changing them does not rerun anything.

Deliberately light (hashlib and json only): an unchanged rerun imports neither nbformat, papermill
nor nbconvert (pandas it does import, with the package's ``__init__``: about 0.3 s).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
from functools import cache
from pathlib import Path

from .months import is_month, previous_month

#: Bump when the runner's output format changes (forces one rerun of everything).
RUNNER_FORMAT = "bulletin-run/1"
MANIFEST = "manifest.json"
UNITS_FILE = "units.csv"  # bulletin.units.UNITS_FILE (not imported: this module stays light)
PACKAGE_DIR = Path(__file__).resolve().parent


def _hash_files(h, root: Path, files: list[Path]) -> None:
    for f in files:
        h.update(f.relative_to(root).as_posix().encode("utf-8") + b"\0")
        h.update(bytes.fromhex(file_hash(f)))


def _regular_files(folder: Path) -> list[Path]:
    """Every file under ``folder``, sorted; an unreadable folder or anything that is neither a file
    nor a folder raises an ``OSError`` naming it.

    A FIFO or a device in place of a CSV would block whoever opens it (the hashing here, or the
    kernel reading the table), so it is never opened. ``os.walk`` reports unreadable folders
    (``Path.rglob`` would skip them silently and the month would look incomplete).
    """
    import stat

    def fail(exc: OSError) -> None:
        raise exc

    files = []
    for top, dirs, names in os.walk(folder, onerror=fail):
        dirs.sort()
        for name in names:
            p = Path(top) / name
            mode = p.stat().st_mode  # follows links: a link to a FIFO is a FIFO
            if not stat.S_ISREG(mode):
                raise OSError(errno.EINVAL, "not a regular file (a named pipe, socket or device?)", str(p))
            files.append(p)
    return sorted(files)


@cache
def code_hash() -> str:
    """Hash of the installed package: its source and its data (the pages' templates and style sheet)."""
    h = hashlib.sha256()
    files = [f for f in sorted(PACKAGE_DIR.rglob("*")) if f.is_file() and "__pycache__" not in f.parts]
    _hash_files(h, PACKAGE_DIR, files)
    return h.hexdigest()


def _read_months(data_dir: Path, month: str) -> list[str]:
    """The month and every earlier month in the data (what a month's jobs may read), newest first;
    the month before is named even when absent, so that adding it later changes the key."""
    earlier = sorted((m for m in available_months(data_dir) if m < month), reverse=True)
    return [month, *dict.fromkeys([previous_month(month), *earlier])]


@cache
def month_hash(data_dir: Path, month: str) -> str:
    """Hash of the data a month's jobs read: its own files, every earlier month's, and the alias table."""
    h = hashlib.sha256()
    for m in _read_months(data_dir, month):
        folder = data_dir / m
        h.update(f"[{m}]".encode())
        if folder.is_dir():
            _hash_files(h, folder, _regular_files(folder))
        else:
            h.update(b"absent")
    aliases = data_dir / UNITS_FILE
    h.update(b"[units]" + (bytes.fromhex(file_hash(aliases)) if aliases.is_file() else b"absent"))
    return h.hexdigest()


@cache
def file_hash(path: Path) -> str:
    """SHA-256 of one file's bytes (hex)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def month_inputs(data_dir: Path, month: str) -> dict[str, str]:
    """Every data file a month's jobs read (see :func:`month_hash`) → its SHA-256, for the run log."""
    found = {}
    aliases = data_dir / UNITS_FILE
    if aliases.is_file():
        found[UNITS_FILE] = file_hash(aliases)
    for m in _read_months(data_dir, month):
        folder = data_dir / m
        if folder.is_dir():
            for f in _regular_files(folder):
                found[f.relative_to(data_dir).as_posix()] = file_hash(f)
    return found


def forget() -> None:
    """Drop the memoised hashes (one batch run hashes each file once; the next one looks again)."""
    for f in (code_hash, month_hash, file_hash):
        f.cache_clear()


def job_key(notebook: Path, data_dir: Path, month: str, *, with_code: bool) -> str:
    """The cache key of one job."""
    parts = [RUNNER_FORMAT, file_hash(notebook), code_hash(), month_hash(data_dir, month), f"code={with_code}"]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def read_manifest(month_dir: Path) -> dict:
    """The manifest of a published month (``{}`` when absent or unreadable)."""
    try:
        data = json.loads((month_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_manifest(month_dir: Path, month: str, sections: dict[str, dict], documents: dict | None = None, *,
                   provenance: dict | None = None) -> None:
    """Record what a month folder holds: per section stem its cache key, title and run time; the
    documents' cache key (``bulletin.run.documents_key``); and ``provenance`` (package version, code
    hash, data hash) of the run that published it."""
    manifest: dict = {"format": RUNNER_FORMAT, "month": month, "sections": sections}
    if documents is not None:
        manifest["documents"] = documents
    if provenance:
        manifest["provenance"] = provenance
    (month_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")


def is_fresh(month_dir: Path, stem: str, key: str) -> bool:
    """Whether the published month holds this section's outputs for exactly this key."""
    entry = read_manifest(month_dir).get("sections", {}).get(stem)
    return (
        isinstance(entry, dict)
        and entry.get("key") == key
        and (month_dir / f"{stem}.ipynb").is_file()
        and (month_dir / f"{stem}.html").is_file()
        and (month_dir / "index.html").is_file()
    )


def available_months(data_dir: Path) -> set[str]:
    """Months present in the data directory, without importing the loaders (and pandas)."""
    if not data_dir.is_dir():
        return set()
    return {p.name for p in data_dir.iterdir() if p.is_dir() and is_month(p.name)}
