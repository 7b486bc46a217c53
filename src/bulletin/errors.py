"""Domain errors. Each names where the problem is and what was expected there.

Everything the package raises on bad input derives from :class:`BulletinError`, so the command
line can print the message and exit 2 without ever showing a traceback.
"""

from __future__ import annotations

from pathlib import Path


class BulletinError(Exception):
    """Base class of every error the package raises on purpose."""


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
