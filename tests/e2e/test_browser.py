"""The published pages in a real browser, as a reader on a machine without a Chinese font sees them.

Headless Chromium runs with the machine's own fonts (no fontconfig trick): the test asserts that
the Chinese on every page is drawn with the face the page itself carries (``document.fonts`` and
glyph widths: every CJK character is one em wide in the embedded face, which a fallback box is
not), that no request left the page, that every chart has alt text, and that the axe-core audit
finds no serious or critical violation. Driven through the DevTools protocol with
``websocket-client``, so no browser-automation package is added.

Needs Chromium (Debian: ``apt-get install chromium``) and axe-core (``npm install --prefix build
axe-core@4``, or ``BULLETIN_AXE_JS=path/to/axe.min.js``); both are installed by ``.ci/run``.
Without Chromium the test skips; without axe-core it runs the browser's other checks and then
skips, saying the audit did not run. Under ``CI=true`` either absence fails it.
Set ``BULLETIN_SCREENSHOTS=DIR`` to keep a screenshot of every page (and an A4 PDF of one).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from helpers import CHROMIUM, Page

from bulletin.core import paths
from bulletin.core.fonts import FAMILY
from bulletin.sections import SECTIONS

AXE = next((Path(p) for p in (os.environ.get("BULLETIN_AXE_JS"),
                              paths.PROJECT_ROOT / "build" / "node_modules" / "axe-core" / "axe.min.js")
            if p and Path(p).is_file()), None)


# Which face draws the page's Chinese: the embedded one is loaded and covers every CJK character
# (each is exactly one em wide in it; a character missing from the subset would fall back to the
# monospace face and be drawn as a box of another width).
_FONTS = """(async () => {
  await document.fonts.ready;
  const faces = [...document.fonts].map(f => ({family: f.family.replace(/"/g, ''), status: f.status}));
  const text = document.body.innerText;
  const cjk = [...new Set([...text].filter(c => /[\\u3000-\\u303f\\u4e00-\\u9fff\\uff00-\\uffef]/.test(c)))];
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = '100px "FAMILY", monospace';
  const wrong = cjk.filter(c => Math.abs(ctx.measureText(c).width - 100) > 0.5);
  ctx.font = '100px monospace';
  const fallback = ctx.measureText('南').width;
  return JSON.stringify({faces, cjk: cjk.length, wrong, fallback,
                         bodyFont: getComputedStyle(document.querySelector('h1, p')).fontFamily});
})()""".replace("FAMILY", FAMILY)

_AXE = """axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(
  r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))"""


@pytest.fixture(scope="module")
def chromium():
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium not found, and CI=true requires the browser test to run")
        pytest.skip("Chromium not found (Debian: apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="module")
def reports(published_2020_02):
    return published_2020_02  # bulletin run 2020-02, shared with the site and documents tests




def _pages(reports: Path) -> list[tuple[str, Path]]:
    month = reports / "2020-02"
    return [("top", reports / "index.html"), ("month", month / "index.html"),
            *[(s.stem, month / f"{s.stem}.html") for s in SECTIONS]]


def without_axe() -> None:
    """No axe-core: the audit did not run, so the test may not pass. Outside CI it skips with the
    reason (after the browser's own checks, which still fail it); under ``CI=true`` it fails."""
    reason = ("axe-core not found (make browser-deps, or BULLETIN_AXE_JS=path/to/axe.min.js): "
              "the accessibility audit did not run")
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}, and CI=true requires it")
    pytest.skip(f"{reason}; the pages passed the browser's other checks")


def test_every_page_in_chromium_without_a_cjk_font(chromium, reports, tmp_path):
    if AXE is None and os.environ.get("CI") == "true":
        without_axe()  # fails at once, before the pages are opened
    keep = Path(os.environ["BULLETIN_SCREENSHOTS"]) if os.environ.get("BULLETIN_SCREENSHOTS") else None
    page = Page(chromium, tmp_path / "profile")
    problems: list[str] = []
    try:
        for name, path in _pages(reports):
            state = page.open(path.as_uri())
            assert state["lang"] == "zh-CN", name
            assert "2020年2月" in state["title"] or name == "top", state["title"]
            fonts = page.evaluate(_FONTS)
            # the page's own face is loaded, draws every CJK character, and is the body's first family
            assert {"family": FAMILY, "status": "loaded"} in fonts["faces"], (name, fonts["faces"])
            assert fonts["cjk"] > 10 and not fonts["wrong"], (name, fonts["wrong"][:20])
            assert fonts["bodyFont"].strip('"').startswith(FAMILY), (name, fonts["bodyFont"])
            levels = [int(tag[1]) for tag, _ in state["headings"]]
            assert levels and levels[0] == 1, (name, levels)
            assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (name, levels)
            for image in state["images"]:
                assert image["w"] > 0 and image["alt"] and image["alt"].startswith("图表："), (name, image)
            if AXE is not None:
                page.evaluate(AXE.read_text(encoding="utf-8") + ";JSON.stringify(1)")
                for v in page.evaluate(_AXE):
                    if v["impact"] in ("serious", "critical"):
                        problems.append(f"{name}: {v}")
            page.screenshot(tmp_path / f"{name}.png", state["height"])
            assert (tmp_path / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        page.pdf(tmp_path / "06_kiosks.pdf")
        pdf = (tmp_path / "06_kiosks.pdf").read_bytes()
        # the print style sheet asks for A4 (595 × 842 pt), and the long section takes several pages
        boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
        assert pdf[:5] == b"%PDF-" and len(boxes) >= 2
        assert all(round(float(w)) == 595 and round(float(h)) == 842 for w, h in boxes), boxes[:3]
        # offline: the pages asked for nothing but local files and inline data (no CDN, no font server)
        assert page.requests and all(u.startswith(("file:", "data:")) for u in page.requests), \
            [u for u in page.requests if not u.startswith(("file:", "data:"))]
    finally:
        page.close()
        if keep:
            keep.mkdir(parents=True, exist_ok=True)
            for f in tmp_path.glob("*.p[nd][gf]"):
                shutil.copy(f, keep / f.name)
    assert not problems, "\n".join(problems)
    month = reports / "2020-02"
    assert paths.PROJECT_ROOT.as_posix() not in "".join(p.read_text("utf-8") for _, p in _pages(reports))
    assert (month / "index.html").is_file()
    if AXE is None:
        without_axe()  # skipped with the reason, never a silent pass without the audit
