"""Loading the mission file (``assets/mission/*.toml``) into core objects.

:class:`Scenario` holds what the file says (events, sites, ports, objects, the display
window) resolved onto the mission's time axis, plus the station's element-set chain.
Modelled event times (``time = "model"``) are filled in by :mod:`orbitviz.core.mission`.

The docking ports come from the station file the mission names (``[station] file``, under
``assets/station/``): :func:`orbitviz.core.station_layout.scenario_ports` gives each port's
``offset_lvlh_m`` (plane centre from the station's reference point, station LVLH frame, m)
and ``axis_lvlh`` (outward unit normal).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field


from orbitviz.core.assets import asset_path, load_toml
from orbitviz.core.elements import ElementSetChain
from orbitviz.core.station_layout import (
    StationLayout,
    StationLayoutError,
    load_station_layout,
    scenario_ports,
)
from orbitviz.core.tle import load_tle_file
from orbitviz.core.timeaxis import TimeAxis, TimeParseError, parse_time

DEFAULT_MISSION = "soyuz-ms-19.toml"


class ScenarioError(ValueError):
    """The mission file is inconsistent; the message names the entry."""


@dataclass
class Event:
    """A mission event. ``met_s`` is None until a model fills a ``time = "model"`` event."""

    id: str
    name: str
    met_s: float | None
    basis: str
    source: str
    object: str = ""
    description: str = ""
    #: The camera preset that suits the event in exports (``earth``, ``baikonur``,
    #: ``rendezvous`` or ``follow:<object id>``); "" when the file names none, and the
    #: exporter chooses by rule (``orbitviz.app.export.event_view``).
    view: str = ""


@dataclass
class ObjectSpec:
    id: str
    name: str
    start: str
    end: str
    phases: list[str]
    extra: dict = field(default_factory=dict)


@dataclass
class Scenario:
    title: str
    summary: str
    axis: TimeAxis
    events: list[Event]
    sites: dict
    ports: dict
    objects: dict[str, ObjectSpec]
    chain: ElementSetChain
    window_start_s: float
    window_end_s: float
    #: The station's make-up (modules, ports, arrays, visitors), docked times resolved.
    station: StationLayout | None = None

    def event_times(self) -> dict[str, float]:
        """``met_s`` of every event whose time is known, by id."""
        return {e.id: e.met_s for e in self.events if e.met_s is not None}

    def event(self, event_id: str) -> Event:
        for e in self.events:
            if e.id == event_id:
                return e
        raise KeyError(event_id)

    def lifetime(self, object_id: str) -> tuple[float, float]:
        """(start, end) ``met_s`` of an object's existence."""
        spec = self.objects[object_id]

        def resolve(text: str, which: int) -> float:
            if text == "elements":
                return (self.chain.start_s, self.chain.end_s)[which]
            return parse_time(text, self.axis, self.event_times())

        return resolve(spec.start, 0), resolve(spec.end, 1)


def _utc(text: str) -> _dt.datetime:
    return _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _view_name_ok(view, objects) -> bool:
    if not isinstance(view, str):
        return False
    if view in ("", "earth", "baikonur", "launch", "rendezvous"):
        return True
    return view.startswith("follow:") and view.split(":", 1)[1] in objects


def load_scenario(name: str = DEFAULT_MISSION) -> Scenario:
    """Read ``assets/mission/<name>`` and the element sets it names."""
    doc = load_toml("mission", name)
    m = doc["mission"]
    axis = TimeAxis(_utc(m["liftoff_utc"]))
    events: list[Event] = []
    seen = set()
    for raw in doc.get("events", []):
        eid = raw["id"]
        if eid in seen:
            raise ScenarioError(f"event id '{eid}' appears twice")
        seen.add(eid)
        if raw["time"] == "model":
            met = None
        else:
            try:
                met = parse_time(raw["time"], axis)
            except TimeParseError as exc:
                raise ScenarioError(f"event '{eid}': {exc}") from None
        if raw.get("basis") not in ("measured", "modelled"):
            raise ScenarioError(f"event '{eid}': basis must be 'measured' or 'modelled'")
        view = raw.get("view", "")
        if not _view_name_ok(view, doc.get("objects", {})):
            raise ScenarioError(f"event '{eid}': view must be earth, baikonur, launch, "
                                f"rendezvous or follow:<object id>, not {view!r}")
        events.append(Event(eid, raw["name"], met, raw["basis"], raw.get("source", ""),
                            raw.get("object", ""), raw.get("description", ""), view))
    sets = []
    for fname in doc["element_sets"]["files"]:
        found, errors = load_tle_file(asset_path("tle", fname))
        if errors:
            raise ScenarioError(str(errors[0]))
        sets.extend(found)
    chain = ElementSetChain(sets, axis, doc["element_sets"]["max_stretch_days"] * 86400.0)
    objects = {}
    for oid, raw in doc["objects"].items():
        extra = {k: v for k, v in raw.items() if k not in ("name", "start", "end", "phases")}
        objects[oid] = ObjectSpec(oid, raw["name"], raw["start"], raw["end"],
                                  list(raw["phases"]), extra)
    win = doc["display_window"]
    times = {e.id: e.met_s for e in events if e.met_s is not None}
    start = parse_time(win["start"], axis, times)
    end = times[win["end_event"]] + float(win["end_after_s"])
    if "ports" in doc:
        raise ScenarioError("the mission file may not hold [ports]: the station file "
                            "(assets/station/, named by [station] file) is their one source")
    station = None
    ports: dict = {}
    station_file = doc.get("station", {}).get("file")
    if station_file:
        try:
            station = load_station_layout(station_file, axis, times)
        except (StationLayoutError, FileNotFoundError) as exc:
            raise ScenarioError(f"station file '{station_file}': {exc}") from None
        ports = scenario_ports(station)
    for oid, spec in objects.items():
        port = spec.extra.get("port")
        if port is not None and port not in ports:
            raise ScenarioError(f"object '{oid}': unknown port '{port}'")
    return Scenario(m["title"], m.get("summary", ""), axis, events, doc.get("sites", {}),
                    ports, objects, chain, start, end, station)
