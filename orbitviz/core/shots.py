"""Saved shots: named views (time, view state, camera) kept in a plain, shareable JSON file.

A shot file looks like::

    {
      "format": "orbitviz-shots",
      "version": 1,
      "mission": "soyuz-ms-19",
      "shots": [
        {"name": "Docking", "utc": "2021-10-05T12:22:31.000Z", "met_s": 12448.558,
         "note": "", "view_state": {...}, "camera": {...}}
      ]
    }

Decisions (documented here because users edit and share these files by hand):

* **Time.** ``utc`` (ISO 8601, ``Z``, millisecond) is the truth; ``met_s`` (TT seconds from
  lift-off, the core's time) is written beside it as a convenience. On load, if both are
  present the UTC wins and ``met_s`` is recomputed from it through the mission's
  :class:`~orbitviz.core.timeaxis.TimeAxis` (a disagreement larger than 1 ms is recorded in
  :attr:`ShotBook.notes`); a shot with only one of the two is completed from it. A shot made
  with :meth:`Shot.create` is snapped to the millisecond at once, so the shot in memory and
  the shot read back are the same instant (7.7 m of ISS travel at most separates it from
  the view it was taken from).
* **Unknown keys are kept** (forward compatibility): unknown top-level keys, unknown keys of
  a shot, of its ``view_state`` (and unknown boolean layer ids) and of its ``camera`` are
  written back unchanged on the next save. ``version`` only grows for incompatible
  changes, so a file with a higher version is refused rather than half-read.
* **View state** goes through :meth:`ViewState.from_dict`, whose rules apply: a bad value
  (a layer that is not a bool, an unknown frame) falls back to the default silently.
* **Camera** (``Viewport.camera()``: ``distance_km``, ``elevation_deg``, ``azimuth_deg``,
  ``pan_scene_km`` (3 km, scene frame), ``fov_deg`` (horizontal), ``aspect`` (width/height))
  is optional (``null``: the preset's camera); when present its numbers are checked and a
  bad one is an error, because a camera silently replaced would render another picture.
* **Names** are 1-80 characters after trimming, with no control characters, unique without
  regard to case (:meth:`ShotBook.get` matches without case, too).
* Every problem is a :class:`ShotError` with one line naming the file and what is wrong.
* Saving is atomic (:func:`~orbitviz.core.atomic_write.write_atomic`: a temporary file in
  the same folder, then a rename). A ``shots.json`` that is a symbolic link stays one: the
  file it points to is rewritten (in that file's folder). The file keeps its permission
  bits (a ``0644`` file stays ``0644``, a private ``0600`` one stays private). By default
  every change (``add``, ``rename``, ``remove``) saves at once and is undone in memory if
  the save fails.

No Qt here: the app decides where the file lives and passes its path.
"""

from __future__ import annotations

import copy
import datetime as _dt
import json
import math
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from orbitviz.core.atomic_write import AtomicWriteError, write_atomic
from orbitviz.core.timeaxis import SHOWN_FIRST_UTC, SHOWN_LAST_UTC, TimeAxis, shown_span_text
from orbitviz.core.userfiles import (MAX_SHOTS_FILE_BYTES, UserFileError, brief, loads_json,
                                     one_line, quote, read_user_file)
from orbitviz.core.viewstate import ViewState

FORMAT = "orbitviz-shots"
VERSION = 1
DEFAULT_MISSION = "soyuz-ms-19"
MAX_NAME = 80
#: The camera numbers a shot may carry, with the range each must fall in.
CAMERA_KEYS = {"distance_km": (0.0, math.inf), "elevation_deg": (-90.0, 90.0),
               "azimuth_deg": (-math.inf, math.inf), "fov_deg": (0.0, 180.0),
               "aspect": (0.0, math.inf)}
_REQUIRED_CAMERA = ("distance_km", "elevation_deg", "azimuth_deg")
_SHOT_KEYS = ("name", "utc", "met_s", "note", "view_state", "camera")
_TOP_KEYS = ("format", "version", "mission", "shots")


