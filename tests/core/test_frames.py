"""Earth orientation against skyfield's own (unaccelerated) frames."""

import numpy as np
import pytest
from skyfield.framelib import itrs
from skyfield.sgp4lib import TEME

from orbitviz.core.geodesy import geodetic_to_itrs, itrs_to_geodetic

# 1e-9 rad is 7 mm at the station's distance
TOL_RAD = 1e-9


@pytest.fixture(scope="module")
def eo_axis(mission_context):
    sc, ctx, _ = mission_context
    return ctx.eo, sc.axis, sc


def _random_times(sc, n=200, seed=3):
    rng = np.random.default_rng(seed)
    return rng.uniform(sc.chain.start_s, sc.chain.end_s, n)


def test_gcrs_to_itrs_matches_skyfield(eo_axis):
    eo, axis, sc = eo_axis
    met = _random_times(sc)
    ref = np.moveaxis(itrs.rotation_at(axis.time(met)), -1, 0)
    assert np.abs(eo.gcrs_to_itrs(met) - ref).max() < TOL_RAD


def test_teme_to_gcrs_matches_skyfield(eo_axis):
    eo, axis, sc = eo_axis
    met = _random_times(sc, seed=4)
    ref = np.swapaxes(np.moveaxis(TEME.rotation_at(axis.time(met)), -1, 0), -1, -2)
    assert np.abs(eo.teme_to_gcrs(met) - ref).max() < TOL_RAD


def test_rotation_matrices_are_orthonormal(eo_axis):
    eo, _, sc = eo_axis
    r = eo.gcrs_to_itrs(_random_times(sc, 20))
    assert np.abs(r @ np.swapaxes(r, -1, -2) - np.eye(3)).max() < 1e-12


def test_earth_turns_once_a_sidereal_day(eo_axis):
    eo, _, _ = eo_axis
    sidereal_day_s = 86164.0905
    a = eo.gast_rad(0.0)
    b = eo.gast_rad(sidereal_day_s)
    assert abs(np.angle(np.exp(1j * (b - a)))) < np.radians(1e-4)


@pytest.mark.parametrize("lat, lon, alt", [(45.996034, 63.564003, 0.09), (-33.9, 151.2, 0.0),
                                           (89.9, -10.0, 420.0), (0.0, 180.0, 35786.0)])
def test_geodetic_round_trip(lat, lon, alt):
    r = geodetic_to_itrs(lat, lon, alt)
    la, lo, h = itrs_to_geodetic(r)
    assert la == pytest.approx(lat, abs=1e-9)
    assert np.angle(np.exp(1j * np.radians(lo - lon))) == pytest.approx(0.0, abs=1e-11)
    assert h == pytest.approx(alt, abs=1e-6)  # km: 1 mm


def test_geodetic_against_skyfield_wgs84(mission_context):
    from skyfield.api import wgs84

    pos = wgs84.latlon(45.996034, 63.564003, elevation_m=90.0)
    r_ref = pos.itrs_xyz.km
    assert np.linalg.norm(geodetic_to_itrs(45.996034, 63.564003, 0.09) - r_ref) < 1e-6
