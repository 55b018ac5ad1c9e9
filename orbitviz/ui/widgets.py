"""Small widgets shared by the panels and the time bar."""

from __future__ import annotations

from PySide6 import QtWidgets
from PySide6.QtCore import Qt

from orbitviz.render.style import BADGE_BG


class ElidedLabel(QtWidgets.QLabel):
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



def modelled_badge(text: str = "MODELLED") -> QtWidgets.QLabel:
    """An amber badge saying that what is shown next to it is a model."""
    label = QtWidgets.QLabel(text)
    label.setObjectName("modelledBadge")
    label.setStyleSheet(f"QLabel {{ background: {BADGE_BG}; color: white; font-weight: bold; "
                        "border-radius: 3px; padding: 1px 6px; }")
    label.setToolTip("A model, not a measurement: see the mission notes.")
    label.setSizePolicy(QtWidgets.QSizePolicy.Policy.Maximum,
                        QtWidgets.QSizePolicy.Policy.Fixed)
    return label


__all__ = ["ElidedLabel", "modelled_badge"]
