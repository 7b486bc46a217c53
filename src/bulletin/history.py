"""Each month's digest: what other months read of it (headlines, rankings, what later checks read),
computed once and kept in ``reports/.history/``; :class:`History` reads and refreshes them.
Design: ARCHITECTURE.md, "Digests".
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin.core import cache, paths
from bulletin.core.comparisons import base_months

if TYPE_CHECKING:
    import pandas as pd

    from bulletin.data.loaded_month import Month

#: bump when the digest's content changes shape (every digest is then rebuilt once)
FORMAT = "bulletin-digest/2"  # 2: each headline with its key; shares in percent

PathLike = str | os.PathLike[str] | None


@dataclass(frozen=True)
class Ranking:
    """A table whose units the trends rank: by ``measure`` (a function of the table), read as ``unit``."""

    title: str
    table: str
    key: str
    measure: Callable[[pd.DataFrame], pd.Series]
    unit: str


#: the leading units of each section (the trends' 各板块居前的单位)
RANKINGS: tuple[Ranking, ...] = (
    Ranking("12320卫生热线·受理量最多的类别", "hotline_categories", "category", lambda t: t["count"], "个"),
    Ranking("预约挂号·预约量最多的医院", "appointments", "hospital", lambda t: t["total"], "次"),
    Ranking("分途径预约·预约最多的渠道", "booking_channels", "channel", lambda t: t["bookings"], "次"),
    Ranking("卫生信息平台·上传量最多的医院", "platform_hospitals", "hospital", lambda t: t["records"], "条"),
    Ranking("自助终端·挂号与缴费最多的单位", "kiosks", "unit", lambda t: t["registrations"] + t["payments"], "次"),
)


def digest_key(data_dir: Path, month: str) -> str:
    """The key a month's digest must carry to be current: format, code, that month's own data."""
    parts = [FORMAT, cache.code_hash(), cache.data_hash(data_dir, month)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _plain(value: object) -> object:
    """A headline value as JSON holds it: ``None`` for missing, ``int`` or ``float`` otherwise."""
    import numbers

    from bulletin.style import fmt

    if fmt.is_missing(value):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    return float(value)  # type: ignore[arg-type]


def compute(m: Month) -> dict:
    """The digest of the loaded month ``m`` (see the module docstring)."""
    from bulletin.checks.across import check_inputs
    from bulletin.core.errors import BulletinDataError
    from bulletin.sections import with_headlines

    headlines = []
    problems = []
    for sec in with_headlines():
        try:
            frame = sec.module.headlines(m)
        except BulletinDataError as exc:  # its own section job reports it; the trends show a gap
            problems.append(f"{sec.name}: {exc}")
            continue
        for label, value, unit, key in zip(frame["label"], frame["value"], frame["unit"], frame["key"], strict=True):
            headlines.append([sec.name, str(label), _plain(value), str(unit), str(key)])
    rankings: dict[str, list | None] = {}
    for r in RANKINGS:
        if not m.has(r.table):
            rankings[r.table] = None
            continue
        try:
            frame = m.table(r.table)
        except BulletinDataError as exc:
            problems.append(f"{r.table}: {exc}")
            rankings[r.table] = None
            continue
        frame["_size"] = r.measure(frame)
        frame = frame.sort_values("_size", ascending=False, kind="stable")
        rankings[r.table] = [[str(u), _plain(v)] for u, v in zip(frame[r.key], frame["_size"], strict=True)]
    tables = {}
    from bulletin.checks.across import NAME_COLUMNS

    for name in dict.fromkeys(t for t, _ in NAME_COLUMNS):
        try:
            tables[name] = m.exact(name)
        except BulletinDataError:
            continue
    try:
        facts: dict | None = dict(m.exact_facts)
    except BulletinDataError:
        facts = None
    check = check_inputs(tables, facts)
    return {
        "format": FORMAT,
        "month": m.month,
        "key": digest_key(Path(paths.data_dir(m.data_dir)), m.month),
        "headlines": headlines,
        "rankings": rankings,
        "check": check,
        "check_hash": _hash_json(check),
        "not_published": sorted(m.not_published),
        "problems": problems,
    }


def _hash_json(value: object) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def compute_month(month: str, data_dir: PathLike = None) -> dict:
    """The digest of ``month``, loaded afresh (what the batch's workers call)."""
    from bulletin.data.loaded_month import Month

    return compute(Month(month, data_dir))


# ------------------------------------------------------------------------------------ the store


def read_stored(folder: Path, month: str, key: str) -> tuple[dict | None, str | None]:
    """The stored digest of ``month`` if it is current, else ``(None, why not)``; ``(None, None)``
    when there is none."""
    path = folder / f"{month}.json"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"unreadable ({exc.strerror or exc})"
    try:
        digest = json.loads(text)
    except ValueError:
        return None, "not valid JSON"
    if not isinstance(digest, dict) or not isinstance(digest.get("headlines"), list) \
            or not isinstance(digest.get("check"), dict) or not isinstance(digest.get("rankings"), dict):
        return None, "not a digest"
    if digest.get("format") != FORMAT:
        return None, f"of another format ({digest.get('format')!r}, this code writes {FORMAT!r})"
    if digest.get("key") != key or digest.get("month") != month:
        return None, "of another code version or other data"
    return digest, None


def write_stored(folder: Path, digest: dict) -> None:
    """Keep ``digest`` in ``folder`` (atomically: a reader sees the old file or the new one).

    Only inside the folder that holds ``folder`` (the reports folder): a ``.history`` that is a
    link to somewhere else (the data folder) is refused here, at each write, with one line."""
    from bulletin.core.files import write_text_atomic

    path = paths.confined(folder / f"{digest['month']}.json", folder.parent)
    folder.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, json.dumps(digest, ensure_ascii=False), root=folder.parent)


