"""Kernels for the monthly batch: forked from a warmed parent, one fresh process per notebook.

A stock Jupyter kernel pays, for every notebook, a Python start and the import of IPython,
pandas, matplotlib and seaborn (about 1.3 s of CPU each time, measured on this project's sections).
Reusing one kernel for several notebooks would save that but lets one section's state leak into
the next (papermill #326, #583 ask for reuse; we must not share state between sections).

So a *fork server* imports all of that once, and for each notebook ``os.fork()``\\ s a child that
becomes an ordinary ipykernel listening on the connection file papermill/nbclient wrote. Each
section therefore runs in a brand-new process whose memory starts as the warmed, never-executed
parent: no variable, figure, rcParams change or module mutation of one section can reach another.
On the client side :class:`ForkKernelManager` is a stock ``AsyncKernelManager`` whose provisioner
asks the server for a fork instead of spawning ``python -m ipykernel_launcher``; everything else
(messages, interrupts, shutdown, papermill's parameter injection and error handling) is unchanged.

The server is a process of its own, started with ``python -m bulletin.execute``, rather than the
runner forking kernels itself: the runner has threads (the process pool's, the progress bar's),
and a fork of a threaded process may inherit a lock held by a thread that does not exist in the
child; an unchanged rerun must not import pandas at all. The server has one thread and does
nothing but import and fork. It stops when its stdin closes (the runner ended or was killed) and
kills every kernel it forked; a kernel also exits if the server disappears (``parent_handle``).

Linux/macOS only (``fork``); :func:`fork_available` says whether it can be used.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: Modules imported once in the fork server (what section notebooks import anyway).
WARM_MODULES = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "IPython.core.interactiveshell",
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "matplotlib.font_manager",
    "seaborn",
    "bulletin",
    "bulletin.loaders",
    "bulletin.sections",
)
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def fork_available() -> bool:
    return hasattr(os, "fork") and sys.platform != "win32"


# --------------------------------------------------------------------------------------------
# The server side (runs in its own process: ``python -m bulletin.execute SOCKET``)


def _warm() -> None:
    import importlib
    import pkgutil

    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - warming is an optimisation, never a failure
            pass
    try:  # every module of the sections (they are what the notebooks call)
        import bulletin

        for info in pkgutil.walk_packages(bulletin.__path__, "bulletin."):
            if info.name.split(".")[1] in {"run", "publish", "cache", "execute", "cli", "__main__"}:
                continue
            try:
                importlib.import_module(info.name)
            except Exception:  # noqa: BLE001
                pass
    except Exception:  # noqa: BLE001
        pass
    import gc

    gc.collect()
    gc.freeze()  # keep the shared pages shared after fork (no refcount-driven copy by the GC)


def _child_kernel(connection_file: str, cwd: str | None, server_pid: int) -> None:
    """In the forked child: become an ipykernel on ``connection_file``. Never returns."""
    code = 1
    try:
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if cwd:
            os.chdir(cwd)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.environ["JPY_PARENT_PID"] = str(server_pid)  # the kernel exits if the server dies
        import random

        random.seed()
        try:
            import numpy as np

            np.random.seed()
        except ImportError:
            pass
        from ipykernel.kernelapp import IPKernelApp

        # parent_handle's default was read from the environment when the server imported
        # ipykernel, so it is given here: the kernel exits if the server goes away.
        app = IPKernelApp.instance(parent_handle=server_pid)
        app.initialize(["-f", connection_file])
        app.start()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:  # noqa: BLE001
        code = 1
    finally:
        os._exit(code)


def _call_child(conn: socket.socket, target: str, args: list) -> None:
    """In a forked child: run ``module:function(*args)`` and send its JSON result back."""
    code = 0
    try:
        import importlib

        module, _, func = target.partition(":")
        try:
            result = {"ok": True, "value": getattr(importlib.import_module(module), func)(*args)}
        except Exception as exc:  # noqa: BLE001
            result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        conn.sendall(json.dumps(result, ensure_ascii=False, default=str).encode("utf-8"))
        conn.shutdown(socket.SHUT_WR)
    except BaseException:  # noqa: BLE001
        code = 1
    finally:
        os._exit(code)


def serve(address: str) -> None:
    """The fork server's loop: warm up, then fork a kernel (or a call) per request."""
    import selectors

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runner decides when we stop
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    _warm()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(address)
    server.listen(16)
    children: set[int] = set()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    sel = selectors.DefaultSelector()
    sel.register(server, selectors.EVENT_READ, "accept")
    sel.register(sys.stdin, selectors.EVENT_READ, "stdin")
    try:
        while True:
            for key, _ in sel.select():
                if key.data == "stdin":
                    if not sys.stdin.readline():  # the runner went away: stop
                        return
                    continue
                conn, _ = server.accept()
                with conn:
                    try:
                        request = json.loads(_recv_line(conn))
                        kind = request["kind"]
                    except (OSError, ValueError, KeyError):  # a client gone mid-request: the others go on
                        continue
                    pid = os.fork()
                    if pid == 0:  # the child never returns from here
                        server.close()
                        if kind == "kernel":
                            conn.close()
                            _child_kernel(request["connection_file"], request.get("cwd"), os.getppid())
                        else:
                            _call_child(conn, request["target"], request.get("args", []))
                    children.add(pid)
                    if kind == "kernel":
                        try:
                            conn.sendall(f"{pid}\n".encode())
                        except OSError:  # its client went away: the kernel waits for nobody; stop it
                            os.kill(pid, signal.SIGKILL)
    finally:
        for pid in children:
            for kill in (os.killpg, os.kill):  # the group, and the child itself if not yet its own group
                try:
                    kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        _remove_socket(address)  # also when the runner was killed and cannot do it


