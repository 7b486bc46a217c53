"""自助智能医疗服务终端: use of the self-service kiosks by hospital and by district.

Money is float64 yuan, as everywhere in the loaded month; the stated 合计 is tied out on the exact
reading (:meth:`bulletin.data.loaded_month.Month.exact`, ``Decimal`` to the fen), as ``bulletin check`` does.

Idle kiosks: a unit with kiosks installed and neither a registration nor a payment in the month.

Outliers: the average amount per registration or payment far from its peers' is marked with the
very rule ``bulletin check`` warns with (:func:`bulletin.checks.average_outliers`, applied to each
group), so that the notebook and the check report never disagree on which unit stands out.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

import pandas as pd
from matplotlib.figure import Figure

from bulletin.checks import OUTLIER_MADS, OUTLIER_MIN_EVENTS, OUTLIER_MIN_RATIO, average_outliers
from bulletin.core import schema
from bulletin.core.schema import KIOSK_GROUP_LABELS, column_sum, stated_total
from bulletin.data.loaders import labels
from bulletin.sections import compare, model, needs
from bulletin.style import charts, fmt

if TYPE_CHECKING:
    from bulletin.data.loaded_month import Month

Group = Literal["hospital", "district"]

COUNT_COLUMNS = ("kiosks", "registrations", "payments")
MONEY_COLUMNS = ("registration_yuan", "payment_yuan")
VALUE_COLUMNS = ("kiosks", "registrations", "registration_yuan", "payments", "payment_yuan")


def _per(num: pd.Series, den: pd.Series) -> pd.Series:
    """num/den as nullable floats; missing where den is 0."""
    n = num.astype("Float64")
    d = den.astype("Float64")
    return (n / d.where(d != 0)).astype("Float64")


def usage(m: Month, group: Group | None = None) -> pd.DataFrame:
    """The kiosk table (one group, or both when ``group`` is None) with derived columns.

    Added: ``uses`` (registrations + payments), ``uses_per_kiosk``, ``registrations_per_kiosk``,
    ``payments_per_kiosk``, ``avg_registration_yuan``, ``avg_payment_yuan`` (floats, missing when
    the denominator is 0) and ``idle`` (kiosks installed, no registration and no payment).
    """
    df = m.table("kiosks")
    if group is not None:
        df = df[df["group"] == group].reset_index(drop=True)
    df["uses"] = (df["registrations"] + df["payments"]).astype("Int64")
    df["uses_per_kiosk"] = _per(df["uses"], df["kiosks"])
    df["registrations_per_kiosk"] = _per(df["registrations"], df["kiosks"])
    df["payments_per_kiosk"] = _per(df["payments"], df["kiosks"])
    df["avg_registration_yuan"] = _per(df["registration_yuan"], df["registrations"])
    df["avg_payment_yuan"] = _per(df["payment_yuan"], df["payments"])
    df["idle"] = (df["kiosks"] > 0) & (df["registrations"] == 0) & (df["payments"] == 0)
    flagged = outliers(m)
    for amount, col in (("registration_yuan", "registration_outlier"), ("payment_yuan", "payment_outlier")):
        hits = set(zip(flagged.loc[flagged["column"] == amount, "group"],
                       flagged.loc[flagged["column"] == amount, "unit"], strict=True))
        df[col] = [(g, u) in hits for g, u in zip(df["group"], df["unit"], strict=True)]
    return df


def outliers(m: Month) -> pd.DataFrame:
    """Averages per registration or payment that ``bulletin check`` flags, one row per finding.

    Columns: ``group``, ``unit``, ``column`` (``registration_yuan`` or ``payment_yuan``),
    ``average`` and ``median`` (``Decimal`` 元, the peers' median), ``message`` (the check's own
    Chinese explanation). The rule is applied to each group separately, as the check does, on the
    exact amounts.
    """
    df = m.exact("kiosks")
    rows = []
    for group in KIOSK_GROUP_LABELS:
        part = df[df["group"] == group].reset_index(drop=True)
        rows += [(group, f.unit, f.column, f.value, f.expected, f.message) for f in average_outliers(part, "kiosks")]
    return pd.DataFrame(rows, columns=["group", "unit", "column", "average", "median", "message"])


def outlier_rule() -> compare.Note:
    """The check's average-amount rule in Chinese for readers, written from its own thresholds."""
    return compare.Note(
        "每次挂号或缴费的平均金额与同组（医疗单位或各区）中位数相比，"
        f"在对数尺度上偏离超过 {OUTLIER_MADS:g} 个稳健标准差、且相差至少 {OUTLIER_MIN_RATIO:g} 倍的，标为均价异常；"
        f"次数不足 {OUTLIER_MIN_EVENTS} 次的单位不参与判断。"
    )


