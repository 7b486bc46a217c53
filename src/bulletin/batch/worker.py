"""Work done in the pool's processes: one section notebook run with papermill, and the worker's set-up.

Each job runs its notebook into the month's staging folder; a failed notebook is kept in
``reports/YYYY-MM.failed/``. Kernels come from the fork server (:mod:`bulletin.batch.kernels`) when there
is one; a kernel that never started (:class:`bulletin.batch.kernels.KernelStartError`) is tried once more.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from bulletin.batch.jobs import DEFAULT_TIMEOUT, JobResult, JobStatus, Notebook, disk_full, last_line, os_error
from bulletin.core import cache
from bulletin.core.paths import confined

#: the fork server's socket in this worker (None: stock kernels), set by :func:`init_worker`
_SERVER_ADDRESS: str | None = None


def server_address() -> str | None:
    """The fork server this worker's kernels come from, or None (no ``fork``: stock kernels)."""
    return _SERVER_ADDRESS


def init_worker(address: str | None, kernel_path: str | None, server_stdin: int | None) -> None:
    import signal
    import threading

    global _SERVER_ADDRESS
    _SERVER_ADDRESS = address
    if kernel_path:  # where jupyter_client finds the `bulletin-fork` kernel spec (documented by jupyter_core)
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [kernel_path, os.environ.get("JUPYTER_PATH")]))
    if server_stdin is not None:  # inherited by fork; the server stops when the runner closes it
        os.close(server_stdin)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runner handles Ctrl-C and stops us
    for name in ("SIGTERM", "SIGHUP"):  # not the runner's handlers: terminate() must end a worker
        sig = getattr(signal, name, None)
        if sig is not None and callable(signal.getsignal(sig)):  # an ignored one (nohup) stays ignored
            signal.signal(sig, signal.SIG_DFL)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """A worker whose runner was killed (``kill -9``) would wait for work forever: exit instead.

    The pool's pipes stay open in every worker, so no end-of-file tells them; the parent's pid does
    (ipykernel's parent poller does the same).
    """
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


def _failure(exc: BaseException, seconds: float, timeout: float | None) -> JobResult:
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    full = disk_full(exc)
    if full is not None:  # papermill's or nbformat's write met a full disk: named as such
        return JobResult(JobStatus.FAILED, seconds, f"could not write: {os_error(full)}")
    if isinstance(exc, CellTimeoutError):
        return JobResult(JobStatus.FAILED, seconds, f"timed out: a cell ran longer than the {timeout:g} s limit "
                                                    "(--timeout); its kernel was stopped")
    if isinstance(exc, PapermillExecutionError):
        last = (f"{exc.ename}: {exc.evalue}".strip().splitlines() or [exc.ename])[-1]
        return JobResult(JobStatus.FAILED, seconds, last, exc.exec_count)
    return JobResult(JobStatus.FAILED, seconds, last_line(exc))


def run_notebook(month: str, nb: Notebook, data_param: str | None, data_dir: Path, staging: str,
                 failed_dir: str, with_code: bool, timeout: float | None = DEFAULT_TIMEOUT) -> JobResult:
    """Run one notebook into ``staging``; on error keep it in ``failed_dir``.

    ``data_param`` is what the notebook receives (None: its own default, as in JupyterLab);
    ``data_dir`` is the folder that means, scrubbed from the outputs whichever way it was chosen.
    ``timeout``: the longest a cell may run, in seconds (papermill's ``execution_timeout``,
    nbclient's ``timeout``); a cell that runs longer fails the job and its kernel is shut down.
    Every file is written inside the reports folder (the staging folder's parent) and atomically:
    a full disk fails the job with that said, and leaves no half-written file.
    """
    import nbformat
    import papermill as pm

    from bulletin.batch.kernels import KERNEL_NAME, KernelStartError, kernel_config
    from bulletin.core.files import write_text_atomic
    from bulletin.data.demo import is_synthetic
    from bulletin.render.reader_pages import notebook_html, relativise

    start = time.monotonic()
    out_root = Path(staging).parent  # the reports folder: nothing is written outside it
    out_nb = confined(Path(staging) / f"{nb.stem}.ipynb", out_root)
    kernelspec = _kernelspec(nb.path)

    def execute():
        return pm.execute_notebook(
            str(nb.path),
            str(out_nb),
            parameters={"month": month, "data_dir": data_param},
            kernel_name=KERNEL_NAME if _SERVER_ADDRESS else "python3",
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            cwd=str(nb.path.parent),
            shutdown_kernel="immediate",
            execution_timeout=timeout,
            config=kernel_config(),  # jupyter_client's kernel client, with a shorter readiness probe
        )

    try:
        try:
            executed = execute()
        except KernelStartError:  # only a kernel that never started is tried again
            executed = execute()  # a fresh kernel: no cell of the notebook has run yet
    except Exception as exc:  # noqa: BLE001 - any failure of one job is reported, others carry on
        result = _failure(exc, time.monotonic() - start, timeout)
        _keep_failed(out_nb, nb, month, data_dir, kernelspec, Path(failed_dir), out_root)
        return result
    relativise(executed, notebook=nb.path, output_name=f"{month}/{nb.stem}.ipynb", data_dir=data_dir,
               kernelspec=kernelspec)
    html_text = notebook_html(executed, title=nb.title, month=month, with_code=with_code, stem=nb.stem,
                              months=sorted(cache.available_months(data_dir)), synthetic=is_synthetic(data_dir))
    try:
        write_text_atomic(out_nb, nbformat.writes(executed), root=out_root)
        write_text_atomic(Path(staging) / f"{nb.stem}.html", html_text, root=out_root)
    except OSError as exc:  # a full disk, say: the month is not published (its staging folder is dropped)
        return JobResult(JobStatus.FAILED, time.monotonic() - start, f"could not write: {os_error(exc)}")
    return JobResult(JobStatus.OK, time.monotonic() - start)


def _keep_failed(out_nb: Path, nb: Notebook, month: str, data_dir: Path, kernelspec: dict | None,
                 failed_dir: Path, out_root: Path) -> None:
    """Keep what papermill wrote of a failed notebook in ``reports/YYYY-MM.failed/``, when it can be
    read (a full disk leaves an empty file: the job's line already says why it failed)."""
    import nbformat

    from bulletin.core.files import write_text_atomic
    from bulletin.render.reader_pages import relativise

    if not out_nb.exists():
        return
    try:
        failed = nbformat.read(out_nb, as_version=4)
    except (OSError, ValueError):  # empty or cut short (nbformat's NotJSONError is a ValueError)
        out_nb.unlink(missing_ok=True)
        return
    out_nb.unlink()
    relativise(failed, notebook=nb.path, output_name=f"{month}.failed/{nb.stem}.ipynb", data_dir=data_dir,
               kernelspec=kernelspec)
    kept = confined(failed_dir / f"{nb.stem}.ipynb", out_root)  # `YYYY-MM.failed` may be a link
    try:
        failed_dir.mkdir(parents=True, exist_ok=True)
        write_text_atomic(kept, nbformat.writes(failed), root=out_root)
    except OSError:  # a full disk: the failure is reported all the same, only not kept
        pass


def _kernelspec(notebook: Path) -> dict | None:
    """The notebook's own kernel spec metadata (papermill records the one it ran; readers get this one)."""
    import json

    try:
        spec = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {}).get("kernelspec")
    except (OSError, ValueError):
        return None
    return spec if isinstance(spec, dict) else None
