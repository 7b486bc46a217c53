"""Tests of ``bulletin.batch.jobs``: the batch's job types: a section notebook as the runner sees it, a
job, its result, the outcome."""

from __future__ import annotations

import pytest


@pytest.mark.usefixtures("_stable_code_hash")
def test_a_section_named_twice_runs_once():
    from bulletin.batch import section_notebooks

    assert [nb.stem for nb in section_notebooks("02,appointments, 2,kiosks")] == ["02_appointments", "06_kiosks"]
