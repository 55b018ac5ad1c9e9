"""The Sun from JPL DE421, shipped inside the installed ``skyfield-data`` package.

DE421 is loaded by path (``importlib.resources``) with skyfield's ``load_file``: nothing is
downloaded. :class:`SunTrack` evaluates the Sun's apparent GCRS position (light time,
aberration, deflection, as skyfield's ``observe().apparent()``) at 10-minute nodes once and
interpolates: the Sun moves 0.007° in 10 minutes, so linear interpolation of the unit
vector errs by under 1e-8 rad.
"""

from __future__ import annotations

import importlib.resources
from functools import lru_cache

import numpy as np
from skyfield.api import load_file

from orbitviz.core.frames import EarthOrientation
from orbitviz.core.timeaxis import TimeAxis

_NODE_STEP_S = 600.0


class EphemerisMissing(FileNotFoundError):
    """DE421 is not where the skyfield-data package should have put it."""


def de421_path():
    """Path of ``de421.bsp`` inside the installed skyfield-data package."""
    path = importlib.resources.files("skyfield_data") / "data" / "de421.bsp"
    if not path.is_file():
        raise EphemerisMissing(f"JPL DE421 not found at {path}: reinstall skyfield-data")
    return path


@lru_cache(maxsize=1)
def ephemeris():
    """The DE421 kernel, loaded once."""
    return load_file(str(de421_path()))


class SunTrack:
    """Apparent Sun direction and distance over ``[met_start_s, met_end_s]``."""

    def __init__(self, axis: TimeAxis, eo: EarthOrientation, met_start_s: float,
                 met_end_s: float):
        eph = ephemeris()
        earth, sun = eph["earth"], eph["sun"]
        n = max(2, int(np.ceil((met_end_s - met_start_s) / _NODE_STEP_S)) + 1)
        self._nodes = np.linspace(met_start_s, met_start_s + (n - 1) * _NODE_STEP_S, n)
        pos = earth.at(axis.time(self._nodes)).observe(sun).apparent().position.km
        self._r_gcrs_km = pos.T.copy()  # (n,3)
        self.eo = eo

    def position_gcrs_km(self, met_s):
        """Apparent geocentric GCRS position of the Sun (…,3), km."""
        met = np.asarray(met_s, dtype=float)
        out = np.stack([np.interp(met, self._nodes, self._r_gcrs_km[:, k]) for k in range(3)],
                       axis=-1)
        return out

    def direction_gcrs(self, met_s):
        """Unit vector (…,3) toward the apparent Sun, GCRS."""
        p = self.position_gcrs_km(met_s)
        return p / np.linalg.norm(p, axis=-1, keepdims=True)

    def subsolar_point(self, met_s):
        """(lat_deg, lon_deg) where the Sun stands at the zenith (geodetic, WGS 84).

        The ellipsoid normal at geodetic latitude φ, longitude λ is (cosφcosλ, cosφsinλ,
        sinφ) in ITRS, so the point under a distant Sun has φ = asin(u_z), λ = atan2(u_y,
        u_x) for the Earth-fixed unit vector u toward it (parallax, 0.002°, neglected).
        """
        u = self.eo.gcrs_to_itrs_position(self.direction_gcrs(met_s), met_s)
        lat = np.degrees(np.arcsin(np.clip(u[..., 2], -1.0, 1.0)))
        lon = np.degrees(np.arctan2(u[..., 1], u[..., 0]))
        return lat, lon
