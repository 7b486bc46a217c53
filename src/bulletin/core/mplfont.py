"""The project's CJK font in matplotlib: one family name, registered once per process.

:func:`cjk_font` finds a system CJK font, else adds the Noto Sans CJK SC file of ``mplfonts`` to
matplotlib's font manager for this process (:meth:`matplotlib.font_manager.FontManager.addfont`;
nothing is written into matplotlib's installation, and mplfonts' ``init``, which would, is never
run). :func:`use_as_fallback` appends that family to ``rcParams["font.family"]``, so that a chart
drawn without the project's theme (``m.kiosks.plot.bar(...)``, a plain seaborn plot) takes each
glyph the default face lacks from the CJK font: matplotlib (3.6 and later) falls back along the
family list glyph by glyph. The loaders call it when they read a table, so an analyst's first plot
draws Chinese with no extra call; importing ``bulletin`` does nothing of this (and imports no
matplotlib).
"""

from __future__ import annotations

from bulletin.core.paths import bundled_font_path

#: CJK families used when the system has them, best first
SYSTEM_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
)

_family: str | None = None


def cjk_font() -> str:
    """The family name of a CJK font known to matplotlib, registering the bundled one if needed.

    A system CJK font is preferred; else the Noto Sans CJK SC file of ``mplfonts`` is added to
    matplotlib's font manager for this process (nothing is written into matplotlib's install).
    """
    global _family
    if _family is not None:
        return _family
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in SYSTEM_CJK_FAMILIES:
        if family in installed:
            _family = family
            return family
    path = bundled_font_path()
    if path is None:
        raise RuntimeError("no CJK font found: install the mplfonts package or a Noto Sans CJK font")
    font_manager.fontManager.addfont(str(path))
    _family = font_manager.FontProperties(fname=str(path)).get_name()
    return _family


def use_as_fallback() -> str | None:
    """Append the CJK family to ``rcParams["font.family"]`` unless it is there already.

    The families before it (matplotlib's default ``sans-serif``, or whatever the user chose) keep
    drawing every glyph they have; only the glyphs they lack (Chinese) come from the CJK font.
    Returns the family, or None when no CJK font can be had (a chart then draws boxes, as before,
    and the section charts say why when they are drawn). Cheap after the first call.
    """
    try:
        family = cjk_font()
    except RuntimeError:
        return None
    import matplotlib as mpl

    current = mpl.rcParams["font.family"]
    current = [current] if isinstance(current, str) else list(current)
    if family not in current:
        mpl.rcParams["font.family"] = [*current, family]
    return family
