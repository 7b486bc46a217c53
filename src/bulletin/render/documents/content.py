"""A month's statistics part as a :class:`~.model.Document`: sections, prose, printed tables, charts.

Everything is read from the loaded month (:class:`bulletin.data.loaded_month.Month`, each file once) and
computed by the sections' own functions: the headline figures are each section's ``headlines(m)``
(the page's figures, in a first chapter 本月要点), and every 合计 is
:func:`bulletin.core.schema.table_total` (the stated total when the bulletin printed it, else the exact
``Decimal`` sum of the rows), so a figure is one number in the pages, the PDF, the Word file, the
workbook and the data package. Figures are worded in the printed style (:mod:`bulletin.style.fmt.printed`).

A table or fact the bulletin did not print that month is replaced by one line saying so. Any
number of rows works, none included. In a revised month every figure a revision edited reads
``1819 [r]`` (tables and prose alike), the subtitle gives the day of the latest revision and a last
section, 修订说明, says when, why and what each revision edited.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin.core import schema
from bulletin.core.comparisons import Basis
from bulletin.core.errors import BulletinDataError
from bulletin.core.missing import NoFigure, key_text
from bulletin.core.month_strings import is_month, month_label
from bulletin.data import demo
from bulletin.data import revisions as revs
from bulletin.render.documents import model
from bulletin.render.documents import wording as w
from bulletin.render.documents.model import Bars, Block, Cell, Chapter, Document, Grid, Paragraph
from bulletin.style.fmt import is_missing, printed

if TYPE_CHECKING:
    import pandas as pd

    from bulletin.data.loaded_month import Month
    from bulletin.sections import Section

#: the document's title as the bulletin names its statistics part
TITLE = f"{model.BULLETIN}·统计数据"


def read_month(month: str, data_dir: str | Path | None = None) -> Month:
    """The loaded month the documents are written from.

    Raises :class:`BulletinDataError` (one line) for a malformed month or one without a folder.
    """
    from bulletin.data.loaded_month import Month

    if not is_month(month):
        raise BulletinDataError("not a month", column="month", value=month, expected="YYYY-MM")
    return Month(month, data_dir)


def table(m: Month, name: str, exact: bool = False) -> pd.DataFrame | None:
    """Table ``name`` (money ``Decimal`` when ``exact``), or None when the month's record says the
    bulletin did not print it. A missing file without that record raises, as any missing input does."""
    if name in m.not_published:
        return None
    return m.exact(name) if exact else m.table(name)


def facts(m: Month) -> dict[str, object]:
    """The month's stated figures, exact (money ``Decimal``); ``{}`` without ``facts.csv``."""
    return dict(m.exact_facts) if (m.folder / schema.FACTS_FILE).exists() else {}


def fact(m: Month, key: str) -> object | None:
    """A stated figure (exact), or None when not published or not in ``facts.csv``."""
    return None if key in m.not_published else facts(m).get(key)


def revised(m: Month, name: str, key: tuple[object, ...], column: str, value: object) -> object:
    """``value``, wrapped as :class:`~bulletin.style.fmt.printed.Revised` (worded with ``[r]``) when a revision
    changed it; a missing figure the bulletin printed as a sign (—, …) as that sign
    (:class:`~bulletin.core.missing.NoFigure`), as 未反馈 reads 未反馈."""
    value = as_printed(m, name, key, column, value)
    return printed.Revised(value) if m.revised.cell(name, key, column) else value


def as_printed(m: Month, name: str, key: tuple[object, ...], column: str, value: object) -> object:
    """``value``; a missing one the bulletin printed as a sign (—, …) as a :class:`~bulletin.core.missing.NoFigure`."""
    if is_missing(value):
        sign = m.signs(name).get((key_text(key), column))
        if sign is not None:
            return NoFigure(sign)
    return value


def revised_fact(m: Month, key: str, value: object) -> object:
    """A stated figure (or a total standing for it), wrapped as :class:`~bulletin.style.fmt.printed.Revised`
    when a revision edited it."""
    return printed.Revised(value) if value is not None and m.revised.fact(key) else value


