"""本月概览: the headline figures of every section and the data-quality summary of the month.

Nothing is computed here: the figures are each section's ``headlines(m)``, in the order of
:data:`bulletin.sections.SECTIONS` (as kept in the month's digest), and the quality summary is
``m.check()``. :func:`headlines` is also what the batch runner's month index shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .. import fmt
from . import compare, with_headlines

if TYPE_CHECKING:
    from ..loaded_month import Month


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
    """Every section's headline counts against the month before (or one line).

    A section whose tables the month before did not print is compared with the latest earlier
    month that printed them, and a line under the heading says which month that is; its rows read
    新增 only when no earlier month in the data printed them at all.
    """
    if m.previous is None:
        return compare.no_previous(m)
    current, previous, lines = [], [], []
    for sec in with_headlines():
        current.append(sec.module.headlines(m))
        before, line = _previous_headlines(m, sec)
        previous.append(before)
        if line:
            lines.append(line)
    frame = compare.units(compare.comparable(pd.concat(current, ignore_index=True)),
                          compare.comparable(pd.concat(previous, ignore_index=True)), "label", "value")
    part = ("主要指标", compare.display(frame, "指标", money=compare.money_rows(frame)))
    return compare.Comparison(m.month, m.previous.month, (part,), ("",), tuple(lines))


def _previous_headlines(m: Month, sec) -> tuple[pd.DataFrame, str]:
    """A section's headlines to compare this month's with: the month before's, or — when the month
    before did not print the section's tables — the latest earlier month's that did, with the line
    saying so (``""`` when it is the month before)."""
    from ..month_strings import month_label
    from ..schema import TABLES

    needed = list(getattr(sec.module.headlines, "tables", sec.tables))
    prev = m.previous
    if not [t for t in needed if t in prev.not_published] or not sec.module.headlines(m).shape[0]:
        return sec.module.headlines(prev), ""
    titles = "、".join(f"「{TABLES[t].title}」" for t in needed if t in prev.not_published)
    for month in reversed([x for x in m.all_months if x < prev.month]):
        earlier = m.sibling(month)
        if not any(t in earlier.not_published for t in needed):
            return sec.module.headlines(earlier), (
                f"{month_label(prev.month)}的公报没有发布{titles}：「{sec.title}」各项的上月数取自"
                f"{month_label(month)}，即此前最近一次发布的月份。")
    return sec.module.headlines(prev), (
        f"{month_label(prev.month)}及此前各月的公报都没有发布{titles}：「{sec.title}」各项本月新增，没有可比较的数。")


def not_published(m: Month) -> compare.Note:
    """What the bulletin did not publish this month, in one line for readers (from ``not_published.csv``)."""
    from ..month_strings import month_label
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
