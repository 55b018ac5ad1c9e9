"""WGS 84 geodetic coordinates ⇄ Earth-fixed (ITRS) Cartesian positions, vectorised."""

from __future__ import annotations

import numpy as np

from orbitviz.core.constants import R_EARTH_EQ_KM, WGS84_F

_E2 = WGS84_F * (2.0 - WGS84_F)
_B = R_EARTH_EQ_KM * (1.0 - WGS84_F)
_EP2 = (R_EARTH_EQ_KM**2 - _B**2) / _B**2


def geodetic_to_itrs(lat_deg, lon_deg, alt_km):
    """ITRS position (…,3) in km of a WGS 84 latitude, longitude (degrees) and height (km)."""
    lat = np.radians(lat_deg)
    lon = np.radians(lon_deg)
    s = np.sin(lat)
    n = R_EARTH_EQ_KM / np.sqrt(1.0 - _E2 * s * s)
    c = np.cos(lat)
    x = (n + alt_km) * c * np.cos(lon)
    y = (n + alt_km) * c * np.sin(lon)
    z = (n * (1.0 - _E2) + alt_km) * s
    return np.stack([x, y, z], axis=-1)


def itrs_to_geodetic(r_itrs_km):
    """(lat_deg, lon_deg, alt_km) of ITRS positions (…,3), WGS 84.

    Bowring's method with two refinements: better than 1 mm from the surface to
    geostationary altitude.
    """
    r = np.asarray(r_itrs_km, dtype=float)
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    p = np.hypot(x, y)
    lon = np.arctan2(y, x)
    theta = np.arctan2(z * R_EARTH_EQ_KM, p * _B)
    lat = np.arctan2(z + _EP2 * _B * np.sin(theta) ** 3,
                     p - _E2 * R_EARTH_EQ_KM * np.cos(theta) ** 3)
    for _ in range(2):
        s = np.sin(lat)
        n = R_EARTH_EQ_KM / np.sqrt(1.0 - _E2 * s * s)
        h = np.where(np.abs(np.cos(lat)) > 1e-9, p / np.cos(lat) - n, np.abs(z) - _B)
        lat = np.arctan2(z, p * (1.0 - _E2 * n / (n + h)))
    s = np.sin(lat)
    n = R_EARTH_EQ_KM / np.sqrt(1.0 - _E2 * s * s)
    c = np.cos(lat)
    h = np.where(np.abs(c) > 1e-9, p / np.where(np.abs(c) > 1e-9, c, 1.0) - n,
                 np.abs(z) - _B)
    return np.degrees(lat), np.degrees(lon), h
