"""趋势: the months of the data up to the month shown, side by side, read from the months' digests.

Every figure here comes from the months' digests (:mod:`bulletin.history`): each month's headlines
and rankings are computed once, when that month runs, so the cost of this section does not grow
with the years of history behind it. What readers see is a window:

- :func:`window`: the last :data:`WINDOW` calendar months up to the month (13: the same month a
  year ago is in view), never before the first month in the data; a month of the window missing
  from the data stays a gap (an empty column, a break in the line), never interpolated;
- :func:`headline_table`: the count and money headlines of every section, the window's months as
  columns;
- :func:`headline_chart`: a section's headlines over the window, one small panel each;
- :func:`year_to_date`: the month's own flows summed from January of its year;
- :func:`leaders`: the leading units of each section, month by month over the window, matched
  through the alias table (``data/units.csv``);
- :func:`history_download`: the whole history as a tidy CSV file, downloadable from the page;
- :func:`headline_series`: the whole history as a DataFrame, for analysts.

``months=None`` in the views shows every month instead of the window. With one month of data
there is nothing to compare: :func:`span` says so once.
"""

from __future__ import annotations

import csv
import io
import math

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bulletin.core.month_strings import month_label, next_month
from bulletin.data.loaded_month import Month
from bulletin.data.store import spreadsheet_text
from bulletin.data.units import aliases
from bulletin.history import RANKINGS, series
from bulletin.sections import Note, model, with_headlines
from bulletin.style import charts, fmt

#: how many calendar months the page shows (the month and the twelve before it)
WINDOW = 13
#: units of the figures that are the month's own flow, so that summing months makes sense
FLOW_UNITS = frozenset({"个", "次", "份", "条", "人次", "件", "例", "元"})
#: words marking a figure as cumulative or a stock (never summed over months)
STOCK_WORDS = ("累计", "截止", "接入", "投放", "闲置", "滞后", "未反馈", "暂停")
#: how a month of the window that is not in the data reads in a table
NO_DATA = "无数据"


def _calendar(first: str, last: str) -> list[str]:
    out = [first]
    while out[-1] < last:
        out.append(next_month(out[-1]))
    return out


def window(m: Month, months: int | None = WINDOW) -> list[str]:
    """The calendar months shown: the last ``months`` up to ``m`` (all with ``None``), from the
    first month in the data at the earliest; months absent from the data included (gaps)."""
    first = m.all_months[0]
    months_all = _calendar(first, m.month)
    return months_all if months is None else months_all[-months:]


def gaps(m: Month, months: int | None = WINDOW) -> list[str]:
    """The months of the window that are not in the data."""
    present = set(m.all_months)
    return [x for x in window(m, months) if x not in present]


def nothing_to_compare(m: Month) -> Note | None:
    """The line shown when ``m`` is the only month in the data up to itself, else ``None``."""
    if len(m.all_months) > 1:
        return None
    return Note(f"数据中只有{month_label(m.month)}一个月，还没有可以比较的趋势。")


def span(m: Month, months: int | None = WINDOW) -> Note:
    """What the trends cover: the window shown, the history in the data, the gaps."""
    if (none := nothing_to_compare(m)) is not None:
        return none
    shown = window(m, months)
    lines = [f"以下显示{month_label(shown[0])}至{month_label(shown[-1])}的 {len(shown)} 个月"
             f"（数据中截至本月共有 {len(m.all_months)} 个月，起于{month_label(m.all_months[0])}）。"]
    missing = gaps(m, months)
    if missing:
        absent = "、".join(month_label(x) for x in missing)
        lines.append(f"其中{absent}不在数据中：表中记为“{NO_DATA}”，图中留空，不作插补。")
    if len(m.all_months) > len([x for x in shown if x in set(m.all_months)]):
        lines.append("更早的月份见页末可下载的完整逐月数据。")
    return Note("\n".join(lines))


def headline_series(m: Month) -> pd.DataFrame:
    """Every section's headlines for each month in the data up to ``m``: ``month``, ``section``,
    ``label``, ``value``, ``unit`` (one row per month and figure; the whole history)."""
    return series(m.history, m.all_months)


