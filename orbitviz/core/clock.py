"""The simulation clock: mission time, play/pause and rate. Qt-free.

The UI drives it from a timer with the wall time that passed (``advance``) and listens
through ``subscribe`` (a :class:`~orbitviz.core.events.Subscription` comes back); the clock
keeps time inside its window ``[start_s, end_s]`` and stops there. The clock owns its window:
only :meth:`SimulationClock.set_window` changes it.
"""

from __future__ import annotations

import math
from typing import Callable

from orbitviz.core.events import Event, Subscription

#: Allowed playback rates, in simulated seconds per wall second.
MAX_RATE = 3600.0


class SimulationClock:
    """Mission time ``met_s`` with a playback ``rate`` (negative plays backwards)."""

    def __init__(self, start_s: float, end_s: float, met_s: float | None = None,
                 rate: float = 60.0):
        self._start_s, self._end_s = self._checked_window(start_s, end_s)
        self._met = self._clamp(start_s if met_s is None else met_s)
        self._rate = 60.0  # kept if the rate given is NaN
        self.set_rate(rate)
        self.playing = False
        #: Emitted with the new ``met_s`` whenever the time changes.
        self.changed = Event("time")

    # -- observers ----------------------------------------------------------------------
    def subscribe(self, fn: Callable[[float], None]) -> Subscription:
        """Call ``fn(met_s)`` whenever the time changes; returns the handle that stops it."""
        return self.changed.connect(fn)

    def _notify(self) -> None:
        self.changed.emit(self._met)

    # -- state ----------------------------------------------------------------------------
    @property
    def met_s(self) -> float:
        return self._met

    @property
    def start_s(self) -> float:
        """Start of the clock's window, met_s."""
        return self._start_s

    @property
    def end_s(self) -> float:
        """End of the clock's window, met_s."""
        return self._end_s

    @staticmethod
    def _checked_window(start_s: float, end_s: float) -> tuple[float, float]:
        a, b = float(start_s), float(end_s)
        if not (b > a):  # also refuses NaN
            raise ValueError("clock needs end_s > start_s")
        return a, b

    def set_window(self, start_s: float, end_s: float) -> None:
        """Make ``[start_s, end_s]`` the clock's window; the time is kept inside it (a
        time that has to move notifies the listeners)."""
        self._start_s, self._end_s = self._checked_window(start_s, end_s)
        t = self._clamp(self._met)
        if t != self._met:
            self._met = t
            self._notify()

    @property
    def rate(self) -> float:
        return self._rate

    def _clamp(self, t: float) -> float:
        t = float(t)
        if math.isnan(t):  # no time at all: stay where the clock is (a NaN sticks forever)
            return getattr(self, "_met", self._start_s)
        return min(max(t, self._start_s), self._end_s)

    def set_rate(self, rate: float) -> None:
        """Set the playback rate, clamped to ±``MAX_RATE`` (NaN: the rate is kept)."""
        rate = float(rate)
        if not math.isnan(rate):
            self._rate = max(-MAX_RATE, min(MAX_RATE, rate))

    def seek(self, met_s: float) -> None:
        """Jump to ``met_s`` (clamped to the clock's span)."""
        t = self._clamp(met_s)
        if t != self._met:
            self._met = t
            self._notify()

    def play(self) -> None:
        self.playing = True

    def pause(self) -> None:
        self.playing = False

    def advance(self, wall_dt_s: float) -> None:
        """Move time by ``rate × wall_dt_s`` if playing; stop at either end."""
        if not self.playing or wall_dt_s <= 0:
            return
        t = self._met + self._rate * wall_dt_s
        if t <= self.start_s or t >= self.end_s:
            self.playing = False
        self.seek(t)
