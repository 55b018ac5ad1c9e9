"""Soyuz MS-19's two-orbit rendezvous with the station, from separation to docking.

Frames and units: GCRS (treated as inertial) positions in km and velocities in km/s;
station-relative offsets in the station's LVLH frame in metres (x along the velocity, y
opposite the orbit normal, z toward the Earth: :func:`dynamics.lvlh_basis`); times in
``met_s``. The choices (burn times, aim points, approach distances and speeds) live in
``assets/mission/rendezvous.toml`` with their sources; no MS-19 burn data were published.

The model, in order:

1. **Far range** (impulsive burns 1-4 over the first two orbits, ending 1 km straight below
   the station). Coast arcs are integrated under two-body + J2 gravity (:mod:`dynamics`).
   Each burn is targeted with Lambert's problem (:mod:`lambert`) to an aim point defined
   relative to the real station (``ctx.station``) at the next burn time. Lambert is
   two-body, so the aim point handed to it is rotated back about the Earth's pole by the
   secular J2 nodal regression of the arc (the station's plane turns about 0.3° an orbit;
   the Soyuz's, lower, a little faster; pure Kepler arcs would need a costly plane
   change), and then shifted by the J2 propagation's miss until the integrated arc arrives
   within ``arrival_tolerance_km``. The intermediate aim points (along-track, height and,
   for the first two, cross-track offsets from the station) are chosen at run time by a
   Nelder-Mead search for the least total Δv, evaluated with the regression-compensated
   two-body arcs (cheap), with penalties that keep arcs above a perigee floor, end the
   transfer below the station and make the arrival gentle. So the scheme adapts to the
   insertion it is given (phase angle, orbit, plane offset).
2. **Close range**: burn 5 at the far-range end point, aimed (same J2 targeting) at a
   station-keeping point 400 m below the station; burn 6 brakes the Soyuz to rest in the
   station's LVLH frame there.
3. **Station-relative (forced) motion**: the position is the station's plus an LVLH offset
   that is a smooth function of time: hold, move onto the port axis below the station,
   hold, then the final approach straight up the Rassvet nadir port's axis (R-bar) from the
   Kurs failure (about 12:11 UTC, when Shkaplerov took over) to contact at the docking
   time, at under 0.3 m/s. The offset starts exactly at the arrival point of the close-
   range arc, so the position is continuous; velocity changes only at the six burns (a
   repeated sample time in the trajectory).

``evaluate(met_s)`` integrates the coast arc from its last burn to ``met_s`` (or, in the
forced motion, evaluates the station-relative formula); the cached samples are the
integrator's own steps (every few) plus every burn and phase boundary.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from orbitviz.core.assets import load_toml
from orbitviz.core.constants import J2_EARTH, MU_EARTH_KM3_S2, R_EARTH_EQ_KM
from orbitviz.core.models import dynamics
from orbitviz.core.models.base import ModelContext, ModelResult
from orbitviz.core.models.lambert import LambertError, lambert
from orbitviz.core.trajectory import Trajectory

ASSET = ("mission", "rendezvous.toml")


def load_params() -> dict:
    """The model's parameters from ``assets/mission/rendezvous.toml``."""
    return load_toml(*ASSET)


# --- small geometry helpers ----------------------------------------------------------------

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


def _perigee_alt_km(r, v) -> float:
    """Osculating perigee height (km above the equatorial radius) of the state (r, v)."""
    rn = math.sqrt(_dot(r, r))
    energy = 0.5 * _dot(v, v) - MU_EARTH_KM3_S2 / rn
    if energy >= 0.0:
        return math.inf
    a = -MU_EARTH_KM3_S2 / (2.0 * energy)
    h = _cross(r, v)
    e = math.sqrt(max(0.0, 1.0 - _dot(h, h) / (MU_EARTH_KM3_S2 * a)))
    return a * (1.0 - e) - R_EARTH_EQ_KM


