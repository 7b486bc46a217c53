"""A month's statistics part as a :class:`~.model.Document`: sections, prose, printed tables, charts.

Tables and facts are read through the public loaders (``bulletin.load``, ``bulletin.facts``) and
``store.read_not_published``; a table or fact the bulletin did not print that month is replaced by
one line saying so. Any number of rows works, none included. In a revised month every figure a
revision changed reads ``1819 [r]`` (tables and prose alike), the subtitle gives the day of the
latest revision and a last section, 修订说明, says when, why and what each revision changed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import paths, schema
from .. import revisions as revs
from ..errors import BulletinDataError
from ..loaders import month_folder
from ..month_strings import is_month
from ..store import read_not_published
from . import wording as w
from .model import Bars, Block, Cell, Document, Grid, Paragraph, Section

#: the document's title as the bulletin names its statistics part
TITLE = "南京卫生信息统计简报·统计数据"


@dataclass
class MonthData:
    """One month's tables and facts, read once, with what the bulletin did not print."""

    month: str
    data_dir: Path | None = None
    not_published: dict[str, str] = field(default_factory=dict)
    _facts: dict[str, object] | None = None
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: the month's revisions, oldest first (``()``: never revised), and the figures they changed
    revisions: tuple[revs.Revision, ...] = ()
    marks: revs.Marks = field(default_factory=revs.Marks)

    @classmethod
    def read(cls, month: str, data_dir: str | Path | None = None) -> MonthData:
        """The month's record of what was not printed; tables and facts are read when first asked for.

        Raises :class:`BulletinDataError` (one line) for a month without a folder.
        """
        if not is_month(month):
            raise BulletinDataError("not a month", column="month", value=month, expected="YYYY-MM")
        folder = month_folder(month, data_dir)  # an absent month: MonthNotInDataError, worded once
        found = revs.read(folder)
        return cls(month, Path(data_dir) if data_dir is not None else None, read_not_published(folder),
                   revisions=found, marks=revs.marks(found))

    def revised(self, table: str, key: tuple[object, ...], column: str, value: object) -> object:
        """``value``, wrapped as :class:`~.wording.Revised` (worded with ``[r]``) when a revision changed it."""
        return w.Revised(value) if self.marks.cell(table, key, column) else value

    def revised_fact(self, key: str, value: object) -> object:
        """A stated figure, wrapped as :class:`~.wording.Revised` when a revision changed it."""
        return w.Revised(value) if value is not None and self.marks.fact(key) else value

    def worded_fact(self, key: str) -> object:
        """:meth:`fact`, wrapped as :meth:`revised_fact` does (None when not published)."""
        return self.revised_fact(key, self.fact(key))

    def published(self, item: str) -> bool:
        return item not in self.not_published

    def table(self, name: str) -> pd.DataFrame | None:
        """The table, or None when the month's record says the bulletin did not print it."""
        if not self.published(name):
            return None
        if name not in self._tables:
            import bulletin

            self._tables[name] = bulletin.load(name, self.month, self.data_dir)
        return self._tables[name]

    def facts(self) -> dict[str, object]:
        if self._facts is None:
            import bulletin

            folder = paths.month_dir(self.month, self.data_dir)
            self._facts = bulletin.facts(self.month, self.data_dir) if (folder / schema.FACTS_FILE).exists() else {}
        return self._facts

    def fact(self, key: str) -> object | None:
        """A stated figure, or None when not published or not in ``facts.csv``."""
        if not self.published(key):
            return None
        return self.facts().get(key)

    def omitted(self, item: str, title: str) -> Paragraph:
        return Paragraph(w.not_published(title, self.not_published.get(item, "")), note=True)


def dated(month: str, title: str) -> str:
    year, mon = w.month_parts(month)
    return f"{year}年{mon}月{title}"


def _num(text: str, strong: bool = False) -> Cell:
    return Cell(text, numeric=True, strong=strong)


def _bars(title: str, items: list[tuple[str, float, str]], unit: str) -> Bars | None:
    """A bar chart with alt text listing every bar; None with fewer than two bars to compare."""
    items = [(n, v, t) for n, v, t in items if not math.isnan(v)]
    if len(items) < 2:
        return None
    alt = f"条形图：{title}。" + "；".join(f"{n}：{t}{unit}" for n, _, t in items) + "。"
    return Bars(title, tuple(items), alt)


