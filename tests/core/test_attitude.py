"""Spacecraft attitudes over time, against references built here: quaternion maths against
Rodrigues' formula and the station module's own conversion; the station's sampled attitude
against StationAttitude evaluated directly; the Soyuz's probe against the port computed from
the station's element-set state and the port's LVLH offset; the engine against each burn's
published-by-the-model Δv vector; the heat shield against the air-relative velocity at the
peak of the heating rate (√ρ·v³ with the U.S. 1976 density, found here)."""

import math

import numpy as np
import pytest

from orbitviz.core import atmosphere
from orbitviz.core.attitude import (AttitudeTrack, frame_matrix, quat_from_matrix_fast,
                                    smoothstep)
from orbitviz.core.geodesy import height_along_radius_km
from orbitviz.core.mission import MissionModel, docked_state
from orbitviz.core.station_attitude import (matrix_from_quat, quat_from_axis_angle,
                                            quat_from_matrix)


def _rodrigues(axis, angle):
    a = np.asarray(axis, float) / np.linalg.norm(axis)
    k = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    return np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * k @ k


def _deg(a, b):
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    return float(np.degrees(np.arctan2(np.linalg.norm(np.cross(a, b)), np.dot(a, b))))


def _lvlh(r, v):
    z = -r / np.linalg.norm(r)
    y = -np.cross(r, v) / np.linalg.norm(np.cross(r, v))
    return np.cross(y, z), y, z


@pytest.fixture(scope="module")
def model():
    return MissionModel.build()


@pytest.fixture(scope="module")
def motion(model):
    return model.motion


@pytest.fixture(scope="module")
def ev(model):
    return model.scenario.event_times()


def _port(model, port_id, met_s):
    """GCRS plane centre (km) and outward axis of a port, from the station's element-set
    state and the port's LVLH offset (+XVV: body = LVLH; not during the upset)."""
    p = model.scenario.ports[port_id]
    rs, vs = model.station.state(met_s)
    r, _ = docked_state(rs, vs, p["offset_lvlh_m"])
    x, y, z = _lvlh(rs, vs)
    a = p["axis_lvlh"]
    return r, a[0] * x + a[1] * y + a[2] * z


# --- the maths -------------------------------------------------------------------------------

def test_vectorised_quaternions_match_the_loop_and_rodrigues():
    rng = np.random.default_rng(3)
    axes = rng.normal(size=(200, 3))
    angles = rng.uniform(-math.pi, math.pi, 200)
    mats = np.array([_rodrigues(a, t) for a, t in zip(axes, angles)])
    q = quat_from_matrix_fast(mats)
    np.testing.assert_allclose(q, quat_from_matrix(mats), atol=1e-12)
    np.testing.assert_allclose(matrix_from_quat(q), mats, atol=1e-12)
    m = frame_matrix([[0.0, 0.0, 2.0]], [[1.0, 1.0, 5.0]])[0]
    np.testing.assert_allclose(m.T @ m, np.eye(3), atol=1e-12)
    np.testing.assert_allclose(m[:, 0], [0, 0, 1], atol=1e-12)      # x along the direction
    np.testing.assert_allclose(m[:, 1], np.array([1, 1, 0]) / math.sqrt(2), atol=1e-12)


def test_track_slerps_a_steady_turn_exactly():
    """A turn at 0.07 rad/s about a fixed axis, sampled every 30 s (2.1 rad apart), is found
    again at any instant between the samples."""
    axis = np.array([0.3, -0.5, 0.8])
    t = np.arange(0.0, 301.0, 30.0)
    track = AttitudeTrack(t, quat_from_axis_angle(axis, 0.07 * t))
    for x in (7.3, 44.0, 151.9, 299.0):
        np.testing.assert_allclose(track.matrix_at(x), _rodrigues(axis, 0.07 * x), atol=1e-12)
    assert smoothstep(-1) == 0 and smoothstep(2) == 1 and smoothstep(0.5) == 0.5


# --- the station ---------------------------------------------------------------------------

