"""Starting the desktop app: is there a display with OpenGL, and the QApplication itself.

Everything here runs before the window exists; problems become one line for the user
(:class:`StartupError`, or a reason string), never a crash in Qt.
"""

from __future__ import annotations

import os
import sys

from PySide6 import QtCore, QtGui, QtWidgets

ORG = "orbitviz"
APP = "orbitviz"


class StartupError(RuntimeError):
    """The app cannot start here; the message is one line for the user."""


# -- environment checks ---------------------------------------------------------------------
def check_display() -> None:
    """Raise :class:`StartupError` where Qt would abort for want of a display."""
    if sys.platform.startswith("linux"):
        platform = os.environ.get("QT_QPA_PLATFORM", "")
        if platform.startswith(("offscreen", "minimal")):
            raise StartupError(
                f"QT_QPA_PLATFORM={platform} has no OpenGL: unset it, or run under a display "
                "(xvfb-run orbitviz); the CLI commands work without one")
        if not platform and not os.environ.get("DISPLAY") and not os.environ.get(
                "WAYLAND_DISPLAY"):
            raise StartupError("no display: run orbitviz in a desktop session or under "
                               "xvfb-run; the CLI commands (orbitviz --help) work without one")


def check_opengl() -> str | None:
    """None when an OpenGL context with shaders (2.1+) can be made, else the reason."""
    if QtGui.QGuiApplication.platformName() in ("offscreen", "minimal"):
        return f"the '{QtGui.QGuiApplication.platformName()}' Qt platform has no OpenGL"
    ctx = QtGui.QOpenGLContext()
    if not ctx.create():
        return "no OpenGL context could be created (is Mesa's libgl1-mesa-dri installed?)"
    surface = QtGui.QOffscreenSurface()
    surface.setFormat(ctx.format())
    surface.create()
    if not ctx.makeCurrent(surface):
        return "the OpenGL context cannot be made current"
    major, minor = ctx.format().majorVersion(), ctx.format().minorVersion()
    ctx.doneCurrent()
    if (major, minor) < (2, 1):
        return f"OpenGL {major}.{minor} is too old: orbitviz needs 2.1 or newer with shaders"
    return None


def dark_palette() -> QtGui.QPalette:
    p = QtGui.QPalette()
    base = QtGui.QColor(24, 26, 32)
    window = QtGui.QColor(34, 37, 45)
    text = QtGui.QColor(226, 230, 238)
    role = QtGui.QPalette.ColorRole
    for r, c in ((role.Window, window), (role.WindowText, text), (role.Base, base),
                 (role.AlternateBase, window), (role.ToolTipBase, QtGui.QColor(50, 54, 64)),
                 (role.ToolTipText, text), (role.Text, text), (role.Button, window),
                 (role.ButtonText, text), (role.BrightText, QtGui.QColor(255, 120, 90)),
                 (role.Highlight, QtGui.QColor(64, 132, 220)),
                 (role.HighlightedText, QtGui.QColor(255, 255, 255)),
                 (role.PlaceholderText, QtGui.QColor(140, 146, 160))):
        p.setColor(r, c)
    p.setColor(QtGui.QPalette.ColorGroup.Disabled, role.Text, QtGui.QColor(120, 124, 134))
    p.setColor(QtGui.QPalette.ColorGroup.Disabled, role.ButtonText, QtGui.QColor(120, 124, 134))
    return p


def make_qapplication(argv=None) -> QtWidgets.QApplication:
    """The QApplication, with shared GL contexts (pyqtgraph 0.14 needs them) and high DPI."""
    existing = QtWidgets.QApplication.instance()
    if existing is not None:
        return existing
    QtCore.QCoreApplication.setAttribute(QtCore.Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    QtGui.QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        QtCore.Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QtWidgets.QApplication(list(argv or sys.argv[:1]))
    app.setOrganizationName(ORG)
    app.setApplicationName(APP)
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    from orbitviz.core.assets import resource_path

    app.setWindowIcon(QtGui.QIcon(str(resource_path("icons", "orbitviz.png"))))
    app.setDesktopFileName("orbitviz")  # matches resources/orbitviz.desktop
    return app


def quit_on_signals(qapp, close) -> None:
    """SIGTERM and SIGINT (Ctrl-C) call ``close`` (the window's close: settings saved, work
    stopped) instead of killing the app or raising ``KeyboardInterrupt`` into whatever Python
    code runs (pyqtgraph's drawing would swallow it). Qt's event loop runs in C++, where
    Python's handlers wait; the signal also writes to a socket Qt watches
    (``signal.set_wakeup_fd``), which wakes the loop so the handler runs at once. The handler
    only schedules ``close`` on the event loop."""
    import signal
    import socket

    rsock, wsock = socket.socketpair()
    rsock.setblocking(False)
    wsock.setblocking(False)
    signal.set_wakeup_fd(wsock.fileno(), warn_on_full_buffer=False)
    notifier = QtCore.QSocketNotifier(rsock.fileno(), QtCore.QSocketNotifier.Type.Read, qapp)

    def drain() -> None:  # Python runs here, and with it the pending signal handler
        try:
            rsock.recv(256)
        except OSError:
            pass

    notifier.activated.connect(drain)

    def handler(signum, frame) -> None:
        QtCore.QTimer.singleShot(0, close)

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, handler)
    qapp._orbitviz_signal_wakeup = (rsock, wsock, notifier)  # kept as long as the app


__all__ = ["StartupError", "check_display", "check_opengl", "dark_palette",
           "make_qapplication", "quit_on_signals", "ORG", "APP"]
