"""Where orbitviz keeps the user's files (Qt decides the platform's locations)."""

from __future__ import annotations

from pathlib import Path

ORG = "orbitviz"
APP = "orbitviz"


def pictures_dir() -> Path:
    """The user's Pictures folder (the platform's; the home folder if it has none)."""
    from PySide6 import QtCore

    loc = QtCore.QStandardPaths.writableLocation(
        QtCore.QStandardPaths.StandardLocation.PicturesLocation)
    return Path(loc) if loc else Path.home()


def default_shots_path() -> Path:
    """The saved-shots file the app and ``orbitviz export --shot`` share by default:
    ``shots.json`` in the platform's application-data folder (on Linux
    ``~/.local/share/orbitviz/orbitviz/``). A plain JSON file the user can copy and share."""
    from PySide6 import QtCore

    if not QtCore.QCoreApplication.organizationName():
        QtCore.QCoreApplication.setOrganizationName(ORG)
    if not QtCore.QCoreApplication.applicationName() or \
            QtCore.QCoreApplication.applicationName() == "python":
        QtCore.QCoreApplication.setApplicationName(APP)
    base = QtCore.QStandardPaths.writableLocation(
        QtCore.QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) / "shots.json"
