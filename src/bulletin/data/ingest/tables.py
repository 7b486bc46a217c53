"""The printed tables: header rows matched by label, rows checked cell by cell.

Columns are found by their header labels, rows by their cells; nothing depends on a row count
or on where in the file a row is printed. Each reader returns the table's rows (in the
bulletin's order) and the facts the table states (its 合计 row or 合计：N).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from bulletin.core.inputs import name_problem
from bulletin.core.missing import NO_FIGURE_SIGNS, NOT_REPORTED, NoFigure
from bulletin.core.schema import KIOSK_GROUP_LABELS, TABLES, Column
from bulletin.data import glyphs
from bulletin.data.ingest.layout import PrintedCell, PrintedSection, Row, normalize
from bulletin.data.store import TOTAL_NAMES

Rows = list[dict[str, object]]
Facts = dict[str, object]

_COUNT = re.compile(r"\d+|\d{1,3}(?:,\d{3})+")
_MONEY = re.compile(r"(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d{1,2})?")
#: a sign printed alone in a figure's cell for no figure (—, …): missing, the sign kept
_SIGN = "|".join(re.escape(s) for s in sorted(NO_FIGURE_SIGNS, key=len, reverse=True))
_FRACTION = re.compile(rf"(\d+|未反馈|{_SIGN})/(\d+|未反馈|{_SIGN})")
_TOTAL_N = re.compile(r"合计：(\d+|\d{1,3}(?:,\d{3})+)")
#: a figure scaled by 万 or 亿 (1.84万): the prose may state one, a table cell may not
_SCALED = re.compile(r"(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?\s*[万亿]")
TOTAL = "合计"


def count(text: str, section: PrintedSection, line: int, label: str) -> int:
    value = text.strip()
    if not _COUNT.fullmatch(value):
        if _SCALED.fullmatch(value):
            raise section.error(f"expected a count in column {label} with every digit (such as 18417), found "
                                f"{text!r}: a table's cells must add up to its 合计, which a figure in 万 or 亿 "
                                "cannot be trusted to do; print the count in full", line)
        raise section.error(f"expected a count in column {label}, found {text!r}", line)
    return int(value.replace(",", ""))


def money(text: str, section: PrintedSection, line: int, label: str) -> Decimal:
    value = text.strip()
    if not _MONEY.fullmatch(value):
        raise section.error(f"expected an amount in yuan such as 1234.56 in column {label}, found {text!r}", line)
    return Decimal(value.replace(",", "")).quantize(Decimal("0.01"))


def name(text: str, section: PrintedSection, line: int, label: str) -> str:
    value = text.strip()
    if not value:
        raise section.error(f"expected a name in column {label}, found an empty cell", line)
    if _COUNT.fullmatch(value) or _MONEY.fullmatch(value):
        raise section.error(f"expected a name in column {label}, found the number {value!r}", line)
    return valid_name(value, section, line, f"a name in column {label}")


def valid_name(text: str, section: PrintedSection, line: int, what: str) -> str:
    """A unit's name as printed, checked for its shape only: not empty, not a totals row, no control
    characters, nothing the documents' font cannot print (:mod:`bulletin.data.glyphs`), nothing else
    :func:`bulletin.core.inputs.name_problem` refuses (invisible characters, a no-break space, the shape of
    a spreadsheet formula: = + - @ first). Names are never
    checked against a list: a later bulletin may print new units,
    platforms, channels, categories or cities (and names such as 某医院（某分院）)."""
    value = text.strip()
    if not value:
        raise section.error(f"expected {what}, found nothing", line)
    if normalize(value) in TOTAL_NAMES:
        raise section.error(f"expected {what}, found a totals row {value!r}", line)
    bad = next((ch for ch in value if ord(ch) < 32 or 127 <= ord(ch) < 160 or ch in "\u2028\u2029"), None)
    if bad is not None:
        raise section.error(f"expected {what} without control characters, found {value!r}", line)
    problem = name_problem(value)  # the one shape check month files and units.csv get too
    if problem is not None:
        raise section.error(f"expected {what}, found {value!r}: {problem[0]}; expected {problem[1]}", line)
    unprintable = glyphs.first_unprintable(value)
    if unprintable is not None:  # every output must print every name (bulletin.data.glyphs)
        raise section.error(f"{value!r} holds {glyphs.describe(unprintable)}, which the documents' font "
                            f"({glyphs.FONT_NAME}) cannot print; expected {what} in {glyphs.EXPECTED}", line)
    return value


@dataclass(frozen=True)
class Header:
    """Header label → column: ``pattern`` is searched in the normalized header cell."""

    column: str
    pattern: str
    label: str


def _header_positions(
    section: PrintedSection, cells: list[str], wanted: tuple[Header, ...], line: int
) -> dict[str, int]:
    labels = [normalize(c) for c in cells]
    taken: set[int] = set()
    out = {}
    for h in wanted:
        pos = next((i for i, lab in enumerate(labels) if i not in taken and re.search(h.pattern, lab)), None)
        if pos is None:
            raise section.error(f"expected a header cell {h.label}, found {' | '.join(cells)}", line)
        taken.add(pos)
        out[h.column] = pos
    return out


def _header_row(section: PrintedSection, first: str) -> Row:
    """The table's header: its first row, whose first non-empty cell matches ``first``."""
    rows = section.rows
    if not rows:
        raise section.error(f"expected the header row (first cell {first}), found no table")
    row = rows[0]
    filled = [normalize(t) for t in row.texts if t.strip()]
    if not filled or not re.fullmatch(first, filled[0]):
        raise section.error(f"expected the header row (first cell {first}), found {' | '.join(row.texts)}", row.line)
    figures = [t for t in filled if _COUNT.fullmatch(t) or _FRACTION.fullmatch(t)]
    if figures:
        raise section.error(f"expected a header row of labels, found figures {' | '.join(figures)}", row.line)
    _stray_text(section)
    return row


