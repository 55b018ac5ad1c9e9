"""Saved shots: the file round-trips, times agree with the mission clock, bad files say why."""

import json

import pytest

from orbitviz.core.scenario import load_scenario
from orbitviz.core.shots import FORMAT, Shot, ShotBook, ShotError
from orbitviz.core.viewstate import ViewState

LIFTOFF = "2021-10-05T08:55:02.442Z"
CAM = {"distance_km": 21000.0, "elevation_deg": 28.5, "azimuth_deg": -135.0,
       "pan_scene_km": [12.5, -3.25, 0.0], "fov_deg": 60.0, "aspect": 16 / 9}


@pytest.fixture(scope="module")
def axis():
    return load_scenario().axis


def _view():
    v = ViewState()
    v.layers["stars"] = False
    v.layers["grid"] = False
    v.frame = "inertial"
    v.camera = "follow:soyuz-ms-19"
    v.selected = "soyuz-ms-19"
    v.track_behind_s = 600.0
    return v


def _doc(shots, **top):
    return {"format": FORMAT, "version": 1, "mission": "soyuz-ms-19", "shots": shots, **top}


def _write(path, doc):
    path.write_text(json.dumps(doc) if not isinstance(doc, str) else doc, encoding="utf-8")
    return path


def test_round_trip_is_equal_and_human_readable(tmp_path, axis):
    path = tmp_path / "shots.json"
    book = ShotBook(path, axis)
    a = Shot.create("Docking approach", 12300.25, axis, _view(), CAM, note="for slide 7")
    b = Shot.create("Lift-off", 0.0, axis, ViewState(), None)
    book.add(a)
    book.add(b)
    again = ShotBook(path, axis)
    assert again.names() == ["Docking approach", "Lift-off"]
    assert again.get("Docking approach") == a and again.get("Lift-off") == b
    # the view state restores to the very ViewState it was made from
    assert again.get("docking approach").view() == _view()
    assert again.get("Lift-off").camera is None
    text = path.read_text(encoding="utf-8")
    doc = json.loads(text)
    assert (doc["format"], doc["version"], doc["mission"]) == (FORMAT, 1, "soyuz-ms-19")
    assert doc["shots"][1]["utc"] == LIFTOFF and doc["shots"][1]["met_s"] == 0.0
    assert "\n  " in text  # indented for people, not one long line


def test_utc_and_met_agree_with_the_mission_clock(axis):
    # 12:22:31.000 UTC is 3 h 27 min 28.558 s after the 08:55:02.442 lift-off (no leap second
    # between them), by hand
    s = Shot.from_dict({"name": "x", "utc": "2021-10-05T12:22:31Z", "view_state": {}}, axis)
    assert s.met_s == pytest.approx(3 * 3600 + 27 * 60 + 28.558, abs=1e-6)
    assert s.utc == "2021-10-05T12:22:31.000Z"
    # the other way: only met_s given, the UTC text is filled in
    s = Shot.from_dict({"name": "y", "met_s": 86400.5, "view_state": {}}, axis)
    assert s.utc == "2021-10-06T08:55:02.942Z" and s.met_s == pytest.approx(86400.5, abs=1e-6)
    # an offset zone is read and written as Z
    s = Shot.from_dict({"name": "z", "utc": "2021-10-05T11:55:02.442+03:00",
                        "view_state": {}}, axis)
    assert s.utc == LIFTOFF and abs(s.met_s) < 1e-6
    # before lift-off
    s = Shot.create("pad", -1800.0, axis)
    assert s.utc == "2021-10-05T08:25:02.442Z"


def test_create_snaps_to_the_millisecond_of_its_text(axis):
    s = Shot.create("t", 12448.55849, axis)
    # 08:55:02.442 + 12448.55849 s = 12:22:31.00049, which rounds to .000
    assert s.utc == "2021-10-05T12:22:31.000Z"
    assert s.met_s == pytest.approx(12448.558, abs=1e-6)
    loaded = Shot.from_dict(s.to_dict(), axis)
    assert loaded.met_s == s.met_s and loaded.utc == s.utc  # the same instant, to the bit


def test_utc_wins_when_the_two_disagree(tmp_path, axis):
    path = _write(tmp_path / "s.json", _doc([
        {"name": "A", "utc": "2021-10-05T09:00:02.442Z", "met_s": 999.0, "view_state": {}}]))
    book = ShotBook(path, axis)
    assert book.get("A").met_s == pytest.approx(300.0, abs=1e-6)
    assert len(book.notes) == 1 and "utc is used" in book.notes[0]
    book.save()
    assert json.loads(path.read_text())["shots"][0]["met_s"] == 300.0


