"""The ground-track map with the user's own satellites, in the mission and in a free scenario.

Real panels on the real mission model, real catalogues: the station's own element-set file
(the user's copy of the station sits on the station's marker) and a synthetic catalogue of
30,000 objects in November 2026, where the mission's objects do not exist and the Sun comes
from the environment (checked against NOAA's solar-position equations, independent).
"""

from __future__ import annotations

import datetime as dt
import math
import time

import numpy as np
import pytest

from _refs import noaa_subsolar
from _refs import qimage_rgb as _rgb
from orbitviz.core.assets import asset_path
from orbitviz.core.catalog import build_catalog, load_element_files
from orbitviz.core.clock import SimulationClock
from orbitviz.core.environment import Environment
from orbitviz.core.groundtrack import angular_distance_deg, terminator
from orbitviz.core.mission import MissionModel
from orbitviz.core.synthetic import synthetic_tle_text
from orbitviz.core.tle import parse_tle_text
from orbitviz.core.viewstate import ViewState
from orbitviz.render.style import USER_COLOR, USER_LABEL_MAX
from orbitviz.ui.groundtrack import GroundTrackPanel

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

ISS_FILE = asset_path("tle", "iss-21277.86166359.tle")
EPOCH_2026 = dt.datetime(2026, 11, 25, 12, tzinfo=dt.timezone.utc)
MAGENTA = 255 * np.array(USER_COLOR[:3])


@pytest.fixture(scope="module")
def model():
    return MissionModel.build()


@pytest.fixture(scope="module")
def env(model):
    return Environment(model)


@pytest.fixture(scope="module")
def iss_catalog(model):
    cat, errors = load_element_files([ISS_FILE], model.axis)
    assert errors == [] and list(cat.objects) == ["iss-zarya"]
    return cat


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


def _panel(qtbot, model, clock, env, size=(1200, 600)):
    p = GroundTrackPanel(model, clock, ViewState())
    p.set_environment(env)
    qtbot.addWidget(p)
    p.resize(*size)
    p.show()
    qtbot.waitExposed(p)
    return p


def _magenta(px) -> bool:
    px = np.asarray(px, dtype=float)
    return bool(np.abs(px - MAGENTA).max() < 70 and px[0] - px[1] > 90 and px[2] - px[1] > 70)


def _finite_jumps(x) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    d = np.abs(np.diff(x))
    return d[np.isfinite(d)]


# --- in the mission ---------------------------------------------------------------------------

def test_the_users_copy_of_the_station_sits_on_the_station(qtbot, model, env, iss_catalog):
    clock = SimulationClock(*model.window, met_s=300.0)
    panel = _panel(qtbot, model, clock, env)
    panel.set_user_catalog(iss_catalog)
    for t in (600.0, 5000.0):
        clock.seek(t)
        ids, lat, lon = panel.user_points()
        ref_ids, ref_lat, ref_lon = iss_catalog.map_points(t)
        assert ids == ref_ids == ["iss-zarya"]
        np.testing.assert_allclose(lat, ref_lat, atol=1e-9)
        np.testing.assert_allclose(lon, ref_lon, atol=1e-9)
        # within about a pixel of the mission's own station marker on this 1200-px map
        mlat, mlon = panel.marker_positions()["iss"]
        dx, dy = panel.viewbox.viewPixelSize()
        off_px = math.hypot((lon[0] - mlon) * math.cos(math.radians(mlat)) / dx,
                            (lat[0] - mlat) / dy)
        assert off_px < 1.5, off_px
        # named in the station's label, not printed over it
        assert panel.labels["iss"].toPlainText().endswith("· ISS (ZARYA)")
        assert not any(lbl.isVisible() for lbl in panel.user_labels)
        # and drawn: the dot's magenta at its pixel, inside the station's marker
        img = panel.render_image(1200, 600)
        x, y = panel.image_point(lat[0], lon[0], 1200, 600)
        assert _magenta(_rgb(img)[int(y), int(x)]), _rgb(img)[int(y), int(x)]


