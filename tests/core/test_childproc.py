"""Helper programs die with the process that started them (issue 14: after ``kill -9`` of
``orbitviz export`` its Xvfb and ffmpeg ran on). Real processes and a real ``kill -9``;
whether a process is gone is read from ``/proc``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orbitviz.core import childproc

pytestmark = pytest.mark.skipif(not childproc.follows_parent(),
                                reason="PR_SET_PDEATHSIG is Linux's")

_PARENT = r"""
import subprocess, sys
from orbitviz.core.childproc import popen_kwargs
child = subprocess.Popen(["sleep", "600"], **popen_kwargs())
print(child.pid, flush=True)
child.wait()
"""


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead and waiting for its reaper, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def wait_gone(pid: int, timeout_s: float = 10.0) -> bool:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if not alive(pid):
            return True
        time.sleep(0.02)
    return False


def test_a_child_dies_when_its_parent_is_killed():
    parent = subprocess.Popen([sys.executable, "-c", _PARENT], stdout=subprocess.PIPE,
                              text=True)
    child = int(parent.stdout.readline())
    try:
        assert alive(child)
        assert os.getsid(child) == child  # a session of its own: a terminal's Ctrl-C skips it
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        assert wait_gone(child), "the child outlived its parent"
    finally:
        parent.stdout.close()
        if alive(child):
            os.kill(child, signal.SIGKILL)


def test_the_death_signal_can_be_gentler():
    """Xvfb gets SIGTERM (it then removes its lock file); the child sees that signal."""
    script = ("import subprocess, signal, sys\n"
              "from orbitviz.core.childproc import popen_kwargs\n"
              "c = subprocess.Popen([sys.executable, '-c', 'import signal, sys, time\\n"
              "signal.signal(signal.SIGTERM, lambda *a: (print(\"term\", flush=True), "
              "sys.exit(0)))\\nprint(\"ready\", flush=True)\\ntime.sleep(600)'], "
              "**popen_kwargs(signal.SIGTERM))\n"
              "print(c.pid, flush=True)\nc.wait()\n")
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                              text=True)
    try:
        child = int(parent.stdout.readline())
        assert parent.stdout.readline().strip() == "ready"
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        assert parent.stdout.readline().strip() == "term"  # the child's last words
        assert wait_gone(child)
    finally:
        parent.stdout.close()
