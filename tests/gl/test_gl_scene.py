"""The whole scene rendered for real (Xvfb + Mesa): coarse pixel facts a presenter relies on."""

import numpy as np
import pytest

from orbitviz.core.geodesy import geodetic_to_itrs
from orbitviz.core.mission import MissionModel
from orbitviz.core.viewer import ViewerModel
from orbitviz.core.viewstate import ViewState

W, H = 800, 600


@pytest.fixture(scope="module")
def model():
    return MissionModel.build()


@pytest.fixture
def scene(qtbot, model):
    from orbitviz.render.scene import SceneController, create_items
    from orbitviz.ui.viewport import Viewport

    view = Viewport()
    view.resize(W, H)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    state = ViewState()
    sc = SceneController(ViewerModel(model, state), view, create_items(model))
    return sc, view, state


def frame(view, qtbot):
    """The viewport's frame as an (H, W, 3) uint8 RGB array."""
    view.update()
    qtbot.wait(30)
    img = view.grabFramebuffer().convertToFormat(
        __import__("PySide6.QtGui", fromlist=["QImage"]).QImage.Format.Format_RGB888)
    ptr = img.constBits()
    arr = np.frombuffer(ptr, dtype=np.uint8, count=img.sizeInBytes()).reshape(
        img.height(), img.bytesPerLine())[:, : img.width() * 3]
    return arr.reshape(img.height(), img.width(), 3).copy()


def place(sc, view, preset, met):
    sc.apply_preset(preset)
    view.set_camera(*sc.preset_camera())
    sc.set_time(met)


def scene_of(sc, r_world):
    return sc.world_to_scene @ (np.asarray(r_world) - sc.origin_world_km)


def test_earth_fills_the_centre_of_the_whole_earth_view(scene, qtbot):
    sc, view, _ = scene
    place(sc, view, "earth", 0.0)
    img = frame(view, qtbot)
    centre = img[H // 2 - 5:H // 2 + 5, W // 2 - 5:W // 2 + 5].mean(axis=(0, 1))
    corner = img[:20, :20].mean(axis=(0, 1))
    assert centre.sum() > 60          # lit Earth, not the black of space
    assert corner.sum() < 40          # space around it


def test_day_side_is_brighter_where_the_sun_is(scene, qtbot, model):
    """Pixels toward the sub-solar point are far brighter than toward the anti-solar one."""
    sc, view, state = scene
    state.layers["labels"] = False
    state.layers["grid"] = False
    place(sc, view, "earth", 3 * 3600.0)
    img = frame(view, qtbot).astype(float)
    g2w, i2w = sc.world_rotation()
    sun = g2w @ model.sun.direction_gcrs(sc.met_s)
    # points on the Earth's limb-facing hemisphere toward and away from the Sun, projected
    cam_dir = sc.world_to_scene.T @ np.array(view.cameraPosition())
    cam_dir /= np.linalg.norm(cam_dir)
    side = sun - cam_dir * (sun @ cam_dir)
    side /= np.linalg.norm(side)
    bright, dark = [], []
    for sign, out in ((1, bright), (-1, dark)):
        p = (cam_dir * 0.8 + sign * side * 0.6) * 6378.0
        xy = view.project(scene_of(sc, p))
        x, y = int(xy[0]), int(xy[1])
        out.append(img[y - 3:y + 4, x - 3:x + 4].mean())
    assert bright[0] > 3 * dark[0] + 10


def test_baikonur_projects_onto_land(scene, qtbot, model):
    sc, view, state = scene
    for k in ("labels", "grid", "events"):
        state.layers[k] = False
    place(sc, view, "earth", -1800.0)
    sc.items["markers"].setVisible(False)
    sc.items["labels"].setVisible(False)
    for k in list(sc.items):
        if k.startswith("track:"):
            sc.items[k].setVisible(False)
    img = frame(view, qtbot).astype(float)
    pad = model.scenario.sites["pad"]
    g2w, i2w = sc.world_rotation()
    r = i2w @ geodetic_to_itrs(pad["lat_deg"], pad["lon_deg"], 0.0)
    x, y = (int(round(c)) for c in view.project(scene_of(sc, r)))
    r_, g_, b_ = img[y - 2:y + 3, x - 2:x + 3].reshape(-1, 3).mean(axis=0)
    # Kazakh steppe in Blue Marble is tan/brown: red and green above blue; ocean is blue
    assert r_ + g_ > 2 * b_ and r_ > 40


def test_iss_marker_moves_between_two_scrubbed_times(scene, qtbot, model):
    sc, view, state = scene
    state.layers["labels"] = False
    place(sc, view, "earth", 600.0)
    cam = sc.world_to_scene.T @ np.array(view.cameraPosition()) + sc.origin_world_km

    def facing(met):  # the ISS on the camera's side of the Earth (not hidden by it)
        g2w, _ = sc.world_rotation()
        r = g2w @ model.gcrs_state("iss", met)[0]
        return (r - 0) @ (cam / np.linalg.norm(cam)) > 3000.0

    second = next(m for m in np.arange(800.0, 6000.0, 100.0) if facing(m))
    positions = []
    for met in (600.0, float(second)):
        sc.set_time(met)
        img = frame(view, qtbot).astype(float)
        g2w, _ = sc.world_rotation()
        r, _ = model.gcrs_state("iss", met)
        x, y = (int(round(c)) for c in view.project(scene_of(sc, g2w @ r)))
        patch = img[y - 3:y + 4, x - 3:x + 4].reshape(-1, 3)
        # the ISS marker is a bright near-white dot
        assert patch.max(axis=0).min() > 170
        positions.append((x, y))
    assert np.hypot(positions[0][0] - positions[1][0], positions[0][1] - positions[1][1]) > 20


def test_soyuz_sits_on_the_pad_at_liftoff(scene, model):
    sc, view, _ = scene
    place(sc, view, "baikonur", 0.0)
    g2w, i2w = sc.world_rotation()
    r, _ = model.gcrs_state("soyuz-ms-19", 0.0)
    pad = model.scenario.sites["pad"]
    pad_w = i2w @ geodetic_to_itrs(pad["lat_deg"], pad["lon_deg"], pad["alt_km"])
    assert np.linalg.norm(g2w @ r - pad_w) < 0.01  # within 10 m
    # and the Baikonur view is centred on it
    xy = view.project(scene_of(sc, pad_w))
    assert abs(xy[0] - W / 2) < 2 and abs(xy[1] - H / 2) < 2


def test_station_close_up_does_not_jitter(scene, qtbot, model):
    sc, view, state = scene
    state.layers["labels"] = False
    place(sc, view, "rendezvous", 20000.0)
    view.set_camera(0.05, 20.0, 230.0)   # 50 m from the station
    sc.update()
    a = frame(view, qtbot).astype(int)
    sc.set_time(20000.1)
    b = frame(view, qtbot).astype(int)
    centre = (slice(H // 4, 3 * H // 4), slice(W // 4, 3 * W // 4))
    assert a[centre].mean() > 15                      # the mesh is there
    assert np.abs(a[centre] - b[centre]).mean() < 2.0  # and it holds still


def test_at_docking_the_shared_label_names_all_three(scene, model):
    """Issue 13: at docking, in the Whole Earth view, the station's label names both Soyuz."""
    sc, view, _ = scene
    place(sc, view, "earth", model.scenario.event_times()["docking"])
    texts = [t for t, _ in sc.items["labels"]._labels]
    assert "ISS + Soyuz MS-19 + Soyuz MS-18" in texts
    assert "Soyuz MS-19" not in texts  # not a second label printed over the first
