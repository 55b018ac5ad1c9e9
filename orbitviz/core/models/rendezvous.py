"""Soyuz MS-19's two-orbit rendezvous with the station, from separation to docking.

Frames and units: GCRS (treated as inertial) positions in km and velocities in km/s; the
Soyuz's mass in kg; station-relative offsets in the station's LVLH frame in metres (x along
the velocity, y opposite the orbit normal, z toward the Earth: :func:`orbitviz.core.vectors.lvlh_matrix`);
times in ``met_s``. Every choice and figure lives in ``assets/mission/rendezvous.toml`` with
its source.

The flight, in order:

1. **Six finite burns** following the plan the sister flights flew (Soyuz MS-18 and MS-22:
   times, engines, order): burn times derived from their offsets and MS-19's planned docking
   time (:func:`burn_times`); each burn at its engine's thrust (the SKD main engine, 2.95 kN,
   or a number of 130 N DPO-B thrusters), its thrust along one inertial direction for the
   time the rocket equation gives for its Δv, the mass falling at ``F/(Isp g0)``. Between
   burns the Soyuz coasts under two-body + J2 gravity (:mod:`dynamics`). Burns 1-5 each aim
   at a point relative to the real station (``ctx.station``) at the next burn's start; burn 6
   brakes the Soyuz to rest in the station's frame. The aim points and burn vectors are
   solved offline by ``tools/solve_rendezvous.py`` (:mod:`rendezvous_solver`) and stored in the
   TOML; at run time the stored burns are flown and checked, re-targeted by Newton's method
   where they miss, and, for an insertion they do not fit at all, the aims are searched
   again (a few seconds; ``info["solved_at_run_time"]``).
2. **Station-relative motion** (the Kurs-guided approach and the manual close, as flown on
   5 October): the position is the station's plus an LVLH offset that is a smooth function of
   time (:class:`CloseRange`), starting from the Soyuz's state at burn 6's end: the
   automatic fly-around onto the docking port's axis, station keeping, the automatic final
   approach to 40 m where Kurs failed, the hold, and Shkaplerov's manual close at a steady
   0.09 m/s to contact at 12:22:31 UTC. Offsets are taken from the port in ``ctx.ports``.

``evaluate(met_s)`` is the model's own integrator (a partial RK4 step from the node before
``met_s``) or, in the station-relative motion, the formula; the cached samples are the
integrator's nodes (every few on coasts, every one in burns) plus the close range's samples.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from orbitviz.core.assets import load_toml
from orbitviz.core.constants import G0_M_S2, J2_EARTH, MU_EARTH_KM3_S2, R_EARTH_EQ_KM
from orbitviz.core.models import dynamics
from orbitviz.core.models.base import ModelContext, ModelResult
from orbitviz.core.models.dynamics import Arc, gravity_j2
from orbitviz.core.models.lambert import lambert
from orbitviz.core.trajectory import Trajectory
from orbitviz.core.vectors import lvlh_matrix

ASSET = ("mission", "rendezvous.toml")


def load_params() -> dict:
    """The model's parameters from ``assets/mission/rendezvous.toml``."""
    return load_toml(*ASSET)


# --- geometry helpers ------------------------------------------------------------------

def _dot(a, b) -> float:
    return float(a[0] * b[0] + a[1] * b[1] + a[2] * b[2])


def _cross(a, b) -> np.ndarray:
    """Cross product of two 3-vectors (np.cross is slow for single vectors)."""
    return np.array((a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2],
                     a[0] * b[1] - a[1] * b[0]), dtype=float)


def _rotate(v, axis, angle: float) -> np.ndarray:
    """``v`` rotated by ``angle`` (rad, right-handed) about the unit vector ``axis``
    (Rodrigues' formula)."""
    v = np.asarray(v, dtype=float)
    axis = np.asarray(axis, dtype=float)
    c, s = math.cos(angle), math.sin(angle)
    return v * c + _cross(axis, v) * s + axis * (_dot(axis, v) * (1.0 - c))


def nodal_regression_rate(r_km, v_km_s, pole) -> float:
    """Secular J2 rate of the ascending node about ``pole`` (rad/s) of the osculating orbit
    (r, v): −(3/2)·n·J2·(R/p)²·cos i (Vallado 2013, eq. 9-41; Curtis 2014, eq. 4.52)."""
    rn = math.sqrt(_dot(r_km, r_km))
    energy = 0.5 * _dot(v_km_s, v_km_s) - MU_EARTH_KM3_S2 / rn
    a = -MU_EARTH_KM3_S2 / (2.0 * energy)
    h = _cross(r_km, v_km_s)
    hn = math.sqrt(_dot(h, h))
    p = hn * hn / MU_EARTH_KM3_S2
    cos_i = _dot(h, pole) / hn
    n = math.sqrt(MU_EARTH_KM3_S2 / a**3)
    return -1.5 * n * J2_EARTH * (R_EARTH_EQ_KM / p) ** 2 * cos_i


