"""The time controls: readout line, scrubber and transport controls of the app's time bar.

A widget around the :class:`~orbitviz.core.viewer.ViewerModel`: every time, event, phase and
element set shown comes from it (its clock, its mission, its selection and scenario); the
widget turns the user's intent into ``clock.seek`` / ``clock.set_rate`` / ``clock.play``
calls and repaints when the viewer model notifies it. Times are ``met_s`` throughout.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import time

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt

from orbitviz.core.elements import NoStateError
from orbitviz.core.formatting import MINUS, format_element_set
from orbitviz.core.timeaxis import TimeParseError, format_met, parse_time
from orbitviz.ui.binding import bind
from orbitviz.ui.icons import transport_icon
from orbitviz.core.formatting import nice_at_most
from orbitviz.ui.scrubber import MIN_SPAN_S, TimelineScrubber
from orbitviz.ui.widgets import ElidedLabel

#: Playback rates offered, simulated seconds per wall second (negative: backwards).
RATES = (-3600.0, -600.0, -60.0, -10.0, -1.0, 1.0, 10.0, 60.0, 600.0, 3600.0)
#: Wall-clock tick while playing / while paused (to notice a play started elsewhere), ms.
TICK_PLAYING_MS = 16
TICK_IDLE_MS = 100


class TimeControls(QtWidgets.QWidget):
    """The time bar of the app: readout line, scrubber, and transport controls.

    ``viewer``: the app's :class:`~orbitviz.core.viewer.ViewerModel` (its clock, mission,
    selection and scenario). The actions (``play_action``, ``step_back_action``,
    ``step_forward_action``, ``prev_event_action``, ``next_event_action``,
    ``slower_action``, ``faster_action``, ``fit_action``, ``goto_action``) carry
    window-wide shortcuts and are listed by :meth:`actions`, so the main window can put
    them in menus and toolbars.
    """

    #: The user changed the rate (simulated s per wall s).
    rateChanged = QtCore.Signal(float)
    #: Enter or Esc in the go-to field: the keyboard goes back to the view.
    typing_done = QtCore.Signal()

    def __init__(self, viewer, parent=None):
        super().__init__(parent)
        self.viewer = viewer
        self.clock = viewer.clock
        self.model = viewer.mission
        self._events = [e for e in self.model.events() if e.met_s is not None]
        self._event_times = [float(e.met_s) for e in self._events]
        self._free = False
        self._time_error = ""
        self._last_wall: float | None = None

        self.scrubber = TimelineScrubber(self.clock, self.model, self)
        self._build_actions()
        self._build_widgets()
        self._build_layout()

        self._timer = QtCore.QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_IDLE_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

        ev = viewer.events
        bind(self, ev.time, self._on_time)
        bind(self, ev.selection, self._on_selection)
        bind(self, ev.scenario, self._on_scenario)
        bind(self, ev.catalog, self._on_catalog)
        self._on_selection(viewer.selected)
        self._on_time(self.clock.met_s)
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
        play_icon = transport_icon("play", fg, on_kind="pause")
        self.play_action = self._action("Play", self._on_play_triggered,
                                        [Qt.Key.Key_Space], play_icon, "Play / pause")
        self.play_action.setCheckable(True)
        self.step_back_action = self._action(
            "Step back", lambda: self.step(-1), [Qt.Key.Key_Left], transport_icon("step-back", fg),
            "Step back (step follows the zoom)")
        self.step_forward_action = self._action(
            "Step forward", lambda: self.step(+1), [Qt.Key.Key_Right],
            transport_icon("step-forward", fg), "Step forward (step follows the zoom)")
        self.prev_event_action = self._action(
            "Previous event", self.prev_event, ["[", Qt.Key.Key_PageUp],
            transport_icon("prev-event", fg))
        self.next_event_action = self._action(
            "Next event", self.next_event, ["]", Qt.Key.Key_PageDown],
            transport_icon("next-event", fg))
        self.slower_action = self._action("Slower", lambda: self._rate_step(-1), ["-"],
                                          tip="Slower / more reverse")
        self.faster_action = self._action("Faster", lambda: self._rate_step(+1),
                                          ["+", "="], tip="Faster")
        self.fit_action = self._action("Show whole mission", self.scrubber.fit, [Qt.Key.Key_Home],
                                       transport_icon("fit", fg))
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
        self.time_field.setPlaceholderText("Go to: docking · 12:22 · T+528")
        self.time_field.setToolTip("Go to a time: 12:22 (UTC, on the day shown), 5 Oct 12:22, "
                                   "2021-10-05T12:22:31Z, T+3:27:28 (from lift-off) or an "
                                   "event id such as docking; Enter to jump")
        self.time_field.setClearButtonEnabled(True)
        fm = self.time_field.fontMetrics()
        # wide enough for "2021-10-05T12:22:31Z" on a big screen, narrower on a small one
        self.time_field.setMinimumWidth(int(fm.horizontalAdvance("T+00:00:00")) + 40)
        self.time_field.setMaximumWidth(
            int(fm.horizontalAdvance("Go to: 2021-10-05T12:22:31Z")) + 48)
        self.time_field.returnPressed.connect(self._on_time_entered)
        self.time_field.installEventFilter(self)
        self.time_field.textEdited.connect(lambda _t: self._set_time_error(""))
        comp = QtWidgets.QCompleter(sorted(self.model.scenario.event_times()), self)
        comp.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.time_field.setCompleter(comp)

        self.time_error_label = ElidedLabel(self)
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
        self.event_combo.setMinimumContentsLength(14)
        self.event_combo.setMaximumWidth(
            int(self.event_combo.fontMetrics().horizontalAdvance("M" * 22)) + 40)
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
        self.phase_label = ElidedLabel(self)
        pf = QtGui.QFont(self.font())
        pf.setPointSizeF(max(self.font().pointSizeF() * 1.05, 9.5))
        self.phase_label.setFont(pf)
        self.phase_label.setToolTip("Phase of the selected object")
        self.tle_label = ElidedLabel(self)
        self.tle_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.tle_label.setStyleSheet("color: palette(placeholder-text);")
        for lab in (self.utc_label, self.met_label):
            lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _build_layout(self) -> None:
        top = QtWidgets.QHBoxLayout()
        top.setContentsMargins(6, 0, 6, 0)
        top.setSpacing(14)
        top.addWidget(self.utc_label)
        top.addWidget(self.met_label)
        top.addWidget(self.phase_label, 2)
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
        bottom.addWidget(self.time_field, 2)
        bottom.addWidget(self.time_error_label, 1)
        bottom.addWidget(self.event_combo, 2)
        bottom.addWidget(self.fit_button)

        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.setSpacing(2)
        lay.addLayout(top)
        lay.addWidget(self.scrubber, 1)
        lay.addLayout(bottom)

    # -- following the viewer model ------------------------------------------------------------
    def _on_selection(self, object_id: str) -> None:
        """Show the phases of the selected object in the readout and as bands under the
        scrubber (a user object, or a free scenario: none)."""
        phases = [] if self._free else self.viewer.phases(object_id)
        if phases:
            self.scrubber.set_phases(phases, self.viewer.lifetime(object_id)[1])
        else:
            self.scrubber.set_phases([], 0.0)
        self._update_readout(self.clock.met_s)

    def _on_catalog(self, _catalog) -> None:
        self.now_action.setEnabled(self._now_met() is not None)
        self._update_readout(self.clock.met_s)

    def selected(self) -> str:
        return self.viewer.selected

    def is_free(self) -> bool:
        """Whether the time bar shows a free scenario (the user's element sets, not the
        mission)."""
        return self._free

    def _on_scenario(self, key: str) -> None:
        """Show the mission (its window, events and phases) or a free scenario over the
        clock's window: no mission events, UTC only, and "Now" when the present lies
        inside it."""
        free = key == "free"
        self._free = free
        t0, t1 = self.viewer.window
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
        self._on_selection(self.viewer.selected)

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
        return nice_at_most(self.scrubber.span_s() / 100.0)

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
            met = parse_time(text, self.model.axis, self.model.scenario.event_times(),
                             day_met_s=self.clock.met_s)
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
                          self.phase_label.full_text(), self.tle_label.full_text()])

    # -- internals ---------------------------------------------------------------------------
    @staticmethod
    def _rate_text(r: float) -> str:
        mag = abs(r)
        txt = f"{mag:g}×"
        return (MINUS + txt) if r < 0 else txt

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
        v = self.viewer
        self.utc_label.setText(self.model.axis.iso_utc(met_s, 0))
        self.met_label.setText(format_met(met_s).replace("T-", "T" + MINUS))
        oid = v.selected
        if v.kind(oid) == "user":
            here = v.exists(oid, met_s)
            self.phase_label.set_full_text(f"{v.name(oid)}: {'in orbit' if here else '—'}")
            self.tle_label.set_full_text(
                format_element_set(v.element_set(oid, met_s)) if here
                else "no element set of it covers this time")
            return
        if self._free:
            cat = v.catalog
            n = len(cat.existing(met_s)) if cat is not None else 0
            self.phase_label.set_full_text(f"Your objects: {n:,} in orbit")
            self.tle_label.set_full_text("free scenario: your element sets only")
            return
        if v.kind(oid) is None:
            self.phase_label.set_full_text("")
        elif v.exists(oid, met_s):
            self.phase_label.set_full_text(f"{v.name(oid)}: {v.phase_at(oid, met_s)}")
        else:
            self.phase_label.set_full_text(f"{v.name(oid)}: —")
        try:
            self.tle_label.set_full_text(format_element_set(v.element_set("iss", met_s)))
        except NoStateError:
            self.tle_label.set_full_text("no ISS element set covers this time")

    def _on_event_activated(self, i: int) -> None:
        if 0 <= i < len(self._events):
            self.clock.seek(self._event_times[i])

    def _on_time_entered(self) -> None:
        if self.go_to(self.time_field.text()):
            self.time_field.selectAll()
            self.typing_done.emit()  # Space plays again, Ctrl+E exports, at once

    def eventFilter(self, obj, ev) -> bool:  # noqa: N802 (Qt)
        if obj is self.time_field and ev.type() == QtCore.QEvent.Type.KeyPress and \
                ev.key() == Qt.Key.Key_Escape:
            self._set_time_error("")
            self.typing_done.emit()
            return True
        return super().eventFilter(obj, ev)

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


__all__ = ["TimeControls", "RATES", "MIN_SPAN_S"]
