"""Start-up of the command line, against the plain way, in one run (medians of fresh processes).

    .venv/bin/python bench/bench_startup.py [--reps 15]

Goals (medians on this machine): ``bulletin --help`` and ``bulletin months`` under 0.15 s, an
unchanged ``bulletin run 2020-02`` under 0.3 s, ``bulletin check 2020-02`` under 0.5 s.

Each command is timed three ways, each a fresh process:

- ``bulletin``: the installed command as users run it (``import bulletin`` is lazy);
- ``eager``: the same entry point after importing pandas and matplotlib first, which is what every
  command paid before the package's imports were made lazy (the plain way);
- ``floor``: ``python -c pass``, the interpreter's own start-up.

The machine may be shared by other jobs: medians damp the noise, the load average is printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
MONTH = "2020-02"
GOALS = {"--help": 0.15, "months": 0.15, f"run {MONTH}": 0.3, f"check {MONTH}": 0.5}
EAGER = "import sys, pandas, matplotlib.pyplot; from bulletin.cli import main; sys.exit(main(sys.argv[1:]))"


def timed(argv: list[str], reps: int) -> float:
    """Median wall-clock seconds of ``argv`` over ``reps`` fresh processes (output discarded)."""
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        out = Path(tmp) / "reports"
        # a first run publishes the month, so that the timed runs find it unchanged
        subprocess.run([str(BIN / "bulletin"), "run", MONTH, "--out", str(out)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        floor = timed([sys.executable, "-c", "pass"], args.reps)
        print(f"load average {os.getloadavg()[0]:.2f}; {args.reps} runs each; floor (python -c pass) {floor:.3f} s")
        print(f"{'command':<22}{'bulletin':>10}{'eager':>10}{'ratio':>8}{'goal':>8}  met")
        failed = 0
        for command, goal in GOALS.items():
            argv = command.split() + (["--out", str(out)] if command.startswith("run") else [])
            ours = timed([str(BIN / "bulletin"), *argv], args.reps)
            eager = timed([sys.executable, "-c", EAGER, *argv], args.reps)
            met = ours < goal
            failed += not met
            verdict = "yes" if met else "NO"
            print(f"bulletin {command:<13}{ours:>9.3f}s{eager:>9.3f}s{ours / eager:>8.2f}{goal:>7.2f}s  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