def _padding(section: PrintedSection, row: Row, serial: int, width: int) -> bool:
    """A row of a pre-numbered form left unused: its serial number and every other cell empty (or
    not printed at all). It is no row of the table; the skip is noted in one line. A row holding a
    name or any figure besides its number is read as a row (and refused if a cell is missing)."""
    cells = row.cells
    if len(cells) > width or serial >= len(cells):
        return False
    number = cells[serial].text.strip()
    if not _COUNT.fullmatch(number) or any(c.text.strip() for i, c in enumerate(cells) if i != serial):
        return False
    section.skipped.append(f"{section.name}, line {cells[serial].line}: row {number} holds only its "
                           "serial number, every other cell empty (an unused row of the printed form); skipped")
    return True


def _width_error(section: PrintedSection, row: Row, width: int) -> Exception:
    return section.error(f"expected {width} cells in a row, found {len(row.cells)}", row.line)


def _check_key(section: PrintedSection, seen: dict[object, int], key: object, line: int) -> None:
    if key in seen:
        raise section.error(f"{key} appears twice (first on line {seen[key]}); expected each unit once", line)
    seen[key] = line


def _reader(col: Column) -> Callable[[str, PrintedSection, int, str], object]:
    """How a cell of ``col`` is read: a name, or a figure (:func:`_figure`)."""
    if col.kind == "text":
        return name

    def read(text: str, section: PrintedSection, line: int, label: str) -> object:
        return _figure(text, section, line, label, col)

    return read


def no_figure(text: str) -> NoFigure | None:
    """The sign a cell prints alone for no figure (—, ––, …), as printed; ``None`` for anything else."""
    value = normalize(text)
    return NoFigure(value) if value in NO_FIGURE_SIGNS else None


def _figure(text: str, section: PrintedSection, line: int, label: str, col: Column) -> object:
    """A count or an amount in yuan; ``None`` for 未反馈 where the column is declared nullable; a
    :class:`~bulletin.core.missing.NoFigure` for a sign printed for no figure (any figure column: it is
    the bulletin's own statement that there is no figure, which a declaration cannot forbid).
    Neither is ever read as 0."""
    sign = no_figure(text)
    if sign is not None:
        return sign
    if col.nullable and normalize(text) == NOT_REPORTED:
        return None
    return (money if col.kind == "money" else count)(text, section, line, label)


def _part(text: str) -> object:
    """One side of 申明/规定 (``52``, ``未反馈``, ``—``) as a figure, ``None`` or a :class:`NoFigure`."""
    if text == NOT_REPORTED:
        return None
    return NoFigure(text) if text in NO_FIGURE_SIGNS else int(text)


def _record(section: PrintedSection, row: Row, pos: dict[str, int], columns: tuple[Column, ...]) -> dict[str, object]:
    """One table row: each of ``columns`` read from its cell."""
    rec: dict[str, object] = {}
    for col in columns:
        cell = row.cells[pos[col.name]]
        rec[col.name] = _reader(col)(cell.text, section, cell.line, col.label)
    return rec


