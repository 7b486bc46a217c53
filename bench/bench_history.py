"""Benchmark of ``bulletin run`` over years of history (issue 15), in one run.

    .venv/bin/python bench/bench_history.py [--lengths 12,36,120] [--reps 3]

For each length N it builds, in a temporary folder, a synthetic history of N months ending in
2020-12 (February 2020's data under each month name, its cumulative figures rising: see
``tests/helpers.py``) and measures, wall clock:

- the backfill: one ``bulletin run FIRST:LAST`` of all N months, its time per month (the whole
  run divided by N, and the median gap between consecutive months' publication over the first
  and the last twelve months), and the peak memory (RSS summed over the run's process tree,
  sampled every 0.1 s);
- the new month: 2021-01 added and ``bulletin run 2021-01`` on top of the N published months
  (median of ``--reps``; the month's reports and digest removed between repetitions), against
  the run of a month with no history (one month in a fresh data and reports folder);
- ``07_trends`` alone: the job's own time (``manifest.json``) of
  ``bulletin run 2021-01 --sections trends --force`` (median of ``--reps``).

The goals: the new month on top of 120 months within 1.2x the month with no history; 07_trends
at 120 months under 1.5 s; the backfill's time per month flat within 20 % from 12 to 120 months;
the peak memory of the 120-month backfill within 1.2x that of the 12-month one. The machine may be
shared: medians damp the noise, and the load average is printed alongside.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from helpers import history_months, synthetic_history, synthetic_month  # noqa: E402

BULLETIN = Path(sys.executable).parent / "bulletin"
LAST = "2020-12"
NEW = "2021-01"


def _tree_rss(root: int) -> int:
    """RSS in bytes of ``root`` and every process below it (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except OSError:
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        try:
            with open(f"/proc/{pid}/statm", encoding="utf-8") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            continue
    return total


def run(args: list[str], *, peak: bool = False) -> tuple[float, int]:
    """Time one ``bulletin`` command (and its peak process-tree RSS when ``peak``)."""
    start = time.perf_counter()
    proc = subprocess.Popen([str(BULLETIN), *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    highest = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.1):
            highest[0] = max(highest[0], _tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    if peak:
        sampler.start()
    _, err = proc.communicate()
    stop.set()
    if peak:
        sampler.join()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"bulletin {' '.join(args)} failed ({proc.returncode}): {err[-2000:]}")
    return seconds, highest[0]


def _publication_gaps(reports: Path, months: list[str]) -> list[float]:
    """Seconds between consecutive months' last finished job (their executed notebooks' times:
    the pages and manifests are touched again when later months change their links)."""
    times = [max(p.stat().st_mtime for p in (reports / m).glob("*.ipynb")) for m in months]
    return [b - a for a, b in zip(times, times[1:], strict=False)]


def bench_length(n: int, reps: int, base: Path) -> dict:
    data, reports = base / f"h{n}" / "数据 目录", base / f"h{n}" / "reports"
    months = history_months(_minus(LAST, n - 1), n)
    synthetic_history(data, months[0], n)
    seconds, rss = run(["run", f"{months[0]}:{months[-1]}", "--data-dir", str(data), "--out", str(reports)], peak=True)
    gaps = _publication_gaps(reports, months)
    synthetic_month(data, NEW, n)
    new = []
    for _ in range(reps):
        shutil.rmtree(reports / NEW, ignore_errors=True)
        (reports / ".history" / f"{NEW}.json").unlink(missing_ok=True)
        new.append(run(["run", NEW, "--data-dir", str(data), "--out", str(reports)])[0])
    trends = []
    for _ in range(reps):
        run(["run", NEW, "--data-dir", str(data), "--out", str(reports), "--sections", "trends", "--force"])
        manifest = json.loads((reports / NEW / "manifest.json").read_text(encoding="utf-8"))
        trends.append(manifest["sections"]["07_trends"]["seconds"])
    folder = sum(p.stat().st_size for p in (reports / NEW).rglob("*") if p.is_file())
    return {"n": n, "backfill_s": seconds, "per_month_s": seconds / n, "rss": rss,
            "gap_first12": statistics.median(gaps[:11]) if len(gaps) >= 11 else None,
            "gap_last12": statistics.median(gaps[-11:]) if len(gaps) >= 11 else None,
            "new_month_s": statistics.median(new), "trends_s": statistics.median(trends), "month_folder": folder}


def _minus(month: str, k: int) -> str:
    y, m = int(month[:4]), int(month[5:])
    index = y * 12 + m - 1 - k
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def bench_no_history(reps: int, base: Path) -> float:
    times = []
    for i in range(reps):
        data, reports = base / f"one{i}" / "数据 目录", base / f"one{i}" / "reports"
        synthetic_history(data, NEW, 1)
        times.append(run(["run", NEW, "--data-dir", str(data), "--out", str(reports)])[0])
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", default="12,36,120")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    lengths = [int(x) for x in args.lengths.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-history-") as tmp:
        base = Path(tmp)
        print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
        alone = bench_no_history(args.reps, base)
        print(f"a month with no history: {alone:.2f} s (median of {args.reps})", flush=True)
        rows = []
        for n in lengths:
            row = bench_length(n, args.reps, base)
            rows.append(row)
            gaps = (f"; publication gap median months 1-12 {row['gap_first12']:.2f} s, last 12 "
                    f"{row['gap_last12']:.2f} s" if row["gap_first12"] is not None else "")
            print(f"{n:4d} months: backfill {row['backfill_s']:.1f} s = {row['per_month_s']:.2f} s/month{gaps}; "
                  f"peak RSS {row['rss'] / 2**20:.0f} MiB; new month on top {row['new_month_s']:.2f} s "
                  f"({row['new_month_s'] / alone:.2f}x the month with no history); 07_trends {row['trends_s']:.2f} s; "
                  f"a month's folder {row['month_folder'] / 2**20:.1f} MiB", flush=True)
        small, large = rows[0], rows[-1]
        per_month = large["per_month_s"] / small["per_month_s"]
        print(f"ratios {large['n']} vs {small['n']} months: time per month {per_month:.2f}x, "
              f"peak memory {large['rss'] / small['rss']:.2f}x; new month {large['new_month_s'] / alone:.2f}x; "
              f"07_trends {large['trends_s']:.2f} s")
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
