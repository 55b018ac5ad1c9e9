"""The user's own satellites on the map, read from rendered pixels and from the panel: their
dots and the selected one's track where the frame puts them, the layers that hide them, a
click that selects one, and a catalogue of 30,000 following the clock (throttled).

The frame's numbers are checked in tests/core/test_map_frame_user.py (moved there from the
old panel's tests/ui/test_groundtrack_user.py); here the same catalogues, drawn.
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pytest
from PySide6 import QtCore, QtGui

from _refs import qimage_rgb as _rgb
from orbitviz.core.assets import asset_path
from orbitviz.core.catalog import build_catalog, load_element_files
from orbitviz.core.map_view import fit_view
from orbitviz.core.synthetic import synthetic_tle_text
from orbitviz.core.tle import parse_tle_text
from orbitviz.core.viewer import ViewerModel
from orbitviz.render.style import USER_COLOR
from orbitviz.ui.map_panel import USER_FREE_S, MapPanel, map_image

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

ISS_FILE = asset_path("tle", "iss-21277.86166359.tle")
EPOCH_2026 = dt.datetime(2026, 11, 25, 12, tzinfo=dt.timezone.utc)
MAGENTA = 255 * np.array(USER_COLOR[:3])


@pytest.fixture(scope="module")
def model():
    from orbitviz.core.mission import MissionModel

    return MissionModel.build()


@pytest.fixture(scope="module")
def few_catalog(model):
    """The station's real set and six synthetic objects two hours after lift-off."""
    cat, _ = load_element_files([ISS_FILE], model.axis)
    launch = model.axis.datetime_utc(0.0)
    sets, errors = parse_tle_text(synthetic_tle_text(
        6, launch + dt.timedelta(hours=2), seed=11, first_number=80000, spread_h=2.0), "few.tle")
    assert errors == []
    station = next(iter(cat.objects.values())).sets
    return build_catalog(station + sets, model.axis)


@pytest.fixture(scope="module")
def big_catalog(model):
    sets, errors = parse_tle_text(synthetic_tle_text(30000, EPOCH_2026, seed=5), "big.tle")
    assert errors == [] and len(sets) == 30000
    return build_catalog(sets, model.axis)


def _viewer(model, catalog, met_s, selected=None):
    v = ViewerModel(model, met_s=met_s)
    v.set_catalog(catalog)
    if selected is not None:
        v.select(selected)
    return v


def _panel(qtbot, viewer, size=(1200, 600)):
    p = MapPanel(viewer)
    qtbot.addWidget(p)
    p.resize(*size)
    p.show()
    qtbot.waitExposed(p)
    return p


