"""The scene controller: what the viewer model shows → poses, arrays and uniforms of the
render items.

It is the only place that samples the core's cached trajectories per frame. World frame:
GCRS (inertial view) or ITRS (Earth-fixed view). Scene coordinates: kilometres relative to
the camera's target (float64 on the CPU), turned by the camera basis of the current preset
(:mod:`orbitviz.render.camera`), so the viewport's camera always orbits (0, 0, 0). See
docs/app-design.md. The user's own satellites are posed by :class:`~orbitviz.render.
user_layer.UserLayer`; colours and sizes come from :mod:`orbitviz.render.style`.
"""

from __future__ import annotations

import contextlib

import numpy as np

from orbitviz.core.geodesy import geodetic_to_itrs
from orbitviz.render.camera import PRESETS, CameraPreset, camera_frame, preset_camera, preset_for
from orbitviz.render.picking import hidden_by_sphere, nearest_within
from orbitviz.render.sceneview import SceneView
from orbitviz.render.solids_layer import MESH_RANGE_KM, SolidsLayer
from orbitviz.render.style import (COLORS, EVENT_COLOR, EVENT_MARKER_PX, GRID_WIDTH_PX,
                                   LABEL_FONT_PX, LABEL_OFFSET_PX, LANDING_ESTIMATE_MARKER_PX,
                                   LANDING_MODEL_MARKER_PX, MESH_MIN_PX, PAD_MARKER_PX,
                                   SELECTED_USER_COLOR, SITE_COLORS, STATION_MARKER_PX,
                                   TRACK_WIDTH_PX, USER_COLOR, USER_LABEL_MAX, USER_MARKER_PX,
                                   VEHICLE_MARKER_PX)
from orbitviz.render.units import to_scene
from orbitviz.render.user_layer import UserLayer

#: A click selects the nearest object within this many pixels of the pointer.
PICK_RADIUS_PX = 12.0
#: A user object closer than this to a mission object (km; the user's copy of the station)
#: has its name added to that object's label instead of a label printed over it.
USER_MERGE_KM = 25.0
#: Radius below which the Earth hides labels and picks, km.
OCCLUDER_RADIUS_KM = 6350.0
PICK_EARTH_RADIUS_KM = 6371.0


