"""``bulletin-YYYY-MM.pdf``: the statistics part laid out as the bulletin prints it, with Typst.

Why Typst (the ``typst`` Python package): it is a self-contained compiler in one wheel, so no
LaTeX, no browser and no network; it lays out long tables with row and column spans and repeats
their header rows on each page, numbers pages and builds the contents list; it embeds (subsets)
the fonts it is given and writes tagged PDF/UA-1 with a document title and alt text on figures;
and it compiles the month in well under 0.2 s. The only font it sees is the project's own Noto
Sans CJK SC file (shipped by ``mplfonts``, the file ``bulletin.style.charts`` registers): system fonts
are ignored, so the PDF is the same on every machine.

Every string from the data reaches Typst as a string literal (:func:`literal`), never as markup,
so a name holding ``#``, ``*``, ``$``, ``[``, ``\\``, ``@`` or ``<`` prints as text. The charts are
drawn by Typst itself (bars as boxes from one zero baseline, to the scale of a value axis whose
ticks :func:`scale` picks; the value labels printed as the tables print figures, money to the fen):
vector, searchable, in the embedded font, and free of a matplotlib render in the batch. A group
label (医疗单位, a section of 本月要点) spans at most :data:`GROUP_ROWS` rows and its rows never break
across a page, so no page shows rows under a label printed on the page before. A table's notes (the
meaning of 未反馈, the one bracketed line right under it: its cumulative figure, the months compared)
are the table's last rows, a footer printed once, so a page break never leaves that note alone at the
head of the next page; further notes (the headline notes under 本月要点) follow as lines of their own,
so a footer too tall for the page never moves alone under a repeated header with no row.
"""

from __future__ import annotations

import importlib.util
import math
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bulletin.core.errors import DocumentError
from bulletin.data.revisions import MARK
from bulletin.render.documents.model import Bars, Cell, Chapter, Document, Grid, Paragraph, split_groups, terms_used

FONT_FAMILY = "Noto Sans CJK SC"


#: the font file ``bulletin.style.charts`` registers (``charts.BUNDLED_FONT``; a test keeps them equal).
#: Not imported from there: that would import matplotlib (0.6 s) into a batch that draws no chart.
BUNDLED_FONT = ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf")
#: the bars' colour: the first of ``charts.PALETTE``
BAR_COLOUR = "#004488"


def font_file() -> Path:
    """The project's CJK font file: the Noto Sans CJK SC that ``mplfonts`` ships (see ``bulletin.style.charts``)."""
    spec = importlib.util.find_spec(BUNDLED_FONT[0])
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / BUNDLED_FONT[1]
        if path.is_file():
            return path
    raise FileNotFoundError(f"the CJK font {BUNDLED_FONT[1]} of the {BUNDLED_FONT[0]} package is not installed")


def literal(text: object) -> str:
    """A Typst string literal holding ``text`` exactly (inert: never read as markup or code)."""
    s = str(text)
    for old, new in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        s = s.replace(old, new)
    return f'"{s}"'


_PREAMBLE = """\
#set document(title: {title}, date: none)
#set page(paper: "a4", margin: (x: 1.8cm, top: 2cm, bottom: 2cm), numbering: "1 / 1", number-align: center)
#set text(font: "{font}", size: 10.5pt, lang: "zh", region: "cn", cjk-latin-spacing: none)
#set par(justify: true, leading: 0.85em, spacing: 1.1em, first-line-indent: (amount: 2em, all: true))
#set heading(numbering: (..n) => numbering("一、", n.pos().last()))
#show heading.where(level: 1): it => align(center, block(below: 0.6em, text(size: 19pt, weight: "regular", it.body)))
#show heading.where(level: 2): it => block(above: 1.6em, below: 1em, text(size: 13.5pt, it))
#show outline: set heading(level: 2)
#set table(stroke: 0.5pt + luma(90), inset: (x: 3pt, y: 3.2pt))
#show table: set text(size: 8pt)
#show table: set par(justify: false, first-line-indent: 0em, leading: 0.5em)
#show table.cell.where(y: 0): set text(weight: "regular")
#show figure: set block(breakable: true)
#show figure.where(kind: image): set block(breakable: false)
#show figure.where(kind: table): set figure(supplement: "表")
#show figure.where(kind: table): set figure.caption(position: top)
#show figure.where(kind: image): set figure(supplement: "图")
#heading(level: 1, numbering: none, outlined: false, {heading})
#align(center, block(below: 0.8em, text(size: 12pt, {subtitle})))
{colophon}
#outline(title: "目录", depth: 2)
"""

#: the most rows a group label spans on one page: a longer group is cut into parts of this many
#: rows, each under its own label and kept on one page (40 table rows fit an A4 page)
GROUP_ROWS = 40
#: the share of the plot area the longest scale reaches (the rest holds the largest value's label)
_SCALE = 78


