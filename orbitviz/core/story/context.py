"""What a story is read against: the mission's time axis, events, objects and window.

Times in a story name events (``docking``) and objects (``follow:soyuz-ms-19``, keyframe
targets); :class:`StoryContext` holds what is needed to resolve and check them, and the
events for the automatic captions. Build it from a built mission
(:meth:`StoryContext.from_mission`) or, in tests, directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from orbitviz.core.timeaxis import TimeAxis


@dataclass(frozen=True)
class StoryEvent:
    """A mission event as a story sees it: ``id``, ``name``, ``met_s`` and ``basis``
    (``measured`` or ``modelled``)."""

    id: str
    name: str
    met_s: float
    basis: str = "measured"


@dataclass(frozen=True)
class StoryContext:
    """``axis``: the mission's :class:`TimeAxis`. ``event_list``: events with known times, in
    time order. ``lifetimes``: ``{object id: (start met_s, end met_s)}`` of the objects a
    camera may target or follow. ``window``: the mission's display window (met_s).
    ``saved_shots``: names of the saved shots a story may use (None: not checked here; the
    renderer resolves them)."""

    axis: TimeAxis
    event_list: tuple[StoryEvent, ...]
    lifetimes: Mapping[str, tuple[float, float]]
    window: tuple[float, float]
    saved_shots: frozenset[str] | None = field(default=None)

    @classmethod
    def from_mission(cls, mission, saved_shots=None) -> "StoryContext":
        """The context of a built :class:`~orbitviz.core.mission.MissionModel` (its modelled
        event times filled in). ``saved_shots``: names, or None."""
        events = tuple(StoryEvent(e.id, e.name, float(e.met_s), e.basis)
                       for e in mission.events())
        lifetimes = {oid: (float(o.start_s), float(o.end_s))
                     for oid, o in mission.objects.items()}
        names = None if saved_shots is None else frozenset(str(n) for n in saved_shots)
        return cls(mission.axis, events, lifetimes, tuple(mission.window), names)

    @property
    def objects(self) -> tuple[str, ...]:
        return tuple(self.lifetimes)

    def event_times(self) -> dict[str, float]:
        """``{event id: met_s}``."""
        return {e.id: e.met_s for e in self.event_list}

    def events(self) -> list[StoryEvent]:
        """The events in time order (the interface of
        :func:`orbitviz.core.export_rules.current_event`)."""
        return list(self.event_list)


__all__ = ["StoryContext", "StoryEvent"]
