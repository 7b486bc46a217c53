"""Years of months: digests computed once, cache keys per section, navigation that never goes
stale, gaps shown as gaps, and the trends window at 120 months (issue 15)."""

from __future__ import annotations

import functools
import io
import json
import shutil

import helpers
import pytest
from helpers import edit_csv, synthetic_history, synthetic_month

from bulletin import history
from bulletin.batch import Notebook, run_batch
from bulletin.core import cache

FIXTURES = helpers.FIXTURES / "notebooks"
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


@pytest.fixture(scope="module")
def late_month(tmp_path_factory, as_in_a_test):
    """Four months from January 2020 with February missing, run; then February ingested late, run
    again. What it leaves (data and reports) is a four-month history published and current, the
    start of :func:`test_a_corrected_old_month_reruns_that_month_the_month_after_and_the_later_trends`
    too (which copies it): one such history for the module, not one per test."""
    home = tmp_path_factory.mktemp("late")
    data, out = home / "数据 目录", home / "reports"
    synthetic_history(data, "2020-01", 4, skip=("2020-02",))
    with as_in_a_test(home, code_hash="code"):
        first, _ = _run(["2020-01:2020-04"], data, out)
        synthetic_month(data, "2020-02", 1)  # ingested late
        second, _ = _run(["2020-01:2020-04"], data, out)
    return data, out, first, second


def test_a_late_month_in_the_middle_reruns_itself_the_month_after_and_the_later_trends(late_month):
    data, out, first, outcome = late_month
    # a first run runs every job of every month there is (before: 16 of four months, in the test below)
    assert _ran(first) == {f"{m} {nb.stem}" for m in ("2020-01", "2020-03", "2020-04") for nb in KINDS}
    assert _ran(outcome) == {
        "2020-02 00_own", "2020-02 01_previous", "2020-02 02_checks", "2020-02 07_history",
        "2020-03 01_previous", "2020-03 02_checks", "2020-03 07_history",  # its month before is there now
        "2020-04 07_history",
    }
    # the neighbours link to it, though none of their pages was executed again
    assert 'href="../2020-02/index.html" rel="next"' in (out / "2020-01" / "00_own.html").read_text(encoding="utf-8")
    assert 'href="../2020-02/index.html" rel="prev"' in (out / "2020-03" / "index.html").read_text(encoding="utf-8")


def test_a_corrected_old_month_reruns_that_month_the_month_after_and_the_later_trends(tmp_path, late_month):
    # four months published and current (January to April 2020, each month's every job run), copied:
    # the same data (synthetic_history's months) and reports as a first run of all four leaves
    data, out = copy_of(late_month, tmp_path)
    outcome, _ = _run(["2020-01:2020-04"], data, out)
    assert {j.status for j in outcome.jobs} == {"skipped"} and len(outcome.jobs) == 16  # all current

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


@pytest.fixture(scope="module")
def two_months(tmp_path_factory, as_in_a_test):
    """January and February 2020 (a synthetic history) published by one run of every kind of
    notebook; the tests that start from it copy it (:func:`copy_of`)."""
    home = tmp_path_factory.mktemp("two")
    data, out = home / "data", home / "reports"
    synthetic_history(data, "2020-01", 2)
    with as_in_a_test(home, code_hash="code"):
        _run(["2020-01:2020-02"], data, out)
    return data, out


def copy_of(published, tmp_path):
    """A test's own copy of a module's published history: (data, reports) in ``tmp_path``."""
    data, out = tmp_path / published[0].name, tmp_path / "reports"
    shutil.copytree(published[0], data)
    shutil.copytree(published[1], out, symlinks=True)
    return data, out


def test_navigation_after_a_new_month_links_the_month_before_on_every_page(tmp_path, two_months):
    data, out = copy_of(two_months, tmp_path)  # January and February, run (every kind of notebook)
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
    from bulletin.core.fonts import font_face_css  # noqa: F401 - the subset always holds the nav's characters
    from bulletin.render.site.pages import COMMON_TEXT
    assert set("下月0123456789（）→") <= set(COMMON_TEXT)
    # an unchanged rerun rewrites nothing
    snapshot = {p: p.read_bytes() for p in (out / "2020-02").glob("*.html")}
    outcome, _ = _run(["2020-01:2020-03"], data, out)
    assert {p: p.read_bytes() for p in (out / "2020-02").glob("*.html")} == snapshot
    # and skips every job: the pages whose links were rewritten are still the run's own (their
    # hashes in the manifest follow the rewrite), not pages edited by hand
    assert {j.status for j in outcome.jobs} == {"skipped"} and outcome.published == []


def test_a_corrupt_or_foreign_digest_is_ignored_rebuilt_and_logged(tmp_path, two_months):
    data, out = copy_of(two_months, tmp_path)  # January and February, run (07_history among the notebooks)
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


def test_the_month_page_and_top_index_read_the_digest(tmp_path, two_months):
    """The published month's key figures are the digest's (the same numbers as the sections')."""
    data, out = copy_of(two_months, tmp_path)  # January and February, run (00_own among the notebooks)
    summary = json.loads((out / "2020-02" / "summary.json").read_text(encoding="utf-8"))
    assert summary["headlines"][0] == ["12320卫生热线受理咨询电话", "59,507 个"]
    shutil.rmtree(out / ".history")  # a digest store lost: rebuilt by the next run
    outcome, _ = _run(["2020-02"], data, out, notebooks=[OWN], force=True)
    assert (out / ".history" / "2020-02.json").is_file() and (out / ".history" / "2020-01.json").is_file()
