"""The bulletin's sections: one notebook and one module of figures each.

:data:`SECTIONS` is the single list the notebooks, the batch runner and the index pages share.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..paths import NOTEBOOKS_DIR


@dataclass(frozen=True)
class Section:
    number: str
    name: str
    title: str  # Chinese, as a reader sees it
    tables: tuple[str, ...]  # tables the section reads (its data inputs, with facts.csv)

    @property
    def stem(self) -> str:
        return f"{self.number}_{self.name}"

    @property
    def notebook(self) -> Path:
        return NOTEBOOKS_DIR / f"{self.stem}.ipynb"


SECTIONS: tuple[Section, ...] = (
    Section("00", "overview", "本月概览", ()),  # () = every table of the month
    Section("01", "hotline", "12320卫生热线", ("hotline_categories", "province_calls")),
    Section("02", "appointments", "预约挂号", ("appointments",)),
    Section("03", "booking_channels", "分途径预约", ("booking_channels", "appointments")),
    Section("04", "telemedicine", "远程医疗", ("telemedicine", "telemedicine_top_uploaders")),
    Section("05", "data_platform", "卫生信息平台数据采集", ("platform_districts", "platform_hospitals")),
    Section("06", "kiosks", "自助智能医疗服务终端", ("kiosks",)),
)


def section(key: str) -> Section:
    """A section by name (``kiosks``), number (``06``) or stem (``06_kiosks``)."""
    for s in SECTIONS:
        if key in (s.name, s.number, s.stem, s.number.lstrip("0") or "0"):
            return s
    raise KeyError(key)


@dataclass(frozen=True)
class Note:
    """One line for the reader, shown as text in a notebook (no quotes, no repr)."""

    text: str

    def __repr__(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        return self.text


class Heading(Note):
    """The month a section notebook shows, printed in bold under the notebook's own title."""

    def _repr_markdown_(self) -> str:
        return f"**{self.text}**"


def start(month: str, data_dir: str | os.PathLike[str] | None = None, key: str | None = None) -> Heading:
    """What every section notebook does first: check the month, set the chart theme and the tables' display.

    A month that is not of the form ``YYYY-MM`` or not in the data directory raises
    :class:`~bulletin.errors.BulletinDataError` at once, naming the months that are there.
    Returns the line naming the month (``统计月份：2020年2月``) for the notebook to show under its
    title (the title itself is the notebook's first markdown cell, so it is not repeated here).
    """
    import pandas as pd

    from .. import charts
    from ..errors import BulletinDataError
    from ..loaders import months
    from ..months import month_label, parse_month

    parse_month(month)
    present = months(data_dir)
    if month not in present:
        raise BulletinDataError(
            f"数据中没有 {month} 这个月份 (month not in the data directory)",
            column="month",
            value=month,
            expected="one of " + (", ".join(present) if present else "the months ingested (none found)"),
        )
    charts.use_theme()
    # pandas cuts cells longer than 50 characters to "…" when it shows a table: a reader must see
    # every explanation whole (the check findings' 说明, the lagging reasons)
    pd.set_option("display.max_colwidth", None)
    if key is not None:
        section(key)  # an unknown key is a programming error: fail here, not later
    return Heading(f"统计月份：{month_label(month)}")
