"""The user's own satellites in the app: File → Open element sets… (and ``--tle``) load
element-set files; each object with a state is drawn as a magenta marker in the world
frame, malformed sets are listed by file and line, and a useless file changes nothing."""

from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtCore, QtWidgets

from _frames import render_rgb

ISS_TLE = Path(__file__).resolve().parents[2] / "assets" / "tle" / "iss-21277.86166359.tle"
# the station's NORAD number changed and the checksum not: line 5 of the file is malformed
BROKEN = ("BROKEN SAT\n"
          "1 99999U 98067A   21277.86166359  .00005427  00000-0  10685-3 0  9994\n"
          "2 99999  51.6453 160.4350 0004170  58.5851  39.6969 15.48931550305594\n")


@pytest.fixture
def settings(tmp_path):
    return QtCore.QSettings(str(tmp_path / "orbitviz.ini"), QtCore.QSettings.Format.IniFormat)


def _open(qtbot, settings):
    from orbitviz.app.app import OrbitvizApp

    app = OrbitvizApp(settings)
    app.start()
    qtbot.addWidget(app.window)
    assert app.wait_ready(30000)
    qtbot.waitExposed(app.window)
    return app


def _mixed_file(tmp_path):
    path = tmp_path / "mine.tle"
    path.write_text(ISS_TLE.read_text().rstrip("\n") + "\n" + BROKEN)
    return path


def _answer_dialog(seen):
    """Record the texts of the next modal message box (it comes once the element sets
    are read on a worker thread), then close it."""
    timer = QtCore.QTimer()

    def reply():
        box = QtWidgets.QApplication.activeModalWidget()
        if isinstance(box, QtWidgets.QMessageBox):
            timer.stop()
            seen.append((box.text(), box.informativeText(), box.detailedText()))
            box.close()
    timer.timeout.connect(reply)
    timer.start(50)
    return timer


def _facing_time(app, oid="iss-zarya"):
    """A time in the first hours when the object is on the camera's side of the Earth
    (whole-Earth view), and its scene position then."""
    cam = app.viewport.cameraPosition()
    cam = np.array([cam.x(), cam.y(), cam.z()])
    for met in np.arange(600.0, 12000.0, 300.0):
        app.clock.seek(float(met))
        # the window of samples is propagated on a worker thread: let it arrive
        assert app.tasks.wait_idle(30.0)
        app.scene.update()
        if oid not in app.scene.user_ids_shown:
            continue
        st = app.user_catalog.states_gcrs(met)
        g2w, _ = app.scene.world_rotation()
        world = g2w @ st.r_gcrs_km[st.ids.index(oid)]
        earth = app.scene.world_to_scene @ (-app.scene.origin_world_km)
        pos = app.scene.world_to_scene @ (world - app.scene.origin_world_km)
        up, look = pos - earth, cam - earth
        if up @ look / (np.linalg.norm(up) * np.linalg.norm(look)) > 0.6:
            return float(met), pos
    raise AssertionError("the object never faced the camera")


