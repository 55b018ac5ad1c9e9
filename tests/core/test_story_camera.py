"""Keyframed camera paths: C1 in video time (position, view and up in the world frame) within
a shot, across a change of target and through an eased ramp; exact at keyframes; no
overshoot through the target; refused where the blend is degenerate."""

import math

import numpy as np
import pytest
import story_refs as ref

from orbitviz.core.story.camera_path import (CameraPathError, Keyframe, KeyframePath,
                                             hermite_weights, keyframe_check)
from orbitviz.core.story.ramp import EasedRamp, EasePoint, LinearRamp

T0 = 20000.0  # mission time at the shot's start, s


def K(u, target, axes, pos, look=(0.0, 0.0, 0.0), up=None, fov=26.0):
    up = up or ((0.0, 0.0, -1.0) if axes == "lvlh" else (0.0, 0.0, 1.0))
    return Keyframe(u, target, axes, pos, look, up, fov)


def pose_fn(path, ramp, part):
    """part(u) of the camera's world pose at video time u: 'position', 'view' or 'up'."""
    def f(u):
        p = path.pose(u, ramp.met_at(u), ref.locate)
        return {"position": p.position_km, "view": p.view_dir, "up": p.up}[part]
    return f


FOLLOW = KeyframePath([
    K(0.0, "sat", "lvlh", (-2.0, 1.0, -0.5), fov=30.0),
    K(2.0, "sat", "lvlh", (-0.8, 0.6, -0.3), look=(0.01, 0.0, 0.0), fov=22.0),
    K(5.0, "sat", "lvlh", (0.3, 0.4, 0.1), up=(0.3, 0.0, -1.0), fov=26.0),
    K(6.0, "sat", "lvlh", (0.6, -0.2, -0.1), fov=28.0),
])
# from the whole Earth to the Soyuz-like "sat", then to the "station" 136 km ahead of it
TARGETS = KeyframePath([
    K(0.0, "earth", "earth-fixed", (26000.0, -9000.0, 7000.0)),
    K(4.0, "sat", "lvlh", (-0.5, 0.3, -0.2)),
    K(7.0, "station", "lvlh", (0.4, 0.6, -0.1), look=(-0.015, 0.0, 0.012)),
])


@pytest.mark.parametrize("part", ["position", "view", "up"])
@pytest.mark.parametrize("path, name", [(FOLLOW, "follow"), (TARGETS, "targets")])
def test_camera_is_c1_at_every_keyframe_and_inside_segments(path, name, part):
    ramp = LinearRamp(T0, T0 + 30.0 * 8.0, 8.0)  # 30×
    f = pose_fn(path, ramp, part)
    # the keyframes inside the shot and points between them (not the shot's start, before
    # which time stands still: a shot's ends are cuts or dissolves, not part of its path)
    checks = [s for s in path.times if s > 0] + list(np.linspace(0.05, 7.95, 23))
    # a jump in value would show here too, as a one-sided derivative of order 1/h
    worst = max(ref.kink(f, s) for s in checks)
    assert worst < 2e-5, (name, part, worst)
    # and the estimate converges as h shrinks (C1), where a kink would stay put
    assert max(ref.kink(f, s, 1e-4) for s in checks) < 2e-6, (name, part)


def test_the_c1_check_catches_a_kinked_path():
    """The same check applied to straight-line interpolation between the keyframes' cameras
    (C0, not C1) reports kinks at the keyframes: the check can fail."""
    ramp = LinearRamp(T0, T0 + 240.0, 8.0)

    def linear(u):
        s = FOLLOW.times
        j = min(max(int(np.searchsorted(s, u, side="right")) - 1, 0), len(s) - 2)
        x = min(max((u - s[j]) / (s[j + 1] - s[j]), 0.0), 1.0)
        t = ramp.met_at(u)
        pts = []
        for k in (FOLLOW.keyframes[j], FOLLOW.keyframes[j + 1]):
            origin, rows = ref.locate(k.target, k.axes, t)
            pts.append(origin + rows.T @ np.array(k.position_km))
        return (1 - x) * pts[0] + x * pts[1]

    assert ref.kink(linear, 2.0) > 1e-3 and ref.kink(linear, 5.0) > 1e-3
    assert ref.kink(pose_fn(FOLLOW, ramp, "position"), 2.0) < 1e-6