def lambert_j2(r1_km, v1_ref_km_s, r2_km, tof_s: float, normal, pole):
    """Lambert arc corrected for the secular J2 nodal regression.

    The target is rotated back about ``pole`` by the regression the departure orbit
    (``r1``, ``v1_ref``) accumulates over ``tof_s``; the two-body arc to that point, under
    J2, arrives near ``r2``. Returns ``(v1, v2)`` with ``v2`` rotated forward to match.
    """
    w = nodal_regression_rate(r1_km, v1_ref_km_s, pole)
    r2p = _rotate(r2_km, pole, -w * tof_s)
    v1, v2 = lambert(r1_km, r2p, tof_s, normal=normal)
    return v1, _rotate(v2, pole, w * tof_s)


class StationFrame:
    """The station's real trajectory (``ctx.station``) and the LVLH frame on it."""

    def __init__(self, station: Callable):
        self._station = station
        self._cache: dict = {}

    def state(self, met_s: float):
        """(r, v, LVLH basis rows, orbit normal) of the station at ``met_s``."""
        key = float(met_s)
        hit = self._cache.get(key)
        if hit is None:
            r, v = self._station(key)
            r = np.asarray(r, dtype=float)
            v = np.asarray(v, dtype=float)
            hit = (r, v, lvlh_matrix(r, v), dynamics.orbit_normal(r, v))
            self._cache[key] = hit
        return hit

    def along_orbit_point(self, met_s: float, along_km: float, below_km: float,
                          cross_km: float = 0.0):
        """Point ``along_km`` ahead (arc length at the station's radius; negative: behind)
        along the station's orbit, ``below_km`` below it and ``cross_km`` along LVLH y
        (opposite the orbit normal), and the orbit normal."""
        r, v, _, n = self.state(met_s)
        rn = float(np.linalg.norm(r))
        p = _rotate(r, n, along_km / rn)
        return p * ((rn - below_km) / rn) - n * cross_km, n

    def lvlh_point(self, met_s: float, offset_m):
        """GCRS position (km) of an LVLH offset (m) from the station, and the orbit normal."""
        r, v, b, n = self.state(met_s)
        return r + b.T @ (np.asarray(offset_m, dtype=float) * 1e-3), n

    def relative(self, met_s: float, r_km, v_km_s):
        """LVLH position (m) and rate of change of LVLH coordinates (m/s) of a GCRS state,
        the frame turning at the orbital rate ``h/r²`` (as :func:`mission.docked_state`)."""
        rs, vs, b, _ = self.state(met_s)
        d = np.asarray(r_km, dtype=float) - rs
        w = _cross(rs, vs) / _dot(rs, rs)
        return b @ d * 1e3, b @ (np.asarray(v_km_s, dtype=float) - vs - _cross(w, d)) * 1e3

    def rest_velocity(self, met_s: float, p_km):
        """GCRS velocity of a point fixed in the station's LVLH frame at ``p_km``."""
        r, v, _, _ = self.state(met_s)
        w = _cross(r, v) / _dot(r, r)
        return v + _cross(w, np.asarray(p_km, dtype=float) - r)


# --- the plan: burn times, engines -----------------------------------------------------

def _utc(text: str) -> _dt.datetime:
    return _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def plan_weight(params: dict, axis) -> float:
    """The weight ``w`` that interpolates the sister flights' offsets (MS-18 at 0, MS-22 at
    1) to MS-19's planned docking (see the TOML's ``[plan]``)."""
    p = params["plan"]
    d18 = (_utc(p["ms18_docking_utc"]) - _utc(p["ms18_liftoff_utc"])).total_seconds()
    d22 = (_utc(p["ms22_docking_utc"]) - _utc(p["ms22_liftoff_utc"])).total_seconds()
    d19 = axis.met_from_datetime(_utc(p["ms19_planned_docking_utc"]))
    return (d18 - d19) / (d18 - d22)


def burn_times(params: dict, axis) -> list[float]:
    """MS-19's burn start times (``met_s``): each the sister flights' offsets after lift-off
    (UTC seconds), interpolated with :func:`plan_weight`."""
    p = params["plan"]
    w = plan_weight(params, axis)
    l18, l22 = _utc(p["ms18_liftoff_utc"]), _utc(p["ms22_liftoff_utc"])
    out = []
    for b in params["burns"]:
        o18 = (_utc(b["ms18"]["start_utc"]) - l18).total_seconds()
        o22 = (_utc(b["ms22"]["start_utc"]) - l22).total_seconds()
        out.append(o18 + w * (o22 - o18))
    return out


@dataclass(frozen=True)
class Engine:
    """What fires in one burn: ``name`` ("SKD" or "DPO"), thrust (N), Isp (s)."""

    name: str
    thrust_n: float
    isp_s: float

    @property
    def mdot_kg_s(self) -> float:
        return self.thrust_n / (self.isp_s * G0_M_S2)

    def duration_s(self, mass_kg: float, dv_m_s: float) -> float:
        """Burn time for ``dv_m_s`` from ``mass_kg`` (rocket equation)."""
        return mass_kg / self.mdot_kg_s * (1.0 - math.exp(-dv_m_s / (self.isp_s * G0_M_S2)))


