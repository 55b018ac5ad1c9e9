"""The presenter's app (issue 13): fits a laptop's screen, the keyboard goes back to the view,
every shortcut works in presenter mode, the live caption speaks plainly, the time bar steps
aside while the mouse rests, and Help lists every shortcut."""

import datetime as dt
import json
import subprocess
import sys
import textwrap

import pytest
from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt


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
    app.window.activateWindow()
    qtbot.waitUntil(lambda: app.window.isActiveWindow(), timeout=5000)
    return app


_SCREEN_SCRIPT = textwrap.dedent("""
    import json, sys, tempfile
    from PySide6 import QtCore, QtWidgets
    from orbitviz.app.startup import make_qapplication
    qa = make_qapplication()
    from orbitviz.app.app import OrbitvizApp
    s = QtCore.QSettings(tempfile.mktemp(suffix=".ini"), QtCore.QSettings.Format.IniFormat)
    app = OrbitvizApp(s)
    app.start()
    assert app.wait_ready(60000)
    w = app.window
    out = {}
    for size in [None, (960, 540)]:
        if size:
            w.resize(*size)
        for _ in range(30):
            qa.processEvents()
        screen = w.screen().availableGeometry()
        frame = w.frameGeometry()
        def inside(widget):
            r = QtCore.QRect(widget.mapToGlobal(QtCore.QPoint(0, 0)), widget.size())
            return widget.isVisible() and screen.contains(r) and r.width() > 8 and r.height() > 8
        tc = app.time_controls
        out[str(size)] = {
            "screen": [screen.width(), screen.height()],
            "window": [frame.width(), frame.height()],
            "min": [w.minimumSizeHint().width(), w.minimumSizeHint().height()],
            "play": inside(tc.play_button), "scrubber": inside(tc.scrubber),
            "time_field": inside(tc.time_field), "view": inside(app.viewport),
            "export_action": any(a.isEnabled() and a.shortcut().toString() == "Ctrl+E"
                                 for a in w.actions()),
        }
        # the play button answers a click
        rate_before = app.clock.playing
        tc.play_button.click()
        qa.processEvents()
        out[str(size)]["play_toggles"] = app.clock.playing != rate_before
        tc.play_button.click()
    print(json.dumps(out))
""")


