"""Benchmark of ``bulletin run`` against the floor and the plain papermill way, in one run.

    .venv/bin/python bench/bench_run.py [--reps 3] [--skip-plain]

Measures (wall clock, median of ``--reps`` repetitions, each in fresh processes):

- floor: every section notebook's code cells run in one plain Python process (no notebooks,
  no kernels; figures rendered to PNG at the end of each cell as the inline backend does);
- plain: a shell loop of ``papermill`` then ``jupyter nbconvert --to html --no-input`` per section;
- cold: ``bulletin run 2020-02 --force`` into a fresh reports folder;
- rerun: ``bulletin run 2020-02`` again, nothing changed;
- 12 months (copies of 2020-02 in a temporary data directory), ``--jobs 1`` and ``--jobs 2``.

The machine may be shared: medians damp the noise, the load average is printed alongside.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MONTH = "2020-02"

_FLOOR = r'''
import ast, io, json, sys, os
os.environ["MPLBACKEND"] = "Agg"
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from bulletin.sections import SECTIONS

from matplotlib.figure import Figure

def show(value):
    if value is None:
        return
    if isinstance(value, Figure):  # what the kernel's PNG formatter does with a returned figure
        from bulletin import charts
        charts.figure_png(value)
        return
    html = getattr(value, "_repr_html_", None)
    text = html() if html else repr(value)
    sys.stdout.write(str(text)[:0])

import builtins
builtins.display = lambda *objs, **kw: [show(o) for o in objs]
for section in SECTIONS:
    nb = json.loads(section.notebook.read_text(encoding="utf-8"))
    ns = {"__name__": "__main__", "display": builtins.display}
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        src = "\n".join(line for line in src.splitlines() if not line.lstrip().startswith(("%", "!")))
        tree = ast.parse(src)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, section.stem, "exec"), ns)
        if last is not None:
            show(eval(compile(ast.Expression(last.value), section.stem, "eval"), ns))
        for num in plt.get_fignums():
            plt.figure(num).savefig(io.BytesIO(), format="png", bbox_inches="tight")
        plt.close("all")
'''


def _timed(cmd: list[str] | str, *, env=None, shell=False) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, shell=shell, cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def floor() -> float:
    return _timed([sys.executable, "-c", _FLOOR])


def plain(tmp: Path) -> float:
    from bulletin.sections import SECTIONS

    out = tmp / "plain"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    lines = []
    for s in SECTIONS:
        target = out / f"{s.stem}.ipynb"
        lines.append(f"{BIN}/papermill {s.notebook} {target} -p month {MONTH} --no-progress-bar")
        lines.append(f"{BIN}/jupyter nbconvert --to html --no-input {target}")
    return _timed(" && ".join(lines), shell=True)


def bulletin(args: list[str]) -> float:
    return _timed([str(BIN / "bulletin"), "run", *args])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--skip-plain", action="store_true", help="the plain way takes ~40 s a repetition")
    opts = parser.parse_args()

    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-run-") as t:
        tmp = Path(t)
        data12 = tmp / "data12"
        months = [f"2021-{m:02d}" for m in range(1, 13)]
        for m in months:
            shutil.copytree(ROOT / "data" / MONTH, data12 / m)
        for rep in range(opts.reps):
            print(f"repetition {rep + 1}/{opts.reps} (load {os.getloadavg()[0]:.1f})", flush=True)
            results.setdefault("floor", []).append(floor())
            if not opts.skip_plain:
                results.setdefault("plain", []).append(plain(tmp))
            out = tmp / f"reports-{rep}"
            results.setdefault("cold", []).append(bulletin([MONTH, "--force", "--out", str(out)]))
            results.setdefault("rerun", []).append(bulletin([MONTH, "--out", str(out)]))
            for jobs in (1, 2):
                out12 = tmp / f"reports12-{rep}-{jobs}"
                results.setdefault(f"12 months --jobs {jobs}", []).append(
                    bulletin(["2021-01:2021-12", "--data-dir", str(data12), "--out", str(out12), "--force",
                              "--jobs", str(jobs)])
                )
    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"\nmedians of {opts.reps} (load average now {os.getloadavg()[0]:.1f}; shared machine: expect noise)")
    for k, v in med.items():
        runs = ", ".join(f"{x:.2f}" for x in results[k])
        print(f"  {k:<22} {v:7.2f} s   ({runs})")
    print("ratios")
    print(f"  cold / floor            {med['cold'] / med['floor']:6.2f}   (goal <= 1.3)")
    if "plain" in med:
        print(f"  plain / cold            {med['plain'] / med['cold']:6.2f}   (goal >= 8)")
    print(f"  rerun                   {med['rerun']:6.2f} s (goal < 0.3 s)")
    print(f"  12 months jobs1 / jobs2 {med['12 months --jobs 1'] / med['12 months --jobs 2']:6.2f}   (goal >= 1.85)")


if __name__ == "__main__":
    main()
