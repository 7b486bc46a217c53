"""Where things are. Every path of the project is derived here, never from the working directory.

papermill runs a notebook from the notebook's folder and JupyterLab from wherever it was started,
so a relative ``data/`` would point somewhere different in each. The project root is found from
this file's own location (the package is installed in editable mode from ``src/``).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from bulletin.core.errors import BulletinDataError, RunError
from bulletin.core.month_strings import parse_month

ENV_DATA_DIR = "BULLETIN_DATA_DIR"
#: where the months' digests are kept (:mod:`bulletin.history`); the batch sets it for its kernels
ENV_HISTORY_DIR = "BULLETIN_HISTORY_DIR"
#: the digests' folder inside a reports folder
HISTORY_DIR_NAME = ".history"

#: The repository root: ``src/bulletin/core/paths.py`` → four levels up.
PROJECT_ROOT = Path(__file__).resolve().parents[3]
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_REPORTS_DIR = PROJECT_ROOT / "reports"
#: where `bulletin demo` writes the synthetic months (data/) and `make demo` their reports (reports/)
DEFAULT_DEMO_DIR = PROJECT_ROOT / "demo"
RAW_DIR_NAME = "raw"


def data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: the argument, else ``$BULLETIN_DATA_DIR``, else the project's ``data/``.

    An empty one (``data_dir=""``, ``--data-dir ""``, ``BULLETIN_DATA_DIR=``: an unset shell
    variable, typically) is refused, never taken for the default.
    """
    if data_dir is not None:
        return _as_dir(_not_empty(data_dir, "data_dir"), "the data_dir argument")
    env = os.environ.get(ENV_DATA_DIR)
    if env is not None:
        return _as_dir(_not_empty(env, f"${ENV_DATA_DIR}"), f"${ENV_DATA_DIR}")
    if not DEFAULT_DATA_DIR.is_dir():
        raise BulletinDataError(
            "no data directory found",
            file=DEFAULT_DATA_DIR,
            expected=f"the data_dir argument or ${ENV_DATA_DIR} when the package is not run from its repository",
        )
    return DEFAULT_DATA_DIR


def _not_empty(value: str | os.PathLike[str], source: str) -> str | os.PathLike[str]:
    """``value``, unless it is empty: the one refusal of an empty data directory, the CLI's too."""
    if isinstance(value, str | os.PathLike) and os.fspath(value) == "":
        raise BulletinDataError(
            "the data directory is empty", column=source, value="",
            expected=f"a folder; leave it out for the default (${ENV_DATA_DIR}, else the project's data/)",
        )
    return value


def _as_dir(value: object, source: str) -> Path:
    """A user-given directory as an absolute path (relative ones are relative to the working directory)."""
    try:
        return Path(value).expanduser().resolve()  # type: ignore[arg-type]
    except (TypeError, ValueError, RuntimeError, OSError) as exc:
        raise BulletinDataError(
            f"not a usable directory ({exc})", column=source, value=value, expected="a path to the data directory"
        ) from None


def history_dir(reports: str | os.PathLike[str] | None = None) -> Path:
    """The folder of the months' digests: ``reports/.history`` of the given reports folder, else
    ``$BULLETIN_HISTORY_DIR`` (what the batch gives its notebooks), else the project's
    ``reports/.history``."""
    if reports is not None and str(reports) != "":
        return Path(reports) / HISTORY_DIR_NAME
    env = os.environ.get(ENV_HISTORY_DIR)
    if env:
        return Path(env)
    return DEFAULT_REPORTS_DIR / HISTORY_DIR_NAME


def month_dir(month: str, data_dir_: str | os.PathLike[str] | None = None) -> Path:
    """The folder of one month (the month is validated first, so ``../x`` never becomes a path)."""
    return data_dir(data_dir_) / parse_month(month)


def raw_dir(data_dir_: str | os.PathLike[str] | None = None) -> Path:
    return data_dir(data_dir_) / RAW_DIR_NAME


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as shown to readers: relative to the project root when inside it, else its name only.

    Published reports must not carry absolute paths of the machine that made them.
    """
    p = Path(path)
    try:
        return p.resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return p.name


def confined(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> Path:
    """``path`` when it leads inside ``root`` once every link on the way is followed; else
    :class:`~bulletin.core.errors.RunError` naming it.

    What the batch checks where it opens each file it writes under the reports folder (not once at
    the start): a link placed there (``reports/.history`` → the data folder, say) would make the run
    write through it. A path that does not exist yet is judged by the folders above it.
    """
    p, real_root = Path(path), Path(root).resolve()
    real = p.resolve()
    if real != real_root and real_root not in real.parents:
        raise RunError(f"{p} leads outside the reports folder {root} (to {real}, by a symbolic link); "
                       "the run writes only inside its reports folder: remove the link")
    return p


#: the Noto Sans CJK SC file the ``mplfonts`` package ships: the charts' font and the pages'
BUNDLED_FONT = ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf")


def bundled_font_path() -> Path | None:
    """The Noto Sans CJK SC file of ``mplfonts`` (the project's CJK font), or None when it is missing.

    Found without importing mplfonts (nor matplotlib, which mplfonts imports).
    """
    spec = importlib.util.find_spec(BUNDLED_FONT[0])
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / BUNDLED_FONT[1]
        if path.is_file():
            return path
    return None