def _shown_series(m: Month, months: int | None) -> pd.DataFrame:
    frame = headline_series(m)
    return frame[frame["month"].isin(set(window(m, months)))]


def headline_table(m: Month, months: int | None = WINDOW) -> pd.DataFrame:
    """The count and money headlines of every section, the window's months as columns, for readers
    (a month not in the data reads 无数据)."""
    shown = window(m, months)
    present = set(m.all_months)
    frame = _shown_series(m, months)
    frame = frame[frame["unit"] != "%"]
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for month, section, label, value, unit, key in frame.itertuples(index=False):
        row = rows.setdefault((section, f"{label}（{unit}）"), {})
        row[month] = model.number(value, unit, na=fmt.UNDEFINED, key=key)
    table = pd.DataFrame(
        [[row.get(x, fmt.UNDEFINED if x in present else NO_DATA) for x in shown] for row in rows.values()],
        index=pd.MultiIndex.from_tuples(list(rows), names=["板块", "指标"]),
        columns=[month_label(x) for x in shown],
    )
    return table


def _ticks(shown: list[str], most: int = 7) -> tuple[list[int], list[str]]:
    """Tick positions and labels legible at any length: at most ``most`` labels, every month, or
    every 2nd, 3rd, 6th or 12th (a multiple of years beyond), counted back from the month shown so
    that it is always labelled; the year under the first label of each year."""
    step = next((s for s in (1, 2, 3, 6, 12) if math.ceil(len(shown) / s) <= most), None)
    if step is None:
        step = 12 * math.ceil(len(shown) / (12 * most))
    positions = list(range(len(shown) - 1, -1, -step))[::-1]
    labels, year = [], None
    for i in positions:
        y, mon = shown[i][:4], int(shown[i][5:])
        labels.append(f"{mon}月\n{y}年" if y != year else f"{mon}月")
        year = y
    return positions, labels


def _axis_number(value: float, top: float) -> str:
    """A value axis' label, short enough for a small panel: 万 and 亿 for large figures (the tables
    hold the exact figures)."""
    if top >= 1e8:
        return f"{value / 1e8:,.2f}亿".replace(".00亿", "亿")
    if top >= 1e6:
        return f"{value / 1e4:,.0f}万"
    return fmt.count(value)


def _panel(ax, shown: list[str], part: pd.DataFrame, color: str, title: str) -> list[float]:
    """One series over the calendar months ``shown`` (NaN where a month has no figure: a gap)."""
    part = part.drop_duplicates("month").set_index("month")
    values = [float("nan") if x not in part.index or fmt.is_missing(part.at[x, "value"])
              else float(part.at[x, "value"]) for x in shown]
    ax.plot(range(len(shown)), values, marker="o", markersize=3 if len(shown) > 24 else 5, color=color)
    ax.set_title(title, loc="left", fontsize=11).set_parse_math(False)
    positions, tick_labels = _ticks(shown)
    ax.set_xlim(-0.5, len(shown) - 0.5)
    ax.set_xticks(positions, tick_labels, fontsize=9)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))  # no repeated labels on small counts
    top = max((abs(v) for v in values if not math.isnan(v)), default=0.0)
    ax.yaxis.set_major_formatter(lambda v, _: _axis_number(v, top))
    return values


def _grid(n: int) -> tuple[Figure, int, int]:
    cols = 2 if n > 1 else 1
    rows = (n + cols - 1) // cols
    charts.use_theme()
    height = 2.7 * rows + 0.7
    fig = Figure(figsize=(9.0, height), dpi=charts.DPI)
    # fixed margins, not a layout engine: the same look, several times faster to draw
    fig.subplots_adjust(left=0.1, right=0.98, top=1 - 0.75 / height, bottom=0.6 / height, wspace=0.3,
                        hspace=0.75)
    return fig, rows, cols


def _describe(fig: Figure, title: str, items: list[tuple[str, list[float], str, str]], shown: list[str]) -> Figure:
    """Alt text: the chart's title, then each series' latest figure (in its declared form)."""
    latest = []
    for label, values, unit, key in items:
        found = [(x, v) for x, v in zip(shown, values, strict=True) if not math.isnan(v)]
        if found:
            latest.append((label, f"{month_label(found[-1][0])} {model.number(found[-1][1], unit, key=key)}"))
    return charts.describe(fig, title, latest)


