"""The charts' theme, the CJK font and the chart helpers every section uses.

Nothing happens at import: :func:`use_theme` registers the font and sets the theme, and every
helper calls it before drawing. Helpers return a :class:`matplotlib.figure.Figure` that is not
attached to pyplot, so a notebook shows it exactly once (as the cell's value) and no figure is
left open behind it.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Sequence

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure

from bulletin.core.mplfont import SYSTEM_CJK_FAMILIES, cjk_font  # noqa: F401 - the charts' font, one place
from bulletin.core.paths import BUNDLED_FONT, bundled_font_path  # noqa: F401 - the project's font, shared with the pages
from bulletin.style import fmt

#: fixed figure sizes in inches (at :data:`DPI`), so that the recorded ``<Figure size …>`` never changes
SIZES: dict[str, tuple[float, float]] = {
    "wide": (9.0, 5.0),
    "tall": (9.0, 9.0),
    "small": (7.0, 4.0),
}
DPI = 100
#: the smallest a chart's text may be drawn on a page, in CSS px: a page never shows a chart narrower
#: than the width at which its smallest text is this tall (:func:`min_display_width`)
MIN_TEXT_PX = 10

#: the palette: one colour per series (Okabe-Ito and Tol hues, colour-blind safe), dark and light
#: alternating so that any two neighbours differ by at least 3:1 in contrast (WCAG 2.2, 1.4.11;
#: tests/unit/test_charts.py checks it); a highlight colour for flagged units and a muted one for 其他 and
#: idle units. Colour is never the only cue: flagged bars are also hatched and marked.
PALETTE = ("#004488", "#E69F00", "#882255", "#56B4E9", "#1E5631", "#F0E442", "#333333", "#CC79A7")
HIGHLIGHT = "#EE6677"
MUTED = "#b8b8b8"
#: the mark before a flagged unit's name (its bar is also hatched)
FLAG_MARK = "★"
OTHER = "其他"


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
            # names from the data are drawn as they are: "$" never starts mathtext
            "text.parse_math": False,
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
        png.for_type(Figure, figure_png_with_alt)


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes, at the resolution the notebooks record."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def figure_png_with_alt(fig: Figure) -> tuple[bytes, dict[str, str]] | bytes:
    """The PNG and, as its output metadata, the chart's alt text (what the reader pages put in ``alt``).

    IPython's formatters accept ``(data, metadata)``; the alt text is the figure's own label
    (:meth:`~matplotlib.artist.Artist.get_label`), set by the helpers below through :func:`describe`.
    """
    png = figure_png(fig)
    alt = fig.get_label()
    meta: dict[str, object] = {"alt": alt} if alt else {}
    narrowest = min_display_width(fig)
    if narrowest:
        meta["min_width"] = narrowest
    return (png, meta) if meta else png  # type: ignore[return-value]


def smallest_text_pt(fig: Figure) -> float | None:
    """The size in points of the smallest text the figure draws (None: it draws no text)."""
    from matplotlib.text import Text

    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes) if sizes else None


def min_display_width(fig: Figure) -> int | None:
    """The narrowest a page may show the figure's PNG, in CSS px, so that its smallest text stays
    :data:`MIN_TEXT_PX` tall (a 900 px chart whose smallest text is 9 pt, 12.5 px: 720 px); a
    narrower screen scrolls the chart sideways instead of shrinking it. None: no text."""
    import math

    smallest = smallest_text_pt(fig)
    if smallest is None:
        return None
    return math.ceil(fig.get_figwidth() * DPI * MIN_TEXT_PX / (smallest * DPI / 72))


def alt_text(fig: Figure) -> str:
    """The alt text a helper gave ``fig`` (its title and key figures), or ``""``."""
    return fig.get_label() or ""


def describe(fig: Figure, title: str | None, items: Sequence[tuple[object, str]], *, shown: int = 6) -> Figure:
    """Give ``fig`` its alt text: the title, then the first ``shown`` items as ``name value``.

    The text says how many items there are in all and that the table beside the chart has them all.
    """
    parts = [f"图表：{title or '（无标题）'}。"]
    if items:
        head = "；".join(f"{name} {value}" for name, value in items[:shown])
        more = f"等，共{len(items)}项" if len(items) > shown else ""
        parts.append(f"{head}{more}。")
    parts.append("全部数字见图旁的表。")
    fig.set_label("".join(parts))
    return fig


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
    bars = ax.barh(y, vals, color=colors, height=0.7, edgecolor="white", linewidth=0.8)
    for bar, lab in zip(bars, labels, strict=True):
        if lab in highlight:  # not by colour alone: hatched, and marked before the name
            bar.set_hatch("///")
            bar.set_edgecolor("#333333")
    top = max(vals) if vals and max(vals) > 0 else 1.0
    names = [f"{FLAG_MARK} {lab}" if lab in highlight else lab for lab in labels]
    _category_axis(ax, names, top, 1.22, fmt.count)
    texts = []
    for i, v in enumerate(vals):
        text = annotate(i, values[i]) if annotate else fmt.count(values[i])
        texts.append((names[i], text))
        ax.text(v + top * 0.01, i, text, va="center", ha="left", fontsize=9)
    if highlight:
        ax.text(1.0, 1.01, f"{FLAG_MARK} 加斜线：特别标出", transform=ax.transAxes, ha="right", va="bottom",
                fontsize=9)
    describe(fig, title, texts)
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
        ax.barh(y, vals, left=left, height=0.7, color=PALETTE[i % len(PALETTE)], edgecolor="white", linewidth=0.8,
                label=(column_labels or {}).get(col, col))
        left = [a + b for a, b in zip(left, vals, strict=True)]
    describe(fig, title, [(n, f"合计 {fmt.count(v)}") for n, v in zip(names, left, strict=True)])
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
    items = []
    for i, (lab, v) in enumerate(zip(labels, values, strict=True)):
        share = (0.0 if fmt.is_missing(v) else float(v)) / total
        color = PALETTE[i % len(PALETTE)]
        ax.barh([0], [share], left=left, height=0.6, color=color, edgecolor="white", linewidth=0.8,
                label=f"{lab}：{fmt.count(v)}（{fmt.pct(share)}）")
        items.append((lab, f"{fmt.count(v)}（{fmt.pct(share)}）"))
        if share >= 0.06:  # white on the dark colours, black on the light ones
            ink = "white" if PALETTE.index(color) % 2 == 0 else "black"
            ax.text(left + share / 2, 0, fmt.pct(share), ha="center", va="center", color=ink, fontsize=10)
        left += share
    describe(fig, title, items)
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.5, 0.5)
    ax.set_yticks([])
    ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0, decimals=0))
    ax.grid(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, frameon=False)
    return _finish(fig, ax, title, None, None)
