"""Stories: a film of the mission described in a human-editable TOML file (no Qt, no GL).

A story is a sequence of shots; each shows a span of mission time in some seconds of video
through a time ramp, with a camera (a preset, a saved shot, or keyframes), a world frame,
layers, texts, and a cut or a cross-dissolve into the next shot. The renderer asks a
:class:`Film`, frame by frame, what to draw.

One job per module:

- :mod:`.load` — reading and checking a story file (``file:line`` errors); :mod:`.tomlpos`
  finds the lines; :mod:`.errors` is :class:`StoryError`.
- :mod:`.context` — what a story is checked against (the mission's events, objects, window).
- :mod:`.model` — :class:`Story`, :class:`Shot` and their parts.
- :mod:`.ramp` — time ramps: video time → mission time.
- :mod:`.camera_path` — keyframed camera paths, C1 in video time; :mod:`.scene_frames`
  builds their locator from the viewer model.
- :mod:`.timeline` — :class:`Film`: frames, shots on screen, dissolve weights.
- :mod:`.texts` — title card, lower third and T+ clock.
- :mod:`.library` — the stories that ship (``assets/stories/``).

Example::

    mission = MissionModel.build()
    story = load_story(find_story("challenge"), StoryContext.from_mission(mission))
    film = Film(story, fps=30)
    viewer = ViewerModel(mission)
    locate = {f: viewer_locator(viewer, f) for f in ("earth-fixed", "inertial")}
    for plan in film.frames():
        for layer in plan.layers:     # two inside a dissolve
            pose = layer.camera_pose(locate[layer.frame])   # None: a preset's camera
            ...  # draw at layer.met_s with pose, layer.layers, layer.texts(); blend by weight
"""

from orbitviz.core.story.camera_path import (AXES, CameraPathError, CameraPose, Keyframe,
                                             KeyframePath, Locator)
from orbitviz.core.story.context import StoryContext, StoryEvent
from orbitviz.core.story.errors import StoryError
from orbitviz.core.story.library import (StoryInfo, find_story, list_stories,
                                         shipped_stories, stories_folder)
from orbitviz.core.story.load import load_story, parse_story
from orbitviz.core.story.model import Shot, ShotCamera, ShotText, Story
from orbitviz.core.story.ramp import (EasedRamp, EasePoint, HoldRamp, LinearRamp, Ramp,
                                      RampError)
from orbitviz.core.story.scene_frames import viewer_locator
from orbitviz.core.story.texts import FrameTexts
from orbitviz.core.story.timeline import Film, FrameLayer, FramePlan

__all__ = ["AXES", "CameraPathError", "CameraPose", "Keyframe", "KeyframePath", "Locator",
           "StoryContext", "StoryEvent", "StoryError", "StoryInfo", "find_story",
           "list_stories", "shipped_stories", "stories_folder", "load_story", "parse_story",
           "Shot", "ShotCamera", "ShotText", "Story", "EasedRamp", "EasePoint", "HoldRamp",
           "LinearRamp", "Ramp", "RampError", "viewer_locator", "FrameTexts", "Film",
           "FrameLayer", "FramePlan"]
