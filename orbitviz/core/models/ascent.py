"""Ascent of Soyuz-2.1a with Soyuz MS-19, from pad 31/6 to spacecraft separation.

A point-mass model integrated in GCRS (treated as inertial), km and km/s, time ``met_s``
(TT seconds from lift-off):

- **Forces.** Two-body + J2 gravity about ``ctx.eo.pole_gcrs()``
  (:func:`orbitviz.core.models.dynamics.gravity_j2`); thrust of every burning engine,
  ``F = k·F_vac − p·A_e`` with the nozzle exit area ``A_e = (F_vac − F_sl)/p_0`` taken from
  each engine's published sea-level/vacuum pair and ``p`` the U.S. 1976 ambient pressure;
  drag ``½ρ|v_rel|²·C_d(M)·A_ref`` against the atmosphere co-rotating with
  ``ctx.eo.omega_gcrs()``, with a Mach-dependent ``C_d`` and the frontal area of the
  configuration flying at the time.
- **Masses.** Constant mass flow per engine, ``F_vac/(g_0·Isp_vac)``; stages, escape tower,
  fairing and the third stage's aft section drop at the mission file's event times
  (``les-jettison``, ``booster-separation``, ``fairing-separation``, ``core-separation``,
  ``orbit-insertion``); the boosters step down to a lower thrust a few seconds before
  separation.  Figures and their sources:
  ``assets/mission/soyuz-2.1a.toml``.
- **Steering.** Vertical rise along the local plumb line (against gravity with J2 minus the
  centrifugal term, so the rise does not drift); pitch-over in the vertical plane of the launch
  azimuth; a
  zero-angle-of-attack gravity turn (thrust along the air-relative velocity) to booster
  separation; then a linear-tangent pitch law (``tan χ`` linear in time, χ the thrust's
  elevation above the local horizontal) for the core and third stages (one rate each, and a
  step in ``tan χ`` at third-stage ignition; fitted offline by ``tools/tune_ascent.py``), in the plane of the
  station's orbit at insertion (its normal from ``ctx.station`` at the insertion time, so
  nodal regression during the ascent is allowed for), with yaw steering that drives the
  out-of-plane position and velocity to zero at cutoff (left there by the Earth's rotation
  and the pad's offset from the plane). The launch azimuth (Earth-relative) comes from the
  station's inclination, the pad's latitude and the Earth's rotation.
- **Integration.** Classical RK4 on floats, equal steps of at most ``step_s`` inside each
  interval between events and guidance switches, so that every discontinuity is a step
  boundary; samples every ``sample_every_s`` and at every such boundary.

Loss budget (``info``), integrated with the trajectory, in km/s:
``ideal_dv = ∫F/m dt``; ``gravity_loss = −∫ v̂·g dt`` (= ∫g·sin γ dt for central gravity);
``drag_loss = ∫(D/m)(v̂·v̂_rel) dt`` (∫D/m dt with drag projected on the flight direction);
``steering_loss = ∫(F/m)(1 − cos α) dt``, α the angle between thrust and inertial velocity.
Then ``ideal − gravity − drag − steering = |v_end| − |v_start|`` exactly (up to integration
error). Inertial velocity is used throughout, so the steering loss includes the early
phase where thrust is vertical and the inertial velocity (the Earth's rotation) horizontal.

Insertion altitudes (``info["insertion"]``) are osculating perigee and apogee radii minus the
geocentric radius of the WGS 84 ellipsoid in each apsis's direction (so "200 km" means 200 km
above the ground beneath the perigee); the values above the equatorial radius are given too.
"""

from __future__ import annotations

import bisect
import math

import numpy as np

from orbitviz.core import atmosphere
from orbitviz.core.assets import load_toml
from orbitviz.core.constants import (G0_M_S2, MU_EARTH_KM3_S2, OMEGA_EARTH_RAD_S,
                                     R_EARTH_EQ_KM, WGS84_F)
from orbitviz.core.geodesy import (R_EARTH_MEAN_KM, ellipsoid_radius_km, geodetic_to_itrs,
                                   itrs_to_geodetic)
from orbitviz.core.models.base import ModelContext, ModelResult
from orbitviz.core.models.dynamics import gravity_j2, integrate, orbit_elements, rk4_step
from orbitviz.core.trajectory import Trajectory

