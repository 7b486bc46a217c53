"""Numbers and tables as a reader sees them: the one formatting package, in two styles.

This module is the reader's style (pages and notebooks); :mod:`bulletin.style.fmt.printed` is the
printed style of the PDF and the Word file (the bulletin's own: ``59507``, ``166469.00``). Both
take the same values and keep :data:`NOT_REPORTED`, the one word a missing figure reads as.

Every figure shown in a notebook or report goes through here: counts with thousands separators,
shares as percentages with one decimal, money in 元 with two decimals, month-on-month change as
``+1,234（+5.2%）``. A missing figure (``<NA>``, what the bulletin prints as 未反馈) is shown as
未反馈, never as 0; one the bulletin printed as a sign (``—``, ``…``: :class:`~bulletin.core.missing.NoFigure`)
as that sign.

Tables are returned as plain DataFrames of strings with Chinese headers: their HTML and text
renderings are deterministic (a pandas ``Styler`` would embed a random id in its HTML).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from bulletin.core.missing import NOT_REPORTED as NOT_REPORTED  # how a missing figure reads, in every output
from bulletin.core.missing import NoFigure, is_missing, key_text, shown
from bulletin.core.missing import signs as read_signs
from bulletin.core.schema import to_fen
from bulletin.data.loaders import labels as table_labels

#: how an undefined ratio reads (a share of nothing, a change from 0)
UNDEFINED = "—"

#: Chinese labels of the columns that section modules derive (shares, ranks, month-on-month)
LABELS: dict[str, str] = {
    "rank": "排名",
    "share": "占比",
    "cumulative_share": "累计占比",
    "value": "本月",
    "previous": "上月",
    "change": "环比增减",
    "change_pct": "环比增幅",
    "change_text": "环比变化",
    "label": "项目",
    "unit": "单位",
    "note": "说明",
}


def mark(text: str, revised: bool) -> str:
    """``text`` with the revision mark after it when ``revised``: ``1,819 [r]``."""
    from bulletin.data.revisions import mark as _mark

    return _mark(text, revised)


def count(x: object, na: str = NOT_REPORTED) -> str:
    """``1234`` → ``1,234``; a missing value → 未反馈."""
    if is_missing(x):
        return shown(x, na)
    if isinstance(x, Decimal):
        x = int(x.to_integral_value(ROUND_HALF_UP))
    elif isinstance(x, float):
        x = round(x)
    return f"{int(x):,}"


def number(x: object, digits: int = 1, na: str = NOT_REPORTED) -> str:
    """A ratio or average with ``digits`` decimals and thousands separators: ``12.3``."""
    if is_missing(x):
        return shown(x, na)
    return f"{float(x):,.{digits}f}"


def pct(x: object, digits: int = 1, na: str = UNDEFINED, signed: bool = False) -> str:
    """A share given as a fraction: ``0.4352`` → ``43.5%`` (``signed`` puts ``+`` before gains)."""
    if is_missing(x) or (isinstance(x, float) and math.isinf(x)):
        return shown(x, na)
    value = float(x)
    smallest = 0.5 * 10 ** -(digits + 2)
    if 0 < abs(value) < smallest:  # a share too small to show reads as <0.1%, not as 0.0%
        return f"{'+' if signed and value > 0 else '-' if value < 0 else ''}<{10 ** -digits:.{digits}f}%"
    sign = "+" if signed else ""
    return f"{value * 100:{sign}.{digits}f}%"


def yuan(x: object, na: str = NOT_REPORTED, unit: bool = False) -> str:
    """Money to the fen: ``Decimal("6477159.42")`` → ``6,477,159.42`` (``unit`` appends 元)."""
    if is_missing(x):
        return shown(x, na)
    text = f"{to_fen(x):,.2f}"
    return f"{text}元" if unit else text


def yi(x: object, digits: int = 1, na: str = NOT_REPORTED) -> str:
    """A large count in 亿 (10⁸) as the bulletin prints it: ``4930000000`` → ``49.3亿``."""
    if is_missing(x):
        return shown(x, na)
    return f"{float(x) / 1e8:,.{digits}f}亿"


def digits(precision: Decimal | None, default: int) -> int:
    """How many decimals a declared precision prints (``0.1`` → 1, ``0.01`` → 2); ``default`` without one."""
    if precision is None:
        return default
    exponent = precision.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else default


def figure(x: object, unit: str, na: str | None = None, form: str = "", precision: Decimal | None = None) -> str:
    """A headline figure without its unit, in the form its declaration gives
    (:class:`bulletin.sections.model.Figure`: ``form`` and ``precision``): a figure declared in 亿
    in 亿 to its precision (the bulletin's 49.3亿条 is rounded: 4,930,000,000 would claim a
    precision it does not have); else by its unit, a share (``%``, its value in percent), money
    (``元``) to the fen, else a count. Only the declared form prints 亿, whatever the size.

    A missing value reads as ``na`` when given, else as each kind's own default.
    """
    if na is not None and is_missing(x):
        return shown(x, na)
    if form == "亿":
        return yi(x, digits(precision, 1))
    if unit == "%":  # a headline share is in percent: its value and its unit agree
        return pct(x if is_missing(x) else float(x) / 100, digits(precision, 1))  # type: ignore[arg-type]
    if unit == "元":
        return yuan(x)
    return count(x)


def signed_count(x: object, na: str = UNDEFINED) -> str:
    """A difference with its sign: ``+1,234``, ``-56``, ``0``."""
    if is_missing(x):
        return shown(x, na)
    v = int(x)
    return f"{v:+,}" if v else "0"


def change(delta: object, ratio: object, money: bool = False) -> str:
    """Month-on-month change as one text: ``+1,234（+5.2%）``.

    ``ratio`` is the change as a fraction of the previous month; missing or infinite (the
    previous month was 0) reads as —. A missing ``delta`` (the unit is absent in one of the two
    months) reads as — alone.
    """
    if is_missing(delta):
        return UNDEFINED
    if money:
        d = delta if isinstance(delta, Decimal) else Decimal(str(delta))
        head = ("+" if d > 0 else "") + yuan(d)
    else:
        head = signed_count(delta)
    return f"{head}（{pct(ratio, signed=True)}）"


#: formatter name → function, for :func:`table`
FORMATTERS: dict[str, Callable[[object], str]] = {
    "count": count,
    "pct": pct,
    "yuan": yuan,
    "number": number,
    "signed": signed_count,
    "text": lambda x: shown(x, NOT_REPORTED) if is_missing(x) else str(x),
}


def _infer(name: str, series: pd.Series, money: frozenset[str] = frozenset()) -> str:
    if name.endswith("share") or name.endswith("_pct") or name.endswith("rate"):
        return "pct"
    if name in money or name.endswith("_yuan"):  # money to the fen, float64 yuan or Decimal alike
        return "yuan"
    if pd.api.types.is_integer_dtype(series) or pd.api.types.is_bool_dtype(series):
        return "count"
    if pd.api.types.is_float_dtype(series):
        return "number"
    sample = series.dropna()
    if len(sample) and all(isinstance(v, Decimal) for v in sample):
        return "yuan"
    if len(sample) and all(isinstance(v, int) for v in sample):
        return "count"
    return "text"


def with_signs(frame: pd.DataFrame, printed: Mapping[tuple[tuple[str, ...], str], str],
               key: Sequence[str]) -> pd.DataFrame:
    """A display copy of ``frame`` in which each missing figure the bulletin printed as a sign
    (``printed``: ``m.signs(table)``, rows found by the ``key`` columns) is a
    :class:`~bulletin.core.missing.NoFigure`, which every formatter here words as its sign. For views
    only: the figure columns it touches become ``object`` columns."""
    if not printed or not all(k in frame.columns for k in key):
        return frame
    keys = [key_text(k) for k in zip(*(frame[k] for k in key), strict=True)]
    out = frame.copy()
    for col in dict.fromkeys(c for _, c in printed):
        if col in out.columns:
            out[col] = pd.Series([NoFigure(printed[(k, col)]) if (k, col) in printed and is_missing(v) else v
                                  for k, v in zip(keys, out[col], strict=True)], index=out.index, dtype=object)
    return out


def table(
    frame: pd.DataFrame,
    table_name: str | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    formats: Mapping[str, str | Callable[[object], str]] | None = None,
    number_rows: bool = True,
    revised: pd.DataFrame | None = None,
    signs: Mapping[tuple[tuple[str, ...], str], str] | None = None,
) -> pd.DataFrame:
    """A display copy of ``frame``: every cell a formatted string, headers in Chinese.

    Parameters
    ----------
    frame
        Canonical column names (as loaded, or as a section module derives them).
    table_name
        The schema table whose Chinese labels apply (``bulletin.labels``).
    labels
        Extra or overriding labels; :data:`LABELS` covers the derived columns.
    formats
        Column → formatter name (``count``, ``pct``, ``yuan``, ``number``, ``signed``, ``text``)
        or a function; otherwise inferred (money — the table's money columns, ``*_yuan``,
        ``Decimal`` — → yuan, to the fen; integers → count; ``*share`` → pct; other floats → one
        decimal).
    number_rows
        Replace the index by 1, 2, 3 … (rows keep a non-numeric index label such as 合计).
    revised
        Per row of ``frame`` (same length, same order) and per column, whether a revision edited
        the figure (``m.revised_flags(table, frame)``): those cells read ``1,819 [r]``.

    signs
        The signs the bulletin printed for no figure (``m.signs(table)``), for a frame that no
        longer carries them (one with a 合计 row concatenated, say); by default the frame's own.

    A missing figure reads 未反馈, or the sign the bulletin printed in its place (``—``, ``…``),
    which a loaded table carries (:func:`bulletin.core.missing.signs`) and which is found by the row's
    key, so ``table_name`` and the key columns must be in ``frame`` for it.
    """
    names: dict[str, str] = dict(LABELS)
    if table_name is not None:
        names.update(table_labels(table_name))
    if labels:
        names.update(labels)
    formats = dict(formats or {})
    money = frozenset()
    shown = frame
    if table_name is not None:
        from bulletin.core.schema import table as table_decl

        decl = table_decl(table_name)
        money = frozenset(c.name for c in decl.columns if c.kind == "money")
        # a figure the bulletin printed as a sign (—, …) reads as that sign, as 未反馈 reads 未反馈
        shown = with_signs(frame, read_signs(frame) if signs is None else signs, decl.key)
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        spec = formats.get(col) or _infer(col, frame[col], money)
        func = FORMATTERS[spec] if isinstance(spec, str) else spec
        texts = [func(v) for v in shown[col]]
        if revised is not None and col in revised.columns:
            texts = [mark(t, bool(f)) for t, f in zip(texts, revised[col], strict=True)]
        out[names.get(col, col)] = texts
    if number_rows:
        out.index = [str(i + 1) if isinstance(label, int) else str(label) for i, label in enumerate(frame.index)]
    out.columns.name = None
    out.index.name = None
    return out