def test_names_are_unique_without_case_and_replace_only_when_asked(tmp_path, axis):
    book = ShotBook(tmp_path / "s.json", axis)
    book.add(Shot.create("  Docking ", 100.0, axis))
    assert book.names() == ["Docking"]  # trimmed
    with pytest.raises(ShotError, match="exists already"):
        book.add(Shot.create("DOCKING", 200.0, axis))
    book.add(Shot.create("Second", 300.0, axis))
    book.add(Shot.create("docking", 200.0, axis), replace=True)
    assert book.names() == ["docking", "Second"]  # replaced in its place
    assert book.get("DOCKING").met_s == pytest.approx(200.0, abs=1e-6)
    with pytest.raises(ShotError) as e:
        book.get("Landing")
    msg = str(e.value)
    assert "\n" not in msg and "'Landing'" in msg and "'docking', 'Second'" in msg
    for bad, words in [("", "empty"), ("   ", "empty"), ("a\nb", "control"),
                       ("x" * 81, "at most 80")]:
        with pytest.raises(ShotError, match=words):
            Shot.create(bad, 0.0, axis)


def test_rename_and_remove_save_at_once(tmp_path, axis):
    path = tmp_path / "s.json"
    book = ShotBook(path, axis)
    for i, name in enumerate(["One", "Two", "Three"]):
        book.add(Shot.create(name, 60.0 * i, axis))
    book.rename("two", "Deux")
    book.rename("One", "ONE")  # a change of case alone is allowed
    with pytest.raises(ShotError, match="'Three' exists"):
        book.rename("Deux", "three")
    gone = book.remove("three")
    assert gone.name == "Three"
    assert ShotBook(path, axis).names() == ["ONE", "Deux"]
    with pytest.raises(ShotError, match="no shot named"):
        book.remove("Three")


def test_a_failed_save_changes_nothing(tmp_path, axis):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    book = ShotBook(blocker / "s.json", axis)
    with pytest.raises(ShotError, match="cannot be written") as e:
        book.add(Shot.create("A", 0.0, axis))
    assert "\n" not in str(e.value)
    assert len(book) == 0


def test_atomic_save_leaves_no_temporary_file(tmp_path, axis):
    path = tmp_path / "shots.json"
    book = ShotBook(path, axis)
    book.add(Shot.create("A", 0.0, axis))
    book.add(Shot.create("B", 10.0, axis))
    book.remove("A")
    assert [p.name for p in tmp_path.iterdir()] == ["shots.json"]


def test_a_linked_file_stays_a_link_and_its_target_is_updated(tmp_path, axis):
    """A shots.json that is a symbolic link (kept in a synced folder, say): saving rewrites
    the file it points to, in that file's folder, and the link stays a link."""
    real_dir = tmp_path / "synced"
    real_dir.mkdir()
    real = real_dir / "my-shots.json"
    ShotBook(real, axis).add(Shot.create("A", 0.0, axis))
    link = tmp_path / "app" / "shots.json"
    link.parent.mkdir()
    link.symlink_to(real)
    book = ShotBook(link, axis)
    book.add(Shot.create("B", 10.0, axis))
    assert link.is_symlink() and link.resolve() == real
    assert ShotBook(real, axis).names() == ["A", "B"]
    assert sorted(p.name for p in real_dir.iterdir()) == ["my-shots.json"]
    assert [p.name for p in link.parent.iterdir()] == ["shots.json"]


@pytest.mark.parametrize("mode", [0o644, 0o600, 0o664])
def test_a_saved_file_keeps_its_mode(tmp_path, axis, mode):
    path = tmp_path / "shots.json"
    ShotBook(path, axis).add(Shot.create("A", 0.0, axis))
    path.chmod(mode)
    ShotBook(path, axis).add(Shot.create("B", 10.0, axis))
    assert path.stat().st_mode & 0o7777 == mode
    assert ShotBook(path, axis).names() == ["A", "B"]


def test_a_new_file_gets_an_ordinary_mode(tmp_path, axis):
    import os

    umask = os.umask(0o022)
    try:
        path = tmp_path / "shots.json"
        ShotBook(path, axis).add(Shot.create("A", 0.0, axis))
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o7777 == 0o644  # not a temporary file's 0600


