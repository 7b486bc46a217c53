"""Helpers shared by tests and benchmarks (not a test module: nothing here is collected)."""

from __future__ import annotations

import shutil
from pathlib import Path

from bulletin import paths
from bulletin.months import next_month

REFERENCE_MONTH = "2020-02"
#: February's cumulative figures and what each grows by a month in a synthetic history
_CUMULATIVE_FACTS = {
    "appointments.cumulative_total": (18722617, 74217),  # grows by the month's own total: no gap note
    "platform.cumulative_records": (4930000000, 10000000),
}


def history_months(first: str, count: int) -> list[str]:
    """``count`` calendar months from ``first``."""
    months = [first]
    while len(months) < count:
        months.append(next_month(months[-1]))
    return months


def synthetic_month(data_dir: Path, month: str, step: int) -> Path:
    """February 2020's data under ``month``, its cumulative figures ``step`` months further on
    (rising as a real history's do), everything else as February printed it."""
    target = data_dir / month
    shutil.copytree(paths.DEFAULT_DATA_DIR / REFERENCE_MONTH, target)
    facts = target / "facts.csv"
    lines = facts.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        key, value, *rest = line.split(",")
        if key in _CUMULATIVE_FACTS:
            base, growth = _CUMULATIVE_FACTS[key]
            lines[i] = ",".join([key, str(base + step * growth), *rest])
    facts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tele = target / "telemedicine.csv"
    text = tele.read_text(encoding="utf-8")
    tele.write_text(text.replace("consultations_cumulative,109", f"consultations_cumulative,{109 + 5 * step}"),
                    encoding="utf-8")
    return target


def synthetic_history(data_dir: Path, first: str, count: int, *, skip: tuple[str, ...] = ()) -> list[str]:
    """A data folder of ``count`` months from ``first`` (months in ``skip`` left out: gaps), each a
    :func:`synthetic_month`; also copies the alias table. Returns the months written."""
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(paths.DEFAULT_DATA_DIR / "units.csv", data_dir / "units.csv")
    written = []
    for step, month in enumerate(history_months(first, count)):
        if month not in skip:
            synthetic_month(data_dir, month, step)
            written.append(month)
    return written
