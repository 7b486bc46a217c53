"""Tests of ``bulletin.data.loaders``: the public loaders: :func:`load`, :func:`facts`, :func:`months`,
:func:`labels`."""

from __future__ import annotations

import os
import pathlib
import shutil
import warnings

import pandas as pd
import pytest
from helpers import (
    RAW,
    _cli,
    _edited_copy,
    _load_error,
    _nanjing,
    assert_names,
    edit_csv,
    ingest_text,
    raw_text,
    reference,
    replace_once,
    row_block,
)
from helpers import REFERENCE_MONTH as MONTH

import bulletin
from bulletin import cli
from bulletin.cli import main
from bulletin.core import paths
from bulletin.core.errors import BulletinDataError
from bulletin.core.schema import TABLES
from bulletin.data import store
from bulletin.data.ingest import ingest_file
from bulletin.data.loaders import facts, load

#: the public functions that take a month (``m``) and a data directory (``d``)
BY_MONTH = {
    "month": lambda m, d: bulletin.month(m, d),
    "load": lambda m, d: bulletin.load("kiosks", m, d),
    "facts": lambda m, d: bulletin.facts(m, d),
    "load_month": lambda m, d: bulletin.load_month(m, d),
    "load_range": lambda m, d: bulletin.load_range("kiosks", m, d),
    "headlines": lambda m, d: bulletin.headlines(m, d),
}


#: those that take a range as well
BY_RANGE = {k: BY_MONTH[k] for k in ("load_range", "headlines")}


#: those that take only a data directory
BY_DIR = {"months": lambda m, d: bulletin.months(d)}


MISSING = object()  # the data directory of the case: a folder that does not exist (under tmp_path)


#: (what is given, data_dir, the functions asked): bad month strings, a month not in the data, an
#: empty data directory, a missing one, a range without a month of the data, a range backwards
CASES = [
    *((bad, None, BY_MONTH) for bad in ("202002", "2020-2", "2020-13", "../x", "２０２０-02", " 2020-02", "")),
    ("2020-03", None, BY_MONTH),
    (MONTH, "", {**BY_MONTH, **BY_DIR}),
    ("2020-01:2020-03", "", {**BY_RANGE, **BY_DIR}),
    (MONTH, MISSING, {**BY_MONTH, **BY_DIR}),
    ("2020-01:2020-03", MISSING, {**BY_RANGE, **BY_DIR}),
    ("2021-01:2021-12", None, BY_RANGE),
    ("2020-03:2020-01", None, BY_RANGE),
    ("2020-01:2020-1", None, BY_RANGE),
    ("2020-01:", None, BY_RANGE),
    ("2020-01:2020-02:2020-03", None, BY_RANGE),
]


def _cli_line(capsys, given: str, data_dir: str | None) -> str:
    argv = ["check", given] + ([] if data_dir is None else ["--data-dir", data_dir])
    assert main(argv) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("bulletin check: "), err
    return err[0].removeprefix("bulletin check: ")


def test_the_api_refuses_what_the_cli_refuses_with_the_same_line(capsys, tmp_path):
    # one table, one test: every row is run, and every disagreement is listed at once
    differ = []
    for given, data_dir, calls in CASES:
        data_dir = str(tmp_path / "nowhere") if data_dir is MISSING else data_dir
        expected = _cli_line(capsys, given, data_dir)
        for name, call in calls.items():
            try:
                call(given, data_dir)
            except bulletin.BulletinDataError as exc:
                if str(exc) != expected:
                    differ.append(f"{name}({given!r}, {data_dir!r}): {exc}  ≠ CLI: {expected}")
            else:
                differ.append(f"{name}({given!r}, {data_dir!r}): accepted  ≠ CLI: {expected}")
    assert differ == []


def test_a_month_given_as_a_number_is_refused_by_every_function_alike():
    # bulletin.headlines(202002) was a plain TypeError where bulletin.month(202002) said the line
    lines = set()
    for call in BY_MONTH.values():
        with pytest.raises(bulletin.BulletinDataError, match="not a month") as refused:
            call(202002, None)
        lines.add(str(refused.value))
    assert lines == {"column month: not a month (found 202002); expected a month of the form YYYY-MM"}


