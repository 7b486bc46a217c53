"""The month's documents (:mod:`bulletin.render.documents`) as one more job of the batch: its cache key,
the job itself, and carrying unchanged documents over into the month's new folder."""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path

from bulletin.batch.guards import link_or_copy
from bulletin.batch.jobs import disk_full, last_line, os_error
from bulletin.core import cache
from bulletin.core.comparisons import base_months


def documents_key(data_root: Path, month: str) -> str:
    """The cache key of a month's documents (:mod:`bulletin.render.documents`): the package's code, the
    month's own data and the data of each comparison's base month (the month before, the same month
    a year earlier: the headlines' 环比 and 同比; named even when absent), not the notebooks (a
    changed notebook alone leaves the documents as they were)."""
    parts = [cache.RUNNER_FORMAT, "documents", cache.code_hash(), cache.data_hash(data_root, month)]
    parts += [f"{base}:{cache.data_hash(data_root, base)}" for base in base_months(month)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def documents_fresh(month_dir: Path, key: str, notes: list[str] | None = None) -> bool:
    """Whether the published month holds its documents for exactly this key, each file as the run
    published it (a document edited by hand is made again; ``notes`` gets a line saying which)."""
    from bulletin.render.documents import names

    manifest = cache.read_manifest(month_dir)
    entry = manifest.get("documents")
    if not (isinstance(entry, dict) and entry.get("key") == key
            and all((month_dir / name).exists() for name in names(month_dir.name))):
        return False
    why = _links(month_dir, names(month_dir.name)) or cache.changed_files(
        month_dir, document_files(month_dir.name, month_dir), manifest)
    if why is not None and notes is not None:
        notes.append(f"{month_dir.name} documents: made again ({why})")
    return why is None


def _links(month_dir: Path, documents: list[str]) -> str | None:
    """The first link among the published documents (a folder's files included), as a reason: the
    run never made one, and carrying it over would publish whatever it names."""
    import os

    for name in documents:
        top = month_dir / name
        if top.is_symlink():
            return f"{name} is a link, not what the run published"
        if top.is_dir():
            for folder, dirs, files in os.walk(top):
                for entry in (Path(folder) / e for e in (*dirs, *files)):
                    if entry.is_symlink():
                        return f"{entry.relative_to(month_dir).as_posix()} is a link, not what the run published"
    return None


def document_files(month: str, folder: Path) -> list[str]:
    """The documents of ``month`` in ``folder`` that are files (their hashes are kept in the manifest)."""
    from bulletin.render.documents import names

    return [name for name in names(month) if (folder / name).is_file()]


def month_documents_job(month: str, data_param: str | None, staging: str) -> dict:
    """The month's PDF, Word file, workbook and data package, written into its staging folder
    (one more job of the month: it is published with the month, or the month is not)."""
    start = time.monotonic()
    try:
        from bulletin.render.documents import write_all

        write_all(month, data_param, staging)
    except Exception as exc:  # noqa: BLE001 - reported as the month's failure, the other jobs go on
        full = disk_full(exc)
        why = f"could not write: {os_error(full)}" if full is not None else last_line(exc)
        return {"status": "failed", "seconds": time.monotonic() - start, "message": f"documents: {why}"}
    return {"status": "ok", "seconds": time.monotonic() - start, "message": ""}


def carry_documents(month: str, old: Path, staging: Path) -> None:
    """Documents whose inputs are unchanged: linked (or copied) from the published month."""
    from bulletin.render.documents import names

    for name in names(month):
        if (old / name).is_dir():
            shutil.copytree(old / name, staging / name, copy_function=link_or_copy)
        else:
            link_or_copy(old / name, staging / name)