# ---------------------------------------------------------------- the sections


def hotline(d: MonthData) -> Section:
    title = dated(d.month, schema.TABLES["hotline_categories"].title)
    blocks: list[Block] = []
    cats = d.table("hotline_categories")
    categories = [] if cats is None else list(zip(cats["category"], cats["count"], strict=True))
    worded = [(n, d.revised("hotline_categories", (n,), "count", v)) for n, v in categories]
    text = w.hotline(d.month, d.worded_fact("hotline.total_calls"), worded,
                     d.worded_fact("hotline.city_12345_tickets"), d.worded_fact("hotline.province_12345_tickets"))
    if text:
        blocks.append(Paragraph(text))
    if cats is None:
        blocks.append(d.omitted("hotline_categories", "各类别受理量"))
    prov = d.table("province_calls")
    cities = [] if prov is None else [(c, d.revised("province_calls", (c,), "calls", v))
                                      for c, v in zip(prov["city"], prov["calls"], strict=True)]
    text = w.province(d.month, d.worded_fact("hotline.province_total_calls"), cities)
    if text:
        blocks.append(Paragraph(text))
    if prov is None:
        blocks.append(d.omitted("province_calls", "全省各市电话量"))
    chart = _bars("各类别受理量（个）", [(n, _float(v), w.count(v)) for n, v in categories], "个")
    if chart:
        blocks.append(chart)
    return Section(title, tuple(blocks))


def _float(x: object) -> float:
    return math.nan if w.missing(x) else float(x)


def appointments(d: MonthData) -> Section:
    decl = schema.TABLES["appointments"]
    title = dated(d.month, decl.title)
    frame = d.table("appointments")
    blocks: list[Block] = []
    if frame is None:
        blocks.append(d.omitted("appointments", decl.title))
    else:
        values = [c.name for c in decl.columns[1:]]
        header = (tuple(Cell(t) for t in ("序号", *(c.label for c in decl.columns))),)
        body = [
            (_num(str(i + 1)), Cell(str(row["hospital"])),
             *(_num(w.count(d.revised("appointments", (row["hospital"],), c, row[c]))) for c in values))
            for i, (_, row) in enumerate(frame.iterrows())
        ]
        totals = [_stated_or_sum(d, f"appointments.total.{c}", frame[c]) for c in values]
        body.append((Cell("合计", colspan=2, strong=True),
                     *(_num(w.count(d.revised_fact(f"appointments.total.{c}", t)), strong=True)
                       for c, t in zip(values, totals, strict=True))))
        blocks.append(Grid("appointments", title, (0.6, 3.2, 1.3, 1.1, 1.1, 1.0, 1.1), header, tuple(body)))
        channels = [(c.label, _float(t), w.count(t)) for c, t in zip(decl.columns[1:5], totals[:4], strict=True)]
        chart = _bars("各预约途径合计（次）", channels, "次")
        if chart:
            blocks.append(chart)
    cumulative = d.fact("appointments.cumulative_total")
    if cumulative is not None:
        worded = w.count(d.revised_fact("appointments.cumulative_total", cumulative))
        blocks.append(Paragraph(w.cumulative(d.month, "总预约挂号量为", f"{worded}次"), note=True))
    return Section(title, tuple(blocks))


def _stated_or_sum(d: MonthData, key: str, column: pd.Series, money: bool = False) -> object:
    """The total the bulletin states, else the sum of the rows (missing when every row is)."""
    stated = d.fact(key)
    if stated is not None:
        return stated
    present = [v for v in column if not w.missing(v)]
    if not present:
        return None
    return sum((w.money(v) for v in present), w.money(0)) if money else sum(int(v) for v in present)


