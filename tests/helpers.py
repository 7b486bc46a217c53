"""Helpers shared by tests and benchmarks (not a test module: nothing here is collected); test modules
import from here, never from each other. Fixtures are in conftest.py."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import bulletin
from bulletin import cli
from bulletin.checks import Finding
from bulletin.core import paths, schema
from bulletin.core.errors import BulletinDataError
from bulletin.core.month_strings import next_month
from bulletin.data.ingest import ingest_file

IN_CI = os.environ.get("CI", "").lower() == "true"
#: the environment variable naming the published bulletin's file (:func:`seed_path`), for a checkout
#: that is not beside ``../shared``
SEED_ENV = "BULLETIN_SEED"
#: where the published bulletin is when :data:`SEED_ENV` is not set: beside the project
SHARED_SEED = paths.PROJECT_ROOT.parent / "shared" / "seeds" / "000_96abe972b2bebc64.txt"


def seed_path() -> Path:
    """The published bulletin as received (the whole text, not only its statistics part): the file
    :data:`SEED_ENV` names, else :data:`SHARED_SEED`."""
    named = os.environ.get(SEED_ENV, "")
    return Path(named) if named else SHARED_SEED


#: :func:`seed_path` when the tests start
SEED = seed_path()

REFERENCE_MONTH = "2020-02"
#: the tests' own notebooks and pages (tests/fixtures/), wherever a test module sits under tests/
FIXTURES = Path(__file__).parent / "fixtures"


def figures_notebook():
    """The small notebook of figures (no chart) that the run and page tests give the batch instead
    of the sections' (``tests/fixtures/notebooks/00_figures.ipynb``)."""
    from bulletin.batch import Notebook

    return Notebook("00_figures", "数字", FIXTURES / "notebooks" / "00_figures.ipynb")
#: February's cumulative figures and what each grows by a month in a synthetic history
_CUMULATIVE_FACTS = {
    "appointments.cumulative_total": (18722617, 74217),  # grows by the month's own total: no gap note
    "platform.cumulative_records": (4930000000, 10000000),
}


def history_months(first: str, count: int) -> list[str]:
    """``count`` calendar months from ``first``."""
    months = [first]
    while len(months) < count:
        months.append(next_month(months[-1]))
    return months


def synthetic_month(data_dir: Path, month: str, step: int) -> Path:
    """February 2020's data under ``month``, its cumulative figures ``step`` months further on
    (rising as a real history's do), everything else as February printed it."""
    target = data_dir / month
    shutil.copytree(paths.DEFAULT_DATA_DIR / REFERENCE_MONTH, target)
    facts = target / "facts.csv"
    lines = facts.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        key, value, *rest = line.split(",")
        if key in _CUMULATIVE_FACTS:
            base, growth = _CUMULATIVE_FACTS[key]
            lines[i] = ",".join([key, str(base + step * growth), *rest])
    facts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tele = target / "telemedicine.csv"
    text = tele.read_text(encoding="utf-8")
    tele.write_text(text.replace("consultations_cumulative,109", f"consultations_cumulative,{109 + 5 * step}"),
                    encoding="utf-8")
    return target


def synthetic_history(data_dir: Path, first: str, count: int, *, skip: tuple[str, ...] = ()) -> list[str]:
    """A data folder of ``count`` months from ``first`` (months in ``skip`` left out: gaps), each a
    :func:`synthetic_month`; also copies the alias table. Returns the months written."""
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(paths.DEFAULT_DATA_DIR / "units.csv", data_dir / "units.csv")
    written = []
    for step, month in enumerate(history_months(first, count)):
        if month not in skip:
            synthetic_month(data_dir, month, step)
            written.append(month)
    return written


# ---------------------------------------------------------------- Chromium (tests/test_browser.py, test_lab.py)

_STATE = """JSON.stringify({
  title: document.title,
  ready: document.readyState,
  lang: document.documentElement.lang,
  headings: [...document.querySelectorAll('h1, h2, h3, h4')].map(h => [h.tagName, h.textContent.trim()]),
  images: [...document.images].map(i => ({complete: i.complete, w: i.naturalWidth, alt: i.getAttribute('alt')})),
  links: [...document.querySelectorAll('a')].map(a => a.getAttribute('href')),
  height: document.documentElement.scrollHeight,
})"""

