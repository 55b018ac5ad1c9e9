"""The whole app as a user meets it: it opens, follows the clock, answers its shortcuts,
and remembers window, layers, camera and time between runs."""

import numpy as np
import pytest
from PySide6 import QtCore
from PySide6.QtCore import Qt


@pytest.fixture
def settings(tmp_path):
    s = QtCore.QSettings(str(tmp_path / "orbitviz.ini"), QtCore.QSettings.Format.IniFormat)
    yield s


def _open(qtbot, settings):
    from orbitviz.app.app import OrbitvizApp

    app = OrbitvizApp(settings)
    app.start()
    qtbot.addWidget(app.window)
    assert app.wait_ready(30000)
    qtbot.waitExposed(app.window)
    app.window.activateWindow()  # shortcuts act in the active window (no window manager here)
    qtbot.waitUntil(lambda: app.window.isActiveWindow(), timeout=5000)
    return app


def test_app_opens_scrubs_and_remembers(qtbot, settings):
    app = _open(qtbot, settings)
    # the scene follows the clock
    app.clock.seek(12000.0)
    assert app.scene.met_s == pytest.approx(12000.0)
    # Space plays (window-wide shortcut), again pauses
    app.viewport.setFocus()
    qtbot.keyClick(app.viewport, Qt.Key.Key_Space)
    assert app.clock.playing
    qtbot.keyClick(app.viewport, Qt.Key.Key_Space)
    assert not app.clock.playing
    # a camera preset by its shortcut: Ctrl+4 follows Soyuz MS-19 and selects it
    qtbot.keyClick(app.viewport, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert app.state.camera == "follow:soyuz-ms-19" and app.state.selected == "soyuz-ms-19"
    # following keeps the target at the centre of the view
    r, _ = app.model.gcrs_state("soyuz-ms-19", app.clock.met_s)
    g2w, _ = app.scene.world_rotation()
    scene_pos = app.scene.world_to_scene @ (g2w @ r - app.scene.origin_world_km)
    x, y = app.viewport.project(scene_pos)
    assert abs(x - app.viewport.width() / 2) < 1.5 and abs(y - app.viewport.height() / 2) < 1.5
    # frame and a layer
    app.set_frame("inertial")
    app.viewer.set_layer("stars", False)
    app.viewport.set_camera(3000.0, 30.0, 120.0)
    closed_at = app.clock.met_s  # 12000 s and the moment played between the two Spaces
    assert closed_at == pytest.approx(12000.0, abs=60.0)
    app.window.close()

    again = _open(qtbot, settings)
    assert again.clock.met_s == pytest.approx(closed_at, abs=1e-6)
    assert again.state.frame == "inertial"
    assert again.state.layers["stars"] is False
    assert again.state.camera == "follow:soyuz-ms-19"
    assert again.viewport.opts["distance"] == pytest.approx(3000.0)
    again.window.close()


def test_presenter_mode_hides_everything_but_the_time_bar(qtbot, settings):
    app = _open(qtbot, settings)
    app.window.set_presenter_mode(True)
    qtbot.wait(50)
    assert not app.window.menuBar().isVisible() and not app.window.toolbar.isVisible()
    assert app.time_controls.isVisible()
    assert all(not d.isVisible() for d in app.window._docks.values())
    app.window.set_presenter_mode(False)
    qtbot.wait(50)
    assert app.window.menuBar().isVisible()
    assert any(d.isVisible() for d in app.window._docks.values())
    app.window.close()


def test_window_frame_is_not_blank(qtbot, settings):
    app = _open(qtbot, settings)
    app.apply_preset("earth")
    app.clock.seek(0.0)
    qtbot.wait(50)
    img = app.viewport.grabFramebuffer()
    arr = np.array([[img.pixelColor(x, y).lightness() for x in range(0, img.width(), 16)]
                    for y in range(0, img.height(), 16)])
    assert arr.std() > 20 and arr.max() > 150  # an Earth, not a flat or black frame
    app.window.close()


def _rgb(img):
    from PySide6.QtGui import QImage

    img = img.convertToFormat(QImage.Format.Format_RGB888)
    arr = np.frombuffer(img.constBits(), dtype=np.uint8,
                        count=img.sizeInBytes()).reshape(img.height(), img.bytesPerLine())
    return arr[:, : img.width() * 3].reshape(img.height(), img.width(), 3).astype(float)


def test_export_matches_the_view_and_copy_fills_the_clipboard(qtbot, settings, tmp_path):
    from PySide6.QtGui import QGuiApplication, QImage

    app = _open(qtbot, settings)
    app.apply_preset("baikonur")
    app.clock.seek(200.0)
    app.viewport.orbit(15.0, 5.0)  # a camera of the user's own, not the preset's
    # the scene itself: lines, markers and labels are sized for the picture's height in an
    # export (the same picture from the app and the CLI, issue 13), not for the screen's
    for layer in ("labels", "events", "grid", "track:iss", "track:soyuz-ms-19",
                  "track:soyuz-ms-18", "stars"):
        app.viewer.set_layer(layer, False)
    qtbot.wait(50)
    on_screen = _rgb(app.viewport.grabFramebuffer())
    h, w = on_screen.shape[:2]
    # the same view, rendered by the export engine at the viewport's size
    path = app.exporter().save(str(tmp_path / "view.png"), app.clock.met_s,
                               app.export_spec(w, h, caption="none", credit=False))
    exported = _rgb(QImage(str(path)))
    assert exported.shape == on_screen.shape
    assert np.abs(exported - on_screen).mean() < 3.0  # of 255: the same picture
    # and twice the size keeps the framing (not stretched): compare scaled down
    big = app.exporter().render(app.clock.met_s,
                                app.export_spec(2 * w, 2 * h, caption="none", credit=False))
    small = _rgb(big.scaled(w, h))
    assert np.abs(small - on_screen).mean() < 6.0
    app.copy_view()
    clip = QGuiApplication.clipboard().image()
    assert (clip.width(), clip.height()) == (w, h)
    app.window.close()


def test_clip_from_the_app_dialog(qtbot, settings, tmp_path):
    from PySide6 import QtWidgets

    app = _open(qtbot, settings)
    out = tmp_path / "ascent.mp4"

    def fill_and_accept():
        dlg = QtWidgets.QApplication.activeModalWidget()
        dlg.path.setText(str(out))
        dlg.t0.setText("T+0")
        dlg.t1.setText("T+4")
        dlg.size_box.preset.setCurrentIndex(dlg.size_box.preset.count() - 1)  # custom
        dlg.size_box.match.setChecked(False)
        dlg.size_box.width_spin.setValue(320)
        dlg.size_box.height_spin.setValue(180)
        dlg.fps.setValue(5)
        dlg.rate.setValue(1.0)
        dlg._accept()

    QtCore.QTimer.singleShot(200, fill_and_accept)
    app.export_clip()
    from _video import decode

    meta, frames = decode(out)
    assert meta["size"] == (320, 180) and len(frames) == 21  # 4 s at 1× and 5 fps, its end
    assert not [p for p in tmp_path.iterdir() if p.name != "ascent.mp4" and
                p.suffix != ".ini"]  # no temporary left behind
    app.window.close()


def test_the_map_goes_into_exports_when_it_is_shown(qtbot, settings, tmp_path):
    app = _open(qtbot, settings)
    app.clock.seek(5000.0)
    docks = app.window._docks
    docks["Rendezvous"].raise_()
    qtbot.waitUntil(lambda: not app.window.dock_shown("Map"), timeout=3000)
    w, h = 1280, 720
    without = _rgb(app.exporter().render(app.clock.met_s,
                                         app.export_spec(w, h, caption="none", credit=False)))
    docks["Map"].raise_()
    qtbot.waitUntil(lambda: app.window.dock_shown("Map"), timeout=3000)
    spec = app.export_spec(w, h, caption="none", credit=False)
    assert spec.inset is not None
    with_map = _rgb(app.exporter().render(app.clock.met_s, spec))
    x, y, iw, ih = app.exporter().inset_rect(w, h)
    from orbitviz.ui.map_panel import map_image

    expected = _rgb(map_image(app.viewer, app.clock.met_s, iw, ih, h / 1080.0))
    region = with_map[y + 2:y + ih - 2, x + 2:x + iw - 2]
    assert np.abs(region - expected[2:-2, 2:-2]).mean() < 2.0      # the map, at that time
    assert np.abs(region - without[y + 2:y + ih - 2, x + 2:x + iw - 2]).mean() > 8.0
    outside = (slice(ih + 40, h), slice(0, x - 40))
    assert np.abs(with_map[outside] - without[outside]).mean() < 1.0  # the rest unchanged
    app.window.close()


def test_a_click_on_the_map_selects_in_the_whole_app(qtbot, settings):
    """Issue 13: objects are selected by clicking them on the map; the readouts, the time
    bar and the view follow, as for a click in the view."""
    app = _open(qtbot, settings)
    app.clock.seek(5000.0)
    app.select("iss")
    app.window._docks["Map"].raise_()
    qtbot.waitUntil(lambda: app.window.dock_shown("Map"), timeout=3000)
    m = app.map.frame().marker("soyuz-ms-19")
    x, y = app.map.map_view().to_px(m.lat_deg, m.lon_deg)
    qtbot.mouseClick(app.map, Qt.MouseButton.LeftButton,
                     pos=QtCore.QPoint(int(round(float(x))), int(round(float(y)))))
    assert app.state.selected == "soyuz-ms-19" and app.viewer.selected == "soyuz-ms-19"
    assert app.readouts.selected == "soyuz-ms-19"
    app.window.close()


def test_a_saved_shot_round_trips_and_renders_the_same_image(qtbot, settings, tmp_path):
    import subprocess
    import sys

    from PySide6.QtGui import QImage

    from orbitviz.core.export_rules import ExportSpec
    from orbitviz.core.shots import ShotBook

    settings.setValue("shots/path", str(tmp_path / "shots.json"))
    app = _open(qtbot, settings)
    app.apply_preset("rendezvous")
    app.clock.seek(12100.0)
    app.viewport.orbit(25.0, -5.0)
    app.set_frame("inertial")
    app.viewer.set_layer("grid", False)
    app.save_shot("Final approach")
    # the file on disk holds it, and reading it back gives the same shot
    book = ShotBook(tmp_path / "shots.json", app.model.axis)
    shot = book.get("final approach")
    assert shot.met_s == pytest.approx(12100.0, abs=1e-3)
    assert shot.view().frame == "inertial" and shot.view().layers["grid"] is False
    assert shot.camera["azimuth_deg"] == pytest.approx(app.viewport.opts["azimuth"])
    # going elsewhere and back restores the view
    app.apply_preset("earth")
    app.clock.seek(0.0)
    app.apply_shot("Final approach")
    assert app.clock.met_s == pytest.approx(12100.0, abs=1e-3)
    assert app.state.frame == "inertial" and app.state.camera == "rendezvous"
    # the CLI renders the saved shot from the file: the same picture the app renders of it
    out = tmp_path / "shot.png"
    p = subprocess.run([sys.executable, "-m", "orbitviz", "export", "--shot", "Final approach",
                        "--shots", str(tmp_path / "shots.json"), "--out", str(out),
                        "--size", "960x540", "--caption", "none", "--no-credit"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    spec = ExportSpec(size=(960, 540), view=shot.view().camera, view_state=shot.view(),
                      camera=shot.camera, caption="none", credit=False)
    direct = _rgb(app.exporter().render(shot.met_s, spec))
    from_file = _rgb(QImage(str(out)))
    assert np.abs(from_file - direct).mean() < 1.0
    app.window.close()
