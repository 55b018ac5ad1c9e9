"""The Shots panel: the saved shots of a :class:`~orbitviz.core.shots.ShotBook`, and buttons
to save the current view, go to a shot, rename and delete.

Signals only: the panel never builds a shot, moves the camera or renders. The app answers
``save_requested(name)`` by filling in the view (time, view state, camera) and calling
``book.add(shot, replace=True)`` then :meth:`ShotsPanel.refresh` (the panel has already asked
the user before emitting a name that replaces an existing shot), and
``apply_requested(name)`` by restoring ``book.get(name)``. Rename and Delete change the book
(which saves itself) and emit ``shots_changed``.

Times shown: the shot's UTC (ISO 8601) and, given the mission's axis, its mission elapsed time
(``T+[d.]hh:mm:ss`` from lift-off).
"""

from __future__ import annotations

import datetime as _dt

from PySide6 import QtCore, QtWidgets

from orbitviz.core.shots import ShotBook, ShotError, check_name, parse_utc
from orbitviz.core.timeaxis import TimeAxis, format_met

COLUMNS = ("Name", "UTC", "Mission time")


def _utc_text(utc: str) -> str:
    """``2021-10-05T12:22:30.600Z`` shown as ``2021-10-05 12:22:31 UTC``: rounded to the
    second, as :func:`format_met` rounds the mission time beside it."""
    when = parse_utc(utc) + _dt.timedelta(microseconds=500_000)
    return when.strftime("%Y-%m-%d %H:%M:%S UTC")


