"""The ground-track map: a 2D world map on the same time cursor as the 3D view.

:class:`GroundTrackPanel` draws, on an equirectangular Blue Marble (plate carrée, x =
longitude, y = geodetic latitude, both in degrees): every object's ground track over the
view state's span (``track_behind_s`` flown, solid; ``track_ahead_s`` to come, dashed),
broken cleanly at ±180°; the night side (shaded, with the city lights) and the terminator;
the sub-solar point; the pad, the landing estimate and the modelled touchdown; the objects'
current positions. Vehicles docked to the station are drawn as the station.

The user's own satellites (a :class:`~orbitviz.core.catalog.UserCatalog`) are small magenta
dots at their sub-points (one scatter item, whatever their number), named when few; the
selected one has its ground track over the same span, a ring and a label. With an
:class:`~orbitviz.core.environment.Environment` the Sun (terminator, night side, sub-solar
point) is right at any time, and the mission's objects and sites are drawn only inside the
mission's window (a free scenario of the user's element sets shows only theirs).

The geometry comes from :mod:`orbitviz.core.groundtrack` (computed once for the whole
display window); a clock tick only slices those arrays and updates the items' data. The
user's dots cost one vectorised SGP4 call per redraw (about 35 ms for 30,000 objects on these
machines); for a catalogue of more than ``USER_LABEL_MAX`` objects whose last redraw cost
more than :data:`USER_FREE_S`, clock ticks redraw them at most once per
``cost / USER_DUTY`` of wall time (a timer draws the last time asked for), so they take at
most that share of the GUI thread. Explicit redraws (:meth:`refresh`, :meth:`image_at`,
setting the catalogue, the selection or the environment) are never throttled.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from orbitviz.core.assets import asset_path
from orbitviz.core.groundtrack import (angular_distance_deg, free_flight_mask, ground_track,
                                       is_docked, join_with_nans, split_at_dateline,
                                       sub_points, terminator)
from orbitviz.core.elements import NoStateError
from orbitviz.render.style import COLORS, SITE_COLORS, USER_COLOR, USER_LABEL_MAX
from orbitviz.ui.binding import bind

#: Map background and axes colours (dark theme, readable on a projector).
MAP_BG = "#0b0f16"
MAP_FG = "#aab4bf"
#: Night side: fill colour (RGBA 0–255) and the terminator line.
NIGHT_RGBA = (4, 8, 24, 140)
TERMINATOR_RGBA = (255, 214, 120, 150)
SUN_COLOR = "#ffd23f"
#: Behind the labels, so they read over tracks and bright land.
LABEL_FILL = (5, 8, 14, 150)
#: Size the Blue Marble is scaled to for the map, pixels.
MAP_IMAGE_SIZE = (2048, 1024)
#: Object names on the map.
SHORT_NAMES = {"iss": "ISS", "soyuz-ms-19": "Soyuz MS-19", "soyuz-ms-18": "Soyuz MS-18"}
#: Label anchors: right of the marker, or left of it where the text would leave the map.
LABEL_RIGHT = (-0.12, 1.05)
LABEL_LEFT = (1.12, 1.05)
#: Vertical anchor of a label put below its marker (the lower of two nearby objects).
LABEL_BELOW_Y = -0.05
#: The user's objects: dot diameter (px, smaller than the mission's 10–13 px markers, so a
#: user's copy of the station shows inside the station's marker), outline, the selected
#: object's ring (px).
USER_DOT_PX = 6.0
USER_DOT_OUTLINE = (5, 7, 10, 160)
#: (diameter px, outlined) of the dots: up to USER_LABEL_MAX objects, up to USER_DENSE,
#: more (a whole catalogue: a haze that shows where the orbits crowd, the map still seen).
USER_DENSE = 2000
USER_DOT_STYLES = ((USER_DOT_PX, True), (4.0, True), (2.5, False))
USER_RING_PX = 17.0
#: Dark casing under the selected object's ring and flown track; its label's box.
USER_CASING = (5, 7, 10, 190)
SELECTED_FILL = (20, 6, 18, 215)
#: Sample step of the selected user object's ground track, seconds (~150 km in low orbit).
USER_TRACK_STEP_S = 20.0
#: A user object within this angle of a mission object's marker (degrees, a few pixels on
#: the map; the user's own copy of the station) is named in that object's label.
USER_MERGE_DEG = 1.0
#: User dots redrawn on every tick while a redraw of them costs less than this, seconds;
#: above it, at most this share of wall time goes to them (throttled).
USER_FREE_S = 0.010
USER_DUTY = 0.25


def _qcolor(rgba, alpha: float | None = None) -> QtGui.QColor:
    r, g, b, a = (float(c) for c in rgba)
    return QtGui.QColor.fromRgbF(r, g, b, a if alpha is None else alpha)


class _Label(pg.TextItem):
    """Text with a dark box at a map position (pixel-sized, the box behind the text).

    pyqtgraph's ``TextItem`` hooks itself to its scene on its first paint and, in that
    paint, replaces the painter's transform by its own scene transform. On screen the two
    agree; in :meth:`QGraphicsScene.render` into an image (exports, the inset) they do not,
    so a label painted there for the first time drew its box at its *scene* pixel position
    in the image (an empty dark box far from its text, over Greenland at T+3 h 20 min) and
    no box behind its text. This label hooks to the scene when it is added to it, so that
    branch never runs: its transform is kept current by the scene's prepare-for-paint
    signal (emitted by screen paints and by ``render``) and the painter is left alone.
    """

    def itemChange(self, change, value):  # noqa: N802 (Qt)
        ret = super().itemChange(change, value)
        if change == QtWidgets.QGraphicsItem.GraphicsItemChange.ItemSceneHasChanged:
            old = getattr(self, "_lastScene", None)
            if old is not None and hasattr(old, "sigPrepareForPaint"):
                old.sigPrepareForPaint.disconnect(self.updateTransform)
            scene = self.scene()
            self._lastScene = scene
            if scene is not None and hasattr(scene, "sigPrepareForPaint"):
                scene.sigPrepareForPaint.connect(self.updateTransform)
                self.updateTransform()
        return ret


def _load_map(name: str, size=MAP_IMAGE_SIZE) -> QtGui.QImage:
    """``assets/earth/<name>.jpg`` scaled to ``size`` (smooth), as a QImage."""
    path = asset_path("earth", f"{name}.jpg")
    img = QtGui.QImage(str(path))
    if img.isNull():
        raise FileNotFoundError(f"cannot read the map image {path}")
    return img.scaled(size[0], size[1], QtCore.Qt.AspectRatioMode.IgnoreAspectRatio,
                      QtCore.Qt.TransformationMode.SmoothTransformation)


def _rgb_array(img: QtGui.QImage) -> np.ndarray:
    img = img.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), dtype=np.uint8, count=bpl * h).reshape(h, bpl)
    return buf[:, : w * 3].copy().reshape(h, w, 3)


def _night_lights_pixmap(size=MAP_IMAGE_SIZE) -> QtGui.QPixmap:
    """The city lights as warm light with transparency (alpha = brightness)."""
    grey = _load_map("night", size).convertToFormat(QtGui.QImage.Format.Format_Grayscale8)
    w, h, bpl = grey.width(), grey.height(), grey.bytesPerLine()
    g = np.frombuffer(grey.constBits(), dtype=np.uint8, count=bpl * h).reshape(h, bpl)[:, :w]
    rgba = np.empty((h, w, 4), dtype=np.uint8)
    rgba[..., 0], rgba[..., 1], rgba[..., 2] = 255, 214, 150
    rgba[..., 3] = np.clip(g.astype(np.float32) * 1.3, 0, 255).astype(np.uint8)
    img = QtGui.QImage(rgba.data, w, h, 4 * w, QtGui.QImage.Format.Format_RGBA8888).copy()
    return QtGui.QPixmap.fromImage(img)


class _NightItem(QtWidgets.QGraphicsPathItem):
    """The night side as a filled path in map degrees; clips its child (the city lights)."""

    def __init__(self):
        super().__init__()
        self.setPen(QtGui.QPen(QtCore.Qt.PenStyle.NoPen))
        self.setBrush(QtGui.QBrush(QtGui.QColor(*NIGHT_RGBA)))
        self.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemClipsChildrenToShape)

    def set_outline(self, lon, lat) -> None:
        poly = QtGui.QPolygonF([QtCore.QPointF(float(x), float(y)) for x, y in zip(lon, lat)])
        path = QtGui.QPainterPath()
        path.addPolygon(poly)
        path.closeSubpath()
        self.setPath(path)


class GroundTrackPanel(QtWidgets.QWidget):
    """The 2D map. ``model``: a built MissionModel; ``clock``: the SimulationClock it
    follows; ``view_state``: the ViewState (track span, layer visibility). Call
    :meth:`refresh` after changing the view state."""

    def __init__(self, model, clock, view_state, parent=None):
        super().__init__(parent)
        self.model = model
        self.clock = clock
        self.view_state = view_state
        self.setObjectName("groundTrackPanel")
        self._met = float(clock.met_s)
        self._dirty = True
        #: :class:`~orbitviz.core.environment.Environment` (None: the mission model's Sun,
        #: mission objects always drawn), the user's catalogue and selected object id.
        self.environment = None
        self.catalog = None
        self.selected_user: str | None = None
        self._now: dict[str, tuple[float, float]] = {}
        self._merged: dict[str, list[str]] = {}
        self._user_ids: list[str] = []
        self._user_lat = self._user_lon = np.zeros(0)
        self._user_cost_s = 0.0  # wall time of the last redraw of the dots
        self._user_last_wall = -math.inf
        self._user_timer = QtCore.QTimer(self)
        self._user_timer.setSingleShot(True)
        self._user_timer.timeout.connect(self._deferred_user_draw)
        #: (object id, catalogue, t0, t1, met, lat, lon) of the selected object's track.
        self._sel_cache = None
        self._precompute()
        self._build_ui()
        bind(self, clock.changed, self.update_time)
        self._redraw(self._met)

    # -- data (once) ------------------------------------------------------------------------
    def _precompute(self) -> None:
        """Each object's sub-point at its cached samples over the display window, NaN where
        it does not fly on its own (docked, on the pad, landed)."""
        w0, w1 = self.model.window
        self._tracks: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for oid, obj in self.model.objects.items():
            t0 = max(w0, obj.trajectory.start_s)
            t1 = min(w1, obj.trajectory.end_s)
            met, lat, lon = ground_track(self.model, oid, t0, t1)
            free = free_flight_mask(self.model, oid, met)
            lat = np.where(free, lat, np.nan)
            lon = np.where(free, lon, np.nan)
            self._tracks[oid] = (met, lat, lon)

    # -- widgets ------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.plot_widget = pg.PlotWidget(background=MAP_BG)
        self.plot_widget.setAntialiasing(True)
        lay.addWidget(self.plot_widget)
        plot = self.plot = self.plot_widget.getPlotItem()
        vb = self.viewbox = plot.getViewBox()
        vb.setAspectLocked(True, ratio=1.0)
        vb.setDefaultPadding(0.0)
        self.fit_world()
        vb.sigResized.connect(self.fit_world)
        vb.setBackgroundColor(MAP_BG)
        plot.setContentsMargins(2, 8, 10, 2)  # room for the end tick labels
        plot.hideButtons()
        plot.setMenuEnabled(False)
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(MAP_FG))
            axis.setTextPen(pg.mkPen(MAP_FG))
        plot.getAxis("bottom").setTicks([[(v, self._lon_text(v)) for v in range(-180, 181, 60)],
                                         [(v, "") for v in range(-180, 181, 30)]])
        plot.getAxis("left").setTicks([[(v, self._lat_text(v)) for v in range(-90, 91, 30)]])

        # the Blue Marble, north up: image row 0 (north) drawn at the top (lat +90)
        day = _rgb_array(_load_map("day"))[::-1]
        self.map_image = pg.ImageItem(day, axisOrder="row-major", levels=None)
        self.map_image.setRect(QtCore.QRectF(-180.0, -90.0, 360.0, 180.0))
        self.map_image.setZValue(-100)
        plot.addItem(self.map_image, ignoreBounds=True)

        # night side with the city lights clipped to it
        self.night = _NightItem()
        self.night.setZValue(-50)
        lights = QtWidgets.QGraphicsPixmapItem(_night_lights_pixmap(), self.night)
        lights.setTransformationMode(QtCore.Qt.TransformationMode.SmoothTransformation)
        sx = 360.0 / MAP_IMAGE_SIZE[0]
        sy = 180.0 / MAP_IMAGE_SIZE[1]
        lights.setTransform(QtGui.QTransform(sx, 0, 0, -sy, -180.0, 90.0))
        self.night_lights = lights
        plot.addItem(self.night, ignoreBounds=True)
        self.terminator_curve = pg.PlotCurveItem(
            pen=pg.mkPen(QtGui.QColor(*TERMINATOR_RGBA), width=1.2), connect="finite")
        self.terminator_curve.setSegmentedLineMode("off")  # joined: no bright joints
        self.terminator_curve.setZValue(-40)
        plot.addItem(self.terminator_curve, ignoreBounds=True)

        # graticule: equator and tropics faint
        for lat in (0.0,):
            line = pg.InfiniteLine(pos=lat, angle=0,
                                   pen=pg.mkPen(255, 255, 255, 50, width=1,
                                                style=QtCore.Qt.PenStyle.DotLine))
            line.setZValue(-45)
            plot.addItem(line, ignoreBounds=True)

        # sites
        sites = self.model.scenario.sites
        pad = sites["pad"]
        est = sites["landing-estimate"]
        touch = self.model.objects["soyuz-ms-18"].info["return"]["touchdown"]
        self.sites = {"pad": (pad["lat_deg"], pad["lon_deg"]),
                      "landing-estimate": (est["lat_deg"], est["lon_deg"]),
                      "landing-model": (touch["lat_deg"], touch["lon_deg"])}
        self.site_points = pg.ScatterPlotItem(pxMode=True)
        self.site_points.setData(
            x=[self.sites[k][1] for k in ("pad", "landing-estimate", "landing-model")],
            y=[self.sites[k][0] for k in ("pad", "landing-estimate", "landing-model")],
            symbol=["t", "x", "o"], size=[11, 13, 7],
            brush=[pg.mkBrush(_qcolor(SITE_COLORS[k])) for k in
                   ("pad", "landing-estimate", "landing-model")],
            pen=[pg.mkPen("#000000", width=1), pg.mkPen(_qcolor(SITE_COLORS["landing-estimate"]),
                                                         width=1.5),
                 pg.mkPen("#000000", width=1)],
            data=["pad", "landing-estimate", "landing-model"])
        self.site_points.setZValue(10)
        plot.addItem(self.site_points)
        self.site_labels: dict[str, _Label] = {}
        for key, text, anchor in (("pad", "Baikonur", (1.1, 0.0)),
                                  # the two landing points nearly coincide: stacked below
                                  ("landing-estimate", "landing estimate", (-0.08, -0.15)),
                                  ("landing-model", "modelled touchdown", (-0.08, -1.15))):
            label = _Label(text, color=_qcolor(SITE_COLORS[key]), anchor=anchor,
                                fill=pg.mkBrush(*LABEL_FILL))
            label.setPos(self.sites[key][1], self.sites[key][0])
            label.setZValue(11)
            plot.addItem(label, ignoreBounds=True)
            self.site_labels[key] = label

        # tracks: flown (solid) and to come (dashed)
        self.past_curves: dict[str, pg.PlotCurveItem] = {}
        self.future_curves: dict[str, pg.PlotCurveItem] = {}
        for oid in self.model.objects:
            c = _qcolor(COLORS[oid])
            past = pg.PlotCurveItem(pen=pg.mkPen(c, width=2.2), connect="finite")
            dash = pg.mkPen(_qcolor(COLORS[oid], 0.9), width=1.6)
            dash.setDashPattern([5.0, 4.0])
            fut = pg.PlotCurveItem(pen=dash, connect="finite")
            past.setSegmentedLineMode("off")
            fut.setSegmentedLineMode("off")
            past.setZValue(5)
            fut.setZValue(4)
            plot.addItem(past, ignoreBounds=True)
            plot.addItem(fut, ignoreBounds=True)
            self.past_curves[oid] = past
            self.future_curves[oid] = fut

        # the sub-solar point and the objects' positions
        self.sun_point = pg.ScatterPlotItem(symbol="o", size=16, brush=pg.mkBrush(SUN_COLOR),
                                            pen=pg.mkPen("#ff8a00", width=2))
        self.sun_point.setZValue(12)
        plot.addItem(self.sun_point)
        self.markers = pg.ScatterPlotItem(pxMode=True)
        self.markers.setZValue(20)
        plot.addItem(self.markers)
        self.labels: dict[str, _Label] = {}
        for oid in self.model.objects:
            label = _Label(SHORT_NAMES.get(oid, self.model.objects[oid].name),
                                color=_qcolor(COLORS[oid]), anchor=(-0.12, 1.05),
                                fill=pg.mkBrush(*LABEL_FILL))
            label.setZValue(21)
            plot.addItem(label, ignoreBounds=True)
            self.labels[oid] = label
        self._brushes = {oid: pg.mkBrush(_qcolor(COLORS[oid])) for oid in self.model.objects}
        self._marker_pen = pg.mkPen("#05070a", width=1.5)

        # the user's objects: one scatter item, one brush; the selected one's track, ring
        # and label; a pool of name labels (at most USER_LABEL_MAX)
        user = _qcolor(USER_COLOR)
        self.user_dots = pg.ScatterPlotItem(pxMode=True, symbol="o", size=USER_DOT_PX,
                                            brush=pg.mkBrush(_qcolor(USER_COLOR, 0.85)),
                                            pen=pg.mkPen(QtGui.QColor(*USER_DOT_OUTLINE),
                                                         width=1))
        self.user_dots.setZValue(22)
        plot.addItem(self.user_dots)
        self.user_past = pg.PlotCurveItem(pen=pg.mkPen(user, width=2.2), connect="finite")
        dash = pg.mkPen(_qcolor(USER_COLOR, 0.9), width=1.6)
        dash.setDashPattern([5.0, 4.0])
        self.user_future = pg.PlotCurveItem(pen=dash, connect="finite")
        # a dark casing under the selected track sets it apart from a cloud of dots
        self.user_past_casing = pg.PlotCurveItem(pen=pg.mkPen(QtGui.QColor(*USER_CASING),
                                                              width=5.0), connect="finite")
        for item, z in ((self.user_past, 19.5), (self.user_future, 19.4),
                        (self.user_past_casing, 19.3)):  # over a cloud of dots
            item.setSegmentedLineMode("off")
            item.setZValue(z)
            plot.addItem(item, ignoreBounds=True)
        self.user_ring = pg.ScatterPlotItem(pxMode=True, symbol="o", size=USER_RING_PX,
                                            brush=pg.mkBrush(0, 0, 0, 0),
                                            pen=pg.mkPen(user, width=2.5))
        self.user_ring_casing = pg.ScatterPlotItem(
            pxMode=True, symbol="o", size=USER_RING_PX, brush=pg.mkBrush(0, 0, 0, 0),
            pen=pg.mkPen(QtGui.QColor(*USER_CASING), width=5.0))
        self.user_ring.setZValue(23.5)
        self.user_ring_casing.setZValue(23)
        plot.addItem(self.user_ring_casing)
        plot.addItem(self.user_ring)
        self._user_label_color = user
        # the selected object's name: light text in a magenta frame, readable in a cloud
        self.selected_label = _Label("", color="#fbe9f7", anchor=LABEL_RIGHT,
                                     border=pg.mkPen(user, width=1.5),
                                     fill=pg.mkBrush(*SELECTED_FILL))
        self.selected_label.setZValue(25)
        self.selected_label.setVisible(False)
        plot.addItem(self.selected_label, ignoreBounds=True)
        self.user_labels: list[_Label] = []

    def fit_world(self) -> None:
        """Show the whole map (−180°…180°, −90°…90°), letterboxed to the panel's shape."""
        self.viewbox.setRange(xRange=(-180.0, 180.0), yRange=(-90.0, 90.0), padding=0.0)

    @staticmethod
    def _lon_text(v: int) -> str:
        return "0°" if v == 0 else f"{abs(v)}°{'E' if v > 0 else 'W'}"

    @staticmethod
    def _lat_text(v: int) -> str:
        return "0°" if v == 0 else f"{abs(v)}°{'N' if v > 0 else 'S'}"

    # -- the user's catalogue and the environment -----------------------------------------
    def set_environment(self, env) -> None:
        """Use ``env`` (an :class:`~orbitviz.core.environment.Environment`, or None) for the
        Sun at every time, and draw the mission's objects, tracks and sites only where
        ``env.in_mission(met_s)``."""
        self.environment = env
        self._request_redraw()

    def set_user_catalog(self, catalog) -> None:
        """Draw the objects of ``catalog`` (a :class:`~orbitviz.core.catalog.UserCatalog` on
        the mission's time axis; None: none) as magenta dots; a selected object that is
        not in the new catalogue is unselected."""
        self.catalog = catalog
        self._sel_cache = None
        self._user_cost_s = 0.0
        if catalog is None or self.selected_user not in catalog.objects:
            self.selected_user = None
        self._request_redraw()

    def set_selected_user(self, object_id: str | None) -> None:
        """Show the ground track, ring and label of one user object (None, or an id not in
        the catalogue: none)."""
        cat = self.catalog
        oid = object_id if cat is not None and object_id in cat.objects else None
        if oid != self.selected_user:
            self._sel_cache = None
        self.selected_user = oid
        self._request_redraw()

    def _request_redraw(self) -> None:
        if self.isVisible():
            self._redraw(self._met)
        else:
            self._dirty = True

    # -- time ---------------------------------------------------------------------------------
    def update_time(self, met_s: float) -> None:
        """Follow the clock: redraw now if shown, else when next shown (the user's dots
        may be throttled, see the module's notes)."""
        self._met = float(met_s)
        if self.isVisible():
            self._redraw(self._met, force=False)
        else:
            self._dirty = True

    def refresh(self) -> None:
        """Re-read the view state (track span, layers) and redraw."""
        self._redraw(self._met)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().showEvent(event)
        if self._dirty:
            self._redraw(self._met)

    def in_mission(self, met_s: float) -> bool:
        """Whether the mission's objects are drawn at ``met_s`` (always without an
        environment)."""
        env = self.environment
        return True if env is None else bool(env.in_mission(float(met_s)))

    def subsolar_point(self, met_s: float) -> tuple[float, float]:
        """(lat_deg, lon_deg) under the Sun at ``met_s``: the environment's (right at any
        time), else the mission model's Sun (built over the mission only)."""
        if self.environment is not None:
            return self.environment.subsolar_point(float(met_s))
        lat, lon = self.model.sun.subsolar_point(float(met_s))
        return float(lat), float(lon)

    def current_positions(self, met_s: float) -> dict[str, tuple[float, float]]:
        """(lat_deg, lon_deg) of each object drawn at ``met_s`` (not the docked ones; none
        outside the mission)."""
        out = {}
        if not self.in_mission(met_s):
            return out
        for oid, obj in self.model.objects.items():
            if not obj.exists(met_s) or is_docked(self.model, oid, met_s):
                continue
            r, _ = self.model.gcrs_state(oid, met_s)
            lat, lon = sub_points(self.model, r, met_s)
            out[oid] = (float(lat), float(lon))
        return out

    @staticmethod
    def _slice_track(met, lat, lon, met_s: float, behind: float, ahead: float, now):
        """(past, future) as (lon, lat) arrays: samples in ``[met_s − behind, met_s]`` and
        ``(met_s, met_s + ahead]``, joined at ``now`` (lat, lon) when given."""
        i0 = int(np.searchsorted(met, met_s - behind, side="left"))
        i1 = int(np.searchsorted(met, met_s, side="right"))
        i2 = int(np.searchsorted(met, met_s + ahead, side="right"))
        if now is None:
            nlat = nlon = np.empty(0)
        else:
            nlat, nlon = np.array([now[0]]), np.array([now[1]])
        past = (np.concatenate([lon[i0:i1], nlon]), np.concatenate([lat[i0:i1], nlat]))
        fut = (np.concatenate([nlon, lon[i1:i2]]), np.concatenate([nlat, lat[i1:i2]]))
        return past, fut

    def _track_arrays(self, oid: str, met_s: float, now):
        met, lat, lon = self._tracks[oid]
        return self._slice_track(met, lat, lon, met_s, float(self.view_state.track_behind_s),
                                 float(self.view_state.track_ahead_s), now)

    @staticmethod
    def _set_curve(item, lon, lat) -> None:
        x, y = join_with_nans(split_at_dateline(lon, lat))
        item.setData(x, y, connect="finite")

    def _degrees_per_px(self) -> float:
        """Degrees per scene pixel (a label's own unit), also while laid out for a picture."""
        return 1.0 / max(abs(self.viewbox.childGroup.sceneTransform().m11()), 1e-12)

    def _place_label(self, label: _Label, lat: float, lon: float,
                     below: bool | None = None) -> None:
        """Put ``label`` above right of (lat, lon) (below with ``below``; None: as it was),
        or left of it where its text would run off the map's east edge."""
        label.setPos(lon, lat)
        width_deg = label.boundingRect().width() * 1.15 * self._degrees_per_px()
        x = LABEL_LEFT[0] if lon + width_deg > 180.0 else LABEL_RIGHT[0]
        if below is None:
            y = label.anchor[1]
        else:
            y = LABEL_BELOW_Y if below else LABEL_RIGHT[1]
        if tuple(label.anchor) != (x, y):
            label.setAnchor((x, y))

    def _redraw(self, met_s: float, force: bool = True) -> None:
        self._dirty = False
        vs = self.view_state
        met_s = float(met_s)
        mission = self.in_mission(met_s)
        now = self.current_positions(met_s) if mission else {}
        self._now = now
        free = {oid: bool(free_flight_mask(self.model, oid, met_s)) for oid in now}
        for oid in self.model.objects:
            shown = mission and vs.visible(f"track:{oid}")
            past_item, fut_item = self.past_curves[oid], self.future_curves[oid]
            if not shown:
                past_item.setData([], [])
                fut_item.setData([], [])
                continue
            here = now.get(oid) if free.get(oid) else None
            (plon, plat), (flon, flat) = self._track_arrays(oid, met_s, here)
            self._set_curve(past_item, plon, plat)
            self._set_curve(fut_item, flon, flat)

        ids = list(now)
        self.markers.setData(x=[now[o][1] for o in ids], y=[now[o][0] for o in ids],
                             symbol=["s" if o == "iss" else "o" for o in ids],
                             size=[13 if o == "iss" else 10 for o in ids],
                             brush=[self._brushes[o] for o in ids],
                             pen=self._marker_pen, data=ids)
        show_labels = vs.visible("labels")
        self.site_points.setVisible(mission)
        # the landing sites are named once Soyuz MS-18 has left the station
        landing = mission and not is_docked(self.model, "soyuz-ms-18", met_s)
        for key, label in self.site_labels.items():
            label.setVisible(mission and show_labels and (key == "pad" or landing))

        slat, slon = self.subsolar_point(met_s)
        self.subsolar = (slat, slon)
        self.term = terminator(slat, slon)
        self.terminator_curve.setData(self.term.lon_deg, self.term.lat_deg)
        self.night.set_outline(self.term.night_lon_deg, self.term.night_lat_deg)
        self.night_lights.setVisible(vs.visible("night-lights"))
        self.sun_point.setData(x=[slon], y=[slat])

        self._user_draw_or_defer(met_s, force)
        self._draw_selected(met_s)
        self._draw_mission_labels(met_s)

    def _draw_mission_labels(self, met_s: float) -> None:
        now = self._now
        show_labels = self.view_state.visible("labels")
        # an object within a degree of the station (a few pixels on the map) is named in
        # the station's label instead of printing its own label over it
        near = [o for o in now if o != "iss" and "iss" in now and angular_distance_deg(
            now[o][0], now[o][1], now["iss"][0], now["iss"][1]) < 1.0]
        shown = [o for o in self.labels if o in now and show_labels and o not in near]
        # of two labelled objects a few label heights apart, the lower one's label goes
        # below it, so the two do not print over each other
        reach = 3.0 * 22.0 * self._degrees_per_px()
        below = {o for o in shown for q in shown if q != o and
                 abs(now[o][0] - now[q][0]) < reach and abs(now[o][1] - now[q][1]) < 4 * reach
                 and (now[o][0], o) < (now[q][0], q)}
        for oid, label in self.labels.items():
            if oid in shown:
                text = self._label_text(oid, met_s)
                if oid == "iss" and near:
                    text += " · " + ", ".join(SHORT_NAMES.get(o, o) for o in near) + " close by"
                if self._merged.get(oid):
                    text += " · " + ", ".join(self._merged[oid])
                label.setText(text)
                label.setVisible(True)
                self._place_label(label, now[oid][0], now[oid][1], below=oid in below)
            else:
                label.setVisible(False)

    def _label_text(self, oid: str, met_s: float) -> str:
        name = SHORT_NAMES.get(oid, self.model.objects[oid].name)
        if oid != "iss":
            return name
        docked = [SHORT_NAMES.get(o, o).replace("Soyuz ", "") for o in self.model.objects
                  if o != "iss" and is_docked(self.model, o, met_s)]
        return f"{name} + {', '.join(docked)}" if docked else name

    # -- the user's objects -------------------------------------------------------------------
    def _user_draw_or_defer(self, met_s: float, force: bool) -> None:
        """Draw the dots now, or (a running clock, an expensive catalogue) once the share of
        wall time allowed since the last drawing has passed."""
        big = self.catalog is not None and len(self.catalog) > USER_LABEL_MAX
        if not force and big and self._user_cost_s > USER_FREE_S:
            wait = self._user_cost_s / USER_DUTY - (time.perf_counter() - self._user_last_wall)
            if wait > 0.0:
                if not self._user_timer.isActive():
                    self._user_timer.start(max(1, int(math.ceil(wait * 1000.0))))
                return
        self._user_timer.stop()
        self._draw_user(met_s)

    def _deferred_user_draw(self) -> None:
        if self.isVisible():
            self._draw_user(self._met)
            self._draw_mission_labels(self._met)
        else:
            self._dirty = True

    def _draw_user(self, met_s: float) -> None:
        """The dots of every user object with a state at ``met_s`` (``catalog.map_points``),
        and their names when at most USER_LABEL_MAX have one."""
        t0 = time.perf_counter()
        cat, vs = self.catalog, self.view_state
        if cat is not None and vs.visible("user-objects"):
            ids, lat, lon = cat.map_points(met_s)
        else:
            ids, lat, lon = [], np.zeros(0), np.zeros(0)
        self._user_ids = list(ids)
        self._user_lat = np.asarray(lat, dtype=float)
        self._user_lon = np.asarray(lon, dtype=float)
        few = len(ids) <= USER_LABEL_MAX
        # few: over the mission's markers (a user's copy of the station inside its marker);
        # a cloud of thousands: under them, so the mission stays readable
        self.user_dots.setZValue(22 if few else 18)
        self._set_dot_style(len(ids))
        self._set_dots(self._user_lon, self._user_lat)
        self._merged = {}
        named = []
        if few and vs.visible("labels"):
            for k, oid in enumerate(ids):
                if oid == self.selected_user:
                    continue  # it has its own label
                la, lo = float(lat[k]), float(lon[k])
                # the station first: a Soyuz right beside it is named in its label too
                hosts = sorted(self._now, key=lambda m: m != "iss")
                host = next((m for m in hosts if angular_distance_deg(
                    la, lo, self._now[m][0], self._now[m][1]) < USER_MERGE_DEG), None)
                if host is not None:
                    self._merged.setdefault(host, []).append(cat.objects[oid].name)
                else:
                    named.append((cat.objects[oid].name, la, lo))
        while len(self.user_labels) < len(named):
            label = _Label("", color=self._user_label_color, anchor=LABEL_RIGHT,
                           fill=pg.mkBrush(*LABEL_FILL))
            label.setZValue(21.5)  # under the dots: a name never hides another object
            self.plot.addItem(label, ignoreBounds=True)
            self.user_labels.append(label)
        for k, label in enumerate(self.user_labels):
            if k < len(named):
                name, la, lo = named[k]
                label.setText(name)
                label.setVisible(True)
                self._place_label(label, la, lo)
            else:
                label.setVisible(False)
        self._user_last_wall = t0
        self._user_cost_s = time.perf_counter() - t0

    def _set_dot_style(self, n: int) -> None:
        """Dot size and outline for ``n`` dots: outlined when few; smaller and without
        outline in a cloud of thousands, so the map still shows through."""
        tier = 0 if n <= USER_LABEL_MAX else 1 if n <= USER_DENSE else 2
        if tier == getattr(self, "_dot_tier", None):
            return
        self._dot_tier = tier
        size, outline = USER_DOT_STYLES[tier]
        pen = pg.mkPen(QtGui.QColor(*USER_DOT_OUTLINE), width=1) if outline else pg.mkPen(None)
        self.user_dots.setData(x=[], y=[])
        self.user_dots.setSize(size)
        self.user_dots.setPen(pen)

    def _set_dots(self, lon: np.ndarray, lat: np.ndarray) -> None:
        """Put the dots at (lon, lat). With as many dots as before, the scatter item's
        coordinate columns are overwritten in place: ``setData`` would rebuild its per-point
        style keys (about 25 ms and a burst of garbage for 30,000 points)."""
        sp = self.user_dots
        data = getattr(sp, "data", None)
        if data is not None and len(lon) and len(data) == len(lon) and \
                "x" in data.dtype.names and "y" in data.dtype.names:
            data["x"] = lon
            data["y"] = lat
            sp.prepareGeometryChange()
            sp.informViewBoundsChanged()
            sp.bounds = [None, None]
            sp.invalidate()
            sp.sigPlotChanged.emit(sp)
        else:
            sp.setData(x=lon, y=lat)

    def _selected_track(self, met_s: float):
        """(met, lat, lon) of the selected object over a span around ``met_s`` wider than
        the view's track span: computed once, again only when the time leaves it. NaN
        between chains (no line across a gap in the element sets)."""
        vs, cat, oid = self.view_state, self.catalog, self.selected_user
        behind, ahead = float(vs.track_behind_s), float(vs.track_ahead_s)
        c = self._sel_cache
        if c is not None and c[0] == oid and c[1] is cat and \
                c[2] <= met_s - behind and met_s + ahead <= c[3]:
            return c[4:]
        margin = max(600.0, 0.5 * (behind + ahead))
        t0, t1 = met_s - behind - margin, met_s + ahead + margin
        met, lat, lon = cat.ground_track(oid, t0, t1, step_s=USER_TRACK_STEP_S)
        gap = np.nonzero(np.diff(met) > 2.5 * USER_TRACK_STEP_S)[0]
        if gap.size:
            met = np.insert(met, gap + 1, 0.5 * (met[gap] + met[gap + 1]))
            lat = np.insert(lat, gap + 1, np.nan)
            lon = np.insert(lon, gap + 1, np.nan)
        self._sel_cache = (oid, cat, t0, t1, met, lat, lon)
        return met, lat, lon

    def _draw_selected(self, met_s: float) -> None:
        """The selected user object's ring and label (with the dots' layer) and its ground
        track (the ``user-trails`` layer): flown solid, to come dashed, magenta."""
        vs, cat, oid = self.view_state, self.catalog, self.selected_user
        here = None
        if cat is not None and oid is not None:
            try:
                st = cat.object_state(oid, met_s)
                lat, lon = st.lat_deg, st.lon_deg
                here = (lat, lon)
            except NoStateError:
                here = None
        dots = vs.visible("user-objects")
        for ring in (self.user_ring, self.user_ring_casing):
            if here is not None and dots:
                ring.setData(x=[here[1]], y=[here[0]])
            else:
                ring.setData(x=[], y=[])
        if here is not None and dots and vs.visible("labels"):
            self.selected_label.setText(cat.objects[oid].name)
            self.selected_label.setVisible(True)
            self._place_label(self.selected_label, here[0], here[1])
        else:
            self.selected_label.setVisible(False)
        if oid is None or not vs.visible("user-trails"):
            for item in (self.user_past, self.user_future, self.user_past_casing):
                item.setData([], [])
            return
        met, lat, lon = self._selected_track(met_s)
        (plon, plat), (flon, flat) = self._slice_track(
            met, lat, lon, met_s, float(vs.track_behind_s), float(vs.track_ahead_s), here)
        self._set_curve(self.user_past, plon, plat)
        self._set_curve(self.user_future, flon, flat)
        x, y = self.user_past.getData()
        self.user_past_casing.setData(x, y, connect="finite")

    # -- data the tests and exports read ------------------------------------------------------
    def marker_positions(self) -> dict[str, tuple[float, float]]:
        """(lat_deg, lon_deg) of each drawn marker, read back from the scatter item."""
        x, y = self.markers.getData()
        ids = list(self.markers.data["data"])
        return {oid: (float(yy), float(xx)) for oid, xx, yy in zip(ids, x, y)}

    def user_points(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """(ids, lat_deg, lon_deg) of the user dots drawn, read back from the scatter item
        (the ids in the order they were given)."""
        x, y = self.user_dots.getData()
        n = 0 if x is None else len(x)
        ids = self._user_ids if n == len(self._user_ids) else []
        return list(ids), np.asarray(y if n else [], float), np.asarray(x if n else [], float)

    def image_at(self, met_s: float, width: int, height: int,
                 pixel_scale: float = 1.0) -> QtGui.QImage:
        """The map drawn at ``met_s`` (not the clock's time) as a ``width`` × ``height``
        image, for exports and clip frames (the user's dots and selected track included,
        never throttled); the panel goes back to the clock's time. ``pixel_scale``: see
        :meth:`render_image`."""
        self._redraw(float(met_s))
        try:
            return self.render_image(width, height, pixel_scale)
        finally:
            if self.isVisible():
                self._redraw(self._met)
            else:
                self._dirty = True

    def _map_size(self, width: int, height: int) -> tuple[float, float]:
        """The whole world's size in a ``width`` × ``height`` image: 2:1, fitted."""
        mw = min(float(width), 2.0 * float(height))
        return mw, mw / 2.0

    def _world_in_scene(self) -> QtCore.QRectF:
        world = QtCore.QRectF(-180.0, -90.0, 360.0, 180.0)
        return self.viewbox.childGroup.sceneTransform().mapRect(world)

    def scene_to_image(self, width: int, height: int) -> QtGui.QTransform:
        """The transform from the plot's scene pixels, as the panel is laid out now, to
        pixels of a ``width`` × ``height`` image with the whole world fitted and centred
        (what :meth:`render_image` draws, with the scene laid out at 1:1 for it)."""
        src = self._world_in_scene()
        mw, mh = self._map_size(width, height)
        sx, sy = mw / src.width(), mh / src.height()
        return QtGui.QTransform(sx, 0.0, 0.0, sy, (width - mw) / 2 - src.x() * sx,
                                (height - mh) / 2 - src.y() * sy)

    def image_point(self, lat_deg: float, lon_deg: float, width: int,
                    height: int) -> tuple[float, float]:
        """Pixel (x, y) of a geodetic (lat, lon) in degrees in :meth:`render_image`'s image
        (for a 2:1 image: the core's ``equirect`` projection)."""
        mw, mh = self._map_size(width, height)
        return ((float(lon_deg) + 180.0) / 360.0 * mw + (width - mw) / 2,
                (90.0 - float(lat_deg)) / 180.0 * mh + (height - mh) / 2)

    def _reflow_labels(self) -> None:
        for label in [*self.labels.values(), *self.user_labels, self.selected_label]:
            if label.isVisible():
                self._place_label(label, label.pos().y(), label.pos().x())

    def _lay_out_scene(self, width: float, height: float) -> None:
        """Lay the plot's scene out at ``width`` × ``height`` scene pixels now (the widget
        keeps its size; nothing is painted in between)."""
        w = self.plot_widget
        # the view's own setRange (PlotWidget.setRange is the plot's)
        pg.GraphicsView.setRange(w, QtCore.QRectF(0.0, 0.0, width, height), padding=0)
        self.plot.layout.activate()
        self.fit_world()
        self.viewbox.prepareForPaint()  # its view→scene matrix now, not at the next paint

    def render_image(self, width: int, height: int, pixel_scale: float = 1.0) -> QtGui.QImage:
        """The whole map as it is drawn now in a ``width`` × ``height`` ARGB32 image: the
        world fitted (2:1) and centred, the map background around it, no axes (an inset, a
        picture of the map). The plot's scene is laid out for the picture while it is
        drawn, so markers, lines and labels keep their on-screen pixel sizes times
        ``pixel_scale`` (a 4K export passes 2: its inset reads as it would at 1080 lines,
        drawn sharp at twice the size); then back."""
        k = float(pixel_scale)
        if not (k > 0 and np.isfinite(k)):
            raise ValueError(f"pixel scale must be a positive number, not {pixel_scale!r}")
        if self._dirty:
            self._redraw(self._met)
        width, height = int(width), int(height)
        if width < 1 or height < 1:
            raise ValueError("render_image needs a positive size")
        w, vb = self.plot_widget, self.viewbox
        self.plot.layout.activate()  # a panel never shown has a layout still pending
        saved_range, saved_auto = QtCore.QRectF(w.range), w.autoPixelRange
        vb.prepareForPaint()
        saved_view = vb.viewRange()
        # drawn at width/k × height/k logical pixels on an image of k device pixels each,
        # as on a high-DPI screen: everything grows k times and stays sharp
        lw, lh = width / k, height / k
        mw, mh = self._map_size(lw, lh)
        extra_w = max(w.range.width() - vb.sceneBoundingRect().width(), 0.0)
        extra_h = max(w.range.height() - vb.sceneBoundingRect().height(), 0.0)
        img = QtGui.QImage(width, height, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
        img.setDevicePixelRatio(k)
        img.fill(QtGui.QColor(MAP_BG))
        try:
            self._lay_out_scene(mw + extra_w, mh + extra_h)
            self._reflow_labels()
            src = self._world_in_scene()
            target = QtCore.QRectF((lw - mw) / 2, (lh - mh) / 2, mw, mh)
            axes = [self.plot.getAxis(k) for k in ("left", "bottom")]
            shown = [a.isVisible() for a in axes]
            painter = QtGui.QPainter(img)
            try:
                for a in axes:  # their lines and ticks touch the map's edges
                    a.setVisible(False)
                painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
                painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, True)
                w.scene().render(painter, target, src,
                                 QtCore.Qt.AspectRatioMode.IgnoreAspectRatio)
            finally:
                painter.end()
                for a, v in zip(axes, shown):
                    a.setVisible(v)
        finally:
            w.autoPixelRange = saved_auto
            pg.GraphicsView.setRange(w, saved_range, padding=0, disableAutoPixel=False)
            self.plot.layout.activate()
            vb.setRange(xRange=saved_view[0], yRange=saved_view[1], padding=0.0)
            vb.prepareForPaint()
            self._reflow_labels()
        img.setDevicePixelRatio(1.0)
        return img.convertToFormat(QtGui.QImage.Format.Format_ARGB32)


__all__ = ["GroundTrackPanel", "MAP_BG", "NIGHT_RGBA", "SUN_COLOR", "USER_DOT_PX"]
