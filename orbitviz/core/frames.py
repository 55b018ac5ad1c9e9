"""Earth orientation over a mission window: GCRS ⇄ ITRS and TEME → GCRS, vectorised.

skyfield builds ITRS as ``Rz(−GAST)·M`` and TEME as ``Rz(θ_GMST82 − GAST)·M``, where ``M``
(precession–nutation) and the equation of the equinoxes need the IAU 2000A nutation series,
about 40 µs a sample. Both change by less than 1e-10 rad in an hour, so
:class:`EarthOrientation` evaluates them with skyfield at hourly nodes once and interpolates
them linearly; the fast angles (GMST from the Earth rotation angle, and GMST 1982 for TEME)
are computed exactly for every sample. A test checks the result against skyfield itself.
Polar motion is not applied (skyfield's built-in timescale has none either).
"""

from __future__ import annotations

import numpy as np
from skyfield.earthlib import earth_rotation_angle
from skyfield.sgp4lib import theta_GMST1982

from orbitviz.core.constants import DAY_S, OMEGA_EARTH_RAD_S
from orbitviz.core.timeaxis import TimeAxis

_TAU = 2.0 * np.pi
_NODE_STEP_S = 3600.0


def _rot_z(angle):
    """Stack of rotation matrices (…,3,3) for frame rotation by ``angle`` about z."""
    c, s = np.cos(angle), np.sin(angle)
    out = np.zeros(np.shape(angle) + (3, 3))
    out[..., 0, 0] = c
    out[..., 0, 1] = s
    out[..., 1, 0] = -s
    out[..., 1, 1] = c
    out[..., 2, 2] = 1.0
    return out


class EarthOrientation:
    """Earth orientation between ``met_start_s`` and ``met_end_s`` (TT seconds from lift-off).

    Outside that span the slow terms are held at the nearest node (still good to about
    1e-7 rad a day away), so callers may evaluate a little outside.
    """

    def __init__(self, axis: TimeAxis, met_start_s: float, met_end_s: float):
        self.axis = axis
        n = max(2, int(np.ceil((met_end_s - met_start_s) / _NODE_STEP_S)) + 1)
        self._nodes = np.linspace(met_start_s, met_start_s + (n - 1) * _NODE_STEP_S, n)
        t = axis.time(self._nodes)
        gast = t.gast * (_TAU / 24.0)
        gmst = t.gmst * (_TAU / 24.0)
        theta82, _ = theta_GMST1982(t.whole, t.ut1_fraction)
        # slow angles, unwrapped to (-pi, pi]
        self._eqeq = np.angle(np.exp(1j * (gast - gmst)))
        self._teme_minus_gast = np.angle(np.exp(1j * (theta82 - gast)))
        self._m = np.moveaxis(t.M, -1, 0)  # (n,3,3) GCRS -> true equator/equinox of date

    # -- slow terms ------------------------------------------------------------------
    def _interp(self, values, met):
        met = np.asarray(met, dtype=float)
        flat = values.reshape(len(self._nodes), -1)
        out = np.empty((met.size, flat.shape[1]))
        x = met.reshape(-1)
        for k in range(flat.shape[1]):
            out[:, k] = np.interp(x, self._nodes, flat[:, k])
        return out.reshape(met.shape + values.shape[1:])

    def precession_nutation(self, met_s):
        """``M``: GCRS → true equator and equinox of date, (…,3,3)."""
        return self._interp(self._m, met_s)

    # -- fast angles -----------------------------------------------------------------
    def gmst_rad(self, met_s):
        """Greenwich mean sidereal time (IAU 2006, as skyfield), radians in [0, 2π)."""
        t = self.axis.time(met_s)
        theta = earth_rotation_angle(t.whole, t.ut1_fraction)
        tc = (t.whole - 2451545.0 + t.tdb_fraction) / 36525.0
        st = 0.014506 + ((((-0.0000000368 * tc - 0.000029956) * tc - 0.00000044) * tc
                          + 1.3915817) * tc + 4612.156534) * tc
        return ((st / 54000.0 + theta * 24.0) % 24.0) * (_TAU / 24.0)

    def gast_rad(self, met_s):
        """Greenwich apparent sidereal time, radians."""
        return self.gmst_rad(met_s) + np.interp(met_s, self._nodes, self._eqeq)

    # -- rotations -------------------------------------------------------------------
    def gcrs_to_itrs(self, met_s):
        """Rotation matrices (…,3,3) taking GCRS vectors to ITRS (Earth-fixed)."""
        return _rot_z(self.gast_rad(met_s)) @ self.precession_nutation(met_s)

    def teme_to_gcrs(self, met_s):
        """Rotation matrices (…,3,3) taking SGP4's TEME vectors to GCRS."""
        met_s = np.asarray(met_s, dtype=float)
        # GCRS -> TEME is a frame rotation by (gast - theta82) about z after M; that angle
        # is small and slow, so it is interpolated like M.
        gast_minus_theta82 = -np.interp(met_s, self._nodes, self._teme_minus_gast)
        r = _rot_z(gast_minus_theta82) @ self.precession_nutation(met_s)
        return np.swapaxes(r, -1, -2)

    def itrs_to_gcrs_position(self, r_itrs_km, met_s):
        """GCRS positions (…,3) of Earth-fixed positions ``r_itrs_km`` at ``met_s``."""
        rot = self.gcrs_to_itrs(met_s)
        return np.einsum("...ji,...j->...i", rot, np.broadcast_to(r_itrs_km, rot.shape[:-1]))

    def gcrs_to_itrs_position(self, r_gcrs_km, met_s):
        """ITRS positions (…,3) of GCRS positions at ``met_s``."""
        rot = self.gcrs_to_itrs(met_s)
        return np.einsum("...ij,...j->...i", rot, r_gcrs_km)

    def omega_gcrs(self, met_s: float = 0.0):
        """Earth's angular-velocity vector in GCRS, rad/s (the CIP axis times Ω)."""
        return self.pole_gcrs(met_s) * OMEGA_EARTH_RAD_S

    def pole_gcrs(self, met_s: float = 0.0):
        """Unit vector of Earth's rotation axis (the ITRS z axis) in GCRS."""
        m = self.precession_nutation(float(met_s))
        return m[2, :].copy()


__all__ = ["EarthOrientation", "DAY_S"]