class _Station:
    """The station's real trajectory (``ctx.station``) and the LVLH frame on it."""

    def __init__(self, station: Callable):
        self._station = station
        self._cache: dict = {}

    def state(self, met_s: float):
        key = float(met_s)
        hit = self._cache.get(key)
        if hit is None:
            r, v = self._station(key)
            r = np.asarray(r, dtype=float)
            v = np.asarray(v, dtype=float)
            hit = (r, v, dynamics.lvlh_basis(r, v), dynamics.orbit_normal(r, v))
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

    def rest_velocity(self, met_s: float, p_km):
        """GCRS velocity of a point fixed in the station's LVLH frame at ``p_km``."""
        r, v, _, _ = self.state(met_s)
        w = _cross(r, v) / _dot(r, r)
        return v + _cross(w, np.asarray(p_km, dtype=float) - r)


# --- optimiser --------------------------------------------------------------------------------

def _nelder_mead(f, x0, steps, tol: float, max_evals: int):
    """Minimise ``f`` by the Nelder-Mead simplex (Nelder & Mead 1965; standard coefficients
    1, 2, ½, ½). Stops when the simplex's values differ by less than ``tol`` or after
    ``max_evals`` evaluations. Returns ``(x, f(x), evaluations)``."""
    n = len(x0)
    pts = [np.array(x0, dtype=float)]
    for i in range(n):
        p = np.array(x0, dtype=float)
        p[i] += steps[i]
        pts.append(p)
    vals = [f(p) for p in pts]
    evals = n + 1
    while evals < max_evals:
        order = sorted(range(n + 1), key=lambda k: vals[k])
        pts = [pts[k] for k in order]
        vals = [vals[k] for k in order]
        if vals[-1] - vals[0] < tol:
            break
        centroid = np.mean(pts[:-1], axis=0)
        xr = centroid + (centroid - pts[-1])
        fr = f(xr)
        evals += 1
        if fr < vals[0]:
            xe = centroid + 2.0 * (centroid - pts[-1])
            fe = f(xe)
            evals += 1
            pts[-1], vals[-1] = (xe, fe) if fe < fr else (xr, fr)
        elif fr < vals[-2]:
            pts[-1], vals[-1] = xr, fr
        else:
            xc = centroid + 0.5 * (pts[-1] - centroid)
            fc = f(xc)
            evals += 1
            if fc < vals[-1]:
                pts[-1], vals[-1] = xc, fc
            else:
                for k in range(1, n + 1):
                    pts[k] = pts[0] + 0.5 * (pts[k] - pts[0])
                    vals[k] = f(pts[k])
                evals += n
    k = int(np.argmin(vals))
    return pts[k], vals[k], evals


# --- forced (station-relative) motion ----------------------------------------------------------

def _smooth5(u: float):
    """Quintic smoothstep s(u) on [0, 1] and its derivative (zero slope and curvature at
    both ends)."""
    u = min(1.0, max(0.0, u))
    return u**3 * (10.0 - 15.0 * u + 6.0 * u * u), 30.0 * u * u * (1.0 - u) ** 2


