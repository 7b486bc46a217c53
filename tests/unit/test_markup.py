"""Tests of ``bulletin.style.markup``: HTML and Markdown from notebooks made safe and readable: a
whitelist rebuild, tables set like a statistics office's."""

from __future__ import annotations

import re

from bulletin.style import markup


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
