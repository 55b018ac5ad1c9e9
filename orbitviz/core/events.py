"""Plain-callback events for the Qt-free models (the viewer model, the clock).

An :class:`Event` holds callbacks; :meth:`Event.connect` returns a :class:`Subscription`
whose :meth:`~Subscription.unsubscribe` removes that callback again. This is the pattern of
napari's ``EmitterGroup`` reduced to what orbitviz needs: no Qt, no weak references (a
widget unsubscribes when it is destroyed; see :func:`orbitviz.ui.binding.bind`), callbacks
called in the order they were connected, synchronously, on the emitting thread.
"""

from __future__ import annotations

from typing import Callable


class Subscription:
    """The handle :meth:`Event.connect` returns. ``unsubscribe()`` is idempotent."""

    __slots__ = ("_event", "_fn")

    def __init__(self, event: "Event", fn: Callable):
        self._event = event
        self._fn = fn

    @property
    def active(self) -> bool:
        return self._event is not None

    def unsubscribe(self) -> None:
        if self._event is not None:
            self._event._remove(self)
            self._event = None


class Event:
    """One kind of change. ``emit(*args)`` calls every connected callback with ``args``."""

    def __init__(self, name: str):
        self.name = name
        self._subs: list[Subscription] = []

    def connect(self, fn: Callable) -> Subscription:
        """Call ``fn(*args)`` on every :meth:`emit`; returns the handle that undoes it."""
        if not callable(fn):
            raise TypeError(f"{self.name}: a callback must be callable, not {fn!r}")
        sub = Subscription(self, fn)
        self._subs.append(sub)
        return sub

    def _remove(self, sub: Subscription) -> None:
        try:
            self._subs.remove(sub)
        except ValueError:
            pass

    def emit(self, *args) -> None:
        # a copy: a callback may unsubscribe itself or others while we iterate
        for sub in list(self._subs):
            if sub._event is not None:
                sub._fn(*args)

    def __len__(self) -> int:
        return len(self._subs)


class EventGroup:
    """Named events as attributes: ``EventGroup("time", "selection").selection.connect(f)``."""

    def __init__(self, *names: str):
        self._names = tuple(names)
        for n in names:
            setattr(self, n, Event(n))

    @property
    def names(self) -> tuple[str, ...]:
        return self._names


__all__ = ["Event", "EventGroup", "Subscription"]
