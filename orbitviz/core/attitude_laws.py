"""The attitude laws of the mission's spacecraft, as functions of time. Qt-free.

Every law returns body-to-GCRS quaternions ``[w, x, y, z]`` (see
:mod:`orbitviz.core.attitude`) for arrays of ``met_s``. *Body* is the vehicle's mesh frame
(``assets/station/vehicles.toml``): for a Soyuz, the origin at the docking probe's tip, +x
the docking axis out of the vehicle (the orbital module forward), the service module's main
engine (SKD) at the −x end, the solar arrays along ±y; for the Soyuz-2.1a, +x up the vehicle.
The laws and their durations are in ``assets/mission/vehicle-motion.toml`` (modelled, with
the published principles they follow):

- **Orbital orientation** (free flight): body x along the LVLH x (along-track), body z
  toward the Earth (LVLH z), body y = LVLH y (−orbit normal).
- **Main-engine burns** (engine ``"SKD"`` in ``ModelResult.info["burns"]``): body x along the
  burn's thrust direction, so the engine (−x) points against the Δv; body y as near the LVLH
  y as square to x allows. The turn in and out takes ``turn_s`` each side, eased
  (:func:`~orbitviz.core.attitude.smoothstep`). Thruster (``"DPO"``) burns need no turn.
- **Pointing at a port** (from the fly-around): body x from the vehicle toward the port's
  plane centre, body y as near the station's y (the docked vehicle's array axis); within
  2 m of the plane, along the port's axis, so the law meets the docked attitude.
- **Docked**: the station's attitude after the rigid mating of
  :meth:`~orbitviz.core.station_layout.StationLayout.vehicle_mesh_to_body`.
- **Launcher**: body x along the thrust, from the ascent's own samples (the mean acceleration
  over each sample interval minus two-body + J2 gravity; drag adds under 3 % and acts along
  the same line in the gravity turn); held through the coast after cutoff; vertical on the
  pad; body y as near −(the target orbit's normal).
- **Entry** (descent module): heat shield (−x) into the flow: body x along −(velocity relative
  to the atmosphere co-rotating with the Earth), which also hangs the capsule below its
  parachute; landed: body x up along the landing site's normal.
"""

from __future__ import annotations

import math

import numpy as np

from orbitviz.core.attitude import blend, frame_quat, smoothstep
from orbitviz.core.models.dynamics import gravity_j2
from orbitviz.core.station_attitude import matrix_from_quat, quat_multiply
from orbitviz.core.vectors import lvlh_axes, unit

__all__ = ["orbital_q", "burn_windows", "apply_burn_turns", "burn_turns", "turn_duration_s",
           "quat_angle", "pointing_q", "launcher_thrust_dirs",
           "air_relative_velocity", "entry_q", "burn_direction", "ramp_weight"]


def orbital_q(r, v) -> np.ndarray:
    """The orbital orientation (…,4) of states ``r``, ``v`` (…,3): body axes on LVLH."""
    x, y, _ = lvlh_axes(r, v)
    return frame_quat(x, y)


def burn_direction(burn: dict, met_s) -> np.ndarray:
    """The burn's thrust unit vectors (N,3) in GCRS at ``met_s`` (N,): a fixed 3-list or a
    function of time (``ModelResult.info["burns"][i]["thrust_dir_gcrs"]``)."""
    t = np.atleast_1d(np.asarray(met_s, dtype=float))
    d = burn["thrust_dir_gcrs"]
    if callable(d):
        return unit(np.array([np.asarray(d(float(x)), dtype=float) for x in t]))
    return np.tile(unit(np.asarray(d, dtype=float)), (len(t), 1))


def ramp_weight(t, start_s: float, end_s: float, turn_s: float) -> np.ndarray:
    """0 before ``start_s − turn_s``, easing to 1 at ``start_s``, 1 to ``end_s``, easing
    back to 0 at ``end_s + turn_s``."""
    t = np.asarray(t, dtype=float)
    up = smoothstep((t - (start_s - turn_s)) / turn_s)
    down = 1.0 - smoothstep((t - end_s) / turn_s)
    return np.minimum(up, down)


def burn_windows(burns, engine: str = "SKD") -> list[dict]:
    """The burns of one engine (``"SKD"``: the main engine, the ones the Soyuz turns for)."""
    return [b for b in burns if b.get("engine") == engine]


def turn_duration_s(angle_rad: float, min_s: float, max_rate_deg_s: float) -> float:
    """How long an eased turn through ``angle_rad`` takes: at least ``min_s``, and long
    enough that its steepest rate (1.5 × the mean, for :func:`smoothstep`) stays under
    ``max_rate_deg_s``."""
    return max(float(min_s), 1.5 * math.degrees(abs(angle_rad)) / float(max_rate_deg_s))


def quat_angle(q0, q1) -> np.ndarray:
    """The turn (rad) between two attitudes (…,4)."""
    d = np.abs(np.sum(np.asarray(q0) * np.asarray(q1), axis=-1))
    return 2.0 * np.arccos(np.clip(d, 0.0, 1.0))


