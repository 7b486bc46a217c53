"""How long loading takes: every table of one month, and of 120 months, against plain pandas.

    .venv/bin/python bench/bench_load.py [--month 2020-02] [--reps 200] [--months 120] [--reps-many 7]

"bulletin" is ``bulletin.load`` for every table plus ``bulletin.facts`` (decoding, schema checks,
nullable integers, exact money). "plain" is ``pandas.read_csv`` of the same files with dtype
inference and no validation, the way a notebook would read them without the package. Both run
in the same process on the same files, warm (one untimed run first); the figures are medians,
since the machine is shared. Goals: one month <= 50 ms warm, 120 months <= 2 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

import bulletin
from bulletin.core import paths
from bulletin.core.schema import FACTS_FILE, TABLES

GOAL_ONE = 0.050
GOAL_MANY = 2.0


def load_bulletin(months: list[str], data_dir: Path) -> int:
    rows = 0
    for month in months:
        for name in TABLES:
            rows += len(bulletin.load(name, month, data_dir))
        rows += len(bulletin.facts(month, data_dir))
    return rows


def load_plain(months: list[str], data_dir: Path) -> int:
    rows = 0
    files = [t.file for t in TABLES.values()] + [FACTS_FILE]
    for month in months:
        for file in files:
            rows += len(pd.read_csv(data_dir / month / file))
    return rows


def median_seconds(fn: Callable[[], int], reps: int) -> float:
    fn()  # warm: imports, caches, the files in the page cache
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fake_months(n: int) -> list[str]:
    """``n`` distinct month names, counting back from 2019-12 (never the shipped month)."""
    out, year, mon = [], 2019, 12
    for _ in range(n):
        out.append(f"{year:04d}-{mon:02d}")
        year, mon = (year - 1, 12) if mon == 1 else (year, mon - 1)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2020-02")
    parser.add_argument("--reps", type=int, default=200, help="repetitions for one month")
    parser.add_argument("--months", type=int, default=120, help="months for the many-months case")
    parser.add_argument("--reps-many", type=int, default=7, help="repetitions for many months")
    args = parser.parse_args(argv)

    source = paths.DEFAULT_DATA_DIR / args.month
    with tempfile.TemporaryDirectory(prefix="bulletin-bench-") as tmp:
        data_dir = Path(tmp)
        months = fake_months(args.months)
        for month in months:
            shutil.copytree(source, data_dir / month)
        assert bulletin.months(data_dir) == sorted(months)
        one = [months[0]]
        # the same figures either way (the plain way reads the same rows)
        assert load_bulletin(one, data_dir) == load_plain(one, data_dir)

        results = {
            "one month": (
                median_seconds(lambda: load_bulletin(one, data_dir), args.reps),
                median_seconds(lambda: load_plain(one, data_dir), args.reps),
                GOAL_ONE,
            ),
            f"{args.months} months": (
                median_seconds(lambda: load_bulletin(months, data_dir), args.reps_many),
                median_seconds(lambda: load_plain(months, data_dir), args.reps_many),
                GOAL_MANY if args.months == 120 else None,
            ),
        }

    print(f"bulletin loaders vs pandas.read_csv — {len(TABLES)} tables + facts per month, medians, warm")
    print(f"python {sys.version.split()[0]}, pandas {pd.__version__}")
    print(f"{'case':<12} {'bulletin':>11} {'plain':>11} {'ratio':>7} {'goal':>9}  met")
    missed = False
    for case, (ours, plain, goal) in results.items():
        met = "" if goal is None else ("yes" if ours <= goal else "NO")
        missed |= met == "NO"
        goal_text = "" if goal is None else f"{goal * 1000:.0f} ms" if goal < 1 else f"{goal:.0f} s"
        print(f"{case:<12} {ours * 1000:>8.1f} ms {plain * 1000:>8.1f} ms {ours / plain:>6.2f}x {goal_text:>9}  {met}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
