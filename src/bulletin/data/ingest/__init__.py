"""``bulletin ingest``: a published bulletin's text export, or a filled-in month workbook
(:mod:`.workbook`), → a month folder.

:func:`parse_text` reads the statistics part into tables and facts (sections found by their
titles, columns by their header labels); :func:`ingest_file` writes them through
:mod:`bulletin.data.store` (atomically) into a new month folder, or — for a month already in the
data — compares them with it and, with ``force``, takes them in as a revision that keeps the earlier
version whole (:mod:`bulletin.data.revisions`). What the command prints, and the checks it runs on
the month written, are :mod:`bulletin.ingest_command`'s (the layer of the commands). One ingest at
a time writes a data folder, and none while a ``bulletin run`` reads it (:mod:`bulletin.data.datalock`).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from bulletin.core import paths
from bulletin.core.errors import BulletinDataError, BulletinError, IngestError
from bulletin.core.month_strings import is_month, month_label, parse_month
from bulletin.core.schema import FACTS, TABLES
from bulletin.data import datalock, other_months, revisions
from bulletin.data.ingest import ending, prose, tables, workbook
from bulletin.data.ingest.layout import Aside, decode_export, parts, statistics_part
from bulletin.data.other_months import MonthWord
from bulletin.data.store import (
    KEPT_ASIDE_FILE,
    NOT_PUBLISHED_FILE,
    kept_aside_csv,
    month_files,
    not_published_csv,
    write_month_files,
)

__all__ = ["IngestResult", "Parsed", "ingest_file", "parse_text"]

PathLike = str | os.PathLike[str] | None


@dataclass
class Parsed:
    """What a text export holds: its month, tables (name → DataFrame), facts, and the tables absent."""

    month: str
    tables: dict[str, pd.DataFrame]
    facts: dict[str, object]
    absent: list[str] = field(default_factory=list)
    #: parts absent inside a table that was written (a platform without its paragraph)
    notes: list[str] = field(default_factory=list)
    #: where a text read with ``partial`` stops, and the items not read after it (None: complete)
    cut: ending.Cut | None = None
    #: month words of the statistics part naming another month (``other_months.csv``, for the check)
    other_months: list[MonthWord] = field(default_factory=list)
    #: rows read as no row of a table (a pre-numbered row left empty), one line each
    skipped: list[str] = field(default_factory=list)
    #: tables and paragraphs the package does not know, as printed (``kept_aside.csv``), in text order
    aside: list[Aside] = field(default_factory=list)

    @property
    def kept_aside(self) -> list[tuple[str, int, str]]:
        """(part, line number, line as printed) of every line kept aside, for ``kept_aside.csv``."""
        return [(part.title, number, line) for part in self.aside for number, line in part.lines]

    @property
    def not_published(self) -> dict[str, str]:
        """Item → note for ``not_published.csv``: every table and every fact this bulletin did not print.

        A fact is listed when the bulletin states no such figure this month (its paragraph, its
        合计 row or its note is not printed), so that ``bulletin check`` reports it as a note
        rather than as a missing total.
        """
        when = month_label(self.month)

        def note(item: str, title: str) -> str:
            if self.cut is not None and item in self.cut.unread:
                return f"{when}简报的文本在第{self.cut.line}行中断（--partial），未读到「{title}」"
            return f"{when}简报未刊登「{title}」"

        out = {name: note(name, TABLES[name].title) for name in self.absent}
        for key, fact in FACTS.items():
            if key not in self.facts:
                out[key] = note(key, fact.label)
        return out


@dataclass
class _WorkbookParsed(Parsed):
    """A workbook's month: a published workbook says in its own words why a table was not printed."""

    given: dict[str, str] = field(default_factory=dict)

    @property
    def not_published(self) -> dict[str, str]:
        return {**super().not_published, **self.given}


