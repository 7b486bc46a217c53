"""The public loaders: :func:`load`, :func:`facts`, :func:`months`, :func:`labels`."""

from __future__ import annotations

import os

import pandas as pd

from . import paths
from .months import is_month
from .schema import FACTS_FILE, TABLES, table as table_decl
from .store import read_facts, read_table

PathLike = str | os.PathLike[str] | None


def load(table: str, month: str, data_dir: PathLike = None) -> pd.DataFrame:
    """One table of one month, rows in the bulletin's printed order.

    Counts are nullable integers (``<NA>`` where the bulletin prints 未反馈), money columns hold
    :class:`decimal.Decimal` so that sums tie out to the fen, names are strings.

    Raises
    ------
    BulletinDataError
        For an unknown table, a month not of the form ``YYYY-MM``, a missing file or column, or
        a cell that is not what the schema declares (the message names file, row, column, value).
    """
    decl = table_decl(table)
    return read_table(paths.month_dir(month, data_dir) / decl.file, decl)


def facts(month: str, data_dir: PathLike = None) -> dict[str, object]:
    """Every scalar the month's statistics part states: ``{"hotline.total_calls": 59507, ...}``.

    Keys and units are declared in :data:`bulletin.schema.FACTS`; money is a ``Decimal``.
    """
    return read_facts(paths.month_dir(month, data_dir) / FACTS_FILE)


def months(data_dir: PathLike = None) -> list[str]:
    """The months present in the data directory (folders named ``YYYY-MM``), sorted."""
    root = paths.data_dir(data_dir)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and is_month(p.name))


def labels(table: str) -> dict[str, str]:
    """Canonical column name → Chinese label as printed, for table headers and chart axes."""
    return {c.name: c.label for c in table_decl(table).columns}


def load_month(month: str, data_dir: PathLike = None) -> dict[str, pd.DataFrame]:
    """Every table of a month that is present (absent tables are left out)."""
    folder = paths.month_dir(month, data_dir)
    return {name: read_table(folder / t.file, t) for name, t in TABLES.items() if (folder / t.file).exists()}