def test_a_list_of_months_is_checked_month_by_month():
    with pytest.raises(bulletin.BulletinDataError, match="not a month .found '2020-2'"):
        bulletin.load_range("kiosks", [MONTH, "2020-2"])
    # a month listed twice gave its rows twice (98 kiosks for February's 49)
    with pytest.raises(bulletin.BulletinDataError, match="column month: month listed twice .found '2020-02'"):
        bulletin.load_range("kiosks", [MONTH, MONTH])


def test_an_empty_env_var_is_refused_by_the_api_as_by_the_cli(monkeypatch, capsys):
    monkeypatch.setenv(paths.ENV_DATA_DIR, "")
    expected = _cli_line(capsys, MONTH, None)
    assert expected.startswith("column $BULLETIN_DATA_DIR: the data directory is empty")
    for call in (*BY_MONTH.values(), *BY_DIR.values()):
        with pytest.raises(bulletin.BulletinDataError) as refused:
            call(MONTH, None)
        assert str(refused.value) == expected


@pytest.mark.parametrize("call", [bulletin.load_range.__name__, "headlines"])
def test_months_of_a_range_not_in_the_data_are_named_as_runs(call):
    ask = BY_RANGE[call]
    with pytest.warns(bulletin.AbsentMonthsWarning) as said:
        frame = ask("2019-01:2020-12", None)
    assert set(frame["month"]) == {MONTH}
    assert len(said) == 1
    warning = said[0].message
    assert len(warning.months) == 23 and MONTH not in warning.months
    assert str(warning) == "数据中没有这些月份，已略过：2019-01 至 2020-01（13 个月）、2020-03 至 2020-12（10 个月）"
    with warnings.catch_warnings():  # a range wholly in the data warns of nothing
        warnings.simplefilter("error")
        assert ask(f"{MONTH}:{MONTH}", None).equals(frame)


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


def test_a_no_break_space_in_a_name_is_refused(data_copy):
    edit_csv(data_copy / MONTH / "province_calls.csv", "苏州,17479", "苏\u00a0州,17479")
    exc = _load_error(data_copy)
    assert (exc.row, exc.column, exc.value) == (3, "city", "苏\u00a0州")
    assert_names(exc, "U+00A0 NO-BREAK SPACE")


def test_loaded_values_are_the_bulletins(tmp_path):
    ingest_file(RAW, data_dir=tmp_path)
    appts = load("appointments", "2020-02", tmp_path).set_index("hospital")
    assert len(appts) == 43
    assert appts.loc["南京市儿童医院"].tolist() == [6398, 1187, 9765, 1067, 18417]
    hosp = load("platform_hospitals", "2020-02", tmp_path).set_index("hospital")
    assert pd.isna(hosp.loc["江苏省人民医院", "declared_tables"])
    assert hosp.loc["江苏省人民医院", "required_tables"] == 83
    assert hosp["declared_tables"].isna().sum() == 8
    dist = load("platform_districts", "2020-02", tmp_path).set_index("district")
    assert dist.loc["江宁区"].tolist() == [52, 129, 52, 6188332, 29, 196723, 3051, 932154, 45349, 42918]
    kiosks = load("kiosks", "2020-02", tmp_path)
    assert kiosks.groupby("group").size().to_dict() == {"district": 12, "hospital": 37}
    assert kiosks.iloc[0]["registration_yuan"] == 166469.00
    assert round(kiosks["payment_yuan"].sum(), 2) == 51460109.85
    channels = load("booking_channels", "2020-02", tmp_path)
    assert channels["channel"].tolist()[:2] == ["健康南京客户端", "南京卫生12320微信平台"]
    assert channels["channel"].tolist()[4] == "南京卫生12320网"
    tele = load("telemedicine", "2020-02", tmp_path).set_index(["platform", "measure"])["value"]
    assert tele[("南京市远程影像诊断平台", "paused")] == 1
    assert tele[("南京市远程心电监测诊断平台", "ecg_cases")] == 33472
    assert ("南京市远程临检诊断平台", "paused") not in tele.index
    top = load("telemedicine_top_uploaders", "2020-02", tmp_path)
    assert top.iloc[3].tolist() == ["南京市远程临检诊断平台", 1, "南京市第一医院", 63123]
    hot = load("hotline_categories", "2020-02", tmp_path)
    assert hot["category"].iloc[0] == "咨询类（不含专家咨询）" and hot["count"].sum() == 31969
    assert load("province_calls", "2020-02", tmp_path)["calls"].sum() == 69660
    f = facts("2020-02", tmp_path)
    assert f["platform.cumulative_records"] == 4_930_000_000
    assert f["appointments.cumulative_total"] == 18722617
    assert f["booking_channels.total"] == 16669
    assert (f["hotline.city_12345_tickets"], f["hotline.province_12345_tickets"]) == (2595, 425)
    assert f["kiosks.total.payment_yuan"] == 51460109.85


