"""GL tests render real frames; they need a GL-capable platform (Xvfb + Mesa)."""

import pytest


@pytest.fixture(autouse=True)
def _needs_gl(qapp):
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.platformName() in ("offscreen", "minimal"):
        pytest.skip("no OpenGL on the offscreen platform: run under Xvfb (make test)")


@pytest.fixture(autouse=True)
def draw_errors():
    """Fail any GL test in which an item failed to draw: pyqtgraph only prints "Error while
    drawing item" and goes on, which would leave a picture without that item."""
    from _frames import DrawErrors

    rec = DrawErrors().install()
    try:
        yield rec
    finally:
        rec.remove()
    rec.check()