def stated(m: Month, key: str, fact_key: str | None = None, unit: bool = True) -> str | None:
    """A declared figure of the month (:mod:`bulletin.sections.model`, by its key) as the prose
    and the printed tables print it: its value and its wording, unit, form and precision, all the
    model's (``59507个``, ``49.3亿条``; a 合计 cell without its unit, ``51460109.85``, when not
    ``unit``), `` [r]`` after the number when a revision edited it (the stated figure
    ``fact_key``, the figure's own key by default). None when the month lacks it (not published)."""
    from bulletin.sections import model as declared

    value = declared.value_of(m, key)
    if value is None:
        return None
    return declared.worded(key, revised_fact(m, fact_key or key, value), unit=unit)


def omitted(m: Month, item: str, title: str) -> Paragraph:
    return Paragraph(w.not_published(title, m.not_published.get(item, "")), note=True)


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
    return Bars(title, tuple(items), alt, unit)


# ---------------------------------------------------------------- the chapters


def hotline(m: Month) -> Chapter:
    title = dated(m.month, schema.TABLES["hotline_categories"].title)
    blocks: list[Block] = []
    cats = table(m, "hotline_categories")
    categories = [] if cats is None else list(zip(cats["category"], cats["count"], strict=True))
    worded = [(n, revised(m, "hotline_categories", (n,), "count", v)) for n, v in categories]
    text = w.hotline(m.month, stated(m, "hotline.total_calls"), worded,
                     stated(m, "hotline.city_12345_tickets"), stated(m, "hotline.province_12345_tickets"))
    if text:
        blocks.append(Paragraph(text))
    if cats is None:
        blocks.append(omitted(m, "hotline_categories", "各类别受理量"))
    prov = table(m, "province_calls")
    cities = [] if prov is None else [(c, revised(m, "province_calls", (c,), "calls", v))
                                      for c, v in zip(prov["city"], prov["calls"], strict=True)]
    text = w.province(m.month, stated(m, "hotline.province_total_calls"), cities)
    if text:
        blocks.append(Paragraph(text))
    if prov is None:
        blocks.append(omitted(m, "province_calls", "全省各市电话量"))
    chart = _bars("各类别受理量（个）", [(n, _float(v), printed.count(v)) for n, v in categories], "个")
    if chart:
        blocks.append(chart)
    return Chapter(title, tuple(blocks))


def _float(x: object) -> float:
    return math.nan if is_missing(x) else float(x)


def appointments(m: Month) -> Chapter:
    decl = schema.TABLES["appointments"]
    title = dated(m.month, decl.title)
    frame = table(m, "appointments")
    blocks: list[Block] = []
    if frame is None:
        blocks.append(omitted(m, "appointments", decl.title))
    else:
        values = [c.name for c in decl.columns[1:]]
        header = (tuple(Cell(t) for t in ("序号", *(c.label for c in decl.columns))),)
        body = [
            (_num(str(i + 1)), Cell(str(row["hospital"])),
             *(_num(printed.count(revised(m, "appointments", (row["hospital"],), c, row[c]))) for c in values))
            for i, (_, row) in enumerate(frame.iterrows())
        ]
        row = m.total_row("appointments")  # the 合计 the sections show: computed there only
        totals = [row[c] for c in values]

        def total(column: str, value: object) -> Cell:
            # the 小计 is a declared figure (appointments.total): its value and wording are the model's
            said = None if column != "total" else stated(m, "appointments.total", "appointments.total.total",
                                                          unit=False)
            return _num(said or printed.count(revised_fact(m, f"appointments.total.{column}", value)), strong=True)

        body.append((Cell("合计", colspan=2, strong=True), *(total(c, t) for c, t in zip(values, totals, strict=True))))
        blocks.append(Grid("appointments", title, (0.6, 3.2, 1.3, 1.1, 1.1, 1.0, 1.1), header, tuple(body)))
    cumulative = stated(m, "appointments.cumulative_total")
    if cumulative is not None:  # under its table, as the bulletin prints it (before the chart)
        blocks.append(Paragraph(w.cumulative(m.month, "总预约挂号量为", cumulative), note=True))
    if frame is not None:
        channels = [(c.label, _float(t), printed.count(t)) for c, t in zip(decl.columns[1:5], totals[:4], strict=True)]
        chart = _bars("各预约途径合计（次）", channels, "次")
        if chart:
            blocks.append(chart)
    return Chapter(title, tuple(blocks))


