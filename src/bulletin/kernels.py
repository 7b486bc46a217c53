"""Kernels for the monthly batch: forked from a warmed parent, one fresh process per notebook.

A *fork server* (``python -m bulletin.kernels SOCKET``, :class:`ForkServer`) imports IPython,
pandas, matplotlib, seaborn and ``bulletin`` once and forks a brand-new ipykernel per notebook;
papermill reaches it through :class:`ForkProvisioner`, a jupyter_client kernel provisioner (entry
point ``bulletin-fork-provisioner``) selected by the ``bulletin-fork`` kernel spec. The server
signals only its own unreaped children. POSIX only (:func:`fork_available`); elsewhere the runner
uses stock kernels. Why and how: ARCHITECTURE.md, "Kernels".
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
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from jupyter_client.provisioning import LocalProvisioner
from traitlets import Unicode

from .errors import KernelStartError

#: Modules imported once in the fork server (what section notebooks import anyway).
WARM_MODULES = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    # what every kernel's IPKernelApp.initialize imports (ipykernel's debugger pulls in debugpy's
    # ~100 modules, 0.07 s a kernel); imported here once, they are not imported in each kernel
    "ipykernel.debugger",
    "IPython.core.completerlib",
    "IPython.extensions.storemagic",
    "IPython.core.interactiveshell",
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "matplotlib.font_manager",
    "seaborn",
    "bulletin",
    "bulletin.loaders",
    "bulletin.loaded_month",
    "bulletin.checks",
    "bulletin.sections",
)
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
#: The kernel spec name the runner gives papermill, and the provisioner's entry-point name.
KERNEL_NAME = "bulletin-fork"
PROVISIONER_NAME = "bulletin-fork-provisioner"
_PREFIX = "bulletin-fork-"


def fork_available() -> bool:
    """Whether kernels can be forked here (POSIX ``fork``); the runner uses stock kernels otherwise."""
    return hasattr(os, "fork") and sys.platform != "win32"


# --------------------------------------------------------------------------------------------
# The server side (runs in its own process: ``python -m bulletin.kernels SOCKET``)


def _warm() -> None:
    import importlib
    import pkgutil

    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    for name in WARM_MODULES:
        # debugpy warns about frozen modules when imported (on a kernel's stderr, which is null)
        with _quiet_stderr() if name == "ipykernel.debugger" else nullcontext():
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - warming is an optimisation, never a failure
                pass
    try:  # every module of the sections (they are what the notebooks call); the package's folder
        # is this module's (read here, not by importing the package, the layer above the batch)
        for info in pkgutil.walk_packages([str(Path(__file__).parent)], "bulletin."):
            if info.name.split(".")[1] in {"batch", "reader_pages", "cache", "kernels", "cli", "__main__"}:
                continue
            try:
                importlib.import_module(info.name)
            except Exception:  # noqa: BLE001 - as above
                pass
    except Exception:  # noqa: BLE001 - as above
        pass
    import gc

    gc.collect()
    gc.freeze()  # keep the shared pages shared after fork (no refcount-driven copy by the GC)


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Send file descriptor 2 to the null device for a while (the server's stderr is the runner's console)."""
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def _take_environment(env: dict | None) -> None:
    """In a forked child: the environment its client asked for instead of the server's (a stock
    kernel gets jupyter_client's environment through ``Popen(env=...)``; a fork gets it here), so
    that one server serves runs with different settings (``$BULLETIN_HISTORY_DIR``, say)."""
    if isinstance(env, dict):
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in env.items()})
        os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)


