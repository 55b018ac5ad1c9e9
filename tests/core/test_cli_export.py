"""``orbitviz export`` without GL: parsing, and every bad input gives one line, exit status 2,
no traceback and no file; atomic writes; the names and views of ``--events``. None of
these paths may start Qt or a display."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from orbitviz.app.export import check_output, write_atomic
from orbitviz.core.export_rules import (ExportError, ExportSpec, check_spec, event_view,
                                        met_file_stem, parse_size)
from orbitviz.cli.args import UsageError, export_kind, parse_args
from orbitviz.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv):
    rc = main(["export", *argv])
    out, err = capsys.readouterr()
    return rc, out, err


# -- parsing (pure) ------------------------------------------------------------------------
def test_parse_the_three_forms():
    ns = parse_args(["export", "--at", "T+300", "--out", "a.png", "--size", "3840x2160",
                     "--view", "follow:soyuz-ms-18", "--frame", "inertial", "--tile", "1024",
                     "--caption", "Lecture 3", "--no-credit", "--transparent", "--force"])
    assert (ns.at, ns.out, ns.size, ns.view, ns.frame, ns.tile) == (
        "T+300", "a.png", (3840, 2160), "follow:soyuz-ms-18", "inertial", 1024)
    assert ns.caption == "Lecture 3" and not ns.credit and ns.transparent and ns.force
    assert export_kind(ns) == "still" and not ns.map
    assert parse_args(["export", "--at", "T+300", "--out", "a.png", "--map"]).map
    ns = parse_args(["export", "--events", "--out", "stills"])
    assert export_kind(ns) == "events" and ns.size == (1920, 1080) and ns.view is None
    ns = parse_args(["export", "--from", "T+0", "--to", "T+60", "--out", "c.mp4",
                     "--fps", "25", "--rate", "30"])
    assert export_kind(ns) == "clip" and (ns.fps, ns.rate) == (25, 30.0)
    assert export_kind(parse_args(["export", "--from", "T+0", "--to", "T+9",
                                   "--out", "frames/"])) == "clip-dir"


@pytest.mark.parametrize("argv, words", [
    (["--at", "T+0", "--out", "a.tiff"], "unknown extension '.tiff'"),
    (["--at", "T+0", "--out", "picture"], "unknown extension"),
    (["--at", "T+0", "--out", "a.jpg", "--transparent"], "JPEG has no alpha"),
    (["--at", "T+0", "--out", "a.png", "--size", "0x1080"], "between 1 and 16384"),
    (["--at", "T+0", "--out", "a.png", "--size", "16385x100"], "between 1 and 16384"),
    (["--at", "T+0", "--out", "a.png", "--size", "big"], "WIDTHxHEIGHT"),
    (["--at", "T+0", "--out", "a.png", "--view", "mars"], "unknown view 'mars'"),
    (["--at", "T+0", "--out", "a.png", "--frame", "galactic"], "invalid choice"),
    (["--at", "T+0", "--out", "a.png", "--tile", "64"], "between 256 and 16384"),
    (["--at", "T+0", "--out", "a.png", "--fps", "25"], "for clips"),
    (["--at", "T+0", "--events", "--out", "d"], "one of"),
    (["--out", "a.png"], "one of"),
    (["--at", "T+0"], "needs --out"),
    (["--from", "T+0", "--out", "c.mp4"], "both --from"),
    (["--from", "T+0", "--to", "T+9", "--out", "c.avi"], "unknown extension '.avi'"),
    (["--from", "T+0", "--to", "T+9", "--out", "c.mp4", "--transparent"], "MP4 has no alpha"),
    (["--from", "T+0", "--to", "T+9", "--out", "c.mp4", "--fps", "0"], "between 1 and 240"),
    (["--from", "T+0", "--to", "T+9", "--out", "c.mp4", "--rate", "-1"], "between 0.001 and"),
    (["--events", "--out", "sheet.png"], "folder"),
    (["--at", "T+0", "--shot", "x", "--out", "a.png"], "one of"),
    (["--at", "T+0", "--shots", "s.json", "--out", "a.png"], "goes with --shot"),
    (["--shot", "x", "--out", "a.mp4"], "unknown extension"),
])
def test_parse_errors(argv, words):
    with pytest.raises(UsageError, match=words):
        parse_args(["export", *argv])


# -- every bad input: one line, status 2, no traceback, no file ------------------------------
def _bad_inputs(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    existing = tmp_path / "old.png"
    existing.write_bytes(b"old picture")
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "notes.txt").write_text("mine")
    frames = tmp_path / "frames"
    frames.mkdir()
    (frames / "frame_00000.png").write_bytes(b"old frame")
    return [
        (["--from", "T+0", "--to", "T+60", "--out", str(mixed) + "/", "--force"],
         "holds other files"),
        (["--from", "T+0", "--to", "T+60", "--out", str(frames) + "/"],
         "earlier frame sequence: use --force"),
        (["--at", "T+300", "--out", str(tmp_path / "nowhere" / "x.png")], "does not exist"),
        (["--at", "T+300", "--out", str(blocker / "x.png")], "not a folder"),
        (["--at", "T+300", "--out", str(tmp_path / "x.webp")], "unknown extension"),
        (["--at", "T+300", "--out", str(tmp_path / "x.png"), "--size", "0x0"], "between 1"),
        (["--at", "T+300", "--out", str(tmp_path / "x.png"), "--size", "20000x10"],
         "between 1"),
        (["--at", "T-3600", "--out", str(tmp_path / "x.png")], "outside the display window"),
        (["--at", "2021-10-25T00:00:00Z", "--out", str(tmp_path / "x.png")],
         "outside the display window"),
        (["--at", "T+300", "--out", str(tmp_path / "x.jpg"), "--transparent"], "JPEG"),
        (["--at", "T+300", "--out", str(existing)], "--force"),
        (["--at", "T+300", "--out", str(tmp_path / "x.png"), "--view", "follow:mir"],
         "unknown object 'mir'"),
        (["--at", "lunch", "--out", str(tmp_path / "x.png")], "unknown event id"),
        (["--events", "--out", str(blocker)], "is a file"),
        (["--events", "--out", str(tmp_path / "nowhere" / "deeper")], "does not exist"),
        (["--from", "T+600", "--to", "T+0", "--out", str(tmp_path / "c.mp4")], "after --from"),
        (["--from", "T+0", "--to", "T+99999999", "--out", str(tmp_path / "c.mp4")],
         "outside the display window"),
    ]


def test_each_bad_input_gives_one_line_and_status_2_and_no_file(capsys, tmp_path):
    cases = _bad_inputs(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    for argv, words in cases:
        rc, out, err = run(capsys, *argv)
        assert rc == 2, argv
        assert out == "", argv
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("orbitviz: error: "), (argv, err)
        assert words in lines[0], (argv, lines[0])
        assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert (tmp_path / "old.png").read_bytes() == b"old picture"


def test_bad_inputs_never_start_qt(tmp_path):
    """In a fresh process: the checks run before any Qt module is imported."""
    code = ("import sys; from orbitviz.cli.main import main; "
            f"rc = main(['export', '--at', 'T-99999', '--out', {str(tmp_path / 'x.png')!r}]); "
            "print(rc, any(m.startswith('PySide6') for m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       timeout=120)
    assert r.stdout.split() == ["2", "False"], r.stderr
    assert "outside the display window" in r.stderr


def test_no_display_and_no_xvfb_says_what_to_install(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PATH"] = str(tmp_path)  # no Xvfb on it
    out = tmp_path / "x.png"
    r = subprocess.run([sys.executable, "-m", "orbitviz", "export", "--at", "T+300",
                        "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert "Xvfb is not installed" in r.stderr and "apt install xvfb" in r.stderr
    assert not out.exists()


# -- the engine's checks and atomic writes ------------------------------------------------------
def test_sizes_and_specs():
    assert parse_size("1920x1080") == (1920, 1080)
    assert parse_size("7680×4320") == (7680, 4320)
    for bad in ("0x10", "10x0", "16385x16", "1920", "axb"):
        with pytest.raises(ExportError):
            parse_size(bad)
    with pytest.raises(ExportError, match="JPEG"):
        check_spec(ExportSpec(transparent=True), path="x.jpeg")
    with pytest.raises(ExportError, match="frame"):
        check_spec(ExportSpec(frame="ecliptic"))
    with pytest.raises(ExportError, match="tile"):
        check_spec(ExportSpec(tile=100))


def test_write_atomic_leaves_no_half_file(tmp_path):
    target = tmp_path / "index.html"
    target.write_text("old")

    def crash(tmp):
        Path(tmp).write_text("half of the new")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, crash)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]
    write_atomic(target, lambda tmp: Path(tmp).write_text("new"))
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600
    with pytest.raises(ExportError, match="--force"):
        write_atomic(target, lambda tmp: None, force=False)
    with pytest.raises(ExportError, match="exists"):
        check_output(target)
    assert check_output(target, force=True) == target


# -- events: names and views ---------------------------------------------------------------------
def test_event_file_names_sort_by_time():
    assert met_file_stem(0.0) == "T+00d00h00m00s"
    assert met_file_stem(12448.558) == "T+00d03h27m29s"
    assert met_file_stem(1021240.0) == "T+11d19h40m40s"
    assert met_file_stem(-1800) == "T-00d00h30m00s"
    stems = [met_file_stem(t) for t in (5, 65, 3605, 86405, 10 * 86400 + 5)]
    assert stems == sorted(stems)


def test_event_views_suit_the_event():
    from dataclasses import replace

    from orbitviz.core.mission import MissionModel
    from orbitviz.core.viewer import ViewerModel

    model = MissionModel.build()
    viewer = ViewerModel(model)
    events = {e.id: e for e in model.events()}
    assert events["liftoff"].view == "baikonur"      # from the mission file
    assert events["docking"].view == "rendezvous"
    # without a view in the file the rule gives the same choices
    for eid, view in (("liftoff", "baikonur"), ("docking", "rendezvous"),
                      ("orbit-insertion", "follow:soyuz-ms-19"),
                      ("kurs-failure", "rendezvous"), ("hatch-open", "rendezvous"),
                      ("deorbit-burn", "follow:soyuz-ms-18"),
                      ("landing", "follow:soyuz-ms-18")):
        assert event_view(viewer, replace(events[eid], view="")) == view, eid


def test_an_unknown_shot_is_one_line_naming_the_known_ones(capsys, tmp_path):
    import json

    from orbitviz.core.scenario import load_scenario
    from orbitviz.core.shots import Shot, ShotBook

    book = ShotBook(tmp_path / "shots.json", load_scenario().axis)
    book.add(Shot.create("Docking", 12448.558, book.axis))
    rc, out, err = run(capsys, "--shot", "Landing", "--shots", str(tmp_path / "shots.json"),
                       "--out", str(tmp_path / "x.png"))
    assert rc == 2 and out == "" and err.count("\n") == 1
    assert "Landing" in err and "Docking" in err
    assert json.loads((tmp_path / "shots.json").read_text())["shots"][0]["name"] == "Docking"
    assert not (tmp_path / "x.png").exists()
