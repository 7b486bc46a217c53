"""本月概览: the headline figures of every section and the data-quality summary of the month.

Nothing is computed here: the figures are each section's ``headlines(m)``, in the order of
:data:`bulletin.sections.SECTIONS` (as kept in the month's digest), and the quality summary is
``m.check()``. :func:`headlines` is also what the batch runner's month index shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .. import fmt
from . import compare

if TYPE_CHECKING:
    from ..loaded import Month


def figures(m: Month) -> pd.DataFrame:
    """Every section's headline figures: ``section`` (its Chinese title), ``label``, ``value``, ``unit``.

    Read from the month's digest (:mod:`bulletin.history`: every section's ``headlines(m)``,
    computed once per month and kept), so that the overview, the month page, the top index and the
    trends show the same numbers without computing them again.
    """
    return m.history.series([m.month]).drop(columns="month")


def _format(value: object, unit: str) -> str:
    """A headline as a reader sees it (:func:`bulletin.fmt.figure`), with its unit: ``59,507 个``,
    ``49.3亿条``, ``43.5%``."""
    text = fmt.figure(value, unit)
    if unit == "%":
        return text
    return f"{text}{unit}" if text.endswith("亿") else f"{text} {unit}"


def headlines(m: Month) -> list[tuple[str, str]]:
    """The month's headline figures for readers: ``[(Chinese label, formatted value), ...]``.

    Used by the overview notebook and by the batch runner's month index.
    """
    frame = figures(m)
    return [(label, _format(v, u)) for label, v, u in zip(frame["label"], frame["value"], frame["unit"], strict=True)]


def headline_table(m: Month) -> pd.DataFrame:
    """The headline figures as a display table: 板块, 指标, 本月."""
    frame = figures(m)
    out = pd.DataFrame(
        {
            "板块": list(frame["section"]),
            "指标": list(frame["label"]),
            "本月": [_format(v, u) for v, u in zip(frame["value"], frame["unit"], strict=True)],
        }
    )
    out.index = [str(i + 1) for i in range(len(out))]
    return out


def month_on_month(m: Month) -> compare.Comparison | compare.Note:
    """Every section's headline counts against the month before (or one line)."""
    return compare.month_on_month(m, lambda month: figures(month)[["label", "value", "unit"]])


def not_published(m: Month) -> compare.Note:
    """What the bulletin did not publish this month, in one line for readers (from ``not_published.csv``)."""
    from ..months import month_label
    from ..schema import FACTS, TABLES

    if not m.not_published:
        return compare.Note(f"{month_label(m.month)}的公报各部分均已发布。")
    items = []
    for item, note in m.not_published.items():
        title = TABLES[item].title if item in TABLES else FACTS[item].label
        items.append(f"「{title}」" + (f"（{note}）" if note else ""))
    return compare.Note(f"{month_label(m.month)}的公报没有发布：{'、'.join(items)}。相关板块的这部分内容本月空缺。")


def quality_summary(m: Month) -> compare.Note:
    """One line: how many errors and warnings ``bulletin check`` finds for the month."""
    return compare.Note(m.check().summary())


def quality_by_rule(m: Month) -> pd.DataFrame:
    """Findings counted by level and rule: 级别, 规则, 表, 条数."""
    frame = m.check().to_frame()
    if frame.empty:
        return pd.DataFrame(columns=["级别", "规则", "表", "条数"])
    out = frame.groupby(["级别", "规则", "表"], sort=False).size().reset_index(name="条数")
    out["条数"] = [fmt.count(v) for v in out["条数"]]
    out.index = [str(i + 1) for i in range(len(out))]
    return out


def quality_findings(m: Month) -> pd.DataFrame:
    """Every finding of the month's check, in Chinese: 级别, 规则, 单位, 说明.

    The check's message names its unit first (``东部战区总医院：投放台数 82 …``); beside the 单位
    column that name is dropped from 说明.
    """
    frame = m.check().to_frame()
    out = frame[[c for c in ("级别", "规则", "单位", "说明") if c in frame.columns]].copy()
    if {"单位", "说明"} <= set(out.columns):
        out["说明"] = [m.removeprefix(f"{u}：") if isinstance(m, str) and isinstance(u, str) else m
                     for u, m in zip(out["单位"], out["说明"], strict=True)]
    out.index = [str(i + 1) for i in range(len(out))]
    return out
