"""The station's attitude and its solar-array joint angles over time. Qt-free.

Frames. *Body*: the station body frame of :mod:`orbitviz.core.station_layout` (x forward,
z toward the Earth, y starboard; metres). *LVLH*: x along-track, y = -orbit normal, z toward
the Earth's centre, from the station's GCRS state (:func:`orbitviz.core.relative.lvlh_axes`).
*GCRS*: as everywhere in the core.

Quaternions are ``[w, x, y, z]`` (scalar first, Hamilton product) and *active*: the
quaternion ``q`` of "body to F" turns a body vector into frame F, ``v_F = q ⊗ v_body ⊗ q*``
(:func:`quat_rotate`), and its matrix (:func:`matrix_from_quat`) has the body axes in F as
its columns.

Attitude. +XVV (body axes on the LVLH axes) except the upset of 15 October 2021, which is
**reconstructed** from the published account (about 57°, control regained within 30 min):
a turn about the body ``axis_body`` by ``peak · sin²(π (t - start) / length)``; see the
station file's ``[attitude]`` for the sources and why pitch.

Arrays. Each alpha joint (SARJ) turns its outboard truss about the body y axis; each beta
gimbal (BGA) turns its wing about the wing's mast. With the mast at ``m(α) = R_y(α) x̂`` the
panel's face at β = 0 is ``n_α = R_y(α)(-ẑ)``; choosing ``α = atan2(-s_x, -s_z)`` for the Sun
direction ``s`` in the body frame puts the mast square to the Sun, and β then turns the face
onto ``s`` exactly (β is the Sun's elevation out of the x–z plane, about the solar beta
angle). The SARJs so turn once per orbit, continuously. Around the dockings and undockings
named in the station file's ``[array_lock]`` all joints hold the angles they had when the
lock began (a modelled rule: no published flight rule with angles was found).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from orbitviz.core.relative import lvlh_axes
from orbitviz.core.station_layout import ArrayWing, StationLayout
from orbitviz.core.timeaxis import TimeAxis, parse_time

# --- quaternions ----------------------------------------------------------------------------


def quat_multiply(a, b) -> np.ndarray:
    """Hamilton product ``a ⊗ b`` of (…,4) quaternions ``[w, x, y, z]``."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    aw, ax, ay, az = np.moveaxis(a, -1, 0)
    bw, bx, by, bz = np.moveaxis(b, -1, 0)
    return np.stack([aw * bw - ax * bx - ay * by - az * bz,
                     aw * bx + ax * bw + ay * bz - az * by,
                     aw * by - ax * bz + ay * bw + az * bx,
                     aw * bz + ax * by - ay * bx + az * bw], axis=-1)


def quat_conjugate(q) -> np.ndarray:
    q = np.asarray(q, dtype=float)
    return q * np.array([1.0, -1.0, -1.0, -1.0])


def quat_from_axis_angle(axis, angle_rad) -> np.ndarray:
    """Turn by ``angle_rad`` (…) about the unit ``axis`` (3,), right-handed."""
    a = np.asarray(axis, dtype=float)
    a = a / np.linalg.norm(a)
    h = 0.5 * np.asarray(angle_rad, dtype=float)
    return np.concatenate([np.cos(h)[..., None], np.sin(h)[..., None] * a], axis=-1)


def matrix_from_quat(q) -> np.ndarray:
    """(…,3,3) rotation matrices of unit quaternions (…,4)."""
    q = np.asarray(q, dtype=float)
    w, x, y, z = np.moveaxis(q, -1, 0)
    return np.stack([
        np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)], axis=-1),
        np.stack([2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)], axis=-1),
        np.stack([2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)], axis=-1),
    ], axis=-2)


