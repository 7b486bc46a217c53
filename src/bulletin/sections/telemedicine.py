"""远程医疗: the four telemedicine platforms side by side, and the top uploaders.

The ``telemedicine`` table is long (one row per platform and measure, only the measures the
bulletin states for that platform); this module turns it into one row per platform. A measure a
platform does not report stays missing (``<NA>``), never 0. What the bulletin prints beside a
figure (its ``note``: 未通过平台申请的会诊未统计在内, the cities connected, what 覆盖 covers, why a
platform paused) is shown next to that figure in every view (:func:`notes`, :func:`with_note`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.figure import Figure

from .. import charts, fmt
from ..comparisons import MONTH_ON_MONTH, Basis
from ..schema import TELEMEDICINE_MEASURES, TELEMEDICINE_PLATFORMS
from . import compare, model, needs

if TYPE_CHECKING:
    from ..loaded_month import Month

#: the month's own volumes (the other measures are cumulative or structural)
VOLUME_MEASURES = ("ecg_cases", "consultations", "lab_reports", "specimens_routed", "monthly_volume")

#: measures describing who is connected (counts of institutions, cities, districts)
REACH_MEASURES = tuple(m for m in TELEMEDICINE_MEASURES if m.startswith("institutions")) + (
    "cities_connected",
    "districts_covered",
)

STATUS_RUNNING = "运行"
STATUS_PAUSED = "暂停"


def short_name(platform: str) -> str:
    """``南京市远程心电监测诊断平台`` → ``心电监测诊断``: for chart axes where space is short."""
    return platform.removeprefix("南京市远程").removesuffix("平台")


def measure_label(measure: str) -> str:
    """Chinese label of a measure code, with its unit: ``本月采集心电病例（份）``."""
    label, unit = TELEMEDICINE_MEASURES[measure]
    return f"{label}（{unit}）" if unit else label


def notes(m: Month) -> dict[tuple[str, str], str]:
    """(platform, measure) → the qualifier the bulletin prints beside that figure, verbatim; figures
    printed bare are not in it."""
    long = m.table("telemedicine")
    return {(p, k): str(n) for p, k, n in zip(long["platform"], long["measure"], long["note"], strict=True)
            if not pd.isna(n)}


def with_note(text: str, note: str | None) -> str:
    """A figure as shown with the bulletin's qualifier right after it: ``109（未通过平台申请的会诊未统计在内）``."""
    return f"{text}（{note}）" if note else text


def platforms(m: Month) -> pd.DataFrame:
    """One row per platform (in the bulletin's order), one column per measure code, plus ``status``.

    Measures a platform does not state are ``<NA>``. ``status`` is 暂停 when the platform's
    ``paused`` measure is 1, else 运行. Only measures stated for at least one platform are kept.
    Derived once per loaded month (:func:`bulletin.sections.model.derived`); a copy.
    """
    return model.derived(m, "telemedicine.platforms", lambda: _platforms(m))


def _platforms(m: Month) -> pd.DataFrame:
    long = m.table("telemedicine")
    wide = long.pivot(index="platform", columns="measure", values="value")
    # the usual platforms in their order, then any other the bulletin prints, in its printed order
    order = [p for p in TELEMEDICINE_PLATFORMS if p in wide.index]
    order += [p for p in dict.fromkeys(long["platform"]) if p not in order]
    measures = [m for m in TELEMEDICINE_MEASURES if m in wide.columns]
    wide = wide.reindex(index=order, columns=measures).astype("Int64")
    wide.columns.name = None
    paused = wide["paused"].fillna(0).eq(1) if "paused" in wide else pd.Series(False, index=wide.index)
    wide["status"] = paused.map({True: STATUS_PAUSED, False: STATUS_RUNNING}).astype("string")
    return wide.drop(columns=["paused"], errors="ignore")


def overview(m: Month) -> pd.DataFrame:
    """The side-by-side view: measures as rows (Chinese labels with units), platforms as columns.

    The last row is the status (运行/暂停). Cells a platform does not state are ``<NA>``.
    """
    wide = platforms(m)
    measures = [m for m in wide.columns if m != "status"]
    body = wide[measures].T.astype(object)
    body.index = [measure_label(m) for m in measures]
    status = pd.DataFrame([wide["status"].astype(object).to_list()], index=["运行状态"], columns=wide.index)
    out = pd.concat([body, status])
    out.columns = list(wide.index)
    out.index.name = "指标"
    return out


