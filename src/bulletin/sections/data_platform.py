"""卫生信息平台数据采集: completeness, upload days and volumes of districts and hospitals.

未反馈 (a declared-table count the unit did not report) stays missing through every ratio here:
its share is ``<NA>``, never 0, so that a reader sees 未反馈 rather than a false zero.

Who is lagging (the package's own judgement, never the bulletin's)
-----------------------------------------------------------------
A unit is flagged as lagging when at least one of these holds (reasons are listed in Chinese):

* 无数据上传 — no record uploaded (or 0 upload days with the records 未反馈);
* 上传天数偏少 — upload days below :data:`MIN_UPLOAD_DAY_SHARE` of the days of the month
  (fewer than 23.2 of 29 days in February 2020);
* 上传表完整率偏低 — uploaded/required tables below :data:`LOW_COMPLETENESS_OF_MEDIAN` of the
  median of its peers (all units of the same level, districts or hospitals, that month).

The thresholds are relative (to the month's length, to the peers' median) so that the rule needs
no change when the required-table list or the month changes.

A judgement never contradicts a figure of its own row: a unit whose upload days and records
disagree (0 days yet 6,253 records, as 南京市职业病防治院 in February 2020; or records 0 on some
upload days) gets no judgement on its days or its data, but a data-quality finding worded from both
figures (:func:`data_issues`: 上传天数为0，却有数据上传量6,253条), as ``bulletin check`` reports it.
Every view shows these under a header that says they are the package's (:data:`JUDGEMENT`).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

import pandas as pd
from matplotlib.figure import Figure

from .. import charts, fmt
from ..comparisons import MONTH_ON_MONTH, Basis
from ..loaders import labels
from ..month_strings import days_in_month
from . import compare, model, needs

if TYPE_CHECKING:
    from ..loaded_month import Month

Level = Literal["district", "hospital"]
LEVEL_LABELS = {"district": "区", "hospital": "医院"}

TABLE = {"district": "platform_districts", "hospital": "platform_hospitals"}
KEY = {"district": "district", "hospital": "hospital"}

#: upload days below this share of the month's days → 上传天数偏少
MIN_UPLOAD_DAY_SHARE = 0.8
#: uploaded/required below this fraction of the peers' median → 上传表完整率偏低
LOW_COMPLETENESS_OF_MEDIAN = 0.5

VOLUME_COLUMNS = ("records", "outpatient_visits", "discharges")
EHR_COLUMNS = ("ehr_basic", "ehr_hypertension", "ehr_diabetes")
CUMULATIVE_RECORDS_FACT = "platform.cumulative_records"
#: the header of the column holding the package's judgement (lagging, data-quality findings)
JUDGEMENT = "本包判断：进度滞后、数据存疑"
#: what a row or figure the package computed from printed ones is called (a 合计 the bulletin does not print)
COMPUTED = "计算所得"
#: the prefix of a data-quality finding among the judgements
DOUBTFUL = "数据存疑"


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """num/den as nullable floats; missing where either is missing or den is 0."""
    den = den.astype("Float64")
    return (num.astype("Float64") / den.where(den != 0)).astype("Float64")


def units(m: Month, level: Level = "district") -> pd.DataFrame:
    """The level's table with ``unit`` as first column and the derived figures.

    Added columns: ``uploaded_share`` (uploaded/required), ``declared_share`` (declared/required,
    ``<NA>`` where 未反馈), ``declared_reported`` (False where 未反馈), ``days_in_month``,
    ``upload_day_share`` (upload days / days of the month), ``lagging`` and ``lagging_reasons``
    (the package's judgement), ``data_issue`` (where the row's own figures disagree, else "").
    Derived once per loaded month and level (:func:`bulletin.sections.model.derived`); a copy.
    """
    return model.derived(m, ("data_platform.units", level), lambda: _units(m, level))


def _units(m: Month, level: Level) -> pd.DataFrame:
    df = m.table(TABLE[level]).rename(columns={KEY[level]: "unit"})
    df["declared_reported"] = df["declared_tables"].notna()
    df["uploaded_share"] = _ratio(df["uploaded_tables"], df["required_tables"])
    df["declared_share"] = _ratio(df["declared_tables"], df["required_tables"])
    days = days_in_month(m.month)
    df["days_in_month"] = days
    df["upload_day_share"] = (df["upload_days"].astype("Float64") / days).astype("Float64")
    reasons = lagging_reasons(df, days)
    df["lagging_reasons"] = reasons
    df["lagging"] = reasons != ""
    df["data_issue"] = data_issues(df)
    return df


def _contradictions(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(0 upload days yet records, records 0 yet upload days), as booleans."""
    days, records = df["upload_days"], df["records"]
    no_days = (days.eq(0) & records.gt(0)).fillna(False).astype(bool)
    no_records = (records.eq(0) & days.gt(0)).fillna(False).astype(bool)
    return no_days, no_records


