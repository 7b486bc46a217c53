"""Shared fixtures: the shipped data, copies of it that a test may change freely, one published
February 2020 for every test that only reads it, and one fork server for the runs of a session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from bulletin import paths

# CI must be deterministic: the same examples on every run, and no example database replaying a
# failure found elsewhere. Locally Hypothesis explores (and remembers what failed).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

REFERENCE_MONTH = "2020-02"


@pytest.fixture(autouse=True)
def _no_env_data_dir(monkeypatch, tmp_path):
    """Tests choose their data directory explicitly; a developer's $BULLETIN_DATA_DIR must not leak
    in, nor the digests kept in the project's reports/ (each test starts with none)."""
    monkeypatch.delenv(paths.ENV_DATA_DIR, raising=False)
    monkeypatch.setenv(paths.ENV_HISTORY_DIR, str(tmp_path / "no-reports" / paths.HISTORY_DIR_NAME))


@pytest.fixture
def data_dir() -> Path:
    """The project's shipped data directory (read-only: never write here in a test)."""
    return paths.DEFAULT_DATA_DIR


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A data directory in tmp_path holding a copy of the reference month, free to change."""
    target = tmp_path / "data"
    target.mkdir()
    shutil.copytree(paths.DEFAULT_DATA_DIR / REFERENCE_MONTH, target / REFERENCE_MONTH)
    return target


@pytest.fixture(scope="session")
def published_2020_02(tmp_path_factory) -> Path:
    """The reports folder (``报告 目录/``) of one ``bulletin run 2020-02`` (every section and the
    documents) of the shipped month, copied into a data path with Chinese characters and spaces
    (``卫生 数据/``, what :func:`published_2020_02_data` returns), as users have them.
    Read it, never change it: the site, browser, published and documents tests share it
    (``…/2020-02/…``, ``…/index.html``).

    Made once per test run, whichever pytest-xdist worker asks first (the others wait on a lock
    and reuse it), as pytest-xdist documents for session data shared between workers.
    """
    from filelock import FileLock

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by the workers of this run
    home = root / "published-2020-02"
    reports = home / "报告 目录"
    with FileLock(str(root / "published-2020-02.lock")):
        if not (home / "done").is_file():
            from bulletin.cli import main

            shutil.rmtree(home, ignore_errors=True)
            data = home / "卫生 数据"
            data.mkdir(parents=True)
            shutil.copytree(paths.DEFAULT_DATA_DIR / REFERENCE_MONTH, data / REFERENCE_MONTH)
            shutil.copy2(paths.DEFAULT_DATA_DIR / "units.csv", data / "units.csv")
            assert main(["run", REFERENCE_MONTH, "--data-dir", str(data), "--out", str(reports), "--force"]) == 0
            (home / "done").write_text("ok\n", encoding="utf-8")
    return reports


@pytest.fixture(scope="session")
def published_2020_02_data(published_2020_02) -> Path:
    """The data folder :func:`published_2020_02` was published from (read-only)."""
    return published_2020_02.parent / "卫生 数据"


class _BorrowedServer:
    """The session's fork server lent to one run: the run neither waits for it again nor stops it."""

    def __init__(self, server) -> None:
        self.server = server
        self.address, self.folder = server.address, server.folder

    @property
    def stdin_fd(self) -> int | None:
        return self.server.stdin_fd

    def wait_ready(self) -> None:
        pass

    def stop(self) -> None:
        pass


@pytest.fixture(scope="session")
def _session_fork_server():
    """One warmed fork server per test process, started on the first run that needs it (each kernel
    is still a fresh fork of it, as in a real run; only its ~2 s warm-up is paid once)."""
    started = []

    def start():
        from bulletin import kernels

        if not kernels.fork_available():
            return None
        if not started or started[0].process is None or started[0].process.poll() is not None:
            started[:] = [kernels.ForkServer().start()]
            started[0].wait_ready()
        return _BorrowedServer(started[0])

    yield start
    for server in started:
        server.stop()


@pytest.fixture(autouse=True)
def _one_fork_server(monkeypatch, _session_fork_server):
    """Runs in this process borrow the session's fork server (runs in a subprocess start their own,
    as ``bulletin run`` does)."""
    from bulletin.batch import pool

    monkeypatch.setattr(pool, "start_server", _session_fork_server)


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


#: the test modules whose runs take longest, in that order (``--durations`` on this machine): they
#: are collected first so that ``--dist loadfile`` hands them out first and the two workers finish
#: together, instead of one running the nine-month run alone at the end (a file is collected in
#: alphabetical order otherwise, and these sort late)
SLOWEST_FIRST = ("test_variants_run.py", "test_sections_month.py", "test_run.py", "test_history.py",
                 "test_published.py", "test_browser.py", "test_revisions.py", "test_documents.py")


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the order within a file stays
