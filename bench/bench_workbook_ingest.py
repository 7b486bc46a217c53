"""How long a month's workbook takes to ingest, against the text ingest of the same month.

    .venv/bin/python bench/bench_workbook_ingest.py [--month 2020-02] [--reps 15]

"workbook" is ``bulletin.data.ingest.ingest_file`` of February's template filled in with February's own
figures (``bulletin template``, then openpyxl writes the figures, as a script of the office would);
"text" is ``ingest_file`` of the published bulletin's statistics part (``data/raw/2020-02.txt``).
Each run ingests into a new empty data folder (the whole path: read, check each cell, write the
month atomically under the lock). Both run in the same process, warm (one untimed run first);
medians, since the machine is shared. Goal: one month's workbook under 1 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd

from bulletin.core import paths
from bulletin.core.schema import TABLES
from bulletin.core.sheet_layout import FACTS_SHEET, FIRST_ROW, TABLE_SHEETS, TOTAL_LABEL
from bulletin.data.ingest import ingest_file
from bulletin.data.store import read_facts, read_table
from bulletin.render.documents.template import write_template

GOAL = 1.0


def filled_workbook(month: str, folder: Path) -> Path:
    """The month's template filled in with the month's own figures."""
    shipped = paths.DEFAULT_DATA_DIR / month
    facts = read_facts(shipped / "facts.csv", exact=True)
    book = openpyxl.load_workbook(write_template(month, folder / "template.xlsx", paths.DEFAULT_DATA_DIR))
    for name, layout in TABLE_SHEETS.items():
        sheet = book[layout.name]
        sheet.delete_rows(FIRST_ROW + 1, sheet.max_row)
        frame = read_table(shipped / TABLES[name].file, TABLES[name], exact=True)
        for r, rec in enumerate(frame.itertuples(index=False), start=FIRST_ROW + 1):
            for c, (sc, value) in enumerate(zip(layout.columns, rec, strict=True), start=1):
                if pd.isna(value):
                    value = "未反馈" if sc.column.kind == "count" else None
                elif sc.column.kind == "text":
                    value = sc.shown(value)
                else:
                    value = float(value) if isinstance(value, Decimal) else int(value)
                sheet.cell(r, c, value)
        if layout.totals:
            r = FIRST_ROW + 1 + len(frame)
            sheet.cell(r, layout.total_column + 1, TOTAL_LABEL)
            for t in layout.totals:
                value = facts[t.fact]
                sheet.cell(r, layout.table.column_names.index(t.column) + 1,
                           float(value) if isinstance(value, Decimal) else value)
    sheet = book[FACTS_SHEET]
    for r in range(FIRST_ROW + 1, sheet.max_row + 1):
        if sheet.cell(r, 1).value in facts:
            sheet.cell(r, 3, facts[sheet.cell(r, 1).value])
    out = folder / f"{month}.xlsx"
    book.save(out)
    return out


def median_seconds(fn: Callable[[Path], object], reps: int, scratch: Path) -> float:
    def once(i: int) -> float:
        target = scratch / f"run-{i}"
        start = time.perf_counter()
        fn(target)
        took = time.perf_counter() - start
        shutil.rmtree(target)
        return took

    once(-1)  # warm: imports, the files in the page cache
    return statistics.median(once(i) for i in range(reps))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2020-02")
    parser.add_argument("--reps", type=int, default=15)
    args = parser.parse_args()
    raw = paths.raw_dir(paths.DEFAULT_DATA_DIR) / f"{args.month}.txt"
    with tempfile.TemporaryDirectory(prefix="bench-workbook-") as tmp:
        scratch = Path(tmp)
        book = filled_workbook(args.month, scratch)
        workbook = median_seconds(lambda d: ingest_file(book, data_dir=d), args.reps, scratch)
        text = median_seconds(lambda d: ingest_file(raw, data_dir=d), args.reps, scratch)
    print(f"ingest of {args.month}, median of {args.reps}:")
    print(f"  workbook (.xlsx, openpyxl read-only)  {workbook * 1000:8.1f} ms   goal < {GOAL * 1000:.0f} ms")
    print(f"  text export                           {text * 1000:8.1f} ms")
    print(f"  ratio workbook / text                 {workbook / text:8.2f}")
    if workbook >= GOAL:
        print(f"SLOW: the workbook's ingest took {workbook:.2f} s, over the goal of {GOAL:.0f} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
