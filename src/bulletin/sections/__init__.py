"""The bulletin's sections: one notebook and one module of figures each.

:data:`SECTIONS` is the single list the notebooks, the batch runner and the index pages share
(number, name, Chinese title); each module declares its tables and figures
(:mod:`.model`). The six modules of a bulletin section have one shape
(``headlines``, ``changes``/``month_on_month``, ``*_view``, ``*_chart``); overview and trends do
not, and compare is their shared helper. ARCHITECTURE.md, "Sections", says what each returns.
"""

from __future__ import annotations

import functools
import html
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin.core.paths import NOTEBOOKS_DIR

if TYPE_CHECKING:
    from types import ModuleType

    from bulletin.data.loaded_month import Month


@dataclass(frozen=True)
class Section:
    """One bulletin section: its notebook ``NN_name.ipynb``, its module, its title; its tables
    and figures are declared once, in its module (:mod:`bulletin.sections.model`)."""

    number: str
    name: str
    title: str  # Chinese, as a reader sees it
    #: which months it reads (:data:`READS`): the batch's cache key of its job covers exactly those
    reads: str = "previous"
    #: whether it shows the month's check report, which compares the month with every earlier
    #: month's names and cumulative figures (their digests, :mod:`bulletin.history`)
    checks: bool = False

    @property
    def stem(self) -> str:
        return f"{self.number}_{self.name}"

    @property
    def notebook(self) -> Path:
        return NOTEBOOKS_DIR / f"{self.stem}.ipynb"

    @property
    def tables(self) -> tuple[str, ...]:
        """The tables the section reads (its module's ``TABLES``; ``()`` for overview and trends,
        which read every table of the month through the others)."""
        own = tuple(t.name for t in getattr(self.module, "TABLES", ()))
        return tuple(dict.fromkeys((*own, *getattr(self.module, "ALSO_READS", ()))))

    @property
    def module(self) -> ModuleType:
        """The section's module (``bulletin.sections.kiosks``), imported on first use."""
        import importlib

        return importlib.import_module(f"{__name__}.{self.name}")


#: what a section may read, from the narrowest: ``month`` its own month's data; ``previous`` that
#: and each comparison's base month (:data:`bulletin.core.comparisons.COMPARISONS`: the calendar month
#: before for 环比, the same month a year earlier for 同比; names matched through ``data/units.csv``);
#: ``history`` every month in the data up to its own (through each month's digest)
READS = ("month", "previous", "history")

SECTIONS: tuple[Section, ...] = (
    Section("00", "overview", "本月概览", checks=True),  # every table of the month
    Section("01", "hotline", "12320卫生热线"),
    Section("02", "appointments", "预约挂号"),
    Section("03", "booking_channels", "分途径预约"),
    Section("04", "telemedicine", "远程医疗"),
    Section("05", "data_platform", "卫生信息平台数据采集"),
    Section("06", "kiosks", "自助智能医疗服务终端"),
    Section("07", "trends", "趋势", reads="history"),  # every month up to this one, as digests
)


def with_headlines() -> tuple[Section, ...]:
    """The sections whose module offers ``headlines(m)`` (all but the overview), in order."""
    return tuple(s for s in SECTIONS if s.name != "overview" and s.name != "trends")


def section(key: str) -> Section:
    """A section by name (``kiosks``), number (``06``) or stem (``06_kiosks``)."""
    for s in SECTIONS:
        if key in (s.name, s.number, s.stem, s.number.lstrip("0") or "0"):
            return s
    raise KeyError(key)


