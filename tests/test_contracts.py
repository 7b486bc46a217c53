"""The alias table (data/units.csv) and the month folder's not_published.csv."""

from __future__ import annotations

import pytest

from bulletin import units
from bulletin.errors import BulletinDataError
from bulletin.store import NOT_PUBLISHED_FILE, not_published_csv, read_not_published


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
