"""The spacecraft, the station and the launcher as the scene draws them: poses from the core
(:mod:`orbitviz.render.solid_poses`) turned into scene instances of the
:class:`~orbitviz.render.solid_item.SolidItem` and the :class:`~orbitviz.render.plume_item.
PlumeItem`, lit by the Sun, and the spheres around each object's meshes that place its label
clear of them and tell whether its marker is still needed.

Drawn only in close views (the camera within :data:`MESH_RANGE_KM` of its target) and inside
the mission. The core's motion is built on first use (``mission.motion``).
"""

from __future__ import annotations

import numpy as np

from orbitviz.core.assets import load_toml

from .lighting import Lighting
from .mission_geometry import build_mission_geometry, geometry_bounds, geometry_corners
from .plume_item import PlumeInstance
from .solid_item import SolidInstance
from .solid_poses import owner_spheres, pose_plumes, pose_solids
from .style import MESH_LABEL_CLEARANCE, PLUME_COLORS, PLUME_INTENSITY
from .units import to_scene

__all__ = ["SolidsLayer", "MESH_RANGE_KM", "mission_meshes"]

#: Meshes are drawn when the camera is closer than this to its target, km.
MESH_RANGE_KM = 60.0


def mission_meshes(mission) -> dict:
    """Every mesh of the mission scene (the station's from the mission's station file)."""
    return build_mission_geometry(mission.scenario.station, load_toml("mission",
                                                                      "vehicle-motion.toml"))


class SolidsLayer:
    """Poses ``items["solids"]`` and ``items["plumes"]`` for the scene controller."""

    def __init__(self, mission, items: dict):
        self.mission = mission
        self.item = items.get("solids")
        self.plumes = items.get("plumes")
        self._bounds = None
        self._corners = None
        self.spheres: dict[str, tuple[np.ndarray, float]] = {}
        self.posed = []
        self.plumes_posed = []
        self.lighting = Lighting()

    @property
    def corners(self) -> dict:
        """Each mesh's bounding-box corners (8,3), m, its body frame."""
        if self._corners is None:
            self._corners = geometry_corners(self.item.meshes) if self.item is not None else {}
        return self._corners

    @property
    def bounds(self) -> dict:
        """Each mesh's bounding sphere (built with the meshes, on first use)."""
        if self._bounds is None:
            self._bounds = geometry_bounds(self.item.meshes) if self.item is not None else {}
        return self._bounds

    def hide(self) -> None:
        self.spheres = {}
        self.posed = []
        self.plumes_posed = []
        for it in (self.item, self.plumes):
            if it is not None:
                it.setVisible(False)

    def update(self, met_s: float, show: bool, gcrs_to_world, cam, origin, sun_scene) -> None:
        """Pose everything for ``met_s`` (``show`` False hides it all)."""
        if self.item is None or not show:
            self.hide()
            return
        motion = self.mission.motion
        m = cam @ gcrs_to_world

        def to_sc(r_gcrs_km):
            return to_scene(cam @ (gcrs_to_world @ np.asarray(r_gcrs_km) - origin), np.zeros(3))

        self.posed = pose_solids(motion, met_s)
        self.item.set_instances([SolidInstance(p.key, m @ p.R, to_sc(p.origin_km), p.alpha)
                                 for p in self.posed])
        self.lighting = self.lighting.with_sun(sun_scene)
        self.item.set_lighting(self.lighting)
        self.item.setVisible(True)
        self.spheres = owner_spheres(self.posed, self.bounds)
        if self.plumes is not None:
            self.plumes_posed = pose_plumes(motion, met_s)
            self.plumes.set_plumes([
                PlumeInstance(to_sc(p.apex_km), m @ p.direction, p.length_m / 1000.0,
                              p.radius_m / 1000.0, PLUME_COLORS[p.propellant],
                              PLUME_INTENSITY[p.propellant])
                for p in self.plumes_posed])
            self.plumes.setVisible(bool(self.plumes_posed))

    def docked_owners(self) -> list[str]:
        """The owners drawn mated to the station now (the station file's visitors)."""
        if not self.posed:
            return []
        vids = self.mission.scenario.station.vehicles
        return sorted({p.owner for p in self.posed if p.owner in vids})

    def sphere(self, owners) -> tuple[np.ndarray, float] | None:
        """(centre GCRS km, radius km) around the meshes of ``owners`` (None: none drawn)."""
        got = [self.spheres[o] for o in owners if o in self.spheres]
        if not got:
            return None
        cs = np.array([c for c, _ in got])
        centre = 0.5 * (cs.min(axis=0) + cs.max(axis=0))
        return centre, max(float(np.linalg.norm(c - centre)) + r for c, r in got)

    def label_anchor(self, owners, gcrs_to_world, cam, camera_scene):
        """World position for the label of ``owners``' meshes: level with the middle of
        their meshes, just right of the rightmost corner of their boxes as the camera
        looks (its screen-right direction), so the text stands clear of the geometry
        (None: no meshes drawn)."""
        s = self.sphere(owners)
        if s is None:
            return None
        centre_w = gcrs_to_world @ s[0]
        eye = np.asarray(camera_scene, dtype=float)
        fwd = -eye / max(float(np.linalg.norm(eye)), 1e-12)   # the camera looks at (0,0,0)
        right = np.cross(fwd, [0.0, 0.0, 1.0])
        if np.linalg.norm(right) < 1e-9:
            right = np.array([1.0, 0.0, 0.0])
        right /= np.linalg.norm(right)
        own = set(owners)
        reach = 0.0
        for p in self.posed:
            if p.owner in own:
                corners = p.origin_km + self.corners[p.key] @ p.R.T / 1000.0
                d = (cam @ (gcrs_to_world @ (corners - s[0]).T)).T @ right
                reach = max(reach, float(d.max()))
        return centre_w + cam.T @ (right * (reach + (MESH_LABEL_CLEARANCE - 1.0) * s[1]))
