"""Attitudes over time: sampled body-to-GCRS quaternions, interpolated like the positions.
Qt-free.

Quaternions follow :mod:`orbitviz.core.station_attitude`: ``[w, x, y, z]``, Hamilton
product, *active* (the quaternion of "body to GCRS" turns a body vector into GCRS; its
matrix has the body axes in GCRS as columns).

An :class:`AttitudeTrack` holds samples at nondecreasing ``met_s`` (TT seconds from
lift-off) and answers any instant by spherical interpolation (slerp) between its two
neighbours, the way :class:`~orbitviz.core.trajectory.Trajectory` answers positions by
Hermite interpolation. :class:`PiecewiseAttitude` joins tracks and laws evaluated on the
fly (a docked vehicle follows the station's track through its rigid mating).

Helpers: :func:`frame_quat` builds the attitude whose body x lies along a direction and
whose body y lies as near a reference direction as it can; :func:`smoothstep` eases the
turns between attitude laws; :func:`quat_from_matrix_fast` is a vectorised Shepperd.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from orbitviz.core.station_attitude import (
    matrix_from_quat,
    quat_multiply,
    slerp,
)

__all__ = ["AttitudeTrack", "PiecewiseAttitude", "frame_matrix", "frame_quat",
           "quat_from_matrix_fast", "smoothstep", "sign_continuous", "blend"]


def quat_from_matrix_fast(m) -> np.ndarray:
    """Unit quaternions (…,4), ``w >= 0``, of rotation matrices (…,3,3), vectorised
    (Shepperd's method: each row takes the largest of the four squared components from
    the diagonal, so no division by a small number)."""
    m = np.asarray(m, dtype=float)
    shape = m.shape[:-2]
    r = m.reshape(-1, 3, 3)
    tr = r[:, 0, 0] + r[:, 1, 1] + r[:, 2, 2]
    d = np.stack([tr, r[:, 0, 0], r[:, 1, 1], r[:, 2, 2]], axis=1)
    k = np.argmax(d, axis=1)
    q = np.empty((len(r), 4))
    s0 = 2.0 * np.sqrt(np.maximum(1.0 + tr, 1e-300))
    s1 = 2.0 * np.sqrt(np.maximum(1.0 + r[:, 0, 0] - r[:, 1, 1] - r[:, 2, 2], 1e-300))
    s2 = 2.0 * np.sqrt(np.maximum(1.0 + r[:, 1, 1] - r[:, 0, 0] - r[:, 2, 2], 1e-300))
    s3 = 2.0 * np.sqrt(np.maximum(1.0 + r[:, 2, 2] - r[:, 0, 0] - r[:, 1, 1], 1e-300))
    c = [
        np.stack([0.25 * s0, (r[:, 2, 1] - r[:, 1, 2]) / s0, (r[:, 0, 2] - r[:, 2, 0]) / s0,
                  (r[:, 1, 0] - r[:, 0, 1]) / s0], axis=1),
        np.stack([(r[:, 2, 1] - r[:, 1, 2]) / s1, 0.25 * s1, (r[:, 0, 1] + r[:, 1, 0]) / s1,
                  (r[:, 0, 2] + r[:, 2, 0]) / s1], axis=1),
        np.stack([(r[:, 0, 2] - r[:, 2, 0]) / s2, (r[:, 0, 1] + r[:, 1, 0]) / s2, 0.25 * s2,
                  (r[:, 1, 2] + r[:, 2, 1]) / s2], axis=1),
        np.stack([(r[:, 1, 0] - r[:, 0, 1]) / s3, (r[:, 0, 2] + r[:, 2, 0]) / s3,
                  (r[:, 1, 2] + r[:, 2, 1]) / s3, 0.25 * s3], axis=1),
    ]
    for j in range(4):
        sel = k == j
        q[sel] = c[j][sel]
    q *= np.where(q[:, :1] < 0, -1.0, 1.0)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    return q.reshape(shape + (4,))


def frame_matrix(x_dir, y_ref) -> np.ndarray:
    """(…,3,3) rotations whose columns are body x along ``x_dir`` and body y as near
    ``y_ref`` as square to x allows (z = x × y). Where ``y_ref`` lies along x, any
    perpendicular stands in."""
    x = np.asarray(x_dir, dtype=float)
    x = x / np.linalg.norm(x, axis=-1, keepdims=True)
    yr = np.broadcast_to(np.asarray(y_ref, dtype=float), x.shape)
    y = yr - np.sum(yr * x, axis=-1, keepdims=True) * x
    n = np.linalg.norm(y, axis=-1, keepdims=True)
    bad = n[..., 0] < 1e-9
    if np.any(bad):
        alt = np.where(np.abs(x[..., :1]) < 0.9, np.array([1.0, 0.0, 0.0]),
                       np.array([0.0, 1.0, 0.0]))
        alt = alt - np.sum(alt * x, axis=-1, keepdims=True) * x
        y = np.where(bad[..., None], alt, y)
        n = np.linalg.norm(y, axis=-1, keepdims=True)
    y = y / n
    z = np.cross(x, y)
    return np.stack([x, y, z], axis=-1)


def frame_quat(x_dir, y_ref) -> np.ndarray:
    """Quaternions (…,4) of :func:`frame_matrix`."""
    return quat_from_matrix_fast(frame_matrix(x_dir, y_ref))


def smoothstep(u) -> np.ndarray:
    """``3u² − 2u³`` of ``u`` clipped to [0, 1]: an ease-in, ease-out ramp (zero rate at
    both ends, so a turn starts and stops without a jolt)."""
    u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
    return u * u * (3.0 - 2.0 * u)


def blend(q0, q1, w) -> np.ndarray:
    """Slerp from ``q0`` to ``q1`` (…,4) by weight ``w`` (…) in [0, 1]."""
    return slerp(q0, q1, np.clip(np.asarray(w, dtype=float), 0.0, 1.0))


def sign_continuous(q) -> np.ndarray:
    """A copy of the (N,4) samples with each in the hemisphere of the previous one, so
    slerp between neighbours takes the short way."""
    q = np.array(q, dtype=float, copy=True).reshape(-1, 4)
    if len(q) > 1:
        d = np.sum(q[1:] * q[:-1], axis=1)
        flips = np.cumprod(np.where(d < 0, -1.0, 1.0))
        q[1:] *= flips[:, None]
    return q


class AttitudeTrack:
    """Body-to-GCRS quaternions ``q`` (N,4) sampled at nondecreasing ``met_s`` (N,).

    A repeated time marks a step (the later sample holds from that instant on). Outside
    the samples the first or last attitude holds. :meth:`at` slerps between neighbours.
    """

    def __init__(self, met_s, q):
        t = np.asarray(met_s, dtype=float).reshape(-1)
        q = np.asarray(q, dtype=float).reshape(-1, 4)
        if len(t) < 2 or len(q) != len(t):
            raise ValueError("an attitude track needs at least two samples of matching length")
        if np.any(np.diff(t) < 0):
            raise ValueError("attitude sample times must be nondecreasing")
        self.met_s = t
        self.q = sign_continuous(q / np.linalg.norm(q, axis=1, keepdims=True))

    @property
    def start_s(self) -> float:
        return float(self.met_s[0])

    @property
    def end_s(self) -> float:
        return float(self.met_s[-1])

    def at(self, met_s) -> np.ndarray:
        """Quaternions (…,4) at ``met_s`` (scalar or array)."""
        t = np.asarray(met_s, dtype=float)
        ts = self.met_s
        i = np.clip(np.searchsorted(ts, t, side="right") - 1, 0, len(ts) - 2)
        h = ts[i + 1] - ts[i]
        u = np.where(h > 0, (t - ts[i]) / np.where(h > 0, h, 1.0), 1.0)
        return slerp(self.q[i], self.q[i + 1], np.clip(u, 0.0, 1.0))

    def matrix_at(self, met_s) -> np.ndarray:
        """Body-to-GCRS rotation matrices (…,3,3) at ``met_s``."""
        return matrix_from_quat(self.at(met_s))

    @classmethod
    def sample(cls, law: Callable, met_s) -> "AttitudeTrack":
        """A track of ``law(met_s) -> (N,4)`` evaluated at the given times."""
        t = np.asarray(met_s, dtype=float)
        return cls(t, law(t))


class PiecewiseAttitude:
    """Attitude laws by time interval: ``pieces`` is a list of ``(start_s, end_s, law)``
    in time order, ``law(met_s array) -> (N,4)`` (an :class:`AttitudeTrack`'s ``at`` or a
    function). An instant on a boundary belongs to the later piece; before the first or
    after the last, the nearest piece answers."""

    def __init__(self, pieces):
        self.pieces = list(pieces)
        if not self.pieces:
            raise ValueError("no attitude pieces")
        self._starts = np.array([p[0] for p in self.pieces])

    @property
    def start_s(self) -> float:
        return float(self.pieces[0][0])

    @property
    def end_s(self) -> float:
        return float(self.pieces[-1][1])

    def at(self, met_s) -> np.ndarray:
        t = np.asarray(met_s, dtype=float)
        flat = np.atleast_1d(t).reshape(-1)
        k = np.clip(np.searchsorted(self._starts, flat, side="right") - 1, 0,
                    len(self.pieces) - 1)
        out = np.empty((len(flat), 4))
        for j in np.unique(k):
            sel = k == j
            out[sel] = np.reshape(self.pieces[j][2](flat[sel]), (-1, 4))
        return out.reshape(t.shape + (4,))

    def matrix_at(self, met_s) -> np.ndarray:
        return matrix_from_quat(self.at(met_s))


def compose(q_a, q_b) -> np.ndarray:
    """``q_a ⊗ q_b``: first turn by ``q_b``, then by ``q_a`` (e.g. station body-to-GCRS
    after a vehicle's mesh-to-station-body)."""
    return quat_multiply(q_a, q_b)
