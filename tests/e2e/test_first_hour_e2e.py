"""An analyst's first hour (issue 29, item 6): what the README's first screen promises holds."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bulletin.core import paths


def test_the_browser_test_without_axe_skips_with_its_reason_and_fails_under_ci(monkeypatch):
    import test_browser

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="axe-core not found.*audit did not run"):
        test_browser.without_axe()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true requires it"):
        test_browser.without_axe()


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_the_offices_commands_explain_themselves_in_chinese(capsys):
    from bulletin.cli import main

    for command, options in {"check": ("--json", "--data-dir"), "ingest": ("--force", "--reason", "--partial"),
                             "revisions": ("--json",), "run": ("--out", "--jobs", "--force"),
                             "documents": ("--out",), "months": ("--data-dir",)}.items():
        with pytest.raises(SystemExit) as done:
            main([command, "-h"])
        assert done.value.code == 0
        lines = capsys.readouterr().out.splitlines()
        description = lines[lines.index("") + 1]
        assert _chinese(description), (command, description)
        assert "选项:" in lines and any(line.split()[:2] == ["-h,", "--help"] and _chinese(line) for line in lines)
        for option in options:  # the option's name as it is, its help (on its line or the next) in Chinese
            i = next(i for i, line in enumerate(lines) if line.strip().startswith(option))
            assert _chinese(" ".join(lines[i:i + 2])), (command, option, lines[i])


# ------------------------------------------------------------------ the demonstration: synthetic months


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory):
    from bulletin.data import demo

    folder = tmp_path_factory.mktemp("demo") / "data"
    assert demo.build(folder) == [f"2019-{m:02d}" for m in range(2, 13)] + ["2020-01", "2020-02"]
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_demo_months_load_tie_out_and_are_the_same_on_every_run(demo_data, tmp_path):
    import bulletin
    from bulletin.checks import check_range
    from bulletin.data import demo

    assert bulletin.months(demo_data)[0] == "2019-02" and len(bulletin.months(demo_data)) == 13
    feb, jan = bulletin.month("2020-02", demo_data), bulletin.month("2020-01", demo_data)
    # February as shipped; January made from it: other figures, tied out as a bulletin is
    assert feb.facts["appointments.total.total"] == 74217 and feb.synthetic and jan.synthetic
    assert jan.facts["appointments.total.total"] != 74217
    assert "模拟数据：" in jan._repr_html_() and "模拟数据" not in bulletin.month("2020-02")._repr_html_()
    assert jan.facts["appointments.total.total"] == int(jan.appointments["total"].sum())
    assert jan.facts["appointments.cumulative_total"] == 18722617 - 74217  # February's less February's own
    hot = jan.hotline_categories.set_index("category")["count"]
    assert hot["电话预约"] == jan.appointments["phone"].sum() == jan.facts["appointments.total.phone"]
    assert jan.exact("kiosks")["payment_yuan"].sum() == jan.exact_facts["kiosks.total.payment_yuan"]
    report = check_range("2019-02:2020-02", demo_data)
    assert report.exit_code == 0 and "0 个错误" in report.to_text().splitlines()[-1], report.to_text()[-400:]
    # deterministic: the same bytes again
    again = tmp_path / "again"
    demo.build(again)
    assert _files(again) == _files(demo_data)
    # never the project's data/, never a folder that is not a demonstration
    with pytest.raises(bulletin.BulletinError, match="never written into the project's data folder"):
        demo.build(paths.DEFAULT_DATA_DIR)
    (tmp_path / "mine" / "2020-02").mkdir(parents=True)
    with pytest.raises(bulletin.BulletinError, match="something else than a demonstration"):
        demo.build(tmp_path / "mine")
    assert not bulletin.month("2020-02").synthetic


def test_every_output_of_the_demo_says_it_is_synthetic_and_the_real_datas_never(demo_data, tmp_path,
                                                                                published_2020_02):
    import openpyxl
    from pypdf import PdfReader

    from bulletin.batch import run_batch
    from bulletin.batch.jobs import section_notebooks
    from bulletin.render.documents import write_all

    out = tmp_path / "reports"
    outcome = run_batch(["2019-03"], data_dir=demo_data, out=out, notebooks=section_notebooks("1"), progress=False,
                        jobs=1, stream=io.StringIO())
    assert outcome.exit_code == 0
    for page in ("index.html", "2019-03/index.html", "2019-03/01_hotline.html"):
        html = (out / page).read_text("utf-8")
        assert "（模拟数据）</title>" in html and '<p class="synthetic" role="note">模拟数据：' in html, page
    docs = out / "2019-03"
    assert "模拟数据" in PdfReader(docs / "bulletin-2019-03.pdf").pages[0].extract_text()
    import docx

    assert any("模拟数据" in p.text for p in docx.Document(docs / "bulletin-2019-03.docx").paragraphs[:5])
    cover = openpyxl.load_workbook(docs / "tables-2019-03.xlsx")["封面"]
    assert cover["A1"].value.endswith("（模拟数据）") and cover["A3"].value.startswith("模拟数据：")
    package = (docs / "data-2019-03" / "datapackage.json").read_text("utf-8")
    assert "（2019年3月）（模拟数据）" in package
    # the shipped data's documents never say it
    real = write_all("2020-02", None, tmp_path / "real")
    assert "模拟数据" not in PdfReader(real[0]).pages[0].extract_text()
    assert "模拟数据" not in (real[3] / "datapackage.json").read_text("utf-8")
    assert not openpyxl.load_workbook(real[2])["封面"]["A1"].value.endswith("（模拟数据）")
    pages = [published_2020_02 / "index.html", *(published_2020_02 / "2020-02").glob("*.html")]
    assert len(pages) == 10 and not any("模拟数据" in p.read_text("utf-8") for p in pages)
    assert "synthetic" not in (published_2020_02 / "2020-02" / "summary.json").read_text("utf-8")


