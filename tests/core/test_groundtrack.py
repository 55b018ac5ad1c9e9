"""Ground tracks, dateline splitting, the terminator and the equirectangular projection
(orbitviz.core.groundtrack), against hand-computed references and the mission model."""

from __future__ import annotations

import math

import numpy as np
import pytest

from orbitviz.core.geodesy import geodetic_to_itrs
from orbitviz.core.groundtrack import (angular_distance_deg, equirect, free_flight_mask,
                                       ground_track, join_with_nans, split_at_dateline,
                                       terminator)


@pytest.fixture(scope="module")
def model():
    from orbitviz.core.mission import MissionModel

    return MissionModel.build()


# --- projection ----------------------------------------------------------------------------

def test_equirect_known_points():
    w, h = 2048, 1024
    x, y = equirect(0.0, 0.0, w, h)
    assert (x, y) == (1024.0, 512.0)
    x, y = equirect(0.0, 180.0, w, h)
    assert (x, y) == (2048.0, 512.0)
    x, y = equirect(90.0, -180.0, w, h)
    assert (x, y) == (0.0, 0.0)
    x, y = equirect(-90.0, 0.0, w, h)
    assert y == 1024.0
    # Baikonur Site 31/6, 45.996034° N 63.564003° E: 243.564003/360 of the width from the
    # left edge, 44.003966/180 of the height from the top
    x, y = equirect(45.996034, 63.564003, 3600, 1800)
    assert x == pytest.approx(2435.64003, abs=1e-9)
    assert y == pytest.approx(440.03966, abs=1e-9)


def test_equirect_vectorised():
    x, y = equirect(np.array([10.0, -20.0]), np.array([-90.0, 45.0]), 360, 180)
    np.testing.assert_allclose(x, [90.0, 225.0])
    np.testing.assert_allclose(y, [80.0, 110.0])


# --- dateline ------------------------------------------------------------------------------

def _synthetic_track():
    """A track going east three times round the world (crossing +180 → −180 three times),
    then west once across the dateline: latitude a known linear function of the
    unwrapped longitude."""
    unwrapped = np.concatenate([np.arange(100.0, 100.0 + 3 * 360.0, 7.3),
                                np.arange(100.0 + 3 * 360.0, 100.0 + 3 * 360.0 - 300.0, -9.1)])
    lat = 0.05 * (unwrapped - 100.0) - 20.0
    lon = (unwrapped + 180.0) % 360.0 - 180.0
    return unwrapped, lon, lat


def test_split_at_dateline_synthetic():
    unwrapped, lon, lat = _synthetic_track()
    pieces = split_at_dateline(lon, lat)
    # crossings of an odd multiple of 180 in the unwrapped longitude
    k = np.floor((unwrapped + 180.0) / 360.0)
    n_cross = int(np.count_nonzero(np.diff(k)))
    assert n_cross >= 4
    assert len(pieces) == n_cross + 1
    total = sum(len(p[0]) for p in pieces)
    assert total == len(lon) + 2 * n_cross
    for i, (lo, la) in enumerate(pieces):
        assert np.all(np.abs(np.diff(lo)) <= 180.0), "a piece spans the map"
        assert lo.max() - lo.min() <= 360.0
        if i < len(pieces) - 1:
            nxt_lo, nxt_la = pieces[i + 1]
            assert abs(lo[-1]) == 180.0 and nxt_lo[0] == -lo[-1]
            assert la[-1] == nxt_la[0]
    # every crossing latitude is the linear law at the crossing's unwrapped longitude
    cross_lat = [p[1][-1] for p in pieces[:-1]]
    crossings = []
    for j in np.nonzero(np.diff(k))[0]:
        edge = 180.0 + 360.0 * min(k[j], k[j + 1])
        crossings.append(0.05 * (edge - 100.0) - 20.0)
    np.testing.assert_allclose(cross_lat, crossings, atol=1e-9)


def test_split_at_dateline_nan_and_no_crossing():
    lon = np.array([10.0, 20.0, np.nan, 30.0, 40.0])
    lat = np.array([1.0, 2.0, np.nan, 3.0, 4.0])
    pieces = split_at_dateline(lon, lat)
    assert [list(p[0]) for p in pieces] == [[10.0, 20.0], [30.0, 40.0]]
    jl, jb = join_with_nans(pieces)
    assert np.isnan(jl[2]) and list(jl[[0, 1, 3, 4]]) == [10.0, 20.0, 30.0, 40.0]
    assert split_at_dateline([], []) == []


def test_split_at_dateline_westward_crossing():
    pieces = split_at_dateline([-170.0, 170.0], [10.0, 20.0])
    assert len(pieces) == 2
    (lo0, la0), (lo1, la1) = pieces
    assert lo0[-1] == -180.0 and lo1[0] == 180.0
    assert la0[-1] == pytest.approx(15.0) and la1[0] == pytest.approx(15.0)


# --- terminator ----------------------------------------------------------------------------

def _inside(poly_lon, poly_lat, lon, lat) -> bool:
    """Even-odd ray casting (ray toward +lon) in map coordinates."""
    inside = False
    n = len(poly_lon)
    for i in range(n - 1):
        x1, y1, x2, y2 = poly_lon[i], poly_lat[i], poly_lon[i + 1], poly_lat[i + 1]
        if (y1 > lat) != (y2 > lat):
            x = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if x > lon:
                inside = not inside
    return inside


