"""The rendezvous solver: the aim points and burns of ``assets/mission/rendezvous.toml``.

Run by ``tools/solve_rendezvous.py`` (offline: the search takes tens of seconds; the model
itself only flies and checks the stored burns). Two steps:

1. **Aim points** (nine coordinates, see the TOML's ``[aim]``) by the Nelder-Mead simplex
   (Nelder & Mead 1965) on the total Δv of an impulsive chain: from the Soyuz's coast to
   burn 1, each burn an impulse at its start onto the regression-corrected Lambert arc
   (:func:`rendezvous.lambert_j2`) to its aim point, burn 6 the impulse that stops it in the
   station's frame; penalties keep every arc's perigee above the floor, each burn within its
   ``max_dv_m_s`` and the close aim points below the V-bar.
2. **Finite burns**: :func:`rendezvous.fly_plan` from impulsive (Lambert) starts, Newton's
   method on each burn's Δv vector until its finite burn and coast reach the aim (burn 6:
   until the Soyuz is at rest in the station's frame at its end).

:func:`solve` returns the figures the TOML stores; :func:`solved_block` writes them as TOML
text; :func:`compare` checks a solution against the stored one (the tool's ``--check``).
"""

from __future__ import annotations

import math

import numpy as np

from orbitviz.core.constants import MU_EARTH_KM3_S2, R_EARTH_EQ_KM
from orbitviz.core.models.dynamics import Arc
from orbitviz.core.models.lambert import LambertError
from orbitviz.core.models.rendezvous import (StationFrame, aim_points, burn_times,
                                             coast_deriv, engines, fly_plan, lambert_j2,
                                             plan_weight)
from orbitviz.core.vectors import lvlh_matrix


def nelder_mead(f, x0, steps, tol: float, max_evals: int):
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


def _perigee_alt_km(r, v) -> float:
    """Osculating perigee height (km above the equatorial radius) of the state (r, v)."""
    rn = float(np.linalg.norm(r))
    energy = 0.5 * float(v @ v) - MU_EARTH_KM3_S2 / rn
    if energy >= 0.0:
        return math.inf
    a = -MU_EARTH_KM3_S2 / (2.0 * energy)
    h = np.cross(r, v)
    e = math.sqrt(max(0.0, 1.0 - float(h @ h) / (MU_EARTH_KM3_S2 * a)))
    return a * (1.0 - e) - R_EARTH_EQ_KM


