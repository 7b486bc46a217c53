"""Tests of ``bulletin.render.reader_pages``: what readers receive: HTML of each executed section, the month's
index, the top index."""

from __future__ import annotations

import json

import helpers
import pytest

from bulletin.core import fonts, paths
from bulletin.sections import SECTIONS

FIGURES = helpers.figures_notebook()


@pytest.mark.usefixtures("_stable_code_hash")
def test_relativise_scrubs_error_messages_and_tracebacks(tmp_path):
    import nbformat

    from bulletin.render.reader_pages import relativise

    data = tmp_path / "somewhere" / "data"
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("load()", outputs=[nbformat.v4.new_output(
        "error", ename="BulletinDataError", evalue=f"file {data}/2020-02/kiosks.csv: missing",
        traceback=[f"{data}/2020-02/kiosks.csv", f"{paths.PROJECT_ROOT}/src/bulletin/data/loaders.py"])]))
    relativise(nb, notebook=FIGURES.path, output_name="2020-02.failed/x.ipynb", data_dir=data)
    text = json.dumps(nb)
    assert str(tmp_path) not in text and str(paths.PROJECT_ROOT) not in text
    assert nb.cells[0].outputs[0].evalue == "file data/2020-02/kiosks.csv: missing"


def test_the_runner_draws_the_section_pages_likely_glyphs_before_forking_its_workers():
    """prepare_pages draws, once in the runner, the glyphs of what the section pages will most
    likely show (each notebook's prose and recorded outputs: the tables' names), so that two
    workers do not each draw them again; no image data is read as text."""
    from bulletin.render import reader_pages

    appointments = next(s for s in SECTIONS if s.name == "appointments")
    text = reader_pages.recorded_text(appointments.notebook)
    assert "南京鼓楼医院" in text and "11,191" in text  # a hospital of February 2020 and its 小计
    assert "iVBORw0KGgo" not in text  # PNG data is not text
    assert reader_pages.recorded_text(paths.PROJECT_ROOT / "no such notebook.ipynb") == ""
    reader_pages.prepare_pages()
    font = fonts.subset_otf("南京鼓楼医院")  # drawn already: the page's subset has every glyph of the name
    assert len(font) > 1000
