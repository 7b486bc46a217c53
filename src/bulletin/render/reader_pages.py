"""What readers receive: HTML of each executed section, the month's index, the top index.

A month's files are written into its staging folder, which :func:`swap_in` then makes the published
month in one step, so a reader never sees a half-written month and a failed run leaves the last
good one; the top index (:func:`write_top_index`) is rewritten in place, through one atomic rename.
The pages themselves are rendered by :mod:`bulletin.render.site` (one set of autoescaped templates).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from bulletin.core.files import write_text_atomic
from bulletin.core.paths import PROJECT_ROOT, display_path


def prepare_pages() -> None:
    """Load the site's templates and the page font's glyphs once (the runner calls this before
    forking its workers, which inherit them; pages with and without code share both)."""
    from bulletin.core import fonts
    from bulletin.render import site
    from bulletin.render.site import pages
    from bulletin.sections import SECTIONS

    pages.environment()
    info = site.site_info()
    # the font read and the glyphs every page shows drawn once here, inherited by the workers; and
    # those the section pages will most likely show (their prose and recorded outputs: the names
    # and words of the tables), which each worker would otherwise draw again for itself
    fonts.prepare("".join([info.title, info.source, pages.COMMON_TEXT, *(s.title for s in SECTIONS),
                           *(recorded_text(s.notebook) for s in SECTIONS)]))


def recorded_text(notebook: Path) -> str:
    """The text of a section notebook as recorded in the project (its Markdown and its outputs'
    text, no images): the characters its page is likely to show. ``""`` when it cannot be read."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        parts = []
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "markdown":
                parts.append(_text(cell.get("source")))
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                parts += [_text(out.get("text")), _text(data.get("text/html")), _text(data.get("text/plain"))]
        return "".join(parts)
    except (OSError, ValueError, AttributeError, TypeError):  # a notebook being edited: glyphs drawn later
        return ""


def _text(value: object) -> str:
    """A notebook field's text (nbformat stores it as a string or a list of lines)."""
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return value if isinstance(value, str) else ""


def notebook_html(nb, *, title: str, month: str, with_code: bool, stem: str | None = None,
                  months: list[str] | None = None, synthetic: bool = False) -> str:
    """The reader's HTML of an executed notebook (:func:`bulletin.render.site.section_page`)."""
    from bulletin.render.site import section_page

    return section_page(nb, title=title, month=month, with_code=with_code, stem=stem, months=months,
                        synthetic=synthetic)


def _scrub(text: str, replacements: list[tuple[str, str]]) -> str:
    for old, new in replacements:
        text = text.replace(old, new)
    return text


def _injected_source(nb, parameters: dict) -> str:
    """papermill's injected-parameters cell rewritten from ``parameters`` (papermill's public translator)."""
    from papermill.translators import translate_parameters

    kernel = nb.metadata.get("kernelspec", {}).get("name", "python3")
    language = nb.metadata.get("kernelspec", {}).get("language") or "python"
    return translate_parameters(kernel, language, parameters, "Parameters").rstrip("\n")


def relativise(nb, *, notebook: Path, output_name: str, data_dir: Path | None, kernelspec: dict | None = None) -> None:
    """Remove absolute paths of this machine from an executed notebook (metadata and outputs).

    The data path papermill injected is removed by what it is, not by its text (papermill escapes a
    path with quotes, backslashes or newlines, so its text in the cell is not the path's): the
    ``injected-parameters`` cell is regenerated from the parameters with the path made relative,
    and the recorded parameters in the metadata are replaced the same way. ``kernelspec`` restores
    the notebook's own kernel spec in place of the runner's ``bulletin-fork``.
    """
    replacements = _machine_paths(data_dir)
    if kernelspec:
        nb.metadata["kernelspec"] = dict(kernelspec)
    params = _relative_metadata(nb, notebook, output_name)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.source = _injected_source(nb, params)
        for out in cell.get("outputs", []):
            _scrub_output(out, replacements)


