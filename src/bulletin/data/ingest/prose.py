"""Figures printed inside paragraphs: the hotline, the province's calls, the telemedicine platforms.

Each paragraph is recognised by a phrase it must contain and read with patterns; a paragraph
that is recognised but does not carry what the pattern expects is an error, never skipped.
"""

from __future__ import annotations

import re
from decimal import Decimal

from bulletin.core.schema import FACTS, TELEMEDICINE_MEASURES
from bulletin.data.ingest.layout import PrintedSection, Text, normalize
from bulletin.data.ingest.tables import Facts, Rows, valid_name

#: a figure as printed, with or without thousands separators (59507, 59,507), or in 万 or 亿
#: (5.9507万 is 59507: read exactly, see :func:`_figure`)
_NUM = r"((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?[万亿]?)"
#: a name printed right before its figure: it cannot end in a digit, a separator or a decimal point
_NAME = r"(.*[^\d,.])"
#: 万 and 亿 as the bulletin may print them in its prose
_SCALE = {"万": 10**4, "亿": 10**8}

_HOTLINE_TOTAL = re.compile(rf"共受理咨询电话{_NUM}个")
#: the categories follow the total as 其中A1个、B2个 (right after it, or after a comma)
_LISTED = re.compile(r"[，,]?其中")
_PROVINCE_TOTAL = re.compile(rf"全省12320共接听电话{_NUM}人次")
_ITEM = {unit: re.compile(rf"{_NAME}{_NUM}{unit}") for unit in ("个", "人次")}
_TICKETS = {
    "hotline.city_12345_tickets": re.compile(rf"市12345工单{_NUM}件"),
    "hotline.province_12345_tickets": re.compile(rf"省12345工单{_NUM}件"),
}


def _figure(section: PrintedSection, line: int, text: str, what: str) -> int:
    """A figure as printed, exactly: 59507, 59,507, or 5.9507万 (= 59507) and 4.93亿.

    A figure that is not a whole number once 万 or 亿 is multiplied out (5.95071万 = 59507.1, or
    33.5 alone) cannot be a count: refused, naming the value and what it comes to.
    """
    digits = text.replace(",", "")
    scale = _SCALE.get(digits[-1], 1)
    if scale != 1:
        digits = digits[:-1]
    value = Decimal(digits) * scale
    if value != value.to_integral_value():
        raise section.error(
            f"{what}: {text} is {value.normalize():f}, not a whole number; expected a whole count "
            "(万 and 亿 are read exactly, so 5.9507万 is 59507: print every digit the count has)", line,
        )
    return int(value)


def _one(section: PrintedSection, phrase: re.Pattern[str], what: str) -> tuple[Text, re.Match[str]] | None:
    found = None
    for item in section.texts:
        m = phrase.search(normalize(item.text))
        if m:
            if found is not None:
                raise section.error(f"expected one {what}, found a second", item.line)
            found = (item, m)
    return found


def _items(section: PrintedSection, item: Text, listing: str, unit: str, example: str) -> list[tuple[str, int]]:
    out = []
    for part in listing.split("、"):
        m = _ITEM[unit].fullmatch(part)
        if not m:
            raise section.error(f"expected a name and a figure such as {example}, found {part!r}", item.line)
        named = valid_name(m.group(1), section, item.line, "a name in the list")
        out.append((named, _figure(section, item.line, m.group(2), named)))
    names = [n for n, _ in out]
    for n in names:
        if names.count(n) > 1:
            raise section.error(f"{n} appears twice; expected each once", item.line)
    return out