def volumes(m: Month) -> pd.DataFrame:
    """The month's volumes: ``platform``, ``measure``, ``label``, ``value``, ``status`` (one row each).

    A paused platform states no volume; it is listed with ``value`` missing so that a reader sees it.
    """
    wide = platforms(m)
    said = notes(m)
    rows = []
    for platform, row in wide.iterrows():
        stated = [k for k in VOLUME_MEASURES if k in wide.columns and not pd.isna(row[k])]
        if not stated:
            # a paused platform: the bulletin's own sentence, with its reason, where it prints one
            paused = said.get((platform, "paused"), "暂停数据采集及服务")
            note = paused if row["status"] == STATUS_PAUSED else "本月未单列当月数量"
            rows.append((platform, None, note, pd.NA, row["status"]))
        for k in stated:
            rows.append((platform, k, with_note(measure_label(k), said.get((platform, k))), row[k], row["status"]))
    out = pd.DataFrame(rows, columns=["platform", "measure", "label", "value", "status"])
    out["value"] = out["value"].astype("Int64")
    return out


def paused_count(m: Month) -> int:
    """How many platforms paused data collection and service this month (the one way it is counted)."""
    return int(platforms(m)["status"].eq(STATUS_PAUSED).sum())


def _measures(measures: tuple[str, ...]):
    """Each platform's stated figure of ``measures``, the qualifier printed beside it kept in its
    label (it is part of what the figure counts)."""

    def each(m: Month) -> list[tuple[str, str, object]]:
        wide = platforms(m)
        said = notes(m)
        out = []
        for measure in measures:
            label = TELEMEDICINE_MEASURES[measure][0]
            for platform in wide.index:
                if measure in wide.columns and not pd.isna(wide.at[platform, measure]):
                    named = with_note(f"{short_name(platform)}·{label}", said.get((platform, measure)))
                    out.append((platform, named, int(wide.at[platform, measure])))
        return out

    return each


#: what the section prints and derives, each figure once (:mod:`bulletin.sections.model`); a
#: platform's measures have their own units (例, 份, 人次): one family per measure
FIGURES: tuple[model.Declared, ...] = (
    *(model.Figures(f"telemedicine.{measure}", f"{{}}·{TELEMEDICINE_MEASURES[measure][0]}",
                    TELEMEDICINE_MEASURES[measure][1], _measures((measure,)), ("telemedicine",))
      for measure in (*VOLUME_MEASURES, "consultations_cumulative")),
    model.Figure("telemedicine.paused", "暂停服务的平台数", "个", paused_count, ("telemedicine",), model.COMPUTED,
                 rule="计算所得：公报写明暂停的平台个数"),
)
#: the tables the section prints
TABLES = (model.TableDecl("telemedicine"), model.TableDecl("telemedicine_top_uploaders"))


def headlines(m: Month) -> pd.DataFrame:
    """The section's key figures (:data:`FIGURES`): each platform's month volumes and cumulative
    consultations (a qualifier printed beside the figure in its label), and the number of
    platforms paused: ``label``, ``value``, ``unit``, ``key``."""
    return model.headlines(m, FIGURES)


def top_uploaders(m: Month) -> pd.DataFrame:
    """The top uploaders per platform (as printed), with their share of the platform's month volume.

    The volume is the platform's first stated month measure (心电: 病例, 临检: 检验报告); ``share`` is
    missing when the platform states none.
    """
    top = m.table("telemedicine_top_uploaders").copy()
    wide = platforms(m)
    base = {}
    for platform in wide.index:
        for m in ("ecg_cases", "lab_reports"):
            if m in wide.columns and not pd.isna(wide.at[platform, m]):
                base[platform] = int(wide.at[platform, m])
                break
    volume = top["platform"].map(base)
    top["share"] = (top["count"].astype("Float64") / volume.astype("Float64")).astype("Float64")
    return top.reset_index(drop=True)


def unit_values(m: Month) -> pd.DataFrame:
    """Every stated figure per platform in long form (``platform``, ``measure``, ``label``, ``value``):
    the unit-level view used for month-on-month comparison."""
    long = m.table("telemedicine")
    long = long[long["measure"] != "paused"].copy()
    long["label"] = long["measure"].map(measure_label)
    return long.reset_index(drop=True)


def _figures(m: Month) -> pd.DataFrame:
    """Every stated figure per platform (``label`` ``平台简称·指标``) and the number of paused
    platforms (``value``): the platforms are the section's units and their figures its headline
    figures, so one comparison covers both."""
    v = unit_values(m)
    said = notes(m)  # a figure's qualifier stays beside it here too (the same labels as the headlines)
    names = [with_note(f"{short_name(p)}·{TELEMEDICINE_MEASURES[k][0]}", said.get((p, k)))
             for p, k in zip(v["platform"], v["measure"], strict=True)]
    return pd.DataFrame({"label": [*names, "暂停服务的平台数"], "value": [*v["value"], paused_count(m)]}, dtype=object)


