"""How long a page's embedded font takes: ``bulletin.core.fonts`` against the plain fontTools way.

    .venv/bin/python bench/bench_site.py [--reps 5]

The texts are the reader pages of the recorded section notebooks (``notebooks/*.ipynb``),
rendered without their font. "plain" is fontTools' subsetter with WOFF2 output (layout tables
kept, hints dropped: what ``pyftsubset --flavor=woff2`` does), a fresh font per page.
"bulletin" is :func:`bulletin.core.fonts.subset_woff2`: outlines drawn once per process and
reused, no layout tables, WOFF2 at brotli 9. Both run in the same process, one page after the
other as a worker does; figures are medians per page (the machine is shared) and the WOFF2
sizes. Goal: the fonts of a month's nine pages add well under 15% to a cold ``bulletin run``.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time

import nbformat

from bulletin.core import fonts
from bulletin.render.site import pages
from bulletin.sections import SECTIONS


def page_texts() -> list[str]:
    """Each section page's text as it is before the font goes in."""
    texts = []
    for s in SECTIONS:
        nb = nbformat.read(s.notebook, as_version=4)
        html = pages.environment().get_template("section.html.j2").render(
            site=pages.site_info(), font_css="", title=s.title, month_label="2020年2月", page_kind="section",
            nav=pages.month_nav("2020-02", ["2020-02"], [(x.stem, x.title) for x in SECTIONS], s.stem),
            blocks=[])
        cells = "".join(str(c.source) + str(c.get("outputs", "")) for c in pages.reader_cells(nb))
        texts.append(html + "".join(ch for ch in cells if ord(ch) > 0x2000))
    return texts


def plain(text: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False
    font = TTFont(fonts.source_font(), lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args(argv)
    texts = page_texts()
    t = time.perf_counter()
    fonts.prepare()
    prepare = time.perf_counter() - t
    results = {}
    for name, func in (("plain", plain), ("bulletin", fonts.subset_woff2)):
        times, sizes = [], []
        for _ in range(args.reps):
            for text in texts:
                t = time.perf_counter()
                data = func(text)
                times.append(time.perf_counter() - t)
                sizes.append(len(data))
        results[name] = (statistics.median(times), statistics.median(sizes))
        seconds, size = results[name]
        print(f"{name:9s} median {seconds * 1000:7.1f} ms a page, WOFF2 median {size / 1024:6.1f} KiB", flush=True)
    ratio = results["bulletin"][0] / results["plain"][0]
    print(f"bulletin / plain: {ratio:.3f} of the time, {results['bulletin'][1] / results['plain'][1]:.2f} of the size; "
          f"reading the font once per run (before the workers fork): {prepare * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
