"""The Soyuz-2.1a ascent model: start on the pad, physical plausibility of the flight,
loss budget, insertion orbit against the mission's targets, interpolation contract.

Quantities are recomputed here from the trajectory samples (geodesy, gravity, orbit
elements) rather than read back from the model's ``info`` wherever possible.
"""

import math
import time

import numpy as np
import pytest

from orbitviz.core.constants import (G0_M_S2, MU_EARTH_KM3_S2, OMEGA_EARTH_RAD_S,
                                     R_EARTH_EQ_KM)
from orbitviz.core.geodesy import geodetic_to_itrs, itrs_to_geodetic
from orbitviz.core.models.ascent import load_params, simulate_ascent
from orbitviz.core.models.dynamics import gravity_j2

STAGING_EVENTS = ("les-jettison", "booster-separation", "fairing-separation",
                  "core-separation", "third-stage-aft-jettison", "third-stage-cutoff",
                  "orbit-insertion")

#: The published ascent timeline the issue asks for (s after lift-off): the planned TsUP
#: timelines of Soyuz MS-21 and MS-22 (kosmonavtika.com, mkseo67 and mkseo68 chronologies).
PUBLISHED_EVENTS_S = {"les-jettison": 113.5, "booster-separation": 117.85,
                      "fairing-separation": 153.3, "core-separation": 287.7,
                      "third-stage-aft-jettison": 296.1, "third-stage-cutoff": 525.9,
                      "orbit-insertion": 529.2}
#: Soyuz MS-19's published insertion orbit (kosmonavtika.com, mkseo66): 199.84 x 242.69 km.
PUBLISHED_PERIGEE_KM, PUBLISHED_APOGEE_KM = 199.84, 242.69
R_EQ_KM = 6378.137


@pytest.fixture(scope="module")
def ascent(mission_context):
    _, ctx, _ = mission_context
    return ctx, simulate_ascent(ctx)


def _geodetic(ctx, met, r):
    return itrs_to_geodetic(ctx.eo.gcrs_to_itrs_position(r, met))


def test_starts_at_rest_on_the_pad(ascent):
    ctx, res = ascent
    pad = ctx.sites["pad"]
    traj = res.trajectory
    assert traj.start_s == 0.0
    lat, lon, alt = _geodetic(ctx, 0.0, traj.r_gcrs_km[0])
    assert abs(lat - pad["lat_deg"]) < 1e-4
    assert abs(lon - pad["lon_deg"]) < 1e-4
    assert abs(alt - pad["alt_km"]) < 1e-3
    # inertial speed of a point on the rotating Earth: Ω times the distance from the axis
    r_itrs = geodetic_to_itrs(pad["lat_deg"], pad["lon_deg"], pad["alt_km"])
    expected = OMEGA_EARTH_RAD_S * math.hypot(r_itrs[0], r_itrs[1])
    assert abs(np.linalg.norm(traj.v_gcrs_km_s[0]) - expected) < 1e-6
    # and eastward: along pole × r
    east = np.cross(ctx.eo.pole_gcrs(0.0), traj.r_gcrs_km[0])
    east /= np.linalg.norm(east)
    assert float(traj.v_gcrs_km_s[0] @ east) == pytest.approx(expected, abs=1e-6)


def test_ends_at_insertion_with_samples_at_every_staging(ascent):
    ctx, res = ascent
    met = res.trajectory.met_s
    assert res.end_s == ctx.events["orbit-insertion"]
    for ev in STAGING_EVENTS:
        assert np.any(met == ctx.events[ev]), ev
    assert np.all(np.diff(met) > 0), "no repeated times: the ascent has no impulsive burn"
    assert res.phases == [(0.0, "ascent")]


def test_altitude_and_downrange_increase(ascent):
    """Altitude rises to core separation; after it the third stage may crest and settle onto
    the insertion perigee (the lofted path that the published core-separation altitude
    implies), never more than 2 km below its highest point. Downrange never decreases."""
    ctx, res = ascent
    met = np.arange(0.0, res.end_s + 1e-9, 1.0)
    r, _ = res.trajectory.state(met)
    _, _, alt = _geodetic(ctx, met, r)
    pad = ctx.sites["pad"]
    u_pad = geodetic_to_itrs(pad["lat_deg"], pad["lon_deg"], 0.0)
    u_pad /= np.linalg.norm(u_pad)
    r_itrs = ctx.eo.gcrs_to_itrs_position(r, met)
    u = r_itrs / np.linalg.norm(r_itrs, axis=1)[:, None]
    downrange_km = 6371.0 * np.arccos(np.clip(u @ u_pad, -1.0, 1.0))
    t_cs = ctx.events["core-separation"]
    assert np.all(np.diff(alt[met <= t_cs]) > 0.0), "altitude must rise to core separation"
    assert (np.maximum.accumulate(alt) - alt).max() < 2.0
    assert np.all(np.diff(downrange_km) >= -1e-6), "downrange must not decrease"


