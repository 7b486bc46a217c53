"""Tests of ``bulletin.render.site.pages``: the reader's pages rendered from the one set of Jinja templates in
``templates/``."""

from __future__ import annotations

import html
import json
import re

import pytest
from helpers import FIXTURES, edit_csv, ingest_march, march, raw_text, synthetic_history, telemedicine_not_printed

import bulletin
from bulletin.core import paths
from bulletin.render.site import pages
from bulletin.sections import SECTIONS, trends


@pytest.mark.usefixtures("_stable_code_hash")
def test_the_downloadable_history_is_a_link_that_works_offline(tmp_path):
    """The page carries the CSV (a data: URL with the download attribute); a name from the data
    that a spreadsheet would run as a formula is written as text."""
    import base64
    import re

    import nbformat

    from bulletin.render.site.pages import section_page

    data = tmp_path / "data"
    synthetic_history(data, "2020-01", 2)
    edit_csv(data / "2020-02" / "telemedicine.csv", "南京市远程心电监测诊断平台", "=HYPERLINK(1)", count=99)
    m = bulletin.month("2020-02", data)
    bundle, meta = trends.history_download(m)._repr_mimebundle_()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
        "display_data", data=bundle, metadata=meta)])]
    page = section_page(nb, title="趋势", month="2020-02", with_code=False, stem="07_trends")
    link = re.search(r'<a href="data:text/csv;charset=utf-8;base64,([^"]+)" download="([^"]+)">', page)
    assert link and link.group(2) == "bulletin-headlines-2020-01-2020-02.csv"
    text = base64.b64decode(link.group(1)).decode("utf-8")
    assert text.startswith("\ufeff月份,板块,指标,数值,单位\n2020-01,12320卫生热线,12320卫生热线受理咨询电话,59507,个\n")
    assert "\n2020-02,预约挂号,本月预约挂号量,74217,次\n" in text
    assert ",'=HYPERLINK(1)" in text or "=HYPERLINK" not in text


def test_the_month_page_lists_the_notes_of_a_month_with_a_table_not_published(data):
    ingest_march(data, march(telemedicine_not_printed(raw_text())))
    from bulletin.batch.month_index import index_figures_json
    from bulletin.render.site.pages import month_page

    html = month_page("2020-03", [], index_figures_json("2020-03", data))
    assert "提示：2 项（本月未刊登 2 项）" in html
    assert "「远程医疗平台本月数据上传量前三名」" in html


FIXTURE = FIXTURES / "site_tags.ipynb"


def test_reader_page_removes_analyst_cells_and_parameters():
    import nbformat

    nb = nbformat.read(FIXTURE, as_version=4)
    assert [c for c in nb.cells if "analyst" in c.metadata.get("tags", [])]  # the fixture has them
    page = pages.section_page(nb, title="测试一节", month="2020-02", with_code=False, stem="01_hotline",
                              months=["2020-01", "2020-02"])
    assert "修改下一格" not in page and "只给分析人员看的输出" not in page and "analyst only" not in page
    assert "/srv/某人的 数据" not in page and "data_dir" not in page
    assert "读者看到的导语" in page
    # header, navigation and footer of the one site
    assert '<html lang="zh-CN">' in page
    assert 'href="../index.html">全部月份' in page and 'href="index.html"' in page
    assert 'href="../2020-01/index.html" rel="prev"' in page and 'rel="next"' not in page
    assert all(f'href="{s.stem}.html"' in page for s in SECTIONS)
    assert 'aria-current="page">12320卫生热线' in page
    assert "数据来源" in page and "程序版本" in page and "生成日期" in page
    assert str(paths.PROJECT_ROOT) not in page
    # data from outputs is inert
    body = page.split("</style>", 1)[1]
    assert "<script>" not in body and "<a>" not in body and "<img" not in body
    assert not re.search(r"href=\"?javascript:|src=\"?https?:", body)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "- [点此核实](javascript:alert(1))\n- ![p](https://evil.example/p.png)" in page  # as its characters
    assert not re.search(r"<h\d[^>]*>\s*标题", page)
    with_code = pages.section_page(nb, title="测试一节", month="2020-02", with_code=True)
    assert "analyst only" not in with_code and "table" in with_code


def test_month_page_summarises_the_findings_and_top_page_the_key_figures():
    from bulletin.batch.month_index import index_figures_json
    from bulletin.checks import check_month

    figures = index_figures_json("2020-02", None)
    assert not figures["problems"]
    report = check_month("2020-02")
    page = pages.month_page("2020-02", [(s.stem, s.title) for s in SECTIONS], figures)
    assert "2020年2月：0 个错误，25 个警告" in page
    # a summary a reader understands: counts by severity and rule, whose checks they are, and a
    # link to the findings one by one; not a 25-row table of warnings
    assert "<li>错误：0 项</li>" in page
    assert "<li>警告：25 项（终端未使用 13 项，未反馈 8 项，均价异常 3 项，上传天数为0 1 项）" in page
    assert "本数据包自己的检查，不是简报的表述" in page and "并不表示简报有误" in page
    assert '<a href="00_overview.html">逐条明细见“本月概览”的数据质量部分</a>' in page
    assert "<table class=\"data findings\">" not in page
    assert not [f for f in report.warnings if html.escape(f.message) in page]
    assert '<td class="num">59,507 个</td>' in page and "51,460,109.85 元" in page
    assert all(f'<a href="{s.stem}.html">{s.title}</a>' in page for s in SECTIONS)
    assert "notebook" not in page and "bulletin check" not in page

    summary = json.loads(pages.month_summary("2020-02", [(s.stem, s.title) for s in SECTIONS], figures))
    assert summary["check"] == {"errors": 0, "warnings": 25} and summary["sections"] == len(SECTIONS)
    top = pages.top_page([("2020-02", [s.stem for s in SECTIONS], summary), ("2020-01", [], {})])
    assert top.index('href="2020-02/index.html"') < top.index('href="2020-01/index.html"')
    n = len(SECTIONS)
    assert f"已发布 {n}/{n} 节；数据核对：0 个错误，25 个警告" in top and "数据核对结果暂缺" in top
    assert "12320卫生热线受理咨询电话" in top and '<td class="num">59,507 个</td>' in top
