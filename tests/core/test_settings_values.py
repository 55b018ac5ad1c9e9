"""Saved settings are checked when read back (issue 14): NaN, infinity, numbers out of
range, wrong types and deep nesting are refused with a reason, never used; and nothing that
would be refused is ever written."""

from __future__ import annotations

import json
import math

import pytest

from orbitviz.core import settings_values as sv
from orbitviz.core.viewstate import ViewState

WINDOW = (-3600.0, 1.2e6)
GOOD_CAMERA = {"distance_km": 21000.0, "elevation_deg": 28.5, "azimuth_deg": -135.0,
               "pan_scene_km": [1.0, 2.0, 3.0], "fov_deg": 45.0, "aspect": 1.6,
               "fitted": False}


@pytest.mark.parametrize("raw", ["nan", "NaN", "inf", "-inf", "1e400", float("nan"),
                                 float("inf"), "", "twelve", None, ["1"], True, 10 ** 400])
def test_a_time_must_be_a_finite_number(raw):
    with pytest.raises(sv.SettingError):
        sv.check("time/met_s", raw, window=WINDOW)


@pytest.mark.parametrize("raw", ["-3601", "1200001", "1e9"])
def test_a_time_outside_the_window_is_refused(raw):
    with pytest.raises(sv.SettingError, match="outside the window"):
        sv.check("time/met_s", raw, window=WINDOW)


def test_good_values_come_back_as_written():
    assert sv.check("time/met_s", "12448.558", window=WINDOW) == 12448.558
    assert sv.check("time/rate", "-600") == -600.0
    assert sv.check("export/clip/fps", "60") == 60
    assert sv.check("export/image/match", "true") is True
    assert sv.check("export/image/width", 3840) == 3840
    assert sv.check("elements/dir", "/home/anna/tle") == "/home/anna/tle"
    state = ViewState(frame="inertial", camera="follow:iss", selected="iss",
                      track_behind_s=600.0)
    state.layers["stars"] = False
    assert sv.check("view/state", json.dumps(state.to_dict())) == state
    assert sv.check("view/camera", json.dumps(GOOD_CAMERA)) == GOOD_CAMERA


@pytest.mark.parametrize("key, raw, words", [
    ("time/rate", "7200", "outside -3600 to 3600"),
    ("time/rate", "nan", "not a finite number"),
    ("export/clip/fps", "0", "outside 1 to 240"),
    ("export/clip/fps", "99999999999999999999999", "not a whole number"),
    ("export/image/width", "1e5", "not a whole number"),
    ("export/image/height", "100000", "outside 16 to 16384"),
    ("export/image/match", "maybe", "not true or false"),
    ("export/image/preset", "-1", "outside 0 to 64"),
    ("elements/dir", "a\nb", "control character"),
    ("elements/dir", "x" * 5000, "5,000 characters"),
    ("shots/path", 42, "not text"),
])
def test_bad_values_are_refused_with_a_reason(key, raw, words):
    with pytest.raises(sv.SettingError, match=words):
        sv.check(key, raw)


@pytest.mark.parametrize("raw, words", [
    ("[" * 10000 + "]" * 10000, "nested 10,000 deep"),
    ("[" * 100000 + "]" * 100000, "200,000 characters long"),
    ('{"layers": ' * 20 + "{}" + "}" * 20, "nested 21 deep"),
    ('{"frame": "inertial", "track_ahead_s": 1e400}', "too large for a double"),
    ('{"frame": "inertial", "track_ahead_s": NaN}', "NaN is not a number JSON allows"),
    ('{"track_ahead_s": 1e9}', "track_ahead_s: 1e\\+09 is outside 0 to 864000"),
    ('{"frame": "sideways"}', "frame 'sideways' is not one of"),
    ('{"layers": {"stars": "yes"}}', "layer 'stars' is 'yes', not true or false"),
    ('{"layers": []}', "layers \\[\\] is not an object"),
    ('{"camera": 7}', "camera 7 is not a camera preset"),
    ("[1, 2]", "is not a JSON object"),
    ("{", "not valid JSON"),
])
def test_a_bad_view_state_is_refused(raw, words):
    with pytest.raises(sv.SettingError, match=words):
        sv.check("view/state", raw)


@pytest.mark.parametrize("change, words", [
    ({"distance_km": float("nan")}, "NaN is not a number JSON allows"),
    ({"elevation_deg": float("inf")}, "Infinity is not a number JSON allows"),
    ({"pan_scene_km": [0.0, float("-inf"), 0.0]}, "-Infinity is not a number JSON allows"),
    ({"elevation_deg": 91.0}, "elevation_deg' = 91.0 is outside"),
    ({"pan_scene_km": [0.0, 1.0]}, "pan_scene_km' must be 3 finite numbers"),
    ({"distance_km": 1e9}, "outside 0.015 to 400000"),
    ({"azimuth_deg": "north"}, "azimuth_deg"),
    ({"fitted": "no"}, "fitted 'no'"),
])
def test_a_bad_camera_is_refused(change, words):
    cam = {**GOOD_CAMERA, **change}
    raw = json.dumps(cam)  # NaN and Infinity as Python's json writes them
    with pytest.raises(sv.SettingError, match=words):
        sv.check("view/camera", raw)


def test_a_missing_camera_number_is_refused():
    cam = dict(GOOD_CAMERA)
    del cam["distance_km"]
    with pytest.raises(sv.SettingError, match="lacks 'distance_km'"):
        sv.check("view/camera", json.dumps(cam))


def test_value_or_falls_back_to_the_default():
    assert sv.value_or("export/clip/fps", "abc") == 30
    assert sv.value_or("export/clip/fps", None) == 30
    assert sv.value_or("export/image/credit", "maybe") is True
    assert sv.value_or("export/image/width", "99999999999999999999", 640) == 640


def test_nothing_that_would_be_refused_is_written():
    for value in (math.nan, math.inf, -math.inf):
        with pytest.raises(sv.SettingError):
            sv.check_for_saving("time/met_s", value, window=WINDOW)
    with pytest.raises(sv.SettingError):
        sv.check_for_saving("view/camera", {**GOOD_CAMERA, "distance_km": math.nan})
    assert sv.check_for_saving("time/met_s", 12.5, window=WINDOW) == 12.5
    assert json.loads(sv.check_for_saving("view/camera", GOOD_CAMERA)) == GOOD_CAMERA


def test_every_key_has_a_reader_and_a_description():
    for key, setting in sv.SETTINGS.items():
        assert callable(setting.read) and setting.what, key
