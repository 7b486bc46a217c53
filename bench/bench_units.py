"""How the alias table's cost grows with its rows (issue 27): ``units.csv`` read and every name of a
month matched against it, against the plain way the check matched names before.

    .venv/bin/python bench/bench_units.py [--rows 1000,5000,20000] [--reps 3] [--plain-up-to 5000]

For each size N a ``units.csv`` of N rows is made in a temporary folder beside February 2020: the
shipped table, then spellings built from February's own hospitals (``某医院3分院`` as ``某医院第3分院``),
which share most of their characters with the names the month prints — the case where matching by
characters has the most candidates to weigh. Timed, medians of ``--reps``:

- "read": ``bulletin.data.units.aliases`` (reading and validating the table);
- "bulletin": the check's name matching as it is (:func:`bulletin.checks.across.name_findings`: an
  index of the known names' characters, difflib only on candidates);
- "plain": the same findings the way they were computed before: for every new name, difflib against
  every known name (``close`` in a per-row loop). Slow: run up to ``--plain-up-to`` rows only;
- "check": the whole ``bulletin check 2020-02`` (``check_month``).

Goal: ``check`` of 20,000 rows within 2.5 s (issue 27: "well under 5 s"; 10,000 rows took 18.8 s
before), and the cost per row flat from the smallest size to the largest. The two matchings must
give the same findings, which is asserted.
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

from bulletin import load
from bulletin.checks import check_month
from bulletin.checks.across import _read_earlier, close, name_findings, names_in
from bulletin.core import paths
from bulletin.core.schema import TABLES
from bulletin.data import units
from bulletin.history import History

MONTH = "2020-02"
GOAL_ROWS = 20_000
GOAL = 2.5


def make_table(folder: Path, rows: int) -> None:
    shipped = (paths.DEFAULT_DATA_DIR / units.UNITS_FILE).read_text(encoding="utf-8").splitlines()
    hospitals = sorted(set(load("appointments", MONTH)["hospital"]) | set(load("kiosks", MONTH)["unit"]))
    lines = list(shipped)
    i = 0
    while len(lines) - 1 < rows:
        h = hospitals[i % len(hospitals)]
        lines.append(f"{h}{i}分院,{h}第{i}分院,hospital")
        i += 1
    (folder / units.UNITS_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")


def plain_findings(tables, earlier, table: units.Aliases) -> list[tuple[str, str]]:
    """The name matching as it was: every new name against every known name, one close() a row."""
    out, reported = [], set()
    for _, _, kind, name in names_in(tables):
        if table.known(name) or name in earlier.names.get(kind, set()) or (kind, name) in reported:
            continue
        known = sorted(table.names(kind) | earlier.names.get(kind, set()))
        matches = [k for k in known if k != name and close(name, k)]
        if matches:
            reported.add((kind, name))
            out.append((name, matches[0]))
    return out


def median_seconds(fn: Callable[[], object], reps: int) -> float:
    fn()  # warm
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1000,5000,20000", help="sizes of units.csv, comma-separated")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--plain-up-to", type=int, default=5000, help="time the plain way up to this many rows")
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.rows.split(",")]

    print("units.csv: read, and every name of 2020-02 matched against it (medians, warm)")
    print(f"{'rows':>7} {'read':>9} {'bulletin':>10} {'plain':>10} {'ratio':>8} {'check':>9} {'check/row':>10}  goal")
    missed = False
    per_row: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bulletin-bench-") as tmp:
        data_dir = Path(tmp)
        shutil.copytree(paths.DEFAULT_DATA_DIR / MONTH, data_dir / MONTH)
        tables = {name: load(name, MONTH, data_dir) for name in TABLES}
        earlier = _read_earlier(MONTH, History(data_dir))
        for rows in sizes:
            make_table(data_dir, rows)
            table = units.aliases(data_dir)
            ours = [(f.value, f.expected) for f in name_findings(tables, earlier, table)]
            read = median_seconds(lambda: units.aliases(data_dir), args.reps)
            match = median_seconds(lambda t=table: list(name_findings(tables, earlier, t)), args.reps)
            plain = None
            if rows <= args.plain_up_to:
                assert plain_findings(tables, earlier, table) == ours, "the two matchings disagree"
                plain = median_seconds(lambda t=table: plain_findings(tables, earlier, t), 1)
            check = median_seconds(lambda: check_month(MONTH, data_dir), args.reps)
            per_row.append(check / rows)
            goal = ""
            if rows == GOAL_ROWS:
                met = check <= GOAL
                missed |= not met
                goal = f"{GOAL:.1f} s {'yes' if met else 'NO'}"
            plain_text = f"{plain:>9.2f}s" if plain is not None else f"{'—':>10}"
            ratio = f"{plain / match:>7.0f}x" if plain is not None else f"{'—':>8}"
            print(f"{rows:>7} {read:>8.3f}s {match:>9.3f}s {plain_text} {ratio} {check:>8.2f}s "
                  f"{check / rows * 1000:>7.3f} ms  {goal}")
    print(f"check per row, smallest to largest size: {per_row[0] * 1000:.3f} → {per_row[-1] * 1000:.3f} ms "
          "(falling: the month's own cost spread over more rows; flat or falling is linear)")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