class ImpulsiveChain:
    """The cheap model the aim points are searched with (see the module docstring)."""

    def __init__(self, ctx, insertion, params):
        self.params = params
        self.station = StationFrame(ctx.station)
        self.times = burn_times(params, ctx.axis)
        t_ins = float(insertion[0])
        self.pole = np.asarray(ctx.eo.pole_gcrs(t_ins), dtype=float)
        s0 = tuple(float(c) for c in insertion[1]) + tuple(float(c) for c in insertion[2]) \
            + (float(params["spacecraft"]["mass_kg"]),)
        arc, _ = Arc.integrate(coast_deriv(tuple(self.pole)), t_ins, s0, self.times[0],
                               float(params["integration"]["coast_step_s"]))
        self.r1 = np.asarray(arc.states[-1][:3])
        self.v1 = np.asarray(arc.states[-1][3:6])
        self.max_dv = [float(b["max_dv_m_s"]) * 1e-3 for b in params["burns"]]
        self.engines = engines(params)
        self.mass = float(params["spacecraft"]["mass_kg"])
        self.min_perigee = float(params["aim"]["min_perigee_alt_km"])
        a = params["aim"]
        self.plan_dv = [float(b[a["plan_flight"]]["dv_m_s"]) * 1e-3 for b in params["burns"]]
        self.plan_weight = float(a["plan_weight"])
        self.far_distances = [float(c) for c in a["far_distances_km"]]
        self.far_weight = float(a["far_weight_m_s_per_km2"]) * 1e-3
        self.shift = [np.zeros(3) for _ in range(5)]  # km: aim corrections for J2
        self.dvel = [np.zeros(3) for _ in range(5)]  # km/s: arrival-velocity corrections

    def _coast(self, r, v, t0, t1, step=10.0):
        if t1 <= t0:
            return r, v
        arc, _ = Arc.integrate(coast_deriv(tuple(self.pole)), t0, tuple(r) + tuple(v) + (1.0,),
                               t1, step)
        s = arc.states[-1]
        return np.asarray(s[:3]), np.asarray(s[3:6])

    def _pass(self, x, durations, integrate=False):
        """One pass of the chain; with ``integrate``, each arc is also flown under J2 and
        the corrections of its aim point and arrival velocity are updated."""
        out, perigees = [], []
        r, v, t = self.r1, self.v1, self.times[0]
        for k, (tk, pk, nk) in enumerate(aim_points(self.station, self.params, self.times, x)):
            tc = t + 0.5 * durations[k]  # the impulse at the burn's middle
            rc, vc = self._coast(r, v, t, tc)
            va, vb = lambert_j2(rc, vc, pk - self.shift[k], tk - tc, nk, self.pole)
            vb = vb + self.dvel[k]
            if integrate:
                r_end, v_end = self._coast(rc, va, tc, tk)
                self.shift[k] = self.shift[k] + (r_end - pk)
                self.dvel[k] = self.dvel[k] + (v_end - vb)
                vb = v_end
            out.append(va - vc)
            perigees.append(_perigee_alt_km(rc, va))
            r, v, t = pk, vb, tk
        rc, vc = self._coast(r, v, t, t + 0.5 * durations[5])
        out.append(self.station.rest_velocity(t + 0.5 * durations[5], rc) - vc)
        return out, perigees

    def _durations(self, dvs):
        mass, durations = self.mass, []
        for d, eng in zip(dvs, self.engines):
            # (capped: a guess far off may ask for more than an arc's length)
            durations.append(min(300.0, eng.duration_s(mass, float(np.linalg.norm(d)) * 1e3)))
            mass -= eng.mdot_kg_s * durations[-1]
        return durations

    def dvs(self, x):
        """Impulsive Δv vectors (km/s) of the six burns for aim coordinates ``x``, each at
        its burn's middle (the durations from a first pass with impulses at the starts), and
        the perigee heights of the arcs after burns 1-5 (km). Lambert arcs are two-body with
        the secular nodal regression removed; the J2 arcs' remaining miss and arrival velocity
        are carried as corrections from :meth:`calibrate`."""
        out, _ = self._pass(x, [0.0] * 6)
        return self._pass(x, self._durations(out))

    def calibrate(self, x, rounds: int = 4):
        """Fly every arc of the chain at ``x`` under J2 and update the corrections until
        the arcs meet their aims (a few rounds)."""
        for _ in range(rounds):
            try:
                out, _ = self.dvs(x)
                self._pass(x, self._durations(out), integrate=True)
            except LambertError:
                return

    def cost(self, x) -> float:
        """Total Δv (km/s), plus the plan's term and penalties (see the TOML's ``[aim]``)."""
        try:
            dvs, perigees = self.dvs(x)
        except LambertError:
            return 1.0
        mags = [float(np.linalg.norm(d)) for d in dvs]
        # the plan: each burn near the sister flight's figure (km/s-weighted squares)
        plan = sum((m - p) ** 2 / max(p, 1e-3) for m, p in zip(mags, self.plan_dv))
        penalty = self.plan_weight * plan
        for m, lim in zip(mags, self.max_dv):
            penalty += 1.0 * max(0.0, m - lim)
        for hp in perigees:
            penalty += 1e-3 * max(0.0, self.min_perigee - hp)
        # the plan's shape: the Soyuz chases the station from behind and below (every aim
        # in the quadrant behind and below it)
        for k in range(2):
            penalty += 1e-2 * (max(0.0, x[3 * k] + 5.0) + max(0.0, 5.0 - x[3 * k + 1]))
            # the plan's distances at burns 2 and 3, softly
            d = math.hypot(x[3 * k], x[3 * k + 1])
            penalty += self.far_weight * (d - self.far_distances[k]) ** 2
        for ang in x[6:9]:
            penalty += 1e-3 * (max(0.0, 2.0 - ang) + max(0.0, ang - 90.0))
        return sum(mags) + penalty


