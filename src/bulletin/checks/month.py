"""``bulletin check``: tie out a month's stated totals, compare figures printed twice, flag anomalies.

Every rule is driven by a declaration: the stated totals and 小计 columns come from
:mod:`bulletin.schema`; the cross-table rules and the warning rules are the small tuples
:data:`CROSS_RULES` and :data:`WARNING_RULES` below (adding a rule is adding one line there).
No unit is named anywhere in this module: a warning fires because of its figures.

Severities
    ``error``: the month's figures contradict themselves or a table is missing (exit 1).
    ``warning``: a figure worth a second look; the report says why (exit 0).
    ``note``: information a reader should know, not a fault: a table or figure the bulletin did
    not print that month (recorded in ``not_published.csv``), a month's total that differs from
    the change of its cumulative figure (exit 0).

Unreadable input (a month not of the form ``YYYY-MM``, a missing month folder, a cell that is
not what the schema declares) raises :class:`BulletinDataError` instead (the CLI exits 2). Two
problems the loader raises on are reported as findings instead, so that one report lists them
with everything else: an absent table or facts file, and a duplicate key.
"""

from __future__ import annotations

import json
import math
import os
import statistics
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Literal, Protocol

import pandas as pd

from .. import schema
from ..errors import BulletinDataError, DuplicateKeyError
from ..loaders import month_folder
from ..months import days_in_month, month_label
from ..schema import FACTS, FACTS_FILE, KIOSK_GROUP_LABELS, TABLES, TELEMEDICINE_MEASURES, Table
from ..schema import table as schema_table
from ..store import read_facts, read_not_published, read_table

if TYPE_CHECKING:
    from ..history import History

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
    "upload_days_beyond_month": "上传天数超过当月天数",
    "not_published": "本月未刊登",
    "name_close_to_known": "疑似同一单位的另一写法",
    "cumulative_fell": "累计数下降",
    "cumulative_gap": "累计增量与本月数不符",
    "month_word_mismatch": "月份与本月不符",
}

_FEN = Decimal("0.01")


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


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


def _table_title(name: str) -> str:
    decl = TABLES.get(name)
    if decl is not None:
        return decl.title
    return "数据项" if name == "facts" else name  # the file name is shown beside it


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
                lines.append(f"  {_table_title(name)}（{name}）")
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
                "表": _table_title(f.table),
                "单位": f.unit if f.unit is not None else "",
                "说明": f.message,
            }
            for f in self.findings
        ]
        return pd.DataFrame(rows, columns=["级别", "规则", "表", "单位", "说明"])


# --------------------------------------------------------------------------------------------
# What the rules see
# --------------------------------------------------------------------------------------------


@dataclass
class MonthData:
    """The tables and facts of a month that could be read; absent ones are simply not there."""

    month: str
    tables: dict[str, pd.DataFrame]
    facts: dict[str, object] | None
    #: item → note of ``not_published.csv``: tables and facts the bulletin did not print
    not_published: dict[str, str] = field(default_factory=dict)

    def fact(self, key: str) -> object:
        return None if self.facts is None else self.facts.get(key)


def _num(value: object) -> int | Decimal | None:
    """A cell as a Python number (``None`` for 未反馈)."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value  # type: ignore[return-value]
    return int(value)  # type: ignore[call-overload]


def _column_sum(frame: pd.DataFrame, decl: Table, column: str) -> int | Decimal:
    """Exact sum of a column (Decimal for money, int for counts), 未反馈 left out: the rows' side
    of :func:`bulletin.schema.table_total`, 0 when no row states the figure."""
    kind = decl.column(column).kind
    found = schema.column_sum(frame[column], kind)
    return found if found is not None else (Decimal("0.00") if kind == "money" else 0)


def _unit_of(decl: Table, row: pd.Series) -> str:
    """The row's name as a reader knows it: its free-text key columns (e.g. the hospital)."""
    names = [k for k in decl.key if decl.column(k).kind == "text" and decl.column(k).choices is None]
    return "/".join(str(row[k]) for k in (names or decl.key))


def _fmt(value: object) -> str:
    if value is None:
        return "未反馈"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _col_label(decl: Table, column: str) -> str:
    return decl.column(column).label


# --------------------------------------------------------------------------------------------
# Errors driven by schema.py: stated totals and 小计
# --------------------------------------------------------------------------------------------


