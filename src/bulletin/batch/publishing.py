"""Publishing a month: its folder assembled in staging (sections run now or carried over, the
documents, the manifest, its page and ``summary.json``), then swapped in (:func:`bulletin.render.reader_pages.swap_in`);
the top index and every page's month links afterwards."""

from __future__ import annotations

from pathlib import Path

from bulletin.batch.documents_job import carry_documents, document_files
from bulletin.batch.guards import link_or_copy
from bulletin.batch.jobs import Job, JobStatus, Outcome, os_error
from bulletin.batch.month_index import IndexFigures
from bulletin.core import cache
from bulletin.core.paths import confined


def publish_month(month: str, jobs: list[Job], index: IndexFigures, documents: dict, out: Path, staging: Path,
                  provenance: dict) -> None:
    from dataclasses import asdict

    from bulletin.core.files import write_text_atomic
    from bulletin.render.reader_pages import month_page_files, swap_in

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
    listing = [(stem, entry.get("title", stem)) for stem, entry in sections.items()]
    page_data = {**asdict(index), "documents": bool(documents), "provenance": provenance}
    for name, text in month_page_files(month, listing, page_data).items():
        write_text_atomic(staging / name, text, root=out)
    # what was published, file by file: a later run that finds one changed (a page edited by hand,
    # summary.json emptied) redoes it instead of skipping it as unchanged
    published = [*(n for stem in sections for n in cache.section_files(stem)), *cache.MONTH_PAGES,
                 *document_files(month, staging)]
    files = cache.hash_published(staging, published)
    recorded = old.get("files") if isinstance(old.get("files"), dict) else {}
    for stem in set(sections) - ran:  # carried over: what the run published then, not what is there now
        files.update({n: recorded[n] for n in cache.section_files(stem) if n in recorded})
    cache.write_manifest(staging, month, sections, documents=documents_entry, provenance=provenance, files=files,
                         root=out)
    swap_in(staging, target)


def provenance(data_root: Path, month: str) -> dict:
    """Which code and data produced a month (shown on its page, kept in its manifest)."""
    from bulletin.core.provenance import __version__
    from bulletin.data.demo import is_synthetic

    found = {"version": __version__, "code": cache.code_hash()[:12], "data": cache.data_hash(data_root, month)[:12]}
    return {**found, "synthetic": True} if is_synthetic(data_root) else found


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
    """Put the month links of every published page right (:func:`bulletin.render.site.navigation.refresh`)
    and rewrite the top index (``always``, or when it is missing or a month's links changed); a
    failure (no inodes left, say) is a note and exit 1, not a traceback."""
    from bulletin.render.reader_pages import write_top_index
    from bulletin.render.site.navigation import refresh

    try:
        changed = refresh(out_dir)
        if always or changed or not (out_dir / "index.html").is_file():
            write_top_index(out_dir)
    except OSError as exc:
        note = f"the top index page could not be written: {os_error(exc)}"
        if note not in outcome.notes:
            outcome.notes.append(note)
        outcome.notes_are_failures = True
