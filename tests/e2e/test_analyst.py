"""The analyst's path outside the batch: plain-Python plots, unit names, errors in IPython and
papermill, the recorded tables' text and nbval's report of a changed figure, and ``make lab``'s copy.

(The same path in JupyterLab driven by a browser is tests/test_lab.py.)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import bulletin
from bulletin.core import paths
from bulletin.core.errors import MonthNotInDataError
from bulletin.core.month_strings import month_ranges
from bulletin.core.mplfont import SYSTEM_CJK_FAMILIES
from bulletin.style import display, output_diff

MONTH = "2020-02"
README = paths.PROJECT_ROOT / "README.md"
LINE = "数据中没有 2020-07 这个月份（没有文件夹 data/2020-07）；数据中有：2020-02"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != paths.ENV_DATA_DIR}
    return subprocess.run(args, cwd=cwd, env={**environ, **env}, capture_output=True, text=True, timeout=300,
                          check=False)


# ------------------------------------------------------------------ 1. plain-Python plots draw Chinese


def _readme_python() -> str:
    """The README's Python block of everyday use, as an analyst would paste it."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"^In Python or a notebook.*?^```python\n(.*?)^```$", text, re.S | re.M)
    assert block, "the README's Python example is missing"
    return block.group(1)


_PLOTS = r'''
import io, json, sys, warnings
caught = []
warnings.simplefilter("always")
warnings.showwarning = lambda message, category, *a, **k: caught.append(f"{category.__name__}: {message}")
import bulletin
report = {"imported": sorted(m for m in ("matplotlib", "pandas", "seaborn") if m in sys.modules)}
import matplotlib
from matplotlib import font_manager
mpl_fonts = sorted(p.name for p in (__import__("pathlib").Path(matplotlib.get_data_path()) / "fonts").rglob("*"))
report["family_at_start"] = list(matplotlib.rcParams["font.family"])
bulletin.month("2020-02")                      # no table read yet: nothing changes
report["family_before_a_table"] = list(matplotlib.rcParams["font.family"])
exec(compile(sys.stdin.read(), "README.md", "exec"))
report["family"] = list(matplotlib.rcParams["font.family"])
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.text import Text
figures = [plt.figure(n) for n in plt.get_fignums()]
for fig in figures:
    fig.savefig(io.BytesIO(), format="png")   # draws every text, as showing the plot would
texts = [t for fig in figures for t in fig.findobj(Text) if t.get_text().strip()]
report["figures"] = len(figures)
report["texts"] = [sorted({t.get_text() for t in fig.findobj(Text)}) for fig in figures]
uncovered = set()
for t in texts:
    faces = [font_manager.get_font(font_manager.findfont(font_manager.FontProperties(family=[f])))
             for f in t.get_fontfamily()]
    uncovered |= {c for c in t.get_text() if not c.isspace() and not any(f.get_char_index(ord(c)) for f in faces)}
report["uncovered"] = sorted(uncovered)
def drawn(s):
    fig = Figure(figsize=(2, 1), dpi=50)
    fig.text(0.05, 0.3, s, fontsize=20)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
# a missing glyph is drawn as the same box whatever the character: two different names would match
report["distinct_glyphs"] = drawn("南京市儿童医院") != drawn("江苏省人民医院")
report["warnings"] = caught
report["mpl_fonts_unchanged"] = mpl_fonts == sorted(
    p.name for p in (__import__("pathlib").Path(matplotlib.get_data_path()) / "fonts").rglob("*"))
print(json.dumps(report, ensure_ascii=False))
'''


