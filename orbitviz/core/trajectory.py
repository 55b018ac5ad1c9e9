"""Sampled trajectories with cubic Hermite interpolation on position and velocity.

A :class:`Trajectory` holds GCRS states at sample times ``met_s`` (TT seconds from
lift-off). Between samples, position is the cubic Hermite polynomial through the two
end positions and velocities; velocity is its derivative. A time that appears twice marks
an impulsive velocity change: at and after that instant the second sample applies.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Trajectory:
    """GCRS states sampled at nondecreasing ``met_s`` (s); km and km/s."""

    met_s: np.ndarray
    r_gcrs_km: np.ndarray
    v_gcrs_km_s: np.ndarray
    _times: list = field(init=False, repr=False)

    def __post_init__(self):
        self.met_s = np.ascontiguousarray(self.met_s, dtype=float)
        self.r_gcrs_km = np.ascontiguousarray(self.r_gcrs_km, dtype=float).reshape(-1, 3)
        self.v_gcrs_km_s = np.ascontiguousarray(self.v_gcrs_km_s, dtype=float).reshape(-1, 3)
        n = len(self.met_s)
        if n < 2 or self.r_gcrs_km.shape[0] != n or self.v_gcrs_km_s.shape[0] != n:
            raise ValueError("a trajectory needs at least two samples of matching length")
        if np.any(np.diff(self.met_s) < 0):
            raise ValueError("trajectory sample times must be nondecreasing")
        self._times = self.met_s.tolist()

    @property
    def start_s(self) -> float:
        return float(self.met_s[0])

    @property
    def end_s(self) -> float:
        return float(self.met_s[-1])

    def covers(self, met_s: float) -> bool:
        return self.start_s <= met_s <= self.end_s

    def _index(self, met):
        i = np.searchsorted(self.met_s, met, side="right") - 1
        i = np.clip(i, 0, len(self.met_s) - 2)
        # step back over a zero-length interval at the very end
        return i

    def state(self, met_s):
        """Interpolated (r_gcrs_km, v_gcrs_km_s) at ``met_s`` (scalar or array).

        Times outside ``[start_s, end_s]`` give NaN.
        """
        met = np.asarray(met_s, dtype=float)
        scalar = met.ndim == 0
        met = met.reshape(-1)
        i = self._index(met)
        t0 = self.met_s[i]
        h = self.met_s[i + 1] - t0
        with np.errstate(invalid="ignore", divide="ignore"):
            u = np.where(h > 0, (met - t0) / np.where(h > 0, h, 1.0), 0.0)
        r, v = _hermite(self.r_gcrs_km[i], self.v_gcrs_km_s[i],
                        self.r_gcrs_km[i + 1], self.v_gcrs_km_s[i + 1], h, u)
        outside = (met < self.met_s[0]) | (met > self.met_s[-1])
        if np.any(outside):
            r[outside] = np.nan
            v[outside] = np.nan
        if scalar:
            return r[0], v[0]
        return r, v

    def state_at(self, met_s: float):
        """Fast scalar path for per-frame use: (r, v) as numpy arrays, or None outside."""
        times = self._times
        if met_s < times[0] or met_s > times[-1]:
            return None
        i = bisect.bisect_right(times, met_s) - 1
        if i >= len(times) - 1:
            i = len(times) - 2
        t0 = times[i]
        h = times[i + 1] - t0
        u = (met_s - t0) / h if h > 0 else 0.0
        u2 = u * u
        u3 = u2 * u
        h00 = 2 * u3 - 3 * u2 + 1
        h10 = (u3 - 2 * u2 + u) * h
        h01 = -2 * u3 + 3 * u2
        h11 = (u3 - u2) * h
        r0 = self.r_gcrs_km[i]
        r1 = self.r_gcrs_km[i + 1]
        v0 = self.v_gcrs_km_s[i]
        v1 = self.v_gcrs_km_s[i + 1]
        r = h00 * r0 + h10 * v0 + h01 * r1 + h11 * v1
        if h > 0:
            d00 = (6 * u2 - 6 * u) / h
            d10 = 3 * u2 - 4 * u + 1
            d01 = (-6 * u2 + 6 * u) / h
            d11 = 3 * u2 - 2 * u
            v = d00 * r0 + d10 * v0 + d01 * r1 + d11 * v1
        else:
            v = v1.copy()
        return r, v

    def window(self, met_start_s: float, met_end_s: float) -> "Trajectory":
        """The samples covering ``[met_start_s, met_end_s]`` (plus one on each side)."""
        i0 = max(0, int(np.searchsorted(self.met_s, met_start_s, side="right")) - 1)
        i1 = min(len(self.met_s), int(np.searchsorted(self.met_s, met_end_s, side="left")) + 1)
        if i1 - i0 < 2:
            i1 = min(len(self.met_s), i0 + 2)
        return Trajectory(self.met_s[i0:i1], self.r_gcrs_km[i0:i1], self.v_gcrs_km_s[i0:i1])


def _hermite(r0, v0, r1, v1, h, u):
    u = u[:, None]
    h = np.asarray(h, dtype=float)[:, None]
    u2 = u * u
    u3 = u2 * u
    r = ((2 * u3 - 3 * u2 + 1) * r0 + (u3 - 2 * u2 + u) * h * v0
         + (-2 * u3 + 3 * u2) * r1 + (u3 - u2) * h * v1)
    with np.errstate(invalid="ignore", divide="ignore"):
        hs = np.where(h > 0, h, 1.0)
        v = ((6 * u2 - 6 * u) / hs * r0 + (3 * u2 - 4 * u + 1) * v0
             + (-6 * u2 + 6 * u) / hs * r1 + (3 * u2 - 2 * u) * v1)
    v = np.where(h > 0, v, v1)
    return r, v


def concatenate(parts: list[Trajectory]) -> Trajectory:
    """Join trajectories end to start; a shared boundary time keeps both samples only
    when the velocities differ (an impulsive change), else one."""
    ts, rs, vs = [], [], []
    for part in parts:
        m, r, v = part.met_s, part.r_gcrs_km, part.v_gcrs_km_s
        if ts and m[0] == ts[-1][-1] and np.allclose(v[0], vs[-1][-1], atol=1e-9, rtol=0):
            m, r, v = m[1:], r[1:], v[1:]
        ts.append(m)
        rs.append(r)
        vs.append(v)
    return Trajectory(np.concatenate(ts), np.concatenate(rs), np.concatenate(vs))
