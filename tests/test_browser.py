"""The published reports in a real browser: headless Chromium loads a month's index and a section.

Driven through the DevTools protocol with ``websocket-client`` (already installed with
jupyter_server, which JupyterLab requires), so no browser-automation package is added.
Without Chromium the test skips, except under ``CI=true`` where it fails.
Set ``BULLETIN_SCREENSHOTS=DIR`` to keep the screenshots for a look.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from bulletin import paths
from bulletin.cli import main

CHROMIUM = next((p for p in (shutil.which("chromium"), "/usr/bin/chromium", shutil.which("chromium-browser"),
                             shutil.which("google-chrome")) if p and os.path.exists(p)), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--remote-debugging-port=0", "--window-size=1200,900"]

_CHECK = """JSON.stringify({
  title: document.title,
  ready: document.readyState,
  headings: [...document.querySelectorAll('h1, h2')].map(h => h.textContent.replace('¶', '').trim()),
  images: [...document.images].map(i => ({complete: i.complete, w: i.naturalWidth, h: i.naturalHeight})),
  links: [...document.querySelectorAll('a')].map(a => a.getAttribute('href')),
  height: document.documentElement.scrollHeight,
})"""


@pytest.fixture(scope="module")
def chromium():
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium not found, and CI=true requires the browser test to run")
        pytest.skip("Chromium not found (Debian: apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser") / "reports"
    assert main(["run", "2020-02", "--out", str(out), "--sections", "overview,appointments", "--force"]) == 0
    return out


class _Page:
    """One Chromium tab over the DevTools websocket."""

    def __init__(self, binary: str, profile: Path, fonts: Path | None) -> None:
        import websocket

        env = dict(os.environ)
        if fonts is not None:
            env["FONTCONFIG_FILE"] = str(fonts)
        self.proc = subprocess.Popen([binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("Chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            page = next(t for t in json.load(r) if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self._id = 0
        self.requests: list[str] = []  # every URL the pages asked for (Network events)
        self.send("Network.enable")

    def send(self, method: str, **params):
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("method") == "Network.requestWillBeSent":
                self.requests.append(msg["params"]["request"]["url"])
            if msg.get("id") == self._id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def open(self, url: str) -> dict:
        self.send("Page.navigate", url=url)
        deadline = time.monotonic() + 30
        while True:
            result = self.send("Runtime.evaluate", expression=_CHECK, returnByValue=True).get("result", {})
            state = json.loads(result["value"]) if "value" in result else None  # None: still navigating
            if state and state["ready"] == "complete" and all(i["complete"] for i in state["images"]):
                return state
            if time.monotonic() > deadline:
                raise AssertionError(f"{url} did not finish loading: {state}")
            time.sleep(0.1)

    def screenshot(self, path: Path, height: int) -> None:
        import base64

        self.send("Emulation.setDeviceMetricsOverride", width=1200, height=min(max(height, 600), 6000),
                  deviceScaleFactor=1, mobile=False)
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _fontconfig(tmp: Path) -> Path | None:
    """Let Chromium find the CJK font the project installs (mplfonts), for readable screenshots."""
    try:
        import mplfonts
    except ImportError:
        return None
    conf = tmp / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{Path(mplfonts.__file__).parent / 'fonts'}</dir>"
        f"<cachedir>{tmp / 'fontcache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    return conf


def test_month_index_and_section_in_chromium(chromium, reports, tmp_path):
    page = _Page(chromium, tmp_path / "profile", _fontconfig(tmp_path))
    keep = os.environ.get("BULLETIN_SCREENSHOTS")
    try:
        index = page.open((reports / "2020-02" / "index.html").as_uri())
        page.screenshot(tmp_path / "index.png", index["height"])
        assert index["ready"] == "complete"
        assert "2020年2月" in index["title"]
        assert any("卫生信息统计简报" in h for h in index["headings"])
        assert {"本月要点", "数据核对", "分节报告"} <= set(index["headings"])
        assert "02_appointments.html" in index["links"] and "00_overview.html" in index["links"]

        section = page.open((reports / "2020-02" / "02_appointments.html").as_uri())
        page.screenshot(tmp_path / "section.png", section["height"])
        assert section["ready"] == "complete"
        assert "预约挂号" in section["headings"]
        assert section["images"], "the section shows charts"
        for image in section["images"]:
            assert image["complete"] and image["w"] > 0 and image["h"] > 0, image
        # offline: the pages asked for nothing but local files and inline data (no CDN)
        assert page.requests and all(u.startswith(("file:", "data:")) for u in page.requests), page.requests
    finally:
        page.close()
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            for name in ("index.png", "section.png"):
                if (tmp_path / name).is_file():
                    shutil.copy(tmp_path / name, Path(keep) / name)
    for name in ("index.png", "section.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert paths.PROJECT_ROOT.as_posix() not in (reports / "2020-02" / "02_appointments.html").read_text("utf-8")
