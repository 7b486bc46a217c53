"""A month's revision records: :class:`Revision` (number, time, reason, source, edits, the kept
version and its files' hashes), :func:`read` a month's records, :func:`verify` a kept version
against its record.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from bulletin.core import paths
from bulletin.core.errors import BulletinDataError
from bulletin.data.revisions.edits import Edit, edit_lines

#: the folder of a month that keeps its earlier versions
REVISIONS_DIR = "revisions"
#: the record of one revision, inside the folder of the version it replaced
RECORD_FILE = "revision.json"
RECORD_FORMAT = "bulletin-revision/1"


@dataclass(frozen=True)
class Revision:
    """One revision of a month: its number, when it was taken in (UTC), from which file, why, what
    changed, and the folder that keeps the version it replaced."""

    month: str
    number: int
    when: str  # ISO 8601 UTC, 2024-05-01T08:30:00Z
    edits: tuple[Edit, ...]
    reason: str = ""
    source: str = ""
    folder: Path | None = None  # revisions/N/: the version this revision replaced
    #: each kept file (path inside ``folder``) → its SHA-256, as recorded when the revision was made;
    #: None for a record written before hashes were kept
    hashes: dict[str, str] | None = field(default=None, compare=False)

    @property
    def kept(self) -> str:
        """Where the version this revision replaced is kept, as shown to users: ``2020-02/revisions/1/``."""
        if self.folder is None:
            return ""
        return f"{paths.display_path(self.folder.parent.parent)}/{REVISIONS_DIR}/{self.number}/"

    @property
    def date(self) -> str:
        """The day the revision was taken in, ``2024-05-01``."""
        return self.when[:10]

    @property
    def date_label(self) -> str:
        """The day as readers read it, ``2024年5月1日``."""
        try:
            d = dt.date.fromisoformat(self.date)
        except ValueError:
            return self.date
        return f"{d.year}年{d.month}月{d.day}日"

    def text(self) -> str:
        """The revision as ``bulletin revisions MONTH N`` prints it: a heading and the diff."""
        source = f", from {self.source}" if self.source else ""
        head = f"{self.month} revision {self.number} ({self.when}{source})"
        lines = [head + (f": {self.reason}" if self.reason else "")]
        if self.folder is not None:
            unverified = f" ({NOT_VERIFIABLE})" if self.hashes is None else ""
            lines.append(f"the version it replaced: {self.kept}{unverified}")
        lines += edit_lines(self.edits, shown=len(self.edits))
        return "\n".join(lines)

    def summary(self) -> str:
        """One line of ``bulletin revisions MONTH``."""
        n = len(self.edits)
        parts = [f"revision {self.number}", self.when, f"{n} change{'s' if n != 1 else ''}"]
        if self.hashes is None:
            parts.append(NOT_VERIFIABLE)
        if self.source:
            parts.append(f"from {self.source}")
        if self.reason:
            parts.append(f"reason: {self.reason}")
        return "  ".join(parts)

    def to_dict(self) -> dict[str, object]:
        """The record as ``revision.json`` holds it (and ``--json`` prints it, with each edit's text).

        The file keeps the key ``changes`` for the edits: records already written stay readable."""
        data: dict[str, object] = {
            "format": RECORD_FORMAT, "month": self.month, "revision": self.number, "when": self.when,
            "reason": self.reason, "source": self.source, "changes": [c.to_dict() for c in self.edits]}
        if self.hashes is not None:
            data["files"] = {name: f"sha256:{digest}" for name, digest in sorted(self.hashes.items())}
        return data


def read(folder: os.PathLike[str] | str) -> tuple[Revision, ...]:
    """The revisions of the month in ``folder``, oldest first (``()`` when it was never revised).

    Raises :class:`BulletinDataError` naming the file for a record that cannot be read.
    """
    base = Path(folder) / REVISIONS_DIR
    if not base.is_dir():
        return ()
    out = []
    try:
        entries = sorted(base.iterdir())
    except OSError as exc:
        raise BulletinDataError(f"cannot list the revisions ({exc.strerror or exc})", file=base) from None
    for entry in entries:
        if not (entry.name.isascii() and entry.name.isdigit()):
            continue  # not a revision (a file a desktop leaves, say)
        if entry.is_symlink() or not entry.is_dir():
            raise BulletinDataError(
                "a revision that is not a folder", file=entry,
                expected=f"the folder {REVISIONS_DIR}/{entry.name}/ that bulletin ingest --force keeps, with the "
                f"version revision {entry.name} replaced and its {RECORD_FILE} (restore it from a backup)",
            )
        rev = _read_record(entry, Path(folder).name)
        verify(rev)
        out.append(rev)
    return tuple(sorted(out, key=lambda r: r.number))


#: what a revision recorded before hashes were kept says of its kept version
NOT_VERIFIABLE = "not verifiable: recorded before hashes"


def file_hashes(folder: Path) -> dict[str, str]:
    """Each file under ``folder`` but the revision's record (path inside it, ``/``-separated) → its SHA-256."""
    import hashlib

    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != RECORD_FILE:
            out[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def verify(rev: Revision) -> None:
    """Refuse a kept version that is no longer the one recorded: a file changed, removed or added since
    the revision was made (:class:`BulletinDataError` naming the file). A record written before hashes
    were kept cannot be verified (:data:`NOT_VERIFIABLE`) and is taken as it is."""
    if rev.hashes is None or rev.folder is None:
        return
    try:
        found = file_hashes(rev.folder)
    except OSError as exc:
        raise BulletinDataError(f"cannot read the kept version ({exc.strerror or exc})", file=rev.folder) from None
    for name, digest in sorted(rev.hashes.items()):
        if name not in found:
            raise BulletinDataError(f"a file of the version revision {rev.number} replaced is gone",
                                    file=rev.folder / name, expected=f"the file as {RECORD_FILE} records it")
        if found[name] != digest:
            raise BulletinDataError(
                f"changed since revision {rev.number} was recorded (its SHA-256 differs from {RECORD_FILE}'s)",
                file=rev.folder / name, value=f"sha256:{found[name][:12]}…",
                expected=f"sha256:{digest[:12]}…, the version kept as it was replaced (restore it from a backup)",
            )
    extra = sorted(set(found) - set(rev.hashes))
    if extra:
        raise BulletinDataError(f"a file added to the version revision {rev.number} replaced",
                                file=rev.folder / extra[0], expected=f"only the files {RECORD_FILE} records")


def _read_record(entry: Path, month: str) -> Revision:
    path = entry / RECORD_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BulletinDataError(
            "revision record missing", file=path,
            expected=f"the {RECORD_FILE} that bulletin ingest --force writes with each revision",
        ) from None
    except (OSError, ValueError) as exc:
        raise BulletinDataError(f"cannot read the revision record ({exc})", file=path,
                                expected="the JSON record bulletin ingest --force writes") from None
    if not isinstance(data, dict) or data.get("revision") != int(entry.name):
        raise BulletinDataError("not the record of this revision", file=path,
                                value=data.get("revision") if isinstance(data, dict) else data,
                                expected=f"revision {int(entry.name)}, as the folder's name says")
    when, edits = data.get("when"), data.get("changes")
    if not isinstance(when, str) or not isinstance(edits, list):
        raise BulletinDataError("the record lacks its time or its changes", file=path,
                                expected="when (an ISO time) and edits (a list)")
    files = data.get("files")
    hashes = None
    if files is not None:
        if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.startswith("sha256:")
                                                  for k, v in files.items()):
            raise BulletinDataError("the record's file hashes are not readable", file=path, value=files,
                                    expected='files: {"name.csv": "sha256:…"}')
        hashes = {k: v.removeprefix("sha256:") for k, v in files.items()}
    return Revision(month, int(entry.name), when, tuple(Edit.from_dict(c, path) for c in edits),
                    str(data.get("reason") or ""), str(data.get("source") or ""), entry, hashes)

