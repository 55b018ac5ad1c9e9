"""Signals and kills during a real export through the real CLI (issue 14).

- SIGTERM and SIGINT cancel cleanly: exit status non-zero (143, 130), one line, the old
  target byte-identical, no temporary file, no half folder, no ``orbitviz-xdg-*`` folder.
- ``kill -9`` during a clip: the CLI's ffmpeg and private Xvfb die with it (read from
  ``/proc``), and the next export into that folder removes the dead clip's temporaries and
  the dead Xvfb's runtime folder.

Each renders with OpenGL (pytest-xvfb's display, or the CLI's own private Xvfb where a test
removes ``DISPLAY``)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orbitviz.core import childproc
from orbitviz.core.atomic_write import is_temporary_name

pytestmark = pytest.mark.gl

CLI = [sys.executable, "-m", "orbitviz"]
EIGHT_K = ["--at", "docking", "--size", "7680x4320", "--force"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _env(tmp: Path, private_xvfb: bool = False) -> dict:
    """The CLI's environment: its temporary folder in ``tmp`` (where a private Xvfb's
    runtime folder goes); with ``private_xvfb`` no display, so it starts its own."""
    env = dict(os.environ, TMPDIR=str(tmp))
    if private_xvfb:
        for key in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR"):
            env.pop(key, None)
    return env


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (read from /proc)."""
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            kids.append(int(entry))
    return kids


def _name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _wait_gone(pids, timeout_s: float = 15.0) -> list[int]:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        left = [p for p in pids if _alive(p)]
        if not left:
            return []
        time.sleep(0.05)
    return [p for p in pids if _alive(p)]


def _leftovers(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder)
                  if is_temporary_name(n) or n.startswith("orbitviz-xdg-"))


@pytest.fixture(scope="module")
def eight_k_seconds(tmp_path_factory):
    """How long an 8K still takes here, start to exit (the signals go in at shares of it,
    well before the final rename)."""
    folder = tmp_path_factory.mktemp("8k")
    start = time.monotonic()
    r = subprocess.run([*CLI, "export", *EIGHT_K, "--out", str(folder / "ref.png")],
                       capture_output=True, text=True, timeout=300, env=_env(folder))
    took = time.monotonic() - start
    assert r.returncode == 0, r.stderr
    return took


@pytest.mark.parametrize("share, sig", [(0.15, signal.SIGTERM), (0.3, signal.SIGTERM),
                                        (0.45, signal.SIGTERM), (0.6, signal.SIGTERM),
                                        (0.75, signal.SIGTERM), (0.5, signal.SIGINT)])
def test_a_signal_during_an_8k_export_leaves_the_old_file(tmp_path, eight_k_seconds, share,
                                                          sig):
    """Issue 14: SIGTERM 1.5–2.3 s into an 8K export once exited 0 and replaced the
    target with a picture without the Earth (the handler's exception was swallowed by
    pyqtgraph's item drawing). Now at every moment: non-zero, the old file byte-identical."""
    target = tmp_path / "target.png"
    target.write_bytes(b"the picture that was there before" * 100)
    before = _digest(target)
    proc = subprocess.Popen([*CLI, "export", *EIGHT_K, "--out", str(target)], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_env(tmp_path))
    try:
        time.sleep(share * eight_k_seconds)
        assert proc.poll() is None, "the export ended before the signal"
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode != 0, err
    assert _digest(target) == before
    assert sorted(os.listdir(tmp_path)) == ["target.png"]  # no temporary, no runtime folder
    assert out == "" and "Traceback" not in err and "Error while drawing" not in err
    if proc.returncode > 0:  # our handler ran (before it, the default action: killed)
        assert proc.returncode == 128 + sig
        name = signal.Signals(sig).name
        assert err.splitlines() == [f"orbitviz: export cancelled by {name}; no file was "
                                    "left half-written"]


def _start(args, tmp_path, env):
    return subprocess.Popen([*CLI, "export", *args], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def _wait_for_progress(proc, needle: str, timeout_s: float = 120.0) -> list[str]:
    """Read the CLI's stderr until a line holds ``needle`` (the export is under way)."""
    lines = []
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
        if needle in line:
            return lines
    pytest.fail(f"the export never got to {needle!r}: {''.join(lines)[-800:]}")


CLIP = ["--from", "docking", "--to", "T+3:30:00", "--rate", "10", "--fps", "30",
        "--size", "320x180"]


@pytest.mark.parametrize("out", ["clip.mp4", "frames/"])
def test_sigterm_during_a_clip_leaves_nothing(tmp_path, out):
    """An MP4 onto an existing video, and a new PNG sequence: after SIGTERM mid-clip the old
    video is byte-identical, there is no folder, no temporary, and no ffmpeg left."""
    old = tmp_path / "clip.mp4"
    old.write_bytes(b"an older video" * 1000)
    before = sorted(os.listdir(tmp_path))
    proc = _start([*CLIP, "--out", str(tmp_path / out), "--force"], tmp_path, _env(tmp_path))
    try:
        _wait_for_progress(proc, "frames")
        kids = _children(proc.pid)
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 143
    assert _digest(old) == hashlib.sha256(b"an older video" * 1000).hexdigest()
    assert sorted(os.listdir(tmp_path)) == before
    assert _wait_gone(kids) == []


def test_sigterm_during_events_leaves_no_half_folder(tmp_path):
    proc = _start(["--events", "--size", "320x180", "--out", str(tmp_path / "events")],
                  tmp_path, _env(tmp_path))
    try:
        _wait_for_progress(proc, "[ 2/")  # two pictures written
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 143
    assert os.listdir(tmp_path) == []


@pytest.mark.skipif(not childproc.follows_parent(), reason="PR_SET_PDEATHSIG is Linux's")
@pytest.mark.parametrize("out", ["clip.mp4", "frames/"])
def test_kill_9_during_a_clip_then_a_second_export(tmp_path, out):
    """kill -9 of the CLI mid-clip, with its own private Xvfb: its ffmpeg (for an MP4) and its
    Xvfb die with it; what it left (a temporary file or folder, the runtime folder) is
    removed by the next export into that folder, which writes its own file whole."""
    env = _env(tmp_path, private_xvfb=True)
    proc = _start([*CLIP, "--out", str(tmp_path / out)], tmp_path, env)
    try:
        _wait_for_progress(proc, "frames")
        kids = {pid: _name(pid) for pid in _children(proc.pid)}
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    assert "Xvfb" in kids.values(), kids
    if out.endswith(".mp4"):
        assert any(name.startswith("ffmpeg") for name in kids.values()), kids
    assert _wait_gone(kids) == [], {p: kids[p] for p in _wait_gone(kids, 0)}
    left = _leftovers(tmp_path)
    assert any(is_temporary_name(n) for n in left)  # kill -9: nothing ran to clean up
    assert any(n.startswith(f"orbitviz-xdg-{proc.pid}-") for n in left)
    past = time.time() - 60  # older than a temporary still being set up (5 s)
    for name in left:
        os.utime(tmp_path / name, (past, past))
    r = subprocess.run([*CLI, "export", "--at", "docking", "--size", "64x36", "--out",
                        str(tmp_path / "next.png")], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(tmp_path)) == ["next.png"]