def data_issues(df: pd.DataFrame) -> pd.Series:
    """Per row, where its upload days and records disagree, the two figures in words
    (``上传天数为0，却有数据上传量6,253条``); "" where they agree."""
    no_days, no_records = _contradictions(df)
    out = []
    for a, b, days, records in zip(no_days, no_records, df["upload_days"], df["records"], strict=True):
        out.append(f"上传天数为0，却有数据上传量{fmt.count(records)}条" if a
                   else f"数据上传量为0，却有上传天数{fmt.count(days)}天" if b else "")
    return pd.Series(out, index=df.index, dtype="string")


def lagging_reasons(df: pd.DataFrame, days: int) -> pd.Series:
    """The module's lagging rule (see the module docstring) → reasons joined by "、" ("" if none).

    ``df`` needs ``upload_days``, ``records`` and ``uploaded_share``; ``days`` is the month's length.
    """
    no_days, no_records = _contradictions(df)
    doubtful = no_days | no_records  # a row whose figures disagree: no judgement on days or data
    no_data = ~doubtful & (df["records"].eq(0) | (df["upload_days"].eq(0) & df["records"].isna()))
    few_days = ~doubtful & ~no_data & (df["upload_days"] < MIN_UPLOAD_DAY_SHARE * days)
    median = df["uploaded_share"].median()
    low = df["uploaded_share"] < LOW_COMPLETENESS_OF_MEDIAN * median
    parts = pd.DataFrame(
        {
            "无数据上传": no_data.fillna(False),
            "上传天数偏少": few_days.fillna(False),
            "上传表完整率偏低": low.fillna(False).astype(bool),
        }
    )
    return parts.apply(lambda r: "、".join(c for c in parts.columns if r[c]), axis=1).astype("string")


def lagging_rule() -> compare.Note:
    """The lagging rule in Chinese for readers, written from the thresholds the code applies."""
    half = "一半" if LOW_COMPLETENESS_OF_MEDIAN == 0.5 else fmt.pct(LOW_COMPLETENESS_OF_MEDIAN, digits=0)
    return compare.Note(
        "“本包判断”一栏是本数据包按以下规则作出的判断，不是简报的表述。"
        "满足下列任一条即列为进度滞后：当月没有上传任何记录（无数据上传）；"
        f"上传天数不到当月天数的 {fmt.pct(MIN_UPLOAD_DAY_SHARE, digits=0)}（上传天数偏少）；"
        f"已上传表占规定表的比例不到同级单位（区与区、医院与医院）中位数的{half}（上传表完整率偏低）。"
        "界线取相对值，换月份或调整规定表清单时不必改规则。"
        f"上传天数与数据上传量互相矛盾的单位（如上传天数为0却有数据上传量）列为{DOUBTFUL}，"
        "不据这两项判断滞后。"
    )


def judgements(df: pd.DataFrame) -> list[str]:
    """Per row of :func:`units`, the package's judgement as shown: the lagging reasons, then a
    data-quality finding (``数据存疑：上传天数为0，却有数据上传量6,253条``); "" for none."""
    out = []
    for reasons, issue in zip(df["lagging_reasons"], df["data_issue"], strict=True):
        parts = [f"进度滞后：{reasons}"] if reasons else []
        parts += [f"{DOUBTFUL}：{issue}"] if issue else []
        out.append("；".join(parts))
    return out


