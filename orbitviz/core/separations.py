"""Parts shed at separations: the launcher's tower, boosters, fairing halves, core stage,
third-stage aft section and third stage, and Soyuz MS-18's orbital and service modules.
Qt-free.

Each part leaves its parent at its event (``assets/mission/vehicle-motion.toml``, ``[[shed]]``)
with the parent's velocity plus a small separation Δv, turns at a constant rate about an axis
fixed in it, and flies a ballistic path integrated from that state (RK4, two-body + J2
gravity, drag in the U.S. 1976 atmosphere co-rotating with the Earth). It fades out after
some seconds, or while it burns up between two altitudes.

Frames: a part's geometry is its parent's mesh parts (``assets/station/vehicles.toml``),
in the parent's mesh frame. :meth:`ShedPart.pose` gives ``(R, r_pivot_gcrs_km)``: a mesh
point ``p`` (m) of the part lies at ``r_pivot + R @ (p − pivot_m) / 1000`` in GCRS.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from orbitviz.core import atmosphere
from orbitviz.core.geodesy import height_along_radius_km
from orbitviz.core.models.dynamics import gravity_j2
from orbitviz.core.station_attitude import quat_from_axis_angle, quat_multiply, matrix_from_quat
from orbitviz.core.trajectory import Trajectory

__all__ = ["ShedPart", "shed_parts", "integrate_ballistic", "INTEGRATION_STEP_S"]

#: RK4 step of the ballistic paths, s (a shed part's drag time scale is seconds at worst).
INTEGRATION_STEP_S = 0.25


@dataclass
class ShedPart:
    """One shed part. ``parts``: the parent's mesh part names it is drawn with (``half``:
    "+y" or "-y" keeps only that half of them); ``pivot_m``: its turning point in the
    parent's mesh frame; ``path``: the pivot's ballistic path (GCRS);
    ``q0``: the parent's body-to-GCRS attitude at ``event_s``; ``alpha(met_s)``: opacity."""

    id: str
    parent: str
    event: str
    event_s: float
    parts: tuple
    half: str
    pivot_m: np.ndarray
    tumble_axis: np.ndarray
    tumble_rad_s: float
    q0: np.ndarray
    path: Trajectory
    altitude_km: np.ndarray
    fade_after_s: float
    fade_over_s: float
    fade_below_km: float | None
    gone_below_km: float | None

    @property
    def end_s(self) -> float:
        return self.path.end_s

    def exists(self, met_s: float) -> bool:
        return self.event_s <= met_s <= self.end_s and self.alpha(met_s) > 0.0

    def attitude(self, met_s) -> np.ndarray:
        """Body-to-GCRS quaternion(s): the parent's at the event, then the tumble."""
        ang = self.tumble_rad_s * (np.asarray(met_s, dtype=float) - self.event_s)
        return quat_multiply(self.q0, quat_from_axis_angle(self.tumble_axis, ang))

    def pose(self, met_s: float):
        """``(R (3,3), r_pivot_gcrs_km (3,))`` at ``met_s``."""
        r, _ = self.path.state(float(met_s))
        return matrix_from_quat(self.attitude(float(met_s))), np.asarray(r)

    def alpha(self, met_s: float) -> float:
        """Opacity 1 → 0: after ``fade_after_s`` over ``fade_over_s``, and while the path
        falls from ``fade_below_km`` to ``gone_below_km``; 0 outside the path."""
        t = float(met_s)
        if t < self.event_s or t > self.path.end_s:
            return 0.0
        a = 1.0 - (t - self.event_s - self.fade_after_s) / self.fade_over_s
        if self.fade_below_km is not None and self.gone_below_km is not None:
            h = float(np.interp(t, self.path.met_s, self.altitude_km))
            a = min(a, (h - self.gone_below_km) / (self.fade_below_km - self.gone_below_km))
        return float(min(max(a, 0.0), 1.0))


