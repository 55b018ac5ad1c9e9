"""Which fine Earth tiles a camera needs. Qt-free, GL-free.

The fine ground imagery (``assets/earth/tiles/``) is a grid of plate carrée tiles over the
WGS 84 geodetic latitude/longitude: each tile spans ``TILE_DEG`` = 2° × 2° with
``TILE_TEXELS`` = 240 texels a side, so a texel is 30″ (1/120°): 0.93 km north–south
everywhere and 0.93 km × cos(latitude) east–west. Tile ``(row, col)`` covers latitudes
``90° − 2°·row`` (north edge) to ``90° − 2°·(row + 1)`` and longitudes ``−180° + 2°·col`` to
``−180° + 2°·(col + 1)``: rows 0…89 from the north pole, columns 0…179 from the date line
eastwards. Only tiles near the mission's places are shipped (see ``tools/build_earth_tiles.py``).

The renderer draws the fine imagery through one *window*: a block of ``WINDOW_TILES`` ×
``WINDOW_TILES`` tiles (16° × 16°) around the ground point the camera looks at, used when
the camera is within ``DETAIL_RANGE_KM`` of that point. :func:`choose_window` picks it from
the camera's position and view direction (ITRS, km) and keeps the current one while the
looked-at point stays in its inner part, so that a moving camera does not reload every frame.

Positions are ITRS kilometres (x to latitude 0°/longitude 0°, z to the north pole).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from orbitviz.core.constants import R_EARTH_EQ_KM, WGS84_F
from orbitviz.core.geodesy import itrs_to_geodetic

#: Size of one tile, degrees of latitude and of longitude.
TILE_DEG = 2.0
#: Texels along a tile's side: 30″ a texel.
TILE_TEXELS = 240
#: Tile rows (north to south) and columns (west to east) of the whole globe.
N_ROWS = int(round(180.0 / TILE_DEG))
N_COLS = int(round(360.0 / TILE_DEG))
#: Tiles along a side of the window drawn in fine detail.
WINDOW_TILES = 8
#: The fine window is used while the looked-at ground point is at most this far from the
#: eye (km): beyond it, a 30″ texel (0.93 km) is under about a third of a pixel at
#: 1080 lines and a 60° field, and the global map is as sharp on screen.
DETAIL_RANGE_KM = 3000.0
#: Mean Earth radius for great-circle distances (IUGG), km.
R_MEAN_KM = 6371.0088

_R_POLAR_KM = R_EARTH_EQ_KM * (1.0 - WGS84_F)


def texel_size_km(lat_deg) -> tuple[np.ndarray, np.ndarray]:
    """(north–south, east–west) size of one 30″ texel at geodetic latitude ``lat_deg``, km,
    on the WGS 84 ellipsoid (meridian and prime-vertical radii of curvature)."""
    phi = np.radians(np.asarray(lat_deg, dtype=np.float64))
    e2 = WGS84_F * (2.0 - WGS84_F)
    w = np.sqrt(1.0 - e2 * np.sin(phi) ** 2)
    m = R_EARTH_EQ_KM * (1.0 - e2) / w**3  # meridian radius of curvature
    n = R_EARTH_EQ_KM / w  # prime vertical radius of curvature
    texel = math.radians(TILE_DEG / TILE_TEXELS)
    return m * texel, n * np.cos(phi) * texel


def tile_of(lat_deg: float, lon_deg: float) -> tuple[int, int]:
    """(row, col) of the tile holding geodetic ``lat_deg``, ``lon_deg`` (degrees)."""
    lon = (float(lon_deg) + 180.0) % 360.0
    row = min(max(int(math.floor((90.0 - float(lat_deg)) / TILE_DEG)), 0), N_ROWS - 1)
    return row, int(math.floor(lon / TILE_DEG)) % N_COLS


def tile_bounds(row: int, col: int) -> tuple[float, float, float, float]:
    """(north, south, west, east) edges of tile ``(row, col)``, degrees."""
    north = 90.0 - TILE_DEG * row
    west = -180.0 + TILE_DEG * col
    return north, north - TILE_DEG, west, west + TILE_DEG


def great_circle_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance on the mean sphere (haversine), km; arrays broadcast."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    a = np.sin((p2 - p1) / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2.0) ** 2
    return 2.0 * R_MEAN_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def tiles_near(lat_deg, lon_deg, radius_km: float) -> set[tuple[int, int]]:
    """Every tile with some part within ``radius_km`` of any of the points
    (``lat_deg``, ``lon_deg``: scalars or 1-D arrays, degrees).

    A tile is taken when the distance from a point to the tile's nearest point (the point
    clamped into the tile's latitude and longitude span) is within the radius: exact for
    the latitude span, and for the longitude span to within the curvature of parallels
    (a few km at these sizes), which the callers' generous radii absorb."""
    lats = np.atleast_1d(np.asarray(lat_deg, dtype=np.float64))
    lons = np.atleast_1d(np.asarray(lon_deg, dtype=np.float64))
    rows = np.arange(N_ROWS)
    cols = np.arange(N_COLS)
    north = 90.0 - TILE_DEG * rows
    west = -180.0 + TILE_DEG * cols
    out: set[tuple[int, int]] = set()
    for lat, lon in zip(lats, lons):
        # longitude offset of each column's nearest edge (wrapped to ±180°)
        d_w = (lon - west + 180.0) % 360.0 - 180.0  # point east of the west edge by d_w
        inside = (d_w >= 0.0) & (d_w <= TILE_DEG)
        near_lon = np.where(inside, lon, np.where(
            np.abs(d_w) < np.abs(d_w - TILE_DEG), west, west + TILE_DEG))
        near_lat = np.clip(lat, north - TILE_DEG, north)
        dist = great_circle_km(near_lat[:, None], near_lon[None, :], lat, lon)
        r, c = np.nonzero(dist <= radius_km)
        out.update(zip(r.tolist(), c.tolist()))
    return out


