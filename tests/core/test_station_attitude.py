"""The station's attitude and its array joints, against independent constructions:
quaternion maths against Rodrigues' formula, +XVV against an LVLH frame built here from the
station's state, the 15 October upset against the published figures, and the arrays' faces
against the Sun from skyfield + DE421 evaluated here (not through orbitviz.core.sun)."""

import datetime as dt
import importlib.resources

import numpy as np
import pytest
from skyfield.api import load, load_file

from orbitviz.core.station_attitude import (
    ArrayTracker,
    StationAttitude,
    interpolate_quaternions,
    matrix_from_quat,
    quat_from_axis_angle,
    quat_from_matrix,
    quat_multiply,
    quat_rotate,
    wing_pose,
)
from orbitviz.core.sun import SunTrack

UPSET_START = dt.datetime(2021, 10, 15, 9, 13, tzinfo=dt.timezone.utc)   # NASA: 5:13 a.m. EDT
UPSET_PEAK_DEG = 57.0                                                   # NASA/NYT
UPSET_REGAINED_S = 30 * 60                                              # "within 30 minutes"


def _rodrigues(axis, angle):
    a = np.asarray(axis, float) / np.linalg.norm(axis)
    k = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    return np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * k @ k


def _angle_deg(a, b):
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    return np.degrees(np.arctan2(np.linalg.norm(np.cross(a, b)), np.dot(a, b)))


@pytest.fixture(scope="module")
def ctx(mission_context):
    return mission_context


@pytest.fixture(scope="module")
def attitude(ctx):
    sc, c, station = ctx
    return StationAttitude(sc.station, sc.axis, station.state)


@pytest.fixture(scope="module")
def tracker(ctx, attitude):
    sc, c, station = ctx
    sun = SunTrack(sc.axis, c.eo, sc.window_start_s, sc.window_end_s)
    return ArrayTracker(sc.station, attitude, sun.position_gcrs_km, sc.event_times())


def _lvlh(r, v):
    """LVLH axes built here: z to the Earth's centre, y against the orbit normal."""
    z = -r / np.linalg.norm(r)
    h = np.cross(r, v)
    y = -h / np.linalg.norm(h)
    return np.cross(y, z), y, z


def _met(sc, when):
    return sc.axis.met_from_datetime(when)


# --- quaternion maths ------------------------------------------------------------------------

def test_quaternions_against_rodrigues():
    rng = np.random.default_rng(7)
    for _ in range(50):
        axis = rng.normal(size=3)
        angle = rng.uniform(-np.pi, np.pi)
        q = quat_from_axis_angle(axis, angle)
        R = _rodrigues(axis, angle)
        np.testing.assert_allclose(matrix_from_quat(q), R, atol=1e-12)
        v = rng.normal(size=3)
        np.testing.assert_allclose(quat_rotate(q, v), R @ v, atol=1e-12)
        back = quat_from_matrix(R)
        assert min(np.abs(back - q).max(), np.abs(back + q).max()) < 1e-12
        axis2 = rng.normal(size=3)
        angle2 = rng.uniform(-np.pi, np.pi)
        q2 = quat_from_axis_angle(axis2, angle2)
        np.testing.assert_allclose(matrix_from_quat(quat_multiply(q, q2)),
                                   R @ _rodrigues(axis2, angle2), atol=1e-12)


# --- attitude ----------------------------------------------------------------------------------

def test_plus_xvv_outside_the_upset(ctx, attitude):
    sc, c, station = ctx
    rng = np.random.default_rng(3)
    t_up = _met(sc, UPSET_START)
    met = rng.uniform(sc.window_start_s + 3600, t_up - 600, 30)
    r, v = station.state(met)
    q = attitude.body_to_gcrs(met)
    for k in range(len(met)):
        x, y, z = _lvlh(r[k], v[k])
        for body, ref in (([1, 0, 0], x), ([0, 1, 0], y), ([0, 0, 1], z)):
            assert _angle_deg(quat_rotate(q[k], body), ref) < 1e-6


def test_upset_as_published(ctx, attitude):
    """Away from +XVV only from 09:13 UTC, back within 30 min, 57° at its worst."""
    sc, c, station = ctx
    t0 = _met(sc, UPSET_START)
    met = np.arange(t0 - 600.0, t0 + UPSET_REGAINED_S + 600.0, 10.0)
    r, v = station.state(met)
    q = attitude.body_to_gcrs(met)
    dev = np.array([_angle_deg(quat_rotate(q[k], [1, 0, 0]), _lvlh(r[k], v[k])[0])
                    for k in range(len(met))])
    assert dev.max() == pytest.approx(UPSET_PEAK_DEG, abs=0.1)
    assert np.all(dev[met <= t0] < 1e-6)
    assert np.all(dev[met >= t0 + UPSET_REGAINED_S] < 1e-6)
    assert np.all(dev[(met > t0 + 60) & (met < t0 + UPSET_REGAINED_S - 60)] > 0.1)
    # reconstructed as a pitch: the body's y axis stays on LVLH y throughout
    for k in range(0, len(met), 10):
        assert _angle_deg(quat_rotate(q[k], [0, 1, 0]), _lvlh(r[k], v[k])[1]) < 1e-6


