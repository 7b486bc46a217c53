"""The loaded month (``bulletin.month``) and the one shape every section shares.

A whole section run (every code cell of a section notebook, executed as papermill would) reads each
table file once, and the check report is computed once, whatever the number of views.
"""

from __future__ import annotations

import matplotlib
import pytest
from helpers import REFERENCE_MONTH as FEB
from helpers import edit_csv, make_month, run_notebook_in_process

import bulletin
import bulletin.core.schema
from bulletin.data import store
from bulletin.sections import SECTIONS, with_headlines

matplotlib.use("Agg")


@pytest.mark.parametrize("table", list(bulletin.core.schema.TABLES))
def test_every_notebook_runs_when_a_table_was_not_published(table, tmp_path):
    """February with one table removed and recorded as not published (as ingest records it):
    every section notebook runs to the end, and says so where the table would be."""
    import shutil

    from bulletin.core.schema import TABLES

    data = tmp_path / "数据 目录"
    shutil.copytree(bulletin.core.paths.DEFAULT_DATA_DIR / FEB, data / FEB)
    (data / FEB / TABLES[table].file).unlink()
    (data / FEB / "not_published.csv").write_text(store.not_published_csv({table: "公报本月未刊登"}), encoding="utf-8")
    m = bulletin.month(FEB, data)
    from bulletin.sections import overview

    assert TABLES[table].title in str(overview.not_published(m))
    for sec in SECTIONS:
        run_notebook_in_process(sec.notebook, FEB, data)
    owner = next(s for s in with_headlines() if table in s.tables and s.name != "booking_channels"
                 or table == "booking_channels" == s.name)
    notes = [getattr(owner.module, name)(m) for name in dir(owner.module)
             if name.endswith("_view") and getattr(getattr(owner.module, name), "tables", None) is not None]
    assert any("没有发布" in str(n) and TABLES[table].title in str(n) for n in notes), table


def test_bulletin_run_publishes_variant_months(tmp_path, capsys):
    """February with the top-uploaders table not published and a hospital renamed, then a March
    after it: ``bulletin run`` publishes every page of both months (exit 0), and the pages say
    what was not published, compare month on month through the alias table and show trends."""
    import shutil

    from bulletin.core.schema import TABLES

    data = tmp_path / "数据 目录"
    shutil.copytree(bulletin.core.paths.DEFAULT_DATA_DIR / FEB, data / FEB)
    shutil.copy(bulletin.core.paths.DEFAULT_DATA_DIR / "units.csv", data / "units.csv")
    (data / FEB / "telemedicine_top_uploaders.csv").unlink()
    (data / FEB / "not_published.csv").write_text(
        store.not_published_csv({"telemedicine_top_uploaders": "本月公报未列前三名"}), encoding="utf-8")
    march = make_month(data, "2020-03")
    edit_csv(march / "kiosks.csv", "hospital,南京江北人民医院,", "hospital,南京市江北人民医院,")
    out = tmp_path / "reports"
    # the command's own entry point, in this process: the session's warm fork server serves its kernels
    # (a `bulletin` subprocess would start and warm one of its own); the same arguments, the same run
    from bulletin.cli import main

    code = main(["run", f"{FEB}:2020-03", "--data-dir", str(data), "--out", str(out), "--jobs", "1"])
    assert code == 0, capsys.readouterr().err[-2000:]
    for month in (FEB, "2020-03"):
        assert sorted(p.name for p in (out / month).glob("*.html")) == sorted(
            [f"{s.stem}.html" for s in SECTIONS] + ["index.html"])
    feb = (out / FEB / "04_telemedicine.html").read_text(encoding="utf-8")
    assert f"没有发布「{TABLES['telemedicine_top_uploaders'].title}」" in feb
    assert "本月公报未列前三名" in (out / FEB / "00_overview.html").read_text(encoding="utf-8")
    kiosks_march = (out / "2020-03" / "06_kiosks.html").read_text(encoding="utf-8")
    assert "2020年3月与2020年2月比较" in kiosks_march and "南京市江北人民医院" in kiosks_march
    assert "新增" not in kiosks_march  # the renamed hospital is one unit, not new
    trends_march = (out / "2020-03" / "07_trends.html").read_text(encoding="utf-8")
    assert "2020年2月至2020年3月的 2 个月" in trends_march and "本年累计" in trends_march