class _ForcedMotion:
    """LVLH offset (m) and its rate (m/s) as a smooth function of time: hold at the
    station-keeping point, fly-around to the port axis, hold, final approach."""

    def __init__(self, t_sk, q_m, t_fly0, t_fly1, t_fa, t_dock, port_m, fa_distance_m,
                 ramp_s, v_contact, max_speed):
        self.t_sk, self.t_fly0, self.t_fly1 = t_sk, t_fly0, t_fly1
        self.t_fa, self.t_dock = t_fa, t_dock
        self.q = np.asarray(q_m, dtype=float)
        self.port = np.asarray(port_m, dtype=float)
        self.d = float(fa_distance_m)
        self.s_point = self.port + np.array([0.0, 0.0, self.d])
        # fly-around in polar coordinates (in the x-z plane) about the port
        rel_q = self.q - self.port
        rel_s = self.s_point - self.port
        self.rho0 = math.hypot(rel_q[0], rel_q[2])
        self.rho1 = math.hypot(rel_s[0], rel_s[2])
        self.phi0 = math.atan2(rel_q[2], rel_q[0])
        self.phi1 = math.atan2(rel_s[2], rel_s[0])
        self.y0 = float(rel_q[1])
        # final approach speed profile (see rendezvous.toml)
        self.T = t_dock - t_fa
        self.ramp = float(ramp_s)
        self.v_contact = float(v_contact)
        self.v_peak = (2.0 * self.d - self.v_contact * (self.T - self.ramp)) / self.T
        if not (self.v_contact <= self.v_peak < max_speed):
            raise ValueError(
                f"final approach of {self.d} m in {self.T:.0f} s needs a peak speed of "
                f"{self.v_peak:.3f} m/s (allowed {self.v_contact}-{max_speed})")

    def approach_distance(self, tau: float):
        """Distance travelled (m) and speed (m/s) ``tau`` s into the final approach."""
        vp, r = self.v_peak, self.ramp
        if tau <= r:
            u = tau / r
            return vp * r * (u**3 - 0.5 * u**4), vp * (3.0 * u * u - 2.0 * u**3)
        x = tau - r
        k = (self.v_contact - vp) / (self.T - r)
        return vp * r / 2.0 + vp * x + 0.5 * k * x * x, vp + k * x

    def offset(self, t: float):
        """(offset_m, rate_m_s) in LVLH at ``t``."""
        if t <= self.t_fly0:
            return self.q.copy(), np.zeros(3)
        if t < self.t_fly1:
            dur = self.t_fly1 - self.t_fly0
            s, ds = _smooth5((t - self.t_fly0) / dur)
            ds /= dur
            rho = self.rho0 + (self.rho1 - self.rho0) * s
            phi = self.phi0 + (self.phi1 - self.phi0) * s
            drho = (self.rho1 - self.rho0) * ds
            dphi = (self.phi1 - self.phi0) * ds
            c, sn = math.cos(phi), math.sin(phi)
            off = self.port + np.array([rho * c, self.y0 * (1.0 - s), rho * sn])
            rate = np.array([drho * c - rho * sn * dphi, -self.y0 * ds, drho * sn + rho * c * dphi])
            return off, rate
        if t <= self.t_fa:
            return self.s_point.copy(), np.zeros(3)
        dist, speed = self.approach_distance(min(t, self.t_dock) - self.t_fa)
        return self.s_point - np.array([0.0, 0.0, dist]), np.array([0.0, 0.0, -speed])


# --- the model -----------------------------------------------------------------------------------