def _total_row(section: PrintedSection, row: Row, width: int, pos: dict[str, int], found: Facts) -> Facts:
    """The 合计 row: the table's stated totals (:attr:`Table.totals`) as facts.

    Its label spans the name columns, so its figures line up from the right.
    """
    if found:
        raise section.error(f"expected one {TOTAL} row, found a second", row.line)
    shift = width - len(row.cells)
    if shift < 0:
        raise section.error(f"expected at most {width} cells in the {TOTAL} row, found {len(row.cells)}", row.line)
    decl = TABLES[section.table]
    facts = {t.column: t.fact for t in decl.totals}
    out: Facts = {}
    for column, p in pos.items():
        if column not in facts:
            continue
        col = decl.column(column)
        if p - shift < 1:
            raise section.error(f"expected a figure for {col.label} in the {TOTAL} row", row.line)
        cell = row.cells[p - shift]
        value = _reader(col)(cell.text, section, cell.line, f"{TOTAL}·{col.label}")
        if not isinstance(value, NoFigure):  # a total printed as — is a total not stated
            out[facts[column]] = value
    return out


# --- 预约挂号服务统计表 -----------------------------------------------------------------------

_APPOINTMENT_HEADER = (
    Header("seq", r"^序号$", "序号"),
    Header("hospital", r"单位|医院", "单位"),
    Header("online_12320", r"12320", "12320在线预约"),
    Header("phone", r"电话", "电话预约"),
    Header("in_clinic", r"诊间", "诊间预约"),
    Header("third_party", r"第三方", "第三方"),
    Header("total", r"小计", "小计"),
)


def appointments(section: PrintedSection) -> tuple[Rows, Facts]:
    header = _header_row(section, "序号")
    pos = _header_positions(section, header.texts, _APPOINTMENT_HEADER, header.line)
    width = len(header.cells)
    decl = TABLES["appointments"]
    out: Rows = []
    facts: Facts = {}
    seen: dict[object, int] = {}
    for row in section.rows[1:]:
        if normalize(row.texts[0]) == TOTAL:
            facts = _total_row(section, row, width, pos, facts)
            continue
        if _padding(section, row, pos["seq"], width):
            continue
        if len(row.cells) != width:
            raise _width_error(section, row, width)
        seq = row.cells[pos["seq"]]
        count(seq.text, section, seq.line, "序号")
        rec = _record(section, row, pos, decl.columns)
        _check_key(section, seen, rec["hospital"], row.line)
        out.append(rec)
    _no_rows(section, out)
    note = _note(section, r"总预约挂号量为?([\d.,]+)(万|亿)?次")
    if note is not None:
        facts["appointments.cumulative_total"] = note
    return out, facts


# --- 分途径预约情况统计 -----------------------------------------------------------------------

_CHANNEL_GROUP = (
    Header("seq", r"^序号$", "序号"),
    Header("channel", r"名称|途径", "名称"),
    Header("bookings", r"预约数量|数量", "预约数量"),
)


def booking_channels(section: PrintedSection) -> tuple[Rows, Facts]:
    """Channels printed as (序号, 名称, 预约数量) groups side by side; the result is ordered by 序号."""
    header = _header_row(section, "序号")
    width = len(header.cells)
    starts = [i for i, t in enumerate(header.texts) if normalize(t) == "序号"]
    groups = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else width
        if end - start != len(_CHANNEL_GROUP):
            raise section.error(f"expected header groups of 序号, 名称, 预约数量, found {' | '.join(header.texts)}",
                                header.line)
        part = _header_positions(section, header.texts[start:end], _CHANNEL_GROUP, header.line)
        groups.append({c: start + p for c, p in part.items()})
    found: list[tuple[int, str, int, int]] = []
    facts: Facts = {}
    for row in section.rows[1:]:
        first = normalize(row.texts[0])
        total = _TOTAL_N.fullmatch(first)
        if total or (first == TOTAL and len(row.cells) == 2):
            if facts:
                raise section.error(f"expected one {TOTAL}, found a second", row.line)
            text = total.group(1) if total else row.cells[1].text
            facts["booking_channels.total"] = count(text, section, row.line, TOTAL)
            continue
        # an odd count leaves the right half of the last row empty, or leaves it out
        filled = [g for g in groups if max(g.values()) < len(row.cells)]
        if len(row.cells) != width and not (filled and len(row.cells) == max(filled[-1].values()) + 1):
            raise _width_error(section, row, width)
        for g in filled:
            cells = [row.cells[g[c]] for c in ("seq", "channel", "bookings")]
            if not any(c.text for c in cells) or _padding(section, Row(cells), 0, len(cells)):
                continue
            seq = count(cells[0].text, section, cells[0].line, "序号")
            channel = name(cells[1].text, section, cells[1].line, "名称")
            bookings = _reader(TABLES["booking_channels"].column("bookings"))(cells[2].text, section, cells[2].line,
                                                                             "预约数量")
            found.append((seq, channel, bookings, cells[0].line))
    seen_seq: dict[object, int] = {}
    seen_name: dict[object, int] = {}
    for seq, channel, _, line in found:
        _check_key(section, seen_seq, f"序号 {seq}", line)
        _check_key(section, seen_name, channel, line)
    out = [{"channel": c, "bookings": b} for _, c, b, _ in sorted(found, key=lambda f: f[0])]
    _no_rows(section, out)
    return out, facts


