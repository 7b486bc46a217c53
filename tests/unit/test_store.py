"""Tests of ``bulletin.data.store``: reading and writing one month folder: ``DIR/YYYY-MM/<table>.csv`` and
``facts.csv``."""

from __future__ import annotations

import os
import pathlib
from decimal import Decimal

import pandas as pd
import pytest
from helpers import REFERENCE_MONTH as MONTH
from helpers import assert_names, reference, with_unknown_table, write

import bulletin
from bulletin import cli
from bulletin.core import paths
from bulletin.core.errors import BulletinDataError
from bulletin.core.schema import TABLES
from bulletin.data import store
from bulletin.data.ingest import ingest_file
from bulletin.data.store import (
    KEPT_ASIDE_FILE,
    NOT_PUBLISHED_FILE,
    month_files,
    not_published_csv,
    read_facts,
    read_not_published,
    read_table,
)


def _files(**changes: str) -> dict[str, str]:
    files = store.month_files(bulletin.load_month(MONTH), bulletin.facts(MONTH))
    files.update(changes)
    return files


def _snapshot(folder: pathlib.Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_write_month_files_creates_a_loadable_folder(tmp_path):
    target = store.write_month_files(tmp_path / "data" / "2020-03", _files())
    assert target == tmp_path / "data" / "2020-03"
    assert os.listdir(tmp_path / "data") == ["2020-03"]
    assert _snapshot(target) == _snapshot(paths.DEFAULT_DATA_DIR / MONTH)
    assert bulletin.load("kiosks", "2020-03", tmp_path / "data").equals(reference("kiosks"))


def test_write_month_files_never_overwrites_without_force(data_copy):
    target = data_copy / MONTH
    before = _snapshot(target)
    with pytest.raises(BulletinDataError) as info:
        store.write_month_files(target, _files(**{"province_calls.csv": "city,calls\n南京,1\n"}))
    assert_names(info.value, str(target), "exists", "--force")
    assert _snapshot(target) == before
    assert os.listdir(data_copy) == [MONTH]


def test_write_month_files_with_force_replaces_the_folder(data_copy):
    target = data_copy / MONTH
    (target / "stray.txt").write_text("left from an older layout", encoding="utf-8")
    store.write_month_files(target, _files(**{"province_calls.csv": "city,calls\n南京,1\n"}), force=True)
    assert (target / "province_calls.csv").read_text(encoding="utf-8") == "city,calls\n南京,1\n"
    assert not (target / "stray.txt").exists()
    assert os.listdir(data_copy) == [MONTH]


@pytest.mark.parametrize("fail_on", [1, 2], ids=["moving-old-aside", "moving-new-in"])
def test_force_failure_while_renaming_keeps_the_old_folder(data_copy, monkeypatch, fail_on):
    target = data_copy / MONTH
    before = _snapshot(target)
    real_replace = os.replace
    calls = []

    def flaky_replace(src, dst):
        calls.append((src, dst))
        if len(calls) == fail_on:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky_replace)
    with pytest.raises(BulletinDataError) as info:
        store.write_month_files(target, _files(**{"province_calls.csv": "city,calls\n南京,1\n"}), force=True)
    assert_names(info.value, str(target), "No space left on device")
    assert len(calls) >= fail_on
    assert _snapshot(target) == before
    assert os.listdir(data_copy) == [MONTH]  # no .new- or .old- folder left behind


