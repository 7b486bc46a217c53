"""Tests of ``bulletin.data.other_months``: month words in a bulletin's statistics part that name another
month than the bulletin's own."""

from __future__ import annotations

import json
import subprocess

import pytest
from helpers import REFERENCE_MONTH as M
from helpers import ingest, one_line, raw_text, run_cli

from bulletin.data import other_months


def test_february_as_printed_names_no_other_month(tmp_path, capsys):
    code, _, _, data = ingest(capsys, tmp_path, raw_text())
    assert code == 0 and not (data / M / other_months.FILE).exists()
    code, out, _ = run_cli(capsys, "check", M, "--data-dir", str(data), "--json")
    assert not [f for f in json.loads(out)["findings"] if f["rule"] == "month_word_mismatch"]


def test_month_words_that_agree_are_not_recorded():
    assert other_months.in_line("（截止2月底，1-2月累计预约12320次）") == [("截止2月底", "--02"),
                                                                   ("1-2月累计预约12320次", "--02")]
    assert not other_months.MonthWord(1, "kiosks", "2020年2月", "2020-02").disagrees_with("2020-02")
    assert other_months.MonthWord(1, "kiosks", "2019年2月", "2019-02").disagrees_with("2020-02")
    assert other_months.in_line("南京12320卫生热线") == []  # no month in a number
    assert other_months.in_line("13月") == []


def test_a_damaged_record_of_month_words_is_one_line(data_copy, capsys):
    (data_copy / M / other_months.FILE).write_text("line,table,words,month,source\nx,appointments,a,--03,\n",
                                                  encoding="utf-8")
    code, _, err = run_cli(capsys, "check", M, "--data-dir", str(data_copy))
    assert code == 2 and "other_months.csv, row 2, column line: not a line number (found 'x')" in one_line(err)


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="FIFOs are POSIX")
def test_month_words_in_a_named_pipe_are_refused_without_waiting(data_copy):
    import os
    import sys

    os.mkfifo(data_copy / M / other_months.FILE)
    proc = subprocess.run([sys.executable, "-m", "bulletin.cli", "check", M, "--data-dir", str(data_copy)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "other_months.csv" in proc.stderr and "not a regular file" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
