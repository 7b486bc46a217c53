"""What readers receive: HTML of each executed section, the month's index, the top index.

Everything here writes into a staging folder; :func:`swap_in` then replaces the published month in
one step, so a reader never sees a half-written month and a failed run leaves the last good one.
Every string that comes from data or from a notebook's metadata is escaped with :func:`html.escape`.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import sys
from pathlib import Path

from .months import month_label
from .paths import PROJECT_ROOT, display_path

#: The lab template without anything fetched from a CDN: the sections show PNG charts and HTML
#: tables, which need no require.js, MathJax, mermaid or widget scripts to display.
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}<style>
nav.bulletin-nav { font: 14px sans-serif; margin: 8px 16px; }
.jp-Cell-inputWrapper .jp-InputPrompt, .jp-OutputPrompt { display: none; }
</style>{%- endblock extra_css -%}
{%- block body_header -%}{{ super() }}
<nav class="bulletin-nav"><a href="index.html">{{ resources.bulletin_back | e }}</a></nav>
{%- endblock body_header -%}
"""

_EXPORTERS: dict[bool, object] = {}


def exporter(with_code: bool):
    """The HTML exporter (built once per process: the runner builds it before forking its workers)."""
    if with_code not in _EXPORTERS:
        import jinja2
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        config = Config()
        config.TagRemovePreprocessor.enabled = True
        config.TagRemovePreprocessor.remove_cell_tags = ("injected-parameters",)
        exporter = HTMLExporter(
            config=config,
            template_name="lab",
            extra_loaders=[jinja2.DictLoader({"bulletin.html.j2": _TEMPLATE})],
            template_file="bulletin.html.j2",
            exclude_input=not with_code,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
        )
        exporter.register_preprocessor("nbconvert.preprocessors.TagRemovePreprocessor", enabled=True)
        _EXPORTERS[with_code] = exporter
    return _EXPORTERS[with_code]


def notebook_html(nb, *, title: str, month: str, with_code: bool) -> str:
    """The reader's HTML of an executed notebook (no code unless ``with_code``, no prompts)."""
    resources = {
        "metadata": {"name": f"{title} · {month_label(month)}"},
        "bulletin_back": f"← {month_label(month)} 目录",
        "language_code": "zh-CN",
    }
    body, _ = exporter(with_code).from_notebook_node(nb, resources=resources)
    # Belt and braces: no script may be fetched from the network (the page must work offline).
    return re.sub(r"<script[^>]*src=\"https?://[^\"]*\"[^>]*>\s*</script>", "", body)


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
# Index pages

_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif;
       max-width: 52em; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.6; }}
h1 {{ font-size: 1.6em; border-bottom: 2px solid #1565c0; padding-bottom: .3em; }}
h2 {{ font-size: 1.2em; margin-top: 1.6em; }}
table {{ border-collapse: collapse; }}
td, th {{ padding: .3em .8em; border-bottom: 1px solid #ddd; text-align: left; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
ul.sections li {{ margin: .3em 0; }}
.muted {{ color: #777; font-size: .9em; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""


def month_index_html(month: str, sections: list[tuple[str, str]], headlines, check_summary: str | None, *,
                     provenance: dict | None = None) -> str:
    """The month's page: headline figures, the data check summary, a link per section.

    ``sections`` is ``[(stem, Chinese title), ...]``; ``headlines`` ``[(label, value), ...]`` or None;
    ``provenance`` ``{"version", "code", "data"}`` (package version, short code and data hashes):
    which code and data produced the page.
    """
    e = html.escape
    parts = [f"<h1>南京市卫生信息统计简报 · {e(month_label(month))}</h1>"]
    parts.append('<p class="muted"><a href="../index.html">← 全部月份</a></p>')
    parts.append("<h2>本月要点</h2>")
    if headlines:
        rows = "".join(f'<tr><th>{e(str(k))}</th><td class="num">{e(str(v))}</td></tr>' for k, v in headlines)
        parts.append(f'<table class="headlines">{rows}</table>')
    else:
        parts.append('<p class="muted">要点数字暂不可用。</p>')
    parts.append("<h2>数据核对</h2>")
    parts.append(f'<p class="check">{e(check_summary) if check_summary else "核对结果暂不可用。"}</p>')
    parts.append("<h2>分节报告</h2>")
    items = "".join(
        f'<li><a href="{e(stem)}.html">{e(title)}</a> <span class="muted">'
        f'(<a href="{e(stem)}.ipynb">notebook</a>)</span></li>'
        for stem, title in sections
    )
    parts.append(f'<ul class="sections">{items}</ul>')
    if provenance:
        version, code, data = (e(str(provenance.get(k, ""))) for k in ("version", "code", "data"))
        parts.append(f'<p class="muted provenance">由 bulletin {version}（代码 {code}）根据数据 {data} 生成</p>')
    return _PAGE.format(title=e(f"卫生信息统计简报 {month_label(month)}"), body="\n".join(parts))


def top_index_html(months: list[tuple[str, list[str]]]) -> str:
    """The top page: every published month, newest first. ``months`` is ``[(month, [titles])]``."""
    e = html.escape
    parts = ["<h1>南京市卫生信息统计简报</h1>"]
    if not months:
        parts.append('<p class="muted">尚无已发布的月份。</p>')
    items = "".join(
        f'<li><a href="{e(m)}/index.html">{e(month_label(m))}</a> <span class="muted">{len(t)} 节</span></li>'
        for m, t in sorted(months, reverse=True)
    )
    parts.append(f'<ul class="months">{items}</ul>')
    return _PAGE.format(title="卫生信息统计简报", body="\n".join(parts))


def write_top_index(out: Path) -> None:
    """Rewrite ``out/index.html`` from the months published under ``out`` (atomically)."""
    from .cache import read_manifest
    from .months import is_month

    months = []
    if out.is_dir():
        for d in out.iterdir():
            if d.is_dir() and is_month(d.name) and (d / "index.html").is_file():
                months.append((d.name, list(read_manifest(d).get("sections", {}))))
    write_text_atomic(out / "index.html", top_index_html(months))


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``path`` through a temporary file and one :func:`os.replace` (no temporary file left on failure)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------------------------
# Replacing a month folder


def swap_in(staging: Path, target: Path) -> None:
    """Make ``staging`` the published ``target``; the previous ``target`` is removed afterwards.

    Portable (two :func:`os.replace` calls, on Linux, macOS and Windows alike): the old folder is
    renamed aside, the new one renamed in, and the old one removed. A reader never sees a
    half-written month; for the instant between the two renames the month is absent. If the second
    rename fails the old month is put back; if the run is killed between the two, the next run
    (which holds the reports folder's lock) puts it back (``run._clear_debris``).
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
