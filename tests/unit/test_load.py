"""Every table's loader against the February 2020 bulletin's own figures.

The expected numbers below are copied from the printed bulletin (the statistics part of the seed
text), not from the CSV files: a wrong figure in ``data/2020-02`` fails here.
"""

from __future__ import annotations

import re
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import bulletin
from bulletin.core import paths
from bulletin.core.schema import FACTS, TABLES, TELEMEDICINE_MEASURES
from bulletin.data.store import month_files, read_facts, read_table

MONTH = "2020-02"
README = paths.PROJECT_ROOT / "data" / "README.md"

# row counts as printed: 序号1–43, 8 channels, 7 categories, 8 cities, 12 districts, 25 hospitals, 37 + 12 kiosk units
ROW_COUNTS = {
    "hotline_categories": 7,
    "province_calls": 8,
    "appointments": 43,
    "booking_channels": 8,
    "telemedicine": 23,
    "telemedicine_top_uploaders": 6,
    "platform_districts": 12,
    "platform_hospitals": 25,
    "kiosks": 49,
}


def count_columns(name: str) -> list[str]:
    return [c.name for c in TABLES[name].columns if c.kind == "count"]


# --------------------------------------------------------------------------- shapes and dtypes


@pytest.mark.parametrize("name", list(TABLES))
def test_every_table_loads_with_its_declared_columns_and_dtypes(name):
    df = bulletin.load(name, MONTH)
    decl = TABLES[name]
    assert list(df.columns) == list(decl.column_names)
    assert len(df) == ROW_COUNTS[name]
    assert list(df.index) == list(range(len(df)))
    for col in decl.columns:
        series = df[col.name]
        if col.kind == "count":
            assert series.dtype == "Int64", col.name
        elif col.kind == "money":
            assert series.dtype == "float64", col.name
        else:
            assert isinstance(series.dtype, pd.StringDtype), col.name
            given = series.dropna() if col.nullable else series
            assert series.notna().all() or col.nullable, col.name
            assert (given.str.strip() == given).all() and (given != "").all(), col.name
    # keys are unique, as the schema declares
    assert not df.duplicated(list(decl.key)).any()


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


def test_row_counts_cover_every_table():
    assert set(ROW_COUNTS) == set(TABLES)


def test_load_month_returns_every_table():
    month = bulletin.load_month(MONTH)
    assert list(month) == list(TABLES)
    for name, df in month.items():
        pd.testing.assert_frame_equal(df, bulletin.load(name, MONTH))


# --------------------------------------------------------------------------- hotline and province


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


# --------------------------------------------------------------------------- appointments and channels


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


# --------------------------------------------------------------------------- telemedicine


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


# --------------------------------------------------------------------------- information platform


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


# --------------------------------------------------------------------------- kiosks


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


# --------------------------------------------------------------------------- facts, months, labels


def test_facts_keys_and_values():
    facts = bulletin.facts(MONTH)
    assert list(facts) == list(FACTS)  # every declared fact, in declared order
    assert facts["hotline.total_calls"] == 59507
    assert facts["hotline.city_12345_tickets"] == 2595
    assert facts["hotline.province_12345_tickets"] == 425
    assert facts["hotline.province_total_calls"] == 69660
    assert facts["appointments.cumulative_total"] == 18722617
    assert facts["booking_channels.total"] == 16669
    assert facts["platform.cumulative_records"] == 4930000000
    for key, value in facts.items():
        assert type(value) is (float if FACTS[key].kind == "money" else int), key


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


def test_month_files_reproduce_the_shipped_files_byte_for_byte():
    files = month_files(bulletin.load_month(MONTH), bulletin.facts(MONTH))
    folder = paths.DEFAULT_DATA_DIR / MONTH
    assert sorted(files) == sorted(p.name for p in folder.glob("*.csv"))
    for name, text in files.items():
        assert (folder / name).read_bytes() == text.encode("utf-8"), name


# --------------------------------------------------------------------------- data directory


def _edited_copy(root: Path) -> Path:
    """A data dir whose February says 30318 calls for Nanjing, so we can tell which dir was read."""
    from helpers import edit_csv, make_month

    root.mkdir()
    make_month(root, MONTH)
    edit_csv(root / MONTH / "province_calls.csv", "南京,30317", "南京,30318")
    return root


def _nanjing(data_dir=None) -> int:
    df = bulletin.load("province_calls", MONTH, data_dir)
    return int(df.loc[df["city"] == "南京", "calls"].item())


@pytest.mark.parametrize("where", ["root", "notebooks", "tmp"])
def test_default_data_dir_does_not_depend_on_the_working_directory(where, tmp_path, monkeypatch):
    cwd = {"root": paths.PROJECT_ROOT, "notebooks": paths.NOTEBOOKS_DIR, "tmp": tmp_path}[where]
    if not cwd.is_dir():
        pytest.skip(f"{cwd} does not exist yet")
    # a decoy data/ in the working directory must not be picked up
    if where == "tmp":
        _edited_copy(tmp_path / "data")
    monkeypatch.chdir(cwd)
    assert paths.data_dir() == paths.DEFAULT_DATA_DIR
    assert paths.month_dir(MONTH) == paths.DEFAULT_DATA_DIR / MONTH
    assert _nanjing() == 30317
    assert MONTH in bulletin.months()


