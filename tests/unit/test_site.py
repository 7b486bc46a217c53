"""The reader's site: data stays inert on every page, analyst cells are removed, tables are set
like a statistics office's, charts carry alt text and a colour-blind-safe palette, pages carry
their own font subset."""

from __future__ import annotations

import html
import io
import json
import re

from helpers import FIXTURES

from bulletin import charts, paths
from bulletin.loaded_month import Month
from bulletin.sections import SECTIONS, Note
from bulletin.site import fonts, markup, pages

FIXTURE = FIXTURES / "site_tags.ipynb"

#: names crafted to break out of HTML, Markdown and matplotlib's mathtext
CRAFTED = (
    "[点此核实](javascript:alert(1))",
    "![p](https://evil.example/p.png)",
    "# 标题",
    "胸科$\\notacommand{$医院",
    "$\\alpha^2$",
    "<script>alert(1)</script>",
)


def _contrast(a: str, b: str) -> float:
    def lum(h: str) -> float:
        rgb = [int(h.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        rgb = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# ------------------------------------------------------------------------------ pieces


def test_note_is_escaped_html_not_markdown():
    note = Note("\n".join(f"- {n}" for n in CRAFTED))
    out = note._repr_html_()
    assert out.startswith('<ul class="note">') and out.count("<li>") == len(CRAFTED)
    assert "<script>" not in out and "<a" not in out and "<img" not in out and "<h1" not in out
    for name in CRAFTED:
        assert html.escape(name) in out
    assert not hasattr(note, "_repr_markdown_")
    assert not hasattr(Month("2020-02"), "_repr_markdown_")
    assert Month("2020-02")._repr_html_() == '<p class="note"><strong>统计月份：2020年2月</strong></p>'


def test_clean_html_keeps_text_drops_active_content():
    frag = ('<p onclick="x()">a<script>alert(1)</script><img src="https://evil.example/p.png">'
            '<a href="javascript:alert(1)">点此核实</a><iframe src="x"></iframe></p>')
    assert markup.clean_html(frag) == "<p>a点此核实</p>"
    rendered = markup.markdown_html("[点此核实](javascript:alert(1)) ![p](https://evil.example/p.png) <b>x</b>",
                                    trusted=False)
    assert "javascript" not in rendered and "evil" not in rendered and "<b>" not in rendered
    assert "&lt;b&gt;x&lt;/b&gt;" in rendered


def test_tables_set_like_a_statistics_office():
    frame = ("<table><thead><tr><th></th><th>单位</th><th>挂号（次）</th><th>占比</th>"
             "<th>每次缴费平均（元）</th></tr></thead>"
             "<tbody><tr><th>1</th><td>江苏省人民医院</td><td>7,973</td><td>43.5%</td><td>未反馈</td></tr>"
             "<tr><th>2</th><td>南京鼓楼医院</td><td>23,784</td><td>—</td><td>444.00</td></tr>"
             "<tr><th>合计</th><td></td><td>131,430</td><td>100.0%</td><td>321.91</td></tr></tbody></table>")
    out = markup.clean_html(frame)
    head = re.search(r"<thead>(.*)</thead>", out, re.S).group(1)
    assert re.findall(r"<th[^>]*>", head) == [
        '<th scope="col" class="nowrap">', '<th scope="col" class="nowrap">', '<th scope="col" class="num nowrap">',
        '<th scope="col" class="num nowrap">', '<th scope="col" class="num">',
    ]
    assert ">序号</th>" in head  # the empty corner header says what the row numbers are
    assert '<td class="num">7,973</td>' in out and "<td>江苏省人民医院</td>" in out
    assert '<td class="num">未反馈</td>' in out  # a missing figure stays in the figures' column
    assert '<tr class="total"><th scope="row">合计</th>' in out
    assert 'class="table-scroll"' in out and 'tabindex="0"' in out
    for figure in ("59,507 个", "49.3亿条", "26/83", "未反馈/83", "+1,234（+5.2%）", "<0.1%", "6,477,159.42"):
        assert markup.is_number(figure), figure
    for text in ("2020年2月", "江苏省人民医院", "12320在线预约", "一致"):
        assert not markup.is_number(text), text


def test_figure_columns_counted_past_a_group_label_spanning_rows():
    # the trends table: a section label spans its indicators' rows, so the first row of a group has
    # one cell more; a month not in the data reads 无数据 in its whole column
    frame = ("<table><thead><tr><th></th><th></th><th>2019年8月</th><th>2019年9月</th><th>2019年10月</th></tr>"
             "</thead><tbody>"
             "<tr><th rowspan=\"2\">12320卫生热线</th><th>受理咨询电话（个）</th><td>66,234</td><td>无数据</td>"
             "<td>64,728</td></tr>"
             "<tr><th>受理市12345工单（件）</th><td>2,595</td><td>无数据</td><td>2,595</td></tr></tbody></table>")
    out = markup.clean_html(frame)
    for figure in ("66,234", "64,728", "2,595"):
        assert f'<td class="num">{figure}</td>' in out, figure
    assert out.count('<td class="num">') == 4 and out.count("<td>无数据</td>") == 2
    head = re.search(r"<thead>(.*)</thead>", out, re.S).group(1)
    assert re.findall(r'<th scope="col" class="num nowrap">(\d{4}年\d+月)</th>', head) == ["2019年8月", "2019年10月"]


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


def test_page_font_is_a_woff2_subset_of_its_own_characters():
    from fontTools.ttLib import TTFont

    data = fonts.subset_woff2("南京市卫生信息统计简报2020年2月")
    assert data[:4] == b"wOF2" and len(data) % 4 == 0
    font = TTFont(io.BytesIO(data))
    cmap = font["cmap"].getBestCmap()
    assert {ord(c) for c in "南京市卫生信息统计简报年月"} <= set(cmap)
    assert ord("核") not in cmap  # only the page's glyphs
    assert len(font.getGlyphOrder()) < 120
    css = fonts.font_face_css("南京")
    assert css.startswith("@font-face") and f'font-family: "{fonts.FAMILY}"' in css and "data:font/woff2;base64," in css


def test_palette_colour_blind_safe_contrast():
    p = charts.PALETTE
    for a, b in zip(p, p[1:] + p[:1], strict=True):
        assert _contrast(a, b) >= 3.0, (a, b)
    assert _contrast(charts.HIGHLIGHT, p[0]) >= 3.0 and _contrast(charts.MUTED, p[0]) >= 3.0


def test_charts_draw_data_names_literally_and_carry_alt_text():
    fig = charts.ranked_barh(["$\\alpha^2$", "胸科$\\notacommand{$医院", "αα"], [30, 20, 10], title="测试图",
                             highlight=["胸科$\\notacommand{$医院"])
    png, meta = charts.figure_png_with_alt(fig)  # drawing does not raise on the broken mathtext
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert meta["alt"] == charts.alt_text(fig)
    assert meta["alt"].startswith("图表：测试图。$\\alpha^2$ 30；★ 胸科$\\notacommand{$医院 20；αα 10。")
    labels = {t.get_text(): t for t in fig.axes[0].get_yticklabels()}
    assert "★ 胸科$\\notacommand{$医院" in labels  # flagged: marked, not only coloured
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    # drawn as its ten characters, not as the two of α²
    width = {k: t.get_window_extent(renderer).width for k, t in labels.items()}
    assert width["$\\alpha^2$"] > 2.5 * width["αα"]


def test_month_page_summarises_the_findings_and_top_page_the_key_figures():
    from bulletin.batch.figures import index_figures_json
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


# ------------------------------------------------------------------------------ the whole run