def quat_from_matrix(m) -> np.ndarray:
    """Unit quaternions (…,4), ``w >= 0``, of rotation matrices (…,3,3) (Shepperd's method:
    the largest of the four squared components is taken from the diagonal)."""
    m = np.asarray(m, dtype=float)
    shape = m.shape[:-2]
    m = m.reshape(-1, 3, 3)
    tr = np.trace(m, axis1=1, axis2=2)
    d = np.stack([tr, m[:, 0, 0], m[:, 1, 1], m[:, 2, 2]], axis=1)
    k = np.argmax(d, axis=1)
    q = np.empty((len(m), 4))
    for i in range(len(m)):
        r = m[i]
        if k[i] == 0:
            s = 2.0 * np.sqrt(1.0 + tr[i])
            q[i] = [0.25 * s, (r[2, 1] - r[1, 2]) / s, (r[0, 2] - r[2, 0]) / s,
                    (r[1, 0] - r[0, 1]) / s]
        elif k[i] == 1:
            s = 2.0 * np.sqrt(1.0 + r[0, 0] - r[1, 1] - r[2, 2])
            q[i] = [(r[2, 1] - r[1, 2]) / s, 0.25 * s, (r[0, 1] + r[1, 0]) / s,
                    (r[0, 2] + r[2, 0]) / s]
        elif k[i] == 2:
            s = 2.0 * np.sqrt(1.0 + r[1, 1] - r[0, 0] - r[2, 2])
            q[i] = [(r[0, 2] - r[2, 0]) / s, (r[0, 1] + r[1, 0]) / s, 0.25 * s,
                    (r[1, 2] + r[2, 1]) / s]
        else:
            s = 2.0 * np.sqrt(1.0 + r[2, 2] - r[0, 0] - r[1, 1])
            q[i] = [(r[1, 0] - r[0, 1]) / s, (r[0, 2] + r[2, 0]) / s, (r[1, 2] + r[2, 1]) / s,
                    0.25 * s]
    q *= np.where(q[:, :1] < 0, -1.0, 1.0)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    return q.reshape(shape + (4,))


def quat_rotate(q, v) -> np.ndarray:
    """``q ⊗ v ⊗ q*`` for quaternions (…,4) and vectors (…,3)."""
    return np.einsum("...ij,...j->...i", matrix_from_quat(q), np.asarray(v, dtype=float))


def slerp(q0, q1, u) -> np.ndarray:
    """Spherical interpolation from ``q0`` to ``q1`` (…,4) at ``u`` in [0, 1], the short way."""
    q0 = np.asarray(q0, dtype=float)
    q1 = np.asarray(q1, dtype=float)
    u = np.asarray(u, dtype=float)[..., None]
    dot = np.sum(q0 * q1, axis=-1, keepdims=True)
    q1 = np.where(dot < 0, -q1, q1)
    dot = np.abs(dot)
    theta = np.arccos(np.clip(dot, -1.0, 1.0))
    small = theta < 1e-8
    st = np.where(small, 1.0, np.sin(theta))
    a = np.where(small, 1.0 - u, np.sin((1.0 - u) * theta) / st)
    b = np.where(small, u, np.sin(u * theta) / st)
    q = a * q0 + b * q1
    return q / np.linalg.norm(q, axis=-1, keepdims=True)


