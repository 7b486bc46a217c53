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

from bulletin.core.paths import BUNDLED_FONT, bundled_font_path  # noqa: F401 - the project's font file, found in paths

#: the family name pages use for the embedded face (tests/e2e/test_browser.py looks for it)
FAMILY = "Bulletin Noto Sans SC"

#: always in the subset: printable ASCII, so that numbers and Latin never fall back to another face
_ALWAYS = "".join(chr(c) for c in range(0x20, 0x7F))


@lru_cache(maxsize=1)
def source_font() -> str:
    """The path of the project's CJK font file (Noto Sans CJK SC of ``mplfonts``)."""
    path = bundled_font_path()
    if path is None:
        raise RuntimeError("the mplfonts package (Noto Sans CJK SC) is needed to embed the pages' font")
    return str(path)


#: brotli quality of the WOFF2 data: 9 compresses a page's subset in a few hundredths of a second,
#: about 7% larger than 11, which takes ten times as long (fontTools' WOFF2 writer always uses 11)
BROTLI_QUALITY = 9


class _Source:
    """The project's font, parsed once per process, with the outlines drawn so far.

    Built in the runner before it forks its workers (:func:`prepare`), so every worker starts with
    the character map, the metrics and the common glyphs already read.
    """

    def __init__(self, path: str) -> None:
        from fontTools.ttLib import TTFont

        self.font = TTFont(path, lazy=True)
        self.cmap = self.font.getBestCmap()
        self.metrics = self.font["hmtx"].metrics
        self.glyphs = self.font.getGlyphSet()
        self.head, self.hhea, self.os2 = self.font["head"], self.font["hhea"], self.font["OS/2"]
        self.outlines: dict[str, object] = {}

    def outline(self, name: str):
        """The glyph as a charstring without subroutines or hints (drawn once, then kept)."""
        found = self.outlines.get(name)
        if found is None:
            from fontTools.pens.t2CharStringPen import T2CharStringPen

            pen = T2CharStringPen(self.metrics[name][0], self.glyphs)
            self.glyphs[name].draw(pen)
            found = self.outlines[name] = pen.getCharString()
        return found


_source: _Source | None = None


def prepare(text: str = "") -> None:
    """Read the font and draw the glyphs of ``text`` now (before forking: the workers inherit them)."""
    global _source
    if _source is None:
        _source = _Source(source_font())
    for c in set(text + _ALWAYS):
        name = _source.cmap.get(ord(c))
        if name is not None:
            _source.outline(name)


def subset_otf(text: str) -> bytes:
    """An OpenType (CFF) font holding the glyphs of the characters of ``text`` (and printable ASCII).

    Built with fontTools' ``FontBuilder`` from the source's outlines (without hints or
    subroutines) and metrics: horizontal Chinese and figures need no layout tables, and the
    outlines drawn for one page are reused by the next (pages share most of their characters),
    which makes a page's font a matter of hundredths of a second.
    """
    from fontTools.fontBuilder import FontBuilder
    from fontTools.ttLib import TTFont

    prepare()
    src = _source
    assert src is not None
    cmap = {}
    for c in set(text + _ALWAYS):
        name = src.cmap.get(ord(c))
        if name is not None:
            cmap[ord(c)] = name
    order = [".notdef", *sorted(set(cmap.values()) - {".notdef"})]
    builder = FontBuilder(font=TTFont(sfntVersion="OTTO", recalcBBoxes=False, recalcTimestamp=False))
    head = src.head
    builder.setupHead(unitsPerEm=head.unitsPerEm, fontRevision=head.fontRevision, created=head.created,
                      modified=head.modified, xMin=head.xMin, yMin=head.yMin, xMax=head.xMax, yMax=head.yMax,
                      macStyle=0, lowestRecPPEM=head.lowestRecPPEM)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap(cmap)
    builder.setupCFF(FAMILY.replace(" ", ""), {"FullName": FAMILY, "FamilyName": FAMILY, "Weight": "Regular"},
                     {name: src.outline(name) for name in order}, {})
    builder.setupHorizontalMetrics({name: src.metrics[name] for name in order})
    builder.setupMaxp()
    builder.setupHorizontalHeader(ascent=src.hhea.ascent, descent=src.hhea.descent, lineGap=src.hhea.lineGap)
    os2 = src.os2
    builder.setupOS2(sTypoAscender=os2.sTypoAscender, sTypoDescender=os2.sTypoDescender,
                     sTypoLineGap=os2.sTypoLineGap, usWinAscent=os2.usWinAscent, usWinDescent=os2.usWinDescent,
                     usWeightClass=os2.usWeightClass, fsSelection=os2.fsSelection, achVendID=os2.achVendID,
                     sxHeight=os2.sxHeight, sCapHeight=os2.sCapHeight, panose=os2.panose,
                     ulCodePageRange1=os2.ulCodePageRange1, ulCodePageRange2=os2.ulCodePageRange2)
    builder.setupNameTable({"familyName": FAMILY, "styleName": "Regular"}, mac=False)
    builder.setupPost(keepGlyphNames=False)
    out = io.BytesIO()
    builder.font.save(out)
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