def test_a_change_of_target_has_no_jump_between_frames():
    """Earth → Soyuz at 30 fps: the camera moves by no more per frame than its smooth path's
    speed allows; nowhere a leap."""
    ramp = LinearRamp(T0, T0 + 240.0, 8.0)
    u = np.arange(0, 241) / 30.0
    pos = np.array([TARGETS.pose(x, ramp.met_at(x), ref.locate).position_km for x in u])
    step = np.linalg.norm(np.diff(pos, axis=0), axis=1)
    # the steps vary smoothly: no step is more than 1.2× its neighbours' mean (a jump would be)
    smooth = step[1:-1] / (0.5 * (step[:-2] + step[2:]) + 1e-12)
    assert smooth.max() < 1.2
    # and the camera ends at the station keyframe, 0.72 km from the station
    station, _ = ref.locate("station", "lvlh", ramp.met_at(8.0))
    assert np.linalg.norm(pos[-1] - station) == pytest.approx(math.sqrt(0.4**2 + 0.6**2 + 0.1**2),
                                                              rel=1e-9)


def test_camera_is_c1_through_the_kinks_of_an_eased_ramp():
    pts = [EasePoint(T0 + 100.0, 2.0, 0.5, 0.5), EasePoint(T0 + 1500.0, 5.0, 0.5, 0.5)]
    ramp = EasedRamp(T0, T0 + 3000.0, 8.0, pts, ease_s=0.5)
    f = pose_fn(FOLLOW, ramp, "position")
    # the rate profile bends where each slow window starts and ends
    edges = [ramp.video_at(p.met_s + d) for p in pts
             for d in (-p.rate * p.before_s, p.rate * p.after_s)]
    assert min(edges) > 0.05 and max(edges) < 7.95
    assert max(ref.kink(f, s, 1e-4) for s in edges) < 1e-4
    g = pose_fn(FOLLOW, ramp, "view")
    assert max(ref.kink(g, s, 1e-4) for s in edges) < 1e-4


def test_the_camera_is_exactly_each_keyframe_at_its_time():
    ramp = LinearRamp(T0, T0 + 240.0, 8.0)
    for path in (FOLLOW, TARGETS):
        for k in path.keyframes:
            t = ramp.met_at(k.video_s)
            pose = path.pose(k.video_s, t, ref.locate)
            origin, rows = ref.locate(k.target, k.axes, t)
            cam = origin + rows.T @ np.array(k.position_km)
            look = origin + rows.T @ np.array(k.look_at_km)
            view = (look - cam) / np.linalg.norm(look - cam)
            up = rows.T @ np.array(k.up)
            up = up - up @ view * view
            assert np.allclose(pose.position_km, cam, rtol=0, atol=1e-9)
            assert np.allclose(pose.view_dir, view, atol=1e-12)
            assert np.allclose(pose.up, up / np.linalg.norm(up), atol=1e-12)
            assert pose.fov_deg == pytest.approx(k.fov_deg)
            assert np.allclose(pose.look_at_km, look, atol=1e-9)


def test_before_the_first_and_after_the_last_keyframe_the_camera_rides_its_target():
    path = KeyframePath([K(2.0, "sat", "lvlh", (-1.0, 0.5, -0.2)),
                         K(4.0, "sat", "lvlh", (-0.3, 0.2, -0.1))])
    ramp = LinearRamp(T0, T0 + 600.0, 6.0)
    for u, want in ((0.0, (-1.0, 0.5, -0.2)), (1.0, (-1.0, 0.5, -0.2)), (5.5, (-0.3, 0.2, -0.1))):
        t = ramp.met_at(u)
        origin, rows = ref.locate("sat", "lvlh", t)
        offset = rows @ (path.pose(u, t, ref.locate).position_km - origin)
        assert np.allclose(offset, want, atol=1e-9)
    f = pose_fn(path, ramp, "position")
    assert ref.kink(f, 2.0) < 1e-6 and ref.kink(f, 4.0) < 1e-6