def test_velocity_is_continuous(ascent):
    ctx, res = ascent
    traj = res.trajectory
    dt = np.diff(traj.met_s)
    dv = np.linalg.norm(np.diff(traj.v_gcrs_km_s, axis=0), axis=1)
    # bound: (peak thrust acceleration + gravity) with margin; 4.5 g + 1 g
    a_max_km_s2 = 5.5 * G0_M_S2 * 1e-3
    assert np.all(dv <= a_max_km_s2 * dt)


def test_peak_load_below_4_5_g(ascent):
    ctx, res = ascent
    assert res.info["peak_load_g"] < 4.5
    # independent: non-gravitational acceleration from differences of the velocity samples
    pole = ctx.eo.pole_gcrs(0.0)
    met = np.arange(0.0, res.end_s - 0.2, 0.2)
    _, v0 = res.trajectory.state(met)
    r1, v1 = res.trajectory.state(met + 0.2)
    rm, _ = res.trajectory.state(met + 0.1)
    g = np.array([gravity_j2(*x, pole) for x in rm])
    a_ng = (v1 - v0) / 0.2 - g
    load_g = np.linalg.norm(a_ng, axis=1) * 1e3 / G0_M_S2
    assert load_g.max() < 4.5
    assert load_g.max() == pytest.approx(res.info["peak_load_g"], abs=0.1)
    # the launch is never weaker than 1 g of thrust off the pad (lift-off) and loads are real
    assert load_g[0] > 1.0


def test_loss_budget(ascent):
    ctx, res = ascent
    info = res.info
    losses = info["gravity_loss_km_s"] + info["drag_loss_km_s"] + info["steering_loss_km_s"]
    assert 1.3 <= losses <= 1.8
    for k in ("gravity_loss_km_s", "drag_loss_km_s", "steering_loss_km_s"):
        assert info[k] > 0.0
    v_start = np.linalg.norm(res.trajectory.v_gcrs_km_s[0])
    v_end = np.linalg.norm(res.trajectory.v_gcrs_km_s[-1])
    # ideal Δv − losses = change of inertial speed, to 1 m/s
    assert info["ideal_dv_km_s"] - losses == pytest.approx(v_end - v_start, abs=1e-3)


def test_ideal_dv_matches_rocket_equation_bounds(ascent):
    """The integrated ∫F/m dt stays under the rocket equation over the whole flight's mass
    ratio at the best vacuum specific impulse (an upper bound: inert mass is dropped on the
    way), and above what any ascent to low orbit needs (independent check of masses/flows)."""
    _, res = ascent
    p = load_params()
    ideal = res.info["ideal_dv_km_s"]
    # stage by stage with the published Isp pairs, staging masses from the model's info
    m0 = res.info["liftoff_mass_kg"]
    m_end = res.info["insertion_mass_kg"]
    isp_hi = max(p["boosters"]["isp_vac_s"], p["core"]["isp_vac_s"], p["third_stage"]["isp_vac_s"])
    # discarded inert masses make the whole-flight mass ratio an upper bound on Δv/ve
    upper = G0_M_S2 * 1e-3 * isp_hi * math.log(m0 / m_end)
    assert ideal < upper
    assert ideal > 8.5  # far more than any LEO ascent's minimum


def test_insertion_orbit(ascent):
    ctx, res = ascent
    r = res.trajectory.r_gcrs_km[-1]
    v = res.trajectory.v_gcrs_km_s[-1]
    speed = np.linalg.norm(v)
    assert 7.75 <= speed <= 7.85
    # osculating apsides, their heights above the WGS 84 ellipsoid beneath them
    h = np.cross(r, v)
    e_vec = np.cross(v, h) / MU_EARTH_KM3_S2 - r / np.linalg.norm(r)
    e = np.linalg.norm(e_vec)
    a = 1.0 / (2.0 / np.linalg.norm(r) - speed**2 / MU_EARTH_KM3_S2)
    t = res.end_s
    _, _, hp = _geodetic(ctx, t, a * (1 - e) * e_vec / e)
    _, _, ha = _geodetic(ctx, t, -a * (1 + e) * e_vec / e)
    # above the ground beneath each apsis: the published 199.84 x 242.69 km (above the
    # equatorial radius) lie 10-15 km higher there, at these latitudes
    assert 200.0 <= hp <= 225.0
    assert 240.0 <= ha <= 265.0
    assert res.info["insertion"]["perigee_alt_km"] == pytest.approx(float(hp), abs=0.5)
    assert res.info["insertion"]["apogee_alt_km"] == pytest.approx(float(ha), abs=0.5)
    # and above the equatorial radius (the other common convention): lower by ~13 km here
    assert a * (1 - e) - R_EARTH_EQ_KM < hp


