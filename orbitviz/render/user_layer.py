"""The user's own satellites in the 3D scene: windows of samples, heads, trails, the selection.

A :class:`UserLayer` poses the ``user-catalog`` item (every object a head with a trail) and
the ``track:user-selected`` item (the selected object's full track in a big catalogue) for
the scene controller. Positions come from a window of samples propagated once (vectorised
SGP4, :meth:`~orbitviz.core.catalog.UserCatalog.propagate`) and interpolated per frame on the
chords the trails follow; the world frame's copy of a window is made once per frame kind.

Windows are computed by ``request_window(catalog, t0_s, t1_s, step_s)``: None computes them
here, synchronously (exports, tests); the app passes a function that propagates on a worker
thread and later hands the result to :meth:`UserLayer.set_window` on the GUI thread.
Times are ``met_s``; positions GCRS or world km (ITRS or GCRS, as the view's frame).
"""

from __future__ import annotations

import numpy as np

from orbitviz.core.elements import NoStateError
from orbitviz.render.style import (SELECTED_USER_MIN_PX, USER_TRACKS_MAX, user_style)
from orbitviz.render.units import to_scene

#: Sample step of user objects' tracks (few objects) and short trails (many), seconds.
USER_TRACK_STEP_S = 30.0
USER_TRAIL_STEP_S = 60.0
#: Most positions (objects × samples) in one propagated window of a big catalogue.
USER_WINDOW_MAX_SAMPLES = 2_000_000


