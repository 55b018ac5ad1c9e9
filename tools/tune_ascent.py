"""Fit the ascent's guidance to its targets and write it into the asset.

Usage (from the repository root)::

    .venv/bin/python tools/tune_ascent.py          # fit and rewrite the tuned lines
    .venv/bin/python tools/tune_ascent.py --dry    # fit and print only

Unknowns (``[guidance]`` in ``assets/mission/soyuz-2.1a.toml``, all modelled guidance): the
pitch-over ``kick_deg``; the steps in ``tan χ`` at booster separation (``core_tan_step``) and at
third-stage ignition (``third_tan_step``); the linear-tangent rates ``core_rate_per_s`` and
``third_rate_per_s``. Targets (``target_*`` in the same table): the geodetic altitudes at
booster and core separation, and the perigee and apogee of the osculating orbit of the GCRS
state at ``target_elements_met_s`` (T+560 s, after a two-body + J2 coast from separation),
measured above the equatorial radius (6,378.137 km), as the issue and the published insertion
orbit (199.84 x 242.69 km) have them. Five unknowns, four targets: damped Gauss-Newton
(Levenberg-Marquardt) with forward-difference Jacobians settles on the solution nearest its
start (the values in the file). Stage figures are not touched. About 40 ms a run.
"""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from orbitviz.core.assets import asset_path  # noqa: E402
from orbitviz.core.geodesy import itrs_to_geodetic  # noqa: E402
from orbitviz.core.mission import build_context  # noqa: E402
from orbitviz.core.models.ascent import ASSET, load_params, simulate_ascent  # noqa: E402
from orbitviz.core.models.dynamics import coast_deriv, integrate, orbit_elements  # noqa: E402

KEYS = ("kick_deg", "core_tan_step", "core_rate_per_s", "third_tan_step", "third_rate_per_s")
STEPS = np.array([0.01, 1e-3, 1e-5, 1e-3, 1e-5])  # finite-difference steps per unknown


def measure(ctx, params) -> dict:
    """The figures the targets name, from one run of the model with ``params``."""
    res = simulate_ascent(ctx, params)
    g = params["guidance"]

    def alt(t):
        r, _ = res.trajectory.state(t)
        return float(itrs_to_geodetic(ctx.eo.gcrs_to_itrs_position(r, t))[2])

    t0 = res.end_s
    r, v = res.trajectory.state(t0)
    pole = tuple(float(c) for c in ctx.eo.pole_gcrs(t0))
    t1 = float(g["target_elements_met_s"])
    _, states = integrate(coast_deriv(pole), t0, tuple(r) + tuple(v), t1, 2.0)
    s = states[-1]
    _, _, _, hp, ha = orbit_elements(s[:3], s[3:6])
    return {"booster_alt_km": alt(ctx.events["booster-separation"]),
            "core_alt_km": alt(ctx.events["core-separation"]),
            "perigee_km": hp, "apogee_km": ha, "info": res.info}


def residuals(ctx, base, x):
    p = copy.deepcopy(base)
    for k, v in zip(KEYS, x):
        p["guidance"][k] = float(v)
    m = measure(ctx, p)
    g = base["guidance"]
    r = np.array([m["booster_alt_km"] - g["target_booster_separation_alt_km"],
                  m["core_alt_km"] - g["target_core_separation_alt_km"],
                  m["perigee_km"] - g["target_perigee_alt_km"],
                  m["apogee_km"] - g["target_apogee_alt_km"]])
    return r, m


def fit(ctx, base, x0, iterations=60):
    x = np.array(x0, dtype=float)
    r, m = residuals(ctx, base, x)
    lam = 1e-2
    for it in range(iterations):
        cost = float(r @ r)
        print(f"{it:2d} x={x} residuals(km)={np.round(r, 3)}")
        if cost < 1e-4:
            break
        jac = np.empty((len(r), len(KEYS)))
        for j in range(len(KEYS)):
            dx = np.zeros(len(KEYS))
            dx[j] = STEPS[j]
            jac[:, j] = (residuals(ctx, base, x + dx)[0] - r) / STEPS[j]
        while True:
            a = jac.T @ jac
            damp = lam * np.diag(np.diag(a)) + 1e-9 * np.eye(len(KEYS))
            xn = x - np.linalg.solve(a + damp, jac.T @ r)
            try:
                rn, mn = residuals(ctx, base, xn)
            except ValueError:
                rn = np.full_like(r, np.inf)
            if np.all(np.isfinite(rn)) and float(rn @ rn) < cost:
                x, r, m = xn, rn, mn
                lam = max(lam / 3.0, 1e-7)
                break
            lam *= 4.0
            if lam > 1e8:
                return x, m
    return x, m


def write(values):
    path = asset_path(*ASSET)
    text = path.read_text()
    for k, v in zip(KEYS, values):
        text, n = re.subn(rf"(?m)^{k} = .*$", f"{k} = {v:.9g}", text)
        if n != 1:
            raise SystemExit(f"cannot find '{k} = ' in {path}")
    path.write_text(text)
    print(f"wrote {path}")


def main():
    _, ctx, _ = build_context()
    base = load_params()
    x0 = [float(base["guidance"].get(k, 0.0)) for k in KEYS]
    x, m = fit(ctx, base, x0)
    info = m["info"]
    print(f"booster separation {m['booster_alt_km']:.2f} km, core separation "
          f"{m['core_alt_km']:.2f} km; at T+{base['guidance']['target_elements_met_s']:g} s "
          f"{m['perigee_km']:.2f} x {m['apogee_km']:.2f} km above 6378.137 km; plane "
          f"{info['insertion']['plane_angle_to_station_deg']:.4f} deg; losses "
          f"{info['total_loss_km_s']:.3f} km/s; peak {info['peak_load_g']:.2f} g")
    if "--dry" not in sys.argv:
        write(x)


if __name__ == "__main__":
    main()