def test_insertion_plane_matches_station(ascent):
    ctx, res = ascent
    r = res.trajectory.r_gcrs_km[-1]
    v = res.trajectory.v_gcrs_km_s[-1]
    rs, vs = ctx.station(res.end_s)
    n1 = np.cross(r, v)
    n2 = np.cross(rs, vs)
    ang = math.degrees(math.acos(n1 @ n2 / np.linalg.norm(n1) / np.linalg.norm(n2)))
    assert ang < 0.15
    assert res.info["insertion"]["plane_angle_to_station_deg"] == pytest.approx(ang, abs=1e-6)


def test_launch_azimuth(ascent):
    """The reported azimuth is the heading flown through the atmosphere (the Earth-relative
    velocity's, during the gravity turn, within 1.5°: Coriolis and J2 turn it a little), and
    lies within 3° below the inertial azimuth of the station's plane over the pad (the
    Earth's rotation adds eastward speed, so the Earth-relative azimuth is smaller)."""
    ctx, res = ascent
    az = res.info["launch_azimuth_deg"]
    w = ctx.eo.omega_gcrs(0.0)
    for t in (40.0, 60.0, 90.0, 117.0):
        r, v = res.trajectory.state(t)
        vrel = v - np.cross(w, r)
        up = r / np.linalg.norm(r)
        east = np.cross(ctx.eo.pole_gcrs(0.0), up)
        east /= np.linalg.norm(east)
        north = np.cross(up, east)
        heading = math.degrees(math.atan2(vrel @ east, vrel @ north))
        assert heading == pytest.approx(az, abs=1.5), t
    # inertial azimuth from the station's inclination and the pad's latitude
    rs, vs = ctx.station(res.end_s)
    n = np.cross(rs, vs)
    cos_i = n @ ctx.eo.pole_gcrs(0.0) / np.linalg.norm(n)
    lat = math.radians(ctx.sites["pad"]["lat_deg"])
    beta_i = math.degrees(math.asin(cos_i / math.cos(lat)))
    assert beta_i - 3.0 < az < beta_i


def test_booster_separation_against_published_figures(ascent):
    """RussianSpaceWeb: boosters separate about 118 s after lift-off at about 48 km and
    about 1.8 km/s (taken as speed relative to the ground; the source does not say)."""
    ctx, res = ascent
    t = ctx.events["booster-separation"]
    r, v = res.trajectory.state(t)
    _, _, alt = _geodetic(ctx, t, r)
    assert 40.0 <= alt <= 50.0  # the band
    vrel = v - np.cross(ctx.eo.omega_gcrs(0.0), r)
    assert 1.6 <= np.linalg.norm(vrel) <= 2.0


def test_liftoff_mass_against_published_total(ascent):
    _, res = ascent
    p = load_params()
    assert res.info["liftoff_mass_kg"] == pytest.approx(
        p["vehicle"]["check_liftoff_mass_kg"], rel=0.03)


def test_insertion_ground_point(ascent):
    """Soyuz reaches orbit over the east of Kazakhstan / the Altai, roughly 1,500–1,800 km
    downrange (no published MS-19 figure was found; the range is the nominal profile's)."""
    ctx, res = ascent
    t = res.end_s
    r = res.trajectory.r_gcrs_km[-1]
    lat, lon, _ = _geodetic(ctx, t, r)
    pad = ctx.sites["pad"]
    u0 = geodetic_to_itrs(pad["lat_deg"], pad["lon_deg"], 0.0)
    u1 = geodetic_to_itrs(float(lat), float(lon), 0.0)
    dist = 6371.0 * math.acos(u0 @ u1 / np.linalg.norm(u0) / np.linalg.norm(u1))
    assert 1500.0 <= dist <= 1800.0
    assert 48.0 <= lat <= 54.0
    assert 75.0 <= lon <= 92.0


