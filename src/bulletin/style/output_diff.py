"""What ``make nbval`` says when a recorded output no longer matches: the lines that differ, a table
compared figure by figure, each line naming its row and column as :mod:`bulletin.style.display` writes them
(``notebooks/conftest.py`` hands nbval's comparison to :func:`explain_difference`)."""

from __future__ import annotations

from html.parser import HTMLParser

from bulletin.style.display import is_figure


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
            if any(is_figure(v) for v in values[j]):
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
