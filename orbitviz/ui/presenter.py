"""Presenter mode's helpers: the live caption over the view, and the time bar that steps
aside while the mouse rests.

:class:`PresenterCaption` shows what an exported picture's caption says (the mission's
title, the current event, the UTC time and T+ from :func:`orbitviz.core.export_rules.
caption_lines`), live, in plain words: no element-set names or ages. :class:`AutoHider`
hides a widget after :data:`HIDE_AFTER_MS` without mouse movement anywhere in the window and
shows it again at the next movement.
"""

from __future__ import annotations

import html

from PySide6 import QtCore, QtGui, QtWidgets

from orbitviz.core.export_rules import caption_lines
from orbitviz.ui.binding import bind

#: The time bar hides after this long without the mouse moving, ms.
HIDE_AFTER_MS = 3000


class PresenterCaption(QtWidgets.QLabel):
    """The export's automatic caption, live over the view (shown in presenter mode)."""

    STYLES = {"title": "font-size: 22pt; font-weight: bold; color: #ffffff;",
              "event": "font-size: 17pt; font-weight: 600; color: #ffc46e;",
              "time": "font-size: 14pt; color: #dce4f0;"}

    def __init__(self, viewer, parent=None):
        super().__init__(parent)
        self.viewer = viewer
        self.setObjectName("presenterCaption")
        self.setStyleSheet("QLabel#presenterCaption { background: rgba(8, 10, 16, 178); "
                           "border-left: 5px solid rgba(255, 160, 46, 230); "
                           "border-radius: 6px; padding: 10px 16px; margin: 18px; }")
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self._lines: list[tuple[str, str]] = []
        bind(self, viewer.events.time, self._on_time)
        self.setVisible(False)

    def lines(self) -> list[tuple[str, str]]:
        """The (role, text) lines shown now."""
        return list(self._lines)

    def _on_time(self, met_s: float) -> None:
        lines = caption_lines(self.viewer, met_s)
        if lines == self._lines:
            return
        self._lines = lines
        rows = [f"<div style='{self.STYLES.get(role, '')}'>{html.escape(text)}</div>"
                for role, text in lines]
        self.setText("".join(rows))
        self.adjustSize()

    def showEvent(self, ev) -> None:  # noqa: N802 (Qt)
        self._lines = []
        self._on_time(self.viewer.clock.met_s)
        super().showEvent(ev)


class AutoHider(QtCore.QObject):
    """While :attr:`active`, hide ``widget`` after :data:`HIDE_AFTER_MS` without mouse
    movement in ``window``, and show it again when the mouse moves."""

    def __init__(self, window: QtWidgets.QWidget, widget: QtWidgets.QWidget,
                 after_ms: int = HIDE_AFTER_MS):
        super().__init__(window)
        self.window = window
        self.widget = widget
        self.active = False
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(after_ms)
        self._timer.timeout.connect(self._hide)

    def set_active(self, on: bool) -> None:
        self.active = bool(on)
        app = QtWidgets.QApplication.instance()
        if self.active:
            app.installEventFilter(self)
            self.widget.show()
            self._timer.start()
        else:
            app.removeEventFilter(self)
            self._timer.stop()
            self.widget.show()

    def _hide(self) -> None:
        if self.active and not self.widget.underMouse():
            self.widget.hide()

    def eventFilter(self, obj, ev) -> bool:  # noqa: N802 (Qt)
        if ev.type() in (QtCore.QEvent.Type.MouseMove, QtCore.QEvent.Type.HoverMove) and \
                isinstance(obj, QtGui.QWindow) is False and self.active:
            if not self.widget.isVisible():
                self.widget.show()
            self._timer.start()
        return False


__all__ = ["PresenterCaption", "AutoHider", "HIDE_AFTER_MS"]
