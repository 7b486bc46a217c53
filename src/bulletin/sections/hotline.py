"""12320卫生热线: calls by category (with the unlisted remainder) and the province's calls by city."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.figure import Figure

from .. import charts, fmt
from . import compare, needs

if TYPE_CHECKING:
    from ..loaded_month import Month

#: the row that carries what the stated total holds beyond the listed categories
REMAINDER = "其他（公报未列明类别）"
NANJING = "南京"


def total_calls(m: Month) -> int:
    """The stated total of calls the Nanjing hotline took (59,507 in February 2020)."""
    return int(m.facts["hotline.total_calls"])


def categories(m: Month) -> pd.DataFrame:
    """``category``, ``count``, ``share`` of the stated total; the unlisted remainder as a last row.

    The bulletin lists some categories (其中 …) of its total; the difference is kept as
    :data:`REMAINDER` so that the rows add up to the total.
    """
    frame = m.table("hotline_categories")[["category", "count"]].copy()
    total = total_calls(m)
    listed = int(frame["count"].sum())
    frame = pd.concat([frame, pd.DataFrame({"category": [REMAINDER], "count": [total - listed]})], ignore_index=True)
    frame["count"] = frame["count"].astype("Int64")
    frame["share"] = frame["count"].astype("float64") / total
    return frame


def categories_ranked(m: Month) -> pd.DataFrame:
    """The categories largest first (the remainder included), for the chart."""
    return categories(m).sort_values("count", ascending=False, kind="stable").reset_index(drop=True)


def province_total(m: Month) -> int:
    return int(m.facts["hotline.province_total_calls"])


def province(m: Month) -> pd.DataFrame:
    """The province's calls by city, largest first: ``city``, ``calls``, ``share`` of the stated total."""
    frame = m.table("province_calls")[["city", "calls"]].copy()
    frame = frame.sort_values("calls", ascending=False, kind="stable").reset_index(drop=True)
    frame["share"] = frame["calls"].astype("float64") / province_total(m)
    return frame


def nanjing_share(m: Month) -> float:
    """Nanjing's share of the province's calls (30,317 / 69,660 = 43.5% in February 2020)."""
    frame = province(m)
    return float(frame.loc[frame["city"] == NANJING, "share"].sum())


@needs(["province_calls"], empty=lambda: compare.headline_frame([]))
def headlines(m: Month) -> pd.DataFrame:
    """The section's key figures: ``label``, ``value``, ``unit`` (``%``: a fraction)."""
    f = m.facts
    prov = province(m)
    rows = [
        ("12320卫生热线受理咨询电话", int(f["hotline.total_calls"]), "个"),
        ("受理市12345工单", int(f["hotline.city_12345_tickets"]), "件"),
        ("受理省12345工单", int(f["hotline.province_12345_tickets"]), "件"),
        ("全省12320接听电话", int(f["hotline.province_total_calls"]), "人次"),
        ("其中南京", int(prov.loc[prov["city"] == NANJING, "calls"].sum()), "人次"),
        ("南京占全省电话量", nanjing_share(m), "%"),
    ]
    return compare.headline_frame(rows)


def changes(m: Month) -> pd.DataFrame | None:
    """Month-on-month of :func:`headlines` (``None`` when the month before is not in the data)."""
    return compare.changes(m, headlines)


def _cities_raw(m: Month) -> pd.DataFrame:
    return m.province_calls


def month_on_month(m: Month) -> compare.Comparison | compare.Note:
    """Headline figures, each category and each city against the month before (or one line)."""
    return compare.month_on_month(
        m,
        headlines,
        [
            ("各类别受理量", categories, "category", "count", False),
            ("全省各市接听电话", _cities_raw, "city", "calls", False),
        ],
        key_label="项目",
    )


# ---------------------------------------------------------------- views and charts (for readers)


@needs(["hotline_categories"])
def categories_view(m: Month) -> pd.DataFrame:
    """:func:`categories` for readers (类别, 受理量, 占比), in the bulletin's order."""
    frame = categories(m)
    return fmt.table(frame, "hotline_categories", revised=m.revised_flags("hotline_categories", frame))


@needs(["hotline_categories"])
def categories_chart(m: Month) -> Figure:
    """The categories ranked, each with its count and share of the stated total; the remainder in grey."""
    frame = categories_ranked(m)
    return charts.share_barh(
        frame["category"],
        frame["count"],
        total_calls(m),
        title="12320卫生热线各类别受理量（括号内为占受理总量的比例）",
        xlabel="受理量（个）",
    )


@needs(["province_calls"])
def province_view(m: Month) -> pd.DataFrame:
    """:func:`province` for readers (城市, 接听电话, 占比), largest first."""
    frame = province(m)
    return fmt.table(frame, "province_calls", revised=m.revised_flags("province_calls", frame))


@needs(["province_calls"])
def province_chart(m: Month) -> Figure:
    """The province's calls by city, largest first, Nanjing highlighted."""
    frame = province(m)
    return charts.share_barh(
        frame["city"],
        frame["calls"],
        province_total(m),
        title="全省12320各市接听电话（括号内为占全省的比例）",
        xlabel="接听电话（人次）",
        highlight=[NANJING],
        size="small",
    )