CHROMIUM = next((p for p in (shutil.which("chromium"), "/usr/bin/chromium", shutil.which("chromium-browser"),
                             shutil.which("google-chrome")) if p and os.path.exists(p)), None)


FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--remote-debugging-port=0", "--window-size=1200,900"]


class Page:
    """One Chromium tab over the DevTools websocket."""

    def __init__(self, binary: str, profile: Path) -> None:
        import websocket

        # the machine's own fonts: no FONTCONFIG_FILE, nothing added
        self.proc = subprocess.Popen([binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
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
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True)
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

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return json.loads(result["result"]["value"])

    def open(self, url: str) -> dict:
        self.send("Page.navigate", url=url)
        deadline = time.monotonic() + 30
        while True:
            result = self.send("Runtime.evaluate", expression=_STATE, returnByValue=True).get("result", {})
            state = json.loads(result["value"]) if "value" in result else None  # None: still navigating
            if state and state["ready"] == "complete" and all(i["complete"] for i in state["images"]):
                return state
            if time.monotonic() > deadline:
                raise AssertionError(f"{url} did not finish loading: {state}")
            time.sleep(0.1)

    def screenshot(self, path: Path, height: int) -> None:
        self.send("Emulation.setDeviceMetricsOverride", width=1200, height=min(max(height, 600), 16000),
                  deviceScaleFactor=1, mobile=False)
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        path.write_bytes(base64.b64decode(data))
        self.send("Emulation.clearDeviceMetricsOverride")

    def pdf(self, path: Path) -> None:
        data = self.send("Page.printToPDF", preferCSSPageSize=True, printBackground=True)["data"]
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
                self.proc.wait()


# ---------------------------------------------------------------- poppler (PDF pages and text)


def tool(name: str, package: str) -> str:
    """The path of a command from a Debian package: skipped when absent, failed under ``CI=true``
    (where ``.ci/run`` installs it)."""
    found = shutil.which(name)
    if found is None:
        if IN_CI:
            pytest.fail(f"{name} (Debian package {package}) is missing; .ci/run installs it")
        pytest.skip(f"{name} not installed (Debian package {package}); CI installs it")
    return found


def poppler(name: str) -> str:
    return tool(name, "poppler-utils")


def struct_elements(node, depth: int = 0):
    """Every element of a PDF's structure tree below ``node`` (pypdf objects), in document order:
    the tagged PDF's headings (``/S``), figures with their ``/Alt`` text, and so on."""
    if depth > 60:
        return
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, dict):
        yield node
        kids = node.get("/K")
        if kids is not None:
            yield from struct_elements(kids, depth + 1)
    elif isinstance(node, list):
        for kid in node:
            yield from struct_elements(kid, depth + 1)


# ---------------------------------------------------------------- the February 2020 bulletin's text

RAW = paths.DEFAULT_DATA_DIR / "raw" / "2020-02.txt"


SHIPPED = paths.DEFAULT_DATA_DIR / REFERENCE_MONTH


def seed_text() -> str:
    """The published bulletin (:func:`seed_path`) as text. A file :data:`SEED_ENV` names must be
    there (failed when it is not); without it, skipped when the bulletin is not beside the project
    (a clone elsewhere), failed under ``CI=true`` (where it is)."""
    seed = seed_path()
    if not seed.is_file():
        if os.environ.get(SEED_ENV):
            pytest.fail(f"{SEED_ENV} names the published bulletin {seed}, which is not a file")
        if IN_CI:
            pytest.fail(f"the published bulletin {seed} is missing; CI runs beside ../shared/seeds "
                        f"(or set {SEED_ENV} to its file)")
        pytest.skip(f"the published bulletin {seed.name} is not on this machine: set {SEED_ENV} to its file")
    return seed.read_text(encoding="utf-8")