def test_force_failure_while_writing_keeps_the_old_folder(data_copy, monkeypatch):
    target = data_copy / MONTH
    before = _snapshot(target)
    real_write = pathlib.Path.write_bytes
    written = []

    def flaky_write(self, data):
        if len(written) == 3:
            raise OSError(5, "Input/output error")
        written.append(self.name)
        return real_write(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", flaky_write)
    with pytest.raises(BulletinDataError):
        store.write_month_files(target, _files(), force=True)
    assert len(written) == 3
    assert _snapshot(target) == before
    assert os.listdir(data_copy) == [MONTH]


def test_interrupt_while_writing_leaves_no_temp_folder(tmp_path, monkeypatch):
    def interrupted(self, data):
        raise KeyboardInterrupt

    monkeypatch.setattr(pathlib.Path, "write_bytes", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.write_month_files(tmp_path / MONTH, _files())
    assert os.listdir(tmp_path) == []


def test_failed_restore_keeps_the_only_copy(data_copy, monkeypatch):
    """If even putting the old folder back fails, it is kept (and named) rather than deleted."""
    target = data_copy / MONTH
    before = _snapshot(target)
    real_replace = os.replace
    calls = []

    def failing_after_first(src, dst):
        calls.append(src)
        if len(calls) >= 2:
            raise OSError(30, "Read-only file system")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_after_first)
    with pytest.raises(BulletinDataError) as info:
        store.write_month_files(target, _files(), force=True)
    kept = [p for p in data_copy.iterdir() if p.name.startswith(f".{MONTH}.old-")]
    assert len(kept) == 1 and str(kept[0]) in str(info.value)
    assert _snapshot(kept[0] / MONTH) == before
    assert not any(p.name.startswith(f".{MONTH}.new-") for p in data_copy.iterdir())


def _frames(table_name: str):
    """Hypothesis strategy: a frame valid for ``table_name`` (unique keys, values of each declared kind)."""
    from hypothesis import strategies as st

    decl = TABLES[table_name]
    # A unit name as the loader takes it: no control, format (zero-width) or separator characters,
    # never a totals name such as 合计 (refused by design: a stated total belongs in facts.csv) and
    # never the shape of a spreadsheet formula (=, +, -, @ first: bulletin.core.inputs.name_problem).
    names = st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zs", "Zl", "Zp")), min_size=1, max_size=12
    ).filter(lambda text: "".join(text.split()) not in store.TOTAL_NAMES
             and not text.strip().startswith(("=", "+", "-", "@")))

    def cell(col):
        if col.kind == "text":
            return st.sampled_from(col.choices) if col.choices else names
        if col.kind == "money":
            value = st.integers(0, 10**13).map(lambda cents: Decimal(cents).scaleb(-2))
        else:
            value = st.integers(0, store.MAX_COUNT)
        return st.one_of(st.none(), value) if col.nullable else value

    row = st.fixed_dictionaries({c.name: cell(c) for c in decl.columns})
    rows = st.lists(row, max_size=10, unique_by=lambda r: tuple(r[k] for k in decl.key))
    return rows


@pytest.mark.parametrize("table_name", ["kiosks", "platform_hospitals", "telemedicine_top_uploaders"])
def test_table_csv_round_trips(tmp_path_factory, table_name):
    from hypothesis import given, settings

    decl = TABLES[table_name]
    folder = tmp_path_factory.mktemp("roundtrip")

    @settings(max_examples=20, deadline=None)
    @given(_frames(table_name))
    def check(rows):
        frame = pd.DataFrame(rows, columns=list(decl.column_names), dtype=object)
        path = folder / decl.file
        text = store.table_csv(frame, decl)
        path.write_bytes(text.encode("utf-8"))
        back = bulletin.data.store.read_table(path, decl, exact=True)
        assert len(back) == len(rows)
        for col in decl.columns:
            got = [None if v is pd.NA else v for v in back[col.name].tolist()]
            assert got == [r[col.name] for r in rows], col.name
        # and what is read back writes the same bytes again
        assert store.table_csv(back, decl) == text
        # so does the everyday read (money as float64 yuan): the shortest repr is the amount read
        assert store.table_csv(bulletin.data.store.read_table(path, decl), decl) == text

    check()