def _drawing(panel) -> QtGui.QImage:
    """The panel's own drawing (its paintEvent) in an image."""
    img = QtGui.QImage(panel.size(), QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    panel.render(img)
    return img


def _magenta(px) -> bool:
    px = np.asarray(px, dtype=float)
    return bool(np.abs(px - MAGENTA).max() < 70 and px[0] - px[1] > 90 and px[2] - px[1] > 70)


def test_the_users_copy_of_the_station_is_drawn_inside_its_marker(qtbot, model):
    cat, _ = load_element_files([ISS_FILE], model.axis)
    v = _viewer(model, cat, 5000.0)
    img = _rgb(map_image(v, 5000.0, 1200, 600))
    ids, lat, lon = cat.map_points(5000.0)
    x, y = fit_view(1200, 600).to_px(lat[0], lon[0])
    assert _magenta(img[int(y), int(x)]), img[int(y), int(x)]


def test_few_dots_and_the_selected_track_are_drawn(qtbot, model, few_catalog, tmp_path):
    t, oid = 5000.0, "synth-80002"
    v = _viewer(model, few_catalog, t, selected=oid)
    ids, lat, lon = few_catalog.map_points(t)
    vs = v.view
    met, tlat, tlon = few_catalog.ground_track(oid, t - vs.track_behind_s, t, 20.0)
    k = len(met) // 3
    for w, h in ((1200, 600), (614, 307)):
        img = map_image(v, t, w, h)
        assert img.save(str(tmp_path / f"few-{w}.png"))
        rgb = _rgb(img)
        view = fit_view(w, h, 63.564003)
        for j, o in enumerate(ids):
            if o == "iss-zarya":
                continue
            x, y = view.to_px(lat[j], lon[j])
            patch = rgb[int(y) - 1:int(y) + 2, int(x) - 1:int(x) + 2].reshape(-1, 3)
            assert sum(_magenta(c) for c in patch) >= 3, (o, patch)
        x, y = view.to_px(tlat[k], tlon[k])  # a point of its flown track
        patch = rgb[int(y) - 1:int(y) + 2, int(x) - 1:int(x) + 2].reshape(-1, 3)
        assert any(_magenta(c) for c in patch)


def test_user_layers_hide_dots_and_track(qtbot, model, few_catalog):
    v = _viewer(model, few_catalog, 5000.0, selected="synth-80002")

    def magenta_pixels():
        rgb = _rgb(map_image(v, 5000.0, 1200, 600))
        d = np.abs(rgb - MAGENTA).max(axis=-1)
        return int(((d < 50) & (rgb[..., 0] - rgb[..., 1] > 90)).sum())

    both = magenta_pixels()
    v.set_layer("user-objects", False)
    track_only = magenta_pixels()
    v.set_layer("user-trails", False)
    none = magenta_pixels()
    assert both > track_only + 100 > none + 200 and none < 50


def test_a_click_on_a_users_dot_selects_it(qtbot, model, few_catalog):
    """Issue 13: your own objects can be selected by clicking them on the map."""
    t = 5000.0
    v = _viewer(model, few_catalog, t)
    panel = _panel(qtbot, v, (900, 450))
    got = []
    v.events.selection.connect(got.append)
    frame = panel.frame()
    view = panel.map_view()
    k = list(frame.dots.ids).index("synth-80003")
    x, y = view.to_px(frame.dots.lat_deg[k], frame.dots.lon_deg[k])
    qtbot.mouseClick(panel, QtCore.Qt.MouseButton.LeftButton,
                     pos=QtCore.QPoint(int(round(float(x))), int(round(float(y)))))
    assert v.selected == "synth-80003" and got == ["synth-80003"]
    assert v.kind(v.selected) == "user"
    # the panel shows it selected: its ring and name
    assert panel.frame().selected.object_id == "synth-80003"
    _drawing(panel)
    assert any(lb.role == "selected" and lb.text == "SYNTH-80003"
               for lb in panel.painted_labels())


def test_a_crowd_of_30000_follows_the_clock(qtbot, model, big_catalog, tmp_path):
    met = model.axis.met_from_datetime(EPOCH_2026)
    v = _viewer(model, big_catalog, 5000.0)
    v.set_scenario("free", now_met_s=met)
    assert v.clock.met_s == met
    panel = _panel(qtbot, v)
    assert not panel.frame().markers  # not in the mission: only the user's objects
    img = map_image(v, met, 1200, 600)
    assert img.save(str(tmp_path / "free-2026.png"))
    near = (np.abs(_rgb(img) - MAGENTA).max(axis=-1) < 60).mean()
    assert 0.03 < near < 0.6  # a haze of dots; the map still shows through
    # following a running clock, the dots may lag a tick or two (throttled), but end at
    # the clock's last time
    panel.refresh()
    drawn_at = panel.frame().dots.met_s
    v.clock.seek(met + 5.0)
    if panel._dots_cost_s > USER_FREE_S:  # an expensive catalogue: the tick keeps the dots
        assert panel.frame().met_s == met + 5.0 and panel.frame().dots.met_s == drawn_at
    for k in range(5):
        v.clock.seek(met + 10.0 * (k + 1))
        panel.frame()  # what a paint draws
    last = big_catalog.map_points(met + 50.0)
    qtbot.waitUntil(lambda: np.array_equal(panel.frame().dots.lat_deg, last[1]), timeout=3000)
    # a redraw at a new time (new positions for every object) is cheap enough to follow
    # the clock: measured on these 2-core machines (about 35 ms for the dots)
    costs = []
    for k in range(6):
        v.clock.seek(met + 60.0 * (k + 1))
        t0 = time.perf_counter()
        panel.refresh()  # everything, the dots at the new time included (never throttled)
        panel.frame()
        costs.append(time.perf_counter() - t0)
    print(f"30k redraw: median {1000 * np.median(costs):.1f} ms")
    assert np.median(costs) < 0.15
