"""Tests of ``bulletin.core.inputs``: what every input file of the data folder gets, whichever module reads
it: it is read only when it is a regular file (a named pipe is refused without waiting on it), and a
name in it is checked for its shape by one function (:func:`name_problem`) — month CSVs,
``units.csv`` and the ingest of a text export alike."""

from __future__ import annotations

import pytest
from helpers import REFERENCE_MONTH as MONTH
from helpers import _load_error, assert_names, edit_csv

from bulletin import cli


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://evil.example\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"])
def test_a_name_shaped_like_a_formula_is_refused_in_a_month_file(data_copy, capsys, name):
    """No unit's name starts with = + - or @: such a name never reaches the published CSVs."""
    quoted = '"' + name.replace('"', '""') + '"'
    edit_csv(data_copy / MONTH / "province_calls.csv", "苏州,17479", f"{quoted},17479")
    exc = _load_error(data_copy)
    assert (exc.row, exc.column, exc.value) == (3, "city", name)
    assert_names(exc, "province_calls.csv", "spreadsheet formula", "never starts with = + - or @")
    assert cli.main(["check", MONTH, "--data-dir", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "spreadsheet formula" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("name", ["kiosks.csv", "facts.csv"])
def test_a_month_file_that_is_a_dangling_link_is_named_not_taken_for_missing(data_copy, capsys, name):
    path = data_copy / MONTH / name
    path.unlink()
    path.symlink_to(data_copy / "moved-away.csv")
    assert cli.main(["check", MONTH, "--data-dir", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert name in err and "a symbolic link to nothing" in err and len(err.strip().splitlines()) == 1
