"""Soyuz MS-18's return, 17 October 2021: undocking → deorbit burn → entry → parachute →
touchdown. A physical model: no element set of Soyuz MS-18 after undocking exists.

Frames and units: GCRS (treated as inertial), km, km/s, ``met_s`` (TT seconds from
lift-off). Gravity is two-body + J2 about ``ctx.eo.pole_gcrs()``; the atmosphere (U.S.
Standard Atmosphere 1976, :mod:`orbitviz.core.atmosphere`) co-rotates with
``ctx.eo.omega_gcrs()``. Every parameter (masses, thrust, Isp, areas, drag coefficients,
parachutes, bank angles, integration steps) is read from
``assets/mission/soyuz-ms-return.toml``, where each carries its source or is marked as a
modelling choice.

The flight, in order (a trajectory sample lies exactly at each step's start and end):

1. Undocking at the mission file's ``undocking`` event from Nauka's Earth-facing port: the
   state is the port's (station state plus the port's LVLH offset, moving with the LVLH
   frame), plus the springs' push (0.12 m/s) away from the port.
2. Separation burn 3 min later (8 s, 0.53 m/s; finite, constant acceleration).
3. Free flight (two-body + J2) to the ``deorbit-burn`` event.
4. Deorbit burn from 03:41:46 UTC: a finite burn of the SKD main engine (2.95 kN, Isp
   302 s) against the inertial velocity, the mass falling at ``thrust / (Isp g0)``; its
   length is solved (about 4 min 45 s, 131 m/s; published "about 4.5 min", and Soyuz
   MS-17's 128 m/s in 4 min 38 s).
5. Coast to the ``module-separation`` event; from there the descent module flies alone
   (its mass, cross-section, Mach-dependent Cd and lift L/D = 0.3).
6. Entry: drag and lift against the air's velocity; the lift vector is rolled by a bank
   angle (:class:`BankLaw`: one bank angle, one reversal through lift-up). The bank angle and
   the reversal time are solved, with the deorbit burn's length, so that the touchdown falls
   on the landing estimate at the ``landing`` time (:func:`solve_return_guidance`, run
   offline by ``tools/solve_soyuz_return.py``, which writes them into the TOML file, and
   places the estimate on the ground track the burn implies, :func:`landing_on_track`;
   simulate_return itself does no iteration).
7. Parachute command at 10.8 km: drogue, then the main canopy (growing over its reefed
   opening); then steady descent on the main canopy (:class:`_SteadyDescent`) to 0.7 m
   above the ground at the landing estimate's altitude, where the soft-landing engines fire
   and brake the capsule at a constant rate to 1.5 m/s at touchdown (:class:`_SoftLanding`).

``simulate_return(ctx)`` returns a :class:`~orbitviz.core.models.base.ModelResult` from
undocking to touchdown; the caller appends the Earth-fixed ``landed`` phase using
``info["touchdown"]``.

Inside the integrator, altitude is the geocentric radius minus the WGS 84 ellipsoid's radius
at the same geocentric latitude (within centimetres of the geodetic height below 100 km);
the touchdown point is reported exactly (ITRS, WGS 84 geodetic).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

import numpy as np

from orbitviz.core import atmosphere
from orbitviz.core.assets import load_toml
from orbitviz.core.constants import G0_M_S2
from orbitviz.core.geodesy import R_EARTH_MEAN_KM, great_circle_km, itrs_to_geodetic
from orbitviz.core.geodesy import height_along_radius_km as approx_alt_km
from orbitviz.core.models.base import ModelContext, ModelResult
from orbitviz.core.models.dynamics import Arc, gravity_j2
from orbitviz.core.trajectory import Trajectory
from orbitviz.core.vectors import lvlh_matrix

PARAMS_FILE = ("mission", "soyuz-ms-return.toml")



# ----------------------------------------------------------------------------------
# parameters


def load_return_params() -> dict:
    """The model's parameters from the TOML asset, flattened to ``"section.key"`` → value
    (the ``*_source`` texts left out)."""
    doc = load_toml(*PARAMS_FILE)
    flat = {}
    for section, table in doc.items():
        for key, value in table.items():
            if not key.endswith("_source"):
                flat[f"{section}.{key}"] = value
    return flat


def _merged(params: dict | None) -> dict:
    p = load_return_params()
    if params:
        unknown = sorted(set(params) - set(p))
        if unknown:
            raise KeyError(f"unknown return-model parameter(s): {', '.join(unknown)}")
        p.update(params)
    return p


# ----------------------------------------------------------------------------------
# helpers


def _table(pairs):
    xs = [float(a) for a, _ in pairs]
    ys = [float(b) for _, b in pairs]

    def f(x):
        if x <= xs[0]:
            return ys[0]
        if x >= xs[-1]:
            return ys[-1]
        i = bisect.bisect_right(xs, x) - 1
        return ys[i] + (ys[i + 1] - ys[i]) * (x - xs[i]) / (xs[i + 1] - xs[i])

    return f


#: One integrated stretch of the flight (:class:`dynamics.Arc`).
_Segment = Arc


def _integrate(f, t0, s0, t1, h_max, g=None) -> tuple[Arc, bool]:
    """RK4 from ``t0`` to ``t1`` in equal steps ≤ ``h_max`` (:meth:`dynamics.Arc.integrate`);
    with ``g``, stops at the first zero crossing of ``g(state)`` (refined to an exact node).
    Returns (segment, crossed)."""
    return Arc.integrate(f, t0, s0, t1, h_max, g)


# ----------------------------------------------------------------------------------
# derivative functions


def _coast(pole, accel=(0.0, 0.0, 0.0)):
    ax0, ay0, az0 = accel

    def f(t, s):
        ax, ay, az = gravity_j2(s[0], s[1], s[2], pole)
        return (s[3], s[4], s[5], ax + ax0, ay + ay0, az + az0)

    return f


def _burn(pole, thrust_n, isp_s):
    """Thrust against the inertial velocity; state (r, v, mass_kg)."""
    mdot = thrust_n / (isp_s * G0_M_S2)
    f_km = thrust_n / 1000.0  # kg km/s²

    def f(t, s):
        ax, ay, az = gravity_j2(s[0], s[1], s[2], pole)
        vx, vy, vz, m = s[3], s[4], s[5], s[6]
        k = -f_km / (m * math.sqrt(vx * vx + vy * vy + vz * vz))
        return (vx, vy, vz, ax + k * vx, ay + k * vy, az + k * vz, -mdot)

    return f


class _Air:
    """Aerodynamic acceleration on a body in the co-rotating atmosphere."""

    def __init__(self, pole, omega, mass_kg, area_m2, cd_of_mach, lod=0.0,
                 lift_fade=(1.5, 3.0), bank=None, extra_cda=None):
        self.pole = tuple(float(c) for c in pole)
        self.omega = tuple(float(c) for c in omega)
        self.mass = mass_kg
        self.area = area_m2
        self.cd = cd_of_mach
        self.lod = lod
        self.m_lo, self.m_hi = lift_fade
        self.bank = bank  # function of t: bank angle, rad (positive: lift to the right)
        self.extra_cda = extra_cda  # function of t: parachute Cd*A, m²

    def accel(self, t, s):
        """Aerodynamic acceleration (km/s²) and the Mach number at state ``s``."""
        x, y, z, vx, vy, vz = s[0], s[1], s[2], s[3], s[4], s[5]
        pole = self.pole
        alt = approx_alt_km(x, y, z, pole)
        _, _, rho, a_snd = atmosphere.properties(alt)
        wx, wy, wz = self.omega
        ux = vx - (wy * z - wz * y)
        uy = vy - (wz * x - wx * z)
        uz = vz - (wx * y - wy * x)
        speed = math.sqrt(ux * ux + uy * uy + uz * uz)  # km/s
        if rho <= 0.0 or speed == 0.0:
            return 0.0, 0.0, 0.0, 0.0
        mach = speed * 1000.0 / a_snd
        cda = self.cd(mach) * self.area
        if self.extra_cda is not None:
            cda += self.extra_cda(t)
        # drag per unit mass, km/s²: 0.5 rho V² CdA / m, V in m/s, result /1000
        d = 0.5 * rho * speed * speed * 1000.0 * cda / self.mass
        k = -d / speed
        ax, ay, az = k * ux, k * uy, k * uz
        if self.lod > 0.0 and mach > self.m_lo:
            fade = min(1.0, (mach - self.m_lo) / (self.m_hi - self.m_lo))
            lift = self.lod * fade * d
            # lift-up: the radial unit vector's part normal to the air velocity
            r = math.sqrt(x * x + y * y + z * z)
            ex, ey, ez = ux / speed, uy / speed, uz / speed
            rx, ry, rz = x / r, y / r, z / r
            c = rx * ex + ry * ey + rz * ez
            nx, ny, nz = rx - c * ex, ry - c * ey, rz - c * ez
            nn = math.sqrt(nx * nx + ny * ny + nz * nz)
            if nn > 1e-9:
                nx, ny, nz = nx / nn, ny / nn, nz / nn
                # right of the velocity: e × n
                sx = ey * nz - ez * ny
                sy = ez * nx - ex * nz
                sz = ex * ny - ey * nx
                b = self.bank(t) if self.bank is not None else 0.0
                cb, sb = math.cos(b), math.sin(b)
                ax += lift * (cb * nx + sb * sx)
                ay += lift * (cb * ny + sb * sy)
                az += lift * (cb * nz + sb * sz)
        return ax, ay, az, mach

    def deriv(self):
        pole = self.pole
        accel = self.accel

        def f(t, s):
            gx, gy, gz = gravity_j2(s[0], s[1], s[2], pole)
            ax, ay, az, _ = accel(t, s)
            return (s[3], s[4], s[5], gx + ax, gy + ay, gz + az)

        return f


class _SteadyDescent:
    """Descent at terminal speed on the open main canopy, in the co-rotating air.

    The air-relative velocity points along the effective gravity (gravity + J2 minus the
    centrifugal term of the rotating air), with the speed at which drag balances it:
    ``sqrt(2 m g_eff / (rho Cd A))``. The inertial velocity is that plus ``omega × r``.
    The state is the position alone; the neglected inertia (time constant ``v/g``, below a
    second) changes the speed by well under 1 mm/s.
    """

    def __init__(self, pole, omega, mass_kg, area_m2, cd_of_mach, canopy_cda_m2):
        self.pole = tuple(float(c) for c in pole)
        self.omega = tuple(float(c) for c in omega)
        self.mass = mass_kg
        self.area = area_m2
        self.cd = cd_of_mach
        self.cda = canopy_cda_m2
        self.deriv = self._deriv

    def _velocity(self, x, y, z):
        gx, gy, gz = gravity_j2(x, y, z, self.pole)
        wx, wy, wz = self.omega
        # omega × r, and the centrifugal acceleration -omega × (omega × r)
        cx, cy, cz = wy * z - wz * y, wz * x - wx * z, wx * y - wy * x
        gx -= wy * cz - wz * cy
        gy -= wz * cx - wx * cz
        gz -= wx * cy - wy * cx
        g = math.sqrt(gx * gx + gy * gy + gz * gz)  # km/s²
        _, _, rho, a_snd = atmosphere.properties(approx_alt_km(x, y, z, self.pole))
        vt = 0.0
        cd = self.cd(0.0)
        for _ in range(2):  # the capsule's Cd depends (weakly) on the Mach number
            vt = math.sqrt(2.0 * self.mass * g * 1000.0 / (rho * (cd * self.area + self.cda)))
            cd = self.cd(vt / a_snd)
        k = vt / 1000.0 / g  # km/s per (km/s²)
        return cx + k * gx, cy + k * gy, cz + k * gz

    def _deriv(self, t, s):
        return self._velocity(s[0], s[1], s[2])

    def rv(self, t, s):
        return (s[0], s[1], s[2]) + self._velocity(s[0], s[1], s[2])


class _SoftLanding:
    """The soft-landing engines' braking: position-only state; the air-relative velocity
    is ``u · (v0 − a (t − t0))`` (``u`` the descent's direction when they fire), plus the
    rotating air's ``ω × r``."""

    def __init__(self, omega, u, t0, v0_km_s, decel_km_s2):
        self.omega = tuple(float(c) for c in omega)
        self.u = tuple(float(c) for c in u)
        self.t0, self.v0, self.a = float(t0), float(v0_km_s), float(decel_km_s2)
        self.deriv = self._deriv

    def _velocity(self, t, x, y, z):
        wx, wy, wz = self.omega
        sp = max(0.0, self.v0 - self.a * (t - self.t0))
        return (wy * z - wz * y + sp * self.u[0], wz * x - wx * z + sp * self.u[1],
                wx * y - wy * x + sp * self.u[2])

    def _deriv(self, t, s):
        return self._velocity(t, s[0], s[1], s[2])

    def rv(self, t, s):
        return (s[0], s[1], s[2]) + self._velocity(t, s[0], s[1], s[2])


# ----------------------------------------------------------------------------------
# the flight


class BankLaw:
    """The entry's bank-angle law: ``bank_deg`` (signed; positive rolls the lift to the right
    of the air velocity) from module separation; at ``t_reversal`` the module rolls through
    lift-up at ``rate_deg_s`` to the opposite bank, which it holds to the parachute."""

    def __init__(self, bank_deg: float, rate_deg_s: float):
        self.b0 = math.radians(bank_deg)
        self.roll_s = abs(2.0 * bank_deg) / rate_deg_s
        self.t_reversal = math.inf

    def __call__(self, t: float) -> float:
        if t <= self.t_reversal:
            return self.b0
        u = (t - self.t_reversal) / self.roll_s if self.roll_s > 0 else 1.0
        return self.b0 * (1.0 - 2.0 * min(1.0, u))


@dataclass
class _Descent:
    """The flight from module separation to touchdown (re-run when targeting)."""

    segments: list
    t_ei: float
    t_reversal: float
    t_chute: float
    t_main: float
    t_td: float
    s_td: tuple
    s_chute: tuple
    peak_load_g: float
    t_peak: float
    t_soft: float = math.nan  # soft-landing engines fire
    v_soft_m_s: float = math.nan  # speed then, relative to the ground
    decel_soft_m_s2: float = math.nan  # their deceleration


def _descent(p, ctx_pole, omega, t_ms, s_ms, ground_alt_km, bank_deg, reversal_after_ei_s,
             entry_step_s=None) -> _Descent:
    pole = tuple(float(c) for c in ctx_pole)
    area = math.pi * (0.5 * float(p["descent_module.diameter_m"])) ** 2
    mass = float(p["descent_module.mass_kg"])
    cd = _table(p["descent_module.cd_mach"])
    lod = float(p["descent_module.lift_to_drag"])
    fade = tuple(float(v) for v in p["descent_module.lift_fade_mach"])
    h_entry = float(entry_step_s or p["integration.entry_step_s"])
    ei_alt = float(p["entry.interface_alt_km"])
    chute_alt = float(p["parachute.deploy_alt_km"])

    def alt_of(s):
        return approx_alt_km(s[0], s[1], s[2], pole)

    def above(level):
        return lambda s: alt_of(s) - level

    if alt_of(s_ms) <= ei_alt + 5.0:
        raise RuntimeError(
            f"return model: module separation at {alt_of(s_ms):.1f} km, not above the entry "
            f"interface ({ei_alt:.0f} km): deorbit burn too large for the separation time")
    law = BankLaw(bank_deg, float(p["entry.roll_rate_deg_s"]))
    air = _Air(pole, omega, mass, area, cd, lod, fade, bank=law)
    f = air.deriv()
    segments = []
    # module separation -> entry interface
    seg, hit = _integrate(f, t_ms, s_ms, t_ms + 3000.0, h_entry, above(ei_alt))
    if not hit:
        raise RuntimeError("return model: the descent module never reaches entry interface")
    segments.append(seg)
    t_ei = seg.t1
    law.t_reversal = t_ei + max(0.0, float(reversal_after_ei_s))
    t, s = t_ei, seg.states[-1]
    for t_next in (law.t_reversal, law.t_reversal + law.roll_s, t_ei + 3000.0):
        if t_next <= t:
            continue
        seg, hit = _integrate(f, t, s, t_next, h_entry, above(chute_alt))
        segments.append(seg)
        t, s = seg.t1, seg.states[-1]
        if hit:
            break
    if not hit:
        raise RuntimeError("return model: the descent module never reaches the "
                           "parachute altitude")
    t_chute = seg.t1
    s_chute = seg.states[-1]
    entry_segments = segments[1:]
    # peak load (non-gravitational acceleration) during entry, at the nodes
    peak, t_peak = 0.0, t_ei
    for sg in entry_segments:
        for t, s in zip(sg.times, sg.states):
            ax, ay, az, _ = air.accel(t, s)
            load = math.sqrt(ax * ax + ay * ay + az * az) * 1000.0 / G0_M_S2
            if load > peak:
                peak, t_peak = load, t
    # parachutes
    cda_d = float(p["parachute.drogue_cd"]) * float(p["parachute.drogue_area_m2"])
    cda_m = float(p["parachute.main_cd"]) * float(p["parachute.main_area_m2"])
    t_d_full = t_chute + float(p["parachute.drogue_inflate_s"])
    t_main = t_chute + float(p["parachute.drogue_s"])
    t_m_full = t_main + float(p["parachute.main_inflate_s"])

    def canopy(t):
        if t < t_d_full:
            return cda_d * max(0.0, (t - t_chute)) / (t_d_full - t_chute)
        if t < t_main:
            return cda_d
        if t < t_m_full:
            u = (t - t_main) / (t_m_full - t_main)
            return cda_d + (cda_m - cda_d) * u * u
        return cda_m

    fc = _Air(pole, omega, mass, area, cd, extra_cda=canopy).deriv()
    # the descent on the canopy ends where the soft-landing engines fire, just above the
    # ground; their braking is its own segment (below)
    h_fire_km = float(p["soft_landing.fire_height_m"]) / 1000.0
    ground = above(ground_alt_km + h_fire_km)
    h_chute = float(p["integration.chute_step_s"])
    t_settled = t_m_full + float(p["parachute.settle_s"])
    s = s_chute
    hit = False
    for t0, t1 in ((t_chute, t_d_full), (t_d_full, t_main), (t_main, t_m_full),
                   (t_m_full, t_settled)):
        seg, hit = _integrate(fc, t0, s, t1, h_chute, ground)
        segments.append(seg)
        s = seg.states[-1]
        if hit:
            break
    if not hit:
        # steady descent on the open main canopy: position-only ODE (the full equations are
        # stiff there, time constant v/g under a second)
        steady = _SteadyDescent(pole, omega, mass, area, cd, cda_m)
        seg, hit = _integrate(steady.deriv, t_settled, s[:3], t_settled + 7200.0,
                              float(p["integration.descent_step_s"]), ground)
        seg.to_rv = steady.rv
        segments.append(seg)
    if not hit:
        raise RuntimeError("return model: no touchdown within two hours on the main canopy")
    # soft-landing engines: from the canopy's speed to the touchdown speed over the last
    # fire_height_m, at a constant deceleration, along the descent's direction
    t_fire = seg.t1
    s_fire = seg.rv(t_fire, seg.states[-1])
    v_air = np.asarray(s_fire[3:6]) - np.cross(np.asarray(omega), np.asarray(s_fire[:3]))
    v0 = float(np.linalg.norm(v_air))  # km/s
    v1 = float(p["soft_landing.touchdown_speed_m_s"]) / 1000.0
    decel = (v0 * v0 - v1 * v1) / (2.0 * h_fire_km)  # km/s²
    brake = _SoftLanding(omega, np.asarray(v_air) / v0, t_fire, v0, decel)
    seg, hit = _integrate(brake.deriv, t_fire, tuple(s_fire[:3]), t_fire + 2.0,
                          float(p["integration.soft_landing_step_s"]), above(ground_alt_km))
    if not hit:
        raise RuntimeError("return model: the soft-landing engines never reach the ground")
    seg.to_rv = brake.rv
    segments.append(seg)
    s_td = seg.rv(seg.t1, seg.states[-1])
    return _Descent(segments, t_ei, law.t_reversal, t_chute, t_main, seg.t1, s_td, s_chute,
                    peak, t_peak, t_fire, v0 * 1000.0, decel * 1000.0)


def _geodetic(ctx: ModelContext, met_s: float, r_gcrs):
    rot = ctx.eo.gcrs_to_itrs(met_s)
    r_itrs = rot @ np.asarray(r_gcrs[:3], dtype=float)
    lat, lon, alt = itrs_to_geodetic(r_itrs)
    return float(lat), float(lon), float(alt), r_itrs


def _orbit_phase(ctx: ModelContext, p: dict):
    """Undocking to module separation: segments, key times and the deorbit-burn state."""
    pole = tuple(float(c) for c in ctx.eo.pole_gcrs(ctx.events["undocking"]))
    t_u = float(ctx.events["undocking"])
    t_db = float(ctx.events["deorbit-burn"])
    t_ms = float(ctx.events["module-separation"])
    h_orbit = float(p["integration.orbit_step_s"])
    # the port's state at undocking: station + LVLH offset, moving with the LVLH frame
    r_st, v_st = ctx.station(t_u)
    r_st = np.asarray(r_st, dtype=float)
    v_st = np.asarray(v_st, dtype=float)
    basis = lvlh_matrix(r_st, v_st)
    off_km = basis.T @ (np.asarray(ctx.ports["nauka-nadir"]["offset_lvlh_m"], float) / 1000.0)
    w_lvlh = np.cross(r_st, v_st) / float(r_st @ r_st)
    r0 = r_st + off_km
    v_port = v_st + np.cross(w_lvlh, off_km)
    d = np.asarray(p["undocking.direction_lvlh"], dtype=float)
    d = basis.T @ (d / np.linalg.norm(d))
    v0 = v_port + d * (float(p["undocking.spring_dv_m_s"]) / 1000.0)
    segments = []
    coast = _coast(pole)
    t_sb = t_u + float(p["separation_burn.delay_s"])
    t_sb_end = t_sb + float(p["separation_burn.duration_s"])
    seg, _ = _integrate(coast, t_u, tuple(r0) + tuple(v0), t_sb, h_orbit)
    segments.append(seg)
    s = seg.states[-1]
    b = lvlh_matrix(s[:3], s[3:6])
    dir_sb = b.T @ (np.asarray(p["undocking.direction_lvlh"], float)
                    / np.linalg.norm(p["undocking.direction_lvlh"]))
    acc = dir_sb * (float(p["separation_burn.dv_m_s"]) / 1000.0
                    / float(p["separation_burn.duration_s"]))
    seg, _ = _integrate(_coast(pole, tuple(acc)), t_sb, s, t_sb_end, 2.0)
    segments.append(seg)
    seg, _ = _integrate(coast, t_sb_end, seg.states[-1], t_db, h_orbit)
    segments.append(seg)
    # deorbit burn, state with mass
    m0 = float(p["spacecraft.mass_kg"])
    t_be = t_db + float(p["deorbit_burn.duration_s"])
    burn = _burn(pole, float(p["engine.thrust_n"]), float(p["engine.isp_s"]))
    seg_b, _ = _integrate(burn, t_db, tuple(seg.states[-1]) + (m0,), t_be,
                          float(p["integration.burn_step_s"]))
    segments.append(seg_b)
    m1 = seg_b.states[-1][6]
    seg, _ = _integrate(coast, t_be, seg_b.states[-1][:6], t_ms, h_orbit)
    segments.append(seg)
    return segments, dict(pole=pole, t_u=t_u, t_sb=t_sb, t_sb_end=t_sb_end, t_db=t_db,
                          t_be=t_be, t_ms=t_ms, m0=m0, m1=m1, s_ms=seg.states[-1],
                          dir_sb=dir_sb)


def _unit_sphere(lat_deg, lon_deg):
    la, lo = math.radians(lat_deg), math.radians(lon_deg)
    return np.array([math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)])


