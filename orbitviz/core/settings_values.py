"""The app's saved settings, checked as they are read back: one table of every key.

The settings file (QSettings: an INI file on Linux) is the user's to edit, and it outlives
versions; issue 14 found that ``time/met_s=nan`` stuck the app at start-up (and the NaN was
saved back on close), and so did a deeply nested ``view/state`` or a NaN or inf in
``view/camera``. Every value read goes through :func:`check` here:

- each key has a reader (:data:`SETTINGS`) that returns the value or raises
  :class:`SettingError` with the reason in a few words;
- numbers are finite and inside the key's range; JSON is read by
  :func:`~orbitviz.core.userfiles.loads_json` (depth capped, no NaN, no 1e400) and capped in
  length; texts (paths) are capped and hold no NUL or line break;
- times (``met_s``, seconds from lift-off) are checked against the window the caller gives
  (the mission's clock window for ``time/met_s``, the dates orbitviz shows for the last
  clip range).

The app (:mod:`orbitviz.app.settings`) reads through this table, falls back to the default
of a bad value, removes it from the file and tells the user once; the export dialogs read
their values with :func:`value_or`. Writing refuses what reading would refuse
(:func:`check_for_saving`), so no NaN is ever written. No Qt here: Qt's own types (window
geometry and dock layout, ``QByteArray``) are checked in the app.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from orbitviz.core.clock import MAX_RATE
from orbitviz.core.export_rules import FPS_RANGE, MAX_CLIP_RATE, MAX_SIZE_PX, MIN_DIALOG_SIZE_PX
from orbitviz.core.userfiles import UserFileError, brief, loads_json
from orbitviz.core.viewstate import CAMERA_PRESETS, FRAMES, LAYERS, ViewState

#: Longest text setting (a path), characters (Linux's PATH_MAX is 4096 bytes).
MAX_TEXT_CHARS = 4096
#: Longest JSON setting, characters (a view state is about 400, a camera about 200).
MAX_JSON_CHARS = 64 * 1024
#: Deepest JSON setting (a view state is 2 deep).
MAX_JSON_DEPTH = 8
#: Longest track span a view state may hold, s (as ViewState.from_dict).
MAX_TRACK_S = 10 * 86400.0
#: Closest and farthest saved camera distance, km (the viewport's own limits).
CAMERA_DISTANCE_KM = (0.015, 400000.0)


class SettingError(ValueError):
    """A saved value that cannot be used; the message says why in a few words."""


# -- readers of one kind of value ------------------------------------------------------------
def read_bool(raw) -> bool:
    """``True``/``False``, or the texts an INI file holds (``true``, ``false``, ``1``, ``0``)."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "1", "yes", "false", "0", "no"):
        return raw.strip().lower() in ("true", "1", "yes")
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    raise SettingError(f"{brief(raw)} is not true or false")


def read_int(raw, lo: int, hi: int) -> int:
    """A whole number in ``[lo, hi]`` (an INI file holds it as text)."""
    if isinstance(raw, bool):
        raise SettingError(f"{brief(raw)} is not a whole number")
    if isinstance(raw, str):
        text = raw.strip()
        if not (0 < len(text) <= 20 and text.lstrip("+-").isdigit()):
            raise SettingError(f"{brief(raw)} is not a whole number")
        value = int(text)
    elif isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        value = int(raw)
    else:
        raise SettingError(f"{brief(raw)} is not a whole number")
    if not lo <= value <= hi:
        raise SettingError(f"{value} is outside {lo} to {hi}")
    return value


def read_float(raw, lo: float = -math.inf, hi: float = math.inf) -> float:
    """A finite number in ``[lo, hi]`` (never NaN or infinity)."""
    if isinstance(raw, bool):
        raise SettingError(f"{brief(raw)} is not a number")
    if isinstance(raw, str):
        if len(raw) > 64:
            raise SettingError(f"{brief(raw)} is not a number")
        try:
            value = float(raw)
        except ValueError:
            raise SettingError(f"{brief(raw)} is not a number") from None
    elif isinstance(raw, (int, float)):
        try:
            value = float(raw)
        except OverflowError:  # an integer beyond a double
            raise SettingError(f"{brief(raw)} is too large") from None
    else:
        raise SettingError(f"{brief(raw)} is not a number")
    if not math.isfinite(value):
        raise SettingError(f"{brief(raw)} is not a finite number")
    if not lo <= value <= hi:
        raise SettingError(f"{value:g} is outside {lo:g} to {hi:g}")
    return value


