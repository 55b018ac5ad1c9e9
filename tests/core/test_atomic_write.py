"""Atomic writes (orbitviz.core.atomic_write): nothing lost, nothing half-done (issue 14).

Real files on the real file system throughout: races are real threads and processes, a
killed writer is a real ``kill -9``, a full disk is a real write to ``/dev/full``.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from orbitviz.core import atomic_write as aw
from orbitviz.core.atomic_write import (AtomicWriteError, TargetExistsError, is_temporary_name,
                                        remove_stale_temporaries, temporary_name, write_atomic)


def text_writer(text):
    def writer(tmp):
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
    return writer


def test_crash_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "index.html"
    target.write_text("old")

    def crash(tmp):
        Path(tmp).write_text("half of the new")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, crash)
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["index.html"]
    write_atomic(target, text_writer("new"))
    assert target.read_text() == "new" and os.listdir(tmp_path) == ["index.html"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_without_force_an_existing_file_is_refused_before_writing(tmp_path):
    target = tmp_path / "a.png"
    target.write_text("mine")
    called = []
    with pytest.raises(TargetExistsError, match="exists: use --force") as e:
        write_atomic(target, lambda tmp: called.append(tmp), force=False)
    assert not e.value.appeared and called == [] and target.read_text() == "mine"


@pytest.mark.parametrize("route", ["renameat2", "link", "placeholder"])
def test_a_file_that_appears_during_the_write_survives(tmp_path, monkeypatch, route):
    """The race of issue 14: the user (or a second export) writes the target while the
    render runs; without force the last step must not replace it, on every route."""
    if route == "renameat2" and aw._RENAMEAT2 is None:
        pytest.skip("this C library has no renameat2")
    if route != "renameat2":
        monkeypatch.setattr(aw, "_RENAMEAT2", None)
    if route == "placeholder":  # a file system without hard links (FAT)
        def no_links(*args, **kwargs):
            raise OSError(errno.EPERM, os.strerror(errno.EPERM))
        monkeypatch.setattr(aw.os, "link", no_links)
    target = tmp_path / "docking.png"

    def slow_render(tmp):
        Path(tmp).write_bytes(b"the export's picture")
        target.write_bytes(b"the user's picture")  # appears meanwhile

    with pytest.raises(TargetExistsError, match="appeared while it was being written") as e:
        write_atomic(target, slow_render, force=False)
    assert e.value.appeared
    assert target.read_bytes() == b"the user's picture"
    assert os.listdir(tmp_path) == ["docking.png"]
    # and with nothing in the way each route writes the file
    other = tmp_path / "other.png"
    write_atomic(other, text_writer("whole"), force=False)
    assert other.read_text() == "whole"
    assert sorted(os.listdir(tmp_path)) == ["docking.png", "other.png"]


def test_two_writers_race_for_one_path_and_exactly_one_wins(tmp_path):
    target = tmp_path / "race.png"
    both_written = threading.Barrier(2)
    outcome = {}

    def export(name):
        def writer(tmp):
            Path(tmp).write_text(name * 1000)
            both_written.wait(timeout=10)  # both renders finished: both rename now
        try:
            write_atomic(target, writer, force=False)
            outcome[name] = "wrote"
        except TargetExistsError:
            outcome[name] = "refused"

    threads = [threading.Thread(target=export, args=(n,)) for n in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert sorted(outcome.values()) == ["refused", "wrote"]
    winner = next(n for n, o in outcome.items() if o == "wrote")
    assert target.read_text() == winner * 1000
    assert os.listdir(tmp_path) == ["race.png"]


def test_names_at_the_file_system_limit_work(tmp_path):
    limit = aw.name_max(tmp_path)
    for name in ("b" * (limit - 4) + ".png", "é" * ((limit - 4) // 2) + ".png"):
        assert len(os.fsencode(name)) <= limit
        out = write_atomic(tmp_path / name, text_writer("fits"), force=False)
        assert out.read_text() == "fits"
    tmp = temporary_name("é" * 200 + ".png", "0123abcd", ".mp4", limit)
    assert len(os.fsencode(tmp)) <= limit and is_temporary_name(tmp)
    assert tmp.startswith(".orbitviz-0123abcd-é") and tmp.endswith(".part.mp4")


def test_a_name_too_long_is_refused_before_the_writer_runs(tmp_path):
    called = []
    with pytest.raises(AtomicWriteError, match="its name is 300 bytes long, and the file "
                                                "system allows 255"):
        write_atomic(tmp_path / ("a" * 296 + ".png"), lambda tmp: called.append(tmp))
    assert called == [] and os.listdir(tmp_path) == []


def test_a_full_disk_is_one_line_naming_the_path(tmp_path):
    """A real writer's real ENOSPC: /dev/full refuses every write."""
    def to_dev_full(tmp):
        with open("/dev/full", "wb") as fh:
            fh.write(b"x" * 65536)

    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    target = tmp_path / "still.png"
    with pytest.raises(AtomicWriteError) as e:
        write_atomic(target, to_dev_full)
    assert str(e.value) == f"the disk is full: cannot write {target}"
    assert os.listdir(tmp_path) == []
    assert aw.error_line(OSError(errno.ENOSPC, "x"), "p") == "the disk is full: cannot write p"


