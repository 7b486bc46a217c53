"""Tests of ``bulletin.render.documents.datapackage``: ``data-YYYY-MM/``: the month's tidy CSV files and a
Frictionless Data Package descriptor."""

from __future__ import annotations

import csv
import io
import json

from helpers import REFERENCE_MONTH as M

from bulletin.data.loaders import load
from bulletin.render.documents import datapackage


def test_the_data_package_keeps_the_sign_and_declares_it_missing(month, tmp_path):
    folder = datapackage.write(month, tmp_path / "package")
    text = (folder / "kiosks.csv").read_text(encoding="utf-8")
    assert "\ndistrict,玄武区,22,242,2420.00,…,—\n" in text
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    (kiosks,) = [r for r in descriptor["resources"] if r["name"] == "kiosks"]
    assert kiosks["schema"]["missingValues"] == ["", "—", "…"]
    payments = next(f for f in kiosks["schema"]["fields"] if f["name"] == "payments")
    assert "required" not in payments.get("constraints", {}) and "无数字" in payments["description"]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(load("kiosks", M, month.data_dir))
