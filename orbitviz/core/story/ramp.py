"""Time ramps: how a shot's seconds of video map to the mission's seconds.

A shot shows the span of mission time ``[t0_s, t1_s]`` (``met_s``: TT seconds from lift-off)
in ``duration_s`` seconds of video. Its ramp is the map ``u ↦ met_s`` for video time
``u ∈ [0, duration_s]`` (seconds from the shot's start). Every ramp here:

- starts on ``t0_s`` and ends on ``t1_s`` exactly (``met_at(0) == t0_s`` and
  ``met_at(duration_s) == t1_s``, bit for bit), and clamps outside ``[0, duration_s]``;
- is monotonic (non-decreasing; strictly increasing when ``t1_s > t0_s``), also as computed
  in floating point;
- is C1: the rate ``d met / d u`` (mission seconds per second of video, "× real time")
  changes continuously within the shot.

Kinds:

- :class:`LinearRamp` — a fixed rate, ``(t1 − t0) / duration``. Rates are not capped:
  twelve days in five seconds is about 207,000×.
- :class:`HoldRamp` — time stands still (``t0 == t1``) while the camera moves.
- :class:`EasedRamp` — slow around listed events (:class:`EasePoint`: staging at 1× for a
  few seconds), fast in between (the coast at 1000×), with the fast rate solved so that the
  whole span fits the duration.

The eased profile, and why. Near an eased event the rate is the point's slow rate ``r``
for ``before_s`` seconds of video before the event and ``after_s`` after it (mission
windows ``r·before_s`` and ``r·after_s``). Away from that window the rate grows linearly
*in mission time*, ``ρ = r + a·Δt``. Linear in mission time is exponential in video time
(``dρ/du = a·ρ``): the rate multiplies by ten every ``ease_s`` seconds of video
(``a = ln 10 / ease_s``), the smooth "zoom out in time" a viewer reads as acceleration, the
same at 2× as at 20,000×. Several events take the lowest of their profiles (close events
merge into one slow stretch), capped by the fast rate ``R``:
``ρ(t) = min(R, min_i ρ_i(t))``. ``ρ`` is continuous and piecewise linear in ``t``, so the
video time ``u(t) = ∫ dt/ρ`` and its inverse are exact closed forms on each piece
(logarithms and exponentials), and ``R`` is the one number solved (by bisection on
``log R``; the video needed falls monotonically as ``R`` grows). The rate is continuous, so
the ramp is C1; its kinks in ``ρ`` are changes of acceleration, not jumps of rate.

Pure numpy; no Qt. Every constructor raises :class:`RampError` (a ``ValueError`` with one
line) for input it cannot honour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

#: Default video seconds for the rate to change tenfold near an eased event.
DEFAULT_EASE_S = 0.4
#: Default video seconds at an eased event's slow rate, before and after it.
DEFAULT_SLOW_S = 1.0


class RampError(ValueError):
    """A ramp that cannot be built; the message is one line for the user."""


def _finite(name: str, value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise RampError(f"{name} must be a number, not {value!r}") from None
    if not math.isfinite(v):
        raise RampError(f"{name} must be a finite number, not {value!r}")
    return v


class Ramp:
    """Base of the ramps: the span, the duration, clamping and the exact ends.

    Subclasses implement :meth:`_met_inside` (``0 < u < duration``, arrays) and
    :meth:`_rate_inside`.
    """

    kind = "ramp"

    def __init__(self, t0_s: float, t1_s: float, duration_s: float):
        t0, t1, d = _finite("start", t0_s), _finite("end", t1_s), _finite("duration", duration_s)
        if not d > 0:
            raise RampError(f"a shot's duration must be more than 0 seconds, not {d:g}")
        if t1 < t0:
            raise RampError(f"a shot's end ({t1:g} s) is before its start ({t0:g} s)")
        self.t0_s, self.t1_s, self.duration_s = t0, t1, d

    @property
    def span_s(self) -> float:
        """Mission seconds the shot covers, ``t1 − t0``."""
        return self.t1_s - self.t0_s

    @property
    def mean_rate(self) -> float:
        """Mission seconds per second of video over the whole shot."""
        return self.span_s / self.duration_s

    def met_at(self, u_s):
        """Mission time (``met_s``, float64) at video time ``u_s`` (seconds from the shot's
        start; scalar or array; clamped to ``[0, duration]``): ``t0`` at 0, ``t1`` at the
        duration, exactly."""
        u = np.asarray(u_s, dtype=np.float64)
        out = np.empty(u.shape, dtype=np.float64)
        lo, hi = u <= 0.0, u >= self.duration_s
        mid = ~(lo | hi)
        out[lo] = self.t0_s
        out[hi] = self.t1_s
        if np.any(mid):
            out[mid] = np.clip(self._met_inside(u[mid]), self.t0_s, self.t1_s)
        return float(out) if out.ndim == 0 else out

    def rate_at(self, u_s):
        """``d met / d u`` at video time ``u_s``: mission seconds per second of video (the
        rate at the nearest end outside the shot)."""
        u = np.clip(np.asarray(u_s, dtype=np.float64), 0.0, self.duration_s)
        out = np.asarray(self._rate_inside(u), dtype=np.float64)
        return float(out) if out.ndim == 0 else out

    def video_at(self, met_s):
        """The video time (s from the shot's start) at which the shot first shows ``met_s``
        (clamped to the span): the inverse of :meth:`met_at`."""
        t = np.clip(np.asarray(met_s, dtype=np.float64), self.t0_s, self.t1_s)
        out = np.asarray(self._video_inside(t), dtype=np.float64)
        return float(out) if out.ndim == 0 else out

    def _met_inside(self, u: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _rate_inside(self, u: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _video_inside(self, t: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(t0_s={self.t0_s!r}, t1_s={self.t1_s!r}, "
                f"duration_s={self.duration_s!r})")


class LinearRamp(Ramp):
    """A fixed rate: ``met = t0 + (t1 − t0)·u/duration``."""

    kind = "linear"

    def _met_inside(self, u):
        # every operation is monotonic under IEEE rounding, so the result is too
        return self.t0_s + self.span_s * (u / self.duration_s)

    def _rate_inside(self, u):
        return np.full(np.shape(u), self.mean_rate)

    def _video_inside(self, t):
        if self.span_s == 0.0:
            return np.zeros(np.shape(t))
        return (t - self.t0_s) / self.span_s * self.duration_s


class HoldRamp(Ramp):
    """Time stands still at ``t_s`` for ``duration_s`` seconds of video."""

    kind = "hold"

    def __init__(self, t_s: float, duration_s: float):
        super().__init__(t_s, t_s, duration_s)

    def _met_inside(self, u):
        return np.full(np.shape(u), self.t0_s)

    def _rate_inside(self, u):
        return np.zeros(np.shape(u))

    def _video_inside(self, t):
        return np.zeros(np.shape(t))

    def __repr__(self) -> str:
        return f"HoldRamp(t_s={self.t0_s!r}, duration_s={self.duration_s!r})"


@dataclass(frozen=True)
class EasePoint:
    """An event an :class:`EasedRamp` slows down for.

    ``met_s``: the event's time. ``rate``: mission seconds per second of video there (1 is
    real time). ``before_s``, ``after_s``: seconds of *video* spent at that rate before and
    after the event.
    """

    met_s: float
    rate: float = 1.0
    before_s: float = DEFAULT_SLOW_S
    after_s: float = DEFAULT_SLOW_S


class _Piece:
    """A stretch ``[ta, tb]`` of mission time over which the rate is linear,
    ``ρa → ρb``, beginning at video time ``ua`` and lasting ``du`` seconds of video."""

    __slots__ = ("ta", "tb", "ra", "rb", "ua", "du", "slope")

    def __init__(self, ta, tb, ra, rb):
        self.ta, self.tb, self.ra, self.rb = ta, tb, ra, rb
        dt = tb - ta
        self.slope = (rb - ra) / dt if dt > 0 else 0.0  # dρ/dt, 1/s
        self.du = dt * _inv_mean(ra, rb)
        self.ua = 0.0


def _inv_mean(ra: float, rb: float) -> float:
    """``(1/Δt)·∫ dt/ρ`` for ``ρ`` linear from ``ra`` to ``rb``: ``ln(rb/ra)/(rb − ra)``,
    evaluated without cancellation when the two are close."""
    x = (rb - ra) / ra
    if abs(x) < 1e-6:
        return (1.0 - x / 2.0 + x * x / 3.0) / ra
    return math.log1p(x) / (rb - ra)


class EasedRamp(Ramp):
    """Slow around :class:`EasePoint` events, fast in between; see the module's notes.

    ``ease_s``: seconds of video for the rate to change tenfold near an event. The fast
    rate :attr:`fast_rate` is solved so that ``[t0, t1]`` plays in exactly ``duration_s``;
    :class:`RampError` when even infinitely fast coasts leave too little time for the slow
    stretches (their video time is in the message). A duration long enough that the fast
    rate comes out below an event's slow rate plays that event at the fast rate: the rate
    never exceeds :attr:`fast_rate`.
    """

    kind = "eased"

    def __init__(self, t0_s: float, t1_s: float, duration_s: float,
                 points: Sequence[EasePoint], ease_s: float = DEFAULT_EASE_S):
        super().__init__(t0_s, t1_s, duration_s)
        if not self.t1_s > self.t0_s:
            raise RampError("an eased ramp needs time to pass: its end must be after its start")
        if not points:
            raise RampError("an eased ramp needs at least one event to ease around")
        ease_s = _finite("ease_s", ease_s)
        if not ease_s > 0:
            raise RampError(f"ease_s must be more than 0 seconds, not {ease_s:g}")
        pts = []
        for p in points:
            rate = _finite("an eased event's rate", p.rate)
            before, after = _finite("before_s", p.before_s), _finite("after_s", p.after_s)
            if not rate > 0:
                raise RampError(f"an eased event's rate must be more than 0, not {rate:g}")
            if before < 0 or after < 0:
                raise RampError("before_s and after_s cannot be negative")
            pts.append(EasePoint(_finite("an eased event's time", p.met_s), rate, before, after))
        self.points = tuple(pts)
        self.ease_s = ease_s
        self.accel = math.log(10.0) / ease_s  # dρ/dt, 1/s
        self._base = self._envelope()
        self.min_video_s = sum(p.du for p in self._base)  # as the fast rate → ∞
        if not self.min_video_s < self.duration_s * (1.0 - 1e-9):
            raise RampError(
                f"{self.duration_s:g} s of video is too short for the eased events: their slow "
                f"stretches and the easing into them need {self.min_video_s:.2f} s; lengthen "
                "the shot or ease fewer events (or shorter, or faster)")
        self.fast_rate = self._solve_fast_rate()
        self._pieces = self._capped(self.fast_rate)
        ua = 0.0
        for p in self._pieces:
            p.ua = ua
            ua += p.du
        self._video_total = ua
        self._starts = np.array([p.ua for p in self._pieces])

    # -- the profile ----------------------------------------------------------------------
    def _lines(self):
        """Each point's profile as three lines ``ρ = m·(t − t0) + c`` (its maximum)."""
        a, t0 = self.accel, self.t0_s
        out = []
        for p in self.points:
            lo = p.met_s - p.rate * p.before_s - t0
            hi = p.met_s + p.rate * p.after_s - t0
            out.append(((0.0, p.rate), (-a, p.rate + a * lo), (a, p.rate - a * hi)))
        return out

    def base_rate(self, met_s):
        """The uncapped profile ``min_i ρ_i(t)`` at ``met_s`` (mission seconds per video
        second)."""
        x = np.asarray(met_s, dtype=np.float64) - self.t0_s
        best = None
        for lines in self._lines():
            v = np.maximum.reduce([m * x + c for m, c in lines])
            best = v if best is None else np.minimum(best, v)
        return best

    def _envelope(self) -> list[_Piece]:
        """The uncapped profile over ``[t0, t1]`` as pieces on which it is linear."""
        lines = self._lines()
        span = self.span_s
        xs = {0.0, span}
        flat = [ln for group in lines for ln in group]
        for p in self.points:  # each profile's own corners
            for x in (p.met_s - p.rate * p.before_s - self.t0_s,
                      p.met_s + p.rate * p.after_s - self.t0_s):
                xs.add(x)
        for i, (m1, c1) in enumerate(flat):  # where profiles cross
            for m2, c2 in flat[i + 1:]:
                if m1 != m2:
                    xs.add((c2 - c1) / (m1 - m2))
        grid = sorted(x for x in xs if 0.0 <= x <= span)
        vals = self.base_rate(self.t0_s + np.asarray(grid))
        times = [self.t0_s + x for x in grid]
        times[-1] = self.t1_s  # the last piece ends on t1 exactly
        return [_Piece(times[k], times[k + 1], float(vals[k]), float(vals[k + 1]))
                for k in range(len(grid) - 1) if times[k + 1] > times[k]]

    def _capped(self, fast: float) -> list[_Piece]:
        out = []
        for p in self._base:
            ra, rb = p.ra, p.rb
            if ra <= fast and rb <= fast:
                out.append(_Piece(p.ta, p.tb, ra, rb))
            elif ra >= fast and rb >= fast:
                out.append(_Piece(p.ta, p.tb, fast, fast))
            else:  # crosses the cap once
                tc = p.ta + (fast - ra) / (rb - ra) * (p.tb - p.ta)
                tc = min(max(tc, p.ta), p.tb)
                first = (ra, fast) if ra < fast else (fast, fast)
                second = (fast, rb) if rb < fast else (fast, fast)
                if tc > p.ta:
                    out.append(_Piece(p.ta, tc, *first))
                if p.tb > tc:
                    out.append(_Piece(tc, p.tb, *second))
        return out

    def video_needed(self, fast_rate: float) -> float:
        """Seconds of video the span takes with the coasts at ``fast_rate``."""
        return sum(p.du for p in self._capped(float(fast_rate)))

    def _solve_fast_rate(self) -> float:
        d = self.duration_s
        lo = self.span_s / d * 0.5  # everything at most this fast: more video than d
        hi = max(lo * 2.0, max(p.rate for p in self.points))
        while self.video_needed(hi) > d:
            hi *= 4.0
        lo_l, hi_l = math.log(lo), math.log(hi)
        for _ in range(200):
            mid = 0.5 * (lo_l + hi_l)
            if self.video_needed(math.exp(mid)) > d:
                lo_l = mid
            else:
                hi_l = mid
            if hi_l - lo_l < 1e-15:
                break
        return math.exp(0.5 * (lo_l + hi_l))

    # -- evaluation -----------------------------------------------------------------------
    def _locate(self, u):
        """(piece indices, video seconds into each piece) at video time ``u`` of the shot."""
        v = u * (self._video_total / self.duration_s)  # exactly the solved total at the end
        k = np.clip(np.searchsorted(self._starts, v, side="right") - 1, 0, len(self._pieces) - 1)
        return k, v - self._starts[k]

    def _met_inside(self, u):
        k, w = self._locate(u)
        out = np.empty(u.shape)
        for j in np.unique(k):
            p = self._pieces[j]
            sel = k == j
            ww = np.clip(w[sel], 0.0, p.du)
            m = p.slope
            if abs(m * p.du) < 1e-9:  # (nearly) constant rate on this piece
                tau = p.ra * ww * (1.0 + 0.5 * m * ww)
            else:
                tau = p.ra * np.expm1(m * ww) / m
            out[sel] = np.clip(p.ta + tau, p.ta, p.tb)
        return out

    def _rate_inside(self, u):
        scale = self._video_total / self.duration_s
        k, w = self._locate(u)
        out = np.empty(np.shape(u))
        for j in np.unique(k):
            p = self._pieces[j]
            sel = k == j
            out[sel] = p.ra * np.exp(p.slope * np.clip(w[sel], 0.0, p.du)) * scale
        return out

    def _video_inside(self, t):
        tas = np.array([p.ta for p in self._pieces])
        k = np.clip(np.searchsorted(tas, t, side="right") - 1, 0, len(self._pieces) - 1)
        out = np.empty(t.shape)
        for j in np.unique(k):
            p = self._pieces[j]
            sel = k == j
            tau = t[sel] - p.ta
            if p.slope == 0.0:
                w = tau / p.ra
            else:
                w = np.log1p(p.slope * tau / p.ra) / p.slope
            out[sel] = (p.ua + w) * (self.duration_s / self._video_total)
        return out

    def __repr__(self) -> str:
        return (f"EasedRamp(t0_s={self.t0_s!r}, t1_s={self.t1_s!r}, "
                f"duration_s={self.duration_s!r}, points={list(self.points)!r}, "
                f"ease_s={self.ease_s!r})")


__all__ = ["Ramp", "LinearRamp", "HoldRamp", "EasedRamp", "EasePoint", "RampError",
           "DEFAULT_EASE_S", "DEFAULT_SLOW_S"]
