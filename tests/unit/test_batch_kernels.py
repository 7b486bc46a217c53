"""Tests of ``bulletin.batch.kernels``: kernels for the monthly batch: forked from a warmed parent, one fresh
process per notebook."""

from __future__ import annotations

import os

import pytest


@pytest.mark.usefixtures("_stable_code_hash")
def test_the_fork_server_signals_only_children_it_has_not_reaped(monkeypatch):
    import signal
    import time

    from bulletin.batch.kernels.server import _Children

    class Selector:  # what reap() needs of the server's selector
        def unregister(self, conn):
            pass

    quick = os.fork()
    if quick == 0:
        os._exit(0)
    slow = os.fork()
    if slow == 0:
        time.sleep(60)
        os._exit(0)
    children = _Children()
    children.conns = {quick: None, slow: None}
    deadline = time.monotonic() + 10
    while quick in children.conns and time.monotonic() < deadline:
        children.reap(Selector())
        time.sleep(0.01)
    assert quick not in children.conns and slow in children.conns  # reaped: forgotten; alive: still ours

    sent = []
    real_kill = os.kill
    monkeypatch.setattr(os, "kill", lambda pid, sig: sent.append(("kill", pid, sig)) or real_kill(pid, sig))
    monkeypatch.setattr(os, "killpg", lambda pid, sig: sent.append(("killpg", pid, sig)))
    children.signal(quick, signal.SIGKILL)  # its ID may belong to anyone now: nothing is sent
    assert sent == []
    children.stop_all()  # the live one is killed and reaped, nobody else
    assert sent == [("killpg", slow, signal.SIGKILL), ("kill", slow, signal.SIGKILL)]
    assert children.conns == {}
    with pytest.raises(ChildProcessError):
        os.waitpid(slow, os.WNOHANG)  # already reaped by stop_all


@pytest.mark.usefixtures("_stable_code_hash")
def test_a_stale_fork_folder_is_removed_a_live_one_kept(tmp_path):
    from filelock import FileLock

    from bulletin.batch.kernels import clear_stale_folders

    dead = tmp_path / "bulletin-fork-dead"
    (dead / "kernels").mkdir(parents=True)
    (dead / "lock").write_text("")
    live = tmp_path / "bulletin-fork-live"
    live.mkdir()
    with FileLock(str(live / "lock")):
        assert clear_stale_folders(str(tmp_path)) == [dead]
    assert live.is_dir() and not dead.exists()


def test_work_the_fork_server_could_not_do_is_a_forked_call_error_of_the_family(tmp_path):
    """A reply that says the forked child failed raises the package's own error (a ``RuntimeError``
    too), naming the child's error; the month index figures catch it and do the work themselves."""
    import socket
    import threading

    from bulletin.batch.kernels.forked_call import call
    from bulletin.core.errors import BulletinError, ForkedCallError

    address = str(tmp_path / "fork.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(address)
    server.listen(1)

    def reply_once() -> None:
        conn, _ = server.accept()
        with conn:
            conn.makefile("rb").readline()  # the request
            conn.sendall(b'{"ok": false, "error": "KeyError: 2020-13"}\n')

    thread = threading.Thread(target=reply_once)
    thread.start()
    try:
        with pytest.raises(ForkedCallError, match="KeyError: 2020-13") as caught:
            call(address, "bulletin.batch.month_index:index_figures_json", "2020-13", None)
    finally:
        thread.join(5)
        server.close()
    assert isinstance(caught.value, BulletinError) and isinstance(caught.value, RuntimeError)


def test_the_batchs_kernel_client_starts_no_heartbeat_thread():
    """The batch's kernel client opens every channel but the heartbeat (a kernel's life is its
    manager's to report): no heartbeat thread is started, so stopping the channels joins none
    (jupyter_client's own client starts one)."""
    import threading

    from bulletin.batch.kernels.client import ready_client_class

    client = ready_client_class()()
    client.load_connection_info({"transport": "tcp", "ip": "127.0.0.1", "shell_port": 1, "iopub_port": 2,
                                 "stdin_port": 3, "hb_port": 4, "control_port": 5, "key": "",
                                 "signature_scheme": "hmac-sha256"})
    before = set(threading.enumerate())
    client.start_channels()
    try:
        assert [t.name for t in set(threading.enumerate()) - before] == []
        assert not client.hb_channel.is_alive()
        assert client.shell_channel.is_alive() and client.iopub_channel.is_alive()
    finally:
        client.stop_channels()