def test_env_var_overrides_the_default(tmp_path, monkeypatch):
    other = _edited_copy(tmp_path / "other")
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(other))
    assert paths.data_dir() == other.resolve()
    assert _nanjing() == 30318
    assert bulletin.months() == [MONTH]


def test_argument_overrides_the_env_var(tmp_path, monkeypatch):
    env = _edited_copy(tmp_path / "env")
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(env))
    assert _nanjing(paths.DEFAULT_DATA_DIR) == 30317
    assert _nanjing(str(paths.DEFAULT_DATA_DIR)) == 30317
    assert _nanjing() == 30318


def test_relative_argument_and_env_var_are_relative_to_the_working_directory(tmp_path, monkeypatch):
    _edited_copy(tmp_path / "mine")
    monkeypatch.chdir(tmp_path)
    assert _nanjing("mine") == 30318
    monkeypatch.setenv(paths.ENV_DATA_DIR, "mine")
    assert paths.data_dir() == (tmp_path / "mine").resolve()
    assert _nanjing() == 30318


def test_an_empty_env_var_is_refused_not_taken_for_the_default(monkeypatch):
    # `BULLETIN_DATA_DIR= python …`: an unset shell variable, refused as the CLI refuses --data-dir ""
    monkeypatch.setenv(paths.ENV_DATA_DIR, "")
    with pytest.raises(bulletin.BulletinDataError, match=r"column \$BULLETIN_DATA_DIR: the data directory is empty"):
        paths.data_dir()


# --------------------------------------------------------------------------- data/README.md


BEGIN = "<!-- columns: generated from bulletin.core.schema by `python tests/unit/test_load.py`; do not edit by hand -->"
END = "<!-- end of generated columns -->"


def _kind_text(col, kinds: dict[str, str]) -> str:
    """A column's kind as data/README.md says it: the dtype, what empty means, its choices."""
    if col.kind == "text" and col.nullable:
        kind = kinds[col.kind] + "; empty where the bulletin prints none"
    else:
        kind = kinds[col.kind] + ("; empty where 未反馈" if col.nullable else "")
    if col.optional:
        kind += "; a file written before this column existed reads as all empty"
    if col.choices:
        kind += "; one of " + ", ".join(f"`{c}`" for c in col.choices)
    return kind


def render_columns() -> str:
    """The per-table column lists of data/README.md, rendered from the schema."""
    kinds = {
        "text": "text (string)",
        "count": "count (Int64)",
        "money": "money (float64 yuan; Decimal to the fen when read exactly, as bulletin check does)",
    }
    out = []
    for decl in TABLES.values():
        out.append(f"#### `{decl.file}` — {decl.title}\n")
        out.append(f"Key: {', '.join(f'`{k}`' for k in decl.key)}. Source: {decl.source}.\n")
        out.append("| column | label as printed | unit | kind |")
        out.append("|---|---|---|---|")
        for col in decl.columns:
            out.append(f"| `{col.name}` | {col.label} | {col.unit} | {_kind_text(col, kinds)} |")
        if decl.totals:
            out.append("")
            for total in decl.totals:
                rule = "exact: the rows add up to it" if total.rule == "exact" else "at most: the rows are part of it"
                out.append(f"- stated total of `{total.column}`: fact `{total.fact}`, rule {rule}")
        if decl.row_sums:
            for col, parts in decl.row_sums.items():
                out.append(f"- each row's `{col}` = {' + '.join(f'`{p}`' for p in parts)}")
        if decl.name == "telemedicine":
            out.append("\n| measure | label | unit |")
            out.append("|---|---|---|")
            for code, (label, unit) in TELEMEDICINE_MEASURES.items():
                out.append(f"| `{code}` | {label} | {unit} |")
        out.append("")
    out.append("#### `facts.csv` — facts\n")
    out.append("| key | label | unit |")
    out.append("|---|---|---|")
    for fact in FACTS.values():
        out.append(f"| `{fact.key}` | {fact.label} | {fact.unit} |")
    return "\n".join(out) + "\n"


def _generated_block(text: str) -> str:
    match = re.search(re.escape(BEGIN) + r"\n(.*?)" + re.escape(END), text, re.S)
    assert match, "data/README.md lacks the generated column block"
    return match.group(1)


def test_readme_names_every_table_and_column():
    text = README.read_text(encoding="utf-8")
    for decl in TABLES.values():
        assert f"`{decl.file}`" in text, decl.name
        for col in decl.columns:
            assert f"| `{col.name}` | {col.label} |" in text, (decl.name, col.name)
    for key in FACTS:
        assert f"`{key}`" in text, key


def test_readme_column_lists_match_the_schema():
    assert _generated_block(README.read_text(encoding="utf-8")) == render_columns(), (
        "regenerate with: .venv/bin/python tests/unit/test_load.py"
    )


if __name__ == "__main__":  # regenerate the column lists of data/README.md
    text = README.read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    README.write_text(f"{head}{BEGIN}\n{render_columns()}{END}{tail}", encoding="utf-8")
    sys.exit(0)