def raw_text() -> str:
    return RAW.read_text(encoding="utf-8")


def write(tmp_path: Path, text: str | bytes, name: str = "bulletin.txt") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def row_block(text: str, *cells: str) -> str:
    """The lines of the table row whose first cells are ``cells`` (up to the blank line after it)."""
    head = "".join(f"\t{c}\n" for c in cells)
    m = re.search("(?m)^" + re.escape(head) + r"(?:\t.*\n)*", text)
    assert m, f"no row starting {cells}"
    return m.group(0)


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} found {text.count(old)} times"
    return text.replace(old, new)


def section_span(text: str, title: str) -> str:
    """From a section's title line to the next section title (or the end)."""
    lines = text.split("\n")
    start = lines.index(title)
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"^(南京12320卫生热线)?2020年2月", lines[i])),
               len(lines))
    return "\n".join(lines[start:end]) + "\n"


def assert_same_as_shipped(folder: Path, skip: tuple[str, ...] = (), extra: tuple[str, ...] = ()) -> None:
    shipped = {p.name for p in SHIPPED.iterdir()}
    written = {p.name for p in folder.iterdir()} - {"not_published.csv", *extra}
    assert written == shipped - set(skip)
    for name in written:
        assert (folder / name).read_bytes() == (SHIPPED / name).read_bytes(), name


NEW_PLATFORM = (
    "南京市远程病理诊断平台累计接入15家医疗机构，其中二级以上医疗机构6家。"
    "2月份共采集病理切片1234份。\n\n"
)


# ---------------------------------------------------------------- February's check findings

IDLE_KIOSKS = {
    "东部战区总医院",
    "江苏省第二中医院",
    "东部战区空军医院",
    "南京市口腔医院",
    "上海梅山医院",
    "南京医科大学附属逸夫医院",
    "东部战区总医院汤山分院",
    "江苏省省级机关医院",
    "南京医科大学附属眼科医院",
    "南京理工大学校医院",
    "南京市大厂医院",
    "南京市职业病防治院",
    "建邺区",
}


NOT_REPORTING = {
    "江苏省人民医院",
    "东南大学附属中大医院",
    "南京医科大学第二附属医院",
    "江苏省肿瘤医院",
    "江苏省省级机关医院",
    "南医大眼科医院",
    "江苏省口腔医院",
    "中科院皮研所",
}


EXPECTED_WARNINGS = (
    {("kiosks_idle", "kiosks", u, "kiosks") for u in IDLE_KIOSKS}
    | {("not_reported", "platform_hospitals", u, "declared_tables") for u in NOT_REPORTING}
    | {
        ("average_outlier", "kiosks", "江苏省中医院", "registration_yuan"),
        ("average_outlier", "kiosks", "江苏省肿瘤医院", "payment_yuan"),
        ("average_outlier", "kiosks", "南京市妇幼保健院", "payment_yuan"),
        ("upload_days_zero", "platform_hospitals", "南京市职业病防治院", "upload_days"),
    }
)


def keys(findings: list[Finding]) -> set[tuple[object, ...]]:
    return {(f.rule, f.table, f.unit, f.column) for f in findings}


# ---------------------------------------------------------------- variants of the bulletin (later months)

CUMULATIVE_FEB = 18722617


MONTHLY_FEB = 74217


def march(text: str, month: int = 3) -> str:
    """February's text as the bulletin of ``month`` 2020 (March unless told), whose cumulative
    appointments grew by February's monthly total in each month since February."""
    assert "2020年2月" in text and 2 < month <= 12
    for old, new in (("2020年2月", f"2020年{month}月"), ("截止2月底", f"截止{month}月底"), ("2月份", f"{month}月份"),
                     ("\n2月，全省", f"\n{month}月，全省")):
        text = text.replace(old, new)  # a variant may have left a sentence out
    cumulative = CUMULATIVE_FEB + (month - 2) * MONTHLY_FEB
    return replace_once(text, f"总预约挂号量为{CUMULATIVE_FEB}次", f"总预约挂号量为{cumulative}次")


