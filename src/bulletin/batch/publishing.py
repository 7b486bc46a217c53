"""Publishing a month: its folder assembled in staging (sections run now or carried over, the
documents, the manifest, its page and ``summary.json``), then swapped in (:func:`bulletin.publish.swap_in`);
the top index and every page's month links afterwards."""

from __future__ import annotations

from pathlib import Path

from .. import cache
from ..paths import confined
from .documents_job import carry_documents
from .figures import IndexFigures
from .guards import link_or_copy
from .jobs import Job, JobStatus, Outcome, os_error


def publish_month(month: str, jobs: list[Job], figures: IndexFigures, documents: dict, out: Path, staging: Path,
                  provenance: dict) -> None:
    from dataclasses import asdict

    from ..publish import month_page_files, swap_in, write_text_atomic

    target = out / month
    old = cache.read_manifest(target)
    sections: dict[str, dict] = dict(old.get("sections", {})) if isinstance(old.get("sections"), dict) else {}
    ran = {j.notebook.stem for j in jobs if j.status == JobStatus.OK}
    # Sections published before and not rerun now (skipped, or not selected) are carried over.
    for stem in list(sections):
        if stem in ran:
            continue
        if all((target / f"{stem}.{ext}").is_file() for ext in ("ipynb", "html")):
            for ext in ("ipynb", "html"):
                link_or_copy(target / f"{stem}.{ext}", staging / f"{stem}.{ext}")
        else:
            del sections[stem]
    for j in jobs:
        if j.status == JobStatus.OK:
            sections[j.notebook.stem] = {"key": j.key, "title": j.notebook.title, "seconds": round(j.seconds, 2),
                                         **j.extra}
    sections = dict(sorted(sections.items()))
    if documents.get("status") == "carried":
        carry_documents(month, target, staging)
    documents_entry = {"key": documents["key"]} if documents.get("key") else None
    cache.write_manifest(staging, month, sections, documents=documents_entry, provenance=provenance)
    listing = [(stem, entry.get("title", stem)) for stem, entry in sections.items()]
    page_data = {**asdict(figures), "documents": bool(documents), "provenance": provenance}
    for name, text in month_page_files(month, listing, page_data).items():
        write_text_atomic(staging / name, text)
    swap_in(staging, target)


def forget_failures(month: str, jobs: list[Job], out: Path) -> None:
    """Remove the kept failed notebooks of sections that have now run; a section not rerun keeps its own."""
    failed_dir = out / f"{month}.failed"
    for j in jobs:
        if j.status == JobStatus.OK:
            confined(failed_dir / f"{j.notebook.stem}.ipynb", out).unlink(missing_ok=True)
    try:
        failed_dir.rmdir()  # only when nothing is left in it
    except OSError:
        pass


def refresh_top_index(out_dir: Path, outcome: Outcome, *, always: bool = True) -> None:
    """Put the month links of every published page right (:func:`bulletin.site.navigation.refresh`)
    and rewrite the top index (``always``, or when it is missing or a month's links changed); a
    failure (no inodes left, say) is a note and exit 1, not a traceback."""
    from ..publish import write_top_index
    from ..site.navigation import refresh

    try:
        changed = refresh(out_dir)
        if always or changed or not (out_dir / "index.html").is_file():
            write_top_index(out_dir)
    except OSError as exc:
        note = f"the top index page could not be written: {os_error(exc)}"
        if note not in outcome.notes:
            outcome.notes.append(note)
        outcome.notes_are_failures = True
