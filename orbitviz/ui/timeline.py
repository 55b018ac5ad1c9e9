"""The timeline scrubber and the time controls.

Widgets only: every time, event and phase shown here comes from the core objects passed
in (:class:`~orbitviz.core.clock.SimulationClock`,
:class:`~orbitviz.core.mission.MissionModel`); the widgets turn the user's intent into
``clock.seek`` / ``clock.set_rate`` / ``clock.play`` calls and repaint when the clock
notifies them.

Times are ``met_s`` throughout: TT seconds from lift-off, as in :mod:`orbitviz.core`.
Pixel positions are logical (device-independent) pixels of the scrubber widget, so
everything stays put on high-DPI screens.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import html
import math
import re
import time
import weakref

import shiboken6
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QPointF, QRectF, Qt

from orbitviz.core.elements import NoStateError
from orbitviz.core.timeaxis import TimeParseError, format_met, parse_time

#: Playback rates offered, simulated seconds per wall second (negative: backwards).
RATES = (-3600.0, -600.0, -60.0, -10.0, -1.0, 1.0, 10.0, 60.0, 600.0, 3600.0)
#: Narrowest span the scrubber zooms to, seconds.
MIN_SPAN_S = 60.0
#: Wall-clock tick while playing / while paused (to notice a play started elsewhere), ms.
TICK_PLAYING_MS = 16
TICK_IDLE_MS = 100
#: "Nice" steps for axis ticks and keyboard steps, seconds.
NICE_STEPS_S = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800,
                21600, 43200, 86400, 172800, 345600, 604800, 1209600, 2592000, 7776000,
                31536000)
#: Distance within which the pointer is "on" an event tick or on the cursor, logical px.
HIT_PX = 5.0
#: Colours of the phase bands, by phase name (others get a neutral colour).
PHASE_COLOURS = {
    "on-pad": "#7d8590", "ascent": "#f08c3a", "free-flight": "#4c9be8",
    "final-approach": "#b07cf0", "docked": "#46b980", "orbit": "#3bb3c4",
    "deorbit-burn": "#e5534b", "coast": "#5f8fd0", "entry": "#ff7b45",
    "parachute": "#e6c84a", "landed": "#a5805a",
}

_MINUS = "\u2212"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
           "Dec")


# -- text helpers (pure functions of core values) ------------------------------------------
def _signed(x: float, fmt: str) -> str:
    """``x`` formatted with a typographic minus sign."""
    return format(x, fmt).replace("-", _MINUS)


def element_set_text(info: dict) -> str:
    """One line naming the station's element set in use, from ``MissionModel.tle_info``:
    e.g. ``ISS set 21281.73 (epoch 8 Oct 17:31, age −77.1 h)``; the age is
    ``met_s − epoch`` in hours (negative: before the set's epoch)."""
    name = str(info.get("file", "?"))
    m = re.match(r"^([A-Za-z0-9]+)-(\d{5}\.\d{2})\d*", name)
    label = f"{m.group(1).upper()} set {m.group(2)}" if m else name
    epoch = str(info.get("epoch_utc", ""))
    try:
        d = _dt.datetime.fromisoformat(epoch.replace("Z", "+00:00"))
        epoch_txt = f"{d.day} {_MONTHS[d.month - 1]} {d.hour:02d}:{d.minute:02d}"
    except ValueError:
        epoch_txt = epoch
    age_h = float(info.get("age_s", float("nan"))) / 3600.0
    return f"{label} (epoch {epoch_txt}, age {_signed(age_h, '+.1f')} h)"


def _met_axis_label(t: float, step: float) -> str:
    """Mission-time label of an axis tick at ``t`` for a tick ``step`` (seconds)."""
    if step >= 86400:
        return f"T{'+' if t >= 0 else _MINUS}{abs(t) / 86400:.0f}d"
    text = format_met(t)
    if step >= 60:
        text = text[:-3]  # drop the seconds
    return text.replace("T-", "T" + _MINUS)


def _nice_at_least(x: float) -> float:
    for s in NICE_STEPS_S:
        if s >= x:
            return float(s)
    return float(NICE_STEPS_S[-1])


def _nice_at_most(x: float) -> float:
    best = float(NICE_STEPS_S[0])
    for s in NICE_STEPS_S:
        if s <= x:
            best = float(s)
    return best


def _span_text(span_s: float) -> str:
    if span_s >= 2 * 86400:
        return f"{span_s / 86400:.1f} days"
    if span_s >= 2 * 3600:
        return f"{span_s / 3600:.1f} h"
    if span_s >= 120:
        return f"{span_s / 60:.0f} min"
    return f"{span_s:.0f} s"


class _Theme:
    """Colours of the scrubber, chosen from the widget's palette (dark or light)."""

    def __init__(self, palette: QtGui.QPalette):
        dark = palette.color(QtGui.QPalette.ColorRole.Window).lightness() < 128
        self.dark = dark
        if dark:
            self.bg = QtGui.QColor("#12161d")
            self.track = QtGui.QColor("#1a2029")
            self.flown = QtGui.QColor(255, 90, 90, 22)
            self.grid = QtGui.QColor(255, 255, 255, 26)
            self.axis_text = QtGui.QColor("#9aa7b8")
            self.axis_strong = QtGui.QColor("#dce4ee")
            self.measured = QtGui.QColor("#e9f1fb")
            self.modelled = QtGui.QColor("#f2a93b")
            self.label = QtGui.QColor("#c3ccd8")
            self.cursor = QtGui.QColor("#ff5a5a")
            self.hover = QtGui.QColor(255, 255, 255, 70)
            self.pill_bg = QtGui.QColor("#2b3440")
            self.overview = QtGui.QColor(255, 255, 255, 30)
            self.overview_view = QtGui.QColor("#4c9be8")
            self.border = QtGui.QColor(255, 255, 255, 20)
        else:
            self.bg = QtGui.QColor("#eef1f5")
            self.track = QtGui.QColor("#ffffff")
            self.flown = QtGui.QColor(220, 40, 40, 20)
            self.grid = QtGui.QColor(0, 0, 0, 30)
            self.axis_text = QtGui.QColor("#56606c")
            self.axis_strong = QtGui.QColor("#1c232c")
            self.measured = QtGui.QColor("#1c2a3a")
            self.modelled = QtGui.QColor("#c27000")
            self.label = QtGui.QColor("#3a4450")
            self.cursor = QtGui.QColor("#d62828")
            self.hover = QtGui.QColor(0, 0, 0, 70)
            self.pill_bg = QtGui.QColor("#d9dee5")
            self.overview = QtGui.QColor(0, 0, 0, 35)
            self.overview_view = QtGui.QColor("#2f7dd1")
            self.border = QtGui.QColor(0, 0, 0, 30)


def _clock_listener(widget, method_name: str):
    """A clock listener that calls ``widget.method_name(met_s)`` while the widget lives.

    The clock has no unsubscribe; a weak reference keeps a closed widget from being kept
    alive or called after Qt deleted it.
    """
    ref = weakref.ref(widget)

    def listener(met_s: float) -> None:
        w = ref()
        if w is not None and shiboken6.isValid(w):
            getattr(w, method_name)(met_s)

    return listener


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
        clock.subscribe(_clock_listener(self, "_on_time"))

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

    def axis_mode(self) -> str:
        return self._axis_mode

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
        major = _nice_at_least(label_w / px_per_s)
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
                    text, strong = f"{d.day} {_MONTHS[d.month - 1]}", midnight
                elif major >= 60:
                    text, strong = f"{d.hour:02d}:{d.minute:02d}", False
                else:
                    text, strong = f"{d.hour:02d}:{d.minute:02d}:{d.second:02d}", False
            else:
                text = _met_axis_label(t, major)
                strong = abs(t) < 1e-6 or (major < 86400 and abs(t) % 86400 < 1e-6)
            ticks.append((t, text, strong))
            k += 1
        return major, minor, ticks

    def paintEvent(self, ev) -> None:  # noqa: N802
        th = _Theme(self.palette())
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
                txt = f"span {_span_text(self.span_s())}"
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
        # names, where they fit: measured events first, then modelled, left to right,
        # in as many rows as the track has room for above the markers
        label_h = lay["label_h"]
        n_rows = min(3, int((track.height() - 12) // label_h))
        if n_rows < 1:
            return
        fm = QtGui.QFontMetricsF(small_font)
        p.setFont(small_font)
        placed: list[list[tuple[float, float]]] = [[] for _ in range(n_rows)]
        order = sorted(visible, key=lambda e: (e.basis == "modelled", e.met_s))
        for e in order:
            x = math.floor(self.x_of(e.met_s)) + 0.5
            tw = fm.horizontalAdvance(e.name)
            spot = None
            for row in range(n_rows):
                for a in (x + 4, x - 4 - tw):
                    b = a + tw
                    if a < track.left() + 2 or b > track.right() - 2:
                        continue
                    if any(not (b + 6 < pa or a - 6 > pb) for pa, pb in placed[row]):
                        continue
                    spot = (row, a)
                    break
                if spot:
                    break
            if spot is None:
                continue
            row, a = spot
            placed[row].append((a, a + tw))
            y = track.top() + 1 + row * label_h + fm.ascent()
            p.fillRect(QRectF(a - 2, y - fm.ascent(), tw + 4, fm.height()), th.track)
            p.setPen(th.label if e.basis != "modelled" else th.modelled)
            p.drawText(QPointF(a, y), e.name)

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
                text = f"{int(d[8:10])} {_MONTHS[int(d[5:7]) - 1]} {d[11:16]}"
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


# -- icons ------------------------------------------------------------------------------------
def _icon(kind: str, colour: QtGui.QColor, on_kind: str | None = None) -> QtGui.QIcon:
    """A crisp vector-drawn transport icon (logical 20 px, drawn for 1× to 3× screens);
    ``on_kind`` is drawn for the checked state."""
    icon = QtGui.QIcon()
    for dpr in (1.0, 2.0, 3.0):
        icon.addPixmap(_icon_pixmap(kind, colour, dpr))
        if on_kind:
            icon.addPixmap(_icon_pixmap(on_kind, colour, dpr), QtGui.QIcon.Mode.Normal,
                           QtGui.QIcon.State.On)
    return icon


def _icon_pixmap(kind: str, colour: QtGui.QColor, dpr: float) -> QtGui.QPixmap:
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


class _ElidedLabel(QtWidgets.QLabel):
    """A one-line label that elides its text to its width (full text in the tooltip)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored,
                           QtWidgets.QSizePolicy.Policy.Preferred)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, ev) -> None:  # noqa: N802
        super().resizeEvent(ev)
        self._elide()

    def _elide(self) -> None:
        fm = self.fontMetrics()
        self.setText(fm.elidedText(self._full, Qt.TextElideMode.ElideRight,
                                   max(10, self.width())))


# -- the controls -----------------------------------------------------------------------------
class TimeControls(QtWidgets.QWidget):
    """The time bar of the app: readout line, scrubber, and transport controls.

    ``clock``: the app's :class:`~orbitviz.core.clock.SimulationClock`; ``model``: the
    built :class:`~orbitviz.core.mission.MissionModel`. The actions (``play_action``,
    ``step_back_action``, ``step_forward_action``, ``prev_event_action``,
    ``next_event_action``, ``slower_action``, ``faster_action``, ``fit_action``,
    ``goto_action``) carry window-wide shortcuts and are listed by :meth:`actions`, so
    the main window can put them in menus and toolbars.
    """

    #: The user changed the rate (simulated s per wall s).
    rateChanged = QtCore.Signal(float)

    def __init__(self, clock, model, parent=None):
        super().__init__(parent)
        self.clock = clock
        self.model = model
        self._events = [e for e in model.events() if e.met_s is not None]
        self._event_times = [float(e.met_s) for e in self._events]
        self._selected = ""
        self._free = False
        self.user_catalog = None
        self._time_error = ""
        self._last_wall: float | None = None

        self.scrubber = TimelineScrubber(clock, model, self)
        self._build_actions()
        self._build_widgets()
        self._build_layout()

        default = "soyuz-ms-19" if "soyuz-ms-19" in model.objects else next(
            iter(model.objects), "")
        self.set_selected(default)

        self._timer = QtCore.QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_IDLE_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

        clock.subscribe(_clock_listener(self, "_on_time"))
        self._on_time(clock.met_s)
        self._sync_play_state()

    # -- construction -----------------------------------------------------------------------
    def _action(self, text, slot, shortcuts=(), icon=None, tip=""):
        a = QtGui.QAction(text, self)
        if icon is not None:
            a.setIcon(icon)
        if shortcuts:
            a.setShortcuts([QtGui.QKeySequence(s) for s in shortcuts])
        a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        keys = ", ".join(QtGui.QKeySequence(s).toString(
            QtGui.QKeySequence.SequenceFormat.NativeText) for s in shortcuts)
        a.setToolTip(f"{tip or text} ({keys})" if keys else (tip or text))
        a.triggered.connect(slot)
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        fg = self.palette().color(QtGui.QPalette.ColorRole.ButtonText)
        play_icon = _icon("play", fg, on_kind="pause")
        self.play_action = self._action("Play", self._on_play_triggered,
                                        [Qt.Key.Key_Space], play_icon, "Play / pause")
        self.play_action.setCheckable(True)
        self.step_back_action = self._action(
            "Step back", lambda: self.step(-1), [Qt.Key.Key_Left], _icon("step-back", fg),
            "Step back (step follows the zoom)")
        self.step_forward_action = self._action(
            "Step forward", lambda: self.step(+1), [Qt.Key.Key_Right],
            _icon("step-forward", fg), "Step forward (step follows the zoom)")
        self.prev_event_action = self._action(
            "Previous event", self.prev_event, ["[", Qt.Key.Key_PageUp],
            _icon("prev-event", fg))
        self.next_event_action = self._action(
            "Next event", self.next_event, ["]", Qt.Key.Key_PageDown],
            _icon("next-event", fg))
        self.slower_action = self._action("Slower", lambda: self._rate_step(-1), ["-"],
                                          tip="Slower / more reverse")
        self.faster_action = self._action("Faster", lambda: self._rate_step(+1),
                                          ["+", "="], tip="Faster")
        self.fit_action = self._action("Show whole mission", self.scrubber.fit, [Qt.Key.Key_Home],
                                       _icon("fit", fg))
        self.goto_action = self._action("Go to time…", self._focus_time_field, ["Ctrl+G"])
        self.now_action = self._action("Now (real time)", self.go_now, ["Ctrl+N"],
                                       tip="Jump to the present and play in real time")
        self.now_action.setEnabled(False)

    def _tool(self, action) -> QtWidgets.QToolButton:
        b = QtWidgets.QToolButton(self)
        b.setDefaultAction(action)
        b.setAutoRaise(True)
        b.setIconSize(QtCore.QSize(20, 20))
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return b

    def _build_widgets(self) -> None:
        self.prev_event_button = self._tool(self.prev_event_action)
        self.step_back_button = self._tool(self.step_back_action)
        self.play_button = self._tool(self.play_action)
        self.step_forward_button = self._tool(self.step_forward_action)
        self.next_event_button = self._tool(self.next_event_action)
        self.fit_button = self._tool(self.fit_action)

        self.rate_combo = QtWidgets.QComboBox(self)
        self.rate_combo.setToolTip("Playback rate: simulated seconds per real second "
                                   "(negative plays backwards)")
        self.rate_combo.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        for r in RATES:
            self.rate_combo.addItem(self._rate_text(r), r)
        self._select_rate(self.clock.rate)
        self.rate_combo.currentIndexChanged.connect(self._on_rate_index)

        self.time_field = QtWidgets.QLineEdit(self)
        self.time_field.setPlaceholderText("Go to: docking · T+528 · 2021-10-05T12:22:31Z")
        self.time_field.setToolTip("Go to a TIME: ISO 8601 UTC, T+SECONDS, "
                                   "T+[d.]hh:mm:ss or an event id; Enter to jump")
        self.time_field.setClearButtonEnabled(True)
        fm = self.time_field.fontMetrics()
        self.time_field.setMinimumWidth(
            int(fm.horizontalAdvance(self.time_field.placeholderText())) + 48)
        self.time_field.returnPressed.connect(self._on_time_entered)
        self.time_field.textEdited.connect(lambda _t: self._set_time_error(""))
        comp = QtWidgets.QCompleter(sorted(self.model.scenario.event_times()), self)
        comp.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.time_field.setCompleter(comp)

        self.time_error_label = _ElidedLabel(self)
        self.time_error_label.setStyleSheet("color: #ff6b6b; font-weight: 600;")

        self.event_combo = QtWidgets.QComboBox(self)
        self.event_combo.setToolTip("Jump to a mission event (◇ modelled time)")
        self.event_combo.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.event_combo.setPlaceholderText("Events…")
        for e in self._events:
            mark = "◇" if e.basis == "modelled" else "◆"
            self.event_combo.addItem(f"{format_met(e.met_s)}  {mark} {e.name}", e.id)
        self.event_combo.setSizeAdjustPolicy(
            QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.event_combo.setMinimumContentsLength(30)
        self.event_combo.setMaxVisibleItems(len(self._events) or 10)
        self.event_combo.activated.connect(self._on_event_activated)

        mono = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont)
        big = QtGui.QFont(mono)
        big.setPointSizeF(max(self.font().pointSizeF() * 1.15, 10.0))
        big.setBold(True)
        self.utc_label = QtWidgets.QLabel(self)
        self.utc_label.setFont(big)
        self.utc_label.setToolTip("Coordinated Universal Time")
        self.met_label = QtWidgets.QLabel(self)
        self.met_label.setFont(big)
        self.met_label.setStyleSheet("color: #ffb454;")
        self.met_label.setToolTip("Mission elapsed time from lift-off")
        self.phase_label = QtWidgets.QLabel(self)
        pf = QtGui.QFont(self.font())
        pf.setPointSizeF(max(self.font().pointSizeF() * 1.05, 9.5))
        self.phase_label.setFont(pf)
        self.phase_label.setToolTip("Phase of the selected object")
        self.tle_label = _ElidedLabel(self)
        self.tle_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.tle_label.setStyleSheet("color: palette(placeholder-text);")
        for lab in (self.utc_label, self.met_label, self.phase_label):
            lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _build_layout(self) -> None:
        top = QtWidgets.QHBoxLayout()
        top.setContentsMargins(6, 0, 6, 0)
        top.setSpacing(14)
        top.addWidget(self.utc_label)
        top.addWidget(self.met_label)
        top.addWidget(self.phase_label)
        top.addWidget(self.tle_label, 1)

        bottom = QtWidgets.QHBoxLayout()
        bottom.setContentsMargins(2, 0, 2, 0)
        bottom.setSpacing(2)
        for b in (self.prev_event_button, self.step_back_button, self.play_button,
                  self.step_forward_button, self.next_event_button):
            bottom.addWidget(b)
        bottom.addSpacing(6)
        bottom.addWidget(self.rate_combo)
        bottom.addSpacing(12)
        bottom.addWidget(self.time_field)
        bottom.addWidget(self.time_error_label, 1)
        bottom.addWidget(self.event_combo)
        bottom.addWidget(self.fit_button)

        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.setSpacing(2)
        lay.addLayout(top)
        lay.addWidget(self.scrubber, 1)
        lay.addLayout(bottom)

    # -- public API --------------------------------------------------------------------------
    def set_selected(self, object_id: str) -> None:
        """Show the phases of ``object_id`` (a key of ``model.objects``) in the readout and
        as bands under the scrubber; an unknown id shows none."""
        self._selected = object_id
        obj = self.model.objects.get(object_id)
        if obj is None or self._free:
            self.scrubber.set_phases([], 0.0)
        else:
            self.scrubber.set_phases(obj.phases, obj.end_s)
        self._update_readout(self.clock.met_s)

    def selected(self) -> str:
        return self._selected

    # -- scenario --------------------------------------------------------------------------
    def set_user_catalog(self, catalog) -> None:
        """The user's own satellites (a :class:`~orbitviz.core.catalog.UserCatalog` or None):
        a selected user object's element set is named in the readout line."""
        self.user_catalog = catalog
        self._update_readout(self.clock.met_s)

    def is_free(self) -> bool:
        """Whether the time bar shows a free scenario (the user's element sets, not the
        mission)."""
        return self._free

    def set_scenario(self, free: bool, window: tuple[float, float] | None = None) -> None:
        """Show the mission (``free`` False: its window, events and phases) or a free
        scenario over ``window`` (met_s): no mission events, UTC only, and "Now" when
        the present lies inside it. The clock is kept inside the new window."""
        self._free = bool(free)
        t0, t1 = (float(x) for x in (window if free else self.model.window))
        self.clock.set_window(t0, t1)
        self._events = [] if free else [e for e in self.model.events() if e.met_s is not None]
        self._event_times = [float(e.met_s) for e in self._events]
        self.scrubber.set_window(t0, t1, [] if free else None)
        if free:
            self.scrubber.set_axis_mode("utc")
        for w in (self.event_combo, self.met_label):
            w.setVisible(not free)
        for a in (self.prev_event_action, self.next_event_action):
            a.setEnabled(not free)
        self.fit_action.setText("Show all" if free else "Show whole mission")
        self.time_field.setPlaceholderText(
            "Go to: now · 2026-11-25T12:00:00Z" if free else
            "Go to: docking · T+528 · 2021-10-05T12:22:31Z")
        self.now_action.setEnabled(self._now_met() is not None)
        self.set_selected(self._selected)
        if self.clock.met_s < t0 or self.clock.met_s > t1:
            self.clock.seek(min(max(self.clock.met_s, t0), t1))
        self._update_readout(self.clock.met_s)

    def _now_met(self) -> float | None:
        """``met_s`` of the present, if it lies in the display window."""
        now = self.model.axis.met_from_datetime(_dt.datetime.now(_dt.timezone.utc))
        return now if self.clock.start_s <= now <= self.clock.end_s else None

    def go_now(self) -> None:
        """Real-time mode: jump to the present and play at 1× (the clock then keeps
        pace with the wall clock)."""
        now = self._now_met()
        if now is None:
            self._set_time_error("now is outside the loaded element sets' validity")
            return
        self._set_time_error("")
        self.clock.seek(now)
        self.set_rate(1.0)
        self.play()

    def step_s(self) -> float:
        """Keyboard step, seconds: a round number near 1/100 of the visible span."""
        return _nice_at_most(self.scrubber.span_s() / 100.0)

    def step(self, direction: int) -> None:
        """Pause and move by one :meth:`step_s` (``direction`` ±1)."""
        self.pause()
        self.clock.seek(self.clock.met_s + direction * self.step_s())

    def next_event(self) -> None:
        """Jump to the first event after the current time."""
        i = bisect.bisect_right(self._event_times, self.clock.met_s + 1e-6)
        while i < len(self._event_times) and self._event_times[i] > self.clock.end_s:
            i += 1
        if i < len(self._event_times):
            self.clock.seek(self._event_times[i])

    def prev_event(self) -> None:
        """Jump to the last event before the current time."""
        i = bisect.bisect_left(self._event_times, self.clock.met_s - 1e-6) - 1
        if i >= 0 and self._event_times[i] >= self.clock.start_s:
            self.clock.seek(self._event_times[i])

    def play(self) -> None:
        if not self.clock.playing:
            self.clock.play()
            self._last_wall = time.monotonic()
            self._timer.setInterval(TICK_PLAYING_MS)
        self._sync_play_state()

    def pause(self) -> None:
        if self.clock.playing:
            self._catch_up()
            self.clock.pause()
        self._last_wall = None
        self._sync_play_state()

    def toggle_play(self) -> None:
        if self.clock.playing:
            self.pause()
        else:
            self.play()

    def set_rate(self, rate: float) -> None:
        """Set the clock's rate (keeping time exact across the change while playing)."""
        self._catch_up()
        self.clock.set_rate(rate)
        self._select_rate(self.clock.rate)
        self.rateChanged.emit(self.clock.rate)

    def go_to(self, text: str) -> bool:
        """Seek to a TIME as the CLI takes it; on a bad TIME show the parser's message
        and leave the clock alone. Returns whether it moved."""
        try:
            met = parse_time(text, self.model.axis, self.model.scenario.event_times())
        except TimeParseError as exc:
            self._set_time_error(str(exc))
            return False
        self._set_time_error("")
        self.clock.seek(met)
        return True

    def time_error(self) -> str:
        """The TIME field's current error message ('' when none)."""
        return self._time_error

    def readout_text(self) -> str:
        """The readout line as plain text."""
        return "  ".join([self.utc_label.text(), self.met_label.text(),
                          self.phase_label.text(), self.tle_label.full_text()])

    # -- internals ---------------------------------------------------------------------------
    @staticmethod
    def _rate_text(r: float) -> str:
        mag = abs(r)
        txt = f"{mag:g}×"
        return (_MINUS + txt) if r < 0 else txt

    def _select_rate(self, rate: float) -> None:
        i = self.rate_combo.findData(float(rate))
        if i < 0:
            vals = [self.rate_combo.itemData(k) for k in range(self.rate_combo.count())]
            i = bisect.bisect_left(vals, float(rate))
            self.rate_combo.insertItem(i, self._rate_text(rate), float(rate))
        self.rate_combo.blockSignals(True)
        self.rate_combo.setCurrentIndex(i)
        self.rate_combo.blockSignals(False)

    def _on_rate_index(self, i: int) -> None:
        if i >= 0:
            self.set_rate(float(self.rate_combo.itemData(i)))

    def _rate_step(self, d: int) -> None:
        i = self.rate_combo.currentIndex() + d
        if 0 <= i < self.rate_combo.count():
            self.set_rate(float(self.rate_combo.itemData(i)))

    def _on_play_triggered(self, _checked=False) -> None:
        self.toggle_play()

    def _sync_play_state(self) -> None:
        playing = bool(self.clock.playing)
        if self.play_action.isChecked() != playing:
            self.play_action.setChecked(playing)
        self.play_action.setText("Pause" if playing else "Play")

    def _catch_up(self) -> None:
        """Advance the clock to the wall time now (while playing)."""
        if self.clock.playing and self._last_wall is not None:
            now = time.monotonic()
            self.clock.advance(now - self._last_wall)
            self._last_wall = now

    def _tick(self) -> None:
        if self.clock.playing:
            if self._last_wall is None:  # started elsewhere (clock.play())
                self._last_wall = time.monotonic()
                self._timer.setInterval(TICK_PLAYING_MS)
            else:
                self._catch_up()
        else:
            self._last_wall = None
            if self._timer.interval() != TICK_IDLE_MS:
                self._timer.setInterval(TICK_IDLE_MS)
        self._sync_play_state()

    def _on_time(self, met_s: float) -> None:
        self._update_readout(met_s)
        i = bisect.bisect_right(self._event_times, met_s + 1e-6) - 1
        if self.event_combo.currentIndex() != i:
            self.event_combo.blockSignals(True)
            self.event_combo.setCurrentIndex(i)
            self.event_combo.blockSignals(False)

    def _update_readout(self, met_s: float) -> None:
        m = self.model
        self.utc_label.setText(m.axis.iso_utc(met_s, 0))
        self.met_label.setText(format_met(met_s).replace("T-", "T" + _MINUS))
        cat = self.user_catalog
        if cat is not None and self._selected in cat.objects and \
                self._selected not in m.objects:
            user = cat.objects[self._selected]
            here = user.exists(met_s)
            self.phase_label.setText(f"{user.name}: {'in orbit' if here else '—'}")
            self.tle_label.set_full_text(
                element_set_text(cat.tle_info(self._selected, met_s)) if here
                else "no element set of it covers this time")
            return
        if self._free:
            n = len(cat.existing(met_s)) if cat is not None else 0
            self.phase_label.setText(f"Your objects: {n:,} in orbit")
            self.tle_label.set_full_text("free scenario: your element sets only")
            return
        obj = m.objects.get(self._selected)
        if obj is None:
            self.phase_label.setText("")
        elif obj.exists(met_s):
            self.phase_label.setText(f"{obj.name}: {obj.phase_at(met_s)}")
        else:
            self.phase_label.setText(f"{obj.name}: —")
        try:
            self.tle_label.set_full_text(element_set_text(m.tle_info(met_s)))
        except NoStateError:
            self.tle_label.set_full_text("no ISS element set covers this time")

    def _on_event_activated(self, i: int) -> None:
        if 0 <= i < len(self._events):
            self.clock.seek(self._event_times[i])

    def _on_time_entered(self) -> None:
        if self.go_to(self.time_field.text()):
            self.time_field.selectAll()

    def _set_time_error(self, message: str) -> None:
        self._time_error = message
        self.time_error_label.set_full_text(message)
        if message:
            self.time_field.setStyleSheet(
                "QLineEdit { border: 1px solid #ff5c5c; border-radius: 3px;"
                " background: rgba(255, 92, 92, 40); padding: 1px 3px; }")
        else:
            self.time_field.setStyleSheet("")

    def _focus_time_field(self) -> None:
        self.time_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.time_field.selectAll()


__all__ = ["TimeControls", "TimelineScrubber", "element_set_text", "RATES", "MIN_SPAN_S"]
