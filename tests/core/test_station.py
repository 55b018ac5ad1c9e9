"""The station from its real element sets: against the sgp4 library called directly,
longitude against TEME turned by the GMST 1982 formula, switching rules, validity."""

import math

import numpy as np
import pytest
from sgp4.api import WGS72, Satrec
from skyfield.sgp4lib import TEME

from orbitviz.core.elements import NoStateError
from orbitviz.core.geodesy import itrs_to_geodetic


@pytest.fixture(scope="module")
def ctx(mission_context):
    return mission_context


def _jd_utc(t):
    d = t.utc_datetime()
    j2000 = 2451545.0
    import datetime as dt

    delta = d - dt.datetime(2000, 1, 1, 12, tzinfo=dt.timezone.utc)
    days = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400.0
    whole = math.floor(j2000 + days)
    return whole, (j2000 - whole) + days


def test_station_matches_sgp4_in_teme(ctx):
    """Our cached GCRS states, turned into TEME by skyfield, against raw sgp4 (1 m)."""
    sc, c, station = ctx
    rng = np.random.default_rng(11)
    met = rng.uniform(sc.chain.start_s + 60, sc.chain.end_s - 60, 120)
    r_gcrs, v_gcrs = station.state(met)
    for m, rg, vg in zip(met, r_gcrs, v_gcrs):
        span = sc.chain.span_at(m)
        sat = Satrec.twoline2rv(span.tle.line1, span.tle.line2, WGS72)
        t = sc.axis.time(m)
        jd, fr = _jd_utc(t)
        e, r_ref, v_ref = sat.sgp4(jd, fr)
        assert e == 0
        rot = TEME.rotation_at(t)  # GCRS -> TEME
        assert np.linalg.norm(rot @ rg - r_ref) < 1e-3  # km
        # velocity is the derivative of the position Hermite: a few cm/s at 30 s steps
        assert np.linalg.norm(rot @ vg - v_ref) < 5e-5  # km/s: 5 cm/s


def _gmst82_rad(jd_ut1):
    """GMST, IAU 1982 (Vallado, Fundamentals of Astrodynamics, eq. 3-47)."""
    tu = (jd_ut1 - 2451545.0) / 36525.0
    sec = (67310.54841 + (876600.0 * 3600 + 8640184.812866) * tu + 0.093104 * tu**2
           - 6.2e-6 * tu**3)
    return math.radians((sec % 86400.0) / 240.0)


def test_longitude_against_gmst_turned_teme(ctx):
    """Longitude from TEME rotated by GMST 1982 (Vallado) agrees within 0.01°."""
    sc, c, station = ctx
    rng = np.random.default_rng(12)
    for m in rng.uniform(sc.window_start_s, sc.window_end_s, 40):
        span = sc.chain.span_at(m)
        sat = Satrec.twoline2rv(span.tle.line1, span.tle.line2, WGS72)
        t = sc.axis.time(m)
        jd, fr = _jd_utc(t)
        _, r_teme, _ = sat.sgp4(jd, fr)
        theta = _gmst82_rad(t.ut1)
        lon_ref = math.degrees(math.atan2(r_teme[1], r_teme[0]) - theta)
        r, _ = station.state(m)
        _, lon, _ = itrs_to_geodetic(c.eo.gcrs_to_itrs_position(r, m))
        diff = (float(lon) - lon_ref + 180.0) % 360.0 - 180.0
        assert abs(diff) < 0.01


def test_no_switch_moves_the_station_more_than_10_km(ctx):
    sc, c, station = ctx
    for s in sc.chain.switch_times_s:
        before = sc.chain.span_at(s - 1e-3).tle
        after = sc.chain.span_at(s + 1e-3).tle
        assert before is not after
        ra, _ = sc.chain.states_gcrs([s - 1e-3], c.eo)
        rb, _ = sc.chain.states_gcrs([s + 1e-3], c.eo)
        assert np.linalg.norm(ra - rb) < 10.0


def test_switch_is_where_the_sets_agree_best(ctx):
    """At each switch, no other instant between the two epochs has a smaller separation
    (sampled each 10 minutes)."""
    sc, c, _ = ctx
    spans = sc.chain.spans
    for a, b in zip(spans, spans[1:]):
        grid = np.linspace(a.epoch_met_s, b.epoch_met_s, 800)
        sep = [_sep(a.tle, b.tle, sc.axis, g) for g in grid]
        at_switch = _sep(a.tle, b.tle, sc.axis, b.start_s)
        assert at_switch <= min(sep) + 1e-3


def _sep(ta, tb, axis, met):
    t = axis.time(met)
    jd, fr = _jd_utc(t)
    _, ra, _ = ta.satrec.sgp4(jd, fr)
    _, rb, _ = tb.satrec.sgp4(jd, fr)
    return float(np.linalg.norm(np.subtract(ra, rb)))


def test_reboost_switch_is_near_12_october_0700(ctx):
    """Across the 8–14 Oct reboost the predictions cross near 12 Oct 07:00 UTC."""
    sc, _, _ = ctx
    names = [s.tle.source for s in sc.chain.spans]
    i = names.index("soyuz-ms-19-21287.53081300.tle")
    assert names[i - 1] == "iss-21281.73004796.tle"
    switch = sc.chain.spans[i].start_s
    target = sc.axis.met_from_datetime(
        __import__("datetime").datetime(2021, 10, 12, 7, 0, tzinfo=__import__("datetime").timezone.utc))
    assert abs(switch - target) < 6 * 3600


def test_sets_are_not_stretched_more_than_three_days(ctx):
    sc, _, _ = ctx
    first, last = sc.chain.spans[0], sc.chain.spans[-1]
    assert first.start_s == pytest.approx(first.epoch_met_s - 3 * 86400)
    assert last.end_s == pytest.approx(last.epoch_met_s + 3 * 86400)
    with pytest.raises(NoStateError):
        sc.chain.span_at(first.epoch_met_s - 3 * 86400 - 1)
    with pytest.raises(NoStateError):
        sc.chain.span_at(last.epoch_met_s + 3 * 86400 + 1)


def test_station_interpolation_within_one_metre(ctx):
    sc, c, station = ctx
    rng = np.random.default_rng(13)
    met = rng.uniform(station.start_s, station.end_s, 2000)
    r_direct, _ = sc.chain.states_gcrs(met, c.eo)
    r_interp, _ = station.state(met)
    assert np.nanmax(np.linalg.norm(r_interp - r_direct, axis=1)) < 1e-3


def test_station_orbit_is_the_iss(ctx):
    """Sanity against published ISS figures: 51.64° inclination, ~410–445 km geodetic altitude."""
    sc, c, station = ctx
    met = np.linspace(sc.window_start_s, sc.window_end_s, 500)
    r, v = station.state(met)
    lat, _, alt = itrs_to_geodetic(np.einsum("nij,nj->ni", c.eo.gcrs_to_itrs(met), r))
    assert 51.5 < np.max(np.abs(lat)) < 52.0
    assert 405 < alt.min() and alt.max() < 445
