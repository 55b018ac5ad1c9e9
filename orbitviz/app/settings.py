"""The app's settings: read checked, saved when they change.

- **Reading.** :class:`AppSettings` reads every value through the table of
  :mod:`orbitviz.core.settings_values` (Qt's own types, the window's geometry and dock layout,
  are checked here). A value that cannot be used falls back to its default, is removed from
  the file (so the next save writes a good one) and is remembered; :meth:`AppSettings.report`
  tells the user once, in the status bar with a Details button listing each key and why.
  :meth:`AppSettings.sweep` checks every known key at start-up, the export dialogs' too, so
  they only ever see good values or none.
- **Writing.** :meth:`AppSettings.put` refuses what reading would refuse: a NaN or infinity
  is never written (the value on file stays as it was).
- **When.** :class:`AutoSave` saves the window, camera, time and view at most
  :data:`SAVE_DELAY_MS` after a change (the first change of a burst starts the timer; a
  playing clock does not postpone it), so a killed app loses at most the last second; the
  app also saves on close.
"""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from orbitviz.core.settings_values import SETTINGS, SettingError, check, check_for_saving

#: How long after a change the settings are saved, ms.
SAVE_DELAY_MS = 1000
#: Largest saved window geometry or dock layout, bytes (Qt's are a few hundred).
MAX_LAYOUT_BYTES = 64 * 1024
#: The window's keys (Qt's own byte strings) and what they hold.
LAYOUT_KEYS = {"window/geometry": "the window's place and size",
               "window/state": "the panels' layout"}


class AppSettings:
    """Checked access to a ``QSettings`` (see the module's notes)."""

    def __init__(self, qsettings: QtCore.QSettings):
        self.q = qsettings
        #: ``key (what it holds): why`` of each value that could not be used, not yet told.
        self.problems: list[str] = []
        self._bad: set[str] = set()

    def _refuse(self, key: str, what: str, why) -> None:
        if key not in self._bad:
            self._bad.add(key)
            self.problems.append(f"{key} ({what}): {why}")
        self.q.remove(key)

    def get(self, key: str, default=None, **context):
        """The checked value of ``key``; ``default`` (the table's when None) when it is
        missing or bad (bad: removed and remembered). ``context``: windows for times."""
        if default is None:
            default = SETTINGS[key].default
        raw = self.q.value(key)
        if raw is None:
            return default
        try:
            return check(key, raw, **context)
        except SettingError as exc:
            self._refuse(key, SETTINGS[key].what, exc)
            return default

    def layout(self, key: str) -> QtCore.QByteArray | None:
        """The window's saved geometry or dock layout, or None (bad: removed, remembered)."""
        raw = self.q.value(key)
        if raw is None:
            return None
        if not isinstance(raw, QtCore.QByteArray):
            self._refuse(key, LAYOUT_KEYS[key], f"a {type(raw).__name__}, not Qt's saved "
                                                "layout")
            return None
        if raw.size() > MAX_LAYOUT_BYTES:
            self._refuse(key, LAYOUT_KEYS[key], f"{raw.size():,} bytes, more than a layout")
            return None
        return raw

    def layout_failed(self, key: str) -> None:
        """Qt could not restore the layout ``key`` (its bytes are not one)."""
        self._refuse(key, LAYOUT_KEYS[key], "Qt could not restore it")

    def sweep(self, **context) -> None:
        """Check every key of the table that the file holds (bad ones removed, remembered);
        ``context``: the windows times are checked against."""
        present = set(self.q.allKeys())
        for key in SETTINGS:
            if key in present:
                self.get(key, **context)
        for key in LAYOUT_KEYS:
            if key in present:
                self.layout(key)

    def put(self, key: str, value, **context) -> bool:
        """Write ``value`` under ``key`` if reading it back would accept it; False (and
        nothing written) otherwise: never a NaN."""
        if key in LAYOUT_KEYS:
            self.q.setValue(key, value)
            return True
        try:
            self.q.setValue(key, check_for_saving(key, value, **context))
        except SettingError:
            return False
        return True

    def report(self, window) -> None:
        """Tell the user, once, which saved values were reset (status bar, Details)."""
        if not self.problems:
            return
        n = len(self.problems)
        lines, self.problems = self.problems, []
        window.show_problem(f"{n} saved setting{'s' if n != 1 else ''} could not be used and "
                            f"{'were' if n != 1 else 'was'} reset to the default",
                            "\n".join(lines))


class AutoSave(QtCore.QObject):
    """Calls ``save()`` :data:`SAVE_DELAY_MS` after the first of a burst of changes."""

    def __init__(self, save, parent=None, delay_ms: int = SAVE_DELAY_MS):
        super().__init__(parent)
        self._save = save
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._save)
        self._subscriptions = []
        self._closed = False

    def changed(self, *_args) -> None:
        if not self._closed and not self._timer.isActive():
            self._timer.start()

    def pending(self) -> bool:
        return self._timer.isActive()

    def close(self) -> None:
        """Stop watching and drop a pending save (the app saves on close itself); later
        changes (the closing window's last moves) are ignored."""
        self._closed = True
        self._timer.stop()
        for sub in self._subscriptions:
            sub.unsubscribe()
        self._subscriptions = []

    def watch_app(self, app) -> None:
        """Changes of ``app`` that a save keeps: time, view, camera, selection, the window's
        place and size, the panels' layout."""
        v = app.viewer
        for event in (v.events.time, v.events.view, v.events.camera, v.events.selection):
            self._subscriptions.append(event.connect(self.changed))
        app.viewport.camera_changed.connect(self.changed)
        app.window.installEventFilter(self)
        for dock in app.window.findChildren(QtWidgets.QDockWidget):
            dock.dockLocationChanged.connect(self.changed)
            dock.topLevelChanged.connect(self.changed)
            dock.visibilityChanged.connect(self.changed)

    def eventFilter(self, obj, event):  # noqa: N802 (Qt)
        if event.type() in (QtCore.QEvent.Type.Move, QtCore.QEvent.Type.Resize):
            self.changed()
        return False


__all__ = ["AppSettings", "AutoSave", "SAVE_DELAY_MS"]
