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
#: Marker diameter of a user object at pixel scale 1, px (smaller than the station's 11 px,
#: so a user's copy of the station sits inside the mission's marker, both visible).
USER_MARKER_PX = 7.0
#: User objects are labelled with their names when at most this many have a state now.
USER_LABEL_MAX = 50
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


def preset_for(name: str, model) -> CameraPreset | None:
    """The camera preset called ``name``: one of :data:`PRESETS`, or ``follow:<object id>``
    for any object of ``model`` (LVLH axes of that object, 2600 km away); None if unknown."""
    if name in PRESETS:
        return PRESETS[name]
    if name.startswith("follow:"):
        oid = name.split(":", 1)[1]
        if oid in model.objects:
            return CameraPreset(f"Follow {model.objects[oid].name}", oid, "lvlh", 2600.0,
                                24.0, 200.0)
    return None


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
        as markers in :data:`USER_COLOR`, labelled by name when few. Their GCRS states come
        from one vectorised ``states_gcrs`` call a frame, turned into the world frame as the
        mission's objects are; objects without a state at the current time are not drawn."""
        self.user_catalog = catalog
        self.update()

    def apply_preset(self, name: str) -> CameraPreset:
        """Switch the camera preset (a :data:`PRESETS` name or ``follow:<object id>``); the
        viewport's camera is placed by the caller. Unknown names give the whole Earth."""
        preset = preset_for(name, self.model)
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
        g = self.model.eo.gcrs_to_itrs(self.met_s)
        if self.state.frame == "earth-fixed":
            return g, np.eye(3)
        return np.eye(3), g.T

    def _object_world(self, oid, gcrs_to_world):
        obj = self.model.objects[oid]
        if not obj.exists(self.met_s):
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
        sun_world = gcrs_to_world @ self.model.sun.direction_gcrs(self.met_s)
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
        self._update_tracks(st, states, docked, cam, origin)
        self._update_markers(st, states, docked, itrs_to_world, scene, gcrs_to_world)
        self._update_meshes(states, gcrs_to_world, cam, origin, sun_scene)
        self.view.update()

    def _docked_ids(self):
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

    def _user_objects(self, st, gcrs_to_world):
        """(ids, names, (N,3) world km) of the user objects with a state now."""
        cat = self.user_catalog
        if cat is None or not len(cat) or not st.visible("user-objects"):
            return [], [], np.zeros((0, 3))
        us = cat.states_gcrs(self.met_s)
        names = [cat.objects[oid].name for oid in us.ids]
        return list(us.ids), names, us.r_gcrs_km @ np.asarray(gcrs_to_world).T

    def _update_markers(self, st, states, docked, itrs_to_world, scene, gcrs_to_world=None):
        markers = self.items.get("markers")
        labels = self.items.get("labels")
        pos, colors, sizes, texts = [], [], [], []
        mission_labels = []  # (index in texts, world km) of the mission's objects
        meshes_shown = self.view.opts["distance"] < MESH_RANGE_KM
        for oid, s in states.items():
            if s is None or oid in docked:
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
        pos.append(pad)
        colors.append(SITE_COLORS["pad"])
        sizes.append(7.0 * self.pixel_scale)
        texts.append(("Baikonur 31/6", pad, SITE_COLORS["pad"]))
        ms18 = self.model.objects["soyuz-ms-18"]
        touch = ms18.info["return"]["touchdown"]
        if self.met_s >= self.model.scenario.event_times().get("deorbit-burn", np.inf):
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
        if st.visible("events"):
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
        # the user's own satellites last, so they draw over the mission's markers
        g2w = gcrs_to_world if gcrs_to_world is not None else self._world_rotation()[0]
        user_ids, user_names, user_world = self._user_objects(st, g2w)
        self.user_ids_shown = user_ids
        if user_ids:
            pos.extend(user_world)
            colors.extend([USER_COLOR] * len(user_ids))
            sizes.extend([USER_MARKER_PX * self.pixel_scale] * len(user_ids))
            if len(user_ids) <= USER_LABEL_MAX:
                for n, p in zip(user_names, user_world):
                    near = [k for k, q in mission_labels
                            if np.linalg.norm(np.asarray(q) - p) < USER_MERGE_KM]
                    if near:  # the user's copy of a mission object: one label, not two
                        k = near[0]
                        texts[k] = (f"{texts[k][0]} · {n}", texts[k][1], texts[k][2])
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
    from orbitviz.render.grid import GridItem
    from orbitviz.render.markers import LabelItem, MarkerItem
    from orbitviz.render.meshes import SoyuzMesh, StationMesh
    from orbitviz.render.stars import StarsItem
    from orbitviz.render.tracks import TrackItem

    items = {"stars": StarsItem(load_bright_stars()), "earth": EarthItem(), "grid": GridItem()}
    for oid in model.objects:
        items[f"track:{oid}"] = TrackItem(COLORS[oid], width_px=TRACK_WIDTH_PX)
    items["markers"] = MarkerItem()
    items["labels"] = LabelItem(font_px=LABEL_FONT_PX, offset_px=LABEL_OFFSET_PX)
    items["mesh:iss"] = StationMesh()
    items["mesh:soyuz-ms-19"] = SoyuzMesh()
    items["mesh:soyuz-ms-18"] = SoyuzMesh()
    return items
