"""The viewer model: one Qt-free answer to "what is shown", for every view of the app.

:class:`ViewerModel` holds the mission model, the user's catalogue of element sets, the
environment (Earth orientation and Sun at any time), the scenario shown, the selection, the
clock with its window and the view state (layers, frame, camera preset, track span). The 3D
scene, the map, the readouts and the time controls subscribe to its events and ask it about
objects; none of them needs to know whether an object is the mission's or the user's.

Events (:class:`~orbitviz.core.events.Event`, plain callbacks; ``connect`` returns a
:class:`~orbitviz.core.events.Subscription` whose ``unsubscribe()`` undoes it):

============  ==================  ==============================================================
event         callback            when
============  ==================  ==============================================================
time          ``fn(met_s)``       the clock's time changed (the clock's own event)
selection     ``fn(object_id)``   another object was selected
scenario      ``fn(key)``         the scenario changed (``"mission"`` or ``"free"``)
catalog       ``fn(catalog)``     the user's catalogue was replaced (or removed: None)
view          ``fn()``            layers, frame or track span changed
camera        ``fn(preset)``      another camera preset was chosen
============  ==================  ==============================================================

Object ids: the mission's (``iss``, ``soyuz-ms-19``, ``soyuz-ms-18``) and the user's (slugs
of their names; never one of the mission's, see :mod:`orbitviz.core.catalog`). Times are
``met_s``: TT seconds from lift-off on the mission's :class:`~orbitviz.core.timeaxis.TimeAxis`.
"""

from __future__ import annotations

from orbitviz.core.clock import SimulationClock
from orbitviz.core.elements import NoStateError
from orbitviz.core.environment import Environment
from orbitviz.core.events import EventGroup
from orbitviz.core.objectstate import ObjectState
from orbitviz.core.viewstate import FRAMES, LABEL_SIZES, LAYERS, ViewState

#: The scenarios: the Soyuz MS-19 mission, or the user's element sets on their own time line.
SCENARIOS = ("mission", "free")
#: Object kinds answered by :meth:`ViewerModel.kind`.
KINDS = ("mission", "user")