def test_few_objects_are_named_and_the_selected_one_has_its_track(qtbot, model, env,
                                                                  few_catalog, tmp_path):
    t = 5000.0
    clock = SimulationClock(*model.window, met_s=t)
    panel = _panel(qtbot, model, clock, env)
    panel.set_user_catalog(few_catalog)
    oid = "synth-80002"
    panel.set_selected_user(oid)
    ids, lat, lon = panel.user_points()
    assert ids == few_catalog.map_points(t)[0] and len(ids) == 7
    named = sorted(lbl.toPlainText() for lbl in panel.user_labels if lbl.isVisible())
    others = sorted(few_catalog.objects[o].name for o in ids if o not in ("iss-zarya", oid))
    assert named == others
    assert panel.selected_label.isVisible()
    assert panel.selected_label.toPlainText() == few_catalog.objects[oid].name
    # the track: the core's ground track over the view's span, flown solid up to the
    # object, to come dashed from it
    vs = panel.view_state
    met, tlat, tlon = few_catalog.ground_track(oid, t - vs.track_behind_s,
                                               t + vs.track_ahead_s, 20.0)
    px, py = panel.user_past.getData()
    fx, fy = panel.user_future.getData()
    s = few_catalog.object_state(oid, t)
    lat_now, lon_now = s.lat_deg, s.lon_deg
    assert (py[-1], px[-1]) == pytest.approx((lat_now, lon_now), abs=1e-9)
    assert (fy[0], fx[0]) == pytest.approx((lat_now, lon_now), abs=1e-9)
    drawn = np.column_stack([np.concatenate([py, fy]), np.concatenate([px, fx])])
    drawn = drawn[np.isfinite(drawn).all(axis=1) & (np.abs(drawn[:, 1]) < 180.0)]
    # every drawn vertex lies on the core's track (within a sample step's arc, 1.5°)
    d = angular_distance_deg(drawn[:, None, 0], drawn[:, None, 1], tlat[None, :],
                             tlon[None, :]).min(axis=1)
    assert d.max() < 1.5 and len(drawn) > 400
    # the picture (and the exports' inset) shows the dots and the track
    for w, h in ((1200, 600), (614, 307)):
        img = panel.image_at(t, w, h)
        assert img.save(str(tmp_path / f"few-{w}.png"))
        rgb = _rgb(img)
        for k, o in enumerate(ids):
            if o == "iss-zarya":
                continue
            x, y = panel.image_point(lat[k], lon[k], w, h)
            patch = rgb[int(y) - 1:int(y) + 2, int(x) - 1:int(x) + 2].reshape(-1, 3)
            assert sum(_magenta(c) for c in patch) >= 3, (o, patch)
        k = len(px) // 3
        while not np.isfinite(px[k]):
            k += 1
        x, y = panel.image_point(py[k], px[k], w, h)
        patch = rgb[int(y) - 1:int(y) + 2, int(x) - 1:int(x) + 2].reshape(-1, 3)
        assert any(_magenta(c) for c in patch)


def test_user_layers_hide_dots_and_track(qtbot, model, env, few_catalog):
    t = 5000.0
    clock = SimulationClock(*model.window, met_s=t)
    panel = _panel(qtbot, model, clock, env)
    panel.set_user_catalog(few_catalog)
    panel.set_selected_user("synth-80002")

    def magenta_pixels():
        rgb = _rgb(panel.render_image(1200, 600))
        d = np.abs(rgb - MAGENTA).max(axis=-1)
        return int(((d < 50) & (rgb[..., 0] - rgb[..., 1] > 90)).sum())

    both = magenta_pixels()
    panel.view_state.layers["user-objects"] = False
    panel.refresh()
    assert panel.user_points()[0] == []
    assert not panel.selected_label.isVisible()
    assert not any(lbl.isVisible() for lbl in panel.user_labels)
    x, _ = panel.user_past.getData()
    assert np.isfinite(x).sum() > 100  # the track is its own layer
    track_only = magenta_pixels()
    panel.view_state.layers["user-trails"] = False
    panel.refresh()
    assert len(panel.user_past.getData()[0]) == 0 and len(panel.user_future.getData()[0]) == 0
    none = magenta_pixels()
    assert both > track_only + 100 > none + 200 and none < 50
    panel.view_state.layers["user-objects"] = True
    panel.refresh()
    assert len(panel.user_points()[0]) == 7


# --- a free scenario: November 2026 -------------------------------------------------------------

