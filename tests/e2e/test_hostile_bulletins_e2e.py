"""Hostile bulletins built from February's text: cut short, unprintable names, 万 and 亿, wrong months.

Each case runs the command a user types (`bulletin ingest`, `check`, `documents`) and asserts
its exit code, the one line it prints and the line of the text it names, and what is (not) written.
"""

from __future__ import annotations

import io
import subprocess

import pytest
from helpers import (
    FIXTURES,
    edit_csv,
    ingest,
    poppler,
    raw_text,
    replace_once,
    run_cli,
)
from helpers import REFERENCE_MONTH as M

from bulletin.data import glyphs
from bulletin.render import documents

# --- 1. a text cut short is not a month --------------------------------------------------------


# --- 2. every character ingest accepts prints in every output ------------------------------------


ACCEPTED = "南京市\U0002000b医院（Ωé①한）"  # an Extension B ideograph the font has, Greek, Latin, a circled one, Hangul


def test_names_in_any_character_ingest_accepts_print_in_the_pdf(tmp_path, capsys):
    assert glyphs.first_unprintable(ACCEPTED) is None and ord("\U0002000b") >= 0x20000
    text = replace_once(raw_text(), "\t南京市第一医院\n\t3039\n", f"\t{ACCEPTED}\n\t3039\n")
    code, _, _, data = ingest(capsys, tmp_path, text)
    assert code == 0
    out = tmp_path / "out"
    code, printed, err = run_cli(capsys, "documents", M, "--data-dir", str(data), "--out", str(out))
    assert code == 0, err
    assert len(printed.split("\n")) == 5
    pdf_text = subprocess.run([poppler("pdftotext"), str(out / f"bulletin-{M}.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
    assert ACCEPTED in "".join(pdf_text.split())
    from docx import Document
    from openpyxl import load_workbook

    word = Document(out / f"bulletin-{M}.docx")
    assert any(ACCEPTED in cell.text for table in word.tables for row in table.rows for cell in row.cells)
    workbook = load_workbook(out / f"tables-{M}.xlsx")
    assert ACCEPTED in [c.value for ws in workbook.worksheets for row in ws.iter_rows() for c in row]
    assert ACCEPTED in (out / f"data-{M}" / "appointments.csv").read_text(encoding="utf-8")


def test_a_failed_documents_run_removes_the_folders_it_made(data_copy, tmp_path, monkeypatch):
    def fail(doc, target):
        raise documents.pdf.DocumentError("typst could not compile the PDF: test")

    monkeypatch.setattr(documents.pdf, "write", fail)
    out = tmp_path / "a" / "b"
    with pytest.raises(documents.pdf.DocumentError):
        documents.write_all(M, data_copy, out)
    assert not (tmp_path / "a").exists()


def test_bulletin_run_reports_an_unprintable_name_in_one_line_and_publishes_nothing(data_copy, tmp_path):
    from bulletin.batch import Notebook, run_batch

    edit_csv(data_copy / M / "appointments.csv", "南京市第一医院", "南京市第𠀀医院")
    figures = Notebook("00_figures", "数字", FIXTURES / "notebooks" / "00_figures.ipynb")
    out = tmp_path / "reports"
    log = io.StringIO()
    outcome = run_batch([M], data_dir=data_copy, out=out, notebooks=[figures], progress=False, stream=log, jobs=1)
    assert outcome.exit_code == 1 and outcome.failed_months == [M]
    assert any("documents: " in n and "appointments.csv, row 3, column hospital" in n and "U+20000" in n
               for n in outcome.notes), outcome.notes
    assert "Traceback" not in log.getvalue()
    assert not (out / M).exists()


# --- 3. 万 and 亿 in the prose --------------------------------------------------------------------


# --- 4. month words that disagree with the month -----------------------------------------------


# --- hostile round 4 (issue 27): other digits, formula-shaped names, other_months.csv ---------------


