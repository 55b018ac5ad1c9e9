"""Reading rendered frames back in the GL tests."""

import numpy as np


def bare_view(qtbot, w, h):
    """A shown pyqtgraph GL view, w×h, black, pyqtgraph's default camera."""
    import pyqtgraph.opengl as pg_gl

    v = pg_gl.GLViewWidget()
    v.resize(w, h)
    v.setBackgroundColor((0, 0, 0))
    qtbot.addWidget(v)
    v.show()
    qtbot.waitExposed(v)
    return v


def make_view(qtbot, dist, w, h):
    """A bare GL view, w×h, black, looking straight down from ``dist``."""
    v = bare_view(qtbot, w, h)
    v.setCameraPosition(distance=dist, elevation=90, azimuth=-90)
    return v


def project(view, p, w, h):
    """Pixel (column, row from the top) of scene point ``p`` in a w×h render."""
    proj = np.array(view.projectionMatrix((0, 0, w, h), (0, 0, w, h)).data()).reshape(4, 4).T
    mv = np.array(view.viewMatrix().data()).reshape(4, 4).T
    c = proj @ mv @ np.append(np.asarray(p, dtype=np.float64), 1.0)
    ndc = c[:3] / c[3]
    return (ndc[0] + 1) / 2 * w, (1 - ndc[1]) / 2 * h


def render_rgb(view, width: int, height: int, png_path: str):
    """``view.renderToArray`` as an (H, W, 3) float RGB array; the frame is also saved as a
    PNG (for looking at a failure)."""
    from PySide6.QtGui import QImage

    bgra = np.ascontiguousarray(view.renderToArray((width, height)))
    QImage(bgra.data, width, height, 4 * width, QImage.Format.Format_ARGB32).save(png_path)
    return bgra[..., [2, 1, 0]].astype(np.float64)


class DrawErrors:
    """Records every error pyqtgraph swallows while drawing an item ("Error while drawing
    item …": it calls ``pyqtgraph.debug.printExc`` and carries on), so a test can fail on it.
    ``install()`` wraps ``printExc``; ``remove()`` restores it; ``errors`` holds the
    exceptions seen."""

    def __init__(self):
        self.errors: list[BaseException] = []
        self._orig = None

    def install(self):
        import sys

        from pyqtgraph import debug

        self._orig = debug.printExc

        def record(*args, **kwargs):
            exc = sys.exc_info()[1]
            if exc is not None:
                self.errors.append(exc)
            # no warning here (it would escape pyqtgraph's handler as an error under
            # -W error and surface far from the item); the test fails in check()
            print(f"draw error: {type(exc).__name__}: {exc}", file=sys.stderr)

        debug.printExc = record
        return self

    def remove(self):
        from pyqtgraph import debug

        if self._orig is not None:
            debug.printExc = self._orig
            self._orig = None

    def check(self):
        """Fail the running test if an item failed to draw."""
        import pytest

        if self.errors:
            first = self.errors[0]
            pytest.fail(f"{len(self.errors)} item(s) failed to draw (pyqtgraph said 'Error "
                        f"while drawing item'); first: {type(first).__name__}: {first}")
