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
text and the HTML hold the same rows. nbval's comparison of a recorded output with a new one
reads these lines: :mod:`bulletin.style.output_diff`.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: a cell that reads as a figure: 6,398 · 34.0% · -12 · 0.4 · 1,234.56 元 · 69,660 人次 (a label such as
#: 12320在线预约 or 2020年2月 holds other text)
_FIGURE = re.compile(r"[-+−]?[0-9][0-9,]*(\.[0-9]+)?\s*(%|‰|[\u4e00-\u9fff]{1,2})?")


def is_figure(value: object) -> bool:
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
        if any(is_figure(v) for v in frame[col].tolist()):
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
