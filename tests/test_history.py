"""Years of months: digests computed once, cache keys per section, navigation that never goes
stale, gaps shown as gaps, and the trends window at 120 months (issue 15)."""

from __future__ import annotations

import functools
import io
import json
import math
import shutil
from pathlib import Path

import pytest
from conftest import edit_csv
from helpers import synthetic_history, synthetic_month

import bulletin
from bulletin import cache, history
from bulletin.batch import Notebook, run_batch
from bulletin.month_strings import month_label
from bulletin.sections import SECTIONS, trends

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
FIGURES = FIXTURES / "00_figures.ipynb"
#: one notebook per kind of dependency (the same small notebook: what differs is what it declares)
OWN = Notebook("00_own", "本月", FIGURES, reads="month")
PREVIOUS = Notebook("01_previous", "环比", FIGURES, reads="previous")
CHECKS = Notebook("02_checks", "核对", FIGURES, reads="previous", checks=True)
HISTORY = Notebook("07_history", "趋势", FIGURES, reads="history")
KINDS = [OWN, PREVIOUS, CHECKS, HISTORY]


@pytest.fixture(autouse=True)
def _stable_code_hash(monkeypatch):
    """Other work may edit src/bulletin while these tests run; the skip tests need a fixed code hash."""
    monkeypatch.setattr(cache, "code_hash", functools.cache(lambda: "code"))


def _run(months, data, out, notebooks=KINDS, **kw):
    log = io.StringIO()
    outcome = run_batch(months, data_dir=data, out=out, notebooks=notebooks, progress=False, stream=log, jobs=2, **kw)
    assert outcome.exit_code == 0, log.getvalue()
    return outcome, log.getvalue()


def _ran(outcome) -> set[str]:
    return {j.name for j in outcome.jobs if j.status == "ok"}


def test_the_sections_declare_what_they_read():
    reads = {s.name: (s.reads, s.checks) for s in SECTIONS}
    assert reads["trends"] == ("history", False)
    assert reads["overview"] == ("previous", True)  # month-on-month, and the check across months
    assert {reads[s.name] for s in SECTIONS if s.name not in ("trends", "overview")} == {("previous", False)}


def test_a_corrected_old_month_reruns_that_month_the_month_after_and_the_later_trends(tmp_path):
    data = tmp_path / "数据 目录"
    synthetic_history(data, "2020-01", 4)
    out = tmp_path / "reports"
    outcome, _ = _run(["2020-01:2020-04"], data, out)
    assert len(_ran(outcome)) == 16

    # one hospital's bookings corrected in February
    edit_csv(data / "2020-02" / "appointments.csv", "1067,18417", "1067,18418")
    outcome, _ = _run(["2020-01:2020-04"], data, out)
    assert _ran(outcome) == {
        "2020-02 00_own", "2020-02 01_previous", "2020-02 02_checks", "2020-02 07_history",
        "2020-03 01_previous", "2020-03 02_checks", "2020-03 07_history",  # the month after compares with February
        "2020-04 07_history",  # the later trends read every month
    }
    assert outcome.documents["2020-02"].startswith("ok")
    # the month after's documents give each headline's 环比 against February; April's do not read it
    assert {m: f.split()[0] for m, f in outcome.documents.items() if m != "2020-02"} == {
        "2020-03": "ok", "2020-04": "carried"}

    # a unit renamed in February: what the later months' checks compare with has changed
    edit_csv(data / "2020-02" / "appointments.csv", "南京市儿童医院", "南京儿童医院")
    outcome, _ = _run(["2020-01:2020-04"], data, out)
    assert {n for n in _ran(outcome) if n.endswith("02_checks")} == {
        "2020-02 02_checks", "2020-03 02_checks", "2020-04 02_checks"}
    assert "2020-04 01_previous" not in _ran(outcome)


def test_a_late_month_in_the_middle_reruns_itself_the_month_after_and_the_later_trends(tmp_path):
    data = tmp_path / "data"
    synthetic_history(data, "2020-01", 4, skip=("2020-02",))
    out = tmp_path / "reports"
    _run(["2020-01:2020-04"], data, out)
    synthetic_month(data, "2020-02", 1)  # ingested late
    outcome, _ = _run(["2020-01:2020-04"], data, out)
    assert _ran(outcome) == {
        "2020-02 00_own", "2020-02 01_previous", "2020-02 02_checks", "2020-02 07_history",
        "2020-03 01_previous", "2020-03 02_checks", "2020-03 07_history",  # its month before is there now
        "2020-04 07_history",
    }
    # the neighbours link to it, though none of their pages was executed again
    assert 'href="../2020-02/index.html" rel="next"' in (out / "2020-01" / "00_own.html").read_text(encoding="utf-8")
    assert 'href="../2020-02/index.html" rel="prev"' in (out / "2020-03" / "index.html").read_text(encoding="utf-8")


