"""The runner's side of the fork server: :class:`ForkServer` starts and stops it (its private folder
holds the socket and the ``bulletin-fork`` kernel spec), :func:`start_server` is the one place a run
gets one, :class:`ForkedKernel` is a forked kernel as its provisioner sees it, and
:func:`ready_client_class` the kernel client with a shorter IOPub probe. POSIX only
(:func:`fork_available`); elsewhere the runner uses stock kernels.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bulletin.batch.kernels.server import INLINE_BACKEND, remove_folder
from bulletin.core.errors import KernelStartError

#: The kernel spec name the runner gives papermill, and the provisioner's entry-point name.
KERNEL_NAME = "bulletin-fork"
PROVISIONER_NAME = "bulletin-fork-provisioner"
_PREFIX = "bulletin-fork-"


def fork_available() -> bool:
    """Whether kernels can be forked here (POSIX ``fork``); the runner uses stock kernels otherwise."""
    return hasattr(os, "fork") and sys.platform != "win32"



def clear_stale_folders(root: str | None = None) -> list[Path]:
    """Remove ``bulletin-fork-*`` folders of runs that are gone (killed outright); return them.

    A running server's folder is locked by its runner (:mod:`filelock`); a folder whose lock can be
    taken belongs to nobody any more. Only this user's folders are looked at.
    """
    from filelock import FileLock, Timeout

    removed = []
    base = Path(root or tempfile.gettempdir())
    for folder in base.glob(f"{_PREFIX}*"):
        try:
            if not folder.is_dir() or folder.is_symlink() or folder.stat().st_uid != os.getuid():
                continue
            lock_path = folder / "lock"
            if not lock_path.exists():  # a run between mkdtemp and taking its lock, or very old
                if time.time() - folder.stat().st_mtime < 60:
                    continue
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
                continue
            lock = FileLock(str(lock_path))
            lock.acquire(timeout=0)
        except (Timeout, OSError):
            continue
        try:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
        finally:
            lock.release()
    return removed


def check_registered() -> None:
    """Raise :class:`RunError` unless the provisioner's entry point is installed (an install from
    before it existed would fail every job with jupyter_client's message instead of this one)."""
    from importlib.metadata import entry_points

    from bulletin.core.errors import RunError

    if not entry_points(group="jupyter_client.kernel_provisioners", name=PROVISIONER_NAME):
        raise RunError(f"the kernel provisioner {PROVISIONER_NAME} is not registered: reinstall the package "
                       "(make setup, or pip install -e .) so that its entry points are installed")


