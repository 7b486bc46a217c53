"""Domain errors. Each names where the problem is and what was expected there.

Everything the package raises on bad input derives from :class:`BulletinError`, so the command
line can print the message and exit 2 without ever showing a traceback, and IPython and Jupyter
(terminal, JupyterLab, papermill's executed notebook) show the same single line instead of the
library's source lines: IPython asks an exception for its traceback through the documented
``_render_traceback_`` hook.
"""

from __future__ import annotations

import sys
from pathlib import Path

#: IPython's colour for an exception's name (ANSI red; papermill and nbconvert strip it)
_RED, _RESET = "\x1b[0;31m", "\x1b[0m"


class BulletinError(Exception):
    """Base class of every error the package raises on purpose."""

    def _render_traceback_(self) -> list[str]:
        """IPython's hook for an exception's traceback: the one line, without the library's frames.

        The error names the file, row, column and value it is about; the frames of ``bulletin``
        that raised it would only hide that line. ipykernel sends these lines as the error
        output's ``traceback``, which JupyterLab shows and papermill puts into its
        ``PapermillExecutionError``.
        """
        name = type(self).__name__
        ipython = sys.modules.get("IPython")
        shell = ipython.get_ipython() if ipython is not None else None
        if str(getattr(shell, "colors", "")).lower() != "nocolor":  # as IPython colours a name (%colors)
            name = f"{_RED}{name}{_RESET}"
        return [f"{name}: {self}"]


def _where(**parts: object) -> str:
    return ", ".join(f"{name} {value}" for name, value in parts.items() if value is not None)


class BulletinDataError(BulletinError, ValueError):
    """A data file (or a month, table or column name) that cannot be used.

    The message names the file, row, column and value that were read and what was expected.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        expected: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        self.value = value
        self.expected = expected
        head = _where(file=self.file, row=row, column=column)
        msg = f"{head}: {problem}" if head else problem
        if value is not None:
            msg += f" (found {value!r})"
        if expected:
            msg += f"; expected {expected}"
        super().__init__(msg)


class MonthNotInDataError(BulletinDataError):
    """A month of the right form (``YYYY-MM``) that has no folder in the data directory.

    Worded once, here, for every way of asking (``bulletin.month``, ``bulletin.load``, a section
    notebook's ``start()``, papermill's run of it, ``bulletin check``): in Chinese, with the
    months the data does hold.
    """

    def __init__(self, month: str, folder: str | Path, present: list[str]) -> None:
        listing = month_ranges(present) or "没有任何月份"
        super().__init__(
            f"数据中没有 {month} 这个月份（没有文件夹 {folder}）；数据中有：{listing}",
            column="month", value=month, expected="a month folder YYYY-MM in the data directory",
        )
        self.file = str(folder)
        self.present = list(present)
        self.args = (self.problem,)  # the Chinese line alone: it already names the folder and the value


def month_runs(months: list[str]) -> list[tuple[str, str, int]]:
    """Months as runs of consecutive months: ``(first, last, how many)``, in order."""
    def next_month(month: str) -> str:  # bulletin.month_strings.next_month (which raises the errors defined here)
        year, mon = int(month[:4]), int(month[5:])
        return f"{year + mon // 12:04d}-{mon % 12 + 1:02d}"

    runs: list[tuple[str, str, int]] = []
    for m in sorted(months):
        if runs and next_month(runs[-1][1]) == m:
            runs[-1] = (runs[-1][0], m, runs[-1][2] + 1)
        else:
            runs.append((m, m, 1))
    return runs


def month_ranges(months: list[str], counted: bool = False) -> str:
    """Months as runs: ``2020-01 至 2020-06、2020-09`` (a list of sixty months stays one short line);
    ``counted`` adds each run's length: ``2020-03 至 2020-12（10 个月）``."""
    return "、".join(first if n == 1 else f"{first} 至 {last}" + (f"（{n} 个月）" if counted else "")
                    for first, last, n in month_runs(months))


class AbsentMonthsWarning(UserWarning):
    """Months of a range asked of :func:`bulletin.load_range` or :func:`bulletin.headlines` that are
    not in the data: they are left out of the frame, and the warning names them as runs
    (``2020-03 至 2020-12（10 个月）``). ``months`` holds them, in order."""

    def __init__(self, months: list[str]) -> None:
        self.months = list(months)
        super().__init__(f"数据中没有这些月份，已略过：{month_ranges(self.months, counted=True)}")


class DuplicateKeyError(BulletinDataError):
    """A key that appears twice in a table or in ``facts.csv``."""


class IngestError(BulletinError, ValueError):
    """A published bulletin that cannot be read into a month folder."""

    def __init__(
        self,
        problem: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        section: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = str(file) if file is not None else None
        self.line = line
        self.section = section
        head = _where(file=self.file, line=line)
        if section:
            head = f"{head}, {section}" if head else section
        super().__init__(f"{head}: {problem}" if head else problem)


class RunError(BulletinError):
    """The monthly batch could not start (bad arguments, missing notebooks)."""


class WorkbookError(IngestError):
    """A workbook that cannot be read into a month folder: names the file, the sheet and cell
    (``预约挂号!D14``), the value found and what was expected, in one line."""

    def __init__(self, problem: str, *, file: str | Path | None = None, cell: str | None = None,
                 value: object = None, expected: str | None = None) -> None:
        msg = problem if value is None else f"{problem} (found {value!r})"
        if expected:
            msg += f"; expected {expected}"
        super().__init__(msg, file=file, section=cell)
        self.cell = cell
        self.value = value
        self.expected = expected
