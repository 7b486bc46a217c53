"""Revisions: a corrected month is compared with the version in the data (its :class:`Edit`\\ s,
:func:`edits_since`), written with its earlier version kept whole under ``revisions/N/``
(:func:`write_revision`, one atomic exchange), marked for readers (:class:`Marks`, ``[r]``) and
explained (:func:`notice`). Design: ARCHITECTURE.md, "Data folders: locks and revisions".

One module a part: ``versions`` (a month as canonical text), ``edits`` (what changed between two
versions), ``records`` (the revision records, read and verified), ``readers`` (what readers see)
and ``writing`` (the atomic exchange, the refusal, the repair after a kill).
"""

from __future__ import annotations

from bulletin.core.errors import RevisionRefused
from bulletin.data.revisions.edits import SHOWN, Edit, edit_lines, edits_between, edits_since, figures_edited
from bulletin.data.revisions.readers import MARK, Marks, key_text, mark, marks, notice, page_summary
from bulletin.data.revisions.records import (
    NOT_VERIFIABLE,
    RECORD_FILE,
    RECORD_FORMAT,
    REVISIONS_DIR,
    Revision,
    file_hashes,
    read,
    verify,
)
from bulletin.data.revisions.versions import Snapshot, snapshot_folder, snapshot_of
from bulletin.data.revisions.writing import NO_REASON, next_number, recover, refusal, write_revision

__all__ = [
    "MARK", "NOT_VERIFIABLE", "NO_REASON", "RECORD_FILE", "RECORD_FORMAT", "REVISIONS_DIR", "SHOWN",
    "RevisionRefused",
    "Edit", "Marks", "Revision", "Snapshot",
    "edit_lines", "edits_between", "edits_since", "figures_edited", "file_hashes", "key_text", "mark", "marks",
    "next_number", "notice", "page_summary", "read", "recover", "refusal", "snapshot_folder", "snapshot_of",
    "verify", "write_revision",
]