def lagging(m: Month, level: Level = "district", *, doubtful: bool = False) -> pd.DataFrame:
    """The lagging units only (``doubtful``: and those whose figures disagree): ``unit``,
    ``uploaded_tables``, ``required_tables``, ``uploaded_share``, ``upload_days``, ``days_in_month``,
    ``records``, ``lagging_reasons``, ``data_issue``."""
    df = units(m, level)
    cols = ["unit", "uploaded_tables", "required_tables", "uploaded_share", "upload_days", "days_in_month",
            "records", "lagging_reasons", "data_issue"]
    shown = df["lagging"] | (df["data_issue"] != "") if doubtful else df["lagging"]
    return df.loc[shown, cols].reset_index(drop=True)


def not_reported(m: Month, level: Level = "hospital") -> list[str]:
    """Units whose declared-table count is 未反馈."""
    df = units(m, level)
    return df.loc[~df["declared_reported"], "unit"].to_list()


def ehr_totals(m: Month) -> pd.Series:
    """Cumulative health-record uploads of all districts (基本信息, 高血压, 糖尿病), summed."""
    df = m.table(TABLE["district"])
    return df[list(EHR_COLUMNS)].sum().astype("int64")


def cumulative_records(m: Month) -> int | None:
    """Records of districts and hospitals checked into the platform up to the month's end (a stated
    fact: 4930000000 in February 2020, printed as 49.3亿条); None when the month does not state it."""
    value = m.facts.get(CUMULATIVE_RECORDS_FACT)
    return None if value is None else int(value)


def _both(column: str) -> Callable[[Month], int]:
    return lambda m: int(pd.concat([units(m, "district"), units(m, "hospital")])[column].sum())


#: the lagging rule as a judgement's rule, written from the thresholds the code applies
LAGGING_RULE = "本项目的判断（非公报所载）：" + lagging_rule().text

#: what the section prints and derives, each figure once (:mod:`bulletin.sections.model`). The
#: sum of uploaded-table counts across units is no figure (the units' tables are not one kind).
FIGURES: tuple[model.Declared, ...] = (
    model.Figure("platform.districts", "接入区数", "个", lambda m: len(units(m, "district")),
                 ("platform_districts",), model.COMPUTED, rule="计算所得：表中所列区的个数"),
    model.Figure("platform.hospitals", "接入医院数", "家", lambda m: len(units(m, "hospital")),
                 ("platform_hospitals",), model.COMPUTED, rule="计算所得：表中所列医院的家数"),
    model.Figure("platform.records", "本月数据上传量", "条", _both("records"), tuple(TABLE.values()),
                 model.COMPUTED, rule="计算所得：区与医院数据上传量之和"),
    model.Figure("platform.outpatient_visits", "门急诊信息上传人次", "人次", _both("outpatient_visits"),
                 tuple(TABLE.values()), model.COMPUTED, rule="计算所得：区与医院之和"),
    model.Figure("platform.discharges", "出院信息上传人次", "人次", _both("discharges"), tuple(TABLE.values()),
                 model.COMPUTED, rule="计算所得：区与医院之和"),
    model.Figure("platform.declared_not_reported", "医院·申明上传表未反馈", "家",
                 lambda m: int((~units(m, "hospital")["declared_reported"]).sum()), ("platform_hospitals",),
                 model.COMPUTED, rule="计算所得：申明上传表为未反馈的医院家数"),
    model.Figure("platform.cumulative_records", "截止月底累计校验入库数据", "条", lambda m: cumulative_records(m),
                 (CUMULATIVE_RECORDS_FACT,), form="亿",
                 precision=Decimal("0.1")),
    model.Figure("platform.lagging_districts", "区·进度滞后", "个",
                 lambda m: int(units(m, "district")["lagging"].sum()), ("platform_districts",), model.JUDGEMENT,
                 rule=LAGGING_RULE, comparable=False),
    model.Figure("platform.lagging_hospitals", "医院·进度滞后", "家",
                 lambda m: int(units(m, "hospital")["lagging"].sum()), ("platform_hospitals",), model.JUDGEMENT,
                 rule=LAGGING_RULE, comparable=False),
)
#: the tables the section prints
TABLES = (model.TableDecl("platform_districts"), model.TableDecl("platform_hospitals"))


