"""The bulletin's sections: one notebook and one module of figures each.

:data:`SECTIONS` is the single list the notebooks, the batch runner and the index pages share.
"""

from __future__ import annotations

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