def simulate_rendezvous(ctx: ModelContext, insertion: tuple[float, np.ndarray, np.ndarray],
                        params: dict | None = None) -> ModelResult:
    """Soyuz MS-19 from separation (``insertion = (met_s, r_gcrs_km, v_gcrs_km_s)``) to
    docking at Rassvet's nadir port (``ctx.events['docking']``), as a :class:`ModelResult`
    in GCRS (km, km/s). See the module docstring for the model and ``rendezvous.toml`` for
    its parameters (``params`` replaces the file's contents when given)."""
    p = params if params is not None else load_params()
    integ, far, close = p["integration"], p["far_range"], p["close_range"]
    fly, fa = p["fly_around"], p["final_approach"]
    h = float(integ["step_s"])
    every = int(integ["coast_sample_every"])

    t_ins = float(insertion[0])
    s_ins = tuple(float(x) for x in insertion[1]) + tuple(float(x) for x in insertion[2])
    pole = tuple(float(x) for x in ctx.eo.pole_gcrs(t_ins))
    deriv = dynamics.coast_deriv(pole)
    pole_v = np.asarray(pole)
    station = _Station(ctx.station)

    burn_times = [float(t) for t in far["burn_met_s"]]
    t_arr = float(far["arrival_met_s"])
    t_sk = float(close["station_keeping_met_s"])
    t_fly0, t_fly1 = float(fly["start_met_s"]), float(fly["end_met_s"])
    t_fa = float(ctx.events[fa["start_event"]])
    t_dock = float(ctx.events[fa["end_event"]])
    nodes = [t_ins] + burn_times + [t_arr, t_sk]
    if any(b <= a for a, b in zip(nodes, nodes[1:])) or not (t_sk <= t_fly0 < t_fly1 <= t_fa < t_dock):
        raise ValueError("rendezvous times must increase: insertion < burns < arrival < "
                         "station keeping <= fly-around < final approach < docking")

    # coast from separation to burn 1 (J2)
    seg_times, seg_states = dynamics.integrate(deriv, t_ins, s_ins, burn_times[0], h)
    segments = [(seg_times, seg_states)]
    r1 = np.asarray(seg_states[-1][:3])
    v1 = np.asarray(seg_states[-1][3:6])

    # Fixed targets: the far-range end point (burn 5's position) and the station-keeping
    # point, both LVLH offsets from the station at their times.
    p_arr, n_arr = station.lvlh_point(t_arr, far["arrival_offset_lvlh_m"])
    p_sk, n_sk = station.lvlh_point(t_sk, close["station_keeping_offset_lvlh_m"])
    min_perigee = float(far["min_perigee_alt_km"])
    min_below = float(far["transfer_end_min_below_km"])
    max_arrival_speed = float(far["max_arrival_speed_m_s"]) * 1e-3
    n_free = len(far["aim_guess_km"])  # aim points chosen by the optimiser
    if len(burn_times) != n_free + 1:
        raise ValueError("far_range: need an aim guess for each burn but the last")

    def targets(x):
        """Aim points: ``x`` holds (along, below, cross) km for the intermediate aim points
        of burns 1 and 2 and (along, below) km for burn 3's (in the station's plane)."""
        pts = []
        for k in range(n_free):
            if k < n_free - 1:
                pk, nk = station.along_orbit_point(burn_times[k + 1], x[3 * k], x[3 * k + 1],
                                                   x[3 * k + 2])
            else:
                pk, nk = station.along_orbit_point(burn_times[k + 1], x[3 * k], x[3 * k + 1])
            pts.append((burn_times[k + 1], pk, nk))
        pts.append((t_arr, p_arr, n_arr))
        pts.append((t_sk, p_sk, n_sk))
        return pts

    def cost(x):
        """Total Δv (km/s) of the regression-compensated two-body chain, plus penalties
        that keep every arc above ``min_perigee``, the transfer's end (burn 4) at least
        ``transfer_end_min_below_km`` below the station, and the arrival at the far-range
        end point gentle (``max_arrival_speed_m_s`` relative to the station)."""
        r, v, t = r1, v1, burn_times[0]
        total = 0.0
        penalty = 0.05 * max(0.0, min_below - x[-1])
        for tk, pk, nk in targets(x):
            try:
                va, vb = lambert_j2(r, v, pk, tk - t, nk, pole_v)
            except LambertError:
                return 1.0
            total += math.sqrt(_dot(va - v, va - v))
            hp = _perigee_alt_km(r, va)
            if hp < min_perigee:
                penalty += 1e-3 * (min_perigee - hp)
            if tk == t_arr:
                dv_rel = vb - station.rest_velocity(tk, pk)
                rel = math.sqrt(_dot(dv_rel, dv_rel))
                penalty += 10.0 * max(0.0, rel - max_arrival_speed)
            r, v, t = pk, vb, tk
        dv_brake = station.rest_velocity(t_sk, p_sk) - v
        total += math.sqrt(_dot(dv_brake, dv_brake))
        return total + penalty

    guess = [[float(c) for c in g] for g in far["aim_guess_km"]]
    step_a, step_b, step_c = (float(c) for c in far["aim_step_km"])
    x0, steps = [], []
    for k, g in enumerate(guess):
        if k < n_free - 1:
            x0 += [g[0], g[1], 0.0]
            steps += [step_a, step_b, step_c]
        else:
            x0 += [g[0], g[1]]
            steps += [step_a, step_b]
    x_opt, _, n_evals = _nelder_mead(cost, x0, steps, float(far["optimiser_tolerance_m_s"]) * 1e-3,
                                     int(far["optimiser_max_evaluations"]))

    # J2 targeting of the chain: burns 1-5, each re-aimed until the arc arrives
    tol_km = float(far["arrival_tolerance_km"])
    max_it = int(far["max_target_iterations"])
    burns = []
    misses_m = []
    r, v, t = r1, v1, burn_times[0]
    for tk, pk, nk in targets(x_opt):
        aim = pk.copy()
        for _ in range(max_it):
            try:
                va, _ = lambert_j2(r, v, aim, tk - t, nk, pole_v)
            except LambertError as exc:
                raise RuntimeError(f"rendezvous targeting of the arc {t:.0f}-{tk:.0f} s "
                                   f"failed: {exc}") from exc
            times, states = dynamics.integrate(deriv, t, tuple(r) + tuple(va), tk, h)
            miss = np.asarray(states[-1][:3]) - pk
            if float(np.linalg.norm(miss)) < tol_km:
                break
            aim = aim - miss
        else:
            if float(np.linalg.norm(miss)) > 10.0 * tol_km:
                raise RuntimeError(f"rendezvous targeting of the arc {t:.0f}-{tk:.0f} s "
                                   f"missed by {float(np.linalg.norm(miss)) * 1e3:.1f} m")
        misses_m.append(float(np.linalg.norm(miss)) * 1e3)
        burns.append((t, va - v))
        segments.append((times, states))
        r = np.asarray(states[-1][:3])
        v = np.asarray(states[-1][3:6])
        t = tk

    # forced motion from the actual arrival point (position continuous), braking burn 6
    rs, vs, b_sk, _ = station.state(t_sk)
    q_m = b_sk @ (r - rs) * 1e3
    port_m = np.asarray(ctx.ports[fa["port"]]["offset_lvlh_m"], dtype=float)
    motion = _ForcedMotion(t_sk, q_m, t_fly0, t_fly1, t_fa, t_dock, port_m,
                           float(fa["distance_m"]), float(fa["ramp_s"]),
                           float(fa["contact_speed_m_s"]), float(fa["max_speed_m_s"]))

    def forced_state(t: float):
        """GCRS state of the station-relative motion at ``t`` (station + LVLH offset)."""
        rs_, vs_ = ctx.station(float(t))
        return _forced(np.asarray(rs_, dtype=float), np.asarray(vs_, dtype=float), t)

    def _forced(rs_, vs_, t):
        b_ = dynamics.lvlh_basis(rs_, vs_)
        off, rate = motion.offset(t)
        d_km = b_.T @ (off * 1e-3)
        w = _cross(rs_, vs_) / _dot(rs_, rs_)  # the LVLH frame's rotation rate
        return rs_ + d_km, vs_ + _cross(w, d_km) + b_.T @ (rate * 1e-3)

    _, v_f = forced_state(t_sk)
    burns.append((t_sk, v_f - v))

    # --- samples -----------------------------------------------------------------------------
    met_parts, r_parts, v_parts = [], [], []
    for times, states in segments:
        idx = list(range(0, len(times), every))
        if idx[-1] != len(times) - 1:
            idx.append(len(times) - 1)
        m, rr, vv = dynamics.as_arrays([times[i] for i in idx], [states[i] for i in idx])
        met_parts.append(m)
        r_parts.append(rr)
        v_parts.append(vv)
    step_f = float(integ["forced_sample_s"])
    forced_t = []
    for a, b in ((t_sk, t_fly0), (t_fly0, t_fly1), (t_fly1, t_fa), (t_fa, t_dock)):
        if b > a:
            n = max(1, int(math.ceil((b - a) / step_f)))
            forced_t.extend((a + (b - a) * np.arange(n) / n).tolist())
    forced_t.append(t_dock)
    rs_all, vs_all = ctx.station(np.asarray(forced_t))
    f_r = np.empty((len(forced_t), 3))
    f_v = np.empty((len(forced_t), 3))
    for i, t in enumerate(forced_t):
        f_r[i], f_v[i] = _forced(rs_all[i], vs_all[i], t)
    met_parts.append(np.asarray(forced_t))
    r_parts.append(f_r)
    v_parts.append(f_v)
    traj = Trajectory(np.concatenate(met_parts), np.concatenate(r_parts), np.concatenate(v_parts))

    # --- direct evaluation ----------------------------------------------------------------
    seg_starts = [(times[0], states[0]) for times, states in segments]

    def evaluate(met_s: float):
        t = float(met_s)
        if not (t_ins <= t <= t_dock):
            raise ValueError(f"met {t} s is outside the rendezvous ({t_ins}-{t_dock} s)")
        if t >= t_sk:
            return forced_state(t)
        k = max(i for i, (t0, _) in enumerate(seg_starts) if t0 <= t)
        t0, s0 = seg_starts[k]
        if t == t0:
            s = s0
        else:
            _, ss = dynamics.integrate(deriv, t0, s0, t, h)
            s = ss[-1]
        return np.asarray(s[:3]), np.asarray(s[3:6])

    # --- results --------------------------------------------------------------------------
    events = {f"rendezvous-burn-{k + 1}": float(tb) for k, (tb, _) in enumerate(burns)}
    events["station-keeping"] = t_sk
    events["final-approach-start"] = t_fa
    kinds = ["far-range"] * len(burn_times) + ["close-range", "braking"]
    burn_info = [{"met_s": float(tb), "dv_m_s": float(np.linalg.norm(dv)) * 1e3,
                  "dv_gcrs_m_s": (dv * 1e3).tolist(), "kind": kinds[k]}
                 for k, (tb, dv) in enumerate(burns)]
    fa_speeds = [motion.approach_distance(tau)[1]
                 for tau in np.linspace(0.0, motion.T, 201)]
    info = {
        "burns": burn_info,
        "total_dv_m_s": float(sum(b["dv_m_s"] for b in burn_info)),
        "far_range_burns": len(burn_times),
        "close_range_start_met_s": t_arr,
        "arrival_miss_m": misses_m,
        "aim_points_km": [float(c) for c in x_opt],
        "optimiser_evaluations": int(n_evals),
        "station_keeping_range_m": float(np.linalg.norm(q_m)),
        "station_keeping_point_lvlh_m": q_m.tolist(),
        "final_approach_distance_m": motion.d,
        "max_final_approach_speed_m_s": float(max(fa_speeds)),
        "contact_speed_m_s": motion.v_contact,
        "port": fa["port"],
    }
    phases = [(t_ins, "free-flight"), (t_fa, "final-approach")]
    return ModelResult(trajectory=traj, phases=phases, events=events, evaluate=evaluate,
                       info=info)


def reference_insertion(ctx: ModelContext, perigee_alt_km: float = 200.0,
                        apogee_alt_km: float = 240.0, downrange_km: float = 1600.0,
                        along_deg: float = 0.0, plane_deg: float = 0.0,
                        met_s: float | None = None):
    """A stand-in separation state ``(met_s, r_gcrs_km, v_gcrs_km_s)`` for development and
    tests: at perigee of a ``perigee_alt_km`` × ``apogee_alt_km`` orbit (above the
    equatorial radius) in the station's plane at ``met_s`` (default the
    ``orbit-insertion`` event), at the point ``downrange_km`` (arc at the equatorial
    radius) along that plane from the launch pad's projection onto it, plus ``along_deg``;
    ``plane_deg`` tilts the velocity out of the plane about the radius.

    Sources: insertion orbit about 200 × 240 km in the station's plane (mission file,
    modelled); separation at T+528 s about 1,600 km downrange of the pad (orbitviz's
    estimate for a Soyuz-2.1a ascent from Baikonur at a launch azimuth near 62°). With the
    real station this puts the Soyuz about 16° (1,900 km) behind it, close to the
    1,004 miles reported for Progress MS-09's two-orbit rendezvous (Spaceflight Now).
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
