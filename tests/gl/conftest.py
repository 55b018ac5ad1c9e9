"""GL tests render real frames; they need a GL-capable platform (Xvfb + Mesa)."""

import pytest


@pytest.fixture(autouse=True)
def _needs_gl(qapp):
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.platformName() in ("offscreen", "minimal"):
        pytest.skip("no OpenGL on the offscreen platform: run under Xvfb (make test)")
