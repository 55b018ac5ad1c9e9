"""Widgets following the Qt-free models: a subscription that lives as long as its widget.

:func:`bind` connects a widget's method to an :class:`~orbitviz.core.events.Event` (the viewer
model's, the clock's) and unsubscribes when the widget is destroyed. The callback holds the
widget only weakly and skips a widget whose C++ object Qt has already deleted, so a closed
panel is neither kept alive nor called.
"""

from __future__ import annotations

import weakref

import shiboken6


def bind(widget, event, method):
    """Call the bound ``method`` of ``widget`` on every emission of ``event``, while the
    widget lives; returns the subscription (also undone when the widget is destroyed).
    ``method`` must be a bound method: a closure would hold the widget alive."""
    if getattr(method, "__self__", None) is None:
        raise TypeError(f"bind needs a bound method of the widget, not {method!r}")
    ref = weakref.WeakMethod(method)

    def call(*args) -> None:
        m = ref()
        if m is not None and shiboken6.isValid(m.__self__):
            m(*args)

    sub = event.connect(call)
    widget.destroyed.connect(lambda *_: sub.unsubscribe())
    return sub


__all__ = ["bind"]
