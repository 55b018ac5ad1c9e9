"""Synthetic element-set catalogues for benchmarks and scale tests.

Not real objects: plausible two-line element sets shaped like the public catalogue (about
three quarters in low Earth orbit, the rest in medium, geosynchronous and highly
eccentric orbits), with valid fields and checksums, so they go through the same parser,
chains and SGP4 as a catalogue downloaded from CelesTrak. Deterministic for a seed.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np

from orbitviz.core.tle import checksum


def _tle_lines(num: int, epoch: _dt.datetime, inc: float, raan: float, ecc: float,
               argp: float, ma: float, n_rev_day: float) -> tuple[str, str]:
    yy = epoch.year % 100
    start = _dt.datetime(epoch.year, 1, 1, tzinfo=_dt.timezone.utc)
    doy = 1.0 + (epoch - start).total_seconds() / 86400.0
    body1 = (f"1 {num:05d}U 99001A   {yy:02d}{doy:012.8f}  .00000000  00000-0  00000-0 0  999")
    body2 = (f"2 {num:05d} {inc:8.4f} {raan:8.4f} {int(round(ecc * 1e7)):07d} {argp:8.4f} "
             f"{ma:8.4f} {n_rev_day:11.8f}{1:5d}")
    assert len(body1) == 68 and len(body2) == 68, (body1, body2)
    return body1 + str(checksum(body1)), body2 + str(checksum(body2))


def synthetic_tle_text(count: int, epoch: _dt.datetime, seed: int = 1,
                       first_number: int = 60000, spread_h: float = 24.0) -> str:
    """``count`` three-line element sets (``SYNTH-<n>``), epochs within ``spread_h`` hours
    before ``epoch`` (UTC, timezone-aware), NORAD numbers from ``first_number``."""
    if count < 0 or first_number + count > 100000:
        raise ValueError("synthetic catalogues use five-digit NORAD numbers")
    rng = np.random.default_rng(seed)
    kind = rng.choice(4, size=count, p=[0.76, 0.12, 0.08, 0.04])  # LEO, MEO, GEO, HEO
    out = []
    for k in range(count):
        c = kind[k]
        if c == 0:
            n = rng.uniform(13.2, 15.9)
            inc = rng.choice([rng.uniform(0, 30), rng.uniform(40, 75), rng.uniform(95, 100)])
            ecc = rng.uniform(0, 0.02)
        elif c == 1:
            n = rng.uniform(1.9, 2.3)
            inc = rng.uniform(50, 65)
            ecc = rng.uniform(0, 0.02)
        elif c == 2:
            n = rng.uniform(0.98, 1.03)
            inc = rng.uniform(0, 15)
            ecc = rng.uniform(0, 0.003)
        else:
            n = rng.uniform(2.0, 2.2)
            inc = rng.uniform(60, 66)
            ecc = rng.uniform(0.6, 0.74)
        ep = epoch - _dt.timedelta(hours=float(rng.uniform(0, spread_h)))
        l1, l2 = _tle_lines(first_number + k, ep, inc, rng.uniform(0, 360), ecc,
                            rng.uniform(0, 360), rng.uniform(0, 360), n)
        out.append(f"SYNTH-{first_number + k}\n{l1}\n{l2}\n")
    return "".join(out)


__all__ = ["synthetic_tle_text"]