def changes(m: Month, basis: Basis = MONTH_ON_MONTH) -> pd.DataFrame | None:
    """:func:`headlines` against the base month of ``basis`` (环比 by default, or 同比: ``None`` when
    that month is not in the data)."""
    return compare.changes(m, headlines, basis)


# ---------------------------------------------------------------- views (formatted for readers)


@needs(["telemedicine"])
def overview_view(m: Month) -> pd.DataFrame:
    """:func:`overview` for readers: counts with separators, — where a platform states nothing, and
    each qualifier the bulletin prints beside a figure right after it (``4（南京市、马鞍山市、镇江市和扬州市）``;
    a paused platform's status with the sentence giving the reason)."""
    view = overview(m)
    out = view.map(lambda v: v if isinstance(v, str) else fmt.count(v, na=fmt.UNDEFINED))
    said = notes(m)
    codes = [c for c in platforms(m).columns if c != "status"]
    for j, platform in enumerate(view.columns):
        for i, code in enumerate(codes):
            out.iat[i, j] = with_note(out.iat[i, j], said.get((platform, code)))
        out.iat[len(codes), j] = with_note(out.iat[len(codes), j], said.get((platform, "paused")))
    if m.revised:  # rows are measures, columns platforms: a figure a revision changed reads 1,234 [r]
        for i, code in enumerate(codes):
            for j, platform in enumerate(view.columns):
                out.iat[i, j] = fmt.mark(out.iat[i, j], m.revised.cell("telemedicine", (platform, code), "value"))
    out.columns = [short_name(p) + "平台" for p in view.columns]
    out.index.name = None
    return out


@needs(["telemedicine"])
def volumes_view(m: Month) -> pd.DataFrame:
    """:func:`volumes` for readers (平台, 指标, 本月数量, 运行状态); — where no volume is stated."""
    vol = volumes(m)
    return fmt.table(
        vol[["platform", "label", "value", "status"]],
        "telemedicine",
        labels={"label": "指标", "value": "本月数量", "status": "运行状态"},
        formats={"value": lambda v: fmt.count(v, na=fmt.UNDEFINED)},
        revised=m.revised_flags("telemedicine", vol),
    )


@needs(["telemedicine", "telemedicine_top_uploaders"])
def top_uploaders_view(m: Month) -> pd.DataFrame:
    """:func:`top_uploaders` for readers, with each uploader's share of the platform's month volume."""
    top = top_uploaders(m)
    return fmt.table(top, "telemedicine_top_uploaders", labels={"share": "占平台本月量"},
                     revised=m.revised_flags("telemedicine_top_uploaders", top))


def month_on_month(m: Month) -> compare.Comparison | compare.Note:
    """Every stated figure per platform and the number of paused platforms against the month
    before — or the one line saying there is no month before."""
    return compare.month_on_month(m, None, [("各平台指标", _figures, "label", "value", False)], key_label="平台·指标")


# ---------------------------------------------------------------- charts


@needs(["telemedicine"])
def institutions_chart(m: Month) -> Figure:
    """Institutions connected per platform, largest first; a paused platform in grey, marked 暂停."""
    wide = platforms(m).sort_values("institutions", ascending=False, kind="stable")
    names = [short_name(p) + "平台" for p in wide.index]
    status = list(wide["status"])
    return charts.ranked_barh(
        names,
        [int(v) for v in wide["institutions"]],
        title="各平台累计接入医疗机构（家）",
        xlabel="累计接入医疗机构（家）",
        annotate=lambda i, v: fmt.count(v) + ("（暂停服务）" if status[i] == STATUS_PAUSED else ""),
        muted=[n for n, s in zip(names, status, strict=True) if s == STATUS_PAUSED],
        size="small",
    )


@needs(["telemedicine", "telemedicine_top_uploaders"])
def top_uploaders_chart(m: Month) -> Figure:
    """The top uploaders of each platform, grouped by platform, with their share of its month volume."""
    top = top_uploaders(m)
    names = [f"{short_name(p).removesuffix('诊断')}·{h}" for p, h in zip(top["platform"], top["hospital"], strict=True)]
    shares = list(top["share"])
    return charts.ranked_barh(
        names,
        [int(v) for v in top["count"]],
        title="各平台本月数据上传量前三名",
        xlabel="上传量（份）；括号内为占该平台本月采集量的比例",
        annotate=lambda i, v: f"{fmt.count(v)}（{fmt.pct(shares[i])}）",
        size="wide",
    )