@pytest.mark.parametrize("frame", ["earth-fixed", "inertial"])
def test_open_element_sets_lists_bad_sets_and_draws_the_good_object(qtbot, settings, tmp_path,
                                                                    frame):
    from orbitviz.render.style import USER_COLOR

    app = _open(qtbot, settings)
    app.set_frame(frame)
    app.apply_preset("earth")
    app.clock.seek(600.0)
    mission_markers = len(app.scene.items["markers"]._verts)
    mission_texts = [t for t, _ in app.scene.items["labels"]._labels]
    path = _mixed_file(tmp_path)
    seen = []
    timer = _answer_dialog(seen)
    app.open_element_sets([str(path)])  # as File → Open element sets… after its file dialog
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=30000)
    timer.stop()
    # the box no longer holds the app in its own event loop: let the first window of the
    # new objects (propagated on a worker thread) arrive before scrubbing without events
    assert app.tasks.wait_idle(30)
    # the user is told their set is the ISS, which the mission already shows (issue 13)
    assert "is the ISS, which the mission already shows" in app._twin_notice.text()
    app._twin_notice.close()
    text, informative, details = seen[0]
    assert "1 malformed element set" in text
    assert "mine.tle:5: checksum" in informative and "mine.tle:5: checksum" in details
    assert list(app.user_catalog.objects) == ["iss-zarya"]  # the good one; not the station's id
    assert app.element_paths == [str(path)]

    met, pos = _facing_time(app)
    # the user's copy of the station lies within a few km of the mission's own station
    r_iss, _ = app.model.gcrs_state("iss", met)
    r_user = app.user_catalog.states_gcrs(met).r_gcrs_km[0]
    assert np.linalg.norm(r_user - r_iss) < 20.0
    qtbot.wait(50)
    w, h = app.viewport.width(), app.viewport.height()
    rgb = render_rgb(app.viewport, w, h, str(tmp_path / f"user-{frame}.png"))
    x, y = app.viewport.project(pos)
    px = rgb[int(round(y - 0.5)), int(round(x - 0.5))]
    want = 255 * np.array(USER_COLOR[:3])
    assert np.abs(px - want).max() < 40, (px, want)
    # an export of this view from the app draws it too (the export engine's own scene)
    exported = app.exporter().render(met, app.export_spec(w, h, caption="none", credit=False))
    ex = exported.pixelColor(int(round(x - 0.5)), int(round(y - 0.5)))
    assert np.abs(np.array([ex.red(), ex.green(), ex.blue()]) - want).max() < 40
    # the mission's objects are all still drawn: the same markers and labels, the user's
    # object one head of the catalogue item; its copy of the station is drawn beside the
    # station with a label of its own, named as the user's set (issue 13)
    app.clock.seek(600.0)
    assert len(app.scene.items["markers"]._verts) == mission_markers
    assert app.scene.items["user-catalog"].head_count() == 1
    texts = [t for t, _ in app.scene.items["labels"]._labels]
    assert texts[:len(mission_texts)] == mission_texts
    assert texts[len(mission_texts):] == ["ISS (ZARYA) (your set)"]
    assert app.scene.items["track:iss"].visible()
    app.window.close()


def test_a_file_without_a_valid_object_changes_nothing(qtbot, settings, tmp_path):
    app = _open(qtbot, settings)
    good = _mixed_file(tmp_path)
    app.add_element_files([good])
    assert app.tasks.wait_idle(30.0)
    malformed, failed = app.last_elements_result
    assert malformed == ["mine.tle:5: checksum is 4, the line sums to 9"] and failed == []
    catalog = app.user_catalog
    useless = tmp_path / "useless.tle"
    useless.write_text(BROKEN)
    seen = []
    timer = _answer_dialog(seen)
    app.open_element_sets([str(useless)])
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=30000)
    timer.stop()
    text = seen[0][0]
    assert "\n" not in text and "useless.tle" in text and "no valid element set" in text
    assert app.user_catalog is catalog and app.element_paths == [str(good)]  # unchanged
    app.clock.seek(3000.0)
    assert app.scene.user_ids_shown == ["iss-zarya"]
    # a second good file adds to what is loaded (one catalogue from all files)
    other = tmp_path / "again.tle"
    other.write_text(ISS_TLE.read_text())
    app.add_element_files([other])
    assert app.tasks.wait_idle(30.0)
    assert app.last_elements_result == ([], [])
    assert list(app.user_catalog.objects) == ["iss-zarya"]  # the same NORAD number: one object
    assert app.element_paths == [str(good), str(other)]
    app.window.close()


def test_element_set_files_are_remembered_in_file_recent(qtbot, settings, tmp_path):
    """Issue 13: files opened before are remembered across launches (File → Open recent),
    newest first, and open again from there."""
    good = _mixed_file(tmp_path)
    other = tmp_path / "again.tle"
    other.write_text(ISS_TLE.read_text())
    app = _open(qtbot, settings)
    for path in (good, other):
        app.add_element_files([str(path)])
        assert app.tasks.wait_idle(30.0)
    app.window.close()
    again = _open(qtbot, settings)
    actions = again.window.recent_menu.actions()
    assert [a.toolTip() for a in actions] == [str(other), str(good)]
    assert again.window.recent_menu.isEnabled()
    actions[1].trigger()  # opens mine.tle again: its malformed set is reported in a box
    seen = []
    timer = _answer_dialog(seen)
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=30000)
    timer.stop()
    assert again.element_paths == [str(good)]
    again.window.close()