def idle(m: Month, group: Group | None = None) -> pd.DataFrame:
    """Units with idle kiosks: ``group``, ``unit``, ``kiosks``, in the bulletin's order."""
    df = usage(m, group)
    return df.loc[df["idle"], ["group", "unit", "kiosks"]].reset_index(drop=True)


def totals(m: Month) -> pd.DataFrame:
    """The stated 合计 against the sum of the rows (hospitals and districts), one row per column.

    Columns: ``column``, ``hospital``, ``district``, ``summed``, ``stated`` (``None`` when the month
    does not state it), ``matches``. Money is ``Decimal`` here (exact to the fen).
    """
    df = m.exact("kiosks")
    rows = []
    for col in VALUE_COLUMNS:
        kind = "money" if col in MONEY_COLUMNS else "count"
        zero = Decimal("0.00") if kind == "money" else 0
        by_group = {g: column_sum(df.loc[df["group"] == g, col], kind) or zero for g in KIOSK_GROUP_LABELS}
        summed = column_sum(df[col], kind) or zero
        stated = stated_total("kiosks", col, m.exact_facts)
        rows.append((col, by_group["hospital"], by_group["district"], summed, stated,
                     None if stated is None else stated == summed))
    return pd.DataFrame(rows, columns=["column", "hospital", "district", "summed", "stated", "matches"])


def group_summary(m: Month) -> pd.DataFrame:
    """One row per group (医疗单位, 各区) and one for 合计: totals, averages, idle units.

    Money columns are the rows' exact sums in yuan (floats of the ``Decimal`` sum, to the fen);
    ratios are floats. The 合计 row is the rows' sum: the table's stated 合计 is :func:`table_totals`.
    """
    df = usage(m, None)
    exact = m.exact("kiosks")  # money summed exactly (Decimal), as the 合计 and the check sum it
    rows = {}
    for key, part in [*((g, df[df["group"] == g]) for g in KIOSK_GROUP_LABELS), ("total", df)]:
        row: dict[str, object] = {"units": len(part)}
        for col in COUNT_COLUMNS:
            row[col] = int(part[col].sum())
        cents = exact if key == "total" else exact[exact["group"] == key]
        for col in MONEY_COLUMNS:
            row[col] = float(column_sum(cents[col], "money") or 0)
        row["uses_per_kiosk"] = (row["registrations"] + row["payments"]) / row["kiosks"] if row["kiosks"] else None
        row["avg_registration_yuan"] = (
            float(row["registration_yuan"]) / row["registrations"] if row["registrations"] else None
        )
        row["avg_payment_yuan"] = float(row["payment_yuan"]) / row["payments"] if row["payments"] else None
        row["idle_units"] = int(part["idle"].sum())
        row["idle_kiosks"] = int(part.loc[part["idle"], "kiosks"].sum())
        rows[key] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    for col in ("units", *COUNT_COLUMNS, "idle_units", "idle_kiosks"):
        out[col] = out[col].astype("Int64")
    for col in ("uses_per_kiosk", "avg_registration_yuan", "avg_payment_yuan"):
        out[col] = out[col].astype("Float64")
    out.index = [KIOSK_GROUP_LABELS.get(k, "合计") for k in out.index]
    return out


def table_totals(m: Month) -> dict[str, int | Decimal | None]:
    """The 合计 row every output shows: column → the stated total, else the exact sum of the rows
    (:meth:`Month.total_row`, where it is computed; money ``Decimal`` to the fen)."""
    row = m.total_row("kiosks")
    return {c: row[c] for c in VALUE_COLUMNS}  # type: ignore[misc]


def _total(column: str) -> Callable[[Month], object]:
    """A column of the 合计 row (:func:`table_totals`, from :meth:`Month.total_row`, the one place
    it is computed), as a headline value: money in yuan (a float to the fen), counts whole."""

    def value(m: Month) -> object:
        v = table_totals(m)[column]
        return None if v is None else float(v) if column in MONEY_COLUMNS else int(v)

    return value


IDLE_RULE = "本项目的判断（非公报所载）：投放了终端、当月挂号与缴费均为0的单位，列为整月闲置"
_TOTAL = "自助智能医疗服务终端医院使用情况表·合计"

