"""Kernels for the monthly batch: forked from a warmed parent, one fresh process per notebook.

A *fork server* (``python -m bulletin.batch.kernels SOCKET``: :mod:`.server`, started by
:class:`ForkServer`) imports IPython, pandas, matplotlib, seaborn and ``bulletin`` once and forks a
brand-new ipykernel per notebook; papermill reaches it through :class:`ForkProvisioner`, a
jupyter_client kernel provisioner (:mod:`.provisioner`, entry point ``bulletin-fork-provisioner``)
selected by the ``bulletin-fork`` kernel spec. :mod:`.client` is the runner's side (the server
started and stopped, a forked kernel as the provisioner sees it); :mod:`.forked_call` runs work that
is not a kernel in a fork of the same server. The server signals only its own unreaped children.
A fork's function call is not exported here: ``bulletin.batch.kernels.forked_call.call``.
POSIX only (:func:`fork_available`); elsewhere the runner uses stock kernels. Why and how:
ARCHITECTURE.md, "Kernels".
"""

from __future__ import annotations

from bulletin.batch.kernels.client import (
    KERNEL_NAME,
    PROVISIONER_NAME,
    ForkedKernel,
    ForkServer,
    check_registered,
    clear_stale_folders,
    fork_available,
    ready_client_class,
    start_server,
)
from bulletin.batch.kernels.provisioner import ForkProvisioner, kernel_config
from bulletin.batch.kernels.server import INLINE_BACKEND, WARM_MODULES
from bulletin.core.errors import KernelStartError

__all__ = [
    "INLINE_BACKEND", "KERNEL_NAME", "PROVISIONER_NAME", "WARM_MODULES",
    "ForkProvisioner", "ForkServer", "ForkedKernel", "KernelStartError",
    "check_registered", "clear_stale_folders", "fork_available", "kernel_config", "ready_client_class",
    "start_server",
]
