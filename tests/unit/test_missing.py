"""Tests of ``bulletin.core.missing``: what counts as a missing figure (the bulletin's 未反馈) in a loaded
table: ``None``, pandas' ``NA``/``NaT``, a float or ``Decimal`` NaN, and :class:`NoFigure` (a
printed sign for "no figure")."""

from __future__ import annotations

import pytest
from helpers import REFERENCE_MONTH as M
from helpers import replace_once, signed_text

from bulletin.core.missing import NoFigure, is_missing
from bulletin.core.schema import Column
from bulletin.data.ingest import parse_text
from bulletin.data.ingest.layout import PrintedSection
from bulletin.data.ingest.tables import _figure
from bulletin.data.store import parse_cell


@pytest.mark.parametrize("sign", ["—", "–", "-", "…", "——", "……"])
@pytest.mark.parametrize("kind", ["count", "money"])
def test_a_sign_alone_in_a_figure_cell_is_no_figure_never_0(sign, kind):
    section = PrintedSection("kiosks", "t", 1, M)
    col = Column("x", "标签", kind)
    assert _figure(f" {sign} ", section, 3, "标签", col) == NoFigure(sign)
    assert parse_cell(sign, col, file="f.csv", row=2) is None  # in any column, nullable or not
    assert is_missing(NoFigure(sign)) and NoFigure(sign) != 0


def test_a_whole_申明_cell_printed_as_a_sign_is_neither_figure():
    text = replace_once(signed_text(), "\t江苏省中医院\n\t26/83\n", "\t江苏省中医院\n\t…\n")
    row = parse_text(text).tables["platform_hospitals"].set_index("hospital").loc["江苏省中医院"]
    assert (row["declared_tables"], row["required_tables"]) == (NoFigure("…"), NoFigure("…"))
