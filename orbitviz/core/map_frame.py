"""Everything one picture of the ground-track map shows at one instant. Qt-free.

:class:`MapFrameBuilder` answers, from a :class:`~orbitviz.core.viewer.ViewerModel`, what
the map draws at ``met_s`` (TT seconds from lift-off), as a :class:`MapFrame` of plain
numbers: geodetic WGS 84 latitude and longitude in degrees (longitude in [−180°, 180°]),
texts, and the layer switches of the viewer's :class:`~orbitviz.core.viewstate.ViewState`.
The painter (:mod:`orbitviz.ui.map_painter`) turns a frame into pixels; nothing here knows
about pixels.

A frame holds:

- the Sun: the sub-solar point of the viewer's environment (right at any time) and the
  terminator and night polygon of it (:func:`~orbitviz.core.groundtrack.terminator`);
- the mission's sites (pad, landing estimate, modelled touchdown), inside the mission's
  window only; the landing sites are named once Soyuz MS-18 has left the station;
- each mission object's ground track over the view's span (``track_behind_s`` flown,
  ``track_ahead_s`` to come), joined at the object's position and broken at ±180°
  (:func:`~orbitviz.core.groundtrack.split_at_dateline`): computed once for the mission's
  window, sliced per frame. Where an object does not fly on its own (docked, on the pad,
  landed) it has no track;
- markers of the mission's objects that exist and are not docked (a docked vehicle is
  drawn as the station, named in its label: "ISS + MS-19"); an object within
  :data:`NEAR_STATION_DEG` of the station is named in the station's label ("… close by")
  instead of its own, and so is a user object within :data:`USER_MERGE_DEG` of a marker;
- the user's objects' sub-points (:meth:`~orbitviz.core.catalog.UserCatalog.map_points`),
  named when at most ``label_max`` have a state (the style's ``USER_LABEL_MAX``, as in the
  3D view);
- the selected user object's position, name and ground track (sampled every
  :data:`USER_TRACK_STEP_S`, computed for a span around the time and again only when the
  time leaves it).
"""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass, field

import numpy as np

from orbitviz.core.elements import NoStateError
from orbitviz.core.groundtrack import (Terminator, angular_distance_deg, free_flight_mask,
                                       ground_track, split_at_dateline, terminator)

#: Sample step of the selected user object's ground track, seconds (~150 km in low orbit).
USER_TRACK_STEP_S = 20.0
#: A user object within this angle of a mission object's marker (degrees, a few pixels on
#: the map: the user's own copy of the station) is named in that object's label.
USER_MERGE_DEG = 1.0
#: A mission vehicle within this angle of the station (degrees) is named in its label.
NEAR_STATION_DEG = 1.0
#: The site keys, in drawing order, and their names on the map.
SITE_NAMES = {"pad": "Baikonur", "landing-estimate": "landing estimate",
              "landing-model": "modelled touchdown"}

Pieces = tuple  # of (lon_deg, lat_deg) array pairs, each one unbroken polyline


@dataclass(frozen=True)
class Track:
    """A ground track: ``past`` (flown, drawn solid) and ``future`` (to come, dashed) as
    pieces that never cross the map."""

    object_id: str
    kind: str
    past: Pieces
    future: Pieces


@dataclass(frozen=True)
class Marker:
    """A mission object's position now; ``label`` None where it is not named itself."""

    object_id: str
    lat_deg: float
    lon_deg: float
    station: bool
    label: str | None


@dataclass(frozen=True)
class Site:
    key: str
    lat_deg: float
    lon_deg: float
    label: str | None


@dataclass(frozen=True)
class UserDots:
    """The user's objects with a state at ``met_s``: ids and sub-points (degrees)."""

    met_s: float
    ids: tuple = ()
    lat_deg: np.ndarray = field(default_factory=lambda: np.zeros(0))
    lon_deg: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class UserLabel:
    object_id: str
    text: str
    lat_deg: float
    lon_deg: float