def test_sampled_station_attitude_matches_the_direct_model(model, motion, ev):
    sa = motion.station_attitude
    upset = ev["attitude-loss"]
    t = np.concatenate([np.linspace(model.window[0] + 1, model.window[1] - 1, 97),
                        np.linspace(upset, upset + 1800.0, 41) + 3.3])
    for x in t:
        Ra = matrix_from_quat(motion.station_q(x))
        Rb = matrix_from_quat(sa.body_to_gcrs(x))
        ang = math.degrees(math.acos(min(1.0, (np.trace(Ra.T @ Rb) - 1) / 2)))
        assert ang < 0.01, x


# --- Soyuz MS-19 -----------------------------------------------------------------------------

def test_probe_points_at_the_port_in_the_last_100_m(model, motion, ev):
    """Every 2 s of the final approach closer than 100 m (the hold at 40 m included), the
    probe axis (body +x) points at Rassvet's Earth-facing port within 2°, nose up."""
    t_dock = ev["docking"]
    checked = 0
    for t in np.arange(ev["final-approach-start"], t_dock, 2.0):
        r, _ = model.gcrs_state("soyuz-ms-19", t)
        port, axis = _port(model, "rassvet-nadir", t)
        d = port - r
        rng = np.linalg.norm(d) * 1000.0
        if rng > 100.0 or rng < 1.0:
            continue
        R = matrix_from_quat(motion.attitude("soyuz-ms-19", t))
        assert _deg(R[:, 0], d) < 2.0, t
        rs, _ = model.station.state(t)
        assert _deg(R[:, 0], rs) < 2.0                       # radially up
        checked += 1
    assert checked > 300


def test_engine_against_the_dv_in_every_main_engine_burn(model, motion):
    """Body −x (the SKD's exhaust) is opposite each main-engine burn's Δv within 1°, from
    its start to its end; thruster burns are flown without a turn."""
    burns = model.models["rendezvous"].info["burns"]
    main = [b for b in burns if b["engine"] == "SKD"]
    assert len(main) == 3
    for b in main:
        dv = np.asarray(b["dv_gcrs_m_s"])
        for t in np.linspace(b["met_s"], b["end_met_s"], 9):
            R = matrix_from_quat(motion.attitude("soyuz-ms-19", t))
            assert _deg(-R[:, 0], -dv) < 1.0, (b["id"], t)
    deo = next(b for b in model.models["return"].info["burns"] if b["id"] == "deorbit-burn")
    for t in np.linspace(deo["met_s"], deo["end_met_s"], 9):
        # the deorbit Δv is against the velocity: the engine points along it
        _, v = model.gcrs_state("soyuz-ms-18", t)
        R = matrix_from_quat(motion.attitude("soyuz-ms-18", t))
        assert _deg(-R[:, 0], v) < 1.0
    dpo = next(b for b in burns if b["id"] == "rendezvous-burn-2")
    r, v = model.gcrs_state("soyuz-ms-19", dpo["met_s"] + 10.0)
    R = matrix_from_quat(motion.attitude("soyuz-ms-19", dpo["met_s"] + 10.0))
    assert _deg(R[:, 0], _lvlh(r, v)[0]) < 1.0              # orbital orientation held


def test_free_flight_is_the_orbital_orientation_and_turns_are_smooth(model, motion, ev):
    t = ev["rendezvous-burn-2"] - 600.0
    r, v = model.gcrs_state("soyuz-ms-19", t)
    R = matrix_from_quat(motion.attitude("soyuz-ms-19", t))
    x, y, z = _lvlh(r, v)
    assert _deg(R[:, 0], x) < 0.1 and _deg(R[:, 2], z) < 0.1
    for oid, t0, t1 in (("soyuz-ms-19", ev["orbit-insertion"], ev["docking"]),
                        ("soyuz-ms-18", ev["undocking"], ev["touchdown"] - 5.0)):
        tt = np.arange(t0, t1, 1.0)
        q = motion.attitude(oid, tt)
        step = np.degrees(2 * np.arccos(np.clip(np.abs(np.sum(q[1:] * q[:-1], axis=1)), 0, 1)))
        assert step.max() < 2.0, (oid, tt[np.argmax(step)])  # deg in a second