def solve(ctx, insertion, params, x0=None, steps=None, max_evals=None, verbose=False):
    """Aim points and finite burns for ``insertion``. ``x0``/``steps``/``max_evals`` default
    to the TOML's search settings (``[aim]``). Returns a dict: ``aim`` (9 floats),
    ``dv_lvlh_m_s`` (6 × 3, each in the Soyuz's LVLH frame at the burn's start), ``burns``
    (the :class:`~orbitviz.core.models.rendezvous.Burn` list), ``impulsive_dv_m_s``,
    ``evaluations`` and the targeting diagnostics."""
    a = params["aim"]
    chain = ImpulsiveChain(ctx, insertion, params)
    x = np.asarray(a["guess"] if x0 is None else x0, dtype=float)
    steps = np.asarray(a["guess_step"] if steps is None else steps, dtype=float)
    max_evals = int(a["optimiser_max_evaluations"] if max_evals is None else max_evals)
    tol = float(a["optimiser_tolerance_m_s"]) * 1e-3
    n, fx = 0, chain.cost(x)
    # outer rounds: correct the chain for J2 where it stands, search again with smaller
    # steps (the corrections change slowly with the aims)
    for scale in (1.0, 0.3, 0.1, 0.03) if max_evals > 0 else ():
        chain.calibrate(x)
        x, fx, ni = nelder_mead(chain.cost, x, steps * scale, tol, max_evals)
        n += ni
        if verbose:
            print(f"aim search (steps x{scale}): {ni} evaluations, total {fx * 1e3:.3f} m/s")
    chain.calibrate(x)
    imp, _ = chain.dvs(x)
    burns, arcs, tinfo = fly_plan(ctx, insertion, params, x, use_stored=False,
                                  dv_guess_gcrs=[d * 1e3 for d in imp])
    comps = []
    for b, k in zip(burns, range(6)):
        arc = next(ar for ar in arcs if ar.t0 == b.start_s)
        s = arc.states[0]
        basis = lvlh_matrix(np.asarray(s[:3]), np.asarray(s[3:6]))
        comps.append((basis @ b.dv_gcrs_m_s).tolist())
    return {"aim": [float(c) for c in x], "dv_lvlh_m_s": comps, "burns": burns, "arcs": arcs,
            "impulsive_dv_m_s": [float(np.linalg.norm(d)) * 1e3 for d in imp],
            "evaluations": n, "targeting": tinfo, "cost_m_s": chain.cost(x) * 1e3}


BEGIN = "# --- solved by tools/solve_rendezvous.py (do not edit by hand; rerun the tool) ---"


def solved_block(result: dict, params: dict, ctx, station_distances_km) -> str:
    """The TOML text of ``[solved]``, with a table of the burns in comments."""
    w = plan_weight(params, ctx.axis)
    lines = [BEGIN,
             f"# Plan weight w = {w:.4f} (see [plan]). Burns as flown from the ascent model's",
             "# separation state, beside the sister flights' planned figures ([K65], [K68]):",
             "#  burn  start (UTC)  T+       engine  thrust N  duration s (MS-18/22)"
             "   dv solved  dv MS-18/22 m/s   km to ISS (MS-18/22)"]
    for k, (b, bp) in enumerate(zip(result["burns"], params["burns"])):
        t = b.start_s
        hms = f"{int(t // 3600)}:{int(t % 3600 // 60):02d}:{int(t % 60):02d}"
        lines.append(
            f"#  {k + 1}     {ctx.axis.iso_utc(t, 0)[11:19]}     {hms}  {b.engine.name:6s}"
            f"  {b.engine.thrust_n:7.0f}   {b.duration_s:6.1f} ({bp['ms18']['duration_s']}/"
            f"{bp['ms22']['duration_s']})   {b.dv_m_s:8.2f}   {bp['ms18']['dv_m_s']}/"
            f"{bp['ms22']['dv_m_s']}   {station_distances_km[k]:7.2f} "
            f"({bp['ms18']['distance_km']}/{bp['ms22']['distance_km']})")
    total = sum(b.dv_m_s for b in result["burns"])
    lines.append(f"#  total dv solved {total:.2f} m/s; published MS-18 "
                 f"{sum(bp['ms18']['dv_m_s'] for bp in params['burns']):.2f}, MS-22 "
                 f"{sum(bp['ms22']['dv_m_s'] for bp in params['burns']):.2f} m/s")
    lines.append("[solved]")
    lines.append("aim = [" + ", ".join(f"{c:.6f}" for c in result["aim"]) + "]")
    lines.append("dv_lvlh_m_s = [")
    for c in result["dv_lvlh_m_s"]:
        lines.append("  [" + ", ".join(f"{x:.5f}" for x in c) + "],")
    lines.append("]")
    return "\n".join(lines) + "\n"


def compare(result: dict, stored: dict, aim_tol: float = 1e-3, dv_tol_m_s: float = 0.01):
    """Differences between a solution and the stored ``[solved]``: a list of one-line
    messages (empty when they agree: aim coordinates within ``aim_tol`` (km or deg), each
    Δv component within ``dv_tol_m_s``)."""
    msgs = []
    if "aim" not in stored or "dv_lvlh_m_s" not in stored:
        return ["rendezvous.toml has no [solved] table"]
    for i, (a, b) in enumerate(zip(result["aim"], stored["aim"])):
        if abs(a - b) > aim_tol:
            msgs.append(f"aim[{i}]: solved {a:.6f}, stored {b:.6f}")
    for k, (a, b) in enumerate(zip(result["dv_lvlh_m_s"], stored["dv_lvlh_m_s"])):
        d = max(abs(x - y) for x, y in zip(a, b))
        if d > dv_tol_m_s:
            msgs.append(f"burn {k + 1}: dv differs by {d:.4f} m/s from the stored one")
    return msgs


__all__ = ["solve", "solved_block", "compare", "nelder_mead", "ImpulsiveChain", "BEGIN",
           "engines"]