# --- 卫生信息平台数据采集情况（区、医院）--------------------------------------------------------

_PLATFORM_HEADER = (
    Header("unit", r"接入单位|单位", "接入单位"),
    Header("fraction", r"申明", "申明上传表/规定上传表"),
    Header("uploaded_tables", r"已上传表", "已上传表（CDA文档）"),
    Header("records", r"数据上传量", "数据上传量"),
    Header("upload_days", r"上传天数", "数据上传天数"),
    Header("outpatient_visits", r"门急诊", "门急诊信息上传人次"),
    Header("discharges", r"出院", "出院信息上传人次"),
)
_EHR_HEADER = (
    Header("ehr_basic", r"基本信息", "基本信息"),
    Header("ehr_hypertension", r"高血压", "高血压"),
    Header("ehr_diabetes", r"糖尿病", "糖尿病"),
)


def _platform(section: PrintedSection, unit_column: str, header: tuple[Header, ...]) -> tuple[Rows, Facts]:
    rows = section.rows
    header_row = _header_row(section, "接入单位|单位")
    labels = header_row.texts
    body = 1
    # a second header row (labels under a spanning cell, empty placeholders elsewhere)
    if body < len(rows) and not rows[body].texts[0].strip() and not any(
        _COUNT.fullmatch(t) or _FRACTION.fullmatch(normalize(t)) for t in rows[body].texts
    ):
        sub = rows[body].texts
        labels = [sub[i] if i < len(sub) and sub[i].strip() else (labels[i] if i < len(labels) else "")
                  for i in range(max(len(sub), len(labels)))]
        body += 1
    pos = _header_positions(section, labels, header, header_row.line)
    width = len(labels)
    decl = TABLES[section.table]
    out: Rows = []
    seen: dict[object, int] = {}
    for row in rows[body:]:
        if len(row.cells) != width:
            raise _width_error(section, row, width)
        cells = row.cells
        if normalize(cells[pos["unit"]].text) == TOTAL:
            raise section.error(f"expected a unit, found a {TOTAL} row (this table states no total)", row.line)
        unit = name(cells[pos["unit"]].text, section, cells[pos["unit"]].line, "接入单位")
        frac = cells[pos["fraction"]]
        sign = no_figure(frac.text)  # the whole cell printed as — : neither figure
        m = _FRACTION.fullmatch(normalize(frac.text)) if sign is None else None
        if sign is None and not m:
            raise section.error(f"expected 申明/规定 as 52/129, {NOT_REPORTED}/83 or —/83, found {frac.text!r}",
                                frac.line)
        rec: dict[str, object] = {
            unit_column: unit,
            "declared_tables": sign if m is None else _part(m.group(1)),
            "required_tables": sign if m is None else _part(m.group(2)),
            **_record(section, row, pos, decl.columns[3:]),
        }
        _check_key(section, seen, unit, row.line)
        out.append(rec)
    _no_rows(section, out)
    facts: Facts = {}
    note = _note(section, r"累计校验入库数据([\d.,]+)(万|亿)?条")
    if note is not None:
        facts["platform.cumulative_records"] = note
    return out, facts


def platform_districts(section: PrintedSection) -> tuple[Rows, Facts]:
    return _platform(section, "district", _PLATFORM_HEADER + _EHR_HEADER)


def platform_hospitals(section: PrintedSection) -> tuple[Rows, Facts]:
    return _platform(section, "hospital", _PLATFORM_HEADER)


# --- 自助智能医疗服务终端医院使用情况表 ---------------------------------------------------------

