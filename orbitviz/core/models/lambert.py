"""Lambert's problem (two-body, single revolution) by universal variables.

Frames and units: any inertial frame (GCRS here), km, km/s, seconds; ``mu`` in km³/s².

Method: the universal-variable formulation of Bate, Mueller & White, *Fundamentals of
Astrodynamics* (1971) §5.3, as laid out in H. D. Curtis, *Orbital Mechanics for
Engineering Students* (3rd ed., 2014) §5.3, Algorithm 5.2, and D. A. Vallado,
*Fundamentals of Astrodynamics and Applications* (4th ed., 2013) §7.6. The time of flight
is a monotonic function of ``z`` (α·χ²) over a single revolution, so the root is bracketed
and found by safeguarded Newton steps (bisection when a Newton step leaves the bracket):
no starting guess can make it fail. Written for orbitviz; tests check it against the
published examples of Curtis (Example 5.2) and Vallado (Example 7-5) and against
numerical two-body propagation.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from orbitviz.core.constants import MU_EARTH_KM3_S2

_TWO_PI = 2.0 * math.pi


class LambertError(ValueError):
    """No single-revolution solution (degenerate geometry or bad input)."""


def stumpff(z: float) -> tuple[float, float]:
    """Stumpff functions ``(C(z), S(z))`` (series near zero to avoid cancellation)."""
    if z > 1e-3:
        s = math.sqrt(z)
        return (1.0 - math.cos(s)) / z, (s - math.sin(s)) / (s * z)
    if z < -1e-3:
        s = math.sqrt(-z)
        return (math.cosh(s) - 1.0) / (-z), (math.sinh(s) - s) / (s * -z)
    return (0.5 - z / 24.0 + z * z / 720.0 - z ** 3 / 40320.0,
            1.0 / 6.0 - z / 120.0 + z * z / 5040.0 - z ** 3 / 362880.0)


def _dot(a, b) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross(a, b):
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def transfer_angle(r1: Sequence[float], r2: Sequence[float],
                   normal: Sequence[float] | None = None) -> float:
    """Angle (rad, in [0, 2π)) swept from ``r1`` to ``r2`` moving prograde about ``normal``
    (default: the short way, which is prograde about ``r1 × r2``)."""
    r1 = [float(c) for c in r1]
    r2 = [float(c) for c in r2]
    c = _dot(r1, r2) / math.sqrt(_dot(r1, r1) * _dot(r2, r2))
    theta = math.acos(max(-1.0, min(1.0, c)))
    if normal is not None and _dot(_cross(r1, r2), [float(c) for c in normal]) < 0.0:
        theta = _TWO_PI - theta
    return theta


def lambert(r1_km, r2_km, tof_s: float, normal=None, mu: float = MU_EARTH_KM3_S2,
            tol: float = 1e-12, max_iter: int = 200):
    """Velocities ``(v1, v2)`` (km/s) of the two-body arc from ``r1_km`` to ``r2_km`` in
    ``tof_s`` seconds, less than one revolution (any positive time of flight has one).

    ``normal``: the sense of motion. The arc is prograde about this vector (a transfer
    angle above 180° when ``r1 × r2`` points against it); default the short way.
    Raises :class:`LambertError` when the transfer angle is 0 or 180° (the plane is then
    undefined).
    """
    r1v = np.asarray(r1_km, dtype=float)
    r2v = np.asarray(r2_km, dtype=float)
    if tof_s <= 0.0:
        raise LambertError("time of flight must be positive")
    r1 = math.sqrt(_dot(r1v, r1v))
    r2 = math.sqrt(_dot(r2v, r2v))
    dtheta = transfer_angle(r1v, r2v, normal)
    one_minus_cos = 1.0 - math.cos(dtheta)
    sin_d = math.sin(dtheta)
    if abs(sin_d) < 1e-8 or one_minus_cos < 1e-12:
        raise LambertError(f"degenerate transfer angle {math.degrees(dtheta):.6f}°")
    a_const = sin_d * math.sqrt(r1 * r2 / one_minus_cos)
    sqrt_mu_t = math.sqrt(mu) * tof_s

    def y_of(z):
        c, s = stumpff(z)
        return r1 + r2 + a_const * (z * s - 1.0) / math.sqrt(c), c, s

    def tof_residual(z):
        y, c, s = y_of(z)
        if y < 0.0:
            return None, y, c, s
        return (y / c) ** 1.5 * s + a_const * math.sqrt(y) - sqrt_mu_t, y, c, s

    # Bracket: z_hi just under 4π² (one revolution, time → ∞); z_lo low enough that the
    # time of flight is too short (or y < 0, which counts as "too short" as well).
    # (the residual tends to +∞ as z → 4π², so z_hi itself is never evaluated)
    z_hi = _TWO_PI ** 2
    z_lo = -4.0
    while True:
        f_lo, _, _, _ = tof_residual(z_lo)
        if f_lo is None or f_lo < 0.0:
            break
        z_lo *= 2.0
        if z_lo < -1e7:
            raise LambertError("cannot bracket the time of flight")

    z = 0.0
    f, y, c, s = tof_residual(z)
    if f is None or not (z_lo < z < z_hi):
        z = 0.5 * (z_lo + z_hi)
        f, y, c, s = tof_residual(z)
    for _ in range(max_iter):
        if f is None or f < 0.0:
            z_lo = z
        else:
            z_hi = z
        if f is not None and abs(f) <= tol * sqrt_mu_t:
            break
        z_new = None
        if f is not None and y > 0.0:
            # dF/dz (Curtis eq. 5.43), valid away from z = 0
            if abs(z) > 1e-6:
                dfdz = ((y / c) ** 1.5 * (1.0 / (2.0 * z) * (c - 1.5 * s / c) + 0.75 * s * s / c)
                        + a_const / 8.0 * (3.0 * s / c * math.sqrt(y) + a_const * math.sqrt(c / y)))
            else:
                dfdz = (math.sqrt(2.0) / 40.0 * y ** 1.5
                        + a_const / 8.0 * (math.sqrt(y) + a_const * math.sqrt(1.0 / (2.0 * y))))
            if dfdz > 0.0:
                z_new = z - f / dfdz
        if z_new is None or not (z_lo < z_new < z_hi):
            z_new = 0.5 * (z_lo + z_hi)
        if abs(z_new - z) < 1e-14 * max(1.0, abs(z)):
            z = z_new
            f, y, c, s = tof_residual(z)
            break
        z = z_new
        f, y, c, s = tof_residual(z)
    else:
        raise LambertError("Lambert iteration did not converge")
    if f is None:
        raise LambertError("Lambert iteration ended on an invalid point")
    f_lag = 1.0 - y / r1
    g_lag = a_const * math.sqrt(y / mu)
    gdot = 1.0 - y / r2
    v1 = (r2v - f_lag * r1v) / g_lag
    v2 = (gdot * r2v - r1v) / g_lag
    return v1, v2