def booking_channels(d: MonthData) -> Section:
    decl = schema.TABLES["booking_channels"]
    title = dated(d.month, decl.title)
    frame = d.table("booking_channels")
    if frame is None:
        return Section(title, (d.omitted("booking_channels", decl.title),))
    blocks: list[Block] = [Paragraph("（不含12320电话预约、医院诊间预约及医院自有途径的预约）", note=True)]
    rows = [(str(i + 1), str(r["channel"]), r["bookings"]) for i, (_, r) in enumerate(frame.iterrows())]
    half = (len(rows) + 1) // 2  # the bulletin prints two pairs a row: 1–half on the left
    pair = (Cell("序号"), Cell(decl.column("channel").label), Cell(decl.column("bookings").label))
    body = []
    def bookings(row: tuple[str, str, object]) -> Cell:
        return _num(w.count(d.revised("booking_channels", (row[1],), "bookings", row[2])))

    for i in range(half):
        cells = [_num(rows[i][0]), Cell(rows[i][1]), bookings(rows[i])]
        if i + half < len(rows):
            j = rows[i + half]
            cells += [_num(j[0]), Cell(j[1]), bookings(j)]
        else:  # an odd count leaves the last right-hand pair empty
            cells += [Cell(""), Cell(""), Cell("")]
        body.append(tuple(cells))
    total = _stated_or_sum(d, "booking_channels.total", frame["bookings"])
    body.append((Cell(f"合计：{w.count(d.revised_fact('booking_channels.total', total))}", colspan=6, strong=True),))
    blocks.append(Grid("booking_channels", title, (0.6, 2.6, 1.2, 0.6, 2.6, 1.2), (pair + pair,), tuple(body)))
    chart = _bars("各途径预约数量（次）", [(r[1], _float(r[2]), w.count(r[2])) for r in rows], "次")
    if chart:
        blocks.append(chart)
    return Section(title, tuple(blocks))


def telemedicine(d: MonthData) -> Section:
    decl = schema.TABLES["telemedicine"]
    title = dated(d.month, decl.title)
    frame = d.table("telemedicine")
    if frame is None:
        return Section(title, (d.omitted("telemedicine", "远程医疗各平台数据"),))
    top = d.table("telemedicine_top_uploaders")
    blocks: list[Block] = []
    order = [p for p in schema.TELEMEDICINE_PLATFORMS if p in set(frame["platform"])]
    for platform in order:
        rows = frame[frame["platform"] == platform]
        values = {k: v if k == "paused" else d.revised("telemedicine", (platform, k), "value", v)
                  for k, v in zip(rows["measure"], rows["value"], strict=True)}
        leaders = []
        if top is not None:
            t = top[top["platform"] == platform].sort_values("rank", kind="stable")
            leaders = [(h, d.revised("telemedicine_top_uploaders", (platform, r), "count", c))
                       for h, r, c in zip(t["hospital"], t["rank"], t["count"], strict=True)]
        blocks.append(Paragraph(w.telemedicine(d.month, platform, values, leaders)))
    if top is None:
        blocks.append(d.omitted("telemedicine_top_uploaders", "各平台本月数据上传量前三名"))
    return Section(title, tuple(blocks))


#: the two-row header of the district table: 健康档案累计上传总量 over its three parts
_EHR = ("ehr_basic", "ehr_hypertension", "ehr_diabetes")


def _platform_grid(d: MonthData, name: str) -> Grid | Paragraph:
    decl = schema.TABLES[name]
    frame = d.table(name)
    if frame is None:
        return d.omitted(name, decl.title)
    key = decl.columns[0].name
    plain = ("uploaded_tables", "records", "upload_days", "outpatient_visits", "discharges")
    ehr = [c for c in _EHR if c in decl.column_names]
    span = 2 if ehr else 1
    top = [Cell(decl.column(key).label, rowspan=span), Cell("申明上传表/规定上传表", rowspan=span)]
    top += [Cell(decl.column(c).label, rowspan=span) for c in plain]
    header: tuple[tuple[Cell, ...], ...]
    if ehr:
        top.append(Cell("健康档案累计上传总量", colspan=len(ehr)))
        header = (tuple(top), tuple(Cell(decl.column(c).label.split("·")[-1]) for c in ehr))
    else:
        header = (tuple(top),)
    body = []
    for _, row in frame.iterrows():
        unit = (row[key],)
        fraction = f"{w.count(row['declared_tables'])}/{w.count(row['required_tables'])}"
        if any(d.marks.cell(name, unit, c) for c in ("declared_tables", "required_tables")):
            fraction = revs.mark(fraction, True)
        cells = [Cell(str(row[key])), _num(fraction),
                 *(_num(w.count(d.revised(name, unit, c, row[c]))) for c in (*plain, *ehr))]
        body.append(tuple(cells))
    widths = (2.6, 1.5, 1.2, 1.4, 1.0, 1.3, 1.1, *(1.2 for _ in ehr))
    return Grid(name, dated(d.month, decl.title), widths, header, tuple(body))


