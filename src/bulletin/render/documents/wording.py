"""Sentences as the bulletin words them, filled from the month's data.

Sentences are templates of our own filled from data: a clause whose figure is missing or not
published is left out, never printed as 0. A declared figure (:mod:`bulletin.sections.model`:
the hotline's calls and tickets, the cumulative lines) comes worded by the model with its unit
(``59507个``, ``49.3亿条``); the rows of a table listed in a sentence (each category, each city)
are worded here in the printed style, :mod:`bulletin.style.fmt.printed` (未反馈 for a missing one).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bulletin.style.fmt.printed import count


def month_parts(month: str) -> tuple[int, int]:
    """``"2020-02"`` → ``(2020, 2)``."""
    year, mon = month.split("-")
    return int(year), int(mon)


def listing(items: Iterable[tuple[str, object]], unit: str, sep: str = "、") -> str:
    """``南京30317人次、苏州17479人次``: names with their counts."""
    return sep.join(f"{name}{count(value)}{unit}" for name, value in items)


def hotline(month: str, total: str | None, categories: Sequence[tuple[str, object]],
            city_tickets: str | None, province_tickets: str | None) -> str | None:
    """The hotline paragraph: calls taken, the categories listed, the 12345 tickets. The stated
    figures come worded with their units (``59507个``, ``2595件``: :func:`bulletin.sections.model.worded`)."""
    year, mon = month_parts(month)
    head = f"{year}年{mon}月，南京12320卫生热线"
    clauses = []
    if total is not None:
        clauses.append(f"{head}共受理咨询电话{total}")
        if categories:
            clauses[-1] += "，其中" + listing(categories, "个")
    elif categories:
        clauses.append(f"{head}受理的咨询电话中，" + listing(categories, "个"))
    tickets = []
    if city_tickets is not None:
        tickets.append(f"市12345工单{city_tickets}")
    if province_tickets is not None:
        tickets.append(f"省12345工单{province_tickets}")
    if tickets:
        clauses.append(("受理" if clauses else f"{head}受理") + "，".join(tickets))
    return "，".join(clauses) + "。" if clauses else None


def province(month: str, total: str | None, cities: Sequence[tuple[str, object]]) -> str | None:
    """The province paragraph: the province's calls (worded with its unit, ``69660人次``) and each city's."""
    _, mon = month_parts(month)
    if total is None and not cities:
        return None
    text = f"{mon}月，全省12320"
    if total is not None:
        text += f"共接听电话{total}"
        if cities:
            text += "，各市电话量分别为：" + listing(cities, "人次")
    else:
        text += "各市接听电话量分别为：" + listing(cities, "人次")
    return text + "。"


def cumulative(month: str, what: str, value: str) -> str:
    """A 截止…月底 line: ``截止2月底，{what}{value}``, the figure worded with its unit (``49.3亿条``)."""
    _, mon = month_parts(month)
    return f"（截止{mon}月底，{what}{value}）"


#: telemedicine breakdown measures: how each is named after 其中 (a scope the bulletin prints
#: before it, such as 南京市内, comes from the row's note)
_BREAKDOWN = {
    "institutions_secondary_plus": "二级以上医疗机构",
    "institutions_tertiary": "三级医院",
    "institutions_community": "社区卫生服务中心",
    "institutions_metro": "南京都市圈城市医疗机构",
    "institutions_aid": "对外帮扶医疗机构",
    "institutions_other": "其他机构",
}


def _noted(text: str, note: str | None) -> str:
    """A figure with the qualifier the bulletin prints beside it: ``…会诊109次（未通过平台申请的会诊未统计在内）``."""
    return f"{text}（{note}）" if note else text


def telemedicine(month: str, platform: str, values: dict[str, object],
                 top: Sequence[tuple[str, object]], notes: dict[str, str] | None = None,
                 figures: dict[str, str] | None = None) -> str:
    """One platform's paragraph from the measures it states (and its top uploaders, if any).

    ``figures`` (measure → the figure worded by the model with its unit, ``33472份``: the
    platform's declared figures, :mod:`bulletin.sections.model`) words the month's volumes and the
    cumulative consultations; the structural counts (institutions, cities) are worded here.

    ``notes`` (measure → the qualifier printed beside its figure, verbatim) are worded next to their
    figures: a 市内 scope before a count of institutions, the cities named before a count of
    cities, the 覆盖… clause in place of the count of districts, a pause's own sentence with its
    reason, and any other qualifier in parentheses after the figure.
    """
    notes = notes or {}
    figures = figures or {}
    _, mon = month_parts(month)
    sentences = [platform + _connected(values, notes)]
    if "consultations_cumulative" in figures:
        sentences.append(_noted(f"累计通过平台开展各类会诊{figures['consultations_cumulative']}",
                                notes.get("consultations_cumulative")))
    month_figures = [_noted(f"{lead}{figures[m]}", notes.get(m)) for m, lead in _MONTH_FIGURES.items() if m in figures]
    if month_figures:
        sentences.append(f"{mon}月份" + "，".join(month_figures))
    if top:
        sentences.append("本月数据上传量排名前三的依次为" + listing(top, "份", "，"))
    if values.get("paused") == 1:
        # the bulletin's own sentence, with the reason it gives, where it prints one
        sentences.append(notes.get("paused") or "该平台本月暂停数据采集及服务")
    return "。".join(sentences) + "。"


#: the month's figures of a platform, in the order the bulletin words them, with their lead words
_MONTH_FIGURES = {"ecg_cases": "采集心电病例", "lab_reports": "采集检验报告", "consultations": "会诊量",
                  "specimens_routed": "通过平台流转标本", "monthly_volume": "采集"}


def _connected(values: dict[str, object], notes: dict[str, str]) -> str:
    """What a platform connects, after its name: institutions (and of which kinds), cities,
    districts covered, each with the qualifier printed beside it."""
    said = ""
    if "institutions" in values:
        said += _noted(f"累计接入{count(values['institutions'])}家医疗机构", notes.get("institutions"))
    else:
        said += "接入医疗机构数本月未公布"
    if "cities_connected" in values:
        cities = notes.get("cities_connected")
        # the cities are named before their count, as the bulletin lists them: 联通南京市、…和扬州市4个城市
        said += f"，联通{cities or ''}{count(values['cities_connected'])}个城市"
    parts = []
    for m, label in _BREAKDOWN.items():
        if m in values:
            note = notes.get(m)
            scope = note if note and note.endswith("市内") else ""
            parts.append(_noted(f"{scope}{label}{count(values[m])}家", None if scope else note))
    if parts:
        said += "，其中" + "，".join(parts)
    if "districts_covered" in values:
        note = notes.get("districts_covered")
        n = count(values["districts_covered"])
        # the 覆盖… clause as printed says what is covered (覆盖10个区的社区卫生服务中心)
        said += "，" + (note if note and note.startswith("覆盖") and n in note else _noted(f"覆盖{n}个区", note))
    return said


def not_published(title: str, note: str) -> str:
    """The line that replaces a table or paragraph the bulletin did not print that month."""
    return f"（本月简报未公布{title}" + (f"：{note}" if note else "") + "）"
