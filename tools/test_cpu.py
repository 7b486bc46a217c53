"""Where the test suite's CPU goes: a pytest plugin that records each test's CPU seconds, and a
summary by test file.

On a machine of two cores, ``make test`` takes at least its CPU seconds over two; this says which
files those seconds belong to (wall time does not: a batch run with two jobs, a Chromium or a
LibreOffice subprocess work on both cores at once)::

    PYTHONPATH=tools .venv/bin/python -m pytest -p test_cpu -q -n 2 --dist loadfile tests/e2e tests/unit
    .venv/bin/python tools/test_cpu.py            # the files, most CPU first

Each test appends a line to ``build/test-cpu.tsv`` (``$TEST_CPU_LOG``), from each xdist worker: its
node id, the CPU seconds (user + system) of the test process, those of the child processes it reaped
(kernels, ``bulletin`` subprocesses, Chromium, LibreOffice, the pool's workers), and its wall seconds.
A child's CPU is counted by the test during which it was reaped: a fork server a session fixture
keeps, with every kernel it forked and reaped, is counted where the session ends.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

LOG = Path(os.environ.get("TEST_CPU_LOG", "build/test-cpu.tsv"))


def _cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, reaped.ru_utime + reaped.ru_stime


def pytest_configure(config) -> None:
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist) starts the file
        LOG.parent.mkdir(parents=True, exist_ok=True)
        LOG.write_text("test\tcpu_s\tchildren_cpu_s\twall_s\n", encoding="utf-8")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    before, start = _cpu(), time.perf_counter()
    yield
    after = _cpu()
    line = f"{item.nodeid}\t{after[0] - before[0]:.3f}\t{after[1] - before[1]:.3f}\t{time.perf_counter() - start:.3f}\n"
    with LOG.open("a", encoding="utf-8") as log:
        log.write(line)


def summary(path: Path) -> str:
    """The files of the log, most CPU first, with the total."""
    files: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        node, *figures = line.split("\t")
        for i, value in enumerate(figures):
            files[node.split("::")[0]][i] += float(value)
    rows = sorted(files.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))
    total = [sum(f[i] for f in files.values()) for i in range(3)]
    lines = [f"{'cpu s':>8} {'own':>7} {'reaped':>7} {'wall s':>7}  file"]
    for name, (own, reaped, wall) in [*rows, ("(all)", total)]:
        lines.append(f"{own + reaped:8.1f} {own:7.1f} {reaped:7.1f} {wall:7.1f}  {name}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(summary(Path(sys.argv[1]) if len(sys.argv) > 1 else LOG))