def _listing(
    section: PrintedSection, item: Text, text: str, opener: str, unit: str, what: str, example: str
) -> list[tuple[str, int]]:
    """The items listed after ``opener`` (``其中A1个、B2个``), up to the end of that clause.

    An item printed after the clause (``其中A1个，B2个``) would be lost, so it is refused.
    """
    found = re.search(rf"{opener}(.+?{unit})(?=[，。；]|$)", text)
    if not found:
        raise section.error(f"expected {opener} followed by {what}", item.line)
    for part in re.split(r"[，。；]", text[found.end() :]):
        if _ITEM[unit].fullmatch(part):
            lost = part.split("、")[0]
            raise section.error(f"expected the items after {opener} joined by 、, found {lost!r} after them", item.line)
    return _items(section, item, found.group(1), unit, example)


def check_paragraphs(section: PrintedSection, read: re.Pattern[str], leads: dict[str, str] | None = None) -> None:
    """Figures a section's reader does not take would be lost: refuse tables, keep unknown paragraphs aside.

    ``leads`` (phrase → unit) are the phrases a paragraph's figure follows: a paragraph holding one
    whose figure cannot be read is refused naming the words found after the phrase (it is a known
    paragraph printed wrongly). A paragraph with figures holding no lead is one the package does
    not know: it is kept aside as printed (:meth:`PrintedSection.keep_aside`), never read by guess.
    """
    for row in section.rows:
        raise section.error(f"expected paragraphs, found a table row {' | '.join(row.texts)[:40]!r}", row.line)
    for item in section.texts:
        text = normalize(item.text)
        if any(ch.isdigit() for ch in text) and text[0] not in "（(" and not read.search(text):
            for phrase, unit in (leads or {}).items():
                if phrase in text:
                    after = text[text.index(phrase) + len(phrase):][:12]
                    raise section.error(
                        f"expected a figure in {unit} after {phrase}, such as 59507{unit}, 59,507{unit} or "
                        f"5.9507万{unit}, found {after!r}…", item.line,
                    )
            # a paragraph the section does not print (a later bulletin's new sentence): kept as
            # printed and noted, the rest of the month read; one holding a known lead was refused above
            section.keep_aside(item)


HOTLINE_PARAGRAPHS = re.compile(f"{_HOTLINE_TOTAL.pattern}|{_PROVINCE_TOTAL.pattern}")
#: the phrases the hotline section's two figures follow, and their units
HOTLINE_LEADS = {"共受理咨询电话": "个", "全省12320共接听电话": "人次"}


def hotline(section: PrintedSection) -> tuple[Rows | None, Facts]:
    """The hotline paragraph: the total, then 其中 each category (printed order), then 12345 tickets."""
    found = _one(section, _HOTLINE_TOTAL, "hotline paragraph")
    if found is None:
        return None, {}
    item, m = found
    text = normalize(item.text)
    facts: Facts = {"hotline.total_calls": _figure(section, item.line, m.group(1), "共受理咨询电话")}
    rows: Rows | None = None
    if _LISTED.match(text[m.end() :]):
        listing = _listing(section, item, text[m.end() :], "其中", "个", "the categories and their counts",
                           "医疗服务投诉1710个")
        rows = [{"category": n, "count": c} for n, c in listing]
    elif any(_ITEM["个"].fullmatch(part) for part in re.split(r"[，。；、]", text[m.end() :])):
        # figures in 个 after the total but no 其中: categories printed another way would be lost
        raise section.error("expected 其中 before the categories and their counts", item.line)
    # without 其中 … the bulletin states the total alone: the categories are not published
    for key, pattern in _TICKETS.items():
        t = pattern.search(text)
        if t:
            facts[key] = _figure(section, item.line, t.group(1), FACTS[key].label)
    return rows, facts


def province(section: PrintedSection) -> tuple[Rows | None, Facts]:
    """The province paragraph: the total calls, then each city's calls in printed order."""
    found = _one(section, _PROVINCE_TOTAL, "province paragraph")
    if found is None:
        return None, {}
    item, m = found
    text = normalize(item.text)
    rows: Rows | None = None
    if "：" in text[m.end() :]:
        listing = _listing(section, item, text[m.end() :], "：", "人次", "each city and its calls", "南京30317人次")
        rows = [{"city": n, "calls": c} for n, c in listing]
    # without a list after the total, the cities are not published (the total is kept)
    return rows, {"hotline.province_total_calls": _figure(section, item.line, m.group(1), "全省12320共接听电话")}


