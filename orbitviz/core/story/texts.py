"""What a shot writes over its picture at one instant: the title card, the lower-third
caption and the T+ clock.

The automatic caption is the current mission event's name, chosen by the rule of
:func:`orbitviz.core.export_rules.current_event` (the latest event at or before the instant),
with "· modelled" where the event's time is orbitviz's model rather than a measurement, as in
exported pictures.
"""

from __future__ import annotations

from dataclasses import dataclass

from orbitviz.core.export_rules import current_event
from orbitviz.core.timeaxis import format_met

#: Seconds over which a title card fades in and out (where it does not start or end with
#: its shot, whose transition brings it in and out).
TEXT_FADE_S = 0.5
#: The lower third before the first event.
BEFORE_FIRST_EVENT = "Before lift-off"


@dataclass(frozen=True)
class FrameTexts:
    """``title``: the title card's lines (empty: none); ``title_alpha``: its opacity, 0–1.
    ``caption``: the lower third ("" for none). ``clock``: the T+ clock (``T+00:02:37``; ""
    when off)."""

    title: tuple[str, ...]
    title_alpha: float
    caption: str
    clock: str


def auto_caption(context, met_s: float) -> str:
    """The current event's name at ``met_s`` (``context``: anything with ``events()``, such
    as a :class:`~orbitviz.core.story.context.StoryContext`)."""
    ev = current_event(context, met_s)
    if ev is None:
        return BEFORE_FIRST_EVENT
    return ev.name if ev.basis == "measured" else f"{ev.name}  · modelled"


def title_alpha(text, local_s: float, duration_s: float) -> float:
    """Opacity of the title card of ``text`` (a :class:`ShotText`) at ``local_s`` seconds
    into its shot of ``duration_s``."""
    if not text.title:
        return 0.0
    a, b = text.title_from_s, text.title_to_s
    if not a <= local_s <= b:
        return 0.0
    fade = min(TEXT_FADE_S, 0.5 * (b - a))
    alpha = 1.0
    if a > 0.0:
        alpha = min(alpha, (local_s - a) / fade)
    if b < duration_s:
        alpha = min(alpha, (b - local_s) / fade)
    return max(0.0, min(1.0, alpha))


def shot_texts(shot, local_s: float, met_s: float, context) -> FrameTexts:
    """The texts of ``shot`` at ``local_s`` seconds into it, showing ``met_s``."""
    t = shot.text
    alpha = title_alpha(t, local_s, shot.duration_s)
    title = tuple(t.title.split("\n")) if alpha > 0.0 else ()
    if t.caption == "auto":
        caption = auto_caption(context, met_s)
    elif t.caption == "none":
        caption = ""
    else:
        caption = t.caption
    clock = format_met(met_s) if t.clock else ""
    return FrameTexts(title, alpha if title else 0.0, caption, clock)


__all__ = ["FrameTexts", "TEXT_FADE_S", "BEFORE_FIRST_EVENT", "auto_caption", "title_alpha",
           "shot_texts"]
