"""One loaded month: every table, the facts and the check report of a month, each read once.

``m = bulletin.month("2020-02")`` is what every section function and notebook takes::

    m.kiosks                 # a table (a fresh copy of the cached frame: change it freely)
    m.facts["hotline.total_calls"]
    m.check()                # bulletin check's report, computed once
    m.previous               # the month before as a Month, or None when it is not in the data
    m.not_published          # {table or fact: note} the bulletin did not print this month
    m.revisions              # the month's revisions (corrections taken in), oldest first; () when none

How files are read once: ARCHITECTURE.md, "The loaded month".
"""

from __future__ import annotations

import html
import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bulletin.core.errors import BulletinDataError, NotPublishedError
from bulletin.core.month_strings import month_label, months_before, parse_month, previous_month
from bulletin.core.schema import FACTS_FILE, TABLES, Table
from bulletin.core.wiring import ABOVE
from bulletin.data.loaders import month_folder, months, plots_ready

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

    from bulletin.data.revisions import Marks, Revision

PathLike = str | os.PathLike[str] | None


class Month:
    """The data of one month, loaded lazily and once (see the module docstring).

    Tables are attributes named as in :data:`bulletin.core.schema.TABLES` (``m.appointments``,
    ``m.platform_hospitals`` …). Asking for a table the bulletin did not publish that month raises
    :class:`NotPublishedError`; :meth:`has` says beforehand whether a table is there.
    """

    def __init__(self, month: str, data_dir: PathLike = None) -> None:
        self.month = parse_month(month)
        self.data_dir = data_dir
        self.folder: Path = month_folder(month, data_dir)  # raises, naming the months there
        self._exact: dict[str, object] = {}  # table name → exact frame, or the error reading it
        self._frames: dict[str, pd.DataFrame] = {}
        #: the months loaded alongside this one (previous, trends), shared so each is loaded once
        self._family: dict[str, Month] = {self.month: self}
        #: what the family shares besides its months (the history of digests)
        self._shared: dict[str, object] = {}
        #: frames the sections derive from this month's tables, each computed once (:meth:`derived`)
        self._derived: dict[str, pd.DataFrame] = {}

    def __repr__(self) -> str:
        return f"Month({self.month!r})"

    def _repr_html_(self) -> str:
        """What a notebook shows for ``m``: the month in bold, as every section page starts (HTML,
        not Markdown: reader pages never interpret Markdown from outputs); for a revised month, the
        line saying when and why it was revised and that ``[r]`` marks the revised figures; for a
        demonstration's synthetic month, the line saying so (JupyterLab shows it where the pages
        have their banner)."""
        head = f'<p class="note"><strong>{html.escape(self.label)}</strong></p>'
        if self.synthetic:
            from bulletin.data.demo import NOTICE

            head += f'<p class="note">{html.escape(NOTICE)}</p>'
        notice = self.revision_notice
        return head + (f'<p class="note revised">{html.escape(notice)}</p>' if notice else "")

    @property
    def label(self) -> str:
        """``统计月份：2020年2月``, the line under each section's title."""
        return f"统计月份：{month_label(self.month)}"

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *TABLES})

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name in TABLES:
            return self.table(name)
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    # ------------------------------------------------------------------ reading (once per file)

    def _read_exact(self, path: os.PathLike[str], decl: Table) -> pd.DataFrame:
        """The exact frame of a table file, read once (the reader handed to the checks, too)."""
        from bulletin.data import store

        key = decl.name if Path(path) == self.folder / decl.file else os.fspath(path)
        if key not in self._exact:
            try:
                self._exact[key] = store.read_table(Path(path), decl, exact=True)
            except BulletinDataError as exc:
                self._exact[key] = exc
        got = self._exact[key]
        if isinstance(got, BaseException):
            raise got
        return got  # type: ignore[return-value]

    def exact(self, name: str) -> pd.DataFrame:
        """Table ``name`` with money as :class:`~decimal.Decimal` (exact to the fen); a copy."""
        self._published_or_raise(name)
        decl = TABLES[name]
        frame = self._read_exact(self.folder / decl.file, decl).copy()
        plots_ready()
        return frame

    def table(self, name: str) -> pd.DataFrame:
        """Table ``name`` for everyday pandas (money float64 yuan, counts ``Int64``); a copy."""
        from bulletin.core.schema import table as table_decl

        decl = table_decl(name)  # an unknown name raises, listing the tables
        if name not in self._frames:
            self._published_or_raise(name)
            frame = self._read_exact(self.folder / decl.file, decl).copy()
            for col in decl.columns:
                if col.kind == "money":
                    frame[col.name] = frame[col.name].astype("float64")
            self._frames[name] = frame
            plots_ready()
        return self._frames[name].copy()

    def signs(self, name: str) -> dict[tuple[tuple[str, ...], str], str]:
        """The signs the bulletin printed for no figure in table ``name``: ``{(row key as text,
        column): sign}`` (``{}`` for none, or a table not published); those cells load as ``<NA>``."""
        from bulletin.core.missing import signs

        if not self.has(name):
            return {}
        decl = TABLES[name]
        return signs(self._read_exact(self.folder / decl.file, decl))

    def total_row(self, name: str) -> dict[str, object]:
        """The 合计 row of table ``name`` as every output shows it (the sections' figures, the PDF,
        the Word file): per totalled column, the stated total, else the exact sum of the rows
        (:func:`bulletin.core.schema.table_total`; money ``Decimal`` to the fen). The one place a table's
        合计 is computed; a table not printed this month has its stated totals only."""
        from bulletin.core.schema import table_total

        frame = self.exact(name) if self.has(name) else None
        return {t.column: table_total(name, t.column, self.exact_facts, () if frame is None else frame[t.column])
                for t in TABLES[name].totals}

    def has(self, name: str) -> bool:
        """Whether table ``name`` is there this month (not recorded as not published, file present)."""
        return name not in self.not_published and (self.folder / TABLES[name].file).exists()

    def _published_or_raise(self, name: str) -> None:
        if name in self.not_published and not (self.folder / TABLES[name].file).exists():
            raise NotPublishedError(
                "the bulletin did not publish this table this month "
                f"({self.not_published[name] or 'not_published.csv'})",
                file=self.folder / TABLES[name].file, column="table", value=name,
                expected="a table of this month; check m.has(name) or m.not_published first",
            )

    @cached_property
    def exact_facts(self) -> dict[str, object]:
        """The month's facts with money as ``Decimal`` (what the checks tie out against)."""
        from bulletin.data.store import read_facts

        return read_facts(self.folder / FACTS_FILE, exact=True)

    @cached_property
    def facts(self) -> dict[str, object]:
        """Every scalar the month states, ``{"hotline.total_calls": 59507, ...}``; money in float yuan."""
        from decimal import Decimal

        return {k: float(v) if isinstance(v, Decimal) else v for k, v in self.exact_facts.items()}

    @cached_property
    def not_published(self) -> dict[str, str]:
        """Tables and facts the bulletin did not print this month: ``{item: note}`` (``{}`` when none)."""
        from bulletin.data.store import read_not_published

        return read_not_published(self.folder)

    @cached_property
    def synthetic(self) -> bool:
        """Whether the month is a demonstration's synthetic data (:func:`bulletin.data.demo.is_synthetic`):
        every output of it says 模拟数据."""
        from bulletin.data.demo import is_synthetic

        return is_synthetic(self.data_dir)

    @cached_property
    def revisions(self) -> tuple[Revision, ...]:
        """The month's revisions, oldest first (``()`` when never revised): each with its ``number``,
        ``when``, ``reason``, ``changes`` and ``folder`` (the earlier version, kept whole);
        ``print(r.text())`` shows one as a diff (:mod:`bulletin.data.revisions`)."""
        from bulletin.data.revisions import read

        return read(self.folder)

    @cached_property
    def revised(self) -> Marks:
        """Which figures a revision edited: ``m.revised.cell("appointments", ("南京鼓楼医院",), "total")``,
        ``m.revised.fact(key)``; false when the month was never revised."""
        from bulletin.data.revisions import marks

        return marks(self.revisions)

    @property
    def revision_notice(self) -> str:
        """The line readers see on every page of a revised month (``""`` when never revised)."""
        from bulletin.data.revisions import notice

        return notice(self.month, self.revisions)

    def revised_flags(self, name: str, frame: pd.DataFrame) -> pd.DataFrame:
        """Per row of ``frame`` (holding table ``name``'s key columns) and per figure column: whether a
        revision changed it (what :func:`bulletin.style.fmt.table` marks with ``[r]``)."""
        return self.revised.flags(name, frame)

    # ------------------------------------------------------------------ derived, computed once

    _report: Any = None

    def check(self) -> Any:
        """``bulletin check``'s report for this month (exact money), computed once: a
        :class:`bulletin.checks.CheckReport` (:func:`bulletin.checks.month.check_loaded`, reached
        through :mod:`bulletin.core.wiring`; not named in the annotation, which would import the checks
        into the data layer)."""
        if self._report is None:
            self._report = ABOVE["check"](self)
        return self._report

    def read_exact(self, path: os.PathLike[str], decl: Table) -> pd.DataFrame:
        """How the checks read one of this month's files: the exact reading, read once (see
        :func:`bulletin.checks.check_month`'s ``reader``)."""
        return self._read_exact(path, decl)

    def derived(self, name: str, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """A frame derived from this month's tables under ``name`` (``data_platform.units`` of a
        level, a section's headlines), made by ``make`` the first time it is asked for and kept; a
        copy each time, so that the caller may change it freely, as with the tables. A ``make`` that
        raises (a table not published) keeps nothing: the next call raises the same way."""
        if name not in self._derived:
            self._derived[name] = make()
        return self._derived[name].copy()

    def shared(self, name: str, make: Callable[[], object]) -> object:
        """What the months loaded with this one share under ``name``, made by ``make`` the first
        time it is asked for (the digests: :func:`bulletin.history.of`)."""
        if name not in self._shared:
            self._shared[name] = make()
        return self._shared[name]

    def sibling(self, month: str) -> Month:
        """Another month of the same data directory, loaded once however often it is asked for."""
        if month not in self._family:
            other = Month(month, self.data_dir)
            other._family = self._family
            other._shared = self._shared
            self._family[month] = other
        return self._family[month]

    @cached_property
    def previous(self) -> Month | None:
        """The month before, loaded the same way, or ``None`` when it is not in the data directory."""
        prev = previous_month(self.month)
        return self.sibling(prev) if prev in self.all_months else None

    def earlier(self, lag: int) -> Month | None:
        """The month ``lag`` months before (12: the same month a year earlier), loaded the same way,
        or ``None`` when it is not in the data directory (``earlier(1)`` is :attr:`previous`)."""
        base = months_before(self.month, lag)
        return self.sibling(base) if base in self.all_months else None

    @property
    def history(self) -> Any:
        """The digests of the data directory's months (a :class:`bulletin.history.History`): what the
        trends and the checks across months read of other months, each read or computed once and
        shared by the months loaded with this one (:func:`bulletin.history.of`, reached through
        :mod:`bulletin.core.wiring`)."""
        return ABOVE["history"](self)

    @cached_property
    def all_months(self) -> list[str]:
        """Every month in the data directory up to and including this one."""
        return [m for m in months(self.data_dir) if m <= self.month]


def month(month: str, data_dir: PathLike = None) -> Month:
    """One month's data, loaded lazily and once: ``m.kiosks``, ``m.facts``, ``m.check()``, ``m.previous``.

    ``data_dir`` defaults to ``$BULLETIN_DATA_DIR``, else the project's ``data/``. A month not of
    the form ``YYYY-MM``, or without a folder, raises :class:`BulletinDataError` naming the months there.
    """
    return Month(month, data_dir)


__all__ = ["Month", "NotPublishedError", "month"]