def engines(params: dict) -> list[Engine]:
    """The engine of each burn, in order."""
    e = params["engines"]
    out = []
    for b in params["burns"]:
        if b["engine"] == "SKD":
            out.append(Engine("SKD", float(e["SKD"]["thrust_n"]), float(e["SKD"]["isp_s"])))
        elif b["engine"] == "DPO":
            out.append(Engine("DPO", int(b["thrusters"]) * float(e["DPO"]["thruster_thrust_n"]),
                              float(e["DPO"]["isp_s"])))
        else:
            raise ValueError(f"{b['id']}: engine must be SKD or DPO, not {b['engine']!r}")
    return out


# --- flight: coasts and finite burns ---------------------------------------------------

def coast_deriv(pole):
    """Unpowered flight, state (x, y, z, vx, vy, vz, m)."""

    def f(t, s):
        ax, ay, az = gravity_j2(s[0], s[1], s[2], pole)
        return (s[3], s[4], s[5], ax, ay, az, 0.0)

    return f


def burn_deriv(pole, u, engine: Engine):
    """A burn along the fixed GCRS unit vector ``u``, state (x, y, z, vx, vy, vz, m)."""
    ux, uy, uz = (float(c) for c in u)
    f_kn = engine.thrust_n / 1000.0  # kg km/s²
    mdot = engine.mdot_kg_s

    def f(t, s):
        ax, ay, az = gravity_j2(s[0], s[1], s[2], pole)
        k = f_kn / s[6]
        return (s[3], s[4], s[5], ax + k * ux, ay + k * uy, az + k * uz, -mdot)

    return f


@dataclass
class Burn:
    """One finite burn as flown: start, duration, engine, Δv (m/s, GCRS vector)."""

    id: str
    start_s: float
    engine: Engine
    dv_gcrs_m_s: np.ndarray
    mass_kg: float

    @property
    def dv_m_s(self) -> float:
        return float(np.linalg.norm(self.dv_gcrs_m_s))

    @property
    def direction(self) -> np.ndarray:
        n = self.dv_m_s
        return self.dv_gcrs_m_s / n if n > 0 else np.array([1.0, 0.0, 0.0])

    @property
    def duration_s(self) -> float:
        return self.engine.duration_s(self.mass_kg, self.dv_m_s)

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s


def fly_burn(pole, t0: float, s0: tuple, burn: Burn, t_next: float, h_burn: float,
             h_coast: float) -> list[Arc]:
    """Arcs of one burn from ``(t0, s0)`` (7-state) and the coast after it to ``t_next``."""
    arcs = []
    t_end = t0 + burn.duration_s
    if t_end > t0:
        arc, _ = Arc.integrate(burn_deriv(pole, burn.direction, burn.engine), t0, s0, t_end,
                               h_burn)
        arcs.append(arc)
        t0, s0 = t_end, arc.states[-1]
    if t_next > t0:
        arc, _ = Arc.integrate(coast_deriv(pole), t0, s0, t_next, h_coast)
        arcs.append(arc)
    return arcs


def target_burn(pole, t0: float, s0: tuple, bid: str, engine: Engine, dv0_m_s, t_next: float,
                goal: Callable, h_burn: float, h_coast: float, tol: float, max_it: int,
                step_m_s: float = 0.05):
    """Newton's method on a burn's Δv vector (m/s, GCRS) from ``dv0_m_s`` until
    ``goal(arcs)`` (a 3-vector residual of the flown arcs, km or km/s) is within ``tol``.

    Returns ``(burn, arcs, residual_norm, iterations)``. The Jacobian is taken by forward
    differences of ``step_m_s``.
    """
    mass = float(s0[6])

    def fly(dv):
        b = Burn(bid, t0, engine, np.asarray(dv, dtype=float), mass)
        t_stop = t_next if t_next is not None else b.end_s
        arcs = fly_burn(pole, t0, s0, b, t_stop, h_burn, h_coast)
        return b, arcs, np.asarray(goal(arcs), dtype=float)

    dv = np.asarray(dv0_m_s, dtype=float)
    b, arcs, res = fly(dv)
    it = 0
    while float(np.linalg.norm(res)) > tol and it < max_it:
        it += 1
        jac = np.empty((3, 3))
        for j in range(3):
            d = np.zeros(3)
            d[j] = step_m_s
            jac[:, j] = (fly(dv + d)[2] - res) / step_m_s
        step = np.linalg.solve(jac, -res)
        n = float(np.linalg.norm(step))
        if n > 20.0:  # m/s: keep far from a linear model's reach
            step *= 20.0 / n
        dv = dv + step
        b, arcs, res = fly(dv)
    return b, arcs, float(np.linalg.norm(res)), it


