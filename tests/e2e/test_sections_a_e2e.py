"""Sections 00–03 and the shared formatting/month-on-month layer, on the February 2020 figures."""

from __future__ import annotations

import os
import subprocess
import sys

from helpers import REFERENCE_MONTH, edit_csv

from bulletin.core import paths

M = REFERENCE_MONTH


# --- fmt ---------------------------------------------------------------------------------------


# --- start ---------------------------------------------------------------------------------------


# --- 01 hotline ----------------------------------------------------------------------------------


# --- 02 appointments ---------------------------------------------------------------------------


# --- 03 booking channels -----------------------------------------------------------------------


# --- the reader views and charts the notebooks 01–03 show ---------------------------------------


# --- 00 overview ---------------------------------------------------------------------------------


# --- month on month ------------------------------------------------------------------------------


# --- the recorded notebooks guard the figures --------------------------------------------------


def test_nbval_fails_when_a_figure_changes(data_copy):
    """The recorded outputs of 01_hotline pass on the shipped data and fail on a changed count."""
    nb = paths.NOTEBOOKS_DIR / "01_hotline.ipynb"
    edit_csv(data_copy / M / "province_calls.csv", "苏州,17479", "苏州,17480")
    edit_csv(data_copy / M / "facts.csv", "hotline.province_total_calls,69660", "hotline.province_total_calls,69661")
    env = {**os.environ, paths.ENV_DATA_DIR: str(data_copy)}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", str(nb),
           "--nbval-sanitize-with", str(paths.PROJECT_ROOT / "tests" / "nbval_sanitize.cfg")]
    result = subprocess.run(cmd, env=env, cwd=paths.PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0, result.stdout[-2000:]
    assert "17,480" in result.stdout


