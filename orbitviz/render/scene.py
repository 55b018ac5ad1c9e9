"""The scene controller: core state → poses, arrays and uniforms of the render items.

It is the only place that samples the core's cached trajectories per frame. World frame:
GCRS (inertial view) or ITRS (Earth-fixed view). Scene coordinates: kilometres relative to
the camera's target (float64 on the CPU), turned by the camera basis of the current preset
(the world's axes, the pad's east-north-up, or a followed object's LVLH axes), so the
viewport's camera always orbits (0, 0, 0). See docs/app-design.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orbitviz.core.geodesy import geodetic_to_itrs
from orbitviz.core.viewstate import ViewState
from orbitviz.render.units import to_scene

#: Object colours (RGBA 0–1): station white-cyan, Soyuz MS-19 orange, Soyuz MS-18 green.
COLORS = {
    "iss": (0.80, 0.93, 1.00, 1.0),
    "soyuz-ms-19": (1.00, 0.62, 0.18, 1.0),
    "soyuz-ms-18": (0.45, 0.95, 0.55, 1.0),
}
SITE_COLORS = {"pad": (1.0, 0.88, 0.25, 1.0), "landing-estimate": (1.0, 0.35, 0.35, 1.0),
               "landing-model": (0.45, 0.95, 0.55, 1.0)}
EVENT_COLOR = (1.0, 1.0, 1.0, 0.9)
#: The user's own satellites (element-set files): one magenta for all, unlike the mission's.
USER_COLOR = (1.00, 0.36, 0.86, 1.0)
#: The selected user object's track in a big catalogue: a lighter magenta, to stand out of
#: the cloud of trails.
SELECTED_USER_COLOR = (1.00, 0.78, 0.96, 1.0)
#: Marker diameter of a user object at pixel scale 1, px (smaller than the station's 11 px,
#: so a user's copy of the station sits inside the mission's marker, both visible).
USER_MARKER_PX = 7.0
#: User objects are labelled with their names when at most this many have a state now.
USER_LABEL_MAX = 50
#: Up to this many user objects, each is drawn with a track over the view's track span
#: (like the mission's); beyond, as points with short trails of :data:`SHORT_TRAIL_S`.
USER_TRACKS_MAX = 50
#: Trail behind each user object in a catalogue of more than :data:`USER_TRACKS_MAX`,
#: seconds: from this at 50 objects down to :data:`SHORT_TRAIL_MIN_S` at 30,000 (the
#: trails' total length on screen is what costs on a software renderer).
SHORT_TRAIL_S = 600.0
SHORT_TRAIL_MIN_S = 150.0
#: Sample step of user objects' tracks (few objects) and short trails (many), seconds.
USER_TRACK_STEP_S = 30.0
USER_TRAIL_STEP_S = 60.0
#: Most positions (objects × samples) in one propagated window of a big catalogue.
USER_WINDOW_MAX_SAMPLES = 2_000_000
#: A click selects the nearest object within this many pixels of the pointer.
PICK_RADIUS_PX = 12.0
#: A user object closer than this to a mission object (km; the user's copy of the station)
#: has its name added to that object's label instead of a label printed over it.
USER_MERGE_KM = 25.0
#: Meshes are drawn when the camera is closer than this to its target, km.
MESH_RANGE_KM = 60.0
#: Largest dimension of each mesh, km (ISS truss 109 m; Soyuz solar-array span 10.7 m).
MESH_SIZE_KM = {"iss": 0.109, "soyuz-ms-19": 0.0107, "soyuz-ms-18": 0.0107}
#: Below this many pixels on screen a mesh is hard to see: its marker is drawn too.
MESH_MIN_PX = 24.0
#: Sizes at pixel scale 1 (a 1080-line frame), device px: track width, label font and the
#: label's shift right of its anchor, grid line width.
TRACK_WIDTH_PX = 2.0
LABEL_FONT_PX = 18
LABEL_OFFSET_PX = (10, 0)
GRID_WIDTH_PX = 1.0


@dataclass(frozen=True)
class CameraPreset:
    """Where the camera looks and how it is oriented.

    ``target``: "earth", "pad" or an object id; ``basis``: "world" (z = the Earth's axis),
    "enu" (east-north-up at the pad) or "lvlh" (x along the target's velocity, z up).
    ``azimuth_deg`` None means: face the pad from above its meridian.
    """

    label: str
    target: str
    basis: str
    distance_km: float
    elevation_deg: float
    azimuth_deg: float | None


PRESETS = {
    "earth": CameraPreset("Whole Earth", "earth", "world", 26000.0, 22.0, None),
    "baikonur": CameraPreset("Baikonur launch", "pad", "enu", 1700.0, 24.0, 215.0),
    "follow:iss": CameraPreset("Follow ISS", "iss", "lvlh", 2600.0, 24.0, 200.0),
    "follow:soyuz-ms-19": CameraPreset("Follow Soyuz MS-19", "soyuz-ms-19", "lvlh", 2600.0,
                                       24.0, 200.0),
    "rendezvous": CameraPreset("Rendezvous close-up", "iss", "lvlh", 0.9, 16.0, 235.0),
}


def preset_for(name: str, model, catalog=None) -> CameraPreset | None:
    """The camera preset called ``name``: one of :data:`PRESETS`, or ``follow:<object id>``
    for any object of ``model`` or of the user's ``catalog`` (LVLH axes of that object,
    2600 km away); None if unknown."""
    if name in PRESETS:
        return PRESETS[name]
    if name.startswith("follow:"):
        oid = name.split(":", 1)[1]
        objects = dict(catalog.objects) if catalog is not None else {}
        objects.update(model.objects)
        if oid in objects:
            return CameraPreset(f"Follow {objects[oid].name}", oid, "lvlh", 2600.0,
                                24.0, 200.0)
    return None


def user_style(n: int) -> tuple[float, float, float]:
    """(point diameter px at pixel scale 1, trail opacity, short trail s) for a catalogue of
    ``n`` user objects: up to :data:`USER_TRACKS_MAX` as the mission's markers; beyond,
    smaller and fainter on a log scale down to 2.5 px, 0.15 and 150 s at 30,000, so a whole
    catalogue reads as a cloud with the Earth showing through."""
    if n <= USER_TRACKS_MAX:
        return USER_MARKER_PX, 0.8, SHORT_TRAIL_S
    f = min(max(np.log(n / USER_TRACKS_MAX) / np.log(30000 / USER_TRACKS_MAX), 0.0), 1.0)
    return (5.5 - 3.0 * f, 0.7 - 0.55 * f,
            SHORT_TRAIL_S - (SHORT_TRAIL_S - SHORT_TRAIL_MIN_S) * f)


def _unit(v):
    v = np.asarray(v, dtype=float)
    return v / np.linalg.norm(v)


def lvlh_axes(r, v):
    """Rows: x along the velocity (orthogonalised), y the orbit normal, z radially out."""
    z = _unit(r)
    y = _unit(np.cross(r, v))
    x = np.cross(y, z)
    return np.stack([x, y, z])


class SceneController:
    """Owns the render items and poses them for a time, a view state and a camera preset.

    ``view``: any object with ``addItem``, ``update``, ``opts`` (a GLViewWidget) and
    ``pan_offset_scene`` (the viewport's float64 pan, scene km). ``items``: a dict of the
    render items by role, created by :func:`create_items` (GL-free construction).
    """

    def __init__(self, model, view_state: ViewState, view, items: dict):
        self.model = model
        self.state = view_state
        self.view = view
        self.items = items
        self.met_s = float(model.window[0])
        self.preset = PRESETS["earth"]
        self.pixel_scale = 1.0
        self._label_font_px = LABEL_FONT_PX
        #: The user's own satellites (a :class:`~orbitviz.core.catalog.UserCatalog`) or None.
        self.user_catalog = None
        #: Ids of the user objects drawn in the last frame, in drawing order.
        self.user_ids_shown: list[str] = []
        #: The selected user object (its label always shown, its trail highlighted), or None.
        self.selected_user: str | None = None
        #: Earth orientation and Sun at any time (the mission's own inside its window).
        from orbitviz.core.environment import Environment

        self.env = Environment(model)
        #: Computes user-object windows: None computes them here, synchronously (exports,
        #: tests); the app sets an object with ``request(catalog, t0, t1, step)`` that
        #: propagates on a worker thread and calls :meth:`set_user_window` when done.
        self.propagator = None
        self._user_window = None
        self._user_world = {}  # frame → float32 (N, M, 3) world km of the window's samples
        self._user_pending = None  # (t0, t1, step) last requested from the propagator
        self._user_heads = None  # (ids, world km (N,3)) of the last frame
        self._user_uploaded = None  # (window, frame) whose samples the item holds
        self._pad_itrs = geodetic_to_itrs(*(model.scenario.sites["pad"][k]
                                            for k in ("lat_deg", "lon_deg", "alt_km")))
        self._prepare_world_arrays()
        for item in items.values():
            view.addItem(item)

    # -- one-off preparation -------------------------------------------------------------
    def _prepare_world_arrays(self):
        """Per object: sample positions in both world frames and the modelled flags."""
        eo = self.model.eo
        self._tracks = {}
        for oid, obj in self.model.objects.items():
            t = obj.trajectory.met_s
            r = obj.trajectory.r_gcrs_km
            r_itrs = np.einsum("nij,nj->ni", eo.gcrs_to_itrs(t), r)
            modelled = np.zeros(len(t), dtype=bool)
            for seg in obj.segments:
                if seg.kind == "trajectory" and seg.source == "model":
                    modelled |= (t >= seg.start_s) & (t <= seg.end_s)
            self._tracks[oid] = {"t": t, "inertial": r, "earth-fixed": r_itrs,
                                 "modelled": modelled}
        # event positions in both frames
        ev = []
        for e in self.model.events():
            oid = e.object if e.object in self.model.objects else "iss"
            obj = self.model.objects[oid]
            if not obj.exists(e.met_s):
                continue
            r, _ = self.model.gcrs_state(oid, e.met_s)
            ev.append((e, oid, np.asarray(r), eo.gcrs_to_itrs_position(np.asarray(r), e.met_s)))
        self._events = ev

    # -- public API --------------------------------------------------------------------------
    def set_time(self, met_s: float) -> None:
        self.met_s = float(met_s)
        self.update()

    def set_user_catalog(self, catalog) -> None:
        """Draw the user's own satellites of ``catalog`` (a
        :class:`~orbitviz.core.catalog.UserCatalog` on the mission's time axis; None: none)
        with the ``user-catalog`` item: points at their current positions and, up to
        :data:`USER_TRACKS_MAX` objects, tracks over the view's track span (short trails
        beyond), labelled by name when few. Positions come from a window of samples
        propagated once (vectorised SGP4) and interpolated per frame."""
        self.user_catalog = catalog
        self._user_window = None
        self._user_world = {}
        self._user_pending = None
        if self.selected_user is not None and (
                catalog is None or self.selected_user not in catalog.objects):
            self.selected_user = None
        item = self.items.get("user-catalog")
        if item is not None:
            item.clear_window()
            item.set_selected(None)
        self.update()

    def set_selected_user(self, object_id: str | None) -> None:
        """Highlight a user object (None: none)."""
        cat = self.user_catalog
        self.selected_user = object_id if cat is not None and object_id in cat.objects else None
        item = self.items.get("user-catalog")
        if item is not None:
            item.set_selected(None if self.selected_user is None
                              else cat.index(self.selected_user))
        self.update()

    # -- the user's windows of samples ---------------------------------------------------------
    def user_trail_span(self) -> tuple[float, float, float]:
        """(behind_s, ahead_s, step_s) drawn around now for the user's objects."""
        cat = self.user_catalog
        if cat is not None and len(cat) <= USER_TRACKS_MAX:
            return self.state.track_behind_s, self.state.track_ahead_s, USER_TRACK_STEP_S
        return user_style(len(cat) if cat is not None else 0)[2], 0.0, USER_TRAIL_STEP_S

    def _user_window_request(self, met: float) -> tuple[float, float, float]:
        """The window to propagate around ``met``: the trail span plus a margin on each
        side (so playing and scrubbing nearby reuse it), capped in size for big
        catalogues."""
        behind, ahead, step = self.user_trail_span()
        n = max(len(self.user_catalog), 1)
        margin = max(600.0, 0.5 * (behind + ahead))
        max_samples = max(int(USER_WINDOW_MAX_SAMPLES / n), 4)
        while (behind + ahead + 2 * margin) / step + 1 > max_samples and margin > step:
            margin *= 0.5
        while (behind + ahead + 2 * margin) / step + 1 > max_samples:
            step *= 2.0
        return met - behind - margin, met + ahead + margin, step

    def set_user_window(self, window) -> None:
        """A propagated :class:`~orbitviz.core.catalog.CatalogWindow` of the current
        catalogue (the propagator calls this on the GUI thread)."""
        cat = self.user_catalog
        if cat is None or window is None or list(window.ids) != cat.ids:
            return  # for a catalogue since replaced
        self._set_window(window)
        self.update()

    def _set_window(self, window) -> None:
        self._user_window = window
        self._user_world = {}
        self._user_pending = None
        item = self.items.get("user-catalog")
        if item is not None:
            item.clear_window()  # the new samples go in at the next frame
        self._user_uploaded = None

    def _ensure_user_window(self, met: float):
        """The current window if it covers the trail span around ``met``; otherwise ask
        for one (synchronously when there is no propagator) and return the current one
        while it still covers ``met`` itself (None if not)."""
        behind, ahead, step = self.user_trail_span()
        w = self._user_window
        if w is not None and w.covers(met - behind, met + ahead):
            return w
        req = self._user_window_request(met)
        if self.propagator is None:
            self._set_window(self.user_catalog.propagate(*req))
            return self._user_window
        pend = self._user_pending
        if pend is None or not (pend[0] <= met - behind and met + ahead <= pend[1]):
            self._user_pending = req
            self.propagator.request(self.user_catalog, *req)
        return w if w is not None and w.covers(met) else None

    def _user_world_samples(self, window, frame: str) -> np.ndarray:
        """The window's samples in the world frame ``frame`` (cached per frame)."""
        got = self._user_world.get(frame)
        if got is None:
            r = window.r_gcrs_km
            if frame == "earth-fixed":
                mid = 0.5 * (window.t0_s + window.t1_s)
                rot = self.env.eo_at(mid).gcrs_to_itrs(window.times)  # (M,3,3)
                r = np.einsum("mij,nmj->nmi", rot, r)
            got = self._user_world[frame] = np.asarray(r, dtype=np.float32)
        return got

    def user_heads(self):
        """(ids, scene km (N,3)) of the user objects drawn now (NaN rows: not drawn)."""
        if self._user_heads is None:
            return [], np.zeros((0, 3))
        ids, world = self._user_heads
        return ids, (self.world_to_scene @ (world - self.origin_world_km).T).T

    def apply_preset(self, name: str) -> CameraPreset:
        """Switch the camera preset (a :data:`PRESETS` name or ``follow:<object id>``); the
        viewport's camera is placed by the caller. Unknown names give the whole Earth."""
        preset = preset_for(name, self.model, self.user_catalog)
        self.preset = preset or PRESETS["earth"]
        self.state.camera = name if preset is not None else "earth"
        return self.preset

    def set_pixel_scale(self, k: float | None) -> None:
        """Scale every size given in pixels by ``k``: track and grid widths, marker sizes,
        label font and offset, and star sizes (1 = sized for a 1080-line frame; exports
        pass output height / 1080). ``None``: 1 for all, and the stars follow the output
        height by themselves (the on-screen default)."""
        scale = 1.0 if k is None else float(k)
        if not (scale > 0 and np.isfinite(scale)):
            raise ValueError(f"pixel scale must be a positive number, not {k!r}")
        self.pixel_scale = scale
        for key, item in self.items.items():
            if key.startswith("track:"):
                item.set_width(TRACK_WIDTH_PX * scale)
        grid = self.items.get("grid")
        if grid is not None:
            grid.setData(width=GRID_WIDTH_PX * scale)
        stars = self.items.get("stars")
        if stars is not None:
            stars.set_point_scale(k)
        labels = self.items.get("labels")
        font_px = max(int(round(LABEL_FONT_PX * scale)), 1)
        if labels is not None and self._label_font_px != font_px:
            labels.set_font_px(font_px, tuple(int(round(o * scale)) for o in LABEL_OFFSET_PX))
            self._label_font_px = font_px
        self.update()

    def preset_camera(self) -> tuple[float, float, float]:
        """(distance_km, elevation_deg, azimuth_deg) for the current preset at this time."""
        p = self.preset
        az = p.azimuth_deg
        if az is None:  # face the pad's meridian
            d = self._world_rotation()[1] @ self._pad_itrs
            az = float(np.degrees(np.arctan2(d[1], d[0])))
        return p.distance_km, p.elevation_deg, az

    # -- frames -------------------------------------------------------------------------------
    def _world_rotation(self):
        """(gcrs_to_world, itrs_to_world) 3×3 at the current time."""
        g = self.env.gcrs_to_itrs(self.met_s)
        if self.state.frame == "earth-fixed":
            return g, np.eye(3)
        return np.eye(3), g.T

    def _object_world(self, oid, gcrs_to_world):
        obj = self.model.objects[oid]
        if not obj.exists(self.met_s) or not self.env.in_mission(self.met_s):
            return None
        rv = obj.trajectory.state_at(self.met_s)
        if rv is None:
            rv = self.model.gcrs_state(oid, self.met_s)
        r, v = rv
        return gcrs_to_world @ r, gcrs_to_world @ v, r, v

    def _camera_frame(self, gcrs_to_world, itrs_to_world, states):
        """(origin_world_km, R world→scene) for the current preset."""
        p = self.preset
        if p.target == "pad":
            origin = itrs_to_world @ self._pad_itrs
        elif p.target in states and states[p.target] is not None:
            origin = states[p.target][0]
        else:
            origin = np.zeros(3)
        if p.basis == "enu":
            lat, lon = (np.radians(self.model.scenario.sites["pad"][k])
                        for k in ("lat_deg", "lon_deg"))
            up = np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
            east = np.array([-np.sin(lon), np.cos(lon), 0.0])
            north = np.cross(up, east)
            basis = np.stack([itrs_to_world @ east, itrs_to_world @ north, itrs_to_world @ up])
        elif p.basis == "lvlh" and p.target in states and states[p.target] is not None:
            _, _, r, v = states[p.target]
            axes_gcrs = lvlh_axes(r, v)
            basis = (gcrs_to_world @ axes_gcrs.T).T
        else:
            basis = np.eye(3)
        pan = np.asarray(getattr(self.view, "pan_offset_scene", np.zeros(3)), dtype=float)
        return origin + basis.T @ pan, basis

    # -- the frame -------------------------------------------------------------------------------
    def update(self) -> None:
        """Pose every item for the current time, view state and camera."""
        st = self.state
        gcrs_to_world, itrs_to_world = self._world_rotation()
        states = {oid: self._object_world(oid, gcrs_to_world) for oid in self.model.objects}
        followed = self.preset.target
        if followed not in states and followed not in ("earth", "pad"):
            states[followed] = self._user_object_world(followed, gcrs_to_world)
        origin, cam = self._camera_frame(gcrs_to_world, itrs_to_world, states)
        self.origin_world_km = origin
        self.world_to_scene = cam
        it = self.items

        def scene(p):
            return to_scene((cam @ (np.asarray(p, dtype=float) - origin).T).T, np.zeros(3))

        earth = it.get("earth")
        if earth is not None:
            earth.setVisible(st.visible("earth"))
            earth.set_pose(cam @ itrs_to_world, scene(np.zeros(3)))
            earth.set_options(night_lights=st.visible("night-lights"),
                              atmosphere=st.visible("atmosphere"))
        sun_world = gcrs_to_world @ self.env.sun_direction_gcrs(self.met_s)
        sun_scene = cam @ sun_world
        if earth is not None:
            earth.set_sun_direction(sun_scene)
        stars = it.get("stars")
        if stars is not None:
            stars.setVisible(st.visible("stars"))
            stars.set_rotation(cam @ gcrs_to_world)
        grid = it.get("grid")
        if grid is not None:
            grid.setVisible(st.visible("grid"))
            grid.set_pose(cam @ itrs_to_world, scene(np.zeros(3)))

        docked = self._docked_ids()
        self._user_heads = self._user_heads_now(st, gcrs_to_world)
        self._update_tracks(st, states, docked, cam, origin)
        self._update_markers(st, states, docked, itrs_to_world, scene, gcrs_to_world)
        self._update_user_catalog(st, cam, origin)
        self._update_selected_user_track(st, cam, origin)
        self._update_meshes(states, gcrs_to_world, cam, origin, sun_scene)
        self.view.update()

    def _user_object_world(self, oid, gcrs_to_world):
        """(world r, world v, GCRS r, GCRS v) of a user object now, or None."""
        cat = self.user_catalog
        if cat is None or oid not in cat.objects:
            return None
        from orbitviz.core.elements import NoStateError

        try:
            st = cat.object_state(oid, self.met_s)
            r, v = st.r_gcrs_km, st.v_gcrs_km_s
        except NoStateError:
            return None
        return gcrs_to_world @ r, gcrs_to_world @ v, r, v

    def _docked_ids(self):
        if not self.env.in_mission(self.met_s):
            return []
        return [oid for oid in ("soyuz-ms-19", "soyuz-ms-18")
                if self.model.objects[oid].exists(self.met_s)
                and self.model.objects[oid].phase_at(self.met_s) == "docked"]

    def _update_tracks(self, st, states, docked, cam, origin):
        frame = st.frame
        for oid in self.model.objects:
            item = self.items.get(f"track:{oid}")
            if item is None:
                continue
            show = (st.visible(f"track:{oid}") and states[oid] is not None
                    and oid not in docked)
            phase = self.model.objects[oid].phase_at(self.met_s) if show else ""
            # on the pad the ascent ahead is drawn; after landing, the return behind
            item.setVisible(bool(show))
            if not show:
                continue
            tr = self._tracks[oid]
            t = tr["t"]
            lo = np.searchsorted(t, self.met_s - st.track_behind_s, side="left")
            hi = np.searchsorted(t, self.met_s + st.track_ahead_s, side="right")
            if oid == "soyuz-ms-19" and phase == "on-pad":
                lo = np.searchsorted(t, 0.0, side="left")  # show the ascent ahead
                hi = np.searchsorted(t, 528.0, side="right")
            k = np.searchsorted(t[lo:hi], self.met_s, side="right") + lo
            now = states[oid][0] if states[oid] is not None else None
            pts = tr[frame][lo:hi]
            times = t[lo:hi]
            modelled = tr["modelled"][lo:hi]
            if now is not None and lo < k <= hi:
                pts = np.vstack([pts[: k - lo], now, pts[k - lo:]])
                times = np.concatenate([times[: k - lo], [self.met_s], times[k - lo:]])
                modelled = np.concatenate([modelled[: k - lo], [modelled[k - lo - 1]],
                                           modelled[k - lo:]])
            if len(pts) < 2:
                item.setVisible(False)
                continue
            item.set_track(to_scene((cam @ (pts - origin).T).T, np.zeros(3)), times, modelled)
            item.set_time(self.met_s)

    def _user_heads_now(self, st, gcrs_to_world):
        """(ids, world km (N,3)) of every user object now, NaN where none is drawn (no
        state, or no window covering now yet); None without a catalogue or layer."""
        cat = self.user_catalog
        if cat is None or not len(cat) or not st.visible("user-objects"):
            return None
        w = self._ensure_user_window(self.met_s)
        if w is None:
            return cat.ids, np.full((len(cat), 3), np.nan)
        world = self._user_world_samples(w, st.frame)
        t = w.times
        k = int(min(max(np.searchsorted(t, self.met_s, side="right") - 1, 0), len(t) - 2))
        f = (self.met_s - t[k]) / (t[k + 1] - t[k])
        # on the chord between samples: where the trail is drawn
        heads = world[:, k].astype(float) * (1.0 - f) + world[:, k + 1].astype(float) * f
        return cat.ids, heads

    def _selected_user_samples(self, frame: str):
        """(met (K,), world km (K,3)) of the selected user object over the track span
        around now, sampled every 30 s from its element sets (cached; recomputed when now
        leaves the cached span or the frame changes); None where it has no state."""
        oid = self.selected_user
        obj = self.user_catalog.objects[oid]
        chain = obj.chain_at(self.met_s)
        if chain is None:
            return None
        behind, ahead = self.state.track_behind_s, self.state.track_ahead_s
        c = getattr(self, "_sel_track", None)
        if c is not None and c[0] == (oid, frame, behind, ahead) and \
                c[1] <= self.met_s - behind and self.met_s + ahead <= c[2]:
            return c[3], c[4]
        margin = max(0.5 * (behind + ahead), 600.0)
        a = max(self.met_s - behind - margin, chain.start_s)
        b = min(self.met_s + ahead + margin, chain.end_s)
        if b - a < 60.0:
            return None
        from orbitviz.core.elements import NoStateError

        eo = self.env.eo_at(0.5 * (a + b))
        try:
            tr = chain.trajectory(a, b, eo, step_s=USER_TRACK_STEP_S)
        except NoStateError:
            return None
        r = tr.r_gcrs_km
        if frame == "earth-fixed":
            r = np.einsum("nij,nj->ni", eo.gcrs_to_itrs(tr.met_s), r)
        self._sel_track = ((oid, frame, behind, ahead), a, b, tr.met_s, r)
        return tr.met_s, r

    def _update_selected_user_track(self, st, cam, origin) -> None:
        """A big catalogue's selected object gets a track like the mission's (up to
        :data:`USER_TRACKS_MAX` objects, every object's trail already is one)."""
        item = self.items.get("track:user-selected")
        if item is None:
            return
        cat = self.user_catalog
        show = (cat is not None and self.selected_user is not None
                and len(cat) > USER_TRACKS_MAX and st.visible("user-objects")
                and st.visible("user-trails"))
        got = self._selected_user_samples(st.frame) if show else None
        if got is None:
            item.setVisible(False)
            return
        t, r = got
        lo = np.searchsorted(t, self.met_s - st.track_behind_s, side="left")
        hi = np.searchsorted(t, self.met_s + st.track_ahead_s, side="right")
        if hi - lo < 2:
            item.setVisible(False)
            return
        item.set_track(to_scene((cam @ (r[lo:hi] - origin).T).T, np.zeros(3)), t[lo:hi],
                       np.zeros(hi - lo, dtype=bool))
        item.set_time(self.met_s)
        item.setVisible(True)

    def _update_user_catalog(self, st, cam, origin) -> None:
        item = self.items.get("user-catalog")
        if item is None:
            return
        heads = self._user_heads
        if heads is None:
            item.setVisible(False)
            self.user_ids_shown = []
            return
        ids, world = heads
        w = self._user_window
        if w is not None and self._user_uploaded != (id(w), st.frame):
            item.set_window(self._user_world_samples(w, st.frame), w.times, w.t0_s)
            self._user_uploaded = (id(w), st.frame)
        elif w is None:
            item.clear_window()
            self._user_uploaded = None
        behind, ahead, _ = self.user_trail_span()
        if not st.visible("user-trails"):
            behind = ahead = 0.0
        item.set_heads(world.astype(np.float32))
        item.set_transform(cam, origin)
        item.set_time(self.met_s, behind, ahead)
        point_px, alpha, _ = user_style(len(ids))
        # a few objects draw over the mission's markers (the user's copy of the station
        # shows inside the station's marker); a whole catalogue stays beneath them
        depth = 25 if len(ids) <= USER_TRACKS_MAX else 8
        if item.depthValue() != depth:
            item.setDepthValue(depth)
        item.set_point_px(point_px * self.pixel_scale)
        item.set_selected_min_px(10.0 * self.pixel_scale)
        item.set_trail_alpha(alpha)
        item.setVisible(True)

    def _update_markers(self, st, states, docked, itrs_to_world, scene, gcrs_to_world=None):
        markers = self.items.get("markers")
        labels = self.items.get("labels")
        pos, colors, sizes, texts = [], [], [], []
        mission_labels = []  # (index in texts, world km) of the mission's objects
        meshes_shown = self.view.opts["distance"] < MESH_RANGE_KM
        for oid, s in states.items():
            if s is None or oid in docked or oid not in self.model.objects:
                continue
            phase = self.model.objects[oid].phase_at(self.met_s)
            if phase == "landed":
                continue  # shown as the landing site below
            name = self.model.objects[oid].name
            if oid == "iss" and docked:  # docked vehicles share the station's label
                name = " + ".join([name] + [self.model.objects[d].name for d in docked])
            mission_labels.append((len(texts), s[0]))
            texts.append((name, s[0], COLORS[oid]))
            if meshes_shown and f"mesh:{oid}" in self.items and \
                    self._mesh_pixels(oid, scene(s[0])) >= MESH_MIN_PX:
                continue  # the mesh stands for the object; a marker inside it would be hidden
            pos.append(s[0])
            colors.append(COLORS[oid])
            sizes.append((11.0 if oid == "iss" else 9.0) * self.pixel_scale)
        sites = self.model.scenario.sites
        pad = itrs_to_world @ self._pad_itrs
        in_mission = self.env.in_mission(self.met_s)
        if in_mission:  # a free scenario has no mission sites
            pos.append(pad)
            colors.append(SITE_COLORS["pad"])
            sizes.append(7.0 * self.pixel_scale)
            texts.append(("Baikonur 31/6", pad, SITE_COLORS["pad"]))
        ms18 = self.model.objects["soyuz-ms-18"]
        touch = ms18.info["return"]["touchdown"]
        if in_mission and self.met_s >= self.model.scenario.event_times().get("deorbit-burn",
                                                                               np.inf):
            est = sites["landing-estimate"]
            r_est = itrs_to_world @ geodetic_to_itrs(est["lat_deg"], est["lon_deg"], est["alt_km"])
            r_mod = itrs_to_world @ np.asarray(touch["r_itrs_km"])
            pos += [r_est, r_mod]
            colors += [SITE_COLORS["landing-estimate"], SITE_COLORS["landing-model"]]
            sizes += [8.0 * self.pixel_scale, 7.0 * self.pixel_scale]
            landed = ms18.phase_at(self.met_s) == "landed"
            if landed and np.linalg.norm(r_est - r_mod) < 25.0:
                # the modelled touchdown sits on the published estimate: one label, not two
                # printed over each other
                texts.append(("Soyuz MS-18 landed (model) · landing estimate", r_mod,
                              COLORS["soyuz-ms-18"]))
            else:
                texts.append(("Landing (estimate)", r_est, SITE_COLORS["landing-estimate"]))
                if landed:
                    texts.append(("Soyuz MS-18 (model)", r_mod, COLORS["soyuz-ms-18"]))
        if st.visible("events") and in_mission:
            frame = st.frame
            for e, oid, r_g, r_i in self._events:
                if abs(e.met_s - self.met_s) > max(st.track_behind_s, st.track_ahead_s):
                    continue
                if oid in docked or not st.visible(f"track:{oid}"):
                    continue
                r = r_i if frame == "earth-fixed" else r_g
                pos.append(itrs_to_world @ r if frame == "earth-fixed" else r)
                colors.append(EVENT_COLOR)
                sizes.append(5.0 * self.pixel_scale)
        # the user's own satellites: labels by name when few (the selected one always)
        self.user_ids_shown = []
        if self._user_heads is not None:
            ids, world = self._user_heads
            ok = np.all(np.isfinite(world), axis=1)
            self.user_ids_shown = [oid for oid, good in zip(ids, ok) if good]
            cat = self.user_catalog
            few = len(self.user_ids_shown) <= USER_LABEL_MAX
            for k in np.nonzero(ok)[0]:
                oid = ids[k]
                if not few and oid != self.selected_user:
                    continue
                n, p = cat.objects[oid].name, world[k]
                near = [j for j, q in mission_labels
                        if np.linalg.norm(np.asarray(q) - p) < USER_MERGE_KM]
                if near:  # the user's copy of a mission object: one label, not two
                    j = near[0]
                    texts[j] = (f"{texts[j][0]} · {n}", texts[j][1], texts[j][2])
                else:
                    texts.append((n, p, USER_COLOR))
        if markers is not None:
            if pos:
                markers.set_points(scene(np.array(pos)), np.array(colors, dtype=np.float32),
                                   np.array(sizes, dtype=np.float32))
            markers.setVisible(bool(pos))
        if labels is not None:
            labels.setVisible(st.visible("labels"))
            labels.set_labels([(txt, scene(p), c) for txt, p, c in texts])
            # a label behind the Earth is hidden (labels ignore depth to stay readable)
            labels.set_occluder(scene(np.zeros(3)), 6350.0)

    # -- picking ----------------------------------------------------------------------------
    def pickable(self):
        """(ids, scene km (N,3)) of the objects a click can select now: the mission's
        objects with a marker (docked vehicles are the station's) and the user's objects
        drawn, minus those hidden behind the Earth."""
        ids, pts = [], []
        if self.env.in_mission(self.met_s):
            docked = self._docked_ids()
            g2w = self._world_rotation()[0]
            for oid in self.model.objects:
                s = self._object_world(oid, g2w)
                if s is None or oid in docked or \
                        self.model.objects[oid].phase_at(self.met_s) == "landed":
                    continue
                ids.append(oid)
                pts.append(self.world_to_scene @ (s[0] - self.origin_world_km))
        uids, upts = self.user_heads()
        ok = np.all(np.isfinite(upts), axis=1)
        ids += [u for u, good in zip(uids, ok) if good]
        pts = np.vstack([np.reshape(pts, (-1, 3)), upts[ok]]) if len(ids) else np.zeros((0, 3))
        if not len(ids) or not self.state.visible("earth"):
            return ids, pts
        cam = self.view.camera_position_scene()
        earth = self.world_to_scene @ (np.zeros(3) - self.origin_world_km)
        d = pts - cam
        f = cam - earth
        a = np.einsum("ij,ij->i", d, d)
        b = 2.0 * d @ f
        c = f @ f - 6371.0 ** 2
        disc = b * b - 4 * a * c
        t1 = (-b - np.sqrt(np.maximum(disc, 0.0))) / (2 * a)
        hidden = (disc > 0) & (t1 > 0) & (t1 < 1.0 - 1e-9)
        return [i for i, h in zip(ids, hidden) if not h], pts[~hidden]

    def pick(self, x: float, y: float, radius_px: float = PICK_RADIUS_PX) -> str | None:
        """The id of the object drawn nearest to widget pixel (x, y) (logical px) within
        ``radius_px``, or None."""
        ids, pts = self.pickable()
        if not ids:
            return None
        px = self.view.project_many(pts)
        dist = np.hypot(px[:, 0] - x, px[:, 1] - y)
        dist[~np.isfinite(dist)] = np.inf
        k = int(np.argmin(dist))
        return ids[k] if dist[k] <= radius_px else None

    def _mesh_pixels(self, oid: str, pos_scene) -> float:
        """Approximate on-screen size (px) of an object's mesh at ``pos_scene``."""
        c = self.view.cameraPosition()
        d = float(np.linalg.norm(np.asarray(pos_scene, dtype=float)
                                 - np.array([c.x(), c.y(), c.z()])))
        fov = np.radians(self.view.opts["fov"])
        height = max(self.view.height(), 1)
        return MESH_SIZE_KM.get(oid, 0.0) / max(d * 2.0 * np.tan(fov / 2.0), 1e-9) * height

    def _update_meshes(self, states, gcrs_to_world, cam, origin, sun_scene):
        near = self.view.opts["distance"] < MESH_RANGE_KM
        for key, oid in (("mesh:iss", "iss"), ("mesh:soyuz-ms-19", "soyuz-ms-19"),
                         ("mesh:soyuz-ms-18", "soyuz-ms-18")):
            mesh = self.items.get(key)
            if mesh is None:
                continue
            s = states.get(oid)
            if not near or s is None:
                mesh.setVisible(False)
                continue
            _, _, r, v = s
            axes = lvlh_axes(r, v)  # rows x along v, y normal, z up
            body = np.stack([axes[0], -axes[1], -axes[2]])  # body: x forward, z toward Earth
            body_to_world = (gcrs_to_world @ body.T)
            mesh.set_pose(cam @ body_to_world,
                          to_scene(cam @ (s[0] - origin), np.zeros(3)))
            mesh.set_sun_direction(sun_scene)
            mesh.setVisible(True)


def create_items(model) -> dict:
    """The render items of the mission scene, by role (no GL calls here)."""
    from orbitviz.core.stars import load_bright_stars
    from orbitviz.render.earth import EarthItem
    from orbitviz.render.catalog import CatalogItem
    from orbitviz.render.grid import GridItem
    from orbitviz.render.markers import LabelItem, MarkerItem
    from orbitviz.render.meshes import SoyuzMesh, StationMesh
    from orbitviz.render.stars import StarsItem
    from orbitviz.render.tracks import TrackItem

    items = {"stars": StarsItem(load_bright_stars()), "earth": EarthItem(), "grid": GridItem()}
    for oid in model.objects:
        items[f"track:{oid}"] = TrackItem(COLORS[oid], width_px=TRACK_WIDTH_PX)
    items["user-catalog"] = CatalogItem(USER_COLOR, point_px=USER_MARKER_PX)
    items["track:user-selected"] = TrackItem(SELECTED_USER_COLOR, width_px=TRACK_WIDTH_PX)
    items["markers"] = MarkerItem()
    items["labels"] = LabelItem(font_px=LABEL_FONT_PX, offset_px=LABEL_OFFSET_PX)
    items["mesh:iss"] = StationMesh()
    items["mesh:soyuz-ms-19"] = SoyuzMesh()
    items["mesh:soyuz-ms-18"] = SoyuzMesh()
    return items
