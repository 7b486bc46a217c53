"""What every input file of the data folder gets, whichever module reads it: it is read only when
it is a regular file (a named pipe is refused without waiting on it), and a name in it is checked
for its shape by one function (:func:`name_problem`) — month CSVs, ``units.csv`` and the ingest of
a text export alike. Light (no pandas): ``bulletin.data.units`` uses it too.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from bulletin.core.errors import BulletinDataError

#: names of a totals row: never a unit (a stated total is a fact in ``facts.csv``)
TOTAL_NAMES = frozenset({"合计", "总计"})
#: what a spreadsheet takes for the start of a formula: no unit's name starts with one of them
FORMULA_STARTS = ("=", "+", "-", "@")
#: characters a name never holds (a name's shape is checked, never a closed list of names)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def read_regular(path: Path, missing: str, expected: str) -> bytes:
    """The bytes of a regular file. Anything else (a FIFO, a device) is refused without waiting on it:
    it is opened non-blocking and checked before a byte is read. A dangling symbolic link is named
    as such (not taken for a missing file)."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        if os.path.islink(path):
            raise BulletinDataError("a symbolic link to nothing", file=path, value=os.readlink(path),
                                    expected=expected) from None
        raise BulletinDataError(missing, file=path, expected=expected) from None
    except OSError as exc:
        raise BulletinDataError(f"cannot read the file ({exc.strerror or exc})", file=path) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise BulletinDataError("cannot read the file (it is a folder)", file=path, expected=expected)
        if not stat.S_ISREG(mode):
            raise BulletinDataError("not a regular file (a named pipe, socket or device?)", file=path,
                                    expected=expected)
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read()
    except OSError as exc:
        raise BulletinDataError(f"cannot read the file ({exc.strerror or exc})", file=path) from None
    finally:
        os.close(fd)


def present(path: Path) -> bool:
    """Whether ``path`` is there at all: a file, a folder, a pipe or a symbolic link (even a dangling
    one). An optional input that is present is read with :func:`read_regular`, which refuses what is
    not a regular file; only an input that is not there at all is taken as absent."""
    return os.path.lexists(path)


def invisible(text: str) -> str | None:
    """``U+200B ZERO WIDTH SPACE``: the first control (Cc) or format (Cf) character of ``text``, else None.

    Refused rather than removed: a zero-width space makes ``电话\u200b预约`` a different unit from
    ``电话预约`` (a real mismatch could pass as a new unit), and an escape sequence in a name would
    drive the terminal that prints it. The error names the code point; the value is shown escaped.
    """
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf"):
            return f"U+{ord(ch):04X} {unicodedata.name(ch, 'CONTROL CHARACTER')}"
    return None


def _odd_space(text: str) -> str | None:
    """The first space of ``text`` other than the ordinary space and the ideographic space (U+3000):
    a no-break space looks like a space and makes another unit."""
    for ch in text:
        if ch not in " \u3000" and unicodedata.category(ch) in ("Zs", "Zl", "Zp"):
            return f"U+{ord(ch):04X} {unicodedata.name(ch, 'SPACE')}"
    return None


def is_total_name(text: str) -> bool:
    return "".join(text.split()) in TOTAL_NAMES


def name_problem(text: str) -> tuple[str, str] | None:
    """What is wrong with the shape of a name (stripped of outer spaces), as (problem, expected);
    None when nothing is. Names are never checked against a list (a later bulletin may print new
    units): only empty names, totals rows, invisible, control and unusual space characters, and
    names shaped like a spreadsheet formula are refused."""
    if not text:
        return "empty cell", "a name"
    if text.isprintable():  # no control, format or space character but the ordinary space (the quick path)
        return _shape_problem(text)
    hidden = invisible(text)
    if hidden:
        return (f"the name holds an invisible or control character {hidden}",
                "a name of visible characters only (delete the character and save again)")
    if _CONTROL.search(text):
        return "a control character in a name", "a name without control characters (tabs, line breaks)"
    odd = _odd_space(text)
    if odd:
        return (f"the name holds an unusual space {odd}",
                "ordinary spaces only (a no-break space looks the same and makes another unit)")
    return _shape_problem(text)


def _shape_problem(text: str) -> tuple[str, str] | None:
    if text.startswith(FORMULA_STARTS):
        return (f"a name shaped like a spreadsheet formula (it starts with {text[0]!r})",
                "a unit's name, which never starts with = + - or @ (a spreadsheet opening the data would "
                "run it)")
    if is_total_name(text):
        return ("a totals row among the units",
                "one row per unit; a stated total belongs in facts.csv, where bulletin check ties it out")
    return None


def check_name(text: str, *, file: str | Path, row: int | None, column: str | None) -> str:
    """``text`` when :func:`name_problem` finds nothing, else :class:`BulletinDataError` naming the
    file, row, column and value."""
    problem = name_problem(text)
    if problem is not None:
        raise BulletinDataError(problem[0], file=file, row=row, column=column, value=text, expected=problem[1])
    return text
