"""A chain of element sets for one object, with a short blend across each switch.

Between consecutive sets A and B the switch happens at the instant in [epoch A, epoch B]
where their SGP4 predictions agree best (minimum separation). A set is never used more
than ``max_stretch_s`` (3 days) before the first epoch or after the last; outside that the
object has no state. Between the first and the last epoch a set may be used further from
its epoch than that: the switch rule decides (for the station in October 2021 the longest
stretch is 3.87 days, the 8 October set used back to 4 October 20:40, across the
rendezvous; see the README's "Element sets").

**Blends** (``blend_s`` > 0, the station's chain: :data:`STATION_BLEND_S`). Two sets never
agree exactly at a switch (up to 2.4 km and 3.3 m/s apart for the station, 15 October
16:50), so a bare switch makes the object jump. Over a window of ``blend_s`` centred on
each switch the position is ``r = (1 − β) r_A + β r_B`` with ``β(t)`` the quintic
smoothstep (zero slope and curvature at both ends, ``β = ½`` at the switch), and the
velocity its exact derivative ``(1 − β) v_A + β v_B + β' (r_B − r_A)``. The extra
acceleration is ``2β'(v_B − v_A) + β''(r_B − r_A)``: with 10 min and the station's worst
switch, under 0.06 m/s². :meth:`ElementSetChain.sets_at` names the sets in use and their
weights (both inside a blend). Windows are shortened where a neighbouring span is shorter
than the blend, so that no window reaches past the middle of a span.
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
#: Length of the blend across each switch of the station's element sets, seconds: the
#: longest the issue allows (10 min), which keeps the extra acceleration lowest.
STATION_BLEND_S = 600.0


class NoStateError(ValueError):
    """Asked for a state where an object has none; the message is one line."""


@dataclass(frozen=True)
class SetSpan:
    """One set and the span (``met_s``) in which it is the one in use (the dominant one,
    weight ≥ ½, inside a blend)."""

    tle: TleSet
    epoch_met_s: float
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Blend:
    """The blend across one switch: ``start_s``–``end_s`` (``met_s``) around
    ``switch_s``, from set index ``before`` to ``before + 1`` of the chain's spans."""

    switch_s: float
    start_s: float
    end_s: float
    before: int

    def weight(self, met_s):
        """(β, dβ/dt) of the later set at ``met_s`` (scalar or array): the quintic
        smoothstep over the window, 0 before it and 1 after."""
        t = np.asarray(met_s, dtype=float)
        w = self.end_s - self.start_s
        u = np.clip((t - self.start_s) / w, 0.0, 1.0)
        beta = u**3 * (10.0 - 15.0 * u + 6.0 * u * u)
        dbeta = 30.0 * u * u * (1.0 - u) ** 2 / w
        return beta, dbeta


def _teme(tle: TleSet, axis: TimeAxis, met):
    jd, fr = axis.jd_utc_split(np.asarray(met, dtype=float))
    e, r, v = tle.satrec.sgp4_array(np.asarray(jd, float), np.asarray(fr, float))
    return e, r, v