@pytest.mark.parametrize("table_name", ["kiosks", "platform_hospitals", "telemedicine"])
def test_damaged_files_never_raise_anything_but_bulletin_errors(tmp_path_factory, table_name):
    """Random edits of a real file (bytes inserted, replaced, cut): it loads or it is a BulletinDataError."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    decl = TABLES[table_name]
    original = (paths.DEFAULT_DATA_DIR / MONTH / decl.file).read_bytes()
    folder = tmp_path_factory.mktemp("fuzz")
    edit = st.tuples(
        st.integers(0, len(original)), st.integers(0, 8), st.binary(max_size=8) | st.sampled_from(
            [b",", b'"', b"\n", b"\r", b"-", b"\x00", b"\xff", b"\xe4\xb8", "未反馈".encode(), b"1,2", b"9" * 25]
        )
    )

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(edit, min_size=1, max_size=4))
    def check(edits):
        data = original
        for at, cut, new in edits:
            data = data[:at] + new + data[at + cut :]
        path = folder / decl.file
        path.write_bytes(data)
        try:
            frame = bulletin.data.store.read_table(path, decl)
        except BulletinDataError as exc:
            assert "\n" not in str(exc) and exc.file == str(path)
        else:
            assert list(frame.columns) == list(decl.column_names)

    check()


def test_the_unit_name_generator_never_draws_a_totals_name():
    # Hypothesis draws string constants from the code under test (合计 among them): searching hard
    # for a totals name among the generated units must find none.
    from hypothesis import find, settings
    from hypothesis.errors import NoSuchExample

    def has_total(rows):
        return any("".join(str(v).split()) in store.TOTAL_NAMES for r in rows for v in r.values())

    with pytest.raises(NoSuchExample):
        find(_frames("platform_hospitals"), has_total, settings=settings(max_examples=300, database=None))


def test_month_folders_written_honour_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        target = store.write_month_files(tmp_path / MONTH, {"facts.csv": "key,value\n"})
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o755


def test_not_published_round_trips_in_declared_order(tmp_path):
    text = not_published_csv({"hotline.total_calls": "", "telemedicine_top_uploaders": "本月未刊登"})
    assert text.splitlines() == ["item,note", "telemedicine_top_uploaders,本月未刊登", "hotline.total_calls,"]
    (tmp_path / NOT_PUBLISHED_FILE).write_text(text, encoding="utf-8")
    assert read_not_published(tmp_path) == {"telemedicine_top_uploaders": "本月未刊登", "hotline.total_calls": ""}
    assert read_not_published(tmp_path / "absent") == {}


@pytest.mark.parametrize("body, problem", [("kiosk,x", "unknown item"), ("kiosks,\nkiosks,", "duplicate item")])
def test_not_published_refuses_unknown_and_repeated_items(tmp_path, body, problem):
    (tmp_path / NOT_PUBLISHED_FILE).write_text("item,note\n" + body + "\n", encoding="utf-8")
    with pytest.raises(BulletinDataError, match=problem) as err:
        read_not_published(tmp_path)
    assert err.value.column == "item"
    with pytest.raises(BulletinDataError):
        not_published_csv({"kiosk": ""})


def test_a_damaged_kept_aside_file_is_one_line_naming_its_row(tmp_path, capsys):
    text, line = with_unknown_table("2020年2月预约挂号服务统计表")
    folder = ingest_file(write(tmp_path, text), data_dir=tmp_path / "data").folder
    path = folder / KEPT_ASIDE_FILE
    path.write_text(path.read_text(encoding="utf-8").replace(f",{line + 2},", ",第三行,"), encoding="utf-8")
    code = cli.main(["check", "2020-02", "--data-dir", str(tmp_path / "data")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "kept_aside.csv" in err and "row 4" in err and "第三行" in err, err


def test_kiosks_tie_out_exactly_to_the_fen():
    """The exact path (``exact=True``, what ``bulletin check`` reads) keeps money ``Decimal``."""
    df = read_table(paths.month_dir(MONTH) / "kiosks.csv", TABLES["kiosks"], exact=True)
    assert df["group"].value_counts().to_dict() == {"hospital": 37, "district": 12}
    # hospitals first, then districts, as printed
    assert list(df["group"]) == ["hospital"] * 37 + ["district"] * 12
    assert df.iloc[0]["unit"] == "江苏省人民医院" and df.iloc[36]["unit"] == "南京市中心医院"
    assert df.iloc[37]["unit"] == "江宁区" and df.iloc[-1]["unit"] == "秦淮区"
    row = df.set_index("unit").loc["江苏省中医院"]
    assert row["registration_yuan"] == Decimal("4705865.42")
    assert row["payment_yuan"] == Decimal("6301989.94")
    stated = {
        "kiosks": 1481,
        "registrations": 131430,
        "registration_yuan": Decimal("6477159.42"),
        "payments": 159858,
        "payment_yuan": Decimal("51460109.85"),
    }
    facts = read_facts(paths.month_dir(MONTH) / "facts.csv", exact=True)
    for col, total in stated.items():
        summed = sum(df[col], start=Decimal(0)) if isinstance(total, Decimal) else df[col].sum()
        assert summed == total, col
        assert type(facts[f"kiosks.total.{col}"]) is type(total), col
        assert facts[f"kiosks.total.{col}"] == total, col
    # the float way would not be exact; the Decimal way is, digit for digit
    assert str(sum(df["payment_yuan"], start=Decimal(0))) == "51460109.85"
    assert str(df["registration_yuan"].sum()) == "6477159.42"


def test_month_files_reproduce_the_shipped_files_byte_for_byte():
    files = month_files(bulletin.load_month(MONTH), bulletin.facts(MONTH))
    folder = paths.DEFAULT_DATA_DIR / MONTH
    assert sorted(files) == sorted(p.name for p in folder.glob("*.csv"))
    for name, text in files.items():
        assert (folder / name).read_bytes() == text.encode("utf-8"), name
