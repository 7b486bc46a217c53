"""Tests of ``bulletin.checks.range``: ``bulletin check START:END``: each month of a range in the data,
one digest history shared."""

from __future__ import annotations

import json

from bulletin.cli import main


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
