"""Soyuz MS-19 rendezvous model, its solver and its Lambert solver.

Checks in physical units, against the published plan of the sister flights (Soyuz MS-18
and MS-22, kosmonavtika.com's TsUP tables) and MS-19's own published facts, in the
station's LVLH frame where it matters: burn times derived from the plan, finite burns at
their engines' thrust (velocity steps with gravity removed), the Δv budget against the
energy the transfer needs, the distances at the close burns, the hold after the Kurs
failure and the manual close, contact at 12:22:31 at the port, continuity and
interpolation. The Lambert solver is checked against published textbook examples and
against numerical two-body propagation. The solver's quick check mode reproduces the TOML.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

import datetime as dt
import subprocess
import sys
from pathlib import Path

from orbitviz.core.constants import G0_M_S2, MU_EARTH_KM3_S2
from orbitviz.core.models import dynamics
from orbitviz.core.models.dynamics import gravity_j2
from orbitviz.core.models.lambert import LambertError, lambert
from orbitviz.core.models.rendezvous import reference_insertion, simulate_rendezvous
from orbitviz.core.vectors import lvlh_matrix

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


# --- the published plan (kosmonavtika.com, mkseo65 and mkseo68 chronologies) ---------------

UTC = dt.timezone.utc
MS18_LIFTOFF = dt.datetime(2021, 4, 9, 7, 42, 40, 496000, tzinfo=UTC)
MS18_DOCKING = dt.datetime(2021, 4, 9, 11, 5, 7, tzinfo=UTC)
MS22_LIFTOFF = dt.datetime(2022, 9, 21, 13, 54, 49, 531000, tzinfo=UTC)
MS22_DOCKING = dt.datetime(2022, 9, 21, 17, 6, 36, tzinfo=UTC)
#: (MS-18 start h:m:s UTC, MS-22 start, engine, MS-18 dv, MS-22 dv, MS-18 km, MS-22 km)
PLAN = [((9, 5, 40), (15, 9, 43), "SKD", 48.18, 50.33, 364.53, 426.15),
        ((9, 27, 55), (15, 35, 39), "DPO", 1.94, 0.99, 186.05, 167.43),
        ((9, 52, 2), (15, 56, 14), "SKD", 24.16, 31.47, 87.73, 88.87),
        ((10, 34, 25), (16, 40, 30), "SKD", 5.85, 5.40, 2.17, 2.09),
        ((10, 40, 54), (16, 44, 46), "DPO", 5.94, 5.87, 1.04, 1.02),
        ((10, 43, 44), (16, 47, 34), "DPO", 1.44, 1.45, 0.63, 0.62)]
#: MS-19: docking planned 12:12 UTC (NASA), contact 12:22:31 (Interfax, kosmonavtika)
MS19_LIFTOFF = dt.datetime(2021, 10, 5, 8, 55, 2, 442000, tzinfo=UTC)
MS19_PLANNED = dt.datetime(2021, 10, 5, 12, 12, tzinfo=UTC)
MS19_CONTACT = dt.datetime(2021, 10, 5, 12, 22, 31, tzinfo=UTC)
#: SKD main engine (KTDU-80): 2.95 kN, Isp 302 s; DPO-B thrusters 130 N each
SKD_N, DPO_N = 2950.0, 130.0


def _plan_times_s():
    """MS-19's burn times (s after lift-off, UTC seconds) from the sister flights, derived
    here as the issue describes: their offsets interpolated to MS-19's planned docking."""
    d18 = (MS18_DOCKING - MS18_LIFTOFF).total_seconds()
    d22 = (MS22_DOCKING - MS22_LIFTOFF).total_seconds()
    d19 = (MS19_PLANNED - MS19_LIFTOFF).total_seconds()
    w = (d18 - d19) / (d18 - d22)
    out = []
    for a, b, *_ in PLAN:
        o18 = (dt.datetime(2021, 4, 9, *a, tzinfo=UTC) - MS18_LIFTOFF).total_seconds()
        o22 = (dt.datetime(2022, 9, 21, *b, tzinfo=UTC) - MS22_LIFTOFF).total_seconds()
        out.append(o18 + w * (o22 - o18))
    return out


