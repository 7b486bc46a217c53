"""预约挂号: the hospitals' bookings by channel, channel shares, concentration, cumulative total."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.figure import Figure

from bulletin.core.month_strings import month_label
from bulletin.core.schema import APPOINTMENT_CHANNELS
from bulletin.data.loaders import labels
from bulletin.sections import compare, model, needs
from bulletin.style import charts, fmt

if TYPE_CHECKING:
    from bulletin.data.loaded_month import Month

TOTAL_ROW = "合计"
COLUMNS = (*APPOINTMENT_CHANNELS, "total")


def hospitals(m: Month) -> pd.DataFrame:
    """The hospitals as printed (the bulletin's order), canonical columns."""
    return m.table("appointments")


def total_row(m: Month) -> dict[str, int | None]:
    """The 合计 row as the bulletin prints it: channel → total (``total``: 74,217 in February 2020);
    a total the month does not state is the exact sum of the rows (:func:`bulletin.core.schema.table_total`,
    the rule every output follows)."""
    row = m.total_row("appointments")  # not printed: the stated row alone
    return {c: None if row[c] is None else int(row[c]) for c in COLUMNS}  # type: ignore[call-overload]


def printed_table(m: Month) -> pd.DataFrame:
    """The full table as printed: hospitals numbered 1…n, then the stated 合计 row."""
    frame = hospitals(m).copy()
    frame.index = range(len(frame))
    # the 合计 row has no number of its own (shown blank in the 序号 column)
    total = pd.DataFrame([{"hospital": TOTAL_ROW, **total_row(m)}], index=[""])
    out = pd.concat([frame, total])
    for c in COLUMNS:
        out[c] = out[c].astype("Int64")
    return out


def grand_total(m: Month) -> int:
    return total_row(m)["total"]


def cumulative_total(m: Month) -> int | None:
    """Bookings since the service began, to the month's end (18,722,617 at the end of February 2020;
    None in a month whose bulletin did not print it)."""
    value = m.facts.get("appointments.cumulative_total")
    return None if value is None else int(value)


def cumulative_line(m: Month) -> compare.Note:
    """One sentence: the cumulative total at the month's end and the month's part of it."""
    cum, total = cumulative_total(m), grand_total(m)
    if cum is None:
        return compare.Note(f"本月公报没有刊登截至{month_label(m.month)}底的累计预约挂号量。")
    return compare.Note(
        f"截至{month_label(m.month)}底，累计预约挂号 {fmt.count(cum)} 次；"
        f"本月 {fmt.count(total)} 次，占累计量的 {fmt.pct(total / cum if cum else float('nan'))}。"
    )


def top_by_channel(m: Month, n: int = 12) -> pd.DataFrame:
    """The ``n`` hospitals with most bookings, by channel, and one row for the rest (其他（k家）)."""
    return charts.top_with_other(hospitals(m), "hospital", list(COLUMNS), n, sort_by="total")


def channel_shares(m: Month) -> pd.DataFrame:
    """Each channel's bookings and share of the stated total: ``channel``, ``bookings``, ``share``."""
    totals = total_row(m)
    names = labels("appointments")
    rows = [(names[c], totals[c]) for c in APPOINTMENT_CHANNELS]
    frame = pd.DataFrame(rows, columns=["channel", "bookings"])
    frame["bookings"] = frame["bookings"].astype("Int64")
    frame["share"] = frame["bookings"].astype("float64") / totals["total"]
    return frame


def concentration(m: Month, sizes: tuple[int, ...] = (1, 5, 10)) -> pd.DataFrame:
    """How much of the month's bookings the largest hospitals take.

    One row per size: ``group`` (预约量前5家医院 …), ``bookings``, ``share`` of the stated total;
    a last row holds the hospitals beyond the largest size (其余k家医院).
    """
    frame = hospitals(m).sort_values("total", ascending=False, kind="stable")
    total = grand_total(m)
    rows = []
    for k in sizes:
        part = int(frame["total"].head(k).sum())
        rows.append((f"预约量前{k}家医院", part, part / total))
    rest = int(frame["total"].iloc[max(sizes):].sum())
    rows.append((f"其余{max(len(frame) - max(sizes), 0)}家医院", rest, rest / total))
    out = pd.DataFrame(rows, columns=["group", "bookings", "share"])
    out["bookings"] = out["bookings"].astype("Int64")
    return out


def top_share(m: Month, k: int = 5) -> float:
    """The share of the ``k`` largest hospitals in the month's bookings."""
    frame = concentration(m, (k,))
    return float(frame["share"].iloc[0])


def _channel_shares(m: Month) -> list[tuple[str, str, object]]:
    totals = total_row(m)
    names = labels("appointments")
    return [(c, f"{names[c]}占比", model.share(totals[c], totals["total"])) for c in APPOINTMENT_CHANNELS]


#: what the section prints and derives, each figure once (:mod:`bulletin.sections.model`)
FIGURES: tuple[model.Declared, ...] = (
    model.Figure("appointments.total", "本月预约挂号量", "次", grand_total, ("appointments",),
                 rule="预约挂号服务统计表·合计·小计"),
    model.Figures("appointments.channel_share", "{}占比", "%", _channel_shares, ("appointments",), model.COMPUTED,
                  rule="计算所得：该途径合计 ÷ 合计·小计", precision=Decimal("0.1"), comparable=False),
    model.Figure("appointments.top5_share", "预约量前5家医院占比", "%", lambda m: top_share(m, 5) * 100,
                 ("appointments",), model.COMPUTED, rule="计算所得：预约量最多的5家医院之和 ÷ 合计·小计",
                 precision=Decimal("0.1"), comparable=False),
    model.Figure("appointments.cumulative_total", "截止月底累计预约挂号量", "次", cumulative_total,
                 ("appointments.cumulative_total",)),
)
#: the tables the section prints
TABLES = (model.TableDecl("appointments"),)


# the section's key figures (FIGURES) and them against a base month (环比, 同比)
headlines, changes = compare.section_headlines(FIGURES, __name__)


def month_on_month(m: Month) -> compare.Comparison | compare.Note:
    """Headline figures and each hospital's bookings against the month before (or one line)."""
    return compare.month_on_month(m, headlines, [("各医院预约挂号量", hospitals, "hospital", "total", False)], "单位")


# ---------------------------------------------------------------- views and charts (for readers)


@needs(["appointments"])
def printed_view(m: Month) -> pd.DataFrame:
    """:func:`printed_table` for readers: hospitals numbered as printed, the 合计 row unnumbered; a
    figure a revision changed reads ``1,819 [r]``."""
    frame = printed_table(m)
    return fmt.table(frame, "appointments", revised=m.revised_flags("appointments", frame),
                     signs=m.signs("appointments"))


@needs(["appointments"])
def top_by_channel_chart(m: Month) -> Figure:
    """The leading hospitals' bookings stacked by channel, the rest grouped in one bar."""
    return charts.stacked_barh(
        top_by_channel(m),
        "hospital",
        APPOINTMENT_CHANNELS,
        column_labels=labels("appointments"),
        title="预约挂号量居前的医院（按途径）",
        xlabel="预约挂号量（次）",
    )


@needs(["appointments"])
def channel_shares_view(m: Month) -> pd.DataFrame:
    """:func:`channel_shares` for readers (预约途径, 预约量（次）, 占比)."""
    return fmt.table(channel_shares(m), labels={"channel": "预约途径", "bookings": "预约量（次）"})


@needs(["appointments"])
def channel_shares_chart(m: Month) -> Figure:
    """The channels' shares as one 100% bar."""
    shares = channel_shares(m)
    return charts.share_stack(shares["channel"], shares["bookings"], title="预约挂号途径构成")


@needs(["appointments"])
def concentration_view(m: Month) -> pd.DataFrame:
    """:func:`concentration` for readers (医院范围, 预约量（次）, 占比)."""
    return fmt.table(concentration(m), labels={"group": "医院范围", "bookings": "预约量（次）"})
