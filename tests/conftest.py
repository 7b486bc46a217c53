"""Fixtures of every test, unit and end-to-end: the shipped data and copies of it that a test may
change freely. The end-to-end runs' shared fixtures are in ``e2e/conftest.py``; helpers (functions
and constants such as ``REFERENCE_MONTH``) in ``helpers.py``, importable from both folders."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import REFERENCE_MONTH
from hypothesis import settings

from bulletin.core import paths

# CI must be deterministic: the same examples on every run, and no example database replaying a
# failure found elsewhere. Locally Hypothesis explores (and remembers what failed).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _no_env_data_dir(monkeypatch, tmp_path):
    """Tests choose their data directory explicitly; a developer's $BULLETIN_DATA_DIR must not leak
    in, nor the digests kept in the project's reports/ (each test starts with none)."""
    monkeypatch.delenv(paths.ENV_DATA_DIR, raising=False)
    monkeypatch.setenv(paths.ENV_HISTORY_DIR, str(tmp_path / "no-reports" / paths.HISTORY_DIR_NAME))


@pytest.fixture
def data_dir() -> Path:
    """The project's shipped data directory (read-only: never write here in a test)."""
    return paths.DEFAULT_DATA_DIR


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A data directory in tmp_path holding a copy of the reference month, free to change."""
    target = tmp_path / "data"
    target.mkdir()
    shutil.copytree(paths.DEFAULT_DATA_DIR / REFERENCE_MONTH, target / REFERENCE_MONTH)
    return target
