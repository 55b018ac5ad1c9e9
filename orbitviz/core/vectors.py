"""Small vector helpers shared by the core and the renderer, and the one LVLH frame.

The local-vertical/local-horizontal frame used everywhere in orbitviz is the convention of
ISS operations (the station's body frame when it flies +XVV):

- **x** along-track (V-bar): the direction of the velocity's part perpendicular to the radius,
- **y** opposite the orbit normal (H-bar): ``−(r × v)/|r × v|``,
- **z** toward the Earth's centre (R-bar): ``−r/|r|``, so ``−z`` is up.

Inputs are positions and velocities in any inertial or rotating Cartesian frame (GCRS km and
km/s in practice); the axes come out in that same frame.
"""

from __future__ import annotations

import numpy as np


def unit(v) -> np.ndarray:
    """``v`` (…,3) divided by its length along the last axis."""
    v = np.asarray(v, dtype=float)
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def lvlh_axes(r, v) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The LVLH unit vectors ``(x, y, z)`` of states ``r``, ``v`` (each (…,3)); each
    returned vector has the inputs' shape. See the module's notes for the convention."""
    r = np.asarray(r, dtype=float)
    v = np.asarray(v, dtype=float)
    z = -unit(r)
    y = -unit(np.cross(r, v))
    x = np.cross(y, z)
    return x, y, z


def lvlh_matrix(r, v) -> np.ndarray:
    """The LVLH axes as the rows of a (…,3,3) matrix: ``M @ d`` gives a vector ``d`` of the
    inputs' frame in LVLH coordinates, ``M.T @ d_lvlh`` the reverse."""
    return np.stack(lvlh_axes(r, v), axis=-2)


__all__ = ["unit", "lvlh_axes", "lvlh_matrix"]
