"""The app's saved state against a hostile settings file and a killed process (issue 14).

- A settings file with NaN, infinity, wrong types and deep nesting: the app starts, each bad
  value falls back to its default, the user is told once (the status bar, with the keys in
  the details), and no NaN or infinity is ever written back.
- The window, camera and time are saved within a second of a change: a real app process
  killed with ``kill -9`` a second and a half after a change, or sent SIGTERM right after it,
  comes back as it was.
- Shots files and element sets that once froze start-up (deep nesting, 10^400, a date out of
  range): a dialog for each, and the app starts.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets

from orbitviz.core import settings_values as sv

HELPER = r"""
import json, sys
from PySide6 import QtCore
from orbitviz.app.startup import make_qapplication, quit_on_signals
from orbitviz.app.app import OrbitvizApp

qapp = make_qapplication()
settings = QtCore.QSettings(sys.argv[1], QtCore.QSettings.Format.IniFormat)
app = OrbitvizApp(settings)
app.start()
if not app.wait_ready(60000):
    sys.exit(3)
quit_on_signals(qapp, app.window.close)  # as orbitviz's run() does
app.window.setGeometry(30, 40, 700, 520)  # inside an 800×600 test screen
app.set_frame("inertial")
app.apply_preset("follow:iss")
app.viewport.orbit(25.0, 10.0)  # the user's own camera
app.clock.seek(43210.5)
qapp.processEvents()
print(json.dumps({"camera": app.viewport.camera(), "size": [app.window.width(),
                  app.window.height()]}), flush=True)
sys.exit(qapp.exec())
"""


def _settings(path: Path) -> QtCore.QSettings:
    return QtCore.QSettings(str(path), QtCore.QSettings.Format.IniFormat)


def _open(qtbot, settings, tle_paths=()):
    from orbitviz.app.app import OrbitvizApp

    app = OrbitvizApp(settings, tle_paths=tle_paths)
    app.start()
    qtbot.addWidget(app.window)
    assert app.wait_ready(30000), "the app did not start"
    qtbot.waitExposed(app.window)
    return app


def _problem(app) -> str | None:
    """The status bar's problem line, if one is shown."""
    box = getattr(app.window, "_problem", None)
    return app.window._problem_label.text() if box is not None and box.isVisible() else None


BAD = {
    "time/met_s": "nan",
    "time/rate": "inf",
    "view/state": "[" * 5000 + "]" * 5000,
    "view/camera": json.dumps({"distance_km": float("nan"), "elevation_deg": 20.0,
                               "azimuth_deg": float("inf")}),
    "view/camera_preset": ["earth", "baikonur"],
    "window/geometry": "not a layout",
    "window/state": 5,
    "elements/dir": "a\nb",
    "export/image/width": "99999999999999999999999",
    "export/clip/fps": "abc",
    "export/clip/t0_s": "-inf",
}


def test_a_hostile_settings_file_falls_back_and_is_told_once(qtbot, tmp_path):
    ini = tmp_path / "orbitviz.ini"
    s = _settings(ini)
    for key, value in BAD.items():
        s.setValue(key, value)
    s.setValue("export/image/height", "720")  # a good one among them is kept
    s.sync()
    app = _open(qtbot, s)
    # the defaults: lift-off, 60× real time, the whole-Earth view, no saved camera
    assert app.clock.met_s == 0.0 and app.clock.rate == 60.0
    assert app.state.camera == "earth" and app.state.frame == "earth-fixed"
    assert app.viewport.opts["distance"] == pytest.approx(app.scene.preset_camera()[0])
    # told once: one line in the status bar, each key and why in its details
    line = _problem(app)
    assert line == f"{len(BAD)} saved settings could not be used and were reset to the default"
    details = app.window._problem_details
    for key in BAD:
        assert f"\n{key} (" in details, key
    assert "time/met_s (the time shown): 'nan' is not a finite number" in details
    assert "view/state (the layers, frame and camera preset): not valid JSON (nested 5,000 " \
           "deep" in details
    # the dialogs see defaults (the bad values are gone from the file), the good value stays
    from orbitviz.ui.export_dialogs import ExportImageDialog

    s.setValue("export/image/preset", 4)  # "Custom": the spin boxes show the saved size
    dlg = ExportImageDialog(s, 16 / 9, "title", app.window)
    qtbot.addWidget(dlg)
    assert dlg.size_box.size() == (1920, 720)
    app.viewer.clock.seek(float("nan"))  # whatever happens inside, no NaN goes to disk
    app.window.close()
    text = ini.read_text()
    assert not re.search(r"(?i)\bnan\b|\binf", text), text
    again = _settings(ini)
    for key in sv.SETTINGS:
        if again.value(key) is not None:
            ctx = {"window": app.model.window, "shown": None}
            sv.check(key, again.value(key), **ctx)  # everything on file reads back
    # and the next start is quiet
    second = _open(qtbot, again)
    assert _problem(second) is None
    second.window.close()


