"""Tests of ``bulletin.reader_pages``: what readers receive: HTML of each executed section, the month's
index, the top index."""

from __future__ import annotations

import json

import helpers
import pytest

from bulletin import paths
from bulletin.batch import Notebook

FIXTURES = helpers.FIXTURES / "notebooks"


FIGURES = Notebook("00_figures", "数字", FIXTURES / "00_figures.ipynb")


@pytest.mark.usefixtures("_stable_code_hash")
def test_relativise_scrubs_error_messages_and_tracebacks(tmp_path):
    import nbformat

    from bulletin.reader_pages import relativise

    data = tmp_path / "somewhere" / "data"
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("load()", outputs=[nbformat.v4.new_output(
        "error", ename="BulletinDataError", evalue=f"file {data}/2020-02/kiosks.csv: missing",
        traceback=[f"{data}/2020-02/kiosks.csv", f"{paths.PROJECT_ROOT}/src/bulletin/loaders.py"])]))
    relativise(nb, notebook=FIGURES.path, output_name="2020-02.failed/x.ipynb", data_dir=data)
    text = json.dumps(nb)
    assert str(tmp_path) not in text and str(paths.PROJECT_ROOT) not in text
    assert nb.cells[0].outputs[0].evalue == "file data/2020-02/kiosks.csv: missing"