class ViewerModel:
    """What is shown. Build it around a built :class:`~orbitviz.core.mission.MissionModel`.

    ``view_state``: the layers, frame, camera preset, selection and track span (a fresh
    :class:`ViewState` when None); ``met_s`` and ``rate``: the clock's start (clamped to the
    mission's window) and playback rate.
    """

    def __init__(self, mission, view_state: ViewState | None = None,
                 met_s: float | None = None, rate: float = 60.0):
        self.mission = mission
        self.environment = Environment(mission)
        self.view = view_state if view_state is not None else ViewState()
        w0, w1 = mission.window
        self.clock = SimulationClock(w0, w1, met_s=met_s, rate=rate)
        self.catalog = None
        self._scenario = "mission"
        self._mission_met_s = self.clock.met_s
        self.events = EventGroup("time", "selection", "scenario", "catalog", "view", "camera")
        self.events.time = self.clock.changed  # one event: the clock's
        if self.kind(self.view.selected) is None:
            self.view.selected = "soyuz-ms-19" if self.kind("soyuz-ms-19") else \
                next(iter(self.ids("mission")), "")

    # -- objects ---------------------------------------------------------------------------
    def kind(self, object_id: str) -> str | None:
        """``"mission"``, ``"user"``, or None for an id of neither."""
        if object_id in self.mission.objects:
            return "mission"
        cat = self.catalog
        if cat is not None and object_id in cat.objects:
            return "user"
        return None

    def ids(self, kind: str | None = None) -> list[str]:
        """Object ids of ``kind`` (None: both, the mission's first), in their files' order."""
        out: list[str] = []
        if kind in (None, "mission"):
            out += list(self.mission.objects)
        if kind in (None, "user") and self.catalog is not None:
            out += list(self.catalog.ids)
        return out

    def _obj(self, object_id: str):
        k = self.kind(object_id)
        if k == "mission":
            return self.mission.objects[object_id]
        if k == "user":
            return self.catalog.objects[object_id]
        raise KeyError(f"unknown object '{object_id}'")

    def name(self, object_id: str) -> str:
        """The object's short name (``Soyuz MS-19``, or the name in the user's file; a user
        set of a mission object, such as the ISS's, is ``<its name> (your set)``)."""
        name = self._obj(object_id).name
        if self.twin_of(object_id) is not None:
            return f"{name} (your set)"
        return name

    def twin_of(self, object_id: str) -> str | None:
        """The mission object a user object is another copy of (the same NORAD number as
        the mission file gives it, e.g. the ISS's 25544), or None."""
        if self.kind(object_id) != "user":
            return None
        norad = self.catalog.objects[object_id].norad_id
        for oid, spec in self.mission.scenario.objects.items():
            if spec.extra.get("norad") == norad:
                return oid
        return None

    def exists(self, object_id: str, met_s: float) -> bool:
        """Whether the object has a state at ``met_s`` in the scenario shown: the mission's
        objects only inside the mission's window, the user's where their sets cover."""
        k = self.kind(object_id)
        if k == "mission":
            return self.in_mission(met_s) and self.mission.objects[object_id].exists(met_s)
        if k == "user":
            return self.catalog.objects[object_id].exists(met_s)
        return False

    def lifetime(self, object_id: str) -> tuple[float, float]:
        """(start, end) met_s of the object's existence (a user object's whole validity)."""
        obj = self._obj(object_id)
        return float(obj.start_s), float(obj.end_s)

    def phases(self, object_id: str) -> list[tuple[float, str]]:
        """``[(start met_s, phase id), …]`` of a mission object; ``[]`` for the user's."""
        return list(self.mission.objects[object_id].phases) \
            if self.kind(object_id) == "mission" else []

    def phase_at(self, object_id: str, met_s: float) -> str:
        """The object's phase id at ``met_s`` (``"orbit"`` for the user's objects)."""
        if self.kind(object_id) == "mission":
            return self.mission.objects[object_id].phase_at(met_s)
        self._obj(object_id)
        return "orbit"

    def state(self, object_id: str, met_s: float) -> ObjectState:
        """The object's :class:`ObjectState` at ``met_s``; :class:`NoStateError` where it
        has none, :class:`KeyError` for an unknown id."""
        k = self.kind(object_id)
        if k == "mission":
            return self.mission.object_state(object_id, met_s)
        if k == "user":
            return self.catalog.object_state(object_id, met_s)
        raise KeyError(f"unknown object '{object_id}'")

    def element_set(self, object_id: str, met_s: float) -> dict | None:
        """The element set in use for the object at ``met_s`` (``file``, ``epoch_utc``,
        ``age_s``), None where its position is modelled; :class:`NoStateError` where no
        set covers ``met_s``."""
        if self.kind(object_id) == "user":
            return self.catalog.tle_info(object_id, met_s)
        obj = self.mission.objects[object_id]
        if obj.exists(met_s) and obj.segment_at(met_s).source != "tle":
            return None
        return self.mission.tle_info(met_s)

    def docked(self, met_s: float) -> list[str]:
        """Ids of the mission's vehicles docked to the station at ``met_s``."""
        if not self.in_mission(met_s):
            return []
        return [oid for oid, obj in self.mission.objects.items()
                if obj.exists(met_s) and obj.phase_at(met_s) == "docked"]

    def modelled(self, object_id: str, met_s: float) -> bool:
        """Whether the object's position at ``met_s`` comes from orbitviz's models."""
        if self.kind(object_id) != "mission":
            return False
        obj = self.mission.objects[object_id]
        return obj.exists(met_s) and obj.segment_at(met_s).source == "model"

    # -- time and scenario -------------------------------------------------------------------
    @property
    def scenario(self) -> str:
        """``"mission"``, or ``"free"``: the user's element sets on their own time line."""
        return self._scenario

    @property
    def window(self) -> tuple[float, float]:
        """The time window shown (the clock's), met_s."""
        return self.clock.start_s, self.clock.end_s

    def in_mission(self, met_s: float) -> bool:
        """Whether ``met_s`` lies in the mission's display window."""
        return self.environment.in_mission(met_s)

    def set_scenario(self, key: str, now_met_s: float | None = None) -> str:
        """Show the mission (``"mission"``) or the user's element sets on their own time
        line (``"free"``: only with a catalogue). In the free scenario the clock spans the
        sets' validity and moves to ``now_met_s`` when given and inside it, else to the
        latest epoch, unless it already shows a time of the sets outside the mission; back
        in the mission it returns to the mission time it left. Returns the scenario."""
        if key not in SCENARIOS:
            raise ValueError(f"unknown scenario '{key}': use one of {', '.join(SCENARIOS)}")
        free = key == "free" and self.catalog is not None and len(self.catalog) > 0
        was = self._scenario
        new = "free" if free else "mission"
        if was == "mission" and free:
            self._mission_met_s = self.clock.met_s
        self._scenario = new
        if free:
            t0, t1 = self.catalog.span
            met = self.clock.met_s
            keep = t0 <= met <= t1 and not self.in_mission(met)
            self.clock.set_window(t0, t1)
            if not keep:
                inside = now_met_s is not None and t0 <= now_met_s <= t1
                self.clock.seek(now_met_s if inside else min(self.catalog.latest_epoch_s(), t1))
        else:
            self.clock.set_window(*self.mission.window)
            if was == "free":
                self.clock.seek(self._mission_met_s)
        if new != was:
            self.events.scenario.emit(new)
        return new

    def set_catalog(self, catalog) -> None:
        """Replace the user's catalogue (a :class:`~orbitviz.core.catalog.UserCatalog`, or
        None). A selected user object that is gone falls back to the station."""
        self.catalog = catalog
        self.events.catalog.emit(catalog)
        if self.kind(self.view.selected) is None:
            self.select(self._default_selection())
        if self._scenario == "free" and (catalog is None or not len(catalog)):
            self.set_scenario("mission")

    def catalog_meets_mission(self) -> bool:
        """Whether some of the user's sets are valid inside the mission's window."""
        cat = self.catalog
        if cat is None:
            return False
        w0, w1 = self.mission.window
        return any(a <= w1 and b >= w0 for a, b in cat.coverage)

    # -- selection ---------------------------------------------------------------------------
    @property
    def selected(self) -> str:
        return self.view.selected

    def _default_selection(self) -> str:
        return "iss" if self.kind("iss") else next(iter(self.ids()), "")

    def select(self, object_id: str) -> bool:
        """Select a mission or user object; returns whether the selection changed (an
        unknown id changes nothing)."""
        if self.kind(object_id) is None or object_id == self.view.selected:
            return False
        self.view.selected = object_id
        self.events.selection.emit(object_id)
        return True

    # -- the view ------------------------------------------------------------------------------
    def set_layer(self, layer: str, on: bool) -> None:
        if layer not in LAYERS:
            raise KeyError(f"unknown layer '{layer}'")
        if self.view.layers.get(layer) != bool(on):
            self.view.layers[layer] = bool(on)
            self.events.view.emit()

    def set_frame(self, frame: str) -> None:
        if frame not in FRAMES:
            raise ValueError(f"unknown frame '{frame}': use {' or '.join(FRAMES)}")
        if self.view.frame != frame:
            self.view.frame = frame
            self.events.view.emit()

    def set_track_span(self, behind_s: float | None = None, ahead_s: float | None = None) -> None:
        """Track span drawn behind and ahead of each object, seconds (None keeps one)."""
        changed = False
        for key, val in (("track_behind_s", behind_s), ("track_ahead_s", ahead_s)):
            if val is not None and getattr(self.view, key) != float(val):
                setattr(self.view, key, float(val))
                changed = True
        if changed:
            self.events.view.emit()

    def set_view_state(self, other: ViewState) -> None:
        """Take layers, frame and track span from ``other`` (a saved shot's); one event."""
        self.view.layers = dict(other.layers)
        self.view.frame = other.frame
        self.view.track_behind_s = other.track_behind_s
        self.view.track_ahead_s = other.track_ahead_s
        self.view.label_size = other.label_size
        self.events.view.emit()

    def set_label_size(self, size: str) -> None:
        """``small``, ``medium`` or ``large`` (:data:`~orbitviz.core.viewstate.LABEL_SIZES`):
        the labels on screen and in every export."""
        if size not in LABEL_SIZES:
            raise ValueError(f"unknown label size '{size}': use {', '.join(LABEL_SIZES)}")
        if self.view.label_size != size:
            self.view.label_size = size
            self.events.view.emit()

    def set_camera(self, preset: str) -> None:
        """Record the camera preset shown (the scene resolves its geometry)."""
        if self.view.camera != preset:
            self.view.camera = preset
        self.events.camera.emit(preset)


__all__ = ["ViewerModel", "SCENARIOS", "KINDS", "NoStateError"]