#: what the section prints and derives, each figure once (:mod:`bulletin.sections.model`)
FIGURES: tuple[model.Declared, ...] = (
    model.Figure("kiosks.kiosks", "投放终端", "台", _total("kiosks"), ("kiosks",), rule=_TOTAL),
    model.Figure("kiosks.registrations", "自助挂号", "次", _total("registrations"), ("kiosks",), rule=_TOTAL),
    model.Figure("kiosks.registration_yuan", "自助挂号金额", "元", _total("registration_yuan"), ("kiosks",),
                 rule=_TOTAL, precision=Decimal("0.01")),
    model.Figure("kiosks.payments", "自助缴费", "次", _total("payments"), ("kiosks",), rule=_TOTAL),
    model.Figure("kiosks.payment_yuan", "自助缴费金额", "元", _total("payment_yuan"), ("kiosks",), rule=_TOTAL,
                 precision=Decimal("0.01")),
    model.Figure("kiosks.idle_units", "闲置终端的单位数", "个",
                 lambda m: int(group_summary(m).at["合计", "idle_units"]), ("kiosks",), model.JUDGEMENT,
                 rule=IDLE_RULE, comparable=False),
    model.Figure("kiosks.idle_kiosks", "闲置终端台数", "台",
                 lambda m: int(group_summary(m).at["合计", "idle_kiosks"]), ("kiosks",), model.JUDGEMENT,
                 rule=IDLE_RULE, comparable=False),
)
#: the tables the section prints
TABLES = (model.TableDecl("kiosks"),)


# the section's key figures (FIGURES: the totals are the table's 合计 as every output shows it,
# table_totals: the stated one, else the exact sum) and them against a base month (环比, 同比)
headlines, changes = compare.section_headlines(FIGURES, __name__)


# ---------------------------------------------------------------- month-on-month


def _rows(m: Month) -> pd.DataFrame:
    return m.kiosks


def month_on_month(m: Month) -> compare.Comparison | compare.Note:
    """Headline figures and, per unit (hospitals then districts), kiosks, registrations, payments
    and the amount paid against the month before — or the one line saying there is no month before."""
    names = labels("kiosks")
    return compare.month_on_month(
        m,
        headlines,
        [compare.UnitSpec(f"各单位{names[c]}", _rows, "unit", c, c in MONEY_COLUMNS, schema.TABLES["kiosks"].key)
         for c in ("kiosks", "registrations", "payments", "payment_yuan")],
    )


# ---------------------------------------------------------------- views (formatted for readers)

#: the package's own judgements (idle kiosks, outlying averages), headed as such: never the bulletin's
JUDGEMENT = "本包判断（闲置、均价异常）"
#: the idle rule as a reader's cell says it (:func:`usage`'s ``idle``)
IDLE_RULE = "整月闲置：已投放终端，本月挂号、缴费均为0次"

DERIVED_LABELS = {
    "uses_per_kiosk": "每台使用（次）",
    "avg_registration_yuan": "每次挂号平均（元）",
    "avg_payment_yuan": "每次缴费平均（元）",
    "marks": JUDGEMENT,
}
#: the ratios read — where undefined (no kiosk, no registration or no payment), not 未反馈
RATIO_FORMATS = {
    "uses_per_kiosk": lambda v: fmt.number(v, na=fmt.UNDEFINED),
    "avg_registration_yuan": lambda v: fmt.yuan(v, na=fmt.UNDEFINED),
    "avg_payment_yuan": lambda v: fmt.yuan(v, na=fmt.UNDEFINED),
}


def _marks(df: pd.DataFrame) -> list[str]:
    out = []
    for idle_, reg, pay in zip(df["idle"], df["registration_outlier"], df["payment_outlier"], strict=True):
        marks = [m for m, on in (("闲置", idle_), ("挂号均价异常", reg), ("缴费均价异常", pay)) if on]
        out.append("、".join(marks))
    return out


@needs(["kiosks"])
def usage_view(m: Month, group: Group = "hospital") -> pd.DataFrame:
    """The group's table for readers with use per kiosk, averages and marks (闲置, 均价异常)."""
    df = usage(m, group)
    df["marks"] = _marks(df)
    cols = ["unit", *VALUE_COLUMNS, "uses_per_kiosk", "avg_registration_yuan", "avg_payment_yuan", "marks"]
    return fmt.table(
        df[cols],
        "kiosks",
        labels={"unit": KIOSK_GROUP_LABELS[group], **DERIVED_LABELS},
        formats={**RATIO_FORMATS, "marks": "text"},
        revised=m.revised_flags("kiosks", df),
    )


@needs(["kiosks"])
def totals_view(m: Month) -> pd.DataFrame:
    """The stated 合计 against the rows' sums, per column, for readers."""
    t = totals(m)
    names = labels("kiosks")
    rows = []
    for _, r in t.iterrows():
        f = fmt.yuan if r["column"] in MONEY_COLUMNS else fmt.count
        rows.append({
            "项目": names[r["column"]],
            "医疗单位": f(r["hospital"]),
            "各区": f(r["district"]),
            "各行相加": f(r["summed"]),
            "表中合计": fmt.mark(f(r["stated"], na="未列出"), m.revised.fact(f"kiosks.total.{r['column']}")),
            "是否一致": fmt.UNDEFINED if r["matches"] is None else ("一致" if r["matches"] else "不一致"),
        })
    out = pd.DataFrame(rows)
    out.index = [str(i + 1) for i in range(len(out))]
    return out