@pytest.mark.parametrize("met_s", [0.0, 300.0, 12448.6, 500_000.0, 1_021_221.4])
def test_terminator_is_90_deg_from_subsolar_point(model, met_s):
    slat, slon = (float(v) for v in model.sun.subsolar_point(met_s))
    term = terminator(slat, slon)
    d = angular_distance_deg(slat, slon, term.lat_deg, term.lon_deg)
    assert np.all(np.abs(d - 90.0) <= 0.01)
    assert term.lon_deg[0] == -180.0 and term.lon_deg[-1] == 180.0
    assert np.all(np.diff(term.lon_deg) >= 0.0)
    assert np.all(np.abs(term.lat_deg) <= 90.0)
    # a continuous line: neighbours within 2° of arc (361 points round a great circle)
    steps = angular_distance_deg(term.lat_deg[:-1], term.lon_deg[:-1], term.lat_deg[1:],
                                 term.lon_deg[1:])
    assert steps.max() < 2.0
    # October: the Sun is south of the equator, the north pole is in darkness
    assert slat < 0 and term.night_pole == 1
    assert not _inside(term.night_lon_deg, term.night_lat_deg, slon, slat)
    anti_lon = slon - 180.0 if slon > 0 else slon + 180.0
    assert _inside(term.night_lon_deg, term.night_lat_deg, anti_lon, -slat)
    assert _inside(term.night_lon_deg, term.night_lat_deg, 0.0, 89.9)
    assert not _inside(term.night_lon_deg, term.night_lat_deg, 0.0, -89.9)


@pytest.mark.parametrize("slat, slon", [(23.44, -120.0), (-23.44, 179.9), (0.0, 30.0),
                                        (1e-9, -180.0), (5.0, 0.0)])
def test_terminator_any_season(slat, slon):
    term = terminator(slat, slon, n=721)
    d = angular_distance_deg(slat, slon, term.lat_deg, term.lon_deg)
    assert np.all(np.abs(d - 90.0) <= 0.01)
    assert term.night_pole == (1 if slat < 0 else -1)
    assert np.all(np.abs(term.night_lat_deg) <= 90.0)
    assert term.night_lon_deg[0] == term.night_lon_deg[-1]
    assert term.night_lat_deg[0] == term.night_lat_deg[-1]
    # random points: inside the night polygon exactly when the Sun is below the horizon
    rng = np.random.default_rng(5)
    lats = rng.uniform(-85, 85, 300)
    lons = rng.uniform(-179, 179, 300)
    dist = angular_distance_deg(slat, slon, lats, lons)
    for la, lo, dd in zip(lats, lons, dist):
        if abs(dd - 90.0) > 0.5:  # away from the line, where polygon sampling matters
            assert _inside(term.night_lon_deg, term.night_lat_deg, lo, la) == (dd > 90.0)


# --- ground tracks -------------------------------------------------------------------------

def test_iss_ground_track_latitudes(model):
    met, lat, lon = ground_track(model, "iss", 0.0, 86400.0)
    assert met[0] == 0.0 and met[-1] == 86400.0
    assert np.all(np.diff(met) > 0) and np.all(np.diff(met) <= 30.0 + 1e-9)
    # inclination 51.64°: the geocentric latitude of the sub-point never exceeds it; the
    # geodetic latitude (what the map shows) adds up to 0.17° at the ISS's height
    r = geodetic_to_itrs(lat, lon, 0.0)
    geocentric = np.degrees(np.arcsin(r[:, 2] / np.linalg.norm(r, axis=1)))
    assert np.abs(geocentric).max() <= 51.7
    assert np.abs(lat).max() <= 51.85
    assert lat.max() > 51.5 and lat.min() < -51.5  # reaches both extremes in a day
    assert np.all(np.abs(lon) <= 180.0)


def test_ground_track_matches_object_state(model):
    met, lat, lon = ground_track(model, "iss", 5000.0, 5600.0, step_s=60.0)
    assert len(met) == 11
    for t, la, lo in zip(met[::5], lat[::5], lon[::5]):
        s = model.object_state("iss", float(t))
        assert la == pytest.approx(s.lat_deg, abs=1e-6)
        assert lo == pytest.approx(s.lon_deg, abs=1e-6)


def test_ground_track_starts_at_the_pad(model):
    pad = model.scenario.sites["pad"]
    met, lat, lon = ground_track(model, "soyuz-ms-19", -100.0, 0.0)
    assert lat[-1] == pytest.approx(pad["lat_deg"], abs=1e-4)
    assert lon[-1] == pytest.approx(pad["lon_deg"], abs=1e-4)
    # ascent and first orbit: a continuous line, steps under 4° of arc between samples
    met, lat, lon = ground_track(model, "soyuz-ms-19", 600.0, 6000.0)
    steps = angular_distance_deg(lat[:-1], lon[:-1], lat[1:], lon[1:])
    assert steps.max() < 4.0


def test_free_flight_mask(model):
    t_dock = next(e.met_s for e in model.events() if e.id == "docking")
    t_undock = next(e.met_s for e in model.events() if e.id == "undocking")
    m19 = free_flight_mask(model, "soyuz-ms-19", np.array([-600.0, 300.0, t_dock + 60.0]))
    assert list(m19) == [False, True, False]
    m18 = free_flight_mask(model, "soyuz-ms-18", np.array([t_undock - 60.0, t_undock + 60.0]))
    assert list(m18) == [False, True]


def test_angular_distance_reference():
    # Baikonur to the landing estimate: haversine by hand
    d = angular_distance_deg(45.996034, 63.564003, 46.8, 69.1)
    p1, p2 = math.radians(45.996034), math.radians(46.8)
    dl = math.radians(69.1 - 63.564003)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    assert float(d) == pytest.approx(math.degrees(2 * math.asin(math.sqrt(h))), abs=1e-9)
