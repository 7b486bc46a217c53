"""Tests of ``bulletin.core.cache``: what makes a (month, section) job's result stale: content hashes of
everything it reads."""

from __future__ import annotations

import shutil

import helpers
import pytest
from helpers import REFERENCE_MONTH as FEB
from helpers import YEAR_EARLIER, edit_csv, make_month

from bulletin.batch.documents_job import documents_key
from bulletin.core import cache
from bulletin.sections import SECTIONS

FIGURES = helpers.figures_notebook()


@pytest.mark.usefixtures("_stable_code_hash")
def test_a_previous_month_added_later_reruns_the_month_after(data_copy):
    def key(month):
        cache.forget()
        return cache.job_key(FIGURES.path, data_copy, month, with_code=False)

    before = key("2020-02")
    make_month(data_copy, "2020-03")
    assert key("2020-02") == before  # a later month changes nothing before it
    make_month(data_copy, "2020-01")
    with_previous = key("2020-02")
    assert with_previous != before  # sections compare with the month before: they must rerun
    edit_csv(data_copy / "2020-01" / "appointments.csv", "1067,18417", "1067,18418")
    assert key("2020-02") != with_previous


@pytest.mark.usefixtures("_stable_code_hash")
def test_the_trends_inputs_and_the_alias_table_are_in_the_key(data_copy):
    """07_trends reads every earlier month, and month-on-month matches names through units.csv."""
    def key(month):
        cache.forget()
        return cache.job_key(FIGURES.path, data_copy, month, with_code=False)

    make_month(data_copy, "2020-01")
    make_month(data_copy, "2019-12")
    before = key("2020-02")
    edit_csv(data_copy / "2019-12" / "appointments.csv", "1067,18417", "1067,18418")  # two months back
    changed = key("2020-02")
    assert changed != before
    (data_copy / "units.csv").write_text("canonical,alias,kind\n南京鼓楼医院,鼓楼医院,hospital\n", encoding="utf-8")
    assert key("2020-02") != changed
    assert "units.csv" in cache.month_inputs(data_copy, "2020-02")
    assert "2020-02/appointments.csv" in cache.month_inputs(data_copy, "2020-02")


def test_the_jobs_and_the_documents_are_keyed_on_the_month_a_year_earlier(two_years):
    reads = {s.name: s.reads for s in SECTIONS}
    assert YEAR_EARLIER in cache.months_read(two_years, FEB, reads["hotline"])
    notebook = next(s for s in SECTIONS if s.name == "hotline").notebook

    def keys() -> tuple[str, str]:
        cache.forget()
        return (cache.job_key(notebook, two_years, FEB, with_code=False, reads=reads["hotline"]),
                documents_key(two_years, FEB))

    before = keys()
    facts = two_years / YEAR_EARLIER / "facts.csv"
    facts.write_text(facts.read_text(encoding="utf-8").replace(",50000,", ",50001,"), encoding="utf-8")
    after = keys()
    assert before[0] != after[0] and before[1] != after[1]
    shutil.rmtree(two_years / YEAR_EARLIER)
    assert keys()[0] not in (before[0], after[0])


def test_the_manifest_replaces_a_link_in_staging_and_never_writes_through_it(tmp_path, data_copy):
    """A link slipped into a month's staging folder under the manifest's name, to a data file, is
    replaced by the manifest (written atomically, as every other file of the month is): the data
    file keeps its bytes; a staging folder that is itself a link out of the reports folder is refused."""
    from bulletin.core.errors import RunError

    out = tmp_path / "reports"
    staging = out / ".2020-02.staging"
    staging.mkdir(parents=True)
    kiosks = data_copy / "2020-02" / "kiosks.csv"
    before = kiosks.read_bytes()
    (staging / cache.MANIFEST).symlink_to(kiosks)
    sections = {"06_kiosks": {"key": "k", "title": "自助智能医疗服务终端"}}
    cache.write_manifest(staging, "2020-02", sections)
    assert kiosks.read_bytes() == before
    assert not (staging / cache.MANIFEST).is_symlink() and cache.read_manifest(staging)["sections"] == sections
    outside = out / ".2020-03.staging"
    outside.symlink_to(data_copy / "2020-02", target_is_directory=True)
    with pytest.raises(RunError, match="leads outside the reports folder"):
        cache.write_manifest(outside, "2020-03", sections, root=out)
    assert not (data_copy / "2020-02" / cache.MANIFEST).exists()


def test_the_navigations_manifest_rewrite_stays_inside_the_reports_folder(tmp_path, data_copy):
    """Rewriting a published month's manifest (the navigation's ``nav``) is refused for a month
    folder that is a link out of the reports folder, before anything is written there."""
    from bulletin.core.errors import RunError

    out = tmp_path / "reports"
    out.mkdir()
    linked = out / "2020-02"
    linked.symlink_to(data_copy / "2020-02", target_is_directory=True)
    with pytest.raises(RunError, match="leads outside the reports folder"):
        cache.update_manifest(linked, {"nav": {"previous": None, "next": None}}, root=out)
    assert not (data_copy / "2020-02" / cache.MANIFEST).exists()
    (out / "2020-03").mkdir()
    cache.update_manifest(out / "2020-03", {"nav": {"previous": "2020-02", "next": None}}, root=out)
    assert cache.read_manifest(out / "2020-03")["nav"] == {"previous": "2020-02", "next": None}