def with_cumulative(text: str, value: int, month: int = 3) -> str:
    """The text of :func:`march` (for ``month``) with another cumulative appointments figure."""
    cumulative = CUMULATIVE_FEB + (month - 2) * MONTHLY_FEB
    return replace_once(text, f"总预约挂号量为{cumulative}次", f"总预约挂号量为{value}次")


def rows_reordered(text: str) -> str:
    """The first two hospitals of the appointments table swapped."""
    first, second = row_block(text, "1", "南京市儿童医院"), row_block(text, "2", "南京市第一医院")
    return replace_once(text, first + "\n" + second, second + "\n" + first)


def hospital_added_and_dropped(text: str) -> str:
    """南京玛丽妇产医院 gone, 某新接入医院（分院） new, with the dropped one's figures (1 online
    booking), so that the 合计 row still ties out."""
    dropped = row_block(text, "43", "南京玛丽妇产医院")
    return replace_once(text, dropped, dropped.replace("南京玛丽妇产医院", "某新接入医院（分院）"))


def new_platform_and_channel(text: str) -> str:
    """A fifth telemedicine platform (:data:`NEW_PLATFORM`) and a ninth booking channel, 掌上医院APP
    (31 bookings), alone in the half-empty fifth row of the two-per-row table."""
    image = next(ln for ln in text.split("\n") if ln.startswith("南京市远程影像诊断平台"))
    text = replace_once(text, image + "\n", image + "\n\n" + NEW_PLATFORM)
    return replace_once(text, "\t微脉科技\n\t5\n\n\t合计：16669\n",
                        "\t微脉科技\n\t5\n\n\t9\n\t掌上医院APP\n\t31\n\t\n\t\n\t\n\n\t合计：16700\n")


def odd_number_of_channels(text: str) -> str:
    """Seven booking channels (微脉科技 and its 5 bookings left out): the last row half empty."""
    text = replace_once(text, "\t4\n\t江苏省预约挂号网\n\t957\n\t8\n\t微脉科技\n\t5\n",
                        "\t4\n\t江苏省预约挂号网\n\t957\n")
    return replace_once(text, "合计：16669", "合计：16664")


def telemedicine_not_printed(text: str) -> str:
    """The whole 远程医疗 section left out of the bulletin."""
    return replace_once(text, section_span(text, "2020年2月南京市远程医疗系统数据统计"), "")


def not_reported_in_a_new_column(text: str) -> str:
    """江苏省中医院's records (4960336) printed as 未反馈."""
    row = "\t江苏省中医院\n\t26/83\n\t13\n"
    return replace_once(text, row + "\t4960336\n", row + "\t未反馈\n")


def renamed_unit(text: str) -> str:
    """南京鼓楼医院 printed as 南京市鼓楼医院 in the appointments table (no alias in units.csv)."""
    return replace_once(text, "\t南京鼓楼医院\n\t1719\n", "\t南京市鼓楼医院\n\t1719\n")


# ---------------------------------------------------------------- the data package's descriptions


