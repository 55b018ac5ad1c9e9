"""The locator a story's camera paths need, built from the viewer model (no Qt, no GL).

:func:`viewer_locator` returns the :data:`~orbitviz.core.story.camera_path.Locator` of one
world frame: for ``(target, axes, met_s)``, the target's position in the world frame (km,
float64) and the unit vectors of ``axes`` in the world frame (rows). The world frame is the
scene's (docs/app-design.md): GCRS for ``inertial``, ITRS for ``earth-fixed``. Object states
are :meth:`ViewerModel.state` (GCRS); the Earth's orientation is the viewer model's
environment, the rotation the scene itself uses.
"""

from __future__ import annotations

import numpy as np

from orbitviz.core.story.camera_path import AXES, Locator
from orbitviz.core.vectors import lvlh_matrix, unit
from orbitviz.core.viewstate import FRAMES


def enu_rows(r_itrs_km) -> np.ndarray:
    """Rows: east, north, up (ITRS unit vectors) at the point ``r_itrs_km`` (spherical up;
    east along the Earth's rotation)."""
    up = unit(r_itrs_km)
    east = unit(np.cross((0.0, 0.0, 1.0), up))
    north = np.cross(up, east)
    return np.stack([east, north, up])


def viewer_locator(viewer, world: str) -> Locator:
    """The locator of ``world`` (``"earth-fixed"`` or ``"inertial"``) for ``viewer`` (a
    :class:`~orbitviz.core.viewer.ViewerModel`). Raises ``KeyError`` for an unknown target
    and :class:`~orbitviz.core.elements.NoStateError` where it has no state."""
    if world not in FRAMES:
        raise ValueError(f"unknown frame '{world}': use {' or '.join(FRAMES)}")

    def locate(target: str, axes: str, met_s: float):
        if axes not in AXES:
            raise ValueError(f"unknown axes '{axes}': use {', '.join(AXES)}")
        g2i = viewer.environment.gcrs_to_itrs(float(met_s))  # GCRS → ITRS
        g2w = g2i if world == "earth-fixed" else np.eye(3)  # GCRS → world
        if target == "earth":
            origin = np.zeros(3)
            r = v = None
        else:
            st = viewer.state(target, float(met_s))
            r, v = np.asarray(st.r_gcrs_km, float), np.asarray(st.v_gcrs_km_s, float)
            origin = g2w @ r
        if axes == "inertial":
            rows = g2w.T  # GCRS unit vectors (columns of g2w) as rows
        elif axes == "earth-fixed":
            rows = g2i @ g2w.T  # ITRS unit vectors in the world frame, as rows
        elif r is None:
            raise ValueError(f"the Earth has no {axes} axes")
        elif axes == "lvlh":
            rows = lvlh_matrix(r, v) @ g2w.T
        else:  # enu
            rows = enu_rows(g2i @ r) @ g2i @ g2w.T
        return origin, rows

    return locate


__all__ = ["viewer_locator", "enu_rows"]
