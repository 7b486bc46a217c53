"""``bulletin check`` of one month: read it (:mod:`.reading`), tie out its stated totals
(:mod:`.totals`), apply the declared rules (:mod:`.rules`) and compare it with the months before it
(:mod:`.across`); the findings make one :class:`~bulletin.checks.report.CheckReport`.

Severities
    ``error``: the month's figures contradict themselves or a table is missing (exit 1).
    ``warning``: a figure worth a second look; the report says why (exit 0).
    ``note``: information a reader should know, not a fault: a table or figure the bulletin did
    not print that month (recorded in ``not_published.csv``), a table or paragraph the text printed
    that the package does not know (kept as printed in ``kept_aside.csv``), a month's total that differs from
    the change of its cumulative figure (exit 0).

Unreadable input (a month not of the form ``YYYY-MM``, a missing month folder, a cell that is
not what the schema declares, a name holding a character the documents' font cannot print)
raises :class:`BulletinDataError` instead (the CLI exits 2). Two problems the loader raises on
are reported as findings instead, so that one report lists them with everything else: an absent
table or facts file, and a duplicate key.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

from bulletin.checks.across import across_months
from bulletin.checks.reading import CheckedMonth, kept_aside_notes, month_word_findings, not_published_notes, read_file
from bulletin.checks.report import CheckReport, Finding
from bulletin.checks.rules import CROSS_RULES, WARNING_RULES
from bulletin.checks.totals import check_totals
from bulletin.core.errors import BulletinDataError
from bulletin.core.schema import FACTS_FILE, TABLES, Table
from bulletin.data import glyphs
from bulletin.data.loaders import month_folder
from bulletin.data.store import read_facts, read_not_published, read_table

if TYPE_CHECKING:
    from bulletin.data.loaded_month import Month
    from bulletin.history import History


def check_month(
    month: str,
    data_dir: str | os.PathLike[str] | None = None,
    *,
    digests: History | None = None,
    reader: Callable[[os.PathLike[str], Table], pd.DataFrame] | None = None,
    facts_reader: Callable[[os.PathLike[str]], dict[str, object]] | None = None,
) -> CheckReport:
    """Check one month's figures, and against the months before it, and return the report.

    ``digests`` (optional): the months' digests (:class:`bulletin.history.History`), which hold
    what the month is compared with of every earlier month; shared by the months of a range, and
    by a loaded month's family, so that each earlier month is read once.

    Raises
    ------
    BulletinDataError
        For a month not of the form ``YYYY-MM``, a month folder that does not exist, a file
        that cannot be read as its schema declares, or a cell holding a character the documents'
        font cannot print (:func:`bulletin.data.glyphs.check_month_folder`). An absent table or facts
        file and a duplicate key are findings (errors) instead.
    """
    # ``reader``/``facts_reader``: how a file is read (exact money); a loaded month
    # (bulletin.data.loaded_month.Month) passes its own so that each file is read once per month
    read = reader or (lambda p, d: read_table(p, d, exact=True))
    read_f = facts_reader or (lambda p: read_facts(p, exact=True))
    folder = month_folder(month, data_dir)
    try:  # an unreadable folder is one error (exit 2), not every table reported missing
        os.listdir(folder)
    except OSError as exc:
        raise BulletinDataError(f"cannot read the month folder ({exc.strerror or exc})", file=folder) from None
    # a name the documents' font cannot print (a folder edited by hand: the ingest refuses them)
    # stops the month's publishing, so it is unreadable input here too, said before the run
    glyphs.check_month_folder(folder)
    findings: list[Finding] = []
    tables: dict[str, pd.DataFrame] = {}
    for name, decl in TABLES.items():
        path = folder / decl.file
        frame = read_file(path, lambda p=path, d=decl: read(p, d), name, "table_missing", findings)
        if frame is not None:
            tables[name] = frame  # type: ignore[assignment]
    fpath = folder / FACTS_FILE
    facts = read_file(fpath, lambda: read_f(fpath), "facts", "facts_missing", findings)
    # a table recorded as not printed is a note, not a missing file; one missing without the record
    # stays an error
    not_published = read_not_published(folder)
    findings = [
        *not_published_notes(not_published),
        *(f for f in findings if not (f.rule == "table_missing" and f.table in not_published)),
    ]
    findings += month_word_findings(month, folder)
    findings += kept_aside_notes(folder, not_published)
    data = CheckedMonth(month, tables, facts, not_published)  # type: ignore[arg-type]

    total_findings, remainders = check_totals(data)
    findings += total_findings
    for rule in (*CROSS_RULES, *WARNING_RULES):
        findings += rule.check(data)
    if digests is None:
        from bulletin.history import History

        digests = History(data_dir)
    findings += across_months(month, tables, facts, data_dir, digests)  # type: ignore[arg-type]
    return CheckReport(month, findings, remainders)


def check_loaded(m: Month) -> CheckReport:
    """:func:`check_month` of a loaded month (what ``m.check()`` returns): each file read once, with
    the month, and the digests its family shares (``m.history``)."""
    def read_facts(path: os.PathLike[str]) -> dict[str, object]:
        return dict(m.exact_facts)

    return check_month(m.month, m.data_dir, reader=m.read_exact, facts_reader=read_facts, digests=m.history)
