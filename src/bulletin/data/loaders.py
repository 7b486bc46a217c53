"""The public loaders: :func:`load`, :func:`facts`, :func:`months`, :func:`labels`.

pandas (through :mod:`bulletin.data.store`) is imported inside the functions that return tables, so
that :func:`months` and :func:`month_folder` stay cheap for the command line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin.core import paths
from bulletin.core.errors import AbsentMonthsWarning, BulletinDataError, MonthNotInDataError
from bulletin.core.month_strings import expand_months, is_month, month_ranges, parse_month
from bulletin.core.schema import FACTS_FILE, TABLES
from bulletin.core.schema import table as table_decl

if TYPE_CHECKING:
    import pandas as pd

PathLike = str | os.PathLike[str] | None


def month_folder(month: str, data_dir: PathLike = None) -> Path:
    """The folder of ``month``, which must exist.

    Raises
    ------
    BulletinDataError
        For a month not of the form ``YYYY-MM``, or one without a folder
        (:class:`~bulletin.core.errors.MonthNotInDataError`, whose line lists the months that are there),
        or when the data directory itself is missing.
    """
    month = parse_month(month)
    root = data_root(data_dir)
    folder = root / month
    if not folder.is_dir():
        present = _months(root)
        raise MonthNotInDataError(month, _shown(folder), present, month_ranges(present))
    return folder


def data_root(data_dir: PathLike = None) -> Path:
    """The data directory (:func:`bulletin.core.paths.data_dir`), which must be an existing folder: the
    one check behind every loader, ``bulletin.month`` and every command that reads the data."""
    root = paths.data_dir(data_dir)
    if not root.is_dir():
        raise BulletinDataError(
            "the data directory is a file, not a folder" if root.exists() else "data directory not found", file=root,
            expected=f"an existing folder (the data_dir argument or ${paths.ENV_DATA_DIR})",
        )
    return root


def range_months(spec: str | list[str], data_dir: PathLike = None) -> tuple[list[str], list[str]]:
    """The months of ``spec`` (``"2020-02"``, ``"2020-01:2020-06"`` or a list of months) that are
    in the data, and those that are not, each in order: what ``bulletin check``, :func:`load_range`
    and :func:`bulletin.headlines` read of a range.

    Raises
    ------
    BulletinDataError
        For a spec that is not a month, a range or a list of months (the month is named), a
        month listed twice, a range that runs backwards, a missing data directory, a single
        month not in the data (:class:`~bulletin.core.errors.MonthNotInDataError`, as
        ``bulletin.month`` says it) or a range with no month in the data.
    """
    if isinstance(spec, list | tuple):
        wanted = [parse_month(m) for m in spec]
        seen: set[str] = set()
        for m in wanted:
            if m in seen:  # its rows would be in the frame twice
                raise BulletinDataError("month listed twice", column="month", value=m,
                                        expected="each month once in the list")
            seen.add(m)
    else:
        wanted = expand_months(spec)
    root = data_root(data_dir)
    if isinstance(spec, str) and ":" not in spec:
        month_folder(spec, root)
    present = set(_months(root))
    found = [m for m in wanted if m in present]
    if not found:
        raise BulletinDataError(
            "no month of the range in the data", column="month", value=spec,
            expected="a range holding at least one month folder; months present: "
            + (", ".join(sorted(present)) or "none"),
        )
    return found, [m for m in wanted if m not in present]


def warn_absent(absent: list[str]) -> None:
    """Say which months of a range are not in the data (:class:`~bulletin.core.errors.AbsentMonthsWarning`)."""
    if absent:
        import warnings

        warnings.warn(AbsentMonthsWarning(absent, month_ranges(absent, counted=True)), stacklevel=3)


def plots_ready() -> None:
    """Make plain pandas and seaborn plots draw Chinese: the project's CJK font becomes matplotlib's
    fallback family (:func:`bulletin.core.mplfont.use_as_fallback`); and make a pandas plot draw the
    names of the data as text, never mathtext (:mod:`bulletin.core.plotting`, pandas' backend unless
    the user chose another). Called when a table is loaded for an analyst, never at import
    (importing ``bulletin`` stays free of side effects and of matplotlib)."""
    from bulletin.core.mplfont import use_as_fallback
    from bulletin.core.plotting import install

    use_as_fallback()
    install()


def _shown(path: Path) -> str:
    """A path in a message: relative inside the project (``data/2020-07``), else as it is."""
    try:
        return path.resolve().relative_to(paths.PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def load(table: str, month: str, data_dir: PathLike = None) -> pd.DataFrame:
    """One table of one month, rows in the bulletin's printed order.

    Counts are nullable integers (``<NA>`` where the bulletin prints 未反馈), money columns are
    float64 yuan (arithmetic, ``describe``, ``plot`` and ``groupby().sum()`` work; 0/0 is NaN),
    names are strings. ``bulletin check`` reads the same files with ``exact=True``
    (:func:`bulletin.data.store.read_table`), where money is :class:`decimal.Decimal` to the fen.

    Raises
    ------
    BulletinDataError
        For an unknown table, a month not of the form ``YYYY-MM``, a missing file or column, or
        a cell that is not what the schema declares (the message names file, row, column, value).
    """
    from bulletin.data.store import read_table

    decl = table_decl(table)
    frame = read_table(month_folder(month, data_dir) / decl.file, decl)
    plots_ready()
    return frame


def facts(month: str, data_dir: PathLike = None) -> dict[str, object]:
    """Every scalar the month's statistics part states: ``{"hotline.total_calls": 59507, ...}``.

    Keys and units are declared in :data:`bulletin.core.schema.FACTS`; money is a float (yuan), as in
    :func:`load`.
    """
    from bulletin.data.store import read_facts

    return read_facts(month_folder(month, data_dir) / FACTS_FILE)


def months(data_dir: PathLike = None) -> list[str]:
    """The months present in the data directory (folders named ``YYYY-MM``), sorted."""
    return _months(data_root(data_dir))


def _months(root: Path) -> list[str]:
    try:
        return sorted(p.name for p in root.iterdir() if is_month(p.name) and p.is_dir())
    except OSError as exc:
        raise BulletinDataError(f"cannot list the data directory ({exc.strerror or exc})", file=root) from None


def load_range(table: str, months_spec: str | list[str] | None = None, data_dir: PathLike = None) -> pd.DataFrame:
    """One table over several months as one long DataFrame, with a ``month`` column first.

    ``months_spec`` is ``"2020-01:2020-06"``, a list of months, or None for every month in the
    data. Months of the range that are not in the data are left out, and an
    :class:`~bulletin.core.errors.AbsentMonthsWarning` names them (its ``months``); months whose
    bulletin did not publish the table (``not_published.csv``) are left out too. Money is float64
    yuan, as in :func:`load`.

    Raises
    ------
    BulletinDataError
        What ``bulletin check`` refuses of the same range, with the same line: a month or range
        not of the form ``YYYY-MM[:YYYY-MM]``, a range that runs backwards or holds no month of
        the data, a missing or empty data directory; and an unknown table.
    """
    import pandas as pd

    from bulletin.data.store import read_not_published

    decl = table_decl(table)
    if months_spec is None:
        wanted = months(data_dir)
    else:
        wanted, absent = range_months(months_spec, data_dir)
        warn_absent(absent)
    frames = []
    for month in wanted:
        if table in read_not_published(month_folder(month, data_dir)):
            continue
        frame = load(table, month, data_dir)
        frame.insert(0, "month", month)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["month", *decl.column_names])
    return pd.concat(frames, ignore_index=True)


def labels(table: str) -> dict[str, str]:
    """Canonical column name → Chinese label as printed, for table headers and chart axes."""
    return {c.name: c.label for c in table_decl(table).columns}


def load_month(month: str, data_dir: PathLike = None) -> dict[str, pd.DataFrame]:
    """Every table of a month that is present (absent tables are left out)."""
    from bulletin.data.store import read_table

    folder = month_folder(month, data_dir)
    tables = {name: read_table(folder / t.file, t) for name, t in TABLES.items() if (folder / t.file).exists()}
    plots_ready()
    return tables
