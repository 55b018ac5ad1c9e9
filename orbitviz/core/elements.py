"""A chain of element sets for one object, switched (never blended) between epochs.

Between consecutive sets A and B the switch happens at the instant in [epoch A, epoch B]
where their SGP4 predictions agree best (minimum separation). A set is never used more
than ``max_stretch_s`` (3 days) before the first epoch or after the last; outside that the
object has no state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sgp4.api import SatrecArray

from orbitviz.core.frames import EarthOrientation
from orbitviz.core.timeaxis import TimeAxis
from orbitviz.core.tle import TleSet
from orbitviz.core.trajectory import Trajectory

MAX_STRETCH_S = 3 * 86400.0


class NoStateError(ValueError):
    """Asked for a state where an object has none; the message is one line."""


@dataclass(frozen=True)
class SetSpan:
    """One set and the span (``met_s``) in which it is the one in use."""

    tle: TleSet
    epoch_met_s: float
    start_s: float
    end_s: float


def _teme(tle: TleSet, axis: TimeAxis, met):
    jd, fr = axis.jd_utc_split(np.asarray(met, dtype=float))
    e, r, v = tle.satrec.sgp4_array(np.asarray(jd, float), np.asarray(fr, float))
    return e, r, v


class ElementSetChain:
    """Element sets of one object, ordered by epoch, with their switch instants."""

    def __init__(self, sets: list[TleSet], axis: TimeAxis, max_stretch_s: float = MAX_STRETCH_S):
        if not sets:
            raise ValueError("an element-set chain needs at least one set")
        self.axis = axis
        ordered = sorted(sets, key=lambda s: s.epoch_jd + s.epoch_fr)
        epochs = [axis.met_from_jd_utc(s.epoch_jd, s.epoch_fr) for s in ordered]
        switches = [self._best_switch(a, b, ea, eb)
                    for a, b, ea, eb in zip(ordered, ordered[1:], epochs, epochs[1:])]
        starts = [epochs[0] - max_stretch_s] + switches
        ends = switches + [epochs[-1] + max_stretch_s]
        self.spans = [SetSpan(s, e, a, b) for s, e, a, b in zip(ordered, epochs, starts, ends)]
        self._starts = np.array(starts)
        self.start_s = starts[0]
        self.end_s = ends[-1]

    def _best_switch(self, a: TleSet, b: TleSet, ea: float, eb: float) -> float:
        """``met_s`` in [ea, eb] where the two sets' predictions are closest."""
        if eb <= ea:
            return ea
        grid = np.linspace(ea, eb, max(3, int((eb - ea) / 60.0) + 1))
        for _ in range(3):
            _, ra, _ = _teme(a, self.axis, grid)
            _, rb, _ = _teme(b, self.axis, grid)
            d = np.linalg.norm(ra - rb, axis=1)
            k = int(np.argmin(d))
            lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]
            if hi - lo < 0.01:
                break
            grid = np.linspace(lo, hi, 201)
        return float(grid[k])

    @property
    def switch_times_s(self) -> list[float]:
        return [span.start_s for span in self.spans[1:]]

    def span_at(self, met_s: float) -> SetSpan:
        """The set in use at ``met_s``; :class:`NoStateError` outside the chain's validity."""
        if not (self.start_s <= met_s <= self.end_s):
            raise NoStateError("no element set covers that time")
        i = int(np.searchsorted(self._starts, met_s, side="right")) - 1
        return self.spans[max(i, 0)]

    def states_gcrs(self, met_s, eo: EarthOrientation):
        """GCRS (r km, v km/s) arrays (N,3) at ``met_s`` (N,), each from the set in use.

        Times outside the validity give NaN.
        """
        met = np.atleast_1d(np.asarray(met_s, dtype=float))
        r = np.full((met.size, 3), np.nan)
        v = np.full((met.size, 3), np.nan)
        idx = np.searchsorted(self._starts, met, side="right") - 1
        valid = (met >= self.start_s) & (met <= self.end_s)
        for k, span in enumerate(self.spans):
            sel = valid & (np.maximum(idx, 0) == k)
            if not sel.any():
                continue
            e, rt, vt = _teme(span.tle, self.axis, met[sel])
            rt[e != 0] = np.nan
            vt[e != 0] = np.nan
            rot = eo.teme_to_gcrs(met[sel])
            r[sel] = np.einsum("nij,nj->ni", rot, rt)
            v[sel] = np.einsum("nij,nj->ni", rot, vt)
        return r, v

    def trajectory(self, met_start_s: float, met_end_s: float, eo: EarthOrientation,
                   step_s: float = 30.0) -> Trajectory:
        """Sampled trajectory over the window, with a double sample at each switch."""
        lo = max(met_start_s, self.start_s)
        hi = min(met_end_s, self.end_s)
        if hi <= lo:
            raise NoStateError("no element set covers that window")
        cuts = [lo] + [s for s in self.switch_times_s if lo < s < hi] + [hi]
        times, rs, vs = [], [], []
        for a, b in zip(cuts, cuts[1:]):
            n = max(2, int(np.ceil((b - a) / step_s)) + 1)
            grid = np.linspace(a, b, n)
            span = self.span_at(0.5 * (a + b))
            e, rt, vt = _teme(span.tle, self.axis, grid)
            if np.any(e != 0):
                raise NoStateError(f"SGP4 fails for {span.tle.source} in that window")
            rot = eo.teme_to_gcrs(grid)
            times.append(grid)
            rs.append(np.einsum("nij,nj->ni", rot, rt))
            vs.append(np.einsum("nij,nj->ni", rot, vt))
        return Trajectory(np.concatenate(times), np.concatenate(rs), np.concatenate(vs))


__all__ = ["ElementSetChain", "NoStateError", "SetSpan", "SatrecArray", "MAX_STRETCH_S"]