def _child_kernel(conn: socket.socket, connection_file: str, cwd: str | None, server_pid: int,
                  env: dict | None = None) -> None:
    """In the forked child: become an ipykernel on ``connection_file``. Never returns.

    Once its sockets are bound it says ``ready`` on ``conn`` (the connection of the worker that
    asked for it): jupyter_client then connects at once instead of retrying every 100 ms, and its
    IOPub subscription is live before the first ``kernel_info`` reply (else it waits 0.2 s more).
    """
    code = 1
    try:
        os.setsid()
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if cwd:
            os.chdir(cwd)
        _take_environment(env)
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
        # no IPython history database: a batch kernel has no use for it, and the kernels of a run
        # would otherwise all open and write the user's ~/.ipython history file at start-up
        app.initialize(["-f", connection_file, "--HistoryManager.enabled=False"])
        try:
            conn.sendall(b"ready\n")
        except OSError:  # the worker went away: the server stops this kernel
            pass
        conn.close()
        app.start()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:  # noqa: BLE001 - a child must never return into the server's loop
        code = 1
    finally:
        os._exit(code)


def _call_child(conn: socket.socket, target: str, args: list, env: dict | None = None) -> None:
    """In a forked child: run ``module:function(*args)`` (in the caller's environment) and send its
    JSON result back."""
    code = 0
    try:
        import importlib

        signal.set_wakeup_fd(-1)
        _take_environment(env)
        module, _, func = target.partition(":")
        try:
            result = {"ok": True, "value": getattr(importlib.import_module(module), func)(*args)}
        except Exception as exc:  # noqa: BLE001 - reported to the caller, which decides
            result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        conn.sendall(json.dumps(result, ensure_ascii=False, default=str).encode("utf-8"))
        conn.shutdown(socket.SHUT_WR)
    except BaseException:  # noqa: BLE001 - a child must never return into the server's loop
        code = 1
    finally:
        os._exit(code)


class _Children:
    """The server's children that it has not reaped yet: the only processes it ever signals.

    A child's process ID stays ours until :meth:`reap` collects its exit status, so signalling an
    entry of this table can never reach an unrelated process that got a recycled ID.
    """

    def __init__(self) -> None:
        self.conns: dict[int, socket.socket | None] = {}  # pid -> its kernel's client connection
        self.inherited: list[socket.socket] = []  # the server's own sockets, closed in each child

    def signal(self, pid: int, signum: int) -> None:
        if pid not in self.conns:  # already reaped: its ID may belong to someone else now
            return
        # A kernel called setsid(), so its group is its own ID, reserved while it is unreaped;
        # the group also holds whatever the notebook started.
        for send in (os.killpg, os.kill):
            try:
                send(pid, signum)
            except OSError:
                pass

    def reap(self, sel) -> None:
        for pid in list(self.conns):
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done, status = pid, 0
            if not done:
                continue
            conn = self.conns.pop(pid)
            if conn is not None:
                try:
                    conn.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
                except OSError:
                    pass
                sel.unregister(conn)
                conn.close()

    def stop_all(self) -> None:
        for pid in self.conns:
            self.signal(pid, signal.SIGKILL)
        for pid, conn in self.conns.items():
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
            if conn is not None:
                conn.close()
        self.conns.clear()


def _on_kernel_conn(children: _Children, pid: int, conn: socket.socket, sel) -> None:
    """A message from the worker that owns kernel ``pid``: ``signal N``, or end of file (it left)."""
    try:
        data = conn.recv(4096)
    except OSError:
        data = b""
    if not data:  # the worker went away (or cleaned up): its kernel is no longer anyone's
        sel.unregister(conn)
        conn.close()
        children.conns[pid] = None  # still ours until reaped; nobody to tell its exit
        children.signal(pid, signal.SIGKILL)
        return
    for line in data.decode("ascii", "replace").splitlines():
        word, _, arg = line.partition(" ")
        if word == "signal" and arg.strip().lstrip("-").isdigit():
            children.signal(pid, int(arg))