def _impulsive_guess(pole, t, s, engine: Engine, t_next, p_aim, n_aim, h_coast):
    """A burn's Δv (m/s) from an impulse at its middle onto a Lambert arc to ``p_aim``,
    the aim shifted by the J2 arc's miss (three shots): a start for Newton's method."""
    r, v = np.asarray(s[:3]), np.asarray(s[3:6])
    pole_v = np.asarray(pole)
    va, _ = lambert_j2(r, v, p_aim, t_next - t, n_aim, pole_v)
    dur = engine.duration_s(float(s[6]), float(np.linalg.norm(va - v)) * 1e3)
    tc = t + 0.5 * dur
    arc, _ = Arc.integrate(coast_deriv(pole), t, s, tc, h_coast)
    rc, vc = np.asarray(arc.states[-1][:3]), np.asarray(arc.states[-1][3:6])
    aim = np.asarray(p_aim, dtype=float)
    for _ in range(3):
        va, _ = lambert_j2(rc, vc, aim, t_next - tc, n_aim, pole_v)
        arc, _ = Arc.integrate(coast_deriv(pole), tc, tuple(rc) + tuple(va) + (1.0,), t_next,
                               h_coast)
        aim = aim - (np.asarray(arc.states[-1][:3]) - p_aim)
    return (va - vc) * 1e3


# --- aim points ----------------------------------------------------------------------------

def close_point_lvlh_m(distance_km: float, angle_deg: float) -> np.ndarray:
    """LVLH offset (m) at ``distance_km`` from the station in its orbit plane, ``angle_deg``
    below the V-bar behind it (0: straight behind, 90: straight below)."""
    a = math.radians(angle_deg)
    return np.array([-math.cos(a), 0.0, math.sin(a)]) * distance_km * 1e3


def aim_points(station: StationFrame, params: dict, times: list[float], x) -> list:
    """GCRS aim points of burns 1-5 (at the next burn's start) from the nine aim
    coordinates ``x`` (see the TOML's ``[aim]``): list of ``(met_s, r_km, orbit normal)``.

    Burns 1 and 2 (``x[0:3]``, ``x[3:6]``): a point along the station's orbit, ``along`` km
    ahead (arc length at its radius; negative: behind), ``below`` km below it and ``c`` km
    across (LVLH y). Burns 3-5 (``θ = x[6:9]``): in the station's orbit plane at the plan's
    distances (``[aim] distances_km``), ``θ`` below the V-bar behind the station
    (:func:`close_point_lvlh_m`).
    """
    d = [float(c) for c in params["aim"]["distances_km"]]
    out = []
    for k in range(2):
        p, n = station.along_orbit_point(times[k + 1], x[3 * k], x[3 * k + 1], x[3 * k + 2])
        out.append((times[k + 1], p, n))
    for k in range(3):
        p, n = station.lvlh_point(times[k + 3], close_point_lvlh_m(d[k], x[6 + k]))
        out.append((times[k + 3], p, n))
    return out


# --- the close range: station-relative motion ------------------------------------------------

def _smooth5(u: float):
    """Quintic smoothstep s(u) on [0, 1] and its derivative (zero slope and curvature at
    both ends)."""
    u = min(1.0, max(0.0, u))
    return u**3 * (10.0 - 15.0 * u + 6.0 * u * u), 30.0 * u * u * (1.0 - u) ** 2


def _ramp_profile(tau: float, ramp: float, v: float):
    """Distance and speed ``tau`` s into a move from rest whose speed rises smoothly
    (the smoothstep's shape) to ``v`` over ``ramp`` s and then stays."""
    if tau <= 0.0:
        return 0.0, 0.0
    if tau < ramp:
        u = tau / ramp
        # ∫ v·s(u) dτ with s the quintic smoothstep
        return v * ramp * (2.5 * u**4 - 3.0 * u**5 + u**6), v * _smooth5(u)[0]
    return v * (ramp / 2.0) + v * (tau - ramp), v


def _rest_to_rest(tau: float, total: float, ramp: float, distance: float):
    """Distance and speed of a rest-to-rest move of ``distance`` in ``total`` s with smooth
    ``ramp``-second starts and stops (a smoothed trapezoid)."""
    v = distance / (total - ramp)
    tau = min(max(tau, 0.0), total)
    if tau <= total - ramp:
        return _ramp_profile(tau, ramp, v)
    d_rev, v_rev = _ramp_profile(total - tau, ramp, v)
    return distance - d_rev, v_rev