def _lvlh(ctx, met_s, r, v):
    """Position (m) and velocity (m/s, in the rotating frame) relative to the station."""
    rs, vs = ctx.station(float(met_s))
    b = lvlh_matrix(rs, vs)
    w = np.cross(rs, vs) / float(rs @ rs)
    d = np.asarray(r) - rs
    return b @ d * 1e3, b @ (np.asarray(v) - vs - np.cross(w, d)) * 1e3


@pytest.fixture(scope="module")
def flown(mission_context):
    """The rendezvous from the ascent model's separation state (what the app shows)."""
    from orbitviz.core.models.ascent import simulate_ascent

    _, ctx, _ = mission_context
    asc = simulate_ascent(ctx)
    r, v = asc.trajectory.state(asc.end_s)
    ins = (asc.end_s, r, v)
    return ctx, ins, simulate_rendezvous(ctx, ins)


def test_burn_times_follow_the_plan(flown):
    ctx, _, res = flown
    burns = res.info["burns"]
    assert [b["id"] for b in burns] == [f"rendezvous-burn-{k}" for k in range(1, 7)]
    for b, t in zip(burns, _plan_times_s()):
        # met_s is TT seconds from lift-off: within a millisecond of the UTC offset here
        assert b["met_s"] == pytest.approx(t, abs=1e-3)
        assert res.events[b["id"]] == b["met_s"]
    # and between the two sister flights' offsets, in the plan's order
    assert [b["met_s"] for b in burns] == sorted(b["met_s"] for b in burns)


def test_engines_thrust_and_published_figures(flown):
    _, _, res = flown
    for b, plan in zip(res.info["burns"], PLAN):
        assert b["engine"] == plan[2]
        if b["engine"] == "SKD":
            assert b["thrust_N"] == pytest.approx(SKD_N)
        else:
            n = b["thrust_N"] / DPO_N
            assert n == pytest.approx(round(n)) and 2 <= round(n) <= 8
        assert b["dv_published_m_s"] == pytest.approx(plan[3])
        assert b["dv_published_all"] == {"Soyuz MS-18": plan[3], "Soyuz MS-22": plan[4]}
        # the duration is the rocket equation's for the solved dv at this thrust
        isp = 302.0 if b["engine"] == "SKD" else None
        if isp:
            m1 = b["mass_kg"] * math.exp(-b["dv_solved_m_s"] / (isp * G0_M_S2))
            assert b["duration_s"] == pytest.approx((b["mass_kg"] - m1) * isp * G0_M_S2
                                                    / b["thrust_N"], rel=1e-9)


def test_finite_burns_measured_with_gravity_removed(mission_context, flown):
    """Across each burn (1-second pieces, midpoint gravity removed): the velocity changes
    by the solved dv along the stated thrust direction, at the engine's acceleration
    F/m; no second changes it by more than 1 m/s; before and after, only gravity acts."""
    ctx, _, res = flown
    pole = ctx.eo.pole_gcrs(res.start_s)
    for b in res.info["burns"]:
        t0, t1 = b["met_s"], b["met_s"] + b["duration_s"]
        n = max(1, int(math.ceil(t1 - t0)))
        ts = np.linspace(t0, t1, n + 1)
        total = np.zeros(3)
        for a, c in zip(ts[:-1], ts[1:]):
            _, va = res.evaluate(a)
            rm, _ = res.evaluate(0.5 * (a + c))
            _, vc = res.evaluate(c)
            step = (vc - va - np.array(gravity_j2(*rm, pole)) * (c - a)) * 1e3
            assert np.linalg.norm(step) <= 1.0 + 1e-9
            # the acceleration is the engine's: F / m (mass falls by less than 2 % a burn)
            acc = np.linalg.norm(step) / (c - a)
            assert acc == pytest.approx(b["thrust_N"] / b["mass_kg"], rel=0.03)
            total += step
        assert np.linalg.norm(total) == pytest.approx(b["dv_solved_m_s"], rel=2e-3, abs=2e-3)
        u = np.asarray(b["thrust_dir_gcrs"])
        assert np.linalg.norm(u) == pytest.approx(1.0)
        assert total @ u / np.linalg.norm(total) > math.cos(math.radians(0.2))
        # before and after (burn 6 hands over to the station-relative close range)
        for a in (t0 - 20.0, t1 + 5.0) if b["id"] != "rendezvous-burn-6" else (t0 - 20.0,):
            _, va = res.evaluate(a)
            rm, _ = res.evaluate(a + 0.5)
            _, vc = res.evaluate(a + 1.0)
            resid = (vc - va - np.array(gravity_j2(*rm, pole))) * 1e3
            assert np.linalg.norm(resid) < 1e-3  # mm/s


