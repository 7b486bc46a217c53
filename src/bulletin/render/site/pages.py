"""The reader's pages rendered from the one set of Jinja templates in ``templates/``.

Why Jinja: it is what nbconvert itself uses, so no new template language; the environment has
autoescape on, so every value put into a page is escaped unless this module has built it as
clean HTML (:mod:`.markup`). Each page then gets its own font subset (:mod:`.fonts`).
"""

from __future__ import annotations

import base64
import json
import re
import struct
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup

from bulletin.core import fonts, publication
from bulletin.core.month_strings import month_label
from bulletin.style import markup

#: what a reader sees as the publication's name (:data:`bulletin.core.publication.NAME`, said once)
SITE_TITLE = publication.NAME
#: where the figures come from (the footer of every page)
SOURCE = (f"{publication.PUBLISHER}《{publication.NAME}》各月所载数据"
          "（12320卫生热线、预约挂号、远程医疗、卫生信息平台、自助服务终端）")
#: cells with these tags are not shown to readers: the parameters, and instructions for analysts
REMOVED_TAGS = frozenset({"parameters", "injected-parameters", "analyst"})
#: how many headline figures the top index shows per month
TOP_HEADLINES = 4

_FONT_SLOT = "/*@font-face*/"
#: words of the header, navigation and footer (their glyphs are drawn before the runner forks)
COMMON_TEXT = ("跳到正文全部月份本月目录上月下月数据来源生成日期程序版本代码年月日一二三四五六七八九十（）：；，。·←→"
               "0123456789")


@dataclass(frozen=True)
class Site:
    """What the header and the footer of every page say."""

    title: str
    source: str
    generated: str
    version: str


@lru_cache(maxsize=1)
def site_info() -> Site:
    """The site's title, data source, today's date and the code version (package version and code hash)."""
    from bulletin.core.provenance import code_version, generated_date

    return Site(SITE_TITLE, SOURCE, generated_date(), code_version())


