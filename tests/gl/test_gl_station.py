"""The station, the Soyuz and the launcher rendered for real (Xvfb + Mesa) by the scene:
pixels of one object's meshes against another's, each drawn alone in the same frame
geometry (the solids item told to draw only that object's instances), on black."""

import datetime as dt

import numpy as np
import pytest

from orbitviz.core.mission import MissionModel
from orbitviz.core.viewer import ViewerModel
from orbitviz.core.viewstate import LAYERS, ViewState

W, H = 960, 540


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
    state = ViewState(frame="inertial")
    for layer in LAYERS:            # black space, nothing but the meshes
        state.layers[layer] = False
    sc = SceneController(ViewerModel(model, state), view, create_items(model))
    yield sc, view
    sc.close()


def frame(view, qtbot):
    from PySide6.QtGui import QImage

    view.update()
    qtbot.wait(30)
    img = view.grabFramebuffer().convertToFormat(QImage.Format.Format_RGB888)
    arr = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes()).reshape(
        img.height(), img.bytesPerLine())[:, : img.width() * 3]
    return arr.reshape(img.height(), img.width(), 3).astype(float)


def mask_of(sc, view, qtbot, keep) -> np.ndarray:
    """Pixels that differ from the empty frame when only the posed instances
    ``keep(posed)`` are drawn (plumes off)."""
    item = sc.items["solids"]
    everything = list(item.instances)
    posed = sc.solids.posed
    sc.items["plumes"].setVisible(False)
    try:
        item.set_instances([])
        empty = frame(view, qtbot)
        item.set_instances([i for p, i in zip(posed, everything) if keep(p)])
        img = frame(view, qtbot)
    finally:
        item.set_instances(everything)
    return np.abs(img - empty).max(axis=2) > 6


def dilate(m, px=1):
    out = m.copy()
    for dy in range(-px, px + 1):
        for dx in range(-px, px + 1):
            out |= np.roll(np.roll(m, dy, axis=0), dx, axis=1)
    return out


def side_view(sc, view, met, distance_km):
    """The station from its side (along the orbit normal), the Earth down."""
    sc.apply_preset("rendezvous")
    sc.set_time(met)
    view.set_camera(distance_km, 0.0, -90.0)
    sc.update()


def test_docked_soyuz_touches_rassvet_in_a_side_view(scene, qtbot, model, tmp_path):
    sc, view = scene
    side_view(sc, view, model.scenario.event_times()["docking"] + 1.0, 0.06)
    soyuz = mask_of(sc, view, qtbot, lambda p: p.owner == "soyuz-ms-19")
    station = mask_of(sc, view, qtbot, lambda p: p.key == "station:fixed")
    _save(soyuz, station, tmp_path / "docked.png")
    assert soyuz.sum() > 300 and station.sum() > 3000
    # no gap: the Soyuz's pixels touch the station's (one pixel apart at most)
    assert (dilate(soyuz, 1) & station).sum() > 5
    # the Soyuz hangs below: its pixels lie under the point where they meet
    rows = np.nonzero(soyuz)[0]
    touch = np.nonzero(dilate(soyuz, 1) & station)[0]
    assert np.median(rows) > touch.mean() + 5
    # time runs and the arrays turn: new poses, the same vertices (uploaded once)
    item = sc.items["solids"]
    before = [i.rot.copy() for i in item.instances]
    for k in range(1, 4):
        sc.set_time(sc.met_s + 600.0 * k)
        frame(view, qtbot)
    assert item.upload_count == 1
    assert not all(np.allclose(a, i.rot) for a, i in zip(before, item.instances))


def test_soyuz_below_the_station_at_12_10(scene, qtbot, model, tmp_path):
    """At 12:10:00 UTC on 5 October (the hold below Rassvet) the whole Soyuz lies below
    every pixel of the station's modules, truss and radiators, under Rassvet."""
    sc, view = scene
    met = model.axis.met_from_datetime(dt.datetime(2021, 10, 5, 12, 10, tzinfo=dt.timezone.utc))
    side_view(sc, view, met, 0.35)
    soyuz = mask_of(sc, view, qtbot, lambda p: p.owner == "soyuz-ms-19")
    station = mask_of(sc, view, qtbot, lambda p: p.key == "station:fixed")
    _save(soyuz, station, tmp_path / "soyuz-below.png")
    assert soyuz.sum() > 100 and station.sum() > 3000
    s_rows, s_cols = np.nonzero(soyuz)
    st_rows, st_cols = np.nonzero(station)
    assert s_rows.min() > st_rows.max()                       # entirely below
    assert st_cols.min() < np.median(s_cols) < st_cols.max()  # under the station


def test_boosters_drawn_apart_from_the_core_at_t_plus_120_s(scene, qtbot, model):
    sc, view = scene
    sc.apply_preset("launch")
    sc.set_time(120.0)
    view.set_camera(*sc.preset_camera())
    sc.update()
    rocket = mask_of(sc, view, qtbot, lambda p: p.owner == "soyuz-ms-19")
    assert rocket.sum() > 500
    near = dilate(rocket, 2)
    for b in ("b", "v", "g", "d"):
        booster = mask_of(sc, view, qtbot, lambda p, b=b: p.owner == f"shed:booster-{b}")
        assert booster.sum() > 50, b                           # drawn, on screen
        assert (booster & near).sum() == 0, b                  # apart from the core


def _save(mask_a, mask_b, path):
    """Both masks in one picture (orange, blue, white where both), for looking at a failure."""
    from PySide6.QtGui import QImage

    img = np.zeros(mask_a.shape + (3,), np.uint8)
    img[mask_a] = (255, 140, 0)
    img[mask_b] = (120, 200, 255)
    img[mask_a & mask_b] = (255, 255, 255)
    img = np.ascontiguousarray(img)
    QImage(img.data, img.shape[1], img.shape[0], 3 * img.shape[1],
           QImage.Format.Format_RGB888).save(str(path))
