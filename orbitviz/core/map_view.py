"""Which part of the world map a rectangle of pixels shows: zoom, pan, projection. Qt-free.

The map is the plate carrée (equirectangular) projection of :mod:`orbitviz.core.groundtrack`:
x grows east with longitude, y grows south with geodetic latitude, the same number of
pixels per degree both ways. A :class:`MapView` always *fills* its rectangle: at zoom 1 the
world is scaled so that it covers the rectangle (no band of background beside or above it)
and whatever does not fit is cropped; panning brings any part of the world into view, and
the view never leaves the world (−180°…180°, −90°…90°).

Pixels are logical pixels of the rectangle, origin at its top-left corner.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

#: Deepest zoom (times the filling scale): a few kilometres per pixel on a small panel.
MAX_ZOOM = 24.0


@dataclass(frozen=True)
class MapView:
    """A ``width`` × ``height`` pixel view of the world, centred (as far as the world's
    edges allow) on ``center_lat_deg``, ``center_lon_deg``, at ``zoom`` (1: the world
    fills the rectangle; larger: closer)."""

    width: float
    height: float
    zoom: float = 1.0
    center_lat_deg: float = 0.0
    center_lon_deg: float = 0.0

    def __post_init__(self):
        if not (self.width > 0 and self.height > 0):
            raise ValueError(f"a map view needs a positive size, not {self.width}x{self.height}")
        z = min(max(float(self.zoom), 1.0), MAX_ZOOM) if np.isfinite(self.zoom) else 1.0
        object.__setattr__(self, "zoom", z)
        s = self.scale
        half_lon = 0.5 * self.width / s
        half_lat = 0.5 * self.height / s
        lon = float(np.clip(self.center_lon_deg, -180.0 + half_lon, 180.0 - half_lon))
        lat = float(np.clip(self.center_lat_deg, -90.0 + half_lat, 90.0 - half_lat))
        object.__setattr__(self, "center_lon_deg", lon)
        object.__setattr__(self, "center_lat_deg", lat)

    @property
    def scale(self) -> float:
        """Pixels per degree (both axes)."""
        return self.zoom * max(self.width / 360.0, self.height / 180.0)

    # -- projection --------------------------------------------------------------------------
    def to_px(self, lat_deg, lon_deg):
        """Pixel (x, y) of geodetic (lat, lon) in degrees (vectorised)."""
        s = self.scale
        x = 0.5 * self.width + (np.asarray(lon_deg, dtype=float) - self.center_lon_deg) * s
        y = 0.5 * self.height - (np.asarray(lat_deg, dtype=float) - self.center_lat_deg) * s
        return x, y

    def to_geo(self, x, y):
        """(lat_deg, lon_deg) at pixel (x, y) (vectorised; not clipped to the world)."""
        s = self.scale
        lon = self.center_lon_deg + (np.asarray(x, dtype=float) - 0.5 * self.width) / s
        lat = self.center_lat_deg - (np.asarray(y, dtype=float) - 0.5 * self.height) / s
        return lat, lon

    def world_px(self) -> tuple[float, float, float, float]:
        """(x, y, w, h) of the whole world (−180°…180°, 90°…−90°) in pixels."""
        x0, y0 = self.to_px(90.0, -180.0)
        s = self.scale
        return float(x0), float(y0), 360.0 * s, 180.0 * s

    def visible(self) -> tuple[float, float, float, float]:
        """(lon_west, lat_south, lon_east, lat_north) in degrees of what the view shows."""
        lat_n, lon_w = self.to_geo(0.0, 0.0)
        lat_s, lon_e = self.to_geo(self.width, self.height)
        return float(lon_w), float(lat_s), float(lon_e), float(lat_n)

    # -- changes (new views) -----------------------------------------------------------------
    def resized(self, width: float, height: float) -> "MapView":
        """The same centre and zoom on a rectangle of another size."""
        return replace(self, width=float(width), height=float(height))

    def panned(self, dx_px: float, dy_px: float) -> "MapView":
        """The view with the map dragged by (dx, dy) pixels (the world follows the mouse)."""
        s = self.scale
        return replace(self, center_lon_deg=self.center_lon_deg - float(dx_px) / s,
                       center_lat_deg=self.center_lat_deg + float(dy_px) / s)

    def zoomed(self, factor: float, at_x: float | None = None,
               at_y: float | None = None) -> "MapView":
        """The view zoomed by ``factor`` (> 1: closer) keeping the place under pixel
        (``at_x``, ``at_y``) (default: the centre) under it, as far as the edges allow."""
        x = 0.5 * self.width if at_x is None else float(at_x)
        y = 0.5 * self.height if at_y is None else float(at_y)
        lat, lon = self.to_geo(x, y)
        z = min(max(self.zoom * float(factor), 1.0), MAX_ZOOM)
        s = z * max(self.width / 360.0, self.height / 180.0)
        return replace(self, zoom=z,
                       center_lon_deg=float(lon) - (x - 0.5 * self.width) / s,
                       center_lat_deg=float(lat) + (y - 0.5 * self.height) / s)


def fit_view(width: float, height: float, focus_lon_deg: float = 0.0,
             focus_lat_deg: float | None = None, margin_px: float = 40.0) -> MapView:
    """The default view of a ``width`` × ``height`` rectangle: the world filling it. Where
    the rectangle is narrower than 2:1 and longitudes are cropped, ``focus_lon_deg`` is in
    the middle (the world's edges allowing); where it is wider and latitudes are cropped,
    the equator is, unless ``focus_lat_deg`` would then lie within ``margin_px`` of the top
    or bottom edge: the view slides just enough to keep it that far inside."""
    v = MapView(float(width), float(height), 1.0, 0.0, float(focus_lon_deg))
    if focus_lat_deg is None:
        return v
    half = 0.5 * v.height / v.scale
    reach = max(half - float(margin_px) / v.scale, 0.0)
    lat = float(focus_lat_deg)
    return replace(v, center_lat_deg=min(max(0.0, lat - reach), lat + reach))


def pick_nearest(x_px, y_px, x: float, y: float, radius_px: float) -> int | None:
    """Index of the point of (``x_px``, ``y_px``) nearest to (x, y) within ``radius_px``
    pixels, or None."""
    xs = np.asarray(x_px, dtype=float).reshape(-1)
    ys = np.asarray(y_px, dtype=float).reshape(-1)
    if not xs.size:
        return None
    d2 = (xs - float(x)) ** 2 + (ys - float(y)) ** 2
    d2 = np.where(np.isfinite(d2), d2, np.inf)
    k = int(np.argmin(d2))
    return k if d2[k] <= float(radius_px) ** 2 else None


__all__ = ["MapView", "fit_view", "pick_nearest", "MAX_ZOOM"]