def _check_totals(data: MonthData) -> tuple[list[Finding], list[Remainder]]:
    findings: list[Finding] = []
    remainders: list[Remainder] = []
    for name, decl in TABLES.items():
        frame = data.tables.get(name)
        if frame is None:
            continue
        # without facts.csv (reported once, as facts_missing) no stated total can be compared
        for total in decl.totals if data.facts is not None else ():
            label = _col_label(decl, total.column)
            stated = schema.stated_total(name, total.column, data.facts)
            if stated is None and total.fact in data.not_published:
                continue  # not printed this month: listed once as a note
            if stated is None:
                findings.append(Finding(
                    "error", "total_missing", name, None, total.column, None, total.fact,
                    f"{decl.title}「{label}」的合计（{total.fact}）未写入 {FACTS_FILE}，无法核对",
                ))
                continue
            rows = _column_sum(frame, decl, total.column)
            if total.rule == "exact" and rows != stated:
                findings.append(Finding(
                    "error", "total_mismatch", name, "合计", total.column, rows, stated,
                    f"「{label}」各行相加为 {_fmt(rows)}，而表中合计为 {_fmt(stated)}，相差 {_fmt(rows - stated)}",
                ))
            elif total.rule == "at_most":
                if rows > stated:
                    findings.append(Finding(
                        "error", "total_exceeded", name, "合计", total.column, rows, stated,
                        f"所列各项「{label}」相加为 {_fmt(rows)}，超过所述总数 {_fmt(stated)}",
                    ))
                else:
                    rest = stated - rows
                    remainders.append(Remainder(
                        name, total.column, total.fact, stated, rows, rest,
                        f"{decl.title}：所列各项「{label}」合计 {_fmt(rows)}，为所述总数 {_fmt(stated)} 的一部分，"
                        f"其余 {_fmt(rest)} 未分项列出",
                    ))
        findings += _check_row_sums(data, name, decl, frame)
    return findings, remainders


def _check_row_sums(data: MonthData, name: str, decl: Table, frame: pd.DataFrame) -> list[Finding]:
    findings = []
    for whole, parts in decl.row_sums.items():
        label = _col_label(decl, whole)
        parts_text = " + ".join(_col_label(decl, p) for p in parts)
        for _, row in frame.iterrows():
            values = [_num(row[p]) for p in parts]
            stated = _num(row[whole])
            if stated is None or any(v is None for v in values):
                continue
            added = sum(values)  # type: ignore[arg-type]
            if added != stated:
                unit = _unit_of(decl, row)
                findings.append(Finding(
                    "error", "row_sum_mismatch", name, unit, whole, stated, added,
                    f"{unit}：「{label}」为 {_fmt(stated)}，而 {parts_text} = {_fmt(added)}",
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
                        f"合计行：「{label}」为 {_fmt(stated)}，而 {parts_text} = {_fmt(added)}",
                    ))
    return findings


class Rule(Protocol):
    """A rule: reads the month, yields findings."""

    def check(self, data: MonthData) -> Iterator[Finding]: ...


# --------------------------------------------------------------------------------------------
# Cross-table rules: figures printed in two places must agree
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatedFact:
    """A stated scalar of ``facts.csv``."""

    key: str

    def value(self, data: MonthData) -> object:
        return data.fact(self.key)

    def describe(self) -> str:
        fact = FACTS.get(self.key)
        return fact.label if fact else self.key


#: what :meth:`TableCell.value` returns when its table is present but the row is not
ROW_ABSENT = object()


@dataclass(frozen=True)
class TableCell:
    """One cell: the row whose key is ``key`` in ``table``, column ``column``."""

    table: str
    key: tuple[str, ...]
    column: str

    def value(self, data: MonthData) -> object:
        frame = data.tables.get(self.table)
        if frame is None:
            return None
        decl = TABLES[self.table]
        mask = pd.Series(True, index=frame.index)
        for col, want in zip(decl.key, self.key, strict=False):
            mask &= frame[col].astype(str) == want
        hits = frame.loc[mask, self.column]
        return _num(hits.iloc[0]) if len(hits) else ROW_ABSENT

    def describe(self) -> str:
        decl = TABLES[self.table]
        return f"{decl.title}「{'/'.join(self.key)}」的{_col_label(decl, self.column)}"


@dataclass(frozen=True)
class ColumnSum:
    """The sum of a column's rows."""

    table: str
    column: str

    def value(self, data: MonthData) -> object:
        frame = data.tables.get(self.table)
        return None if frame is None else _column_sum(frame, TABLES[self.table], self.column)

    def describe(self) -> str:
        decl = TABLES[self.table]
        return f"{decl.title}「{_col_label(decl, self.column)}」各行之和"