def test_rows_in_another_order_keep_the_printed_order(tmp_path):
    text = raw_text()
    first, second = row_block(text, "1", "南京市儿童医院"), row_block(text, "2", "南京市第一医院")
    text = replace_once(text, first + "\n" + second, second + "\n" + first)
    jiangning = row_block(text, "江宁区")
    text = replace_once(text, jiangning + "\n", "")
    text = replace_once(text, row_block(text, "秦淮区") + "\n", row_block(text, "秦淮区") + "\n" + jiangning + "\n")
    data = ingest_text(tmp_path, text)
    appts = load("appointments", "2020-02", data)
    assert appts["hospital"].tolist()[:3] == ["南京市第一医院", "南京市儿童医院", "南京鼓楼医院"]
    assert appts.set_index("hospital").loc["南京市儿童医院", "total"] == 18417
    dist = load("platform_districts", "2020-02", data)
    assert dist["district"].tolist()[-2:] == ["秦淮区", "江宁区"]
    assert dist.iloc[-1]["records"] == 6188332


def test_a_hospital_added_and_one_removed(tmp_path):
    text = raw_text()
    text = replace_once(text, row_block(text, "43", "南京玛丽妇产医院") + "\n", "")
    added = "\t43\n\t某新接入医院\n\t10\n\t20\n\t0\n\t5\n\t35\n\n"
    text = replace_once(text, "\t合计\n\t25208\n", added + "\t合计\n\t25208\n")
    data = ingest_text(tmp_path, text)
    appts = load("appointments", "2020-02", data).set_index("hospital")
    assert len(appts) == 43
    assert "南京玛丽妇产医院" not in appts.index
    assert appts.loc["某新接入医院"].tolist() == [10, 20, 0, 5, 35]
    assert facts("2020-02", data)["appointments.total.total"] == 74217


def test_not_reported_in_any_count_column_of_the_platform_tables_stays_missing(tmp_path):
    row = "\t江苏省中医院\n\t26/83\n\t13\n"
    text = replace_once(raw_text(), row + "\t4960336\n", row + "\t未反馈\n")
    text = replace_once(text, "\t江宁区\n\t52/129\n", "\t江宁区\n\t52/未反馈\n")
    data = ingest_text(tmp_path, text)
    hosp = load("platform_hospitals", "2020-02", data).set_index("hospital")
    assert pd.isna(hosp.loc["江苏省中医院", "records"])
    assert hosp.loc["江苏省中医院", "upload_days"] == 29
    dist = load("platform_districts", "2020-02", data).set_index("district")
    assert pd.isna(dist.loc["江宁区", "required_tables"]) and dist.loc["江宁区", "declared_tables"] == 52


def test_telemedicine_notes_are_the_qualifiers_printed_beside_their_figures():
    t = bulletin.load("telemedicine", MONTH).set_index(["platform", "measure"])
    note = t["note"]
    assert note["南京市远程医学会诊平台", "consultations_cumulative"] == "未通过平台申请的会诊未统计在内"
    assert t.at[("南京市远程医学会诊平台", "consultations_cumulative"), "value"] == 109
    assert note["南京市远程心电监测诊断平台", "cities_connected"] == "南京市、马鞍山市、镇江市和扬州市"
    assert note["南京市远程心电监测诊断平台", "districts_covered"] == "覆盖10个区的社区卫生服务中心"
    assert note["南京市远程临检诊断平台", "districts_covered"] == "覆盖市内7个区"
    assert note["南京市远程影像诊断平台", "paused"].startswith("影像系统因数据中心库受病毒影响")
    assert note["南京市远程医学会诊平台", "institutions_secondary_plus"] == "南京市内"
    assert int(note.notna().sum()) == 8  # the other 15 figures are printed bare
    assert pd.isna(note["南京市远程心电监测诊断平台", "ecg_cases"])