def test_the_readmes_plots_draw_chinese_in_plain_python(tmp_path):
    code = _readme_python()
    assert 'k.plot.bar(x="unit", y="payment_yuan")' in code and "sns.catplot(" in code
    done = subprocess.run([sys.executable, "-c", _PLOTS], input=code, cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, check=False,
                          env={**{k: v for k, v in os.environ.items() if k != paths.ENV_DATA_DIR},
                               "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(tmp_path / "mpl")})
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    # importing bulletin loads neither pandas nor matplotlib, and touches no setting until a table is read
    assert report["imported"] == []
    assert report["family_at_start"] == report["family_before_a_table"] == ["sans-serif"]
    # then the project's CJK font is the fallback after matplotlib's own default face
    assert report["family"][0] == "sans-serif" and len(report["family"]) == 2
    assert report["family"][1] in SYSTEM_CJK_FAMILIES
    # the pandas bar chart and the seaborn one, with every hospital's name on their axes
    assert report["figures"] == 2
    units = list(bulletin.month(MONTH).kiosks["unit"])
    assert all(set(units) <= set(texts) for texts in report["texts"])
    assert report["uncovered"] == []
    assert report["distinct_glyphs"]
    # not one "Glyph … missing from font(s) DejaVu Sans"; the ranges' months not in the data are named
    absent = [w for w in report["warnings"] if w.startswith("AbsentMonthsWarning: ")]
    assert [w for w in report["warnings"] if w not in absent] == []
    said = "AbsentMonthsWarning: 数据中没有这些月份，已略过："
    assert absent == [said + "2020-01、2020-03 至 2020-06（4 个月）",
                      said + "2018-01 至 2020-01（25 个月）、2020-03 至 2020-12（10 个月）"]
    assert report["mpl_fonts_unchanged"]  # nothing written into matplotlib's installation


def test_the_fallback_keeps_a_users_own_choice_and_is_added_once():
    import matplotlib as mpl

    from bulletin.core.mplfont import use_as_fallback

    with mpl.rc_context({"font.family": ["serif"]}):
        family = use_as_fallback()
        use_as_fallback()
        assert mpl.rcParams["font.family"] == ["serif", family]


# ------------------------------------------------------------------ 2. rename keeps the Series


def test_rename_returns_a_series_with_the_inputs_index_and_name():
    k = bulletin.month(MONTH).kiosks
    hospitals = k[k["group"] == "hospital"].set_index(k.index[k["group"] == "hospital"] + 100)["unit"]
    renamed = bulletin.data.units.aliases().rename(hospitals)
    assert isinstance(renamed, pd.Series)
    assert renamed.index.equals(hospitals.index) and renamed.name == "unit" and renamed.dtype == hospitals.dtype
    assert len(renamed.head()) == 5
    # the kiosks table prints 南京江北人民医院; units.csv names it 南京市江北人民医院, as the data platform does
    row = hospitals.index[hospitals == "南京江北人民医院"][0]
    assert renamed[row] == "南京市江北人民医院"
    assert (renamed != hospitals).sum() == 3  # 南京江北人民医院, 同仁医院, 南京理工大学校医院
    assert k.assign(unit=bulletin.data.units.aliases().rename(k["unit"]))["unit"].notna().all()


def test_rename_keeps_missing_values_an_index_and_a_list():
    names = bulletin.data.units.aliases()
    series = pd.Series(["同仁医院", pd.NA], index=["a", "b"], name="医院", dtype="string")
    renamed = names.rename(series)
    assert renamed.tolist()[0] == "南京同仁医院" and pd.isna(renamed["b"]) and renamed.name == "医院"
    index = names.rename(pd.Index(["同仁医院", "南京鼓楼医院"], name="unit"))
    assert isinstance(index, pd.Index) and index.tolist() == ["南京同仁医院", "南京鼓楼医院"] and index.name == "unit"
    assert names.rename(["同仁医院"]) == ["南京同仁医院"]


# ------------------------------------------------------------------ 4. one line, worded once


def test_an_absent_month_is_one_chinese_line_naming_the_months_there(data_copy):
    with pytest.raises(MonthNotInDataError) as info:
        bulletin.month("2020-07")
    assert str(info.value) == LINE
    from bulletin.sections import start

    with pytest.raises(MonthNotInDataError) as again:
        start("2020-07")
    assert str(again.value) == LINE
    with pytest.raises(MonthNotInDataError) as other:
        bulletin.load("kiosks", "2020-07", data_copy)
    assert str(data_copy / "2020-07") in str(other.value) and str(other.value).endswith("数据中有：2020-02")


def test_month_ranges_keep_a_long_listing_short():
    months = [f"2019-{m:02d}" for m in range(1, 13)] + ["2020-01", "2020-02", "2020-05"]
    assert month_ranges(months) == "2019-01 至 2020-02、2020-05"
    assert month_ranges([]) == ""


def _ipython(code: str, tmp_path: Path) -> list[str]:
    """What terminal IPython shows for ``code`` (its own colour setting: none)."""
    ipython = Path(sys.executable).with_name("ipython")
    done = _run([str(ipython), "--quick", "--colors=nocolor", "-c", code], tmp_path, IPYTHONDIR=str(tmp_path / "ipy"))
    return [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]


def test_data_errors_show_as_one_line_in_ipython(tmp_path, data_copy):
    month = _ipython("import bulletin; bulletin.month('2020-07')", tmp_path)
    started = _ipython("from bulletin.sections import start; start('2020-07')", tmp_path)
    assert month == started == [f"MonthNotInDataError: {LINE}"]
    # a bad cell read deep inside pandas code: the line names the file, row, column and value, no frames
    path = data_copy / MONTH / "kiosks.csv"
    path.write_text(path.read_text("utf-8").replace("东部战区总医院,82,", "东部战区总医院,八十二,", 1), "utf-8")
    shown = _ipython(f"import bulletin; bulletin.month('{MONTH}', {str(data_copy)!r}).kiosks", tmp_path)
    assert len(shown) == 1 and shown[0].startswith("BulletinDataError: ") and "kiosks.csv" in shown[0]
    assert "八十二" in shown[0] and "kiosks" in shown[0]


def test_papermill_shows_the_same_line(tmp_path):
    import papermill
    from papermill.exceptions import PapermillExecutionError

    out = tmp_path / "02.ipynb"
    with pytest.raises(PapermillExecutionError) as info:
        papermill.execute_notebook(str(paths.NOTEBOOKS_DIR / "02_appointments.ipynb"), str(out),
                                   parameters={"month": "2020-07"}, kernel_name="python3",
                                   cwd=str(paths.NOTEBOOKS_DIR), progress_bar=False)
    exc = info.value
    assert (exc.ename, exc.evalue) == ("MonthNotInDataError", LINE)
    assert [ANSI.sub("", t) for t in exc.traceback] == [f"MonthNotInDataError: {LINE}"]
    assert str(exc).strip().splitlines()[-1] == f"MonthNotInDataError: {LINE}"
    errors = [o for c in nbformat.read(out, as_version=4).cells for o in c.get("outputs", [])
              if o.output_type == "error"]
    assert len(errors) == 1 and len(errors[0].traceback) == 1


# ------------------------------------------------------------------ 5. a changed figure by row and column


def test_a_tables_text_is_one_figure_per_line_with_its_row_and_column():
    from bulletin.sections import appointments, overview

    m = bulletin.month(MONTH)
    lines = display.table_text(appointments.printed_view(m)).splitlines()
    assert lines[0] == "44 行 × 6 列：单位 | 12320在线预约 | 电话预约 | 诊间预约 | 第三方 | 小计"
    assert "1 南京市儿童医院 | 电话预约: 1,187" in lines
    assert "合计 | 小计: 74,217" in lines  # the bulletin's stated total
    assert len(lines) == 1 + 44 * 5
    head = display.table_text(overview.headline_table(m)).splitlines()
    # 板块 and 指标 name the row; the figure is the one column left
    row = r"\d+ 12320卫生热线 12320卫生热线受理咨询电话 \| 本月: 59,507 个"
    assert any(re.fullmatch(row, x) for x in head), head[:3]


def test_a_long_table_is_shortened_as_pandas_shortens_it():
    frame = pd.DataFrame({"单位": [f"医院{i}" for i in range(100)], "台数": range(100)})
    with pd.option_context("display.max_rows", 60, "display.min_rows", 10):
        lines = display.table_text(frame).splitlines()
    assert lines[1] == "0 医院0 | 台数: 0" and lines[-1] == "99 医院99 | 台数: 99"
    assert "…（中间 90 行未列出）…" in lines and len(lines) == 1 + 10 + 1


def test_every_recorded_table_reads_the_same_from_its_html_and_its_text():
    tables = 0
    for path in sorted(paths.NOTEBOOKS_DIR.glob("0*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for out in cell.get("outputs", []):
                html = out.get("data", {}).get("text/html", "")
                if "<table" in html:
                    tables += 1
                    assert output_diff.html_table_lines(html) == out.data["text/plain"].splitlines(), path.name
    assert tables >= 20


def test_the_difference_names_the_changed_figure_recorded_first():
    m = bulletin.month(MONTH)
    from bulletin.sections import appointments

    html = appointments.printed_view(m).to_html()
    changed = html.replace("<td>1,187</td>", "<td>1,188</td>", 1)
    assert output_diff.explain_difference(changed, html)[1:] == [
        "recorded: 1 南京市儿童医院 | 电话预约: 1,188",
        "now:      1 南京市儿童医院 | 电话预约: 1,187",
    ]
    # outside a table the lines of the text are compared
    assert output_diff.explain_difference("a\nb\nc", "a\nB\nc")[1:] == ["recorded: b", "now:      B"]


def test_nbval_names_the_row_and_column_and_how_to_restore(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is needed to tell a changed notebook from the committed one")
    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    notebook = repo / "notebooks" / "02_appointments.ipynb"
    shutil.copy(paths.NOTEBOOKS_DIR / "conftest.py", repo / "notebooks" / "conftest.py")
    shutil.copy(paths.NOTEBOOKS_DIR / "02_appointments.ipynb", notebook)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "recorded"]):
        assert _run([*git, *args], repo).returncode == 0
    # what an autosave of another run would leave: one recorded figure that this run does not give
    text = notebook.read_text("utf-8")
    assert text.count("<td>1,187</td>") == 1 and text.count("1 南京市儿童医院 | 电话预约: 1,187") == 1
    notebook.write_text(text.replace("<td>1,187</td>", "<td>1,188</td>").replace(
        "1 南京市儿童医院 | 电话预约: 1,187", "1 南京市儿童医院 | 电话预约: 1,188"), "utf-8")
    done = _run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "--nbval",
                 "--rootdir", str(repo), str(notebook)], repo, NO_COLOR="1")
    report = ANSI.sub("", done.stdout)
    assert done.returncode == 1, report[-3000:]
    assert "1 failed" in report
    lines = [line.strip() for line in report.splitlines()]
    assert "recorded: 1 南京市儿童医院 | 电话预约: 1,188" in lines, report[-3000:]
    assert "now:      1 南京市儿童医院 | 电话预约: 1,187".strip() in lines
    assert any(line.startswith("notebooks/02_appointments.ipynb (1 cell differs) is not as committed")
               and "git restore notebooks/02_appointments.ipynb" in line and "make lab" in line for line in lines)


# ------------------------------------------------------------------ 3. make lab works on a copy


@pytest.fixture
def lab_tool():
    sys.path.insert(0, str(paths.PROJECT_ROOT / "tools"))
    try:
        import lab

        yield lab
    finally:
        sys.path.remove(str(paths.PROJECT_ROOT / "tools"))
        sys.modules.pop("lab", None)


def test_make_lab_copies_the_notebooks_and_keeps_the_analysts_changes(lab_tool, tmp_path):
    source, work = tmp_path / "notebooks", tmp_path / "lab"
    source.mkdir()
    for name in ("02_appointments.ipynb", "06_kiosks.ipynb"):
        shutil.copy(paths.NOTEBOOKS_DIR / name, source / name)
    assert lab_tool.sync(source, work) == ["copied  02_appointments.ipynb", "copied  06_kiosks.ipynb"]
    assert (work / "02_appointments.ipynb").read_bytes() == (source / "02_appointments.ipynb").read_bytes()
    assert lab_tool.sync(source, work) == []  # nothing to do
    # the analyst explores July in the copy of 02; 06 is left as copied; both are then re-recorded
    mine = (work / "02_appointments.ipynb").read_text("utf-8").replace('month = \\"2020-02\\"', 'month = \\"2020-07\\"')
    assert '2020-07' in mine
    (work / "02_appointments.ipynb").write_text(mine, "utf-8")
    for name in ("02_appointments.ipynb", "06_kiosks.ipynb"):
        (source / name).write_text((source / name).read_text("utf-8") + "\n", "utf-8")
    said = lab_tool.sync(source, work)
    assert said[0].startswith("kept    02_appointments.ipynb (yours") and "delete" in said[0]
    assert said[1].startswith("updated 06_kiosks.ipynb")
    assert (work / "02_appointments.ipynb").read_text("utf-8") == mine
    assert (work / "06_kiosks.ipynb").read_bytes() == (source / "06_kiosks.ipynb").read_bytes()
    (work / "02_appointments.ipynb").unlink()  # delete a copy to get a fresh one
    assert lab_tool.sync(source, work) == ["copied  02_appointments.ipynb"]


def test_make_lab_starts_jupyterlab_on_the_copy(lab_tool, tmp_path, monkeypatch):
    command = lab_tool.lab_command(tmp_path / "lab", ["--no-browser"])
    assert command[:3] == [sys.executable, "-m", "jupyterlab"] and f"--notebook-dir={tmp_path / 'lab'}" in command
    assert ("--allow-root" in command) == (os.geteuid() == 0)
    makefile = (paths.PROJECT_ROOT / "Makefile").read_text("utf-8")
    assert re.search(r"^lab:.*\n\t\$\(BIN\)/python tools/lab\.py \$\(LAB_ARGS\)$", makefile, re.M)
    assert "/lab/" in (paths.PROJECT_ROOT / ".gitignore").read_text("utf-8").splitlines()
    readme = " ".join(README.read_text("utf-8").split())
    assert "`make lab` opens JupyterLab on `lab/`, a working copy of `notebooks/`" in readme
    assert "git restore notebooks/NAME.ipynb" in readme


_SHOWN = ("stream", "error", "execute_result", "display_data")


def _collect(kc, ids, deadline=120):
    """Each request's reply status and outputs, read as a frontend reads them (jupyter_client)."""
    import queue
    import time

    replies, outputs = {}, {i: [] for i in ids}

    def outputs_until(timeout):
        try:
            msg = kc.get_iopub_msg(timeout=timeout)
        except queue.Empty:
            return False
        parent = msg["parent_header"].get("msg_id")
        if parent in outputs and msg["msg_type"] in _SHOWN:
            outputs[parent].append(msg["content"])
        return True

    end = time.monotonic() + deadline
    while len(replies) < len(ids) and time.monotonic() < end:
        outputs_until(1)
        while True:
            try:
                reply = kc.get_shell_msg(timeout=0.05)
            except queue.Empty:
                break
            if reply["parent_header"].get("msg_id") in outputs:
                replies[reply["parent_header"]["msg_id"]] = reply["content"]["status"]
    while outputs_until(0.5):  # the outputs sent before the last reply
        pass
    assert len(replies) == len(ids)
    return [replies[i] for i in ids], [outputs[i] for i in ids]


def test_a_failed_start_in_a_kernel_shows_no_other_months_figures(data_copy):
    """JupyterLab's Run All, as it sends it: every cell's execute_request at once (stop_on_error), on
    a kernel that still holds ``m`` of February from an earlier run; the month asked for is absent."""
    from jupyter_client.manager import start_new_kernel

    nb = nbformat.read(paths.NOTEBOOKS_DIR / "02_appointments.ipynb", as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code[0].startswith('month = "2020-02"') and "start(month, data_dir" in code[1]
    cells = [f'month = "2020-07"\ndata_dir = {str(data_copy)!r}', *code[1:]]
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        def send(source):
            return kc.execute(source, stop_on_error=True)

        # an earlier run of February left `m` in the kernel
        status, _ = _collect(kc, [send(f'month = "2020-02"\ndata_dir = {str(data_copy)!r}\n' + code[1])])
        assert status == ["ok"]

        def failed_start(status, outputs):
            assert status[:2] == ["ok", "error"]
            (error,) = [o for o in outputs[1] if "ename" in o]
            assert error["ename"] == "MonthNotInDataError" and len(error["traceback"]) == 1
            assert "2020-07" in ANSI.sub("", error["traceback"][0])
            for state, shown in zip(status[2:], outputs[2:], strict=True):
                assert state in ("ok", "aborted"), (state, shown)
                for o in shown:
                    assert "ename" not in o, o  # no NameError
                    data = o.get("data", {})
                    assert set(data) <= {"text/plain", "text/html"} and "<table" not in data.get("text/html", ""), o
                    text = data.get("text/plain", "") + o.get("text", "")
                    assert "本单元未运行" in text and "2020-07" in text and "2020年2月" not in text, o

        # Run All: every request sent at once, run in order (the kernel may abort those queued)
        failed_start(*_collect(kc, [send(source) for source in cells]))
        # each cell sent once the one before has replied (the kernel's abort window is long over): every
        # cell after the failed start shows the one line saying why it did not run, nothing else
        results = [_collect(kc, [send(source)]) for source in cells]
        status, outputs = [r[0][0] for r in results], [r[1][0] for r in results]
        failed_start(status, outputs)
        assert status[2:] == ["ok"] * (len(cells) - 2) and all(len(shown) == 1 for shown in outputs[2:]), outputs

        # the month corrected and run again from the start: the figures are back
        ids = [send(f'month = "2020-02"\ndata_dir = {str(data_copy)!r}'), send(code[1]), send(code[2])]
        status, outputs = _collect(kc, ids)
        assert status == ["ok", "ok", "ok"]
        assert any("<table" in o.get("data", {}).get("text/html", "") for o in outputs[2])
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