Figure = StatedFact | TableCell | ColumnSum


@dataclass(frozen=True)
class Agree:
    """Two figures that the bulletin prints in two places must be equal."""

    a: Figure
    b: Figure

    def check(self, data: MonthData) -> Iterator[Finding]:
        a, b = self.a.value(data), self.b.value(data)
        table = self.a.table if isinstance(self.a, (TableCell, ColumnSum)) else getattr(self.b, "table", "facts")
        unit = "/".join(self.a.key) if isinstance(self.a, TableCell) else None
        column = getattr(self.a, "column", None)
        for side, other, value in ((self.a, self.b, a), (self.b, self.a, b)):
            if isinstance(side, TableCell) and value is ROW_ABSENT:
                # the table is there but the row is not: say the comparison could not be made
                row = "/".join(side.key)
                yield Finding(
                    "warning", "cross_figure_missing", side.table, row, side.column, None, row,
                    f"{side.describe()}不在表中，无法与{other.describe()}核对",
                )
        if a is None or b is None or a is ROW_ABSENT or b is ROW_ABSENT:
            return  # an absent table or fact is reported by its own rule
        if a != b:
            yield Finding(
                "error", "cross_table_mismatch", table, unit, column, a, b,
                f"{self.a.describe()}为 {_fmt(a)}，而{self.b.describe()}为 {_fmt(b)}，两处应一致",
            )


@dataclass(frozen=True)
class Breakdown:
    """Within each ``group``, every measure starting with ``prefix`` is a part of ``whole``."""

    table: str
    group: str
    measure: str
    value: str
    whole: str
    prefix: str
    #: measure code → (Chinese label, unit), for the message
    labels: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def check(self, data: MonthData) -> Iterator[Finding]:
        frame = data.tables.get(self.table)
        if frame is None:
            return
        for group, rows in frame.groupby(self.group, sort=False):
            values = {str(m): _num(v) for m, v in zip(rows[self.measure], rows[self.value], strict=False)}
            whole = values.get(self.whole)
            if whole is None:
                continue
            for measure, part in values.items():
                if measure.startswith(self.prefix) and part is not None and part > whole:
                    yield Finding(
                        "error", "breakdown_exceeds", self.table, str(group), measure, part, whole,
                        f"{group}：{self._label(measure)} {_fmt(part)}，多于{self._label(self.whole)} {_fmt(whole)}",
                    )

    def _label(self, measure: str) -> str:
        return self.labels.get(measure, (measure, ""))[0]


@dataclass(frozen=True)
class Ranking:
    """Within each ``group``, ranks run 1..n and the ranked figure does not increase."""

    table: str
    group: str
    rank: str
    value: str

    def check(self, data: MonthData) -> Iterator[Finding]:
        frame = data.tables.get(self.table)
        if frame is None:
            return
        for group, rows in frame.groupby(self.group, sort=False):
            ranks = [int(r) for r in rows[self.rank]]
            if sorted(ranks) != list(range(1, len(ranks) + 1)):
                yield Finding(
                    "error", "rank_order", self.table, str(group), self.rank, tuple(ranks),
                    tuple(range(1, len(ranks) + 1)),
                    f"{group}：名次为 {ranks}，应为 1 到 {len(ranks)} 各一次",
                )
                continue
            ordered = rows.assign(_r=ranks).sort_values("_r")
            counts = [_num(v) for v in ordered[self.value]]
            for rank, (before, after) in enumerate(zip(counts, counts[1:], strict=False), start=2):
                if before is not None and after is not None and after > before:
                    yield Finding(
                        "error", "rank_order", self.table, str(group), self.value, after, before,
                        f"{group}：第 {rank} 名为 {_fmt(after)}，多于第 {rank - 1} 名的 {_fmt(before)}",
                    )


#: figures that appear in two places, and orderings the bulletin implies; one line per rule
CROSS_RULES: tuple[Rule, ...] = (
    Agree(TableCell("hotline_categories", ("电话预约",), "count"), StatedFact("appointments.total.phone")),
    Agree(TableCell("hotline_categories", ("电话预约",), "count"), ColumnSum("appointments", "phone")),
    Breakdown("telemedicine", "platform", "measure", "value", "institutions", "institutions_", TELEMEDICINE_MEASURES),
    Ranking("telemedicine_top_uploaders", "platform", "rank", "count"),
)


