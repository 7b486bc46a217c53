"""Tests of ``bulletin.data.demo``: synthetic months for a demonstration, and the one mark every output of
them carries: 模拟数据."""

from __future__ import annotations

import json

from bulletin.core import paths


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