class ShotError(ValueError):
    """A bad shot, name or shot file; the message is one line for the user."""


def check_name(name) -> str:
    """The trimmed shot name, or :class:`ShotError` saying what is wrong with it."""
    if not isinstance(name, str):
        raise ShotError("a shot name must be text")
    text = name.strip()
    if not text:
        raise ShotError("a shot name cannot be empty")
    if len(text) > MAX_NAME:
        raise ShotError(f"a shot name is at most {MAX_NAME} characters (this one has {len(text)})")
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise ShotError(f"a shot name cannot contain control characters or line breaks: {text!r}")
    return text


def parse_utc(text) -> _dt.datetime:
    """An aware UTC datetime from ISO 8601 text (``Z``, an offset, or none meaning UTC)."""
    if not isinstance(text, str) or not text.strip():
        raise ShotError("'utc' must be ISO 8601 text such as 2021-10-05T12:22:31.000Z")
    s = text.strip()
    if s[-1:] in ("z", "Z"):
        s = s[:-1] + "+00:00"
    try:
        when = _dt.datetime.fromisoformat(s)
    except ValueError:
        raise ShotError(f"cannot read utc {quote(text)}: use ISO 8601 such as "
                        "2021-10-05T12:22:31.000Z") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.timezone.utc)
    # compared before converting: year 1 or 9999 with an offset overflows datetime
    if not SHOWN_FIRST_UTC <= when <= SHOWN_LAST_UTC:
        raise ShotError(f"utc {quote(text)} is outside the dates orbitviz shows, "
                        f"{shown_span_text()}")
    return when.astimezone(_dt.timezone.utc)


def check_camera(cam) -> dict | None:
    """A camera dict with its numbers as floats (unknown keys kept), or None."""
    if cam is None:
        return None
    if not isinstance(cam, dict):
        raise ShotError("'camera' must be an object or null")
    out = dict(cam)
    for key, (lo, hi) in CAMERA_KEYS.items():
        if key not in cam:
            if key in _REQUIRED_CAMERA:
                raise ShotError(f"camera lacks '{key}'")
            continue
        val = cam[key]
        if isinstance(val, bool) or not isinstance(val, (int, float)) or not math.isfinite(val):
            raise ShotError(f"camera '{key}' must be a finite number, not {brief(val)}")
        inside = lo <= val <= hi if key == "elevation_deg" else lo < val < hi
        if not inside:
            raise ShotError(f"camera '{key}' = {val} is outside ({lo:g}, {hi:g})")
        out[key] = float(val)
    pan = cam.get("pan_scene_km", [0.0, 0.0, 0.0])
    if (not isinstance(pan, (list, tuple)) or len(pan) != 3
            or not all(isinstance(x, (int, float)) and not isinstance(x, bool)
                       and math.isfinite(x) for x in pan)):
        raise ShotError(f"camera 'pan_scene_km' must be 3 finite numbers (km), "
                        f"not {brief(pan)}")
    out["pan_scene_km"] = [float(x) for x in pan]
    return out


def _view_state_dict(raw) -> dict:
    """``ViewState.from_dict`` rules for the known keys; unknown keys and unknown boolean
    layer ids kept as they were."""
    norm = ViewState.from_dict(raw).to_dict()
    if not isinstance(raw, dict):
        return norm
    out = {k: copy.deepcopy(v) for k, v in raw.items() if k not in norm}
    out.update(norm)
    layers = raw.get("layers")
    if isinstance(layers, dict):
        extra = {k: v for k, v in layers.items() if k not in norm["layers"] and isinstance(v, bool)}
        out["layers"] = {**norm["layers"], **extra}
    return out


