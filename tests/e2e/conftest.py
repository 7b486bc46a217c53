"""The end-to-end tests' shared runs: one published February 2020 for every test that only reads it,
and one fork server lent to every run of a session (``bulletin.batch.kernels.start_server``, the one place a
run gets its server)."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
from pathlib import Path

import pytest
from helpers import REFERENCE_MONTH

from bulletin.core import paths


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
        from bulletin.batch import kernels

        if not kernels.fork_available():
            return None
        if not started or started[0].process is None or started[0].process.poll() is not None:
            started[:] = [kernels.ForkServer().start()]  # not start_server: replaced while a test runs
            started[0].wait_ready()
        return _BorrowedServer(started[0])

    yield start
    for server in started:
        server.stop()


@pytest.fixture(autouse=True)
def _one_fork_server(monkeypatch, _session_fork_server):
    """Runs in this process borrow the session's fork server (runs in a subprocess start their own,
    as ``bulletin run`` does)."""
    from bulletin.batch import kernels

    monkeypatch.setattr(kernels, "start_server", _session_fork_server)  # the one place a run gets its server


@pytest.fixture(scope="session")
def as_in_a_test(_session_fork_server):
    """``with as_in_a_test(home, code_hash="code"):`` what the autouse fixtures set up around a test's
    own run (the session's fork server, no ``$BULLETIN_DATA_DIR``, no digests from the project's
    reports/, and, if given, the fixed code hash of the modules that fix it), for a module-scoped
    fixture that makes one run several tests share (the autouse fixtures are per test)."""
    from bulletin.batch import kernels
    from bulletin.core import cache

    @contextlib.contextmanager
    def patched(home: Path, code_hash: str | None = None):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(kernels, "start_server", _session_fork_server)
            mp.delenv(paths.ENV_DATA_DIR, raising=False)
            mp.setenv(paths.ENV_HISTORY_DIR, str(home / "no-reports" / paths.HISTORY_DIR_NAME))
            if code_hash is not None:
                mp.setattr(cache, "code_hash", functools.cache(lambda: code_hash))
            yield

    return patched
