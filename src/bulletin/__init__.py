"""bulletin: the figures of the Nanjing health-information monthly bulletin, from data to report.

Importing the package is cheap: the loaders (and with them pandas) are imported on first use of
one of the names below (PEP 562 module ``__getattr__``), so that ``bulletin --help``,
``bulletin months`` and an unchanged ``bulletin run`` do not pay for pandas and matplotlib.

Everyday use::

    m = bulletin.month("2020-02")      # one loaded month: m.kiosks, m.facts, m.check(), m.previous
    bulletin.load("kiosks", "2020-02")  # one table as a DataFrame
    bulletin.load_range("kiosks", "2020-01:2020-06")  # several months, one long frame with `month`
    bulletin.headlines("2018-01:2020-12")  # every section's headline figures, month by month
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from bulletin.core import wiring as _wiring
from bulletin.core.errors import (
    AbsentMonthsWarning,
    BulletinDataError,
    BulletinError,
    DuplicateKeyError,
    IngestError,
    MonthNotInDataError,
)
from bulletin.core.provenance import __version__  # noqa: F401 - said once, where every output reads it

if TYPE_CHECKING:  # for type checkers and editors; at run time these come lazily from __getattr__
    from bulletin.data.loaded_month import Month, month
    from bulletin.data.loaders import facts, labels, load, load_month, load_range, months
    from bulletin.history import headlines

#: public name → module that defines it (imported on first access)
_LAZY = {
    "facts": "data.loaders",
    "labels": "data.loaders",
    "load": "data.loaders",
    "load_month": "data.loaders",
    "load_range": "data.loaders",
    "months": "data.loaders",
    "month": "data.loaded_month",
    "Month": "data.loaded_month",
    "headlines": "history",
}

__all__ = [
    "AbsentMonthsWarning",
    "BulletinDataError",
    "BulletinError",
    "DuplicateKeyError",
    "IngestError",
    "Month",
    "MonthNotInDataError",
    "facts",
    "headlines",
    "labels",
    "load",
    "load_month",
    "load_range",
    "month",
    "months",
]


def _check(m: Month) -> object:
    from bulletin.checks.month import check_loaded

    return check_loaded(m)


def _history(m: Month) -> object:
    from bulletin.history import of

    return of(m)


#: the loaded month's m.check() and m.history, computed by the layers above it (bulletin.core.wiring)
_wiring.ABOVE.update(check=_check, history=_history)


#: modules reachable as attributes without their own import (``units.aliases()`` after ``import
#: bulletin``): the analyst's short name → the module, in its layer's folder
_SUBMODULES = {
    "charts": "style.charts",
    "checks": "checks",
    "display": "style.display",
    "fmt": "style.fmt",
    "history": "history",
    "paths": "core.paths",
    "schema": "core.schema",
    "sections": "sections",
    "store": "data.store",
    "units": "data.units",
}


def __getattr__(name: str) -> object:
    if name in _SUBMODULES:
        value = importlib.import_module(f".{_SUBMODULES[name]}", __name__)
        globals()[name] = value  # later lookups skip this function
        return value
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'bulletin' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, *_SUBMODULES})
