"""The ground-track map panel, and the map as a picture for exports.

:class:`MapPanel` is a plain widget that paints the map of a
:class:`~orbitviz.core.viewer.ViewerModel` (what it shows: :mod:`orbitviz.core.map_frame`;
how: :func:`orbitviz.ui.map_painter.paint_map`) at the viewer's time. It subscribes to the
viewer's ``time``, ``selection``, ``catalog``, ``scenario`` and ``view`` events and
unsubscribes when it is destroyed. The map fills the panel whatever its shape
(:class:`~orbitviz.core.map_view.MapView`): in its default view a panel narrower than 2:1
keeps the selected object in the middle (and a wider one keeps it inside, see
:func:`~orbitviz.core.map_view.fit_view`), so a tall dock follows the object round the
world; the wheel zooms about the mouse, dragging pans (the whole world stays reachable), a
double click goes back to the default view; a click on one of the user's dots (or a mission
marker) selects that object through ``viewer.select``.

The user's dots cost one vectorised SGP4 call per redraw (about 35 ms for 30,000 objects on
these machines). For a catalogue of more than ``USER_LABEL_MAX`` objects whose last redraw of
the dots cost more than :data:`USER_FREE_S`, clock ticks redraw them at most once per
``cost / USER_DUTY`` of wall time (a timer draws the last time asked for; in between the
last dots are drawn with everything else at the new time), so they take at most that share of
the GUI thread. Other changes (the selection, the catalogue, the layers) redraw them at once;
:func:`map_image` is never throttled.

:func:`map_image` draws the same map for a time and size into an image (the export's inset,
in the app and in the CLI): the panel at its default view and the picture of the same size
are the same drawing, without the tick labels.
"""

from __future__ import annotations

import math
import time

from PySide6 import QtCore, QtGui, QtWidgets

from orbitviz.core.map_frame import builder_for
from orbitviz.core.map_view import fit_view, pick_nearest
from orbitviz.render.style import MAP_BG, MAP_STATION_PX, USER_DOT_STYLES, USER_LABEL_MAX
from orbitviz.ui.binding import bind
from orbitviz.ui.map_painter import paint_map

#: User dots redrawn on every tick while a redraw of them costs less than this, seconds;
#: above it, at most this share of wall time goes to them (throttled).
USER_FREE_S = 0.010
USER_DUTY = 0.25
#: A press that moves less than this is a click, not a drag, px.
CLICK_SLOP_PX = 4.0
#: A click selects an object drawn within this many pixels of it (beyond the marker).
PICK_MARGIN_PX = 5.0
#: Zoom per step of the mouse wheel (120 units).
WHEEL_ZOOM = 1.25