def test_a_telemedicine_file_without_the_note_column_loads_with_empty_notes(tmp_path):
    folder = tmp_path / "data" / MONTH
    shutil.copytree(paths.DEFAULT_DATA_DIR / MONTH, folder)
    lines = (folder / "telemedicine.csv").read_text(encoding="utf-8").splitlines()
    (folder / "telemedicine.csv").write_text("\n".join(",".join(x.split(",")[:3]) for x in lines) + "\n",
                                             encoding="utf-8")
    t = bulletin.load("telemedicine", MONTH, tmp_path / "data")
    assert len(t) == 23 and t["note"].isna().all() and int(t["value"].sum()) > 0


def test_load_month_returns_every_table():
    month = bulletin.load_month(MONTH)
    assert list(month) == list(TABLES)
    for name, df in month.items():
        pd.testing.assert_frame_equal(df, bulletin.load(name, MONTH))


def test_hotline_categories_as_printed():
    df = bulletin.load("hotline_categories", MONTH)
    assert list(zip(df["category"], df["count"], strict=True)) == [
        ("咨询类（不含专家咨询）", 2482),
        ("医疗服务投诉", 1710),
        ("电话预约", 26097),
        ("专家在线答疑", 359),
        ("心理危机干预", 413),
        ("医院满意度调查（呼入）", 93),
        ("自助语音问答", 815),
    ]
    # "其中": the listed categories are part of the 59507 calls, so they may not exceed it
    facts = bulletin.facts(MONTH)
    assert facts["hotline.total_calls"] == 59507
    assert df["count"].sum() == 31969 <= facts["hotline.total_calls"]


def test_province_calls_tie_out_to_the_stated_total():
    df = bulletin.load("province_calls", MONTH)
    assert list(df["city"]) == ["南京", "苏州", "淮安", "扬州", "无锡", "泰州", "南通", "镇江"]
    assert df.loc[df["city"] == "南京", "calls"].item() == 30317
    assert df.loc[df["city"] == "镇江", "calls"].item() == 1703
    assert df["calls"].sum() == 69660 == bulletin.facts(MONTH)["hotline.province_total_calls"]


def test_appointments_rows_and_stated_totals():
    df = bulletin.load("appointments", MONTH)
    assert df.iloc[0].to_dict() == {
        "hospital": "南京市儿童医院", "online_12320": 6398, "phone": 1187, "in_clinic": 9765,
        "third_party": 1067, "total": 18417,
    }
    assert df.iloc[-1]["hospital"] == "南京玛丽妇产医院"
    assert df.set_index("hospital").loc["南京市江宁医院（湖山路）", "total"] == 89
    assert df.set_index("hospital").loc["南京鼓楼医院江北国际医院", "in_clinic"] == 108
    # printed order: by 小计, descending (ties keep the printed sequence)
    assert df["total"].is_monotonic_decreasing
    printed_totals = {"online_12320": 25208, "phone": 26097, "in_clinic": 15627, "third_party": 7285, "total": 74217}
    facts = bulletin.facts(MONTH)
    for col, stated in printed_totals.items():
        assert df[col].sum() == stated, col
        assert facts[f"appointments.total.{col}"] == stated, col
    # every 小计 equals its four parts
    parts = df[["online_12320", "phone", "in_clinic", "third_party"]].sum(axis=1)
    assert (parts == df["total"]).all()
    assert facts["appointments.cumulative_total"] == 18722617


def test_booking_channels_in_serial_order_and_total():
    df = bulletin.load("booking_channels", MONTH)
    assert list(zip(df["channel"], df["bookings"], strict=True)) == [
        ("健康南京客户端", 9525),
        ("南京卫生12320微信平台", 3534),
        ("12320快速预约", 1894),
        ("江苏省预约挂号网", 957),
        ("南京卫生12320网", 446),
        ("我的南京客户端", 280),
        ("就医160", 28),
        ("微脉科技", 5),
    ]
    assert df["bookings"].sum() == 16669 == bulletin.facts(MONTH)["booking_channels.total"]


