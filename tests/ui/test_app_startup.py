"""Starting the app where it cannot run: one clear line, exit status 2, no traceback."""

import os
import subprocess
import sys


def _run(env_changes, drop=()):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_changes)
    return subprocess.run([sys.executable, "-m", "orbitviz"], capture_output=True, text=True,
                          timeout=120, env=env)


def test_no_opengl_platform_is_refused_clearly():
    p = _run({"QT_QPA_PLATFORM": "offscreen"})
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    assert p.stderr.count("\n") == 1 and "no OpenGL" in p.stderr


def test_no_display_is_refused_clearly():
    p = _run({}, drop=("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    assert p.stderr.count("\n") == 1 and "no display" in p.stderr
