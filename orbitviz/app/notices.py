"""Warnings the app shows without waiting for them.

A ``QMessageBox.warning(...)`` runs its own event loop until the user answers; shown from
the middle of start-up (a broken shots file found while the window is being built, the
element sets of ``orbitviz --tle`` read as the mission appears) it held start-up behind it.
:func:`notify` opens the box window-modal and returns at once: start-up finishes behind it,
and each problem gets its own box.
"""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets


def notify(parent, title: str, text: str, informative: str = "",
           details: str = "") -> QtWidgets.QMessageBox:
    """Open a warning box over ``parent`` and return it (it deletes itself when closed)."""
    box = QtWidgets.QMessageBox(parent)
    box.setIcon(QtWidgets.QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(text)
    if informative:
        box.setInformativeText(informative)
    if details:
        box.setDetailedText(details)
    box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def open_notices() -> list[QtWidgets.QMessageBox]:
    """The warning boxes open now (for tests and tools)."""
    return [w for w in QtWidgets.QApplication.topLevelWidgets()
            if isinstance(w, QtWidgets.QMessageBox) and w.isVisible()]


__all__ = ["notify", "open_notices"]