def _small_multiples(shown: list[str], panels: list[tuple[str, str, pd.DataFrame]], heading: str) -> Figure:
    """One small panel per ``(prefix, label, rows)`` over the months ``shown``, titled
    ``{prefix}{label}（{unit}）``; the figure titled ``heading`` and described for its alt text."""
    fig, rows, cols = _grid(len(panels))
    items = []
    for i, (prefix, label, part) in enumerate(panels):
        unit, key = part["unit"].iloc[0], str(part["key"].iloc[0])
        values = _panel(fig.add_subplot(rows, cols, i + 1), shown, part, charts.PALETTE[0],
                        f"{prefix}{label}（{unit}）")
        items.append((label, values, unit, key))
    fig.suptitle(heading, x=0.01, ha="left", fontsize=14).set_parse_math(False)
    return _describe(fig, heading, items, shown)


def headline_chart(m: Month, section: str, months: int | None = WINDOW) -> Figure | None:
    """A section's count and money headlines over the window, one small panel each (their scales
    differ); a month not in the data is a break in the line, never bridged."""
    if nothing_to_compare(m):
        return None  # span() has said so, once
    shown = window(m, months)
    frame = _shown_series(m, months)
    title = next(s.title for s in with_headlines() if s.name == section)
    frame = frame[(frame["section"] == title) & (frame["unit"] != "%")]
    labels = list(dict.fromkeys(frame["label"]))
    if not labels:
        return None
    panels = [("", label, frame[frame["label"] == label]) for label in labels]
    return _small_multiples(shown, panels, f"{title}：主要指标的逐月变化")


def _is_flow(label: str, unit: str) -> bool:
    return unit in FLOW_UNITS and not any(w in label for w in STOCK_WORDS)


def lead_figures(m: Month, months: int | None = WINDOW) -> pd.DataFrame:
    """Each section's lead figure over the window: its first headline that is the month's own flow
    (calls, bookings, records, payments …), as ``month``, ``section``, ``label``, ``value``, ``unit``."""
    frame = _shown_series(m, months)
    parts = []
    for sec in with_headlines():
        own = frame[frame["section"] == sec.title]
        flows = [lab for lab, unit in dict.fromkeys(zip(own["label"], own["unit"], strict=True)) if _is_flow(lab, unit)]
        if flows:
            parts.append(own[own["label"] == flows[0]])
    return pd.concat(parts, ignore_index=True) if parts else frame.iloc[0:0]


def lead_chart(m: Month, months: int | None = WINDOW) -> Figure | None:
    """The lead figure of every section over the window (:func:`lead_figures`), one small panel
    each: what the page draws (the tables hold every headline; :func:`headline_chart` draws all
    of one section's); None with one month in the data (a line of one point says nothing)."""
    if nothing_to_compare(m):
        return None
    shown = window(m, months)
    frame = lead_figures(m, months)
    keys = list(dict.fromkeys(zip(frame["section"], frame["label"], strict=True)))
    if not keys:
        return None
    panels = [(f"{section}·", label, frame[(frame["section"] == section) & (frame["label"] == label)])
              for section, label in keys]
    heading = f"各板块主要指标的逐月变化（{month_label(shown[0])}至{month_label(shown[-1])}）"
    return _small_multiples(shown, panels, heading)


def lead_chart_or_note(m: Month, months: int | None = WINDOW) -> Figure | Note | None:
    """What the page shows under its chart heading: :func:`lead_chart`, or with one month in the
    data a line saying when the chart comes, so that the heading never stands over nothing."""
    if nothing_to_compare(m):
        return Note(f"只有{month_label(m.month)}一个月，没有走势可画；"
                    "数据中有了第二个月，这里按月画出各板块的主要指标。")
    return lead_chart(m, months)