def test_no_velocity_step_over_1_m_s_in_any_second(flown):
    """From separation to contact, every second: the velocity change beyond gravity is
    under 1 m/s (finite burns; the station-relative close range moves gently)."""
    ctx, _, res = flown
    pole = ctx.eo.pole_gcrs(res.start_s)
    ts = np.arange(res.start_s, res.end_s - 1.0, 1.0)
    worst = 0.0
    for t in ts:
        _, va = res.evaluate(t)
        rm, _ = res.evaluate(t + 0.5)
        _, vb = res.evaluate(t + 1.0)
        worst = max(worst, float(np.linalg.norm(vb - va - np.array(gravity_j2(*rm, pole)))))
    assert worst * 1e3 <= 1.0


def test_delta_v_against_what_the_transfer_needs(flown):
    """The specific energy from the insertion orbit to the station's, divided by the
    fastest speed on the way, bounds the total dv from below (about 118 m/s here); the
    published figures add up to less (87.5 and 95.5 m/s), so a figure is missing or means
    something else; the solved burns carry the difference, within 30 % of the bound."""
    ctx, ins, res = flown
    t0, r0, v0 = ins
    e0 = 0.5 * float(v0 @ v0) - MU_EARTH_KM3_S2 / np.linalg.norm(r0)
    rs, vs = ctx.station(res.end_s)
    e1 = 0.5 * float(vs @ vs) - MU_EARTH_KM3_S2 / np.linalg.norm(rs)
    bound_m_s = (e1 - e0) / np.linalg.norm(v0) * 1e3
    published = [sum(p[3] for p in PLAN), sum(p[4] for p in PLAN)]
    assert max(published) < bound_m_s
    total = res.info["total_dv_m_s"]
    assert total == pytest.approx(sum(b["dv_solved_m_s"] for b in res.info["burns"]))
    assert bound_m_s <= total <= 1.3 * bound_m_s


def test_close_burns_at_the_plans_distances(flown):
    """Burns 4, 5 and 6 start where the plan's did: within 5 % of the sister flights'
    mean distances from the station (2.13, 1.03 and 0.625 km)."""
    ctx, _, res = flown
    for b, plan in zip(res.info["burns"][3:], PLAN[3:]):
        r, _ = res.evaluate(b["met_s"])
        rs, _ = ctx.station(b["met_s"])
        d = np.linalg.norm(r - rs)
        assert d == pytest.approx(0.5 * (plan[5] + plan[6]), rel=0.05)
        assert b["distance_km"] == pytest.approx(d, abs=1e-6)


def test_events_of_the_close_range(flown):
    ctx, _, res = flown
    ev = res.events
    order = ["rendezvous-burn-6", "fly-around", "station-keeping", "final-approach-start",
             "manual-control"]
    assert [ev[k] for k in order] == sorted(ev[k] for k in order)
    assert ev["final-approach-start"] < ctx.events["kurs-failure"] < ev["manual-control"] \
        < ctx.events["docking"] == res.end_s
    assert res.phases == [(res.start_s, "free-flight"), (ev["final-approach-start"],
                                                         "final-approach")]


def test_contact_at_the_port_at_12_22_31(flown):
    ctx, _, res = flown
    t = ctx.events["docking"]
    assert ctx.axis.datetime_utc(t) == MS19_CONTACT
    assert res.end_s == t
    pos, vel = _lvlh(ctx, t, *res.evaluate(t))
    port = ctx.ports["rassvet-nadir"]["offset_lvlh_m"]
    assert np.linalg.norm(pos - port) < 0.01
    assert 0.0 < -vel[2] <= 0.1  # closing up the port's axis (toward -z) at contact
    assert math.hypot(vel[0], vel[1]) < 1e-3


