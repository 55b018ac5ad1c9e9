"""The export's frame drawn over the view while an export dialog is open.

When the picture's shape differs from the view's, what it will show is the largest
rectangle of its shape in the middle of the view (:func:`orbitviz.core.export_rules.
guide_rect`): the guide dims the rest and outlines that rectangle, so the presenter can
compose the shot before exporting.
"""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from orbitviz.core.export_rules import guide_rect

#: Shapes closer than this (relative) to the view's draw no guide.
SAME_SHAPE = 0.01


class FrameGuide(QtWidgets.QWidget):
    """A transparent overlay covering its parent (the viewport)."""

    def __init__(self, parent: QtWidgets.QWidget):
        super().__init__(parent)
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_NoSystemBackground)
        self._size: tuple[int, int] | None = None
        parent.installEventFilter(self)
        self.setGeometry(parent.rect())
        self.hide()

    def set_export_size(self, width: int, height: int) -> None:
        """Show the frame of a ``width`` × ``height`` picture (hidden when it has the view's
        shape)."""
        self._size = (int(width), int(height))
        self._refresh()

    def clear(self) -> None:
        self._size = None
        self.hide()

    def rect_px(self) -> QtCore.QRectF | None:
        """The guide's rectangle in the view's logical pixels, or None when none is shown."""
        if self._size is None or not self.isVisible():
            return None
        return QtCore.QRectF(*guide_rect(self.width(), self.height(), *self._size))

    def _refresh(self) -> None:
        p = self.parentWidget()
        self.setGeometry(p.rect())
        if self._size is None:
            self.hide()
            return
        w, h = self._size
        view_aspect = p.width() / max(p.height(), 1)
        differs = abs((w / max(h, 1)) / view_aspect - 1.0) > SAME_SHAPE
        self.setVisible(differs)
        self.raise_()
        self.update()

    def eventFilter(self, obj, ev) -> bool:  # noqa: N802 (Qt)
        if obj is self.parentWidget() and ev.type() == QtCore.QEvent.Type.Resize:
            self._refresh()
        return False

    def paintEvent(self, ev) -> None:  # noqa: N802 (Qt)
        if self._size is None:
            return
        r = QtCore.QRectF(*guide_rect(self.width(), self.height(), *self._size))
        p = QtGui.QPainter(self)
        outside = QtGui.QPainterPath()
        outside.addRect(QtCore.QRectF(self.rect()))
        inside = QtGui.QPainterPath()
        inside.addRect(r)
        p.fillPath(outside.subtracted(inside), QtGui.QColor(0, 0, 0, 140))
        pen = QtGui.QPen(QtGui.QColor(255, 196, 110, 230), 2.0)
        pen.setStyle(QtCore.Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawRect(r.adjusted(1, 1, -1, -1))
        p.setPen(QtGui.QColor(255, 220, 170))
        p.drawText(r.adjusted(8, 6, -8, -6), QtCore.Qt.AlignmentFlag.AlignLeft
                   | QtCore.Qt.AlignmentFlag.AlignTop, f"Picture: {self._size[0]} × "
                   f"{self._size[1]}")
        p.end()


__all__ = ["FrameGuide"]