def _remove_socket(address: str) -> None:
    """Remove the server's socket and the private folder :class:`ForkServer` made for it."""
    try:
        os.unlink(address)
        os.rmdir(os.path.dirname(address))
    except OSError:
        pass


def _recv_line(conn: socket.socket) -> str:
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        buf += chunk
    return buf.decode("utf-8")


# --------------------------------------------------------------------------------------------
# The client side


class ForkServer:
    """Start and stop the fork server; its address is what :class:`ForkKernelManager` needs."""

    def __init__(self) -> None:
        self.address = str(Path(tempfile.mkdtemp(prefix="bulletin-fork-")) / "fork.sock")
        self.process: subprocess.Popen | None = None

    def start(self) -> ForkServer:
        env = dict(os.environ, MPLBACKEND=os.environ.get("MPLBACKEND", INLINE_BACKEND))
        env["PYTHONUNBUFFERED"] = "1"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bulletin.execute", self.address],
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
        from .errors import RunError

        assert self.process is not None and self.process.stdout is not None
        line = self.process.stdout.readline()
        if line.strip() != "ready":
            raise RunError(f"the kernel fork server did not start (exit code {self.process.wait()})")

    def stop(self) -> None:
        if self.process is not None:
            try:
                assert self.process.stdin is not None
                self.process.stdin.close()
                self.process.wait(timeout=5)
            except Exception:  # noqa: BLE001
                self.process.kill()
            self.process = None
        _remove_socket(self.address)

    def __enter__(self) -> ForkServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _request(address: str, request: dict, timeout: float = 60) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)
        conn.connect(address)
        conn.sendall((json.dumps(request) + "\n").encode("utf-8"))
        chunks = []
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def call(address: str, target: str, *args: object, timeout: float = 120) -> object:
    """Run ``module:function(*args)`` in a fresh fork of the warmed server; return its JSON value."""
    reply = json.loads(_request(address, {"kind": "call", "target": target, "args": list(args)}, timeout))
    if not reply["ok"]:
        raise RuntimeError(reply["error"])
    return reply["value"]


class _ForkedProcess:
    """What the provisioner needs of a ``Popen`` for a process that is not our child."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self.stdin = self.stdout = self.stderr = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
            except PermissionError:
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.02)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _manager_classes():
    import asyncio
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.provisioning import LocalProvisioner

    class ReadyClient(AsyncKernelClient):
        """Waits for a kernel as jupyter_client does, with a shorter IOPub probe.

        jupyter_client asks for kernel_info and then waits 0.2 s for an IOPub message to prove the
        subscription is live; a SUB socket that joined late misses the first status messages, so
        each notebook typically lost 0.2 s there. Probing every 20 ms keeps the same guarantee.
        """

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
                        self._handle_kernel_info_reply(msg)
                        return
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
                await asyncio.sleep(0)

    class ForkProvisioner(LocalProvisioner):
        async def launch_kernel(self, cmd, **kwargs):
            km = self.parent
            reply = _request(
                km.server_address,
                {"kind": "kernel", "connection_file": km.connection_file, "cwd": str(kwargs.get("cwd") or "")},
            )
            pid = int(reply.decode().strip())
            self.process = _ForkedProcess(pid)
            self.pid = self.pgid = pid  # the child called setsid(): its pid is its group
            self.cwd = kwargs.get("cwd")
            return self.connection_info

    class ForkKernelManager(AsyncKernelManager):
        """An ``AsyncKernelManager`` whose kernels are forks of the warmed server."""

        server_address: str = ""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.client_factory = ReadyClient

        async def _async_pre_start_kernel(self, **kw):
            if self.provisioner is None:
                import uuid

                self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
                self.provisioner = ForkProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
            return await super()._async_pre_start_kernel(**kw)

    return ForkKernelManager


_FKM = None


def fork_kernel_manager_class(address: str):
    """The ``kernel_manager_class`` to give papermill/nbclient, bound to a running server."""
    global _FKM
    if _FKM is None:
        _FKM = _manager_classes()
    _FKM.server_address = address
    return _FKM


if __name__ == "__main__":  # pragma: no cover - the server process
    serve(sys.argv[1])
