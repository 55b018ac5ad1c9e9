"""A private X server (Xvfb) for commands that render with OpenGL on a machine without a
display (``orbitviz export`` on a server or in CI).

:func:`display_available` says whether Qt can open a GL-capable window here;
:class:`PrivateXvfb` starts ``Xvfb`` on a free display number (chosen by the server itself
through ``-displayfd``), points ``DISPLAY`` at it for this process, and stops it on exit.

Nothing outlives the command (issue 14):

- Xvfb runs as a child that gets SIGTERM when this process dies, however it dies (``kill -9``
  included; :func:`~orbitviz.core.childproc.popen_kwargs`), in a session of its own.
- Its ``XDG_RUNTIME_DIR`` (Qt wants one) is ``orbitviz-xdg-<pid>-<random>`` in the temporary
  folder, removed on exit; one left by a process that was killed (its pid no longer runs, and
  the folder is this user's) is removed the next time a private Xvfb starts.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile

from orbitviz.core.childproc import popen_kwargs

INSTALL_HINT = ("install Xvfb (Debian/Ubuntu: apt install xvfb xauth libgl1-mesa-dri; "
                "Fedora: dnf install xorg-x11-server-Xvfb mesa-dri-drivers), "
                "or run in a desktop session")


XDG_PREFIX = "orbitviz-xdg-"
_XDG_NAME = re.compile(r"^orbitviz-xdg-(\d+)-[A-Za-z0-9_]+$")


def _pid_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it runs
        return True
    return True


def remove_stale_xdg_folders(folder: str | None = None) -> list[str]:
    """Remove ``orbitviz-xdg-<pid>-*`` folders in ``folder`` (the temporary folder) whose
    process no longer runs and that belong to this user; returns their names."""
    base = folder or tempfile.gettempdir()
    removed = []
    try:
        entries = list(os.scandir(base))
    except OSError:
        return removed
    uid = os.getuid()
    for entry in entries:
        m = _XDG_NAME.match(entry.name)
        if m is None:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not entry.is_dir(follow_symlinks=False) or st.st_uid != uid:
            continue
        if _pid_runs(int(m.group(1))):
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(entry.name)
    return removed


class XvfbError(RuntimeError):
    """No display and no way to make one; the message is one line for the user."""


def display_available() -> bool:
    """True when Qt can open GL windows here: a desktop session or an X/Wayland display,
    and no GL-less Qt platform (offscreen, minimal) forced by QT_QPA_PLATFORM."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform.startswith(("offscreen", "minimal", "vnc")):
        return False
    if not sys.platform.startswith("linux") and not sys.platform.startswith("freebsd"):
        return True  # Windows and macOS always have a window system
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


class PrivateXvfb:
    """``with PrivateXvfb(): ...`` runs the block with ``DISPLAY`` on a private Xvfb."""

    def __init__(self, screen: str = "1920x1080x24", timeout_s: float = 15.0):
        self.screen = screen
        self.timeout_s = timeout_s
        self.proc: subprocess.Popen | None = None
        self.display: str | None = None
        self._saved: dict = {}
        self._xdg: str | None = None

    def start(self) -> str:
        exe = shutil.which("Xvfb")
        if exe is None:
            raise XvfbError(f"no display, and Xvfb is not installed: {INSTALL_HINT}")
        read_fd, write_fd = os.pipe()
        try:
            self.proc = subprocess.Popen(
                [exe, "-displayfd", str(write_fd), "-screen", "0", self.screen,
                 "-nolisten", "tcp"],
                pass_fds=(write_fd,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, **popen_kwargs(signal.SIGTERM))
        except OSError as exc:
            os.close(read_fd)
            os.close(write_fd)
            raise XvfbError(f"cannot start Xvfb: {exc}") from None
        os.close(write_fd)
        number = b""
        try:
            while not number.endswith(b"\n"):
                ready, _, _ = select.select([read_fd], [], [], self.timeout_s)
                if not ready:
                    break
                chunk = os.read(read_fd, 32)
                if not chunk:
                    break
                number += chunk
        finally:
            os.close(read_fd)
        if not number.strip().isdigit():
            self.stop()
            raise XvfbError("Xvfb did not start (is xauth installed? try xvfb-run orbitviz …)")
        self.display = f":{number.strip().decode()}"
        for key in ("DISPLAY", "QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR"):
            self._saved[key] = os.environ.get(key)
        os.environ["DISPLAY"] = self.display
        os.environ.pop("QT_QPA_PLATFORM", None)  # the default (xcb) has OpenGL
        os.environ.pop("WAYLAND_DISPLAY", None)
        if not os.environ.get("XDG_RUNTIME_DIR"):  # Qt warns without one
            remove_stale_xdg_folders()
            self._xdg = tempfile.mkdtemp(prefix=f"{XDG_PREFIX}{os.getpid()}-")
            os.environ["XDG_RUNTIME_DIR"] = self._xdg
        return self.display

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None
        for key, value in self._saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved = {}
        if self._xdg is not None:
            shutil.rmtree(self._xdg, ignore_errors=True)
            self._xdg = None

    def __enter__(self) -> "PrivateXvfb":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