@lru_cache(maxsize=1)
def environment():
    """The Jinja environment (autoescape on every template, whatever its name)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("bulletin.render.site", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def render(template: str, *, synthetic: bool = False, **context) -> str:
    """Render ``template`` and embed the WOFF2 subset of exactly the characters the page holds.

    ``synthetic``: the page shows figures of a demonstration's synthetic months
    (:func:`bulletin.data.demo.is_synthetic`): its title says so and a banner under the header says what they are.
    """
    from bulletin.data import demo

    page = environment().get_template(template).render(
        site=site_info(), font_css=Markup(_FONT_SLOT), mark=demo.suffix(synthetic),
        synthetic_notice=demo.NOTICE if synthetic else "", **context)
    # the navigation's words and digits always: the month links may be rewritten later, in place
    return page.replace(_FONT_SLOT, fonts.font_face_css(page + COMMON_TEXT), 1)


# ------------------------------------------------------------------------------------ navigation


def _neighbours(month: str, months: list[str] | None) -> tuple[str | None, str | None]:
    if not months or month not in months:
        return None, None
    ordered = sorted(set(months))
    i = ordered.index(month)
    return (ordered[i - 1] if i > 0 else None), (ordered[i + 1] if i + 1 < len(ordered) else None)


def nav_html(nav: dict, page_kind: str) -> str:
    """The month links of a page (what :mod:`.navigation` rewrites in place)."""
    return environment().get_template("nav.html.j2").render(nav=nav, page_kind=page_kind)


def month_nav(month: str, months: list[str] | None, sections: list[tuple[str, str]], current: str | None) -> dict:
    """Navigation of a page inside a month folder: all months, the month page, its sections, prev/next."""
    prev, nxt = _neighbours(month, months)
    return {
        "top": "../index.html",
        "month_page": "index.html",
        "previous": {"href": f"../{prev}/index.html", "label": month_label(prev)} if prev else None,
        "next": {"href": f"../{nxt}/index.html", "label": month_label(nxt)} if nxt else None,
        "sections": [{"href": f"{stem}.html", "title": title, "current": stem == current} for stem, title in sections],
    }


# ------------------------------------------------------------------------------------ section pages


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    return None


def _output_blocks(out: dict) -> list[dict]:
    kind = out.get("output_type")
    if kind == "stream":
        return [{"kind": "text", "text": out.get("text", "")}] if out.get("name") == "stdout" else []
    if kind not in ("execute_result", "display_data"):
        return []  # errors are not published (a failed section is not published at all)
    data = out.get("data", {})
    if "text/csv" in data:
        return [_download_block(_join(data["text/csv"]), out.get("metadata", {}).get("text/csv", {}))]
    if "image/png" in data:
        raw = data["image/png"]
        raw = "".join(raw) if isinstance(raw, list) else raw
        meta = out.get("metadata", {}).get("image/png", {})
        alt = meta.get("alt") if isinstance(meta, dict) else None
        size = _png_size(base64.b64decode(raw[:64] + "=" * (-len(raw[:64]) % 4)))
        block = {"kind": "chart", "data": raw.replace("\n", ""), "alt": alt or "图表（说明见下方的表）"}
        if size:
            block.update(width=size[0], height=size[1])
        narrowest = meta.get("min_width") if isinstance(meta, dict) else None
        if isinstance(narrowest, int) and not isinstance(narrowest, bool) and narrowest > 0:
            # never drawn narrower than this (its smallest text would fall below 10 px): it scrolls instead
            block["min_width"] = narrowest
        return [block]
    if "text/html" in data:
        return [{"kind": "html", "html": Markup(markup.clean_html(_join(data["text/html"])))}]
    if "text/markdown" in data:
        # an output's Markdown may hold data: it is shown as its characters, never interpreted
        return [{"kind": "text", "text": _join(data["text/markdown"])}]
    if "text/plain" in data:
        return [{"kind": "text", "text": _join(data["text/plain"])}]
    return []


_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.csv")


def _download_block(text: str, meta: object) -> dict:
    """A CSV output as a link that downloads it from the page itself (a ``data:`` URL: offline)."""
    meta = meta if isinstance(meta, dict) else {}
    name = str(meta.get("filename", ""))
    raw = text.encode("utf-8")
    size = f"{len(raw) / 1024:,.0f} KB" if len(raw) >= 1024 else f"{len(raw)} 字节"
    return {"kind": "download", "href": "data:text/csv;charset=utf-8;base64," + base64.b64encode(raw).decode("ascii"),
            "filename": name if _SAFE_NAME.fullmatch(name) else "data.csv",
            "label": str(meta.get("description") or "数据（CSV）"), "size": size}


def _join(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def reader_cells(nb) -> list:
    """The cells a reader's page shows: all but those tagged :data:`REMOVED_TAGS`."""
    return [c for c in nb.cells if not REMOVED_TAGS & set(c.get("metadata", {}).get("tags", []))]


def section_page(nb, *, title: str, month: str, with_code: bool, stem: str | None = None,
                 months: list[str] | None = None, synthetic: bool = False) -> str:
    """The reader's page of an executed section notebook."""
    from bulletin.sections import SECTIONS

    blocks: list[dict] = []
    for cell in reader_cells(nb):
        if cell.cell_type == "markdown":
            blocks.append({"kind": "prose", "html": Markup(markup.markdown_html(_join(cell.source), trusted=True))})
        elif cell.cell_type == "code":
            if with_code and _join(cell.source).strip():
                blocks.append({"kind": "code", "text": _join(cell.source)})
            for out in cell.get("outputs", []):
                blocks.extend(_output_blocks(out))
    nav = month_nav(month, months, [(s.stem, s.title) for s in SECTIONS], stem)
    return render("section.html.j2", title=title, month_label=month_label(month), nav=nav, blocks=blocks,
                  page_kind="section", synthetic=synthetic)