# --- the fine window ----------------------------------------------------------------------


@dataclass(frozen=True)
class DetailWindow:
    """A block of ``WINDOW_TILES`` × ``WINDOW_TILES`` tiles: rows ``row0`` … ``row0 + n − 1``
    (``row0`` clamped so that the block stays between the poles) and columns ``col0`` …
    ``col0 + n − 1`` modulo :data:`N_COLS` (it may straddle the date line)."""

    row0: int
    col0: int
    n: int = WINDOW_TILES

    def tiles(self) -> list[tuple[int, int]]:
        """(row, col) of every tile, row by row from the north-west corner."""
        return [(self.row0 + i, (self.col0 + j) % N_COLS)
                for i in range(self.n) for j in range(self.n)]

    def uv_rect(self) -> tuple[float, float, float, float]:
        """(u0, v0, du, dv): the window in the global map's texture coordinates
        (u = (lon + 180°)/360°, v = (90° − lat)/180°); u0 in [0, 1)."""
        return (self.col0 / N_COLS, self.row0 / N_ROWS, self.n / N_COLS, self.n / N_ROWS)

    def holds_inner(self, row: int, col: int, margin: int = 2) -> bool:
        """True if tile (row, col) lies at least ``margin`` tiles inside the window's edges
        (edges at the poles count as inside)."""
        i = row - self.row0
        j = (col - self.col0) % N_COLS
        lo_i = 0 if self.row0 == 0 else margin
        hi_i = self.n if self.row0 + self.n == N_ROWS else self.n - margin
        return lo_i <= i < hi_i and margin <= j < self.n - margin


def window_around(row: int, col: int, n: int = WINDOW_TILES) -> DetailWindow:
    """The window of ``n`` × ``n`` tiles centred on tile (row, col)."""
    row0 = min(max(row - n // 2, 0), N_ROWS - n)
    return DetailWindow(row0, (col - n // 2) % N_COLS, n)


def look_point(eye_itrs_km, forward_itrs) -> np.ndarray | None:
    """Where the sight line from ``eye_itrs_km`` along ``forward_itrs`` first meets the WGS 84
    ellipsoid (ITRS km), or None if it misses (or the eye is inside)."""
    e = np.asarray(eye_itrs_km, dtype=np.float64)
    d = np.asarray(forward_itrs, dtype=np.float64)
    d = d / np.linalg.norm(d)
    s = np.array([1.0, 1.0, R_EARTH_EQ_KM / _R_POLAR_KM])  # the ellipsoid → a sphere
    es, ds = e * s, d * s
    a, b, c = ds @ ds, 2.0 * es @ ds, es @ es - R_EARTH_EQ_KM**2
    disc = b * b - 4.0 * a * c
    if c <= 0.0 or disc < 0.0:
        return None
    t = (-b - math.sqrt(disc)) / (2.0 * a)
    return e + t * d if t > 0.0 else None


def choose_window(eye_itrs_km, forward_itrs, available, current: DetailWindow | None = None,
                  range_km: float = DETAIL_RANGE_KM) -> DetailWindow | None:
    """The fine window a camera needs, or None.

    The looked-at point is where the view's centre line meets the ground, or the point
    straight below the eye if it misses. None when that point is over ``range_km`` from
    the eye, or when no tile of ``available`` (a set of (row, col)) lies in the window.
    ``current`` is kept while the looked-at point stays at least two tiles inside it."""
    eye = np.asarray(eye_itrs_km, dtype=np.float64)
    target = look_point(eye, forward_itrs)
    if target is None:
        lat, lon, alt = itrs_to_geodetic(eye)
        if not alt <= range_km:
            return None
    else:
        if not np.linalg.norm(target - eye) <= range_km:
            return None
        lat, lon, _ = itrs_to_geodetic(target)
    row, col = tile_of(float(lat), float(lon))
    if current is not None and current.holds_inner(row, col):
        return current
    win = window_around(row, col)
    if not any(t in available for t in win.tiles()):
        return None
    return win
