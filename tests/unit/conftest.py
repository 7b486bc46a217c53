"""Fixtures shared by several unit test modules (the rest are in ../conftest.py)."""

from __future__ import annotations

import functools
import shutil
import sys
from pathlib import Path

import pytest
from helpers import ECG, edit_csv, make_month, signed_text, synthetic_february_2019, write
from helpers import REFERENCE_MONTH as FEB
from helpers import REFERENCE_MONTH as M

import bulletin
from bulletin.core import cache, paths
from bulletin.data.ingest import ingest_file
from bulletin.data.loaded_month import Month

# As the batch's workers do (bulletin.batch.pool): jsonschema, which nbformat imports, builds an IRI
# grammar at import when rfc3987_syntax is importable (about 1-3 s a worker); a notebook's schema
# checks no IRIs, so the tests that build notebooks do not pay for it either.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]


@pytest.fixture
def _stable_code_hash(monkeypatch):
    """Other work may edit src/bulletin while these tests run; the skip tests need a fixed code hash."""
    monkeypatch.setattr(cache, "code_hash", functools.cache(lambda: "code"))


@pytest.fixture
def data(tmp_path) -> Path:
    """A data directory (a Chinese name with a space) holding the alias table and February, ingested."""
    root = tmp_path / "数据 目录"
    root.mkdir()
    shutil.copy(paths.DEFAULT_DATA_DIR / "units.csv", root / "units.csv")
    ingest_file(paths.DEFAULT_DATA_DIR / "raw" / "2020-02.txt", data_dir=root)
    return root


@pytest.fixture(scope="module")
def february():
    return bulletin.month(FEB)


@pytest.fixture(scope="module")
def month(tmp_path_factory) -> Month:
    root = tmp_path_factory.mktemp("signs") / "data"
    ingest_file(write(root.parent, signed_text()), data_dir=root)
    return Month(M, root)


@pytest.fixture
def two_months(data_copy):
    """February as shipped, and a January made from it with a few figures lowered."""
    jan = make_month(data_copy, "2020-01")
    edit_csv(jan / "telemedicine.csv", f"{ECG},ecg_cases,33472", f"{ECG},ecg_cases,30000")
    edit_csv(jan / "platform_districts.csv", "江宁区,52,129,52,6188332,", "江宁区,52,129,40,6000000,")
    edit_csv(jan / "kiosks.csv", "hospital,江苏省人民医院,200,7973,166469.00,5592,2482832.44",
             "hospital,江苏省人民医院,180,7973,166469.00,5000,2000000.00")
    # its stated 合计 follow the rows (the headlines show the stated total, as every output does)
    for key, before, after in (("kiosks", "1481", "1461"), ("payments", "159858", "159266"),
                               ("payment_yuan", "51460109.85", "50977277.41")):
        edit_csv(jan / "facts.csv", f"kiosks.total.{key},{before},", f"kiosks.total.{key},{after},")
    return data_copy


@pytest.fixture
def two_years(data_copy) -> Path:
    """February 2020 and the synthetic February 2019 (no January 2020: no 环比), with the alias table."""
    shutil.copy2(paths.DEFAULT_DATA_DIR / "units.csv", data_copy / "units.csv")
    synthetic_february_2019(data_copy)
    return data_copy
