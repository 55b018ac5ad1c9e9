"""U.S. Standard Atmosphere 1976: temperature, pressure, density, speed of sound.

Below 86 km the standard's seven geopotential layers (NOAA-S/T 76-1562, Table 4); above,
log-linear interpolation of the standard's tabulated density and pressure (its Table I),
to 1000 km. Scalar functions (pure ``math``) for use inside integrators.
"""

from __future__ import annotations

import bisect
import math

_R_AIR = 287.05287  # J/(kg K), specific gas constant of air (1976 standard)
_G0 = 9.80665
_R0_M = 6356766.0  # effective Earth radius for geopotential altitude, m
_GAMMA = 1.4

# (base geopotential altitude m, base temperature K, lapse rate K/m, base pressure Pa)
_LAYERS = [
    (0.0, 288.15, -0.0065, 101325.0),
    (11000.0, 216.65, 0.0, 22632.06),
    (20000.0, 216.65, 0.001, 5474.889),
    (32000.0, 228.65, 0.0028, 868.0187),
    (47000.0, 270.65, 0.0, 110.9063),
    (51000.0, 270.65, -0.0028, 66.93887),
    (71000.0, 214.65, -0.002, 3.956420),
]
_H_TOP_M = 84852.0  # geopotential top of the layered model (86 km geometric)

# geometric altitude km, density kg/m^3, pressure Pa, temperature K (1976 standard, Table I)
_UPPER = [
    (86.0, 6.958e-6, 3.7338e-1, 186.87),
    (90.0, 3.416e-6, 1.8359e-1, 186.87),
    (100.0, 5.604e-7, 3.2011e-2, 195.08),
    (110.0, 9.708e-8, 7.1042e-3, 240.0),
    (120.0, 2.222e-8, 2.5382e-3, 360.0),
    (130.0, 8.152e-9, 1.2505e-3, 469.27),
    (140.0, 3.831e-9, 7.2028e-4, 559.63),
    (150.0, 2.076e-9, 4.5422e-4, 634.39),
    (160.0, 1.233e-9, 3.0395e-4, 696.29),
    (180.0, 5.194e-10, 1.5271e-4, 787.55),
    (200.0, 2.541e-10, 8.4736e-5, 854.56),
    (250.0, 6.073e-11, 2.4767e-5, 941.33),
    (300.0, 1.916e-11, 8.7704e-6, 976.01),
    (350.0, 7.014e-12, 3.4498e-6, 990.06),
    (400.0, 2.803e-12, 1.4518e-6, 995.83),
    (450.0, 1.184e-12, 6.4468e-7, 998.22),
    (500.0, 5.215e-13, 3.0236e-7, 999.24),
    (600.0, 1.137e-13, 8.2130e-8, 999.85),
    (700.0, 3.070e-14, 3.1908e-8, 999.97),
    (800.0, 1.136e-14, 1.7036e-8, 999.99),
    (900.0, 5.759e-15, 1.0873e-8, 1000.0),
    (1000.0, 3.561e-15, 7.5138e-9, 1000.0),
]
_UPPER_ALT = [row[0] for row in _UPPER]
_UPPER_LNRHO = [math.log(row[1]) for row in _UPPER]
_UPPER_LNP = [math.log(row[2]) for row in _UPPER]


def _layered(alt_m: float):
    h = _R0_M * alt_m / (_R0_M + alt_m)  # geopotential altitude
    h = max(h, 0.0)
    for base_h, base_t, lapse, base_p in reversed(_LAYERS):
        if h >= base_h:
            break
    dh = h - base_h
    t = base_t + lapse * dh
    if lapse == 0.0:
        p = base_p * math.exp(-_G0 * dh / (_R_AIR * base_t))
    else:
        p = base_p * (t / base_t) ** (-_G0 / (_R_AIR * lapse))
    return t, p


def properties(alt_km: float):
    """(temperature K, pressure Pa, density kg/m³, speed of sound m/s) at geometric
    altitude ``alt_km`` above sea level. Below 0 km the sea-level values are returned;
    above 1000 km, zero pressure and density."""
    if alt_km < 86.0:
        t, p = _layered(max(alt_km, 0.0) * 1000.0)
        rho = p / (_R_AIR * t)
        return t, p, rho, math.sqrt(_GAMMA * _R_AIR * t)
    if alt_km > 1000.0:
        return 1000.0, 0.0, 0.0, math.sqrt(_GAMMA * _R_AIR * 186.87)
    i = min(bisect.bisect_right(_UPPER_ALT, alt_km) - 1, len(_UPPER) - 2)
    f = (alt_km - _UPPER_ALT[i]) / (_UPPER_ALT[i + 1] - _UPPER_ALT[i])
    rho = math.exp(_UPPER_LNRHO[i] + f * (_UPPER_LNRHO[i + 1] - _UPPER_LNRHO[i]))
    p = math.exp(_UPPER_LNP[i] + f * (_UPPER_LNP[i + 1] - _UPPER_LNP[i]))
    t = _UPPER[i][3] + f * (_UPPER[i + 1][3] - _UPPER[i][3])
    # above the homopause the sound speed of the 86 km gas is used (drag is tiny there)
    return t, p, rho, math.sqrt(_GAMMA * _R_AIR * 186.87)


def density(alt_km: float) -> float:
    """Density in kg/m³ at geometric altitude ``alt_km``."""
    return properties(alt_km)[2]


def pressure(alt_km: float) -> float:
    """Pressure in Pa at geometric altitude ``alt_km``."""
    return properties(alt_km)[1]