def _machine_paths(data_dir: Path | None) -> list[tuple[str, str]]:
    """(absolute path of this machine, what readers see instead), longest-lived first."""
    replacements = []
    if data_dir is not None:
        shown = display_path(data_dir)
        replacements.append((str(data_dir), shown))
        # the path as Python or JSON quote it (an error message may show its repr): escapes differ
        for quoted in (repr(str(data_dir))[1:-1], json.dumps(str(data_dir), ensure_ascii=False)[1:-1],
                       json.dumps(str(data_dir))[1:-1]):
            if quoted != str(data_dir):
                replacements.append((quoted, shown))
    replacements.append((str(PROJECT_ROOT) + os.sep, ""))
    replacements.append((str(PROJECT_ROOT), "."))
    # Warnings and tracebacks may name the interpreter's or the user's folders too.
    for prefix, shown in ((sys.base_prefix, "<python>"), (sys.prefix, "<python>"), (str(Path.home()), "~")):
        if len(prefix) > 1:
            replacements.append((prefix, shown))
    return replacements


def _relative_metadata(nb, notebook: Path, output_name: str) -> dict:
    """papermill's metadata without machine paths; returns its (now relative) parameters."""
    meta = nb.metadata.get("papermill", {})
    if not meta:
        return {}
    meta["input_path"] = display_path(notebook)
    meta["output_path"] = output_name
    params = meta.get("parameters", {})
    for k, v in list(params.items()):
        if isinstance(v, str) and os.path.isabs(v):
            params[k] = display_path(v)
    meta["environment_variables"] = {}
    return params


def _scrub_output(out, replacements: list[tuple[str, str]]) -> None:
    for key in ("text", "evalue"):  # a stream's text, an error's message
        if isinstance(out.get(key), str):
            out[key] = _scrub(out[key], replacements)
    if "traceback" in out:
        out["traceback"] = [_scrub(t, replacements) for t in out["traceback"]]
    data = out.get("data", {})
    for mime in ("text/plain", "text/html", "text/markdown"):
        if isinstance(data.get(mime), str):
            data[mime] = _scrub(data[mime], replacements)


# --------------------------------------------------------------------------------------------
# Index pages (rendered by bulletin.render.site)


def month_index_html(month: str, sections: list[tuple[str, str]], page: dict) -> str:
    """The month's page (:func:`bulletin.render.site.month_page`); ``sections`` is ``[(stem, title), ...]``."""
    from bulletin.render.site import month_page

    return month_page(month, sections, page)


def month_page_files(month: str, sections: list[tuple[str, str]], page: dict) -> dict[str, str]:
    """The files of a published month besides the sections: its page and the summary the top index
    reads, from its index figures (:class:`bulletin.batch.month_index.IndexFigures` as a dict)."""
    from bulletin.render.site import month_summary

    return {"index.html": month_index_html(month, sections, page),
            SUMMARY: month_summary(month, sections, page)}


#: the month's key figures and status, read by the top index
SUMMARY = "summary.json"


def top_index_html(months: list[tuple[str, list[str], dict]]) -> str:
    """The top page (:func:`bulletin.render.site.top_page`): ``[(month, [titles], summary), ...]``."""
    from bulletin.render.site import top_page

    return top_page(months)


def write_top_index(out: Path) -> None:
    """Rewrite ``out/index.html`` from the months published under ``out`` (atomically)."""
    import json

    from bulletin.core.cache import read_manifest
    from bulletin.core.month_strings import is_month

    months = []
    if out.is_dir():
        for d in out.iterdir():
            if d.is_dir() and is_month(d.name) and (d / "index.html").is_file():
                try:
                    summary = json.loads((d / SUMMARY).read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    summary = {}
                titles = list(read_manifest(d).get("sections", {}))
                months.append((d.name, titles, summary if isinstance(summary, dict) else {}))
    write_text_atomic(out / "index.html", top_index_html(months))


def swap_in(staging: Path, target: Path) -> None:
    """Make ``staging`` the published ``target``; the previous ``target`` is removed afterwards.

    Portable (two :func:`os.replace` calls, on Linux, macOS and Windows alike): the old folder is
    renamed aside, the new one renamed in, and the old one removed. A reader never sees a
    half-written month; for the instant between the two renames the month is absent. If the second
    rename fails the old month is put back; if the run is killed between the two, the next run
    (which holds the reports folder's lock) puts it back (``bulletin.batch.guards.clear_debris``).
    """
    if not target.exists():
        os.replace(staging, target)
        return
    aside = target.with_name(f".{target.name}.old-{os.getpid()}")
    os.replace(target, aside)
    try:
        os.replace(staging, target)
    except OSError:
        os.replace(aside, target)  # the last good month back in place
        raise
    shutil.rmtree(aside, ignore_errors=True)