class SceneController:
    """Owns the render items and poses them for the viewer model's view state, a time and a
    camera preset.

    ``viewer``: the :class:`~orbitviz.core.viewer.ViewerModel` (what is shown; the
    controller subscribes to its time, selection, catalogue and view events until
    :meth:`close`). ``view``: a :class:`~orbitviz.render.sceneview.SceneView`. ``items``:
    the render items by role, from :func:`create_items` (GL-free construction).
    """

    def __init__(self, viewer, view: SceneView, items: dict):
        self.viewer = viewer
        self.mission = viewer.mission
        self.view = view
        self.items = items
        self.met_s = float(viewer.clock.met_s)
        self.preset: CameraPreset = PRESETS["earth"]
        self.pixel_scale = 1.0
        #: Screen pixels per logical pixel of the display (labels scale with it, as the
        #: panels' text does); exports leave it at 1.
        self.display_scale = 1.0
        self._label_font_px = LABEL_FONT_PX
        self.users = UserLayer(viewer, items)
        self.solids = SolidsLayer(self.mission, items)
        self.origin_world_km = np.zeros(3)
        self.world_to_scene = np.eye(3)
        self._hold = 0  # > 0 inside batch(): poses wait for its end
        self._held = False
        sites = self.mission.scenario.sites
        self._pad = sites["pad"]
        self._pad_itrs = geodetic_to_itrs(*(self._pad[k] for k in ("lat_deg", "lon_deg",
                                                                    "alt_km")))
        self._prepare_world_arrays()
        for item in items.values():
            view.addItem(item)
        ev = viewer.events
        self._subs = [ev.time.connect(self.set_time),
                      ev.selection.connect(self._on_selection),
                      ev.catalog.connect(self._on_catalog),
                      ev.view.connect(self.update),
                      ev.scenario.connect(lambda _key: self.update())]
        self.users.select(viewer.selected)

    def close(self) -> None:
        """Stop following the viewer model."""
        for s in self._subs:
            s.unsubscribe()
        self._subs = []

    @property
    def state(self):
        """The view state shown (the viewer model's)."""
        return self.viewer.view

    @property
    def user_ids_shown(self) -> list[str]:
        """Ids of the user objects drawn in the last frame, in drawing order."""
        return self.users.ids_shown

    # -- one-off preparation -------------------------------------------------------------
    def _prepare_world_arrays(self):
        """Per object: sample positions in both world frames and the modelled flags; event
        positions in both frames."""
        mission = self.mission
        eo = mission.eo
        self._tracks = {}
        for oid in self.viewer.ids("mission"):
            traj = mission.objects[oid].trajectory
            t, r = traj.met_s, traj.r_gcrs_km
            r_itrs = np.einsum("nij,nj->ni", eo.gcrs_to_itrs(t), r)
            modelled = self._modelled_flags(oid, t)
            self._tracks[oid] = {"t": t, "inertial": r, "earth-fixed": r_itrs,
                                 "modelled": modelled}
        ev = []
        for e in mission.events():
            oid = e.object if self.viewer.kind(e.object) == "mission" else "iss"
            if not mission.objects[oid].exists(e.met_s):
                continue
            r = self.viewer.state(oid, e.met_s).r_gcrs_km
            ev.append((e, oid, np.asarray(r), eo.gcrs_to_itrs_position(np.asarray(r), e.met_s)))
        self._events = ev

    def _modelled_flags(self, oid: str, t: np.ndarray) -> np.ndarray:
        """Which samples of a mission object's track come from a model (drawn dashed)."""
        modelled = np.zeros(len(t), dtype=bool)
        for seg in self.mission.objects[oid].segments:
            if seg.kind == "trajectory" and seg.source == "model":
                modelled |= (t >= seg.start_s) & (t <= seg.end_s)
        return modelled

    @contextlib.contextmanager
    def batch(self):
        """Changes inside ``with scene.batch():`` pose the items once, at its end."""
        self._hold += 1
        try:
            yield self
        finally:
            self._hold -= 1
            if self._hold == 0 and self._held:
                self._held = False
                self.update()

    # -- following the viewer model ------------------------------------------------------------
    def set_time(self, met_s: float) -> None:
        self.met_s = float(met_s)
        self.update()

    def _on_selection(self, object_id: str) -> None:
        self.users.select(object_id)
        self.update()

    def _on_catalog(self, _catalog) -> None:
        self.users.reset()
        self.users.select(self.viewer.selected)
        self.update()

    def set_user_window(self, window) -> None:
        """A propagated window of the user's catalogue (see :class:`UserLayer`)."""
        if self.users.set_window(window):
            self.update()

    def set_window_requester(self, request) -> None:
        """``request(catalog, t0_s, t1_s, step_s)``: computes user windows elsewhere and
        hands them to :meth:`set_user_window` (None: synchronously, here)."""
        self.users.request_window = request

    def user_heads(self):
        """(ids, scene km (N,3)) of the user objects drawn now (NaN rows: not drawn)."""
        heads = self.users.heads
        if heads is None:
            return [], np.zeros((0, 3))
        ids, world = heads
        return ids, (self.world_to_scene @ (world - self.origin_world_km).T).T

    # -- camera ---------------------------------------------------------------------------------
    def apply_preset(self, name: str) -> CameraPreset:
        """Switch the camera preset (a :data:`PRESETS` name or ``follow:<object id>``); the
        viewport's camera is placed by the caller. Unknown names give the whole Earth."""
        preset = preset_for(name, self.viewer)
        self.preset = preset or PRESETS["earth"]
        self.viewer.set_camera(name if preset is not None else "earth")
        return self.preset

    def preset_camera(self) -> tuple[float, float, float]:
        """(distance_km, elevation_deg, azimuth_deg) for the current preset at this time,
        fitted to the view's field of view and shape."""
        aspect = max(self.view.width(), 1) / max(self.view.height(), 1)
        return preset_camera(self.preset, self.world_rotation()[1] @ self._pad_itrs,
                             float(self.view.opts["fov"]), aspect)

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
        self.update()

    def set_display_scale(self, dpr: float) -> None:
        """The display's device-pixel ratio: labels are drawn that much larger."""
        self.display_scale = max(float(dpr), 0.25)
        self.update()

    def label_scale(self) -> float:
        """Labels' size against their design size: pixel scale × display × the view's
        label size (small, medium, large)."""
        return self.pixel_scale * self.display_scale * self.state.label_scale

    def _apply_label_font(self) -> None:
        labels = self.items.get("labels")
        k = self.label_scale()
        font_px = max(int(round(LABEL_FONT_PX * k)), 1)
        if labels is not None and self._label_font_px != font_px:
            labels.set_font_px(font_px, tuple(int(round(o * k)) for o in LABEL_OFFSET_PX))
            self._label_font_px = font_px

    # -- frames -------------------------------------------------------------------------------
    def world_rotation(self):
        """(gcrs_to_world, itrs_to_world) 3×3 at the current time."""
        g = self.viewer.environment.gcrs_to_itrs(self.met_s)
        if self.state.frame == "earth-fixed":
            return g, np.eye(3)
        return np.eye(3), g.T

    def _object_world(self, oid, gcrs_to_world):
        """(world r, world v, GCRS r, GCRS v) of a mission object now, or None."""
        if not self.viewer.exists(oid, self.met_s):
            return None
        obj = self.mission.objects[oid]
        rv = obj.trajectory.state_at(self.met_s)
        if rv is None:
            rv = self.mission.gcrs_state(oid, self.met_s)
        r, v = rv
        return gcrs_to_world @ r, gcrs_to_world @ v, r, v

    # -- the frame -------------------------------------------------------------------------------
    def update(self) -> None:
        """Pose every item for the current time, view state and camera."""
        if self._hold:
            self._held = True
            return
        st = self.state
        self._apply_label_font()
        gcrs_to_world, itrs_to_world = self.world_rotation()
        states = {oid: self._object_world(oid, gcrs_to_world)
                  for oid in self.viewer.ids("mission")}
        followed = self.preset.target
        if followed not in states and followed not in ("earth", "pad"):
            states[followed] = self.users.world_state(followed, self.met_s, gcrs_to_world)
        origin, cam = camera_frame(
            self.preset, gcrs_to_world, itrs_to_world, states.get(followed),
            self._pad_itrs, (self._pad["lat_deg"], self._pad["lon_deg"]),
            getattr(self.view, "pan_offset_scene", np.zeros(3)))
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
        sun_world = gcrs_to_world @ self.viewer.environment.sun_direction_gcrs(self.met_s)
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

        docked = self.viewer.docked(self.met_s)
        near = self.view.opts["distance"] < MESH_RANGE_KM and self.viewer.in_mission(self.met_s)
        self.solids.update(self.met_s, near, gcrs_to_world, cam, origin, sun_scene)
        self.users.heads_now(self.met_s)
        self._update_tracks(st, states, docked, cam, origin)
        self._update_markers(st, states, docked, itrs_to_world, scene)
        self.users.pose_catalog(self.met_s, cam, origin, self.pixel_scale)
        self.users.pose_selected_track(self.met_s, cam, origin)
        self.view.update()

    def _update_tracks(self, st, states, docked, cam, origin):
        frame = st.frame
        for oid in self.viewer.ids("mission"):
            item = self.items.get(f"track:{oid}")
            if item is None:
                continue
            show = (st.visible(f"track:{oid}") and states[oid] is not None
                    and oid not in docked)
            phase = self.viewer.phase_at(oid, self.met_s) if show else ""
            # on the pad the ascent ahead is drawn; after landing, the return behind
            item.setVisible(bool(show))
            if not show:
                continue
            tr = self._tracks[oid]
            t = tr["t"]
            lo = np.searchsorted(t, self.met_s - st.track_behind_s, side="left")
            hi = np.searchsorted(t, self.met_s + st.track_ahead_s, side="right")
            if phase == "on-pad":
                ins = self.mission.scenario.event_times().get("orbit-insertion", 528.0)
                lo = np.searchsorted(t, 0.0, side="left")  # show the ascent ahead
                hi = np.searchsorted(t, ins, side="right")
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

    def _mission_markers(self, states, docked, scene, pos, colors, sizes, texts,
                         mission_labels):
        """Markers and labels of the mission's objects (not docked, not landed). Where an
        object's meshes are drawn, its label stands clear of them (right of their sphere on
        screen), and its marker is left out once the meshes are big enough to see."""
        g2w = self.world_rotation()[0]
        for oid, s in states.items():
            if s is None or oid in docked or self.viewer.kind(oid) != "mission":
                continue
            if self.viewer.phase_at(oid, self.met_s) == "landed":
                continue  # shown as the landing site
            name = self.viewer.name(oid)
            owners = [oid]
            if oid == "iss":  # docked vehicles share the station's label and its sphere
                if docked:
                    name = " + ".join([name] + [self.viewer.name(d) for d in docked])
                owners += self.solids.docked_owners()
            anchor = self.solids.label_anchor(owners, g2w, self.world_to_scene,
                                              self.view.camera_position_scene())
            mission_labels.append((len(texts), s[0]))
            texts.append((name, s[0] if anchor is None else anchor, COLORS[oid]))
            if self._mesh_pixels(owners) >= MESH_MIN_PX:
                continue  # the mesh stands for the object; a marker inside it would be hidden
            pos.append(s[0])
            colors.append(COLORS[oid])
            sizes.append((STATION_MARKER_PX if oid == "iss" else VEHICLE_MARKER_PX)
                         * self.pixel_scale)

    def _site_markers(self, itrs_to_world, pos, colors, sizes, texts):
        """The pad and, after the deorbit burn, the landing estimate and the model's
        touchdown (one label when they coincide)."""
        k = self.pixel_scale
        pad = itrs_to_world @ self._pad_itrs
        pos.append(pad)
        colors.append(SITE_COLORS["pad"])
        sizes.append(PAD_MARKER_PX * k)
        texts.append(("Baikonur 31/6", pad, SITE_COLORS["pad"]))
        if self.met_s < self.mission.scenario.event_times().get("deorbit-burn", np.inf):
            return
        est = self.mission.scenario.sites["landing-estimate"]
        touch = self.mission.objects["soyuz-ms-18"].info["return"]["touchdown"]
        r_est = itrs_to_world @ geodetic_to_itrs(est["lat_deg"], est["lon_deg"], est["alt_km"])
        r_mod = itrs_to_world @ np.asarray(touch["r_itrs_km"])
        pos += [r_est, r_mod]
        colors += [SITE_COLORS["landing-estimate"], SITE_COLORS["landing-model"]]
        sizes += [LANDING_ESTIMATE_MARKER_PX * k, LANDING_MODEL_MARKER_PX * k]
        landed = self.viewer.phase_at("soyuz-ms-18", self.met_s) == "landed"
        if landed and np.linalg.norm(r_est - r_mod) < 25.0:
            # the modelled touchdown sits on the published estimate: one label, not two
            # printed over each other
            texts.append(("Soyuz MS-18 landed (model) · landing estimate", r_mod,
                          COLORS["soyuz-ms-18"]))
        else:
            texts.append(("Landing (estimate)", r_est, SITE_COLORS["landing-estimate"]))
            if landed:
                texts.append(("Soyuz MS-18 (model)", r_mod, COLORS["soyuz-ms-18"]))

    def _user_labels(self, texts, mission_labels) -> None:
        """The user's objects by name when few (the selected one always); a user object at
        a mission object is named in that object's label."""
        self.users.ids_shown = []
        heads = self.users.heads
        if heads is None:
            return
        ids, world = heads
        ok = np.all(np.isfinite(world), axis=1)
        self.users.ids_shown = [oid for oid, good in zip(ids, ok) if good]
        few = len(self.users.ids_shown) <= USER_LABEL_MAX
        for k in np.nonzero(ok)[0]:
            oid = ids[k]
            if not few and oid != self.users.selected:
                continue
            n, p = self.viewer.name(oid), world[k]
            near = [j for j, q in mission_labels
                    if np.linalg.norm(np.asarray(q) - p) < USER_MERGE_KM]
            if near and self.viewer.twin_of(oid) is None:
                # another object printed on a mission object: one label, not two (the
                # user's own set of a mission object, "(your set)", keeps its label)
                j = near[0]
                texts[j] = (f"{texts[j][0]} · {n}", texts[j][1], texts[j][2])
            else:
                texts.append((n, p, USER_COLOR))

    def _update_markers(self, st, states, docked, itrs_to_world, scene):
        markers = self.items.get("markers")
        labels = self.items.get("labels")
        pos, colors, sizes, texts = [], [], [], []
        mission_labels = []  # (index in texts, world km) of the mission's objects
        self._mission_markers(states, docked, scene, pos, colors, sizes, texts, mission_labels)
        in_mission = self.viewer.in_mission(self.met_s)
        if in_mission:  # a free scenario has no mission sites
            self._site_markers(itrs_to_world, pos, colors, sizes, texts)
        if st.visible("events") and in_mission:
            for e, oid, r_g, r_i in self._events:
                if abs(e.met_s - self.met_s) > max(st.track_behind_s, st.track_ahead_s):
                    continue
                if oid in docked or not st.visible(f"track:{oid}"):
                    continue
                pos.append(itrs_to_world @ r_i if st.frame == "earth-fixed" else r_g)
                colors.append(EVENT_COLOR)
                sizes.append(EVENT_MARKER_PX * self.pixel_scale)
        self._user_labels(texts, mission_labels)
        if markers is not None:
            if pos:
                markers.set_points(scene(np.array(pos)), np.array(colors, dtype=np.float32),
                                   np.array(sizes, dtype=np.float32))
            markers.setVisible(bool(pos))
        if labels is not None:
            labels.setVisible(st.visible("labels"))
            labels.set_labels([(txt, scene(p), c) for txt, p, c in texts])
            # a label behind the Earth is hidden (labels ignore depth to stay readable)
            labels.set_occluder(scene(np.zeros(3)), OCCLUDER_RADIUS_KM)

    # -- picking ----------------------------------------------------------------------------
    def pickable(self):
        """(ids, scene km (N,3)) of the objects a click can select now: the mission's
        objects with a marker (docked vehicles are the station's) and the user's objects
        drawn, minus those hidden behind the Earth."""
        ids, pts = [], []
        if self.viewer.in_mission(self.met_s):
            docked = self.viewer.docked(self.met_s)
            g2w = self.world_rotation()[0]
            for oid in self.viewer.ids("mission"):
                s = self._object_world(oid, g2w)
                if s is None or oid in docked or \
                        self.viewer.phase_at(oid, self.met_s) == "landed":
                    continue
                ids.append(oid)
                pts.append(self.world_to_scene @ (s[0] - self.origin_world_km))
        uids, upts = self.user_heads()
        ok = np.all(np.isfinite(upts), axis=1)
        ids += [u for u, good in zip(uids, ok) if good]
        pts = np.vstack([np.reshape(pts, (-1, 3)), upts[ok]]) if len(ids) else np.zeros((0, 3))
        if not len(ids) or not self.state.visible("earth"):
            return ids, pts
        earth = self.world_to_scene @ (np.zeros(3) - self.origin_world_km)
        hidden = hidden_by_sphere(self.view.camera_position_scene(), pts, earth,
                                  PICK_EARTH_RADIUS_KM)
        return [i for i, h in zip(ids, hidden) if not h], pts[~hidden]

    def pick(self, x: float, y: float, radius_px: float = PICK_RADIUS_PX) -> str | None:
        """The id of the object drawn nearest to widget pixel (x, y) (logical px) within
        ``radius_px``, or None."""
        ids, pts = self.pickable()
        if not ids:
            return None
        k = nearest_within(self.view.project_many(pts), x, y, radius_px)
        return None if k is None else ids[k]

    # -- meshes ----------------------------------------------------------------------------------
    def _mesh_pixels(self, owners) -> float:
        """Approximate on-screen diameter (px) of the meshes drawn for ``owners`` (0: none)."""
        sph = self.solids.sphere(owners)
        if sph is None:
            return 0.0
        g2w = self.world_rotation()[0]
        pos = self.world_to_scene @ (g2w @ sph[0] - self.origin_world_km)
        d = float(np.linalg.norm(pos - self.view.camera_position_scene()))
        fov = np.radians(self.view.opts["fov"])
        height = max(self.view.height(), 1)
        return 2.0 * sph[1] / max(d * 2.0 * np.tan(fov / 2.0), 1e-9) * height


