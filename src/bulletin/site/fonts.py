"""The CJK font a page carries: a WOFF2 subset of the project's Noto Sans CJK SC, only the page's glyphs.

Why fontTools: it is the reference font toolkit in Python (the subsetter behind Google Fonts'
tooling) and writes WOFF2 when ``brotli`` is installed; a page then shows Chinese on a machine
without any CJK font, and asks the network for nothing. The source font is the one the charts
use (the ``mplfonts`` package's Noto Sans CJK SC), so pages and charts look alike.
"""

from __future__ import annotations

import base64
import io
import struct
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


#: brotli quality of the WOFF2 data: 9 compresses a page's subset in a few hundredths of a second,
#: about 7% larger than 11, which takes ten times as long (fontTools' WOFF2 writer always uses 11)
BROTLI_QUALITY = 9


def subset_otf(text: str) -> bytes:
    """An OpenType (CFF) font holding the glyphs of the characters of ``text`` (and printable ASCII).

    Horizontal Chinese and figures need no layout tables (GSUB/GPOS: vertical forms, ligatures),
    no hints and no recomputed bounding boxes: leaving them out makes the subset small and quick.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = [1, 2]  # the family and style names are all a page needs
    options.notdef_outline = True
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG"]
    options.recalc_bounds = False
    options.recalc_max_context = False
    font = TTFont(source_font(), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(c) for c in set(text + _ALWAYS)})
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def woff2(otf: bytes, quality: int = BROTLI_QUALITY) -> bytes:
    """Wrap an OpenType (CFF-flavoured) font as WOFF2 (W3C WOFF2, section 5: null transforms only).

    Tables are sorted by tag (as browsers' sanitiser expects) and stored one after the other in a
    single brotli stream; CFF fonts have no ``glyf``/``loca`` to transform.
    """
    import brotli
    from fontTools.ttLib.woff2 import packBase128, woff2KnownTags

    flavor, num = otf[:4], struct.unpack(">H", otf[4:6])[0]
    tables = {}
    for i in range(num):
        tag, _checksum, offset, length = struct.unpack(">4sLLL", otf[12 + 16 * i: 28 + 16 * i])
        tables[tag] = otf[offset: offset + length]
    directory, stream, sfnt_size = b"", [], 12 + 16 * len(tables)
    for tag in sorted(tables):
        data = tables[tag]
        name = tag.decode("latin-1")
        index = woff2KnownTags.index(name) if name in woff2KnownTags else 63
        directory += bytes([index]) + (tag if index == 63 else b"") + packBase128(len(data))
        stream.append(data)
        sfnt_size += (len(data) + 3) & ~3
    compressed = brotli.compress(b"".join(stream), mode=brotli.MODE_FONT, quality=quality)
    header_size = 48
    length = header_size + len(directory) + len(compressed)
    length += -length % 4
    major, minor = struct.unpack(">HH", tables[b"head"][4:8]) if b"head" in tables else (0, 0)
    header = struct.pack(">4s4sLHHLLHHLLLLL", b"wOF2", flavor, length, len(tables), 0, sfnt_size, len(compressed),
                         major, minor, 0, 0, 0, 0, 0)
    body = header + directory + compressed
    return body + b"\0" * (-len(body) % 4)


def subset_woff2(text: str) -> bytes:
    """A WOFF2 font holding the glyphs of the characters of ``text`` (and printable ASCII)."""
    return woff2(subset_otf(text))


def font_face_css(text: str) -> str:
    """An ``@font-face`` rule whose ``src`` is the WOFF2 subset for ``text`` as a ``data:`` URL."""
    data = base64.b64encode(subset_woff2(text)).decode("ascii")
    return (
        f'@font-face {{ font-family: "{FAMILY}"; font-style: normal; font-weight: 400; font-display: block;\n'
        f'  src: url("data:font/woff2;base64,{data}") format("woff2"); }}'
    )
