"""分途径预约: bookings by channel, ranked with shares, and how they relate to the appointment table."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.figure import Figure

from bulletin.data.loaders import labels
from bulletin.sections import Note, compare, model, needs
from bulletin.style import charts, fmt

if TYPE_CHECKING:
    from bulletin.data.loaded_month import Month
from bulletin.sections.appointments import total_row


def channels_total(m: Month) -> int:
    """合计 as printed under the channel table (16,669 in February 2020); when the month does not
    state it, the exact sum of the channels (:func:`bulletin.core.schema.table_total`)."""
    return m.total_row("booking_channels")["bookings"]  # type: ignore[return-value]


def ranked(m: Month) -> pd.DataFrame:
    """Channels largest first (the rank is the position): ``channel``, ``bookings``, ``share`` of the stated total."""
    frame = m.table("booking_channels").sort_values("bookings", ascending=False, kind="stable")
    frame = frame.reset_index(drop=True)
    frame["share"] = frame["bookings"].astype("float64") / channels_total(m)
    return frame


def relation(m: Month) -> pd.DataFrame:
    """The channel total set against the appointment table's online and third-party columns.

    Rows: the channel total, 12320在线预约, 第三方, their sum; ``bookings`` and ``ratio`` = the
    channel total as a share of each (how much of those columns the channel breakdown covers).
    """
    total = channels_total(m)
    appt = total_row(m)
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


#: the header of the package's own ratio (not printed by the bulletin)
RELATION_RATIO = "本项目计算（非公报所载）：分途径合计 ÷ 该项"
#: the scope note the bulletin prints under the channel table, in its words
SCOPE = "（不包含12320电话预约、医院诊间预约、医院自有途径预约）"


def _lead_share(m: Month) -> list[tuple[str, str, object]]:
    frame = ranked(m)
    if not len(frame):
        return []
    return [("lead", f"预约最多的渠道（{frame['channel'].iloc[0]}）占比", float(frame["share"].iloc[0]) * 100)]


#: what the section prints and derives, each figure once (:mod:`bulletin.sections.model`)
FIGURES: tuple[model.Declared, ...] = (
    model.Figure("booking_channels.total", "分途径预约合计", "次", channels_total, ("booking_channels",),
                 qualifier=SCOPE),
    model.Figures("booking_channels.share", "预约最多的渠道（{}）占比", "%", _lead_share, ("booking_channels",),
                  model.COMPUTED, rule="计算所得：该渠道预约数量 ÷ 分途径预约合计", qualifier=SCOPE,
                  precision=Decimal("0.1"), comparable=False),
)
#: the tables the section prints: the channel table with its printed scope note
TABLES = (model.TableDecl("booking_channels", qualifier=SCOPE),)
#: read besides its own table: the appointment table's columns it is set against (:func:`relation`)
ALSO_READS = ("appointments",)


# the section's key figures (FIGURES) and them against a base month (环比, 同比)
headlines, changes = compare.section_headlines(FIGURES, __name__)


def _channels(m: Month) -> pd.DataFrame:
    return m.booking_channels


def month_on_month(m: Month) -> compare.Comparison | compare.Note:
    """The channel total and each channel against the month before (or one line)."""
    return compare.month_on_month(m, headlines, [("各途径预约数量", _channels, "channel", "bookings", False)], "途径")


# ---------------------------------------------------------------- views and charts (for readers)


@needs(["booking_channels"])
def scope_note(m: Month) -> Note:
    """The scope note the bulletin prints under the channel table, in its words (:data:`SCOPE`)."""
    return Note(f"公报注明：{model.qualifier('booking_channels')}")


@needs(["booking_channels"])
def ranked_view(m: Month) -> pd.DataFrame:
    """:func:`ranked` for readers (预约渠道, 预约数量, 占比); a share below 0.1% reads <0.1%."""
    frame = ranked(m)
    return fmt.table(frame, "booking_channels", labels={"channel": "预约渠道"},
                     revised=m.revised_flags("booking_channels", frame))


@needs(["booking_channels"])
def ranked_chart(m: Month) -> Figure:
    """The channels ranked, each with its bookings and share of the stated total."""
    frame = ranked(m)
    return charts.share_barh(
        frame["channel"],
        frame["bookings"],
        channels_total(m),
        title="各渠道预约数量（括号内为占分途径合计的比例）",
        xlabel="预约数量（次）",
    )


def relation_view(m: Month) -> pd.DataFrame:
    """:func:`relation` for readers (项目, 预约数量（次）, 本项目计算：分途径合计 ÷ 该项): the ratio is
    the package's own computation, not the bulletin's, and its header says so."""
    return fmt.table(
        relation(m),
        labels={"item": "项目", "bookings": "预约数量（次）", "ratio": RELATION_RATIO},
        formats={"ratio": "pct"},
    )