def test_hold_after_the_kurs_failure_then_a_steady_manual_close(flown):
    """In the station's LVLH frame: from the Kurs failure (about 12:11) the Soyuz holds
    40 m below the port (kosmonavtika: Kurs failed twice at 40 m), its range rate within
    ±0.02 m/s for at least 60 s; then it closes steadily, never faster than 0.3 m/s,
    never backing away, and touches at no more than 0.1 m/s."""
    ctx, _, res = flown
    port = np.asarray(ctx.ports["rassvet-nadir"]["offset_lvlh_m"])
    t_k, t_d = ctx.events["kurs-failure"], ctx.events["docking"]
    ts = np.arange(t_k, t_d + 1e-9, 1.0)
    rng, rate, along_axis = [], [], []
    for t in ts:
        pos, vel = _lvlh(ctx, t, *res.evaluate(float(t)))
        rel = pos - port
        rng.append(np.linalg.norm(rel))
        rate.append(float(rel @ vel) / max(np.linalg.norm(rel), 1e-9))
        along_axis.append(math.hypot(rel[0], rel[1]))
    rng, rate = np.array(rng), np.array(rate)
    assert rng[0] == pytest.approx(40.0, abs=0.5)
    held = np.abs(rate) <= 0.02
    run = longest = 0
    for h in held:
        run = run + 1 if h else 0
        longest = max(longest, run)
    assert longest >= 60
    t_m = res.events["manual-control"]
    after = (ts >= t_m) & (rng > 1e-3)  # at contact the range is 0 and has no direction
    assert np.all(rate[after] <= 1e-9)  # never opening
    assert np.all(np.abs(rate) <= 0.3)
    assert abs(rate[-1]) <= 0.1
    assert max(along_axis) < 0.01  # on the port's axis throughout
    # the whole approach from station keeping never faster than 0.3 m/s either
    for t in np.arange(res.events["station-keeping"], t_k, 5.0):
        _, vel = _lvlh(ctx, t, *res.evaluate(float(t)))
        assert np.linalg.norm(vel) <= 0.3


def test_approach_from_below_never_above_the_station(flown):
    """Within 5 km of the station the Soyuz is always below the port's height (it rises to
    the Earth-facing port from below)."""
    ctx, _, res = flown
    ts = np.arange(res.start_s, res.end_s, 5.0)
    r, _ = res.trajectory.state(ts)
    rs, vs = ctx.station(ts)
    port_z = ctx.ports["rassvet-nadir"]["offset_lvlh_m"][2]
    for k, t in enumerate(ts):
        b = lvlh_matrix(rs[k], vs[k])
        pos = b @ (r[k] - rs[k]) * 1e3
        if np.linalg.norm(pos) < 5000.0:
            assert pos[2] >= port_z - 1e-6, (t, pos)


def test_the_target_follows_the_port(mission_context, flown):
    """Move the port by a few metres (ModelContext.ports) and the approach ends there."""
    import copy

    _, ctx, _ = mission_context
    _, ins, _ = flown
    moved = copy.copy(ctx)
    moved.ports = {k: dict(v) for k, v in ctx.ports.items()}
    moved.ports["rassvet-nadir"]["offset_lvlh_m"] = (
        np.asarray(ctx.ports["rassvet-nadir"]["offset_lvlh_m"]) + np.array([3.0, -1.0, 2.0]))
    res = simulate_rendezvous(moved, ins)
    pos, _ = _lvlh(ctx, res.end_s, *res.evaluate(res.end_s))
    assert np.linalg.norm(pos - moved.ports["rassvet-nadir"]["offset_lvlh_m"]) < 0.01


