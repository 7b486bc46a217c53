"""Tests of ``bulletin.data.units``: one unit, many names: the alias table ``data/units.csv``."""

from __future__ import annotations

import re

import pytest

from bulletin import cli
from bulletin.core.errors import BulletinDataError
from bulletin.core.schema import TABLES
from bulletin.data import store, units


def test_shipped_alias_table_maps_the_february_pairs():
    table = units.aliases()
    # the February 2020 bulletin prints these hospitals under two names in different tables
    assert table.canonical("南京江北人民医院") == "南京市江北人民医院"
    assert table.canonical("同仁医院") == "南京同仁医院"
    assert table.canonical("八一医院") == "中国人民解放军第八一医院"
    assert table.canonical("南京鼓楼医院") == "南京鼓楼医院"  # not listed: itself
    assert table.known("南京市江北人民医院") and table.known("南京江北人民医院")
    assert not table.known("南京鼓楼医院")
    assert "同仁医院" in table.names("hospital") and table.names("district") == set()
    assert table.spellings("南京同仁医院") == ["同仁医院"]


@pytest.mark.parametrize(
    "body, column",
    [
        ("A,A,hospital", "alias"),
        ("A,B,hospitals", "kind"),
        ("A,B,hospital\nC,B,hospital", "alias"),
        ("A,B,hospital\nB,C,hospital", "canonical"),
        ("A,B,hospital\nC,A,hospital", "alias"),
        (",B,hospital", "canonical"),
        ("A,B\x1b[2J,hospital", "alias"),
    ],
)
def test_a_malformed_alias_row_names_its_row_and_column(tmp_path, body, column):
    (tmp_path / "units.csv").write_text("canonical,alias,kind\n" + body + "\n", encoding="utf-8")
    with pytest.raises(BulletinDataError) as err:
        units.aliases(tmp_path)
    assert err.value.column == column and err.value.row == body.count("\n") + 2


def test_no_alias_table_is_an_empty_one(tmp_path):
    assert units.aliases(tmp_path).canonical("同仁医院") == "同仁医院"


_HEADER = "canonical,alias,kind\n"


def test_an_alias_table_that_is_a_dangling_link_is_refused(data_copy, capsys):
    (data_copy / "units.csv").symlink_to(data_copy / "gone.csv")
    with pytest.raises(BulletinDataError, match="a symbolic link to nothing") as err:
        units.aliases(data_copy)
    assert err.value.value == str(data_copy / "gone.csv")
    assert cli.main(["check", "2020-02", "--data-dir", str(data_copy)]) == 2
    assert "a symbolic link to nothing" in capsys.readouterr().err


@pytest.mark.parametrize("alias, problem", [
    ("同仁\u200b医院", "U+200B ZERO WIDTH SPACE"),
    ("同仁\u202e医院", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("同仁医院\U0001f600", "U+1F600"),
    ("同仁\u00a0医院", "U+00A0 NO-BREAK SPACE"),
    ("=HYPERLINK(\"http://evil.example\")", "spreadsheet formula"),
    ("+cmd|' /C calc'!A0", "spreadsheet formula"),
    ("-同仁医院", "spreadsheet formula"),
    ("@SUM(1)", "spreadsheet formula"),
    ("合计", "a totals row"),
])
def test_the_alias_table_refuses_the_names_month_files_refuse(tmp_path, alias, problem):
    (tmp_path / "units.csv").write_text(_HEADER + "南京同仁医院,同仁医院,hospital\n"
                                        f"南京同仁医院,\"{alias.replace(chr(34), chr(34) * 2)}\",hospital\n",
                                        encoding="utf-8")
    with pytest.raises(BulletinDataError, match=re.escape(problem)) as err:
        units.aliases(tmp_path)
    assert (err.value.row, err.value.column, err.value.value) == (3, "alias", alias)
    assert "units.csv" in str(err.value)
    # the very same check as a month file's name: store.read_table refuses it too
    if "U+1F600" not in problem:  # (a month file's unprintable character is refused by bulletin check)
        path = tmp_path / "province_calls.csv"
        path.write_text(f"city,calls\n\"{alias.replace(chr(34), chr(34) * 2)}\",1\n", encoding="utf-8")
        with pytest.raises(BulletinDataError, match=re.escape(problem)):
            store.read_table(path, TABLES["province_calls"])


def test_the_alias_table_refuses_a_row_given_twice(tmp_path):
    (tmp_path / "units.csv").write_text(_HEADER + "南京同仁医院,同仁医院,hospital\n南京市江北人民医院,南京江北人民医院,"
                                        "hospital\n南京同仁医院,同仁医院,hospital\n", encoding="utf-8")
    with pytest.raises(BulletinDataError, match=r"the same row twice \(first on row 2\)") as err:
        units.aliases(tmp_path)
    assert (err.value.row, err.value.column, err.value.value) == (4, "alias", "同仁医院")