def read_text(raw, max_chars: int = MAX_TEXT_CHARS) -> str:
    """Text of at most ``max_chars`` characters, without NUL or line breaks (a path)."""
    if not isinstance(raw, str):
        raise SettingError(f"{brief(raw)} is not text")
    if len(raw) > max_chars:
        raise SettingError(f"it is {len(raw):,} characters long; at most {max_chars:,} are read")
    if any(c in raw for c in "\0\n\r"):
        raise SettingError(f"{brief(raw)} holds a control character")
    return raw


def read_json(raw, max_depth: int = MAX_JSON_DEPTH, max_chars: int = MAX_JSON_CHARS):
    """The value of JSON text: at most ``max_chars`` long and ``max_depth`` deep, finite
    numbers only."""
    if not isinstance(raw, str):
        raise SettingError(f"{brief(raw)} is not JSON text")
    if len(raw) > max_chars:
        raise SettingError(f"it is {len(raw):,} characters long; at most {max_chars:,} are read")
    try:
        return loads_json(raw, max_depth=max_depth)
    except UserFileError as exc:
        raise SettingError(f"not valid JSON ({exc})") from None


def read_view_state(raw) -> ViewState:
    """A :class:`ViewState` from its JSON; any bad part is an error (naming the first), so
    the user hears of it; :meth:`ViewState.from_dict` itself would drop it silently."""
    data = read_json(raw)
    if not isinstance(data, dict):
        raise SettingError(f"{brief(data)} is not a JSON object")
    layers = data.get("layers", {})
    if not isinstance(layers, dict):
        raise SettingError(f"layers {brief(layers)} is not an object")
    for key in LAYERS:
        if key in layers and not isinstance(layers[key], bool):
            raise SettingError(f"layer {key!r} is {brief(layers[key])}, not true or false")
    if "frame" in data and data["frame"] not in FRAMES:
        raise SettingError(f"frame {brief(data['frame'])} is not one of {', '.join(FRAMES)}")
    cam = data.get("camera", "earth")
    if not (cam in CAMERA_PRESETS or (isinstance(cam, str) and cam.startswith("follow:")
                                      and len(cam) > len("follow:"))):
        raise SettingError(f"camera {brief(cam)} is not a camera preset")
    if "selected" in data and not isinstance(data["selected"], str):
        raise SettingError(f"selected {brief(data['selected'])} is not an object id")
    for key in ("track_behind_s", "track_ahead_s"):
        if key in data:
            try:
                read_float(data[key], 0.0, MAX_TRACK_S)
            except SettingError as exc:
                raise SettingError(f"{key}: {exc}") from None
    return ViewState.from_dict(data)


def read_camera(raw) -> dict:
    """A viewport camera (``Viewport.camera()``: km and degrees) from its JSON: every number
    finite and in range, the distance within the viewport's limits."""
    from orbitviz.core.shots import ShotError, check_camera

    data = read_json(raw)
    if not isinstance(data, dict):
        raise SettingError(f"{brief(data)} is not a JSON object")
    try:
        cam = check_camera(data)
    except ShotError as exc:
        raise SettingError(str(exc).removeprefix("camera ")) from None
    lo, hi = CAMERA_DISTANCE_KM
    if not lo <= cam["distance_km"] <= hi:
        raise SettingError(f"distance_km {cam['distance_km']:g} is outside {lo:g} to {hi:g}")
    if "fitted" in cam and not isinstance(cam["fitted"], bool):
        raise SettingError(f"fitted {brief(cam['fitted'])} is not true or false")
    return cam


def read_met(raw, window: tuple[float, float] | None) -> float:
    """A mission time, s from lift-off, inside ``window`` (None: any finite time)."""
    value = read_float(raw)
    if window is not None and not window[0] <= value <= window[1]:
        raise SettingError(f"{value:g} s is outside the window {window[0]:g} to "
                           f"{window[1]:g} s")
    return value


# -- the table -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Setting:
    """A key's reader (``read(raw, **context)``) and its default (None: the app's own)."""

    read: Callable
    default: object = None
    #: What the key holds, for messages.
    what: str = ""


#: How many element-set files File → Recent remembers.
RECENT_MAX = 8