def booking_channels(m: Month) -> Chapter:
    decl = schema.TABLES["booking_channels"]
    title = dated(m.month, decl.title)
    frame = table(m, "booking_channels")
    if frame is None:
        return Chapter(title, (omitted(m, "booking_channels", decl.title),))
    from bulletin.sections import model as declared

    blocks: list[Block] = [Paragraph(declared.qualifier("booking_channels"), note=True)]  # the printed words
    rows = [(str(i + 1), str(r["channel"]), r["bookings"]) for i, (_, r) in enumerate(frame.iterrows())]
    half = (len(rows) + 1) // 2  # the bulletin prints two pairs a row: 1–half on the left
    pair = (Cell("序号"), Cell(decl.column("channel").label), Cell(decl.column("bookings").label))
    body = []
    def bookings(row: tuple[str, str, object]) -> Cell:
        return _num(printed.count(revised(m, "booking_channels", (row[1],), "bookings", row[2])))

    for i in range(half):
        cells = [_num(rows[i][0]), Cell(rows[i][1]), bookings(rows[i])]
        if i + half < len(rows):
            j = rows[i + half]
            cells += [_num(j[0]), Cell(j[1]), bookings(j)]
        else:  # an odd count leaves the last right-hand pair empty
            cells += [Cell(""), Cell(""), Cell("")]
        body.append(tuple(cells))
    total = stated(m, "booking_channels.total", unit=False)  # a declared figure: the model's value and words
    body.append((Cell(f"合计：{total or printed.NOT_REPORTED}", colspan=6, strong=True),))
    blocks.append(Grid("booking_channels", title, (0.6, 2.6, 1.2, 0.6, 2.6, 1.2), (pair + pair,), tuple(body)))
    chart = _bars("各途径预约数量（次）", [(r[1], _float(r[2]), printed.count(r[2])) for r in rows], "次")
    if chart:
        blocks.append(chart)
    return Chapter(title, tuple(blocks))


def telemedicine(m: Month) -> Chapter:
    decl = schema.TABLES["telemedicine"]
    title = dated(m.month, decl.title)
    frame = table(m, "telemedicine")
    if frame is None:
        return Chapter(title, (omitted(m, "telemedicine", "远程医疗各平台数据"),))
    top = table(m, "telemedicine_top_uploaders")
    blocks: list[Block] = []
    order = [p for p in schema.TELEMEDICINE_PLATFORMS if p in set(frame["platform"])]
    for platform in order:
        rows = frame[frame["platform"] == platform]
        values = {k: v if k == "paused" else revised(m, "telemedicine", (platform, k), "value", v)
                  for k, v in zip(rows["measure"], rows["value"], strict=True)}
        leaders = []
        if top is not None:
            t = top[top["platform"] == platform].sort_values("rank", kind="stable")
            leaders = [(h, revised(m, "telemedicine_top_uploaders", (platform, r), "count", c))
                       for h, r, c in zip(t["hospital"], t["rank"], t["count"], strict=True)]
        said = {k: str(n) for k, n in zip(rows["measure"], rows["note"], strict=True) if not is_missing(n)}
        blocks.append(Paragraph(w.telemedicine(m.month, platform, values, leaders, said,
                                               _platform_figures(m, platform, list(rows["measure"])))))
    if top is None:
        blocks.append(omitted(m, "telemedicine_top_uploaders", "各平台本月数据上传量前三名"))
    return Chapter(title, tuple(blocks))


def _platform_figures(m: Month, platform: str, measures: list[str]) -> dict[str, str]:
    """The platform's declared figures (``telemedicine.ecg_cases.<platform>`` …: the month's volumes,
    the cumulative consultations) worded by the model, value and unit: measure → ``33472份``
    (`` [r]`` when a revision edited it). A measure no declaration holds is not among them."""
    from bulletin.sections import model as declared

    out = {}
    for measure in measures:
        key = f"telemedicine.{measure}.{platform}"
        try:
            value = declared.value_of(m, key)
        except KeyError:  # a structural count (institutions, cities): not a declared figure
            continue
        if value is not None:
            changed = m.revised.cell("telemedicine", (platform, measure), "value")
            out[measure] = declared.worded(key, printed.Revised(value) if changed else value)
    return out