class UserLayer:
    """Poses the user's objects. ``viewer``: the :class:`~orbitviz.core.viewer.ViewerModel`
    (its ``catalog``, ``view`` and ``environment``); ``items``: the scene's items by role."""

    def __init__(self, viewer, items: dict):
        self.viewer = viewer
        self.items = items
        #: See the module's notes; None: synchronous.
        self.request_window = None
        #: The highlighted user object, or None.
        self.selected: str | None = None
        #: Ids of the user objects drawn in the last frame, in drawing order.
        self.ids_shown: list[str] = []
        self._window = None
        self._world = {}  # frame → float32 (N, M, 3) world km of the window's samples
        self._pending = None  # (t0, t1, step) last requested
        self._heads = None  # (ids, world km (N,3)) of the last frame
        self._uploaded = None  # (window, frame) whose samples the item holds
        self._sel_track = None

    @property
    def catalog(self):
        return self.viewer.catalog

    # -- the catalogue and the selection --------------------------------------------------------
    def reset(self) -> None:
        """Forget every window (a new catalogue)."""
        self._window = None
        self._world = {}
        self._pending = None
        self._sel_track = None
        if self.selected is not None and self.viewer.kind(self.selected) != "user":
            self.selected = None
        item = self.items.get("user-catalog")
        if item is not None:
            item.clear_window()
            item.set_selected(None)

    def select(self, object_id: str | None) -> None:
        """Highlight a user object (None, or an id not of the user's: none)."""
        self.selected = object_id if object_id is not None and \
            self.viewer.kind(object_id) == "user" else None
        item = self.items.get("user-catalog")
        if item is not None:
            item.set_selected(None if self.selected is None
                              else self.catalog.index(self.selected))

    # -- windows of samples ------------------------------------------------------------------
    def trail_span(self) -> tuple[float, float, float]:
        """(behind_s, ahead_s, step_s) drawn around now for the user's objects."""
        cat = self.catalog
        st = self.viewer.view
        if cat is not None and len(cat) <= USER_TRACKS_MAX:
            return st.track_behind_s, st.track_ahead_s, USER_TRACK_STEP_S
        return user_style(len(cat) if cat is not None else 0)[2], 0.0, USER_TRAIL_STEP_S

    def _window_request(self, met: float) -> tuple[float, float, float]:
        """The window to propagate around ``met``: the trail span plus a margin on each
        side (so playing and scrubbing nearby reuse it), capped in size for big
        catalogues."""
        behind, ahead, step = self.trail_span()
        n = max(len(self.catalog), 1)
        margin = max(600.0, 0.5 * (behind + ahead))
        max_samples = max(int(USER_WINDOW_MAX_SAMPLES / n), 4)
        while (behind + ahead + 2 * margin) / step + 1 > max_samples and margin > step:
            margin *= 0.5
        while (behind + ahead + 2 * margin) / step + 1 > max_samples:
            step *= 2.0
        return met - behind - margin, met + ahead + margin, step

    def set_window(self, window) -> bool:
        """A propagated :class:`~orbitviz.core.catalog.CatalogWindow`; returns whether it is
        of the current catalogue (a window for a catalogue since replaced is dropped)."""
        cat = self.catalog
        if cat is None or window is None or list(window.ids) != cat.ids:
            return False
        self._window = window
        self._world = {}
        self._pending = None
        item = self.items.get("user-catalog")
        if item is not None:
            item.clear_window()  # the new samples go in at the next frame
        self._uploaded = None
        return True

    def _ensure_window(self, met: float):
        """The current window if it covers the trail span around ``met``; otherwise ask
        for one (synchronously without :attr:`request_window`) and return the current one
        while it still covers ``met`` itself (None if not)."""
        behind, ahead, _ = self.trail_span()
        w = self._window
        if w is not None and w.covers(met - behind, met + ahead):
            return w
        req = self._window_request(met)
        if self.request_window is None:
            self.set_window(self.catalog.propagate(*req))
            return self._window
        pend = self._pending
        if pend is None or not (pend[0] <= met - behind and met + ahead <= pend[1]):
            self._pending = req
            self.request_window(self.catalog, *req)
        return w if w is not None and w.covers(met) else None

    def _world_samples(self, window, frame: str) -> np.ndarray:
        """The window's samples in the world frame ``frame`` (cached per frame)."""
        got = self._world.get(frame)
        if got is None:
            r = window.r_gcrs_km
            if frame == "earth-fixed":
                mid = 0.5 * (window.t0_s + window.t1_s)
                rot = self.viewer.environment.eo_at(mid).gcrs_to_itrs(window.times)  # (M,3,3)
                r = np.einsum("mij,nmj->nmi", rot, r)
            got = self._world[frame] = np.asarray(r, dtype=np.float32)
        return got

    # -- per frame ------------------------------------------------------------------------------
    def heads_now(self, met_s: float):
        """Compute and keep ``(ids, world km (N,3))`` of every user object at ``met_s``, NaN
        where none is drawn (no state, or no window covering now yet); None without a
        catalogue or with the layer off."""
        cat = self.catalog
        st = self.viewer.view
        if cat is None or not len(cat) or not st.visible("user-objects"):
            self._heads = None
            return None
        w = self._ensure_window(met_s)
        if w is None:
            self._heads = (cat.ids, np.full((len(cat), 3), np.nan))
            return self._heads
        world = self._world_samples(w, st.frame)
        t = w.times
        k = int(min(max(np.searchsorted(t, met_s, side="right") - 1, 0), len(t) - 2))
        f = (met_s - t[k]) / (t[k + 1] - t[k])
        # on the chord between samples: where the trail is drawn
        heads = world[:, k].astype(float) * (1.0 - f) + world[:, k + 1].astype(float) * f
        self._heads = (cat.ids, heads)
        return self._heads

    @property
    def heads(self):
        """``(ids, world km (N,3))`` of the last frame, or None."""
        return self._heads

    def world_state(self, object_id: str, met_s: float, gcrs_to_world):
        """(world r, world v, GCRS r, GCRS v) of one user object now, or None."""
        if self.viewer.kind(object_id) != "user":
            return None
        try:
            s = self.catalog.object_state(object_id, met_s)
        except NoStateError:
            return None
        r, v = s.r_gcrs_km, s.v_gcrs_km_s
        return gcrs_to_world @ r, gcrs_to_world @ v, r, v

    def _selected_samples(self, met_s: float, frame: str):
        """(met (K,), world km (K,3)) of the selected object over the track span around
        now, sampled every 30 s from its element sets (cached; recomputed when now leaves
        the cached span or the frame changes); None where it has no state."""
        oid = self.selected
        obj = self.catalog.objects[oid]
        chain = obj.chain_at(met_s)
        if chain is None:
            return None
        st = self.viewer.view
        behind, ahead = st.track_behind_s, st.track_ahead_s
        c = self._sel_track
        if c is not None and c[0] == (oid, frame, behind, ahead) and \
                c[1] <= met_s - behind and met_s + ahead <= c[2]:
            return c[3], c[4]
        margin = max(0.5 * (behind + ahead), 600.0)
        a = max(met_s - behind - margin, chain.start_s)
        b = min(met_s + ahead + margin, chain.end_s)
        if b - a < 60.0:
            return None
        eo = self.viewer.environment.eo_at(0.5 * (a + b))
        try:
            tr = chain.trajectory(a, b, eo, step_s=USER_TRACK_STEP_S)
        except NoStateError:
            return None
        r = tr.r_gcrs_km
        if frame == "earth-fixed":
            r = np.einsum("nij,nj->ni", eo.gcrs_to_itrs(tr.met_s), r)
        self._sel_track = ((oid, frame, behind, ahead), a, b, tr.met_s, r)
        return tr.met_s, r

    def pose_selected_track(self, met_s: float, cam, origin) -> None:
        """A big catalogue's selected object gets a track like the mission's (up to
        :data:`USER_TRACKS_MAX` objects, every object's trail already is one)."""
        item = self.items.get("track:user-selected")
        if item is None:
            return
        cat = self.catalog
        st = self.viewer.view
        show = (cat is not None and self.selected is not None
                and len(cat) > USER_TRACKS_MAX and st.visible("user-objects")
                and st.visible("user-trails"))
        got = self._selected_samples(met_s, st.frame) if show else None
        if got is None:
            item.setVisible(False)
            return
        t, r = got
        lo = np.searchsorted(t, met_s - st.track_behind_s, side="left")
        hi = np.searchsorted(t, met_s + st.track_ahead_s, side="right")
        if hi - lo < 2:
            item.setVisible(False)
            return
        item.set_track(to_scene((cam @ (r[lo:hi] - origin).T).T, np.zeros(3)), t[lo:hi],
                       np.zeros(hi - lo, dtype=bool))
        item.set_time(met_s)
        item.setVisible(True)

    def pose_catalog(self, met_s: float, cam, origin, pixel_scale: float) -> None:
        """Heads and trails of every object (the ``user-catalog`` item)."""
        item = self.items.get("user-catalog")
        if item is None:
            return
        heads = self._heads
        if heads is None:
            item.setVisible(False)
            self.ids_shown = []
            return
        ids, world = heads
        st = self.viewer.view
        w = self._window
        if w is not None and self._uploaded != (id(w), st.frame):
            item.set_window(self._world_samples(w, st.frame), w.times, w.t0_s)
            self._uploaded = (id(w), st.frame)
        elif w is None:
            item.clear_window()
            self._uploaded = None
        behind, ahead, _ = self.trail_span()
        if not st.visible("user-trails"):
            behind = ahead = 0.0
        item.set_heads(world.astype(np.float32))
        item.set_transform(cam, origin)
        item.set_time(met_s, behind, ahead)
        point_px, alpha, _ = user_style(len(ids))
        # a few objects draw over the mission's markers (the user's copy of the station
        # shows inside the station's marker); a whole catalogue stays beneath them
        depth = 25 if len(ids) <= USER_TRACKS_MAX else 8
        if item.depthValue() != depth:
            item.setDepthValue(depth)
        item.set_point_px(point_px * pixel_scale)
        item.set_selected_min_px(SELECTED_USER_MIN_PX * pixel_scale)
        item.set_trail_alpha(alpha)
        item.setVisible(True)


__all__ = ["UserLayer", "USER_TRACK_STEP_S", "USER_TRAIL_STEP_S", "USER_WINDOW_MAX_SAMPLES"]