# --------------------------------------------------------------------------------------------
# Warning rules: figures worth a second look
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Idle:
    """Units with ``installed`` > 0 but every one of ``uses`` = 0 (devices installed, never used)."""

    table: str
    installed: str
    uses: tuple[str, ...]

    def check(self, data: MonthData) -> Iterator[Finding]:
        frame = data.tables.get(self.table)
        if frame is None:
            return
        decl = TABLES[self.table]
        uses = "、".join(_col_label(decl, u).split("（")[0] for u in self.uses)
        for _, row in frame.iterrows():
            installed = _num(row[self.installed])
            if installed and all(_num(row[u]) == 0 for u in self.uses):
                unit = _unit_of(decl, row)
                yield Finding(
                    "warning", "kiosks_idle", self.table, unit, self.installed, installed, f"{uses}不全为 0",
                    f"{unit}：{_col_label(decl, self.installed)} {installed}，本月{uses}均为 0",
                )


#: the average-fee rule: flagged when both far in MADs (log scale) and far as a ratio
OUTLIER_MADS = 3.5
OUTLIER_MIN_RATIO = Decimal(5)
#: an average over fewer events says little; peers fewer than this give no reliable median
OUTLIER_MIN_EVENTS = 30
OUTLIER_MIN_PEERS = 5


@dataclass(frozen=True)
class AverageOutlier:
    """An average (``amount`` / ``count``) far from the median of its peers in the same ``group``.

    Distances are taken on a log scale (a fee twice the median is as far as one half of it),
    in units of the peers' median absolute deviation scaled to a normal SD (1.4826 × MAD);
    a unit is flagged only when it is also at least :data:`OUTLIER_MIN_RATIO` times above or
    below the median, so that a group whose averages are nearly identical (a tiny MAD) does
    not turn small differences into warnings.
    """

    table: str
    group: str
    amount: str
    count: str

    def check(self, data: MonthData) -> Iterator[Finding]:
        frame = data.tables.get(self.table)
        if frame is not None:
            yield from self.findings(frame)

    def findings(self, frame: pd.DataFrame) -> Iterator[Finding]:
        """The rule applied to ``frame``, rows of :attr:`table` (all of them or any part, e.g. one group)."""
        decl = TABLES[self.table]
        what = _col_label(decl, self.count).split("（")[0]
        for group, rows in frame.groupby(self.group, sort=False):
            units = []
            for _, row in rows.iterrows():
                n, amount = _num(row[self.count]), _num(row[self.amount])
                if n is not None and amount is not None and n >= OUTLIER_MIN_EVENTS:
                    units.append((_unit_of(decl, row), n, Decimal(amount), Decimal(amount) / n))
            if len(units) < OUTLIER_MIN_PEERS:
                continue
            logs = [math.log(float(avg)) for *_, avg in units]
            median = statistics.median(logs)
            mad = 1.4826 * statistics.median(abs(x - median) for x in logs)
            median_avg = Decimal(math.exp(median)).quantize(_FEN, ROUND_HALF_UP)
            group_label = KIOSK_GROUP_LABELS.get(str(group), str(group))
            for (unit, n, amount, avg), x in zip(units, logs, strict=False):
                ratio = avg / median_avg
                far = abs(x - median) > OUTLIER_MADS * mad if mad > 0 else x != median
                if far and (ratio >= OUTLIER_MIN_RATIO or ratio <= 1 / OUTLIER_MIN_RATIO):
                    shown = avg.quantize(_FEN, ROUND_HALF_UP)
                    times = f"{ratio:.1f} 倍" if ratio >= 1 else f"1/{1 / ratio:.1f}"
                    score = f"{abs(x - median) / mad:.1f}" if mad > 0 else "∞"
                    yield Finding(
                        "warning", "average_outlier", self.table, unit, self.amount, shown, median_avg,
                        f"{unit}：每次{what}平均 {_fmt(shown)} 元（{_fmt(amount)} 元 / {n:,} 次），"
                        f"同组（{group_label}，{len(units)} 家）中位数 {_fmt(median_avg)} 元，为其 {times}；"
                        f"对数尺度上偏离中位数 {score} 个稳健标准差（阈值 {OUTLIER_MADS}，且至少相差 "
                        f"{OUTLIER_MIN_RATIO} 倍）",
                    )


def _rows_with(data: MonthData, *columns: str) -> Iterator[tuple[str, Table, pd.Series]]:
    """(table, declaration, row) for each row of the month's tables that have all of ``columns``."""
    for name, decl in TABLES.items():
        frame = data.tables.get(name)
        if frame is not None and all(c in decl.column_names for c in columns):
            for _, row in frame.iterrows():
                yield name, decl, row


