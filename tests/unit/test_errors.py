"""Tests of ``bulletin.core.errors``: domain errors."""

from __future__ import annotations

from helpers import _modules


def test_every_exception_class_is_in_the_errors_module_and_its_family():
    import importlib
    import inspect

    from bulletin.core import errors

    found = set()
    for name in sorted(_modules()):
        if name.endswith("__main__"):
            continue
        module = importlib.import_module(name)
        found |= {c for _, c in inspect.getmembers(module, inspect.isclass)
                  if issubclass(c, BaseException) and c.__module__.startswith("bulletin")}
    assert {c.__module__ for c in found} == {"bulletin.core.errors"}
    assert {"KernelStartError", "RevisionRefused", "DataLockedError", "NotPublishedError",
            "DocumentError"} <= {c.__name__ for c in found}
    outside = {c.__name__ for c in found if not issubclass(c, (errors.BulletinError, Warning))}
    assert outside == set()
    assert issubclass(errors.KernelStartError, RuntimeError)  # as jupyter_client's own start errors