def test_unknown_keys_are_kept(tmp_path, axis):
    shot = Shot.create("A", 5.0, axis, _view(), CAM).to_dict()
    shot["colour_grade"] = {"gamma": 2.2}
    shot["view_state"]["future_option"] = 3
    shot["view_state"]["layers"]["track:progress-ms-18"] = False
    shot["camera"]["roll_deg"] = 4.0
    path = _write(tmp_path / "s.json", _doc([shot], author="Anna"))
    book = ShotBook(path, axis)
    book.add(Shot.create("B", 6.0, axis))
    doc = json.loads(path.read_text())
    s = doc["shots"][0]
    assert doc["author"] == "Anna" and s["colour_grade"] == {"gamma": 2.2}
    assert s["view_state"]["future_option"] == 3
    assert s["view_state"]["layers"]["track:progress-ms-18"] is False
    assert s["camera"]["roll_deg"] == 4.0
    assert book.get("A").view() == _view()


def test_a_bad_layer_value_falls_back_to_the_default(tmp_path, axis):
    vs = _view().to_dict()
    vs["layers"]["stars"] = "no"   # not a bool: ViewState.from_dict keeps the default (shown)
    vs["frame"] = "galactic"       # unknown: default frame
    path = _write(tmp_path / "s.json", _doc([{"name": "A", "utc": LIFTOFF, "view_state": vs}]))
    v = ShotBook(path, axis).get("A").view()
    assert v.layers["stars"] is True and v.layers["grid"] is False
    assert v.frame == "earth-fixed" and v.camera == "follow:soyuz-ms-19"


GOOD = {"name": "A", "utc": LIFTOFF, "view_state": {}, "camera": None}


@pytest.mark.parametrize("content, words", [
    ("{ not json", "is not valid JSON"),
    ('{"format": "orbitviz-shots", "x": NaN}', "is not valid JSON"),
    ("[1, 2]", "expected a JSON object"),
    (_doc([], format="other-app"), "format 'other-app'"),
    ({"format": FORMAT, "version": 1, "shots": []}, "lacks 'mission'"),
    (_doc([], version=2), "newer orbitviz"),
    (_doc([], mission="soyuz-ms-18"), "mission 'soyuz-ms-18'"),
    (_doc({"A": 1}), "'shots' must be a list"),
    (_doc([{"utc": LIFTOFF, "view_state": {}}]), "shot #1: a shot lacks 'name'"),
    (_doc([{"name": "A", "view_state": {}}]), "shot 'A': lacks its time"),
    (_doc([{"name": "A", "utc": LIFTOFF}]), "lacks 'view_state'"),
    (_doc([{**GOOD, "utc": "yesterday"}]), "cannot read utc 'yesterday'"),
    (_doc([{**GOOD, "camera": {"distance_km": -5, "elevation_deg": 0, "azimuth_deg": 0}}]),
     "'distance_km' = -5"),
    (_doc([{**GOOD, "camera": {"distance_km": 5, "elevation_deg": 0}}]),
     "camera lacks 'azimuth_deg'"),
    (_doc([{**GOOD, "camera": {**CAM, "pan_scene_km": [0, 1]}}]), "3 finite numbers"),
    (_doc([GOOD, {**GOOD, "name": "a"}]), "'a' appears twice"),
])
def test_malformed_files_give_one_line(tmp_path, axis, content, words):
    path = _write(tmp_path / "bad.json", content)
    with pytest.raises(ShotError) as e:
        ShotBook(path, axis)
    msg = str(e.value)
    assert msg.startswith(str(path) + ": ") and "\n" not in msg
    assert words in msg


def test_a_missing_file_is_an_empty_book_and_not_utf8_is_refused(tmp_path, axis):
    assert len(ShotBook(tmp_path / "none.json", axis)) == 0
    assert not (tmp_path / "none.json").exists()  # nothing written until a change
    bad = tmp_path / "latin.json"
    bad.write_bytes(b'{"format": "\xe9"}')
    with pytest.raises(ShotError, match="not UTF-8"):
        ShotBook(bad, axis)


def test_default_axis_is_the_missions(tmp_path):
    book = ShotBook(tmp_path / "s.json")
    book.add(Shot.create("L", 0.0, book.axis))
    assert book.get("l").utc == LIFTOFF
    assert book.axis.liftoff_utc.isoformat() == "2021-10-05T08:55:02.442000+00:00"
