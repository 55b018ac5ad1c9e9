"""Reading and checking a story file (TOML) into a :class:`~orbitviz.core.story.model.Story`.

The format is documented in the README ("Films: the story file"). Every problem, in the
TOML syntax or in a value, is a :class:`~orbitviz.core.story.errors.StoryError` naming the
file and the line: ``story.toml:12: duration_s must be a number of seconds, not "ten"``.
:mod:`tomllib` parses; :mod:`orbitviz.core.story.tomlpos` finds the lines. Unknown keys are
errors too (with the nearest known key suggested), because a misspelt key silently ignored
would film something else.

TIME in a story takes only forms that name the day: ISO 8601 (UTC, ``Z`` or an offset; a
TOML date-time value too), ``T+SECONDS`` / ``T-SECONDS`` / ``T+[d.]hh:mm:ss`` from
lift-off, or a mission event id (``docking``), as
:func:`orbitviz.core.timeaxis.parse_time` reads them. A clock time alone (``"12:22"``) and
``now`` are refused: a film must show the same instants every time it is made. Every time
must lie in the mission's display window.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import math
import re
import tomllib
from pathlib import Path

from orbitviz.core.export_rules import FPS_RANGE, ExportError, parse_size, view_name_ok
from orbitviz.core.shots import ShotError, check_name
from orbitviz.core.story.camera_path import (AXES, DEFAULT_FOV_DEG, DEFAULT_UP, FOV_RANGE_DEG,
                                             OBJECT_AXES, Keyframe, KeyframePath,
                                             keyframe_check)
from orbitviz.core.story.context import StoryContext
from orbitviz.core.story.errors import StoryError, show
from orbitviz.core.story.model import Shot, ShotCamera, ShotText, Story
from orbitviz.core.story.ramp import (DEFAULT_EASE_S, DEFAULT_SLOW_S, EasedRamp, EasePoint,
                                      HoldRamp, LinearRamp, RampError)
from orbitviz.core.story.tomlpos import key_lines
from orbitviz.core.timeaxis import TimeParseError, format_met, parse_time
from orbitviz.core.viewstate import FRAMES, LAYERS

#: Keys of each table, in the order the README documents them.
STORY_KEYS = ("title", "description", "fps", "size")
DEFAULT_KEYS = ("frame", "layers", "caption", "clock", "dissolve_s", "ease_s")
SHOT_KEYS = ("name", "at", "start", "end", "rate", "duration_s", "ramp", "ease", "ease_s",
             "camera", "saved_shot", "keyframes", "frame", "layers", "title", "title_s",
             "caption", "clock", "dissolve_s")
EASE_KEYS = ("at", "rate", "before_s", "after_s")
KEYFRAME_KEYS = ("video_s", "target", "axes", "position_km", "look_at_km", "up", "fov_deg")
RAMP_KINDS = ("linear", "hold", "eased")
#: The film's defaults when the story gives none.
DEFAULT_FPS = 30
DEFAULT_SIZE = (1920, 1080)

_CLOCK_ONLY = re.compile(r"^\d{1,2}:\d{2}(:\d{2}(\.\d*)?)?\s*(z|Z|[+-]\d{2}:?\d{2})?$")
_EVENT_ID = re.compile(r"^[a-z][a-z0-9-]*$")
_TOML_AT = re.compile(r"\s*\((at line (\d+), column \d+|at end of document)\)\s*$")
_TIME_FORMS = ("ISO 8601 UTC (2021-10-05T12:22:31Z), T+SECONDS, T+[d.]hh:mm:ss or an "
               "event id")


def _or(words) -> str:
    """``a, b or c``."""
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _suggest(word: str, choices) -> str:
    near = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {near[0]}?)" if near else ""


class _Reader:
    """Checks one parsed document; every failure names the line of the key at fault."""

    def __init__(self, source: str, text: str, context: StoryContext):
        self.source = source
        self.pos = key_lines(text)
        self.ctx = context
        self.events = context.event_times()

    # -- failures --------------------------------------------------------------------------
    def fail(self, path, message: str) -> StoryError:
        return StoryError(message, self.source, self.pos.line(path))

    def known(self, table: dict, path: tuple, allowed, where: str) -> None:
        for key in table:
            if key not in allowed:
                raise self.fail(path + (key,), f"unknown key {key!r} in {where}"
                                               f"{_suggest(key, allowed)}")

    def table(self, value, path: tuple, what: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(path, f"{what} must be a table, not {show(value)}")
        return value

    # -- values ----------------------------------------------------------------------------
    def number(self, value, path: tuple, key: str, unit: str = "") -> float:
        phrase = f"a number of {unit}" if unit else "a number"
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(path, f"{key} must be {phrase}, not {show(value)}")
        v = float(value)
        if not math.isfinite(v):
            raise self.fail(path, f"{key} must be a finite number, not {show(value)}")
        return v

    def positive(self, value, path, key, unit="seconds") -> float:
        v = self.number(value, path, key, unit)
        if not v > 0:
            raise self.fail(path, f"{key} must be more than 0{' ' + unit if unit else ''}, "
                                  f"not {show(value)}")
        return v

    def non_negative(self, value, path, key, unit="seconds") -> float:
        v = self.number(value, path, key, unit)
        if v < 0:
            raise self.fail(path, f"{key} cannot be negative, not {show(value)}")
        return v

    def text(self, value, path, key) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"{key} must be text in quotes, not {show(value)}")
        return value

    def boolean(self, value, path, key) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, f"{key} must be true or false, not {show(value)}")
        return value

    def vector(self, value, path, key) -> tuple[float, float, float]:
        if (not isinstance(value, list) or len(value) != 3
                or any(isinstance(x, bool) or not isinstance(x, (int, float))
                       or not math.isfinite(x) for x in value)):
            raise self.fail(path, f"{key} must be three numbers [x, y, z], not {show(value)}")
        return tuple(float(x) for x in value)

    def time(self, value, path, key) -> float:
        """``met_s`` of a TIME that names the day, inside the display window."""
        axis = self.ctx.axis
        if isinstance(value, _dt.datetime):
            when = value if value.tzinfo else value.replace(tzinfo=_dt.timezone.utc)
            met = axis.met_from_datetime(when)
        elif isinstance(value, _dt.date):
            met = axis.met_from_datetime(_dt.datetime(value.year, value.month, value.day,
                                                      tzinfo=_dt.timezone.utc))
        elif isinstance(value, _dt.time):
            raise self.fail(path, f"{key} = {show(value)} is a clock time that does not name "
                                  f"the day: write {_TIME_FORMS}")
        elif not isinstance(value, str):
            raise self.fail(path, f"{key} must be a TIME: {_TIME_FORMS}; not {show(value)}")
        else:
            s = value.strip()
            if s.lower() == "now":
                raise self.fail(path, f"{key} = \"now\" would film another moment every time: "
                                      f"write {_TIME_FORMS}")
            if _CLOCK_ONLY.match(s):
                raise self.fail(path, f"{key} = {show(value)} does not name the day: write "
                                      f"{_TIME_FORMS}")
            if _EVENT_ID.match(s) and s not in self.events:
                raise self.fail(path, f"unknown event id {show(value)}"
                                      f"{_suggest(s, self.events)}; `orbitviz events` "
                                      "lists them")
            try:
                met = parse_time(s, axis, self.events)
            except TimeParseError:
                raise self.fail(path, f"{key} = {show(value)} is not a TIME: write "
                                      f"{_TIME_FORMS}") from None
        w0, w1 = self.ctx.window
        if not w0 <= met <= w1:
            raise self.fail(path, f"{key} = {show(value)} ({format_met(met)}) is outside the "
                                  f"mission's display window, {format_met(w0)} to "
                                  f"{format_met(w1)}")
        return met

    def layers(self, value, path, base: dict) -> dict:
        table = self.table(value, path, "layers")
        out = dict(base)
        for k, v in table.items():
            if k not in LAYERS:
                raise self.fail(path + (k,), f"unknown layer {k!r}{_suggest(k, LAYERS)}; "
                                             f"layers are {', '.join(LAYERS)}")
            out[k] = self.boolean(v, path + (k,), f"layer {k!r}")
        return out

    def frame(self, value, path) -> str:
        if value not in FRAMES:
            raise self.fail(path, f"frame must be {_or(FRAMES)}, not {show(value)}")
        return value

    def caption(self, value, path) -> str:
        return self.text(value, path, "caption").strip() or "none"

    def object_id(self, value, path, key, span) -> str:
        if value not in self.ctx.lifetimes:
            known = ", ".join(self.ctx.objects)
            raise self.fail(path, f"unknown object {show(value)} in {key}"
                                  f"{_suggest(value, self.ctx.lifetimes)} (known: {known})")
        a, b = self.ctx.lifetimes[value]
        t0, t1 = span
        if t0 < a or t1 > b:
            raise self.fail(path, f"{value} does not exist throughout the shot "
                                  f"({format_met(t0)} to {format_met(t1)}); its data cover "
                                  f"{format_met(a)} to {format_met(b)}")
        return value

    # -- the document ----------------------------------------------------------------------
    def story(self, doc: dict, name: str) -> Story:
        self.known(doc, (), ("story", "defaults", "shots"), "the story file")
        if "story" not in doc:
            raise self.fail((), "lacks its [story] table (title = \"…\")")
        head = self.table(doc["story"], ("story",), "[story]")
        self.known(head, ("story",), STORY_KEYS, "[story]")
        if "title" not in head:
            raise self.fail(("story",), "[story] lacks its title")
        title = self.text(head["title"], ("story", "title"), "title").strip()
        if not title:
            raise self.fail(("story", "title"), "title cannot be empty")
        description = self.text(head.get("description", ""), ("story", "description"),
                                "description")
        fps = head.get("fps", DEFAULT_FPS)
        lo, hi = FPS_RANGE
        if isinstance(fps, bool) or not isinstance(fps, int) or not lo <= fps <= hi:
            raise self.fail(("story", "fps"), f"fps must be a whole number of frames per "
                                              f"second from {lo} to {hi}, not {show(fps)}")
        size = DEFAULT_SIZE
        if "size" in head:
            try:
                size = parse_size(self.text(head["size"], ("story", "size"), "size"))
            except ExportError as e:
                raise self.fail(("story", "size"), str(e)) from None
        defaults = self.table(doc.get("defaults", {}), ("defaults",), "[defaults]")
        self.known(defaults, ("defaults",), DEFAULT_KEYS, "[defaults]")
        raw_shots = doc.get("shots")
        if raw_shots is None:
            raise self.fail((), "the story has no shots: add [[shots]] tables")
        if not isinstance(raw_shots, list) or not all(isinstance(s, dict) for s in raw_shots):
            raise self.fail(("shots",), "shots must be written as [[shots]] tables")
        if not raw_shots:
            raise self.fail(("shots",), "the story has no shots")
        shots = [self.shot(raw, i, defaults, last=i == len(raw_shots) - 1)
                 for i, raw in enumerate(raw_shots)]
        self.names(shots)
        self.dissolves(shots)
        return Story(name, title, description, fps, size, tuple(shots), self.ctx, self.source)

    def names(self, shots) -> None:
        seen = {}
        for s in shots:
            key = s.name.casefold()
            if key in seen:
                raise self.fail(("shots", s.index, "name"),
                                f"shot name {show(s.name)} is also shot {seen[key] + 1}'s")
            seen[key] = s.index

    def dissolves(self, shots) -> None:
        for i, s in enumerate(shots[:-1]):
            nxt = shots[i + 1]
            path = self._dissolve_path(i)
            for other in (s, nxt):
                if s.dissolve_s > other.duration_s:
                    raise self.fail(path, f"dissolve_s = {s.dissolve_s:g} is longer than shot "
                                          f"{other.index + 1} ({show(other.name)}, "
                                          f"{other.duration_s:g} s)")
            if i > 0:
                into = shots[i - 1].dissolve_s
                if into + s.dissolve_s > s.duration_s:
                    raise self.fail(path, f"the dissolves into and out of shot {i + 1} "
                                          f"({show(s.name)}) overlap: {into:g} s + "
                                          f"{s.dissolve_s:g} s is more than its "
                                          f"{s.duration_s:g} s")

    def _dissolve_path(self, i) -> tuple:
        p = ("shots", i, "dissolve_s")
        return p if p in self.pos else ("defaults", "dissolve_s")

    def pick(self, raw: dict, i: int, defaults: dict, key: str, default):
        """(value, path) of a shot key, from the shot, else ``[defaults]``, else ``default``."""
        if key in raw:
            return raw[key], ("shots", i, key)
        if key in defaults:
            return defaults[key], ("defaults", key)
        return default, ("shots", i)

    def shot(self, raw: dict, i: int, defaults: dict, last: bool) -> Shot:
        here = ("shots", i)
        self.known(raw, here, SHOT_KEYS, f"shot {i + 1}")
        name = f"Shot {i + 1}"
        if "name" in raw:
            try:
                name = check_name(raw["name"])
            except ShotError as e:
                raise self.fail(here + ("name",), str(e)) from None
        label = f"shot {i + 1}" + (f" ({show(name)})" if "name" in raw else "")
        if "duration_s" not in raw:
            raise self.fail(here, f"{label} lacks duration_s (seconds of video)")
        duration = self.positive(raw["duration_s"], here + ("duration_s",), "duration_s")
        ramp = self.ramp(raw, i, defaults, duration, label)
        camera = self.camera(raw, i, duration, (ramp.t0_s, ramp.t1_s), label)
        frame_v, frame_p = self.pick(raw, i, defaults, "frame", "earth-fixed")
        frame = self.frame(frame_v, frame_p)
        layers = {k: True for k in LAYERS}
        if "layers" in defaults:
            layers = self.layers(defaults["layers"], ("defaults", "layers"), layers)
        if "layers" in raw:
            layers = self.layers(raw["layers"], here + ("layers",), layers)
        text = self.texts(raw, i, defaults, duration)
        if last and "dissolve_s" in raw:
            raise self.fail(here + ("dissolve_s",), "the last shot has no next shot to "
                                                    "dissolve into")
        dissolve = 0.0
        if not last:
            v, p = self.pick(raw, i, defaults, "dissolve_s", 0.0)
            dissolve = self.non_negative(v, p, "dissolve_s")
        return Shot(i, name, self.pos.line(here), ramp, camera, frame, layers, text, dissolve)

    def ramp(self, raw, i, defaults, duration, label):
        here = ("shots", i)
        kind = raw.get("ramp")
        if kind is not None and kind not in RAMP_KINDS:
            raise self.fail(here + ("ramp",), f"ramp must be {_or(RAMP_KINDS)}, not "
                                              f"{show(kind)}")
        if "at" in raw:
            for key in ("start", "end", "rate", "ease"):
                if key in raw:
                    raise self.fail(here + (key,), f"at = TIME holds time still: leave out "
                                                   f"{key} (or give start and end instead)")
            if kind not in (None, "hold"):
                raise self.fail(here + ("ramp",), f"ramp = {show(kind)} needs start and end, "
                                                  "not at")
            return HoldRamp(self.time(raw["at"], here + ("at",), "at"), duration)
        if "start" not in raw:
            raise self.fail(here, f"{label} lacks start (or at = TIME for a hold)")
        t0 = self.time(raw["start"], here + ("start",), "start")
        if "rate" in raw and "end" in raw:
            raise self.fail(here + ("rate",), "give end or rate, not both")
        if "rate" in raw:
            rate = self.positive(raw["rate"], here + ("rate",), "rate",
                                 unit="mission seconds per second")
            if kind == "eased" or "ease" in raw:
                raise self.fail(here + ("rate",), "an eased ramp solves its own rate: give "
                                                  "end instead of rate")
            t1 = t0 + rate * duration
            w1 = self.ctx.window[1]
            if t1 > w1:
                raise self.fail(here + ("rate",), f"at rate = {show(raw['rate'])} the shot "
                                                  f"ends at {format_met(t1)}, after the "
                                                  f"display window ({format_met(w1)})")
        elif "end" in raw:
            t1 = self.time(raw["end"], here + ("end",), "end")
            if t1 < t0:
                raise self.fail(here + ("end",), f"end ({format_met(t1)}) is before start "
                                                 f"({format_met(t0)})")
        else:
            raise self.fail(here, f"{label} lacks end (or rate)")
        if kind is None:
            kind = "eased" if "ease" in raw else ("hold" if t1 == t0 else "linear")
        for key in ("ease", "ease_s"):
            if key in raw and kind != "eased":
                raise self.fail(here + (key,), f"{key} is for ramp = \"eased\", not "
                                               f"{show(kind)}")
        if kind == "hold":
            if t1 != t0:
                raise self.fail(here + ("ramp",), "ramp = \"hold\" keeps time still: give "
                                                  "at = TIME instead of start and end")
            return HoldRamp(t0, duration)
        if kind == "linear":
            return LinearRamp(t0, t1, duration)
        # eased
        if "ease" not in raw:
            raise self.fail(here + ("ramp",), "ramp = \"eased\" needs ease = [ { at = TIME, "
                                              "rate = … }, … ]")
        if not t1 > t0:
            raise self.fail(here + ("end",), "an eased ramp needs time to pass: end must be "
                                             "after start")
        points = self.ease(raw["ease"], here + ("ease",), (t0, t1))
        ease_v, ease_p = self.pick(raw, i, defaults, "ease_s", DEFAULT_EASE_S)
        ease_s = self.positive(ease_v, ease_p, "ease_s")
        try:
            return EasedRamp(t0, t1, duration, points, ease_s)
        except RampError as e:
            raise self.fail(here + ("duration_s",), str(e)) from None

    def ease(self, value, path, span) -> list[EasePoint]:
        if not isinstance(value, list) or not value:
            raise self.fail(path, "ease must be a list of { at = TIME, rate = …, before_s = …, "
                                  f"after_s = … }}, not {show(value)}")
        points = []
        for j, item in enumerate(value):
            p = path + (j,)
            item = self.table(item, p, "each ease entry")
            self.known(item, p, EASE_KEYS, "an ease entry")
            if "at" not in item:
                raise self.fail(p, "an ease entry lacks at = TIME")
            t = self.time(item["at"], p + ("at",), "at")
            if not span[0] <= t <= span[1]:
                raise self.fail(p + ("at",), f"ease at {show(item['at'])} ({format_met(t)}) "
                                             f"is outside the shot, {format_met(span[0])} to "
                                             f"{format_met(span[1])}")
            rate = self.positive(item.get("rate", 1.0), p + ("rate",), "rate",
                                 unit="mission seconds per second")
            before = self.non_negative(item.get("before_s", DEFAULT_SLOW_S), p + ("before_s",),
                                       "before_s")
            after = self.non_negative(item.get("after_s", DEFAULT_SLOW_S), p + ("after_s",),
                                      "after_s")
            points.append(EasePoint(t, rate, before, after))
        return points

    def camera(self, raw, i, duration, span, label) -> ShotCamera:
        here = ("shots", i)
        given = [k for k in ("camera", "saved_shot", "keyframes") if k in raw]
        if not given:
            raise self.fail(here, f"{label} has no camera: give camera = PRESET, saved_shot = "
                                  "NAME or [[shots.keyframes]]")
        if len(given) > 1:
            raise self.fail(here + (given[1],), f"give one camera: {given[0]} or {given[1]}, "
                                                "not both")
        key = given[0]
        value = raw[key]
        if key == "camera":
            preset = self.text(value, here + ("camera",), "camera")
            if not view_name_ok(preset):
                raise self.fail(here + ("camera",), f"unknown camera preset {show(preset)}: "
                                                    "use earth, baikonur, rendezvous or "
                                                    "follow:<object id>")
            if preset.startswith("follow:"):
                self.object_id(preset.split(":", 1)[1], here + ("camera",), "camera", span)
            return ShotCamera("preset", preset=preset)
        if key == "saved_shot":
            try:
                saved = check_name(value)
            except ShotError as e:
                raise self.fail(here + ("saved_shot",), str(e)) from None
            names = self.ctx.saved_shots
            if names is not None and saved.casefold() not in {n.casefold() for n in names}:
                known = ", ".join(sorted(names)) or "none"
                raise self.fail(here + ("saved_shot",), f"no saved shot named {show(saved)} "
                                                        f"(saved: {known})")
            return ShotCamera("saved", saved=saved)
        if not isinstance(value, list) or not value or not all(isinstance(k, dict)
                                                                for k in value):
            raise self.fail(here + ("keyframes",), "keyframes must be written as "
                                                   "[[shots.keyframes]] tables")
        keys = [self.keyframe(k, here + ("keyframes", j), duration, span)
                for j, k in enumerate(value)]
        for j in range(1, len(keys)):
            if not keys[j].video_s > keys[j - 1].video_s:
                raise self.fail(here + ("keyframes", j, "video_s"),
                                f"keyframes must go forward in video time: video_s = "
                                f"{keys[j].video_s:g} comes after {keys[j - 1].video_s:g}")
        return ShotCamera("keyframes", path=KeyframePath(keys))

    def keyframe(self, raw: dict, path, duration, span) -> Keyframe:
        self.known(raw, path, KEYFRAME_KEYS, "a keyframe")
        for key in ("video_s", "target", "position_km"):
            if key not in raw:
                raise self.fail(path, f"a keyframe lacks {key}")
        u = self.non_negative(raw["video_s"], path + ("video_s",), "video_s")
        if u > duration:
            raise self.fail(path + ("video_s",), f"video_s = {u:g} is after the shot's end "
                                                 f"({duration:g} s)")
        target = self.text(raw["target"], path + ("target",), "target")
        if target != "earth":
            self.object_id(target, path + ("target",), "target", span)
        axes = raw.get("axes", "earth-fixed" if target == "earth" else "lvlh")
        if axes not in AXES:
            raise self.fail(path + ("axes",), f"axes must be {_or(AXES)}, not "
                                              f"{show(axes)}")
        if target == "earth" and axes in OBJECT_AXES:
            raise self.fail(path + ("axes",), f"the Earth has no {axes} axes: use "
                                              "earth-fixed or inertial")
        pos = self.vector(raw["position_km"], path + ("position_km",), "position_km")
        look = self.vector(raw.get("look_at_km", [0.0, 0.0, 0.0]), path + ("look_at_km",),
                           "look_at_km")
        up = self.vector(raw.get("up", list(DEFAULT_UP[axes])), path + ("up",), "up")
        fov = self.number(raw.get("fov_deg", DEFAULT_FOV_DEG), path + ("fov_deg",),
                          "fov_deg", "degrees")
        lo, hi = FOV_RANGE_DEG
        if not lo <= fov <= hi:
            raise self.fail(path + ("fov_deg",), f"fov_deg must be from {lo:g} to {hi:g} "
                                                 f"degrees, not {show(raw['fov_deg'])}")
        k = Keyframe(u, target, axes, pos, look, up, fov)
        bad = keyframe_check(k)
        if bad:
            where = "up" if bad.startswith("up") else "position_km"
            raise self.fail(path + (where,), bad)
        return k

    def texts(self, raw, i, defaults, duration) -> ShotText:
        here = ("shots", i)
        title = self.text(raw.get("title", ""), here + ("title",), "title").strip()
        a, b = 0.0, duration
        if "title_s" in raw:
            p = here + ("title_s",)
            if not title:
                raise self.fail(p, "title_s without a title")
            v = raw["title_s"]
            if isinstance(v, list) and len(v) == 2:
                a = self.non_negative(v[0], p, "title_s")
                b = self.non_negative(v[1], p, "title_s")
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                b = self.positive(v, p, "title_s")
            else:
                raise self.fail(p, f"title_s must be seconds (shown from the shot's start) or "
                                   f"[from, to] in seconds, not {show(v)}")
            if not a < b or b > duration:
                raise self.fail(p, f"title_s must lie within the shot's {duration:g} s, from "
                                   f"an earlier to a later second, not {show(v)}")
        cap_v, cap_p = self.pick(raw, i, defaults, "caption", "auto")
        clock_v, clock_p = self.pick(raw, i, defaults, "clock", True)
        return ShotText(title, a, b, self.caption(cap_v, cap_p),
                        self.boolean(clock_v, clock_p, "clock"))


def _syntax_error(e: tomllib.TOMLDecodeError, text: str, source: str) -> StoryError:
    message = str(e)
    m = _TOML_AT.search(message)
    line = None
    if m:
        message = message[:m.start()]
        if m.group(2):
            line = int(m.group(2))
    if line is None:  # "at end of document": the last line written
        written = [n for n, t in enumerate(text.splitlines(), 1) if t.strip()]
        line = written[-1] if written else 1
    return StoryError(f"TOML syntax: {message[:1].lower()}{message[1:]}", source, line)


def parse_story(text: str, context: StoryContext, source: str = "<story>",
                name: str = "story") -> Story:
    """A :class:`Story` from the text of a story file. ``source`` names the file in
    messages; ``name`` is the story's short name. Raises :class:`StoryError`."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise _syntax_error(e, text, source) from None
    return _Reader(source, text, context).story(doc, name)


def load_story(path, context: StoryContext) -> Story:
    """Read and check the story file at ``path``; raises :class:`StoryError` (``file:line:
    message``)."""
    p = Path(path)
    source = str(path)
    try:
        text = p.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise StoryError("no such story file", source) from None
    except IsADirectoryError:
        raise StoryError("is a folder, not a story file", source) from None
    except UnicodeDecodeError:
        raise StoryError("is not UTF-8 text", source) from None
    except OSError as e:
        raise StoryError(f"cannot be read ({e.strerror or e})", source) from None
    return parse_story(text, context, source, p.stem)


__all__ = ["parse_story", "load_story", "STORY_KEYS", "DEFAULT_KEYS", "SHOT_KEYS", "EASE_KEYS",
           "KEYFRAME_KEYS", "RAMP_KINDS", "DEFAULT_FPS", "DEFAULT_SIZE"]
