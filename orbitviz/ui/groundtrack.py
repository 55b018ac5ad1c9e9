"""The ground-track map: a 2D world map on the same time cursor as the 3D view.

:class:`GroundTrackPanel` draws, on an equirectangular Blue Marble (plate carrée, x =
longitude, y = geodetic latitude, both in degrees): every object's ground track over the
view state's span (``track_behind_s`` flown, solid; ``track_ahead_s`` to come, dashed),
broken cleanly at ±180°; the night side (shaded, with the city lights) and the terminator;
the sub-solar point; the pad, the landing estimate and the modelled touchdown; the objects'
current positions. Vehicles docked to the station are drawn as the station.

The geometry comes from :mod:`orbitviz.core.groundtrack` (computed once for the whole
display window); a clock tick only slices those arrays and updates the items' data.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from orbitviz.core.assets import asset_path
from orbitviz.core.groundtrack import (angular_distance_deg, free_flight_mask, ground_track,
                                       is_docked, join_with_nans, split_at_dateline,
                                       sub_points, terminator)
from orbitviz.render.scene import COLORS, SITE_COLORS
from orbitviz.ui.panels import subscribe_weakly

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


def _qcolor(rgba, alpha: float | None = None) -> QtGui.QColor:
    r, g, b, a = (float(c) for c in rgba)
    return QtGui.QColor.fromRgbF(r, g, b, a if alpha is None else alpha)


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
        self._precompute()
        self._build_ui()
        subscribe_weakly(clock, self.update_time)
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
        self.site_labels: dict[str, pg.TextItem] = {}
        for key, text, anchor in (("pad", "Baikonur", (1.1, 0.0)),
                                  # the two landing points nearly coincide: stacked below
                                  ("landing-estimate", "landing estimate", (-0.08, -0.15)),
                                  ("landing-model", "modelled touchdown", (-0.08, -1.15))):
            label = pg.TextItem(text, color=_qcolor(SITE_COLORS[key]), anchor=anchor,
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
        self.labels: dict[str, pg.TextItem] = {}
        for oid in self.model.objects:
            label = pg.TextItem(SHORT_NAMES.get(oid, self.model.objects[oid].name),
                                color=_qcolor(COLORS[oid]), anchor=(-0.12, 1.05),
                                fill=pg.mkBrush(*LABEL_FILL))
            label.setZValue(21)
            plot.addItem(label, ignoreBounds=True)
            self.labels[oid] = label
        self._brushes = {oid: pg.mkBrush(_qcolor(COLORS[oid])) for oid in self.model.objects}
        self._marker_pen = pg.mkPen("#05070a", width=1.5)

    def fit_world(self) -> None:
        """Show the whole map (−180°…180°, −90°…90°), letterboxed to the panel's shape."""
        self.viewbox.setRange(xRange=(-180.0, 180.0), yRange=(-90.0, 90.0), padding=0.0)

    @staticmethod
    def _lon_text(v: int) -> str:
        return "0°" if v == 0 else f"{abs(v)}°{'E' if v > 0 else 'W'}"

    @staticmethod
    def _lat_text(v: int) -> str:
        return "0°" if v == 0 else f"{abs(v)}°{'N' if v > 0 else 'S'}"

    # -- time ---------------------------------------------------------------------------------
    def update_time(self, met_s: float) -> None:
        """Follow the clock: redraw now if shown, else when next shown."""
        self._met = float(met_s)
        if self.isVisible():
            self._redraw(self._met)
        else:
            self._dirty = True

    def refresh(self) -> None:
        """Re-read the view state (track span, layers) and redraw."""
        self._redraw(self._met)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().showEvent(event)
        if self._dirty:
            self._redraw(self._met)

    def current_positions(self, met_s: float) -> dict[str, tuple[float, float]]:
        """(lat_deg, lon_deg) of each object drawn at ``met_s`` (not the docked ones)."""
        out = {}
        for oid, obj in self.model.objects.items():
            if not obj.exists(met_s) or is_docked(self.model, oid, met_s):
                continue
            r, _ = self.model.gcrs_state(oid, met_s)
            lat, lon = sub_points(self.model, r, met_s)
            out[oid] = (float(lat), float(lon))
        return out

    def _track_arrays(self, oid: str, met_s: float, now):
        met, lat, lon = self._tracks[oid]
        behind = float(self.view_state.track_behind_s)
        ahead = float(self.view_state.track_ahead_s)
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

    def _redraw(self, met_s: float) -> None:
        self._dirty = False
        vs = self.view_state
        now = self.current_positions(met_s)
        free = {oid: bool(free_flight_mask(self.model, oid, met_s)) for oid in now}
        for oid in self.model.objects:
            shown = vs.visible(f"track:{oid}")
            past_item, fut_item = self.past_curves[oid], self.future_curves[oid]
            if not shown:
                past_item.setData([], [])
                fut_item.setData([], [])
                continue
            here = now.get(oid) if free.get(oid) else None
            (plon, plat), (flon, flat) = self._track_arrays(oid, met_s, here)
            x, y = join_with_nans(split_at_dateline(plon, plat))
            past_item.setData(x, y, connect="finite")
            x, y = join_with_nans(split_at_dateline(flon, flat))
            fut_item.setData(x, y, connect="finite")

        ids = list(now)
        self.markers.setData(x=[now[o][1] for o in ids], y=[now[o][0] for o in ids],
                             symbol=["s" if o == "iss" else "o" for o in ids],
                             size=[13 if o == "iss" else 10 for o in ids],
                             brush=[self._brushes[o] for o in ids],
                             pen=self._marker_pen, data=ids)
        show_labels = vs.visible("labels")
        # an object within a degree of the station (a few pixels on the map) is named in
        # the station's label instead of printing its own label over it
        near = [o for o in now if o != "iss" and "iss" in now and angular_distance_deg(
            now[o][0], now[o][1], now["iss"][0], now["iss"][1]) < 1.0]
        for oid, label in self.labels.items():
            if oid in now and show_labels and oid not in near:
                text = self._label_text(oid, met_s)
                if oid == "iss" and near:
                    text += " · " + ", ".join(SHORT_NAMES.get(o, o) for o in near) + " close by"
                label.setText(text)
                label.setPos(now[oid][1], now[oid][0])
                label.setVisible(True)
            else:
                label.setVisible(False)
        # the landing sites are named once Soyuz MS-18 has left the station
        landing = not is_docked(self.model, "soyuz-ms-18", met_s)
        for key, label in self.site_labels.items():
            label.setVisible(show_labels and (key == "pad" or landing))

        slat, slon = (float(v) for v in self.model.sun.subsolar_point(met_s))
        self.subsolar = (slat, slon)
        self.term = terminator(slat, slon)
        self.terminator_curve.setData(self.term.lon_deg, self.term.lat_deg)
        self.night.set_outline(self.term.night_lon_deg, self.term.night_lat_deg)
        self.night_lights.setVisible(vs.visible("night-lights"))
        self.sun_point.setData(x=[slon], y=[slat])

    def _label_text(self, oid: str, met_s: float) -> str:
        name = SHORT_NAMES.get(oid, self.model.objects[oid].name)
        if oid != "iss":
            return name
        docked = [SHORT_NAMES.get(o, o).replace("Soyuz ", "") for o in self.model.objects
                  if o != "iss" and is_docked(self.model, o, met_s)]
        return f"{name} + {', '.join(docked)}" if docked else name

    # -- data the tests and exports read ------------------------------------------------------
    def marker_positions(self) -> dict[str, tuple[float, float]]:
        """(lat_deg, lon_deg) of each drawn marker, read back from the scatter item."""
        x, y = self.markers.getData()
        ids = list(self.markers.data["data"])
        return {oid: (float(yy), float(xx)) for oid, xx, yy in zip(ids, x, y)}

    def image_at(self, met_s: float, width: int, height: int) -> QtGui.QImage:
        """The map drawn at ``met_s`` (not the clock's time) as a ``width`` × ``height``
        image, for exports and clip frames; the panel goes back to the clock's time."""
        self._redraw(float(met_s))
        try:
            return self.render_image(width, height)
        finally:
            if self.isVisible():
                self._redraw(self._met)
            else:
                self._dirty = True

    def render_image(self, width: int, height: int) -> QtGui.QImage:
        """The map as it is drawn now, rendered into a ``width`` × ``height`` ARGB32 image
        (the plot scaled to fit, the map background around it)."""
        if self._dirty:
            self._redraw(self._met)
        width, height = int(width), int(height)
        if width < 1 or height < 1:
            raise ValueError("render_image needs a positive size")
        w = self.plot_widget
        if w.width() < 2 or w.height() < 2 or not self.isVisible():
            w.resize(width, height)  # a hidden panel has no layout: give it the export's
        img = QtGui.QImage(width, height, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(QtGui.QColor(MAP_BG))
        painter = QtGui.QPainter(img)
        try:
            painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
            painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, True)
            src = self.plot.sceneBoundingRect()
            scale = min(width / src.width(), height / src.height())
            tw, th = src.width() * scale, src.height() * scale
            target = QtCore.QRectF((width - tw) / 2, (height - th) / 2, tw, th)
            self.plot_widget.scene().render(painter, target, src)
        finally:
            painter.end()
        return img.convertToFormat(QtGui.QImage.Format.Format_ARGB32)


__all__ = ["GroundTrackPanel", "MAP_BG", "NIGHT_RGBA", "SUN_COLOR"]
