"""Benchmark: caching the whole mission, and sampling it per frame.

Run:  .venv/bin/python bench/propagation.py        (or: make bench)

Prints, in one run on this machine:
- the whole-mission cache build (station from its element sets over their validity, the
  ascent, rendezvous and return models, the Sun), cold (first in the process: files
  loaded) and warm;
- one interpolated sample of every mission object (the per-frame path), and a full
  ``snapshot`` (geodetic coordinates, phases, element-set info, the Sun) for comparison;
- baselines measured in the same run: raw ``sgp4`` ``SatrecArray`` throughput, and
  skyfield's ``EarthSatellite.at()`` per sample on fresh ``Time`` objects (reused ones
  skip the nutation series and look ~70x too fast), scalar and vectorised;
- ratios against those baselines. Goals: cache < 2 s; one sample of all objects < 50 µs.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _best(fn, repeat=5):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main() -> int:
    t0 = time.perf_counter()
    from orbitviz.core.mission import MissionModel

    model = MissionModel.build()
    cold_s = time.perf_counter() - t0
    warm_s, warm_med = _best(MissionModel.build, repeat=3)

    n_station = len(model.station.met_s)
    objs = list(model.objects.values())
    samples = sum(len(o.trajectory.met_s) for o in objs)

    # -- per-frame sampling: every object at one instant ---------------------------------
    rng = np.random.default_rng(1)
    w0, w1 = model.window
    times = rng.uniform(w0, w1, 20000).tolist()

    def sample_all():
        for t in times:
            for o in objs:
                o.trajectory.state_at(t)

    best, _ = _best(sample_all, repeat=3)
    per_sample_us = best / len(times) * 1e6

    snap_times = times[:300]
    best_snap, _ = _best(lambda: [model.snapshot(t) for t in snap_times], repeat=2)
    snapshot_us = best_snap / len(snap_times) * 1e6

    # -- baselines ---------------------------------------------------------------------------
    from sgp4.api import SatrecArray
    from skyfield.api import EarthSatellite

    span = model.scenario.chain.span_at(0.0)
    sats = SatrecArray([span.tle.satrec] * 100)
    jd, fr = model.axis.jd_utc_split(np.linspace(0, 86400, 1000))
    best_sgp4, _ = _best(lambda: sats.sgp4(np.asarray(jd, float), np.asarray(fr, float)))
    sgp4_states_s = 100 * 1000 / best_sgp4

    sat = EarthSatellite(span.tle.line1, span.tle.line2, ts=model.axis.ts)
    scalar_mets = rng.uniform(w0, w1, 300)

    def skyfield_scalar():
        for m in scalar_mets:
            sat.at(model.axis.time(float(m)))  # a fresh Time each time

    best_sky, _ = _best(skyfield_scalar, repeat=3)
    sky_scalar_us = best_sky / len(scalar_mets) * 1e6

    vec_mets = np.linspace(w0, w1, 10000)
    best_vec, _ = _best(lambda: sat.at(model.axis.time(vec_mets)), repeat=3)
    sky_vec_us = best_vec / len(vec_mets) * 1e6
    sky_station_cache_s = sky_vec_us * n_station / 1e6

    print("orbitviz propagation benchmark")
    print(f"  python {sys.version.split()[0]}, numpy {np.__version__}")
    print(f"  cached samples: station {n_station} (30 s over its sets' validity), "
          f"all objects in the window {samples}")
    print()
    print(f"  whole mission cache, cold (first build)   {cold_s:8.3f} s   goal < 2 s")
    print(f"  whole mission cache, warm (best / median) {warm_s:8.3f} s / {warm_med:.3f} s")
    print(f"  one sample of all {len(objs)} objects (state_at)   {per_sample_us:8.2f} µs  goal < 50 µs")
    print(f"  one full snapshot (geodetic, phases, Sun) {snapshot_us:8.1f} µs")
    print()
    print("  baselines in this run")
    print(f"  raw sgp4 SatrecArray                      {sgp4_states_s / 1e6:8.2f} M states/s")
    print(f"  skyfield .at(), fresh scalar Time         {sky_scalar_us:8.1f} µs/sample")
    print(f"  skyfield .at(), fresh Time array (10k)    {sky_vec_us:8.1f} µs/sample")
    print()
    print("  ratios")
    print(f"  station cache by skyfield would take      {sky_station_cache_s:8.3f} s "
          f"({sky_station_cache_s / warm_s:.1f}x the whole warm mission build)")
    print(f"  skyfield scalar sample / our sample of all objects   "
          f"{sky_scalar_us / per_sample_us:6.1f}x")
    print(f"  our station samples/s vs raw sgp4         "
          f"{(n_station / warm_s) / sgp4_states_s:8.3f}x (whole build counted)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
