"""The equator and a latitude/longitude grid, drawn just above the WGS 84 surface."""

from __future__ import annotations

import numpy as np
import pyqtgraph.opengl as gl
from PySide6 import QtGui

from orbitviz.core.geodesy import geodetic_to_itrs

#: Grid spacing, degrees; height above the ellipsoid, km (clears the Earth's mesh).
STEP_DEG = 30.0
HEIGHT_KM = 8.0


def grid_segments(step_deg: float = STEP_DEG, height_km: float = HEIGHT_KM, n: int = 180):
    """(positions (2M,3) float32 ITRS km, colors (2M,4) float32) as line segment pairs:
    parallels and meridians every ``step_deg``, the equator brighter."""
    pos, col = [], []
    lon = np.linspace(-180.0, 180.0, n + 1)
    for lat in np.arange(-90.0 + step_deg, 90.0, step_deg):
        ring = geodetic_to_itrs(np.full_like(lon, lat), lon, height_km)
        c = (1.0, 0.85, 0.35, 0.55) if lat == 0 else (0.55, 0.75, 1.0, 0.22)
        pos.append(np.repeat(ring, 2, axis=0)[1:-1])
        col.append(np.tile(c, (2 * len(ring) - 2, 1)))
    lat = np.linspace(-90.0, 90.0, n // 2 + 1)
    for lo in np.arange(-180.0, 180.0, step_deg):
        arc = geodetic_to_itrs(lat, np.full_like(lat, lo), height_km)
        pos.append(np.repeat(arc, 2, axis=0)[1:-1])
        col.append(np.tile((0.55, 0.75, 1.0, 0.22), (2 * len(arc) - 2, 1)))
    return np.vstack(pos).astype(np.float32), np.vstack(col).astype(np.float32)


def pose_matrix(rotation, center_scene) -> QtGui.QMatrix4x4:
    """QMatrix4x4 of a rotation (3×3) followed by a translation (scene units)."""
    m = np.eye(4)
    m[:3, :3] = np.asarray(rotation, dtype=float)
    m[:3, 3] = np.asarray(center_scene, dtype=float)
    return QtGui.QMatrix4x4(*m.reshape(-1).tolist())


class GridItem(gl.GLLinePlotItem):
    """Equator and graticule; ``set_pose`` like :class:`~orbitviz.render.earth.EarthItem`."""

    def __init__(self):
        pos, col = grid_segments()
        super().__init__(pos=pos, color=col, width=1.0, antialias=False, mode="lines")
        self.setGLOptions("translucent")

    def set_pose(self, itrs_to_scene, center_scene) -> None:
        self.setTransform(pose_matrix(itrs_to_scene, center_scene))
