"""bulletin: the figures of the Nanjing health-information monthly bulletin, from data to report."""

from .errors import BulletinDataError, BulletinError, DuplicateKeyError, IngestError
from .load import facts, labels, load, load_month, months

__all__ = [
    "BulletinDataError",
    "BulletinError",
    "DuplicateKeyError",
    "IngestError",
    "facts",
    "labels",
    "load",
    "load_month",
    "months",
]
__version__ = "0.1.0"