class CloseRange:
    """LVLH offset (m) and its rate (m/s) after burn 6, a smooth function of time.

    ``q0``, ``w0``: the Soyuz's LVLH position and rate at burn 6's end (``t0``). The port
    (``port_m``) faces the Earth, so its axis is +z and the Soyuz approaches from below:
    fly-around from ``q0`` to the axis point ``d_sk`` below the port (range and angle about
    the port in the x-z plane and the cross-track offset follow a quintic smoothstep; the
    small rate left at ``t0`` decays over the fly-around), station keeping, automatic final
    approach to ``d_hold`` (rest to rest), hold, manual close at ``v_manual`` to contact.
    """

    def __init__(self, t0, q0, w0, port_m, cr: dict, t_kurs: float, t_dock: float):
        self.t0 = float(t0)
        self.q0 = np.asarray(q0, dtype=float)
        self.w0 = np.asarray(w0, dtype=float)
        self.port = np.asarray(port_m, dtype=float)
        self.d_sk = float(cr["station_keeping_distance_m"])
        self.d_hold = float(cr["hold_distance_m"])
        self.t_sk = self.t0 + float(cr["fly_around_s"])
        self.t_fa = self.t_sk + float(cr["station_keeping_s"])
        self.t_hold = float(t_kurs)
        self.t_dock = float(t_dock)
        self.ramp_auto = float(cr["approach_ramp_s"])
        self.v_manual = float(cr["manual_speed_m_s"])
        self.ramp_manual = float(cr["manual_ramp_s"])
        self.t_manual = self.t_dock - (self.d_hold / self.v_manual + 0.5 * self.ramp_manual)
        if not (self.t0 < self.t_sk < self.t_fa < self.t_hold
                and self.t_manual - self.t_hold >= float(cr["min_hold_s"])):
            raise ValueError(
                "close range: burn 6 end < station keeping < final approach < Kurs failure, "
                f"and a hold of at least {cr['min_hold_s']} s, must follow in that order "
                f"(got {self.t0:.0f}, {self.t_sk:.0f}, {self.t_fa:.0f}, {self.t_hold:.0f}, "
                f"manual control {self.t_manual:.0f})")
        rel_q = self.q0 - self.port
        self.rho0 = math.hypot(rel_q[0], rel_q[2])
        self.phi0 = math.atan2(rel_q[2], rel_q[0])
        self.rho1, self.phi1 = self.d_sk, math.pi / 2.0  # straight below the port
        self.y0 = float(rel_q[1])

    @property
    def times(self) -> dict:
        """The close range's event times (``met_s``)."""
        return {"fly-around": self.t0, "station-keeping": self.t_sk,
                "final-approach-start": self.t_fa, "kurs-failure": self.t_hold,
                "manual-control": self.t_manual, "docking": self.t_dock}

    def axis_distance(self, t: float):
        """Distance below the port along its axis (m) and its rate (m/s, negative closing),
        from station keeping on."""
        if t <= self.t_fa:
            return self.d_sk, 0.0
        if t <= self.t_hold:
            d, v = _rest_to_rest(t - self.t_fa, self.t_hold - self.t_fa, self.ramp_auto,
                                 self.d_sk - self.d_hold)
            return self.d_sk - d, -v
        if t <= self.t_manual:
            return self.d_hold, 0.0
        d, v = _ramp_profile(min(t, self.t_dock) - self.t_manual, self.ramp_manual,
                             self.v_manual)
        return max(0.0, self.d_hold - d), -v

    def offset(self, t: float):
        """(offset_m, rate_m_s) in LVLH at ``t``."""
        if t < self.t_sk:
            dur = self.t_sk - self.t0
            tau = max(0.0, t - self.t0)
            s, ds = _smooth5(tau / dur)
            ds /= dur
            rho = self.rho0 + (self.rho1 - self.rho0) * s
            phi = self.phi0 + (self.phi1 - self.phi0) * s
            drho = (self.rho1 - self.rho0) * ds
            dphi = (self.phi1 - self.phi0) * ds
            c, sn = math.cos(phi), math.sin(phi)
            off = self.port + np.array([rho * c, self.y0 * (1.0 - s), rho * sn])
            rate = np.array([drho * c - rho * sn * dphi, -self.y0 * ds,
                             drho * sn + rho * c * dphi])
            # the rate left at burn 6's end, decaying: w0·τ·(1 − u)³ (its own rate w0 at τ = 0)
            u = tau / dur
            off = off + self.w0 * tau * (1.0 - u) ** 3
            rate = rate + self.w0 * ((1.0 - u) ** 3 - 3.0 * u * (1.0 - u) ** 2)
            return off, rate
        d, v = self.axis_distance(t)
        return self.port + np.array([0.0, 0.0, d]), np.array([0.0, 0.0, v])


# --- the model ---------------------------------------------------------------------------------

def _stored_dv_gcrs(params: dict, k: int, r, v) -> np.ndarray | None:
    """Burn ``k``'s stored Δv (m/s, GCRS) from its LVLH components in ``[solved]`` (the
    Soyuz's own frame at the burn's start), or None when nothing is stored."""
    stored = params.get("solved", {}).get("dv_lvlh_m_s")
    if stored is None:
        return None
    return lvlh_matrix(r, v).T @ np.asarray(stored[k], dtype=float)


