"""Tests of ``bulletin.core.schema``: every table of the bulletin, declared once."""

from __future__ import annotations

import re
import sys

import pandas as pd
import pytest
from helpers import REFERENCE_MONTH as MONTH
from helpers import _load_error, assert_names

import bulletin
from bulletin.core import paths
from bulletin.core.schema import FACTS, TABLES, TELEMEDICINE_MEASURES


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


def test_row_counts_cover_every_table():
    assert set(ROW_COUNTS) == set(TABLES)


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


BEGIN = ("<!-- columns: generated from bulletin.core.schema by `python tests/unit/test_schema.py`; "
         "do not edit by hand -->")


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
        "regenerate with: .venv/bin/python tests/unit/test_schema.py"
    )


if __name__ == "__main__":  # regenerate the column lists of data/README.md
    text = README.read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    README.write_text(f"{head}{BEGIN}\n{render_columns()}{END}{tail}", encoding="utf-8")
    sys.exit(0)