def test_free_scenario_hides_the_mission_and_takes_the_sun_from_the_environment(
        qtbot, model, env, big_catalog, tmp_path):
    met = model.axis.met_from_datetime(EPOCH_2026)
    clock = SimulationClock(model.window[0], met + 3 * 86400.0, met_s=5000.0)
    panel = _panel(qtbot, model, clock, env)
    panel.set_user_catalog(big_catalog)
    assert panel.marker_positions()  # in the mission first: the mission is drawn
    clock.seek(met)
    assert not env.in_mission(met)
    # the mission's objects, tracks and sites are gone
    assert panel.marker_positions() == {}
    for curves in (panel.past_curves, panel.future_curves):
        for item in curves.values():
            x, _ = item.getData()
            assert x is None or len(x) == 0
    assert not panel.site_points.isVisible()
    assert not any(lbl.isVisible() for lbl in [*panel.labels.values(),
                                                *panel.site_labels.values()])
    # the Sun of that day: NOAA's sub-solar point, and the core's terminator of it
    ref_lat, ref_lon = noaa_subsolar(model.axis.datetime_utc(met))
    slat, slon = panel.subsolar
    assert slat == pytest.approx(ref_lat, abs=0.5)
    assert (slon - ref_lon + 180.0) % 360.0 - 180.0 == pytest.approx(0.0, abs=0.5)
    assert slat == pytest.approx(-20.8, abs=0.3)  # late November: the Sun far south
    sx, sy = panel.sun_point.getData()
    assert (float(sy[0]), float(sx[0])) == (slat, slon)
    x, y = panel.terminator_curve.getData()
    np.testing.assert_array_equal(x, terminator(slat, slon).lon_deg)
    # 30,000 dots where the catalogue puts them, none named (too many)
    ids, lat, lon = panel.user_points()
    ref_ids, ref_lat, ref_lon = big_catalog.map_points(met)
    assert ids == ref_ids and len(ids) > 29_000
    np.testing.assert_allclose(lat, ref_lat, atol=1e-9)
    np.testing.assert_allclose(lon, ref_lon, atol=1e-9)
    assert len(ids) > USER_LABEL_MAX and not any(lbl.isVisible() for lbl in panel.user_labels)
    img = panel.render_image(1200, 600)
    assert img.save(str(tmp_path / "free-2026.png"))
    rgb = _rgb(img)
    near = (np.abs(rgb - MAGENTA).max(axis=-1) < 60).mean()
    assert 0.03 < near < 0.6  # a haze of dots; the map still shows through
    # a redraw at a new time (new positions for every object) is cheap enough to follow
    # the clock: measured on these 2-core machines (about 35 ms)
    # following a running clock, the dots may lag a tick or two (throttled), but end at
    # the clock's last time
    for k in range(5):
        clock.seek(met + 10.0 * (k + 1))
    last = big_catalog.map_points(met + 50.0)
    qtbot.waitUntil(lambda: np.array_equal(panel.user_points()[1], last[1]), timeout=3000)
    costs = []
    for k in range(6):
        clock.seek(met + 60.0 * (k + 1))
        t0 = time.perf_counter()
        panel.refresh()  # everything, the dots at the new time included (never throttled)
        costs.append(time.perf_counter() - t0)
    print(f"30k redraw: median {1000 * np.median(costs):.1f} ms")
    assert np.median(costs) < 0.15


def test_selected_object_in_a_crowd_wraps_at_the_dateline(qtbot, model, env, big_catalog):
    met = model.axis.met_from_datetime(EPOCH_2026)
    clock = SimulationClock(model.window[0], met + 3 * 86400.0, met_s=met)
    panel = _panel(qtbot, model, clock, env)
    panel.set_user_catalog(big_catalog)
    # a low-orbit object: its two orbits of track cross ±180° at least once
    oid = next(o for o in big_catalog.ids
               if big_catalog.objects[o].sets[0].satrec.no_kozai * 1440 / (2 * math.pi) > 15.0)
    panel.set_selected_user(oid)
    assert panel.selected_label.isVisible()  # named, even among 30,000
    assert panel.selected_label.toPlainText() == big_catalog.objects[oid].name
    rx, ry = panel.user_ring.getData()
    s = big_catalog.object_state(oid, met)
    lat_now, lon_now = s.lat_deg, s.lon_deg
    assert (float(ry[0]), float(rx[0])) == pytest.approx((lat_now, lon_now), abs=1e-9)
    crossings = 0
    for item in (panel.user_past, panel.user_future):
        x, y = item.getData()
        assert np.nanmax(np.abs(x)) <= 180.0
        # no horizontal streak: consecutive drawn points are never far apart in longitude
        assert _finite_jumps(x).max() < 25.0
        crossings += int(np.sum(np.isclose(np.abs(x), 180.0)))
    assert crossings >= 2  # each crossing ends one piece at ±180° and starts the next at ∓180°
    # the track is computed once for a span around now, not on every tick
    cache = panel._sel_cache
    clock.seek(met + 120.0)
    assert panel._sel_cache is cache
    clock.seek(met + 6 * 3600.0)
    assert panel._sel_cache is not cache
    x, _ = panel.user_past.getData()
    assert _finite_jumps(x).max() < 25.0