def integrate_ballistic(t0: float, r0_km, v0_km_s, t1: float, pole, omega_gcrs,
                        mass_kg: float, cd_area_m2: float, step_s: float = INTEGRATION_STEP_S,
                        stop_below_km: float | None = None):
    """RK4 under two-body + J2 gravity and drag ``½ρ|v_r|v_r·CdA/m`` (``v_r`` relative to
    the atmosphere co-rotating at ``omega_gcrs``). Returns ``(Trajectory, altitude_km)``
    sampled every step from ``t0`` to ``t1`` (or until the height falls under
    ``stop_below_km``)."""
    wx, wy, wz = (float(c) for c in omega_gcrs)
    k_drag = 0.5 * cd_area_m2 / mass_kg  # m²/kg

    def deriv(s):
        x, y, z, vx, vy, vz = s
        gx, gy, gz = gravity_j2(x, y, z, pole)
        h = height_along_radius_km(x, y, z, pole)
        rho = atmosphere.density(h) if h < 1000.0 else 0.0
        if rho > 0.0:
            rx, ry, rz = vx - (wy * z - wz * y), vy - (wz * x - wx * z), vz - (wx * y - wy * x)
            sp = math.sqrt(rx * rx + ry * ry + rz * rz) * 1000.0  # m/s
            f = -k_drag * rho * sp  # 1/s; times v_rel (km/s) gives km/s²
            gx, gy, gz = gx + f * rx, gy + f * ry, gz + f * rz
        return (vx, vy, vz, gx, gy, gz)

    s = tuple(float(c) for c in r0_km) + tuple(float(c) for c in v0_km_s)
    n = max(1, int(math.ceil((t1 - t0) / step_s)))
    h = (t1 - t0) / n
    times, states, alts = [t0], [s], [height_along_radius_km(s[0], s[1], s[2], pole)]
    for i in range(n):
        k1 = deriv(s)
        k2 = deriv(tuple(a + 0.5 * h * b for a, b in zip(s, k1)))
        k3 = deriv(tuple(a + 0.5 * h * b for a, b in zip(s, k2)))
        k4 = deriv(tuple(a + h * b for a, b in zip(s, k3)))
        s = tuple(a + h / 6.0 * (b1 + 2 * b2 + 2 * b3 + b4)
                  for a, b1, b2, b3, b4 in zip(s, k1, k2, k3, k4))
        times.append(t0 + (i + 1) * h)
        states.append(s)
        alts.append(height_along_radius_km(s[0], s[1], s[2], pole))
        if stop_below_km is not None and alts[-1] < stop_below_km:
            break
    arr = np.array(states)
    return Trajectory(np.array(times), arr[:, :3], arr[:, 3:]), np.array(alts)


def shed_parts(specs, events: dict, parent_pose: Callable, pole, omega_gcrs) -> list[ShedPart]:
    """The parts of ``specs`` (the motion file's ``[[shed]]`` tables) whose events have times.

    ``parent_pose(parent, met_s) -> (q_body_to_gcrs (4,), r_origin_gcrs_km (3,),
    v_gcrs_km_s (3,))``: the parent's attitude, the GCRS position of its mesh origin and
    its velocity at the separation."""
    out = []
    for sp in specs:
        t_e = events.get(sp["event"])
        if t_e is None:
            continue
        q0, o_km, v_km_s = parent_pose(sp["parent"], float(t_e))
        R0 = matrix_from_quat(q0)
        pivot = np.asarray(sp["pivot_m"], dtype=float)
        r0 = np.asarray(o_km) + R0 @ pivot / 1000.0
        v0 = np.asarray(v_km_s) + R0 @ np.asarray(sp["dv_m_s"], dtype=float) / 1000.0
        after = float(sp["fade_after_s"])
        over = float(sp["fade_over_s"])
        gone = sp.get("gone_below_km")
        path, alt = integrate_ballistic(float(t_e), r0, v0, float(t_e) + after + over, pole,
                                        omega_gcrs, float(sp["mass_kg"]),
                                        float(sp["cd_area_m2"]), stop_below_km=gone)
        ax = np.asarray(sp["tumble_axis"], dtype=float)
        out.append(ShedPart(
            sp["id"], sp["parent"], sp["event"], float(t_e), tuple(sp["parts"]),
            sp.get("half", ""), pivot, ax / np.linalg.norm(ax),
            math.radians(float(sp["tumble_deg_s"])), np.asarray(q0, dtype=float), path, alt,
            after, over, sp.get("fade_below_km"), gone))
    return out