@dataclass(frozen=True)
class Note:
    """One line for the reader, shown as text in a notebook (no quotes, no repr).

    It is shown as escaped HTML, never as Markdown: its text may hold names from the data, and a
    unit named ``[x](javascript:…)`` or ``# …`` must read as those characters. Lines starting with
    ``- `` are shown as a list.
    """

    text: str

    def __repr__(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        lines = self.text.split("\n")
        if len(lines) > 1 and all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{html.escape(line[2:])}</li>" for line in lines)
            return f'<ul class="note">{items}</ul>'
        return "".join(f'<p class="note">{html.escape(line)}</p>' for line in lines if line)


def not_published_note(m: Month, tables: Iterable[str]) -> Note:
    """One line for readers naming the tables of ``tables`` the bulletin did not publish this month."""
    from bulletin.core.month_strings import month_label
    from bulletin.core.schema import TABLES

    names = list(tables)
    titles = [TABLES[name].title for name in names]
    text = f"{month_label(m.month)}的公报没有发布{'、'.join(f'「{t}」' for t in titles)}，此处没有内容。"
    # the ingest's own note repeats the title; a note written by hand (a reason) is shown
    notes = [n for name in names if (n := m.not_published.get(name, "")) and not any(t in n for t in titles)]
    return Note(text + ("说明：" + "；".join(notes) if notes else ""))


def needs(tables: Sequence[str] | Callable[..., Sequence[str]], empty: Callable[[], object] | None = None):
    """Decorator for a section function ``f(m, …)`` that shows a table: when the bulletin did not
    publish one of ``tables`` this month (``m.not_published``), the function returns the line
    saying so (:func:`not_published_note`), or ``empty()`` when given, instead of failing; a
    chart (a function named ``*_chart``) returns ``None``, so that the line is said once.

    ``tables`` may be a function of the same arguments (``lambda m, level="district": …``). A table
    file missing *without* that record still raises, as any missing input does.
    """

    def wrap(fn: Callable[..., object]) -> Callable[..., object]:
        @functools.wraps(fn)
        def inner(m: Month, *args: object, **kwargs: object) -> object:
            names = tables(m, *args, **kwargs) if callable(tables) else tables
            missing = [t for t in names if t in m.not_published]
            if missing:
                if empty is not None:
                    return empty()
                # a chart draws nothing: the table or view beside it already says what is missing
                return None if fn.__name__.endswith("_chart") else not_published_note(m, missing)
            return fn(m, *args, **kwargs)

        inner.tables = tables  # type: ignore[attr-defined]
        return inner

    return wrap


def start(month: str, data_dir: str | os.PathLike[str] | None = None, key: str | None = None) -> Month:
    """What every section notebook does first: load the month, set the chart theme and the tables' display.

    A month that is not of the form ``YYYY-MM`` or not in the data directory raises
    :class:`~bulletin.core.errors.BulletinDataError` at once (the same line as ``bulletin.month``'s,
    naming the months that are there; a notebook shows it as that one line). Tables then show
    their text form one figure per line (:func:`bulletin.style.display.use_in_notebook`), so that a
    changed figure in a recorded output is found by its row and column.
    Returns the loaded month ``m`` (tables read on first use, once); shown in a notebook it reads
    as the line naming the month (``统计月份：2020年2月``) under the notebook's own title.

    A start that fails in a notebook leaves nothing that reads as figures (:func:`_failed_start`):
    the month an earlier start loaded is removed from the kernel, and a later cell that reads it
    (queued by Run All, say) shows one line saying why it did not run, not another month's tables
    nor a ``NameError``. A start that succeeds lifts this.
    """
    import pandas as pd

    from bulletin.data.loaded_month import Month
    from bulletin.style import charts, display

    try:
        m = Month(month, data_dir)  # a bad or absent month raises here, worded as bulletin.month words it
        if key is not None:
            section(key)  # an unknown key is a programming error: fail here, not later
        charts.use_theme()
        # pandas cuts cells longer than 50 characters to "…" when it shows a table: a reader must see
        # every explanation whole (the check findings' 说明, the lagging reasons)
        pd.set_option("display.max_colwidth", None)
        m.revisions  # noqa: B018 - a revision record that cannot be read fails here, naming its file
        display.use_in_notebook()
    except BaseException as exc:
        _failed_start(month, exc)
        raise
    _START_FAILED.clear()
    return m


#: after a failed :func:`start` in an IPython kernel: ``{"names": names to guard, "why": the error}``
_START_FAILED: dict[str, object] = {}


def _failed_start(month: object, exc: BaseException) -> None:
    """In an IPython kernel: remove every loaded month from the user's namespace (a ``m`` of an
    earlier start would show its month under this one's parameter) and guard the cells after this
    one through IPython's documented ``input_transformers_post``: a cell that reads such a name,
    while it is undefined and no start has succeeded since, is replaced by one line saying why.
    Cells that call ``start`` again, or do not read the month (the parameters), run as written."""
    import sys

    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or not hasattr(shell, "input_transformers_post"):
        return
    from bulletin.data.loaded_month import Month

    # (IPython's own output history, `_`, `_3`, `Out`, is left as it is: no cell reads it as figures)
    stale = [name for name, value in list(shell.user_ns.items())
             if isinstance(value, Month) and not name.startswith("_")]
    for name in stale:
        del shell.user_ns[name]
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    _START_FAILED.update(names=sorted({"m", *stale}), why=f"{type(exc).__name__}: {text}", month=str(month))
    if _guard_cells not in shell.input_transformers_post:
        shell.input_transformers_post.append(_guard_cells)


def _guard_cells(lines: list[str]) -> list[str]:
    """IPython input transformer (see :func:`_failed_start`)."""
    import ast
    import sys

    if not _START_FAILED:
        return lines
    shell = sys.modules["IPython"].get_ipython()
    try:
        tree = ast.parse("".join(lines))
    except SyntaxError:  # IPython's own syntax (magics) after its other transformers: leave it
        return lines
    read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    calls_start = any(isinstance(n, ast.Call) and getattr(n.func, "id", getattr(n.func, "attr", None)) == "start"
                      for n in ast.walk(tree))
    missing = sorted(n for n in read & set(_START_FAILED["names"]) if n not in shell.user_ns)  # type: ignore[arg-type]
    if calls_start or not missing:
        return lines
    return ["from bulletin.sections import not_run_after_failed_start\n",
            f"not_run_after_failed_start({missing!r})\n"]


def not_run_after_failed_start(names: list[str]) -> Note:
    """The line a cell shows instead of running after a failed :func:`start` (see there)."""
    return Note(f"本单元未运行：{'、'.join(names)} 没有载入，因为上面的 start 未能载入月份 "
                f"{_START_FAILED.get('month')}（{_START_FAILED.get('why')}）。"
                "改正 month 后从 start 所在单元起重新运行。")