def year_to_date(m: Month) -> pd.DataFrame:
    """The month's own flows summed from January of ``m``'s year to ``m`` (months in the data only),
    for readers: 板块, 指标, 月数, and the sum, headed ``2020年累计（2020年1月至2020年2月）`` when it
    sums more than one month, else by the one month it holds (``2020年2月``: no 累计 of one month)."""
    frame = headline_series(m)
    year = m.month[:4]
    frame = frame[frame["month"].str.startswith(year)]
    frame = frame[[_is_flow(label, unit) for label, unit in zip(frame["label"], frame["unit"], strict=True)]]
    held = sorted(set(frame["month"]))
    rows = []
    for (section, label, unit), part in frame.groupby(["section", "label", "unit"], sort=False):
        values = [v for v in part["value"] if not fmt.is_missing(v)]
        total = round(sum(float(v) for v in values), 2) if unit == "元" else sum(int(v) for v in values)
        shown = fmt.yuan(total) + " 元" if unit == "元" else f"{fmt.count(total)} {unit}"
        rows.append((section, label, f"{len(values)} 个月", shown))
    heading = (f"{year}年累计（{month_label(held[0])}至{month_label(held[-1])}）" if len(held) > 1
               else month_label(held[0] if held else m.month))
    out = pd.DataFrame(rows, columns=["板块", "指标", "月数", heading])
    out.index = [str(i + 1) for i in range(len(out))]
    return out


def leaders(m: Month, n: int = 3, months: int | None = WINDOW) -> pd.DataFrame:
    """The ``n`` leading units of each section, month by month over the window (names through the
    alias table): rows the months, columns the rankings; — where the bulletin did not publish the
    table, 无数据 for a month not in the data."""
    names = aliases(m.data_dir)
    present = set(m.all_months)
    out: dict[str, dict[str, str]] = {}
    for month in window(m, months):
        row = out.setdefault(month_label(month), {})
        rankings = m.history.digest(month)["rankings"] if month in present else None
        for r in RANKINGS:
            if rankings is None:
                row[r.title] = NO_DATA
                continue
            ranked = rankings.get(r.table)
            row[r.title] = fmt.UNDEFINED if ranked is None else "、".join(
                f"{names.canonical(u)}（{fmt.count(v)}{r.unit}）" for u, v in ranked[:n])
    frame = pd.DataFrame.from_dict(out, orient="index")
    frame.index.name = "月份"
    return frame


#: the headers of the downloadable history (the reader's names of the series' columns)
CSV_HEADER = ("月份", "板块", "指标", "数值", "单位")


def history_csv(m: Month) -> str:
    """Every headline of every month in the data up to ``m`` as a tidy CSV (UTF-8 with a byte-order
    mark, so that Excel reads the Chinese): 月份, 板块, 指标, 数值, 单位. Shares are in percent
    (单位 ``%``: 43.52… is 43.5%), money in 元 to the fen, a figure not published left empty."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for month, section, label, value, unit, _key in headline_series(m).itertuples(index=False):
        if fmt.is_missing(value):
            shown = ""
        elif unit == "元":
            shown = f"{float(value):.2f}"
        elif isinstance(value, int):
            shown = str(value)
        else:
            shown = repr(float(value))
        writer.writerow([month, spreadsheet_text(section), spreadsheet_text(label), shown, spreadsheet_text(unit)])
    return "\ufeff" + buf.getvalue()


class Download:
    """A file offered for download on the reader's page (the page carries it: it works offline).

    In a notebook it shows as one line naming the file; the site renders its ``text/csv`` output as
    a download link (:func:`bulletin.render.site.pages.section_page`).
    """

    def __init__(self, filename: str, text: str, description: str) -> None:
        self.filename, self.text, self.description = filename, text, description

    def __repr__(self) -> str:
        return f"{self.description}：{self.filename}"

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {"text/csv": self.text, "text/plain": repr(self)}
        return data, {"text/csv": {"filename": self.filename, "description": self.description}}


def history_download(m: Month) -> Download:
    """The whole history of headlines up to ``m`` (:func:`history_csv`) as a download."""
    months = m.all_months
    what = (f"完整的逐月主要指标（{month_label(months[0])}至{month_label(m.month)}，共 {len(months)} 个月，CSV）")
    return Download(f"bulletin-headlines-{months[0]}-{m.month}.csv", history_csv(m), what)
