"""Tests of the package ``bulletin`` itself (``bulletin/__init__.py``): importing it is light."""

from __future__ import annotations

import subprocess
import sys


def test_import_bulletin_is_light():
    code = ("import sys, bulletin; assert 'pandas' not in sys.modules; bulletin.months(); "
            "assert 'pandas' not in sys.modules; bulletin.load('kiosks', '2020-02'); assert 'pandas' in sys.modules; "
            "assert callable(bulletin.months) and callable(bulletin.month) and callable(bulletin.facts)")
    subprocess.run([sys.executable, "-c", code], check=True)
