"""Every table of the bulletin, declared once.

The loader, the ingest, the checks and the notebooks' labels all read these declarations; a
column is added or renamed here and nowhere else. A small declarative table was chosen over
pandera: the rules are few (non-negative integers, money to the fen, unique keys), the error
messages must name the file, row and column in our own words, and one month must load in
milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from bulletin.core.errors import BulletinDataError

Kind = Literal["text", "count", "money"]


@dataclass(frozen=True)
class Column:
    """One column: canonical name, Chinese label as printed, kind, unit."""

    name: str
    label: str
    kind: Kind = "count"
    unit: str = ""
    nullable: bool = False
    #: codes allowed in a text column (None: any name of a valid shape). Only closed vocabularies
    #: of codes have choices (kiosk groups, telemedicine measures): names of units, platforms,
    #: channels, categories and cities are open, since a later bulletin may print new ones.
    choices: tuple[str, ...] | None = None
    #: a column added after month folders were written: a file without it reads as all missing
    #: (only for a nullable column; every file the ingest writes has it)
    optional: bool = False

    @property
    def not_reported(self) -> bool:
        """Whether a cell may be printed as 未反馈 (a count the unit did not report): a nullable
        count. A nullable text column (telemedicine's ``note``) is empty where nothing was printed,
        which is not 未反馈."""
        return self.nullable and self.kind != "text"


@dataclass(frozen=True)
class Total:
    """A total the bulletin states for a column, kept as a fact.

    ``exact``: the rows must add up to it (合计 rows, 合计：N, the province total).
    ``at_most``: the rows are the listed part of it (其中 …), so they may not exceed it;
    the difference is the unlisted remainder.
    """

    column: str
    fact: str
    rule: Literal["exact", "at_most"] = "exact"


@dataclass(frozen=True)
class Table:
    name: str
    title: str  # the section title as printed, without the month
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    source: str  # where in the bulletin the figures are printed
    totals: tuple[Total, ...] = ()
    #: column that must equal the sum of the others (小计 = its parts)
    row_sums: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def _c(name: str, label: str, kind: Kind = "count", unit: str = "", **kw: object) -> Column:
    return Column(name, label, kind, unit, **kw)  # type: ignore[arg-type]


APPOINTMENT_CHANNELS = ("online_12320", "phone", "in_clinic", "third_party")

# every count of the data-platform tables may be printed as 未反馈 (not reported): it stays
# missing (empty in the CSV, <NA> when loaded), never 0, and bulletin check lists it
_PLATFORM_COMMON = (
    _c("declared_tables", "申明上传表", unit="份", nullable=True),
    _c("required_tables", "规定上传表", unit="份", nullable=True),
    _c("uploaded_tables", "已上传表（CDA文档）", unit="份", nullable=True),
    _c("records", "数据上传量", unit="条", nullable=True),
    _c("upload_days", "数据上传天数", unit="天", nullable=True),
    _c("outpatient_visits", "门急诊信息上传人次", unit="人次", nullable=True),
    _c("discharges", "出院信息上传人次", unit="人次", nullable=True),
)

#: the platforms the February 2020 bulletin prints, in its order: the usual order for display and
#: what ingest notes as absent when a paragraph is missing. Not a closed list: a platform
#: paragraph with another name is read the same way.
TELEMEDICINE_PLATFORMS = (
    "南京市远程医学会诊平台",
    "南京市远程心电监测诊断平台",
    "南京市远程临检诊断平台",
    "南京市远程影像诊断平台",
)

#: measure code → (Chinese label, unit). Breakdown measures start with ``institutions_``.
TELEMEDICINE_MEASURES: dict[str, tuple[str, str]] = {
    "institutions": ("累计接入医疗机构", "家"),
    "institutions_secondary_plus": ("其中：二级以上医疗机构", "家"),
    "institutions_tertiary": ("其中：三级医院", "家"),
    "institutions_community": ("其中：社区卫生服务中心", "家"),
    "institutions_metro": ("其中：南京都市圈城市医疗机构", "家"),
    "institutions_aid": ("其中：对外帮扶医疗机构", "家"),
    "institutions_other": ("其中：其他机构", "家"),
    "cities_connected": ("联通城市", "个"),
    "districts_covered": ("覆盖区", "个"),
    "consultations_cumulative": ("累计会诊", "次"),
    "ecg_cases": ("本月采集心电病例", "份"),
    "consultations": ("本月会诊量", "例"),
    "lab_reports": ("本月采集检验报告", "份"),
    "specimens_routed": ("本月平台流转标本", "份"),
    "monthly_volume": ("本月采集量", "份"),
    "paused": ("暂停数据采集及服务（1=暂停）", ""),
}

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "hotline_categories",
            "南京12320卫生热线数据统计",
            (_c("category", "类别", "text"), _c("count", "受理量", unit="个")),
            key=("category",),
            source="12320卫生热线段落：共受理咨询电话及其中各类别",
            totals=(Total("count", "hotline.total_calls", "at_most"),),
        ),
        Table(
            "province_calls",
            "全省12320电话量",
            (_c("city", "城市", "text"), _c("calls", "接听电话", unit="人次")),
            key=("city",),
            source="全省12320段落：共接听电话及各市电话量",
            totals=(Total("calls", "hotline.province_total_calls"),),
        ),
        Table(
            "appointments",
            "预约挂号服务统计表",
            (
                _c("hospital", "单位", "text"),
                _c("online_12320", "12320在线预约", unit="次"),
                _c("phone", "电话预约", unit="次"),
                _c("in_clinic", "诊间预约", unit="次"),
                _c("third_party", "第三方", unit="次"),
                _c("total", "小计", unit="次"),
            ),
            key=("hospital",),
            source="预约挂号服务统计表（序号1–43及合计行）",
            totals=tuple(
                Total(c, f"appointments.total.{c}") for c in (*APPOINTMENT_CHANNELS, "total")
            ),
            row_sums={"total": APPOINTMENT_CHANNELS},
        ),
        Table(
            "booking_channels",
            "分途径预约情况统计",
            (_c("channel", "名称", "text"), _c("bookings", "预约数量", unit="次")),
            key=("channel",),
            source="分途径预约情况统计（两组并排，合计：N）",
            totals=(Total("bookings", "booking_channels.total"),),
        ),
        Table(
            "telemedicine",
            "南京市远程医疗系统数据统计",
            (
                _c("platform", "平台", "text"),
                _c("measure", "指标", "text", choices=tuple(TELEMEDICINE_MEASURES)),
                _c("value", "数值"),
                # the qualifier the bulletin prints beside the figure, verbatim: a parenthesis after it
                # (未通过平台申请的会诊未统计在内), the cities a count of cities names, the scope of a
                # 覆盖… clause, a 市内 scope before it, the sentence saying why a platform paused
                _c("note", "公报注明", "text", nullable=True, optional=True),
            ),
            key=("platform", "measure"),
            source="远程医疗系统的各平台段落（二月为四个平台）；注明：数字旁的括注、城市名单、覆盖范围和暂停原因",
        ),
        Table(
            "telemedicine_top_uploaders",
            "远程医疗平台本月数据上传量前三名",
            (
                _c("platform", "平台", "text"),
                _c("rank", "名次", unit="名"),
                _c("hospital", "医疗机构", "text"),
                _c("count", "上传量", unit="份"),
            ),
            key=("platform", "rank"),
            source="心电、临检平台段落：本月数据上传量排名前三",
        ),
        Table(
            "platform_districts",
            "南京市卫生信息平台数据采集情况（区）",
            (
                _c("district", "接入单位", "text"),
                *_PLATFORM_COMMON,
                _c("ehr_basic", "健康档案累计上传总量·基本信息", unit="份", nullable=True),
                _c("ehr_hypertension", "健康档案累计上传总量·高血压", unit="份", nullable=True),
                _c("ehr_diabetes", "健康档案累计上传总量·糖尿病", unit="份", nullable=True),
            ),
            key=("district",),
            source="卫生信息平台数据采集情况（区）表",
        ),
        Table(
            "platform_hospitals",
            "南京市卫生信息平台数据采集情况（医院）",
            (_c("hospital", "接入单位", "text"), *_PLATFORM_COMMON),
            key=("hospital",),
            source="卫生信息平台数据采集情况（医院）表",
        ),
        Table(
            "kiosks",
            "自助智能医疗服务终端医院使用情况表",
            (
                _c("group", "分组", "text", choices=("hospital", "district")),
                _c("unit", "单位", "text"),
                _c("kiosks", "投放台数", unit="台"),
                _c("registrations", "挂号（次）", unit="次"),
                _c("registration_yuan", "挂号金额（元）", "money", "元"),
                _c("payments", "缴费（次）", unit="次"),
                _c("payment_yuan", "缴费金额（元）", "money", "元"),
            ),
            key=("group", "unit"),
            source="自助智能医疗服务终端使用情况表（医疗单位、各区两组及合计行）",
            totals=tuple(
                Total(c, f"kiosks.total.{c}")
                for c in ("kiosks", "registrations", "registration_yuan", "payments", "payment_yuan")
            ),
        ),
    )
}

KIOSK_GROUP_LABELS = {"hospital": "医疗单位", "district": "各区"}


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    unit: str
    kind: Kind = "count"


def _facts() -> dict[str, Fact]:
    facts = [
        Fact("hotline.total_calls", "12320卫生热线共受理咨询电话", "个"),
        Fact("hotline.city_12345_tickets", "受理市12345工单", "件"),
        Fact("hotline.province_12345_tickets", "受理省12345工单", "件"),
        Fact("hotline.province_total_calls", "全省12320共接听电话", "人次"),
        Fact("appointments.cumulative_total", "截止月底总预约挂号量", "次"),
        Fact("booking_channels.total", "分途径预约合计", "次"),
        Fact("platform.cumulative_records", "截止月底区及医院累计校验入库数据", "条"),
    ]
    for table in TABLES.values():
        for total in table.totals:
            if not any(f.key == total.fact for f in facts):
                col = table.column(total.column)
                facts.append(Fact(total.fact, f"{table.title}·合计·{col.label}", col.unit, col.kind))
    return {f.key: f for f in facts}


#: every scalar the statistics part states, in the order they are written to ``facts.csv``
FACTS: dict[str, Fact] = _facts()

FACTS_FILE = "facts.csv"
FACTS_COLUMNS = ("key", "value", "unit", "label")


def table(name: object) -> Table:
    """The declaration of ``name``; an unknown name or any other object (even an unhashable one)
    raises :class:`BulletinDataError`."""
    decl = TABLES.get(name) if isinstance(name, str) else None
    if decl is None:
        raise BulletinDataError(
            "unknown table", column="table", value=name, expected="a table name, one of " + ", ".join(TABLES)
        )
    return decl


# ------------------------------------------------------------------ a table's total, one rule for every output


def declared_total(table: str, column: str) -> Total | None:
    """The total the bulletin states for ``table``'s ``column`` (its :class:`Total`), or None."""
    return next((t for t in TABLES[table].totals if t.column == column), None)


def to_fen(value: object) -> Decimal:
    """Money exactly to the fen, whether loaded as ``Decimal`` or as float64 yuan (``Decimal(str(x))``
    takes a float's shortest repr, ``51460109.85``, not its binary expansion)."""
    return (value if isinstance(value, Decimal) else Decimal(str(value))).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _exact(value: object, kind: Kind) -> int | Decimal:
    if kind == "money":
        return to_fen(value)
    if isinstance(value, Decimal):
        return int(value.to_integral_value(ROUND_HALF_UP))
    return int(value)  # type: ignore[call-overload]


def column_sum(values: Iterable[object], kind: Kind) -> int | Decimal | None:
    """The exact sum of a column's cells (``Decimal`` to the fen for money, ``int`` for counts),
    未反馈 (missing) left out; None when every cell is missing or there is none."""
    from bulletin.core.missing import is_missing

    present = [_exact(v, kind) for v in values if not is_missing(v)]
    if not present:
        return None
    return sum(present, Decimal("0.00") if kind == "money" else 0)  # type: ignore[arg-type]


def stated_total(table: str, column: str, facts: Mapping[str, object] | None) -> int | Decimal | None:
    """The total of ``table``'s ``column`` as the bulletin printed it (from the month's facts),
    exact (``Decimal`` to the fen for money, float facts included); None when not stated."""
    total = declared_total(table, column)
    if total is None or facts is None or facts.get(total.fact) is None:
        return None
    return _exact(facts[total.fact], TABLES[table].column(column).kind)


def table_total(table: str, column: str, facts: Mapping[str, object] | None,
                values: Iterable[object]) -> int | Decimal | None:
    """The total of ``table``'s ``column`` that every output shows (sections, documents, checks):
    the stated one when the bulletin printed it, else the exact sum of the rows ``values``.

    A total whose rows are only the listed part (``at_most``, 其中 …) has no sum that stands in for
    it: None when it is not stated. So a month whose stated 合计 differs from its rows (an error
    ``bulletin check`` reports) shows the printed figure everywhere, and a month that printed none
    shows the exact sum everywhere, never a float sum rounded in one output only.
    """
    stated = stated_total(table, column, facts)
    if stated is not None:
        return stated
    total = declared_total(table, column)
    if total is not None and total.rule == "at_most":
        return None
    return column_sum(values, TABLES[table].column(column).kind)