ASSET = ("mission", "soyuz-2.1a.toml")
_P0_PA = 101325.0


def load_params() -> dict:
    """The vehicle and guidance figures from ``assets/mission/soyuz-2.1a.toml``."""
    return load_toml(*ASSET)


# --- small vector helpers on tuples (kept local: the integrator runs on floats) -----------
def _dot(a, b):
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross(a, b):
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _unit(a):
    n = math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2])
    return (a[0] / n, a[1] / n, a[2] / n)


class _Segment:
    """One interval between events/switches: configuration constant inside it."""

    __slots__ = ("t0", "t1", "m0", "mdot", "f_vac_n", "ae_m2", "area_m2", "mode",
                 "tan0", "rate", "t_ref", "stage")

    def __init__(self, t0, t1):
        self.t0 = t0
        self.t1 = t1
        self.tan0 = 0.0
        self.rate = 0.0
        self.t_ref = t0


class _AscentModel:
    """Builds the vehicle's staging plan from the parameters and integrates it."""

    def __init__(self, ctx: ModelContext, params: dict):
        self.ctx = ctx
        self.p = params
        ev = ctx.events
        self.t_les = float(ev["les-jettison"])
        self.t_bs = float(ev["booster-separation"])
        self.t_fs = float(ev["fairing-separation"])
        self.t_cs = float(ev["core-separation"])
        self.t_aft = float(ev["third-stage-aft-jettison"])
        self.t_cut = float(ev["third-stage-cutoff"])
        self.t_ins = float(ev["orbit-insertion"])  # spacecraft separation
        if not (0.0 < self.t_les <= self.t_bs < self.t_fs < self.t_cs < self.t_aft
                < self.t_cut <= self.t_ins):
            raise ValueError("ascent events out of order")
        g = params["guidance"]
        self.t_v = float(g["vertical_rise_s"])
        self.t_po = self.t_v + float(g["pitch_over_s"])
        self.kick = math.radians(float(g["kick_deg"]))
        self.core_rate = float(g["core_rate_per_s"])
        self.core_tan_step = float(g.get("core_tan_step", 0.0))
        self.third_rate = float(g["third_rate_per_s"])
        self.third_tan_step = float(g.get("third_tan_step", 0.0))
        self.sin_yaw_max = math.sin(math.radians(float(g["yaw_max_deg"])))
        self.yaw_hold = float(g["yaw_hold_s"])
        self.step = float(params["integration"]["step_s"])
        self.sample_every = float(params["integration"]["sample_every_s"])
        aero = params["aero"]
        self.mach_tab = [float(x) for x in aero["mach"]]
        self.cd_tab = [float(x) for x in aero["cd"]]

        # Earth orientation (constant over ten minutes to < 1e-9 rad)
        self.pole = tuple(float(x) for x in ctx.eo.pole_gcrs(0.0))
        self.omega = tuple(OMEGA_EARTH_RAD_S * x for x in self.pole)

        # pad: geodetic -> ITRS -> GCRS at lift-off, at rest on the rotating Earth
        pad = ctx.sites["pad"]
        self.pad_itrs = geodetic_to_itrs(pad["lat_deg"], pad["lon_deg"], pad["alt_km"])
        r0 = ctx.eo.itrs_to_gcrs_position(self.pad_itrs, 0.0)
        self.r0 = tuple(float(x) for x in r0)
        self.v0 = _cross(self.omega, self.r0)

        # target plane: the station's orbit normal at insertion
        rs, vs = ctx.station(self.t_ins)
        n = np.cross(np.asarray(rs, float), np.asarray(vs, float))
        self.n_hat = tuple(float(x) for x in n / np.linalg.norm(n))
        self.azimuth_rad = self._launch_azimuth(float(g["insertion_speed_for_azimuth_km_s"]))
        self._plan()

    # -- launch azimuth ----------------------------------------------------------------
    def _launch_azimuth(self, v_ins_km_s: float) -> float:
        """Earth-relative azimuth (rad from north) of the station's plane over the pad,
        on its ascending (north-eastward) pass, corrected for the Earth's rotation."""
        cos_i = _dot(self.n_hat, self.pole)
        rhat = _unit(self.r0)
        sin_lat = _dot(rhat, self.pole)
        cos_lat = math.sqrt(1.0 - sin_lat * sin_lat)
        s = max(-1.0, min(1.0, cos_i / cos_lat))
        beta_i = math.asin(s)
        v_east_earth = OMEGA_EARTH_RAD_S * math.sqrt(_dot(self.r0, self.r0)) * cos_lat
        return math.atan2(v_ins_km_s * math.sin(beta_i) - v_east_earth,
                          v_ins_km_s * math.cos(beta_i))

    # -- staging plan ------------------------------------------------------------------
    def _plan(self):
        p = self.p
        b, c, s3 = p["boosters"], p["core"], p["third_stage"]
        nb = int(b["count"])
        k_fin = float(b["final_throttle"])
        self.t_bt = self.t_bs - float(b["final_throttle_s"])  # boosters step down
        mdot_b = b["thrust_vac_kN"] * 1e3 / (G0_M_S2 * b["isp_vac_s"])
        mdot_h2o2 = b["peroxide_kg"] / self.t_bs
        ae_b = (b["thrust_vac_kN"] - b["thrust_sl_kN"]) * 1e3 / _P0_PA
        burnt_b = (mdot_b * (self.t_bt + k_fin * (self.t_bs - self.t_bt))
                   + b["peroxide_kg"])
        mdot_c = c["thrust_vac_kN"] * 1e3 / (G0_M_S2 * c["isp_vac_s"])
        ae_c = (c["thrust_vac_kN"] - c["thrust_sl_kN"]) * 1e3 / _P0_PA
        # the core's turbopump runs on hydrogen peroxide, like the boosters': the part of
        # its loaded mass not burnt in the chambers ("remainder"), or a figure, consumed
        # at a constant rate to separation (see the TOML)
        perox_c = c.get("peroxide_kg", 0.0)
        if perox_c == "remainder":
            perox_c = max(0.0, c["loaded_mass_kg"] - mdot_c * self.t_cs)
        self.core_peroxide_kg = float(perox_c)
        mdot_h2o2_c = self.core_peroxide_kg / self.t_cs
        burnt_c = mdot_c * self.t_cs + self.core_peroxide_kg
        mdot_3 = s3["thrust_vac_kN"] * 1e3 / (G0_M_S2 * s3["isp_vac_s"])
        burnt_3 = mdot_3 * (self.t_cut - self.t_cs)
        for name, stage, burnt in (("booster", b, burnt_b), ("core", c, burnt_c),
                                   ("third-stage", s3, burnt_3)):
            if burnt > stage["loaded_mass_kg"]:
                raise ValueError(f"{name} propellant runs out before its staging event")
        self.residuals_kg = {
            "booster_each": b["loaded_mass_kg"] - burnt_b,
            "core": c["loaded_mass_kg"] - burnt_c,
            "third_stage": s3["loaded_mass_kg"] - burnt_3,
        }
        m_sc = p["spacecraft"]["mass_kg"]
        m_les = p["escape_tower"]["mass_kg"]
        m_fair = p["fairing"]["mass_kg"]
        m_aft = s3["aft_section_mass_kg"]
        self.liftoff_mass_kg = (nb * (b["dry_mass_kg"] + b["loaded_mass_kg"])
                                + c["dry_mass_kg"] + c["loaded_mass_kg"]
                                + s3["dry_mass_kg"] + s3["loaded_mass_kg"]
                                + m_sc + m_les + m_fair)
        t_aft = self.t_aft
        drops = {self.t_bs: nb * (b["dry_mass_kg"] + b["loaded_mass_kg"] - burnt_b),
                 self.t_cs: c["dry_mass_kg"] + c["loaded_mass_kg"] - burnt_c,
                 t_aft: m_aft}
        drops[self.t_les] = drops.get(self.t_les, 0.0) + m_les
        drops[self.t_fs] = drops.get(self.t_fs, 0.0) + m_fair
        cuts = sorted({0.0, self.t_v, self.t_po, self.t_bt, self.t_les, self.t_bs, self.t_fs,
                       self.t_cs, t_aft, self.t_cut, self.t_ins})
        cuts = [t for t in cuts if 0.0 <= t <= self.t_ins]
        area_all = math.pi / 4.0 * (c["diameter_m"] ** 2 + nb * b["diameter_m"] ** 2)
        area_fair = math.pi / 4.0 * p["fairing"]["diameter_m"] ** 2
        area_core = math.pi / 4.0 * c["diameter_m"] ** 2
        area_3 = math.pi / 4.0 * s3["diameter_m"] ** 2
        segs = []
        m = self.liftoff_mass_kg
        for t0, t1 in zip(cuts[:-1], cuts[1:]):
            m -= drops.get(t0, 0.0)
            sg = _Segment(t0, t1)
            sg.m0 = m
            if t0 < self.t_bs:
                k = 1.0 if t0 < self.t_bt else k_fin
                sg.f_vac_n = (nb * k * b["thrust_vac_kN"] + c["thrust_vac_kN"]) * 1e3
                sg.ae_m2 = nb * ae_b + ae_c
                sg.mdot = nb * (k * mdot_b + mdot_h2o2) + mdot_c + mdot_h2o2_c
                sg.area_m2 = area_all
                sg.stage = "boosters+core"
            elif t0 < self.t_cs:
                sg.f_vac_n = c["thrust_vac_kN"] * 1e3
                sg.ae_m2 = ae_c
                sg.mdot = mdot_c + mdot_h2o2_c
                sg.area_m2 = area_fair if t0 < self.t_fs else area_core
                sg.stage = "core"
            elif t0 >= self.t_cut:
                # third-stage cutoff to spacecraft separation: coasting, stage attached
                sg.f_vac_n = 0.0
                sg.ae_m2 = 0.0
                sg.mdot = 0.0
                sg.area_m2 = area_3
                sg.stage = "coast"
            else:
                sg.f_vac_n = s3["thrust_vac_kN"] * 1e3
                sg.ae_m2 = 0.0
                sg.mdot = mdot_3
                sg.area_m2 = area_3
                sg.stage = "third"
            if t0 < self.t_v:
                sg.mode = "vertical"
            elif t0 < self.t_po:
                sg.mode = "pitch"
            elif t0 < self.t_bs:
                sg.mode = "gturn"
            else:
                sg.mode = "lt"
            m -= sg.mdot * (t1 - t0)
            segs.append(sg)
        self.segments = segs
        self.insertion_mass_kg = m

    # -- physics -------------------------------------------------------------------------
    def _cd(self, mach):
        tab = self.mach_tab
        if mach <= tab[0]:
            return self.cd_tab[0]
        if mach >= tab[-1]:
            return self.cd_tab[-1]
        i = bisect.bisect_right(tab, mach) - 1
        f = (mach - tab[i]) / (tab[i + 1] - tab[i])
        return self.cd_tab[i] + f * (self.cd_tab[i + 1] - self.cd_tab[i])

    def _forces(self, t, s, sg):
        """Everything at (t, state) in segment ``sg``: returns
        (g, thrust_acc_km_s2, u, drag_acc_km_s2, vrel_hat, q_pa)."""
        x, y, z, vx, vy, vz = s[0], s[1], s[2], s[3], s[4], s[5]
        pole = self.pole
        g = gravity_j2(x, y, z, pole)
        r = math.sqrt(x * x + y * y + z * z)
        rhat = (x / r, y / r, z / r)
        sin_phi = _dot(rhat, pole)
        alt = r - R_EARTH_EQ_KM * (1.0 - WGS84_F * sin_phi * sin_phi)
        _, p_pa, rho, a_snd = atmosphere.properties(alt)
        w = self.omega
        vrel = (vx - (w[1] * z - w[2] * y), vy - (w[2] * x - w[0] * z),
                vz - (w[0] * y - w[1] * x))
        vrel_n = math.sqrt(_dot(vrel, vrel))
        vrel_hat = (vrel[0] / vrel_n, vrel[1] / vrel_n, vrel[2] / vrel_n) if vrel_n > 0 else rhat
        m = sg.m0 - sg.mdot * (t - sg.t0)
        thrust_n = sg.f_vac_n - p_pa * sg.ae_m2
        at = thrust_n / m * 1e-3  # km/s^2
        v_m_s = vrel_n * 1e3
        q = 0.5 * rho * v_m_s * v_m_s
        drag_n = q * self._cd(v_m_s / a_snd) * sg.area_m2
        ad = drag_n / m * 1e-3
        u = self._steer(t, sg, rhat, r, s, vrel_hat, at, g)
        return g, at, u, ad, vrel_hat, q

    def _steer(self, t, sg, rhat, r, s, vrel_hat, at, g):
        mode = sg.mode
        if mode == "gturn":
            return vrel_hat
        if mode in ("vertical", "pitch"):
            # local vertical of the rotating Earth: against apparent gravity (gravity with
            # J2, minus the centrifugal term), so the rise stays on the plumb line
            w = self.omega
            wxr = _cross(w, s[:3])
            cen = _cross(w, wxr)
            up = _unit((cen[0] - g[0], cen[1] - g[1], cen[2] - g[2]))
            if mode == "vertical":
                return up
            east = _unit(_cross(self.pole, up))
            north = _cross(up, east)
            rhat = up
            th = self.kick * (t - self.t_v) / (self.t_po - self.t_v)
            ca, sa = math.cos(self.azimuth_rad), math.sin(self.azimuth_rad)
            ct, st = math.cos(th), math.sin(th)
            return tuple(ct * rhat[k] + st * (ca * north[k] + sa * east[k]) for k in range(3))
        # linear-tangent pitch in the target plane, with yaw steering onto the plane
        n = self.n_hat
        h = _unit(_cross(n, rhat))
        wv = _cross(rhat, h)
        chi = math.atan(sg.tan0 + sg.rate * (t - sg.t_ref))
        cc, sc = math.cos(chi), math.sin(chi)
        rn = r * _dot(rhat, n)
        vn = s[3] * n[0] + s[4] * n[1] + s[5] * n[2]
        tgo = max(self.t_cut - t, self.yaw_hold)
        a_cmd = -6.0 * rn / (tgo * tgo) - 4.0 * vn / tgo + MU_EARTH_KM3_S2 * rn / (r * r * r)
        sy = a_cmd / (at * cc) if at * cc > 0 else 0.0
        sy = max(-self.sin_yaw_max, min(self.sin_yaw_max, sy))
        cy = math.sqrt(1.0 - sy * sy)
        return tuple(sc * rhat[k] + cc * (cy * h[k] + sy * wv[k]) for k in range(3))

    def _deriv_for(self, sg):
        forces = self._forces

        def f(t, s):
            g, at, u, ad, vrel_hat, _ = forces(t, s, sg)
            vx, vy, vz = s[3], s[4], s[5]
            vn = math.sqrt(vx * vx + vy * vy + vz * vz)
            vh = (vx / vn, vy / vn, vz / vn)
            ax = g[0] + at * u[0] - ad * vrel_hat[0]
            ay = g[1] + at * u[1] - ad * vrel_hat[1]
            az = g[2] + at * u[2] - ad * vrel_hat[2]
            return (vx, vy, vz, ax, ay, az,
                    at,                                   # ideal dv
                    -_dot(vh, g),                         # gravity loss
                    ad * _dot(vh, vrel_hat),              # drag loss
                    at * (1.0 - _dot(u, vh)))             # steering loss

        return f

    def _aux(self, t, s, sg):
        """(dynamic pressure Pa, non-gravitational load in g) at (t, s)."""
        g, at, u, ad, vrel_hat, q = self._forces(t, s, sg)
        a = [at * u[k] - ad * vrel_hat[k] for k in range(3)]
        return q, math.sqrt(_dot(a, a)) * 1e3 / G0_M_S2

    def _enter(self, sg, s):
        """Fix a segment's guidance constants from the state at its start."""
        if sg.mode != "lt":
            return
        if sg.t0 == self.t_bs:
            # continue the gravity turn's elevation: thrust was along v_rel
            prev = self.segments[self.segments.index(sg) - 1]
            _, _, u, _, _, _ = self._forces(sg.t0, s, prev)
            rhat = _unit(s[:3])
            el = math.asin(max(-1.0, min(1.0, _dot(u, rhat))))
            sg.tan0 = math.tan(el) + self.core_tan_step
            sg.rate, sg.t_ref = self.core_rate, self.t_bs
        elif sg.t0 == self.t_cs:
            prev = self.segments[self.segments.index(sg) - 1]
            tan_end = prev.tan0 + prev.rate * (self.t_cs - prev.t_ref)
            sg.tan0 = tan_end + self.third_tan_step
            sg.rate, sg.t_ref = self.third_rate, self.t_cs
        else:
            prev = self.segments[self.segments.index(sg) - 1]
            sg.tan0, sg.rate, sg.t_ref = prev.tan0, prev.rate, prev.t_ref

    # -- integration -----------------------------------------------------------------------
    def run(self):
        s = self.r0 + self.v0 + (0.0, 0.0, 0.0, 0.0)
        times, states, seg_of = [0.0], [s], [0]
        max_q, max_q_t, peak_load, peak_load_t = 0.0, 0.0, 0.0, 0.0
        self.seg_start_index = []
        self.booster_sep_state = None
        for j, sg in enumerate(self.segments):
            self._enter(sg, s)
            self.seg_start_index.append(len(times) - 1)
            seg_t, seg_s = integrate(self._deriv_for(sg), sg.t0, s, sg.t1, self.step)
            # dynamic pressure and load at every node of the segment (its end before any drop)
            for t, st in zip(seg_t, seg_s):
                q, load = self._aux(t, st, sg)
                if q > max_q:
                    max_q, max_q_t = q, t
                if load > peak_load:
                    peak_load, peak_load_t = load, t
            times.extend(seg_t[1:])
            states.extend(seg_s[1:])
            seg_of.extend([j] * (len(seg_t) - 1))
            s = seg_s[-1]
            if sg.t1 == self.t_bs:
                self.booster_sep_state = s
        self.times, self.states, self.seg_of = times, states, seg_of
        self.max_q, self.max_q_t = max_q, max_q_t
        self.peak_load, self.peak_load_t = peak_load, peak_load_t
        return times, states

    def evaluate(self, met_s: float):
        """(r_gcrs_km, v_gcrs_km_s) at ``met_s`` by the integrator itself: one RK4 step
        (shorter than ``step_s``) from the last integration step before ``met_s``."""
        t = float(met_s)
        if not self.times[0] <= t <= self.times[-1]:
            raise ValueError(f"met {t} s outside the ascent")
        i = bisect.bisect_right(self.times, t) - 1
        if i >= len(self.times) - 1:
            i = len(self.times) - 2
        t0 = self.times[i]
        s = self.states[i]
        if t > t0:
            sg = self.segments[self.seg_of[i + 1]]
            s = rk4_step(self._deriv_for(sg), t0, s, t - t0)
        return np.array(s[:3]), np.array(s[3:6])