#: measure → pattern of its figure in a platform's paragraph (the codes of schema.TELEMEDICINE_MEASURES)
_MEASURES = {
    "institutions": rf"累计接入{_NUM}家",
    "institutions_secondary_plus": rf"二级以上医疗机构{_NUM}家",
    "institutions_tertiary": rf"三级医院{_NUM}家",
    "institutions_community": rf"社区卫生服务中心{_NUM}家",
    "institutions_metro": rf"都市圈城市(?:的)?{_NUM}家",
    "institutions_aid": rf"对外帮扶医疗机构{_NUM}家",
    "institutions_other": rf"其他机构{_NUM}家",
    "cities_connected": rf"{_NUM}个城市",
    "districts_covered": rf"覆盖[^，。；\d]{{0,12}}?{_NUM}个区",
    "consultations_cumulative": rf"累计[^。；]*?会诊{_NUM}次",
    "ecg_cases": rf"心电病例{_NUM}份",
    "consultations": rf"会诊量{_NUM}例",
    "lab_reports": rf"检验报告{_NUM}份",
    "specimens_routed": rf"流转标本{_NUM}份",
}
#: where a clause starts: a qualifier is read within the clause of its figure
_CLAUSE = "，。；：,;"
#: a parenthesised qualifier right after a figure and its unit: 109次（未通过平台申请的会诊未统计在内）
_PAREN = re.compile(r"（([^（）]+)）")
#: a 市内 scope printed before a count of institutions: 其中南京市内二级以上医疗机构22家
_SCOPE = re.compile(r"(?:其中)?([^，。；：、]*?市内)(?:接入)?$")
#: the verb before a list of the cities a count of cities names: 联通南京市、马鞍山市…4个城市
_LIST_VERB = re.compile(r"^(?:其中)?(?:联通|连通|连接|覆盖|接入|包括|涵盖)")


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the clause holding ``text[start:end]`` starts and ends (its delimiters excluded)."""
    before = max(text.rfind(ch, 0, start) for ch in _CLAUSE) + 1
    after = [i for i in (text.find(ch, end) for ch in _CLAUSE) if i >= 0]
    return before, min(after, default=len(text))


def qualifiers(measure: str, text: str, found: re.Match[str]) -> list[str]:
    """The qualifiers the bulletin prints beside a figure, verbatim (the ``note`` of its row).

    Read for any figure of a platform's paragraph, whatever the words: a parenthesis right after the
    figure and its unit; for a count of cities, the names listed before it (any number, joined by
    、 and 和); for a count of districts, the whole 覆盖… clause (覆盖10个区的社区卫生服务中心 is not
    覆盖市内10个区); for a count of institutions, a 市内 scope before it (南京市内).
    """
    out = []
    start, end = _clause_bounds(text, found.start(), found.end())
    lead = text[start : found.start()]
    if measure == "cities_connected":
        names = _LIST_VERB.sub("", lead).strip()
        if names:
            out.append(names)
    elif measure == "districts_covered":
        out.append(text[found.start() : end])
    elif measure.startswith("institutions"):
        scope = _SCOPE.search(text[start : found.start()])
        if scope and scope.group(1):
            out.append(scope.group(1))
    after = _PAREN.match(text, found.end())
    if after:
        out.append(after.group(1))
    return out


def _paused(text: str) -> str:
    """The sentence that says a platform paused (its reason with it), verbatim, without its 。."""
    return next(s for s in text.split("。") if "暂停" in s)


#: a platform's monthly volume in the usual sentence (M月份共采集X N份) when no measure above names
#: what X is: a new platform's paragraph still yields its monthly volume
_MONTHLY_VOLUME = re.compile(rf"\d{{1,2}}月份?(?:共|累计)?采集[^，。；\d]{{0,20}}?{_NUM}份")
#: the measures that are a platform's monthly volume under a name of their own
_NAMED_VOLUMES = ("ecg_cases", "lab_reports")
#: a platform paragraph starts with the platform's name: the words before 累计接入 (the usual
#: sentence), else a name ending in 平台; no list of platforms is consulted
_PLATFORM = re.compile(r"^(?:([^，。；：、,\d\s]{2,30}?)(?=累计接入)|(\S{2,20}?平台))")
#: the top uploaders: 排名前三 in February; any number of them is read (排名前五, 排名前10)
_TOP = re.compile(r"排名前(?:[一二三四五六七八九十]+|\d+)[^：，。]*?(?:是|为)：?([^。]+)")
_UPLOADER = re.compile(rf"{_NAME}{_NUM}份")


def _measures(section: PrintedSection, line: int, platform: str, text: str) -> Rows:
    """A platform paragraph's figures in the schema's order, each with its qualifiers (``note``)."""
    rows: Rows = []

    def note(parts: list[str]) -> str | None:
        return "；".join(valid_name(q, section, line, "a qualifier beside a figure") for q in parts) or None

    for measure in TELEMEDICINE_MEASURES:
        if measure == "paused":
            if "暂停" in text:
                rows.append({"platform": platform, "measure": measure, "value": 1, "note": note([_paused(text)])})
            continue
        if measure == "monthly_volume":
            named = any(r["measure"] in _NAMED_VOLUMES for r in rows)
            found = None if named else _MONTHLY_VOLUME.search(text)
        else:
            found = re.search(_MEASURES[measure], text)
        if found:
            value = _figure(section, line, found.group(1), f"{platform}·{found.group(0)}")
            rows.append({"platform": platform, "measure": measure, "value": value,
                         "note": note(qualifiers(measure, text, found))})
    return rows


def known_paragraph(text: str) -> bool:
    """Whether ``text`` is a paragraph one of the package's sections prints (a hotline figure, a
    telemedicine platform): found under another section's title, it means a title was lost, and
    its figures must not be kept aside as unknown."""
    norm = normalize(text)
    return bool(HOTLINE_PARAGRAPHS.search(norm) or _PLATFORM.match(norm) or any(p in norm for p in HOTLINE_LEADS))


def telemedicine(section: PrintedSection) -> tuple[Rows, Rows, Facts]:
    """One paragraph per platform: measures in the schema's order, then the top three uploaders."""
    check_paragraphs(section, _PLATFORM)
    rows: Rows = []
    top: Rows = []
    seen: dict[str, int] = {}
    for item in section.texts:
        text = normalize(item.text)
        m = _PLATFORM.match(text)
        if not m:
            continue
        # any platform printed in the usual pattern is read: the list of platforms is not closed
        platform = valid_name(m.group(1) or m.group(2), section, item.line, "a platform")
        if platform in seen:
            raise section.error(f"{platform} appears twice (first on line {seen[platform]})", item.line)
        seen[platform] = item.line
        rows += _measures(section, item.line, platform, text)
        if not any(r["platform"] == platform for r in rows):
            raise section.error(f"expected figures for {platform}, found none", item.line)
        ranking = _TOP.search(text)
        if ranking:
            for rank, part in enumerate(re.split(r"[，、；]", ranking.group(1)), start=1):
                u = _UPLOADER.fullmatch(part)
                if not u:
                    problem = f"expected a hospital and its uploads such as 某医院63123份, found {part!r}"
                    raise section.error(problem, item.line)
                hospital = valid_name(u.group(1), section, item.line, "a hospital")
                count = _figure(section, item.line, u.group(2), f"{platform}·{hospital}")
                top.append({"platform": platform, "rank": rank, "hospital": hospital, "count": count})
    return rows, top, {}