class ShotsPanel(QtWidgets.QWidget):
    """A list of the book's shots (name, UTC, T+) with Save / Go to / Rename / Delete."""

    #: A name for the current view (new, or confirmed to replace the shot of that name).
    save_requested = QtCore.Signal(str)
    #: The user wants to see this shot (double-click or Go to).
    apply_requested = QtCore.Signal(str)
    #: The book changed here (renamed or deleted).
    shots_changed = QtCore.Signal()

    def __init__(self, book: ShotBook, axis: TimeAxis | None = None, parent=None):
        super().__init__(parent)
        self.book = book
        self.axis = axis
        self.setObjectName("ShotsPanel")

        self.list = QtWidgets.QTreeWidget()
        self.list.setColumnCount(len(COLUMNS) if axis is not None else 2)
        self.list.setHeaderLabels(COLUMNS[: self.list.columnCount()])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.list.header().setStretchLastSection(False)
        self.list.header().setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        for c in range(1, self.list.columnCount()):
            self.list.header().setSectionResizeMode(
                c, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        self.list.itemDoubleClicked.connect(lambda item, _col: self._apply(item))
        self.list.itemSelectionChanged.connect(self._update_buttons)

        self.empty = QtWidgets.QLabel(
            "No saved shots yet.\nSet up a view and press “Save current view…”.")
        self.empty.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setEnabled(False)

        self.save_button = QtWidgets.QPushButton("Save current view…")
        self.save_button.setToolTip("Save the time, camera, frame and layers as a named shot")
        self.go_button = QtWidgets.QPushButton("Go to")
        self.go_button.setToolTip("Show the selected shot (or double-click it)")
        self.rename_button = QtWidgets.QPushButton("Rename…")
        self.delete_button = QtWidgets.QPushButton("Delete")
        self.save_button.clicked.connect(self.ask_save)
        self.go_button.clicked.connect(lambda: self._apply(self.list.currentItem()))
        self.rename_button.clicked.connect(self.ask_rename)
        self.delete_button.clicked.connect(self.ask_delete)

        buttons = QtWidgets.QGridLayout()
        buttons.addWidget(self.save_button, 0, 0, 1, 3)
        buttons.addWidget(self.go_button, 1, 0)
        buttons.addWidget(self.rename_button, 1, 1)
        buttons.addWidget(self.delete_button, 1, 2)

        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.empty, 1)
        lay.addLayout(buttons)
        self.refresh()

    # -- the list ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the book's shots (keeps the selection by name where it still exists)."""
        current = self.selected_name()
        self.list.clear()
        for shot in self.book.shots():
            cols = [shot.name, _utc_text(shot.utc)]
            if self.axis is not None:
                cols.append(format_met(shot.met_s))
            item = QtWidgets.QTreeWidgetItem(cols)
            item.setData(0, QtCore.Qt.ItemDataRole.UserRole, shot.name)
            tip = f"{shot.name}\n{shot.utc}"
            if shot.note:
                tip += f"\n\n{shot.note}"
            for c in range(len(cols)):
                item.setToolTip(c, tip)
            self.list.addTopLevelItem(item)
            if current is not None and shot.name.casefold() == current.casefold():
                self.list.setCurrentItem(item)
        has = self.list.topLevelItemCount() > 0
        self.list.setVisible(has)
        self.empty.setVisible(not has)
        self._update_buttons()

    def names(self) -> list[str]:
        """The names in the list, top to bottom."""
        return [self.list.topLevelItem(i).data(0, QtCore.Qt.ItemDataRole.UserRole)
                for i in range(self.list.topLevelItemCount())]

    def selected_name(self) -> str | None:
        item = self.list.currentItem()
        return item.data(0, QtCore.Qt.ItemDataRole.UserRole) if item is not None else None

    def select(self, name: str) -> None:
        """Select the shot named ``name`` (without regard to case), if listed."""
        for i in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(i)
            if item.data(0, QtCore.Qt.ItemDataRole.UserRole).casefold() == name.casefold():
                self.list.setCurrentItem(item)
                return

    def _update_buttons(self) -> None:
        has = self.list.currentItem() is not None
        for b in (self.go_button, self.rename_button, self.delete_button):
            b.setEnabled(has)

    def _apply(self, item) -> None:
        if item is not None:
            self.apply_requested.emit(item.data(0, QtCore.Qt.ItemDataRole.UserRole))

    # -- actions -----------------------------------------------------------------------
    def default_name(self) -> str:
        """``Shot N`` with the smallest N ≥ (number of shots + 1) not taken."""
        n = len(self.book) + 1
        while f"Shot {n}" in self.book:
            n += 1
        return f"Shot {n}"

    def _ask_text(self, title: str, label: str, text: str) -> str | None:
        dlg = QtWidgets.QInputDialog(self)
        dlg.setWindowTitle(title)
        dlg.setLabelText(label)
        dlg.setTextValue(text)
        dlg.setInputMode(QtWidgets.QInputDialog.InputMode.TextInput)
        ok = dlg.exec() == QtWidgets.QDialog.DialogCode.Accepted
        value = dlg.textValue()
        dlg.deleteLater()
        return value if ok else None

    def _warn(self, text: str) -> None:
        QtWidgets.QMessageBox.warning(self, "Shots", text)

    def _confirm(self, title: str, text: str) -> bool:
        B = QtWidgets.QMessageBox.StandardButton
        return QtWidgets.QMessageBox.question(self, title, text, B.Yes | B.No, B.No) == B.Yes

    def ask_save(self) -> None:
        """Ask for a name and emit ``save_requested`` (confirming a replacement first)."""
        text = self._ask_text("Save current view", "Name of the shot:", self.default_name())
        if text is None:
            return
        try:
            name = check_name(text)
        except ShotError as e:
            self._warn(str(e))
            return
        if name in self.book:
            old = self.book.get(name).name
            if not self._confirm("Replace shot", f"A shot named “{old}” exists. Replace it "
                                 "with the current view?"):
                return
        self.save_requested.emit(name)

    def ask_rename(self) -> None:
        old = self.selected_name()
        if old is None:
            return
        text = self._ask_text("Rename shot", f"New name for “{old}”:", old)
        if text is None or text.strip() == old:
            return
        try:
            shot = self.book.rename(old, text)
        except ShotError as e:
            self._warn(str(e))
            return
        self.refresh()
        self.select(shot.name)
        self.shots_changed.emit()

    def ask_delete(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        if not self._confirm("Delete shot", f"Delete the shot “{name}”? This cannot be undone."):
            return
        try:
            self.book.remove(name)
        except ShotError as e:
            self._warn(str(e))
            return
        self.refresh()
        self.shots_changed.emit()