@dataclass
class Shot:
    """One saved view.

    ``utc``: ISO 8601 UTC text, millisecond, ``Z`` (the truth). ``met_s``: TT seconds from
    lift-off of that instant. ``view_state``: a :meth:`ViewState.to_dict` dict (layers,
    frame, camera preset, selection, track spans). ``camera``: a ``Viewport.camera()`` dict
    (km, degrees; ``pan_scene_km`` in the scene frame) or None for the preset's camera.
    ``extra``: keys this version does not know, written back unchanged.
    """

    name: str
    utc: str
    met_s: float
    view_state: dict = field(default_factory=lambda: ViewState().to_dict())
    camera: dict | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    @classmethod
    def create(cls, name: str, met_s: float, axis: TimeAxis, view_state=None,
               camera: dict | None = None, note: str = "") -> "Shot":
        """A shot of the view at ``met_s``, snapped to the millisecond of its UTC text.

        ``view_state`` may be a :class:`ViewState` or its dict.
        """
        if not isinstance(met_s, (int, float)) or not math.isfinite(met_s):
            raise ShotError(f"a shot's time must be a finite number of seconds, not {met_s!r}")
        if not axis.shown(float(met_s)):
            raise ShotError(f"a shot's time must be within {shown_span_text()}")
        utc = axis.iso_utc(float(met_s), 3)
        if isinstance(view_state, ViewState):
            view_state = view_state.to_dict()
        return cls(name=check_name(name), utc=utc,
                   met_s=axis.met_from_datetime(parse_utc(utc)),
                   view_state=_view_state_dict(view_state if view_state is not None else {}),
                   camera=check_camera(copy.deepcopy(camera)), note=str(note or ""))

    def view(self) -> ViewState:
        """The shot's :class:`ViewState` (bad values already fell back to defaults)."""
        return ViewState.from_dict(self.view_state)

    def to_dict(self) -> dict:
        """The shot as written to the file (``met_s`` rounded to the millisecond)."""
        d = {"name": self.name, "utc": self.utc, "met_s": round(float(self.met_s), 3)}
        if self.note:
            d["note"] = self.note
        d["view_state"] = copy.deepcopy(self.view_state)
        d["camera"] = copy.deepcopy(self.camera)
        for k, v in self.extra.items():
            if k not in d:
                d[k] = copy.deepcopy(v)
        return d

    @classmethod
    def from_dict(cls, data, axis: TimeAxis, notes: list | None = None) -> "Shot":
        """A shot from its file dict; :class:`ShotError` (without the file's name) if bad."""
        if not isinstance(data, dict):
            raise ShotError("a shot must be an object")
        if "name" not in data:
            raise ShotError("a shot lacks 'name'")
        name = check_name(data["name"])
        try:
            utc, met = data.get("utc"), data.get("met_s")
            if met is not None and (isinstance(met, bool) or not isinstance(met, (int, float))
                                    or not math.isfinite(met)):
                raise ShotError(f"'met_s' must be a finite number, not {brief(met)}")
            if met is not None and not axis.shown(float(met)):
                raise ShotError(f"'met_s' {met:.6g} is outside the dates orbitviz shows, "
                                f"{shown_span_text()}")
            if utc is None and met is None:
                raise ShotError("lacks its time: give 'utc' (ISO 8601) or 'met_s'")
            if utc is not None:
                when = parse_utc(utc)
                met_utc = axis.met_from_datetime(when)
                if met is not None and abs(met - met_utc) > 1e-3 and notes is not None:
                    notes.append(f"shot {quote(name)}: met_s {met} disagrees with utc {utc}; "
                                 "the utc is used")
                # normalised text, so the file stays in one form
                utc_text = axis.iso_utc(met_utc, 3)
                met = axis.met_from_datetime(parse_utc(utc_text))
            else:
                utc_text = axis.iso_utc(float(met), 3)
                met = axis.met_from_datetime(parse_utc(utc_text))
            note = data.get("note", "")
            if not isinstance(note, str):
                raise ShotError("'note' must be text")
            if "view_state" not in data:
                raise ShotError("lacks 'view_state'")
            camera = check_camera(copy.deepcopy(data.get("camera")))
        except ShotError as e:
            raise ShotError(f"shot {quote(name)}: {e}") from None
        extra = {k: copy.deepcopy(v) for k, v in data.items() if k not in _SHOT_KEYS}
        return cls(name=name, utc=utc_text, met_s=met,
                   view_state=_view_state_dict(data["view_state"]), camera=camera, note=note,
                   extra=extra)