def platform_districts(d: MonthData) -> Section:
    decl = schema.TABLES["platform_districts"]
    grid = _platform_grid(d, "platform_districts")
    return Section(dated(d.month, decl.title), (grid,))


def platform_hospitals(d: MonthData) -> Section:
    decl = schema.TABLES["platform_hospitals"]
    blocks: list[Block] = [_platform_grid(d, "platform_hospitals")]
    records = d.fact("platform.cumulative_records")
    if records is not None:
        worded = w.big(d.revised_fact("platform.cumulative_records", records))
        blocks.append(Paragraph(w.cumulative(d.month, "区及医院累计校验入库数据", f"{worded}条"), note=True))
    return Section(dated(d.month, decl.title), tuple(blocks))


def kiosks(d: MonthData) -> Section:
    decl = schema.TABLES["kiosks"]
    title = dated(d.month, decl.title)
    frame = d.table("kiosks")
    if frame is None:
        return Section(title, (d.omitted("kiosks", decl.title),))
    values = [c for c in decl.columns[2:]]
    header = ((Cell(decl.column("unit").label, colspan=2), *(Cell(c.label) for c in values)),)
    body = []

    def show(v: object, kind: str) -> str:
        return w.yuan(v) if kind == "money" else w.count(v)

    groups = list(dict.fromkeys(frame["group"]))  # printed order: 医疗单位 first, then 各区
    for group in groups:
        rows = frame[frame["group"] == group]
        label = schema.KIOSK_GROUP_LABELS.get(group, str(group))
        for i, (_, row) in enumerate(rows.iterrows()):
            cells = [Cell(label, rowspan=len(rows), vertical=True)] if i == 0 else []
            cells += [Cell(str(row["unit"])),
                      *(_num(show(d.revised("kiosks", (group, row["unit"]), c.name, row[c.name]), c.kind))
                        for c in values)]
            body.append(tuple(cells))
    totals = [_stated_or_sum(d, f"kiosks.total.{c.name}", frame[c.name], c.kind == "money") for c in values]
    body.append((Cell("合计", colspan=2, strong=True),
                 *(_num(show(d.revised_fact(f"kiosks.total.{c.name}", t), c.kind), strong=True)
                   for t, c in zip(totals, values, strict=True))))
    blocks: list[Block] = [Grid("kiosks", title, (0.5, 3.4, 0.9, 1.0, 1.6, 1.0, 1.7), header, tuple(body))]
    by_payment = frame.assign(_v=[_float(v) for v in frame["payment_yuan"]]).sort_values("_v", ascending=False)
    top = [(str(r["unit"]), r["_v"], w.yuan(r["payment_yuan"])) for _, r in by_payment.head(10).iterrows()]
    chart = _bars("缴费金额前十的单位（元）", top, "元")
    if chart:
        blocks.append(chart)
    return Section(title, tuple(blocks))


SECTIONS = (hotline, appointments, booking_channels, telemedicine, platform_districts, platform_hospitals, kiosks)


def build(month: str, data_dir: str | Path | None = None) -> Document:
    """The month's statistics part as a :class:`Document`, in the bulletin's order."""
    return build_from(MonthData.read(month, data_dir))


def build_from(d: MonthData) -> Document:
    """:func:`build` from month data already read (the writers share one read)."""
    year, mon = w.month_parts(d.month)
    sections = [s(d) for s in SECTIONS]
    subtitle = f"{year}年{mon}月"
    if d.revisions:
        subtitle += f"（{d.revisions[-1].date_label}修订，标 {revs.MARK} 的数字为修订后的数字）"
        sections.append(revision_section(d))
    return Document(d.month, f"{TITLE}（{year}年{mon}月）", subtitle, tuple(sections))


def revision_section(d: MonthData) -> Section:
    """修订说明: that the month was revised, and when, why and what each revision changed."""
    blocks: list[Block] = [Paragraph(revs.notice(d.month, d.revisions))]
    for rev in d.revisions:
        why = f"修订原因：{rev.reason}。" if rev.reason else ""
        changes = "；".join(c.text() for c in rev.changes)
        blocks.append(Paragraph(f"第{rev.number}次修订（{rev.date_label}）。{why}修订内容：{changes}。"))
    return Section("修订说明", tuple(blocks))
