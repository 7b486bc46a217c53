"""分途径预约: bookings by channel, ranked with shares, and how they relate to the appointment table."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from .. import charts, fmt
from ..loaders import PathLike, facts, labels, load
from . import compare
from .appointments import stated_totals


def stated_total(month: str, data_dir: PathLike = None) -> int:
    """合计 as printed under the channel table (16,669 in February 2020)."""
    return int(facts(month, data_dir)["booking_channels.total"])


def ranked(month: str, data_dir: PathLike = None) -> pd.DataFrame:
    """Channels largest first (the rank is the position): ``channel``, ``bookings``, ``share`` of the stated total."""
    frame = load("booking_channels", month, data_dir).sort_values("bookings", ascending=False, kind="stable")
    frame = frame.reset_index(drop=True)
    frame["share"] = frame["bookings"].astype("float64") / stated_total(month, data_dir)
    return frame


def relation(month: str, data_dir: PathLike = None) -> pd.DataFrame:
    """The channel total set against the appointment table's online and third-party columns.

    Rows: the channel total, 12320在线预约, 第三方, their sum; ``bookings`` and ``ratio`` = the
    channel total as a share of each (how much of those columns the channel breakdown covers).
    """
    total = stated_total(month, data_dir)
    appt = stated_totals(month, data_dir)
    names = labels("appointments")
    online, third = appt["online_12320"], appt["third_party"]
    rows = [
        ("分途径预约合计", total),
        (f"预约挂号服务统计表·{names['online_12320']}", online),
        (f"预约挂号服务统计表·{names['third_party']}", third),
        (f"{names['online_12320']} + {names['third_party']}", online + third),
    ]
    frame = pd.DataFrame(rows, columns=["item", "bookings"])
    frame["bookings"] = frame["bookings"].astype("Int64")
    frame["ratio"] = [float("nan"), total / online, total / third, total / (online + third)]
    return frame


def headline_figures(month: str, data_dir: PathLike = None) -> dict[str, object]:
    frame = ranked(month, data_dir)
    out: dict[str, object] = {"分途径预约合计（次）": stated_total(month, data_dir)}
    out.update({f"{c}（次）": int(b) for c, b in zip(frame["channel"], frame["bookings"], strict=True)})
    return out


def month_on_month(month: str, data_dir: PathLike = None) -> compare.Comparison | compare.Note:
    """The channel total and each channel against the month before (or one line)."""
    return compare.month_on_month(
        month,
        data_dir,
        lambda m, d: {"分途径预约合计（次）": stated_total(m, d)},
        [("各途径预约数量", lambda m, d: load("booking_channels", m, d), "channel", "bookings", False)],
        "途径",
    )


# ---------------------------------------------------------------- views and charts (for readers)


def ranked_view(month: str, data_dir: PathLike = None) -> pd.DataFrame:
    """:func:`ranked` for readers (预约渠道, 预约数量, 占比); a share below 0.1% reads <0.1%."""
    return fmt.table(ranked(month, data_dir), "booking_channels", labels={"channel": "预约渠道"})


def ranked_chart(month: str, data_dir: PathLike = None) -> Figure:
    """The channels ranked, each with its bookings and share of the stated total."""
    frame = ranked(month, data_dir)
    return charts.share_barh(
        frame["channel"],
        frame["bookings"],
        stated_total(month, data_dir),
        title="各渠道预约数量（括号内为占分途径合计的比例）",
        xlabel="预约数量（次）",
    )


def relation_view(month: str, data_dir: PathLike = None) -> pd.DataFrame:
    """:func:`relation` for readers (项目, 预约数量（次）, 分途径合计 ÷ 该项)."""
    return fmt.table(
        relation(month, data_dir),
        labels={"item": "项目", "bookings": "预约数量（次）", "ratio": "分途径合计 ÷ 该项"},
        formats={"ratio": "pct"},
    )