def test_orientation_is_orthonormal_everywhere():
    ramp = LinearRamp(T0, T0 + 240.0, 8.0)
    for u in np.linspace(0.0, 8.0, 161):
        p = TARGETS.pose(u, ramp.met_at(u), ref.locate)
        assert abs(np.linalg.norm(p.view_dir) - 1) < 1e-12 and abs(np.linalg.norm(p.up) - 1) < 1e-12
        assert abs(p.view_dir @ p.up) < 1e-12
        m = p.world_to_camera()
        assert np.allclose(m @ m.T, np.eye(3), atol=1e-12) and np.linalg.det(m) == pytest.approx(1)


def test_a_pull_back_over_three_scales_never_overshoots_toward_the_target():
    """0.34 km → 6 km → 107 km: the distance only grows. Catmull-Rom on camera positions (the
    naive construction) first dips 10% toward the target, and a Catmull-Rom blend of the
    focus distance itself goes below zero: why distances blend in log space."""
    ks = [K(0.0, "sat", "lvlh", (0.15, 0.3, -0.08)), K(4.0, "sat", "lvlh", (-3.0, 5.0, -2.0)),
          K(12.0, "sat", "lvlh", (-60.0, 80.0, -40.0))]
    path = KeyframePath(ks)
    ramp = LinearRamp(T0, T0 + 1200.0, 12.0)
    u = np.linspace(0.0, 12.0, 1201)
    dist, naive, focus = [], [], []
    for x in u:
        t = ramp.met_at(x)
        origin, rows = ref.locate("sat", "lvlh", t)
        dist.append(np.linalg.norm(path.pose(x, t, ref.locate).position_km - origin))
        offs = sum(w * np.array(ks[j].position_km) for j, w in hermite_weights(path.times, x))
        naive.append(np.linalg.norm(offs))
        focus.append(sum(w * np.linalg.norm(ks[j].position_km)
                         for j, w in hermite_weights(path.times, x)))
    assert np.all(np.diff(dist) >= -1e-9)
    assert dist[0] == pytest.approx(0.3448, abs=1e-4)
    assert dist[-1] == pytest.approx(107.70, abs=0.01)
    assert min(naive) < 0.92 * naive[0]  # the naive path first moves toward the capsule
    assert min(focus) < 0.0


def test_hermite_weights_sum_to_one():
    s = (0.0, 1.0, 3.0, 4.5, 8.0)
    for u in np.linspace(-1.0, 9.0, 101):
        assert sum(w for _, w in hermite_weights(s, u)) == pytest.approx(1.0, abs=1e-12)


def test_opposite_views_blended_are_refused_not_spun():
    path = KeyframePath([K(0.0, "sat", "lvlh", (0.0, 0.0, -1.0), up=(1.0, 0.0, 0.0)),
                         K(2.0, "sat", "lvlh", (0.0, 0.0, 1.0), up=(1.0, 0.0, 0.0))])
    with pytest.raises(CameraPathError, match="vanishes"):
        path.pose(1.0, T0, ref.locate)


@pytest.mark.parametrize("k, words", [
    (K(0.0, "sat", "lvlh", (0.1, 0.0, 0.0), look=(0.1, 0.0, 0.0)), "on the point it looks at"),
    (K(0.0, "sat", "lvlh", (1.0, 0.0, 0.0), up=(-2.0, 0.0, 0.0)), "along the line of sight"),
    (K(0.0, "sat", "lvlh", (1.0, 0.0, 0.0), up=(0.0, 0.0, 0.0)), "zero vector"),
])
def test_bad_keyframe_geometry_says_what_is_wrong(k, words):
    assert words in keyframe_check(k)
    with pytest.raises(CameraPathError, match=words):
        KeyframePath([k])


def test_keyframes_must_go_forward_and_the_earth_has_no_lvlh():
    with pytest.raises(CameraPathError, match="forward"):
        KeyframePath([K(2.0, "sat", "lvlh", (1, 0, 0)), K(2.0, "sat", "lvlh", (2, 0, 0))])
    with pytest.raises(CameraPathError, match="no lvlh axes"):
        KeyframePath([K(0.0, "earth", "lvlh", (9000, 0, 0))])