def test_hotline_phone_bookings_agree_with_the_appointment_table():
    hotline = bulletin.load("hotline_categories", MONTH).set_index("category")["count"]
    assert hotline["电话预约"] == bulletin.load("appointments", MONTH)["phone"].sum() == 26097


def test_telemedicine_measures():
    df = bulletin.load("telemedicine", MONTH)
    value = df.set_index(["platform", "measure"])["value"]
    assert value["南京市远程医学会诊平台", "institutions"] == 47
    assert value["南京市远程医学会诊平台", "consultations_cumulative"] == 109
    assert value["南京市远程心电监测诊断平台", "institutions"] == 149
    assert value["南京市远程心电监测诊断平台", "cities_connected"] == 4
    assert value["南京市远程心电监测诊断平台", "ecg_cases"] == 33472
    assert value["南京市远程心电监测诊断平台", "consultations"] == 33
    assert value["南京市远程临检诊断平台", "lab_reports"] == 287930
    assert value["南京市远程临检诊断平台", "specimens_routed"] == 2103
    assert value["南京市远程影像诊断平台", "institutions"] == 178
    assert value["南京市远程影像诊断平台", "paused"] == 1
    # the consultation platform's breakdown: 22 + 13 + 1 + 7 + 4 = 47
    consult = df[(df["platform"] == "南京市远程医学会诊平台") & df["measure"].str.startswith("institutions_")]
    assert consult["value"].sum() == 47
    # platforms in printed order
    assert list(dict.fromkeys(df["platform"])) == [
        "南京市远程医学会诊平台", "南京市远程心电监测诊断平台", "南京市远程临检诊断平台", "南京市远程影像诊断平台",
    ]


def test_telemedicine_top_uploaders():
    df = bulletin.load("telemedicine_top_uploaders", MONTH)
    assert list(df.itertuples(index=False, name=None)) == [
        ("南京市远程心电监测诊断平台", 1, "江苏省人民医院", 6477),
        ("南京市远程心电监测诊断平台", 2, "南京鼓楼医院", 4857),
        ("南京市远程心电监测诊断平台", 3, "南京市妇幼保健院", 4049),
        ("南京市远程临检诊断平台", 1, "南京市第一医院", 63123),
        ("南京市远程临检诊断平台", 2, "南京市妇幼保健院", 52817),
        ("南京市远程临检诊断平台", 3, "南京医科大学第二附属医院", 44593),
    ]


def test_platform_districts():
    df = bulletin.load("platform_districts", MONTH)
    assert list(df["district"]) == [
        "江宁区", "鼓楼区", "高淳区", "雨花台区", "六合区", "浦口区",
        "栖霞区", "玄武区", "江北新区", "溧水区", "建邺区", "秦淮区",
    ]
    assert df.iloc[0].to_dict() == {
        "district": "江宁区", "declared_tables": 52, "required_tables": 129, "uploaded_tables": 52,
        "records": 6188332, "upload_days": 29, "outpatient_visits": 196723, "discharges": 3051,
        "ehr_basic": 932154, "ehr_hypertension": 45349, "ehr_diabetes": 42918,
    }
    assert (df["required_tables"] == 129).all()
    assert df.set_index("district").loc["秦淮区", "upload_days"] == 6
    assert df["records"].is_monotonic_decreasing
    assert df["declared_tables"].notna().all()


def test_platform_hospitals_keep_not_reported_as_missing():
    df = bulletin.load("platform_hospitals", MONTH)
    assert list(df.columns)[1:] == list(bulletin.load("platform_districts", MONTH).columns)[1:8]
    assert df.iloc[0]["hospital"] == "江苏省中医院" and df.iloc[0]["records"] == 4960336
    assert df.iloc[-1]["hospital"] == "中科院皮研所"
    # 未反馈 in the bulletin → <NA>, never 0
    not_reported = df.loc[df["declared_tables"].isna(), "hospital"].tolist()
    assert not_reported == [
        "江苏省人民医院", "东南大学附属中大医院", "南京医科大学第二附属医院", "江苏省肿瘤医院",
        "江苏省省级机关医院", "南医大眼科医院", "江苏省口腔医院", "中科院皮研所",
    ]
    assert df.set_index("hospital").loc["南京市职业病防治院", "upload_days"] == 0
    assert (df["required_tables"] == 83).all()
    assert bulletin.facts(MONTH)["platform.cumulative_records"] == 4_930_000_000


