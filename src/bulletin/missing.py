"""What counts as a missing figure (the bulletin's 未反馈) in a loaded table: ``None``, pandas'
``NA``/``NaT``, a float or ``Decimal`` NaN.

Its own module, below :mod:`bulletin.schema` and :mod:`bulletin.fmt`, so that the schema's totals
rule and the formatters share one definition without importing each other.
"""

from __future__ import annotations

import math
from decimal import Decimal


def is_missing(x: object) -> bool:
    """Whether ``x`` is a figure not reported (未反馈) rather than a value."""
    if x is None:
        return True
    if isinstance(x, float):
        return math.isnan(x)
    if isinstance(x, Decimal):
        return x.is_nan()
    if type(x).__module__.startswith("pandas"):  # pd.NA, pd.NaT (no pandas import for plain values)
        import pandas as pd

        return x is pd.NA or x is pd.NaT
    return False