def rot_y(angle_rad) -> np.ndarray:
    """(…,3,3) right-handed turn about +y."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    z, o = np.zeros_like(c), np.ones_like(c)
    return np.stack([np.stack([c, z, s], -1), np.stack([z, o, z], -1),
                     np.stack([-s, z, c], -1)], -2)


# --- attitude ---------------------------------------------------------------------------------


class StationAttitude:
    """Body-to-LVLH and body-to-GCRS attitude of the station over ``met_s``.

    ``station_state(met_s) -> (r_gcrs_km, v_gcrs_km_s)`` (the station's cached trajectory,
    e.g. ``ModelContext.station``).
    """

    def __init__(self, layout: StationLayout, axis: TimeAxis, station_state: Callable):
        self.layout = layout
        self.station_state = station_state
        att = layout.attitude
        if att.get("nominal", "+XVV") != "+XVV":
            raise ValueError(f"unsupported nominal attitude {att.get('nominal')!r}")
        up = att.get("upset")
        if up:
            self.upset_start_s = parse_time(up["start_utc"], axis)
            self.upset_length_s = float(up["length_s"])
            self.upset_peak_rad = np.radians(float(up["peak_deg"]))
            a = np.asarray(up["axis_body"], dtype=float)
            self.upset_axis_body = a / np.linalg.norm(a)
        else:
            self.upset_start_s, self.upset_length_s, self.upset_peak_rad = 0.0, 0.0, 0.0
            self.upset_axis_body = np.array([0.0, 1.0, 0.0])

    @property
    def upset_end_s(self) -> float:
        return self.upset_start_s + self.upset_length_s

    def upset_angle_rad(self, met_s) -> np.ndarray:
        """The reconstructed turn away from +XVV (rad; 0 outside the upset)."""
        t = np.asarray(met_s, dtype=float)
        if self.upset_length_s <= 0:
            return np.zeros_like(t)
        u = (t - self.upset_start_s) / self.upset_length_s
        inside = (u > 0) & (u < 1)
        return np.where(inside, self.upset_peak_rad * np.sin(np.pi * np.clip(u, 0, 1)) ** 2, 0.0)

    def body_to_lvlh(self, met_s) -> np.ndarray:
        """Quaternions (…,4) turning body vectors into LVLH."""
        return quat_from_axis_angle(self.upset_axis_body, self.upset_angle_rad(met_s))

    def lvlh_to_gcrs(self, met_s) -> np.ndarray:
        """Quaternions (…,4) turning LVLH vectors into GCRS."""
        t = np.atleast_1d(np.asarray(met_s, dtype=float))
        r, v = self.station_state(t)
        x, y, z = lvlh_axes(np.reshape(r, (-1, 3)), np.reshape(v, (-1, 3)))
        q = quat_from_matrix(np.stack([x, y, z], axis=-1))
        return q.reshape(np.shape(met_s) + (4,))

    def body_to_gcrs(self, met_s) -> np.ndarray:
        """Quaternions (…,4) turning body vectors into GCRS: the station's attitude."""
        return quat_multiply(self.lvlh_to_gcrs(met_s), self.body_to_lvlh(met_s))

    def samples(self, met_s) -> np.ndarray:
        """``body_to_gcrs`` at increasing ``met_s`` (N,), signs made continuous (each sample
        in the hemisphere of the previous one) so that :func:`slerp` between neighbours
        takes the short way."""
        q = np.atleast_2d(self.body_to_gcrs(np.asarray(met_s, dtype=float)))
        for i in range(1, len(q)):
            if np.dot(q[i], q[i - 1]) < 0:
                q[i] = -q[i]
        return q


def interpolate_quaternions(t_samples, q_samples, t) -> np.ndarray:
    """Slerp between sign-continuous samples (see :meth:`StationAttitude.samples`) at ``t``."""
    ts = np.asarray(t_samples, dtype=float)
    t = np.asarray(t, dtype=float)
    i = np.clip(np.searchsorted(ts, t, side="right") - 1, 0, len(ts) - 2)
    u = np.clip((t - ts[i]) / (ts[i + 1] - ts[i]), 0.0, 1.0)
    return slerp(q_samples[i], q_samples[i + 1], u)


# --- solar-array joints ---------------------------------------------------------------------


@dataclass(frozen=True)
class ArrayJoints:
    """Joint angles at one instant (rad): ``alpha`` by alpha-joint id, ``beta`` by legacy wing
    id (a roll-out array rides on its host wing's gimbal). ``locked``: held for a docking."""

    alpha: Mapping[str, float]
    beta: Mapping[str, float]
    locked: bool = False


def tracking_angles(layout: StationLayout, sun_body) -> ArrayJoints:
    """Alpha and beta angles that turn every legacy wing's face onto the unit Sun direction
    ``sun_body`` (body frame)."""
    s = np.asarray(sun_body, dtype=float)
    s = s / np.linalg.norm(s)
    alpha = float(np.arctan2(-s[0], -s[2]))
    n_a = rot_y(alpha) @ np.array([0.0, 0.0, -1.0])
    m = rot_y(alpha) @ np.array([1.0, 0.0, 0.0])
    beta = {}
    for w in layout.legacy_wings():
        d = w.mast_x_sign * m
        beta[w.id] = float(np.arctan2(np.dot(np.cross(n_a, s), d), np.dot(n_a, s)))
    return ArrayJoints({j: alpha for j in layout.alpha_joints}, beta)


@dataclass(frozen=True)
class PanelPose:
    """A flat panel in the body frame: centre, unit ``along`` (length), unit ``across``
    (width) and unit ``normal`` (the cell side: ``along × across``), metres."""

    center_m: np.ndarray
    along: np.ndarray
    across: np.ndarray
    normal: np.ndarray
    length_m: float
    width_m: float


