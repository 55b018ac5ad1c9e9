"""Colours of the timeline scrubber: phase bands, and a dark and a light theme chosen from
the widget's palette."""

from __future__ import annotations

from PySide6 import QtGui

#: Colours of the phase bands, by phase name (others get a neutral colour).
PHASE_COLOURS = {
    "on-pad": "#7d8590", "ascent": "#f08c3a", "free-flight": "#4c9be8",
    "final-approach": "#b07cf0", "docked": "#46b980", "orbit": "#3bb3c4",
    "deorbit-burn": "#e5534b", "coast": "#5f8fd0", "entry": "#ff7b45",
    "parachute": "#e6c84a", "landed": "#a5805a",
}


class ScrubberTheme:
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


__all__ = ["ScrubberTheme", "PHASE_COLOURS"]