def test_navigation_after_a_new_month_links_the_month_before_on_every_page(tmp_path):
    data = tmp_path / "data"
    synthetic_history(data, "2020-01", 2)
    out = tmp_path / "reports"
    _run(["2020-01:2020-02"], data, out)
    pages = sorted((out / "2020-02").glob("*.html"))
    assert len(pages) == 5 and not any('rel="next"' in p.read_text(encoding="utf-8") for p in pages)
    before = {p.name: p.stat().st_mtime_ns for p in (out / "2020-02").glob("*.ipynb")}

    synthetic_month(data, "2020-03", 2)
    outcome, _ = _run(["2020-03"], data, out)  # only the new month runs
    assert {j.month for j in outcome.jobs} == {"2020-03"}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert text.count('rel="next"') == 1, page.name
        assert '<a href="../2020-03/index.html" rel="next">下月（2020年3月）→</a>' in text, page.name
        assert 'href="../2020-01/index.html" rel="prev"' in text, page.name
    assert {p.name: p.stat().st_mtime_ns for p in (out / "2020-02").glob("*.ipynb")} == before  # nothing executed
    assert json.loads((out / "2020-02" / "manifest.json").read_text())["nav"] == {"previous": "2020-01",
                                                                                "next": "2020-03"}
    # the glyphs of a link written later are in the page's own font subset (digits, 下月)
    from bulletin.site.fonts import font_face_css  # noqa: F401 - the subset always holds the nav's characters
    from bulletin.site.pages import COMMON_TEXT
    assert set("下月0123456789（）→") <= set(COMMON_TEXT)
    # an unchanged rerun rewrites nothing
    snapshot = {p: p.read_bytes() for p in (out / "2020-02").glob("*.html")}
    outcome, _ = _run(["2020-01:2020-03"], data, out)
    assert {p: p.read_bytes() for p in (out / "2020-02").glob("*.html")} == snapshot
    # and skips every job: the pages whose links were rewritten are still the run's own (their
    # hashes in the manifest follow the rewrite), not pages edited by hand
    assert {j.status for j in outcome.jobs} == {"skipped"} and outcome.published == []


def test_a_corrupt_or_foreign_digest_is_ignored_rebuilt_and_logged(tmp_path):
    data = tmp_path / "data"
    synthetic_history(data, "2020-01", 2)
    out = tmp_path / "reports"
    _run(["2020-01:2020-02"], data, out, notebooks=[HISTORY])
    stored = out / ".history" / "2020-01.json"
    good = json.loads(stored.read_text(encoding="utf-8"))
    assert good["format"] == history.FORMAT and good["month"] == "2020-01"
    assert ["appointments", "本月预约挂号量", 74217, "次", "appointments.total"] in good["headlines"]

    stored.write_text('{"format": "bulletin-digest/1", "headl', encoding="utf-8")  # cut short
    outcome, _ = _run(["2020-02"], data, out, notebooks=[HISTORY])
    log = outcome.log_file.read_text(encoding="utf-8")
    assert log.count("digest 2020-01: ignored (not valid JSON), rebuilt") == 1
    assert json.loads(stored.read_text(encoding="utf-8")) == good

    stored.write_text(json.dumps({**good, "key": "0" * 64}), encoding="utf-8")  # another code version's
    outcome, _ = _run(["2020-02"], data, out, notebooks=[HISTORY])
    assert "digest 2020-01: ignored (of another code version or other data), rebuilt" in \
        outcome.log_file.read_text(encoding="utf-8")
    assert json.loads(stored.read_text(encoding="utf-8"))["key"] == good["key"]


def test_a_digest_is_computed_once_and_the_checks_read_it(tmp_path, monkeypatch):
    data = tmp_path / "data"
    synthetic_history(data, "2020-01", 3)
    calls = []
    real = history.compute
    monkeypatch.setattr(history, "compute", lambda m: calls.append(m.month) or real(m))
    m = bulletin.month("2020-03", data)
    trends.headline_table(m)
    trends.lead_chart(m)
    trends.leaders(m)
    trends.year_to_date(m)
    m.check()
    assert sorted(calls) == ["2020-01", "2020-02", "2020-03"]  # once each, not once per view
    # the check across months reads the digests: February's cumulative, as the data states it
    assert not [f for f in m.check().findings if f.rule == "cumulative_fell"]


def test_a_gap_in_the_history_is_shown_as_a_gap(tmp_path):
    data = tmp_path / "data"
    synthetic_history(data, "2020-02", 4, skip=("2020-03", "2020-04"))  # 2020-02, then 2020-05
    m = bulletin.month("2020-05", data)
    assert trends.window(m) == ["2020-02", "2020-03", "2020-04", "2020-05"]
    assert "2020年3月、2020年4月不在数据中" in str(trends.span(m))
    table = trends.headline_table(m)
    row = table.loc[("预约挂号", "本月预约挂号量（次）")]
    assert list(row) == ["74,217", "无数据", "无数据", "74,217"]
    cumulative = table.loc[("预约挂号", "截止月底累计预约挂号量（次）")]
    assert list(cumulative) == ["18,722,617", "无数据", "无数据", "18,945,268"]  # 18,722,617 + 3 × 74,217
    fig = trends.lead_chart(m)
    ys = list(fig.axes[1].lines[0].get_ydata())
    assert ys[0] == ys[3] == 74217 and math.isnan(ys[1]) and math.isnan(ys[2])  # never interpolated
    lead = trends.leaders(m)
    assert lead.loc["2020年3月"].eq("无数据").all() and lead.loc["2020年5月"].str.contains("南京市儿童医院").any()
    csv = trends.history_csv(m)
    assert "2020-03" not in csv and csv.count("\n2020-05,") == csv.count("\n2020-02,") > 30