def _cell(cell: Cell, header: bool) -> str:
    text = literal(cell.text)
    if cell.vertical:  # 医疗单位 printed one character a line, as the bulletin does
        text = f"{literal(cell.text)}.clusters().join(linebreak())"
    if cell.strong:
        text = f"strong({text})"
    args = []
    if cell.rowspan > 1:
        args.append(f"rowspan: {cell.rowspan}")
        if not header:  # a group (医疗单位, a 本月要点 section) is never cut from its label: it moves whole
            args.append("breakable: false")
    if cell.colspan > 1:
        args.append(f"colspan: {cell.colspan}")
    if header or cell.vertical or cell.colspan > 1:
        args.append("align: center + horizon")
    elif cell.numeric:
        args.append("align: right + horizon")
    else:
        args.append("align: left + horizon")
    if header:
        args.append("fill: luma(232)")
    elif cell.strong:  # the 合计 row stands out by its shade (the font has one weight only)
        args.append("fill: luma(244)")
    return f"table.cell({', '.join(args)}, {text})"


def _notes(grid: Grid, terms: tuple[tuple[str, str], ...], after: tuple[Paragraph, ...] = ()) -> str:
    """The lines under a table, as the last rows of the table (a footer printed once, after its
    last row): the note for each word it prints instead of a figure (未反馈), then the chapter's
    bracketed lines that follow it (its cumulative figure). A table's last row and its notes then
    stand on one page: a note never starts a page alone, away from its table."""
    lines = [(f"注：“{t}”：{meaning}。", "left", "8pt", "0.5em") for t, meaning in terms_used(grid, terms)]
    lines += [(p.text, "left", "8pt", "0.5em") if p.from_left else (p.text, "center", "9pt", "1.1em")
              for p in after]
    if not lines:
        return ""
    cells = ", ".join(f"table.cell(colspan: {grid.columns}, stroke: none, inset: (x: 0pt, top: {gap}, bottom: 0pt), "
                      f"align: {align}, text(size: {size}, {literal(text)}))"
                      for text, align, size, gap in lines)
    return f",\n  table.footer(repeat: false, table.hline(stroke: 0.5pt + luma(90)), {cells})"


def _grid(grid: Grid, caption: bool, terms: tuple[tuple[str, str], ...] = (),
          after: tuple[Paragraph, ...] = ()) -> str:
    """A table with its notes under it (:func:`_notes`); ``after``: the chapter's bracketed lines that follow it."""
    widths = ", ".join(f"{w}fr" for w in grid.widths)
    header = ",\n    ".join(_cell(c, True) for row in grid.header for c in row)
    body = split_groups(grid.body, grid.columns, GROUP_ROWS)
    cells = ",\n  ".join(_cell(c, False) for row in body for c in row)
    table = (f"table(\n  columns: ({widths},),\n  table.header(\n    {header},\n  ),\n  {cells}"
             f"{_notes(grid, terms, after)}\n)")
    if caption:  # a title of its own: a real caption (tagged Caption), numbered 表1, 表2 …
        table = f"figure(kind: table, caption: {literal(grid.title)},\n{table})"
    return f"#{table}\n"


def scale(top: float, money: bool = False) -> tuple[float, list[float]]:
    """The value axis for bars up to ``top``: its end and its ticks, from 0 in steps of 1, 2, 2.5 or
    5 × 10ⁿ, at most five steps, counts in whole steps."""
    if top <= 0:
        return 1.0, [0.0, 1.0]
    rough = top / 5
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= rough)
    if not money or step >= 1:
        step = max(1.0, float(round(step))) if step >= 1 else 1.0
    end = math.ceil(top / step - 1e-9) * step
    ticks = [round(i * step, 10) for i in range(round(end / step) + 1)]
    return end, ticks


def _bar_label(value: float, shown: str, money: bool) -> str:
    """A bar's value as the tables print figures: money to the fen, counts, both with separators."""
    from bulletin.style.fmt import count, yuan

    text = yuan(value) if money else count(value)
    return f"{text} {MARK}" if shown.endswith(MARK) else text


def _bars(chart: Bars) -> str:
    from bulletin.style.fmt import count, yuan

    values = [max(v, 0) for _, v, _ in chart.items]
    end, ticks = scale(max(values, default=0), chart.money)
    colour = BAR_COLOUR
    rows = []
    for (name, _, shown), value in zip(chart.items, values, strict=True):
        share = value / end * _SCALE
        bar = f'box(width: {share:.3f}%, height: 0.9em, fill: rgb("{colour}"))'
        rows.append(f"text(size: 8pt, {literal(name)}), "
                    f"{{ {bar}; h(4pt); text(size: 8pt, {literal(_bar_label(value, shown, chart.money))}) }}")
    # the axis under the bars: a line from 0, a tick and its figure at each step
    marks = "".join(
        f"place(dx: {t / end * _SCALE:.3f}%, line(length: 3pt, angle: 90deg, stroke: 0.5pt + luma(60))); "
        f"place(dx: {t / end * _SCALE:.3f}%, dy: 4.5pt, box(width: 0pt, align(center, "
        f"text(size: 7pt, fill: luma(60), {literal(count(t) if float(t).is_integer() else yuan(t))})))); "
        for t in ticks)
    axis = (f"block(width: 100%, height: 1.6em, {{ line(length: {_SCALE}%, stroke: 0.5pt + luma(60)); "
            f"{marks}}})")
    body = ",\n    ".join(rows)
    return (
        f"#figure(\n  alt: {literal(chart.alt)},\n  caption: {literal(chart.title)},\n"
        f"  block(width: 92%, {{\n  set par(justify: false, first-line-indent: 0em)\n"
        f"  grid(columns: (auto, 1fr), inset: (x, y) => if x == 0 {{ (right: 6pt, y: 2pt) }} else {{ (y: 2pt) }},\n"
        f"    align: (right + horizon, left + horizon),\n"
        f"    grid.vline(x: 1, end: {len(rows)}, stroke: 0.8pt + luma(40)),\n"
        f"    {body},\n    [], grid.cell(inset: (x: 0pt, y: 0pt), {axis})\n  )}})\n)\n"
    )


