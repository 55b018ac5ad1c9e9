"""Solve Soyuz MS-19's rendezvous burns and write them into assets/mission/rendezvous.toml.

The rendezvous model (orbitviz/core/models/rendezvous.py) flies six finite burns at the
plan's times and engines; which way and how long each fires is found here, offline
(orbitviz/core/models/rendezvous_solver.py): the aim points by a Nelder-Mead search on an
impulsive model, then each finite burn by Newton's method. The separation state is the
ascent model's. The tool rewrites the ``[solved]`` block at the end of the TOML (the aim
points, each burn's Δv in the Soyuz's LVLH frame, and a table of the burns in comments).
Run it again after changing the ascent, the plan or any figure of the rendezvous:

    .venv/bin/python tools/solve_rendezvous.py            # search, solve and write
    .venv/bin/python tools/solve_rendezvous.py --dry-run  # search and solve, write nothing
    .venv/bin/python tools/solve_rendezvous.py --check    # quick: reproduce the stored block

``--check`` (a few seconds; a test runs it) starts from the stored aim points: it checks they
are a minimum of the search's cost (no step of a hundredth of the search's first step along
any coordinate lowers it), solves every finite burn again from impulsive starts (not from the
stored burns) and compares with what is stored; exit status 1 on any difference.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from orbitviz.core.assets import asset_path  # noqa: E402
from orbitviz.core.mission import build_context  # noqa: E402
from orbitviz.core.models.ascent import simulate_ascent  # noqa: E402
from orbitviz.core.models.rendezvous import ASSET, load_params  # noqa: E402
from orbitviz.core.models.rendezvous_solver import (BEGIN, ImpulsiveChain, compare,  # noqa: E402
                                                   solve, solved_block)


def insertion_state(ctx):
    """The ascent model's separation state ``(met_s, r_gcrs_km, v_gcrs_km_s)``."""
    asc = simulate_ascent(ctx)
    r, v = asc.trajectory.state(asc.end_s)
    return asc.end_s, r, v


def check(ctx, ins, params) -> list[str]:
    """The quick check (see the module docstring): a list of differences."""
    stored = params.get("solved", {})
    if "aim" not in stored:
        return ["rendezvous.toml has no [solved] table: run the tool without --check"]
    x = np.asarray(stored["aim"], dtype=float)
    chain = ImpulsiveChain(ctx, ins, params)
    chain.calibrate(x)
    c0 = chain.cost(x)
    tol = float(params["aim"]["optimiser_tolerance_m_s"]) * 1e-3
    msgs = []
    for i, h in enumerate(np.asarray(params["aim"]["guess_step"], dtype=float) * 0.01):
        for sgn in (-1.0, 1.0):
            xi = x.copy()
            xi[i] += sgn * h
            if chain.cost(xi) < c0 - tol:
                msgs.append(f"aim[{i}] is not at the minimum: a step of {sgn * h:+g} lowers "
                            f"the total by more than {tol * 1e3:g} m/s")
    result = solve_burns_only(ctx, ins, params, x)
    msgs += compare(result, stored)
    return msgs


def solve_burns_only(ctx, ins, params, x):
    """Finite burns for the aim points ``x`` (no search), from impulsive starts."""
    return solve(ctx, ins, params, x0=x, steps=np.zeros(len(x)), max_evals=0)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="solve and print, write nothing")
    mode.add_argument("--check", action="store_true",
                      help="quick: check that the stored block is what the solver finds")
    args = ap.parse_args(argv)
    _, ctx, _ = build_context()
    params = load_params()
    ins = insertion_state(ctx)
    if args.check:
        msgs = check(ctx, ins, params)
        for m in msgs:
            print(m, file=sys.stderr)
        if msgs:
            return 1
        print("rendezvous.toml [solved] reproduced")
        return 0
    params.pop("solved", None)
    result = solve(ctx, ins, params, verbose=True)
    distances = [_distance_at(ctx, ins, params, result, k) for k in range(6)]
    block = solved_block(result, params, ctx, distances)
    print(block)
    if args.dry_run:
        return 0
    path = asset_path(*ASSET)
    text = path.read_text(encoding="utf-8")
    head = text.split(BEGIN)[0].rstrip("\n") + "\n\n"
    path.write_text(head + block, encoding="utf-8")
    print(f"wrote {path}")
    return 0


def _distance_at(ctx, ins, params, result, k):
    """Distance (km) from the station at burn ``k``'s start, on the solved flight."""
    from orbitviz.core.models.rendezvous import fly_plan, arcs_state

    if "arcs" not in result:
        _, result["arcs"], _ = fly_plan(ctx, ins, params, result["aim"], use_stored=False)
    b = result["burns"][k]
    r, _ = arcs_state(result["arcs"], b.start_s)
    rs, _ = ctx.station(b.start_s)
    return float(np.linalg.norm(r - np.asarray(rs)))


if __name__ == "__main__":
    sys.exit(main())
