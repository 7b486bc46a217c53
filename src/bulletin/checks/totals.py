"""Errors driven by :mod:`bulletin.core.schema`: stated totals (合计) and 小计 columns that must tie out."""

from __future__ import annotations

import pandas as pd

from bulletin.checks.reading import CheckedMonth, column_label, number, rows_sum, unit_of
from bulletin.checks.report import Finding, Remainder, figure_text
from bulletin.core import schema
from bulletin.core.schema import FACTS_FILE, TABLES, Table


def check_totals(data: CheckedMonth) -> tuple[list[Finding], list[Remainder]]:
    findings: list[Finding] = []
    remainders: list[Remainder] = []
    for name, decl in TABLES.items():
        frame = data.tables.get(name)
        if frame is None:
            continue
        # without facts.csv (reported once, as facts_missing) no stated total can be compared
        for total in decl.totals if data.facts is not None else ():
            label = column_label(decl, total.column)
            stated = schema.stated_total(name, total.column, data.facts)
            if stated is None and total.fact in data.not_published:
                continue  # not printed this month: listed once as a note
            if stated is None:
                findings.append(Finding(
                    "error", "total_missing", name, None, total.column, None, total.fact,
                    f"{decl.title}「{label}」的合计（{total.fact}）未写入 {FACTS_FILE}，无法核对",
                ))
                continue
            rows = rows_sum(frame, decl, total.column)
            if total.rule == "exact" and rows != stated:
                findings.append(Finding(
                    "error", "total_mismatch", name, "合计", total.column, rows, stated,
                    f"「{label}」各行相加为 {figure_text(rows)}，而表中合计为 {figure_text(stated)}，"
                    f"相差 {figure_text(rows - stated)}",
                ))
            elif total.rule == "at_most":
                if rows > stated:
                    findings.append(Finding(
                        "error", "total_exceeded", name, "合计", total.column, rows, stated,
                        f"所列各项「{label}」相加为 {figure_text(rows)}，超过所述总数 {figure_text(stated)}",
                    ))
                else:
                    rest = stated - rows
                    remainders.append(Remainder(
                        name, total.column, total.fact, stated, rows, rest,
                        f"{decl.title}：所列各项「{label}」合计 {figure_text(rows)}，"
                        f"为所述总数 {figure_text(stated)} 的一部分，"
                        f"其余 {figure_text(rest)} 未分项列出",
                    ))
        findings += _check_row_sums(data, name, decl, frame)
    return findings, remainders


def _check_row_sums(data: CheckedMonth, name: str, decl: Table, frame: pd.DataFrame) -> list[Finding]:
    findings = []
    for whole, parts in decl.row_sums.items():
        label = column_label(decl, whole)
        parts_text = " + ".join(column_label(decl, p) for p in parts)
        for _, row in frame.iterrows():
            values = [number(row[p]) for p in parts]
            stated = number(row[whole])
            if stated is None or any(v is None for v in values):
                continue
            added = sum(values)  # type: ignore[arg-type]
            if added != stated:
                unit = unit_of(decl, row)
                findings.append(Finding(
                    "error", "row_sum_mismatch", name, unit, whole, stated, added,
                    f"{unit}：「{label}」为 {figure_text(stated)}，而 {parts_text} = {figure_text(added)}",
                ))
        # the stated 合计 row obeys the same rule when all its figures are stated facts
        facts = {t.column: t.fact for t in decl.totals if t.rule == "exact"}
        if whole in facts and all(p in facts for p in parts):
            stated = data.fact(facts[whole])
            values = [data.fact(facts[p]) for p in parts]
            if stated is not None and all(v is not None for v in values):
                added = sum(values)  # type: ignore[arg-type]
                if added != stated:
                    findings.append(Finding(
                        "error", "row_sum_mismatch", name, "合计", whole, stated, added,
                        f"合计行：「{label}」为 {figure_text(stated)}，而 {parts_text} = {figure_text(added)}",
                    ))
    return findings
