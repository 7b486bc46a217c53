"""How a section notebook's tables show as text: one figure per line, with its row and column.

A notebook records each table twice: as HTML (what JupyterLab and the reader pages show) and as
plain text (what a terminal shows, what ``git diff`` of a re-recorded notebook and nbval's
comparison read). pandas' plain text is a grid: a changed figure is one changed character in a
line of a dozen, with its row name at the line's start and its column name twenty lines up. In
the section notebooks (:func:`bulletin.sections.start` calls :func:`use_in_notebook`) the text
form of a DataFrame is instead::

    24 行 × 6 列：单位 | 12320在线预约 | 电话预约 | 诊间预约 | 第三方 | 小计
    1 南京市儿童医院 | 12320在线预约: 6,398
    1 南京市儿童医院 | 电话预约: 1,187
    ...

so that the line of a changed figure names it. The row's label is its index and the leading
columns that hold no figure (单位, or 板块 and 指标); the HTML is pandas' own, unchanged. Long
tables are shortened as pandas shortens them (``display.max_rows``, ``display.min_rows``), so the
text and the HTML hold the same rows.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: a cell that reads as a figure: 6,398 · 34.0% · -12 · 0.4 · 1,234.56 元 · 69,660 人次 (a label such as
#: 12320在线预约 or 2020年2月 holds other text)
_FIGURE = re.compile(r"[-+−]?[0-9][0-9,]*(\.[0-9]+)?\s*(%|‰|[\u4e00-\u9fff]{1,2})?")


def _is_figure(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    try:
        import numpy as np

        if isinstance(value, np.number):
            return True
    except ImportError:  # pragma: no cover - pandas needs numpy
        pass
    return isinstance(value, str) and _FIGURE.fullmatch(value.strip()) is not None


def _label(value: object) -> str:
    if isinstance(value, tuple):
        return " · ".join(_label(v) for v in value if str(v) != "")
    return _cell(value)


def _cell(value: object) -> str:
    # one line per figure, whatever the cell holds
    return str(value).replace("\r", "\\r").replace("\n", "\\n")


def label_columns(frame: pd.DataFrame) -> list[object]:
    """The leading columns that name a row rather than hold a figure (none of their cells reads as one).

    At least one column is left to be listed as figures: a table of text only is labelled by its
    first column.
    """
    out: list[object] = []
    for col in frame.columns:
        if any(_is_figure(v) for v in frame[col].tolist()):
            break
        out.append(col)
    if len(out) >= len(frame.columns):
        out = list(frame.columns[:1]) if len(frame.columns) > 1 else []
    return out


def _shown_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame | None, int]:
    """The rows shown (head, tail, number left out), as pandas' own display shortens a long table."""
    import pandas as pd

    max_rows = pd.get_option("display.max_rows")
    if not max_rows or len(frame) <= max_rows:
        return frame, None, 0
    min_rows = pd.get_option("display.min_rows") or max_rows
    keep = min(min_rows, max_rows)
    head, tail = keep - keep // 2, keep // 2
    return frame.iloc[:head], frame.iloc[len(frame) - tail:] if tail else None, len(frame) - head - tail


def table_text(frame: pd.DataFrame) -> str:
    """The text form of a table: a line of its size and columns, then one line per figure.

    Each figure line is ``row label | column label: value``; the row label is the row's index
    and the values of :func:`label_columns`.
    """
    labels = label_columns(frame)
    figures = [c for c in frame.columns if c not in labels]
    head = f"{len(frame)} 行 × {len(frame.columns)} 列：" + " | ".join(_label(c) for c in frame.columns)
    lines = [head]
    top, bottom, left_out = _shown_rows(frame)

    def rows(part: pd.DataFrame) -> None:
        for index, (_, row) in zip(part.index, part.iterrows(), strict=True):
            levels = index if isinstance(index, tuple) else (index,)
            name = " ".join(part for part in [*map(_cell, levels), *(_cell(row[c]) for c in labels)] if part)
            for col in figures:
                lines.append(f"{name} | {_label(col)}: {_cell(row[col])}")

    rows(top)
    if bottom is not None:
        lines.append(f"…（中间 {left_out} 行未列出）…")
        rows(bottom)
    return "\n".join(lines)


def _pretty(frame: pd.DataFrame, printer, cycle: bool) -> None:
    """IPython's plain-text printer for a DataFrame (``PlainTextFormatter.for_type``)."""
    printer.text(table_text(frame))