def _landing_miss(ctx, desc: _Descent, est):
    """(downrange km, crossrange km) of the touchdown from the estimate, on the tangent
    plane at the estimate; downrange along the great circle from the entry-interface
    ground point through the estimate, crossrange positive to the right."""
    lat, lon, _, _ = _geodetic(ctx, desc.t_td, desc.s_td)
    seg = next(sg for sg in desc.segments if sg.t0 <= desc.t_ei <= sg.t1)
    lat_ei, lon_ei, _, _ = _geodetic(ctx, desc.t_ei, seg.evaluate(desc.t_ei))
    e = _unit_sphere(est["lat_deg"], est["lon_deg"])
    a = _unit_sphere(lat_ei, lon_ei)
    along = -(a - (a @ e) * e)
    along /= np.linalg.norm(along)
    right = np.cross(along, e)
    d = (_unit_sphere(lat, lon) - e) * R_EARTH_MEAN_KM
    return float(d @ along), float(d @ right)


def solve_return_guidance(ctx: ModelContext, params: dict | None = None, iterations: int = 12,
                          tol_km: float = 0.2, tol_s: float = 0.5, verbose: bool = False):
    """The deorbit burn's length (s), the bank angle (deg) and the reversal time (s after
    entry interface) that put the touchdown on the landing estimate at the ``landing``
    event's time: Newton iterations with a finite-difference Jacobian (the burn mostly sets
    the time, the bank angle the downrange, the reversal the crossrange).

    Returns ``(duration_s, bank_deg, reversal_after_ei_s, miss_km, late_s)``. Run offline by
    ``tools/solve_soyuz_return.py``, which writes the answer into the TOML file."""
    p = _merged(params)
    est = ctx.sites["landing-estimate"]
    ground = float(est["alt_km"])
    t_land = float(ctx.events["landing"])
    x = np.array([float(p["deorbit_burn.duration_s"]), float(p["entry.bank_deg"]),
                  float(p["entry.reversal_after_ei_s"])])

    def miss(v):
        q = dict(p, **{"deorbit_burn.duration_s": float(v[0])})
        _, k = _orbit_phase(ctx, q)
        omega = tuple(float(c) for c in ctx.eo.omega_gcrs(k["t_ms"]))
        d = _descent(q, k["pole"], omega, k["t_ms"], k["s_ms"], ground, v[1], v[2])
        dr, cr = _landing_miss(ctx, d, est)
        return np.array([dr, cr, d.t_td - t_land])

    f = miss(x)
    steps = np.array([1.0, 0.5, 5.0])
    for it in range(iterations):
        if verbose:
            print(f"iter {it}: burn {x[0]:.2f} s, bank {x[1]:.3f} deg, reversal {x[2]:.2f} s: "
                  f"miss downrange {f[0]:.3f} km, crossrange {f[1]:.3f} km, "
                  f"late {f[2]:.2f} s")
        if math.hypot(f[0], f[1]) < tol_km and abs(f[2]) < tol_s:
            break
        jac = np.empty((3, 3))
        for j in range(3):
            dx = np.zeros(3)
            dx[j] = steps[j]
            jac[:, j] = (miss(x + dx) - f) / steps[j]
        step = np.linalg.solve(jac, -f)
        scale = max(abs(step[0]) / 10.0, abs(step[1]) / 10.0, abs(step[2]) / 60.0, 1.0)
        x = x + step / scale
        x[2] = max(0.0, x[2])
        f = miss(x)
    return float(x[0]), float(x[1]), float(x[2]), float(math.hypot(f[0], f[1])), float(f[2])