class History:
    """The digests of a data directory's months, each read or computed once (see the module docstring).

    ``store``: the folder of stored digests (default :func:`bulletin.core.paths.history_dir`); only
    current ones are used, and nothing is written there unless ``writable`` (the batch, which holds
    the reports folder's lock). ``loaded``: months already loaded (``{month: Month}``), reused
    when a digest has to be computed.
    """

    def __init__(self, data_dir: PathLike = None, store: Path | None = None, *, writable: bool = False) -> None:
        self.data_dir = data_dir
        self.root = paths.data_dir(data_dir)
        self.store = store if store is not None else paths.history_dir()
        self.writable = writable
        self._digests: dict[str, dict] = {}
        self._series: dict[tuple[str, ...], pd.DataFrame] = {}
        self.loaded: dict[str, Month] = {}
        #: how a loaded month's family loads another month (so a month is read once per family)
        self.sibling: Callable[[str], Month] | None = None
        #: one line per stored digest that was ignored and rebuilt (for the run log)
        self.rebuilt: list[str] = []

    def months(self) -> list[str]:
        """Every month in the data directory."""
        return sorted(cache.available_months(self.root))

    def stored(self, month: str) -> dict | None:
        """The current stored digest of ``month``, or ``None`` (a stale one is noted in :attr:`rebuilt`)."""
        digest, why = read_stored(self.store, month, digest_key(self.root, month))
        if why is not None:
            self.rebuilt.append(f"digest {month}: ignored ({why}), rebuilt")
        return digest

    def digest(self, month: str) -> dict:
        """The digest of ``month``: kept, stored, or computed now (and stored when writable)."""
        if month not in self._digests:
            digest = self.stored(month)
            if digest is None:
                m = self.loaded.get(month)
                if m is None and self.sibling is not None and any(
                        month in base_months(x) for x in list(self.loaded)):
                    m = self.sibling(month)  # a base month of a loaded one: its sections read it too
                digest = compute(m) if m is not None else compute_month(month, self.data_dir)
                if self.writable:
                    write_stored(self.store, digest)
            self._digests[month] = digest
        return self._digests[month]

    def add(self, digest: dict) -> None:
        """A digest computed elsewhere (a worker of the batch): kept, and stored when writable."""
        self._digests[digest["month"]] = digest
        if self.writable:
            write_stored(self.store, digest)

    def add_gap(self, month: str, why: str) -> None:
        """A month whose digest could not be computed: read as a month with no figures (a gap in
        the trends), never stored, so the next run tries again."""
        check = {"facts": None, "telemedicine": None, "names": {}}
        self._digests[month] = {"format": FORMAT, "month": month, "key": None, "headlines": [], "rankings": {},
                                "check": check, "check_hash": _hash_json(check), "not_published": [],
                                "problems": [why]}

    def stale(self, months: Iterable[str]) -> list[str]:
        """The months of ``months`` with no current digest yet (read from the store where current)."""
        out = []
        for m in months:
            if m in self._digests:
                continue
            digest = self.stored(m)
            if digest is None:
                out.append(m)
            else:
                self._digests[m] = digest
        return out

    def series(self, months: Iterable[str]) -> pd.DataFrame:
        """See :func:`series`."""
        import pandas as pd

        from bulletin.sections import section

        wanted = tuple(months)
        if wanted not in self._series:
            rows = [(month, section(name).title, label, value, unit, key)
                    for month in wanted for name, label, value, unit, key in self.digest(month)["headlines"]]
            self._series[wanted] = pd.DataFrame(rows, columns=["month", "section", "label", "value", "unit", "key"],
                                                dtype=object)
        return self._series[wanted].copy()

    def check_fingerprint(self, month: str) -> str:
        """A hash of the digests of every month before ``month`` and of the alias table: when it is
        unchanged, so is :meth:`check_history` (cheap: no pandas, nothing computed)."""
        parts = [f"{m}:{self.digest(m)['key']}:{self.digest(m)['check_hash']}" for m in self.months() if m < month]
        parts.append(f"units:{cache.units_hash(self.root)}")
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def check_history(self, month: str) -> str:
        """A hash of exactly what the overview of ``month`` reads of the months before it besides
        the month before: what its check compares with (:func:`bulletin.checks.across.history_state`),
        and, for each section, the latest earlier month that printed the section's tables with
        that month's headlines (the month-on-month of a section the month before left out)."""
        from bulletin.checks.across import history_state
        from bulletin.sections import model, with_headlines

        state = history_state(month, self.data_dir, self)
        earlier = [m for m in self.months() if m < month]
        printed = {}
        for sec in with_headlines():
            needed = set(model.tables_of(sec.module.FIGURES))
            for e in reversed(earlier):
                digest = self.digest(e)
                if not needed & set(digest.get("not_published", ())):
                    printed[sec.name] = [e, [h for h in digest["headlines"] if h[0] == sec.name]]
                    break
        return _hash_json({**state, "printed": printed})