def test_position_and_velocity_continuous(flown):
    """No repeated sample time (no impulsive burn), and no jump between samples beyond
    what the velocity allows."""
    ctx, _, res = flown
    tr = res.trajectory
    dt_ = np.diff(tr.met_s)
    assert np.all(dt_ > 0.0)
    dr = np.linalg.norm(np.diff(tr.r_gcrs_km, axis=0), axis=1)
    vmax = np.maximum(np.linalg.norm(tr.v_gcrs_km_s[:-1], axis=1),
                      np.linalg.norm(tr.v_gcrs_km_s[1:], axis=1))
    assert np.all(dr <= vmax * dt_ * 1.001 + 1e-6)
    # at burn 6's end the station-relative motion takes over without a jump
    t6 = res.events["rendezvous-burn-6-end"]
    r_a, v_a = res.evaluate(t6 - 1e-3)
    r_b, v_b = res.evaluate(t6 + 1e-3)
    assert np.linalg.norm(r_b - r_a - 0.5 * (v_a + v_b) * 2e-3) * 1e3 < 0.01
    g = np.array(gravity_j2(*r_a, ctx.eo.pole_gcrs(t6)))
    assert np.linalg.norm(v_b - v_a - g * 2e-3) * 1e3 < 1e-3  # within 1 mm/s: the burn's
    # 0.11 m/s² over 2 ms is 0.2 mm/s


def test_interpolation_matches_evaluate(flown):
    _, _, res = flown
    rng = np.random.default_rng(19)
    ts = np.sort(rng.uniform(res.start_s, res.end_s, 60))
    ts = np.concatenate([ts, [b["met_s"] + 0.5 * b["duration_s"] for b in res.info["burns"]],
                         rng.uniform(res.events["fly-around"], res.end_s, 20)])
    r_i, v_i = res.trajectory.state(ts)
    for k, t in enumerate(ts):
        r_e, v_e = res.evaluate(float(t))
        assert np.linalg.norm(r_i[k] - r_e) < 1e-3, t  # 1 m
        assert np.linalg.norm(v_i[k] - v_e) < 1e-5, t  # 1 cm/s


def test_coast_arcs_follow_j2_not_kepler(mission_context, flown):
    """Between burns the trajectory is a two-body + J2 coast (integrated here from the
    end of burn 1 with a finer step), differing from a pure Kepler arc by kilometres."""
    ctx, _, res = flown
    b1 = res.info["burns"][0]
    t0 = b1["met_s"] + b1["duration_s"]
    t1 = res.info["burns"][1]["met_s"]
    r0, v0 = res.evaluate(t0)
    s0 = tuple(r0) + tuple(v0)
    pole = tuple(ctx.eo.pole_gcrs(res.start_s))
    _, st_j2 = dynamics.integrate(dynamics.coast_deriv(pole), t0, s0, t1, 2.0)
    _, st_kep = dynamics.integrate(_two_body, t0, s0, t1, 2.0)
    r1, _ = res.evaluate(t1)
    assert np.linalg.norm(np.asarray(st_j2[-1][:3]) - r1) < 1e-3
    assert np.linalg.norm(np.asarray(st_kep[-1][:3]) - r1) > 1.0


def test_runtime_budget(flown):
    ctx, ins, _ = flown
    best = math.inf
    for _ in range(3):
        t0 = time.perf_counter()
        simulate_rendezvous(ctx, ins)
        best = min(best, time.perf_counter() - t0)
    assert best < 0.5


@pytest.mark.parametrize("variant", [(195.0, 240.0, 0.3, 0.01), (205.0, 245.0, -0.3, -0.01)],
                         ids=lambda p: "ins-%g-%g-%+g-%+g" % p)
def test_another_insertion_is_solved_again(mission_context, variant):
    """An insertion the stored burns do not fit: the aims are searched again at run time,
    and the Soyuz still docks at the port at 12:22:31 with six finite burns."""
    _, ctx, _ = mission_context
    hp, ha, along, plane = variant
    ins = reference_insertion(ctx, hp, ha, along_deg=along, plane_deg=plane)
    res = simulate_rendezvous(ctx, ins)
    assert res.info["solved_at_run_time"]
    assert len(res.info["burns"]) == 6
    pos, _ = _lvlh(ctx, res.end_s, *res.evaluate(res.end_s))
    assert np.linalg.norm(pos - ctx.ports["rassvet-nadir"]["offset_lvlh_m"]) < 0.01
    assert res.info["total_dv_m_s"] < 250.0


def test_solver_check_mode_reproduces_the_toml():
    """tools/solve_rendezvous.py --check: the stored aims are the search's minimum and the
    finite burns solved again from impulsive starts match the stored ones."""
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, str(root / "tools" / "solve_rendezvous.py"),
                           "--check"], capture_output=True, text=True, cwd=root, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "reproduced" in proc.stdout