def test_a_missing_folder_is_one_line(tmp_path):
    with pytest.raises(AtomicWriteError, match="the folder .*nowhere does not exist"):
        write_atomic(tmp_path / "nowhere" / "x.png", text_writer("x"))


_HOLDER = r"""
import sys, time
from pathlib import Path
from orbitviz.core.atomic_write import write_atomic

def writer(tmp):
    Path(tmp).write_text("half")
    print(tmp, flush=True)
    time.sleep(600)

write_atomic(sys.argv[1], writer)
"""


def test_a_killed_writers_temporary_is_removed_by_the_next_write(tmp_path):
    """kill -9 leaves the temporary file; while its writer lives nobody removes it, and once
    it is dead the next write into the folder does (by name pattern, lock and age)."""
    target = tmp_path / "docking.png"
    proc = subprocess.Popen([sys.executable, "-c", _HOLDER, str(target)],
                            stdout=subprocess.PIPE, text=True)
    try:
        tmp = Path(proc.stdout.readline().strip())
        assert tmp.parent == tmp_path and is_temporary_name(tmp.name)
        past = time.time() - 60
        os.utime(tmp, (past, past))  # old enough, but held by a live writer
        assert remove_stale_temporaries(tmp_path) == [] and tmp.exists()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stdout.close()
    assert tmp.exists()  # kill -9: nothing ran to clean up
    # files of other names are never touched, whatever their age
    others = [".orbitviz-notes.part", "docking.png.part", ".docking.png.abcd1234.part",
              ".orbitviz-0123abcd-x.png"]
    for name in others:
        (tmp_path / name).write_text("someone's")
        os.utime(tmp_path / name, (past, past))
    fresh = tmp_path / temporary_name("fresh.png", "89abcdef")
    fresh.write_text("just made, not yet locked")
    os.utime(tmp, (past, past))
    write_atomic(tmp_path / "next.png", text_writer("next"))
    assert not tmp.exists()
    assert fresh.exists()  # younger than STALE_MIN_AGE_S: may belong to a writer starting
    assert sorted(os.listdir(tmp_path)) == sorted(others + [fresh.name, "next.png"])


def test_stale_temporary_folders_are_removed_too(tmp_path):
    folder = tmp_path / temporary_name("clip", "fedcba98")
    folder.mkdir()
    (folder / "frame_00000.png").write_bytes(b"frame")
    past = time.time() - 60
    os.utime(folder, (past, past))
    assert remove_stale_temporaries(tmp_path) == [folder.name]
    assert os.listdir(tmp_path) == []


def test_a_cancel_during_the_write_keeps_the_old_file(tmp_path):
    """A signal recorded while the writer ran (a CancelToken set by the CLI's handler) stops
    the write at the last check before the rename: old file as it was, no temporary."""
    from orbitviz.core.cancel import Cancelled, CancelToken

    target = tmp_path / "docking.png"
    target.write_bytes(b"old picture")
    token = CancelToken()

    def render(tmp):
        Path(tmp).write_bytes(b"new picture")
        token.request(signal.SIGTERM)  # the handler ran while the picture was encoded

    with pytest.raises(Cancelled) as e:
        write_atomic(target, render, force=True, cancel=token)
    assert e.value.signum == signal.SIGTERM and e.value.exit_status == 143
    assert target.read_bytes() == b"old picture"
    assert os.listdir(tmp_path) == ["docking.png"]