def of(m: Month) -> History:
    """The history shared by ``m`` and the months loaded with it (what ``m.history`` returns)."""
    def make() -> History:
        made = History(m.data_dir)
        made.sibling = m.sibling
        return made

    found: History = m.shared("history", make)  # type: ignore[assignment]
    found.loaded.setdefault(m.month, m)
    return found


def series(history: History, months: Iterable[str]) -> pd.DataFrame:
    """The headlines of ``months`` as one long table: ``month``, ``section``, ``label``, ``value``,
    ``unit``, ``key`` (a copy: change it freely; built once per ``history`` and list of months)."""
    return history.series(months)


def headlines(months: str | None = None, data_dir: PathLike = None) -> pd.DataFrame:
    """Every section's headline figures, month by month: ``month``, ``section``, ``label``,
    ``value``, ``unit`` (a share in percent, as its unit says), ``key`` (the figure's declaration,
    :mod:`bulletin.sections.model`; one row per month and figure).

    ``months`` is a month or a range (``"2018-01:2020-12"``), default every month in the data;
    months of the range not in the data are left out (a gap is a gap), and an
    :class:`~bulletin.core.errors.AbsentMonthsWarning` names them. Each month is read from its stored
    digest when current (``reports/.history/``), else computed once. What ``bulletin check``
    refuses of the same months (a month not ``YYYY-MM``, a range backwards or with no month of the
    data, a missing or empty data directory) raises the same :class:`BulletinDataError`.
    """
    from bulletin.data.loaders import range_months, warn_absent

    if months is None:
        wanted = None
    else:
        wanted, absent = range_months(months, data_dir)
        warn_absent(absent)
    history = History(data_dir)
    return series(history, history.months() if wanted is None else wanted)