def _insertion_summary(model: _AscentModel, r, v):
    """Osculating orbit at cutoff. Perigee and apogee altitudes are above the WGS 84
    ellipsoid beneath each apsis (the apsis radius minus the ellipsoid's geocentric radius
    in that direction); the ``*_eq_km`` variants are above the equatorial radius."""
    a, e, inc, hp_eq, ha_eq = orbit_elements(r, v)
    mu = MU_EARTH_KM3_S2
    h = np.cross(r, v)
    evec = np.cross(v, h) / mu - r / np.linalg.norm(r)
    h /= np.linalg.norm(h)
    pole = np.asarray(model.pole)
    e_hat = evec / np.linalg.norm(evec)
    hp = a * (1.0 - e) - ellipsoid_radius_km(float(np.dot(e_hat, pole)))
    ha = a * (1.0 + e) - ellipsoid_radius_km(float(np.dot(-e_hat, pole)))
    plane = math.degrees(math.acos(max(-1.0, min(1.0, float(h @ np.asarray(model.n_hat))))))
    rhat = r / np.linalg.norm(r)
    fpa = math.degrees(math.asin(float(rhat @ v) / float(np.linalg.norm(v))))
    inc_true = math.degrees(math.acos(float(h @ pole)))
    return {"perigee_alt_km": float(hp), "apogee_alt_km": float(ha),
            "speed_km_s": float(np.linalg.norm(v)),
            "plane_angle_to_station_deg": plane,
            "flight_path_angle_deg": fpa,
            "inclination_deg": inc_true,
            "semi_major_axis_km": float(a), "eccentricity": float(e),
            "perigee_alt_eq_km": float(hp_eq), "apogee_alt_eq_km": float(ha_eq),
            "altitudes_above": "WGS 84 ellipsoid beneath each apsis (*_eq_km: equatorial radius)"}