def landing_on_track(ctx: ModelContext, params: dict | None = None, distance_km: float = 148.0,
                     min_bearing_deg: float = 90.0, max_bearing_deg: float = 180.0,
                     step_s: float = 5.0):
    """Where the published "148 km south-east of Zhezkazgan" meets the ground track the
    deorbit burn implies: the point at ``distance_km`` from the ``zhezkazgan`` site, its
    bearing within ``[min_bearing_deg, max_bearing_deg]`` (south-east), nearest to the
    ground track of the orbit after the burn (flown on without air, two-body + J2, from
    the burn's end). Returns ``(lat_deg, lon_deg, bearing_deg, track_distance_km)``."""
    p = _merged(params)
    segs, k = _orbit_phase(ctx, p)
    zh = ctx.sites["zhezkazgan"]
    coast = segs[-1]  # burn end to module separation
    arc, _ = Arc.integrate(_coast(k["pole"]), coast.t0, tuple(coast.states[0][:6]),
                           coast.t0 + 3600.0, step_s)
    pts = []
    for t, st in zip(arc.times, arc.states):
        lat, lon, _, _ = _geodetic(ctx, t, st)
        if great_circle_km(lat, lon, zh["lat_deg"], zh["lon_deg"]) < 3.0 * distance_km:
            pts.append(_unit_sphere(lat, lon))
    if len(pts) < 2:
        raise RuntimeError("the ground track after the burn does not pass Zhezkazgan")
    z = _unit_sphere(zh["lat_deg"], zh["lon_deg"])
    north = np.array([0.0, 0.0, 1.0]) - z[2] * z
    north /= np.linalg.norm(north)
    east = np.cross(north, z)
    ang = distance_km / R_EARTH_MEAN_KM
    best = None
    for b in np.arange(min_bearing_deg, max_bearing_deg + 1e-9, 0.1):
        br = math.radians(b)
        q = z * math.cos(ang) + (north * math.cos(br) + east * math.sin(br)) * math.sin(ang)
        d = min(float(np.linalg.norm(q - pt)) for pt in pts) * R_EARTH_MEAN_KM
        if best is None or d < best[3]:
            lat = math.degrees(math.asin(q[2]))
            lon = math.degrees(math.atan2(q[1], q[0]))
            best = (lat, lon, float(b), d)
    return best


