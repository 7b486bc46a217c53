"""Bad input: what Excel writes back loads; everything else is a one-line BulletinDataError.

Each error test asserts that the message names the file, the row, the column, the value found
and what was expected, as far as the problem has them.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
from decimal import Decimal

import pandas as pd
import pytest
from helpers import REFERENCE_MONTH, edit_csv

import bulletin
from bulletin import cli, paths, store
from bulletin.errors import BulletinDataError
from bulletin.schema import TABLES

MONTH = REFERENCE_MONTH


def reference(name: str) -> pd.DataFrame:
    return bulletin.load(name, MONTH)


def assert_names(exc: BulletinDataError, *parts: object) -> None:
    message = str(exc)
    for part in parts:
        assert str(part) in message, f"{part!r} not in {message!r}"
    assert "\n" not in message


# --------------------------------------------------------------------------- what Excel writes back


@pytest.mark.parametrize("name", list(TABLES))
@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_excel_encodings_load_like_the_original(data_copy, name, encoding):
    path = data_copy / MONTH / TABLES[name].file
    # Excel on Windows writes CRLF line ends as well
    text = path.read_text(encoding="utf-8").replace("\n", "\r\n")
    path.write_bytes(text.encode(encoding))
    assert path.read_bytes() != text.encode("utf-8")
    pd.testing.assert_frame_equal(bulletin.load(name, MONTH, data_copy), reference(name))


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_excel_encodings_for_facts(data_copy, encoding):
    path = data_copy / MONTH / "facts.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    assert bulletin.facts(MONTH, data_copy) == bulletin.facts(MONTH)


def test_thousands_separators_and_chinese_headers_load(data_copy):
    path = data_copy / MONTH / "kiosks.csv"
    edit_csv(path, "group,unit,kiosks,registrations,registration_yuan,payments,payment_yuan",
             "分组,单位,投放台数,挂号（次）,挂号金额（元）,缴费（次）,缴费金额（元）")
    edit_csv(path, "hospital,江苏省中医院,123,23542,4705865.42,15742,6301989.94",
             'hospital,江苏省中医院,123,"23,542","4,705,865.42","15,742",6301989.94')
    edit_csv(path, "district,江宁区,78,2220,22692.00", 'district,江宁区,78,"2,220",22692')
    df = bulletin.load("kiosks", MONTH, data_copy)
    pd.testing.assert_frame_equal(df, reference("kiosks"))
    facts = data_copy / MONTH / "facts.csv"
    edit_csv(facts, "hotline.total_calls,59507,", 'hotline.total_calls,"59,507",')
    edit_csv(facts, "kiosks.total.payment_yuan,51460109.85,", 'kiosks.total.payment_yuan,"51,460,109.85",')
    got = bulletin.facts(MONTH, data_copy)
    assert got["hotline.total_calls"] == 59507
    assert got["kiosks.total.payment_yuan"] == 51460109.85


def test_not_reported_written_out_reads_as_missing(data_copy):
    edit_csv(data_copy / MONTH / "platform_hospitals.csv", "南京鼓楼医院,58,", "南京鼓楼医院,未反馈,")
    df = bulletin.load("platform_hospitals", MONTH, data_copy).set_index("hospital")
    assert df.loc["南京鼓楼医院", "declared_tables"] is pd.NA
    assert df["declared_tables"].isna().sum() == 9


def test_blank_rows_trailing_empty_cells_and_extra_columns_are_ignored(data_copy):
    path = data_copy / MONTH / "province_calls.csv"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[0] += ",备注"
    lines[1] += ",省会"
    lines.insert(3, ",,")
    lines[4] += ","  # a trailing empty cell beyond the header
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    pd.testing.assert_frame_equal(bulletin.load("province_calls", MONTH, data_copy), reference("province_calls"))


# --------------------------------------------------------------------------- errors naming file, row, column, value


def _load_error(data_dir, table="province_calls") -> BulletinDataError:
    with pytest.raises(BulletinDataError) as info:
        bulletin.load(table, MONTH, data_dir)
    return info.value


def test_missing_file(data_copy):
    (data_copy / MONTH / "kiosks.csv").unlink()
    exc = _load_error(data_copy, "kiosks")
    assert_names(exc, "kiosks.csv", "missing", "expected the file kiosks.csv")


def test_missing_facts_file(data_copy):
    (data_copy / MONTH / "facts.csv").unlink()
    with pytest.raises(BulletinDataError) as info:
        bulletin.facts(MONTH, data_copy)
    assert_names(info.value, "facts.csv", "missing")


def test_missing_column(data_copy):
    edit_csv(data_copy / MONTH / "province_calls.csv", "city,calls", "city,phone_calls")
    exc = _load_error(data_copy)
    assert_names(exc, "province_calls.csv", "row 1", "column calls", "column missing", "'city,phone_calls'",
                 "expected a header with columns city,calls")
    assert (exc.row, exc.column) == (1, "calls")


def test_column_twice(data_copy):
    edit_csv(data_copy / MONTH / "province_calls.csv", "city,calls", "city,calls,接听电话")
    assert_names(_load_error(data_copy), "row 1", "column calls", "more than once")


@pytest.mark.parametrize("name", ["nope", "", "../kiosks", None, ["kiosks"], 3])
def test_unknown_table(name):
    with pytest.raises(BulletinDataError) as info:
        bulletin.load(name, MONTH)
    assert_names(info.value, "unknown table", "kiosks")
    if name:
        assert_names(info.value, repr(name))


@pytest.mark.parametrize(
    ("old", "new", "row", "column", "value", "expected"),
    [
        ("南京,30317", "南京,三万", 2, "calls", "'三万'", "a non-negative integer"),
        ("苏州,17479", "苏州,-17479", 3, "calls", "'-17479'", "a non-negative integer"),
        ("淮安,7432", "淮安,7432.5", 4, "calls", "'7432.5'", "a non-negative integer"),
        ("扬州,5938", "扬州,", 5, "calls", "''", "a non-negative integer"),
        ("无锡,2650", "无锡,99999999999999999999", 6, "calls", "99999999999999999999", "integer of at most"),
        ("泰州,2116", ",2116", 7, "city", "''", "a name"),
        ("南通,2025", '南通,"2,02,5"', 8, "calls", "'2,02,5'", "a non-negative integer such as 1234 or 1,234"),
    ],
    ids=["non-numeric", "negative", "decimal", "empty", "too-large", "empty-name", "bad-separator"],
)
def test_bad_count_cell(data_copy, old, new, row, column, value, expected):
    edit_csv(data_copy / MONTH / "province_calls.csv", old, new)
    exc = _load_error(data_copy)
    assert_names(exc, "province_calls.csv", f"row {row}", f"column {column}", value, "; expected ", expected)
    assert (exc.row, exc.column) == (row, column)


def test_bad_money_cell(data_copy):
    edit_csv(data_copy / MONTH / "kiosks.csv", "166469.00", "166469.001")
    exc = _load_error(data_copy, "kiosks")
    assert_names(exc, "kiosks.csv", "row 2", "column registration_yuan", "'166469.001'", "two decimals")


def test_value_outside_its_choices(data_copy):
    edit_csv(data_copy / MONTH / "kiosks.csv", "district,秦淮区", "各区,秦淮区")
    assert_names(_load_error(data_copy, "kiosks"), "row 50", "column group", "'各区'", "one of hospital, district")


def test_not_reported_where_a_figure_is_required(data_copy):
    # every count of the data-platform tables may be 未反馈; the kiosks' counts may not
    edit_csv(data_copy / MONTH / "kiosks.csv", "hospital,江苏省人民医院,200,", "hospital,江苏省人民医院,未反馈,")
    exc = _load_error(data_copy, "kiosks")
    assert_names(exc, "row 2", "column kiosks", "'未反馈'", "missing figure")


def test_duplicate_key(data_copy):
    edit_csv(data_copy / MONTH / "province_calls.csv", "镇江,1703", "南京 ,1703")
    exc = _load_error(data_copy)
    assert_names(exc, "province_calls.csv", "row 9", "column city", "'南京'", "first on row 2", "each key once")


def test_duplicate_composite_key(data_copy):
    path = data_copy / MONTH / "telemedicine_top_uploaders.csv"
    edit_csv(path, "南京市远程临检诊断平台,3,", "南京市远程临检诊断平台,2,")
    exc = _load_error(data_copy, "telemedicine_top_uploaders")
    assert_names(exc, "row 7", "column platform,rank", "南京市远程临检诊断平台/2", "first on row 6")


def test_duplicate_and_unknown_fact(data_copy):
    path = data_copy / MONTH / "facts.csv"
    edit_csv(path, "hotline.city_12345_tickets,", "hotline.total_calls,")
    with pytest.raises(BulletinDataError) as info:
        bulletin.facts(MONTH, data_copy)
    assert_names(info.value, "facts.csv", "row 3", "column key", "'hotline.total_calls'", "each fact once")
    edit_csv(path, "hotline.total_calls,2595", "hotline.tickets,2595")
    with pytest.raises(BulletinDataError) as info:
        bulletin.facts(MONTH, data_copy)
    assert_names(info.value, "row 3", "column key", "'hotline.tickets'", "unknown fact")


def test_unquoted_thousands_separator_is_not_read_as_two_cells(data_copy):
    # "30,317" unquoted would read as 30 and a stray 317; refuse it instead of loading 30
    edit_csv(data_copy / MONTH / "province_calls.csv", "南京,30317", "南京,30,317")
    exc = _load_error(data_copy)
    assert_names(exc, "row 2", "'南京,30,317'", "quoted")


@pytest.mark.parametrize(
    ("table", "line", "row", "column"),
    [
        ("appointments", "合计,25208,26097,15627,7285,74217", 45, "hospital"),
        ("kiosks", "district,合 计,1104,114436,6477159.42,178291,51460109.85", 51, "unit"),
    ],
)
def test_a_totals_row_typed_into_a_table_is_refused(data_copy, table, line, row, column):
    # read as a unit named 合计, it would double every column's sum and never load as the printed table
    path = data_copy / MONTH / TABLES[table].file
    text = path.read_text(encoding="utf-8") + line + "\n"
    path.write_bytes(text.replace("\n", "\r\n").encode("gb18030"))  # as Excel saves it
    exc = _load_error(data_copy, table)
    assert_names(exc, TABLES[table].file, f"row {row}", f"column {column}", "totals row", "facts.csv")
    assert (exc.row, exc.column) == (row, column)


def test_short_row(data_copy):
    edit_csv(data_copy / MONTH / "appointments.csv", "南京玛丽妇产医院,1,0,0,0,1", "南京玛丽妇产医院,1,0")
    assert_names(_load_error(data_copy, "appointments"), "appointments.csv", "row 44", "'南京玛丽妇产医院,1,0'",
                 "6 cells")


@pytest.mark.parametrize("month", ["2020-2", "2020-13", "202002", "../x", "..", "2020-02/..", " 2020-02",
                                   "２０２０-02", "", None, 202002])
def test_bad_month(month):
    with pytest.raises(BulletinDataError) as info:
        bulletin.load("kiosks", month)
    assert_names(info.value, "column month", "not a month", "YYYY-MM")
    if month:
        assert_names(info.value, repr(month))
    with pytest.raises(BulletinDataError):
        bulletin.facts(month)


def test_month_not_in_the_data_dir(data_copy):
    with pytest.raises(BulletinDataError) as info:
        bulletin.load("kiosks", "2020-03", data_copy)
    assert_names(info.value, "数据中没有 2020-03 这个月份", str(data_copy / "2020-03"), "数据中有：2020-02")


def test_data_dir_that_does_not_exist(tmp_path):
    for call in (lambda: bulletin.months(tmp_path / "nowhere"), lambda: bulletin.load("kiosks", MONTH, tmp_path / "x")):
        with pytest.raises(BulletinDataError) as info:
            call()
        assert_names(info.value, str(tmp_path), "data directory")


def test_data_dir_that_is_a_file(capsys, tmp_path):
    file = tmp_path / "bulletin.txt"
    file.write_text("not a folder\n", encoding="utf-8")
    code, out, err = _cli(capsys, "months", "--data-dir", str(file))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "bulletin.txt: the data directory is a file, not a folder" in err
    with pytest.raises(BulletinDataError) as info:
        store.write_month_files(file / MONTH, {"facts.csv": "key,value\n"})
    assert_names(info.value, "bulletin.txt", "a file, not a folder")
    assert file.read_text(encoding="utf-8") == "not a folder\n"


def test_unusable_data_dir_argument():
    with pytest.raises(BulletinDataError) as info:
        bulletin.months("bad\x00dir")
    assert_names(info.value, "data_dir", "not a usable directory")


# --------------------------------------------------------------------------- files that are not CSV text


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty file"),
        (b"\xef\xbb\xbf\r\n\r\n", "empty file"),
        (bytes(range(256)) * 4, "not text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "not text"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\xfe\x80\x81", "not text"),  # an .xlsx renamed
        ("city,calls\n南京,1\n".encode("utf-16"), "UTF-16"),
        ("city,calls\n南京\x00,1\n".encode(), "NUL"),
        (b"city,calls\n" + b"x" * 200_000 + b",1\n", "not a readable CSV"),
    ],
    ids=["empty", "bom-only", "binary", "png", "xlsx", "utf-16", "nul", "huge-cell"],
)
def test_files_that_are_not_csv_text(data_copy, content, problem):
    (data_copy / MONTH / "province_calls.csv").write_bytes(content)
    exc = _load_error(data_copy)
    assert_names(exc, "province_calls.csv", problem)


def test_damaged_utf8_is_not_read_as_gb18030(data_copy):
    path = data_copy / MONTH / "appointments.csv"
    data = path.read_bytes()
    at = data.index("南京玛丽妇产医院".encode()) + 4  # inside 京 of 南京玛丽妇产医院, on row 44
    path.write_bytes(data[:at] + b"\xff" + data[at + 1 :])
    assert_names(_load_error(data_copy, "appointments"), "appointments.csv", "row 44", "damaged", "UTF-8")


def test_a_folder_where_the_file_should_be(data_copy):
    path = data_copy / MONTH / "province_calls.csv"
    path.unlink()
    path.mkdir()
    assert_names(_load_error(data_copy), "province_calls.csv", "cannot read the file")


def test_header_only_is_an_empty_table(data_copy):
    (data_copy / MONTH / "province_calls.csv").write_text("city,calls\n", encoding="utf-8")
    df = bulletin.load("province_calls", MONTH, data_copy)
    assert len(df) == 0 and list(df.columns) == ["city", "calls"] and df["calls"].dtype == "Int64"


# --------------------------------------------------------------------------- the command line


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_months_on_a_missing_data_dir(capsys, tmp_path):
    code, out, err = _cli(capsys, "months", "--data-dir", str(tmp_path / "nowhere"))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("bulletin months: ") and "nowhere" in err


def test_cli_months_lists_the_months(capsys, data_copy):
    code, out, _ = _cli(capsys, "months", "--data-dir", str(data_copy))
    assert (code, out) == (0, f"{MONTH}\n")


@pytest.fixture
def checks():
    return pytest.importorskip("bulletin.checks")


@pytest.mark.parametrize(
    ("month", "break_it", "parts"),
    [
        ("../x", None, ["not a month", "'../x'"]),
        ("2020-2", None, ["not a month", "YYYY-MM"]),
        (MONTH, ("province_calls.csv", "南京,30317", "南京,三万"), ["province_calls.csv", "row 2", "calls", "'三万'"]),
        (MONTH, ("province_calls.csv", "city,calls", "city,phone"), ["province_calls.csv", "row 1", "column calls"]),
        (MONTH, ("kiosks.csv", "南京市中心医院,0,", "南京市中心医院,-1,"), ["kiosks.csv", "row 38", "kiosks", "'-1'"]),
    ],
    ids=["dotdot", "short-month", "non-numeric", "missing-column", "negative"],
)
def test_cli_check_bad_input_exits_2_with_one_line(capsys, checks, data_copy, month, break_it, parts):
    if break_it:
        file, old, new = break_it
        edit_csv(data_copy / MONTH / file, old, new)
    code, out, err = _cli(capsys, "check", month, "--data-dir", str(data_copy))
    assert code == 2, (out, err)
    assert "Traceback" not in out + err
    assert err.count("\n") == 1, err
    for part in parts:
        assert part in err, (part, err)


def test_cli_check_binary_file_exits_2(capsys, checks, data_copy):
    (data_copy / MONTH / "kiosks.csv").write_bytes(bytes(range(256)) * 8)
    code, out, err = _cli(capsys, "check", MONTH, "--data-dir", str(data_copy))
    assert code == 2 and "Traceback" not in out + err
    assert err.count("\n") == 1 and "kiosks.csv" in err


def test_console_script_shows_no_traceback(tmp_path):
    """The installed ``bulletin`` command, as a user runs it."""
    exe = pathlib.Path(sys.executable).with_name("bulletin")
    if not exe.exists():
        pytest.skip("the bulletin console script is not installed in this environment")
    env = {**os.environ, paths.ENV_DATA_DIR: str(tmp_path / "nowhere")}
    proc = subprocess.run([str(exe), "months"], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    assert "nowhere" in proc.stderr


# --------------------------------------------------------------------------- writing a month folder


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


# --------------------------------------------------------------------------- writing and reading back


def _frames(table_name: str):
    """Hypothesis strategy: a frame valid for ``table_name`` (unique keys, values of each declared kind)."""
    from hypothesis import strategies as st

    decl = TABLES[table_name]
    # A unit name as the loader takes it: no control, format (zero-width) or separator characters,
    # never a totals name such as 合计 (refused by design: a stated total belongs in facts.csv) and
    # never the shape of a spreadsheet formula (=, +, -, @ first: bulletin.inputs.name_problem).
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
        back = bulletin.store.read_table(path, decl, exact=True)
        assert len(back) == len(rows)
        for col in decl.columns:
            got = [None if v is pd.NA else v for v in back[col.name].tolist()]
            assert got == [r[col.name] for r in rows], col.name
        # and what is read back writes the same bytes again
        assert store.table_csv(back, decl) == text
        # so does the everyday read (money as float64 yuan): the shortest repr is the amount read
        assert store.table_csv(bulletin.store.read_table(path, decl), decl) == text

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
            frame = bulletin.store.read_table(path, decl)
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


def test_ci_profile_is_deterministic():
    from hypothesis import settings

    profile = settings.get_profile("ci")
    assert profile.derandomize is True and profile.database is None


# --------------------------------------------------------------------------- input that must not pass


@pytest.mark.parametrize("encoding, text, named", [
    ("big5", "hospital,booked\n臺北市立聯合醫院,1234\n南京市鼓樓醫院,5678\n江蘇省人民醫院,99\n", "Big5"),
    ("shift_jis", "hospital,booked\n東京都立病院,1234\nさくら病院,5678\n", "Shift-JIS"),
    ("cp1252", "hospital,booked\nCafé Hôpital Saint-Étienne,1234\nKöln Klinikum,5\n", "Windows-1252"),
])
def test_other_encodings_are_refused_and_named(data_copy, encoding, text, named, capsys):
    (data_copy / MONTH / "appointments.csv").write_bytes(text.encode(encoding))
    exc = _load_error(data_copy, "appointments")
    assert_names(exc, "appointments.csv", f"looks like {named}", "CSV UTF-8")
    code, _, err = _cli(capsys, "check", MONTH, "--data-dir", str(data_copy))
    assert code == 2 and named in err


def test_gb18030_chinese_is_still_read(data_copy):
    path = data_copy / MONTH / "appointments.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    assert bulletin.load("appointments", MONTH, data_copy).equals(reference("appointments"))


@pytest.mark.parametrize("char, named", [("\u200b", "U+200B ZERO WIDTH SPACE"), ("\u2060", "U+2060 WORD JOINER"),
                                         ("\x1b[2J", "U+001B")])
def test_invisible_and_control_characters_in_names_are_refused(data_copy, char, named, capsys):
    edit_csv(data_copy / MONTH / "booking_channels.csv", "12320快速预约", f"12320快速{char}预约")
    exc = _load_error(data_copy, "booking_channels")
    assert_names(exc, "booking_channels.csv", named)
    code, out, err = _cli(capsys, "check", MONTH, "--data-dir", str(data_copy))
    assert code == 2 and named in err
    assert "\x1b" not in err + out  # never printed raw: the value is shown escaped


def test_an_unreadable_month_folder_is_one_error(data_copy, monkeypatch, capsys):
    folder = data_copy / MONTH
    if os.geteuid() == 0:  # root reads any folder: make it unreadable for the code under test only
        real = os.listdir
        monkeypatch.setattr(os, "listdir", lambda p=".": (_ for _ in ()).throw(PermissionError(13, "Permission denied"))
                            if pathlib.Path(p) == folder else real(p))
    else:
        folder.chmod(0)
    try:
        assert cli.main(["check", MONTH, "--data-dir", str(data_copy)]) == 2
    finally:
        folder.chmod(0o755)
    err = capsys.readouterr().err
    assert "cannot read the month folder" in err and len(err.strip().splitlines()) == 1


def test_month_folders_written_honour_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        target = store.write_month_files(tmp_path / MONTH, {"facts.csv": "key,value\n"})
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o755


# --------------------------------------------------------------------------- hostile round 4 (issue 27)

#: 30317 in digits int() and Decimal() read but a reader of the file cannot check: Arabic-Indic,
#: Extended Arabic-Indic (Persian), full-width, Devanagari
OTHER_DIGITS = {"arabic-indic": "٣٠٣١٧", "persian": "۳۰۳۱۷", "full-width": "３０３１７", "devanagari": "३०३१७"}


@pytest.mark.parametrize("digits", list(OTHER_DIGITS.values()), ids=list(OTHER_DIGITS))
def test_digits_other_than_0_to_9_are_refused_as_counts(data_copy, digits):
    edit_csv(data_copy / MONTH / "province_calls.csv", "南京,30317", f"南京,{digits}")
    exc = _load_error(data_copy)
    assert (exc.row, exc.column, exc.value, exc.problem) == (2, "calls", digits, "not a count")
    assert_names(exc, "province_calls.csv", "a non-negative integer")


@pytest.mark.parametrize("digits", list(OTHER_DIGITS.values()), ids=list(OTHER_DIGITS))
def test_digits_other_than_0_to_9_are_refused_as_money_and_facts(data_copy, digits):
    edit_csv(data_copy / MONTH / "kiosks.csv", "166469.00", f"{digits}.00")
    exc = _load_error(data_copy, "kiosks")
    assert (exc.row, exc.column, exc.value, exc.problem) == (2, "registration_yuan", f"{digits}.00", "not an amount")
    edit_csv(data_copy / MONTH / "kiosks.csv", f"{digits}.00", "166469.00")
    edit_csv(data_copy / MONTH / "facts.csv", "hotline.total_calls,59507", f"hotline.total_calls,{digits}")
    with pytest.raises(BulletinDataError) as info:
        bulletin.facts(MONTH, data_copy)
    assert (info.value.row, info.value.column, info.value.value) == (2, "value", digits)


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://evil.example\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"])
def test_a_name_shaped_like_a_formula_is_refused_in_a_month_file(data_copy, capsys, name):
    """No unit's name starts with = + - or @: such a name never reaches the published CSVs."""
    quoted = '"' + name.replace('"', '""') + '"'
    edit_csv(data_copy / MONTH / "province_calls.csv", "苏州,17479", f"{quoted},17479")
    exc = _load_error(data_copy)
    assert (exc.row, exc.column, exc.value) == (3, "city", name)
    assert_names(exc, "province_calls.csv", "spreadsheet formula", "never starts with = + - or @")
    assert cli.main(["check", MONTH, "--data-dir", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "spreadsheet formula" in err and len(err.strip().splitlines()) == 1


def test_a_no_break_space_in_a_name_is_refused(data_copy):
    edit_csv(data_copy / MONTH / "province_calls.csv", "苏州,17479", "苏\u00a0州,17479")
    exc = _load_error(data_copy)
    assert (exc.row, exc.column, exc.value) == (3, "city", "苏\u00a0州")
    assert_names(exc, "U+00A0 NO-BREAK SPACE")


@pytest.mark.parametrize("name", ["kiosks.csv", "facts.csv"])
def test_a_month_file_that_is_a_dangling_link_is_named_not_taken_for_missing(data_copy, capsys, name):
    path = data_copy / MONTH / name
    path.unlink()
    path.symlink_to(data_copy / "moved-away.csv")
    assert cli.main(["check", MONTH, "--data-dir", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert name in err and "a symbolic link to nothing" in err and len(err.strip().splitlines()) == 1
