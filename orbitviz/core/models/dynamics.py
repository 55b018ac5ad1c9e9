"""Orbital dynamics shared by the models: two-body + J2 gravity in GCRS, and an RK4
integrator on plain floats (fast for one trajectory in pure Python).

Frames and units: GCRS (treated as inertial over the mission), km, km/s, seconds of
``met_s``. J2 acts about Earth's rotation axis (``pole``, a unit vector in GCRS from
:meth:`orbitviz.core.frames.EarthOrientation.pole_gcrs`).
"""

from __future__ import annotations

import bisect
import math
from typing import Callable, Sequence

import numpy as np

from orbitviz.core.vectors import unit

from orbitviz.core.constants import J2_EARTH, MU_EARTH_KM3_S2, R_EARTH_EQ_KM

State = tuple  # (x, y, z, vx, vy, vz), km and km/s
Deriv = Callable[[float, State], State]

_K_J2 = 1.5 * J2_EARTH * MU_EARTH_KM3_S2 * R_EARTH_EQ_KM**2


def gravity_j2(x: float, y: float, z: float, pole: Sequence[float]):
    """Two-body + J2 acceleration (km/s²) at GCRS position (km); ``pole`` a unit vector."""
    r2 = x * x + y * y + z * z
    r = math.sqrt(r2)
    r3 = r2 * r
    px, py, pz = pole
    zp = x * px + y * py + z * pz  # coordinate along the pole
    k = _K_J2 / (r2 * r3)
    f = 5.0 * zp * zp / r2
    a_r = -MU_EARTH_KM3_S2 / r3 + k * (f - 1.0)  # radial factor (times position)
    a_p = -2.0 * k * zp  # along the pole
    return a_r * x + a_p * px, a_r * y + a_p * py, a_r * z + a_p * pz


def coast_deriv(pole: Sequence[float]) -> Deriv:
    """Derivative function for unpowered flight under two-body + J2 gravity."""

    def f(t: float, s: State) -> State:
        ax, ay, az = gravity_j2(s[0], s[1], s[2], pole)
        return (s[3], s[4], s[5], ax, ay, az)

    return f


def rk4_step(f: Deriv, t: float, s: State, h: float) -> State:
    """One classical Runge–Kutta step of size ``h`` from state ``s`` (any length)."""
    k1 = f(t, s)
    s2 = tuple(a + 0.5 * h * b for a, b in zip(s, k1))
    k2 = f(t + 0.5 * h, s2)
    s3 = tuple(a + 0.5 * h * b for a, b in zip(s, k2))
    k3 = f(t + 0.5 * h, s3)
    s4 = tuple(a + h * b for a, b in zip(s, k3))
    k4 = f(t + h, s4)
    h6 = h / 6.0
    return tuple(a + h6 * (b + 2.0 * c + 2.0 * d + e) for a, b, c, d, e in zip(s, k1, k2, k3, k4))


def _refine_crossing(f: Deriv, t0: float, s0: State, h: float,
                     crossing: Callable[[State], float]):
    """Instant and state in ``[t0, t0 + h]`` where ``crossing(state)`` reaches zero
    (``crossing(s0) > 0`` and ≤ 0 after the full step), by Illinois regula falsi on partial
    RK4 steps from ``s0``."""
    a, ga = 0.0, crossing(s0)
    b = h
    sb = rk4_step(f, t0, s0, h)
    gb = crossing(sb)
    dt, s = b, sb
    side = 0
    for _ in range(40):
        dt = (a * gb - b * ga) / (gb - ga)
        s = rk4_step(f, t0, s0, dt)
        gs = crossing(s)
        if abs(gs) < 1e-7 or (b - a) < 1e-9:
            break
        if gs > 0:
            a, ga = dt, gs
            if side == 1:
                gb *= 0.5
            side = 1
        else:
            b, gb = dt, gs
            if side == -1:
                ga *= 0.5
            side = -1
    return t0 + dt, s


def _run(f: Deriv, t0: float, s0: State, t1: float, max_step: float,
         crossing: Callable[[State], float] | None):
    """The one RK4 loop of the models (ascent, rendezvous, return): equal steps no longer
    than ``max_step`` from ``t0`` to ``t1``, optionally ending on a zero of ``crossing``.
    Returns ``(times, states, crossed)``."""
    span = t1 - t0
    n = max(1, int(math.ceil(abs(span) / max_step - 1e-9)))
    h = span / n
    times = [t0]
    states = [tuple(s0)]
    s = tuple(s0)
    for k in range(1, n + 1):
        t = t0 + (k - 1) * h
        s_new = rk4_step(f, t, s, h)
        tk = t1 if k == n else t0 + k * h
        if crossing is not None and crossing(s_new) <= 0.0:
            tc, sc = _refine_crossing(f, t, s, tk - t, crossing)
            times.append(tc)
            states.append(sc)
            return times, states, True
        times.append(tk)
        states.append(s_new)
        s = s_new
    return times, states, False


