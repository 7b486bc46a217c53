"""Tests of ``bulletin.sections.model``: the model of the bulletin: what each section prints and what
the package derives, declared once."""

from __future__ import annotations

import pytest
from helpers import REFERENCE_MONTH as FEB
from helpers import (
    raw_text,
    replace_once,
    telemedicine_not_printed,
    write,
)

import bulletin
from bulletin import history
from bulletin.core.comparisons import YEAR_ON_YEAR
from bulletin.data.ingest import ingest_file
from bulletin.sections import model, overview, with_headlines
from bulletin.style.fmt import printed


def _headlines(m) -> dict[str, tuple[str, object, str]]:
    return {key: (label, value, unit) for sec in with_headlines()
            for label, value, unit, key in sec.module.headlines(m).itertuples(index=False)}


def _line(text: str, prefix: str) -> str:
    return next(ln for ln in text.split("\n") if ln.startswith(prefix)) + "\n"


def _span(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i:text.index(end, i + 1)]


def _without_province(text: str) -> str:
    return replace_once(text, _line(text, "2月，全省12320"), "")


#: each paragraph and table of the bulletin's statistics part that a month may leave out, and how
#: to leave it out of the published text (the kiosks' table closes the part: ingest refuses a text
#: that stops before it, so it is not among them)
LEFT_OUT = {
    "hotline paragraph": lambda t: replace_once(t, _line(t, "2020年2月，南京12320卫生热线"), ""),
    "province paragraph": _without_province,
    "appointments table": lambda t: replace_once(t, _span(t, "2020年2月预约挂号服务统计表", "（截止2月底，总预约"), ""),
    "cumulative appointments": lambda t: replace_once(t, _line(t, "（截止2月底，总预约"), ""),
    "booking channels table": lambda t: replace_once(t, _span(t, "2020年2月分途径预约情况统计",
                                                              "2020年2月南京市远程医疗"), ""),
    "telemedicine section": telemedicine_not_printed,
    "platform districts table": lambda t: replace_once(t, _span(t, "2020年2月南京市卫生信息平台数据采集情况（区）",
                                                                "2020年2月南京市卫生信息平台数据采集情况（医院）"), ""),
    "platform hospitals table": lambda t: replace_once(t, _span(t, "2020年2月南京市卫生信息平台数据采集情况（医院）",
                                                                "（截止2月底，区及医院累计"), ""),
    "cumulative records": lambda t: replace_once(t, _line(t, "（截止2月底，区及医院累计"), ""),
}


@pytest.mark.parametrize("item", list(LEFT_OUT))
def test_a_left_out_item_drops_only_its_own_figures(tmp_path, february, item):
    """Generated from the declarations: the figures lost are exactly those declared to need what
    the month did not print; every other headline stays with the same value, in the headlines,
    the month's digest and the key points."""
    data = tmp_path / "data"
    result = ingest_file(write(tmp_path, LEFT_OUT[item](raw_text())), data_dir=data)
    m = bulletin.month(FEB, data)
    absent = set(m.not_published)
    assert absent, item
    before, after = _headlines(february), _headlines(m)
    own = {k for k in before
           if set(model.declaration(k).needs) & absent}
    assert own, (item, absent)  # the item had figures of its own
    assert set(before) - set(after) == own, item
    for key in set(before) - own:
        assert after[key] == before[key], (item, key)
    # the digest (what the trends, the overview and the month index read) keeps them too
    digest = {h[4]: h[2] for h in history.compute(m)["headlines"]}
    assert set(digest) == set(after)
    # the key points: each figure they say that stays is still said; none that left is
    points = " ".join(overview.key_points(m))
    for key, said in (("hotline.total_calls", "59,507个"), ("appointments.total", "74,217次"),
                      ("booking_channels.total", "16,669次"), ("platform.cumulative_records", "49.3亿条"),
                      ("kiosks.payment_yuan", "51,460,109.85元"), ("appointments.cumulative_total", "18,722,617次")):
        assert (said in points) == (key not in own), (item, key)
    assert set(result.not_published) == absent


def test_a_share_has_its_value_in_the_unit_it_names(february):
    """``南京占全省电话量`` is 43.5 %, not 0.435 %: a share's value is in percent, as its unit says."""
    frame = bulletin.headlines(FEB)
    row = frame.set_index("label").loc["南京占全省电话量"]
    assert row["unit"] == "%" and row["value"] == pytest.approx(30317 / 69660 * 100)
    shares = frame[frame["unit"] == "%"]
    assert len(shares) >= 7 and all(1 < float(v) <= 100 for v in shares["value"])
    assert dict(overview.headline_texts(february))["南京占全省电话量"] == "43.5%"


def test_judgements_are_not_headlines_but_findings_with_their_rule(february):
    """进度滞后, 整月闲置 are the package's judgements (with their rule); the sum of table counts
    across units is no figure at all."""
    labels = {label for label, *_ in _headlines(february).values()}
    assert not {"区·进度滞后", "医院·进度滞后", "闲置终端的单位数", "闲置终端台数"} & labels
    assert not any("已上传表合计" in label for label in labels)
    for sec in with_headlines():
        for decl in sec.module.FIGURES:
            if decl.provenance == model.JUDGEMENT:
                assert decl.rule.startswith("本项目的判断"), decl.key
            if decl.provenance == model.COMPUTED:
                assert decl.rule.startswith("计算所得"), decl.key
    found = model.judgements(february, model.all_figures()).set_index("key")
    assert found.at["platform.lagging_districts", "value"] >= 0
    assert "中位数" in found.at["platform.lagging_hospitals", "rule"]