class ShotBook:
    """The shots of one file, in the file's order.

    ``path``: the JSON file (missing: an empty book, created on the first save). ``axis``:
    the mission's :class:`TimeAxis` (None: the default mission's). ``autosave``: every
    change is saved at once (and undone in memory if that fails).
    """

    def __init__(self, path, axis: TimeAxis | None = None, *, mission: str = DEFAULT_MISSION,
                 autosave: bool = True):
        self.path = Path(path)
        if axis is None:
            from orbitviz.core.scenario import load_scenario

            axis = load_scenario().axis
        self.axis = axis
        self.mission = mission
        self.autosave = autosave
        #: One-line remarks about what loading repaired (e.g. a met_s that disagreed).
        self.notes: list[str] = []
        self._shots: list[Shot] = []
        self._extra: dict = {}
        self.load()

    # -- reading -----------------------------------------------------------------------
    def _fail(self, what: str) -> ShotError:
        return ShotError(f"{one_line(self.path)}: {what}")

    def load(self) -> None:
        """(Re-)read the file; a missing file is an empty book. Raises :class:`ShotError`."""
        self.notes = []
        try:
            missing = not os.path.lexists(self.path)
        except (OSError, ValueError) as e:
            raise self._fail(f"cannot be read ({getattr(e, 'strerror', None) or e})") from None
        if missing:
            self._shots, self._extra = [], {}
            return
        try:  # a regular file only (a FIFO would hang, /dev/zero never ends), and capped
            raw = read_user_file(self.path, MAX_SHOTS_FILE_BYTES, "shots file")
        except UserFileError as e:
            raise ShotError(str(e)) from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise self._fail("is not UTF-8 text") from None
        try:
            doc = loads_json(text)
        except UserFileError as e:
            raise self._fail(f"is not valid JSON ({e})") from None
        if not isinstance(doc, dict):
            raise self._fail("is not an orbitviz shot file (expected a JSON object)")
        for key in _TOP_KEYS:
            if key not in doc:
                raise self._fail(f"lacks '{key}'")
        if doc["format"] != FORMAT:
            raise self._fail(f"is not an orbitviz shot file (format {brief(doc['format'])}, "
                             f"expected '{FORMAT}')")
        ver = doc["version"]
        if isinstance(ver, bool) or not isinstance(ver, int) or ver < 1:
            raise self._fail(f"has a bad version {brief(ver)}")
        if ver > VERSION:
            raise self._fail(f"was written by a newer orbitviz (version {brief(ver)}; "
                             f"this one reads {VERSION})")
        if doc["mission"] != self.mission:
            raise self._fail(f"holds shots of mission {brief(doc['mission'])}, "
                             f"not '{self.mission}'")
        raw_shots = doc["shots"]
        if not isinstance(raw_shots, list):
            raise self._fail("'shots' must be a list")
        shots, seen = [], set()
        notes: list[str] = []
        for i, raw in enumerate(raw_shots, 1):
            try:
                shot = Shot.from_dict(raw, self.axis, notes)
            except ShotError as e:
                raise self._fail(f"shot #{i}: {e}") from None
            key = shot.name.casefold()
            if key in seen:
                raise self._fail(f"shot name '{shot.name}' appears twice")
            seen.add(key)
            shots.append(shot)
        self._shots = shots
        self._extra = {k: copy.deepcopy(v) for k, v in doc.items() if k not in _TOP_KEYS}
        self.notes = notes

    # -- queries -----------------------------------------------------------------------
    def names(self) -> list[str]:
        return [s.name for s in self._shots]

    def shots(self) -> list[Shot]:
        """The shots in order (the list is a copy; the shots are the book's own)."""
        return list(self._shots)

    def __len__(self) -> int:
        return len(self._shots)

    def __iter__(self):
        return iter(list(self._shots))

    def __contains__(self, name) -> bool:
        return self._find(name) is not None

    def _find(self, name) -> int | None:
        if not isinstance(name, str):
            return None
        text = name.strip()
        for i, s in enumerate(self._shots):
            if s.name == text:
                return i
        key = text.casefold()
        for i, s in enumerate(self._shots):
            if s.name.casefold() == key:
                return i
        return None

    def _index(self, name) -> int:
        i = self._find(name)
        if i is None:
            known = ", ".join(f"'{n}'" for n in self.names()) or "none"
            raise ShotError(f"no shot named {quote(name)} (known: {known})")
        return i

    def get(self, name: str) -> Shot:
        """The shot named ``name`` (exact match first, then without regard to case)."""
        return self._shots[self._index(name)]

    # -- changes -----------------------------------------------------------------------
    def _commit(self, new: list[Shot]) -> None:
        old = self._shots
        self._shots = new
        if self.autosave:
            try:
                self.save()
            except ShotError:
                self._shots = old
                raise

    def add(self, shot: Shot, replace: bool = False) -> None:
        """Append ``shot``; a shot of the same name (any case) is replaced in its place only
        with ``replace=True``, else :class:`ShotError`."""
        if not isinstance(shot, Shot):
            raise ShotError("only a Shot can be added")
        shot.name = check_name(shot.name)
        new = list(self._shots)
        i = self._find(shot.name)
        if i is None:
            new.append(shot)
        elif replace:
            new[i] = shot
        else:
            raise ShotError(f"a shot named '{self._shots[i].name}' exists already")
        self._commit(new)

    def rename(self, old: str, new_name: str) -> Shot:
        """Rename a shot (a change of case alone is allowed); returns it."""
        i = self._index(old)
        name = check_name(new_name)
        j = self._find(name)
        if j is not None and j != i:
            raise ShotError(f"a shot named '{self._shots[j].name}' exists already")
        shots = list(self._shots)
        shots[i] = copy.copy(shots[i])
        shots[i].name = name
        self._commit(shots)
        return shots[i]

    def remove(self, name: str) -> Shot:
        """Remove a shot; returns it."""
        i = self._index(name)
        shots = list(self._shots)
        gone = shots.pop(i)
        self._commit(shots)
        return gone

    # -- writing -----------------------------------------------------------------------
    def to_dict(self) -> dict:
        doc = {"format": FORMAT, "version": VERSION, "mission": self.mission,
               "shots": [s.to_dict() for s in self._shots]}
        for k, v in self._extra.items():
            doc.setdefault(k, copy.deepcopy(v))
        return doc

    def save(self) -> Path:
        """Write the file atomically (see the module's notes: a link stays a link, the mode
        is kept); returns the path written (the link's target for a link)."""
        try:
            text = json.dumps(self.to_dict(), indent=2, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise self._fail(f"cannot be written: {e}") from None
        data = (text + "\n").encode("utf-8")
        # through a link to the file it names (a dangling link: the file it would name)
        target = Path(os.path.realpath(self.path)) if self.path.is_symlink() else self.path
        mode = None
        try:
            st = os.stat(target)
            if stat.S_ISREG(st.st_mode):
                mode = stat.S_IMODE(st.st_mode)
        except OSError:
            pass  # a new file: a new file's mode

        def writer(tmp: str) -> None:
            with open(tmp, "wb") as f:  # closed here: a full disk is seen here
                f.write(data)

        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, writer, force=True, mode=mode)
        except AtomicWriteError as e:  # one line naming the file already
            raise ShotError(str(e)) from None
        except OSError as e:
            raise self._fail(f"cannot be written ({e.strerror or e})") from None
        return target
