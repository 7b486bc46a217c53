"""The report of ``bulletin check``: findings, their severities and rules, the text, JSON and table forms."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Literal

import pandas as pd

from bulletin.core.month_strings import month_label
from bulletin.core.schema import TABLES

Severity = Literal["error", "warning", "note"]


SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "警告", "note": "提示"}


#: the severities from the worst down, in the order the report lists them
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "note")


#: rule code → short Chinese name (shown in the text report and in :meth:`CheckReport.to_frame`)
RULE_LABELS: dict[str, str] = {
    "table_missing": "表缺失",
    "facts_missing": "文件缺失",
    "duplicate_key": "重复行",
    "total_missing": "合计缺失",
    "total_mismatch": "合计不符",
    "total_exceeded": "分项超过总数",
    "row_sum_mismatch": "小计不符",
    "cross_table_mismatch": "两处数字不一致",
    "cross_figure_missing": "核对项缺失",
    "breakdown_exceeds": "其中项超过总数",
    "rank_order": "排名顺序不符",
    "kiosks_idle": "终端未使用",
    "average_outlier": "均价异常",
    "upload_days_zero": "上传天数为0",
    "uploaded_exceeds_required": "上传表多于规定",
    "not_reported": "未反馈",
    "no_figure": "无数字（—、…）",
    "upload_days_beyond_month": "上传天数超过当月天数",
    "not_published": "本月未刊登",
    "kept_aside": "另存未识别内容",
    "kept_aside_close": "另存内容疑似已知表",
    "name_close_to_known": "疑似同一单位的另一写法",
    "cumulative_fell": "累计数下降",
    "cumulative_gap": "累计增量与本月数不符",
    "month_word_mismatch": "月份与本月不符",
    "month_word_own_month": "月份词说的是本月",
}


@dataclass(frozen=True)
class Finding:
    """One problem found in a month's figures.

    ``value`` is what the data holds, ``expected`` what it should be (or the figure it was
    compared with); both are ``int``, ``Decimal``, text or ``None``.
    """

    severity: Severity
    rule: str
    table: str
    unit: str | None
    column: str | None
    value: object
    expected: object
    message: str

    def to_dict(self) -> dict[str, object]:
        return {k: _jsonable(v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class Remainder:
    """The unlisted part of an ``at_most`` total (information, not a finding)."""

    table: str
    column: str
    fact: str
    stated: object
    listed: object
    remainder: object
    message: str

    def to_dict(self) -> dict[str, object]:
        return {k: _jsonable(v) for k, v in asdict(self).items()}


def _jsonable(value: object) -> object:
    """Decimal money is written as its exact text ("6477159.42"), never as a binary float."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


def table_title(name: str) -> str:
    decl = TABLES.get(name)
    if decl is not None:
        return decl.title
    # the file name is shown beside it
    return {"facts": "数据项", "kept_aside": "另存的未识别内容"}.get(name, name)


def figure_text(value: object) -> str:
    if value is None:
        return "未反馈"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


@dataclass
class CheckReport:
    """The findings of one month; see :func:`check_month`."""

    month: str
    findings: list[Finding] = field(default_factory=list)
    remainders: list[Remainder] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def notes(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "note"]

    @property
    def exit_code(self) -> int:
        """0 when there are only warnings and notes (or nothing), 1 when there is an error."""
        return 1 if self.errors else 0

    def summary(self) -> str:
        """One line: ``2020年2月：0 个错误，9 个警告`` (and ``，2 条提示`` when there are notes)."""
        line = f"{month_label(self.month)}：{len(self.errors)} 个错误，{len(self.warnings)} 个警告"
        return line + (f"，{len(self.notes)} 条提示" if self.notes else "")

    def to_text(self) -> str:
        """A readable Chinese report: the summary, the remainders, then findings by severity and table."""
        lines = [f"{self.summary()}（bulletin check {self.month}）"]
        if self.remainders:
            lines += ["", "说明"]
            lines += [f"  - {r.message}" for r in self.remainders]
        for severity in SEVERITIES:
            found = [f for f in self.findings if f.severity == severity]
            if severity == "note" and not found:
                continue  # a month with nothing to note says nothing about notes
            lines += ["", f"{SEVERITY_LABELS[severity]}（{len(found)}）"]
            if not found:
                lines.append("  无")
                continue
            by_table: dict[str, list[Finding]] = {}
            for f in found:
                by_table.setdefault(f.table, []).append(f)
            for name, items in by_table.items():
                lines.append(f"  {table_title(name)}（{name}）")
                for f in items:
                    lines.append(f"    - [{RULE_LABELS.get(f.rule, f.rule)}] {f.message}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        return {
            "month": self.month,
            "summary": self.summary(),
            "exit_code": self.exit_code,
            "counts": {"errors": len(self.errors), "warnings": len(self.warnings), "notes": len(self.notes)},
            "remainders": [r.to_dict() for r in self.remainders],
            "findings": [f.to_dict() for f in self.findings],
        }

    def to_json(self) -> str:
        """JSON text (UTF-8 Chinese kept as is, keys in a fixed order, money as exact text)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_frame(self) -> pd.DataFrame:
        """One row per finding, Chinese headers, for a notebook."""
        rows = [
            {
                "级别": SEVERITY_LABELS[f.severity],
                "规则": RULE_LABELS.get(f.rule, f.rule),
                "表": table_title(f.table),
                "单位": f.unit if f.unit is not None else "",
                "说明": f.message,
            }
            for f in self.findings
        ]
        return pd.DataFrame(rows, columns=["级别", "规则", "表", "单位", "说明"])