def test_money_is_numeric_for_everyday_pandas():
    """What ``bulletin.load`` returns: money plots, divides, describes and sums as float64 yuan."""
    df = bulletin.load("kiosks", MONTH)
    assert df["payment_yuan"].dtype == "float64"
    assert round(df["payment_yuan"].sum(), 2) == 51460109.85
    assert round(df.groupby("group")["registration_yuan"].sum().sum(), 2) == 6477159.42
    described = df.describe()
    assert {"registration_yuan", "payment_yuan"} <= set(described.columns)
    assert described.loc["count", "payment_yuan"] == 49
    avg = df["payment_yuan"] / df["payments"]  # 0/0 on the idle units: NaN, no exception
    idle = (df["payments"] == 0) & (df["payment_yuan"] == 0)
    assert idle.sum() > 0 and avg[idle].isna().all()
    row = df.set_index("unit").loc["江苏省中医院"]
    assert row["payment_yuan"] == 6301989.94
    assert round(row["payment_yuan"] / row["payments"], 2) > 0
    facts = bulletin.facts(MONTH)
    assert isinstance(facts["kiosks.total.payment_yuan"], float)
    assert facts["kiosks.total.payment_yuan"] == 51460109.85
    ax = df.plot.bar(x="unit", y="payment_yuan")  # raised "no numeric data to plot" with Decimal
    assert len(ax.patches) == 49
    import matplotlib.pyplot as plt

    plt.close("all")


def test_every_stated_total_ties_out():
    """Each ``Total`` the schema declares, compared with the sum of its rows."""
    facts = bulletin.facts(MONTH)
    seen = 0
    for table in TABLES.values():
        if not table.totals:
            continue
        df = bulletin.load(table.name, MONTH)
        for total in table.totals:
            col = table.column(total.column)
            summed = round(df[col.name].sum(), 2) if col.kind == "money" else int(df[col.name].sum())
            if total.rule == "exact":
                assert summed == facts[total.fact], total
            else:
                assert summed <= facts[total.fact], total
            seen += 1
    assert seen == 13


def test_months(data_copy):
    from helpers import make_month

    assert MONTH in bulletin.months()
    make_month(data_copy, "2020-03")
    make_month(data_copy, "2019-12")
    (data_copy / "raw").mkdir()
    (data_copy / "2020-13").mkdir()
    (data_copy / ".2020-04.new-abc").mkdir()
    (data_copy / "2020-05").write_text("not a folder", encoding="utf-8")
    assert bulletin.months(data_copy) == ["2019-12", "2020-02", "2020-03"]
    assert bulletin.months(str(data_copy)) == ["2019-12", "2020-02", "2020-03"]


def test_months_of_an_empty_data_dir(tmp_path):
    assert bulletin.months(tmp_path) == []


def test_labels():
    assert bulletin.labels("appointments") == {
        "hospital": "单位", "online_12320": "12320在线预约", "phone": "电话预约", "in_clinic": "诊间预约",
        "third_party": "第三方", "total": "小计",
    }
    assert bulletin.labels("kiosks")["registration_yuan"] == "挂号金额（元）"
    assert bulletin.labels("province_calls") == {"city": "城市", "calls": "接听电话"}
    for name, decl in TABLES.items():
        assert list(bulletin.labels(name)) == list(decl.column_names)
    with pytest.raises(bulletin.BulletinDataError, match="unknown table"):
        bulletin.labels("nope")


def test_env_var_overrides_the_default(tmp_path, monkeypatch):
    other = _edited_copy(tmp_path / "other")
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(other))
    assert paths.data_dir() == other.resolve()
    assert _nanjing() == 30318
    assert bulletin.months() == [MONTH]