@dataclass(frozen=True)
class ZeroDaysWithRecords:
    """``days`` = 0 while ``records`` > 0 (every table that has both columns)."""

    days: str
    records: str

    def check(self, data: MonthData) -> Iterator[Finding]:
        for name, decl, row in _rows_with(data, self.days, self.records):
            days, records = _num(row[self.days]), _num(row[self.records])
            if days == 0 and records:
                unit = _unit_of(decl, row)
                yield Finding(
                    "warning", "upload_days_zero", name, unit, self.days, days, "≥ 1",
                    f"{unit}：{_col_label(decl, self.days)}为 0，却有{_col_label(decl, self.records)} "
                    f"{_fmt(records)} 条",
                )


@dataclass(frozen=True)
class NotAbove:
    """``column`` may not exceed ``limit`` in the same row (every table that has both columns)."""

    rule: str
    column: str
    limit: str

    def check(self, data: MonthData) -> Iterator[Finding]:
        for name, decl, row in _rows_with(data, self.column, self.limit):
            value, limit = _num(row[self.column]), _num(row[self.limit])
            if value is not None and limit is not None and value > limit:
                unit = _unit_of(decl, row)
                yield Finding(
                    "warning", self.rule, name, unit, self.column, value, limit,
                    f"{unit}：{_col_label(decl, self.column)} {_fmt(value)}，多于"
                    f"{_col_label(decl, self.limit)} {_fmt(limit)}",
                )


@dataclass(frozen=True)
class DaysBeyondMonth:
    """A count of days larger than the calendar days of the month."""

    column: str

    def check(self, data: MonthData) -> Iterator[Finding]:
        limit = days_in_month(data.month)
        for name, decl, row in _rows_with(data, self.column):
            days = _num(row[self.column])
            if days is not None and days > limit:
                unit = _unit_of(decl, row)
                yield Finding(
                    "warning", "upload_days_beyond_month", name, unit, self.column, days, limit,
                    f"{unit}：{_col_label(decl, self.column)}为 {days}，而{month_label(data.month)}只有 {limit} 天",
                )


@dataclass(frozen=True)
class NotReported:
    """A figure printed as 未反馈 (every nullable column the schema declares)."""

    def check(self, data: MonthData) -> Iterator[Finding]:
        for name, decl, row in _rows_with(data):
            for col in decl.columns:
                if col.nullable and col.kind != "text" and _num(row[col.name]) is None:
                    unit = _unit_of(decl, row)
                    yield Finding(
                        "warning", "not_reported", name, unit, col.name, None, "一个数字",
                        f"{unit}：{col.label}未反馈",
                    )


#: warnings: one line per rule, none names a unit
WARNING_RULES: tuple[Rule, ...] = (
    Idle("kiosks", "kiosks", ("registrations", "payments")),
    AverageOutlier("kiosks", "group", "registration_yuan", "registrations"),
    AverageOutlier("kiosks", "group", "payment_yuan", "payments"),
    ZeroDaysWithRecords("upload_days", "records"),
    NotAbove("uploaded_exceeds_required", "uploaded_tables", "required_tables"),
    NotReported(),
    DaysBeyondMonth("upload_days"),
)


def average_outliers(frame: pd.DataFrame, table: str = "kiosks") -> list[Finding]:
    """The average-fee warnings of ``bulletin check`` for a frame of ``table``'s rows.

    Applies every :class:`AverageOutlier` rule of :data:`WARNING_RULES` declared for ``table``
    (for kiosks: per registration and per payment) to ``frame``, which may hold the whole table
    or any part of it (e.g. one group), so that a section shows exactly what the check flags.
    """
    schema_table(table)  # an unknown table name is an error, not an empty list
    return [
        finding
        for rule in WARNING_RULES
        if isinstance(rule, AverageOutlier) and rule.table == table
        for finding in rule.findings(frame)
    ]


# --------------------------------------------------------------------------------------------
# Reading the month
# --------------------------------------------------------------------------------------------


