"""The core and the CLI's headless commands import no Qt, pyqtgraph or OpenGL."""

import subprocess
import sys

CODE = r"""
import importlib, pkgutil, sys
import orbitviz, orbitviz.core
for m in pkgutil.walk_packages(orbitviz.core.__path__, "orbitviz.core."):
    importlib.import_module(m.name)
import orbitviz.cli.main, orbitviz.cli.commands, orbitviz.cli.args
bad = sorted({m.split(".")[0] for m in sys.modules} & {"PySide6", "shiboken6", "pyqtgraph", "OpenGL"})
print(",".join(bad))
"""


def test_core_imports_no_gui_modules():
    p = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == ""
