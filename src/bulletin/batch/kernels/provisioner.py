"""The jupyter_client kernel provisioner of the fork server's kernels (:class:`ForkProvisioner`, entry
point ``bulletin-fork-provisioner``, selected by the ``bulletin-fork`` kernel spec) and the
configuration papermill passes on for them (:func:`kernel_config`).
"""

from __future__ import annotations

import json
import os
import signal
import socket

from jupyter_client.provisioning import LocalProvisioner
from traitlets import Unicode

from bulletin.batch.kernels.client import ForkedKernel, ready_client_class
from bulletin.core.errors import KernelStartError


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

