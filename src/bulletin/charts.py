"""The charts' theme, the CJK font and the chart helpers every section uses.

Nothing happens at import: :func:`use_theme` registers the font and sets the theme, and every
helper calls it before drawing. Helpers return a :class:`matplotlib.figure.Figure` that is not
attached to pyplot, so a notebook shows it exactly once (as the cell's value) and no figure is
left open behind it.
"""

from __future__ import annotations

import importlib.util
import io
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib as mpl
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure

from . import fmt

#: CJK families used when the system has them, best first
SYSTEM_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
)
#: the Noto Sans CJK SC file the ``mplfonts`` package ships (registered only when no system font is found)
BUNDLED_FONT = ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf")

#: fixed figure sizes in inches (at :data:`DPI`), so that the recorded ``<Figure size …>`` never changes
SIZES: dict[str, tuple[float, float]] = {
    "wide": (9.0, 5.0),
    "tall": (9.0, 9.0),
    "small": (7.0, 4.0),
}
DPI = 100

#: the palette: one colour per series, a highlight colour and a muted colour for 其他
PALETTE = ("#2f6f9f", "#e08a2c", "#4c9a6a", "#b3474f", "#7a64a8", "#8c6d4f", "#d17bb0", "#7f7f7f")
HIGHLIGHT = "#c0392b"
MUTED = "#b8b8b8"
OTHER = "其他"

_family: str | None = None


def _bundled_font_path() -> Path | None:
    spec = importlib.util.find_spec(BUNDLED_FONT[0])
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / BUNDLED_FONT[1]
        if path.is_file():
            return path
    return None


def cjk_font() -> str:
    """The family name of a CJK font known to matplotlib, registering the bundled one if needed.

    A system CJK font is preferred; else the Noto Sans CJK SC file of ``mplfonts`` is added to
    matplotlib's font manager for this process (nothing is written into matplotlib's install).
    """
    global _family
    if _family is not None:
        return _family
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in SYSTEM_CJK_FAMILIES:
        if family in installed:
            _family = family
            return family
    path = _bundled_font_path()
    if path is None:
        raise RuntimeError("no CJK font found: install the mplfonts package or a Noto Sans CJK font")
    font_manager.fontManager.addfont(str(path))
    _family = font_manager.FontProperties(fname=str(path)).get_name()
    return _family