class MapPanel(QtWidgets.QWidget):
    """The map of ``viewer`` (a :class:`~orbitviz.core.viewer.ViewerModel`), following its
    clock. ``axes``: tick labels along the left and bottom edges."""

    def __init__(self, viewer, parent=None, axes: bool = True):
        super().__init__(parent)
        self.setObjectName("mapPanel")
        self.viewer = viewer
        self.axes = bool(axes)
        self._builder = builder_for(viewer)
        self._met = float(viewer.clock.met_s)
        self._view = None  # None: the default view, fitted to the panel
        self._frame = None
        self._dots = None
        self._dots_due = True
        self._dots_cost_s = 0.0
        self._dots_wall = -math.inf
        self._painted = []
        self._press = None
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._deferred_dots)
        self.setMinimumSize(160, 90)
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setCursor(QtCore.Qt.CursorShape.OpenHandCursor)
        ev = viewer.events
        self._subs = [bind(self, ev.time, self._on_time),
                      bind(self, ev.selection, self._on_change),
                      bind(self, ev.catalog, self._on_change),
                      bind(self, ev.scenario, self._on_change),
                      bind(self, ev.view, self._on_change)]

    def unsubscribe(self) -> None:
        """Stop following the viewer (also done when the widget is destroyed)."""
        for s in self._subs:
            s.unsubscribe()

    # -- the viewer's events -------------------------------------------------------------
    def _on_time(self, met_s: float) -> None:
        self._met = float(met_s)
        self._frame = None
        self._ask_dots(force=False)
        self.update()

    def _on_change(self, *args) -> None:
        self._frame = None
        self._ask_dots(force=True)
        self.update()

    def refresh(self) -> None:
        """Draw everything again now, the user's dots included."""
        self._on_change()

    def _ask_dots(self, force: bool) -> None:
        """The user's dots at the next drawing, or, for an expensive catalogue on a clock
        tick, once the share of wall time allowed since the last ones has passed."""
        cat = self.viewer.catalog
        big = cat is not None and len(cat) > USER_LABEL_MAX
        if not force and big and self._dots_cost_s > USER_FREE_S:
            wait = self._dots_cost_s / USER_DUTY - (time.perf_counter() - self._dots_wall)
            if wait > 0.0:
                if not self._timer.isActive():
                    self._timer.start(max(1, int(math.ceil(wait * 1000.0))))
                return
        self._timer.stop()
        self._dots_due = True

    def _deferred_dots(self) -> None:
        self._dots_due = True
        self._frame = None
        self.update()

    # -- what is drawn -------------------------------------------------------------------
    def frame(self):
        """The :class:`~orbitviz.core.map_frame.MapFrame` drawn now (at the viewer's time;
        the user's dots may be those of a moment ago while a big catalogue is throttled)."""
        if self._frame is None:
            if self._dots_due or self._dots is None:
                t0 = time.perf_counter()
                self._dots = self._builder.user_dots(self._met)
                self._dots_wall = t0
                self._dots_cost_s = time.perf_counter() - t0
                self._dots_due = False
            self._frame = self._builder.frame(self._met, label_max=USER_LABEL_MAX,
                                              dots=self._dots)
        return self._frame

    def map_view(self):
        """The :class:`~orbitviz.core.map_view.MapView` of the panel now."""
        w, h = max(self.width(), 1), max(self.height(), 1)
        if self._view is None:
            fr = self.frame()
            return fit_view(w, h, fr.focus_lon_deg, fr.focus_lat_deg)
        return self._view.resized(w, h)

    def painted_labels(self):
        """The labels of the last drawing (:class:`~orbitviz.ui.map_painter.PaintedLabel`)."""
        return list(self._painted)

    def fit(self) -> None:
        """Back to the default view: the world filling the panel."""
        self._view = None
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt)
        p = QtGui.QPainter(self)
        try:
            p.fillRect(self.rect(), QtGui.QColor(MAP_BG))
            self._painted = paint_map(p, QtCore.QRectF(self.rect()), self.frame(),
                                      self.map_view(), 1.0, axes=self.axes)
        finally:
            p.end()

    # -- picking, zoom and pan -------------------------------------------------------------
    def pick(self, x: float, y: float) -> str | None:
        """The id of the object drawn at panel pixel (x, y): one of the user's dots or a
        mission marker, within a few pixels; None."""
        fr, view = self.frame(), self.map_view()
        ids = list(fr.dots.ids) + [m.object_id for m in fr.markers]
        lat = list(fr.dots.lat_deg) + [m.lat_deg for m in fr.markers]
        lon = list(fr.dots.lon_deg) + [m.lon_deg for m in fr.markers]
        if fr.selected is not None and fr.selected.lat_deg is not None:
            ids.append(fr.selected.object_id)
            lat.append(fr.selected.lat_deg)
            lon.append(fr.selected.lon_deg)
        if not ids:
            return None
        px, py = view.to_px(lat, lon)
        radius = 0.5 * max(MAP_STATION_PX, USER_DOT_STYLES[0][0]) + PICK_MARGIN_PX
        k = pick_nearest(px, py, x, y, radius)
        return None if k is None else ids[k]

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt)
        if event.button() == QtCore.Qt.MouseButton.LeftButton:
            self._press = (event.position(), self.map_view(), False)
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt)
        if self._press is None:
            return super().mouseMoveEvent(event)
        start, view, dragging = self._press
        d = event.position() - start
        if dragging or math.hypot(d.x(), d.y()) > CLICK_SLOP_PX:
            self._press = (start, view, True)
            self.setCursor(QtCore.Qt.CursorShape.ClosedHandCursor)
            self._view = view.panned(d.x(), d.y())
            self.update()
        event.accept()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt)
        if self._press is None or event.button() != QtCore.Qt.MouseButton.LeftButton:
            return super().mouseReleaseEvent(event)
        _, _, dragging = self._press
        self._press = None
        self.setCursor(QtCore.Qt.CursorShape.OpenHandCursor)
        if not dragging:
            pos = event.position()
            oid = self.pick(pos.x(), pos.y())
            if oid is not None:
                self.viewer.select(oid)
        event.accept()

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 (Qt)
        if event.button() == QtCore.Qt.MouseButton.LeftButton:
            self._press = None
            self.fit()
            event.accept()
        else:
            super().mouseDoubleClickEvent(event)

    def wheelEvent(self, event) -> None:  # noqa: N802 (Qt)
        steps = event.angleDelta().y() / 120.0
        if steps:
            pos = event.position()
            self._view = self.map_view().zoomed(WHEEL_ZOOM ** steps, pos.x(), pos.y())
            self.update()
        event.accept()


def render_map(viewer, met_s: float, width: int, height: int, pixel_scale: float = 1.0,
               axes: bool = False):
    """``(image, labels)``: the map of ``viewer`` at ``met_s`` as a ``width`` × ``height``
    ARGB32 image, the world filling it as the panel's default view does, every size ×
    ``pixel_scale``, tick labels with ``axes``; and the labels drawn
    (:class:`~orbitviz.ui.map_painter.PaintedLabel`). The user's dots and the selected
    object's track at ``met_s``, never throttled."""
    width, height = int(width), int(height)
    if width < 1 or height < 1:
        raise ValueError(f"a map image needs a positive size, not {width}x{height}")
    if QtGui.QGuiApplication.instance() is None:  # fonts need one; Qt would abort
        raise RuntimeError("drawing the map needs a QGuiApplication")
    frame = builder_for(viewer).frame(float(met_s), label_max=USER_LABEL_MAX)
    img = QtGui.QImage(width, height, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(QtGui.QColor(MAP_BG))
    p = QtGui.QPainter(img)
    try:
        labels = paint_map(p, QtCore.QRectF(0, 0, width, height), frame,
                           fit_view(width, height, frame.focus_lon_deg, frame.focus_lat_deg),
                           pixel_scale, axes=axes)
    finally:
        p.end()
    return img.convertToFormat(QtGui.QImage.Format.Format_ARGB32), labels


def map_image(viewer, met_s: float, width: int, height: int,
              pixel_scale: float = 1.0) -> QtGui.QImage:
    """The map of ``viewer`` at ``met_s`` as a ``width`` × ``height`` ARGB32 image, without
    tick labels, every size × ``pixel_scale`` (a 2160-line export passes 2): the exports'
    inset (the exporter's ``inset`` is ``functools.partial(map_image, viewer)``)."""
    return render_map(viewer, met_s, width, height, pixel_scale)[0]


__all__ = ["MapPanel", "map_image", "render_map", "USER_FREE_S", "USER_DUTY"]
