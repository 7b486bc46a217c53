"""File utilities every layer may use: a text file written atomically, never through a link."""

from __future__ import annotations

import os
from pathlib import Path

from bulletin.core.paths import confined


def write_text_atomic(path: Path, text: str, *, root: Path | None = None) -> None:
    """Write ``path`` through a temporary file and one :func:`os.replace` (no temporary file left on failure).

    Never through a link: the temporary file is created new (``O_EXCL``: a link of that name is
    not followed) and the rename replaces a link at ``path`` instead of writing where it points.
    ``root``: the folder the write must stay inside (:func:`bulletin.core.paths.confined`), checked here.
    """
    if root is not None:
        confined(path.parent, root)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    data = text.encode("utf-8")
    try:
        try:
            fd = os.open(tmp, flags, 0o666)
        except FileExistsError:  # a killed run's leftover (ours: this process ID); never followed
            tmp.unlink()
            fd = os.open(tmp, flags, 0o666)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------------------------
# Replacing a month folder
