"""Picking on plain arrays: which object a click means, and which ones the Earth hides.

Pure numpy, no GL: the scene gives scene-space points and their projected pixels; the
viewport gives the camera position. Lengths are scene km; pixels are logical widget pixels.
"""

from __future__ import annotations

import numpy as np


def hidden_by_sphere(eye, points, center, radius_km: float) -> np.ndarray:
    """(N,) bool: whether the segment from ``eye`` (3,) to each of ``points`` (N,3) enters
    the sphere of ``radius_km`` about ``center`` before it reaches the point."""
    eye = np.asarray(eye, dtype=float)
    pts = np.asarray(points, dtype=float).reshape(-1, 3)
    d = pts - eye
    f = eye - np.asarray(center, dtype=float)
    a = np.einsum("ij,ij->i", d, d)
    b = 2.0 * d @ f
    c = f @ f - radius_km ** 2
    disc = b * b - 4 * a * c
    with np.errstate(invalid="ignore", divide="ignore"):
        t1 = (-b - np.sqrt(np.maximum(disc, 0.0))) / (2 * a)
    return (disc > 0) & (t1 > 0) & (t1 < 1.0 - 1e-9)


def nearest_within(pixels_xy, x: float, y: float, radius_px: float) -> int | None:
    """Index of the row of ``pixels_xy`` (N,2) nearest to (x, y) within ``radius_px``
    (rows with NaN never match), or None."""
    px = np.asarray(pixels_xy, dtype=float).reshape(-1, 2)
    if not len(px):
        return None
    dist = np.hypot(px[:, 0] - x, px[:, 1] - y)
    dist[~np.isfinite(dist)] = np.inf
    k = int(np.argmin(dist))
    return k if dist[k] <= radius_px else None


__all__ = ["hidden_by_sphere", "nearest_within"]
