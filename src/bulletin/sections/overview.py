"""本月概览: the headline figures of every section and the data-quality summary of the month.

Nothing is computed here: the figures are each section's ``headlines(m)``, in the order of
:data:`bulletin.sections.SECTIONS` (as kept in the month's digest), and the quality summary is
``m.check()``. :func:`headline_texts` is what the batch runner's month index shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from bulletin.core.month_strings import month_label
from bulletin.sections import compare, model, with_headlines
from bulletin.style import fmt

if TYPE_CHECKING:
    from bulletin.data.loaded_month import Month


def figures(m: Month) -> pd.DataFrame:
    """Every section's headline figures: ``section`` (its Chinese title), ``label``, ``value``, ``unit``.

    Read from the month's digest (:mod:`bulletin.history`: every section's ``headlines(m)``,
    computed once per month and kept), so that the overview, the month page, the top index and the
    trends show the same numbers without computing them again.
    """
    return m.history.series([m.month]).drop(columns="month")


def _format(value: object, unit: str, key: str) -> str:
    """A headline as a reader sees it, with its unit, in its declared form (:func:`model.text`):
    ``59,507 个``, ``49.3亿条``, ``43.5%``."""
    return model.text(value, unit, key=key)


def headlines(m: Month) -> pd.DataFrame:
    """Every section's key figures, the same shape as each section's ``headlines(m)``: ``label``,
    ``value``, ``unit`` (values keep their type; a share in percent), with ``section`` (its
    Chinese title) and ``key`` (the figure's declaration, :mod:`bulletin.sections.model`) last."""
    frame = figures(m)
    return frame[["label", "value", "unit", "section", "key"]].reset_index(drop=True)


def headline_texts(m: Month) -> list[tuple[str, str]]:
    """The month's headline figures as a reader reads them: ``[(Chinese label, formatted value), ...]``
    (``59,507 个``, ``51,460,109.85 元``, ``49.3亿条``); what the month page and the top index show."""
    frame = figures(m)
    return [(label, _format(v, u, k))
            for label, v, u, k in zip(frame["label"], frame["value"], frame["unit"], frame["key"], strict=True)]


def compared_texts(m: Month) -> list[dict[str, object]]:
    """The headline figures of :func:`headline_texts` against each declared comparison whose base
    month is in the data (环比, 同比), one entry each: ``title`` (``同比变化（2019年2月）``) and
    ``changes``, the worded change beside each figure in :func:`headline_texts`'s order (``""`` for
    a share, which is not compared). ``[]`` when no base month is in the data."""
    def frame_of(month: Month) -> pd.DataFrame:  # matched by the figure's key: a relabelled figure still compares
        frame = figures(month)
        return pd.DataFrame({"key": list(frame["key"]), "value": list(frame["value"]),
                             "unit": list(frame["unit"])}, dtype=object)

    current = frame_of(m)
    units = dict(zip(current["key"], current["unit"], strict=True))
    out = []
    for basis, base, frame in compare.headline_changes(m, frame_of):
        worded = {k: compare.change_text(row, money=units[k] == "元")
                  for k, (_, row) in zip(frame["key"], frame.iterrows(), strict=True)
                  if row["presence"] != compare.GONE}
        changes = [worded.get(k, "") for k in current["key"]]
        out.append({"title": f"{basis.change_label}（{month_label(base.month)}）", "changes": changes})
    return out


def key_points(m: Month) -> list[str]:
    """The month's main points in words, one sentence per section, its numbers from the sections'
    headline figures (:func:`figures`): what the month page opens with, before the full list.

    A sentence whose leading figure the month does not have (a section not printed) is left out;
    a clause whose figure is missing is dropped from its sentence.
    """
    frame = figures(m)
    out = []
    for sec in with_headlines():
        part = frame[frame["section"] == sec.title]
        given = {key: (label, v, u) for key, label, v, u
                 in zip(part["key"], part["label"], part["value"], part["unit"], strict=True)}
        sentence = _POINTS[sec.name](_Figures(given)) if given else None
        if sentence:
            out.append(sentence)
    return out


def key_points_note(m: Month) -> compare.Note:
    """:func:`key_points` for readers, as a list."""
    points = key_points(m)
    return compare.Note("\n".join(f"- {p}" for p in points) if points else "本月的要点暂时无法给出。")


class _Figures:
    """A section's headline figures by key (:mod:`bulletin.sections.model`), formatted for a
    sentence (``59,507个``, ``43.5%``)."""

    def __init__(self, given: dict[str, tuple[str, object, str]]) -> None:
        self.given = given

    def __call__(self, key: str) -> str | None:
        if key not in self.given or fmt.is_missing(self.given[key][1]):
            return None
        _, value, unit = self.given[key]
        return model.text(value, unit, spaced=False, key=key)  # 59,507个 · 43.5% · 51,460,109.85元 · 49.3亿条

    def value(self, key: str) -> object:
        return self.given.get(key, ("", None, ""))[1]

    def label(self, key: str) -> str:
        return self.given[key][0]

    def keys(self, family: str = "") -> list[str]:
        """The keys given, or those of the family ``family`` (``appointments.channel_share``)."""
        return [k for k in self.given if not family or k.startswith(family + ".")]


def _join(clauses: list[str | None], sep: str = "，") -> str:
    return sep.join(c for c in clauses if c)


def _say(template: str, *figures: str | None) -> str | None:
    """``template`` with its figures, or None when one of them is missing (the clause is dropped)."""
    return None if any(x is None for x in figures) else template.format(*figures)


def _hotline_point(f: _Figures) -> str | None:
    # each clause stands on its own figure: a paragraph left out drops only its clauses
    calls = _say("12320卫生热线本月受理咨询电话{}", f("hotline.total_calls"))
    province = _join([_say("全省12320接听电话{}", f("hotline.province_total_calls")),
                      _say("南京占{}", f("hotline.nanjing_share"))])
    return _sentence([calls, province])


def _appointments_point(f: _Figures) -> str | None:
    shares = sorted(((float(f.value(k)), k) for k in f.keys("appointments.channel_share")), reverse=True)[:2]
    channels = "、".join(f"{f.label(k).removesuffix('占比')}占{f(k)}" for _, k in shares)
    head = _join([_say("预约挂号本月{}", f("appointments.total")), channels,
                  _say("预约量前5家医院合占{}", f("appointments.top5_share"))])
    cumulative = _say("截止月底累计{}" if head else "预约挂号截止月底累计{}", f("appointments.cumulative_total"))
    return _sentence([head, cumulative])


def _sentence(clauses: list[str | None]) -> str | None:
    """The clauses said, joined by ；, as one sentence; None when none is said."""
    said = _join(clauses, "；")
    return said + "。" if said else None


def _booking_channels_point(f: _Figures) -> str | None:
    total = f("booking_channels.total")
    if total is None:
        return None
    lead = next(iter(f.keys("booking_channels.share")), None)
    name = f.label(lead).removeprefix("预约最多的渠道（").removesuffix("）占比") if lead else None
    return _join([f"分途径预约合计{total}", _say("{}最多，占{}", name, f(lead) if lead else None)]) + "。"


def _telemedicine_point(f: _Figures) -> str | None:
    from bulletin.sections.telemedicine import VOLUME_MEASURES

    volumes = []
    for measure in VOLUME_MEASURES:
        for key in f.keys(f"telemedicine.{measure}"):
            platform, _, named = f.label(key).partition("·")
            if named.startswith("本月采集"):  # the platforms' own collected volumes, not their other counts
                volumes.append(f"{platform}平台{named}{f(key)}")
    paused = f.value("telemedicine.paused")
    if not volumes and paused is None:
        return None
    state = None if paused is None else (f"{f('telemedicine.paused')}平台暂停服务" if paused else "各平台均在运行")
    return "远程医疗" + ("：" + "，".join(volumes) if volumes else "") + (f"；{state}" if state else "") + "。"


def _data_platform_point(f: _Figures) -> str | None:
    scope = _join([_say("{}区", f("platform.districts")), _say("{}医院", f("platform.hospitals"))], "、")
    records = f("platform.records")
    head = (f"卫生信息平台本月上传数据{records}" if records else "卫生信息平台" if scope else "") + \
        (f"（接入{scope}）" if scope else "")
    cumulative = _say("{}截止月底累计校验入库{}", "" if head else "卫生信息平台", f("platform.cumulative_records"))
    return _sentence([head or None, cumulative])


def _kiosks_point(f: _Figures) -> str | None:
    kiosks = f("kiosks.kiosks")
    if kiosks is None:
        return None
    uses = _join([_say("挂号{}", f("kiosks.registrations")), _say("缴费{}", f("kiosks.payments"))], "、")
    return _join([f"自助终端共{kiosks}", _say("本月自助{}", uses or None),
                  _say("缴费金额{}", f("kiosks.payment_yuan"))]) + "。"


#: section name → its sentence from its headline figures
_POINTS = {
    "hotline": _hotline_point,
    "appointments": _appointments_point,
    "booking_channels": _booking_channels_point,
    "telemedicine": _telemedicine_point,
    "data_platform": _data_platform_point,
    "kiosks": _kiosks_point,
}


def findings_table(m: Month) -> pd.DataFrame:
    """The package's own judgements of the month (:func:`model.judgements`: lagging units, idle
    kiosks), never headline figures: 板块, 判断, 本月, 规则 — each with the rule that makes it."""
    rows = []
    for sec in with_headlines():
        found = model.judgements(m, getattr(sec.module, "FIGURES", ()))
        for label, value, unit, key, rule in zip(found["label"], found["value"], found["unit"], found["key"],
                                                 found["rule"], strict=True):
            rows.append((sec.title, label, model.text(value, unit, key=key), rule))
    out = pd.DataFrame(rows, columns=["板块", "判断", "本月", "规则"])
    out.index = [str(i + 1) for i in range(len(out))]
    return out


def headline_table(m: Month) -> pd.DataFrame:
    """The headline figures as a display table: 板块, 指标, 本月."""
    frame = figures(m)
    out = pd.DataFrame(
        {
            "板块": list(frame["section"]),
            "指标": list(frame["label"]),
            "本月": [_format(v, u, k) for v, u, k in zip(frame["value"], frame["unit"], frame["key"], strict=True)],
        }
    )
    out.index = [str(i + 1) for i in range(len(out))]
    return out


def headline_notes(m: Month) -> compare.Note:
    """The notes under the headline table (:func:`model.notes`): a qualifier the bulletin printed
    with a figure, a rounded printed form and what its number is, a computed figure's rule."""
    frame = figures(m)
    said = model.notes(zip(frame["key"], frame["label"], frame["value"], frame["unit"], strict=True))
    return compare.Note("\n".join(f"- {line}" for line in said))


def month_on_month(m: Month) -> compare.Comparison | compare.Note:
    """Every section's headline counts against each declared comparison's base month in the data
    (the month before: 环比; the same month a year earlier: 同比), or one line.

    A section whose tables the month before did not print is compared with the latest earlier
    month that printed them, and a line under the heading says which month that is; its rows read
    新增 only when no earlier month in the data printed them at all.
    """
    found = compare.bases(m)
    if not found:
        return compare.no_previous(m)
    current = pd.concat([sec.module.headlines(m) for sec in with_headlines()], ignore_index=True)
    frames, lines = [], [] if m.previous is not None else [compare.no_previous(m).text]
    for basis, base in found:
        before = []
        for sec in with_headlines():
            if basis == compare.MONTH_ON_MONTH:
                frame, line = _previous_headlines(m, sec)
                if line:
                    lines.append(line)
            else:
                frame = sec.module.headlines(base)
            before.append(frame)
        frames.append((basis, compare.compared_headlines(current, pd.concat(before, ignore_index=True))))
    against = tuple((b.name, base.month) for b, base in found)
    return compare.Comparison(m.month, found[0][1].month, (compare.headline_part(frames),), ("",),
                              tuple(lines), against)


def _previous_headlines(m: Month, sec) -> tuple[pd.DataFrame, str]:
    """A section's headlines to compare this month's with: the month before's, or — when the month
    before did not print the section's tables — the latest earlier month's that did, with the line
    saying so (``""`` when it is the month before)."""
    from bulletin.core.month_strings import month_label
    from bulletin.core.schema import TABLES

    needed = list(model.tables_of(sec.module.FIGURES))
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
    from bulletin.core.month_strings import month_label
    from bulletin.core.schema import FACTS, TABLES

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