def test_sampled_attitude_interpolates_within_a_hundredth_of_a_degree(ctx, attitude):
    """10 s samples through the upset (its turn accelerates at up to 3.5e-4 °/s²)."""
    sc, c, station = ctx
    t0 = _met(sc, UPSET_START) - 900
    ts = np.arange(t0, t0 + 3 * 3600, 10.0)
    qs = attitude.samples(ts)
    t = np.sort(np.random.default_rng(5).uniform(ts[0], ts[-1], 200))
    qi = interpolate_quaternions(ts, qs, t)
    qd = attitude.body_to_gcrs(t)
    for a, b in zip(qi, qd):
        err = 2 * np.degrees(np.arccos(min(1.0, abs(float(np.dot(a, b))))))
        assert err < 0.01


# --- arrays ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def skyfield_sun():
    eph = load_file(str(importlib.resources.files("skyfield_data") / "data" / "de421.bsp"))
    yield load.timescale(builtin=True), eph["earth"], eph["sun"]
    eph.close()


def _instants_away_from_dockings(sc, tracker, attitude, n=20):
    t = np.linspace(sc.event_times()["docking"] + 7200, sc.event_times()["undocking"] - 7200,
                    4 * n)
    good = [m for m in t if tracker.lock_window(m) is None
            and not (attitude.upset_start_s - 3600 < m < attitude.upset_end_s + 3600)]
    return np.array(good[:: max(1, len(good) // n)][:n])


def test_array_faces_within_5_degrees_of_the_sun(ctx, attitude, tracker, skyfield_sun):
    sc, c, station = ctx
    ts, earth, sun = skyfield_sun
    liftoff = sc.axis.datetime_utc(0.0)
    met = _instants_away_from_dockings(sc, tracker, attitude)
    assert len(met) == 20
    worst = 0.0
    for m in met:
        # independent Sun: skyfield at UTC = lift-off + met (no leap second in the window)
        t = ts.from_datetime(liftoff + dt.timedelta(seconds=float(m)))
        p_sun = earth.at(t).observe(sun).apparent().position.km
        r, v = station.state(m)
        x, y, z = _lvlh(r, v)
        s = p_sun - r
        s_body = np.array([x @ s, y @ s, z @ s])       # +XVV: body = LVLH
        joints = tracker.angles(m)
        assert not joints.locked
        for w in sc.station.legacy_wings():
            worst = max(worst, _angle_deg(wing_pose(sc.station, w, joints).normal, s_body))
    print(f"worst wing-to-Sun angle {worst:.4f} deg")
    assert worst < 5.0


def test_alpha_joints_turn_once_per_orbit(ctx, tracker):
    sc, c, station = ctx
    t0 = sc.event_times()["docking"] + 4 * 3600
    met = np.arange(t0, t0 + 2 * 5562.0, 30.0)                # two orbits of ~92.7 min
    alpha = np.unwrap([tracker.angles(m).alpha["port-sarj"] for m in met])
    turns = abs(alpha[-1] - alpha[0]) / (2 * np.pi)
    assert turns == pytest.approx(2.0, abs=0.02)
    steps = np.diff(alpha)
    assert np.all(np.sign(steps) == np.sign(steps[0]))       # continuous, one way
    assert np.all(np.abs(steps) < np.radians(3.0))            # 360°/92.7 min = 1.9° per 30 s


def test_joints_hold_around_docking_and_undocking(ctx, tracker):
    sc, c, station = ctx
    lock = sc.station.array_lock
    for ev in ("docking", "undocking"):
        te = sc.event_times()[ev]
        a = tracker.angles(te - lock["lock_before_s"] + 5)
        b = tracker.angles(te + lock["lock_after_s"] - 5)
        assert a.locked and b.locked
        assert a.alpha == b.alpha and a.beta == b.beta
        after = tracker.angles(te + lock["lock_after_s"] + 600)
        assert not after.locked and abs(after.alpha["port-sarj"] - a.alpha["port-sarj"]) > 0.05


def test_roll_out_arrays_lean_over_their_host_wings(ctx, tracker):
    sc, c, station = ctx
    lay = sc.station
    joints = tracker.angles(sc.event_times()["docking"] + 5 * 3600)
    for w in lay.wings.values():
        if w.kind != "irosa":
            continue
        host = wing_pose(lay, lay.wings[w.host], joints)
        ro = wing_pose(lay, w, joints)
        assert _angle_deg(ro.normal, host.normal) == pytest.approx(w.cant_deg, abs=1e-9)
        # in front of (sunward of) the old blanket, over its inner part
        assert np.dot(ro.center_m - host.center_m, host.normal) > 0
        assert np.dot(ro.center_m - host.center_m, host.along) < 0
