"""What makes a (month, section) job's result stale: content hashes of everything it reads.

Light (hashlib and json): an unchanged rerun imports neither pandas nor nbformat. What a key
covers: ARCHITECTURE.md, "What makes a job stale".
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
from functools import cache
from pathlib import Path

from bulletin.core.comparisons import base_months
from bulletin.core.files import write_text_atomic
from bulletin.core.month_strings import is_month

#: Bump when the runner's output format changes (forces one rerun of everything).
RUNNER_FORMAT = "bulletin-run/2"
MANIFEST = "manifest.json"
UNITS_FILE = "units.csv"  # bulletin.data.units.UNITS_FILE (not imported: this module stays light)
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # src/bulletin, this module being core/cache.py


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


@cache
def data_hash(data_dir: Path, month: str) -> str:
    """Hash of one month's own data files (every file under ``data/YYYY-MM/``), or of its absence."""
    h = hashlib.sha256(f"[{month}]".encode())
    folder = data_dir / month
    if folder.is_dir():
        _hash_files(h, folder, _regular_files(folder))
    else:
        h.update(b"absent")
    return h.hexdigest()


@cache
def units_hash(data_dir: Path) -> str:
    """Hash of the alias table ``units.csv`` (or of its absence)."""
    aliases = data_dir / UNITS_FILE
    return file_hash(aliases) if aliases.is_file() else "absent"


@cache
def file_hash(path: Path) -> str:
    """SHA-256 of one file's bytes (hex)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def months_read(data_dir: Path, month: str, reads: str) -> list[str]:
    """The months whose data a job of ``month`` reads (:data:`bulletin.sections.READS`): the month;
    the base month of each comparison (:data:`bulletin.core.comparisons.COMPARISONS`: the calendar month
    before, the same month a year earlier), named even when absent, so that adding one later changes
    the key; or every month in the data up to the month (for ``history``, read through their digests)."""
    if reads == "month":
        return [month]
    if reads == "previous":
        return [month, *base_months(month)]
    if reads == "history":
        return sorted({month, *(m for m in available_months(data_dir) if m <= month)})
    raise ValueError(f"unknown dependency {reads!r}; one of month, previous, history")


def month_inputs(data_dir: Path, month: str) -> dict[str, str]:
    """Every data file of the month → its SHA-256, for the run log (and ``units.csv``)."""
    found = {}
    if (data_dir / UNITS_FILE).is_file():
        found[UNITS_FILE] = units_hash(data_dir)
    folder = data_dir / month
    if folder.is_dir():
        for f in _regular_files(folder):
            found[f.relative_to(data_dir).as_posix()] = file_hash(f)
    return found


def forget() -> None:
    """Drop the memoised hashes (one batch run hashes each file once; the next one looks again)."""
    for f in (code_hash, data_hash, units_hash, file_hash):
        f.cache_clear()


def job_key(notebook: Path, data_dir: Path, month: str, *, with_code: bool, reads: str = "history",
            check_history: str | None = None) -> str:
    """The cache key of one job: the runner's format, the notebook, the code, the data of exactly
    the months it reads (:func:`months_read`), the alias table when it reads another month, and
    ``check_history`` (a hash of the earlier months' check inputs) for a section showing the check."""
    parts = [RUNNER_FORMAT, file_hash(notebook), code_hash(), f"code={with_code}", f"reads={reads}"]
    parts += [f"{m}:{data_hash(data_dir, m)}" for m in months_read(data_dir, month, reads)]
    if reads != "month" or check_history is not None:
        parts.append(f"units:{units_hash(data_dir)}")
    if check_history is not None:
        parts.append(f"checks:{check_history}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def read_manifest(month_dir: Path) -> dict:
    """The manifest of a published month (``{}`` when absent or unreadable)."""
    try:
        data = json.loads((month_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_manifest(month_dir: Path, month: str, sections: dict[str, dict], documents: dict | None = None, *,
                   provenance: dict | None = None, files: dict[str, str] | None = None,
                   root: Path | None = None) -> None:
    """Record what a month folder holds: per section stem its cache key, title and run time; the
    documents' cache key (``bulletin.batch.documents_job.documents_key``); and ``provenance`` (package version, code
    hash, data hash) of the run that published it. Written atomically, never through a link
    (:func:`bulletin.core.files.write_text_atomic`; ``root``: the folder the write must stay inside)."""
    manifest: dict = {"format": RUNNER_FORMAT, "month": month, "sections": sections}
    if documents is not None:
        manifest["documents"] = documents
    if provenance:
        manifest["provenance"] = provenance
    if files is not None:
        manifest["files"] = files
    write_text_atomic(month_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1), root=root)


def update_manifest(month_dir: Path, manifest: dict, *, root: Path | None = None) -> None:
    """Rewrite a published month's manifest in place, atomically (a reader sees the old or the new
    one), never through a link (``root``: the reports folder the write must stay inside)."""
    write_text_atomic(month_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1), root=root)


#: the month's own files besides its sections and documents (its page and the top index's summary)
MONTH_PAGES = ("index.html", "summary.json")


def section_files(stem: str) -> tuple[str, str]:
    """The files a published section consists of."""
    return f"{stem}.ipynb", f"{stem}.html"


def hash_published(month_dir: Path, names: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``name`` → SHA-256 of each published file (what the manifest's ``files`` records; not
    memoised, unlike :func:`file_hash`: these files change within a run)."""
    return {n: hashlib.sha256((month_dir / n).read_bytes()).hexdigest() for n in names}


def changed_files(month_dir: Path, names: list[str] | tuple[str, ...], manifest: dict | None = None) -> str | None:
    """Why the published files ``names`` are not what the run published (one line: the first file
    edited, removed, unreadable or a link), or None when each matches the hash its manifest records."""
    manifest = read_manifest(month_dir) if manifest is None else manifest
    recorded = manifest.get("files")
    if not isinstance(recorded, dict):
        return "its manifest records no hashes of the published files"
    for name in names:
        path = month_dir / name
        if path.is_symlink():
            return f"{name} is a link, not the file the run published"
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except FileNotFoundError:
            return f"{name} is missing"
        except OSError as exc:
            return f"{name} is unreadable ({exc.strerror or exc})"
        if recorded.get(name) != digest:
            return f"{name} differs from what the run published (edited since?)"
    return None


def freshness(month_dir: Path, stem: str, key: str) -> str | None:
    """None when the published month holds this section's outputs for exactly this key, each file
    as the run published it; else why not: ``""`` when its inputs changed or it was never published
    (nothing to report), a line naming the file when the outputs themselves changed."""
    manifest = read_manifest(month_dir)
    entry = manifest.get("sections", {}).get(stem) if isinstance(manifest.get("sections"), dict) else None
    if not isinstance(entry, dict) or entry.get("key") != key:
        return ""
    return changed_files(month_dir, section_files(stem), manifest)


def is_fresh(month_dir: Path, stem: str, key: str) -> bool:
    """Whether the published month holds this section's outputs for exactly this key, untouched."""
    return freshness(month_dir, stem, key) is None


def available_months(data_dir: Path) -> set[str]:
    """Months present in the data directory, without importing the loaders (and pandas)."""
    if not data_dir.is_dir():
        return set()
    return {p.name for p in data_dir.iterdir() if p.is_dir() and is_month(p.name)}
