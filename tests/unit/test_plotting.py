"""Tests of ``bulletin.core.plotting``: a pandas plotting backend: pandas' own matplotlib plots, with the
names they show drawn as text."""

from __future__ import annotations

import io
import shutil

import matplotlib
import matplotlib.pyplot as plt
import pytest
from helpers import REFERENCE_MONTH as M
from helpers import edit_csv

import bulletin

matplotlib.use("Agg")


matplotlib.use("Agg")


#: a name that is no formula matplotlib can draw, and one it would draw as a formula
HOSTILE = r"$\frac{1}{0}$ 医院 $\undefinedmacro{x}$"


FORMULA = r"$x^2$ 医院"


@pytest.fixture
def hostile_month(tmp_path):
    """The shipped month, two of its hospitals renamed; matplotlib's defaults (mathtext on), as a
    user's session has them whatever an earlier test set."""
    root = tmp_path / "data"
    shutil.copytree(bulletin.core.paths.DEFAULT_DATA_DIR / M, root / M)
    edit_csv(root / M / "appointments.csv", "南京市儿童医院", HOSTILE)
    edit_csv(root / M / "appointments.csv", "南京市第一医院", FORMULA)
    with matplotlib.rc_context({"text.parse_math": True}):
        yield bulletin.month(M, root)
    plt.close("all")


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _width(text) -> float:
    return text.get_window_extent(text.figure.canvas.get_renderer()).width


def test_names_never_start_mathtext_on_the_readmes_plot_and_the_users_own_math_is_kept(hostile_month):
    a = hostile_month.appointments
    ax = a.plot.barh(x="hospital", y="total")  # README: k.plot.bar(x="unit", y=...)
    assert _png(ax.figure).startswith(b"\x89PNG")  # was ValueError: Unknown symbol, at savefig
    labels = {t.get_text(): t for t in ax.get_yticklabels()}
    assert labels[HOSTILE].get_text() == HOSTILE and not labels[HOSTILE].get_parse_math()
    assert not labels[FORMULA].get_parse_math()
    # the figures are the bulletin's: the children's hospital's 18,417 bookings, the first bar
    assert [p.get_width() for p in ax.patches][:2] == [18417, 11522]
    assert list(a["hospital"][:2]) == [HOSTILE, FORMULA]
    # in a legend too (the names as columns) and in a pie's labels
    wide = a.set_index("hospital")[["online_12320", "phone"]].T
    ax = wide.plot()
    assert not any(t.get_parse_math() for t in ax.get_legend().get_texts())
    assert _png(ax.figure)
    ax = a.set_index("hospital")["total"].head(3).plot.pie()
    assert _png(ax.figure)

    # and the user's own mathtext is left alone: a title on the plot's own axes, a log axis's
    # ticks, another figure (no setting flipped behind the user's back)
    ax = a.plot.bar(x="hospital", y="total", logy=True)
    ax.set_title("$x^2$")  # the user's own title, on the plot's own axes
    _png(ax.figure)
    assert ax.title.get_parse_math()
    assert any(t.get_text().startswith("$\\mathdefault{10^") and t.get_parse_math() for t in ax.get_yticklabels())
    fig, other = plt.subplots()  # another figure: mathtext as matplotlib's defaults have it
    title = other.set_title("$x^2$")
    _png(fig)
    math = _width(title)
    title.set_parse_math(False)
    assert math < 0.8 * _width(title)  # drawn as x², narrower than the six characters "$x^2$"
    assert matplotlib.rcParams["text.parse_math"]


def test_loading_a_table_sets_the_backend_but_keeps_one_the_user_chose(hostile_month, monkeypatch):
    import sys
    import types

    import pandas as pd

    with pd.option_context("plotting.backend", "matplotlib"):  # pandas' default
        hostile_month.kiosks  # noqa: B018 (loading a table is the point)
        assert pd.get_option("plotting.backend") == "bulletin.core.plotting"
    users = types.ModuleType("users_backend")
    users.plot = lambda data, kind, **kwargs: "the user's"
    monkeypatch.setitem(sys.modules, "users_backend", users)
    with pd.option_context("plotting.backend", "users_backend"):
        bulletin.load("kiosks", M, hostile_month.data_dir)
        assert pd.get_option("plotting.backend") == "users_backend"
        assert hostile_month.kiosks.plot.bar() == "the user's"
