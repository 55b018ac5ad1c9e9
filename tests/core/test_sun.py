"""The Sun from DE421 against NOAA's solar-position algorithm (independent)."""


import numpy as np
import pytest

from _refs import noaa_subsolar
from orbitviz.core.sun import SunTrack, de421_path


@pytest.fixture(scope="module")
def sun(mission_context):
    sc, ctx, _ = mission_context
    return sc, SunTrack(sc.axis, ctx.eo, sc.window_start_s, sc.window_end_s)


def test_de421_comes_from_the_installed_package():
    p = de421_path()
    assert "skyfield_data" in str(p) and p.name == "de421.bsp"


def test_subsolar_point_matches_noaa(sun):
    sc, track = sun
    rng = np.random.default_rng(21)
    for met in rng.uniform(sc.window_start_s, sc.window_end_s, 30):
        lat, lon = track.subsolar_point(met)
        ref_lat, ref_lon = noaa_subsolar(sc.axis.datetime_utc(met))
        assert float(lat) == pytest.approx(ref_lat, abs=0.05)
        assert (float(lon) - ref_lon + 180) % 360 - 180 == pytest.approx(0.0, abs=0.05)


def test_sun_distance_is_about_one_au(sun):
    sc, track = sun
    d = np.linalg.norm(track.position_gcrs_km(0.0))
    # early October: Earth-Sun distance about 1.000 au (perihelion Jan, aphelion Jul)
    assert d / 149597870.7 == pytest.approx(1.0003, abs=0.003)