@needs(["kiosks"])
def group_summary_view(m: Month) -> pd.DataFrame:
    """:func:`group_summary` for readers."""
    g = group_summary(m)
    names = labels("kiosks")
    return fmt.table(
        g,
        labels={"units": "单位数", **{c: names[c] for c in VALUE_COLUMNS}, **DERIVED_LABELS,
                "idle_units": "闲置单位数", "idle_kiosks": "闲置台数"},
        formats=RATIO_FORMATS,
        number_rows=False,
    )


@needs(["kiosks"])
def idle_view(m: Month) -> pd.DataFrame:
    """Units with idle kiosks for readers (分组, 单位, 投放台数), each with the package's judgement
    and its rule (:data:`IDLE_RULE`): the bulletin prints the figures, not the judgement."""
    df = idle(m, None)
    df["group"] = df["group"].map(KIOSK_GROUP_LABELS)
    df["judgement"] = IDLE_RULE
    return fmt.table(df, "kiosks", labels={"judgement": "本包判断"}, formats={"judgement": "text"})


@needs(["kiosks"])
def outliers_view(m: Month) -> pd.DataFrame:
    """The flagged averages for readers: the average, the peers' median and how many times apart."""
    df = outliers(m)
    names = {"registration_yuan": "每次挂号平均金额", "payment_yuan": "每次缴费平均金额"}
    times = []
    for avg, med in zip(df["average"], df["median"], strict=True):
        ratio = float(avg) / float(med)
        times.append(f"{fmt.number(ratio)} 倍" if ratio >= 1 else f"1/{fmt.number(1 / ratio)}")
    out = pd.DataFrame({
        "分组": df["group"].map(KIOSK_GROUP_LABELS),
        "单位": df["unit"],
        "项目": df["column"].map(names),
        "平均（元）": [fmt.yuan(v) for v in df["average"]],
        "同组中位数（元）": [fmt.yuan(v) for v in df["median"]],
        "为中位数的": times,
    })
    out.index = [str(i + 1) for i in range(len(out))]
    return out


@needs(["kiosks"])
def outlier_notes(m: Month) -> compare.Note:
    """The check report's own explanation of each flagged average, one bullet each."""
    messages = outliers(m)["message"]
    if messages.empty:
        return compare.Note("本月没有平均金额明显偏离同组的单位。")
    return compare.Note("\n".join(f"- {m}" for m in messages))


# ---------------------------------------------------------------- charts


@needs(["kiosks"])
def uses_per_kiosk_chart(m: Month, group: Group = "hospital") -> Figure:
    """Registrations and payments per installed kiosk, ranked; units with idle kiosks in grey
    (labelled 闲置), units without kiosks left out."""
    df = usage(m, group)
    df = df[df["kiosks"] > 0].sort_values("uses_per_kiosk", ascending=False, kind="stable")
    idle_units = list(df.loc[df["idle"], "unit"])
    vals = [float(v) for v in df["uses_per_kiosk"]]
    notes = [f"（{fmt.count(k)}台" + ("，闲置）" if i else "）") for k, i in zip(df["kiosks"], df["idle"], strict=True)]
    return charts.ranked_barh(
        list(df["unit"]),
        vals,
        title=f"{KIOSK_GROUP_LABELS[group]}：每台终端本月挂号与缴费次数（“闲置”为本包判断：已投放而无挂号、无缴费）",
        xlabel="每台使用（次）",
        annotate=lambda i, v: fmt.number(v) + notes[i],
        muted=idle_units,
        size="tall" if group == "hospital" else "wide",
    )


@needs(["kiosks"])
def average_chart(m: Month, what: Literal["registration", "payment"] = "payment", group: Group = "hospital") -> Figure:
    """Average amount per registration or payment per unit, ranked; outliers (the check's rule) in red."""
    df = usage(m, group)
    col, flag = f"avg_{what}_yuan", f"{what}_outlier"
    df = df[df[col].notna()].sort_values(col, ascending=False, kind="stable")
    counts = list(df["registrations" if what == "registration" else "payments"])
    name = "挂号" if what == "registration" else "缴费"
    fig = charts.ranked_barh(
        list(df["unit"]),
        [float(v) for v in df[col]],
        title=f"{KIOSK_GROUP_LABELS[group]}：每次{name}平均金额（红色为均价异常）",
        xlabel=f"每次{name}平均金额（元）",
        annotate=lambda i, v: f"{fmt.yuan(v)}元（{fmt.count(counts[i])}次）",
        highlight=list(df.loc[df[flag], "unit"]),
        size="tall",
    )
    ax = fig.axes[0]
    ax.set_xlim(0, ax.get_xlim()[1] * 1.1)  # room for the longer annotations (amount and count)
    return fig