def fly_plan(ctx: ModelContext, insertion, params: dict, x_aim, dv_guess_gcrs=None,
             station: StationFrame | None = None, use_stored: bool = True):
    """Fly the six burns from ``insertion = (met_s, r, v)``, each targeted (Newton) at its
    aim from ``x_aim``, starting from ``dv_guess_gcrs`` (list of 6 vectors, m/s) or, where
    None, from the stored burns (``use_stored``) or an impulsive Lambert arc.

    Returns ``(burns, arcs, info)``: the :class:`Burn` list, every integrated arc in order
    (from separation to burn 6's end), and targeting diagnostics.
    """
    station = station or StationFrame(ctx.station)
    integ = params["integration"]
    h_b, h_c = float(integ["burn_step_s"]), float(integ["coast_step_s"])
    tol, max_it = float(integ["arrival_tolerance_km"]), int(integ["max_target_iterations"])
    times = burn_times(params, ctx.axis)
    engs = engines(params)
    t_ins = float(insertion[0])
    if not t_ins < times[0]:
        raise ValueError("the first rendezvous burn must come after separation")
    pole = tuple(float(c) for c in ctx.eo.pole_gcrs(t_ins))
    pole_v = np.asarray(pole)
    m0 = float(params["spacecraft"]["mass_kg"])
    s0 = tuple(float(c) for c in insertion[1]) + tuple(float(c) for c in insertion[2]) + (m0,)
    arc, _ = Arc.integrate(coast_deriv(pole), t_ins, s0, times[0], h_c)
    arcs = [arc]
    aims = aim_points(station, params, times, x_aim)
    burns, misses, iterations = [], [], []
    t, s = times[0], arc.states[-1]
    for k, bp in enumerate(params["burns"]):
        r, v = np.asarray(s[:3]), np.asarray(s[3:6])
        dv0 = None if dv_guess_gcrs is None else dv_guess_gcrs[k]
        if dv0 is None and use_stored:
            dv0 = _stored_dv_gcrs(params, k, r, v)
        if k < 5:
            t_next, p_aim, n_aim = aims[k]

            def goal(a, p_aim=p_aim):
                return np.asarray(a[-1].states[-1][:3]) - p_aim

            if dv0 is None:
                va, _ = lambert_j2(r, v, p_aim, t_next - t, n_aim, pole_v)
                dv0 = (va - v) * 1e3
        else:
            t_next = None

            def goal(a):
                tb = a[-1].t1
                sb = a[-1].states[-1]
                _, rate = station.relative(tb, sb[:3], sb[3:6])
                return rate * 1e-3  # km/s

            if dv0 is None:
                _, rate = station.relative(t, r, v)
                dv0 = -lvlh_matrix(*station.state(t)[:2]).T @ rate
        tol_k = tol if k < 5 else 1e-6
        b, a, miss, it = target_burn(pole, t, s, bp["id"], engs[k], dv0, t_next, goal, h_b, h_c,
                                     tol_k, max_it)
        if miss > 10.0 * tol_k and k < 5:
            # far from the stored burn (another insertion): start again from the impulsive
            # arc at the burn's middle, corrected for J2 by a few shots
            dv1 = _impulsive_guess(pole, t, s, engs[k], t_next, p_aim, n_aim, h_c)
            b, a, miss, it2 = target_burn(pole, t, s, bp["id"], engs[k], dv1, t_next, goal, h_b,
                                          h_c, tol_k, max_it)
            it += it2
        if k < 5 and miss > 10.0 * tol:
            raise RuntimeError(f"{bp['id']}: the arc to its aim point misses by "
                               f"{miss * 1e3:.1f} m")
        burns.append(b)
        arcs.extend(a)
        misses.append(miss * (1e3 if k < 5 else 1e6))  # m, or mm/s for burn 6
        iterations.append(it)
        t, s = arcs[-1].t1, arcs[-1].states[-1]
    return burns, arcs, {"arrival_miss_m": misses[:5], "brake_residual_mm_s": misses[5],
                         "target_iterations": iterations}


