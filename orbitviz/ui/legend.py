"""A small key over the 3D view: the objects' colours, and which lines are modelled.

It follows the :class:`~orbitviz.core.viewer.ViewerModel`: a row for the user's objects while
a catalogue is loaded, and only that row in the free scenario (the mission is not shown
there). Colours come from :mod:`orbitviz.render.style`.
"""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from orbitviz.render.style import COLORS, USER_COLOR
from orbitviz.ui.binding import bind


def _swatch(rgba) -> str:
    r, g, b = (int(255 * c) for c in rgba[:3])
    return f"<span style='color: rgb({r},{g},{b})'>&#9644;</span>"


class Legend(QtWidgets.QLabel):
    """The key, as rich text in a translucent box; transparent to the mouse."""

    def __init__(self, viewer, parent=None):
        super().__init__(parent)
        self.viewer = viewer
        self._rows = [
            f"{_swatch(COLORS['iss'])} ISS (element sets)",
            f"{_swatch(COLORS['soyuz-ms-19'])} Soyuz MS-19",
            f"{_swatch(COLORS['soyuz-ms-18'])} Soyuz MS-18",
            "<span style='color:#bbb'>&#9472; &#9472; &#9472;</span> modelled (ascent, "
            "rendezvous, return)"]
        self.setStyleSheet("QLabel { background: rgba(10, 12, 18, 170); color: #dde3ee; "
                           "border-radius: 6px; padding: 8px 10px; margin: 10px; }")
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        bind(self, viewer.events.catalog, self._on_change)
        bind(self, viewer.events.scenario, self._on_change)
        self.refresh()

    def user_row(self) -> str:
        """The row of the user's objects ('' without a catalogue)."""
        cat = self.viewer.catalog
        count = len(cat) if cat is not None else 0
        return f"{_swatch(USER_COLOR)} Your objects ({count:,}, element sets)" if count else ""

    def _on_change(self, *_args) -> None:
        self.refresh()

    def refresh(self) -> None:
        user = [self.user_row()] if self.user_row() else []
        free = self.viewer.scenario == "free"
        rows = user if free else self._rows[:3] + user + self._rows[3:]
        self.setText("<div style='line-height:140%'>" + "<br>".join(rows) + "</div>")
        self.adjustSize()


__all__ = ["Legend"]
