"""Tests of ``bulletin.render.documents``: the bulletin's statistics part as documents: PDF, Word, an
accessible workbook, a data package."""

from __future__ import annotations

import re

from helpers import REFERENCE_MONTH as M
from helpers import edit_csv, one_line, run_cli


def test_documents_refuse_a_hand_edited_name_before_writing_anything(data_copy, tmp_path, capsys):
    edit_csv(data_copy / M / "kiosks.csv", "南京市胸科医院", "南京市胸科医院😷")
    out = tmp_path / "new" / "out"
    code, printed, err = run_cli(capsys, "documents", M, "--data-dir", str(data_copy), "--out", str(out))
    assert code == 2 and printed == ""
    line = one_line(err)
    assert re.search(r"kiosks\.csv, row 24, column unit: a character the documents' font \(Noto Sans CJK SC\) "
                     r"cannot print, U\+1F637 FACE WITH MEDICAL MASK \(found '南京市胸科医院😷'\)", line), line
    assert not (tmp_path / "new").exists()  # no empty output folder
