"""The Rendezvous panel: Soyuz MS-19's rendezvous with the station, as the station sees it.

A widget around the :class:`~orbitviz.core.viewer.ViewerModel`: the plots are computed once
by the core (:func:`orbitviz.core.relative.rendezvous_profile`); a clock tick moves a marker,
two cursors and the status line. The plots use the station's LVLH frame (see
:mod:`orbitviz.core.relative`): x along-track (V-bar), y opposite the orbit normal (H-bar),
z toward the Earth (R-bar); positions in km or m, times in UTC.
"""

from __future__ import annotations

import datetime as _dt
import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from orbitviz.core.formatting import format_closing, format_range, phase_name
from orbitviz.core.relative import (curvilinear_at, lvlh_relative, range_and_closing_speed,
                                    rendezvous_profile)
from orbitviz.core.timeaxis import format_met
from orbitviz.render.style import (BURN_COLOR, CURSOR_COLOR, DOCKING_COLOR, PLOT_BG, PLOT_FG,
                                   SOYUZ_COLOR, STATION_COLOR, TEXT)
from orbitviz.ui.binding import bind
from orbitviz.ui.readouts_panel import RENDEZVOUS_OBJECT
from orbitviz.ui.widgets import modelled_badge

MODELLED_NOTE = ("Modelled: no burn data of Soyuz MS-19 were published. The path and the "
                 "burns are orbitviz's model of the two-orbit rendezvous (separation "
                 "09:04 UTC, docking 12:22:31 UTC, both published).")


class UtcTimeAxis(pg.AxisItem):
    """A bottom axis in ``met_s`` that labels ticks as UTC clock times at round minutes.

    ``liftoff_utc``: the UTC datetime of ``met_s = 0``. ``met_s`` counts TT seconds, which
    equal UTC seconds while no leap second falls in between (none from 2017 to this day).
    """

    STEPS_S = (60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)

    def __init__(self, liftoff_utc: _dt.datetime, **kwargs):
        super().__init__("bottom", **kwargs)
        self._t0 = liftoff_utc
        midnight = liftoff_utc.replace(hour=0, minute=0, second=0, microsecond=0)
        self._sod0 = (liftoff_utc - midnight).total_seconds()  # UTC s of day at met 0

    def tickValues(self, minVal, maxVal, size):
        lo, hi = sorted((minVal, maxVal))
        if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo or size <= 0:
            return []
        want = max(2, int(size / 90))  # about one label per 90 px
        major = next((s for s in self.STEPS_S if (hi - lo) / s <= want), self.STEPS_S[-1])
        minor = next((s for s in reversed(self.STEPS_S) if s < major and major % s == 0
                      and (hi - lo) / s <= 4 * want), None)

        def ticks(step):
            first = math.ceil((lo + self._sod0) / step) * step - self._sod0
            return list(np.arange(first, hi + 1e-6, step))

        levels = [(float(major), ticks(major))]
        if minor:
            major_set = set(round(v, 3) for v in levels[0][1])
            levels.append((float(minor), [v for v in ticks(minor)
                                          if round(v, 3) not in major_set]))
        return levels

    def tickStrings(self, values, scale, spacing):
        return [(self._t0 + _dt.timedelta(seconds=float(v))).strftime("%H:%M")
                for v in values]


def _style_plot(plot: pg.PlotItem) -> None:
    plot.showGrid(x=True, y=True, alpha=0.18)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(PLOT_FG))
        axis.setTextPen(pg.mkPen(PLOT_FG))
    plot.getViewBox().setBackgroundColor(PLOT_BG)


def _plot_widget(**kwargs) -> pg.PlotWidget:
    w = pg.PlotWidget(background=PLOT_BG, **kwargs)
    _style_plot(w.getPlotItem())
    w.setMinimumHeight(140)
    return w


