"""本月概览: the headline figures of every section and the data-quality summary of the month.

:func:`headlines` is also what the batch runner's index pages show.
"""

from __future__ import annotations

import pandas as pd

from .. import fmt
from ..checks import check_month
from ..loaders import PathLike, facts, load
from . import appointments, booking_channels, compare, hotline

_TELE_ECG = "南京市远程心电监测诊断平台"
_TELE_LAB = "南京市远程临检诊断平台"
_TELE_CONSULT = "南京市远程医学会诊平台"


def _tele(frame: pd.DataFrame, platform: str, measure: str) -> object:
    hit = frame.loc[(frame["platform"] == platform) & (frame["measure"] == measure), "value"]
    return int(hit.iloc[0]) if len(hit) and not fmt.is_missing(hit.iloc[0]) else pd.NA


def figures(month: str, data_dir: PathLike = None) -> pd.DataFrame:
    """Every headline figure of the month: ``section``, ``label``, ``value`` (raw), ``unit``.

    Money stays a ``Decimal``; shares are fractions. Month-on-month compares these values.
    """
    f = facts(month, data_dir)
    appt = appointments.stated_totals(month, data_dir)
    tele = load("telemedicine", month, data_dir)
    districts = load("platform_districts", month, data_dir)
    hospitals = load("platform_hospitals", month, data_dir)
    rows: list[tuple[str, str, object, str]] = [
        ("12320卫生热线", "12320卫生热线受理咨询电话", int(f["hotline.total_calls"]), "个"),
        ("12320卫生热线", "受理市、省12345工单",
         int(f["hotline.city_12345_tickets"]) + int(f["hotline.province_12345_tickets"]), "件"),
        ("12320卫生热线", "全省12320接听电话", int(f["hotline.province_total_calls"]), "人次"),
        ("12320卫生热线", "南京占全省电话量", hotline.nanjing_share(month, data_dir), "%"),
        ("预约挂号", "本月预约挂号量", appt["total"], "次"),
    ]
    for _, row in appointments.channel_shares(month, data_dir).iterrows():
        rows.append(("预约挂号", f"{row['channel']}占比", float(row["share"]), "%"))
    rows += [
        ("预约挂号", "预约量前5家医院占比", appointments.top_share(month, data_dir, 5), "%"),
        ("预约挂号", "截止月底累计预约挂号量", appointments.cumulative_total(month, data_dir), "次"),
        ("分途径预约", "分途径预约合计", booking_channels.stated_total(month, data_dir), "次"),
        ("远程医疗", "远程心电：本月采集心电病例", _tele(tele, _TELE_ECG, "ecg_cases"), "份"),
        ("远程医疗", "远程临检：本月采集检验报告", _tele(tele, _TELE_LAB, "lab_reports"), "份"),
        ("远程医疗", "远程会诊：累计会诊", _tele(tele, _TELE_CONSULT, "consultations_cumulative"), "次"),
        ("远程医疗", "暂停服务的平台数", int(tele.loc[tele["measure"] == "paused", "value"].sum()), "个"),
        ("卫生信息平台", "区和医院本月数据上传量",
         int(districts["records"].sum()) + int(hospitals["records"].sum()), "条"),
        ("卫生信息平台", "截止月底累计校验入库数据", int(f["platform.cumulative_records"]), "条"),
        ("自助智能医疗服务终端", "投放终端", int(f["kiosks.total.kiosks"]), "台"),
        ("自助智能医疗服务终端", "自助挂号", int(f["kiosks.total.registrations"]), "次"),
        ("自助智能医疗服务终端", "自助缴费", int(f["kiosks.total.payments"]), "次"),
        ("自助智能医疗服务终端", "自助缴费金额", f["kiosks.total.payment_yuan"], "元"),
    ]
    return pd.DataFrame(rows, columns=["section", "label", "value", "unit"], dtype=object)


def _format(value: object, unit: str) -> str:
    """A headline as a reader sees it; record counts of 亿 size read in 亿, as the bulletin prints
    them (its 49.3亿条 is rounded: 4,930,000,000 would claim a precision it does not have)."""
    if unit == "条" and not fmt.is_missing(value) and int(value) >= 10**8:
        return f"{fmt.yi(value)}{unit}"
    if unit == "%":
        return fmt.pct(value)
    if unit == "元":
        return f"{fmt.yuan(value)} 元"
    return f"{fmt.count(value)} {unit}"


def headlines(month: str, data_dir: PathLike = None) -> list[tuple[str, str]]:
    """The month's headline figures for readers: ``[(Chinese label, formatted value), ...]``.

    Used by the overview notebook and by the batch runner's index pages.
    """
    frame = figures(month, data_dir)
    return [(label, _format(v, u)) for label, v, u in zip(frame["label"], frame["value"], frame["unit"], strict=True)]


def headline_table(month: str, data_dir: PathLike = None) -> pd.DataFrame:
    """The headline figures as a display table: 板块, 指标, 本月."""
    frame = figures(month, data_dir)
    out = pd.DataFrame(
        {
            "板块": list(frame["section"]),
            "指标": list(frame["label"]),
            "本月": [_format(v, u) for v, u in zip(frame["value"], frame["unit"], strict=True)],
        }
    )
    out.index = [str(i + 1) for i in range(len(out))]
    return out


def _counts(month: str, data_dir: PathLike) -> dict[str, object]:
    frame = figures(month, data_dir)
    keep = frame["unit"] != "%"
    return {f"{label}（{unit}）": v for label, v, unit in zip(frame["label"][keep], frame["value"][keep],
                                                              frame["unit"][keep], strict=True)}


def month_on_month(month: str, data_dir: PathLike = None) -> compare.Comparison | compare.Note:
    """The headline counts against the month before (or one line)."""
    return compare.month_on_month(month, data_dir, _counts)


def quality_summary(month: str, data_dir: PathLike = None) -> compare.Note:
    """One line: how many errors and warnings ``bulletin check`` finds for the month."""
    return compare.Note(check_month(month, data_dir).summary())


def quality_by_rule(month: str, data_dir: PathLike = None) -> pd.DataFrame:
    """Findings counted by level and rule: 级别, 规则, 表, 条数."""
    frame = check_month(month, data_dir).to_frame()
    if frame.empty:
        return pd.DataFrame(columns=["级别", "规则", "表", "条数"])
    out = frame.groupby(["级别", "规则", "表"], sort=False).size().reset_index(name="条数")
    out["条数"] = [fmt.count(v) for v in out["条数"]]
    out.index = [str(i + 1) for i in range(len(out))]
    return out


def quality_findings(month: str, data_dir: PathLike = None) -> pd.DataFrame:
    """Every finding of the month's check, in Chinese: 级别, 规则, 单位, 说明.

    The check's message names its unit first (``东部战区总医院：投放台数 82 …``); beside the 单位
    column that name is dropped from 说明.
    """
    frame = check_month(month, data_dir).to_frame()
    out = frame[[c for c in ("级别", "规则", "单位", "说明") if c in frame.columns]].copy()
    if {"单位", "说明"} <= set(out.columns):
        out["说明"] = [m.removeprefix(f"{u}：") if isinstance(m, str) and isinstance(u, str) else m
                     for u, m in zip(out["单位"], out["说明"], strict=True)]
    out.index = [str(i + 1) for i in range(len(out))]
    return out