#: the two-row header of the district table: 健康档案累计上传总量 over its three parts
_EHR = ("ehr_basic", "ehr_hypertension", "ehr_diabetes")


def _platform_grid(m: Month, name: str) -> Grid | Paragraph:
    decl = schema.TABLES[name]
    frame = table(m, name)
    if frame is None:
        return omitted(m, name, decl.title)
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
        declared, required = (printed.count(as_printed(m, name, unit, c, row[c]))
                              for c in ("declared_tables", "required_tables"))
        fraction = f"{declared}/{required}"
        if any(m.revised.cell(name, unit, c) for c in ("declared_tables", "required_tables")):
            fraction = revs.mark(fraction, True)
        cells = [Cell(str(row[key])), _num(fraction),
                 *(_num(printed.count(revised(m, name, unit, c, row[c]))) for c in (*plain, *ehr))]
        body.append(tuple(cells))
    widths = (2.6, 1.5, 1.2, 1.4, 1.0, 1.3, 1.1, *(1.2 for _ in ehr))
    return Grid(name, dated(m.month, decl.title), widths, header, tuple(body))


def platform_districts(m: Month) -> Chapter:
    decl = schema.TABLES["platform_districts"]
    grid = _platform_grid(m, "platform_districts")
    return Chapter(dated(m.month, decl.title), (grid,))


def platform_hospitals(m: Month) -> Chapter:
    decl = schema.TABLES["platform_hospitals"]
    blocks: list[Block] = [_platform_grid(m, "platform_hospitals")]
    records = stated(m, "platform.cumulative_records")  # 49.3亿条: the form the model declares
    if records is not None:
        blocks.append(Paragraph(w.cumulative(m.month, "区及医院累计校验入库数据", records), note=True))
    return Chapter(dated(m.month, decl.title), tuple(blocks))


def kiosks(m: Month) -> Chapter:
    decl = schema.TABLES["kiosks"]
    title = dated(m.month, decl.title)
    frame = table(m, "kiosks", exact=True)  # money to the fen, as the 合计 is summed
    if frame is None:
        return Chapter(title, (omitted(m, "kiosks", decl.title),))
    values = [c for c in decl.columns[2:]]
    header = ((Cell(decl.column("unit").label, colspan=2), *(Cell(c.label) for c in values)),)
    body = []

    def show(v: object, kind: str) -> str:
        return printed.yuan(v) if kind == "money" else printed.count(v)

    groups = list(dict.fromkeys(frame["group"]))  # printed order: 医疗单位 first, then 各区
    for group in groups:
        rows = frame[frame["group"] == group]
        label = schema.KIOSK_GROUP_LABELS.get(group, str(group))
        for i, (_, row) in enumerate(rows.iterrows()):
            cells = [Cell(label, rowspan=len(rows), vertical=True)] if i == 0 else []
            cells += [Cell(str(row["unit"])),
                      *(_num(show(revised(m, "kiosks", (group, row["unit"]), c.name, row[c.name]), c.kind))
                        for c in values)]
            body.append(tuple(cells))
    # the 合计 row: each cell a declared figure (kiosks.payment_yuan …: Month.total_row computes it),
    # its value and its wording the model's
    body.append((Cell("合计", colspan=2, strong=True),
                 *(_num(stated(m, f"kiosks.{c.name}", f"kiosks.total.{c.name}", unit=False) or printed.NOT_REPORTED,
                        strong=True) for c in values)))
    blocks: list[Block] = [Grid("kiosks", title, (0.5, 3.4, 0.9, 1.0, 1.6, 1.0, 1.7), header, tuple(body))]
    # like units ranked together: the hospitals (the table's first group), never a district among them
    hospitals = frame[frame["group"] == "hospital"]
    by_payment = hospitals.assign(_v=[_float(v) for v in hospitals["payment_yuan"]]).sort_values("_v", ascending=False)
    top = [(str(r["unit"]), r["_v"], printed.yuan(r["payment_yuan"])) for _, r in by_payment.head(10).iterrows()]
    chart = _bars(f"缴费金额前十的{schema.KIOSK_GROUP_LABELS['hospital']}（元）", top, "元")
    if chart:
        blocks.append(chart)
    return Chapter(title, tuple(blocks))


