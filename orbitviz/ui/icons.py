"""Transport icons of the time bar, drawn as vectors (crisp at 1× to 3× screens)."""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import QPointF, QRectF, Qt


def transport_icon(kind: str, colour: QtGui.QColor, on_kind: str | None = None) -> QtGui.QIcon:
    """A crisp vector-drawn transport icon (logical 20 px, drawn for 1× to 3× screens);
    ``on_kind`` is drawn for the checked state."""
    icon = QtGui.QIcon()
    for dpr in (1.0, 2.0, 3.0):
        icon.addPixmap(icon_pixmap(kind, colour, dpr))
        if on_kind:
            icon.addPixmap(icon_pixmap(on_kind, colour, dpr), QtGui.QIcon.Mode.Normal,
                           QtGui.QIcon.State.On)
    return icon


def icon_pixmap(kind: str, colour: QtGui.QColor, dpr: float) -> QtGui.QPixmap:
    """One transport icon pixmap drawn at ``dpr`` device pixels per logical pixel."""
    size = 20
    pm = QtGui.QPixmap(int(size * dpr), int(size * dpr))
    pm.setDevicePixelRatio(dpr)
    pm.fill(Qt.GlobalColor.transparent)
    p = QtGui.QPainter(pm)
    p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(colour)

    def tri(x0, x1, y0=4.0, y1=16.0):
        p.drawPolygon(QtGui.QPolygonF([QPointF(x0, y0), QPointF(x1, (y0 + y1) / 2),
                                       QPointF(x0, y1)]))

    if kind == "play":
        tri(6, 16)
    elif kind == "pause":
        p.drawRect(QRectF(5, 4, 3.5, 12))
        p.drawRect(QRectF(11.5, 4, 3.5, 12))
    elif kind == "step-forward":
        tri(5, 13)
        p.drawRect(QRectF(13, 4, 2.5, 12))
    elif kind == "step-back":
        tri(15, 7)
        p.drawRect(QRectF(4.5, 4, 2.5, 12))
    elif kind == "next-event":
        tri(3, 10)
        tri(10, 17)
        p.drawRect(QRectF(16.5, 4, 2, 12))
    elif kind == "prev-event":
        tri(17, 10)
        tri(10, 3)
        p.drawRect(QRectF(1.5, 4, 2, 12))
    elif kind == "fit":
        pen = QtGui.QPen(colour, 1.8)
        p.setPen(pen)
        p.drawLine(QPointF(2.5, 4), QPointF(2.5, 16))
        p.drawLine(QPointF(17.5, 4), QPointF(17.5, 16))
        p.drawLine(QPointF(5, 10), QPointF(15, 10))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawPolygon(QtGui.QPolygonF([QPointF(5, 10), QPointF(8.5, 6.5),
                                       QPointF(8.5, 13.5)]))
        p.drawPolygon(QtGui.QPolygonF([QPointF(15, 10), QPointF(11.5, 6.5),
                                       QPointF(11.5, 13.5)]))
    p.end()
    return pm


__all__ = ["transport_icon", "icon_pixmap"]