class RendezvousPanel(QtWidgets.QWidget):
    """Soyuz MS-19's rendezvous with the station, as the station sees it.

    Top: the path in the station's LVLH frame (along-track V-bar horizontal, positive ahead
    of the station; radial vertical, positive up), with the six burns, the station, the
    Rassvet port and the Soyuz's position at the clock's time. Three zooms: *Far*
    (curvilinear: along-track arc and height difference, km, vertical exaggerated),
    *Close* (from burn 4, rectilinear LVLH in metres, true proportions) and *Final*
    (from station keeping to docking); *Auto* picks by the clock's time.
    Bottom: range to the station (log scale) and the altitudes of both craft against UTC,
    with the burns, docking and the time cursor.
    """

    MODES = ("auto", "far", "close", "final")
    MODE_NAMES = {"auto": "Auto", "far": "Far", "close": "Close", "final": "Final"}
    MODE_TIPS = {"auto": "Pick the zoom from the clock's time",
                 "far": "The whole rendezvous, km (along-track arc and height; vertical "
                        "exaggerated)",
                 "close": "From burn 4 to docking, metres, true proportions",
                 "final": "From the last burn: the fly-around, station keeping and the "
                          "final approach up R-bar to Rassvet, metres"}

    def __init__(self, viewer, parent=None, object_id: str = RENDEZVOUS_OBJECT,
                 reference: str = "iss"):
        super().__init__(parent)
        self.viewer = viewer
        model = self.model = viewer.mission
        self.clock = viewer.clock
        self.object_id = object_id
        self.reference = reference
        self.profile = rendezvous_profile(model, object_id, reference)
        p = self.profile
        #: The model's burns by event id: start, duration, engine, solved and published Δv.
        self.burn_info = {b["id"]: b for b in model.objects[object_id].info.get(
            "rendezvous", {}).get("burns", [])}
        self.burn_times = {bid: t for bid, _, t in p.burns}
        self._t_close = self.burn_times.get("rendezvous-burn-4", p.start_s)
        self._t_final = self.burn_times.get("rendezvous-burn-6", p.start_s)
        self.port_offset_m = np.asarray(
            model.scenario.ports[model.scenario.objects[object_id].extra["port"]]
            ["offset_lvlh_m"], dtype=float)
        self._mode = "auto"
        self._shown_mode = None
        self._build_ui()
        bind(self, viewer.events.time, self.update_time)
        self.update_time(self.clock.met_s)

    # -- construction ---------------------------------------------------------------------
    def _build_ui(self) -> None:
        name = self.viewer.name(self.object_id)
        ref = self.viewer.name(self.reference)
        title = QtWidgets.QLabel(f"<b>{name}</b> seen from the {ref}")
        title.setToolTip("In the station's LVLH frame: x along-track (V-bar), y opposite "
                         "the orbit normal (H-bar), z toward the Earth (R-bar)")
        head = QtWidgets.QHBoxLayout()
        head.addWidget(title)
        head.addWidget(modelled_badge())
        head.addStretch(1)
        zoom = QtWidgets.QHBoxLayout()
        zoom.addWidget(QtWidgets.QLabel("Zoom:"))
        self.mode_buttons: dict[str, QtWidgets.QToolButton] = {}
        group = QtWidgets.QButtonGroup(self)
        group.setExclusive(True)
        button_style = ("QToolButton { padding: 2px 6px; } "
                        "QToolButton:checked { background: #2f6fd0; color: white; "
                        "border-radius: 3px; } "
                        "QToolButton[shown=\"true\"] { border: 1px solid #2f6fd0; "
                        "border-radius: 3px; }")
        for mode in self.MODES:
            b = QtWidgets.QToolButton()
            b.setText(self.MODE_NAMES[mode])
            b.setCheckable(True)
            b.setObjectName(f"mode:{mode}")
            b.setStyleSheet(button_style)
            b.setToolTip(self.MODE_TIPS[mode])
            b.setChecked(mode == self._mode)
            b.clicked.connect(lambda _=False, m=mode: self.set_mode(m))
            group.addButton(b)
            zoom.addWidget(b)
            self.mode_buttons[mode] = b
        zoom.addStretch(1)

        # (a) the LVLH plot
        self.lvlh_widget = _plot_widget()
        self.lvlh_plot = self.lvlh_widget.getPlotItem()
        self.lvlh_plot.setMenuEnabled(False)
        self.path_ahead = self.lvlh_plot.plot(
            pen=pg.mkPen(SOYUZ_COLOR, width=1.5, style=QtCore.Qt.PenStyle.DashLine),
            antialias=True)
        self.path_flown = self.lvlh_plot.plot(pen=pg.mkPen(SOYUZ_COLOR, width=2.5),
                                              antialias=True)
        self.burn_points = pg.ScatterPlotItem(symbol="star", size=15,
                                              brush=pg.mkBrush(BURN_COLOR),
                                              pen=pg.mkPen("#1b0006", width=0.8))
        self.lvlh_plot.addItem(self.burn_points)
        self.station_point = pg.ScatterPlotItem(symbol="s", size=11,
                                                brush=pg.mkBrush(STATION_COLOR),
                                                pen=pg.mkPen("#000000"))
        self.lvlh_plot.addItem(self.station_point)
        self.port_point = pg.ScatterPlotItem(symbol="t1", size=11,
                                             brush=pg.mkBrush(DOCKING_COLOR),
                                             pen=pg.mkPen("#000000"))
        self.lvlh_plot.addItem(self.port_point)
        self.current_marker = pg.ScatterPlotItem(symbol="o", size=14,
                                                 brush=pg.mkBrush(SOYUZ_COLOR),
                                                 pen=pg.mkPen("white", width=2))
        self.current_marker.setZValue(20)
        self.lvlh_plot.addItem(self.current_marker)
        self.current_label = pg.TextItem(self.viewer.name(self.object_id),
                                         color=SOYUZ_COLOR, anchor=(-0.12, 1.1))
        self.current_label.setZValue(21)
        self.lvlh_plot.addItem(self.current_label)
        self._labels: list[pg.TextItem] = []

        self.status = QtWidgets.QLabel()
        self.status.setObjectName("rendezvousStatus")
        self.status.setFont(QtGui.QFontDatabase.systemFont(
            QtGui.QFontDatabase.SystemFont.FixedFont))
        self.status.setWordWrap(True)
        self.status.setToolTip("Soyuz relative to the station, LVLH frame: x ahead along "
                               "the velocity (V-bar), y opposite the orbit normal (H-bar), "
                               "z down toward the Earth (R-bar)")

        # (b) range and altitude against time
        p = self.profile
        liftoff = self.model.axis.liftoff_utc
        self.range_widget = _plot_widget(axisItems={"bottom": UtcTimeAxis(liftoff)})
        self.range_plot = self.range_widget.getPlotItem()
        self.range_plot.setMenuEnabled(False)
        self.range_plot.setLogMode(x=False, y=True)
        self.range_plot.getAxis("left").setLabel("Range to ISS (km, log)", color=PLOT_FG)
        self.range_plot.plot(p.met_s, p.range_m / 1000.0, pen=pg.mkPen(SOYUZ_COLOR, width=2),
                             antialias=True)
        self.range_marker = self.range_plot.plot(
            [], [], pen=None, symbol="o", symbolSize=10, symbolBrush=SOYUZ_COLOR,
            symbolPen=pg.mkPen("white", width=1.5))
        self.alt_widget = _plot_widget(axisItems={"bottom": UtcTimeAxis(liftoff)})
        self.alt_plot = self.alt_widget.getPlotItem()
        self.alt_plot.setMenuEnabled(False)
        self.alt_plot.getAxis("left").setLabel("Altitude (km)", color=PLOT_FG)
        day = f"{liftoff.day} {liftoff:%b %Y}"
        self.alt_plot.getAxis("bottom").setLabel(f"UTC, {day}", color=PLOT_FG)
        self.alt_plot.addLegend(offset=(-8, -8), labelTextColor=TEXT,
                                brush=pg.mkBrush(18, 22, 28, 200))
        self.alt_plot.plot(p.met_s, p.station_alt_km, pen=pg.mkPen(STATION_COLOR, width=1.5),
                           name=self.viewer.name(self.reference), antialias=True)
        self.alt_plot.plot(p.met_s, p.alt_km, pen=pg.mkPen(SOYUZ_COLOR, width=2),
                           name=self.viewer.name(self.object_id), antialias=True)
        self.alt_marker = self.alt_plot.plot(
            [], [], pen=None, symbol="o", symbolSize=10, symbolBrush=SOYUZ_COLOR,
            symbolPen=pg.mkPen("white", width=1.5))
        self.alt_plot.setXLink(self.range_plot)

        #: Each burn as a span over its duration, in the range and the altitude plots.
        self.burn_spans: dict[str, list[pg.LinearRegionItem]] = {}
        self.cursors: list[pg.InfiniteLine] = []
        burn_rgb = QtGui.QColor(BURN_COLOR)
        for plot in (self.range_plot, self.alt_plot):
            for bid, _, t in p.burns:
                end = float(self.burn_info.get(bid, {}).get("end_met_s", t))
                span = pg.LinearRegionItem(
                    values=(t, max(end, t)), movable=False,
                    brush=pg.mkBrush(burn_rgb.red(), burn_rgb.green(), burn_rgb.blue(), 90),
                    pen=pg.mkPen(BURN_COLOR, width=1))
                span.setZValue(5)
                plot.addItem(span)
                self.burn_spans.setdefault(bid, []).append(span)
        self._burn_labels: list[pg.TextItem] = []
        self.range_plot.getViewBox().sigXRangeChanged.connect(self._place_burn_labels)
        for plot in (self.range_plot, self.alt_plot):
            dock = pg.InfiniteLine(
                pos=p.end_s, angle=90, pen=pg.mkPen(DOCKING_COLOR, width=1.2),
                label="Docking" if plot is self.range_plot else None,
                labelOpts={"position": 0.7, "color": DOCKING_COLOR,
                           "anchors": [(1.05, 0.5), (1.05, 0.5)]})
            plot.addItem(dock)
            cursor = pg.InfiniteLine(pos=p.start_s, angle=90,
                                     pen=pg.mkPen(CURSOR_COLOR, width=2))
            cursor.setZValue(30)
            plot.addItem(cursor)
            self.cursors.append(cursor)
        span = p.end_s - p.start_s
        self.range_plot.setXRange(p.start_s - 0.02 * span, p.end_s + 0.04 * span, padding=0)
        self.range_plot.getAxis("bottom").setStyle(showValues=False)
        self.range_plot.getViewBox().setMouseEnabled(x=True, y=False)
        self.alt_plot.getViewBox().setMouseEnabled(x=True, y=False)
        lo = math.log10(max(np.nanmin(p.range_m) / 1000.0, 1e-3))
        hi = math.log10(np.nanmax(p.range_m) / 1000.0)
        self.range_plot.setYRange(lo - 0.2, hi + 0.2, padding=0)

        self.burn_table = QtWidgets.QLabel(self._burn_table_html())
        self.burn_table.setObjectName("burnTable")
        self.burn_table.setToolTip("Each burn of the model: its engine (SKD: the main engine; "
                                   "DPO: the approach thrusters), how long it lasts, the "
                                   "velocity change the model needs, and the one published "
                                   "for a sister flight's same burn")
        note = QtWidgets.QLabel(MODELLED_NOTE + " B1–B6: the six burns, drawn over their "
                                "durations. Drag or scroll to pan and zoom.")
        note.setWordWrap(True)
        note.setObjectName("modelledNote")
        note.setStyleSheet("QLabel { color: #9aa4af; }")

        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(head)
        layout.addLayout(zoom)
        layout.addWidget(self.lvlh_widget, 5)
        layout.addWidget(self.status)
        layout.addWidget(self.range_widget, 3)
        layout.addWidget(self.alt_widget, 3)
        layout.addWidget(self.burn_table)
        layout.addWidget(note)
        self._place_burn_labels()

    def _burn_table_html(self) -> str:
        """The burns as a small table: engine, duration, the model's Δv and the published
        Δv of the sister flight it follows."""
        rows = []
        for bid, _, _t in self.profile.burns:
            b = self.burn_info.get(bid)
            if b is None:
                continue
            pub = b.get("dv_published_m_s")
            published = (f"{pub:.1f} m/s ({html.escape(str(b.get('dv_published_flight', '')))})"
                         if pub is not None else "—")
            rows.append(f"<tr><td>B{bid.rsplit('-', 1)[-1]}&nbsp;</td><td>{b['engine']}</td>"
                        f"<td align=right>&nbsp;{b['duration_s']:.0f} s</td>"
                        f"<td align=right>&nbsp;&nbsp;{b['dv_solved_m_s']:.1f} m/s</td>"
                        f"<td>&nbsp;&nbsp;{published}</td></tr>")
        head = ("<tr><th></th><th align=left>engine</th><th align=right>&nbsp;lasts</th>"
                "<th align=right>&nbsp;&nbsp;Δv, model</th>"
                "<th align=left>&nbsp;&nbsp;Δv, published</th></tr>")
        return (f"<table cellspacing=0 cellpadding=2 style='color:{PLOT_FG}'>"
                f"{head}{''.join(rows)}</table>")

    def _place_burn_labels(self, *_):
        """Burn names over the range plot, grouped where they would print over each other
        at the current zoom (B4–6)."""
        plot = self.range_plot
        for item in self._burn_labels:
            plot.removeItem(item)
        self._burn_labels = []
        (x0, x1), (_, y1) = plot.getViewBox().viewRange()
        width_px = max(plot.getViewBox().width(), 1.0)
        per_px = (x1 - x0) / width_px
        groups: list[list[tuple[str, float]]] = []
        for bid, _, t in self.profile.burns:
            name = bid.rsplit("-", 1)[-1]
            if groups and (t - groups[-1][-1][1]) / per_px < 34:
                groups[-1].append((name, t))
            else:
                groups.append([(name, t)])
        for g in groups:
            text = f"B{g[0][0]}" if len(g) == 1 else f"B{g[0][0]}–{g[-1][0]}"
            label = pg.TextItem(text, color=BURN_COLOR, anchor=(0.5, 0.0))
            label.setPos(0.5 * (g[0][1] + g[-1][1]), y1)
            label.setZValue(25)
            plot.addItem(label, ignoreBounds=True)
            self._burn_labels.append(label)

    # -- zoom modes -----------------------------------------------------------------------
    @property
    def mode(self) -> str:
        """The zoom chosen (``auto``, ``far``, ``close``, ``final``)."""
        return self._mode

    @property
    def shown_mode(self) -> str:
        """The zoom on screen now (``far``, ``close`` or ``final``)."""
        return self._shown_mode

    def set_mode(self, mode: str) -> None:
        if mode not in self.MODES:
            raise ValueError(f"unknown mode '{mode}'")
        self._mode = mode
        self.mode_buttons[mode].setChecked(True)
        self._shown_mode = None  # force a redraw with the mode's zoom
        self.update_time(self.clock.met_s)

    def _auto_mode(self, met_s: float) -> str:
        if met_s < self._t_close:
            return "far"
        if met_s < self._t_final:
            return "close"
        return "final"

    def _coords(self, mode: str, met_s, lvlh_m=None):
        """Plot coordinates (x, y) of the object at ``met_s`` (array) in a zoom mode: far:
        curvilinear (along, up) in km; close/final: LVLH (x, −z) in metres."""
        if mode == "far":
            along, _, up = curvilinear_at(self.model, self.object_id, met_s, self.reference)
            return along / 1000.0, up / 1000.0
        if lvlh_m is None:
            lvlh_m, _ = lvlh_relative(self.model, self.object_id, met_s, self.reference)
        return lvlh_m[:, 0], -lvlh_m[:, 2]

    def _show_mode(self, mode: str) -> None:
        p = self.profile
        plot = self.lvlh_plot
        vb = plot.getViewBox()
        for item in self._labels:
            plot.removeItem(item)
        self._labels = []
        if mode == "far":
            sel = np.ones(p.met_s.shape, dtype=bool)
            x, y = p.along_m / 1000.0, p.up_m / 1000.0
            unit = "km"
            plot.setLabel("bottom", "Along-track (V-bar): ahead of the ISS, km  →",
                          color=PLOT_FG)
            plot.setLabel("left", "Height above the ISS, km", color=PLOT_FG)
            vb.setAspectLocked(False)
        else:
            t_from = self._t_close if mode == "close" else self._t_final
            sel = p.met_s >= t_from
            x, y = p.lvlh_m[:, 0], -p.lvlh_m[:, 2]
            unit = "m"
            plot.setLabel("bottom", "Along-track (V-bar): ahead of the ISS, m  →",
                          color=PLOT_FG)
            plot.setLabel("left", "Radial (−R-bar): above the ISS, m", color=PLOT_FG)
            vb.setAspectLocked(True, ratio=1.0)
        self._x, self._y, self._sel = x, y, sel
        self._unit = unit

        # burns, grouped when they would sit on top of each other
        bx, by, names = [], [], []
        for bid, name, t in p.burns:
            if t < p.met_s[sel][0]:
                continue
            i = int(np.searchsorted(p.met_s, t))
            bx.append(x[i])
            by.append(y[i])
            names.append(bid.rsplit("-", 1)[-1])
        self.burn_points.setData(bx, by)
        xs, ys = x[sel], y[sel]
        sx = float(np.nanmax(xs) - np.nanmin(xs)) or 1.0
        sy = float(np.nanmax(ys) - np.nanmin(ys)) or 1.0
        groups: list[list[int]] = []
        for k in range(len(bx)):
            if groups and all(abs(bx[k] - bx[j]) < 0.04 * sx and abs(by[k] - by[j]) < 0.06 * sy
                              for j in groups[-1]):
                groups[-1].append(k)
            else:
                groups.append([k])
        right = float(np.nanmax(xs)) - 0.2 * sx  # labels here open to the left
        for g in groups:
            text = ("Burn " + names[g[0]] if len(g) == 1
                    else f"Burns {names[g[0]]}–{names[g[-1]]}")
            anchor = (1.1, 1.0) if bx[g[0]] > right and mode == "far" else (0.5, 1.25)
            label = pg.TextItem(text, color=BURN_COLOR, anchor=anchor)
            label.setPos(bx[g[0]], by[g[0]])
            plot.addItem(label)
            self._labels.append(label)

        # the station and, close in, the docking port
        self.station_point.setData([0.0], [0.0])
        ref = pg.TextItem(self.viewer.name(self.reference), color=STATION_COLOR,
                          anchor=(-0.15, 1.0) if mode != "far" else (0.5, -0.3))
        ref.setPos(0.0, 0.0)
        plot.addItem(ref)
        self._labels.append(ref)
        if mode == "far":
            self.port_point.setData([], [])
        else:
            px, py = self.port_offset_m[0], -self.port_offset_m[2]
            self.port_point.setData([px], [py])
            if mode == "final":  # 19 m from the station: only readable this close
                port = pg.TextItem("Rassvet port", color=DOCKING_COLOR, anchor=(1.1, 0.5))
                port.setPos(px, py)
                plot.addItem(port)
                self._labels.append(port)

        # the zoom: the mode's stretch of the path, with the station, padded
        x0, x1 = min(np.nanmin(xs), 0.0), max(np.nanmax(xs), 0.0)
        y0, y1 = min(np.nanmin(ys), 0.0), max(np.nanmax(ys), 0.0)
        if mode == "final":  # a narrow column: leave room for the labels at the sides
            half = max(0.35 * (y1 - y0), x1 - x0)
            mid = 0.5 * (x0 + x1)
            x0, x1 = mid - half, mid + half
        padx = 0.06 * (x1 - x0 or 1.0)
        pady = 0.10 * (y1 - y0 or 1.0)
        vb.setRange(xRange=(x0 - padx, x1 + padx), yRange=(y0 - pady, y1 + pady), padding=0)
        self._x_mid = 0.5 * (x0 + x1)
        self._x_half = 0.5 * (x1 - x0)
        if mode == "far":
            note = pg.TextItem("vertical scale exaggerated", color=PLOT_FG, anchor=(1.0, 1.0))
            note.setPos(x1 + padx, y0 - pady)
            plot.addItem(note)
            self._labels.append(note)
        self._shown_mode = mode
        for m, b in self.mode_buttons.items():  # outline the zoom that Auto picked
            b.setProperty("shown", m == mode and self._mode == "auto")
            b.style().unpolish(b)
            b.style().polish(b)
        self.mode_buttons["auto"].setToolTip(
            f"{self.MODE_TIPS['auto']} (now: {self.MODE_NAMES[mode]})")

    # -- per tick -------------------------------------------------------------------------
    def marker_position(self):
        """(x, y) of the current-position marker in plot units, or None when hidden."""
        xs, ys = self.current_marker.getData()
        if len(xs) == 0:
            return None
        return float(xs[0]), float(ys[0])

    def update_time(self, met_s: float) -> None:
        mode = self._auto_mode(met_s) if self._mode == "auto" else self._mode
        if mode != self._shown_mode:
            self._show_mode(mode)
        p = self.profile
        for c in self.cursors:
            c.setValue(met_s)
        obj = self.model.objects[self.object_id]
        alive = met_s >= p.start_s and obj.exists(met_s) and \
            self.model.objects[self.reference].exists(met_s)
        # the flown / ahead split of the path
        k = int(np.searchsorted(p.met_s, met_s, side="right")) if alive else 0
        sel_idx = np.flatnonzero(self._sel)
        i0 = sel_idx[0]
        split = min(max(k, i0), len(p.met_s))
        self.path_flown.setData(self._x[i0:split], self._y[i0:split])
        self.path_ahead.setData(self._x[max(split - 1, i0):], self._y[max(split - 1, i0):])
        if not alive:
            self.current_marker.setData([], [])
            self.current_label.setVisible(False)
            self.range_marker.setData([], [])
            self.alt_marker.setData([], [])
            before = met_s < p.start_s
            self.status.setText(
                f"{format_met(met_s)}  {obj.name} "
                + ("has not separated from its rocket yet (separation "
                   f"{format_met(p.start_s)})" if before else "is not flying at this time"))
            return
        lvlh, vel = lvlh_relative(self.model, self.object_id, met_s, self.reference)
        x, y = self._coords(mode, met_s, lvlh)
        self.current_marker.setData([float(x[0])], [float(y[0])])
        self.current_label.setPos(float(x[0]), float(y[0]))
        # open the name to the left when the marker is near the right edge; no name when
        # the marker sits on the station's own labels (far view, close in)
        right = x[0] > self._x_mid + 0.5 * self._x_half
        # beside the marker in the final zoom (above it, the name would leave the plot at
        # the top, where the port is); above it elsewhere
        vy = 0.5 if mode == "final" else 1.1
        self.current_label.setAnchor((1.12, vy) if right else (-0.12, vy))
        self.current_label.setVisible(bool(mode != "far" or abs(x[0]) > 0.04 * self._x_half))
        rng, closing = range_and_closing_speed(self.model, self.object_id, met_s,
                                               self.reference)
        if met_s <= p.end_s:
            self.range_marker.setData([met_s], [float(rng[0]) / 1000.0])
            self.alt_marker.setData([met_s], [float(np.interp(met_s, p.met_s, p.alt_km))])
        else:
            self.range_marker.setData([], [])
            self.alt_marker.setData([], [])
        phase = phase_name(obj.phase_at(met_s))
        lx, ly, lz = lvlh[0] / 1000.0
        d = 3 if float(rng[0]) < 10_000.0 else 1
        self.status.setText(
            f"{format_met(met_s)}  {phase}: range {format_range(float(rng[0]))}, "
            f"{format_closing(float(closing[0]))}\n"
            f"LVLH x {lx:+,.{d}f}  y {ly:+,.{d}f}  z {lz:+,.{d}f} km")


__all__ = ["RendezvousPanel", "UtcTimeAxis", "MODELLED_NOTE"]
