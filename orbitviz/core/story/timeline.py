"""Film timing: which shots a frame shows, at what video and mission time, and how much of
each.

A story's shots follow one another; shot ``i`` starts at film time ``S_i`` (seconds of
video) with ``S_0 = 0`` and ``S_{i+1} = S_i + d_i − δ_i``, where ``d_i`` is its duration and
``δ_i`` its cross-dissolve into the next (0 for a cut). A dissolve overlaps the last ``δ_i``
seconds of shot ``i`` with the first ``δ_i`` of shot ``i+1``; the film lasts
``Σ d_i − Σ δ_i``. Shot ``i`` is on screen for ``S_i ≤ v < S_i + d_i``.

Frames: a film of duration ``D`` at ``fps`` has ``round(fps·D)`` frames; frame ``k`` shows
video time ``k / fps`` (computed from ``k``, never accumulated). Inside a dissolve the
later shot's weight rises linearly from 0 at its start to 1 at the end of the overlap, and
the picture is ``(1 − w)·earlier + w·later``.

:class:`Film` answers, for each frame, everything the renderer needs: a :class:`FramePlan`
with one :class:`FrameLayer` per shot on screen (two inside a dissolve), each with its
shot's local video time, its mission time, its rate, its weight in the picture, its camera
(:meth:`FrameLayer.camera_pose`) and its texts (:meth:`FrameLayer.texts`).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import Iterator

from orbitviz.core.elements import NoStateError
from orbitviz.core.export_rules import MAX_FRAMES
from orbitviz.core.story.camera_path import CameraPathError, CameraPose, Locator
from orbitviz.core.story.errors import StoryError
from orbitviz.core.story.model import Shot, Story
from orbitviz.core.story.texts import FrameTexts, shot_texts


@dataclass(frozen=True)
class FrameLayer:
    """One shot's share of a frame.

    ``shot``: the :class:`~orbitviz.core.story.model.Shot`. ``local_s``: seconds of video
    into the shot. ``met_s``: the mission time it shows. ``rate``: mission seconds per second
    of video there. ``weight``: its share of the picture (the layers' weights sum to 1).
    ``context``: the story's context (for the captions).
    """

    shot: Shot
    local_s: float
    met_s: float
    rate: float
    weight: float
    context: object

    @property
    def shot_index(self) -> int:
        return self.shot.index

    @property
    def frame(self) -> str:
        """The world frame to draw in: ``earth-fixed`` or ``inertial``."""
        return self.shot.frame

    @property
    def layers(self):
        """Layer id → shown."""
        return self.shot.layers

    def camera_pose(self, locate: Locator) -> CameraPose | None:
        """The camera in the world frame (float64) for a keyframed shot; None for a preset
        or a saved shot's camera, which the renderer resolves (``shot.camera.preset`` or
        ``shot.camera.saved``). ``locate`` must answer in this layer's :attr:`frame`."""
        path = self.shot.camera.path
        if path is None:
            return None
        return path.pose(self.local_s, self.met_s, locate)

    def texts(self) -> FrameTexts:
        """Title card, lower third and clock of this shot now. They belong to the shot:
        paint them on its picture before a dissolve blends it."""
        return shot_texts(self.shot, self.local_s, self.met_s, self.context)


@dataclass(frozen=True)
class FramePlan:
    """What frame ``index`` shows at film time ``video_s``: one layer, or two inside a
    dissolve (the earlier shot first). ``dissolve``: the later shot's weight inside a
    dissolve, else None."""

    index: int | None
    video_s: float
    layers: tuple[FrameLayer, ...]

    @property
    def dissolve(self) -> float | None:
        return self.layers[1].weight if len(self.layers) == 2 else None


class Film:
    """The timing of ``story`` at ``fps`` frames per second (None: the story's own)."""

    def __init__(self, story: Story, fps: float | None = None):
        fps = story.fps if fps is None else fps
        if isinstance(fps, bool) or not isinstance(fps, (int, float)) or not (
                math.isfinite(fps) and fps > 0):
            raise StoryError(f"frames per second must be a number above 0, not {fps!r}",
                             story.source or None)
        self.story = story
        self.fps = fps
        starts = [0.0]
        for s in story.shots[:-1]:
            starts.append(starts[-1] + s.duration_s - s.dissolve_s)
        self.starts_s = tuple(starts)
        last = story.shots[-1]
        self.duration_s = starts[-1] + last.duration_s
        n = round(fps * self.duration_s)
        if n < 1:
            raise StoryError(f"the film is shorter than one frame ({self.duration_s:g} s at "
                             f"{fps:g} fps)", story.source or None)
        if n > MAX_FRAMES:
            raise StoryError(f"the film would have {n} frames, more than {MAX_FRAMES}; "
                             "shorten it or lower the frame rate", story.source or None)
        self.frame_count = int(n)

    @property
    def shots(self) -> tuple[Shot, ...]:
        return self.story.shots

    def frame_time(self, k: int) -> float:
        """Film time of frame ``k``, seconds: ``k / fps``."""
        return k / self.fps

    def shot_span(self, i: int) -> tuple[float, float]:
        """(start, end) of shot ``i`` in film time, seconds."""
        return self.starts_s[i], self.starts_s[i] + self.shots[i].duration_s

    def at(self, video_s: float, index: int | None = None) -> FramePlan:
        """What the film shows at ``video_s`` seconds (clamped to ``[0, duration]``)."""
        v = min(max(float(video_s), 0.0), self.duration_s)
        i = max(0, bisect.bisect_right(self.starts_s, v) - 1)
        on = [i]
        if i > 0 and v < self.shot_span(i - 1)[1]:
            on.insert(0, i - 1)
        weights = [1.0]
        if len(on) == 2:
            a = on[0]
            w = (v - self.starts_s[on[1]]) / self.shots[a].dissolve_s
            w = min(max(w, 0.0), 1.0)
            weights = [1.0 - w, w]
        layers = []
        for j, wt in zip(on, weights):
            shot = self.shots[j]
            local = min(max(v - self.starts_s[j], 0.0), shot.duration_s)
            layers.append(FrameLayer(shot, local, shot.ramp.met_at(local),
                                     shot.ramp.rate_at(local), wt, self.story.context))
        return FramePlan(index, v, tuple(layers))

    def frame(self, k: int) -> FramePlan:
        """What frame ``k`` (0 ≤ k < :attr:`frame_count`) shows."""
        if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < self.frame_count:
            raise IndexError(f"frame {k!r} is not in 0…{self.frame_count - 1}")
        return self.at(self.frame_time(k), k)

    def frames(self) -> Iterator[FramePlan]:
        """Every frame's plan, in order."""
        for k in range(self.frame_count):
            yield self.frame(k)

    def check_cameras(self, locators) -> None:
        """Evaluate every keyframed camera at every frame before anything is drawn; raise
        :class:`StoryError` naming the shot's line where a camera cannot be posed (a blend
        that vanishes, a target without a state). ``locators``: world frame →
        :data:`~orbitviz.core.story.camera_path.Locator`, as ``{"inertial": …,
        "earth-fixed": …}``."""
        for plan in self.frames():
            for layer in plan.layers:
                try:
                    layer.camera_pose(locators[layer.frame])
                except (CameraPathError, NoStateError) as e:
                    raise StoryError(f"shot {layer.shot.index + 1} ({layer.shot.name}): {e}",
                                     self.story.source or None, layer.shot.line) from None

    def __len__(self) -> int:
        return self.frame_count


__all__ = ["Film", "FramePlan", "FrameLayer"]
