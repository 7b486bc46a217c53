"""The declared rules of one month: figures printed twice that must agree (:data:`CROSS_RULES`) and
figures worth a second look (:data:`WARNING_RULES`); adding a rule is adding one line there, and no
unit is named anywhere in this module: a warning fires because of its figures."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

import pandas as pd

from bulletin.checks.reading import CheckedMonth, column_label, number, rows_sum, unit_of
from bulletin.checks.report import Finding, figure_text
from bulletin.core.missing import key_text, signs
from bulletin.core.month_strings import days_in_month, month_label
from bulletin.core.schema import FACTS, KIOSK_GROUP_LABELS, TABLES, TELEMEDICINE_MEASURES, Table
from bulletin.core.schema import table as schema_table

_FEN = Decimal("0.01")


class Rule(Protocol):
    """A rule: reads the month, yields findings."""

    def check(self, data: CheckedMonth) -> Iterator[Finding]: ...


@dataclass(frozen=True)
class StatedFact:
    """A stated scalar of ``facts.csv``."""

    key: str

    def value(self, data: CheckedMonth) -> object:
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

    def value(self, data: CheckedMonth) -> object:
        frame = data.tables.get(self.table)
        if frame is None:
            return None
        decl = TABLES[self.table]
        mask = pd.Series(True, index=frame.index)
        for col, want in zip(decl.key, self.key, strict=False):
            mask &= frame[col].astype(str) == want
        hits = frame.loc[mask, self.column]
        return number(hits.iloc[0]) if len(hits) else ROW_ABSENT

    def describe(self) -> str:
        decl = TABLES[self.table]
        return f"{decl.title}「{'/'.join(self.key)}」的{column_label(decl, self.column)}"


@dataclass(frozen=True)
class ColumnSum:
    """The sum of a column's rows."""

    table: str
    column: str

    def value(self, data: CheckedMonth) -> object:
        frame = data.tables.get(self.table)
        return None if frame is None else rows_sum(frame, TABLES[self.table], self.column)

    def describe(self) -> str:
        decl = TABLES[self.table]
        return f"{decl.title}「{column_label(decl, self.column)}」各行之和"


Figure = StatedFact | TableCell | ColumnSum