def _csv_rows(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _check_totals_said(decl, rows: list[dict], said: str, facts: dict) -> None:
    """What a table's description says of each stated total (whether the rows add up to it), checked."""
    for total in decl.totals:
        found = re.search(rf"{re.escape(total.fact)}（(.*?)）", said)
        assert (found is not None) == (total.fact in facts), (decl.name, total.fact)
        if found is None:
            continue
        summed = sum(Decimal(r[total.column]) for r in rows if r[total.column] != "")
        tie = found.group(1)
        if tie == "等于各行之和":
            assert total.rule == "exact" and summed == facts[total.fact], total.fact
        elif tie.endswith("不超过总数"):
            assert total.rule == "at_most" and summed <= facts[total.fact], total.fact
        else:
            assert summed != facts[total.fact] and f"各行之和为 {summed}" in tie, (total.fact, tie)


def check_descriptions(folder: Path) -> None:
    """Each statement the descriptions of a written data package make, checked against its files."""
    from bulletin.data.store import TOTAL_NAMES

    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    facts = {r["key"]: Decimal(r["value"]) for r in _csv_rows(folder / "facts.csv")}
    text = json.dumps(descriptor, ensure_ascii=False)
    assert "合计：N" not in text and "及合计行" not in text and "序号1–43" not in text
    assert "各表只含单位行" in descriptor["description"]
    for resource in descriptor["resources"]:
        if resource["name"] not in schema.TABLES:
            continue
        decl = schema.TABLES[resource["name"]]
        rows = _csv_rows(folder / resource["path"])
        said = resource["description"]
        assert "不含合计行" in said
        assert not any(row[k] in TOTAL_NAMES for row in rows for k in decl.key), decl.name
        _check_totals_said(decl, rows, said, facts)
        for whole, parts in decl.row_sums.items():
            stated = [r for r in rows if all(r[c] != "" for c in (whole, *parts))]
            wrong = sum(1 for r in stated if int(r[whole]) != sum(int(r[p]) for p in parts))
            rule = f"有 {wrong} 行不符" if wrong else f"每行的{decl.column(whole).label}（{whole}）= "
            assert rule in said, (decl.name, said)
        for f in resource["schema"]["fields"]:
            col = decl.column(f["name"])
            if "未反馈" in f.get("description", ""):
                assert col.nullable and "required" not in f.get("constraints", {})
            if col.unit:
                assert f["description"].startswith(f"单位：{col.unit}")
    headlines = next(r for r in descriptor["resources"] if r["name"] == "headlines")
    assert "43.5 即 43.5%" in headlines["description"]  # a share's value is in percent, as its unit says
    shares = [r for r in _csv_rows(folder / "headlines.csv") if r["unit"] == "%"]
    assert shares and all(0 <= float(r["value"]) <= 100 for r in shares) and any(float(r["value"]) > 1 for r in shares)


def make_month(data_dir: Path, month: str, source: str = REFERENCE_MONTH) -> Path:
    """Copy the reference month to ``month`` inside ``data_dir`` (for multi-month tests)."""
    target = data_dir / month
    shutil.copytree(paths.DEFAULT_DATA_DIR / source, target)
    return target


def edit_csv(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a CSV file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


# ---------------------------------------------------------------- shared by several unit test modules


FEB = REFERENCE_MONTH
M = REFERENCE_MONTH
MONTH = REFERENCE_MONTH


def reference(name: str) -> pd.DataFrame:
    return bulletin.load(name, MONTH)


def assert_names(exc: BulletinDataError, *parts: object) -> None:
    message = str(exc)
    for part in parts:
        assert str(part) in message, f"{part!r} not in {message!r}"
    assert "\n" not in message


def _load_error(data_dir, table="province_calls") -> BulletinDataError:
    with pytest.raises(BulletinDataError) as info:
        bulletin.load(table, MONTH, data_dir)
    return info.value


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def folder(data_copy):
    return data_copy / M


def edit(data_copy, file: str, old: str, new: str) -> None:
    """Change one figure of the copied reference month."""
    edit_csv(data_copy / M / file, old, new)


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def ingest(capsys, tmp_path: Path, text: str, *extra: str, name: str = "bulletin.txt") -> tuple[int, str, str, Path]:
    data = tmp_path / "data"
    code, out, err = run_cli(capsys, "ingest", str(write(tmp_path, text, name)), "--data-dir", str(data), *extra)
    return code, out, err, data


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


SRC = paths.PROJECT_ROOT / "src" / "bulletin"

#: names crafted to break out of HTML, Markdown and matplotlib's mathtext
CRAFTED = (
    "[点此核实](javascript:alert(1))",
    "![p](https://evil.example/p.png)",
    "# 标题",
    "胸科$\\notacommand{$医院",
    "$\\alpha^2$",
    "<script>alert(1)</script>",
)


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if package else parts)] = (path, package)
    return found


def ingest_text(tmp_path: Path, text: str, **kw) -> Path:
    data = tmp_path / "data"
    ingest_file(write(tmp_path, text), data_dir=data, **kw)
    return data