def _store_history(data: Path, store: Path, months: list[str]) -> None:
    """Digests of every month, the first computed, the others its copies under their own keys
    (the months' data are copies too): a 120-month history without computing 120 digests."""
    first = history.compute(bulletin.month(months[0], data))
    for step, month in enumerate(months):
        digest = json.loads(json.dumps(first))
        digest.update(month=month, key=history.digest_key(data, month))
        for row in digest["headlines"]:
            if row[1] == "本月预约挂号量":
                row[2] = 70000 + 100 * step  # a series that moves
        history.write_stored(store, digest)


def test_the_trends_window_at_120_months(tmp_path, monkeypatch):
    data = tmp_path / "data"
    months = synthetic_history(data, "2011-01", 120)
    store = tmp_path / "reports" / ".history"
    _store_history(data, store, months)
    monkeypatch.setenv("BULLETIN_HISTORY_DIR", str(store))
    monkeypatch.setattr(history, "compute", lambda m: pytest.fail(f"digest of {m.month} computed again"))
    m = bulletin.month("2020-12", data)
    table = trends.headline_table(m)
    assert list(table.columns) == [month_label(x) for x in months[-13:]]  # 2019-12 … 2020-12
    assert table.loc[("预约挂号", "本月预约挂号量（次）"), "2020年12月"] == "81,900"  # 70,000 + 100 × 119
    assert len(trends.leaders(m)) == 13
    for fig, points in ((trends.lead_chart(m), 13), (trends.lead_chart(m, months=None), 120)):
        for ax in fig.axes:
            assert len(ax.lines[0].get_ydata()) == points
            labels = [t.get_text() for t in ax.get_xticklabels()]
            assert 2 <= len(labels) <= 7 and labels[-1].startswith("12月")  # legible, and the month shown labelled
    assert "更早的月份见页末" in str(trends.span(m))
    # the analyst's API and the download hold every month
    assert bulletin.headlines(data_dir=data)["month"].nunique() == 120
    download = trends.history_download(m)
    assert download.filename == "bulletin-headlines-2011-01-2020-12.csv"
    assert trends.history_csv(m).count("本月预约挂号量") == 120


def test_the_downloadable_history_is_a_link_that_works_offline(tmp_path):
    """The page carries the CSV (a data: URL with the download attribute); a name from the data
    that a spreadsheet would run as a formula is written as text."""
    import base64
    import re

    import nbformat

    from bulletin.site.pages import section_page

    data = tmp_path / "data"
    synthetic_history(data, "2020-01", 2)
    edit_csv(data / "2020-02" / "telemedicine.csv", "南京市远程心电监测诊断平台", "=HYPERLINK(1)", count=99)
    m = bulletin.month("2020-02", data)
    bundle, meta = trends.history_download(m)._repr_mimebundle_()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
        "display_data", data=bundle, metadata=meta)])]
    page = section_page(nb, title="趋势", month="2020-02", with_code=False, stem="07_trends")
    link = re.search(r'<a href="data:text/csv;charset=utf-8;base64,([^"]+)" download="([^"]+)">', page)
    assert link and link.group(2) == "bulletin-headlines-2020-01-2020-02.csv"
    text = base64.b64decode(link.group(1)).decode("utf-8")
    assert text.startswith("\ufeff月份,板块,指标,数值,单位\n2020-01,12320卫生热线,12320卫生热线受理咨询电话,59507,个\n")
    assert "\n2020-02,预约挂号,本月预约挂号量,74217,次\n" in text
    assert ",'=HYPERLINK(1)" in text or "=HYPERLINK" not in text


def test_the_month_page_and_top_index_read_the_digest(tmp_path):
    """The published month's key figures are the digest's (the same numbers as the sections')."""
    data = tmp_path / "data"
    synthetic_history(data, "2020-01", 2)
    out = tmp_path / "reports"
    _run(["2020-02"], data, out, notebooks=[OWN])
    summary = json.loads((out / "2020-02" / "summary.json").read_text(encoding="utf-8"))
    assert summary["headlines"][0] == ["12320卫生热线受理咨询电话", "59,507 个"]
    shutil.rmtree(out / ".history")  # a digest store lost: rebuilt by the next run
    outcome, _ = _run(["2020-02"], data, out, notebooks=[OWN], force=True)
    assert (out / ".history" / "2020-02.json").is_file() and (out / ".history" / "2020-01.json").is_file()
