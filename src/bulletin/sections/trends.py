"""趋势: every month in the data up to the month shown, side by side.

- :func:`headline_series`: every section's ``headlines(m)`` for each month, in one long table
  (``month``, ``section``, ``label``, ``value``, ``unit``);
- :func:`headline_chart`: a section's count headlines over time, one line each (small multiples,
  since their scales differ by orders of magnitude);
- :func:`year_to_date`: the month's own flows (bookings, calls, records, money …) summed over the
  calendar year so far; cumulative figures and counts of units are not summed;
- :func:`leaders`: the leading units of each section, month by month, matched through the alias
  table (``data/units.csv``) so that a renamed hospital stays one unit.

With one month of data there is nothing to compare: every view says so in one line.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .. import charts, fmt
from ..loaded import Month
from ..months import month_label
from ..units import aliases
from . import Note, with_headlines

#: units of the figures that are the month's own flow, so that summing months makes sense
FLOW_UNITS = frozenset({"个", "次", "份", "条", "人次", "件", "例", "元"})
#: words marking a figure as cumulative or a stock (never summed over months)
STOCK_WORDS = ("累计", "截止", "接入", "投放", "闲置", "滞后", "未反馈", "暂停")


def months_up_to(m: Month) -> list[Month]:
    """Every month in the data directory up to and including ``m``, loaded (``m`` itself reused)."""
    return [m.sibling(name) for name in m.all_months]


def nothing_to_compare(m: Month) -> Note | None:
    """The line shown when ``m`` is the only month in the data up to itself, else ``None``."""
    if len(m.all_months) > 1:
        return None
    return Note(f"数据中只有{month_label(m.month)}一个月，还没有可以比较的趋势。")


def span(m: Month) -> Note:
    """One line: which months the trends cover (or that there is nothing to compare yet)."""
    return nothing_to_compare(m) or Note(
        f"以下趋势涵盖数据中{month_label(m.all_months[0])}至{month_label(m.month)}的 {len(m.all_months)} 个月。"
    )


def headline_series(m: Month) -> pd.DataFrame:
    """Every section's headlines for each month up to ``m``: ``month``, ``section``, ``label``,
    ``value``, ``unit`` (one row per month and figure)."""
    parts = []
    for month in months_up_to(m):
        for sec in with_headlines():
            part = sec.module.headlines(month).astype(object)
            part.insert(0, "section", sec.title)
            part.insert(0, "month", month.month)
            parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _only_one(fn: Callable[..., object]) -> Callable[..., object]:
    """A chart of a single month draws nothing: :func:`span` has said there is nothing to compare
    yet (once, not under every chart); the tables still show that month's own figures."""
    import functools

    @functools.wraps(fn)
    def inner(m: Month, *args: object, **kwargs: object) -> object:
        return None if nothing_to_compare(m) else fn(m, *args, **kwargs)

    return inner


def headline_table(m: Month) -> pd.DataFrame:
    """The count headlines of every section, months as columns, for readers."""
    series = headline_series(m)
    series = series[series["unit"] != "%"]
    series["指标"] = [f"{label}（{unit}）" for label, unit in zip(series["label"], series["unit"], strict=True)]
    units = dict(zip(series["指标"], series["unit"], strict=True))
    wide = series.pivot_table(index=["section", "指标"], columns="month", values="value", aggfunc="first", sort=False)
    out = wide.apply(lambda row: row.map(lambda v: fmt.figure(v, units[row.name[1]], na=fmt.UNDEFINED)), axis=1)
    out.columns = [month_label(c) for c in out.columns]
    out.index = out.index.set_names(["板块", "指标"])
    return out