def ingest_march(data: Path, text: str) -> Path:
    source = data.parent / "2020-03.txt"
    source.write_text(text, encoding="utf-8")
    return ingest_file(source, data_dir=data).folder


#: a statistics table a later bulletin may print (not one the package reads)
UNKNOWN_TITLE = "2020年2月南京市互联网医院服务情况统计表"


UNKNOWN_TABLE = (f"{UNKNOWN_TITLE}\n\n\t序号\n\t医院\n\t在线问诊人次\n\n\t1\n\t南京鼓楼医院\n\t1234\n\n"
                 "\t2\n\t南京市第一医院\n\t567\n\n\t合计\n\t\n\t1801\n")


def with_unknown_table(before: str) -> tuple[str, int]:
    """The seed with :data:`UNKNOWN_TABLE` on the lines before ``before``; the title's line number."""
    text = seed_text()
    head = text[: text.index("\n" + before + "\n") + 1]
    return replace_once(text, "\n" + before + "\n", "\n" + UNKNOWN_TABLE + "\n" + before + "\n"), \
        head.count("\n") + 1


def _edited_copy(root: Path) -> Path:
    """A data dir whose February says 30318 calls for Nanjing, so we can tell which dir was read."""
    from helpers import edit_csv, make_month

    root.mkdir()
    make_month(root, MONTH)
    edit_csv(root / MONTH / "province_calls.csv", "南京,30317", "南京,30318")
    return root


def _nanjing(data_dir=None) -> int:
    df = bulletin.load("province_calls", MONTH, data_dir)
    return int(df.loc[df["city"] == "南京", "calls"].item())


#: (old, new) in the seed's text: table, unit, column, the sign printed
EDITS = (
    ("\t南京市第一医院\n\t3039\n\t8125\n\t0\n", "\t南京市第一医院\n\t3039\n\t8125\n\t—\n"),
    ("\t微脉科技\n\t5\n", "\t微脉科技\n\t…\n"),
    ("\t玄武区\n\t22\n\t242\n\t2420.00 \n\t0\n\t0.00 \n", "\t玄武区\n\t22\n\t242\n\t2420.00 \n\t…\n\t— \n"),
    ("\t玄武区\n\t56/129\n", "\t玄武区\n\t—/129\n"),
    ("\t49513\n\t15838\n", "\t49513\n\t…\n"),
    ("\t江苏省中医院\n\t26/83\n\t13\n\t4960336\n", "\t江苏省中医院\n\t26/83\n\t13\n\t—\n"),
)


def signed_text() -> str:
    text = seed_text()
    for old, new in EDITS:
        text = replace_once(text, old, new)
    return text


def heads(module, m) -> dict[str, object]:
    """A section's ``headlines(m)`` as ``{label: value}``, every row labelled and with a unit column."""
    frame = module.headlines(m)
    assert list(frame.columns) == ["label", "value", "unit", "key"]
    assert frame["label"].is_unique
    return dict(zip(frame["label"], frame["value"], strict=True))


ECG = "南京市远程心电监测诊断平台"


def _row(frame: pd.DataFrame, label: str) -> pd.Series:
    return frame.set_index(frame.columns[0]).loc[label]


YEAR_EARLIER = "2019-02"


#: fact → (February 2020 as printed, the synthetic February 2019)
SCALED = {
    "hotline.total_calls": (59507, 50000),
    "hotline.city_12345_tickets": (2595, 2076),  # × 0.8
    "hotline.province_12345_tickets": (425, 340),  # × 0.8
}


# by hand: 59,507 − 50,000 = 9,507 and 9,507 / 50,000 = 19.014%; 2,595 − 2,076 = 519 and
# 519 / 2,076 = 25.0%; 425 − 340 = 85 and 85 / 340 = 25.0%; every other figure is unchanged (0, +0.0%)
CALLS, CALLS_PCT = 9507, 0.19014


CALLS_SAID, CALLS_PRINTED = "+9,507（+19.0%）", "+9507（+19.0%）"