@dataclass(frozen=True)
class Selected:
    """The selected user object: where it is (None: no state now, or its layer is off),
    its name (None: not shown) and its track (None: the trails layer is off)."""

    object_id: str
    lat_deg: float | None
    lon_deg: float | None
    label: str | None
    track: Track | None


@dataclass(frozen=True)
class MapFrame:
    """What the map shows at ``met_s``. ``focus_lat_deg``, ``focus_lon_deg``: where a
    cropped view keeps by default (:func:`~orbitviz.core.map_view.fit_view`): the selected
    object (a docked vehicle: the station); where it has no place on the map, latitude None
    and the pad's longitude in the mission, else 0°."""

    met_s: float
    in_mission: bool
    subsolar_lat_deg: float
    subsolar_lon_deg: float
    terminator: Terminator
    night_lights: bool
    labels: bool
    sites: tuple
    tracks: tuple
    markers: tuple
    dots: UserDots
    user_labels: tuple
    selected: Selected | None
    focus_lon_deg: float = 0.0
    focus_lat_deg: float | None = None

    def marker(self, object_id: str) -> Marker | None:
        return next((m for m in self.markers if m.object_id == object_id), None)

    def track(self, object_id: str) -> Track | None:
        return next((t for t in self.tracks if t.object_id == object_id), None)


def slice_track(met, lat, lon, met_s: float, behind_s: float, ahead_s: float, now=None):
    """``(past, future)`` pieces of a sampled track: samples in ``[met_s − behind_s,
    met_s]`` and ``(met_s, met_s + ahead_s]``, both joined at ``now`` (lat, lon) when
    given, each split at the dateline and at NaN."""
    i0 = int(np.searchsorted(met, met_s - behind_s, side="left"))
    i1 = int(np.searchsorted(met, met_s, side="right"))
    i2 = int(np.searchsorted(met, met_s + ahead_s, side="right"))
    if now is None:
        nlat = nlon = np.empty(0)
    else:
        nlat, nlon = np.array([float(now[0])]), np.array([float(now[1])])
    past = split_at_dateline(np.concatenate([lon[i0:i1], nlon]),
                             np.concatenate([lat[i0:i1], nlat]))
    fut = split_at_dateline(np.concatenate([nlon, lon[i1:i2]]),
                            np.concatenate([nlat, lat[i1:i2]]))
    return tuple(past), tuple(fut)


