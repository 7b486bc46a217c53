"""Benchmark: what the month's documents (PDF, Word, workbook, data package) add to a cold run.

    .venv/bin/python bench/bench_documents.py [--reps 5]

Measures, in one run (wall clock, median of ``--reps`` repetitions, each in fresh processes):

- run with documents: ``bulletin run 2020-02 --force`` into a fresh reports folder, cold (the
  documents are one more job of the month in the runner's pool);
- run without documents: the same with the documents job replaced by one that does nothing;
  the difference of the medians is what the documents add to a cold one-month run;
- documents, cold process: ``bulletin.render.documents.write_all`` in a new Python process (interpreter
  start, imports, the four documents): what they would add done after the run instead;
- documents, warm: ``write_all`` alone in a process that has already imported ``bulletin`` (what
  a pool worker of the runner pays), and each writer's share;
- the plain way for the Word file: the same tables filled cell by cell through python-docx's
  objects and merged with ``_Cell.merge`` (what :mod:`bulletin.render.documents.word` avoids).

Goal: the documents add no more than 1 s to a cold one-month run. The machine may be shared:
medians damp the noise, the load average is printed alongside.
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

BIN = Path(sys.executable).parent
MONTH = "2020-02"
BUDGET = 1.0

_COLD = """
from bulletin.render.documents import write_all
write_all({month!r}, None, {out!r})
"""

#: ``bulletin run`` with the documents job doing nothing (the forked workers inherit the patch)
_WITHOUT = """
import sys, time
from bulletin.batch import documents_job

def _no_documents(month, data_param, staging):
    return {{"status": "ok", "seconds": 0.0, "message": ""}}

documents_job.month_documents_job = _no_documents
from bulletin.cli import main
sys.exit(main(["run", {month!r}, "--force", "--out", {out!r}]))
"""


def _timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _plain_docx(doc, target: Path) -> None:
    """The Word tables the usual python-docx way: cell objects, run properties, ``merge``."""
    import docx
    from docx.shared import Pt

    from bulletin.render.documents.model import Grid, place

    document = docx.Document()
    for chapter in doc.chapters:
        for block in chapter.blocks:
            if not isinstance(block, Grid):
                continue
            rows = (*block.header, *block.body)
            table = document.add_table(rows=len(rows), cols=block.columns)
            cells = [r.cells for r in table.rows]
            placed = list(place(rows, block.columns))
            for r, c, spec in placed:
                run = cells[r][c].paragraphs[0].add_run(spec.text)
                run.font.size = Pt(8)
                run.bold = spec.strong
            for r, c, spec in placed:
                if spec.rowspan > 1 or spec.colspan > 1:
                    cells[r][c].merge(cells[r + spec.rowspan - 1][c + spec.colspan - 1])
    document.save(str(target))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()

    from bulletin.render.documents import content, datapackage, pdf, word, workbook, write_all

    tmp = Path(tempfile.mkdtemp(prefix="bench-documents-"))
    try:
        runs, withouts, colds, warms, plains = [], [], [], [], []
        parts: dict[str, list[float]] = {k: [] for k in ("content", "pdf", "docx", "xlsx", "data")}
        pages = 0
        for i in range(args.reps):
            # alternate the order, so that neither variant always runs on a warmer machine
            with_docs = [str(BIN / "bulletin"), "run", MONTH, "--force", "--out", str(tmp / f"r{i}")]
            without = [sys.executable, "-c", _WITHOUT.format(month=MONTH, out=str(tmp / f"n{i}"))]
            if i % 2:
                withouts.append(_timed(without))
                runs.append(_timed(with_docs))
            else:
                runs.append(_timed(with_docs))
                withouts.append(_timed(without))
            assert (tmp / f"r{i}" / MONTH / f"bulletin-{MONTH}.pdf").is_file(), "the run wrote no documents"
            assert not (tmp / f"n{i}" / MONTH / f"bulletin-{MONTH}.pdf").exists()
            out = tmp / f"cold{i}"
            colds.append(_timed([sys.executable, "-c", _COLD.format(month=MONTH, out=str(out))]))
            start = time.perf_counter()
            write_all(MONTH, None, tmp / f"warm{i}")
            warms.append(time.perf_counter() - start)
            t = [time.perf_counter()]
            d = content.read_month(MONTH)
            doc = content.build_from(d)
            t.append(time.perf_counter())
            pdf.write(doc, tmp / "p.pdf")
            t.append(time.perf_counter())
            word.write(doc, tmp / "p.docx")
            t.append(time.perf_counter())
            workbook.write(d, tmp / "p.xlsx")
            t.append(time.perf_counter())
            datapackage.write(d, tmp / "pdata")
            t.append(time.perf_counter())
            for key, a, b in zip(parts, t, t[1:], strict=False):
                parts[key].append(b - a)
            start = time.perf_counter()
            _plain_docx(doc, tmp / "plain.docx")
            plains.append(time.perf_counter() - start)
            from pypdf import PdfReader

            pages = len(PdfReader(tmp / "p.pdf").pages)
        med = statistics.median
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"load average {load:.2f}; {args.reps} repetitions; PDF {pages} pages")
        added = med(runs) - med(withouts)
        print(f"  run without documents (cold)  {med(withouts):6.2f} s")
        print(f"  run with documents (cold)     {med(runs):6.2f} s   added {added:+.2f} s "
              f"(ratio {med(runs) / med(withouts):.3f})")
        print(f"  documents, cold process       {med(colds):6.2f} s   (if written after the run instead)")
        print(f"  documents, warm (pool worker) {med(warms):6.3f} s   "
              + ", ".join(f"{k} {med(v):.3f}" for k, v in parts.items()))
        print(f"  Word tables the plain way     {med(plains):6.3f} s   vs ours {med(parts['docx']):.3f} s "
              f"({med(plains) / med(parts['docx']):.1f}x)")
        verdict = "met" if added <= BUDGET else "NOT met"
        print(f"goal: documents add <= {BUDGET:.1f} s to a cold one-month run: {verdict} ({added:+.2f} s)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