def use_in_notebook() -> None:
    """In an IPython kernel, show DataFrames' text form as :func:`table_text` (the HTML is unchanged).

    Uses IPython's documented ``PlainTextFormatter.for_type``; outside IPython it does nothing.
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    import pandas as pd

    shell.display_formatter.formatters["text/plain"].for_type(pd.DataFrame, _pretty)


# ------------------------------------------------------------------ recorded against new outputs


class _Tables(HTMLParser):
    """The cells of every ``<table>`` in an HTML output, with row and column spans expanded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict[str, list[list[str]]]] = []
        self._part = "tbody"
        self._row: list[tuple[str, str, int, int]] | None = None
        self._cell: list[str] | None = None
        self._span = (1, 1)
        self._kind = "td"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append({"thead": [], "tbody": []})
            self._part = "tbody"
        elif not self.tables:
            return
        elif tag in ("thead", "tbody", "tfoot"):
            self._part = "thead" if tag == "thead" else "tbody"
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            spans = dict(attrs)
            self._cell, self._kind = [], tag
            self._span = (_int(spans.get("rowspan")), _int(spans.get("colspan")))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            text = " ".join("".join(self._cell).split())
            self._row.append((self._kind, text, *self._span))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            self.tables[-1][self._part].append(self._row)  # type: ignore[arg-type]
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _int(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def _grid(rows: list[list[tuple[str, str, int, int]]]) -> list[list[tuple[str, str]]]:
    """Rows of ``(kind, text)`` with every rowspan and colspan written out in full."""
    grid: list[list[tuple[str, str]]] = []
    carried: dict[tuple[int, int], tuple[str, str]] = {}  # (row, column) → a cell spanning into it
    for r, row in enumerate(rows):
        out: list[tuple[str, str]] = []
        cells = iter(row)
        col = 0
        while True:
            if (r, col) in carried:
                out.append(carried.pop((r, col)))
                col += 1
                continue
            cell = next(cells, None)
            if cell is None:
                break
            kind, text, rowspan, colspan = cell
            for dc in range(colspan):
                out.append((kind, text))
                for dr in range(1, rowspan):
                    carried[(r + dr, col + dc)] = (kind, text)
            col += colspan
        grid.append(out)
    return grid


def html_table_lines(html: str) -> list[str]:
    """The figures of the tables in an HTML output as :func:`table_text` lists them, one per line.

    For a recorded HTML table (pandas' ``to_html``): the column labels are the header rows' texts,
    the row label is the row's header cells (the index) and its leading cells that hold no figure.
    """
    parser = _Tables()
    parser.feed(html)
    parser.close()
    lines: list[str] = []
    for number, table in enumerate(parser.tables, start=1):
        head, body = _grid(table["thead"]), _grid(table["tbody"])
        if not body:
            continue
        width = max(len(r) for r in body)
        columns = [" · ".join(dict.fromkeys(t for row in head if j < len(row) and (t := row[j][1]))) for j in
                   range(width)]
        n_index = min(sum(1 for kind, _ in r if kind == "th") for r in body)
        data_cols = range(n_index, width)
        values = {j: [r[j][1] if j < len(r) else "" for r in body] for j in data_cols}
        labels: list[int] = []
        for j in data_cols:
            if any(_is_figure(v) for v in values[j]):
                break
            labels.append(j)
        if len(labels) >= len(data_cols):
            labels = labels[:1] if len(data_cols) > 1 else []
        if len(parser.tables) > 1:
            lines.append(f"表 {number}")
        lines.append(f"{len(body)} 行 × {len(data_cols)} 列：" + " | ".join(columns[j] for j in data_cols))
        for r in body:
            name = " ".join(t for j, (_, t) in enumerate(r) if (j < n_index or j in labels) and t)
            for j in data_cols:
                if j not in labels:
                    lines.append(f"{name} | {columns[j]}: {r[j][1] if j < len(r) else ''}")
    return lines


def output_lines(text: str) -> list[str]:
    """An output's text as the lines worth comparing: a table's figures, else the text's own lines."""
    if "<table" in text:
        lines = html_table_lines(text)
        if lines:
            return lines
    return text.splitlines()


def explain_difference(recorded: str, now: str, *, most: int = 40) -> list[str]:
    """The lines that differ between a recorded output and the same output of a new run.

    Tables are compared figure by figure (:func:`output_lines`), so each changed line names its
    row and column: ``recorded: 1 南京市儿童医院 | 电话预约: 1,187`` above ``now: … 1,188``. When
    the tables agree and the difference lies outside them (the markup), the text's own lines are
    compared. At most ``most`` changed lines are listed, then how many more.
    """
    import difflib

    before, after = output_lines(recorded), output_lines(now)
    if before == after:
        before, after = recorded.splitlines(), now.splitlines()
    out = ["recorded (the notebook file) and now (this run) differ in these lines:"]
    changes = 0
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        old, new = before[a1:a2], after[b1:b2]
        for i in range(max(len(old), len(new))):  # a changed figure: its recorded line above its new one
            for side, lines in (("recorded: ", old), ("now:      ", new)):
                if i < len(lines):
                    changes += 1
                    if changes <= most:
                        out.append(side + lines[i])
    if changes > most:
        out.append(f"… and {changes - most} more changed lines")
    if changes == 0:  # the same lines, other line ends or spaces
        out.append(f"recorded: {recorded!r}")
        out.append(f"now:      {now!r}")
    return out
