"""The fork server, in its own process (``python -m bulletin.batch.kernels SOCKET``): it imports IPython,
pandas, matplotlib, seaborn and ``bulletin`` once (:func:`serve`), then forks, per request, a
brand-new ipykernel (:func:`_child_kernel`) or a child that runs one function call
(:func:`_call_child`, :mod:`bulletin.batch.kernels.forked_call`). It signals only its own unreaped
children (:class:`_Children`). Why and how: ARCHITECTURE.md, "Kernels".
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

#: what the fork server does not import when it warms the package's modules (the batch's own)
_NOT_WARMED = ("bulletin.batch", "bulletin.render.reader_pages", "bulletin.core.cache", "bulletin.cli",
               "bulletin.ingest_command", "bulletin.__main__")

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
    "bulletin.data.loaders",
    "bulletin.data.loaded_month",
    "bulletin.checks",
    "bulletin.sections",
)
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


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
        # is the one above this package's (read here, not by importing the package, the layer above the batch)
        for info in pkgutil.walk_packages([str(Path(__file__).parents[2])], "bulletin."):
            if info.name.startswith(_NOT_WARMED):
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
        remove_folder(Path(address).parent)  # also when the runner was killed and cannot do it


def remove_folder(folder: Path) -> None:
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

