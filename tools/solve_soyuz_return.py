"""Solve the Soyuz MS-18 entry guidance offline and write it into the return model's TOML.

The return model (orbitviz/core/models/soyuz_return.py) flies the entry with a bank angle
and one bank reversal. This script finds the bank angle and the reversal time that put the
touchdown on the landing estimate (Newton iterations on downrange and crossrange, a few
seconds of work, too slow for every cache build) and rewrites the two values
``bank_deg`` and ``reversal_after_ei_s`` in ``assets/mission/soyuz-ms-return.toml``.
Run it again after changing any other parameter of the return model:

    .venv/bin/python tools/solve_soyuz_return.py          # solve and write
    .venv/bin/python tools/solve_soyuz_return.py --dry-run
"""

from __future__ import annotations

import argparse
import re
import sys

from orbitviz.core.assets import asset_path
from orbitviz.core.mission import build_context
from orbitviz.core.models.soyuz_return import (PARAMS_FILE, simulate_return,
                                               solve_entry_guidance)


def _replace(text: str, key: str, value: str) -> str:
    pattern = re.compile(rf"^{re.escape(key)} = .*$", re.MULTILINE)
    if len(pattern.findall(text)) != 1:
        raise SystemExit(f"expected exactly one '{key} = ...' line in the TOML file")
    return pattern.sub(f"{key} = {value}", text)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dry-run", action="store_true", help="solve and print, write nothing")
    args = ap.parse_args(argv)
    sc, ctx, _ = build_context()
    bank, reversal, miss = solve_entry_guidance(ctx, verbose=True)
    params = {"entry.bank_deg": round(bank, 4), "entry.reversal_after_ei_s": round(reversal, 3)}
    res = simulate_return(ctx, params)
    i = res.info
    td = i["touchdown"]
    print(f"bank {params['entry.bank_deg']} deg, reversal {params['entry.reversal_after_ei_s']} s "
          f"after entry interface")
    print(f"touchdown {sc.axis.iso_utc(td['met_s'])} at {td['lat_deg']:.4f} N "
          f"{td['lon_deg']:.4f} E, {i['landing_error_km']:.2f} km from the estimate; "
          f"peak load {i['peak_load_g']:.2f} g; deorbit {i['deorbit_dv_m_s']:.2f} m/s "
          f"in {i['deorbit_burn_s']:.0f} s")
    if miss > 5.0:
        print(f"not converged (miss {miss:.1f} km): nothing written", file=sys.stderr)
        return 1
    if args.dry_run:
        return 0
    path = asset_path(*PARAMS_FILE)
    text = path.read_text(encoding="utf-8")
    text = _replace(text, "bank_deg", repr(params["entry.bank_deg"]))
    text = _replace(text, "reversal_after_ei_s", repr(params["entry.reversal_after_ei_s"]))
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
