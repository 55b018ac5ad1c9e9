"""Solve Soyuz MS-18's return offline: the landing estimate, the deorbit burn and the entry
guidance, and write them into the asset files.

1. **The landing estimate** (``[sites.landing-estimate]`` in
   ``assets/mission/soyuz-ms-19.toml``): no coordinates of the landing were published,
   only "148 km south-east of Zhezkazgan" (Roscosmos's forecast, TASS). The estimate is the
   point 148 km from Zhezkazgan, within the south-east sector of an eight-point compass
   (bearings 112.5-157.5 deg), nearest to the ground track of the orbit the deorbit burn
   leaves (:func:`orbitviz.core.models.soyuz_return.landing_on_track`): the point a lifting
   capsule reaches with the least crossrange. It and the burn depend on each other, so the
   two are solved in turn until they agree.
2. **The burn and the guidance** (``assets/mission/soyuz-ms-return.toml``): the deorbit
   burn's length, the bank angle and the bank reversal time that put the touchdown on the
   estimate at the ``landing`` event's time (Newton iterations,
   :func:`~orbitviz.core.models.soyuz_return.solve_return_guidance`; a few seconds each).

Run it again after changing any figure of the return model or the station's element sets:

    .venv/bin/python tools/solve_soyuz_return.py          # solve and write
    .venv/bin/python tools/solve_soyuz_return.py --dry-run
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from orbitviz.core.assets import asset_path  # noqa: E402
from orbitviz.core.geodesy import great_circle_km  # noqa: E402
from orbitviz.core.mission import build_context  # noqa: E402
from orbitviz.core.models.soyuz_return import (PARAMS_FILE, landing_on_track,  # noqa: E402
                                               simulate_return, solve_return_guidance)

#: The south-east sector of an eight-point compass, deg.
SE_SECTOR = (112.5, 157.5)
PUBLISHED_KM = 148.0


def _replace(text: str, key: str, value: str, after: str | None = None) -> str:
    """Replace the one ``key = ...`` line (the first after ``after`` when given)."""
    start = text.index(after) if after else 0
    pattern = re.compile(rf"^{re.escape(key)} = .*$", re.MULTILINE)
    m = pattern.search(text, start)
    if m is None:
        raise SystemExit(f"expected a '{key} = ...' line in the TOML file")
    return text[:m.start()] + f"{key} = {value}" + text[m.end():]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dry-run", action="store_true", help="solve and print, write nothing")
    args = ap.parse_args(argv)
    sc, ctx, _ = build_context()
    params = {}
    est = dict(ctx.sites["landing-estimate"])
    for round_ in range(4):
        lat, lon, bearing, off_track = landing_on_track(
            ctx, params, PUBLISHED_KM, min_bearing_deg=SE_SECTOR[0],
            max_bearing_deg=SE_SECTOR[1])
        moved = great_circle_km(lat, lon, est["lat_deg"], est["lon_deg"])
        est.update(lat_deg=round(lat, 4), lon_deg=round(lon, 4))
        ctx.sites["landing-estimate"] = est
        print(f"round {round_}: estimate {lat:.4f} N {lon:.4f} E, bearing {bearing:.1f} deg, "
              f"{off_track:.1f} km from the burn's ground track (moved {moved:.2f} km)")
        dur, bank, rev, miss, late = solve_return_guidance(ctx, params, verbose=True)
        params = {"deorbit_burn.duration_s": round(dur, 3), "entry.bank_deg": round(bank, 4),
                  "entry.reversal_after_ei_s": round(rev, 3)}
        if moved < 0.05:
            break
    res = simulate_return(ctx, params)
    i = res.info
    td = i["touchdown"]
    zh = ctx.sites["zhezkazgan"]
    print(f"burn {params['deorbit_burn.duration_s']} s ({i['deorbit_dv_m_s']:.2f} m/s), bank "
          f"{params['entry.bank_deg']} deg, reversal {params['entry.reversal_after_ei_s']} s "
          f"after entry interface")
    print(f"touchdown {sc.axis.iso_utc(td['met_s'])} at {td['lat_deg']:.4f} N "
          f"{td['lon_deg']:.4f} E, {great_circle_km(td['lat_deg'], td['lon_deg'], zh['lat_deg'], zh['lon_deg']):.1f} km from "
          f"Zhezkazgan, {i['landing_error_km']:.2f} km from the estimate; peak load "
          f"{i['peak_load_g']:.2f} g; {i['touchdown_speed_m_s']:.2f} m/s at touchdown")
    if miss > 1.0 or abs(late) > 2.0:
        print(f"not converged (miss {miss:.1f} km, {late:.1f} s): nothing written",
              file=sys.stderr)
        return 1
    if args.dry_run:
        return 0
    path = asset_path(*PARAMS_FILE)
    text = path.read_text(encoding="utf-8")
    text = _replace(text, "duration_s", repr(params["deorbit_burn.duration_s"]),
                    after="[deorbit_burn]")
    text = _replace(text, "bank_deg", repr(params["entry.bank_deg"]))
    text = _replace(text, "reversal_after_ei_s", repr(params["entry.reversal_after_ei_s"]))
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    mpath = asset_path("mission", "soyuz-ms-19.toml")
    text = mpath.read_text(encoding="utf-8")
    text = _replace(text, "lat_deg", repr(est["lat_deg"]), after="[sites.landing-estimate]")
    text = _replace(text, "lon_deg", repr(est["lon_deg"]), after="[sites.landing-estimate]")
    mpath.write_text(text, encoding="utf-8")
    print(f"wrote {mpath}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