@_only_one
def headline_chart(m: Month, section: str) -> Figure:
    """A section's count and money headlines over the months, one small panel each (scales differ)."""
    series = headline_series(m)
    title = next(s.title for s in with_headlines() if s.name == section)
    series = series[(series["section"] == title) & (series["unit"] != "%")]
    labels = list(dict.fromkeys(series["label"]))
    cols = 2 if len(labels) > 1 else 1
    rows = (len(labels) + cols - 1) // cols
    charts.use_theme()
    fig = Figure(figsize=(9.0, 2.4 * rows + 0.6), dpi=charts.DPI, layout="constrained")
    months = list(dict.fromkeys(series["month"]))
    for i, label in enumerate(labels):
        ax = fig.add_subplot(rows, cols, i + 1)
        part = series[series["label"] == label].set_index("month").reindex(months)
        values = [float("nan") if fmt.is_missing(v) else float(v) for v in part["value"]]
        ax.plot(range(len(months)), values, marker="o", color=charts.PALETTE[i % len(charts.PALETTE)])
        unit = part["unit"].dropna().iloc[0] if part["unit"].notna().any() else ""
        ax.set_title(f"{label}（{unit}）", loc="left", fontsize=11).set_parse_math(False)
        ax.set_xticks(range(len(months)), [month_label(x).removeprefix(months[0][:4] + "年") for x in months])
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))  # no repeated labels on small counts
        ax.yaxis.set_major_formatter(lambda v, _: fmt.count(v))
    fig.suptitle(f"{title}：主要指标的逐月变化", x=0.01, ha="left", fontsize=14).set_parse_math(False)
    return fig


def year_to_date(m: Month) -> pd.DataFrame:
    """The month's own flows summed from January of ``m``'s year to ``m`` (months in the data only),
    for readers: 板块, 指标, 月数, 本年累计."""
    series = headline_series(m)
    year = m.month[:4]
    series = series[series["month"].str.startswith(year) & series["unit"].isin(FLOW_UNITS)]
    series = series[~series["label"].map(lambda s: any(w in s for w in STOCK_WORDS))]
    rows = []
    for (section, label, unit), part in series.groupby(["section", "label", "unit"], sort=False):
        values = [v for v in part["value"] if not fmt.is_missing(v)]
        total = round(sum(float(v) for v in values), 2) if unit == "元" else sum(int(v) for v in values)
        shown = fmt.yuan(total) + " 元" if unit == "元" else f"{fmt.count(total)} {unit}"
        rows.append((section, label, f"{len(values)} 个月", shown))
    out = pd.DataFrame(rows, columns=["板块", "指标", "月数", f"{year}年累计（至{month_label(m.month)}）"])
    out.index = [str(i + 1) for i in range(len(out))]
    return out


#: per section: (title, table, unit column, measure of its size, how the measure reads)
LEADER_SPECS: tuple[tuple[str, str, str, Callable[[pd.DataFrame], pd.Series], str], ...] = (
    ("12320卫生热线·受理量最多的类别", "hotline_categories", "category", lambda t: t["count"], "个"),
    ("预约挂号·预约量最多的医院", "appointments", "hospital", lambda t: t["total"], "次"),
    ("分途径预约·预约最多的渠道", "booking_channels", "channel", lambda t: t["bookings"], "次"),
    ("卫生信息平台·上传量最多的医院", "platform_hospitals", "hospital", lambda t: t["records"], "条"),
    ("自助终端·挂号与缴费最多的单位", "kiosks", "unit", lambda t: t["registrations"] + t["payments"], "次"),
)


def leaders(m: Month, n: int = 3) -> pd.DataFrame:
    """The ``n`` leading units of each section, month by month (names through the alias table):
    rows 板块·榜单, columns the months; — where the bulletin did not publish the table."""
    names = aliases(m.data_dir)
    out: dict[str, dict[str, str]] = {}
    for month in months_up_to(m):
        column = out.setdefault(month_label(month.month), {})
        for title, table, key, measure, unit in LEADER_SPECS:
            if not month.has(table):
                column[title] = fmt.UNDEFINED
                continue
            frame = month.table(table)
            frame["_size"] = measure(frame)
            top = frame.sort_values("_size", ascending=False, kind="stable").head(n)
            column[title] = "、".join(
                f"{names.canonical(u)}（{fmt.count(v)}{unit}）" for u, v in zip(top[key], top["_size"], strict=True)
            )
    frame = pd.DataFrame(out)
    frame.index.name = "榜单"
    return frame
