"""What the loaded month asks of the layers above it, without importing them.

``m.check()`` is computed by the checks and ``m.history`` by the digests, two layers above the data
layer that holds :class:`bulletin.data.loaded_month.Month`. The month asks for them through
:data:`ABOVE`; the package itself (``bulletin/__init__.py``, which Python runs before any module
of the package) fills it in. So the data layer imports nothing above it, and the analyst's
``m.check()`` and ``m.history`` stay as they were. This module imports nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: ``"check"``: a loaded month → its check report (:func:`bulletin.checks.month.check_loaded`);
#: ``"history"``: a loaded month → the digests its family shares (:func:`bulletin.history.of`)
ABOVE: dict[str, Callable[[Any], Any]] = {}