def integrate(f: Deriv, t0: float, s0: State, t1: float, max_step: float):
    """Integrate from ``t0`` to ``t1`` with equal RK4 steps no longer than ``max_step``.

    Returns ``(times, states)`` lists including both ends (``times[-1] == t1``).
    """
    times, states, _ = _run(f, t0, s0, t1, max_step, None)
    return times, states


def integrate_until(f: Deriv, t0: float, s0: State, t1: float, max_step: float,
                    crossing: Callable[[State], float]):
    """As :func:`integrate`, but stop at the first zero of ``crossing(state)`` (positive
    at the start): the step after which it is ≤ 0 is cut short onto the zero (Illinois
    regula falsi on partial steps). Returns ``(times, states, crossed)``."""
    return _run(f, t0, s0, t1, max_step, crossing)


def as_arrays(times, states):
    """(met_s (N,), r (N,3), v (N,3)) numpy arrays from integrator lists (first 6 comps)."""
    a = np.asarray([st[:6] for st in states], dtype=float)
    return np.asarray(times, dtype=float), a[:, :3].copy(), a[:, 3:6].copy()


def orbit_elements(r, v):
    """Osculating (a_km, e, i_rad, perigee_alt_km, apogee_alt_km) w.r.t. GCRS z-axis.

    Altitudes are above the equatorial radius; for an inclination relative to the
    Earth's true pole use :func:`inclination_to_pole`.
    """
    r = np.asarray(r, dtype=float)
    v = np.asarray(v, dtype=float)
    rn = np.linalg.norm(r)
    energy = 0.5 * v @ v - MU_EARTH_KM3_S2 / rn
    a = -MU_EARTH_KM3_S2 / (2.0 * energy)
    h = np.cross(r, v)
    evec = np.cross(v, h) / MU_EARTH_KM3_S2 - r / rn
    e = float(np.linalg.norm(evec))
    inc = math.acos(h[2] / np.linalg.norm(h))
    return a, e, inc, a * (1 - e) - R_EARTH_EQ_KM, a * (1 + e) - R_EARTH_EQ_KM


def orbit_normal(r, v):
    """Unit angular-momentum vector of the state (r, v)."""
    return unit(np.cross(np.asarray(r, dtype=float), np.asarray(v, dtype=float)))


class Arc:
    """One stretch integrated with one derivative function: its RK4 nodes, and the state
    at any instant inside by one partial RK4 step from the node before it (the model's own
    integrator, which the cached samples are checked against).

    ``to_rv(t, state)`` turns a node's state into ``(x, y, z, vx, vy, vz)`` where the state
    is not already that (default: its first six components; a position-only state, as the
    parachute descent's, supplies its velocity here).
    """

    __slots__ = ("deriv", "times", "states", "to_rv")

    def __init__(self, deriv: Deriv, times, states, to_rv=None):
        self.deriv = deriv
        self.times = list(times)
        self.states = list(states)
        self.to_rv = to_rv

    @classmethod
    def integrate(cls, f: Deriv, t0: float, s0: State, t1: float, max_step: float,
                  crossing: Callable[[State], float] | None = None):
        """An arc by :func:`integrate` (or :func:`integrate_until` with ``crossing``);
        returns ``(arc, crossed)``."""
        times, states, hit = _run(f, t0, s0, t1, max_step, crossing)
        return cls(f, times, states), hit

    @property
    def t0(self) -> float:
        return self.times[0]

    @property
    def t1(self) -> float:
        return self.times[-1]

    def rv(self, t: float, s: State) -> State:
        return tuple(s[:6]) if self.to_rv is None else self.to_rv(t, s)

    def state_at(self, t: float) -> State:
        """The full integrator state at ``t`` (within the arc)."""
        i = bisect.bisect_right(self.times, t) - 1
        i = min(max(i, 0), len(self.times) - 1)
        dt = t - self.times[i]
        if dt == 0.0:
            return self.states[i]
        return rk4_step(self.deriv, self.times[i], self.states[i], dt)

    def evaluate(self, t: float) -> State:
        """``(x, y, z, vx, vy, vz)`` at ``t`` (within the arc)."""
        return self.rv(t, self.state_at(t))
