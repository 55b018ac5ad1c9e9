"""Faults during a real export through the real CLI (issue 14): a file written to the
target during the render, a full disk under ``--events``, and a killed writer's temporary
file. Each renders with OpenGL (pytest-xvfb's display, or the CLI's own private Xvfb)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orbitviz.core.atomic_write import is_temporary_name

pytestmark = pytest.mark.gl

CLI = [sys.executable, "-m", "orbitviz"]


def _temporary_in(folder: Path) -> bool:
    return any(is_temporary_name(n) for n in os.listdir(folder))


def test_a_file_written_to_the_target_during_the_render_survives(tmp_path):
    """The user saves a file at the target while the export finishes: as soon as the
    export's temporary file appears (the picture rendered, being encoded), the target is
    written. The export must leave it and exit 2."""
    target = tmp_path / "docking.png"
    proc = subprocess.Popen([*CLI, "export", "--at", "docking", "--size", "3840x2160",
                             "--out", str(target)], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not _temporary_in(tmp_path) and proc.poll() is None:
            assert time.monotonic() < deadline, "the export never started writing"
            time.sleep(0.002)
        target.write_bytes(b"the user's own picture")  # while the 4K PNG is encoded
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert err.splitlines() == [f"orbitviz: error: {target} appeared while it was being "
                                "written: it is left as it was (use --force to overwrite it)"]
    assert proc.returncode == 2 and out == ""
    assert target.read_bytes() == b"the user's own picture"
    assert os.listdir(tmp_path) == ["docking.png"]


def _namespaces_work() -> bool:
    if not shutil.which("unshare"):
        return False
    r = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs tmpfs /mnt"],
                       capture_output=True, timeout=20)
    return r.returncode == 0


def test_events_onto_a_full_disk_leave_no_folder(tmp_path):
    """A full 8 KiB tmpfs in a user and mount namespace: the first picture fails, the line
    says the disk is full, and the folder the export made is gone again."""
    if not _namespaces_work():
        pytest.skip("needs a user and mount namespace (unshare -rm) for a small tmpfs")
    full = tmp_path / "full"
    full.mkdir()
    script = ('mount -t tmpfs -o size=8k tmpfs "$0" || exit 97; '
              'head -c 1048576 /dev/zero > "$0/fill" 2>/dev/null; '
              '"$@"; echo "exit=$?"; ls -A "$0"')
    r = subprocess.run(["unshare", "-rm", "sh", "-c", script, str(full), *CLI, "export",
                        "--events", "--size", "64x36", "--out", str(full / "events")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode != 97, r.stderr
    assert r.stdout.splitlines() == ["exit=2", "fill"]  # no events/ folder left
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith(f"orbitviz: error: the disk is full: cannot write {full}/events/")


_HOLDER = r"""
import sys, time
from pathlib import Path
from orbitviz.core.atomic_write import write_atomic

def writer(tmp):
    Path(tmp).write_bytes(b"half a picture")
    print(tmp, flush=True)
    time.sleep(600)

write_atomic(sys.argv[1], writer)
"""


def test_the_next_export_removes_a_killed_exports_temporary(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", _HOLDER, str(tmp_path / "a.png")],
                            stdout=subprocess.PIPE, text=True)
    try:
        tmp = Path(proc.stdout.readline().strip())
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stdout.close()
    assert is_temporary_name(tmp.name) and tmp.exists()
    time.sleep(0.1)
    past = time.time() - 60  # a minute ago: older than a temporary still being set up
    os.utime(tmp, (past, past))
    r = subprocess.run([*CLI, "export", "--at", "docking", "--size", "64x36", "--out",
                        str(tmp_path / "b.png")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert os.listdir(tmp_path) == ["b.png"]


@pytest.mark.parametrize("out, shown", [("c.mp4", "c.mp4"), ("frames/", "frames")])
def test_a_clip_onto_a_full_disk_is_one_line_and_leaves_nothing(tmp_path, out, shown):
    """ENOSPC from ffmpeg (an MP4) or from a frame's PNG (a sequence) on a full 8 KiB tmpfs:
    one line saying the disk is full and naming the target, exit 2, and inside the tmpfs
    nothing but what filled it (no temporary file or folder). Before it only the clip's
    progress lines (x264 buffers frames before the first write fails): no ffmpeg lines."""
    if not _namespaces_work():
        pytest.skip("needs a user and mount namespace (unshare -rm) for a small tmpfs")
    full = tmp_path / "full"
    full.mkdir()
    script = ('mount -t tmpfs -o size=8k tmpfs "$0" || exit 97; '
              'head -c 1048576 /dev/zero > "$0/fill" 2>/dev/null; '
              '"$@"; echo "exit=$?"; ls -A "$0"')
    r = subprocess.run(["unshare", "-rm", "sh", "-c", script, str(full), *CLI, "export",
                        "--from", "docking", "--to", "T+3:27:40", "--rate", "10", "--fps",
                        "10", "--size", "64x36", "--out", f"{full}/{out}"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode != 97, r.stderr
    assert r.stdout.splitlines() == ["exit=2", "fill"]
    *progress, last = r.stderr.splitlines()
    assert last == f"orbitviz: error: the disk is full: cannot write {full}/{shown}"
    assert all(re.match(r"^\[[# ]{30}\] +\d+\.\d%  \d+/12 frames", ln) for ln in progress), \
        progress