@dataclass(frozen=True)
class IngestResult:
    """What :func:`ingest_file` wrote: the month folder, its tables and facts, what was absent."""

    month: str
    folder: Path
    tables: tuple[str, ...]
    absent: tuple[str, ...]
    facts: tuple[str, ...]  # the keys written to facts.csv
    notes: tuple[str, ...] = ()
    #: item → note written to ``not_published.csv`` (tables and facts not printed; empty: no file)
    not_published: dict[str, str] = field(default_factory=dict)
    #: read with ``partial``: the line the text stops at, and the tables and facts not read after it
    cut: ending.Cut | None = None
    #: rows skipped as no row of a table (a pre-numbered row left empty), one line each
    skipped: tuple[str, ...] = ()
    #: the tables and paragraphs kept aside as printed in ``kept_aside.csv`` (not read)
    aside: tuple[Aside, ...] = ()
    #: the edits against the version in the data (a month already there), and the revision
    #: that took them in; ``unchanged``: the data already held exactly this, nothing was written
    edits: tuple[revisions.Edit, ...] = ()
    revision: revisions.Revision | None = None
    unchanged: bool = False
    #: lines about repairs made first (a month an interrupted revision had moved aside, put back)
    recovered: tuple[str, ...] = ()


def _frame(name: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    # object columns keep ints, Decimals and None (未反馈) exactly as read
    cols = TABLES[name].column_names
    return pd.DataFrame({c: pd.Series([r[c] for r in rows], dtype=object) for c in cols})


def parse_text(
    text: str, *, month: str | None = None, file: str | Path | None = None, partial: bool = False
) -> Parsed:
    """Read the statistics part of a bulletin's text (whole bulletin or statistics part alone).

    A text that stops inside the statistics part (:mod:`.ending`) is refused unless ``partial``:
    then the sections read in full are kept and the rest recorded as not read.
    """
    cut = None
    try:
        numbered, ended = statistics_part(text, partial=partial)
        found, aside = parts(numbered)
        if found:
            found, cut = ending.check(found, numbered, ended, partial=partial)
    except IngestError as exc:
        raise _with_file(exc, file) from None
    if not found:
        raise IngestError(
            "found no statistics section; expected titles such as 2020年2月预约挂号服务统计表", file=file
        )
    months = {s.month for s in found}
    if len(months) > 1:
        other = next(s for s in found if s.month != found[0].month)
        raise IngestError(
            f"the titles name two months, {found[0].month} (line {found[0].line}) and {other.month}; expected one",
            file=file, line=other.line, section=other.name,
        )
    (printed,) = months
    if month is not None and parse_month(month) != printed:
        raise IngestError(f"--month {month} does not agree with the month in the titles, {printed}", file=file,
                          line=found[0].line, section=found[0].name)
    out: dict[str, list[dict[str, object]]] = {}
    facts: dict[str, object] = {}
    notes: list[str] = []
    seen: dict[str, int] = {}
    try:
        for sec in found:
            if sec.table in seen:
                raise sec.error(f"expected the section once, found it again (first on line {seen[sec.table]})")
            seen[sec.table] = sec.line
            _read_section(sec, out, facts, notes)
    except IngestError as exc:
        raise _with_file(exc, file) from None
    frames = {name: _frame(name, out[name]) for name in TABLES if name in out}
    others = other_months.find(found, printed, Path(file).name if file is not None else "")
    skipped = [line for sec in found for line in sec.skipped]
    aside = sorted([*aside, *(a for sec in found for a in sec.aside)], key=lambda a: a.line)
    return Parsed(printed, frames, facts, [name for name in TABLES if name not in out], notes, cut, others, skipped,
                  aside)


def _read_section(sec, out: dict[str, list[dict[str, object]]], facts: dict[str, object], notes: list[str]) -> None:
    """Read one printed section into ``out`` (table name → rows), ``facts`` and ``notes``."""
    if sec.table == "hotline_categories":
        prose.check_paragraphs(sec, prose.HOTLINE_PARAGRAPHS, prose.HOTLINE_LEADS)
        for name, reader in (("hotline_categories", prose.hotline), ("province_calls", prose.province)):
            rows, more = reader(sec)
            if rows is not None:
                out[name] = rows
            facts.update(more)
    elif sec.table == "telemedicine":
        rows, top, more = prose.telemedicine(sec)
        if rows:
            out["telemedicine"] = rows
        # the platforms not printed this month are found against the data (ingest_file), not here
        if top:
            out["telemedicine_top_uploaders"] = top
        facts.update(more)
    elif not sec.rows and not any(ch.isdigit() for t in sec.texts for ch in t.text):
        # a title with no table and no figure under it (本月无数据): the table is not published
        notes.append(f"{sec.name}: printed without a table (line {sec.line})")
    else:
        rows, more = tables.READERS[sec.table](sec)
        out[sec.table] = rows
        facts.update(more)
        for part in sec.aside:
            # a paragraph another section prints, under a table's title: that section's title was
            # lost, and its figures would be read by no one; refused rather than kept aside
            number, text = part.lines[0]
            if prose.known_paragraph(text):
                raise sec.error(f"expected the table and notes in parentheses, found a paragraph {text[:20]!r}… "
                                "of another section (its title lost?)", number)


def _with_file(exc: IngestError, file: str | Path | None) -> IngestError:
    if file is None or exc.file is not None:
        return exc
    return IngestError(exc.problem, file=file, line=exc.line, section=exc.section)


def read_export(path: str | os.PathLike[str]) -> str:
    """The decoded text of an export file (empty, binary or undecodable files are refused)."""
    shown = paths.display_path(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise IngestError("no such file; expected a bulletin's text export", file=shown) from None
    except OSError as exc:
        raise IngestError(f"cannot read the file ({exc.strerror})", file=shown) from None
    return decode_export(data, shown)


def ingest_file(
    path: str | os.PathLike[str], *, month: str | None = None, data_dir: PathLike = None, force: bool = False,
    partial: bool = False, reason: str | None = None,
) -> IngestResult:
    """Ingest one text export into ``DATA_DIR/YYYY-MM/``; nothing is written when it cannot be read.

    A month already in the data is compared with the new text first. When nothing differs, nothing
    is written (``unchanged``). When something does, it is taken in only with ``force``, as a
    revision that keeps the earlier version whole in ``YYYY-MM/revisions/N/`` with its record
    (``reason`` says why); without it :class:`~bulletin.core.errors.RevisionRefused` lists the edits.
A text cut short is refused unless ``partial`` (see :mod:`.ending`).

    Raises
    ------
    IngestError, BulletinDataError
        For a text that cannot be read, or a month folder that cannot be written.
    RevisionRefused
        For a month already in the data that would change, without ``force``.
    DataLockedError
        While a ``bulletin run`` reads the data folder, or another ingest writes it.
    """
    parsed = _parsed(path, month=month, partial=partial)
    root = _data_folder_to_write(data_dir)
    target = paths.month_dir(parsed.month, root)
    missing = parsed.not_published
    files = _files_of(parsed)
    with datalock.writing(root):
        recovered = tuple(revisions.recover(root))
        notes = (*parsed.notes, *_platforms_not_printed(parsed, root))
        result = IngestResult(
            parsed.month, target, tuple(parsed.tables), tuple(parsed.absent), tuple(parsed.facts), notes,
            missing, parsed.cut, tuple(parsed.skipped), tuple(parsed.aside), recovered=recovered,
        )
        if not target.exists():
            write_month_files(target, files)
            return result
        if not target.is_dir():
            raise BulletinDataError("the month's path is a file, not a folder", file=target,
                                    expected="a month folder, or nothing, there")
        new = revisions.snapshot_of(parsed.tables, parsed.facts, missing, parsed.kept_aside)
        edits = revisions.edits_since(target, new)
        if not edits:
            return dataclasses.replace(result, unchanged=True)
        if not force:
            raise revisions.refusal(parsed.month, target, edits)
        # a revision without a reason says so in its record (and to readers), never an empty reason
        why = (reason or "").strip() or revisions.NO_REASON
        revision = revisions.write_revision(target, files, edits, reason=why, source=Path(path).name)
        return dataclasses.replace(result, edits=tuple(edits), revision=revision)


def _parsed(path: str | os.PathLike[str], *, month: str | None, partial: bool) -> Parsed:
    """The bulletin read: a filled-in workbook template, else a text export."""
    shown = paths.display_path(path)
    if not workbook.is_workbook(path):
        return parse_text(read_export(path), month=month, file=shown, partial=partial)
    # a filled-in template: the same writer, checks, lock and revisions
    read = workbook.parse_workbook(path, month=month, file=shown)
    return _WorkbookParsed(read.month, {n: _frame(n, read.tables[n]) for n in TABLES if n in read.tables},
                           read.facts, [n for n in TABLES if n not in read.tables], skipped=list(read.skipped),
                           given=read.not_printed)


def _data_folder_to_write(data_dir: PathLike) -> Path:
    """The data folder an ingest writes in, made when missing; never under data/raw/, never a file."""
    root = paths.data_dir(data_dir)
    raw = paths.raw_dir(paths.DEFAULT_DATA_DIR)
    if root.name == paths.RAW_DIR_NAME or raw in (root, *root.parents):
        # the raw sources are read-only: code never writes under data/raw/
        raise IngestError(
            f"refusing to write under {root}: a raw/ folder holds the bulletins as received, read-only; "
            "choose another --data-dir"
        )
    if root.exists() and not root.is_dir():
        raise BulletinDataError("the data directory is a file, not a folder", file=root,
                                expected="a folder to write the month folder in")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BulletinDataError(f"cannot make the data directory ({exc.strerror or exc})", file=root) from None
    return root


def _files_of(parsed: Parsed) -> dict[str, str]:
    """The month folder's files (name → text): the tables, the facts, and the records of what was
    not printed, of other months' words and of the parts kept aside, when there are any."""
    files = month_files(parsed.tables, parsed.facts)
    if parsed.not_published:
        # recorded with the month, so that the checks and the sections know it was not printed
        files[NOT_PUBLISHED_FILE] = not_published_csv(parsed.not_published)
    if parsed.other_months:
        # the text's own line numbers, kept for bulletin check (which reads only the data folder)
        files[other_months.FILE] = other_months.to_csv(parsed.other_months)
    if parsed.aside:
        # what the package does not know, as printed: never read by guess, never dropped unseen
        files[KEPT_ASIDE_FILE] = kept_aside_csv(parsed.kept_aside)
    return files


def _platforms_not_printed(parsed: Parsed, root: Path) -> list[str]:
    """The telemedicine platforms of the latest earlier month in the data that printed the table,
    which this bulletin does not print (matched through ``units.csv``), one note each.

    Nothing is noted when no earlier month printed the table, or when it cannot be read (the
    checks across months report that month's problems).
    """
    from bulletin.data import store, units

    if "telemedicine" not in parsed.tables:
        return []
    try:
        earlier = sorted((p.name for p in root.iterdir() if is_month(p.name) and p.name < parsed.month and p.is_dir()),
                         reverse=True)
        for month in earlier:
            folder = root / month
            decl = TABLES["telemedicine"]
            if "telemedicine" in store.read_not_published(folder) or not (folder / decl.file).is_file():
                continue
            before = list(dict.fromkeys(store.read_table(folder / decl.file, decl)["platform"]))
            names = units.aliases(root)
            printed = {names.canonical(p) for p in parsed.tables["telemedicine"]["platform"]}
            title = TABLES["telemedicine"].title
            return [f"{title}: {p} (printed in {month_label(month)})"
                    for p in before if names.canonical(p) not in printed]
    except (BulletinError, OSError):
        return []
    return []


def aside_lines(file: str | os.PathLike[str], result: IngestResult) -> list[str]:
    """One line per part kept aside, for stderr: a note (the month is ingested), not an error."""
    where = f"{paths.display_path(result.folder)}/{KEPT_ASIDE_FILE}"
    return [f"note: {paths.display_path(file)}, line {part.line}: 「{part.title}」 is not a table or paragraph "
            f"this package reads; its {len(part.lines)} line{'s' if len(part.lines) != 1 else ''} are kept as "
            f"printed in {where}, not read" for part in result.aside]