def headlines(m: Month) -> pd.DataFrame:
    """The section's key figures (:data:`FIGURES`, printed and computed): ``label``, ``value``,
    ``unit``, ``key``. A table the bulletin left out drops only the figures read from it."""
    return model.headlines(m, FIGURES)


def changes(m: Month, basis: Basis = MONTH_ON_MONTH) -> pd.DataFrame | None:
    """:func:`headlines` against the base month of ``basis`` (环比 by default, or 同比: ``None`` when
    that month is not in the data)."""
    return compare.changes(m, headlines, basis)


def _districts(m: Month) -> pd.DataFrame:
    return units(m, "district")


def _hospitals(m: Month) -> pd.DataFrame:
    return units(m, "hospital")


#: per unit, the figures compared with the month before
UNIT_CHANGE_COLUMNS = ("uploaded_tables", "records")


def month_on_month(m: Month) -> compare.Comparison | compare.Note:
    """Headline figures and, per district and per hospital, tables uploaded and records uploaded
    against the month before — or the one line saying there is no month before."""
    names = _labels("district")
    specs = [
        (f"{LEVEL_LABELS[level]}·{names[c]}", loader, "unit", c, False)
        for level, loader in (("district", _districts), ("hospital", _hospitals))
        for c in UNIT_CHANGE_COLUMNS
    ]
    return compare.month_on_month(m, headlines, specs, key_label="接入单位")


def _labels(level: Level) -> dict[str, str]:
    return labels(TABLE[level])


# ---------------------------------------------------------------- views (formatted for readers)


def _fractions(num: pd.Series, den: pd.Series) -> list[str]:
    """``52/129`` per row (未反馈 kept as such in the numerator)."""
    return [f"{fmt.count(a)}/{fmt.count(b)}" for a, b in zip(num, den, strict=True)]


def _progress(df: pd.DataFrame) -> dict[str, list[str]]:
    """The columns both the unit tables and the lagging table show: tables uploaded, completeness, days."""
    return {
        "已上传/规定上传表": _fractions(df["uploaded_tables"], df["required_tables"]),
        "上传完整率": [fmt.pct(v) for v in df["uploaded_share"]],
        "上传天数/当月天数": _fractions(df["upload_days"], df["days_in_month"]),
    }


@needs(lambda m, level="district", *_: [TABLE[level]])
def completeness_view(m: Month, level: Level = "district") -> pd.DataFrame:
    """The level's table for readers: tables declared and uploaded against those required (未反馈
    kept), upload days against the days of the month, volumes, and the lagging reasons."""
    df = units(m, level)
    names = _labels(level)
    shown = _as_printed(m, level, df)
    out = pd.DataFrame(
        {
            names[KEY[level]]: df["unit"],
            "申明/规定上传表": _fractions(shown["declared_tables"], shown["required_tables"]),
            "申明比例": [fmt.pct(v, na=fmt.NOT_REPORTED) if not isinstance(d, fmt.NoFigure) else d.sign
                     for v, d in zip(df["declared_share"], shown["declared_tables"], strict=True)],
            **_progress(shown),
            names["records"]: [fmt.count(v) for v in shown["records"]],
            names["outpatient_visits"]: [fmt.count(v) for v in shown["outpatient_visits"]],
            names["discharges"]: [fmt.count(v) for v in shown["discharges"]],
            JUDGEMENT: judgements(df),
        }
    )
    _mark_revised(m, level, df, out, {
        "申明/规定上传表": ("declared_tables", "required_tables"),
        "已上传/规定上传表": ("uploaded_tables", "required_tables"),
        "上传天数/当月天数": ("upload_days",),
        **{names[c]: (c,) for c in ("records", "outpatient_visits", "discharges")},
    })
    out.index = [str(i + 1) for i in range(len(out))]
    return out


