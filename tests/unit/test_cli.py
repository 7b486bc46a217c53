"""Tests of ``bulletin.cli``: the command line: ``bulletin check | ingest | template | revisions | run
| documents | demo | months``."""

from __future__ import annotations

import io
import json
import os
import pathlib
import subprocess
import sys

import pytest
from helpers import EXPECTED_WARNINGS, RAW, _cli, edit, edit_csv, folder, write
from helpers import REFERENCE_MONTH as M
from helpers import REFERENCE_MONTH as MONTH

from bulletin import cli
from bulletin.cli import main
from bulletin.core import paths


def test_cli_months_on_a_missing_data_dir(capsys, tmp_path):
    code, out, err = _cli(capsys, "months", "--data-dir", str(tmp_path / "nowhere"))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("bulletin months: ") and "nowhere" in err


def test_cli_months_lists_the_months(capsys, data_copy):
    code, out, _ = _cli(capsys, "months", "--data-dir", str(data_copy))
    assert (code, out) == (0, f"{MONTH}\n")


@pytest.fixture
def checks():
    return pytest.importorskip("bulletin.checks")


@pytest.mark.parametrize(
    ("month", "break_it", "parts"),
    [
        ("../x", None, ["not a month", "'../x'"]),
        ("2020-2", None, ["not a month", "YYYY-MM"]),
        (MONTH, ("province_calls.csv", "南京,30317", "南京,三万"), ["province_calls.csv", "row 2", "calls", "'三万'"]),
        (MONTH, ("province_calls.csv", "city,calls", "city,phone"), ["province_calls.csv", "row 1", "column calls"]),
        (MONTH, ("kiosks.csv", "南京市中心医院,0,", "南京市中心医院,-1,"), ["kiosks.csv", "row 38", "kiosks", "'-1'"]),
    ],
    ids=["dotdot", "short-month", "non-numeric", "missing-column", "negative"],
)
def test_cli_check_bad_input_exits_2_with_one_line(capsys, checks, data_copy, month, break_it, parts):
    if break_it:
        file, old, new = break_it
        edit_csv(data_copy / MONTH / file, old, new)
    code, out, err = _cli(capsys, "check", month, "--data-dir", str(data_copy))
    assert code == 2, (out, err)
    assert "Traceback" not in out + err
    assert err.count("\n") == 1, err
    for part in parts:
        assert part in err, (part, err)


def test_cli_check_binary_file_exits_2(capsys, checks, data_copy):
    (data_copy / MONTH / "kiosks.csv").write_bytes(bytes(range(256)) * 8)
    code, out, err = _cli(capsys, "check", MONTH, "--data-dir", str(data_copy))
    assert code == 2 and "Traceback" not in out + err
    assert err.count("\n") == 1 and "kiosks.csv" in err


def test_console_script_shows_no_traceback(tmp_path):
    """The installed ``bulletin`` command, as a user runs it."""
    exe = pathlib.Path(sys.executable).with_name("bulletin")
    if not exe.exists():
        pytest.skip("the bulletin console script is not installed in this environment")
    env = {**os.environ, paths.ENV_DATA_DIR: str(tmp_path / "nowhere")}
    proc = subprocess.run([str(exe), "months"], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    assert "nowhere" in proc.stderr


def test_cli_exit_0_and_text(capsys):
    assert main(["check", M]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2020年2月：0 个错误")


def test_cli_json_carries_the_findings(capsys):
    assert main(["check", M, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert list(doc)[:2] == ["month", "summary"]
    assert doc["month"] == M
    assert doc["counts"] == {"errors": 0, "warnings": len(EXPECTED_WARNINGS), "notes": 0}
    assert {(f["rule"], f["table"], f["unit"], f["column"]) for f in doc["findings"]} == EXPECTED_WARNINGS
    for f in doc["findings"]:
        assert list(f) == ["severity", "rule", "table", "unit", "column", "value", "expected", "message"]
    (tcm,) = [f for f in doc["findings"] if f["rule"] == "average_outlier" and f["unit"] == "江苏省中医院"]
    assert tcm["value"] == "199.89"  # money as exact text


def test_cli_exit_1_on_errors(data_copy, capsys):
    (folder(data_copy) / "booking_channels.csv").unlink()
    assert main(["check", M, "--data-dir", str(data_copy), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [f["rule"] for f in doc["findings"] if f["severity"] == "error"] == ["table_missing"]


def test_cli_exit_2_on_unreadable_input(data_copy, capsys):
    assert main(["check", "2020-2"]) == 2
    assert "month" in capsys.readouterr().err
    edit(data_copy, "kiosks.csv", "东部战区总医院,82,", "东部战区总医院,-82,")
    assert main(["check", M, "--data-dir", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "kiosks.csv" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["check 2020-02", "months", "run 2020-02", "ingest x.txt"])
def test_an_empty_data_dir_is_refused_not_taken_as_the_default(command, capsys):
    assert main([*command.split(), "--data-dir", ""]) == 2
    assert "the data directory is empty" in capsys.readouterr().err


def test_a_reader_that_goes_away_ends_the_output_quietly():
    # `bulletin check 2020-02 | head -0`: the pipe has no reader left when the report is written
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "bulletin.cli", "check", "2020-02"],
            stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60,
        )
    finally:
        os.close(write_end)
    assert "Traceback" not in proc.stderr
    assert "BrokenPipeError" not in proc.stderr
    assert proc.returncode == 0


def _ascii_streams(monkeypatch) -> tuple[io.BytesIO, io.BytesIO]:
    """stdout and stderr as under PYTHONIOENCODING=ascii (stdout strict, stderr backslashreplace)."""
    out, err = io.BytesIO(), io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(out, encoding="ascii", write_through=True))
    monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(err, encoding="ascii", errors="backslashreplace",
                                                        write_through=True))
    return out, err


def test_check_writes_through_an_ascii_terminal_without_a_traceback(monkeypatch):
    # PYTHONIOENCODING=ascii: the report's Chinese was a UnicodeEncodeError traceback (issue 27, item 6)
    stdout, stderr = _ascii_streams(monkeypatch)
    returncode = main(["check", "2020-02"])  # a UnicodeEncodeError would propagate (a traceback)
    assert returncode == 0, stderr.getvalue().decode("ascii", "replace")
    assert b"Traceback" not in stderr.getvalue()
    out = stdout.getvalue().decode("ascii")  # nothing but ASCII reached the stream
    assert "\\u5357\\u4eac" in out  # 南京, escaped: a reader (or codecs' unicode_escape) can undo it
    stdout, stderr = _ascii_streams(monkeypatch)
    bad = main(["check", "2020-07"])
    assert bad == 2 and stderr.getvalue().count(b"\n") == 1, stderr.getvalue()


def test_the_cli_exits_2_with_one_line_and_no_traceback(tmp_path, capsys):
    args = ["ingest", str(RAW), "--data-dir", str(tmp_path)]
    assert cli.main(args) == 0
    capsys.readouterr()
    # the same bulletin again: nothing to change, nothing written
    assert cli.main(args) == 0 and "nothing written" in capsys.readouterr().out
    assert cli.main([*args, "--force", "--month", "2020-02"]) == 0
    assert not (tmp_path / "2020-02" / "revisions").exists()
    assert cli.main(["ingest", str(write(tmp_path, b"")), "--data-dir", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "empty" in err and "Traceback" not in err
