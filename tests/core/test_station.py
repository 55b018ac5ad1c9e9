"""The station from its real element sets: against the sgp4 library called directly,
longitude against TEME turned by the GMST 1982 formula, switching rules, validity, and the
blends across switches (continuity in physical units; comparisons with SGP4 leave the
blend windows out, and check inside them that the state lies between the two sets')."""

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
    met = np.array([m for m in met if sc.chain.blend_at(m) is None])
    assert met.size > 100
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
        if sc.chain.blend_at(m) is not None:
            continue
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


# --- blends across the switches ------------------------------------------------------------

def test_blends_are_short_and_centred_on_each_switch(ctx):
    sc, _, _ = ctx
    chain = sc.chain
    assert len(chain.blends) == len(chain.switch_times_s) > 0
    for bl, s in zip(chain.blends, chain.switch_times_s):
        assert bl.switch_s == s
        assert 0.0 < bl.end_s - bl.start_s <= 600.0 + 1e-9  # no longer than 10 min
        assert 0.5 * (bl.start_s + bl.end_s) == pytest.approx(s, abs=1e-6)


def _sgp4_gcrs(ctx, tle, met):
    """GCRS position (km) of one set at ``met``: raw sgp4, turned by skyfield's TEME."""
    sc, c, _ = ctx
    sat = Satrec.twoline2rv(tle.line1, tle.line2, WGS72)
    t = sc.axis.time(met)
    e, r, v = sat.sgp4(*_jd_utc(t))
    assert e == 0
    rot = TEME.rotation_at(t).T  # TEME -> GCRS
    return rot @ np.asarray(r), rot @ np.asarray(v)


@pytest.mark.parametrize("source", ["elements", "cache"])
def test_continuous_across_every_switch(ctx, source):
    """Across every switch, second by second (the blend window and a minute either side):
    the position moves as the mean of the velocities says (within 50 m a second), and the
    velocity changes by no more than gravity accounts for plus 0.1 m/s."""
    from orbitviz.core.models.dynamics import gravity_j2

    sc, c, station = ctx
    pole = c.eo.pole_gcrs(0.0)
    for bl in sc.chain.blends:
        t = np.arange(bl.start_s - 60.0, bl.end_s + 60.0 + 1e-9, 1.0)
        if source == "elements":
            r, v = sc.chain.states_gcrs(t, c.eo)
        else:
            r, v = station.state(t)
        step_m = np.linalg.norm(r[1:] - r[:-1] - 0.5 * (v[1:] + v[:-1]) * 1.0, axis=1) * 1e3
        assert step_m.max() <= 50.0, sc.axis.iso_utc(bl.switch_s)
        mid, _ = (sc.chain.states_gcrs(t[:-1] + 0.5, c.eo) if source == "elements"
                  else station.state(t[:-1] + 0.5))
        g = np.array([gravity_j2(*x, pole) for x in mid])
        dv_m_s = np.linalg.norm(v[1:] - v[:-1] - g * 1.0, axis=1) * 1e3
        assert dv_m_s.max() <= 0.1, sc.axis.iso_utc(bl.switch_s)


def test_blend_lies_between_the_two_sets(ctx):
    """Inside each blend the station sits on the segment between the two sets' SGP4
    positions (within 1 m), moving from the earlier set's to the later's; at the window's
    ends it is each set's own position; the sets named there are those two."""
    sc, c, _ = ctx
    for bl in sc.chain.blends:
        a = sc.chain.spans[bl.before].tle
        b = sc.chain.spans[bl.before + 1].tle
        fractions, tol = [], 1.0
        for t in np.linspace(bl.start_s, bl.end_s, 9):
            r, _ = sc.chain.states_gcrs([t], c.eo)
            ra, _ = _sgp4_gcrs(ctx, a, t)
            rb, _ = _sgp4_gcrs(ctx, b, t)
            d = rb - ra
            f = float((r[0] - ra) @ d / (d @ d))
            off_line = np.linalg.norm(r[0] - (ra + f * d))
            assert off_line * 1e3 < 1.0
            fractions.append(f)
            tol = min(tol, 1e-3 / float(np.linalg.norm(d)))  # 1 m as a fraction
            named = sc.chain.sets_at(t)
            if bl.start_s < t < bl.end_s:
                assert [sp.tle for sp, _ in named] == [a, b]
                assert sum(w for _, w in named) == pytest.approx(1.0)
                assert named[1][1] == pytest.approx(f, abs=tol)
            else:
                assert len(named) == 1
        assert fractions[0] == pytest.approx(0.0, abs=tol)
        assert fractions[-1] == pytest.approx(1.0, abs=tol)
        assert fractions[4] == pytest.approx(0.5, abs=tol)  # half way at the switch
        assert all(y >= x - tol for x, y in zip(fractions, fractions[1:]))


def test_longest_stretch_of_a_set(ctx):
    """The longest time between a set's epoch and an instant it is used: recomputed here
    from the epochs and the instants of use sampled each minute, against the chain's own
    figure (which the README quotes: 3.87 days, the 8 October set back to 4 October)."""
    sc, c, _ = ctx
    chain = sc.chain
    worst = 0.0
    for t in np.arange(chain.start_s, chain.end_s, 60.0):
        for sp, _ in chain.sets_at(t):
            worst = max(worst, abs(t - sp.epoch_met_s))
    assert chain.longest_stretch_s() == pytest.approx(worst, abs=61.0)
    assert chain.longest_stretch_s() / 86400.0 == pytest.approx(3.87, abs=0.005)