def use_theme() -> str:
    """Set the one theme of all charts (seaborn whitegrid, CJK font, intact minus signs).

    Returns the font family in use. Safe to call any number of times.
    """
    import seaborn as sns

    family = cjk_font()
    sns.set_theme(
        style="whitegrid",
        palette=list(PALETTE),
        font=family,
        rc={
            "font.sans-serif": [family, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "figure.figsize": SIZES["wide"],
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "axes.titlesize": 14,
            "axes.titleweight": "normal",  # the bundled font has one weight: no bold fallback message
            "axes.labelsize": 11,
            "xtick.labelsize": 10,
            "ytick.labelsize": 10,
            "legend.fontsize": 10,
            "figure.autolayout": False,
        },
    )
    _notebook_display()
    return family


def _notebook_display() -> None:
    """In a Jupyter kernel, show a returned figure as PNG (pyplot's inline hook only covers its own figures)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    png = shell.display_formatter.formatters["image/png"]
    if Figure not in png.type_printers:
        png.for_type(Figure, figure_png)


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes, at the resolution the notebooks record."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def new_figure(size: str = "wide") -> tuple[Figure, object]:
    """A figure of one of the fixed :data:`SIZES` with one axes, not registered with pyplot."""
    use_theme()
    fig = Figure(figsize=SIZES[size], dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    return fig, ax


def top_with_other(
    frame: pd.DataFrame,
    label: str,
    values: Sequence[str],
    n: int,
    *,
    sort_by: str | None = None,
    other: str = OTHER,
) -> pd.DataFrame:
    """The ``n`` largest rows by ``sort_by`` (default: the first of ``values``) and one row ``other``.

    The ``other`` row holds the sum of the remaining rows, so the totals are kept. When there are
    ``n`` rows or fewer, they are returned as they are (sorted).
    """
    key = sort_by or values[0]
    ordered = frame.sort_values(key, ascending=False, kind="stable")
    head = ordered.head(n)[[label, *values]].reset_index(drop=True)
    rest = ordered.iloc[n:]
    if rest.empty:
        return head
    row = {label: f"{other}（{len(rest)}家）" if label in ("hospital", "unit") else other}
    row.update({v: rest[v].sum() for v in values})
    return pd.concat([head, pd.DataFrame([row])], ignore_index=True)


def _category_axis(ax, names: Sequence[str], top: float, room: float, value_format: Callable[[object], str]) -> None:
    """Categories down the y axis, first on top, no horizontal grid; values along x up to ``top × room``."""
    ax.set_yticks(list(range(len(names))), names)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.set_xlim(0, (top if top > 0 else 1.0) * room)
    ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: value_format(v)))


def _finish(fig: Figure, ax, title: str | None, xlabel: str | None, ylabel: str | None) -> Figure:
    if title:
        ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel or "")
    ax.set_ylabel(ylabel or "")
    return fig


def ranked_barh(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str | None = None,
    xlabel: str | None = None,
    annotate: Callable[[int, float], str] | None = None,
    highlight: Sequence[str] = (),
    muted: Sequence[str] = (),
    size: str = "wide",
) -> Figure:
    """Horizontal bars, largest on top, each with its value written at the end of the bar.

    ``annotate(i, value)`` gives the text of bar ``i`` (default: the count with separators);
    bars named in ``highlight`` are drawn in the highlight colour, those in ``muted`` in grey.
    The order given is kept (pass the rows already ranked).
    """
    fig, ax = new_figure(size)
    labels = [str(x) for x in labels]
    vals = [0.0 if fmt.is_missing(v) else float(v) for v in values]
    colors = [HIGHLIGHT if lab in highlight else MUTED if lab in muted else PALETTE[0] for lab in labels]
    y = list(range(len(labels)))
    ax.barh(y, vals, color=colors, height=0.7)
    top = max(vals) if vals and max(vals) > 0 else 1.0
    _category_axis(ax, labels, top, 1.22, fmt.count)
    for i, v in enumerate(vals):
        text = annotate(i, values[i]) if annotate else fmt.count(values[i])
        ax.text(v + top * 0.01, i, text, va="center", ha="left", fontsize=9)
    return _finish(fig, ax, title, xlabel, None)


def share_barh(
    labels: Sequence[str],
    values: Sequence[float],
    total: float,
    *,
    title: str | None = None,
    xlabel: str | None = None,
    highlight: Sequence[str] = (),
    size: str = "wide",
) -> Figure:
    """Ranked horizontal bars annotated ``9,525（57.1%）``: each value and its share of ``total``."""
    vals = list(values)

    def note(i: int, v: float) -> str:
        return f"{fmt.count(v)}（{fmt.pct(float(v) / float(total)) if total else fmt.UNDEFINED}）"

    return ranked_barh(
        labels, vals, title=title, xlabel=xlabel, annotate=note, highlight=highlight, size=size,
        muted=[lab for lab in labels if str(lab).startswith(OTHER)],
    )


def stacked_barh(
    frame: pd.DataFrame,
    label: str,
    columns: Sequence[str],
    *,
    column_labels: dict[str, str] | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    totals: bool = True,
    size: str = "tall",
) -> Figure:
    """One horizontal bar per row of ``frame``, stacked by ``columns`` (e.g. booking channels).

    Rows are drawn in the order given, first on top; the row total is written at the bar's end.
    Use :func:`top_with_other` first to keep the leading rows and group the rest.
    """
    fig, ax = new_figure(size)
    names = [str(x) for x in frame[label]]
    y = list(range(len(names)))
    left = [0.0] * len(names)
    for i, col in enumerate(columns):
        vals = [0.0 if fmt.is_missing(v) else float(v) for v in frame[col]]
        ax.barh(y, vals, left=left, height=0.7, color=PALETTE[i % len(PALETTE)],
                label=(column_labels or {}).get(col, col))
        left = [a + b for a, b in zip(left, vals, strict=True)]
    top = max(left) if left and max(left) > 0 else 1.0
    _category_axis(ax, names, top, 1.15, fmt.count)
    if totals:
        for i, v in enumerate(left):
            ax.text(v + top * 0.01, i, fmt.count(v), va="center", ha="left", fontsize=9)
    fig.legend(loc="outside lower center", ncol=len(columns), frameon=False)
    return _finish(fig, ax, title, xlabel, None)


def share_stack(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str | None = None,
    size: str = "small",
) -> Figure:
    """One 100% bar split into parts (a pie chart's information, easier to read), with a legend.

    Each part is labelled with its share when it is wide enough to hold the text.
    """
    fig, ax = new_figure(size)
    total = float(sum(0.0 if fmt.is_missing(v) else float(v) for v in values)) or 1.0
    left = 0.0
    for i, (lab, v) in enumerate(zip(labels, values, strict=True)):
        share = (0.0 if fmt.is_missing(v) else float(v)) / total
        ax.barh([0], [share], left=left, height=0.6, color=PALETTE[i % len(PALETTE)],
                label=f"{lab}：{fmt.count(v)}（{fmt.pct(share)}）")
        if share >= 0.06:
            ax.text(left + share / 2, 0, fmt.pct(share), ha="center", va="center", color="white", fontsize=10)
        left += share
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.5, 0.5)
    ax.set_yticks([])
    ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0, decimals=0))
    ax.grid(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, frameon=False)
    return _finish(fig, ax, title, None, None)


def grouped_barh(
    frame: pd.DataFrame,
    label: str,
    columns: Sequence[str],
    *,
    column_labels: dict[str, str] | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    value_format: Callable[[object], str] = fmt.count,
    size: str = "tall",
) -> Figure:
    """Bars side by side per row (e.g. this month against the last, or two measures of a unit)."""
    fig, ax = new_figure(size)
    names = [str(x) for x in frame[label]]
    k = len(columns)
    height = 0.8 / k
    top = 0.0
    for j, col in enumerate(columns):
        vals = [0.0 if fmt.is_missing(v) else float(v) for v in frame[col]]
        top = max([top, *vals])
        pos = [i - 0.4 + height * (j + 0.5) for i in range(len(names))]
        ax.barh(pos, vals, height=height * 0.95, color=PALETTE[j % len(PALETTE)],
                label=(column_labels or {}).get(col, col))
    _category_axis(ax, names, top, 1.1, value_format)
    fig.legend(loc="outside lower center", ncol=len(columns), frameon=False)
    return _finish(fig, ax, title, xlabel, None)


def scatter_labeled(
    frame: pd.DataFrame,
    x: str,
    y: str,
    label: str,
    *,
    flagged: Sequence[bool] | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    title: str | None = None,
    annotate_all: bool = False,
    size: str = "wide",
) -> Figure:
    """A scatter of two measures per unit; flagged units (outliers) in the highlight colour and named."""
    fig, ax = new_figure(size)
    xs = [0.0 if fmt.is_missing(v) else float(v) for v in frame[x]]
    ys = [0.0 if fmt.is_missing(v) else float(v) for v in frame[y]]
    marks = list(flagged) if flagged is not None else [False] * len(xs)
    for flag, color, size_ in ((False, PALETTE[0], 36), (True, HIGHLIGHT, 48)):
        pts = [(a, b) for a, b, m in zip(xs, ys, marks, strict=True) if m == flag]
        ax.scatter([a for a, _ in pts], [b for _, b in pts], color=color, s=size_, alpha=0.85)
    for name, a, b, m in zip(frame[label], xs, ys, marks, strict=True):
        if m or annotate_all:
            ax.annotate(str(name), (a, b), xytext=(4, 4), textcoords="offset points", fontsize=9)
    ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: fmt.count(v)))
    ax.yaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: fmt.number(v, 0)))
    return _finish(fig, ax, title, xlabel, ylabel)
