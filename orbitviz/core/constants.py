"""Physical constants used by the mission model.

Units are in the names: kilometres, seconds, radians. Sources beside each value.
"""

#: Earth's gravitational parameter, km^3/s^2 (WGS 84 / EGM96, as used by SGP4's WGS72 is
#: 398600.8; the integrators here use the modern value).
MU_EARTH_KM3_S2 = 398600.4418

#: WGS 84 equatorial radius, km.
R_EARTH_EQ_KM = 6378.137

#: WGS 84 flattening.
WGS84_F = 1.0 / 298.257223563

#: Second zonal harmonic J2 (EGM96, unnormalised).
J2_EARTH = 1.08262668e-3

#: Earth's mean angular velocity, rad/s (IERS, WGS 84).
OMEGA_EARTH_RAD_S = 7.292115e-5

#: Standard gravity, m/s^2 (for specific impulse).
G0_M_S2 = 9.80665

#: Seconds in a day.
DAY_S = 86400.0
