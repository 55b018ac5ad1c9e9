"""The one error of stories, and how a story file's values are shown in messages.

Every problem with a story is a :class:`StoryError` whose message is one line for the user:
``story.toml:12: duration_s must be a number of seconds, not "ten"``.
"""

from __future__ import annotations

import datetime as _dt
import json
import math

#: Longest value shown in a message, characters (longer values are cut with "…").
SHOW_CHARS = 60


class StoryError(ValueError):
    """A bad story. ``str(e)`` is one line: ``FILE:LINE: MESSAGE`` (``FILE: MESSAGE`` when no
    line applies, ``MESSAGE`` when no file does). ``source``, ``line`` and ``detail`` keep
    the three parts apart for the app, which shows them beside the story's text."""

    def __init__(self, detail: str, source: str | None = None, line: int | None = None):
        self.detail = " ".join(str(detail).split())  # one line, always
        self.source = source
        self.line = line
        if source and line:
            text = f"{source}:{line}: {self.detail}"
        elif source:
            text = f"{source}: {self.detail}"
        else:
            text = self.detail
        super().__init__(text)


def show(value) -> str:
    """``value`` as it would be written in a TOML file: ``"ten"``, ``3.5``, ``true``,
    ``[1, 2]``, ``{ a = 1 }`` (cut to :data:`SHOW_CHARS` characters)."""
    text = _toml_text(value)
    return text if len(text) <= SHOW_CHARS else text[:SHOW_CHARS - 1] + "…"


def _toml_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_text(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{k} = {_toml_text(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    return repr(value)


__all__ = ["StoryError", "show"]
