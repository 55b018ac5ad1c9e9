"""A story in memory: its shots, each with a time ramp, a camera, a view and texts.

Built by :func:`orbitviz.core.story.load.load_story` from a checked story file; every value
here is already valid. Times are ``met_s`` (TT seconds from lift-off); durations are
seconds of video.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from orbitviz.core.story.camera_path import KeyframePath
from orbitviz.core.story.context import StoryContext
from orbitviz.core.story.ramp import Ramp

#: Kinds of camera a shot may have.
CAMERA_KINDS = ("preset", "saved", "keyframes")


@dataclass(frozen=True)
class ShotCamera:
    """A shot's camera: a preset (``preset``: ``earth``, ``baikonur``, ``rendezvous`` or
    ``follow:<object id>``, resolved by the renderer's :mod:`orbitviz.render.camera`), a
    saved shot's camera (``saved``: its name in the shot book) or keyframes (``path``)."""

    kind: str
    preset: str = ""
    saved: str = ""
    path: KeyframePath | None = None


@dataclass(frozen=True)
class ShotText:
    """What a shot writes over its picture.

    ``title``: a title card (lines split on ``\\n``; "" for none), shown from
    ``title_from_s`` to ``title_to_s`` (seconds of the shot's video). ``caption``: the
    lower third: ``"auto"`` (the current event's name), ``"none"`` or a text. ``clock``:
    whether the T+ clock shows.
    """

    title: str = ""
    title_from_s: float = 0.0
    title_to_s: float = 0.0
    caption: str = "auto"
    clock: bool = True


@dataclass(frozen=True)
class Shot:
    """One shot. ``index``: its place in the story (0-based); ``line``: the line of its
    ``[[shots]]`` header in the story file. ``ramp``: video time → mission time.
    ``frame``: the world frame, ``earth-fixed`` or ``inertial``. ``layers``: every layer id
    of :data:`orbitviz.core.viewstate.LAYERS` → shown. ``dissolve_s``: the cross-dissolve
    into the next shot (0: a cut)."""

    index: int
    name: str
    line: int
    ramp: Ramp
    camera: ShotCamera
    frame: str
    layers: Mapping[str, bool]
    text: ShotText
    dissolve_s: float = 0.0

    @property
    def duration_s(self) -> float:
        return self.ramp.duration_s

    @property
    def start_s(self) -> float:
        """Mission time at the shot's first instant, met_s."""
        return self.ramp.t0_s

    @property
    def end_s(self) -> float:
        """Mission time at the shot's last instant, met_s."""
        return self.ramp.t1_s


@dataclass(frozen=True)
class Story:
    """A film's script. ``name``: the file's stem (``challenge``); ``source``: the file it
    was read from. ``fps`` and ``size`` (width, height px): the film's defaults (the CLI may
    override them). ``context``: what its times and objects were checked against."""

    name: str
    title: str
    description: str
    fps: int
    size: tuple[int, int]
    shots: tuple[Shot, ...]
    context: StoryContext
    source: str = ""

    @property
    def duration_s(self) -> float:
        """The film's length: its shots' durations minus its dissolves, seconds."""
        return (sum(s.duration_s for s in self.shots)
                - sum(s.dissolve_s for s in self.shots[:-1]))


__all__ = ["CAMERA_KINDS", "ShotCamera", "ShotText", "Shot", "Story"]
