"""The chart theme: a real CJK font, no missing glyphs, fixed sizes, no figure left in pyplot."""

from __future__ import annotations

import warnings

import matplotlib
import pandas as pd

matplotlib.use("Agg")

from bulletin import load
from bulletin.core import schema
from bulletin.style import charts

MONTH = "2020-02"


def _all_chinese_labels(data_dir) -> list[str]:
    words = [t.title for t in schema.TABLES.values()]
    words += [c.label for t in schema.TABLES.values() for c in t.columns]
    words += [label for label, _ in schema.TELEMEDICINE_MEASURES.values()]
    for name, col in (("appointments", "hospital"), ("booking_channels", "channel"), ("hotline_categories", "category"),
                      ("province_calls", "city"), ("kiosks", "unit"), ("platform_districts", "district"),
                      ("platform_hospitals", "hospital")):
        words += list(load(name, MONTH, data_dir)[col])
    return words + ["其他（38家）", "−1,234（−5.2%）", "-1,234"]


def test_font_is_cjk_and_minus_sign_intact():
    family = charts.use_theme()
    assert "CJK" in family or "SC" in family or "Hei" in family
    assert matplotlib.rcParams["axes.unicode_minus"] is False


def test_no_missing_glyph_warning(data_dir, tmp_path):
    words = _all_chinese_labels(data_dir)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = charts.ranked_barh(words[:60], range(60), title="全部中文标签（一）", xlabel="数量（次）")
        fig.savefig(tmp_path / "a.png")
        fig = charts.ranked_barh(words[60:], range(len(words) - 60), title="全部中文标签（二）", size="tall")
        fig.savefig(tmp_path / "b.png")
        fig = charts.share_stack(["健康南京客户端", "其他"], [9525, 7144], title="占比")
        fig.savefig(tmp_path / "c.png")
    glyphs = [str(w.message) for w in caught if "Glyph" in str(w.message) or "missing from" in str(w.message)]
    assert glyphs == []
    assert [str(w.message) for w in caught] == []


def test_figures_have_fixed_size_and_are_not_left_open():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig = charts.ranked_barh(["南京", "苏州"], [30317, 17479], title="全省12320电话量")
    assert tuple(fig.get_size_inches()) == charts.SIZES["wide"]
    assert plt.get_fignums() == before


def test_top_with_other_keeps_totals(data_dir):
    frame = load("appointments", MONTH, data_dir)
    cols = list(schema.APPOINTMENT_CHANNELS)
    top = charts.top_with_other(frame, "hospital", [*cols, "total"], 10, sort_by="total")
    assert len(top) == 11
    assert top["hospital"].iloc[-1] == "其他（33家）"
    assert int(top["total"].sum()) == 74217
    assert top["hospital"].iloc[0] == "南京市儿童医院"
    assert int(top["online_12320"].sum()) == 25208


def test_stacked_barh_draws_without_a_warning(data_dir, tmp_path):
    frame = load("appointments", MONTH, data_dir)
    top = charts.top_with_other(frame, "hospital", list(schema.APPOINTMENT_CHANNELS), 10, sort_by="online_12320")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = charts.stacked_barh(top, "hospital", list(schema.APPOINTMENT_CHANNELS), title="预约")
        fig.savefig(tmp_path / "s.png")
    assert [str(w.message) for w in caught] == []


def test_frame_stays_unchanged():
    frame = pd.DataFrame({"unit": ["甲", "乙", "丙"], "n": [3, 2, 1]})
    out = charts.top_with_other(frame, "unit", ["n"], 2)
    assert list(out["unit"]) == ["甲", "乙", "其他（1家）"]
    assert list(frame["unit"]) == ["甲", "乙", "丙"]
