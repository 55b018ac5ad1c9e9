"""Fit the ascent's pitch program to its insertion targets and write it into the asset.

Usage (from the repository root)::

    .venv/bin/python tools/tune_ascent.py          # fit and rewrite the four lines
    .venv/bin/python tools/tune_ascent.py --dry    # fit and print only

Unknowns (``[guidance]`` in ``assets/mission/soyuz-2.1a.toml``): the pitch-over ``kick_deg``,
the linear-tangent rates ``core_rate_per_s`` and ``third_rate_per_s`` and the step in
``tan χ`` at third-stage ignition ``third_tan_step`` (four unknowns, three targets: the damped
solver settles on a nearby solution). Targets (same
table): perigee and apogee altitudes and the flight path angle at cutoff; as the cutoff is
placed at (just past) perigee, the fit uses smooth stand-ins: the geodetic altitude at cutoff
(= perigee altitude), the semi-major axis (= local ellipsoid radius + the mean of the two
altitudes) and the flight path angle. Start it near a solution (the values in the file). Method: damped Gauss–Newton (Levenberg–Marquardt) with forward-difference
Jacobians of :func:`orbitviz.core.models.ascent.simulate_ascent` (about 30 ms a run).
The launch azimuth and the yaw steering are computed by the model itself at run time.
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
from orbitviz.core.mission import build_context  # noqa: E402
from orbitviz.core.models.ascent import ASSET, load_params, simulate_ascent  # noqa: E402

KEYS = ("kick_deg", "core_rate_per_s", "third_tan_step", "third_rate_per_s")
STEPS = np.array([0.01, 1e-5, 1e-4, 1e-5])  # finite-difference steps per unknown
SCALE = np.array([1.0, 1.0, 0.05])  # km, km, deg: residual weights


def residuals(ctx, base, x):
    p = copy.deepcopy(base)
    for k, v in zip(KEYS, x):
        p["guidance"][k] = float(v)
    info = simulate_ascent(ctx, p).info
    g = base["guidance"]
    ins = info["insertion"]
    # smooth stand-ins for (perigee, apogee, flight-path angle), the cutoff being placed at
    # perigee: altitude at cutoff, semi-major axis, flight-path angle
    alt = info["insertion_geodetic_alt_km"]
    r_local = float(np.linalg.norm(info["insertion_r_gcrs_km"])) - alt
    hp, ha = g["target_perigee_alt_km"], g["target_apogee_alt_km"]
    r = np.array([alt - hp,
                  ins["semi_major_axis_km"] - (r_local + 0.5 * (hp + ha)),
                  ins["flight_path_angle_deg"] - g["target_flight_path_deg"]])
    return r / SCALE, info


def fit(ctx, base, x0, iterations=60):
    x = np.array(x0, dtype=float)
    r, info = residuals(ctx, base, x)
    lam = 1e-2
    for it in range(iterations):
        cost = float(r @ r)
        print(f"{it:2d} x={x} cost={cost:.3g}")
        if cost < 1e-4:
            break
        jac = np.empty((3, len(KEYS)))
        for j in range(len(KEYS)):
            dx = np.zeros(len(KEYS))
            dx[j] = STEPS[j]
            jac[:, j] = (residuals(ctx, base, x + dx)[0] - r) / STEPS[j]
        while True:
            a = jac.T @ jac
            damp = lam * np.diag(np.diag(a)) + 1e-9 * np.eye(len(KEYS))
            step = -np.linalg.solve(a + damp, jac.T @ r)
            xn = x + step
            xn[0] = max(xn[0], 0.5)
            rn, infon = residuals(ctx, base, xn)
            if np.all(np.isfinite(rn)) and float(rn @ rn) < cost:
                x, r, info = xn, rn, infon
                lam = max(lam / 3.0, 1e-6)
                break
            lam *= 4.0
            if lam > 1e8:
                return x, info
    return x, info


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
    x0 = [base["guidance"][k] for k in KEYS]
    x, info = fit(ctx, base, x0)
    ins = info["insertion"]
    print(f"perigee {ins['perigee_alt_km']:.2f} km, apogee {ins['apogee_alt_km']:.2f} km, "
          f"fpa {ins['flight_path_angle_deg']:.3f} deg, speed {ins['speed_km_s']:.4f} km/s, "
          f"plane {ins['plane_angle_to_station_deg']:.4f} deg, losses "
          f"{info['total_loss_km_s']:.3f} km/s, peak {info['peak_load_g']:.2f} g")
    if "--dry" not in sys.argv:
        write(x)


if __name__ == "__main__":
    main()