def _flight_path_deg(rv, omega):
    """Flight-path angle (deg) of the air-relative velocity above the local horizontal."""
    r, v = rv
    u = v - np.cross(omega, r)
    return math.degrees(math.asin(float(u @ r) / (np.linalg.norm(u) * np.linalg.norm(r))))


def simulate_return(ctx: ModelContext, params: dict | None = None) -> ModelResult:
    """Soyuz MS-18 from undocking (``ctx.events['undocking']``) to touchdown.

    ``params`` overrides entries of ``assets/mission/soyuz-ms-return.toml`` by their
    ``"section.key"`` names (e.g. ``{"entry.bank_deg": 40.0}``).

    Phases: free-flight (undocking), deorbit-burn, coast (burn end), entry (100 km),
    parachute (10.8 km). Events (modelled): separation-burn, deorbit-burn-end,
    entry-interface, peak-load, parachute, main-parachute, soft-landing-engines, touchdown
    (the burn starts exactly at ``ctx.events['deorbit-burn']``, the modules part at
    ``ctx.events['module-separation']``). ``info`` carries the Δv and duration of the
    deorbit burn, the peak load, the touchdown point (``met_s, lat_deg, lon_deg, alt_km,
    r_itrs_km``), the landing estimate and the great-circle distance between the two
    (``landing_error_km``), ``soft_landing`` (when, from what height and speed, at what
    deceleration), and ``burns``: the separation burn and the deorbit burn, each a dict with
    ``id``, ``met_s`` (start), ``duration_s``, ``engine`` ("SKD" or "DPO"), ``thrust_N``,
    ``dv_solved_m_s``, ``dv_published_m_s`` (or None: MS-18's deorbit dv was not published;
    ``dv_sister_m_s`` gives Soyuz MS-17's) and ``thrust_dir_gcrs``: a unit vector for the
    separation burn (fixed), a function of ``met_s`` for the deorbit burn (against the
    inertial velocity throughout, the engine pointing along it).
    """
    p = _merged(params)
    segs, k = _orbit_phase(ctx, p)
    est = ctx.sites["landing-estimate"]
    omega = tuple(float(c) for c in ctx.eo.omega_gcrs(k["t_ms"]))
    desc = _descent(p, k["pole"], omega, k["t_ms"], k["s_ms"], float(est["alt_km"]),
                    float(p["entry.bank_deg"]), float(p["entry.reversal_after_ei_s"]))
    segments = segs + desc.segments

    # samples: every RK4 node, each boundary once
    met, rows = [], []
    for i, sg in enumerate(segments):
        start = 0 if i == 0 else 1
        met.extend(sg.times[start:])
        rows.extend(sg.rv(t, st) for t, st in zip(sg.times[start:], sg.states[start:]))
    a = np.asarray(rows, dtype=float)
    traj = Trajectory(np.asarray(met), a[:, :3], a[:, 3:6])
    bounds = [sg.t0 for sg in segments]

    def evaluate(met_s: float):
        t = float(met_s)
        if not (segments[0].t0 <= t <= segments[-1].t1):
            raise ValueError(f"return model: met_s {t} outside "
                             f"[{segments[0].t0}, {segments[-1].t1}]")
        i = max(0, bisect.bisect_right(bounds, t) - 1)
        s = segments[i].evaluate(t)
        return np.asarray(s[:3], dtype=float), np.asarray(s[3:6], dtype=float)

    lat, lon, alt, r_itrs = _geodetic(ctx, desc.t_td, desc.s_td)
    isp, g0 = float(p["engine.isp_s"]), G0_M_S2
    dv_rocket = isp * g0 * math.log(k["m0"] / k["m1"])
    ms_alt = approx_alt_km(*k["s_ms"][:3], k["pole"])
    chute_v = np.asarray(desc.s_chute[3:6]) - np.cross(omega, np.asarray(desc.s_chute[:3]))
    td_v = np.asarray(desc.s_td[3:6]) - np.cross(omega, np.asarray(desc.s_td[:3]))
    events = {
        "separation-burn": k["t_sb"],
        "deorbit-burn-end": k["t_be"],
        "entry-interface": desc.t_ei,
        "peak-load": desc.t_peak,
        "parachute": desc.t_chute,
        "main-parachute": desc.t_main,
        "soft-landing-engines": desc.t_soft,
        "touchdown": desc.t_td,
    }
    phases = [(k["t_u"], "free-flight"), (k["t_db"], "deorbit-burn"), (k["t_be"], "coast"),
              (desc.t_ei, "entry"), (desc.t_chute, "parachute")]
    thrust = float(p["engine.thrust_n"])

    def deorbit_direction(met_s: float) -> np.ndarray:
        """Unit thrust direction (GCRS) during the deorbit burn: against the inertial
        velocity (the engine points along it)."""
        _, v_ = evaluate(met_s)
        return -v_ / np.linalg.norm(v_)

    sep_dv = float(p["separation_burn.dv_m_s"])
    sep_s = float(p["separation_burn.duration_s"])
    burns = [
        {"id": "separation-burn", "met_s": k["t_sb"], "duration_s": sep_s,
         "end_met_s": k["t_sb_end"], "engine": "DPO",
         "thrust_N": float(p["spacecraft.mass_kg"]) * sep_dv / sep_s,
         "dv_solved_m_s": sep_dv, "dv_published_m_s": sep_dv,
         "dv_published_flight": "Soyuz MS-11 (CSA timeline)",
         "thrust_dir_gcrs": np.asarray(k["dir_sb"], dtype=float).tolist()},
        {"id": "deorbit-burn", "met_s": k["t_db"], "duration_s": k["t_be"] - k["t_db"],
         "end_met_s": k["t_be"], "engine": "SKD", "thrust_N": thrust,
         "dv_solved_m_s": dv_rocket, "dv_published_m_s": None,
         "dv_published_flight": None, "dv_sister_m_s": {"Soyuz MS-17": 128.0},
         "thrust_dir_gcrs": deorbit_direction},
    ]
    info = {
        "burns": burns,
        "soft_landing": {"met_s": desc.t_soft,
                         "height_m": float(p["soft_landing.fire_height_m"]),
                         "speed_before_m_s": desc.v_soft_m_s,
                         "deceleration_m_s2": desc.decel_soft_m_s2,
                         "touchdown_speed_m_s": float(p["soft_landing.touchdown_speed_m_s"])},
        "deorbit_dv_m_s": dv_rocket,
        "deorbit_burn_s": k["t_be"] - k["t_db"],
        "mass_before_burn_kg": k["m0"],
        "mass_after_burn_kg": k["m1"],
        "module_separation_alt_km": ms_alt,
        "station_distance_at_deorbit_km": float(np.linalg.norm(
            evaluate(k["t_db"])[0] - np.asarray(ctx.station(k["t_db"])[0]))),
        "entry_interface_flight_path_deg": _flight_path_deg(evaluate(desc.t_ei), omega),
        "peak_load_g": desc.peak_load_g,
        "peak_load_alt_km": approx_alt_km(*evaluate(desc.t_peak)[0], k["pole"]),
        "parachute_speed_m_s": float(np.linalg.norm(chute_v)) * 1000.0,
        "touchdown_speed_m_s": float(np.linalg.norm(td_v)) * 1000.0,
        "bank_deg": float(p["entry.bank_deg"]),
        "bank_reversal_met_s": desc.t_reversal,
        "touchdown": dict(met_s=desc.t_td, lat_deg=lat, lon_deg=lon, alt_km=alt,
                          r_itrs_km=np.asarray(r_itrs, dtype=float)),
        "landing_estimate": dict(lat_deg=float(est["lat_deg"]), lon_deg=float(est["lon_deg"]),
                                 uncertainty_deg=float(est.get("uncertainty_deg", 0.0)),
                                 uncertainty_km=float(est.get("uncertainty_km", 0.0)),
                                 label="estimate"),
        "landing_error_km": great_circle_km(lat, lon, est["lat_deg"], est["lon_deg"]),
        "basis": "modelled",
    }
    return ModelResult(trajectory=traj, phases=phases, events=events, evaluate=evaluate,
                       info=info)


__all__ = ["simulate_return", "solve_return_guidance", "landing_on_track", "BankLaw",
           "load_return_params", "approx_alt_km", "great_circle_km"]