#: the title of the first chapter, the headline figures
HEADLINES_TITLE = "本月要点"


def section_headlines(m: Month, sec: Section) -> pd.DataFrame:
    """``sec``'s own ``headlines(m)``, computed once per loaded month (the headline table, its keys
    and each comparison read them for the month and its base months; every writer reads them)."""
    return m.derived(f"headlines.{sec.name}", lambda: sec.module.headlines(m))


def headline_rows(m: Month) -> list[tuple[str, str, object, str]]:
    """Every section's headline figures, as the pages show them: ``(section title, label, value,
    unit)`` from each section's own ``headlines(m)``, in the sections' order. A section whose
    headlines cannot be computed this month (a table or fact the bulletin did not print) is left
    out, as the month's digest leaves it out (:func:`bulletin.history.compute`)."""
    from bulletin.sections import with_headlines

    rows = []
    for sec in with_headlines():
        try:
            frame = section_headlines(m, sec)
        except (BulletinDataError, KeyError):
            continue
        for label, value, unit in zip(frame["label"], frame["value"], frame["unit"], strict=True):
            rows.append((sec.title, str(label), value, str(unit)))
    return rows


@dataclass(frozen=True)
class Compared:
    """One declared comparison of the month's headlines (:data:`bulletin.core.comparisons.COMPARISONS`)
    whose base month is in the data: per headline, by the figure's key (:mod:`bulletin.sections.model`,
    so a figure relabelled since still compares), the base month's figure, the change, the change
    as a fraction of the base, and whether the figure is in both months (a figure declared not
    comparable, a share, has no entry)."""

    basis: Basis
    base: str  # the base month, YYYY-MM
    rows: dict[str, tuple[object, object, float, str]]

    def worded(self, key: str, unit: str) -> str:
        """The change beside a headline as printed (``+9507（+19.0%）``, 新增), ``""`` for a share."""
        from bulletin.sections.compare import NEW, PRESENCE_TEXT

        found = self.rows.get(key)
        if found is None:
            return ""
        _, change, ratio, presence = found
        if presence == NEW:
            return PRESENCE_TEXT[NEW]
        return printed.change(change, ratio, money=unit == "元")


def compared(m: Month) -> list[Compared]:
    """The month's headlines (:func:`headline_rows`) against each declared comparison whose base
    month is in the data (the month before: 环比; the same month a year earlier: 同比), in their
    order; ``[]`` when neither is there, and then no output shows a comparison."""
    import pandas as pd

    from bulletin.sections.compare import headline_changes

    def frame_of(month: Month) -> pd.DataFrame:
        rows = headline_rows(month)
        return pd.DataFrame({"key": headline_keys(month), "value": [v for _, _, v, _ in rows],
                             "unit": [u for *_, u in rows]}, dtype=object)

    out = []
    for basis, base, frame in headline_changes(m, frame_of):
        rows = {k: (p, c, r, pr) for k, p, c, r, pr in zip(frame["key"], frame["previous"], frame["change"],
                                                              frame["change_pct"], frame["presence"], strict=True)
                if pr != "gone"}
        out.append(Compared(basis, base.month, rows))
    return out


def headline_keys(m: Month) -> list[str]:
    """The keys of :func:`headline_rows`, row for row (:mod:`bulletin.sections.model`)."""
    from bulletin.sections import with_headlines

    keys = []
    for sec in with_headlines():
        try:
            keys.extend(str(k) for k in section_headlines(m, sec)["key"])
        except (BulletinDataError, KeyError):
            continue
    return keys


def printed_figure(value: object, unit: str, key: str) -> str:
    """A headline as printed, with its unit, in the form declared for ``key``: ``59507个``,
    ``34.0%``, ``51460109.85元``, ``49.3亿条``."""
    from bulletin.sections import model

    return model.text(value, unit, style="printed", key=key)