def test_interpolation_within_one_metre(ascent):
    _, res = ascent
    rng = np.random.default_rng(20211005)
    for t in rng.uniform(res.start_s, res.end_s, 60):
        r_i, v_i = res.trajectory.state(t)
        r_e, v_e = res.evaluate(t)
        assert np.linalg.norm(r_i - r_e) < 1e-3, t
        assert np.linalg.norm(v_i - v_e) < 1e-3, t  # 1 m/s


def test_runtime_budget(mission_context):
    _, ctx, _ = mission_context
    simulate_ascent(ctx)  # warm caches
    t0 = time.perf_counter()
    simulate_ascent(ctx)
    assert time.perf_counter() - t0 < 0.25


# --- the flight as published (issue 10) -----------------------------------------------------

def test_event_times_are_the_published_timeline(ascent):
    ctx, res = ascent
    for eid, t in PUBLISHED_EVENTS_S.items():
        assert ctx.events[eid] == pytest.approx(t, abs=0.05), eid
    # the ascent runs from lift-off to spacecraft separation, with a sample at each event
    assert res.end_s == ctx.events["orbit-insertion"]
    # no thrust between third-stage cutoff and separation: only gravity
    pole = ctx.eo.pole_gcrs(0.0)
    t0 = ctx.events["third-stage-cutoff"] + 0.5
    _, va = res.evaluate(t0)
    rm, _ = res.evaluate(t0 + 0.5)
    _, vb = res.evaluate(t0 + 1.0)
    assert np.linalg.norm(vb - va - np.array(gravity_j2(*rm, pole))) * 1e3 < 1e-3  # mm/s


def test_core_separation_altitude(ascent):
    """ESA's Soyuz infographic: 176 km at core separation; the issue's band 165-185 km."""
    ctx, res = ascent
    t = ctx.events["core-separation"]
    r, _ = res.trajectory.state(t)
    _, _, alt = _geodetic(ctx, t, r)
    assert 165.0 <= float(alt) <= 185.0


def _j2_accel(r, pole):
    """Two-body + J2 gravity (km/s^2), written out here (Vallado eq. 8-30 about the pole)."""
    mu, j2, re = MU_EARTH_KM3_S2, 1.08262668e-3, R_EQ_KM
    rn = np.linalg.norm(r)
    z = r @ pole
    k = 1.5 * j2 * mu * re**2 / rn**5
    return -mu * r / rn**3 + k * ((5.0 * z * z / rn**2 - 1.0) * r - 2.0 * z * pole)


def _coast(r, v, t0, t1, pole, h=1.0):
    """RK4 of the coast from (r, v) at t0 to t1 (numpy, written for this test)."""
    n = int(math.ceil((t1 - t0) / h))
    h = (t1 - t0) / n
    y = np.concatenate([r, v])

    def f(y):
        return np.concatenate([y[3:], _j2_accel(y[:3], pole)])

    for _ in range(n):
        k1 = f(y)
        k2 = f(y + 0.5 * h * k1)
        k3 = f(y + 0.5 * h * k2)
        k4 = f(y + h * k3)
        y = y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return y[:3], y[3:]


def test_insertion_orbit_against_the_published_one(ascent):
    """Osculating elements of the GCRS state at T+560 s (a coast from separation, integrated
    here): perigee and apogee above 6,378.137 km within 5 km of the published 199.84 x
    242.69 km; the plane within 0.01 deg of the station's at that instant."""
    ctx, res = ascent
    t_sep = res.end_s
    r, v = _coast(res.trajectory.r_gcrs_km[-1], res.trajectory.v_gcrs_km_s[-1], t_sep, 560.0,
                  ctx.eo.pole_gcrs(t_sep))
    rn, vn = np.linalg.norm(r), np.linalg.norm(v)
    a = 1.0 / (2.0 / rn - vn**2 / MU_EARTH_KM3_S2)
    h = np.cross(r, v)
    e = np.linalg.norm(np.cross(v, h) / MU_EARTH_KM3_S2 - r / rn)
    assert abs(a * (1 - e) - R_EQ_KM - PUBLISHED_PERIGEE_KM) <= 5.0
    assert abs(a * (1 + e) - R_EQ_KM - PUBLISHED_APOGEE_KM) <= 5.0
    rs, vs = ctx.station(560.0)
    hs = np.cross(rs, vs)
    ang = math.degrees(math.acos(np.clip(h @ hs / np.linalg.norm(h) / np.linalg.norm(hs), -1, 1)))
    assert ang <= 0.01
    # in GCRS that plane's inclination is about 51.67 deg (the issue; the plane wins)
    assert math.degrees(math.acos(h[2] / np.linalg.norm(h))) == pytest.approx(51.67, abs=0.05)