@pytest.mark.parametrize("screen", ["1366x768", "1280x720"])
def test_every_control_is_on_a_laptop_screen(tmp_path, screen):
    """On a 1366x768 and a 1280x720 screen (Xvfb of that size), and at 960x540 logical
    pixels (a scale factor of 2 on 1920x1080): the window fits, and the view, the time bar,
    the play button and the go-to field lie on the screen; the play button plays."""
    script = tmp_path / "screen.py"
    script.write_text(_SCREEN_SCRIPT)
    p = subprocess.run(["xvfb-run", "-a", "-s", f"-screen 0 {screen}x24", sys.executable,
                        str(script)], capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, p.stderr[-2000:]
    res = json.loads(p.stdout.strip().splitlines()[-1])
    for size, r in res.items():
        assert r["window"][0] <= r["screen"][0] and r["window"][1] <= r["screen"][1], (size, r)
        assert r["min"][0] <= 960 and r["min"][1] <= 540, (size, r)
        assert all(r[k] for k in ("play", "scrubber", "time_field", "view", "export_action",
                                  "play_toggles")), (size, r)


def test_enter_in_the_go_to_field_gives_the_keyboard_back(qtbot, settings):
    app = _open(qtbot, settings)
    field = app.time_controls.time_field
    field.setFocus()
    qtbot.keyClicks(field, "12:22")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert app.viewport.hasFocus()
    start = app.clock.met_s
    qtbot.keyClick(app.viewport, Qt.Key.Key_Space)  # plays, not typed into the field
    assert app.clock.playing and field.text() == "12:22"
    qtbot.keyClick(app.viewport, Qt.Key.Key_Space)
    # 12:22 on the day shown: 5 October, 12:22:00 UTC
    noon = dt.datetime(2021, 10, 5, 12, 22, tzinfo=dt.timezone.utc)
    assert abs(start - app.model.axis.met_from_datetime(noon)) < 1e-6
    field.setFocus()
    qtbot.keyClicks(field, "garbage")
    qtbot.keyClick(field, Qt.Key.Key_Escape)  # Esc: back to the view too
    assert app.viewport.hasFocus()
    app.window.close()


def test_presenter_mode_caption_shortcuts_and_resting_mouse(qtbot, settings):
    app = _open(qtbot, settings)
    w = app.window
    app.clock.seek(app.model.scenario.event_times()["docking"] + 5.0)
    w.set_presenter_mode(True)
    qtbot.wait(50)
    cap = w._caption
    assert cap.isVisible()
    text = " ".join(t for _, t in cap.lines())
    assert "Docking" in text and "UTC" in text and app.model.scenario.title in text
    assert "set" not in text.lower().split() and "age" not in text.lower()  # no jargon
    # the time bar hides while the mouse rests, and comes back when it moves
    w._time_hider._timer.setInterval(150)
    w._time_hider._timer.start()
    qtbot.waitUntil(lambda: not app.time_controls.isVisible(), timeout=3000)
    qtbot.mouseMove(app.viewport, QtCore.QPoint(200, 200))
    qtbot.mouseMove(app.viewport, QtCore.QPoint(220, 210))
    qtbot.waitUntil(lambda: app.time_controls.isVisible(), timeout=3000)
    # every shortcut works there: the camera, then Ctrl+Q quits
    qtbot.keyClick(app.viewport, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert app.viewer.view.camera == "earth"
    qtbot.keyClick(app.viewport, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=3000)


def test_help_lists_every_shortcut(qtbot, settings):
    from orbitviz.ui.help_dialogs import shortcut_rows

    app = _open(qtbot, settings)
    rows = dict((what, keys) for keys, what in shortcut_rows(app.window))
    for what in ("Play", "Export image", "Quit", "Presenter mode", "Keyboard shortcuts",
                 "Whole Earth", "Go to time", "Follow selected object"):
        assert any(what.lower() in k.lower() for k in rows), what
    qtbot.keyClick(app.viewport, Qt.Key.Key_Question)
    qtbot.waitUntil(lambda: getattr(app.window, "_help_dialog", None) is not None, timeout=3000)
    dlg = app.window._help_dialog
    assert dlg.isVisible() and "Ctrl+E" in dlg.findChild(QtWidgets.QTextBrowser).toPlainText()
    dlg.close()
    app.window.close()


@pytest.mark.parametrize("size", ["small", "large"])
def test_labels_are_the_same_size_from_the_app_and_the_cli(qtbot, settings, tmp_path, size):
    """The same output size gives the same labels (issue 13: the CLI drew them at half the
    app's size), and the label-size setting reaches both."""
    import numpy as np
    from PySide6.QtGui import QImage

    from _refs import qimage_rgb as qimage_rgb_array

    settings.setValue("shots/path", str(tmp_path / "shots.json"))
    app = _open(qtbot, settings)
    app.apply_preset("earth")
    app.clock.seek(app.model.scenario.event_times()["docking"])
    app.viewer.set_label_size(size)
    app.save_shot("labels")
    w, h = 1280, 720
    from_app = qimage_rgb_array(app.exporter().render(
        app.clock.met_s, app.export_spec(w, h, caption="none", credit=False)))
    out = tmp_path / "cli.png"
    p = subprocess.run([sys.executable, "-m", "orbitviz", "export", "--shot", "labels",
                        "--shots", str(tmp_path / "shots.json"), "--out", str(out),
                        "--size", f"{w}x{h}", "--caption", "none", "--no-credit"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    from_cli = qimage_rgb_array(QImage(str(out)))
    differ = (np.abs(from_app.astype(int) - from_cli.astype(int)).max(axis=2) > 60).mean()
    assert differ < 2e-4, differ   # labels twice as big would change thousands of pixels
    # and the setting matters: the other size changes the labels' pixels
    app.viewer.set_label_size("medium")
    medium = qimage_rgb_array(app.exporter().render(
        app.clock.met_s, app.export_spec(w, h, caption="none", credit=False)))
    assert (np.abs(medium.astype(int) - from_app.astype(int)).max(axis=2) > 60).mean() > 5e-4
    app.window.close()


def test_the_view_shows_the_pictures_frame_while_the_dialog_is_open(qtbot, settings,
                                                                     tmp_path):
    """Issue 13: with the export dialog at 1:1 on a wide view, the view draws the picture's
    frame; the picture is what lies inside that frame (a camera the user moved)."""
    import numpy as np

    from _refs import qimage_rgb

    app = _open(qtbot, settings)
    for layer in ("stars", "labels", "grid", "events", "atmosphere", "track:iss",
                  "track:soyuz-ms-19", "track:soyuz-ms-18"):
        app.viewer.set_layer(layer, False)
    app.apply_preset("earth")
    app.viewport.orbit(10.0, 3.0)  # the user's own camera: no refit
    qtbot.wait(50)
    screen = qimage_rgb(app.viewport.grabFramebuffer())
    seen = {}

    def in_dialog():
        dlg = QtWidgets.QApplication.activeModalWidget()
        box = dlg.size_box
        box.preset.setCurrentIndex(box.preset.count() - 1)  # custom
        box.match.setChecked(False)
        box.height_spin.setValue(600)
        box.width_spin.setValue(600)
        qtbot.wait(30)
        seen["rect"] = app.frame_guide.rect_px()
        seen["visible"] = app.frame_guide.isVisible()
        dlg.reject()

    QtCore.QTimer.singleShot(300, in_dialog)
    app.export_image()
    assert seen["visible"] and not app.frame_guide.isVisible()  # gone with the dialog
    r = seen["rect"]
    vw, vh = app.viewport.width(), app.viewport.height()
    assert r.height() == pytest.approx(vh) and r.width() == pytest.approx(vh)  # 1:1, middle
    assert r.left() == pytest.approx(0.5 * (vw - vh))
    spec = app.export_spec(vh, vh, caption="none", credit=False)
    picture = qimage_rgb(app.exporter().render(app.clock.met_s, spec))
    ratio = app.viewport.devicePixelRatioF()
    x0 = int(round(r.left() * ratio))
    crop = screen[:, x0:x0 + int(round(vh * ratio))][:vh, :vh]
    assert np.abs(crop.astype(int) - picture[:crop.shape[0], :crop.shape[1]]).mean() < 6
    app.window.close()
