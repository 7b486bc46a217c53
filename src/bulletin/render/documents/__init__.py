"""The bulletin's statistics part as documents: PDF, Word, an accessible workbook, a data package.

:func:`write_all` writes them for one month into a folder the caller gives (never the data
folder), from one :mod:`.content` built from the loaded month. ARCHITECTURE.md, "Documents".
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

PathLike = str | os.PathLike[str]


def names(month: str) -> list[str]:
    """The names :func:`write_all` writes for ``month``, in the order it returns them."""
    return [f"bulletin-{month}.pdf", f"bulletin-{month}.docx", f"tables-{month}.xlsx", f"data-{month}"]


def write_all(month: str, data_dir: PathLike | None, out_dir: PathLike) -> list[Path]:
    """Write the month's four documents into ``out_dir`` and return their paths.

    Everything is written into a temporary folder inside ``out_dir`` first and moved into place
    only when all four are complete, so a failure (bad data, full disk) leaves ``out_dir`` as it
    was, and a folder created for ``out_dir`` is removed again. ``data_dir`` is read only.

    Raises
    ------
    BulletinDataError
        For unreadable data (one line naming file, row, column and value), as ``bulletin.load`` does,
        and for a name holding a character the documents' font cannot print (:mod:`bulletin.data.glyphs`).
    BulletinError
        When ``out_dir`` is the data directory or inside it.
    """
    from bulletin.core import paths
    from bulletin.core.errors import BulletinError
    from bulletin.data import glyphs
    from bulletin.render.documents import content, datapackage, pdf, word, workbook

    out = Path(out_dir).expanduser().resolve()
    data_root = paths.data_dir(data_dir).resolve()
    if out == data_root or data_root in out.parents:
        raise BulletinError(f"the documents are not written into the data directory ({out}); give another --out")
    m = content.read_month(month, data_dir)
    doc = content.build_from(m)
    # every name must print in the PDF's one font: refused with its file, row and code point
    # before anything is written (a month folder edited by hand; the ingest refuses them too)
    glyphs.check_month_folder(paths.month_dir(month, data_dir))
    pdf_name, docx_name, xlsx_name, data_name = names(month)
    # the folders made here are removed again on failure: never an empty output folder left behind
    made = [p for p in (out, *out.parents) if not p.exists()]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BulletinError(f"cannot create the output folder {out} ({exc.strerror or exc})") from None
    work = Path(tempfile.mkdtemp(prefix=".documents-", dir=out))
    done = False
    try:
        pdf.write(doc, work / pdf_name)
        word.write(doc, work / docx_name)
        workbook.write(m, work / xlsx_name)
        datapackage.write(m, work / data_name)
        written = []
        for name in names(month):
            target = out / name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            os.replace(work / name, target)
            written.append(target)
        done = True
        return written
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if not done:
            for folder in made:  # the deepest first; a folder someone else filled meanwhile stays
                try:
                    folder.rmdir()
                except OSError:
                    break
