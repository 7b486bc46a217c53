"""A pandas plotting backend: pandas' own matplotlib plots, with the names they show drawn as text.

A unit's name is data, and matplotlib reads any text with a pair of ``$`` as mathtext: a name
such as ``$\\frac{1}{0}$ 医院 $\\undefinedmacro{x}$`` made ``m.appointments.plot.barh(...)`` fail at
``savefig`` (``ValueError: Unknown symbol``), and other names drew as formulas.

This module is a plotting backend in pandas' documented sense (the ``plotting.backend`` option: a
module with ``plot``, ``hist_series``, ``hist_frame``, ``boxplot_frame`` and
``boxplot_frame_groupby``; pandas draws ``pandas.plotting.boxplot`` with matplotlib whatever the
option). Each function lets pandas draw exactly as it does by default (the same call with
``backend="matplotlib"``), then turns off mathtext (matplotlib's documented
:meth:`matplotlib.text.Text.set_parse_math`) on the texts of the plot that show labels of the
data: the tick labels of an axis whose ticks are labels (a bar chart's names, which pandas gives
to matplotlib's ``set_ticklabels``), the legend's entries, and the texts pandas put on the axes
(a pie's labels).

Nothing else changes. No ``rcParams``: a numeric axis keeps ``$10^{3}$`` on a log scale; a title,
axis label or text the user sets, even on the same axes, is mathtext as usual, and so is a text
already on the axes a plot draws onto; no figure that pandas did not draw is touched.
:func:`install` makes this the backend when a table is loaded (:func:`bulletin.data.loaders.plots_ready`),
only if pandas' backend is still its default; ``pd.set_option("plotting.backend", "matplotlib")``
(or ``backend="matplotlib"`` in one call) goes back to pandas' own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

#: the option's value that names this module
BACKEND = __name__
#: pandas' default backend, the one this module draws with
MATPLOTLIB = "matplotlib"


def install() -> None:
    """Make this module pandas' plotting backend, unless the user chose a backend of their own."""
    import pandas as pd

    if pd.get_option("plotting.backend") == MATPLOTLIB:
        pd.set_option("plotting.backend", BACKEND)


def plot(data: Any, kind: str, **kwargs: Any) -> Any:
    """``data.plot(kind=...)``, as pandas' matplotlib backend draws it, with the data's labels literal."""
    before = _own_texts(kwargs.get("ax"))
    return literal_labels(data.plot(kind=kind, backend=MATPLOTLIB, **kwargs), keep=before)


def hist_series(data: Any, **kwargs: Any) -> Any:
    return literal_labels(data.hist(backend=MATPLOTLIB, **kwargs))


def hist_frame(data: Any, **kwargs: Any) -> Any:
    return literal_labels(data.hist(backend=MATPLOTLIB, **kwargs))


def boxplot_frame(data: Any, **kwargs: Any) -> Any:
    return literal_labels(data.boxplot(backend=MATPLOTLIB, **kwargs))


def boxplot_frame_groupby(grouped: Any, **kwargs: Any) -> Any:
    return literal_labels(grouped.boxplot(backend=MATPLOTLIB, **kwargs))


def literal_labels(result: Any, keep: Iterable[object] = ()) -> Any:
    """Turn off mathtext on the data's labels in the axes of ``result`` (what a pandas plot
    returns: axes, an array or Series of them, a dict of artists) and return ``result``.

    ``keep``: texts that were on the axes before the plot (the user's), left as they are.
    """
    kept = {id(t) for t in keep}
    for ax in _axes(result):
        for axis in (ax.xaxis, ax.yaxis):
            if _labels_axis(axis):
                for tick in axis.get_major_ticks():
                    tick.label1.set_parse_math(False)
                    tick.label2.set_parse_math(False)
        legend = ax.get_legend()
        if legend is not None:
            for text in legend.get_texts():
                text.set_parse_math(False)
        for text in ax.texts:
            if id(text) not in kept:
                text.set_parse_math(False)
    return result


def _labels_axis(axis: Any) -> bool:
    """Whether an axis's ticks are labels (names), not numbers: labels given for fixed positions
    (``set_ticklabels`` makes a ``FuncFormatter`` of them over a ``FixedLocator``; a
    ``FixedFormatter`` otherwise), or matplotlib's categorical axis of strings."""
    from matplotlib.category import StrCategoryFormatter
    from matplotlib.ticker import FixedFormatter, FixedLocator, FuncFormatter

    formatter = axis.get_major_formatter()
    if isinstance(formatter, FixedFormatter | StrCategoryFormatter):
        return True
    return isinstance(formatter, FuncFormatter) and isinstance(axis.get_major_locator(), FixedLocator)


def _own_texts(ax: Any) -> list[object]:
    """The texts already on the axes a plot may draw on: the one given, else (a Series plots onto
    the current axes when there is a figure) those of every open pyplot figure."""
    if ax is not None:
        return list(getattr(ax, "texts", ()))
    import matplotlib.pyplot as plt

    return [t for num in plt.get_fignums() for a in plt.figure(num).axes for t in a.texts]


def _axes(result: Any) -> Iterator[Any]:
    """Every matplotlib Axes in a pandas plot's result (and a secondary-y axes pandas made), once."""
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

    seen: set[int] = set()
    stack = [result]
    while stack:
        item = stack.pop()
        if isinstance(item, Axes):
            for ax in (item, getattr(item, "right_ax", None), getattr(item, "left_ax", None)):
                if isinstance(ax, Axes) and id(ax) not in seen:
                    seen.add(id(ax))
                    yield ax
        elif isinstance(item, Artist):
            stack.append(item.axes)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, str | bytes) or item is None:
            continue
        elif hasattr(item, "__iter__"):
            stack.extend(list(item.values) if hasattr(item, "values") and not callable(item.values) else item)
