"""An analyst's first hour (issue 29, item 6): what the README's first screen promises holds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from bulletin.core import paths

MAKE = shutil.which("make")


@pytest.mark.skipif(MAKE is None, reason="make not found")
def test_make_report_prints_the_two_paths_the_readme_promises(tmp_path):
    # make report with a stand-in for the installed `bulletin` (the recipe, not the batch, is under test)
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    fake = venv / "bin" / "bulletin"
    fake.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    fake.chmod(0o755)
    (venv / ".installed-stamp").touch()
    os.utime(venv / ".installed-stamp", (2**31, 2**31))  # newer than pyproject.toml: no set-up
    done = subprocess.run([MAKE, "-s", "report", f"VENV={venv}"], cwd=paths.PROJECT_ROOT, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "reports/index.html" in done.stdout and "reports/2020-02/index.html" in done.stdout, done.stdout
    readme = " ".join((paths.PROJECT_ROOT / "README.md").read_text("utf-8").split())
    assert "`reports/index.html`" in readme and "`reports/2020-02/index.html`" in readme


# ------------------------------------------------------------------ the demonstration: synthetic months


def test_bulletin_demo_writes_its_own_folder_and_says_how_to_run_it(tmp_path, capsys):
    from bulletin.cli import main

    assert main(["demo", "--out", str(tmp_path / "demo")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("模拟数据 2019-02 至 2020-02（13 个月）")
    data = tmp_path / "demo" / "data"
    assert out[1] == f"bulletin run 2019-02:2020-02 --data-dir {data} --out {tmp_path / 'demo' / 'reports'}"
    assert json.loads((data / "demo.json").read_text("utf-8"))["synthetic"] is True
    # the project's own folder would put it into data/: refused, one line, exit 2
    assert main(["demo", "--out", str(paths.PROJECT_ROOT)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "never written into the project's data folder" in err
    assert "/demo/" in (paths.PROJECT_ROOT / ".gitignore").read_text("utf-8").splitlines()