# ------------------------------------------------------------------------------------ month and top pages


#: what the month page says of the data check, above its counts: whose checks they are
CHECK_INTRO = ("数据核对是本数据包自己的检查，不是简报的表述。“错误”指简报印出的数字彼此对不上"
               "（如各行之和不等于表中的合计）；“警告”是本包按自己的规则标出、值得向有关单位核实的情况，"
               "并不表示简报有误；“提示”说明简报没有印出的内容等。")


def _check_view(check: dict | None, sections: list[tuple[str, str]]) -> dict | None:
    """The data check as a reader's summary: counts by severity and, within each, by rule, each
    error (the bulletin's own figures disagree) and note (what it did not print) in its words,
    warnings only counted; the findings one by one are on the
    overview's page, linked when it is published. No table of warnings: a reader could take a long
    one for a list of the bulletin's mistakes."""
    if not check:
        return None
    from collections import Counter

    findings = check.get("findings") or []
    groups = []
    # 提示: what the bulletin did not print, gaps between cumulative and monthly figures
    for level in ("错误", "警告") + (("提示",) if any(f.get("级别") == "提示" for f in findings) else ()):
        rules = Counter(str(f.get("规则", "")) for f in findings if f.get("级别") == level)
        # an error (the bulletin's own figures disagree) and a note (what it did not print) are said
        # in their words; warnings, the package's own rules, are counted
        said = [str(f.get("说明", "")) for f in findings if f.get("级别") == level] if level != "警告" else []
        groups.append({"title": level, "count": sum(rules.values()),
                       "rules": [f"{rule} {n} 项" for rule, n in rules.most_common()], "said": said})
    overview = next((stem for stem, _ in sections if stem.endswith("_overview")), None)
    return {"summary": check.get("summary", ""), "intro": CHECK_INTRO, "groups": groups,
            "details": f"{overview}.html" if overview and findings else None,
            "notes": check.get("notes") or []}


def month_page(month: str, sections: list[tuple[str, str]], page: dict) -> str:
    """The month's page: headline figures, the sections, the data check's summary (counts by
    severity and rule, whose checks they are, a link to the findings on the overview's page).

    ``page`` is the month's page data, its index figures (``bulletin.batch.month_index.IndexFigures``,
    as a dict): ``points`` (the main points in words, one sentence per section, shown first), ``headlines``
    ``[[label, value], …]`` (the full list, below them in a details element), ``compared`` (each
    comparison whose base month is in the data: ``title`` and the change beside each headline, a
    column of that list), ``check_report``
    (``summary``, ``counts``, ``findings`` as rows of 级别/规则/表/单位/说明, ``notes``), ``months``
    (all months in the data), ``documents`` (set when the month's documents are published: the page
    links them), ``provenance`` (``version``, ``code``, ``data``: which code and data produced the
    month), ``revisions`` (``bulletin.data.revisions.page_summary``: when, why and what each revision
    edited). Missing parts read as "unavailable".
    """
    nav = month_nav(month, page.get("months"), sections, None)
    return render(
        "month.html.j2", month_label=month_label(month), nav=nav, page_kind="month",
        headlines=page.get("headlines"), points=[str(p) for p in page.get("points") or []],
        compared=_compared(page),
        check=_check_view(page.get("check_report"), sections),
        sections=[{"href": f"{stem}.html", "title": title} for stem, title in sections],
        documents=_document_links(month) if page.get("documents") else [],
        provenance=page.get("provenance"), revisions=_revisions(page), synthetic=_synthetic(page),
    )


def _synthetic(page: dict) -> bool:
    """Whether a month's figures are a demonstration's synthetic data (its provenance says so)."""
    provenance = page.get("provenance")
    return isinstance(provenance, dict) and provenance.get("synthetic") is True


