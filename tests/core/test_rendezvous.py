"""Soyuz MS-19 rendezvous model and its Lambert solver.

Checks in physical units, in the station's LVLH frame where it matters: the Δv budget,
the far-range burns, the approach (range, station keeping, final-approach speed), docking
at the port on time, continuity of the cached trajectory and its interpolation against the
model's own integrator. The Lambert solver is checked against published textbook examples
and against numerical two-body propagation.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from orbitviz.core.constants import MU_EARTH_KM3_S2, R_EARTH_EQ_KM
from orbitviz.core.models import dynamics
from orbitviz.core.models.lambert import LambertError, lambert
from orbitviz.core.models.rendezvous import (load_params, reference_insertion,
                                             simulate_rendezvous)

# --- Lambert -----------------------------------------------------------------------------------


def test_lambert_curtis_example_5_2():
    """Curtis, Orbital Mechanics for Engineering Students (3rd ed.), Example 5.2:
    r1 = (5000, 10000, 2100) km, r2 = (−14600, 2500, 7000) km, 1 h, μ = 398600 km³/s²,
    prograde: v1 = (−5.9925, 1.9254, 3.2456) km/s, v2 = (−3.3125, −4.1966, −0.38529) km/s."""
    v1, v2 = lambert([5000.0, 10000.0, 2100.0], [-14600.0, 2500.0, 7000.0], 3600.0,
                     normal=[0.0, 0.0, 1.0], mu=398600.0)
    np.testing.assert_allclose(v1, [-5.9925, 1.9254, 3.2456], atol=1e-4)
    np.testing.assert_allclose(v2, [-3.3125, -4.1966, -0.38529], atol=1e-4)


def test_lambert_vallado_example_7_5():
    """Vallado, Fundamentals of Astrodynamics and Applications (4th ed.), Example 7-5
    (short way): r0 = 15945.34 I km, r = 12214.83899 I + 10249.46731 J km, 76 min:
    v0 = 2.058913 I + 2.915965 J km/s, v = −3.451565 I + 0.910315 J km/s."""
    v1, v2 = lambert([15945.34, 0.0, 0.0], [12214.83899, 10249.46731, 0.0], 76.0 * 60.0)
    np.testing.assert_allclose(v1, [2.058913, 2.915965, 0.0], atol=2e-6)
    np.testing.assert_allclose(v2, [-3.451565, 0.910315, 0.0], atol=2e-6)


def _two_body(t, s):
    x, y, z = s[0], s[1], s[2]
    r3 = (x * x + y * y + z * z) ** 1.5
    k = -MU_EARTH_KM3_S2 / r3
    return (s[3], s[4], s[5], k * x, k * y, k * z)


@pytest.mark.parametrize("angle_deg, tof_s, r2_km", [
    (60.0, 1200.0, 6800.0),     # short arc, rising
    (150.0, 2600.0, 6790.0),    # near-Hohmann, short way
    (200.0, 3000.0, 6750.0),    # long way (> 180°)
    (300.0, 4500.0, 7200.0),    # most of a revolution
    (90.0, 600.0, 6600.0),      # fast, hyperbolic-ish energy
])
def test_lambert_arc_arrives_under_two_body_propagation(angle_deg, tof_s, r2_km):
    """Lambert's velocity, integrated numerically under two-body gravity (RK4, 1 s steps),
    reaches r2 within 10 m at the given time; the arrival velocity agrees too."""
    incl = math.radians(51.6)
    normal = np.array([0.0, -math.sin(incl), math.cos(incl)])
    r1 = np.array([6578.0, 0.0, 0.0])
    b = np.cross(normal, r1 / np.linalg.norm(r1))
    ang = math.radians(angle_deg)
    r2 = r2_km * (math.cos(ang) * r1 / np.linalg.norm(r1) + math.sin(ang) * b)
    v1, v2 = lambert(r1, r2, tof_s, normal=normal)
    _, states = dynamics.integrate(_two_body, 0.0, tuple(r1) + tuple(v1), tof_s, 1.0)
    end = np.asarray(states[-1])
    assert np.linalg.norm(end[:3] - r2) < 0.010
    assert np.linalg.norm(end[3:] - v2) < 1e-5
    # prograde about the requested normal
    assert float(np.cross(r1, v1) @ normal) > 0.0


def test_lambert_rejects_degenerate_geometry():
    r1 = np.array([6778.0, 0.0, 0.0])
    with pytest.raises(LambertError):
        lambert(r1, -r1, 2700.0)  # 180°: the transfer plane is undefined
    with pytest.raises(LambertError):
        lambert(r1, r1 * 1.01, -10.0)


# --- the rendezvous model ------------------------------------------------------------------------

#: Insertion variants: (perigee km, apogee km, in-plane shift deg, plane offset deg).
VARIANTS = [
    (200.0, 240.0, 0.0, 0.0),
    (190.0, 225.0, 1.0, 0.15),
    (215.0, 260.0, -1.0, -0.15),
    (190.0, 260.0, -1.0, 0.15),
    (215.0, 225.0, 1.0, -0.15),
    (205.0, 245.0, 0.5, 0.1),
]


def _lvlh(ctx, met_s, r, v):
    """Position (m) and velocity (m/s, in the rotating frame) relative to the station."""
    rs, vs = ctx.station(float(met_s))
    b = dynamics.lvlh_basis(rs, vs)
    w = np.cross(rs, vs) / float(rs @ rs)
    d = np.asarray(r) - rs
    return b @ d * 1e3, b @ (np.asarray(v) - vs - np.cross(w, d)) * 1e3


@pytest.fixture(scope="module", params=VARIANTS, ids=lambda p: "ins-%g-%g-%+g-%+g" % p)
def run(request, mission_context):
    _, ctx, _ = mission_context
    hp, ha, along, plane = request.param
    ins = reference_insertion(ctx, hp, ha, along_deg=along, plane_deg=plane)
    return ctx, ins, simulate_rendezvous(ctx, ins)


@pytest.fixture(scope="module")
def nominal(mission_context):
    _, ctx, _ = mission_context
    ins = reference_insertion(ctx)
    return ctx, ins, simulate_rendezvous(ctx, ins)


def test_reference_insertion_is_what_it_claims(mission_context):
    """The stand-in separation state: perigee/apogee heights, plane offset, and the
    station about 16° ahead (the two-orbit profile's phase range, Progress MS-09's
    1,004 miles ≈ 13.6°, give or take a few degrees)."""
    _, ctx, _ = mission_context
    t, r, v = reference_insertion(ctx, 195.0, 250.0, plane_deg=0.12)
    assert t == ctx.events["orbit-insertion"]
    a, e, _, hp, ha = dynamics.orbit_elements(r, v)
    assert hp == pytest.approx(195.0, abs=1e-6) and ha == pytest.approx(250.0, abs=1e-6)
    rs, vs = ctx.station(t)
    ang = math.degrees(math.acos(float(dynamics.orbit_normal(r, v) @ dynamics.orbit_normal(rs, vs))))
    assert ang == pytest.approx(0.12, abs=1e-6)
    phase = math.degrees(math.acos(float(r @ rs) / (np.linalg.norm(r) * np.linalg.norm(rs))))
    assert 10.0 < phase < 22.0
    assert float(np.cross(r, rs) @ dynamics.orbit_normal(rs, vs)) > 0.0  # station ahead


def test_total_delta_v_under_150(run):
    _, _, res = run
    dv = [b["dv_m_s"] for b in res.info["burns"]]
    assert res.info["total_dv_m_s"] == pytest.approx(sum(dv), rel=1e-12)
    assert res.info["total_dv_m_s"] < 150.0
    # The Hohmann-like raise from ~220 km to the station's ~415 km alone needs about
    # 110 m/s: a total far below that would mean the burns are not real.
    assert res.info["total_dv_m_s"] > 95.0


def test_burn_vectors_are_velocity_jumps(run):
    """Each burn's Δv is the jump between the two samples at its (repeated) time, and the
    only repeated times are the burns."""
    _, _, res = run
    tr = res.trajectory
    rep = np.nonzero(np.diff(tr.met_s) == 0.0)[0]
    burns = res.info["burns"]
    assert [float(tr.met_s[i]) for i in rep] == [b["met_s"] for b in burns]
    for i, b in zip(rep, burns):
        jump = (tr.v_gcrs_km_s[i + 1] - tr.v_gcrs_km_s[i]) * 1e3
        np.testing.assert_allclose(jump, b["dv_gcrs_m_s"], atol=1e-9)
        assert np.linalg.norm(jump) == pytest.approx(b["dv_m_s"], rel=1e-9)


def test_four_far_range_burns_over_the_first_two_orbits(run):
    ctx, ins, res = run
    close_start = res.info["close_range_start_met_s"]
    far = [b for b in res.info["burns"] if b["met_s"] < close_start]
    assert len(far) >= 4
    period_s = 2.0 * math.pi * math.sqrt(dynamics.orbit_elements(ins[1], ins[2])[0] ** 3
                                         / MU_EARTH_KM3_S2)
    assert all(ins[0] < b["met_s"] < ins[0] + 2.0 * period_s for b in far)
    # every far-range burn is a real manoeuvre
    assert all(b["dv_m_s"] > 1.0 for b in far)


def test_range_closes_burn_by_burn_and_docks_at_the_port(run):
    ctx, _, res = run
    t_dock = ctx.events["docking"]
    assert res.end_s == pytest.approx(t_dock, abs=1e-9)
    ranges = []
    for b in res.info["burns"]:
        r, v = res.trajectory.state(b["met_s"])
        ranges.append(np.linalg.norm(_lvlh(ctx, b["met_s"], r, v)[0]))
    r_end, v_end = res.evaluate(t_dock)
    pos_m, vel_m_s = _lvlh(ctx, t_dock, r_end, v_end)
    ranges.append(np.linalg.norm(pos_m))
    assert all(b < a for a, b in zip(ranges, ranges[1:])), ranges
    assert ranges[-1] < 100.0
    port = ctx.ports["rassvet-nadir"]["offset_lvlh_m"]
    assert np.linalg.norm(pos_m - port) < 1.0
    # closing upward (toward −z) along the port axis at contact, slowly
    assert -0.3 < vel_m_s[2] < -0.05
    assert math.hypot(vel_m_s[0], vel_m_s[1]) < 0.01


def test_far_range_and_station_keeping_points_reached(run):
    """The arcs arrive where the mission file says, relative to the real station (an
    independent check of the J2 targeting: within a metre)."""
    ctx, _, res = run
    p = load_params()
    for t, off in ((p["far_range"]["arrival_met_s"], p["far_range"]["arrival_offset_lvlh_m"]),
                   (p["close_range"]["station_keeping_met_s"],
                    p["close_range"]["station_keeping_offset_lvlh_m"])):
        i = int(np.nonzero(res.trajectory.met_s == t)[0][0])  # sample before the burn
        pos_m, _ = _lvlh(ctx, t, res.trajectory.r_gcrs_km[i], res.trajectory.v_gcrs_km_s[i])
        assert np.linalg.norm(pos_m - np.asarray(off)) < 1.0


def test_station_keeping_within_a_few_hundred_metres(run):
    ctx, _, res = run
    t0 = res.events["station-keeping"]
    t1 = res.events["final-approach-start"]
    assert t1 - t0 >= 300.0  # at least several minutes
    ts = np.arange(t0, t1, 5.0)
    rng = [np.linalg.norm(_lvlh(ctx, t, *res.trajectory.state(t))[0]) for t in ts]
    assert 100.0 <= min(rng) and max(rng) <= 600.0
    assert 100.0 <= res.info["station_keeping_range_m"] <= 600.0
    # at rest in the station's frame while holding
    _, vel = _lvlh(ctx, t0 + 60.0, *res.evaluate(t0 + 60.0))
    assert np.linalg.norm(vel) < 1e-3


def test_final_approach_slow_along_r_bar(run):
    ctx, _, res = run
    t_fa = res.events["final-approach-start"]
    t_dock = ctx.events["docking"]
    assert t_fa == pytest.approx(ctx.events["kurs-failure"])
    assert res.phases == [(res.start_s, "free-flight"), (t_fa, "final-approach")]
    port = ctx.ports["rassvet-nadir"]["offset_lvlh_m"]
    speeds, prev = [], None
    for t in np.arange(t_fa, t_dock, 2.0):
        pos, vel = _lvlh(ctx, t, *res.evaluate(float(t)))
        speeds.append(np.linalg.norm(vel))
        assert math.hypot(pos[0] - port[0], pos[1] - port[1]) < 0.5  # on the port axis
        assert pos[2] >= port[2] - 1e-6  # below the port (R-bar from the Earth side)
        if prev is not None:
            assert np.linalg.norm(pos) <= prev + 1e-6  # range only decreases
        prev = np.linalg.norm(pos)
    assert max(speeds) < 0.3
    assert res.info["max_final_approach_speed_m_s"] < 0.3
    assert max(speeds) == pytest.approx(res.info["max_final_approach_speed_m_s"], abs=0.01)


def test_approach_from_below_never_above_the_station(run):
    """Within 5 km of the station the Soyuz is always below the port's height (it rises to
    the Earth-facing port from below) and nowhere nearer than 300 m before station
    keeping begins."""
    ctx, _, res = run
    ts = np.arange(res.start_s, res.end_s, 5.0)
    r, v = res.trajectory.state(ts)
    rs, vs = ctx.station(ts)
    port_z = ctx.ports["rassvet-nadir"]["offset_lvlh_m"][2]
    t_sk = res.events["station-keeping"]
    for k, t in enumerate(ts):
        b = dynamics.lvlh_basis(rs[k], vs[k])
        pos = b @ (r[k] - rs[k]) * 1e3
        rng = np.linalg.norm(pos)
        if rng < 5000.0:
            assert pos[2] >= port_z - 1e-6, (t, pos)
        if t < t_sk:
            assert rng > 300.0, (t, pos)


def test_position_continuous(run):
    """No jump between consecutive samples beyond what the velocity allows."""
    _, _, res = run
    tr = res.trajectory
    dt = np.diff(tr.met_s)
    dr = np.linalg.norm(np.diff(tr.r_gcrs_km, axis=0), axis=1)
    vmax = np.maximum(np.linalg.norm(tr.v_gcrs_km_s[:-1], axis=1),
                      np.linalg.norm(tr.v_gcrs_km_s[1:], axis=1))
    assert np.all(dr <= vmax * dt * 1.001 + 1e-6)
    assert np.all(dr[dt == 0.0] < 1e-6)  # burns: same position (1 mm)


def test_interpolation_matches_evaluate(nominal):
    _, _, res = nominal
    rng = np.random.default_rng(19)
    ts = np.sort(rng.uniform(res.start_s, res.end_s, 60))
    # and some in the final approach and around burns
    ts = np.concatenate([ts, [b["met_s"] + 7.3 for b in res.info["burns"]],
                         rng.uniform(res.events["final-approach-start"], res.end_s, 10)])
    r_i, v_i = res.trajectory.state(ts)
    for k, t in enumerate(ts):
        r_e, v_e = res.evaluate(float(t))
        assert np.linalg.norm(r_i[k] - r_e) < 1e-3, t  # 1 m
        assert np.linalg.norm(v_i[k] - v_e) < 1e-5, t  # 1 cm/s


def test_events_and_info(nominal):
    ctx, ins, res = nominal
    n = len(res.info["burns"])
    assert n >= 6
    for k in range(1, n + 1):
        assert res.events[f"rendezvous-burn-{k}"] == res.info["burns"][k - 1]["met_s"]
    assert ins[0] < res.events["rendezvous-burn-1"] < res.events["station-keeping"] \
        < res.events["final-approach-start"] < ctx.events["docking"]
    assert res.start_s == ins[0]
    r0, v0 = res.evaluate(ins[0])
    np.testing.assert_allclose(r0, ins[1], atol=1e-12)
    np.testing.assert_allclose(v0, ins[2], atol=1e-15)


def test_coast_arcs_follow_j2_not_kepler(nominal):
    """Between burns the trajectory is a two-body + J2 coast (checked by integrating the
    sample after burn 1 independently with a finer step), and differs from a pure Kepler
    arc by kilometres — the reason for the J2 targeting."""
    ctx, _, res = nominal
    b1, b2 = res.info["burns"][0]["met_s"], res.info["burns"][1]["met_s"]
    tr = res.trajectory
    i = int(np.nonzero(tr.met_s == b1)[0][-1])
    s0 = tuple(tr.r_gcrs_km[i]) + tuple(tr.v_gcrs_km_s[i])
    pole = tuple(ctx.eo.pole_gcrs(res.start_s))
    _, st_j2 = dynamics.integrate(dynamics.coast_deriv(pole), b1, s0, b2, 2.0)
    _, st_kep = dynamics.integrate(_two_body, b1, s0, b2, 2.0)
    j = int(np.nonzero(tr.met_s == b2)[0][0])
    assert np.linalg.norm(np.asarray(st_j2[-1][:3]) - tr.r_gcrs_km[j]) < 1e-3
    assert np.linalg.norm(np.asarray(st_kep[-1][:3]) - tr.r_gcrs_km[j]) > 1.0


def test_runtime_budget(mission_context):
    _, ctx, _ = mission_context
    ins = reference_insertion(ctx)
    best = math.inf
    for _ in range(3):
        t0 = time.perf_counter()
        simulate_rendezvous(ctx, ins)
        best = min(best, time.perf_counter() - t0)
    assert best < 0.5


def test_from_the_ascent_model(mission_context):
    """The rendezvous from the ascent model's real separation state."""
    ascent = pytest.importorskip("orbitviz.core.models.ascent",
                                 reason="the ascent model (orbitviz.core.models.ascent) is absent")
    _, ctx, _ = mission_context
    asc = ascent.simulate_ascent(ctx)
    t = asc.end_s
    r, v = asc.trajectory.state(t)
    res = simulate_rendezvous(ctx, (t, r, v))
    assert res.info["total_dv_m_s"] < 150.0
    r_end, v_end = res.evaluate(ctx.events["docking"])
    pos, _ = _lvlh(ctx, ctx.events["docking"], r_end, v_end)
    assert np.linalg.norm(pos - ctx.ports["rassvet-nadir"]["offset_lvlh_m"]) < 1.0
    # continuous with the ascent at separation
    np.testing.assert_allclose(res.trajectory.r_gcrs_km[0], r, atol=1e-9)
    assert R_EARTH_EQ_KM + 150.0 < np.linalg.norm(r) < R_EARTH_EQ_KM + 300.0