def _as_printed(m: Month, level: Level, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` (:func:`units`) for display: a figure printed as a sign (—, …) as that sign."""
    return fmt.with_signs(df, m.signs(TABLE[level]), ["unit"])


def _mark_revised(m: Month, level: Level, df: pd.DataFrame, out: pd.DataFrame,
                  shown: dict[str, tuple[str, ...]]) -> None:
    """``[r]`` after each figure of ``out`` (column → the table columns it shows) a revision changed."""
    flags = m.revised_flags(TABLE[level], df.rename(columns={"unit": KEY[level]}))
    if not flags.to_numpy().any():
        return
    for label, columns in shown.items():
        hit = flags[list(columns)].any(axis=1)
        out[label] = [fmt.mark(t, bool(h)) for t, h in zip(out[label], hit, strict=True)]


@needs([TABLE["district"]])
def ehr_view(m: Month) -> pd.DataFrame:
    """Cumulative health-record uploads per district and their 合计, for readers. The bulletin
    prints no 合计 for these columns: the row is the districts' sum, labelled once as such
    (合计（计算所得）), its district cell blank."""
    df = m.table(TABLE["district"])[["district", *EHR_COLUMNS]]
    names = {c: _labels("district")[c].split("·")[-1] + "（份）" for c in EHR_COLUMNS}
    total = pd.DataFrame([{"district": "", **ehr_totals(m).to_dict()}], index=[f"合计（{COMPUTED}）"])
    frame = pd.concat([df, total])
    return fmt.table(frame, "platform_districts", labels=names, revised=m.revised_flags(TABLE["district"], frame),
                     signs=m.signs(TABLE["district"]))


@needs(list(TABLE.values()))
def lagging_view(m: Month) -> pd.DataFrame:
    """The lagging districts and hospitals and those whose figures disagree, with the package's
    judgement (the rule of this module's docstring, :func:`lagging_rule`)."""
    parts = []
    for level in ("district", "hospital"):
        part = _as_printed(m, level, lagging(m, level, doubtful=True))
        part.insert(0, "level", LEVEL_LABELS[level])
        parts.append(part)
    df = pd.concat(parts, ignore_index=True)
    out = pd.DataFrame(
        {
            "层级": df["level"],
            "接入单位": df["unit"],
            **_progress(df),
            "数据上传量（条）": [fmt.count(v) for v in df["records"]],
            JUDGEMENT: judgements(df),
        }
    )
    out.index = [str(i + 1) for i in range(len(out))]
    return out


@needs(list(TABLE.values()))
def headline_view(m: Month) -> pd.DataFrame:
    """The headline figures for readers; the cumulative records in 亿条 as the bulletin prints them."""
    head = headlines(m)
    forms = [model.declaration(k).form for k in head["key"]]
    # a figure declared in 亿 (the cumulative records) with its unit, as printed; the others bare
    values = [model.text(v, u, key=k) if form else model.number(v, u, key=k)
              for v, u, k, form in zip(head["value"], head["unit"], head["key"], forms, strict=True)]
    plain = [bool(form) or unit in ("个", "家") or label.endswith(unit)
             for label, unit, form in zip(head["label"], head["unit"], forms, strict=True)]
    names = [label if p else f"{label}（{unit}）"
             for label, unit, p in zip(head["label"], head["unit"], plain, strict=True)]
    out = pd.DataFrame({"项目": names, "数值": values})
    out.index = [str(i + 1) for i in range(len(out))]
    return out


# ---------------------------------------------------------------- charts


def _flagged(df: pd.DataFrame, *reasons: str) -> list[str]:
    """Units whose lagging reasons include any of ``reasons``."""
    hit = df["lagging_reasons"].map(lambda r: any(x in r for x in reasons))
    return list(df.loc[hit.astype(bool), "unit"])


def _threshold_line(fig: Figure, x: float) -> None:
    """A dashed threshold line drawn over the bars (behind them it showed only between bars, and not
    at all where every bar passes it: the districts'), behind the bars' value labels (they get a
    white backing)."""
    ax = fig.axes[0]
    over = max((patch.get_zorder() for patch in ax.patches), default=1) + 0.5
    ax.axvline(x, color=charts.HIGHLIGHT, linestyle="--", linewidth=1, zorder=over)
    for text in ax.texts:
        text.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.9})


def completeness_threshold(df: pd.DataFrame) -> float:
    """The completeness below which a unit is flagged (a fraction): half of the peers' median."""
    return LOW_COMPLETENESS_OF_MEDIAN * float(df["uploaded_share"].median())


@needs(lambda m, level="hospital", *_: [TABLE[level]])
def completeness_chart(m: Month, level: Level = "hospital") -> Figure:
    """Uploaded/required tables per unit, ranked; units below the threshold in the highlight colour,
    the threshold as a dashed line."""
    df = units(m, level).sort_values("uploaded_share", ascending=False, kind="stable")
    shares = [0.0 if fmt.is_missing(v) else float(v) for v in df["uploaded_share"]]
    parts = _fractions(df["uploaded_tables"], df["required_tables"])
    limit = completeness_threshold(df)
    fig = charts.ranked_barh(
        list(df["unit"]),
        shares,
        title=f"{LEVEL_LABELS[level]}：已上传表占规定上传表的比例",
        xlabel=f"上传完整率（虚线：同级中位数的一半，{fmt.pct(limit)}；红色为低于此线）",
        annotate=lambda i, v: f"{fmt.pct(v)}（{parts[i]}）",
        highlight=_flagged(df, "完整率"),
        size="tall" if level == "hospital" else "wide",
    )
    _threshold_line(fig, limit)
    fig.axes[0].xaxis.set_major_formatter(lambda v, _: fmt.pct(v, digits=0))
    return fig


@needs(lambda m, level="hospital", *_: [TABLE[level]])
def upload_days_chart(m: Month, level: Level = "hospital") -> Figure:
    """Days with uploads per unit, fewest first; units with too few days in the highlight colour,
    the threshold as a dashed line."""
    df = units(m, level).sort_values("upload_days", kind="stable")
    df = df[df["upload_days"].notna()]  # 未反馈: no bar (bulletin check lists it)
    days = days_in_month(m.month)
    limit = MIN_UPLOAD_DAY_SHARE * days
    # 0 days: 全月无上传 only where the records agree; else the row's data-quality finding
    notes = [f"（{DOUBTFUL}：{issue}）" if issue else "（全月无上传）" if not v else ""
             for v, issue in zip(df["upload_days"], df["data_issue"], strict=True)]
    fig = charts.ranked_barh(
        list(df["unit"]),
        [int(v) for v in df["upload_days"]],
        title=f"{LEVEL_LABELS[level]}：本月有数据上传的天数（当月共 {days} 天）",
        xlabel=f"数据上传天数（本包判断，虚线：当月天数的 {fmt.pct(MIN_UPLOAD_DAY_SHARE, digits=0)}，"
        f"即 {limit:.1f} 天；红色为低于此线）",
        annotate=lambda i, v: f"{fmt.count(v)}/{days}" + notes[i],
        highlight=_flagged(df, "天数", "无数据"),
        size="tall" if level == "hospital" else "wide",
    )
    _threshold_line(fig, limit)
    fig.axes[0].set_xlim(0, days * 1.3)
    return fig


@needs(lambda m, level="district", *_: [TABLE[level]])
def records_chart(m: Month, level: Level = "district") -> Figure:
    """Records uploaded this month per unit, largest first."""  # no highlight: volume is not a rule
    df = units(m, level).sort_values("records", ascending=False, kind="stable")
    df = df[df["records"].notna()]  # 未反馈: no bar (bulletin check lists it)
    return charts.ranked_barh(
        list(df["unit"]),
        [int(v) for v in df["records"]],
        title=f"{LEVEL_LABELS[level]}：本月数据上传量（条）",
        xlabel="数据上传量（条）",
        size="wide" if level == "district" else "tall",
    )