TICKETS_SAID, PROVINCE_TICKETS_SAID = "+519（+25.0%）", "+85（+25.0%）"


def synthetic_february_2019(data: Path) -> Path:
    """SYNTHETIC TEST DATA: a February 2019 made from February 2020's folder, the hotline's three
    stated figures scaled (:data:`SCALED`), every other figure as February 2020 printed it."""
    target = data / YEAR_EARLIER
    shutil.copytree(paths.DEFAULT_DATA_DIR / FEB, target)
    facts = target / "facts.csv"
    text = facts.read_text(encoding="utf-8")
    for key, (printed, synthetic) in SCALED.items():
        assert f"\n{key},{printed}," in text
        text = text.replace(f"\n{key},{printed},", f"\n{key},{synthetic},")
    facts.write_text(text, encoding="utf-8")
    return target


#: a correction of February: 南京鼓楼医院's online bookings (the revisions tests, unit and end-to-end)
GULOU = "南京鼓楼医院"


#: the five changes of the correction, as ingest prints them
DIFF = [
    "预约挂号服务统计表 · 南京鼓楼医院 · 12320在线预约：1719 → 1819",
    "预约挂号服务统计表 · 南京鼓楼医院 · 小计：11191 → 11291",
    "公布的总数 · 截止月底总预约挂号量：18722617 → 18722717",
    "公布的总数 · 预约挂号服务统计表·合计·12320在线预约：25208 → 25308",
    "公布的总数 · 预约挂号服务统计表·合计·小计：74217 → 74317",
]


def corrected(text: str, online: int = 1819) -> str:
    """February's text with 南京鼓楼医院's online bookings corrected to ``online`` (and every total with it)."""
    extra = online - 1719
    text = replace_once(text, "\t南京鼓楼医院\n\t1719\n\t2496\n\t4696\n\t2280\n\t11191\n",
                        f"\t南京鼓楼医院\n\t{online}\n\t2496\n\t4696\n\t2280\n\t{11191 + extra}\n")
    text = replace_once(text, "\t合计\n\t25208\n\t26097\n\t15627\n\t7285\n\t74217\n",
                        f"\t合计\n\t{25208 + extra}\n\t26097\n\t15627\n\t7285\n\t{74217 + extra}\n")
    return replace_once(text, "总预约挂号量为18722617次", f"总预约挂号量为{18722617 + extra}次")


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file of a month folder's own version (not its revisions/)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def shipped_files() -> dict[str, bytes]:
    return files_of(SHIPPED)


def run_notebook_in_process(path: Path, month: str, data_dir: Path) -> dict:
    """Execute a notebook's code cells in this process with ``month`` and ``data_dir`` set
    (the parameters cell skipped), rendering each cell's value as a notebook would."""
    import matplotlib.pyplot as plt

    ns: dict = {}
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        if "parameters" in cell["metadata"].get("tags", []):
            ns.update(month=month, data_dir=data_dir)
            continue
        source = "".join(cell["source"]).rstrip()
        *body, last = source.split("\n")
        exec("\n".join(body), ns)
        try:
            value = eval(last, ns)
        except SyntaxError:
            exec(last, ns)
            value = None
        for method in ("_repr_html_", "_repr_markdown_", "__repr__"):
            if hasattr(value, method):
                getattr(value, method)()
        plt.close("all")
    return ns


def section_charts(month: str = REFERENCE_MONTH):
    """(section, function, figure) for every chart the sections draw for the month with their defaults."""
    import inspect

    import bulletin
    from bulletin.sections import SECTIONS

    m = bulletin.month(month)
    for sec in SECTIONS:
        for fname, fn in inspect.getmembers(sec.module, inspect.isfunction):
            if not fname.endswith("_chart") or fn.__module__ != sec.module.__name__:
                continue
            required = [n for n, v in inspect.signature(fn).parameters.items()
                        if v.default is inspect.Parameter.empty and n != "m"]
            fig = fn(m, **{n: "hotline" for n in required})  # trends.headline_chart(m, section)
            if fig is not None:  # the trends need more than one month
                yield sec.name, fname, fig
