"""How ``make nbval`` reports a recorded output that no longer matches (pytest loads this file for
the notebooks in this folder only).

- A mismatch lists the changed lines as ``recorded:`` (the notebook file) above ``now:`` (this
  run); a table is compared figure by figure, each line naming its row and column
  (:func:`bulletin.style.output_diff.explain_difference`), instead of pytest's own diff, which nbval prints
  with ``-`` for the new output and cuts a long table to its last ten identical characters.
- A notebook that failed and differs from the last commit is named at the end, with how to
  restore it: JupyterLab autosaves an exploration (``month = "2020-07"``) over the recorded
  outputs; ``make lab`` works on a copy instead.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bulletin.style.output_diff import explain_difference


@pytest.hookimpl(tryfirst=True)
def pytest_assertrepr_compare(config, op, left, right):
    # nbval asks this hook with left = the recorded output, right = the output of this run
    if op == "==" and isinstance(left, str) and isinstance(right, str):
        return explain_difference(left, right)
    return None


_failed: dict[Path, int] = {}


def pytest_runtest_logreport(report):
    if report.failed and report.when == "call":
        path = Path(str(report.fspath)).resolve()
        if path.suffix == ".ipynb":
            _failed[path] = _failed.get(path, 0) + 1


def _changed_since_commit(path: Path) -> bool:
    """Whether git knows ``path`` and its content differs from the last commit (False without git)."""
    try:
        done = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", path.name], cwd=path.parent,
                              capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 1


def pytest_terminal_summary(terminalreporter):
    changed = [p for p in sorted(_failed) if _changed_since_commit(p)]
    if not changed:
        return
    terminalreporter.write_sep("-", "recorded notebooks changed since the last commit")
    for path in changed:
        try:
            shown = path.relative_to(Path(str(terminalreporter.config.rootpath)).resolve()).as_posix()
        except ValueError:
            shown = str(path)
        cells = f"{_failed[path]} cell differs" if _failed[path] == 1 else f"{_failed[path]} cells differ"
        terminalreporter.write_line(
            f"{shown} ({cells}) is not as committed. If that is an exploration "
            f"autosaved by JupyterLab, `git restore {shown}` brings back its recorded outputs (and "
            f"`make lab` explores a copy, lab/, next time); if you changed it on purpose, re-record "
            f"with `make notebooks`."
        )
