"""Tests of ``bulletin.history``: each month's digest: what other months read of it (headlines,
rankings, what later checks read), computed once and kept in ``reports/.history/``."""

from __future__ import annotations

import pytest
from helpers import synthetic_history

import bulletin
from bulletin import history
from bulletin.sections import trends


@pytest.mark.usefixtures("_stable_code_hash")
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