def _read(
    path: os.PathLike[str], reader: Callable[[], object], name: str, missing_rule: str, findings: list[Finding]
) -> object:
    """Read one file; an absent file or a duplicate key becomes an error finding, anything else raises."""
    file = os.fspath(path)
    if not os.path.exists(file):
        findings.append(Finding(
            "error", missing_rule, name, None, None, None, os.path.basename(file),
            f"月份文件夹中缺少 {os.path.basename(file)}（{_table_title(name)}），其中的数字无法核对",
        ))
        return None
    try:
        return reader()
    except BulletinDataError as exc:
        if not isinstance(exc, DuplicateKeyError):
            raise
        findings.append(Finding(
            "error", "duplicate_key", name, str(exc.value) if exc.value is not None else None, exc.column,
            exc.value, "每个键只出现一次",
            f"{os.path.basename(file)} 第 {exc.row} 行：「{exc.value}」重复出现（{exc.problem}），"
            "该文件的其余核对未进行",
        ))
        return None


def check_month(
    month: str,
    data_dir: str | os.PathLike[str] | None = None,
    *,
    cache: History | None = None,
    reader: Callable[[os.PathLike[str], Table], pd.DataFrame] | None = None,
    facts_reader: Callable[[os.PathLike[str]], dict[str, object]] | None = None,
) -> CheckReport:
    """Check one month's figures, and against the months before it, and return the report.

    ``cache`` (optional): the months' digests (:class:`bulletin.history.History`), which hold
    what the month is compared with of every earlier month; shared by the months of a range, and
    by a loaded month's family, so that each earlier month is read once.

    Raises
    ------
    BulletinDataError
        For a month not of the form ``YYYY-MM``, a month folder that does not exist, or a file
        that cannot be read as its schema declares. An absent table or facts file and a
        duplicate key are findings (errors) instead.
    """
    # ``reader``/``facts_reader``: how a file is read (exact money); a loaded month
    # (bulletin.loaded.Month) passes its own so that each file is read once per month
    read = reader or (lambda p, d: read_table(p, d, exact=True))
    read_f = facts_reader or (lambda p: read_facts(p, exact=True))
    folder = month_folder(month, data_dir)
    try:  # an unreadable folder is one error (exit 2), not every table reported missing
        os.listdir(folder)
    except OSError as exc:
        raise BulletinDataError(f"cannot read the month folder ({exc.strerror or exc})", file=folder) from None
    findings: list[Finding] = []
    tables: dict[str, pd.DataFrame] = {}
    for name, decl in TABLES.items():
        path = folder / decl.file
        frame = _read(path, lambda p=path, d=decl: read(p, d), name, "table_missing", findings)
        if frame is not None:
            tables[name] = frame  # type: ignore[assignment]
    fpath = folder / FACTS_FILE
    facts = _read(fpath, lambda: read_f(fpath), "facts", "facts_missing", findings)
    # a table recorded as not printed is a note, not a missing file; one missing without the record
    # stays an error
    not_published = read_not_published(folder)
    findings = [
        *_not_published_notes(not_published),
        *(f for f in findings if not (f.rule == "table_missing" and f.table in not_published)),
    ]
    findings += _other_months(month, folder)
    data = MonthData(month, tables, facts, not_published)  # type: ignore[arg-type]

    total_findings, remainders = _check_totals(data)
    findings += total_findings
    for rule in (*CROSS_RULES, *WARNING_RULES):
        findings += rule.check(data)
    from .across import across_months

    findings += across_months(month, tables, facts, data_dir, cache)  # type: ignore[arg-type]
    return CheckReport(month, findings, remainders)


def _other_months(month: str, folder: os.PathLike[str]) -> Iterator[Finding]:
    """A warning per month word of the text that names another month (``other_months.csv``)."""
    from .. import month_words

    for word in month_words.read(folder):
        if not word.disagrees_with(month):
            continue  # the folder was renamed to the month the words name
        named = word.month.removeprefix("--")
        named = month_label(named) if "-" in named else f"{int(named)}月"
        source = f"（{word.source}）" if word.source else ""
        yield Finding(
            "warning", "month_word_mismatch", word.table, None, None, word.words, month_label(month),
            f"简报文本{source}第 {word.line} 行「{word.words}」说的是{named}，本月为{month_label(month)}："
            "这里的数字可能是另一个月的（记录于 other_months.csv）",
        )


def _not_published_notes(items: Mapping[str, str]) -> Iterator[Finding]:
    """One note per table or fact recorded in ``not_published.csv``."""
    for item, note in items.items():
        if item in TABLES:
            what, table = f"「{TABLES[item].title}」（{TABLES[item].file}）", item
        else:
            what, table = f"「{FACTS[item].label}」（{item}）", "facts"
        yield Finding(
            "note", "not_published", table, None, None, item, None,
            (f"{what}：{note}" if note else f"本月简报未刊登{what}") + "（记录于 not_published.csv），不作核对",
        )
