"""Tests of ``bulletin.checks.across``: ``bulletin check`` across months: cumulative figures that tie
out, and names never seen before."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("南京江北人民医院", "南京市江北人民医院", True),  # the February pairs of units.csv
        ("同仁医院", "南京同仁医院", True),
        ("八一医院", "中国人民解放军第八一医院", True),
        ("南京市鼓楼医院", "南京鼓楼医院", True),
        ("南京市第一医院", "南京市第二医院", False),  # two real hospitals of February
        ("南京市口腔医院", "江苏省口腔医院", False),
        ("南京医科大学附属逸夫医院", "南京医科大学附属眼科医院", False),
        ("南京市远程病理诊断平台", "南京市远程影像诊断平台", False),
    ],
)
def test_which_names_are_close(a, b, expected):
    from bulletin.checks import close

    assert close(a, b) is expected and close(b, a) is expected
