"""The simulation clock: mission time, play/pause and rate. Qt-free.

The UI drives it from a timer with the wall time that passed (``advance``) and listens
through ``subscribe``; the clock keeps time inside ``[start_s, end_s]`` and stops there.
"""

from __future__ import annotations

from typing import Callable

#: Allowed playback rates, in simulated seconds per wall second.
MAX_RATE = 3600.0


class SimulationClock:
    """Mission time ``met_s`` with a playback ``rate`` (negative plays backwards)."""

    def __init__(self, start_s: float, end_s: float, met_s: float | None = None,
                 rate: float = 60.0):
        if not end_s > start_s:
            raise ValueError("clock needs end_s > start_s")
        self.start_s = float(start_s)
        self.end_s = float(end_s)
        self._met = self._clamp(start_s if met_s is None else met_s)
        self._rate = 0.0
        self.set_rate(rate)
        self.playing = False
        self._listeners: list[Callable[[float], None]] = []

    # -- observers ----------------------------------------------------------------------
    def subscribe(self, fn: Callable[[float], None]) -> None:
        """Call ``fn(met_s)`` whenever the time changes."""
        self._listeners.append(fn)

    def _notify(self) -> None:
        for fn in list(self._listeners):
            fn(self._met)

    # -- state ----------------------------------------------------------------------------
    @property
    def met_s(self) -> float:
        return self._met

    @property
    def rate(self) -> float:
        return self._rate

    def _clamp(self, t: float) -> float:
        return min(max(float(t), self.start_s), self.end_s)

    def set_rate(self, rate: float) -> None:
        """Set the playback rate, clamped to ±``MAX_RATE``."""
        self._rate = max(-MAX_RATE, min(MAX_RATE, float(rate)))

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

    def toggle(self) -> None:
        self.playing = not self.playing

    def advance(self, wall_dt_s: float) -> None:
        """Move time by ``rate × wall_dt_s`` if playing; stop at either end."""
        if not self.playing or wall_dt_s <= 0:
            return
        t = self._met + self._rate * wall_dt_s
        if t <= self.start_s or t >= self.end_s:
            self.playing = False
        self.seek(t)
