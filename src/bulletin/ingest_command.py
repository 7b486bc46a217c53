"""``bulletin ingest`` as a command: what it prints, and the checks of the month it wrote.

Reading and writing are the data layer's (:func:`bulletin.data.ingest.ingest_file`); this module,
with :mod:`bulletin.cli`, is the layer of the commands, the one that may run the checks (layer 4)
on what the data layer (layer 2) wrote.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bulletin.core import paths
from bulletin.core.errors import BulletinError
from bulletin.core.schema import FACTS, TABLES
from bulletin.data import revisions
from bulletin.data.ingest import IngestResult, PathLike, aside_lines, ingest_file
from bulletin.data.store import NOT_PUBLISHED_FILE


def _print_block(head: str, edits: Sequence[revisions.Edit]) -> None:
    print(head)
    for line in revisions.edit_lines(edits):
        print(line)


def ingest_command(file: str, *, month: str | None, data_dir: PathLike, force: bool, partial: bool = False,
                   reason: str | None = None) -> int:
    """The CLI: 0 written (or nothing to change) and checks clean, 1 written but checks found errors,
    or a month already in the data that would change without ``--force`` (the edits are listed,
    nothing is written); 2 nothing written (unreadable input, the data folder in use)."""
    try:
        result = ingest_file(file, month=month, data_dir=data_dir, force=force, partial=partial, reason=reason)
    except revisions.RevisionRefused as exc:
        n = len(exc.edits)
        _print_block(f"{paths.display_path(file)}: {exc.month} is already in the data, and this bulletin changes it "
                     f"({n} change{'s' if n != 1 else ''}):", exc.edits)
        folder = paths.display_path(exc.folder)
        print(f"nothing written. To take the correction in, ingest again with --force (and --reason \"…\" to say why): "
              f"it becomes revision {exc.number}, and the version now in the data is kept in "
              f"{folder}/{revisions.REVISIONS_DIR}/{exc.number}/")
        return 1
    for line in result.recovered:
        print(line)
    for line in result.skipped:
        print(f"skipped: {line}")
    for line in aside_lines(file, result):
        print(line, file=sys.stderr)
    if result.unchanged:
        print(f"{paths.display_path(file)}: {result.month} is already in the data with exactly these tables and "
              f"figures; nothing written ({paths.display_path(result.folder)} unchanged)")
        return 0
    if result.revision is not None:
        _print_revision(file, result)
    print(f"{paths.display_path(file)} → {paths.display_path(result.folder)}: "
          f"{len(result.tables)} tables, {len(result.facts)} facts")
    _print_not_read(result)
    return _check_written(result, data_dir)


def _print_revision(file: str, result: IngestResult) -> None:
    """The revision just written: its edits, where the earlier version is kept, and a reminder
    when no reason was given."""
    rev = result.revision
    n = len(rev.edits)
    _print_block(f"{paths.display_path(file)}: {result.month} revised ({n} change{'s' if n != 1 else ''}):",
                 rev.edits)
    print(f"revision {rev.number} written: {paths.display_path(result.folder)} holds the new version, "
          f"the earlier one is kept whole in {rev.kept} "
          f"(bulletin revisions {result.month} {rev.number} shows it)")
    if rev.reason == revisions.NO_REASON:
        print(f"no --reason given: revision {rev.number} records {revisions.NO_REASON}, which readers see; "
              "next time say why with --reason \"…\"")


def _print_not_read(result: IngestResult) -> None:
    """What the month folder records as not read (a text cut short), not printed, not stated."""
    unread = result.cut.unread if result.cut is not None else frozenset()
    if unread:
        titles = "、".join(TABLES[n].title for n in result.absent if n in unread)
        print(f"--partial: the text stops at line {result.cut.line}; not read (recorded in {NOT_PUBLISHED_FILE}): "
              f"{titles}")
    if any(n not in unread for n in result.absent):
        titles = "、".join(TABLES[n].title for n in result.absent if n not in unread)
        print(f"absent from this bulletin (recorded in {NOT_PUBLISHED_FILE}): {titles}")
    facts_absent = [FACTS[k].label for k in result.not_published if k in FACTS and k not in unread]
    if facts_absent:
        print(f"figures not stated in this bulletin (recorded in {NOT_PUBLISHED_FILE}): {'、'.join(facts_absent)}")
    for note in result.notes:
        print(f"absent from this bulletin: {note}")


def _check_written(result: IngestResult, data_dir: PathLike) -> int:
    """``bulletin check`` of the month just written: its report printed, its exit code returned."""
    from bulletin.checks import check_month

    try:
        report = check_month(result.month, data_dir)
    except BulletinError as exc:
        # the data is written as published; a check that cannot run is reported, not hidden
        print(f"checks could not run: {exc}")
        return 1
    print(report.to_text())
    return report.exit_code
