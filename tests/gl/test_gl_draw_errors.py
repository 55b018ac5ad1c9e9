"""The guard against swallowed draw errors works: an item that raises in ``paint`` is seen."""

import numpy as np
import pytest
import pyqtgraph.opengl as pg_gl

from _frames import bare_view


class _Broken(pg_gl.GLGraphicsItem.GLGraphicsItem):
    """An item whose drawing always fails, as a shader or buffer error would."""

    def paint(self):
        raise RuntimeError("deliberately broken item")


def test_a_broken_item_fails_the_test(qtbot, draw_errors):
    view = bare_view(qtbot, 64, 48)
    good = pg_gl.GLScatterPlotItem(pos=np.zeros((1, 3)), size=5.0)
    view.addItem(good)
    view.renderToArray((64, 48))
    assert draw_errors.errors == []  # a sound scene draws without errors
    broken = _Broken()
    view.addItem(broken)
    view.renderToArray((64, 48))  # pyqtgraph prints "Error while drawing item" and goes on
    assert [str(e) for e in draw_errors.errors] == ["deliberately broken item"]
    with pytest.raises(pytest.fail.Exception, match="failed to draw"):
        draw_errors.check()  # what the autouse fixture does after every GL test
    view.removeItem(broken)
    draw_errors.errors.clear()  # this test expected it; the fixture must not fail it
