"""What every published output says about its making: the day it was generated and the code version.

The data hold no publication date of the bulletin (neither ``facts.csv`` nor the revision records,
which date only corrections), so pages, documents, workbook and data package all carry the day
they were generated, from this one place.
"""

from __future__ import annotations

import datetime as dt

#: the package version (``bulletin.__version__``; pyproject.toml says the same)
__version__ = "0.1.0"


def generated_date() -> str:
    """Today's date in UTC, ISO 8601 (``2026-12-03``)."""
    return dt.datetime.now(dt.UTC).date().isoformat()


def code_version() -> str:
    """The package version and the code hash, as the pages' footer prints them."""
    from bulletin.core.cache import code_hash

    return f"{__version__}（代码 {code_hash()[:10]}）"