@dataclass(frozen=True)
class Agree:
    """Two figures that the bulletin prints in two places must be equal."""

    a: Figure
    b: Figure

    def check(self, data: CheckedMonth) -> Iterator[Finding]:
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
                f"{self.a.describe()}为 {figure_text(a)}，而{self.b.describe()}为 {figure_text(b)}，两处应一致",
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

    def check(self, data: CheckedMonth) -> Iterator[Finding]:
        frame = data.tables.get(self.table)
        if frame is None:
            return
        for group, rows in frame.groupby(self.group, sort=False):
            values = {str(m): number(v) for m, v in zip(rows[self.measure], rows[self.value], strict=False)}
            whole = values.get(self.whole)
            if whole is None:
                continue
            for measure, part in values.items():
                if measure.startswith(self.prefix) and part is not None and part > whole:
                    yield Finding(
                        "error", "breakdown_exceeds", self.table, str(group), measure, part, whole,
                        f"{group}：{self._label(measure)} {figure_text(part)}，"
                        f"多于{self._label(self.whole)} {figure_text(whole)}",
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

    def check(self, data: CheckedMonth) -> Iterator[Finding]:
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
            counts = [number(v) for v in ordered[self.value]]
            for rank, (before, after) in enumerate(zip(counts, counts[1:], strict=False), start=2):
                if before is not None and after is not None and after > before:
                    yield Finding(
                        "error", "rank_order", self.table, str(group), self.value, after, before,
                        f"{group}：第 {rank} 名为 {figure_text(after)}，多于第 {rank - 1} 名的 {figure_text(before)}",
                    )


#: figures that appear in two places, and orderings the bulletin implies; one line per rule
CROSS_RULES: tuple[Rule, ...] = (
    Agree(TableCell("hotline_categories", ("电话预约",), "count"), StatedFact("appointments.total.phone")),
    Agree(TableCell("hotline_categories", ("电话预约",), "count"), ColumnSum("appointments", "phone")),
    Breakdown("telemedicine", "platform", "measure", "value", "institutions", "institutions_", TELEMEDICINE_MEASURES),
    Ranking("telemedicine_top_uploaders", "platform", "rank", "count"),
)


@dataclass(frozen=True)
class Idle:
    """Units with ``installed`` > 0 but every one of ``uses`` = 0 (devices installed, never used)."""

    table: str
    installed: str
    uses: tuple[str, ...]

    def check(self, data: CheckedMonth) -> Iterator[Finding]:
        frame = data.tables.get(self.table)
        if frame is None:
            return
        decl = TABLES[self.table]
        uses = "、".join(column_label(decl, u).split("（")[0] for u in self.uses)
        for _, row in frame.iterrows():
            installed = number(row[self.installed])
            if installed and all(number(row[u]) == 0 for u in self.uses):
                unit = unit_of(decl, row)
                yield Finding(
                    "warning", "kiosks_idle", self.table, unit, self.installed, installed, f"{uses}不全为 0",
                    f"{unit}：{column_label(decl, self.installed)} {installed}，本月{uses}均为 0",
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

    def check(self, data: CheckedMonth) -> Iterator[Finding]:
        frame = data.tables.get(self.table)
        if frame is not None:
            yield from self.findings(frame)

    def findings(self, frame: pd.DataFrame) -> Iterator[Finding]:
        """The rule applied to ``frame``, rows of :attr:`table` (all of them or any part, e.g. one group)."""
        decl = TABLES[self.table]
        what = column_label(decl, self.count).split("（")[0]
        for group, rows in frame.groupby(self.group, sort=False):
            units = []
            for _, row in rows.iterrows():
                n, amount = number(row[self.count]), number(row[self.amount])
                if n is not None and amount is not None and n >= OUTLIER_MIN_EVENTS:
                    units.append((unit_of(decl, row), n, Decimal(amount), Decimal(amount) / n))
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
                        f"{unit}：每次{what}平均 {figure_text(shown)} 元（{figure_text(amount)} 元 / {n:,} 次），"
                        f"同组（{group_label}，{len(units)} 家）中位数 {figure_text(median_avg)} 元，为其 {times}；"
                        f"对数尺度上偏离中位数 {score} 个稳健标准差（阈值 {OUTLIER_MADS}，且至少相差 "
                        f"{OUTLIER_MIN_RATIO} 倍）",
                    )


def _rows_with(data: CheckedMonth, *columns: str) -> Iterator[tuple[str, Table, pd.Series]]:
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

    def check(self, data: CheckedMonth) -> Iterator[Finding]:
        for name, decl, row in _rows_with(data, self.days, self.records):
            days, records = number(row[self.days]), number(row[self.records])
            if days == 0 and records:
                unit = unit_of(decl, row)
                yield Finding(
                    "warning", "upload_days_zero", name, unit, self.days, days, "≥ 1",
                    f"{unit}：{column_label(decl, self.days)}为 0，却有{column_label(decl, self.records)} "
                    f"{figure_text(records)} 条",
                )


@dataclass(frozen=True)
class NotAbove:
    """``column`` may not exceed ``limit`` in the same row (every table that has both columns)."""

    rule: str
    column: str
    limit: str

    def check(self, data: CheckedMonth) -> Iterator[Finding]:
        for name, decl, row in _rows_with(data, self.column, self.limit):
            value, limit = number(row[self.column]), number(row[self.limit])
            if value is not None and limit is not None and value > limit:
                unit = unit_of(decl, row)
                yield Finding(
                    "warning", self.rule, name, unit, self.column, value, limit,
                    f"{unit}：{column_label(decl, self.column)} {figure_text(value)}，多于"
                    f"{column_label(decl, self.limit)} {figure_text(limit)}",
                )


@dataclass(frozen=True)
class DaysBeyondMonth:
    """A count of days larger than the calendar days of the month."""

    column: str

    def check(self, data: CheckedMonth) -> Iterator[Finding]:
        limit = days_in_month(data.month)
        for name, decl, row in _rows_with(data, self.column):
            days = number(row[self.column])
            if days is not None and days > limit:
                unit = unit_of(decl, row)
                yield Finding(
                    "warning", "upload_days_beyond_month", name, unit, self.column, days, limit,
                    f"{unit}：{column_label(decl, self.column)}为 {days}，而{month_label(data.month)}只有 {limit} 天",
                )


@dataclass(frozen=True)
class NotReported:
    """A figure printed as 未反馈 (every column the schema declares can hold it:
    ``Column.not_reported``), or as a sign for no figure (—, …: any figure column; ``no_figure``,
    worded with the sign as printed). Both are missing to every total and rule, and worth the
    same second look."""

    def check(self, data: CheckedMonth) -> Iterator[Finding]:
        for name, decl, row in _rows_with(data):
            printed = signs(data.tables[name])
            for col in decl.columns:
                if col.kind == "text" or number(row[col.name]) is not None:
                    continue
                unit = unit_of(decl, row)
                sign = printed.get((key_text(row[k] for k in decl.key), col.name)) if printed else None
                if sign is not None:
                    yield Finding(
                        "warning", "no_figure", name, unit, col.name, sign, "一个数字",
                        f"{unit}：{col.label}印作“{sign}”（无数字），按缺失处理，不计入合计",
                    )
                elif col.not_reported:
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