def simulate_rendezvous(ctx: ModelContext, insertion: tuple[float, np.ndarray, np.ndarray],
                        params: dict | None = None) -> ModelResult:
    """Soyuz MS-19 from separation (``insertion = (met_s, r_gcrs_km, v_gcrs_km_s)``) to
    contact at Rassvet's Earth-facing port (``ctx.events['docking']``), as a
    :class:`ModelResult` in GCRS (km, km/s). See the module docstring for the model and
    ``rendezvous.toml`` for its parameters (``params`` replaces the file's contents).

    ``info["burns"]``: one dict per burn, in order: ``id`` (its event id), ``met_s`` (start),
    ``duration_s``, ``engine`` ("SKD" or "DPO"), ``thrust_N``, ``dv_solved_m_s``,
    ``dv_published_m_s`` (Soyuz MS-18's planned figure for the same burn, named in
    ``dv_published_flight``; MS-19's own were not published), ``dv_published_all`` (MS-18's
    and MS-22's), ``thrust_dir_gcrs`` (unit vector, constant through the burn: the thrust's
    direction, along the Δv, so the engine points against it), ``dv_gcrs_m_s`` (vector),
    ``mass_kg`` (at the start) and ``distance_km`` (to the station at the start).
    """
    p = params if params is not None else load_params()
    integ, cr = p["integration"], p["close_range"]
    every = int(integ["coast_sample_every"])
    station = StationFrame(ctx.station)
    x_aim = p.get("solved", {}).get("aim")
    solved_now = x_aim is None
    if not solved_now:
        try:
            burns, arcs, tinfo = fly_plan(ctx, insertion, p, x_aim, station=station)
        except RuntimeError:
            solved_now = True  # another insertion: the stored aims do not fit it
    if solved_now:
        # search the aims for this insertion, as tools/solve_rendezvous.py does (seconds)
        from orbitviz.core.models.rendezvous_solver import solve

        fresh = {k: v for k, v in p.items() if k != "solved"}
        sol = solve(ctx, insertion, fresh)
        burns, arcs, tinfo, x_aim = sol["burns"], sol["arcs"], sol["targeting"], sol["aim"]

    # the close range from burn 6's end (position and velocity continuous)
    t6 = arcs[-1].t1
    s6 = arcs[-1].states[-1]
    q0, w0 = station.relative(t6, s6[:3], s6[3:6])
    port_m = np.asarray(ctx.ports[cr["port"]]["offset_lvlh_m"], dtype=float)
    close = CloseRange(t6, q0, w0, port_m, cr, ctx.events["kurs-failure"], ctx.events["docking"])

    def _forced(rs_, vs_, t):
        b_ = lvlh_matrix(rs_, vs_)
        off, rate = close.offset(t)
        d_km = b_.T @ (off * 1e-3)
        w = _cross(rs_, vs_) / _dot(rs_, rs_)
        return rs_ + d_km, vs_ + _cross(w, d_km) + b_.T @ (rate * 1e-3)

    def forced_state(t: float):
        rs_, vs_ = ctx.station(float(t))
        return _forced(np.asarray(rs_, dtype=float), np.asarray(vs_, dtype=float), t)

    # --- samples -----------------------------------------------------------------------------
    met, rows = [], []
    for i, a in enumerate(arcs):
        step = every if _is_coast(a) else 1
        idx = list(range(0, len(a.times), step))
        if idx[-1] != len(a.times) - 1:
            idx.append(len(a.times) - 1)
        if i > 0:
            idx = [j for j in idx if j > 0]  # the join is the previous arc's last node
        met.extend(a.times[j] for j in idx)
        rows.extend(a.states[j][:6] for j in idx)
    step_f = float(integ["forced_sample_s"])
    ct = close.times
    cuts = [t6, ct["station-keeping"], ct["final-approach-start"], ct["kurs-failure"],
            ct["manual-control"], ct["docking"]]
    forced_t = []
    for a, b in zip(cuts, cuts[1:]):
        n = max(1, int(math.ceil((b - a) / step_f)))
        forced_t.extend((a + (b - a) * np.arange(1, n + 1) / n).tolist())
    rs_all, vs_all = ctx.station(np.asarray(forced_t))
    for i, t in enumerate(forced_t):
        r_, v_ = _forced(rs_all[i], vs_all[i], t)
        met.append(t)
        rows.append(tuple(r_) + tuple(v_))
    a6 = np.asarray(rows, dtype=float)
    traj = Trajectory(np.asarray(met), a6[:, :3], a6[:, 3:6])

    # --- direct evaluation -------------------------------------------------------------------
    starts = [a.t0 for a in arcs]

    def evaluate(met_s: float):
        t = float(met_s)
        if not (arcs[0].t0 <= t <= close.t_dock):
            raise ValueError(f"met {t} s is outside the rendezvous "
                             f"({arcs[0].t0}-{close.t_dock} s)")
        if t > t6:
            return forced_state(t)
        k = max(0, bisect.bisect_right(starts, t) - 1)
        s = arcs[k].evaluate(t)
        return np.asarray(s[:3]), np.asarray(s[3:6])

    # --- results --------------------------------------------------------------------------
    burn_info = []
    for b, bp in zip(burns, p["burns"]):
        r_b, _ = arcs_state(arcs, b.start_s)
        rs_b, _, _, _ = station.state(b.start_s)
        burn_info.append({
            "id": b.id, "met_s": b.start_s, "duration_s": b.duration_s,
            "end_met_s": b.end_s, "engine": b.engine.name, "thrust_N": b.engine.thrust_n,
            "dv_solved_m_s": b.dv_m_s, "dv_published_m_s": float(bp["ms18"]["dv_m_s"]),
            "dv_published_flight": "Soyuz MS-18",
            "dv_published_all": {"Soyuz MS-18": float(bp["ms18"]["dv_m_s"]),
                                 "Soyuz MS-22": float(bp["ms22"]["dv_m_s"])},
            "duration_published_s": {"Soyuz MS-18": float(bp["ms18"]["duration_s"]),
                                     "Soyuz MS-22": float(bp["ms22"]["duration_s"])},
            "thrust_dir_gcrs": b.direction.tolist(), "dv_gcrs_m_s": b.dv_gcrs_m_s.tolist(),
            "mass_kg": b.mass_kg,
            "distance_km": float(np.linalg.norm(np.asarray(r_b) - rs_b)),
            "distance_published_km": {"Soyuz MS-18": float(bp["ms18"]["distance_km"]),
                                      "Soyuz MS-22": float(bp["ms22"]["distance_km"])},
        })
    events = {b.id: b.start_s for b in burns}
    events.update({k: v for k, v in close.times.items() if k not in ("kurs-failure", "docking")})
    events["rendezvous-burn-6-end"] = t6
    info = {
        "burns": burn_info,
        "total_dv_m_s": float(sum(b["dv_solved_m_s"] for b in burn_info)),
        "total_dv_published_m_s": {
            f: float(sum(bp[key]["dv_m_s"] for bp in p["burns"]))
            for f, key in (("Soyuz MS-18", "ms18"), ("Soyuz MS-22", "ms22"))},
        "plan_weight": plan_weight(p, ctx.axis),
        "arrival_miss_m": tinfo["arrival_miss_m"],
        "brake_residual_mm_s": tinfo["brake_residual_mm_s"],
        "target_iterations": tinfo["target_iterations"],
        "aim": [float(c) for c in x_aim],
        "solved_at_run_time": solved_now,
        "mass_at_docking_kg": float(arcs[-1].states[-1][6]),
        "close_range_times": close.times,
        "station_keeping_distance_m": close.d_sk,
        "hold_distance_m": close.d_hold,
        "manual_speed_m_s": close.v_manual,
        "contact_speed_m_s": close.v_manual,
        "port": cr["port"],
        "basis": "modelled",
    }
    phases = [(float(insertion[0]), "free-flight"), (close.t_fa, "final-approach")]
    return ModelResult(trajectory=traj, phases=phases, events=events, evaluate=evaluate,
                       info=info)