def simulate_ascent(ctx: ModelContext, params: dict | None = None) -> ModelResult:
    """The Soyuz-2.1a ascent from lift-off (met 0, on the pad) to spacecraft separation
    (``ctx.events['orbit-insertion']``), as a :class:`ModelResult` in GCRS.

    ``params`` defaults to :func:`load_params` (``assets/mission/soyuz-2.1a.toml``).
    """
    params = params if params is not None else load_params()
    model = _AscentModel(ctx, params)
    times, states = model.run()

    # cache samples: every sample_every_s and at every boundary
    bounds = {sg.t0 for sg in model.segments} | {model.segments[-1].t1}
    keep, last = [], -1e9
    for i, t in enumerate(times):
        if t in bounds or t - last >= model.sample_every - 1e-9:
            keep.append(i)
            last = t
    met = np.array([times[i] for i in keep])
    arr = np.array([states[i][:6] for i in keep])
    traj = Trajectory(met, arr[:, :3], arr[:, 3:6])

    end = states[-1]
    r_end, v_end = np.array(end[:3]), np.array(end[3:6])
    ideal, grav, drag, steer = end[6], end[7], end[8], end[9]

    # ground track: geodetic position and downrange (great circle from the pad)
    r_itrs = ctx.eo.gcrs_to_itrs_position(arr[:, :3], met)
    lat, lon, alt = itrs_to_geodetic(r_itrs)
    u_pad = model.pad_itrs / np.linalg.norm(model.pad_itrs)
    u_all = r_itrs / np.linalg.norm(r_itrs, axis=1)[:, None]
    downrange = R_EARTH_MEAN_KM * np.arccos(np.clip(u_all @ u_pad, -1.0, 1.0))

    bs = model.booster_sep_state
    bs_itrs = ctx.eo.gcrs_to_itrs_position(np.array(bs[:3]), model.t_bs)
    bs_alt = float(itrs_to_geodetic(bs_itrs)[2])
    w = np.asarray(model.omega)
    bs_vrel = np.array(bs[3:6]) - np.cross(w, np.array(bs[:3]))

    info = {
        "model": "point-mass ascent, RK4; figures from assets/mission/soyuz-2.1a.toml",
        "launch_azimuth_deg": math.degrees(model.azimuth_rad),
        "peak_load_g": model.peak_load,
        "peak_load_met_s": model.peak_load_t,
        "max_q_pa": model.max_q,
        "max_q_met_s": model.max_q_t,
        "ideal_dv_km_s": ideal,
        "gravity_loss_km_s": grav,
        "drag_loss_km_s": drag,
        "steering_loss_km_s": steer,
        "total_loss_km_s": grav + drag + steer,
        "speed_start_km_s": float(np.linalg.norm(model.v0)),
        "speed_end_km_s": float(np.linalg.norm(v_end)),
        "insertion": _insertion_summary(model, r_end, v_end),
        "insertion_r_gcrs_km": r_end,
        "insertion_v_gcrs_km_s": v_end,
        "insertion_lat_deg": float(lat[-1]),
        "insertion_lon_deg": float(lon[-1]),
        "insertion_geodetic_alt_km": float(alt[-1]),
        "insertion_downrange_km": float(downrange[-1]),
        "booster_separation_alt_km": bs_alt,
        "booster_separation_speed_rel_km_s": float(np.linalg.norm(bs_vrel)),
        "liftoff_mass_kg": model.liftoff_mass_kg,
        "insertion_mass_kg": model.insertion_mass_kg,
        "propellant_residuals_kg": dict(model.residuals_kg),
        "samples_geodetic": {"met_s": met, "lat_deg": lat, "lon_deg": lon, "alt_km": alt,
                             "downrange_km": downrange},
        "staging_met_s": sorted(bounds),
    }
    return ModelResult(trajectory=traj, phases=[(0.0, "ascent")], events={},
                       evaluate=model.evaluate, info=info)


__all__ = ["simulate_ascent", "load_params"]