def _heading_is_title(chapter: Chapter) -> bool:
    """The chapter's one table carries the chapter's own title: printed once, as the heading."""
    grids = [b for b in chapter.blocks if isinstance(b, Grid)]
    return len(grids) == 1 and grids[0].title == chapter.title


def source(doc: Document) -> str:
    """The Typst source of the document (data only in string literals).

    Headings: the document's title is the one level-1 heading (tagged H1, left out of the
    contents), each chapter a numbered level-2 heading (H2); a table is captioned with its title
    (表1 …) unless that title is its chapter's heading already, so no title prints twice.
    """
    colophon = "".join(f"#align(center, block(below: 0.3em, text(size: 8.5pt, {literal(line)})))\n"
                       for line in doc.colophon)
    parts = [_PREAMBLE.format(title=literal(doc.title), font=FONT_FAMILY, heading=literal(doc.title.split("（")[0]),
                              subtitle=literal(doc.subtitle), colophon=colophon)]
    for chapter in doc.chapters:
        parts.append(f"#heading(level: 2, {literal(chapter.title)})\n")
        once = _heading_is_title(chapter)
        taken: set[int] = set()  # the bracketed lines printed under their table (:func:`_notes`)
        for i, block in enumerate(chapter.blocks):
            if i in taken:
                continue
            if isinstance(block, Paragraph):
                if block.from_left:
                    parts.append(f"#par(text(size: 8pt, {literal(block.text)}))\n")
                elif block.note:  # a bracketed line, centred under its table as the bulletin prints it
                    parts.append(f"#align(center, text(size: 9pt, {literal(block.text)}))\n")
                else:
                    parts.append(f"#par({literal(block.text)})\n")
            elif isinstance(block, Grid):
                after = []
                # the bracketed line right under the table (its cumulative figure, which months the
                # comparisons are with) stands with its last row; further notes (the headline notes)
                # follow as lines of their own: a footer too tall for the page would move alone to
                # the next one under a repeated header with no rows
                follower = chapter.blocks[i + 1] if i + 1 < len(chapter.blocks) else None
                if isinstance(follower, Paragraph) and follower.note:
                    after.append(follower)
                    taken.add(i + 1)
                parts.append(_grid(block, caption=not once, terms=doc.terms, after=tuple(after)))
            elif isinstance(block, Bars):
                parts.append(_bars(block))
    return "\n".join(parts)


#: compiles in a child Python: ``main.typ`` in argv[1] with the fonts of argv[1]/fonts, to argv[2]
_COMPILE = (
    "import sys, typst; d = sys.argv[1]; "
    "typst.compile(d + '/main.typ', output=sys.argv[2], root=d, font_paths=[d + '/fonts'], "
    "ignore_system_fonts=True, pdf_standards='ua-1')"
)


def write(doc: Document, target: Path) -> Path:
    """Compile ``doc`` to ``target`` (PDF/UA-1, fonts embedded) and return ``target``.

    Typst runs in a child Python process, not in this one: the compiler keeps a pool of threads,
    and a process forked after it started them (a worker of ``bulletin run``'s pool forked from a
    process that compiled once) would wait forever for threads that were not copied. The child
    costs about 0.1 s; a hang costs the batch.
    """
    font = font_file()
    with tempfile.TemporaryDirectory(prefix="bulletin-pdf-") as tmp:
        # Typst takes font folders: a folder holding only our font keeps the PDF free of system fonts.
        folder = Path(tmp) / "fonts"
        folder.mkdir()
        try:
            (folder / font.name).symlink_to(font)
        except OSError:  # no symlinks (some Windows setups): a copy does the same
            (folder / font.name).write_bytes(font.read_bytes())
        (Path(tmp) / "main.typ").write_text(source(doc), encoding="utf-8")
        out = Path(tmp) / "out.pdf"
        done = subprocess.run([sys.executable, "-c", _COMPILE, tmp, str(out)], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL)
        if done.returncode != 0 or not out.is_file():
            lines = (done.stderr or "").strip().splitlines() or [f"exit status {done.returncode}"]
            raise DocumentError(f"typst could not compile the PDF: {lines[-1]}")
        shutil.move(out, target)
    return target