def _compared(page: dict) -> list[dict]:
    """The comparisons beside the headline figures (``title``, one change per headline), those
    malformed or not one a headline left out."""
    found, count = page.get("compared"), len(page.get("headlines") or [])
    if not isinstance(found, list):
        return []
    return [c for c in found if isinstance(c, dict) and isinstance(c.get("changes"), list)
            and len(c["changes"]) == count]


def _revisions(page: dict) -> list[dict]:
    """The month's revisions as the pages list them (malformed entries are left out)."""
    found = page.get("revisions")
    return [r for r in found if isinstance(r, dict) and "number" in r] if isinstance(found, list) else []


def revision_line(revisions: list[dict]) -> str:
    """One line for the top index: ``数据已修订：2024年5月1日（第1次，改动 5 处：原因）``; ``""`` when never."""
    if not revisions:
        return ""
    parts = []
    for r in revisions:
        why = f"：{r['reason']}" if r.get("reason") else ""
        parts.append(f"{r.get('date', '')}（第{r['number']}次，改动 {r.get('figures', 0)} 处{why}）")
    return "数据已修订：" + "；".join(parts)


#: what each document of the month is, for its link on the month page
DOCUMENT_TITLES = (
    "简报统计数据（PDF，按公报版式）",
    "简报统计数据（Word，可编辑）",
    "统计表（Excel）",
    "机器可读数据（CSV 与 datapackage.json）",
)


def _document_links(month: str) -> list[dict[str, str]]:
    """The month's documents (:func:`bulletin.render.documents.names`), each with its link and what it is."""
    from bulletin.render.documents import names

    hrefs = [n if "." in n.rsplit("/", 1)[-1] else f"{n}/datapackage.json" for n in names(month)]
    return [{"href": h, "title": t} for h, t in zip(hrefs, DOCUMENT_TITLES, strict=True)]


def month_summary(month: str, sections: list[tuple[str, str]], page: dict) -> str:
    """``summary.json`` of a published month: what the top index shows of it (key figures, status)."""
    report = page.get("check_report") or {}
    counts = report.get("counts")
    summary = {
        "month": month,
        "sections": len(sections),
        "headlines": (page.get("headlines") or [])[:TOP_HEADLINES],
        "check": counts,
    }
    if _synthetic(page):
        summary["synthetic"] = True
    revisions = _revisions(page)
    if revisions:
        summary["revisions"] = [{k: r.get(k) for k in ("number", "when", "date", "reason", "figures")}
                                for r in revisions]
    return json.dumps(summary, ensure_ascii=False, indent=1)


def _status(summary: dict, titles: int) -> str:
    from bulletin.sections import SECTIONS

    parts = [f"已发布 {summary.get('sections', titles)}/{len(SECTIONS)} 节"]
    counts = summary.get("check")
    if isinstance(counts, dict):
        parts.append(f"数据核对：{counts.get('errors', 0)} 个错误，{counts.get('warnings', 0)} 个警告")
    else:
        parts.append("数据核对结果暂缺")
    return "；".join(parts)


def top_page(months: list[tuple[str, list[str], dict]]) -> str:
    """The top index: every published month, newest first, with its key figures and status.

    ``months`` is ``[(month, [section titles], summary dict from summary.json or {})]``.
    """
    items = [
        {"month": m, "href": f"{m}/index.html", "label": month_label(m), "status": _status(s, len(t)),
         "revised": revision_line(_revisions(s)),
         "headlines": [tuple(h) for h in s.get("headlines", []) if isinstance(h, list | tuple) and len(h) == 2]}
        for m, t, s in sorted(months, key=lambda x: x[0], reverse=True)
    ]
    nav = {"top": "index.html", "month_page": None, "previous": None, "next": None, "sections": []}
    synthetic = any(s.get("synthetic") is True for _, _, s in months)
    return render("top.html.j2", month_label=None, nav=nav, months=items, page_kind="top", synthetic=synthetic)
