"""The Qt binding the project pins is sound on this Python.

PySide6 6.12.0 on Python < 3.12 drops one reference to None on every call of a void C++
method (None is not immortal before 3.12), so any Qt process aborts with "none_dealloc"
after a few thousand calls; pyproject.toml keeps below it. This test fails clearly if a
build with that bug is ever installed again.
"""

import sys

from PySide6 import QtCore


def test_void_calls_keep_none_alive():
    o = QtCore.QObject()
    before = sys.getrefcount(None)
    for _ in range(1000):
        o.setObjectName("x")
    assert sys.getrefcount(None) >= before - 2