class ElementSetChain:
    """Element sets of one object, ordered by epoch, with their switch instants and (for
    ``blend_s`` > 0) the blends across them."""

    def __init__(self, sets: list[TleSet], axis: TimeAxis, max_stretch_s: float = MAX_STRETCH_S,
                 blend_s: float = 0.0):
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
        self.blends: list[Blend] = []
        self.set_blend(blend_s)

    def set_blend(self, blend_s: float) -> None:
        """Blend across each switch over ``blend_s`` seconds centred on it (0: a bare
        switch). A window is shortened to at most half of either neighbouring span."""
        self.blend_s = float(blend_s)
        self.blends = []
        if self.blend_s <= 0.0:
            return
        for k, (a, b) in enumerate(zip(self.spans, self.spans[1:])):
            half = min(0.5 * self.blend_s, 0.5 * (a.end_s - a.start_s),
                       0.5 * (b.end_s - b.start_s))
            if half > 0.0:
                s = b.start_s
                self.blends.append(Blend(s, s - half, s + half, k))

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
        """The set in use at ``met_s`` (inside a blend, the one of larger weight: the
        earlier set up to the switch); :class:`NoStateError` outside the chain's validity."""
        if not (self.start_s <= met_s <= self.end_s):
            raise NoStateError("no element set covers that time")
        i = int(np.searchsorted(self._starts, met_s, side="right")) - 1
        return self.spans[max(i, 0)]

    def blend_at(self, met_s: float) -> Blend | None:
        """The blend whose window contains ``met_s`` (open at both ends), or None."""
        for bl in self.blends:
            if bl.start_s < met_s < bl.end_s:
                return bl
        return None

    def sets_at(self, met_s: float) -> list[tuple[SetSpan, float]]:
        """The sets whose predictions make the state at ``met_s``, with their weights
        (summing to 1): one set outside a blend, both (earlier first) inside one.
        :class:`NoStateError` outside the chain's validity."""
        span = self.span_at(met_s)
        bl = self.blend_at(met_s)
        if bl is None:
            return [(span, 1.0)]
        beta = float(bl.weight(met_s)[0])
        return [(self.spans[bl.before], 1.0 - beta), (self.spans[bl.before + 1], beta)]

    def _raw_gcrs(self, k: int, met, eo: EarthOrientation):
        """GCRS (r, v) of span ``k``'s set at times ``met`` (NaN where SGP4 fails)."""
        e, rt, vt = _teme(self.spans[k].tle, self.axis, met)
        rt[e != 0] = np.nan
        vt[e != 0] = np.nan
        rot = eo.teme_to_gcrs(met)
        return np.einsum("nij,nj->ni", rot, rt), np.einsum("nij,nj->ni", rot, vt)

    def states_gcrs(self, met_s, eo: EarthOrientation):
        """GCRS (r km, v km/s) arrays (N,3) at ``met_s`` (N,), each from the set in use,
        blended across switches (see the module docstring).

        Times outside the validity give NaN.
        """
        met = np.atleast_1d(np.asarray(met_s, dtype=float))
        r = np.full((met.size, 3), np.nan)
        v = np.full((met.size, 3), np.nan)
        idx = np.searchsorted(self._starts, met, side="right") - 1
        valid = (met >= self.start_s) & (met <= self.end_s)
        for k in range(len(self.spans)):
            sel = valid & (np.maximum(idx, 0) == k)
            if sel.any():
                r[sel], v[sel] = self._raw_gcrs(k, met[sel], eo)
        for bl in self.blends:
            sel = valid & (met > bl.start_s) & (met < bl.end_s)
            if not sel.any():
                continue
            t = met[sel]
            ra, va = self._raw_gcrs(bl.before, t, eo)
            rb, vb = self._raw_gcrs(bl.before + 1, t, eo)
            beta, dbeta = bl.weight(t)
            beta, dbeta = beta[:, None], dbeta[:, None]
            r[sel] = (1.0 - beta) * ra + beta * rb
            v[sel] = (1.0 - beta) * va + beta * vb + dbeta * (rb - ra)
        return r, v

    def trajectory(self, met_start_s: float, met_end_s: float, eo: EarthOrientation,
                   step_s: float = 30.0) -> Trajectory:
        """Sampled trajectory over the window: samples at every blend window's ends (the
        states are continuous across a blend); without blends, a double sample at each
        switch."""
        lo = max(met_start_s, self.start_s)
        hi = min(met_end_s, self.end_s)
        if hi <= lo:
            raise NoStateError("no element set covers that window")
        if self.blends:
            inner = [t for bl in self.blends for t in (bl.start_s, bl.end_s)]
        else:
            inner = list(self.switch_times_s)
        cuts = [lo] + sorted(t for t in inner if lo < t < hi) + [hi]
        times, rs, vs = [], [], []
        for j, (a, b) in enumerate(zip(cuts, cuts[1:])):
            n = max(2, int(np.ceil((b - a) / step_s)) + 1)
            grid = np.linspace(a, b, n)
            if self.blends:
                if j > 0:
                    grid = grid[1:]  # continuous: the join sample is the previous piece's
                r, v = self.states_gcrs(grid, eo)
            else:
                k = self.spans.index(self.span_at(0.5 * (a + b)))
                r, v = self._raw_gcrs(k, grid, eo)
            if np.any(np.isnan(r)):
                span = self.span_at(0.5 * (a + b))
                raise NoStateError(f"SGP4 fails for {span.tle.source} in that window")
            times.append(grid)
            rs.append(r)
            vs.append(v)
        return Trajectory(np.concatenate(times), np.concatenate(rs), np.concatenate(vs))

    def longest_stretch_s(self, met_start_s: float | None = None,
                          met_end_s: float | None = None) -> float:
        """The longest time (s) between a set's epoch and an instant at which it is in use
        (its span, blend windows included), within ``[met_start_s, met_end_s]`` (default:
        the chain's validity)."""
        lo = self.start_s if met_start_s is None else max(met_start_s, self.start_s)
        hi = self.end_s if met_end_s is None else min(met_end_s, self.end_s)
        worst = 0.0
        for k, span in enumerate(self.spans):
            a, b = span.start_s, span.end_s
            for bl in self.blends:
                if bl.before + 1 == k:
                    a = bl.start_s
                if bl.before == k:
                    b = bl.end_s
            a, b = max(a, lo), min(b, hi)
            if b >= a:
                worst = max(worst, abs(a - span.epoch_met_s), abs(b - span.epoch_met_s))
        return worst


__all__ = ["ElementSetChain", "NoStateError", "SetSpan", "Blend", "SatrecArray",
           "MAX_STRETCH_S", "STATION_BLEND_S"]
