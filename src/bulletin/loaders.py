"""The public loaders: :func:`load`, :func:`facts`, :func:`months`, :func:`labels`.

pandas (through :mod:`bulletin.store`) is imported inside the functions that return tables, so
that :func:`months` and :func:`month_folder` stay cheap for the command line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from . import paths
from .errors import BulletinDataError, MonthNotInDataError
from .month_strings import is_month
from .schema import FACTS_FILE, TABLES
from .schema import table as table_decl

if TYPE_CHECKING:
    import pandas as pd

PathLike = str | os.PathLike[str] | None


def month_folder(month: str, data_dir: PathLike = None) -> Path:
    """The folder of ``month``, which must exist.

    Raises
    ------
    BulletinDataError
        For a month not of the form ``YYYY-MM``, or one without a folder
        (:class:`~bulletin.errors.MonthNotInDataError`, whose line lists the months that are there),
        or when the data directory itself is missing.
    """
    folder = paths.month_dir(month, data_dir)
    if not folder.is_dir():
        root = folder.parent
        if not root.is_dir():
            raise BulletinDataError(
                "no data for this month (month folder missing)", file=folder, column="month", value=month,
                expected=f"an existing data directory (the data_dir argument or ${paths.ENV_DATA_DIR})",
            )
        raise MonthNotInDataError(month, _shown(folder), _months(root))
    return folder


def plots_ready() -> None:
    """Make plain pandas and seaborn plots draw Chinese: the project's CJK font becomes matplotlib's
    fallback family (:func:`bulletin.mplfont.use_as_fallback`). Called when a table is loaded for an
    analyst, never at import (importing ``bulletin`` stays free of side effects and of matplotlib)."""
    from .mplfont import use_as_fallback

    use_as_fallback()


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
    (:func:`bulletin.store.read_table`), where money is :class:`decimal.Decimal` to the fen.

    Raises
    ------
    BulletinDataError
        For an unknown table, a month not of the form ``YYYY-MM``, a missing file or column, or
        a cell that is not what the schema declares (the message names file, row, column, value).
    """
    from .store import read_table

    decl = table_decl(table)
    frame = read_table(month_folder(month, data_dir) / decl.file, decl)
    plots_ready()
    return frame


def facts(month: str, data_dir: PathLike = None) -> dict[str, object]:
    """Every scalar the month's statistics part states: ``{"hotline.total_calls": 59507, ...}``.

    Keys and units are declared in :data:`bulletin.schema.FACTS`; money is a float (yuan), as in
    :func:`load`.
    """
    from .store import read_facts

    return read_facts(month_folder(month, data_dir) / FACTS_FILE)


def months(data_dir: PathLike = None) -> list[str]:
    """The months present in the data directory (folders named ``YYYY-MM``), sorted."""
    root = paths.data_dir(data_dir)
    if not root.is_dir():
        raise BulletinDataError(
            "the data directory is a file, not a folder" if root.exists() else "data directory not found", file=root,
            expected=f"an existing folder (the data_dir argument or ${paths.ENV_DATA_DIR})",
        )
    return _months(root)


def _months(root: Path) -> list[str]:
    try:
        return sorted(p.name for p in root.iterdir() if is_month(p.name) and p.is_dir())
    except OSError as exc:
        raise BulletinDataError(f"cannot list the data directory ({exc.strerror or exc})", file=root) from None


def load_range(table: str, months_spec: str | list[str] | None = None, data_dir: PathLike = None) -> pd.DataFrame:
    """One table over several months as one long DataFrame, with a ``month`` column first.

    ``months_spec`` is ``"2020-01:2020-06"``, a list of months, or None for every month in the
    data; months of the range that are not in the data are left out, as are months whose bulletin
    did not publish the table (``not_published.csv``). Money is float64 yuan, as in :func:`load`.
    """
    import pandas as pd

    from .month_strings import expand_months
    from .store import read_not_published

    present = months(data_dir)
    if months_spec is None:
        wanted = present
    else:
        wanted = expand_months(months_spec) if isinstance(months_spec, str) else list(months_spec)
        wanted = [m for m in wanted if m in present]
    frames = []
    for month in wanted:
        if table in read_not_published(month_folder(month, data_dir)):
            continue
        frame = load(table, month, data_dir)
        frame.insert(0, "month", month)
        frames.append(frame)
    if not frames:
        decl = table_decl(table)
        return pd.DataFrame(columns=["month", *decl.column_names])
    return pd.concat(frames, ignore_index=True)


def labels(table: str) -> dict[str, str]:
    """Canonical column name → Chinese label as printed, for table headers and chart axes."""
    return {c.name: c.label for c in table_decl(table).columns}


def load_month(month: str, data_dir: PathLike = None) -> dict[str, pd.DataFrame]:
    """Every table of a month that is present (absent tables are left out)."""
    from .store import read_table

    folder = month_folder(month, data_dir)
    tables = {name: read_table(folder / t.file, t) for name, t in TABLES.items() if (folder / t.file).exists()}
    plots_ready()
    return tables
