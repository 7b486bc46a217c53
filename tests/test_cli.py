"""The command line's own behaviour: argument checks and how it ends, whatever the sub-command."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bulletin.cli import main


@pytest.mark.parametrize("command", ["check 2020-02", "months", "run 2020-02", "ingest x.txt"])
def test_an_empty_data_dir_is_refused_not_taken_as_the_default(command, capsys):
    with pytest.raises(SystemExit) as stop:
        main([*command.split(), "--data-dir", ""])
    assert stop.value.code == 2
    assert "--data-dir is empty" in capsys.readouterr().err


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
