"""Test-wide setup. Qt must share GL contexts before any QApplication exists
(pyqtgraph 0.14 caches shader programs per class, not per context), and Qt wants a
private XDG_RUNTIME_DIR when run as root under Xvfb."""

import atexit
import os
import shutil
import tempfile

_xdg = tempfile.mkdtemp(prefix="orbitviz-tests-xdg-")
os.chmod(_xdg, 0o700)
os.environ.setdefault("XDG_RUNTIME_DIR", _xdg)
atexit.register(shutil.rmtree, _xdg, True)  # not left behind in /tmp

try:
    from PySide6 import QtCore

    QtCore.QCoreApplication.setAttribute(QtCore.Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
except ImportError:  # the core tests do not need Qt
    pass
