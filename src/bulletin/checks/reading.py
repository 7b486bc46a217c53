"""Reading a month for the checks: the tables and facts that could be read (:class:`CheckedMonth`),
the findings reading itself makes (a missing file, a duplicate key, what was not printed, a month
word naming another month), and the exact numbers the rules compare."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from bulletin.checks.report import Finding, table_title
from bulletin.core import schema
from bulletin.core.errors import BulletinDataError, DuplicateKeyError
from bulletin.core.month_strings import month_label
from bulletin.core.schema import FACTS, TABLES, Table


@dataclass
class CheckedMonth:
    """The tables and facts of a month that could be read; absent ones are simply not there."""

    month: str
    tables: dict[str, pd.DataFrame]
    facts: dict[str, object] | None
    #: item → note of ``not_published.csv``: tables and facts the bulletin did not print
    not_published: dict[str, str] = field(default_factory=dict)

    def fact(self, key: str) -> object:
        return None if self.facts is None else self.facts.get(key)


def number(value: object) -> int | Decimal | None:
    """A cell as a Python number (``None`` for 未反馈)."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value  # type: ignore[return-value]
    return int(value)  # type: ignore[call-overload]


def rows_sum(frame: pd.DataFrame, decl: Table, column: str) -> int | Decimal:
    """Exact sum of a column (Decimal for money, int for counts), 未反馈 left out: the rows' side
    of :func:`bulletin.core.schema.table_total`, 0 when no row states the figure."""
    kind = decl.column(column).kind
    found = schema.column_sum(frame[column], kind)
    return found if found is not None else (Decimal("0.00") if kind == "money" else 0)


def unit_of(decl: Table, row: pd.Series) -> str:
    """The row's name as a reader knows it: its free-text key columns (e.g. the hospital)."""
    names = [k for k in decl.key if decl.column(k).kind == "text" and decl.column(k).choices is None]
    return "/".join(str(row[k]) for k in (names or decl.key))


def column_label(decl: Table, column: str) -> str:
    return decl.column(column).label


def read_file(
    path: os.PathLike[str], reader: Callable[[], object], name: str, missing_rule: str, findings: list[Finding]
) -> object:
    """Read one file; an absent file or a duplicate key becomes an error finding, anything else raises."""
    file = os.fspath(path)
    if not os.path.lexists(file):  # a symbolic link to nothing is not taken for a missing file: the reader names it
        findings.append(Finding(
            "error", missing_rule, name, None, None, None, os.path.basename(file),
            f"月份文件夹中缺少 {os.path.basename(file)}（{table_title(name)}），其中的数字无法核对",
        ))
        return None
    try:
        return reader()
    except BulletinDataError as exc:
        if not isinstance(exc, DuplicateKeyError):
            raise
        findings.append(Finding(
            "error", "duplicate_key", name, str(exc.value) if exc.value is not None else None, exc.column,
            exc.value, "每个键只出现一次",
            f"{os.path.basename(file)} 第 {exc.row} 行：「{exc.value}」重复出现（{exc.problem}），"
            "该文件的其余核对未进行",
        ))
        return None


def month_word_findings(month: str, folder: os.PathLike[str]) -> Iterator[Finding]:
    """A warning per month word of the text that names another month (``other_months.csv``), and
    one note for the words that name the folder's own month (the file was edited, or the folder
    renamed to the month the words name: nothing to warn of, but not passed over in silence)."""
    from bulletin.data import other_months

    words = other_months.read(folder)
    own = [w for w in words if not w.disagrees_with(month)]
    if own:
        lines = "、".join(str(w.line) for w in own[:5]) + ("…" if len(own) > 5 else "")
        yield Finding(
            "note", "month_word_own_month", own[0].table, None, None, own[0].words, month_label(month),
            f"other_months.csv 记录的 {len(own)} 处月份词（简报文本第 {lines} 行）说的就是本月"
            f"{month_label(month)}，不作提示（该文件可能经过手工修改，或此文件夹由另一月份改名而来）",
        )
    for word in words:
        if not word.disagrees_with(month):
            continue
        named = word.month.removeprefix("--")
        named = month_label(named) if "-" in named else f"{int(named)}月"
        source = f"（{word.source}）" if word.source else ""
        yield Finding(
            "warning", "month_word_mismatch", word.table, None, None, word.words, month_label(month),
            f"简报文本{source}第 {word.line} 行「{word.words}」说的是{named}，本月为{month_label(month)}："
            "这里的数字可能是另一个月的（记录于 other_months.csv）",
        )


#: how close (difflib's ratio) a kept-aside part's title must be to the title of a table the month
#: does not print for the check to ask whether that title was misprinted
CLOSE_TITLE = 0.8
_MONTH_WORDS = re.compile(r"\d{4}年\d{1,2}月")


def kept_aside_notes(folder: os.PathLike[str], not_published: Mapping[str, str] | None = None) -> Iterator[Finding]:
    """One note per table or paragraph the text printed that the package does not know
    (``kept_aside.csv``): a reader is told it is there and where, and that no check covers it.

    A part whose title is close to the title of a table this month does not print (预约挂号服务统计
    for 预约挂号服务统计表) is a warning instead: a misprinted title would otherwise turn a table the
    package reads into one kept aside, and the month would look as if it had not printed it.
    """
    import difflib

    from bulletin.data.store import KEPT_ASIDE_FILE, read_kept_aside

    absent = [name for name in (not_published or {}) if name in TABLES]
    for part, line, lines in read_kept_aside(Path(folder)):
        title = _MONTH_WORDS.sub("", "".join(part.split()))
        close = [n for n in absent if difflib.SequenceMatcher(None, title, TABLES[n].title).ratio() >= CLOSE_TITLE]
        where = f"简报文本第 {line} 行起的「{part}」（{len(lines)} 行）"
        if close:
            known = "、".join(f"「{TABLES[n].title}」" for n in close)
            yield Finding(
                "warning", "kept_aside_close", "kept_aside", None, None, part, TABLES[close[0]].title,
                f"{where}与本月未刊登的{known}相近：若是标题印错，请改正文本后重新导入（按原样保存于 "
                f"{KEPT_ASIDE_FILE}，未读入）",
            )
            continue
        yield Finding(
            "note", "kept_aside", "kept_aside", None, None, part, None,
            f"{where}不是本程序能读的表或段落：按原样保存于 {KEPT_ASIDE_FILE}，未读入，不作核对",
        )


def not_published_notes(items: Mapping[str, str]) -> Iterator[Finding]:
    """One note per table or fact recorded in ``not_published.csv``."""
    for item, note in items.items():
        if item in TABLES:
            what, table = f"「{TABLES[item].title}」（{TABLES[item].file}）", item
        else:
            what, table = f"「{FACTS[item].label}」（{item}）", "facts"
        yield Finding(
            "note", "not_published", table, None, None, item, None,
            (f"{what}：{note}" if note else f"本月简报未刊登{what}") + "（记录于 not_published.csv），不作核对",
        )
