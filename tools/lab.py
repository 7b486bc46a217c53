"""``make lab``: JupyterLab on a working copy of the notebooks, so exploring never touches the recorded ones.

Usage: ``.venv/bin/python tools/lab.py [--dir DIR] [--sync-only] [JUPYTER LAB OPTIONS ...]``

The section notebooks in ``notebooks/`` hold the outputs recorded for 2020-02, which ``make nbval``
compares. JupyterLab autosaves what it runs, so trying ``month = "2020-07"`` there would replace
them. This script copies every notebook of ``notebooks/`` into ``lab/`` (not tracked by git; the
notebooks read the project's ``data/`` from there just the same) and opens JupyterLab on that
folder. A copy the analyst changed is never overwritten; one left as it was copied follows the
recorded notebook when that changes (``lab/.copied.json`` holds the SHA-256 of each copy as made).
Delete a file in ``lab/`` to get a fresh copy of it.

As root (a container) ``--allow-root`` is added: Jupyter refuses to run as root without it. Other
options go to ``jupyter lab`` (``LAB_ARGS="--ip=0.0.0.0 --no-browser" make lab``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LAB = ROOT / "lab"
MANIFEST = ".copied.json"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sync(source: Path = NOTEBOOKS, lab: Path = LAB) -> list[str]:
    """Bring ``lab`` up to date with ``source``; returns one line per notebook copied, updated or kept."""
    lab.mkdir(parents=True, exist_ok=True)
    manifest_path = lab / MANIFEST
    try:
        copied: dict[str, str] = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        copied = {}
    said = []
    for original in sorted(source.glob("*.ipynb")):
        copy = lab / original.name
        recorded = _sha(original)
        if not copy.exists():
            said.append(f"copied  {copy.name}")
        elif _sha(copy) == copied.get(copy.name):
            if recorded == copied[copy.name]:
                continue  # as copied, and the recorded notebook has not changed
            said.append(f"updated {copy.name} (the recorded notebook changed; your copy was as copied)")
        else:
            if recorded != copied.get(copy.name):
                said.append(f"kept    {copy.name} (yours; the recorded notebook changed since: delete "
                            f"{copy.relative_to(lab.parent) if lab.parent in copy.parents else copy} "
                            f"for a fresh copy)")
            continue
        tmp = copy.with_name(copy.name + ".tmp")
        shutil.copyfile(original, tmp)
        os.replace(tmp, copy)
        copied[copy.name] = recorded
    tmp = manifest_path.with_name(MANIFEST + ".tmp")
    tmp.write_text(json.dumps(copied, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, manifest_path)
    return said


def lab_command(lab: Path, extra: list[str]) -> list[str]:
    """``jupyter lab`` from this interpreter's environment (the project's kernel), on ``lab``."""
    command = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={lab}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
        command.append("--allow-root")
    return command + extra


def main(argv: list[str]) -> int:
    lab, sync_only, extra = LAB, False, []
    args = iter(argv)
    for arg in args:
        if arg == "--dir":
            lab = Path(next(args, "")).resolve()
        elif arg.startswith("--dir="):
            lab = Path(arg.split("=", 1)[1]).resolve()
        elif arg == "--sync-only":
            sync_only = True
        else:
            extra.append(arg)
    for line in sync(NOTEBOOKS, lab):
        print(f"lab: {line}", flush=True)
    if sync_only:
        return 0
    print(f"lab: JupyterLab on {lab}, a working copy: notebooks/ keeps its recorded outputs", flush=True)
    command = lab_command(lab, extra)
    if os.name == "posix":  # JupyterLab takes this process's place: Ctrl-C and kill reach it directly
        os.execv(command[0], command)
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:  # Ctrl-C: JupyterLab has shut down on it already
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