def _serve_request(server: socket.socket, sel, children: _Children) -> None:
    import selectors

    conn, _ = server.accept()
    try:
        request = json.loads(_recv_line(conn))
        kind = request["kind"]
    except (OSError, ValueError, KeyError):  # a client gone mid-request: the others go on
        conn.close()
        return
    pid = os.fork()
    if pid == 0:  # the child never returns from here
        for inherited in (server, *children.inherited, *filter(None, children.conns.values())):
            inherited.close()  # the server's sockets are not the child's (a worker must see the server's EOF)
        if kind == "kernel":
            _child_kernel(conn, request["connection_file"], request.get("cwd"), os.getppid(), request.get("env"))
        _call_child(conn, request["target"], request.get("args", []), request.get("env"))
    if kind != "kernel":
        conn.close()
        children.conns[pid] = None
        return
    children.conns[pid] = conn
    sel.register(conn, selectors.EVENT_READ, ("kernel", pid))
    try:
        conn.sendall(f"{pid}\n".encode())
    except OSError:  # its client went away: the kernel waits for nobody; stop it
        children.signal(pid, signal.SIGKILL)


def serve(address: str) -> None:
    """The fork server's loop: warm up, then fork a kernel (or a call) per request."""
    import selectors

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runner decides when we stop
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # a vanished worker is an OSError, not our death
    wake_r, wake_w = socket.socketpair()
    wake_r.setblocking(False)
    wake_w.setblocking(False)
    signal.set_wakeup_fd(wake_w.fileno(), warn_on_full_buffer=False)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes the loop to reap (children stay ours till then)
    children = _Children()
    children.inherited = [wake_r, wake_w]
    try:
        _warm()
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(address)
        server.listen(16)
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        sel = selectors.DefaultSelector()
        sel.register(server, selectors.EVENT_READ, ("accept", 0))
        sel.register(sys.stdin, selectors.EVENT_READ, ("stdin", 0))
        sel.register(wake_r, selectors.EVENT_READ, ("wake", 0))
        while True:
            for key, _ in sel.select(timeout=1.0):
                what, pid = key.data
                if what == "stdin":
                    if not sys.stdin.readline():  # the runner went away: stop
                        return
                elif what == "wake":
                    try:
                        wake_r.recv(4096)
                    except BlockingIOError:
                        pass
                elif what == "accept":
                    _serve_request(server, sel, children)
                elif children.conns.get(pid) is key.fileobj:
                    _on_kernel_conn(children, pid, key.fileobj, sel)  # type: ignore[arg-type]
            children.reap(sel)
    except (KeyboardInterrupt, BrokenPipeError):
        pass
    finally:
        children.stop_all()
        _remove_folder(Path(address).parent)  # also when the runner was killed and cannot do it


def _remove_folder(folder: Path) -> None:
    """Remove the server's private folder (socket, kernel spec, lock)."""
    shutil.rmtree(folder, ignore_errors=True)


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

    from .errors import RunError

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
            [sys.executable, "-m", "bulletin.kernels", self.address],
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
        _remove_folder(self.folder)
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
    request = {"kind": "call", "target": target, "args": list(args), "env": dict(os.environ)}
    reply = json.loads(_request(address, request, timeout))
    if not reply["ok"]:
        raise RuntimeError(reply["error"])
    return reply["value"]


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


def _await_kernel(conn: socket.socket) -> int:
    """Read the server's ``PID`` line and the kernel's ``ready`` (either order); the kernel's PID."""
    pid = None
    ready = False
    buf = b""
    while pid is None or not ready:
        chunk = conn.recv(256)
        if not chunk:
            raise RuntimeError("the kernel fork server closed the connection (is it still running?)")
        buf += chunk
        *lines, buf = buf.split(b"\n")
        for line in lines:
            text = line.decode("ascii", "replace").strip()
            if text == "ready":
                ready = True
            elif text.startswith("exit"):
                raise KernelStartError(f"the forked kernel ended before it was ready ({text})")
            elif text.isdigit():
                pid = int(text)
    if buf:  # nothing else is sent before the kernel ends
        raise RuntimeError(f"unexpected message from the kernel fork server: {buf!r}")
    return pid


