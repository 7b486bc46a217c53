"""Tests of ``bulletin.style.charts``: the charts' theme, the CJK font and the chart helpers every section
uses."""

from __future__ import annotations

import math
import warnings

import matplotlib
import pandas as pd
from helpers import REFERENCE_MONTH as MONTH
from helpers import section_charts

from bulletin import load
from bulletin.core import schema
from bulletin.style import charts

matplotlib.use("Agg")


matplotlib.use("Agg")


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


#: the smallest text any chart draws, in points (test_every_chart_draws_text_of_at_least_9_pt)
SMALLEST_PT = 9


def test_every_chart_draws_text_of_at_least_9_pt():
    """No chart of any section draws text smaller than SMALLEST_PT, and the width a page may shrink
    it to keeps that text 10 px tall."""
    import matplotlib.pyplot as plt

    from bulletin.style import charts

    drawn = 0
    for section, fname, fig in section_charts():
        drawn += 1
        assert charts.smallest_text_pt(fig) >= SMALLEST_PT, (section, fname, charts.smallest_text_pt(fig))
        # the page never draws it narrower than where that text is 10 px: 900 px at 9 pt (12.5 px) → 720 px
        smallest_px = charts.smallest_text_pt(fig) * 100 / 72
        assert charts.min_display_width(fig) == math.ceil(fig.get_figwidth() * 100 * 10 / smallest_px)
        plt.close(fig)
    assert drawn >= 12


def _contrast(a: str, b: str) -> float:
    def lum(h: str) -> float:
        rgb = [int(h.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        rgb = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


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
