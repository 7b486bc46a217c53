"""The Python API refuses what the command line refuses, with the same one line (issue 27).

One table of bad inputs, each run through ``bulletin check`` (:func:`bulletin.cli.main`) and through
every public function that takes the same month, range or data directory; the line ``bulletin
check`` prints after its ``bulletin check:`` must be the API's exception, word for word.
"""

from __future__ import annotations

import warnings

import pytest

import bulletin
from bulletin.cli import main
from bulletin.core import paths

MONTH = "2020-02"  # the one month in the project's data

#: the public functions that take a month (``m``) and a data directory (``d``)
BY_MONTH = {
    "month": lambda m, d: bulletin.month(m, d),
    "load": lambda m, d: bulletin.load("kiosks", m, d),
    "facts": lambda m, d: bulletin.facts(m, d),
    "load_month": lambda m, d: bulletin.load_month(m, d),
    "load_range": lambda m, d: bulletin.load_range("kiosks", m, d),
    "headlines": lambda m, d: bulletin.headlines(m, d),
}
#: those that take a range as well
BY_RANGE = {k: BY_MONTH[k] for k in ("load_range", "headlines")}
#: those that take only a data directory
BY_DIR = {"months": lambda m, d: bulletin.months(d)}

MISSING = object()  # the data directory of the case: a folder that does not exist (under tmp_path)

#: (what is given, data_dir, the functions asked): bad month strings, a month not in the data, an
#: empty data directory, a missing one, a range without a month of the data, a range backwards
CASES = [
    *((bad, None, BY_MONTH) for bad in ("202002", "2020-2", "2020-13", "../x", "２０２０-02", " 2020-02", "")),
    ("2020-03", None, BY_MONTH),
    (MONTH, "", {**BY_MONTH, **BY_DIR}),
    ("2020-01:2020-03", "", {**BY_RANGE, **BY_DIR}),
    (MONTH, MISSING, {**BY_MONTH, **BY_DIR}),
    ("2020-01:2020-03", MISSING, {**BY_RANGE, **BY_DIR}),
    ("2021-01:2021-12", None, BY_RANGE),
    ("2020-03:2020-01", None, BY_RANGE),
    ("2020-01:2020-1", None, BY_RANGE),
    ("2020-01:", None, BY_RANGE),
    ("2020-01:2020-02:2020-03", None, BY_RANGE),
]


def _cli_line(capsys, given: str, data_dir: str | None) -> str:
    argv = ["check", given] + ([] if data_dir is None else ["--data-dir", data_dir])
    assert main(argv) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("bulletin check: "), err
    return err[0].removeprefix("bulletin check: ")


def test_the_api_refuses_what_the_cli_refuses_with_the_same_line(capsys, tmp_path):
    # one table, one test: every row is run, and every disagreement is listed at once
    differ = []
    for given, data_dir, calls in CASES:
        data_dir = str(tmp_path / "nowhere") if data_dir is MISSING else data_dir
        expected = _cli_line(capsys, given, data_dir)
        for name, call in calls.items():
            try:
                call(given, data_dir)
            except bulletin.BulletinDataError as exc:
                if str(exc) != expected:
                    differ.append(f"{name}({given!r}, {data_dir!r}): {exc}  ≠ CLI: {expected}")
            else:
                differ.append(f"{name}({given!r}, {data_dir!r}): accepted  ≠ CLI: {expected}")
    assert differ == []


def test_a_month_given_as_a_number_is_refused_by_every_function_alike():
    # bulletin.headlines(202002) was a plain TypeError where bulletin.month(202002) said the line
    lines = set()
    for call in BY_MONTH.values():
        with pytest.raises(bulletin.BulletinDataError, match="not a month") as refused:
            call(202002, None)
        lines.add(str(refused.value))
    assert lines == {"column month: not a month (found 202002); expected a month of the form YYYY-MM"}


def test_a_list_of_months_is_checked_month_by_month():
    with pytest.raises(bulletin.BulletinDataError, match="not a month .found '2020-2'"):
        bulletin.load_range("kiosks", [MONTH, "2020-2"])
    # a month listed twice gave its rows twice (98 kiosks for February's 49)
    with pytest.raises(bulletin.BulletinDataError, match="column month: month listed twice .found '2020-02'"):
        bulletin.load_range("kiosks", [MONTH, MONTH])


def test_an_empty_env_var_is_refused_by_the_api_as_by_the_cli(monkeypatch, capsys):
    monkeypatch.setenv(paths.ENV_DATA_DIR, "")
    expected = _cli_line(capsys, MONTH, None)
    assert expected.startswith("column $BULLETIN_DATA_DIR: the data directory is empty")
    for call in (*BY_MONTH.values(), *BY_DIR.values()):
        with pytest.raises(bulletin.BulletinDataError) as refused:
            call(MONTH, None)
        assert str(refused.value) == expected


@pytest.mark.parametrize("call", [bulletin.load_range.__name__, "headlines"])
def test_months_of_a_range_not_in_the_data_are_named_as_runs(call):
    ask = BY_RANGE[call]
    with pytest.warns(bulletin.AbsentMonthsWarning) as said:
        frame = ask("2019-01:2020-12", None)
    assert set(frame["month"]) == {MONTH}
    assert len(said) == 1
    warning = said[0].message
    assert len(warning.months) == 23 and MONTH not in warning.months
    assert str(warning) == "数据中没有这些月份，已略过：2019-01 至 2020-01（13 个月）、2020-03 至 2020-12（10 个月）"
    with warnings.catch_warnings():  # a range wholly in the data warns of nothing
        warnings.simplefilter("error")
        assert ask(f"{MONTH}:{MONTH}", None).equals(frame)