def test_mode_is_kept_when_asked(tmp_path):
    target = tmp_path / "shots.json"
    write_atomic(target, text_writer("{}"), mode=0o600)
    assert target.stat().st_mode & 0o7777 == 0o600


def _frames_writer(n, marker="new"):
    def writer(tmp):
        for k in range(n):
            Path(tmp, f"frame_{k:05d}.png").write_text(f"{marker} {k}")
    return writer


def test_a_folder_appears_whole_or_not_at_all(tmp_path):
    target = tmp_path / "frames"

    def crash(tmp):
        _frames_writer(3)(tmp)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        aw.write_folder_atomic(target, crash)
    assert os.listdir(tmp_path) == []
    aw.write_folder_atomic(target, _frames_writer(3))
    assert sorted(os.listdir(target)) == ["frame_00000.png", "frame_00001.png",
                                          "frame_00002.png"]
    assert os.listdir(tmp_path) == ["frames"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o777 & ~umask


@pytest.mark.parametrize("route", ["exchange", "two-renames"])
def test_a_folder_replaces_an_old_one_only_when_allowed(tmp_path, monkeypatch, route):
    if route == "exchange" and aw._RENAMEAT2 is None:
        pytest.skip("this C library has no renameat2")
    if route == "two-renames":
        monkeypatch.setattr(aw, "exchange", lambda a, b: False)
    target = tmp_path / "frames"
    aw.write_folder_atomic(target, _frames_writer(4, "old"))
    # without a replace rule an existing folder is refused before anything is written
    with pytest.raises(TargetExistsError, match="exists: use --force"):
        aw.write_folder_atomic(target, _frames_writer(2))

    def refuse(path):
        raise AtomicWriteError(f"{path} holds other files")

    with pytest.raises(AtomicWriteError, match="holds other files"):
        aw.write_folder_atomic(target, _frames_writer(2), replace=refuse)
    assert sorted(os.listdir(target))[-1] == "frame_00003.png"
    seen = []
    aw.write_folder_atomic(target, _frames_writer(2), replace=seen.append)
    assert seen == [target]
    assert sorted(os.listdir(target)) == ["frame_00000.png", "frame_00001.png"]
    assert (target / "frame_00000.png").read_text() == "new 0"
    assert os.listdir(tmp_path) == ["frames"]  # the old folder is gone, no temporary


def test_a_folder_that_appears_during_the_write_survives(tmp_path):
    target = tmp_path / "frames"

    def slow(tmp):
        _frames_writer(2)(tmp)
        target.mkdir()
        (target / "notes.txt").write_text("the user's")

    with pytest.raises(TargetExistsError, match="appeared while it was being written"):
        aw.write_folder_atomic(target, slow)
    assert os.listdir(target) == ["notes.txt"]
    assert os.listdir(tmp_path) == ["frames"]


_FOLDER_HOLDER = r"""
import sys, time
from pathlib import Path
from orbitviz.core.atomic_write import write_folder_atomic

def writer(tmp):
    Path(tmp, "frame_00000.png").write_bytes(b"half a clip")
    print(tmp, flush=True)
    time.sleep(600)

write_folder_atomic(sys.argv[1], writer)
"""


def test_a_killed_writers_temporary_folder_is_removed_by_the_next_write(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", _FOLDER_HOLDER, str(tmp_path / "clip")],
                            stdout=subprocess.PIPE, text=True)
    try:
        tmp = Path(proc.stdout.readline().strip())
        assert tmp.is_dir() and is_temporary_name(tmp.name)
        past = time.time() - 60
        os.utime(tmp, (past, past))
        assert remove_stale_temporaries(tmp_path) == [] and tmp.exists()  # held: alive
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stdout.close()
    assert tmp.exists()
    write_atomic(tmp_path / "next.png", text_writer("next"))
    assert os.listdir(tmp_path) == ["next.png"]
