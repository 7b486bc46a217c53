"""Record the section notebooks' outputs for the reference month (what nbval compares).

Usage: ``.venv/bin/python tools/record_notebooks.py [names ...]`` — names as in
:data:`bulletin.sections.SECTIONS` (``hotline``, ``01``, ``01_hotline``) or ``explore`` (the
analysts' notebook, not published); none means all that exist.

Each notebook is executed by papermill (the same code path as ``bulletin run``) with its own
parameters cell as written (``month = "2020-02"``, ``data_dir = None``: no injected cell), into a
temporary file; then the volatile metadata papermill records (timestamps, durations, paths) is
removed and the result replaces ``notebooks/NN_name.ipynb``. A notebook that fails is left as it
was and the script exits 1.

The kernel talks to papermill over loopback TCP. Left to its defaults, ipykernel warns on stderr
that this runs without encryption; instead of muting its log (which would hide real kernel
errors too), the kernel manager provisions CurveZMQ keys whenever the kernel spec declares
support for them (``transport_encryption = "auto"``, jupyter_client ≥ 8.10), so the channel is
encrypted and the warning has no cause.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import nbformat
import papermill
import zmq
from jupyter_client import AsyncKernelManager
from traitlets import default

from bulletin.core import paths
from bulletin.sections import SECTIONS, section

KERNEL = "python3"
#: notebooks for analysts, recorded and replayed by nbval like the sections but never published
ANALYST_NOTEBOOKS = (paths.NOTEBOOKS_DIR / "explore.ipynb",)
#: cell and notebook metadata keys that change from run to run
VOLATILE_CELL_KEYS = ("papermill", "execution")
VOLATILE_NB_KEYS = ("papermill",)


class EncryptedKernelManager(AsyncKernelManager):
    """nbclient's kernel manager, with CurveZMQ keys provisioned when the kernel supports them."""

    @default("transport_encryption")
    def _transport_encryption_default(self) -> str:
        return "auto" if zmq.has("curve") else "disabled"


def strip_volatile(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    for key in VOLATILE_NB_KEYS:
        nb.metadata.pop(key, None)
    for cell in nb.cells:
        for key in VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
    return nb


def record(path: Path) -> None:
    """Execute ``path`` with papermill and write the stripped result back over it."""
    with tempfile.TemporaryDirectory(prefix="record-") as tmp:
        out = Path(tmp) / path.name
        papermill.execute_notebook(
            str(path),
            str(out),
            parameters=None,
            kernel_name=KERNEL,
            cwd=str(path.parent),
            progress_bar=False,
            log_output=False,
            kernel_manager_class=EncryptedKernelManager,
        )
        nb = strip_volatile(nbformat.read(out, as_version=4))
    text = nbformat.writes(nb) + "\n"
    tmp_target = path.with_suffix(".ipynb.tmp")
    tmp_target.write_text(text, encoding="utf-8")
    os.replace(tmp_target, path)


def main(argv: list[str]) -> int:
    # the recorded run must read the project's own data/, whatever the caller's environment says
    os.environ.pop(paths.ENV_DATA_DIR, None)
    every = {s.stem: s.notebook for s in SECTIONS if s.notebook.exists()}
    every.update({p.stem: p for p in ANALYST_NOTEBOOKS})
    chosen = {}
    for name in argv or every:
        if name in every:
            chosen[name] = every[name]
        else:
            sec = section(name)
            chosen[sec.stem] = sec.notebook
    failed = []
    for stem, notebook in chosen.items():
        print(f"recording {stem} ...", flush=True)
        try:
            record(notebook)
        except Exception as exc:  # noqa: BLE001 - report every failure, keep the others going
            failed.append(stem)
            print(f"  failed: {type(exc).__name__}: {str(exc).strip().splitlines()[-1:]}", file=sys.stderr)
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