def create_items(mission) -> dict:
    """The render items of the mission scene, by role (no GL calls here)."""
    from orbitviz.core.stars import load_bright_stars
    from orbitviz.render.catalog import CatalogItem
    from orbitviz.render.earth import EarthItem
    from orbitviz.render.grid import GridItem
    from orbitviz.render.markers import LabelItem, MarkerItem
    from orbitviz.render.plume_item import PlumeItem
    from orbitviz.render.solid_item import SolidItem
    from orbitviz.render.solids_layer import mission_meshes
    from orbitviz.render.stars import StarsItem
    from orbitviz.render.tracks import TrackItem

    items = {"stars": StarsItem(load_bright_stars()), "earth": EarthItem(), "grid": GridItem()}
    for oid in mission.objects:
        items[f"track:{oid}"] = TrackItem(COLORS[oid], width_px=TRACK_WIDTH_PX)
    items["user-catalog"] = CatalogItem(USER_COLOR, point_px=USER_MARKER_PX)
    items["track:user-selected"] = TrackItem(SELECTED_USER_COLOR, width_px=TRACK_WIDTH_PX)
    items["markers"] = MarkerItem()
    items["labels"] = LabelItem(font_px=LABEL_FONT_PX, offset_px=LABEL_OFFSET_PX)
    items["solids"] = SolidItem(lambda: mission_meshes(mission))  # built when first near
    items["plumes"] = PlumeItem()
    return items


__all__ = ["SceneController", "create_items", "PICK_RADIUS_PX", "MESH_RANGE_KM"]
