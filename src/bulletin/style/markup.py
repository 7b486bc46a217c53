"""HTML and Markdown from notebooks made safe and readable: a whitelist rebuild, tables set like a statistics office's.

Every fragment a notebook output holds (pandas tables, notes, Markdown) is parsed and written out
again: only the tags of :data:`ALLOWED` survive, without their attributes (``colspan`` and
``rowspan`` excepted), text is escaped again, scripts and styles are dropped with their content,
images and links from outputs are dropped (their text kept). A name in the data therefore reads
as the characters it is, whatever it holds.

Tables are restyled on the way: a column whose cells are all figures is right-aligned (its header
too); a row labelled 合计/总计 is marked ``total``; short headers get ``nowrap``; an empty corner
header gets 序号.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

#: tags kept (without attributes); everything else is unwrapped (its text kept)
ALLOWED = frozenset(
    "p strong em b i ul ol li code pre br blockquote h1 h2 h3 h4 h5 h6 table thead tbody tfoot tr th td caption"
    " hr".split()
)
_VOID = frozenset({"br", "hr"})
#: tags dropped together with their content
_DROP = frozenset({"script", "style", "template", "iframe", "object", "noscript", "svg", "math"})

#: a figure as fmt prints it: ``1,234``, ``-5.2%``, ``6,477,159.42元``, ``59,507 个``, ``+1,234（+5.2%）``,
#: ``<0.1%`` (a figure with its unit of up to three characters), ``26/83`` (a count of a required number)
_NUMBER = re.compile(r"[+\-−]?<?\d[\d,]*(\.\d+)?(%|\s?[\u4e00-\u9fff]{1,3})?(（[^）]*）)?"
                     r"|(\d[\d,]*|未反馈)/\d[\d,]*")
#: cells that do not make a column non-numeric (how fmt writes a missing or undefined figure)
_NEUTRAL = frozenset({"", "未反馈", "—", "-", "新增", "本月无", "无数据"})
_TOTAL = re.compile(r"^(合计|总计|全市合计|总体)")
#: headers up to this many characters never wrap
SHORT_HEADER = 8


def is_number(text: str) -> bool:
    """Whether a cell's text is a figure (right-aligned in a table)."""
    return bool(_NUMBER.fullmatch(text.strip()))


class _Cell:
    __slots__ = ("tag", "attrs", "parts")

    def __init__(self, tag: str, attrs: str) -> None:
        self.tag, self.attrs, self.parts = tag, attrs, []

    @property
    def text(self) -> str:
        return re.sub(r"<[^>]*>", "", "".join(self.parts)).strip()