def _is_coast(arc: Arc) -> bool:
    """Whether an arc is a coast (its mass does not change)."""
    return arc.states[0][6] == arc.states[-1][6]


def arcs_state(arcs: list[Arc], t: float):
    """(r, v) at ``t`` on a list of arcs in time order (the later arc at a join)."""
    starts = [a.t0 for a in arcs]
    k = max(0, bisect.bisect_right(starts, t) - 1)
    s = arcs[k].evaluate(t)
    return np.asarray(s[:3]), np.asarray(s[3:6])


def reference_insertion(ctx: ModelContext, perigee_alt_km: float = 199.84,
                        apogee_alt_km: float = 242.69, downrange_km: float = 1680.0,
                        along_deg: float = 0.0, plane_deg: float = 0.0,
                        met_s: float | None = None):
    """A stand-in separation state ``(met_s, r_gcrs_km, v_gcrs_km_s)`` for tests: at perigee
    of a ``perigee_alt_km`` × ``apogee_alt_km`` orbit (above the equatorial radius) in the
    station's plane at ``met_s`` (default the ``orbit-insertion`` event), at the point
    ``downrange_km`` (arc at the equatorial radius) along that plane from the launch pad's
    projection onto it, plus ``along_deg``; ``plane_deg`` tilts the velocity out of the
    plane about the radius. The defaults are the published insertion orbit and about the
    ascent model's downrange distance at separation.
    """
    t = float(ctx.events["orbit-insertion"] if met_s is None else met_s)
    rs, vs = ctx.station(t)
    n = dynamics.orbit_normal(rs, vs)
    pad = ctx.sites["pad"]
    from orbitviz.core.geodesy import geodetic_to_itrs

    pad_itrs = geodetic_to_itrs(pad["lat_deg"], pad["lon_deg"], pad["alt_km"])
    pg = np.asarray(ctx.eo.itrs_to_gcrs_position(pad_itrs, t), dtype=float)
    u = pg - n * float(pg @ n)
    u /= np.linalg.norm(u)
    u = _rotate(u, n, downrange_km / R_EARTH_EQ_KM + math.radians(along_deg))
    rp = R_EARTH_EQ_KM + perigee_alt_km
    a = rp + 0.5 * (apogee_alt_km - perigee_alt_km)
    vp = math.sqrt(MU_EARTH_KM3_S2 * (2.0 / rp - 1.0 / a))
    r = u * rp
    v = _rotate(np.cross(n, u) * vp, u, math.radians(plane_deg))
    return t, r, v


__all__ = ["simulate_rendezvous", "load_params", "burn_times", "plan_weight", "engines",
           "fly_plan", "aim_points", "reference_insertion", "CloseRange", "StationFrame",
           "Engine", "Burn", "lambert_j2", "nodal_regression_rate"]