_KIOSK_HEADER = (
    Header("unit", r"^单位$", "单位"),
    Header("kiosks", r"台数", "投放台数"),
    Header("registration_yuan", r"挂号.*金额", "挂号金额（元）"),
    Header("registrations", r"挂号", "挂号（次）"),
    Header("payment_yuan", r"缴费.*金额", "缴费金额（元）"),
    Header("payments", r"缴费", "缴费（次）"),
)
_GROUPS = {label: group for group, label in KIOSK_GROUP_LABELS.items()}


def kiosks(section: PrintedSection) -> tuple[Rows, Facts]:
    """Two groups (医疗单位, 各区) named once in a merged first cell, then a 合计 row."""
    header = _header_row(section, "单位")
    # 单位 spans the group and unit columns of the rows below it
    pos = {c: p + 1 for c, p in _header_positions(section, header.texts, _KIOSK_HEADER, header.line).items()}
    pos["group"] = 0
    width = len(header.cells) + 1
    decl = TABLES["kiosks"]
    out: Rows = []
    facts: Facts = {}
    seen: dict[object, int] = {}
    group: str | None = None
    for row in _join_group_pieces(section.rows[1:]):
        if normalize(row.texts[0]) == TOTAL:
            facts = _total_row(section, row, width, pos, facts)
            continue
        if len(row.cells) != width:
            raise _width_error(section, row, width)
        label = normalize(row.texts[0])
        if label:
            if label not in _GROUPS:
                raise section.error(f"expected a group {' or '.join(_GROUPS)}, found {row.texts[0]!r}", row.line)
            group = _GROUPS[label]
        elif group is None:
            raise section.error(f"expected a group ({' or '.join(_GROUPS)}) in the first row", row.line)
        rec = {"group": group, **_record(section, row, pos, decl.columns[1:])}
        _check_key(section, seen, (group, rec["unit"]), row.line)
        out.append(rec)
    _no_rows(section, out)
    return out, facts


def _join_group_pieces(rows: list[Row]) -> list[Row]:
    """A group cell printed one tab-led character per line (``\\t医``, ``\\t疗``, …) becomes one cell.

    The pieces run on in the row, or stand in rows of their own when blank lines separate them;
    they are joined for as long as they spell the start of a group label.
    """
    out: list[Row] = []
    carry: list[PrintedCell] = []
    for row in rows:
        cells = carry + row.cells
        carry = []
        k = 1
        if _group_prefix(cells[:1]):
            while k < len(cells) and normalize(cells[k].text) and _group_prefix(cells[: k + 1]):
                k += 1
            if k == len(cells):
                carry = cells  # nothing but pieces of the group cell: the row goes on below
                continue
        if k > 1:
            cells = [PrintedCell(cells[0].line, "".join(c.text for c in cells[:k])), *cells[k:]]
        out.append(Row(cells))
    if carry:
        out.append(Row(carry))
    return out


def _group_prefix(cells: list[PrintedCell]) -> bool:
    text = "".join(normalize(c.text) for c in cells)
    return bool(text) and any(label.startswith(text) for label in _GROUPS)


def _stray_text(section: PrintedSection) -> None:
    """A paragraph with figures inside a table's section (not a note in parentheses) is one the
    package does not know: kept aside as printed, so that its figures are not lost unseen."""
    for item in section.texts:
        if item.text[0] not in "（(" and any(ch.isdigit() for ch in item.text):
            section.keep_aside(item)


def _no_rows(section: PrintedSection, out: Rows) -> None:
    if not out:
        raise section.error("expected rows under the header, found none")


def _note(section: PrintedSection, pattern: str) -> int | None:
    """A figure stated in a note such as （截止2月底，…49.3亿条）: 万 and 亿 are multiplied out exactly."""
    found = None
    for item in section.texts:
        m = re.search(pattern, normalize(item.text))
        if not m:
            continue
        if found is not None:
            raise section.error("expected the note once, found it twice", item.line)
        try:
            number = Decimal(m.group(1).replace(",", ""))
        except ArithmeticError:
            raise section.error(f"expected a number in the note, found {m.group(1)!r}", item.line) from None
        number *= {"万": Decimal(10) ** 4, "亿": Decimal(10) ** 8}.get(m.group(2) or "", Decimal(1))
        if number != number.to_integral_value():
            raise section.error(f"expected a whole number in the note, found {m.group(0)!r}", item.line)
        found = int(number)
    return found


READERS: dict[str, Callable[[PrintedSection], tuple[Rows, Facts]]] = {
    "appointments": appointments,
    "booking_channels": booking_channels,
    "platform_districts": platform_districts,
    "platform_hospitals": platform_hospitals,
    "kiosks": kiosks,
}
