"""The timeline scrubber: a custom-painted time bar over the display window.

Widget only: every time, event and phase shown comes from the core objects passed in (the
:class:`~orbitviz.core.clock.SimulationClock` and the
:class:`~orbitviz.core.mission.MissionModel`); dragging turns into ``clock.seek`` calls and
the bar repaints when the clock notifies it. Times are ``met_s`` throughout: TT seconds from
lift-off. Pixel positions are logical (device-independent) pixels of the widget, so
everything stays put on high-DPI screens.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import html
import math

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QPointF, QRectF, Qt

from orbitviz.core.formatting import (MONTHS, NICE_STEPS_S, format_span, met_axis_label,
                                      nice_at_least)
from orbitviz.core.label_layout import place_on_rows
from orbitviz.core.timeaxis import format_met
from orbitviz.ui.binding import bind
from orbitviz.ui.scrubber_theme import PHASE_COLOURS, ScrubberTheme

#: Narrowest span the scrubber zooms to, seconds.
MIN_SPAN_S = 60.0
#: Distance within which the pointer is "on" an event tick or on the cursor, logical px.
HIT_PX = 5.0
#: Events named first on the bar, so they keep their names when the bar is crowded.
KEY_EVENTS = ("liftoff", "docking", "undocking", "landing", "hatch-open", "deorbit-burn")


# -- the scrubber ------------------------------------------------------------------------------
class TimelineScrubber(QtWidgets.QWidget):
    """A custom-painted time bar over the mission's display window.

    Shows an axis (UTC or mission time, labels adapting to the zoom), every event as a
    tick (measured: light, filled diamond; modelled: amber, hollow diamond), the phases
    of the selected object as coloured bands, and the clock's time as a red cursor.
    Left button: press or drag seeks the clock continuously; wheel: zoom around the
    pointer (down to :data:`MIN_SPAN_S`); Shift+wheel, horizontal wheel or middle-drag:
    pan; double-click: fit the whole window.
    """

    #: The visible span changed: (start met_s, end met_s).
    viewChanged = QtCore.Signal(float, float)

    MARGIN_PX = 14.0

    def __init__(self, clock, model, parent=None):
        super().__init__(parent)
        self.clock = clock
        self.model = model
        self._events = [e for e in model.events() if e.met_s is not None]
        self._event_times = [float(e.met_s) for e in self._events]
        w0, w1 = (float(x) for x in model.window)
        if not w1 > w0:
            w0, w1 = clock.start_s, clock.end_s
        self._full = (w0, w1)
        self._view = (w0, w1)
        self._phases: list[tuple[float, float, str]] = []
        self._axis_mode = "utc"
        # UTC seconds since 1970 = met_s + offset (no leap second inside the window)
        self._posix_offset = model.axis.datetime_utc(w0).timestamp() - w0
        self._drag = False
        self._drag_offset_px = 0.0
        self._pan_last_x: float | None = None
        self._hover_x: float | None = None
        self.setMouseTracking(True)
        self.setMinimumHeight(48)
        self.setMinimumWidth(200)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding,
                           QtWidgets.QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
        self.setCursor(Qt.CursorShape.IBeamCursor)
        bind(self, clock.changed, self._on_time)

    # -- view (time ↔ pixels) -------------------------------------------------------------
    def full_range(self) -> tuple[float, float]:
        """The whole display window, met_s."""
        return self._full

    def view_range(self) -> tuple[float, float]:
        """The visible span, met_s."""
        return self._view

    def span_s(self) -> float:
        return self._view[1] - self._view[0]

    def set_view(self, t0: float, t1: float) -> None:
        """Show ``[t0, t1]`` (met_s), clamped to at least :data:`MIN_SPAN_S` and to the
        display window."""
        f0, f1 = self._full
        full = f1 - f0
        span = min(max(float(t1) - float(t0), min(MIN_SPAN_S, full)), full)
        mid = 0.5 * (float(t0) + float(t1))
        a = mid - 0.5 * span
        a = min(max(a, f0), f1 - span)
        view = (a, a + span)
        if view != self._view:
            self._view = view
            self.update()
            self.viewChanged.emit(*view)

    def set_window(self, t0: float, t1: float, events=None) -> None:
        """Make ``[t0, t1]`` (met_s) the display window, showing all of it, with
        ``events`` as ticks (None: the mission's; ``[]``: none, as in a free scenario)."""
        if not t1 > t0:
            raise ValueError("the display window needs t1 > t0")
        evs = [e for e in (self.model.events() if events is None else events)
               if e.met_s is not None]
        self._events = evs
        self._event_times = [float(e.met_s) for e in evs]
        self._full = (float(t0), float(t1))
        self._posix_offset = self.model.axis.datetime_utc(t0).timestamp() - float(t0)
        self._view = (float(t0), float(t1))
        self.update()
        self.viewChanged.emit(*self._view)

    def fit(self) -> None:
        """Show the whole display window."""
        self.set_view(*self._full)

    def zoom(self, factor: float, anchor_met_s: float | None = None) -> None:
        """Scale the span by ``factor`` (< 1 zooms in), keeping ``anchor_met_s`` (default:
        the view's centre) at the same pixel."""
        v0, v1 = self._view
        span = v1 - v0
        anchor = 0.5 * (v0 + v1) if anchor_met_s is None else float(anchor_met_s)
        frac = (anchor - v0) / span
        f0, f1 = self._full
        new = min(max(span * factor, min(MIN_SPAN_S, f1 - f0)), f1 - f0)
        a = anchor - frac * new
        a = min(max(a, f0), f1 - new)
        if (a, a + new) != self._view:
            self._view = (a, a + new)
            self.update()
            self.viewChanged.emit(*self._view)

    def pan(self, dt_s: float) -> None:
        """Move the view by ``dt_s`` seconds (positive: later)."""
        v0, v1 = self._view
        self.set_view(v0 + dt_s, v1 + dt_s)

    def track_rect(self) -> QRectF:
        """Where event ticks are drawn (logical px)."""
        r = self._layout()
        return r["track"]

    def _plot_x0_w(self) -> tuple[float, float]:
        m = self.MARGIN_PX
        return m, max(1.0, self.width() - 2 * m)

    def x_of(self, met_s: float) -> float:
        """Logical x pixel (float) of ``met_s`` in the current view; the pixel column is
        ``floor(x)``."""
        x0, w = self._plot_x0_w()
        v0, v1 = self._view
        return x0 + (float(met_s) - v0) / (v1 - v0) * w

    def met_at(self, x: float) -> float:
        """``met_s`` under logical x pixel ``x`` (the centre of a column is ``i + 0.5``)."""
        x0, w = self._plot_x0_w()
        v0, v1 = self._view
        return v0 + (float(x) - x0) / w * (v1 - v0)

    def seconds_per_px(self) -> float:
        return self.span_s() / self._plot_x0_w()[1]

    # -- content -----------------------------------------------------------------------------
    def set_phases(self, phases, end_s: float) -> None:
        """Phase bands: ``phases`` is ``[(start met_s, name), …]`` in time order (as
        ``MissionObject.phases``), the last ending at ``end_s``."""
        bands = []
        for i, (t, name) in enumerate(phases):
            t_end = phases[i + 1][0] if i + 1 < len(phases) else end_s
            bands.append((float(t), float(t_end), str(name)))
        self._phases = bands
        self.update()

    def set_axis_mode(self, mode: str) -> None:
        """Label the axis in ``"utc"`` or mission time ``"met"``."""
        if mode not in ("utc", "met"):
            raise ValueError(f"axis mode must be 'utc' or 'met', not {mode!r}")
        self._axis_mode = mode
        self.update()

    def events_near(self, x: float, radius_px: float = HIT_PX):
        """Events whose tick lies within ``radius_px`` of logical x, nearest first."""
        dt = radius_px * self.seconds_per_px()
        t = self.met_at(x)
        lo = bisect.bisect_left(self._event_times, t - dt)
        hi = bisect.bisect_right(self._event_times, t + dt)
        found = self._events[lo:hi]
        return sorted(found, key=lambda e: abs(e.met_s - t))

    def tooltip_at(self, x: float) -> str | None:
        """Rich-text tooltip for the events under logical x, or None."""
        found = self.events_near(x)
        if not found:
            return None
        rows = []
        for e in sorted(found[:6], key=lambda e: e.met_s):
            utc = self.model.axis.iso_utc(e.met_s, 0).replace("T", " ").replace("Z", " UTC")
            basis = "modelled time" if e.basis == "modelled" else "measured time"
            rows.append(f"<b>{html.escape(e.name)}</b><br>{utc} &nbsp;·&nbsp; "
                        f"{format_met(e.met_s)}<br><i>{basis}</i>")
        if len(found) > 6:
            rows.append(f"… and {len(found) - 6} more (zoom in)")
        return "<br><br>".join(rows)

    # -- clock --------------------------------------------------------------------------------
    def _on_time(self, met_s: float) -> None:
        if not self._drag:
            v0, v1 = self._view
            span = v1 - v0
            if met_s > v1:
                self.set_view(met_s - 0.05 * span, met_s + 0.95 * span)
            elif met_s < v0:
                self.set_view(met_s - 0.95 * span, met_s + 0.05 * span)
        self.update()

    def _seek_x(self, x: float) -> None:
        v0, v1 = self._view
        t = min(max(self.met_at(x), v0), v1)
        self.clock.seek(t)

    # -- events ---------------------------------------------------------------------------
    def event(self, ev: QtCore.QEvent) -> bool:
        if ev.type() == QtCore.QEvent.Type.ToolTip:
            text = self.tooltip_at(ev.position().x() if hasattr(ev, "position")
                                   else ev.pos().x())
            if text:
                QtWidgets.QToolTip.showText(ev.globalPos(), text, self)
            else:
                QtWidgets.QToolTip.hideText()
                ev.ignore()
            return True
        return super().event(ev)

    def mousePressEvent(self, ev: QtGui.QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        x = ev.position().x()
        if ev.button() == Qt.MouseButton.LeftButton:
            cx = self.x_of(self.clock.met_s)
            self._drag_offset_px = cx - x if abs(cx - x) <= HIT_PX + 1 else 0.0
            self._drag = True
            self.setCursor(Qt.CursorShape.SizeHorCursor)
            self._seek_x(x + self._drag_offset_px)
            ev.accept()
        elif ev.button() == Qt.MouseButton.MiddleButton:
            self._pan_last_x = x
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            ev.accept()
        else:
            super().mousePressEvent(ev)

    def mouseMoveEvent(self, ev: QtGui.QMouseEvent) -> None:  # noqa: N802
        x = ev.position().x()
        self._hover_x = x
        if self._drag:
            self._seek_x(x + self._drag_offset_px)
        elif self._pan_last_x is not None:
            dx = x - self._pan_last_x
            self._pan_last_x = x
            self.pan(-dx * self.seconds_per_px())
        self.update()
        ev.accept()

    def mouseReleaseEvent(self, ev: QtGui.QMouseEvent) -> None:  # noqa: N802
        if ev.button() == Qt.MouseButton.LeftButton and self._drag:
            self._seek_x(ev.position().x() + self._drag_offset_px)
            self._drag = False
        elif ev.button() == Qt.MouseButton.MiddleButton:
            self._pan_last_x = None
        self.setCursor(Qt.CursorShape.IBeamCursor)
        ev.accept()

    def mouseDoubleClickEvent(self, ev: QtGui.QMouseEvent) -> None:  # noqa: N802
        if ev.button() == Qt.MouseButton.LeftButton:
            self._drag = False
            self.fit()
            ev.accept()
        else:
            super().mouseDoubleClickEvent(ev)

    def leaveEvent(self, ev) -> None:  # noqa: N802
        self._hover_x = None
        self.update()
        super().leaveEvent(ev)

    def wheelEvent(self, ev: QtGui.QWheelEvent) -> None:  # noqa: N802
        d = ev.angleDelta()
        dy, dx = d.y(), d.x()
        shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if shift or abs(dx) > abs(dy):
            notches = (dy if dy else dx) / 120.0
            if shift and dx and not dy:  # some platforms turn Shift+wheel horizontal
                notches = dx / 120.0
            self.pan(-notches * 0.1 * self.span_s())
        elif dy:
            self.zoom(0.8 ** (dy / 120.0), self.met_at(ev.position().x()))
        ev.accept()

    def contextMenuEvent(self, ev: QtGui.QContextMenuEvent) -> None:  # noqa: N802
        menu = QtWidgets.QMenu(self)
        menu.addAction("Show whole mission", self.fit)
        menu.addSeparator()
        utc = menu.addAction("Axis in UTC", lambda: self.set_axis_mode("utc"))
        met = menu.addAction("Axis in mission time (T+)", lambda: self.set_axis_mode("met"))
        for a, mode in ((utc, "utc"), (met, "met")):
            a.setCheckable(True)
            a.setChecked(self._axis_mode == mode)
        menu.exec(ev.globalPos())

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802
        return QtCore.QSize(800, 64)

    # -- painting ---------------------------------------------------------------------------
    def _fonts(self):
        axis = QtGui.QFont(self.font())
        axis.setPointSizeF(max(7.5, self.font().pointSizeF() * 0.95))
        small = QtGui.QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.85))
        bold = QtGui.QFont(axis)
        bold.setBold(True)
        return axis, small, bold

    def _layout(self) -> dict:
        axis_font, small_font, _ = self._fonts()
        axis_h = QtGui.QFontMetricsF(axis_font).height() + 5
        h = float(self.height())
        x0, w = self._plot_x0_w()
        overview_h = 3.0
        phase_h = 7.0 if h >= 52 else 4.0
        bottom = h - overview_h - 2
        phase = QRectF(x0, bottom - phase_h, w, phase_h)
        track = QRectF(x0, axis_h, w, max(8.0, phase.top() - 1 - axis_h))
        overview = QRectF(x0, h - overview_h - 1, w, overview_h)
        return {"axis_h": axis_h, "track": track, "phase": phase, "overview": overview,
                "label_h": QtGui.QFontMetricsF(small_font).height()}

    def _axis_ticks(self, fm: QtGui.QFontMetricsF):
        """(major step, minor step, [(met_s, text, strong)]) for the current view."""
        v0, v1 = self._view
        _, w = self._plot_x0_w()
        px_per_s = w / (v1 - v0)
        label_w = fm.horizontalAdvance("T+00.00:00") + 18
        major = nice_at_least(label_w / px_per_s)
        minor = 0.0
        for s in reversed(NICE_STEPS_S):
            if s < major and (major / s) == int(major / s) and s * px_per_s >= 7:
                minor = float(s)
        off = self._posix_offset if self._axis_mode == "utc" else 0.0
        ticks = []
        k = math.ceil((v0 + off) / major)
        while (k * major - off) <= v1:
            p = k * major
            t = p - off
            if self._axis_mode == "utc":
                d = _dt.datetime.fromtimestamp(round(p), _dt.timezone.utc)
                midnight = d.hour == 0 and d.minute == 0 and d.second == 0
                if major >= 86400 or (midnight and major >= 60):
                    text, strong = f"{d.day} {MONTHS[d.month - 1]}", midnight
                elif major >= 60:
                    text, strong = f"{d.hour:02d}:{d.minute:02d}", False
                else:
                    text, strong = f"{d.hour:02d}:{d.minute:02d}:{d.second:02d}", False
            else:
                text = met_axis_label(t, major)
                strong = abs(t) < 1e-6 or (major < 86400 and abs(t) % 86400 < 1e-6)
            ticks.append((t, text, strong))
            k += 1
        return major, minor, ticks

    def paintEvent(self, ev) -> None:  # noqa: N802
        th = ScrubberTheme(self.palette())
        axis_font, small_font, bold_font = self._fonts()
        lay = self._layout()
        track, phase_r, overview = lay["track"], lay["phase"], lay["overview"]
        p = QtGui.QPainter(self)
        try:
            p.fillRect(self.rect(), th.bg)
            p.fillRect(QRectF(track.left(), track.top(), track.width(),
                              phase_r.bottom() - track.top()), th.track)
            p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)
            v0, v1 = self._view
            met = self.clock.met_s
            cx = self.x_of(met)
            # flown part
            if cx > track.left():
                p.fillRect(QRectF(track.left(), track.top(), min(cx, track.right()) -
                                  track.left(), track.height()), th.flown)
            self._paint_axis(p, th, axis_font, bold_font, lay)
            self._paint_phases(p, th, small_font, phase_r)
            self._paint_events(p, th, small_font, lay)
            self._paint_overview(p, th, overview)
            # hover line and time pill
            if self._hover_x is not None and track.left() <= self._hover_x <= track.right():
                hx = math.floor(self._hover_x) + 0.5
                p.setPen(QtGui.QPen(th.hover, 1))
                p.drawLine(QPointF(hx, track.top()), QPointF(hx, track.bottom()))
            # the cursor
            if track.left() - 1 <= cx <= track.right() + 1:
                x = math.floor(cx) + 0.5
                pen = QtGui.QPen(th.cursor, 2)
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                p.setPen(pen)
                p.drawLine(QPointF(x, track.top() - 4), QPointF(x, phase_r.bottom()))
                p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(th.cursor)
                top = track.top() - 1
                p.drawPolygon(QtGui.QPolygonF([QPointF(x - 6, top - 7), QPointF(x + 6, top - 7),
                                               QPointF(x, top)]))
                p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)
            else:  # off-view: an arrow at the edge pointing to it
                p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(th.cursor)
                y = track.center().y()
                if cx < track.left():
                    e = track.left() - 2
                    poly = [QPointF(e, y - 6), QPointF(e, y + 6), QPointF(e - 8, y)]
                else:
                    e = track.right() + 2
                    poly = [QPointF(e, y - 6), QPointF(e, y + 6), QPointF(e + 8, y)]
                p.drawPolygon(QtGui.QPolygonF(poly))
                p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)
            if self._hover_x is not None and track.left() <= self._hover_x <= track.right():
                self._paint_hover_pill(p, th, axis_font, lay)
            # span indicator
            p.setFont(small_font)
            p.setPen(th.axis_text)
            if self.span_s() < (self._full[1] - self._full[0]) * 0.999:
                txt = f"span {format_span(self.span_s())}"
                fm = QtGui.QFontMetricsF(small_font)
                r = QRectF(track.right() - fm.horizontalAdvance(txt) - 6,
                           track.bottom() - fm.height() - 1, fm.horizontalAdvance(txt) + 6,
                           fm.height())
                p.fillRect(r, th.track)
                p.drawText(r, Qt.AlignmentFlag.AlignCenter, txt)
            p.setPen(th.border)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(track.left() - 0.5, track.top() - 0.5, track.width(),
                              phase_r.bottom() - track.top()))
        finally:
            p.end()

    def _paint_axis(self, p, th, axis_font, bold_font, lay) -> None:
        track = lay["track"]
        fm = QtGui.QFontMetricsF(axis_font)
        major, minor, ticks = self._axis_ticks(fm)
        v0, v1 = self._view
        off = self._posix_offset if self._axis_mode == "utc" else 0.0
        if minor:
            p.setPen(QtGui.QPen(th.grid, 1))
            k = math.ceil((v0 + off) / minor)
            while k * minor - off <= v1:
                x = math.floor(self.x_of(k * minor - off)) + 0.5
                p.drawLine(QPointF(x, track.top() - 3), QPointF(x, track.top()))
                k += 1
        base_y = lay["axis_h"] - 5 - fm.descent()
        for t, text, strong in ticks:
            x = math.floor(self.x_of(t)) + 0.5
            p.setPen(QtGui.QPen(th.grid, 1))
            p.drawLine(QPointF(x, track.top() - 5), QPointF(x, lay["phase"].bottom()))
            p.setFont(bold_font if strong else axis_font)
            p.setPen(th.axis_strong if strong else th.axis_text)
            tw = QtGui.QFontMetricsF(p.font()).horizontalAdvance(text)
            tx = min(max(x + 3, 1.0), self.width() - tw - 1)
            p.drawText(QPointF(tx, base_y), text)

    def _paint_phases(self, p, th, small_font, r: QRectF) -> None:
        v0, v1 = self._view
        for t0, t1, name in self._phases:
            if t1 < v0 or t0 > v1:
                continue
            a = max(self.x_of(t0), r.left())
            b = min(self.x_of(t1), r.right())
            if b - a < 0.5:
                continue
            c = QtGui.QColor(PHASE_COLOURS.get(name, "#8b949e"))
            c.setAlpha(200)
            p.fillRect(QRectF(a, r.top(), b - a, r.height()), c)

    def _paint_events(self, p, th, small_font, lay) -> None:
        track = lay["track"]
        v0, v1 = self._view
        lo = bisect.bisect_left(self._event_times, v0)
        hi = bisect.bisect_right(self._event_times, v1)
        visible = self._events[lo:hi]
        marker_y = track.bottom() - 5
        for e in visible:
            col = th.measured if e.basis != "modelled" else th.modelled
            x = math.floor(self.x_of(e.met_s)) + 0.5
            p.setPen(QtGui.QPen(col, 1))
            p.drawLine(QPointF(x, track.top()), QPointF(x, track.bottom()))
        # markers: filled diamond (measured) / hollow diamond (modelled)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        for e in visible:
            x = math.floor(self.x_of(e.met_s)) + 0.5
            d = 4.0
            poly = QtGui.QPolygonF([QPointF(x, marker_y - d), QPointF(x + d, marker_y),
                                    QPointF(x, marker_y + d), QPointF(x - d, marker_y)])
            if e.basis == "modelled":
                p.setPen(QtGui.QPen(th.modelled, 1.3))
                p.setBrush(th.track)
            else:
                p.setPen(QtGui.QPen(th.measured, 1))
                p.setBrush(th.measured)
            p.drawPolygon(poly)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)
        fm = QtGui.QFontMetricsF(small_font)
        p.setFont(small_font)
        for e, box in self._label_boxes(visible, small_font, lay):
            p.fillRect(box.adjusted(-2, 0, 2, 0), th.track)
            p.setPen(th.label if e.basis != "modelled" else th.modelled)
            p.drawText(QPointF(box.left(), box.top() + fm.ascent()), e.name)

    def _label_boxes(self, visible, small_font, lay) -> list[tuple[object, QRectF]]:
        """Where event names go: the key events first (docking keeps its name on a crowded
        bar), then measured, then modelled, left to right, each right or left of its tick
        in the first of up to three rows where it touches no other name; events with no
        room are not named."""
        track = lay["track"]
        label_h = lay["label_h"]
        n_rows = min(3, int((track.height() - 12) // label_h))
        if n_rows < 1:
            return []
        fm = QtGui.QFontMetricsF(small_font)
        order = sorted(visible, key=lambda e: (e.id not in KEY_EVENTS, e.basis == "modelled",
                                               e.met_s))
        spots = place_on_rows([(math.floor(self.x_of(e.met_s)) + 0.5,
                                fm.horizontalAdvance(e.name)) for e in order],
                              track.left() + 2, track.right() - 2, n_rows)
        return [(order[k], QRectF(a, track.top() + 1 + row * label_h,
                                  fm.horizontalAdvance(order[k].name), fm.height()))
                for k, row, a in spots]

    def event_label_boxes(self) -> list[tuple[str, QRectF]]:
        """``(event id, box)`` of every event name the bar shows now (logical px)."""
        v0, v1 = self._view
        lo = bisect.bisect_left(self._event_times, v0)
        hi = bisect.bisect_right(self._event_times, v1)
        small = self._fonts()[1]
        return [(e.id, box) for e, box in self._label_boxes(self._events[lo:hi], small,
                                                             self._layout())]

    def _paint_overview(self, p, th, r: QRectF) -> None:
        f0, f1 = self._full
        v0, v1 = self._view
        if (v1 - v0) >= (f1 - f0) * 0.999:
            return
        p.fillRect(r, th.overview)
        a = r.left() + (v0 - f0) / (f1 - f0) * r.width()
        b = r.left() + (v1 - f0) / (f1 - f0) * r.width()
        p.fillRect(QRectF(a, r.top(), max(b - a, 3.0), r.height()), th.overview_view)

    def _paint_hover_pill(self, p, th, axis_font, lay) -> None:
        t = self.met_at(self._hover_x)
        span = self.span_s()
        digits = 1 if span < 600 else 0
        if self._axis_mode == "utc":
            d = self.model.axis.iso_utc(t, digits)
            if span < 86400:
                text = d[11:-1]
            else:
                text = f"{int(d[8:10])} {MONTHS[int(d[5:7]) - 1]} {d[11:16]}"
        else:
            text = format_met(t, digits)
        fm = QtGui.QFontMetricsF(axis_font)
        tw = fm.horizontalAdvance(text) + 10
        x = min(max(self._hover_x - tw / 2, 0.0), self.width() - tw)
        r = QRectF(x, 1, tw, lay["axis_h"] - 3)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(th.pill_bg)
        p.drawRoundedRect(r, 4, 4)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)
        p.setFont(axis_font)
        p.setPen(th.axis_strong)
        p.drawText(r, Qt.AlignmentFlag.AlignCenter, text)


__all__ = ["TimelineScrubber", "MIN_SPAN_S", "KEY_EVENTS"]
