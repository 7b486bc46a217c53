"""Domain errors. Each names where the problem is and what was expected there.

Everything the package raises on bad input derives from :class:`BulletinError`, so the command
line can print the message and exit 2 without ever showing a traceback, and IPython and Jupyter
(terminal, JupyterLab, papermill's executed notebook) show the same single line instead of the
library's source lines: IPython asks an exception for its traceback through the documented
``_render_traceback_`` hook.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
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

    def __init__(self, month: str, folder: str | Path, present: list[str], listing: str) -> None:
        listing = listing or "没有任何月份"
        super().__init__(
            f"数据中没有 {month} 这个月份（没有文件夹 {folder}）；数据中有：{listing}",
            column="month", value=month, expected="a month folder YYYY-MM in the data directory",
        )
        self.file = str(folder)
        self.present = list(present)
        self.args = (self.problem,)  # the Chinese line alone: it already names the folder and the value


class AbsentMonthsWarning(UserWarning):
    """Months of a range asked of :func:`bulletin.load_range` or :func:`bulletin.headlines` that are
    not in the data: they are left out of the frame, and the warning names them as runs
    (``listing``, as :func:`bulletin.core.month_strings.month_ranges` counts them:
    ``2020-03 至 2020-12（10 个月）``). ``months`` holds them, in order."""

    def __init__(self, months: list[str], listing: str) -> None:
        self.months = list(months)
        super().__init__(f"数据中没有这些月份，已略过：{listing}")


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


class NotPublishedError(BulletinDataError):
    """A table the bulletin did not print this month (recorded in ``not_published.csv``) was asked for."""


class RevisionRefused(BulletinError):
    """A month already in the data would change, and ``--force`` was not given: nothing is written.

    Made by :func:`bulletin.data.revisions.refusal`: ``shown`` is the month's folder as the message shows
    it, ``kept_in`` the folder within it that keeps the earlier versions; ``edits`` are the
    :class:`bulletin.data.revisions.Edit`\\ s the bulletin would make.
    """

    def __init__(self, month: str, folder: Path, edits: Sequence[object], number: int, *, shown: str,
                 kept_in: str) -> None:
        self.month = month
        self.folder = folder
        self.edits = tuple(edits)
        self.number = number
        super().__init__(
            f"{month} is already in the data ({shown}), and this bulletin changes it ({len(self.edits)} "
            f"change{'s' if len(self.edits) != 1 else ''}); nothing written: --force takes it in as revision "
            f"{number}, keeping the version in the data in {shown}/{kept_in}/{number}/ (--reason says why)"
        )


class DataLockedError(BulletinError):
    """The data folder is being written by an ingest, or read by a run that an ingest must not disturb."""


class DocumentError(BulletinError):
    """Typst could not compile the PDF (one line for the command line, never a traceback)."""


class ForkedCallError(BulletinError, RuntimeError):
    """Work sent to the batch's fork server (:func:`bulletin.batch.kernels.forked_call.call`) failed
    in the forked child; the message is the child's error. The caller does the work itself instead
    (a month's index figures: the same result, slower)."""


class KernelStartError(BulletinError, RuntimeError):
    """A kernel that died or stayed silent before it had run anything (a loaded machine: a port
    taken between its choice and the kernel's bind, say); the runner tries the notebook once more.

    Raised where the kernel's start is awaited: the ``wait_for_ready`` of
    :func:`bulletin.batch.kernels.client.ready_client_class`'s client (every kernel, forked or stock) and
    ``bulletin.batch.kernels.provisioner._await_kernel`` (a forked one). A ``RuntimeError`` too, as
    jupyter_client's own ``wait_for_ready`` raises, so nbclient (and any ``except RuntimeError``)
    cleans the kernel up as it does then.
    """
