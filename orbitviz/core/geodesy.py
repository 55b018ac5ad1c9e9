"""WGS 84 geodetic coordinates ⇄ Earth-fixed (ITRS) Cartesian positions, vectorised,
and the scalar shortcuts the integrators use."""

from __future__ import annotations

import math

import numpy as np

from orbitviz.core.constants import R_EARTH_EQ_KM, WGS84_F

_E2 = WGS84_F * (2.0 - WGS84_F)
_B = R_EARTH_EQ_KM * (1.0 - WGS84_F)
_EP2 = (R_EARTH_EQ_KM**2 - _B**2) / _B**2
_AB = R_EARTH_EQ_KM * _B
_B2 = _B * _B
_A2_MINUS_B2 = R_EARTH_EQ_KM**2 - _B2

#: Mean Earth radius (IUGG), km: for great-circle ground distances.
R_EARTH_MEAN_KM = 6371.0088


def ellipsoid_radius_km(sin_geocentric_lat: float) -> float:
    """Geocentric radius (km) of the WGS 84 ellipsoid at a geocentric latitude, given as
    its sine (the unit position vector dotted with the rotation axis)."""
    s2 = sin_geocentric_lat * sin_geocentric_lat
    return _AB / math.sqrt(_B2 + _A2_MINUS_B2 * s2)


def height_along_radius_km(x: float, y: float, z: float, pole) -> float:
    """Height above the WGS 84 ellipsoid along the geocentric radius, km, of a position in
    any Earth-centred frame whose rotation axis is the unit vector ``pole``. Within
    centimetres of the geodetic height below 100 km; cheap enough for an integrator."""
    r = math.sqrt(x * x + y * y + z * z)
    return r - ellipsoid_radius_km((x * pole[0] + y * pole[1] + z * pole[2]) / r)


def great_circle_km(lat1_deg, lon1_deg, lat2_deg, lon2_deg) -> float:
    """Haversine distance on the sphere of mean radius, km."""
    p1, p2 = math.radians(lat1_deg), math.radians(lat2_deg)
    dl = math.radians(lon2_deg - lon1_deg)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2.0 * R_EARTH_MEAN_KM * math.asin(min(1.0, math.sqrt(h)))


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
