"""The month links of published pages, kept right after every run without executing anything.

A page's previous/next links name its month's neighbours among the months *published* in the
reports folder, and those change when a month is published before or after it (a new month, a
late-ingested one in the middle of the history), however long ago the page itself was rendered.
Every page carries its links between two markers (``<!--bulletin:nav-->`` … ``<!--/bulletin:nav-->``);
:func:`refresh` compares each published month's neighbours with the ones its manifest records
and rewrites only the links of the months whose neighbours changed, page by page, atomically.
The font subset of every page already holds the links' characters (digits and the navigation's
words), so a page stays self-contained.
"""

from __future__ import annotations

import re
from pathlib import Path

from bulletin.core import cache
from bulletin.core.month_strings import is_month

_NAV = re.compile(r"<!--bulletin:nav-->.*?<!--/bulletin:nav-->", re.S)


def published(out_dir: Path) -> list[str]:
    """The months published under ``out_dir`` (a folder with its ``index.html``), in order."""
    if not out_dir.is_dir():
        return []
    return sorted(d.name for d in out_dir.iterdir() if is_month(d.name) and (d / "index.html").is_file()
                  and not d.is_symlink())


def _pages(month_dir: Path, manifest: dict) -> list[tuple[Path, str | None]]:
    """The month's pages with the section each shows (``None``: the month page)."""
    pages: list[tuple[Path, str | None]] = [(month_dir / "index.html", None)]
    for stem in manifest.get("sections", {}):
        if (month_dir / f"{stem}.html").is_file():
            pages.append((month_dir / f"{stem}.html", stem))
    return pages


def _rewrite(page: Path, month: str, months: list[str], sections: list[tuple[str, str]], stem: str | None,
             recorded: dict, out_dir: Path) -> None:
    """Rewrite the page's month links; its hash in ``recorded`` (the manifest's ``files``) follows,
    only when the page was the one the run published (a page edited since stays different)."""
    import hashlib

    from bulletin.core.files import write_text_atomic
    from bulletin.render.site.pages import month_nav, nav_html

    data = page.read_bytes()
    text = data.decode("utf-8")
    nav = month_nav(month, months, sections, stem)
    html = "<!--bulletin:nav-->" + nav_html(nav, "month" if stem is None else "section") + "<!--/bulletin:nav-->"
    new, count = _NAV.subn(lambda _: html, text, count=1)
    if count and new != text:
        write_text_atomic(page, new, root=out_dir)
        if recorded.get(page.name) == hashlib.sha256(data).hexdigest():
            recorded[page.name] = hashlib.sha256(new.encode("utf-8")).hexdigest()


def refresh(out_dir: Path) -> list[str]:
    """Make the previous/next links of every published month right; returns the months rewritten.

    The neighbours each month's links were written for are kept in its manifest (``nav``); only
    months whose neighbours differ are touched. Raises :class:`OSError` when a page cannot be
    written (the caller reports it).
    """
    from bulletin.sections import SECTIONS

    months = published(out_dir)
    sections = [(s.stem, s.title) for s in SECTIONS]
    changed = []
    for i, month in enumerate(months):
        want = {"previous": months[i - 1] if i else None, "next": months[i + 1] if i + 1 < len(months) else None}
        month_dir = out_dir / month
        manifest = cache.read_manifest(month_dir)
        if manifest.get("nav") == want:
            continue
        recorded = manifest.get("files") if isinstance(manifest.get("files"), dict) else {}
        for page, stem in _pages(month_dir, manifest):
            _rewrite(page, month, months, sections, stem, recorded, out_dir)
        if manifest:
            manifest["nav"] = want
            cache.update_manifest(month_dir, manifest, root=out_dir)
        changed.append(month)
    return changed