class ForkServer:
    """Start and stop the fork server; :attr:`folder` holds its socket and its kernel spec."""

    def __init__(self) -> None:
        from filelock import FileLock

        clear_stale_folders()
        self.folder = Path(tempfile.mkdtemp(prefix=_PREFIX))
        self.lock = FileLock(str(self.folder / "lock"))
        self.lock.acquire(timeout=0)  # held while this run lives: the folder is not stale
        self.address = str(self.folder / "fork.sock")
        self.process: subprocess.Popen | None = None
        self.write_kernel_spec()

    def write_kernel_spec(self) -> None:
        """The kernel spec ``bulletin-fork`` under :attr:`folder` (to be put on ``JUPYTER_PATH``)."""
        spec_dir = self.folder / "kernels" / KERNEL_NAME
        spec_dir.mkdir(parents=True)
        spec = {
            # what a stock python3 kernel runs; the provisioner forks instead and never uses it
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
            "metadata": {
                "kernel_provisioner": {"provisioner_name": PROVISIONER_NAME, "config": {"server": self.address}},
            },
        }
        (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")

    def start(self) -> ForkServer:
        env = dict(os.environ, MPLBACKEND=os.environ.get("MPLBACKEND", INLINE_BACKEND))
        env["PYTHONUNBUFFERED"] = "1"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bulletin.batch.kernels", self.address],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        return self

    @property
    def stdin_fd(self) -> int | None:
        """The runner's end of the server's stdin (processes forked from the runner should close it)."""
        if self.process is None or self.process.stdin is None:
            return None
        return self.process.stdin.fileno()

    def wait_ready(self) -> None:
        """Block until the server has warmed up (it says ``ready``); a server that died says nothing."""
        from bulletin.core.errors import RunError

        assert self.process is not None and self.process.stdout is not None
        line = self.process.stdout.readline()
        if line.strip() != "ready":
            raise RunError(f"the kernel fork server did not start (exit code {self.process.wait()})")

    def stop(self) -> None:
        """Stop the server (it kills its unreaped kernels) and remove its folder."""
        if self.process is not None:
            try:
                assert self.process.stdin is not None
                self.process.stdin.close()
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()  # Popen signals only a child it has not reaped
                self.process.wait()
            self.process = None
        remove_folder(self.folder)
        self.lock.release()

    def __enter__(self) -> ForkServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_server() -> ForkServer | None:
    """The fork server a batch run starts (its warm-up runs while the caller imports the rest), or
    None where kernels cannot be forked. The one place a run gets its server: tests replace this
    function to lend every run of a session one warmed server."""
    return ForkServer().start() if fork_available() else None



class ForkedKernel:
    """A forked kernel as the provisioner sees it, through its connection to the server.

    The kernel is the server's child, not ours: we never signal its ID ourselves, we ask the
    server (which signals only children it has not reaped). ``poll`` reads the server's
    ``exit N``; a server that is gone counts as the kernel's end (it exits with its parent).
    """

    def __init__(self, conn: socket.socket, pid: int) -> None:
        self.conn = conn
        self.pid = pid
        self.returncode: int | None = None
        self.conn.setblocking(False)

    def _read(self, data: bytes) -> None:
        if not data:
            self.returncode = -signal.SIGKILL if self.returncode is None else self.returncode
            return
        for line in data.decode("ascii", "replace").splitlines():
            word, _, arg = line.partition(" ")
            if word == "exit":
                self.returncode = int(arg) if arg.strip().lstrip("-").isdigit() else 1

    def poll(self) -> int | None:
        while self.returncode is None:
            try:
                data = self.conn.recv(4096)
            except BlockingIOError:
                break
            except OSError:
                data = b""
            self._read(data)
        return self.returncode

    async def wait(self, timeout: float = 60) -> int:
        import asyncio

        loop = asyncio.get_running_loop()
        deadline = time.monotonic() + timeout
        while self.poll() is None and time.monotonic() < deadline:
            try:
                self._read(await asyncio.wait_for(loop.sock_recv(self.conn, 4096), timeout=0.5))
            except TimeoutError:
                pass
            except OSError:
                self._read(b"")
        return self.returncode if self.returncode is not None else 1

    def send_signal(self, signum: int) -> None:
        if self.returncode is not None:
            return
        try:
            self.conn.sendall(f"signal {int(signum)}\n".encode())
        except OSError:  # the server is gone, and with it the kernel (parent_handle)
            self.returncode = -signal.SIGKILL

    def close(self) -> None:
        self.conn.close()



def _adapt_protocol(session, reply: dict) -> None:
    """As jupyter_client does with the ``kernel_info`` reply: adapt the session to the kernel's
    protocol version."""
    from jupyter_client import protocol_version_info

    major = int(reply["content"]["protocol_version"].split(".")[0])
    if major != protocol_version_info[0]:
        session.adapt_version = major


def ready_client_class():
    """A kernel client that waits for a kernel as jupyter_client does, with a shorter IOPub probe.

    jupyter_client asks for ``kernel_info`` and then waits 0.2 s for any IOPub message to prove the
    subscription is live; a SUB socket that joined a moment late misses the kernel's first status
    messages, so each notebook typically lost 0.2 s there. Probing every 20 ms and asking again
    keeps the same guarantee. Given to papermill through the documented, configurable
    ``KernelManager.client_factory`` trait; it overrides only the public ``wait_for_ready`` and
    ``start_channels`` (no heartbeat channel: see there).
    """
    import asyncio
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient

    class ReadyClient(AsyncKernelClient):
        def start_channels(self, shell=True, iopub=True, stdin=True, hb=True, control=True):
            """Every channel but the heartbeat: whether the kernel lives is the kernel manager's
            to say (``is_alive`` asks it, hence the provisioner), so the heartbeat's thread only
            cost a thread a kernel, and once hung a worker for good: stopping the channels joins
            it, and it sat awaiting a ping to the kernel just shut down."""
            super().start_channels(shell=shell, iopub=iopub, stdin=stdin, hb=False, control=control)

        async def wait_for_ready(self, timeout=None):
            deadline = time.monotonic() + (timeout if timeout is not None else 60)
            while True:
                self.kernel_info()
                try:
                    msg = await self.shell_channel.get_msg(timeout=0.5)
                except Empty:
                    msg = None
                if msg is not None and msg["msg_type"] == "kernel_info_reply":
                    try:
                        await self.iopub_channel.get_msg(timeout=0.02)
                    except Empty:
                        pass
                    else:
                        _adapt_protocol(self.session, msg)
                        return
                if not await self.is_alive():
                    raise KernelStartError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise KernelStartError(f"Kernel didn't respond in {timeout} seconds")
                await asyncio.sleep(0)

    return ReadyClient

