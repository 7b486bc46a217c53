"""Synthetic months for a demonstration, and the one mark every output of them carries: 模拟数据.

Only February 2020 ships, so month-on-month changes, ranges and trends show nothing to a newcomer.
:func:`build` writes a data folder of its own (never the project's ``data/``): the twelve months
before February 2020 made from February's figures, each perturbed deterministically (a seeded
:class:`random.Random` per month and row: the same folder on every run), the month itself as shipped,
the alias table, and :data:`DEMO_FILE`, which marks the folder as synthetic.

Every renderer asks :func:`is_synthetic` of the data folder it reads and, when it is, shows
:data:`MARK` (pages: a banner and the title; PDF and Word: the title and a colophon line; workbook:
its cover and title; data package: its title and description). The words are here and nowhere else.

The perturbed months still tie out as a bulletin does: a table's 合计 and 小计 are the sums of its
perturbed rows, the hotline's 电话预约 equals the appointments' phone column, ranks keep their
order, and a cumulative figure falls back, month by month, by the month's own figure.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from decimal import Decimal
from pathlib import Path

from bulletin.core import paths
from bulletin.core.errors import BulletinError

#: the word every output of synthetic data shows
MARK = "模拟数据"
#: the sentence a page, a document and the data package say it with
NOTICE = (f"{MARK}：本演示各月的数字由2020年2月的数据按固定规则扰动生成（2020年2月照录），仅供演示和练习，"
          "不是南京市卫生信息中心公布的统计数字。")
#: the file in the data folder's root that marks its months as synthetic
DEMO_FILE = "demo.json"
#: the shipped month the demonstration is made from, and how many months before it are made
BASE_MONTH = "2020-02"
MONTHS_BEFORE = 12
SEED = 29

#: figures for the month itself (a row's columns share one factor: its averages stay plausible)
_SCALED = {
    "hotline_categories": ("count",),
    "province_calls": ("calls",),
    "appointments": ("online_12320", "phone", "in_clinic", "third_party"),
    "booking_channels": ("bookings",),
    "kiosks": ("registrations", "registration_yuan", "payments", "payment_yuan"),
    "platform_districts": ("records", "outpatient_visits", "discharges"),
    "platform_hospitals": ("records", "outpatient_visits", "discharges"),
    "telemedicine_top_uploaders": ("count",),
}
#: telemedicine measures that are the month's own (the others are cumulative or states)
_MONTHLY_MEASURES = ("ecg_cases", "consultations", "lab_reports", "specimens_routed", "monthly_volume")
_SCALED_FACTS = ("hotline.city_12345_tickets", "hotline.province_12345_tickets")


def is_synthetic(data_dir: str | os.PathLike[str] | None = None) -> bool:
    """Whether the data folder holds synthetic months (its root has :data:`DEMO_FILE`)."""
    try:
        return (paths.data_dir(data_dir) / DEMO_FILE).is_file()
    except BulletinError:
        return False


def suffix(synthetic: bool) -> str:
    """What a title gets: ``（模拟数据）`` for synthetic data, nothing otherwise."""
    return f"（{MARK}）" if synthetic else ""


# ------------------------------------------------------------------------------------ the months


def _factor(*key: object) -> float:
    """A factor near 1, the same for the same key on every run and machine (a string seed)."""
    return random.Random(":".join(str(k) for k in (SEED, *key))).uniform(0.85, 1.15)


def _scaled(value: object, factor: float) -> object:
    import pandas as pd

    if pd.isna(value):
        return value
    if isinstance(value, Decimal):
        return (value * Decimal(f"{factor:.6f}")).quantize(Decimal("0.01"))
    return round(int(value) * factor)


def _rows(name: str, frame, month: str, level: float):
    """One table of February perturbed for ``month`` (a copy)."""
    import pandas as pd

    from bulletin.core import schema
    from bulletin.core.month_strings import days_in_month

    frame = frame.copy()
    decl = schema.TABLES[name]
    keys = [tuple(str(v) for v in row) for row in frame[list(decl.key)].itertuples(index=False)]
    if name in _SCALED:
        # the ranked uploaders of a platform share one factor, so the ranking holds
        group = [k[:1] for k in keys] if name == "telemedicine_top_uploaders" else keys
        factors = [level * _factor(month, name, *k) ** 0.5 for k in group]
        for col in _SCALED[name]:
            frame[col] = [_scaled(v, f) for v, f in zip(frame[col], factors, strict=True)]
    if name == "telemedicine":
        frame["value"] = [_scaled(v, level * _factor(month, name, p) ** 0.5) if ms in _MONTHLY_MEASURES else v
                          for p, ms, v in zip(frame["platform"], frame["measure"], frame["value"], strict=True)]
    if "upload_days" in frame:
        days = days_in_month(month)
        frame["upload_days"] = [v if pd.isna(v) or v <= days else days for v in frame["upload_days"]]
    for total, parts in decl.row_sums.items():
        frame[total] = [sum(row) for row in frame[list(parts)].itertuples(index=False)]
    return frame


def _totals(out: dict, tables: dict, facts: dict, level: float) -> dict:
    """The month's facts: each stated total the sum of its perturbed rows (a 其中 total keeps its
    unlisted remainder, scaled), the other monthly facts scaled."""
    from bulletin.core import schema

    new_facts = dict(facts)
    for key in _SCALED_FACTS:
        if new_facts.get(key) is not None:
            new_facts[key] = round(int(new_facts[key]) * level)
    for name, frame in out.items():
        for total in schema.TABLES[name].totals:
            if facts.get(total.fact) is None:
                continue
            kind = schema.TABLES[name].column(total.column).kind
            now = schema.column_sum(frame[total.column], kind)
            if total.rule == "at_most":
                now += _scaled(facts[total.fact] - schema.column_sum(tables[name][total.column], kind), level)
            new_facts[total.fact] = now
    return new_facts


def _cumulatives(out: dict, new_facts: dict, later: tuple[dict, dict]) -> None:
    """Each cumulative figure: the month after's, less that month's own figure."""
    import pandas as pd

    after_tables, after_facts = later
    if new_facts.get("appointments.cumulative_total") is not None:
        new_facts["appointments.cumulative_total"] = (int(after_facts["appointments.cumulative_total"])
                                                      - int(after_facts["appointments.total.total"]))
    if new_facts.get("platform.cumulative_records") is not None:
        uploaded = sum(int(v) for t in ("platform_districts", "platform_hospitals") if t in after_tables
                       for v in after_tables[t]["records"] if not pd.isna(v))
        new_facts["platform.cumulative_records"] = int(after_facts["platform.cumulative_records"]) - uploaded
    if "telemedicine" in out and "telemedicine" in after_tables:
        after = {(p, ms): v for p, ms, v in after_tables["telemedicine"][["platform", "measure", "value"]]
                 .itertuples(index=False)}
        frame = out["telemedicine"]
        frame["value"] = [after[(p, ms)] - after.get((p, "consultations"), 0)
                          if ms == "consultations_cumulative" and (p, ms) in after else v
                          for p, ms, v in zip(frame["platform"], frame["measure"], frame["value"], strict=True)]


def _month(tables: dict, facts: dict, month: str, later: tuple[dict, dict]) -> tuple[dict, dict]:
    """February's exact ``tables`` and ``facts`` perturbed for ``month``; ``later`` is the month
    after it as made (its cumulative figures less its own give this month's)."""
    level = _factor(month)
    out = {name: _rows(name, frame, month, level) for name, frame in tables.items()}
    # the hotline's 电话预约 is the appointments' phone column, printed twice
    if "hotline_categories" in out and "appointments" in out:
        hot = out["hotline_categories"]
        hot.loc[hot["category"] == "电话预约", "count"] = int(sum(out["appointments"]["phone"]))
    new_facts = _totals(out, tables, facts, level)
    _cumulatives(out, new_facts, later)
    return out, new_facts


def build(out: str | os.PathLike[str], months_before: int = MONTHS_BEFORE) -> list[str]:
    """Write the demonstration's data folder ``out``: :data:`BASE_MONTH` as shipped, the
    ``months_before`` months before it made from it, ``units.csv`` and :data:`DEMO_FILE`.

    A folder already there is replaced only when it is an earlier demonstration (it holds
    :data:`DEMO_FILE`); the project's ``data/``, a folder inside it and any other folder are refused.
    Returns the months written, oldest first.
    """
    from bulletin.core import schema
    from bulletin.core.month_strings import months_before as earlier
    from bulletin.data import store
    from bulletin.data.loaders import month_folder

    target = Path(out).expanduser().resolve()
    real = paths.DEFAULT_DATA_DIR.resolve()
    if target == real or real in target.parents or target in real.parents:
        raise BulletinError(f"the demonstration is never written into the project's data folder ({target}); "
                            "give another folder, such as demo/data")
    if target.exists() and any(target.iterdir()) and not (target / DEMO_FILE).is_file():
        raise BulletinError(f"{target} holds something else than a demonstration (no {DEMO_FILE}); "
                            "give an empty or new folder")
    source = month_folder(BASE_MONTH, real)
    tables = {name: store.read_table(source / decl.file, decl, exact=True)
              for name, decl in schema.TABLES.items() if (source / decl.file).is_file()}
    facts = store.read_facts(source / schema.FACTS_FILE, exact=True)
    work = target.parent / f".{target.name}.new-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        shutil.copytree(source, work / BASE_MONTH, ignore=shutil.ignore_patterns("revisions"))
        shutil.copy2(real / "units.csv", work / "units.csv")
        later = (tables, facts)
        written = [BASE_MONTH]
        for lag in range(1, months_before + 1):
            month = earlier(BASE_MONTH, lag)
            later = _month(tables, facts, month, later)
            store.write_month_files(work / month, store.month_files(*later))
            written.insert(0, month)
        (work / DEMO_FILE).write_text(json.dumps(
            {"synthetic": True, "mark": MARK, "notice": NOTICE, "made_from": BASE_MONTH, "seed": SEED,
             "months": written}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return written