def _rodrigues(axis, angle) -> np.ndarray:
    a = np.asarray(axis, dtype=float)
    k = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    return np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * (k @ k)


def wing_pose(layout: StationLayout, wing: ArrayWing, joints: ArrayJoints) -> PanelPose:
    """Where a wing's blanket is for the given joint angles (body frame, m)."""
    if wing.kind == "zvezda":
        alpha = float(np.mean(list(joints.alpha.values())))
        n = rot_y(alpha) @ np.array([0.0, 0.0, -1.0])
        d = wing.direction
        across = np.cross(n, d)
        center = wing.bga_m + d * (0.5 * wing.length_m)
        return PanelPose(center, d, across, np.cross(d, across), wing.length_m, wing.width_m)
    host = layout.wings[wing.host] if wing.kind == "irosa" else wing
    alpha = joints.alpha[host.joint]
    ra = rot_y(alpha)
    mast = host.mast_x_sign * (ra @ np.array([1.0, 0.0, 0.0]))
    turn = _rodrigues(mast, joints.beta[host.id])
    n = turn @ (ra @ np.array([0.0, 0.0, -1.0]))
    across = np.cross(n, mast)
    root = host.bga_m + mast * host.root_m
    if wing.kind == "legacy":
        return PanelPose(root + mast * (0.5 * wing.length_m), mast, across, n,
                         wing.length_m, wing.width_m)
    c = np.radians(wing.cant_deg)
    along = np.cos(c) * mast + np.sin(c) * n
    normal = np.cos(c) * n - np.sin(c) * mast
    start = root + n * wing.standoff_m
    return PanelPose(start + along * (0.5 * wing.length_m), along, across, normal,
                     wing.length_m, wing.width_m)


def joint_rotation(joints: ArrayJoints, joint_id: str) -> np.ndarray:
    """The (3,3) turn of the truss outboard of ``joint_id`` (about y through the truss
    axis x = z = 0; ``""`` means fixed: identity)."""
    if not joint_id:
        return np.eye(3)
    return rot_y(joints.alpha[joint_id])


class ArrayTracker:
    """Joint angles over time: Sun tracking, held during the docking locks.

    ``attitude``: a :class:`StationAttitude`; ``sun_position_gcrs_km(met_s)``: the Sun's
    geocentric GCRS position (e.g. :meth:`orbitviz.core.sun.SunTrack.position_gcrs_km`);
    ``events``: the mission's event times by id (the lock events come from the station
    file's ``[array_lock]``).
    """

    def __init__(self, layout: StationLayout, attitude: StationAttitude,
                 sun_position_gcrs_km: Callable, events: Mapping[str, float]):
        self.layout = layout
        self.attitude = attitude
        self.sun_position_gcrs_km = sun_position_gcrs_km
        lock = layout.array_lock
        before = float(lock.get("lock_before_s", 0.0))
        after = float(lock.get("lock_after_s", 0.0))
        self.lock_windows = [(events[e] - before, events[e] + after)
                             for e in lock.get("events", []) if e in events]

    def sun_direction_body(self, met_s) -> np.ndarray:
        """Unit vector (…,3) from the station toward the Sun, body frame."""
        t = np.asarray(met_s, dtype=float)
        r, _ = self.attitude.station_state(t)
        d = np.asarray(self.sun_position_gcrs_km(t), dtype=float) - np.asarray(r)
        d = d / np.linalg.norm(d, axis=-1, keepdims=True)
        q = quat_conjugate(self.attitude.body_to_gcrs(t))
        return quat_rotate(q, d)

    def lock_window(self, met_s: float):
        """The (start, end) lock window holding ``met_s``, or None."""
        for w in self.lock_windows:
            if w[0] <= met_s <= w[1]:
                return w
        return None

    def angles(self, met_s: float) -> ArrayJoints:
        """Joint angles at ``met_s`` (a scalar)."""
        win = self.lock_window(float(met_s))
        if win is not None:
            held = tracking_angles(self.layout, self.sun_direction_body(win[0]))
            return ArrayJoints(held.alpha, held.beta, locked=True)
        return tracking_angles(self.layout, self.sun_direction_body(float(met_s)))