def test_docked_soyuz_is_rigidly_mated(model, motion, ev):
    """Docked, the probe tip sits on the port's plane centre within 0.1 m and the probe axis
    along −(the port's axis) within 1°, the Soyuz hanging below, probe up."""
    for oid, port_id, times in (
            ("soyuz-ms-19", "rassvet-nadir", ev["docking"] + np.array([0.0, 60.0, 7200.0])),
            ("soyuz-ms-18", "nauka-nadir", ev["undocking"] - np.array([0.0, 3600.0, 86400.0]))):
        for t in times:
            R, o = motion.vehicle_pose(oid, t)
            port, axis = _port(model, port_id, t)
            assert np.linalg.norm(o - port) * 1000.0 < 0.1
            assert _deg(R[:, 0], -axis) < 1.0
            rs, _ = model.station.state(t)
            assert _deg(R[:, 0], rs) < 1.0


# --- Soyuz MS-18 -----------------------------------------------------------------------------

def test_ms18_backs_away_along_naukas_port_axis(model, motion, ev):
    t_un = ev["undocking"]
    for t in t_un + np.array([5.0, 30.0, 60.0, 120.0]):
        r, _ = model.gcrs_state("soyuz-ms-18", t)
        port, axis = _port(model, "nauka-nadir", t)
        d = (r - port) * 1000.0
        along = float(d @ axis)
        assert along > 0.0                                        # away from the port
        assert np.linalg.norm(d - along * axis) < 0.25 * along + 0.5   # orbital drift
        R = matrix_from_quat(motion.attitude("soyuz-ms-18", t))
        assert _deg(R[:, 0], -axis) < 1.0                          # still probe up


def test_heat_shield_faces_the_flow_at_peak_heating(model, motion, ev):
    """At the peak of √ρ·v³ (v relative to the rotating air) the descent module's heat
    shield (body −x) faces the air-relative velocity within 10°."""
    omega = model.eo.omega_gcrs(0.0)
    pole = model.eo.pole_gcrs()
    best, t_best = -1.0, None
    for t in np.arange(ev["entry-interface"], ev["parachute"], 1.0):
        r, v = model.gcrs_state("soyuz-ms-18", t)
        vr = (v - np.cross(omega, r)) * 1000.0
        h = height_along_radius_km(*r, pole)
        q = math.sqrt(atmosphere.density(h)) * np.linalg.norm(vr) ** 3
        if q > best:
            best, t_best = q, t
    assert ev["entry-interface"] + 60 < t_best < ev["parachute"]
    for t in (t_best - 20.0, t_best, t_best + 20.0):
        r, v = model.gcrs_state("soyuz-ms-18", t)
        R = matrix_from_quat(motion.attitude("soyuz-ms-18", t))
        assert _deg(-R[:, 0], v - np.cross(omega, r)) < 10.0


def test_capsule_hangs_under_its_parachute_and_lands_upright(model, motion, ev):
    for t in (ev["main-parachute"] + 60.0, ev["touchdown"] - 30.0):
        r, _ = model.gcrs_state("soyuz-ms-18", t)
        R = matrix_from_quat(motion.attitude("soyuz-ms-18", t))
        assert _deg(R[:, 0], r) < 10.0                             # hatch (and canopy) up
        assert motion.parachute(t) == "main"
    for dt in (1.0, 0.3, 0.1, 0.02):   # the soft-landing engines' last second: upright
        t = ev["touchdown"] - dt
        r, _ = model.gcrs_state("soyuz-ms-18", t)
        assert _deg(matrix_from_quat(motion.attitude("soyuz-ms-18", t))[:, 0], r) < 10.0
    assert motion.parachute(ev["parachute"] + 5.0) == "drogue"
    assert motion.parachute(ev["touchdown"] + 5.0) == ""
    t = ev["touchdown"] + 600.0
    R, o = motion.vehicle_pose("soyuz-ms-18", t)
    r, _ = model.gcrs_state("soyuz-ms-18", t)
    assert _deg(R[:, 0], r) < 1.0
    # the descent module's base sits on the landing point
    base = o + R @ np.array([motion.dm_base_x_m, 0, 0]) / 1000.0
    assert np.linalg.norm(base - r) * 1000.0 < 0.01