class _Rebuild(HTMLParser):
    def __init__(self, *, links: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.links = links
        self.out: list[str] = []
        self.drop = 0
        # the table being read: sections of rows of cells
        self.table: list[tuple[str, list[list[_Cell]]]] | None = None
        self.cell: _Cell | None = None
        self.caption: list[str] | None = None

    # -- output helpers
    def _emit(self, text: str) -> None:
        if self.cell is not None:
            self.cell.parts.append(text)
        elif self.caption is not None:
            self.caption.append(text)
        elif self.table is None:
            self.out.append(text)
        # text between table rows (whitespace) is dropped

    def handle_starttag(self, tag, attrs):
        if self.drop or tag in _DROP:
            self.drop += tag in _DROP and tag not in _VOID
            return
        if tag == "table":
            self.table = [] if self.table is None else self.table
            return
        if self.table is not None and self.cell is None:
            self._table_part(tag, attrs)
            return
        if tag == "a" and self.links:
            self._link(attrs)
            return
        if tag in ALLOWED:
            self._emit(f"<{tag}>")

    def _table_part(self, tag, attrs):
        """A tag inside a table, outside its cells: a row group, a row, a cell (only its spans
        kept) or the caption; anything else there is dropped."""
        if tag in ("thead", "tbody", "tfoot"):
            self.table.append((tag, []))
        elif tag == "tr":
            if not self.table:
                self.table.append(("tbody", []))
            self.table[-1][1].append([])
        elif tag in ("th", "td"):
            if not self.table:
                self.table.append(("tbody", []))
            if not self.table[-1][1]:
                self.table[-1][1].append([])
            keep = "".join(f' {k}="{escape(v or "")}"' for k, v in attrs if k in ("colspan", "rowspan")
                           and (v or "").isascii() and (v or "").isdigit())
            self.cell = _Cell(tag, keep)
            self.table[-1][1][-1].append(self.cell)
        elif tag == "caption":
            self.caption = []

    def _link(self, attrs):
        """A link kept only to a page of the site, an anchor or a web address; else its text alone."""
        href = dict(attrs).get("href") or ""
        if re.match(r"^(#|[\w./-]+\.html(#[\w-]*)?$|https?://)", href) and ":" not in href.split("//")[0][:-1]:
            self._emit(f'<a href="{escape(href)}">')
        else:
            self._emit("<a>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self.drop:
            self.drop -= tag in _DROP
            return
        if tag in _DROP:
            return
        if tag == "table" and self.table is not None and self.cell is None:
            self.out.append(_table_html(self.table, self.caption))
            self.table, self.caption = None, None
            return
        if self.table is not None and self.cell is not None and tag == self.cell.tag:
            self.cell = None
            return
        if self.table is not None and self.cell is None:
            return
        if tag == "a" and self.links:
            self._emit("</a>")
            return
        if tag in ALLOWED and tag not in _VOID:
            self._emit(f"</{tag}>")

    def handle_data(self, data):
        if not self.drop:
            self._emit(escape(data, quote=False))


def _span(cell: _Cell, name: str) -> int:
    found = re.search(rf'{name}="(\d+)"', cell.attrs)
    return max(1, int(found.group(1))) if found else 1


def _columns(rows: list[list[_Cell]]) -> list[list[int]]:
    """The grid column each cell starts in, counting the positions that a row or column span above
    or to the left already fills (a group label spanning rows takes no column of the rows below it)."""
    taken: dict[int, set[int]] = {}
    out = []
    for i, row in enumerate(rows):
        filled, places, j = taken.get(i, set()), [], 0
        for cell in row:
            while j in filled:
                j += 1
            places.append(j)
            down, across = _span(cell, "rowspan"), _span(cell, "colspan")
            for k in range(1, down):
                taken.setdefault(i + k, set()).update(range(j, j + across))
            j += across
        out.append(places)
    return out


def _table_html(sections: list[tuple[str, list[list[_Cell]]]], caption: list[str] | None) -> str:
    head = [row for kind, rows in sections if kind == "thead" for row in rows]
    body = [row for kind, rows in sections if kind != "thead" for row in rows if row]
    head_at, body_at = _columns(head), _columns(body)
    placed = [list(zip(p, r, strict=True)) for r, p in zip(head + body, head_at + body_at, strict=True)]
    width = max((j + _span(c, "colspan") for row in placed for j, c in row), default=0)
    body_cells = placed[len(head):]
    numeric = []
    for j in range(width):
        texts = [c.text for row in body_cells for at, c in row if at == j and c.tag == "td"]
        figures = [t for t in texts if t not in _NEUTRAL]
        numeric.append(bool(figures) and all(is_number(t) for t in figures))
    index_digits = any(r and r[0].tag == "th" and r[0].text.isdigit() for r in body)
    long = " long" if len(body) > 20 else ""
    # a wide or long table scrolls inside its own box (focusable, so keyboard users can scroll it);
    # a long one keeps its header row in view
    heads = "、".join(c.text for c in (head[-1] if head else []) if c.text)[:40]
    label = escape(f"数据表：{heads}（{len(body)} 行）" if heads else f"数据表（{len(body)} 行）")
    lines = [f'<div class="table-scroll{long}" role="region" tabindex="0" aria-label="{label}">',
             f'<table class="data{long}">']
    if caption:
        lines.append(f"<caption>{''.join(caption)}</caption>")
    if head:
        lines.append("<thead>")
        for row, places in zip(head, head_at, strict=True):
            cells = []
            for j, c in zip(places, row, strict=True):
                text = "".join(c.parts)
                if j == 0 and not c.text:
                    text = "序号" if index_digits else '<span class="sr-only">项目</span>'
                classes = [k for k, on in (("num", j < width and numeric[j]), ("nowrap", len(c.text) <= SHORT_HEADER))
                           if on]
                cls = f' class="{" ".join(classes)}"' if classes else ""
                cells.append(f'<th scope="col"{cls}{c.attrs}>{text}</th>')
            lines.append(f"<tr>{''.join(cells)}</tr>")
        lines.append("</thead>")
    lines.append("<tbody>")
    for row, places in zip(body, body_at, strict=True):
        total = any(_TOTAL.match(c.text) for c in row[:2])
        cells = []
        for j, c in zip(places, row, strict=True):
            num = j < width and numeric[j]
            if c.tag == "th":
                cls = ' class="idx"' if c.text.isdigit() else ""
                cells.append(f'<th scope="row"{cls}{c.attrs}>{"".join(c.parts)}</th>')
            else:
                cls = ' class="num"' if num else ""
                cells.append(f'<td{cls}{c.attrs}>{"".join(c.parts)}</td>')
        row_cls = ' class="total"' if total else ""
        lines.append(f'<tr{row_cls}>{"".join(cells)}</tr>')
    lines.append("</tbody></table></div>")
    return "\n".join(lines)


def clean_html(fragment: str, *, links: bool = False) -> str:
    """``fragment`` rebuilt from the whitelist (see the module's docstring); links kept only if ``links``."""
    parser = _Rebuild(links=links)
    parser.feed(fragment)
    parser.close()
    return "".join(parser.out)


def markdown_html(text: str, *, trusted: bool) -> str:
    """Markdown to clean HTML. ``trusted`` (the notebook's own prose) keeps links to pages;
    Markdown from an output (which may hold data) has raw HTML escaped and no links or images."""
    import mistune

    rendered = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])(text)
    return clean_html(rendered, links=trusted)
