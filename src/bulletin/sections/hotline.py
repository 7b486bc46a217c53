"""12320卫生热线: calls by category (with the unlisted remainder) and the province's calls by city."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from .. import charts, fmt
from ..loaders import PathLike, facts, load
from . import compare

#: the row that carries what the stated total holds beyond the listed categories
REMAINDER = "其他（公报未列明类别）"
NANJING = "南京"


def total_calls(month: str, data_dir: PathLike = None) -> int:
    """The stated total of calls the Nanjing hotline took (59,507 in February 2020)."""
    return int(facts(month, data_dir)["hotline.total_calls"])


def categories(month: str, data_dir: PathLike = None) -> pd.DataFrame:
    """``category``, ``count``, ``share`` of the stated total; the unlisted remainder as a last row.

    The bulletin lists some categories (其中 …) of its total; the difference is kept as
    :data:`REMAINDER` so that the rows add up to the total.
    """
    frame = load("hotline_categories", month, data_dir)[["category", "count"]].copy()
    total = total_calls(month, data_dir)
    listed = int(frame["count"].sum())
    frame = pd.concat([frame, pd.DataFrame({"category": [REMAINDER], "count": [total - listed]})], ignore_index=True)
    frame["count"] = frame["count"].astype("Int64")
    frame["share"] = frame["count"].astype("float64") / total
    return frame


def categories_ranked(month: str, data_dir: PathLike = None) -> pd.DataFrame:
    """The categories largest first (the remainder included), for the chart."""
    return categories(month, data_dir).sort_values("count", ascending=False, kind="stable").reset_index(drop=True)


def province_total(month: str, data_dir: PathLike = None) -> int:
    return int(facts(month, data_dir)["hotline.province_total_calls"])


def province(month: str, data_dir: PathLike = None) -> pd.DataFrame:
    """The province's calls by city, largest first: ``city``, ``calls``, ``share`` of the stated total."""
    frame = load("province_calls", month, data_dir)[["city", "calls"]].copy()
    frame = frame.sort_values("calls", ascending=False, kind="stable").reset_index(drop=True)
    frame["share"] = frame["calls"].astype("float64") / province_total(month, data_dir)
    return frame


def nanjing_share(month: str, data_dir: PathLike = None) -> float:
    """Nanjing's share of the province's calls (30,317 / 69,660 = 43.5% in February 2020)."""
    frame = province(month, data_dir)
    return float(frame.loc[frame["city"] == NANJING, "share"].sum())


def headline_figures(month: str, data_dir: PathLike = None) -> dict[str, object]:
    """The section's headline figures, ``{Chinese label: value}``."""
    f = facts(month, data_dir)
    prov = province(month, data_dir)
    return {
        "12320卫生热线受理咨询电话（个）": int(f["hotline.total_calls"]),
        "受理市12345工单（件）": int(f["hotline.city_12345_tickets"]),
        "受理省12345工单（件）": int(f["hotline.province_12345_tickets"]),
        "全省12320接听电话（人次）": int(f["hotline.province_total_calls"]),
        "其中南京（人次）": int(prov.loc[prov["city"] == NANJING, "calls"].sum()),
    }


def _cities_raw(month: str, data_dir: PathLike) -> pd.DataFrame:
    return load("province_calls", month, data_dir)


def month_on_month(month: str, data_dir: PathLike = None) -> compare.Comparison | compare.Note:
    """Headline figures, each category and each city against the month before (or one line)."""
    return compare.month_on_month(
        month,
        data_dir,
        headline_figures,
        [
            ("各类别受理量", categories, "category", "count", False),
            ("全省各市接听电话", _cities_raw, "city", "calls", False),
        ],
        key_label="项目",
    )


# ---------------------------------------------------------------- views and charts (for readers)


def categories_view(month: str, data_dir: PathLike = None) -> pd.DataFrame:
    """:func:`categories` for readers (类别, 受理量, 占比), in the bulletin's order."""
    return fmt.table(categories(month, data_dir), "hotline_categories")


def categories_chart(month: str, data_dir: PathLike = None) -> Figure:
    """The categories ranked, each with its count and share of the stated total; the remainder in grey."""
    frame = categories_ranked(month, data_dir)
    return charts.share_barh(
        frame["category"],
        frame["count"],
        total_calls(month, data_dir),
        title="12320卫生热线各类别受理量（括号内为占受理总量的比例）",
        xlabel="受理量（个）",
    )


def province_view(month: str, data_dir: PathLike = None) -> pd.DataFrame:
    """:func:`province` for readers (城市, 接听电话, 占比), largest first."""
    return fmt.table(province(month, data_dir), "province_calls")


def province_chart(month: str, data_dir: PathLike = None) -> Figure:
    """The province's calls by city, largest first, Nanjing highlighted."""
    frame = province(month, data_dir)
    return charts.share_barh(
        frame["city"],
        frame["calls"],
        province_total(month, data_dir),
        title="全省12320各市接听电话（括号内为占全省的比例）",
        xlabel="接听电话（人次）",
        highlight=[NANJING],
        size="small",
    )