def test_launcher_stands_on_the_pad_and_follows_its_thrust(model, motion, ev):
    r, _ = model.gcrs_state("soyuz-ms-19", 0.0)
    R, o = motion.launcher_pose(0.0)
    assert np.linalg.norm(o - r) * 1000.0 < 0.01                   # core base on the pad
    assert _deg(R[:, 0], r) < 0.3                                   # vertical (geodetic)
    # after the pitch-over the gravity turn flies at zero angle of attack: along the air-
    # relative velocity
    omega = model.eo.omega_gcrs(0.0)
    for t in (60.0, 100.0):
        r, v = model.gcrs_state("soyuz-ms-19", t)
        R = matrix_from_quat(motion.attitude("soyuz-ms-19", t))
        assert _deg(R[:, 0], v - np.cross(omega, r)) < 2.0


# --- what is shed and what fires ---------------------------------------------------------------

def test_shed_parts_leave_at_their_events_and_fade(model, motion, ev):
    ids = {p.id: p for p in motion.shed}
    assert {"escape-tower", "booster-b", "booster-v", "booster-g", "booster-d", "core",
            "third-stage-aft", "ms18-orbital-module", "ms18-service-module"} <= set(ids)
    for p in motion.shed:
        assert p.event_s == pytest.approx(ev[p.event])
        assert p.alpha(p.event_s) == 1.0
        assert p.alpha(p.end_s + 1.0) == 0.0
    # the orbital and service modules burn up: gone before they fall under 78 km
    for pid in ("ms18-orbital-module", "ms18-service-module"):
        p = ids[pid]
        below = p.path.met_s[p.altitude_km < 78.0]
        assert below.size == 0 or p.alpha(float(below[0]) + 0.01) == 0.0
        assert p.end_s < ev["parachute"]


def test_drag_free_ballistic_path_matches_the_models_integrator(model):
    from orbitviz.core.models.dynamics import as_arrays, coast_deriv, integrate
    from orbitviz.core.separations import integrate_ballistic

    pole = model.eo.pole_gcrs()
    r0, v0 = model.gcrs_state("iss", 5000.0)
    path, _ = integrate_ballistic(5000.0, r0, v0, 5300.0, pole, model.eo.omega_gcrs(0.0),
                                  1000.0, 0.0)
    times, states = integrate(coast_deriv(pole), 5000.0, tuple(r0) + tuple(v0), 5300.0, 1.0)
    _, r_ref, _ = as_arrays(times, states)
    assert np.linalg.norm(path.state(5300.0)[0] - r_ref[-1]) * 1000.0 < 1.0


def test_firings_are_timed_by_the_models(model, motion, ev):
    by_id = {f.id: f for f in motion.firings}
    for res in ("rendezvous", "return"):
        for b in model.models[res].info["burns"]:
            f = by_id[b["id"]]
            assert (f.start_s, f.end_s) == (b["met_s"], b["end_met_s"])
            assert f.thrust_n == b["thrust_N"]
    assert by_id["ascent:booster-b"].end_s == ev["booster-separation"]
    assert by_id["ascent:core"].end_s == ev["core-separation"]
    third = by_id["ascent:third-stage"]
    assert (third.start_s, third.end_s) == (ev["core-separation"], ev["third-stage-cutoff"])
    sl = by_id["soft-landing-engines"]
    assert sl.start_s == ev["soft-landing-engines"] and sl.end_s == ev["touchdown"]
    assert {f.id for f in motion.firings_at(ev["rendezvous-burn-1"] + 1.0)} == \
        {"rendezvous-burn-1"}
    assert motion.firings_at(ev["rendezvous-burn-1"] - 1.0) == []


def test_object_states_carry_the_attitude(model):
    for oid in model.objects:
        s = model.object_state(oid, 12000.0)
        assert s.attitude_q_gcrs.shape == (4,)
        assert abs(np.linalg.norm(s.attitude_q_gcrs) - 1.0) < 1e-12