def _run_helper(tmp_path):
    return subprocess.Popen([sys.executable, "-c", HELPER, str(tmp_path / "orbitviz.ini")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("how", ["kill -9 after 1.5 s", "SIGTERM at once"])
def test_a_killed_app_comes_back_as_it_was(qtbot, tmp_path, how):
    proc = _run_helper(tmp_path)
    try:
        line = proc.stdout.readline()
        assert line, proc.stderr.read()[-2000:]
        shown = json.loads(line)
        if how.startswith("kill -9"):
            time.sleep(1.5)  # the save comes at most a second after the change
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        else:
            proc.send_signal(signal.SIGTERM)  # closes as the close button does
            assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    app = _open(qtbot, _settings(tmp_path / "orbitviz.ini"))
    assert app.clock.met_s == pytest.approx(43210.5, abs=1e-6)
    assert app.state.frame == "inertial" and app.state.camera == "follow:iss"
    cam = app.viewport.camera()
    for key in ("distance_km", "elevation_deg", "azimuth_deg"):
        assert cam[key] == pytest.approx(shown["camera"][key], abs=1e-6), key
    assert [app.window.width(), app.window.height()] == shown["size"]
    assert _problem(app) is None
    app.window.close()


# -- files that froze start-up ------------------------------------------------------------------
SHOTS_HEAD = '{"format": "orbitviz-shots", "version": 1, "mission": "soyuz-ms-19", "shots": '
OMM = {"OBJECT_NAME": "ISS (ZARYA)", "OBJECT_ID": "1998-067A", "CENTER_NAME": "EARTH",
       "REF_FRAME": "TEME", "TIME_SYSTEM": "UTC", "MEAN_ELEMENT_THEORY": "SGP4",
       "EPOCH": "2021-10-04T20:40:47.734175", "MEAN_MOTION": 15.4893155,
       "ECCENTRICITY": 0.000417, "INCLINATION": 51.6453, "RA_OF_ASC_NODE": 160.435,
       "ARG_OF_PERICENTER": 58.5851, "MEAN_ANOMALY": 39.6969, "EPHEMERIS_TYPE": 0,
       "CLASSIFICATION_TYPE": "U", "NORAD_CAT_ID": 25544, "ELEMENT_SET_NO": 999,
       "REV_AT_EPOCH": 30559, "BSTAR": 0.00010685, "MEAN_MOTION_DOT": 5.427e-05,
       "MEAN_MOTION_DDOT": 0.0}


def _omm(**raw) -> str:
    """The shipped ISS set as an OMM JSON list, with fields replaced by raw JSON text."""
    fields = [f"{json.dumps(k)}: {raw.get(k, json.dumps(v))}" for k, v in OMM.items()]
    return "[{" + ", ".join(fields) + "}]"


def _shot(**raw) -> str:
    fields = {"name": '"Docking"', "utc": '"2021-10-05T12:22:31.000Z"', "met_s": "12448.558",
              "view_state": "{}", "camera": "null", **raw}
    return SHOTS_HEAD + "[{" + ", ".join(f'"{k}": {v}' for k, v in fields.items()) + "}]}"


@pytest.mark.parametrize("case, shots, elements, shots_words, elements_words", [
    ("deep nesting", SHOTS_HEAD + "[" * 100000 + "]" * 100000 + "}", "[" * 100000 + "]" * 100000,
     "nested 100,001 deep", "nested 100,000 deep"),
    ("10^400", _shot(met_s="1e400"), _omm(MEAN_MOTION="1e400"),
     "the number '1e400' is too large", "MEAN_MOTION '1e400' is not a finite number"),
    ("a date out of range", _shot(utc='"0001-01-01T00:00:00Z"'),
     _omm(EPOCH='"9999-01-01T00:00:00.000000"'),
     "outside the dates orbitviz shows", "outside the epochs orbitviz shows"),
])
def test_broken_start_up_files_each_get_a_dialog_and_the_app_starts(
        qtbot, tmp_path, case, shots, elements, shots_words, elements_words):
    from orbitviz.app.notices import open_notices

    shots_file = tmp_path / "shots.json"
    shots_file.write_text(shots)
    tle_file = tmp_path / "sets.json"
    tle_file.write_text(elements)
    s = _settings(tmp_path / "orbitviz.ini")
    s.setValue("shots/path", str(shots_file))
    app = _open(qtbot, s, tle_paths=[str(tle_file)])  # as orbitviz --tle FILE
    assert app.tasks.wait_idle(30)
    qtbot.waitUntil(lambda: len(open_notices()) == 2, timeout=10000)
    texts = {box.windowTitle(): f"{box.text()}\n{box.informativeText()}"
             for box in open_notices()}
    assert shots_words in texts["Saved shots"] and "shots.json" in texts["Saved shots"]
    assert elements_words in texts["Open element sets"]
    assert "sets.json" in texts["Open element sets"]
    # the app runs: the view is built, the clock moves the scene, the broken file untouched
    app.clock.seek(12000.0)
    assert app.scene.met_s == pytest.approx(12000.0)
    assert shots_file.read_text() == shots
    for box in open_notices():
        box.close()
    app.window.close()
    QtWidgets.QApplication.processEvents()
