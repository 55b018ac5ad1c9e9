"""The mission model: every object's trajectory built once, states answered fast.

:class:`MissionModel` reads the mission file, builds the station's trajectory from its
real element sets, runs the ascent, rendezvous and return models, and joins each object's
segments into one cached :class:`~orbitviz.core.trajectory.Trajectory` over the display
window. Outside the window, states come from the same segments evaluated directly (the
station and docked vehicles from the element sets, landed ones from the Earth's rotation).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

import numpy as np

from orbitviz.core.elements import STATION_BLEND_S, NoStateError
from orbitviz.core.frames import EarthOrientation
from orbitviz.core.geodesy import geodetic_to_itrs, itrs_to_geodetic
from orbitviz.core.models.base import ModelContext, ModelResult
from orbitviz.core.objectstate import ObjectState
from orbitviz.core.scenario import Scenario, load_scenario
from orbitviz.core.sun import SunTrack
from orbitviz.core.timeaxis import TimeAxis
from orbitviz.core.trajectory import Trajectory, concatenate
from orbitviz.core.vectors import lvlh_axes

#: Margin of Earth-orientation nodes beyond the data, seconds.
_EO_MARGIN_S = 6 * 3600.0
#: Sampling step of the cached orbits (station, docked vehicles), seconds. Hermite
#: interpolation at 30 s errs by under 0.1 m on the station's orbit (tested).
STEP_S = 30.0


def docked_state(station_r, station_v, offset_lvlh_m):
    """GCRS state (…,3) of a point fixed in the station's LVLH frame.

    ``offset_lvlh_m``: metres along (x) the velocity, (y) −orbit normal, (z) toward the
    Earth. The velocity includes the frame's rotation at the orbital rate.
    """
    r = np.asarray(station_r, dtype=float)
    v = np.asarray(station_v, dtype=float)
    rn = np.linalg.norm(r, axis=-1, keepdims=True)
    h = np.cross(r, v)
    x, y, z = lvlh_axes(r, v)
    off = np.asarray(offset_lvlh_m, dtype=float) / 1000.0
    d = x * off[0] + y * off[1] + z * off[2]
    w = h / (rn * rn)
    return r + d, v + np.cross(w, d)


def build_context(scenario: Scenario | None = None, step_s: float = STEP_S):
    """(scenario, ModelContext, station Trajectory): what the models need.

    Earth orientation and the station's trajectory cover the element sets' validity. The
    station's chain blends across each switch over :data:`~orbitviz.core.elements.STATION_BLEND_S`
    (set here, on the scenario's chain, so every later user of the chain sees the blends).
    """
    sc = scenario or load_scenario()
    if sc.chain.blend_s != STATION_BLEND_S:
        sc.chain.set_blend(STATION_BLEND_S)
    lo = min(sc.window_start_s, sc.chain.start_s)
    hi = max(sc.window_end_s, sc.chain.end_s)
    eo = EarthOrientation(sc.axis, lo - _EO_MARGIN_S, hi + _EO_MARGIN_S)
    station = sc.chain.trajectory(sc.chain.start_s, sc.chain.end_s, eo, step_s=step_s)
    ctx = ModelContext(axis=sc.axis, eo=eo, station=station.state, events=sc.event_times(),
                       sites=sc.sites, ports=sc.ports)
    return sc, ctx, station


@dataclass
class Segment:
    """A stretch of one object's life: ``kind`` is ``trajectory`` (cached samples),
    ``docked`` (riding the station at ``port``) or ``fixed`` (a point on the Earth)."""

    start_s: float
    end_s: float
    kind: str
    source: str  # "tle" or "model"
    trajectory: Trajectory | None = None
    offset_lvlh_m: np.ndarray | None = None
    r_itrs_km: np.ndarray | None = None


@dataclass
class MissionObject:
    """One object of the scene, with its phases, segments and cached trajectory."""

    id: str
    name: str
    start_s: float
    end_s: float
    phases: list[tuple[float, str]]
    segments: list[Segment]
    trajectory: Trajectory  # cached over the display window (or the object's life in it)
    info: dict = field(default_factory=dict)
    _phase_starts: list = field(init=False, repr=False)
    _seg_starts: list = field(init=False, repr=False)

    def __post_init__(self):
        self._phase_starts = [p[0] for p in self.phases]
        self._seg_starts = [s.start_s for s in self.segments]

    def exists(self, met_s: float) -> bool:
        return self.start_s <= met_s <= self.end_s

    def phase_at(self, met_s: float) -> str:
        i = bisect.bisect_right(self._phase_starts, met_s) - 1
        return self.phases[max(i, 0)][1]

    def segment_at(self, met_s: float) -> Segment:
        i = bisect.bisect_right(self._seg_starts, met_s) - 1
        return self.segments[max(i, 0)]


class MissionModel:
    """The whole mission, cached. Build with :meth:`build`."""

    def __init__(self, scenario: Scenario, ctx: ModelContext, station: Trajectory,
                 objects: dict[str, MissionObject], sun: SunTrack, models: dict):
        self.scenario = scenario
        self.ctx = ctx
        self.axis: TimeAxis = scenario.axis
        self.eo: EarthOrientation = ctx.eo
        self.station = station
        self.objects = objects
        self.sun = sun
        self.models = models
        self.window = (scenario.window_start_s, scenario.window_end_s)
        self._motion = None

    @property
    def motion(self):
        """Attitudes, docked poses, shed parts and engine firings
        (:class:`~orbitviz.core.motion.MissionMotion`), built on first use."""
        if self._motion is None:
            from orbitviz.core.motion import MissionMotion

            self._motion = MissionMotion(self)
        return self._motion

    # -- building --------------------------------------------------------------------
    @classmethod
    def build(cls, scenario: Scenario | None = None) -> "MissionModel":
        from orbitviz.core.models.ascent import simulate_ascent
        from orbitviz.core.models.rendezvous import simulate_rendezvous
        from orbitviz.core.models.soyuz_return import simulate_return

        sc, ctx, station = build_context(scenario)
        ascent = simulate_ascent(ctx)
        t_ins = ascent.end_s
        r_ins, v_ins = ascent.trajectory.state(t_ins)
        rendezvous = simulate_rendezvous(ctx, (t_ins, r_ins, v_ins))
        ret = simulate_return(ctx)
        models = {"ascent": ascent, "rendezvous": rendezvous, "return": ret}
        for result in models.values():
            for eid, met in result.events.items():
                _fill_event(sc, eid, met)
        objects = {
            "iss": cls._station_object(sc, station),
            "soyuz-ms-19": cls._ms19_object(sc, ctx, station, ascent, rendezvous),
            "soyuz-ms-18": cls._ms18_object(sc, ctx, station, ret),
        }
        w0, w1 = sc.window_start_s, sc.window_end_s
        sun = SunTrack(sc.axis, ctx.eo, min(w0, sc.chain.start_s) - 3600.0,
                       max(w1, sc.chain.end_s) + 3600.0)
        return cls(sc, ctx, station, objects, sun, models)

    @staticmethod
    def _station_object(sc: Scenario, station: Trajectory) -> MissionObject:
        spec = sc.objects["iss"]
        start, end = sc.lifetime("iss")
        seg = Segment(start, end, "trajectory", "tle", trajectory=station)
        w0, w1 = sc.window_start_s, sc.window_end_s
        return MissionObject("iss", spec.name, start, end, [(start, spec.phases[0])], [seg],
                             station.window(max(w0, start), min(w1, end)))

    @staticmethod
    def _docked_samples(station: Trajectory, offset_m, t0: float, t1: float) -> Trajectory:
        # the station's own samples, so a double sample at an element-set switch is kept
        part = station.window(t0, t1)
        inner = (part.met_s > t0) & (part.met_s < t1)
        r0, v0 = station.state(t0)
        r1, v1 = station.state(t1)
        met = np.concatenate([[t0], part.met_s[inner], [t1]])
        rs = np.vstack([r0, part.r_gcrs_km[inner], r1])
        vs = np.vstack([v0, part.v_gcrs_km_s[inner], v1])
        r, v = docked_state(rs, vs, offset_m)
        return Trajectory(met, r, v)

    @classmethod
    def _ms19_object(cls, sc, ctx, station, ascent: ModelResult,
                     rendezvous: ModelResult) -> MissionObject:
        spec = sc.objects["soyuz-ms-19"]
        start, end = sc.lifetime("soyuz-ms-19")
        port = sc.ports[spec.extra["port"]]["offset_lvlh_m"]
        pad = sc.sites["pad"]
        pad_itrs = geodetic_to_itrs(pad["lat_deg"], pad["lon_deg"], pad["alt_km"])
        t_dock = rendezvous.end_s
        w1 = sc.window_end_s
        from orbitviz.core.models.base import earth_fixed_trajectory

        on_pad = earth_fixed_trajectory(ctx.eo, pad_itrs, start, ascent.start_s, STEP_S)
        docked = cls._docked_samples(station, port, t_dock, max(w1, t_dock + STEP_S))
        segments = [
            Segment(start, ascent.start_s, "fixed", "model", r_itrs_km=pad_itrs),
            Segment(ascent.start_s, ascent.end_s, "trajectory", "model",
                    trajectory=ascent.trajectory),
            Segment(rendezvous.start_s, t_dock, "trajectory", "model",
                    trajectory=rendezvous.trajectory),
            Segment(t_dock, end, "docked", "tle", offset_lvlh_m=port),
        ]
        phases = [(start, "on-pad")] + ascent.phases + rendezvous.phases + [(t_dock, "docked")]
        traj = concatenate([on_pad, ascent.trajectory, rendezvous.trajectory, docked])
        return MissionObject("soyuz-ms-19", spec.name, start, end, phases, segments, traj,
                             info={"ascent": ascent.info, "rendezvous": rendezvous.info})

    @classmethod
    def _ms18_object(cls, sc, ctx, station, ret: ModelResult) -> MissionObject:
        spec = sc.objects["soyuz-ms-18"]
        start, end = sc.lifetime("soyuz-ms-18")
        port = sc.ports[spec.extra["port"]]["offset_lvlh_m"]
        w0, w1 = sc.window_start_s, sc.window_end_s
        t_undock = ret.start_s
        touch = ret.info["touchdown"]
        t_land = ret.end_s
        r_land_itrs = np.asarray(touch["r_itrs_km"], dtype=float)
        from orbitviz.core.models.base import earth_fixed_trajectory

        docked = cls._docked_samples(station, port, max(w0, start), t_undock)
        landed = earth_fixed_trajectory(ctx.eo, r_land_itrs, t_land,
                                        max(w1, t_land + STEP_S), STEP_S)
        segments = [
            Segment(start, t_undock, "docked", "tle", offset_lvlh_m=port),
            Segment(t_undock, t_land, "trajectory", "model", trajectory=ret.trajectory),
            Segment(t_land, end, "fixed", "model", r_itrs_km=r_land_itrs),
        ]
        phases = [(start, "docked")] + ret.phases + [(t_land, "landed")]
        traj = concatenate([docked, ret.trajectory, landed])
        return MissionObject("soyuz-ms-18", spec.name, start, end, phases, segments, traj,
                             info={"return": ret.info})

    # -- queries ---------------------------------------------------------------------
    def existing(self, met_s: float) -> list[str]:
        """Ids of the objects that exist at ``met_s``, in the mission file's order."""
        return [oid for oid, obj in self.objects.items() if obj.exists(met_s)]

    def gcrs_state(self, object_id: str, met_s: float):
        """(r_gcrs_km, v_gcrs_km_s) of an object, from the cache when it covers ``met_s``."""
        obj = self.objects[object_id]
        if not obj.exists(met_s):
            raise NoStateError(f"{obj.name} does not exist at {self.axis.iso_utc(met_s)}")
        cached = obj.trajectory.state_at(met_s)
        if cached is not None:
            return cached
        seg = obj.segment_at(met_s)
        if seg.kind == "trajectory":
            return seg.trajectory.state(met_s)
        if seg.kind == "docked":
            rs, vs = self.station.state(met_s)
            return docked_state(rs, vs, seg.offset_lvlh_m)
        r = self.eo.itrs_to_gcrs_position(seg.r_itrs_km, met_s)
        return r, np.cross(self.eo.omega_gcrs(met_s), r)

    def tle_info(self, met_s: float) -> dict:
        """The station's element set in use at ``met_s``: file, epoch and age (inside a
        blend across a switch, the set of larger weight; :meth:`tle_sets` names both)."""
        span = self.scenario.chain.span_at(met_s)
        return {"file": span.tle.source,
                "epoch_utc": self.axis.iso_utc(span.epoch_met_s),
                "age_s": float(met_s - span.epoch_met_s)}

    def tle_sets(self, met_s: float) -> list[dict]:
        """Every element set the station's state at ``met_s`` is made from, for the
        readouts: ``file``, ``epoch_utc``, ``age_s`` and ``weight`` (one set with weight 1
        outside a blend; inside the blend across a switch, both sets, earlier first, their
        weights summing to 1: see :mod:`orbitviz.core.elements`)."""
        return [{"file": sp.tle.source, "epoch_utc": self.axis.iso_utc(sp.epoch_met_s),
                 "age_s": float(met_s - sp.epoch_met_s), "weight": float(w)}
                for sp, w in self.scenario.chain.sets_at(met_s)]

    def object_state(self, object_id: str, met_s: float) -> ObjectState:
        obj = self.objects[object_id]
        r, v = self.gcrs_state(object_id, met_s)
        seg = obj.segment_at(met_s)
        tle = self.tle_info(met_s) if seg.source == "tle" else None
        lat, lon, alt = itrs_to_geodetic(self.eo.gcrs_to_itrs_position(r, met_s))
        q = np.asarray(self.motion.attitude(object_id, float(met_s)), dtype=float)
        return ObjectState(object_id, obj.name, obj.phase_at(met_s), seg.source, tle,
                           np.asarray(r), np.asarray(v), float(lat), float(lon), float(alt),
                           attitude_q_gcrs=q)

    def snapshot(self, met_s: float) -> dict:
        """Everything ``orbitviz state --json`` prints for one instant."""
        ids = self.existing(met_s)
        if not ids:
            c = self.scenario.chain
            raise NoStateError(
                f"no object exists at {self.axis.iso_utc(met_s)}: the mission's data cover "
                f"{self.axis.iso_utc(c.start_s, 0)} to {self.axis.iso_utc(c.end_s, 0)}")
        objects = {}
        for oid in ids:
            s = self.object_state(oid, met_s)
            objects[oid] = {
                "name": s.name, "phase": s.phase, "source": s.source, "tle": s.tle,
                "lat_deg": s.lat_deg, "lon_deg": s.lon_deg, "alt_km": s.alt_km,
                "speed_km_s": s.speed_km_s,
                "r_gcrs_km": [float(x) for x in s.r_gcrs_km],
                "v_gcrs_km_s": [float(x) for x in s.v_gcrs_km_s],
            }
        slat, slon = self.sun.subsolar_point(met_s)
        return {"utc": self.axis.iso_utc(met_s), "met_s": round(float(met_s), 6),
                "objects": objects,
                "sun": {"subsolar_lat_deg": float(slat), "subsolar_lon_deg": float(slon)}}

    def events(self):
        """Mission events with known times, in time order."""
        return sorted((e for e in self.scenario.events if e.met_s is not None),
                      key=lambda e: e.met_s)


def _fill_event(sc: Scenario, event_id: str, met_s: float) -> None:
    """Give a ``time = "model"`` event of the mission file its modelled time."""
    for e in sc.events:
        if e.id == event_id:
            if e.met_s is None and math.isfinite(met_s):
                e.met_s = float(met_s)
            return
