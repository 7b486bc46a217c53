"""Tests of ``bulletin.core.paths``: where things are."""

from __future__ import annotations

import pytest
from helpers import REFERENCE_MONTH as MONTH
from helpers import _edited_copy, _nanjing

import bulletin
from bulletin.core import paths


@pytest.mark.parametrize("where", ["root", "notebooks", "tmp"])
def test_default_data_dir_does_not_depend_on_the_working_directory(where, tmp_path, monkeypatch):
    cwd = {"root": paths.PROJECT_ROOT, "notebooks": paths.NOTEBOOKS_DIR, "tmp": tmp_path}[where]
    if not cwd.is_dir():
        pytest.skip(f"{cwd} does not exist yet")
    # a decoy data/ in the working directory must not be picked up
    if where == "tmp":
        _edited_copy(tmp_path / "data")
    monkeypatch.chdir(cwd)
    assert paths.data_dir() == paths.DEFAULT_DATA_DIR
    assert paths.month_dir(MONTH) == paths.DEFAULT_DATA_DIR / MONTH
    assert _nanjing() == 30317
    assert MONTH in bulletin.months()


def test_argument_overrides_the_env_var(tmp_path, monkeypatch):
    env = _edited_copy(tmp_path / "env")
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(env))
    assert _nanjing(paths.DEFAULT_DATA_DIR) == 30317
    assert _nanjing(str(paths.DEFAULT_DATA_DIR)) == 30317
    assert _nanjing() == 30318


def test_relative_argument_and_env_var_are_relative_to_the_working_directory(tmp_path, monkeypatch):
    _edited_copy(tmp_path / "mine")
    monkeypatch.chdir(tmp_path)
    assert _nanjing("mine") == 30318
    monkeypatch.setenv(paths.ENV_DATA_DIR, "mine")
    assert paths.data_dir() == (tmp_path / "mine").resolve()
    assert _nanjing() == 30318


def test_an_empty_env_var_is_refused_not_taken_for_the_default(monkeypatch):
    # `BULLETIN_DATA_DIR= python …`: an unset shell variable, refused as the CLI refuses --data-dir ""
    monkeypatch.setenv(paths.ENV_DATA_DIR, "")
    with pytest.raises(bulletin.BulletinDataError, match=r"column \$BULLETIN_DATA_DIR: the data directory is empty"):
        paths.data_dir()