class MapFrameBuilder:
    """Builds :class:`MapFrame` s for one viewer model (see :func:`builder_for`).

    The mission's ground tracks are computed once, here, over the mission's window."""

    def __init__(self, viewer):
        self.viewer = viewer
        mission = viewer.mission
        w0, w1 = mission.window
        self._tracks: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for oid in viewer.ids("mission"):
            obj = mission.objects[oid]
            t0, t1 = max(w0, obj.trajectory.start_s), min(w1, obj.trajectory.end_s)
            met, lat, lon = ground_track(mission, oid, t0, t1)
            free = free_flight_mask(mission, oid, met)
            self._tracks[oid] = (met, np.where(free, lat, np.nan), np.where(free, lon, np.nan))
        sites = mission.scenario.sites
        touch = mission.objects["soyuz-ms-18"].info["return"]["touchdown"] \
            if "soyuz-ms-18" in mission.objects else None
        self._sites = [(k, float(sites[k]["lat_deg"]), float(sites[k]["lon_deg"]))
                       for k in ("pad", "landing-estimate") if k in sites]
        if touch is not None:
            self._sites.append(("landing-model", float(touch["lat_deg"]),
                                float(touch["lon_deg"])))
        self.pad_lon_deg = float(sites["pad"]["lon_deg"]) if "pad" in sites else 0.0
        self._sel_cache = None
        #: Wall time of the last :meth:`user_dots`, seconds (the panel's throttle reads it).
        self.dots_cost_s = 0.0

    # -- parts -------------------------------------------------------------------------------
    def mission_positions(self, met_s: float) -> dict[str, tuple[float, float]]:
        """(lat_deg, lon_deg) of each mission object drawn with a marker at ``met_s``: it
        exists in the scenario shown and is not docked (none outside the mission)."""
        v = self.viewer
        if not v.in_mission(met_s):
            return {}
        docked = set(v.docked(met_s))
        out = {}
        for oid in v.ids("mission"):
            if oid in docked or not v.exists(oid, met_s):
                continue
            s = v.state(oid, met_s)
            out[oid] = (float(s.lat_deg), float(s.lon_deg))
        return out

    def user_dots(self, met_s: float) -> UserDots:
        """The user's objects with a state at ``met_s`` (none while their layer is off)."""
        t0 = time.perf_counter()
        cat, view = self.viewer.catalog, self.viewer.view
        if cat is None or not view.visible("user-objects"):
            dots = UserDots(float(met_s))
        else:
            ids, lat, lon = cat.map_points(float(met_s))
            dots = UserDots(float(met_s), tuple(ids), np.asarray(lat, dtype=float),
                            np.asarray(lon, dtype=float))
        self.dots_cost_s = time.perf_counter() - t0
        return dots

    def selected_track(self, object_id: str, met_s: float):
        """(met, lat, lon) of a user object around ``met_s`` over a span wider than the
        view's track span: computed once, again only when the time leaves it (NaN across
        gaps between its element-set chains)."""
        v = self.viewer
        cat = v.catalog
        behind, ahead = float(v.view.track_behind_s), float(v.view.track_ahead_s)
        c = self._sel_cache
        if c is not None and c[0] == object_id and c[1] is cat and \
                c[2] <= met_s - behind and met_s + ahead <= c[3]:
            return c[4:]
        margin = max(600.0, 0.5 * (behind + ahead))
        t0, t1 = met_s - behind - margin, met_s + ahead + margin
        met, lat, lon = cat.ground_track(object_id, t0, t1, step_s=USER_TRACK_STEP_S)
        gap = np.nonzero(np.diff(met) > 2.5 * USER_TRACK_STEP_S)[0]
        if gap.size:
            met = np.insert(met, gap + 1, 0.5 * (met[gap] + met[gap + 1]))
            lat = np.insert(lat, gap + 1, np.nan)
            lon = np.insert(lon, gap + 1, np.nan)
        self._sel_cache = (object_id, cat, t0, t1, met, lat, lon)
        return met, lat, lon

    def _station_label(self, near, met_s) -> str:
        v = self.viewer
        text = v.name("iss")
        docked = [v.name(o).replace("Soyuz ", "") for o in v.docked(met_s) if o != "iss"]
        if docked:
            text += " + " + ", ".join(docked)
        if near:
            text += " · " + ", ".join(v.name(o) for o in near) + " close by"
        return text

    # -- the frame ---------------------------------------------------------------------------
    def frame(self, met_s: float, *, label_max: int, dots: UserDots | None = None) -> MapFrame:
        """The map at ``met_s``; the user's objects are named when at most ``label_max``
        have a state. ``dots``: the user's dots to show (a throttled panel passes the last
        ones it computed); None computes them for ``met_s``."""
        v = self.viewer
        vs = v.view
        met_s = float(met_s)
        mission = v.in_mission(met_s)
        labels = vs.visible("labels")
        now = self.mission_positions(met_s)
        if dots is None:
            dots = self.user_dots(met_s)

        # tracks of the mission's objects
        tracks = []
        behind, ahead = float(vs.track_behind_s), float(vs.track_ahead_s)
        for oid, (met, lat, lon) in self._tracks.items():
            if not (mission and vs.visible(f"track:{oid}")):
                continue
            here = now.get(oid)
            if here is not None and not bool(free_flight_mask(v.mission, oid, met_s)):
                here = None  # on the pad or landed: no line to it
            past, fut = slice_track(met, lat, lon, met_s, behind, ahead, here)
            tracks.append(Track(oid, "mission", past, fut))

        # the selected user object
        selected = None
        sel = vs.selected if v.kind(vs.selected) == "user" else None
        here = None
        if sel is not None:
            try:
                s = v.state(sel, met_s)
                here = (float(s.lat_deg), float(s.lon_deg))
            except NoStateError:
                pass
            dot_on = here is not None and vs.visible("user-objects")
            track = None
            if vs.visible("user-trails"):
                met, lat, lon = self.selected_track(sel, met_s)
                past, fut = slice_track(met, lat, lon, met_s, behind, ahead, here)
                track = Track(sel, "user", past, fut)
            selected = Selected(sel, here[0] if dot_on else None, here[1] if dot_on else None,
                                v.name(sel) if dot_on and labels else None, track)

        # names: the user's (few) next to theirs or in a mission marker's label
        merged: dict[str, list[str]] = {}
        user_labels = []
        if labels and 0 < len(dots) <= int(label_max):
            hosts = sorted(now, key=lambda m: m != "iss")  # the station first
            for k, oid in enumerate(dots.ids):
                if oid == sel or v.kind(oid) != "user":
                    continue
                la, lo = float(dots.lat_deg[k]), float(dots.lon_deg[k])
                host = next((m for m in hosts if angular_distance_deg(
                    la, lo, now[m][0], now[m][1]) < USER_MERGE_DEG), None)
                if host is not None:
                    merged.setdefault(host, []).append(v.name(oid))
                else:
                    user_labels.append(UserLabel(oid, v.name(oid), la, lo))

        near = [o for o in now if o != "iss" and "iss" in now and angular_distance_deg(
            now[o][0], now[o][1], now["iss"][0], now["iss"][1]) < NEAR_STATION_DEG]
        markers = []
        for oid, (la, lo) in now.items():
            text = None
            if labels and oid not in near:
                text = self._station_label(near, met_s) if oid == "iss" \
                    else v.name(oid)
                if merged.get(oid):
                    text += " · " + ", ".join(merged[oid])
            markers.append(Marker(oid, la, lo, oid == "iss", text))

        sites = []
        if mission:
            landing = "soyuz-ms-18" not in v.docked(met_s)
            for key, la, lo in self._sites:
                named = labels and (key == "pad" or landing)
                sites.append(Site(key, la, lo, SITE_NAMES[key] if named else None))

        # where a cropped view keeps: the selected object
        focus = here  # the selected user object's place, or the mission's
        if vs.selected in now:
            focus = now[vs.selected]
        elif vs.selected in v.docked(met_s) and "iss" in now:
            focus = now["iss"]
        default_lon = self.pad_lon_deg if mission else 0.0

        slat, slon = v.environment.subsolar_point(met_s)
        return MapFrame(met_s, mission, float(slat), float(slon), terminator(slat, slon),
                        vs.visible("night-lights"), labels, tuple(sites), tuple(tracks),
                        tuple(markers), dots, tuple(user_labels), selected,
                        focus[1] if focus else default_lon, focus[0] if focus else None)


_BUILDERS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def builder_for(viewer) -> MapFrameBuilder:
    """The one :class:`MapFrameBuilder` of ``viewer`` (made on first use, shared by its
    map panel and its exports, gone with the viewer)."""
    b = _BUILDERS.get(viewer)
    if b is None:
        b = _BUILDERS[viewer] = MapFrameBuilder(viewer)
    return b


def map_frame(viewer, met_s: float, label_max: int) -> MapFrame:
    """What the map of ``viewer`` shows at ``met_s`` (see :meth:`MapFrameBuilder.frame`)."""
    return builder_for(viewer).frame(met_s, label_max=label_max)


__all__ = ["MapFrame", "MapFrameBuilder", "Marker", "Site", "Track", "UserDots", "UserLabel",
           "Selected", "builder_for", "map_frame", "slice_track", "USER_TRACK_STEP_S",
           "USER_MERGE_DEG", "NEAR_STATION_DEG", "SITE_NAMES"]