def headlines(m: Month) -> Chapter:
    """本月要点: every section's headline figures (the figures the month's pages show), one table."""
    rows = headline_rows(m)
    title = dated(m.month, HEADLINES_TITLE)
    if not rows:
        return Chapter(title, (Paragraph("（本月没有可列出的主要指标）", note=True),))
    against = compared(m)  # 环比, 同比: a column each whose base month is in the data
    header = ((Cell("板块"), Cell("指标"), Cell("本月"),
               *(Cell(c.basis.change_label) for c in against)),)
    body = []
    keys = headline_keys(m)
    for i, ((section, label, value, unit), key) in enumerate(zip(rows, keys, strict=True)):
        lead = (Cell(section, rowspan=_run(rows, i)),) if i == 0 or rows[i - 1][0] != section else ()
        body.append((*lead, Cell(label), _num(printed_figure(value, unit, key)),
                     *(_num(c.worded(key, unit)) for c in against)))
    # with comparisons, widths from the widest content at the tables' 8 pt (cm, as the PDF and
    # LibreOffice lay out the Word file): the longest label (26 characters) and 51460109.85元 on one
    # line; the 板块 wraps first when both comparisons are shown
    wide = len(against) > 1
    widths = (1.6, 3.6, 1.6) if not against else (1.4 if wide else 3.0, 8.0, 2.6, *((2.8 if wide else 3.0)
                                                                                  for _ in against))
    blocks: list[Block] = [Grid("headlines", title, widths, header, tuple(body))]
    if against:  # which month each comparison is with, under the table (the headers stay short)
        blocks.append(Paragraph(compared_note(against), note=True))
    from bulletin.sections import model as declared

    said = declared.notes((k, label, v, u) for k, (_, label, v, u) in zip(keys, rows, strict=True))
    blocks.extend(Paragraph(f"注：{line}", note=True) for line in said)
    return Chapter(title, tuple(blocks))


def compared_note(against: list[Compared]) -> str:
    """``（环比：与上月（2020年1月）比较；同比：与上年同月（2019年2月）比较。占比不作比较。）``"""
    said = "；".join(f"{c.basis.name}：与{c.basis.label}（{month_label(c.base)}）比较" for c in against)
    return f"（{said}。占比不作比较。）"


def _run(rows: list[tuple[str, str, object, str]], start: int) -> int:
    """How many rows from ``start`` on belong to the same section (its label's row span)."""
    n = 0
    while start + n < len(rows) and rows[start + n][0] == rows[start][0]:
        n += 1
    return n


CHAPTERS = (headlines, hotline, appointments, booking_channels, telemedicine, platform_districts,
            platform_hospitals, kiosks)


def build(month: str, data_dir: str | Path | None = None) -> Document:
    """The month's statistics part as a :class:`Document`, in the bulletin's order."""
    return build_from(read_month(month, data_dir))


def build_from(m: Month) -> Document:
    """:func:`build` from month data already read (the writers share one read)."""
    year, mon = w.month_parts(m.month)
    chapters = [chapter(m) for chapter in CHAPTERS]
    subtitle = f"{year}年{mon}月"
    if m.revisions:
        subtitle += f"（{m.revisions[-1].date_label}修订，标 {revs.MARK} 的数字为修订后的数字）"
        chapters.append(revision_chapter(m))
    colophon = model.colophon(m.month, m.revisions[-1].date_label if m.revisions else "")
    signs = sorted({sign for name in schema.TABLES if m.has(name) for sign in m.signs(name).values()})
    if m.synthetic:  # a demonstration: the title, the subtitle and the colophon's first line say so
        subtitle += f" · {demo.MARK}"
        colophon = (demo.NOTICE, *colophon)
    return Document(m.month, f"{TITLE}（{year}年{mon}月）{demo.suffix(m.synthetic)}", subtitle, tuple(chapters),
                    colophon, (model.NOT_REPORTED_TERM, *(model.no_figure_term(sign) for sign in signs)))


def revision_chapter(m: Month) -> Chapter:
    """修订说明: that the month was revised, and when, why and what each revision edited."""
    blocks: list[Block] = [Paragraph(revs.notice(m.month, m.revisions))]
    for rev in m.revisions:
        why = f"修订原因：{rev.reason}。" if rev.reason else ""
        edits = "；".join(c.text() for c in rev.edits)
        blocks.append(Paragraph(f"第{rev.number}次修订（{rev.date_label}）。{why}修订内容：{edits}。"))
    return Chapter("修订说明", tuple(blocks))