def test_the_cumulative_records_say_they_are_the_printed_form_expanded(february):
    notes = str(overview.headline_notes(february)).split("\n")
    assert "- 截止月底累计校验入库数据：公报印作49.3亿条，数值为其展开（精确到0.1亿）" in notes
    assert "- 分途径预约合计：不包含12320电话预约、医院诊间预约、医院自有途径预约" in notes
    said = model.explain("platform.cumulative_records", 4_930_000_000, "条")
    assert "公报印作49.3亿条" in said and "展开" in said and "0.1亿" in said
    assert model.text(4_930_000_000, "条", style="printed", key="platform.cumulative_records") == "49.3亿条"
    assert model.text(51460109.85, "元") == "51,460,109.85 元"
    assert model.text(51460109.85, "元", style="printed") == "51460109.85元"


def test_only_a_figure_declared_in_yi_is_shown_in_yi_to_its_declared_precision():
    from decimal import Decimal

    from bulletin.style import fmt

    cumulative = "platform.cumulative_records"
    assert model.declaration(cumulative).form == "亿" and model.declaration(cumulative).precision == Decimal("0.1")
    assert model.text(4_930_000_000, "条", key=cumulative) == "49.3亿条"
    assert model.text(4_930_000_000, "条", style="printed", key=cumulative) == "49.3亿条"
    # the month's uploads are 条 too but declared as a number: in full however large, never in 亿
    assert model.declaration("platform.records").form == ""
    assert model.text(300_000_000, "条", key="platform.records") == "300,000,000 条"
    assert model.text(300_000_000, "条", style="printed", key="platform.records") == "300000000条"
    assert fmt.figure(4_930_000_000, "条") == "4,930,000,000"  # no declared form: no 亿 from the unit
    # the declared precision gives the digits: a share to 0.01 and 亿 to 0.01
    assert fmt.figure(43.521389606660926, "%", precision=Decimal("0.01")) == "43.52%"
    assert fmt.figure(4_935_000_000, "条", form="亿", precision=Decimal("0.01")) == "49.35亿"
    assert printed.figure(4_935_000_000, "条", "亿", Decimal("0.01")) == "49.35亿"
    assert printed.figure(4_935_000_000, "条", "亿", Decimal("0.1")) == "4935000000"  # never a digit made up


def _calling(pattern: str) -> set[str]:
    """The modules of the package whose code calls ``pattern`` (a definition is not a call)."""
    import re
    from pathlib import Path

    root = Path(bulletin.__file__).parent
    return {p.relative_to(root).as_posix() for p in root.rglob("*.py")
            for line in p.read_text(encoding="utf-8").splitlines()
            if re.search(pattern, line) and not line.lstrip().startswith("def ")}


def test_a_tables_total_is_computed_in_one_place_and_a_headline_formatted_in_one():
    """The kiosks' 合计 payment (and every table's 合计) is computed by ``Month.total_row`` alone,
    which applies the rule ``schema.table_total``; a headline figure is worded, per style, by
    ``model.number``/``model.text`` alone (the reader's ``fmt.figure``, the printed ``printed.figure``)."""
    assert _calling(r"\btable_total\(") == {"data/loaded_month.py"}
    assert _calling(r"\b(fmt|printed)\.figure\(") == {"sections/model.py"}
    from decimal import Decimal

    from bulletin.sections import kiosks

    m = bulletin.month(FEB)
    assert kiosks.table_totals(m)["payment_yuan"] == m.total_row("kiosks")["payment_yuan"] == Decimal("51460109.85")
    assert model.text(51460109.85, "元") == "51,460,109.85 元"
    assert model.text(51460109.85, "元", style="printed") == "51460109.85元"


def test_whether_a_figure_is_compared_is_declared_not_guessed_from_its_unit(two_years):
    import pandas as pd

    from bulletin.sections import compare, model

    assert not model.comparable("hotline.nanjing_share") and not model.comparable("appointments.channel_share.phone")
    assert not model.comparable("platform.lagging_hospitals") and not model.comparable("kiosks.idle_kiosks")
    assert model.comparable("hotline.total_calls") and model.comparable("platform.cumulative_records")
    m = bulletin.month(FEB, two_years)
    # a judgement counted in 家 (not a share) is still not compared: its declaration says so
    frame = pd.DataFrame({"key": ["hotline.total_calls", "platform.lagging_hospitals"], "value": [59507, 11],
                          "unit": ["个", "家"]}, dtype=object)
    [(basis, _, found)] = compare.headline_changes(m, lambda month: frame)
    assert basis == YEAR_ON_YEAR and list(found["key"]) == ["hotline.total_calls"]


def test_every_sections_headlines_and_changes_are_made_once_from_its_figures(february):
    """The six sections' ``headlines(m)`` and ``changes(m)`` are one pair of functions made from each
    module's FIGURES (``compare.section_headlines``), not written again per section; each is still
    the module's own (found by its name there) and gives the section's declared figures: February's
    59,507 calls to 12320, its 74,217 appointments."""
    from bulletin.sections import compare

    made = compare.section_headlines((), "x")
    for sec in with_headlines():
        mod = sec.module
        for mine, one in zip((mod.headlines, mod.changes), made, strict=True):
            assert mine.__code__ is one.__code__, (sec.name, one.__name__)
            assert (mine.__module__, mine.__qualname__) == (mod.__name__, one.__name__)
            assert getattr(mod, mine.__name__) is mine
        assert mod.headlines(february).equals(model.headlines(february, mod.FIGURES)), sec.name
        assert mod.changes(february) is None  # January 2020 is not in the shipped data
    shown = _headlines(february)
    assert (shown["hotline.total_calls"][1], shown["appointments.total"][1]) == (59507, 74217)
