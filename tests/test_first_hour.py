"""An analyst's first hour (issue 29, item 6): what the README's first screen promises holds."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from bulletin import paths

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


def test_the_browser_test_without_axe_skips_with_its_reason_and_fails_under_ci(monkeypatch):
    import test_browser

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="axe-core not found.*audit did not run"):
        test_browser.without_axe()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true requires it"):
        test_browser.without_axe()


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_the_offices_commands_explain_themselves_in_chinese(capsys):
    from bulletin.cli import main

    for command, options in {"check": ("--json", "--data-dir"), "ingest": ("--force", "--reason", "--partial"),
                             "revisions": ("--json",), "run": ("--out", "--jobs", "--force"),
                             "documents": ("--out",), "months": ("--data-dir",)}.items():
        with pytest.raises(SystemExit) as done:
            main([command, "-h"])
        assert done.value.code == 0
        lines = capsys.readouterr().out.splitlines()
        description = lines[lines.index("") + 1]
        assert _chinese(description), (command, description)
        assert "选项:" in lines and any(line.split()[:2] == ["-h,", "--help"] and _chinese(line) for line in lines)
        for option in options:  # the option's name as it is, its help (on its line or the next) in Chinese
            i = next(i for i, line in enumerate(lines) if line.strip().startswith(option))
            assert _chinese(" ".join(lines[i:i + 2])), (command, option, lines[i])
