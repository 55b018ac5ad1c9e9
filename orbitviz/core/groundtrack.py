"""Ground tracks, the day/night terminator and the equirectangular map projection. Qt-free.

Coordinates: geodetic WGS 84 latitude and longitude in degrees, longitude in
[−180°, 180°]; times are MET seconds (TT seconds from lift-off). The map is the plate
carrée (equirectangular) projection: x grows east with longitude, y grows south in pixels.

The terminator is computed on the sphere whose latitude and longitude are the sub-solar
point's (as :meth:`orbitviz.core.sun.SunTrack.subsolar_point` defines it): the points 90°
of great-circle arc from the sub-solar point. On a world map the difference from the
ellipsoid's true shadow line (under 0.2°) is invisible.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from orbitviz.core.geodesy import itrs_to_geodetic

#: Below this |sub-solar latitude| (degrees, an equinox) the terminator is two meridians;
#: the latitude is nudged to this value so the night side stays one polygon.
_EQUINOX_EPS_DEG = 1e-6


# --- ground tracks ----------------------------------------------------------------------------

def ground_track(model, object_id: str, t0: float, t1: float, step_s: float | None = None):
    """(met_s, lat_deg, lon_deg) of an object's sub-point between MET ``t0`` and ``t1`` (s).

    Uses the cached trajectory (``model.objects[id].trajectory``, GCRS km): its own samples
    inside ``[t0, t1]`` plus the two ends, interpolated (or, with ``step_s``, a uniform
    grid). Positions are rotated to ITRS with ``model.eo.gcrs_to_itrs`` and converted to
    WGS 84 geodetic latitude/longitude (degrees). Times outside the cache give NaN.
    """
    traj = model.objects[object_id].trajectory
    t0, t1 = float(t0), float(t1)
    if t1 < t0:
        raise ValueError("ground_track needs t1 >= t0")
    if step_s is None:
        inner = traj.met_s[(traj.met_s > t0) & (traj.met_s < t1)]
        met = np.concatenate([[t0], inner, [t1]]) if t1 > t0 else np.array([t0])
    else:
        n = max(1, int(np.ceil((t1 - t0) / step_s)))
        met = np.linspace(t0, t1, n + 1)
    r, _ = traj.state(met)
    lat, lon = sub_points(model, r, met)
    return met, lat, lon


def sub_points(model, r_gcrs_km, met_s):
    """(lat_deg, lon_deg) under GCRS positions ``r_gcrs_km`` (…,3, km) at ``met_s``."""
    r = np.asarray(r_gcrs_km, dtype=float)
    met = np.asarray(met_s, dtype=float)
    r_itrs = model.eo.gcrs_to_itrs_position(r, met)
    lat, lon, _ = itrs_to_geodetic(r_itrs)
    return lat, lon


def free_flight_mask(model, object_id: str, met_s) -> np.ndarray:
    """True where the object flies on its own (a ``trajectory`` segment), False where it
    rides the station (docked: drawn as the station), sits on the pad or has landed."""
    obj = model.objects[object_id]
    met = np.asarray(met_s, dtype=float)
    out = np.zeros(met.shape, dtype=bool)
    for seg in obj.segments:
        if seg.kind == "trajectory":
            out |= (met >= seg.start_s) & (met <= seg.end_s)
    return out


def is_docked(model, object_id: str, met_s: float) -> bool:
    """True when the object rides the station at ``met_s`` (drawn as the station)."""
    obj = model.objects[object_id]
    return obj.exists(met_s) and obj.segment_at(met_s).kind == "docked"


# --- the dateline ---------------------------------------------------------------------------

def split_at_dateline(lon_deg, lat_deg):
    """Split a track into pieces that never draw a line across the map.

    Wherever consecutive longitudes jump by more than 180° the track crossed the
    ±180° meridian: the piece before ends at exactly ±180° (the side it was on) and the
    next starts at ∓180°, both at the latitude interpolated linearly in unwrapped
    longitude. NaN points break the track too. Returns a list of ``(lon, lat)`` arrays,
    each with at least one point.
    """
    lon = np.asarray(lon_deg, dtype=float).reshape(-1)
    lat = np.asarray(lat_deg, dtype=float).reshape(-1)
    if lon.shape != lat.shape:
        raise ValueError("lon and lat must have the same length")
    if lon.size == 0:
        return []
    d = np.diff(lon)
    cross = np.nonzero(np.abs(d) > 180.0)[0]  # NaN compares False
    if cross.size:
        a, b = lon[cross], lon[cross + 1]
        edge = np.where(a >= 0.0, 180.0, -180.0)
        b_unwrapped = b + 2.0 * edge  # the next point, continued past the edge
        f = (edge - a) / (b_unwrapped - a)
        lat_c = lat[cross] + f * (lat[cross + 1] - lat[cross])
        idx = np.repeat(cross + 1, 3)
        ins_lon = np.stack([edge, np.full_like(edge, np.nan), -edge], axis=1).reshape(-1)
        ins_lat = np.stack([lat_c, np.full_like(lat_c, np.nan), lat_c], axis=1).reshape(-1)
        lon = np.insert(lon, idx, ins_lon)
        lat = np.insert(lat, idx, ins_lat)
    bad = ~(np.isfinite(lon) & np.isfinite(lat))
    pieces = []
    edges = np.flatnonzero(np.diff(np.concatenate([[1], bad.view(np.int8), [1]])))
    for s, e in zip(edges[0::2], edges[1::2]):
        pieces.append((lon[s:e].copy(), lat[s:e].copy()))
    return pieces


def join_with_nans(pieces):
    """One (lon, lat) pair of arrays with NaN between the pieces (for one polyline
    drawn with breaks at non-finite points)."""
    if not pieces:
        return np.empty(0), np.empty(0)
    lons, lats = [], []
    for i, (lo, la) in enumerate(pieces):
        if i:
            lons.append([np.nan])
            lats.append([np.nan])
        lons.append(lo)
        lats.append(la)
    return np.concatenate(lons), np.concatenate(lats)


# --- the terminator ---------------------------------------------------------------------------

class Terminator(NamedTuple):
    """The day/night line for one sub-solar point (degrees).

    ``lon_deg``, ``lat_deg``: the great circle 90° from the sub-solar point, west to east
    from −180° to 180° (both ends included). ``night_lon_deg``, ``night_lat_deg``: a closed
    outline (first point repeated last) of the night side on the equirectangular map: the
    curve closed around the pole in darkness. ``night_pole``: +1 (north) or −1 (south).
    """

    lon_deg: np.ndarray
    lat_deg: np.ndarray
    night_lon_deg: np.ndarray
    night_lat_deg: np.ndarray
    night_pole: int


def _unit(lat_deg, lon_deg):
    la, lo = np.radians(lat_deg), np.radians(lon_deg)
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1)


def terminator(subsolar_lat_deg: float, subsolar_lon_deg: float, n: int = 361) -> Terminator:
    """The terminator for a sub-solar point, as a curve and as the night side's outline.

    The great circle is sampled at ``n`` points evenly spaced in arc (so the curve stays
    smooth where it runs steeply near an equinox), plus its exact points at ±180°.
    Outside an equinox it meets every meridian once, so sorted by longitude it runs west to
    east; the night polygon closes it along the top (north pole dark, sub-solar latitude
    < 0) or the bottom edge of the map.
    """
    if n < 8:
        raise ValueError("terminator needs n >= 8")
    phi = float(subsolar_lat_deg)
    if abs(phi) < _EQUINOX_EPS_DEG:
        phi = _EQUINOX_EPS_DEG if phi >= 0.0 else -_EQUINOX_EPS_DEG
    lam = float(subsolar_lon_deg)
    s = _unit(phi, lam)
    a = np.cross([0.0, 0.0, 1.0], s)
    a /= np.linalg.norm(a)
    b = np.cross(s, a)
    th = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    u = np.cos(th)[:, None] * a + np.sin(th)[:, None] * b
    lat = np.degrees(np.arcsin(np.clip(u[:, 2], -1.0, 1.0)))
    lon = np.degrees(np.arctan2(u[:, 1], u[:, 0]))
    # exact crossings of ±180°: cos φ cos φs cos(λ−λs) + sin φ sin φs = 0
    p, dl = np.radians(phi), np.radians(180.0 - lam)
    lat_edge = np.degrees(np.arctan(-np.cos(dl) * np.cos(p) / np.sin(p)))
    keep = np.abs(lon) < 180.0
    lon = np.concatenate([[-180.0], lon[keep], [180.0]])
    lat = np.concatenate([[lat_edge], lat[keep], [lat_edge]])
    order = np.argsort(lon, kind="stable")
    lon, lat = lon[order], lat[order]
    pole = 1 if phi < 0.0 else -1
    edge = 90.0 * pole
    night_lon = np.concatenate([lon, [180.0, -180.0, lon[0]]])
    night_lat = np.concatenate([lat, [edge, edge, lat[0]]])
    return Terminator(lon, lat, night_lon, night_lat, pole)


def angular_distance_deg(lat1_deg, lon1_deg, lat2_deg, lon2_deg):
    """Great-circle angle (degrees) between points on the sphere (vectorised)."""
    u1, u2 = _unit(lat1_deg, lon1_deg), _unit(lat2_deg, lon2_deg)
    c = np.sum(u1 * u2, axis=-1)
    s = np.linalg.norm(np.cross(u1, u2), axis=-1)
    return np.degrees(np.arctan2(s, c))


# --- the projection -------------------------------------------------------------------------

def equirect(lat_deg, lon_deg, width: float, height: float):
    """Pixel (x, y) on a ``width`` × ``height`` equirectangular map of the whole Earth.

    x = 0 at 180° W, ``width`` at 180° E; y = 0 at 90° N, ``height`` at 90° S (image rows
    grow downward). (0°, 0°) is the centre.
    """
    lat = np.asarray(lat_deg, dtype=float)
    lon = np.asarray(lon_deg, dtype=float)
    x = (lon + 180.0) / 360.0 * width
    y = (90.0 - lat) / 180.0 * height
    return x, y


__all__ = ["ground_track", "sub_points", "free_flight_mask", "is_docked", "split_at_dateline",
           "join_with_nans", "Terminator", "terminator", "angular_distance_deg", "equirect"]
