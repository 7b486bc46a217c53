"""The reader's site: data stays inert on every page, analyst cells are removed, tables are set
like a statistics office's, charts carry alt text and a colour-blind-safe palette, pages carry
their own font subset."""

from __future__ import annotations

import csv
import html
import io
import re
import shutil
from pathlib import Path

import pytest
from helpers import CRAFTED

from bulletin.cli import main
from bulletin.core import paths
from bulletin.sections import SECTIONS

# ------------------------------------------------------------------------------ pieces


# ------------------------------------------------------------------------------ the whole run


def _craft(src: Path, dst: Path) -> None:
    """A copy of the data whose unit, hospital, category and channel names are the crafted ones."""
    shutil.copytree(src / "2020-02", dst / "2020-02")
    for f in src.iterdir():  # data-wide files (units.csv and the like)
        if f.is_file():
            shutil.copy(f, dst / f.name)
    columns = {"appointments.csv": "hospital", "kiosks.csv": "unit", "platform_hospitals.csv": "hospital",
               "telemedicine_top_uploaders.csv": "hospital", "hotline_categories.csv": "category",
               "booking_channels.csv": "channel"}
    for name, column in columns.items():
        path = dst / "2020-02" / name
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
            fields = list(rows[0])
        # the kiosks' flagged units (average outliers) get names too, so the notes carry them
        picks = list(range(len(CRAFTED)))
        if name == "kiosks.csv":
            outliers = ("江苏省中医院", "江苏省肿瘤医院", "南京市妇幼保健院")
            flagged = [i for i, r in enumerate(rows) if r["unit"] in outliers]
            picks = flagged + [i for i in picks if i not in flagged]
        for name_, i in zip(CRAFTED, picks, strict=False):
            rows[i][column] = name_
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def crafted_reports(tmp_path_factory):
    root = tmp_path_factory.mktemp("site") / "数据 目录"
    _craft(paths.DEFAULT_DATA_DIR, root / "data")
    out = root / "reports"
    code = main(["run", "2020-02", "--data-dir", str(root / "data"), "--out", str(out), "--force"])
    return code, out


def test_crafted_names_are_plain_text_on_every_section(crafted_reports):
    code, out = crafted_reports
    assert code == 0
    month = out / "2020-02"
    texts = {}
    for s in SECTIONS:
        path = month / f"{s.stem}.html"
        assert path.is_file(), f"{s.stem} was not published"
        texts[s.stem] = path.read_text(encoding="utf-8")
    texts["index"] = (month / "index.html").read_text(encoding="utf-8")
    texts["top"] = (out / "index.html").read_text(encoding="utf-8")
    for stem, text in texts.items():
        body = text.split("</style>", 1)[1]
        assert "<script" not in body, stem
        assert not re.search(r"""href=["']?\s*javascript:""", body, re.I), stem
        assert not re.search(r"""src=["']?\s*https?:""", body, re.I), stem
        assert set(re.findall(r'<img src="([a-z]+):', body)) <= {"data"}, stem
        assert len(re.findall(r"<h1[\s>]", body)) == 1, stem
        assert not re.search(r"<h\d[^>]*>\s*标题", body), stem
    shown = "".join(texts.values())
    for name in CRAFTED:
        assert html.escape(name) in shown, name
    # the kiosk outliers' notes name the crafted units as text (they were Markdown before)
    kiosks = texts["06_kiosks"]
    assert "<li>" + html.escape(CRAFTED[0]) in kiosks or html.escape(CRAFTED[0]) + "：" in kiosks
    # chart alt text carries the names too, escaped once in the attribute
    alts = re.findall(r'alt="([^"]*)"', kiosks)
    assert alts and all(a.startswith("图表：") for a in alts)
    assert any(html.escape(CRAFTED[3]) in a for a in alts)
