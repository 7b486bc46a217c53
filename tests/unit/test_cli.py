"""The command line's own behaviour: argument checks and how it ends, whatever the sub-command."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from bulletin.cli import main


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


def test_check_of_a_huge_range_summarises_the_absent_months(capsys):
    # `bulletin check 1000-01:9999-12` printed every one of its 107,998 absent months (about 1 MB)
    assert main(["check", "1000-01:9999-12"]) == 0
    out = capsys.readouterr().out
    last = out.splitlines()[-1]
    assert last.endswith("无数据的月份 1000-01 至 2020-01（12241 个月）、2020-03 至 9999-12（95758 个月）")
    assert len(out) < 20_000
    assert main(["check", "1000-01:9999-12", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["absent"] == [{"from": "1000-01", "to": "2020-01", "months": 12241},
                                {"from": "2020-03", "to": "9999-12", "months": 95758}]