def burn_turns(burns, state, min_s: float, max_rate_deg_s: float) -> dict:
    """Turn duration (s) of each main-engine burn by id: from the orbital orientation at its
    start (``state(met_s) -> (r, v)``) to its thrust attitude."""
    out = {}
    for b in burn_windows(burns):
        r, v = state(b["met_s"])
        q0 = orbital_q(r, v)
        q1 = frame_quat(burn_direction(b, [b["met_s"]])[0], lvlh_axes(r, v)[1])
        out[b["id"]] = turn_duration_s(float(quat_angle(q0, q1)), min_s, max_rate_deg_s)
    return out


def apply_burn_turns(t, q_base, r, v, burns, turns: dict) -> np.ndarray:
    """``q_base`` (N,4) turned toward each main-engine burn's attitude (body x along the
    thrust) over ``turns[id]`` seconds before its start, held through it, turned back
    after it."""
    q = np.array(q_base, dtype=float, copy=True)
    _, y_lvlh, _ = lvlh_axes(r, v)
    for b in burn_windows(burns):
        w = ramp_weight(t, b["met_s"], b["end_met_s"], turns[b["id"]])
        sel = w > 0
        if not np.any(sel):
            continue
        d = burn_direction(b, t[sel])
        q[sel] = blend(q[sel], frame_quat(d, y_lvlh[sel]), w[sel])
    return q


def pointing_q(r_vehicle, port_gcrs_km, port_axis_gcrs, y_ref_gcrs,
               axis_within_m: float = 2.0) -> np.ndarray:
    """Body x from ``r_vehicle`` toward the port's plane centre (N,3 km each), turned onto
    −(the port's outward axis) within ``axis_within_m`` of the plane; body y as near
    ``y_ref_gcrs``."""
    d_m = (np.asarray(port_gcrs_km) - np.asarray(r_vehicle)) * 1000.0
    rng = np.linalg.norm(d_m, axis=-1, keepdims=True)
    inward = -np.asarray(port_axis_gcrs, dtype=float)
    w = np.clip(rng / axis_within_m, 0.0, 1.0)
    x = w * d_m / np.maximum(rng, 1e-9) + (1.0 - w) * inward
    return frame_quat(x, y_ref_gcrs)


def launcher_thrust_dirs(traj, pole, hold_below_m_s2: float = 0.5):
    """(times (M,), unit thrust directions (M,3) GCRS) from an ascent trajectory's samples:
    at each interval's midpoint, the mean acceleration over the interval minus two-body + J2
    gravity there. Intervals of zero length are skipped; where the remainder is under
    ``hold_below_m_s2`` (coasting) the previous direction holds."""
    t = traj.met_s
    v = traj.v_gcrs_km_s
    h = np.diff(t)
    ok = h > 1e-9
    times, dirs = [], []
    last = None
    for k in np.nonzero(ok)[0]:
        tm = 0.5 * (t[k] + t[k + 1])
        rm, _ = traj.state(tm)
        a = (v[k + 1] - v[k]) / h[k]
        g = np.array(gravity_j2(float(rm[0]), float(rm[1]), float(rm[2]), pole))
        f = a - g
        n = float(np.linalg.norm(f)) * 1000.0
        if n < hold_below_m_s2:
            if last is None:
                continue
            d = last
        else:
            d = f / np.linalg.norm(f)
        last = d
        times.append(tm)
        dirs.append(d)
    return np.array(times), np.array(dirs)


def air_relative_velocity(r, v, omega_gcrs) -> np.ndarray:
    """Velocity relative to the atmosphere co-rotating with the Earth, ``v − ω × r``
    (km/s, GCRS)."""
    return np.asarray(v) - np.cross(np.asarray(omega_gcrs), np.asarray(r))


def entry_q(r, v, omega_gcrs, upright_below_m_s: float = 2.0) -> np.ndarray:
    """Heat shield into the flow: body x along −(air-relative velocity); body y as near the
    LVLH y. Slower than ``upright_below_m_s`` (the last instant before touchdown, on the
    ground) body x eases onto the local vertical, so the capsule meets the ground upright."""
    r = np.asarray(r, dtype=float)
    vr = air_relative_velocity(r, v, omega_gcrs)
    speed_m_s = np.linalg.norm(vr, axis=-1, keepdims=True) * 1000.0
    w = np.clip(speed_m_s / upright_below_m_s, 0.0, 1.0)
    x = w * (-vr / np.maximum(speed_m_s / 1000.0, 1e-12)) + (1.0 - w) * unit(r)
    _, y, _ = lvlh_axes(r, v)
    return frame_quat(x, y)


def body_axes(q) -> np.ndarray:
    """(…,3,3) body axes in GCRS (columns) of quaternions (…,4)."""
    return matrix_from_quat(q)


def compose(q_a, q_b) -> np.ndarray:
    """``q_a ⊗ q_b``."""
    return quat_multiply(q_a, q_b)


def pad_up_gcrs(eo, lat_deg: float, lon_deg: float, met_s) -> np.ndarray:
    """The pad's geodetic normal (N,3) in GCRS at ``met_s`` (N,)."""
    la, lo = math.radians(lat_deg), math.radians(lon_deg)
    up_itrs = np.array([math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)])
    t = np.atleast_1d(np.asarray(met_s, dtype=float))
    m = eo.gcrs_to_itrs(t)
    return np.einsum("nji,j->ni", m, up_itrs)