def ready_client_class():
    """A kernel client that waits for a kernel as jupyter_client does, with a shorter IOPub probe.

    jupyter_client asks for ``kernel_info`` and then waits 0.2 s for any IOPub message to prove the
    subscription is live; a SUB socket that joined a moment late misses the kernel's first status
    messages, so each notebook typically lost 0.2 s there. Probing every 20 ms and asking again
    keeps the same guarantee. Given to papermill through the documented, configurable
    ``KernelManager.client_factory`` trait; it overrides only the public ``wait_for_ready``.
    """
    import asyncio
    from queue import Empty

    from jupyter_client import protocol_version_info
    from jupyter_client.asynchronous import AsyncKernelClient

    class ReadyClient(AsyncKernelClient):
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
                    else:  # as jupyter_client does with the reply: adapt to the kernel's protocol
                        major = int(msg["content"]["protocol_version"].split(".")[0])
                        if major != protocol_version_info[0]:
                            self.session.adapt_version = major
                        return
                if not await self.is_alive():
                    raise KernelStartError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise KernelStartError(f"Kernel didn't respond in {timeout} seconds")
                await asyncio.sleep(0)

    return ReadyClient


def kernel_config():
    """The traitlets configuration papermill passes on to nbclient and jupyter_client for our kernels."""
    from traitlets.config import Config

    return Config({"KernelManager": {"client_factory": ready_client_class()}})


class ForkProvisioner(LocalProvisioner):
    """A kernel provisioner whose kernels are forks of the warmed :class:`ForkServer`.

    Registered as the ``bulletin-fork-provisioner`` entry point of ``jupyter_client.kernel_provisioners``;
    the ``bulletin-fork`` kernel spec selects it and gives the server's address as ``server``.
    Connection files, ports and the rest are :class:`LocalProvisioner`'s; only starting and
    signalling the process differ.
    """

    server = Unicode("", config=True, help="The fork server's socket address.")
    kernel: ForkedKernel | None = None

    @property
    def has_process(self) -> bool:
        return self.kernel is not None

    async def launch_kernel(self, cmd, **kwargs):
        km = self.parent
        cwd = kwargs.get("cwd")
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.settimeout(60)
            conn.connect(self.server)
            # the environment jupyter_client made for the kernel (a stock one would be started with it)
            env = dict(kwargs.get("env") or os.environ)
            request = {"kind": "kernel", "connection_file": km.connection_file, "cwd": str(cwd or ""), "env": env}
            conn.sendall((json.dumps(request) + "\n").encode("utf-8"))
            pid = _await_kernel(conn)
        except BaseException:
            conn.close()
            raise
        self.kernel = ForkedKernel(conn, pid)
        self.pid = pid
        self.pgid = None  # never signalled by ID from here (see ForkedKernel)
        self.cwd = cwd
        return self.connection_info

    async def poll(self) -> int | None:
        return self.kernel.poll() if self.kernel is not None else 0

    async def wait(self) -> int | None:
        if self.kernel is None:
            return 0
        code = await self.kernel.wait()
        self.kernel.close()
        self.kernel = None
        return code

    async def send_signal(self, signum: int) -> None:
        if self.kernel is not None:
            self.kernel.send_signal(signum)

    async def kill(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGKILL)
        if self.kernel is not None:
            # Wait here for the server's ``exit`` (a few milliseconds): jupyter_client then finds the
            # kernel gone at its first poll instead of sleeping its 0.1 s polling interval first.
            await self.kernel.wait(timeout=1)

    async def terminate(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGTERM)

    async def cleanup(self, restart: bool = False) -> None:
        if self.kernel is not None:  # closing our end makes the server kill a kernel still running
            self.kernel.close()
            self.kernel = None
        await super().cleanup(restart=restart)


if __name__ == "__main__":  # pragma: no cover - the server process
    serve(sys.argv[1])
    # Its kernels are stopped and its folder removed: end without the interpreter's teardown of
    # everything warmed (the runner waits for this exit at the end of every run).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