def read_recent(raw) -> list[str]:
    """The recent element-set files: a JSON list of at most :data:`RECENT_MAX` paths."""
    value = read_json(raw)
    if not isinstance(value, list) or len(value) > RECENT_MAX or \
            not all(isinstance(p, str) and 0 < len(p) <= MAX_TEXT_CHARS for p in value):
        raise SettingError(f"is not a list of at most {RECENT_MAX} file names")
    return list(value)


def _size(raw, **_):
    return read_int(raw, MIN_DIALOG_SIZE_PX, MAX_SIZE_PX)


def _preset(raw, **_):
    return read_int(raw, 0, 64)


def _bool(raw, **_):
    return read_bool(raw)


def _text(raw, **_):
    return read_text(raw)


def _dialog_keys(prefix: str, checks: dict) -> dict:
    keys = {f"{prefix}/path": Setting(_text, "", "the last file"),
            f"{prefix}/preset": Setting(_preset, 0, "the size preset"),
            f"{prefix}/width": Setting(_size, 1920, "the width"),
            f"{prefix}/height": Setting(_size, 1080, "the height"),
            f"{prefix}/match": Setting(_bool, False, "match the view's aspect")}
    keys.update({f"{prefix}/{k}": Setting(_bool, d, k.replace("_", " "))
                 for k, d in checks.items()})
    return keys


#: Every setting the app reads, with its reader and default. ``context`` keys a reader may
#: take: ``window`` (the clock's, met_s) and ``shown`` (the dates orbitviz shows, met_s).
SETTINGS: dict[str, Setting] = {
    "time/met_s": Setting(lambda raw, window=None, **_: read_met(raw, window), None,
                          "the time shown"),
    "time/rate": Setting(lambda raw, **_: read_float(raw, -MAX_RATE, MAX_RATE), 60.0,
                         "the playback rate"),
    "view/state": Setting(lambda raw, **_: read_view_state(raw), None,
                          "the layers, frame and camera preset"),
    "view/camera": Setting(lambda raw, **_: read_camera(raw), None, "the camera"),
    "view/camera_preset": Setting(lambda raw, **_: read_text(raw, 200), None,
                                  "the camera preset"),
    "elements/dir": Setting(_text, "", "the element-set folder"),
    "elements/recent": Setting(lambda raw, **_: read_recent(raw), [],
                               "the recent element-set files"),
    "shots/path": Setting(_text, None, "the shots file"),
    **_dialog_keys("export/image", {"caption": True, "transparent": False, "credit": True,
                                    "hide_overlays": False}),
    **_dialog_keys("export/clip", {"caption": True, "credit": True}),
    "export/clip/fps": Setting(lambda raw, **_: read_int(raw, *FPS_RANGE), 30,
                               "the frame rate"),
    "export/clip/rate": Setting(lambda raw, **_: read_float(raw, 0.1, MAX_CLIP_RATE), None,
                                "the clip's playback rate"),
    "export/clip/t0_s": Setting(lambda raw, shown=None, **_: read_met(raw, shown), None,
                                "the last clip's start"),
    "export/clip/t1_s": Setting(lambda raw, shown=None, **_: read_met(raw, shown), None,
                                "the last clip's end"),
}


def check(key: str, raw, **context):
    """The value of setting ``key`` read back as ``raw``; :class:`SettingError` if it
    cannot be used. ``context``: the window(s) times are checked against."""
    return SETTINGS[key].read(raw, **context)


def value_or(key: str, raw, default=None, **context):
    """:func:`check`, or ``default`` (the table's when None) for a missing or bad value."""
    if default is None:
        default = SETTINGS[key].default
    if raw is None:
        return default
    try:
        return check(key, raw, **context)
    except SettingError:
        return default


def check_for_saving(key: str, value, **context):
    """``value`` as it may be written under ``key`` (what reading it back would accept);
    :class:`SettingError` for anything else, NaN and infinity above all."""
    import json

    if isinstance(value, (dict, list)):
        try:
            text = json.dumps(value, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise SettingError(f"cannot be saved: {exc}") from None
        check(key, text, **context)
        return text
    check(key, value if not isinstance(value, float) else repr(value), **context)
    return value


__all__ = ["SettingError", "Setting", "SETTINGS", "check", "value_or", "check_for_saving",
           "read_bool", "read_int", "read_float", "read_text", "read_json", "read_view_state",
           "read_camera", "read_met"]
