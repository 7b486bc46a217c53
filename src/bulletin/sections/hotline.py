"""12320卫生热线: calls by category as printed, and the province's calls by city.

The bulletin lists some categories of its total (其中 …) and does not say that they are all of
them: only the printed categories are shown as categories. What the total holds beyond them is a
derived figure (:func:`unlisted`), shown apart from the table and chart and labelled as computed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.figure import Figure

from bulletin.sections import Note, compare, model, needs
from bulletin.style import charts, fmt

if TYPE_CHECKING:
    from bulletin.data.loaded_month import Month

NANJING = "南京"
#: how the derived remainder is labelled wherever it is shown: a computed figure, never a category
DERIVED = "计算所得"


def _stated(m: Month, key: str) -> int | None:
    """A stated figure of ``facts.csv``; None in a month whose bulletin did not print it."""
    value = m.facts.get(key)
    return None if value is None else int(value)


def total_calls(m: Month) -> int | None:
    """The stated total of calls the Nanjing hotline took (59,507 in February 2020; None when not printed)."""
    return _stated(m, "hotline.total_calls")


def categories(m: Month) -> pd.DataFrame:
    """The printed categories (``category``, ``count``) in the bulletin's order, with ``share`` of the
    stated total: each category's part of all calls (the listed ones need not add up to it)."""
    frame = m.table("hotline_categories")[["category", "count"]].copy()
    frame["count"] = frame["count"].astype("Int64")
    total = total_calls(m)
    frame["share"] = frame["count"].astype("float64") / total if total else float("nan")
    return frame.reset_index(drop=True)


def categories_ranked(m: Month) -> pd.DataFrame:
    """The printed categories largest first, for the chart."""
    return categories(m).sort_values("count", ascending=False, kind="stable").reset_index(drop=True)


def unlisted(m: Month) -> dict[str, object] | None:
    """The derived remainder: the stated total minus the sum of the printed categories.

    ``total``, ``listed`` (their sum), ``value`` (the difference), ``share`` (of the total). The
    bulletin prints no such figure and does not say its categories are exhaustive, so this is not
    a category: it is what the listed categories leave of the total, shown as computed. None in a
    month that printed no total.
    """
    total = total_calls(m)
    if not total:
        return None
    listed = int(m.table("hotline_categories")["count"].sum())
    return {"total": total, "listed": listed, "value": total - listed, "share": (total - listed) / total}


@needs(["hotline_categories"])
def unlisted_note(m: Month) -> Note:
    """The derived remainder for readers, one line labelled as computed (shown below the table)."""
    r = unlisted(m)
    if r is None:
        return Note("本月公报没有刊登受理总量，列明类别以外的差额无从计算。")
    return Note(
        f"{DERIVED}（总量减列明类别之和）：受理总量 {fmt.count(r['total'])} 个，表中列明的类别合计 "
        f"{fmt.count(r['listed'])} 个（{fmt.pct(r['listed'] / r['total'])}），二者相差 {fmt.count(r['value'])} 个"
        f"（{fmt.pct(r['share'])}）。公报没有说明所列类别是否完整，这一差额不是公报的类别，也不表示某一类来电的数量。"
    )


def province_total(m: Month) -> int | None:
    """The province's stated total of calls (69,660 in February 2020; None when not printed)."""
    return _stated(m, "hotline.province_total_calls")


def province(m: Month) -> pd.DataFrame:
    """The province's calls by city, largest first: ``city``, ``calls``, ``share`` of the stated total."""
    frame = m.table("province_calls")[["city", "calls"]].copy()
    frame = frame.sort_values("calls", ascending=False, kind="stable").reset_index(drop=True)
    total = province_total(m)
    frame["share"] = frame["calls"].astype("float64") / total if total else float("nan")
    return frame


def nanjing_share(m: Month) -> float:
    """Nanjing's share of the province's calls (30,317 / 69,660 = 43.5% in February 2020)."""
    frame = province(m)
    return float(frame.loc[frame["city"] == NANJING, "share"].sum())


def _nanjing_calls(m: Month) -> int | None:
    prov = m.table("province_calls")
    hit = prov.loc[prov["city"] == NANJING, "calls"]
    return int(hit.sum()) if len(hit) else None


def _nanjing_share(m: Month) -> float | None:
    return model.share(_nanjing_calls(m), province_total(m))


#: what the section prints and derives, each figure once (:mod:`bulletin.sections.model`)
FIGURES: tuple[model.Declared, ...] = (
    model.Figure("hotline.total_calls", "12320卫生热线受理咨询电话", "个", total_calls, ("hotline.total_calls",)),
    model.Figure("hotline.city_12345_tickets", "受理市12345工单", "件",
                 lambda m: _stated(m, "hotline.city_12345_tickets"), ("hotline.city_12345_tickets",)),
    model.Figure("hotline.province_12345_tickets", "受理省12345工单", "件",
                 lambda m: _stated(m, "hotline.province_12345_tickets"), ("hotline.province_12345_tickets",)),
    model.Figure("hotline.province_total_calls", "全省12320接听电话", "人次", province_total,
                 ("hotline.province_total_calls",)),
    model.Figure("hotline.nanjing_calls", "其中南京", "人次", _nanjing_calls, ("province_calls",)),
    model.Figure("hotline.nanjing_share", "南京占全省电话量", "%", _nanjing_share,
                 ("province_calls", "hotline.province_total_calls"), model.COMPUTED,
                 rule="计算所得：南京接听电话 ÷ 全省12320接听电话", precision=Decimal("0.1"), comparable=False),
)
#: the tables the section prints (those its figures and views read)
TABLES = (model.TableDecl("hotline_categories"), model.TableDecl("province_calls"))


# the section's key figures (FIGURES: a paragraph the bulletin left out drops only its own
# figures) and them against a base month (环比, 同比)
headlines, changes = compare.section_headlines(FIGURES, __name__)


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
    """:func:`categories` for readers (类别, 受理量, 占受理总量), in the bulletin's order: the printed
    categories only (the derived remainder is :func:`unlisted_note`)."""
    frame = categories(m)
    return fmt.table(frame, "hotline_categories", labels={"share": "占受理总量"},
                     revised=m.revised_flags("hotline_categories", frame))


@needs(["hotline_categories"])
def categories_chart(m: Month) -> Figure:
    """The printed categories ranked, each with its count and share of the stated total."""
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
