"""The user's own satellites on the map (orbitviz.core.map_frame), in the mission and in a
free scenario: the frame's data (moved from the old panel's tests,
tests/ui/test_groundtrack_user.py; their pixels are in tests/ui/test_map_panel_user.py).

Real catalogues: the station's own element-set file (the user's copy of the station sits on
the station's marker) and a synthetic catalogue of 30,000 objects in November 2026, where
the mission's objects do not exist and the Sun comes from the environment (checked against
NOAA's solar-position equations, independent).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from _refs import noaa_subsolar
from orbitviz.core.assets import asset_path
from orbitviz.core.catalog import build_catalog, load_element_files
from orbitviz.core.groundtrack import angular_distance_deg, terminator
from orbitviz.core.map_frame import MapFrameBuilder
from orbitviz.core.map_view import fit_view
from orbitviz.core.synthetic import synthetic_tle_text
from orbitviz.core.tle import parse_tle_text
from orbitviz.core.viewer import ViewerModel

ISS_FILE = asset_path("tle", "iss-21277.86166359.tle")
EPOCH_2026 = dt.datetime(2026, 11, 25, 12, tzinfo=dt.timezone.utc)
LABEL_MAX = 50


@pytest.fixture(scope="module")
def model():
    from orbitviz.core.mission import MissionModel

    return MissionModel.build()


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


def _viewer(model, catalog, met_s, selected=None):
    v = ViewerModel(model, met_s=met_s)
    v.set_catalog(catalog)
    if selected is not None:
        assert v.select(selected)
    return v, MapFrameBuilder(v)


def _finite_jumps(x) -> np.ndarray:
    d = np.abs(np.diff(np.asarray(x, dtype=float)))
    return d[np.isfinite(d)]


# --- in the mission ---------------------------------------------------------------------------

def test_the_users_copy_of_the_station_sits_on_the_station(model, iss_catalog):
    v, b = _viewer(model, iss_catalog, 300.0)
    for t in (600.0, 5000.0):
        f = b.frame(t, label_max=LABEL_MAX)
        ref_ids, ref_lat, ref_lon = iss_catalog.map_points(t)
        assert list(f.dots.ids) == ref_ids == ["iss-zarya"]
        np.testing.assert_allclose(f.dots.lat_deg, ref_lat, atol=1e-9)
        np.testing.assert_allclose(f.dots.lon_deg, ref_lon, atol=1e-9)
        # within about a pixel of the mission's own station marker on a 1200-px map
        m = f.marker("iss")
        view = fit_view(1200, 600)
        ux, uy = view.to_px(f.dots.lat_deg[0], f.dots.lon_deg[0])
        mx, my = view.to_px(m.lat_deg, m.lon_deg)
        assert math.hypot(float(ux - mx), float(uy - my)) < 1.5
        # named in the station's label, not printed over it
        assert m.label.endswith("· ISS (ZARYA) (your set)")
        assert f.user_labels == ()


def test_few_objects_are_named_and_the_selected_one_has_its_track(model, few_catalog):
    t, oid = 5000.0, "synth-80002"
    v, b = _viewer(model, few_catalog, t, selected=oid)
    f = b.frame(t, label_max=LABEL_MAX)
    ids = list(f.dots.ids)
    assert ids == few_catalog.map_points(t)[0] and len(ids) == 7
    named = sorted(u.text for u in f.user_labels)
    others = sorted(few_catalog.objects[o].name for o in ids if o not in ("iss-zarya", oid))
    assert named == others
    assert f.selected.label == few_catalog.objects[oid].name
    # the track: the core's ground track over the view's span, flown solid up to the
    # object, to come dashed from it
    vs = v.view
    met, tlat, tlon = few_catalog.ground_track(oid, t - vs.track_behind_s,
                                               t + vs.track_ahead_s, 20.0)
    s = few_catalog.object_state(oid, t)
    assert (f.selected.lat_deg, f.selected.lon_deg) == (s.lat_deg, s.lon_deg)
    px, py = f.selected.track.past[-1]
    fx, fy = f.selected.track.future[0]
    assert (py[-1], px[-1]) == pytest.approx((s.lat_deg, s.lon_deg), abs=1e-9)
    assert (fy[0], fx[0]) == pytest.approx((s.lat_deg, s.lon_deg), abs=1e-9)
    drawn = np.concatenate([np.column_stack([la, lo]) for lo, la in
                            f.selected.track.past + f.selected.track.future])
    drawn = drawn[np.abs(drawn[:, 1]) < 180.0]
    # every drawn vertex lies on the core's track (within a sample step's arc, 1.5°)
    d = angular_distance_deg(drawn[:, None, 0], drawn[:, None, 1], tlat[None, :],
                             tlon[None, :]).min(axis=1)
    assert d.max() < 1.5 and len(drawn) > 400
    # more than LABEL_MAX: no names
    assert b.frame(t, label_max=6).user_labels == ()


def test_user_layers_hide_dots_and_track(model, few_catalog):
    t = 5000.0
    v, b = _viewer(model, few_catalog, t, selected="synth-80002")
    v.set_layer("user-objects", False)
    f = b.frame(t, label_max=LABEL_MAX)
    assert len(f.dots) == 0 and f.user_labels == ()
    assert f.selected.label is None and f.selected.lat_deg is None
    x = np.concatenate([lo for lo, _ in f.selected.track.past])
    assert np.isfinite(x).sum() > 100  # the track is its own layer
    v.set_layer("user-trails", False)
    assert b.frame(t, label_max=LABEL_MAX).selected.track is None
    v.set_layer("user-objects", True)
    assert len(b.frame(t, label_max=LABEL_MAX).dots) == 7


# --- a free scenario: November 2026 -------------------------------------------------------------

def test_outside_the_mission_only_the_users_objects_and_that_days_sun(model, big_catalog):
    met = model.axis.met_from_datetime(EPOCH_2026)
    v, b = _viewer(model, big_catalog, 5000.0)
    assert b.frame(5000.0, label_max=LABEL_MAX).markers  # in the mission: the mission's
    assert not v.in_mission(met)
    f = b.frame(met, label_max=LABEL_MAX)
    assert f.markers == () and f.tracks == () and f.sites == () and not f.in_mission
    assert f.focus_lon_deg == 0.0
    # the Sun of that day: NOAA's sub-solar point, and the core's terminator of it
    ref_lat, ref_lon = noaa_subsolar(model.axis.datetime_utc(met))
    slat, slon = f.subsolar_lat_deg, f.subsolar_lon_deg
    assert slat == pytest.approx(ref_lat, abs=0.5)
    assert (slon - ref_lon + 180.0) % 360.0 - 180.0 == pytest.approx(0.0, abs=0.5)
    assert slat == pytest.approx(-20.8, abs=0.3)  # late November: the Sun far south
    np.testing.assert_array_equal(f.terminator.lon_deg, terminator(slat, slon).lon_deg)
    # 30,000 dots where the catalogue puts them, none named (too many)
    ref_ids, ref_lat, ref_lon = big_catalog.map_points(met)
    assert list(f.dots.ids) == ref_ids and len(ref_ids) > 29_000
    np.testing.assert_allclose(f.dots.lat_deg, ref_lat, atol=1e-9)
    np.testing.assert_allclose(f.dots.lon_deg, ref_lon, atol=1e-9)
    assert f.user_labels == ()


def test_selected_object_in_a_crowd_wraps_at_the_dateline(model, big_catalog):
    met = model.axis.met_from_datetime(EPOCH_2026)
    # a low-orbit object: its two orbits of track cross ±180° at least once
    oid = next(o for o in big_catalog.ids
               if big_catalog.objects[o].sets[0].satrec.no_kozai * 1440 / (2 * math.pi) > 15.0)
    v, b = _viewer(model, big_catalog, met, selected=oid)
    f = b.frame(met, label_max=LABEL_MAX)
    assert f.selected.label == big_catalog.objects[oid].name  # named, even among 30,000
    s = big_catalog.object_state(oid, met)
    assert (f.selected.lat_deg, f.selected.lon_deg) == pytest.approx((s.lat_deg, s.lon_deg),
                                                                     abs=1e-9)
    crossings = 0
    for pieces in (f.selected.track.past, f.selected.track.future):
        for lon, _ in pieces:
            assert np.abs(lon).max() <= 180.0
            # no horizontal streak: consecutive drawn points are never far apart in longitude
            assert _finite_jumps(lon).max() < 25.0
            crossings += int(np.sum(np.isclose(np.abs(lon), 180.0)))
    assert crossings >= 2  # each crossing ends one piece at ±180° and starts the next at ∓180°
    # the track is computed once for a span around now, not on every tick
    cache = b._sel_cache
    b.frame(met + 120.0, label_max=LABEL_MAX)
    assert b._sel_cache is cache
    f = b.frame(met + 6 * 3600.0, label_max=LABEL_MAX)
    assert b._sel_cache is not cache
    for lon, _ in f.selected.track.past:
        assert _finite_jumps(lon).max() < 25.0
