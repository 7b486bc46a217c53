"""The CJK font a page carries: a WOFF2 subset of the project's Noto Sans CJK SC, only the page's glyphs.

Why fontTools: it is the reference font toolkit in Python (the subsetter behind Google Fonts'
tooling) and writes WOFF2 when ``brotli`` is installed; a page then shows Chinese on a machine
without any CJK font, and asks the network for nothing. The source font is the one the charts
use (the ``mplfonts`` package's Noto Sans CJK SC), so pages and charts look alike.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache

#: the family name pages use for the embedded face (tests/test_browser.py looks for it)
FAMILY = "Bulletin Noto Sans SC"

#: always in the subset: printable ASCII, so that numbers and Latin never fall back to another face
_ALWAYS = "".join(chr(c) for c in range(0x20, 0x7F))


@lru_cache(maxsize=1)
def source_font() -> str:
    """The path of the project's CJK font file (Noto Sans CJK SC of ``mplfonts``)."""
    from ..charts import bundled_font_path

    path = bundled_font_path()
    if path is None:
        raise RuntimeError("the mplfonts package (Noto Sans CJK SC) is needed to embed the pages' font")
    return str(path)


def subset_woff2(text: str) -> bytes:
    """A WOFF2 font holding the glyphs of the characters of ``text`` (and printable ASCII)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False  # CFF hints are of no use to browsers at screen sizes; smaller file
    options.name_IDs = [1, 2]  # the family and style names are all the page needs
    options.notdef_outline = True
    font = TTFont(source_font(), lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(c) for c in set(text + _ALWAYS)})
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue()


def font_face_css(text: str) -> str:
    """An ``@font-face`` rule whose ``src`` is the WOFF2 subset for ``text`` as a ``data:`` URL."""
    data = base64.b64encode(subset_woff2(text)).decode("ascii")
    return (
        f'@font-face {{ font-family: "{FAMILY}"; font-style: normal; font-weight: 400; font-display: block;\n'
        f'  src: url("data:font/woff2;base64,{data}") format("woff2"); }}'
    )
