"""The analyst's path in JupyterLab, in a real browser: ``make lab``'s working copy, Run All, errors.

``tools/lab.py`` (what ``make lab`` runs) starts JupyterLab on a working copy of ``notebooks/`` in a
temporary folder; headless Chromium (driven over the DevTools protocol, as in test_browser.py) opens
a section notebook, clears it and runs every cell with JupyterLab's own *Run All* command, and the
test reads what JupyterLab then holds: every code cell ran, the outputs are those recorded in
``notebooks/`` (the same tables, the same text, a chart where one is recorded, no error, nothing
on stderr) and the page shows them. Then the parameters cell is changed to a month that is not in
the data and run again: the notebook shows one line in Chinese naming the months there, no
traceback. The notebook is saved, and ``notebooks/`` is byte for byte what it was.

Set ``BULLETIN_SCREENSHOTS=DIR`` to keep a screenshot of the error as the analyst sees it.
Every wait is on a condition (the server's runtime file, the app's state, the command's promise)
with a generous deadline; nothing sleeps for a fixed time to let something happen.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from helpers import CHROMIUM, Page

from bulletin.core import paths

NOTEBOOK = "02_appointments.ipynb"
LAB_SCRIPT = paths.PROJECT_ROOT / "tools" / "lab.py"
#: what JupyterLab shows for a month not in the data (the same line as bulletin.month's, tests/test_analyst.py)
LINE = "数据中没有 2020-07 这个月份（没有文件夹 data/2020-07）；数据中有：2020-02"
DEADLINE = 240  # seconds for any one step on a loaded 2-core machine; a healthy step takes a few

# the notebook panel of NOTEBOOK among the main area's widgets (focus-independent, unlike currentWidget)
_PANEL = f"""(() => {{ const a = window.jupyterapp; if (!a || !a.shell) return null;
  return Array.from(a.shell.widgets('main')).find(w => w.context && w.context.path === {json.dumps(NOTEBOOK)}) || null;
}})()"""

_STATE = f"""JSON.stringify((() => {{ const w = {_PANEL}; if (!w) return null;
  const s = w.sessionContext, k = s.session && s.session.kernel;
  return {{ready: w.context.isReady, status: s.kernelDisplayStatus, kernel: k ? k.name : null,
          counts: w.content.widgets.filter(c => c.model.type === 'code').map(c => c.model.executionCount),
          run: window.__bulletinRun === undefined ? null : window.__bulletinRun}};
}})())"""

# JupyterLab's own commands, on the panel made the current one; the promise's outcome is kept in
# the page, where the test polls for it (a cell run can outlast one DevTools call)
_RUN_ALL = f"""(() => {{ const a = window.jupyterapp, w = {_PANEL};
  a.shell.activateById(w.id);
  window.__bulletinRun = null;
  a.commands.execute('notebook:clear-all-cell-outputs')
    .then(() => a.commands.execute('notebook:run-all-cells'))
    .then(ok => {{ window.__bulletinRun = String(ok); }}, e => {{ window.__bulletinRun = 'failed: ' + e; }});
  return JSON.stringify(1);
}})()"""

_OUTPUTS = f"""JSON.stringify({_PANEL}.content.widgets.filter(c => c.model.type === 'code')
  .map(c => c.model.toJSON()))"""

# what the page shows: the panel's rendered outputs (tables, charts, error lines). An error's text is
# its textContent: JupyterLab sets `content-visibility: auto` on off-screen cells, whose innerText is
# "" after Run All, which would pass for a drawn error
_SHOWN = f"""JSON.stringify((() => {{ const n = {_PANEL}.node;
  return {{tables: n.querySelectorAll('.jp-OutputArea-output table').length,
          images: [...n.querySelectorAll('.jp-OutputArea-output img')].map(i => i.complete && i.naturalWidth > 0),
          errors: [...n.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
                  .map(e => e.textContent.trim())}};
}})())"""

_SET_MONTH = f"""(() => {{ const w = {_PANEL};
  const cell = w.content.widgets.find(c => (c.model.getMetadata('tags') || []).includes('parameters'));
  cell.model.sharedModel.setSource('month = "2020-07"\\ndata_dir = None');
  return JSON.stringify(1);
}})()"""

_SAVE = f"""(() => {{ const w = {_PANEL};
  window.__bulletinSaved = null;
  w.context.save().then(() => {{ window.__bulletinSaved = 'saved'; }},
                        e => {{ window.__bulletinSaved = 'failed: ' + e; }});
  return JSON.stringify(1);
}})()"""


def _wait(what: str, probe, deadline: float = DEADLINE):
    """``probe()`` until it returns something truthy, or fail naming ``what`` and the last value seen."""
    end = time.monotonic() + deadline
    seen = None
    while time.monotonic() < end:
        seen = probe()
        if seen:
            return seen
        time.sleep(0.2)  # polling interval, not a wait for something to happen
    raise AssertionError(f"{what}: not within {deadline} s (last seen: {seen!r})")


@pytest.fixture(scope="module")
def chromium():
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium not found, and CI=true requires the browser tests to run")
        pytest.skip("Chromium not found (Debian: apt-get install chromium)")
    return CHROMIUM


@pytest.fixture
def lab(tmp_path):
    """JupyterLab as ``make lab`` starts it, on a working copy in ``tmp_path / "lab"``, isolated from
    the user's Jupyter settings, workspaces and kernels; yields (base URL, token, working copy)."""
    home = tmp_path / "jupyter"
    settings = home / "settings"
    # no "would you like news?" prompt (and no request for news): the settings a user would pick
    notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"), "IPYTHONDIR": str(home / "ipython")}
    env.pop(paths.ENV_DATA_DIR, None)
    token = secrets.token_hex(16)
    work = tmp_path / "lab"
    log = (tmp_path / "lab.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, str(LAB_SCRIPT), "--dir", str(work), "--no-browser", "--ip=127.0.0.1", "--port=0",
         "--expose-app-in-browser", f"--IdentityProvider.token={token}", "--LabApp.extension_manager=readonly"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        def runtime_file():
            if server.poll() is not None:
                raise AssertionError(f"JupyterLab exited ({server.returncode}): "
                                     + (tmp_path / "lab.log").read_text("utf-8", "replace")[-2000:])
            found = list((home / "runtime").glob("jpserver-*.json"))
            return json.loads(found[0].read_text("utf-8")) if found and found[0].stat().st_size else None

        info = _wait("JupyterLab's runtime file", runtime_file)
        base = f"http://127.0.0.1:{info['port']}"

        def answers():
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=10) as r:
                    return r.status == 200
            except OSError:
                return False

        _wait("JupyterLab's API", answers)
        yield base, token, work
    finally:
        server.terminate()  # the server shuts its kernels down on SIGTERM
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.ipynb"))}


def _plain(output: dict) -> str:
    text = output.get("data", {}).get("text/plain", "")
    return "".join(text) if isinstance(text, list) else text


def test_run_all_in_jupyterlab_shows_every_recorded_output(chromium, lab, tmp_path):
    base, token, work = lab
    recorded_before = _digest(paths.NOTEBOOKS_DIR)
    assert set(_digest(work)) == set(recorded_before)  # make lab's working copy holds every notebook
    recorded = nbformat.read(paths.NOTEBOOKS_DIR / NOTEBOOK, as_version=4)
    expected = [c for c in recorded.cells if c.cell_type == "code"]

    page = Page(chromium, tmp_path / "profile")
    try:
        page.send("Page.navigate", url=f"{base}/lab/tree/{NOTEBOOK}?token={token}")
        state = _wait("the notebook open with an idle kernel", lambda: (s := page.evaluate(_STATE))
                      and s["ready"] and s["status"] == "idle" and s["kernel"] and s)
        assert state["kernel"] == "python3"

        page.evaluate(_RUN_ALL)
        state = _wait("Run All to finish", lambda: (s := page.evaluate(_STATE)) and s["run"] and s["status"] == "idle"
                      and s)
        assert state["run"] == "true", state  # JupyterLab's runAll: true when every cell ran without error
        assert all(isinstance(n, int) for n in state["counts"]) and len(state["counts"]) == len(expected), state

        cells = page.evaluate(_OUTPUTS)
        for number, (got, want) in enumerate(zip(cells, expected, strict=True)):
            kinds = [o["output_type"] for o in got["outputs"]]
            assert "error" not in kinds and not any(o.get("name") == "stderr" for o in got["outputs"]), (number, got)
            assert kinds == [o.output_type for o in want.outputs], (number, kinds)
            for g, w in zip(got["outputs"], want.outputs, strict=True):
                assert sorted(g.get("data", {})) == sorted(w.get("data", {})), number
                # the same tables and figures as recorded for 2020-02, one figure per line
                assert _plain(g) == _plain(w), (number, _plain(g)[:300])
        printed = _plain(cells[2]["outputs"][0])  # appointments.printed_view(m)
        assert "1 南京市儿童医院 | 电话预约: 1,187" in printed.splitlines()  # the bulletin's own figure
        assert "合计 | 小计: 74,217" in printed

        shown = _wait("every output drawn", lambda: (s := page.evaluate(_SHOWN))
                      and len(s["images"]) == sum("image/png" in o.get("data", {}) for c in expected for o in c.outputs)
                      and all(s["images"]) and s)
        assert shown["tables"] == sum("<table" in "".join(o.get("data", {}).get("text/html", ""))
                                      for c in expected for o in c.outputs)
        assert shown["errors"] == []

        # a month that is not in the data: one line, in Chinese, naming the months there
        page.evaluate(_SET_MONTH)
        page.evaluate(_RUN_ALL)
        state = _wait("Run All to stop at the error", lambda: (s := page.evaluate(_STATE)) and s["run"]
                      and s["status"] == "idle" and s)
        assert state["run"] == "false"
        # the error as the kernel sent it: one line, the traceback IPython's _render_traceback_ hook gave
        errors = [o for c in page.evaluate(_OUTPUTS) for o in c["outputs"] if o["output_type"] == "error"]
        assert len(errors) == 1 and errors[0]["ename"] == "MonthNotInDataError", errors
        assert [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in errors[0]["traceback"]] == [
            f"MonthNotInDataError: {LINE}"]
        shown = _wait("the error drawn", lambda: (s := page.evaluate(_SHOWN))  # an empty text is not drawn
                      and s["errors"] and all(s["errors"]) and s)
        # the kernel still held February's `m` from the first Run All: no cell after the failed start
        # shows its tables or charts under the 2020-07 parameter (each says why it did not run, or
        # was not run at all)
        assert shown["tables"] == 0 and shown["images"] == [] and len(shown["errors"]) == 1, shown
        assert LINE in shown["errors"][0], shown  # the line the analyst reads, not an empty box
        if os.environ.get("BULLETIN_SCREENSHOTS"):  # to look at: the error as the analyst sees it
            keep = Path(os.environ["BULLETIN_SCREENSHOTS"])
            keep.mkdir(parents=True, exist_ok=True)
            page.evaluate(f"""(() => {{ {_PANEL}.node.querySelector('[data-mime-type="application/vnd.jupyter.stderr"]')
              .scrollIntoView({{block: 'center'}}); return JSON.stringify(1); }})()""")
            page.screenshot(keep / "lab-month-not-in-data.png", 900)

        page.evaluate(_SAVE)
        _wait("the notebook saved", lambda: page.evaluate("JSON.stringify(window.__bulletinSaved)"))
        assert page.evaluate("JSON.stringify(window.__bulletinSaved)") == "saved"
    finally:
        page.close()
    # the exploration went into the working copy; the recorded notebooks are untouched
    saved = nbformat.read(work / NOTEBOOK, as_version=4)
    assert 'month = "2020-07"' in saved.cells[1].source
    assert _digest(paths.NOTEBOOKS_DIR) == recorded_before
