"""The shipped bright-star catalogue against independent published positions.

Reference positions: the Yale Bright Star Catalogue, 5th revised edition (Hoffleit &
Warren 1991, CDS V/50), J2000.0 equatorial coordinates, printed there to 0.1 s of RA and
1" of declination (rounding: at most 0.75" and 0.5"). The BSC is built on FK5-era
astrometry, independent of the Hipparcos new reduction the asset comes from.
"""

import math

import numpy as np
import pytest

from orbitviz.core.stars import load_bright_stars, radec_to_unit

# name: (HIP, HR, RA h, m, s, Dec sign, d, m, s), BSC5 J2000.0
BSC5_J2000 = {
    "Betelgeuse (alpha Ori)": (27989, 2061, (5, 55, 10.3), (+1, 7, 24, 25)),
    "Rigel (beta Ori)": (24436, 1713, (5, 14, 32.3), (-1, 8, 12, 6)),
    "Alnitak (zeta Ori)": (26727, 1948, (5, 40, 45.5), (-1, 1, 56, 34)),
    "Alnilam (epsilon Ori)": (26311, 1903, (5, 36, 12.8), (-1, 1, 12, 7)),
    "Mintaka (delta Ori)": (25930, 1852, (5, 32, 0.4), (-1, 0, 17, 57)),
}

TOL_DEG = 0.01  # 36"


def _ref_unit(ra_hms, dec_sdms):
    h, m, s = ra_hms
    sign, d, dm, ds = dec_sdms
    ra_deg = 15.0 * (h + m / 60.0 + s / 3600.0)
    dec_deg = sign * (d + dm / 60.0 + ds / 3600.0)
    return radec_to_unit(ra_deg, dec_deg)


def _sep_deg(u, v):
    return math.degrees(math.atan2(np.linalg.norm(np.cross(u, v)), float(np.dot(u, v))))


@pytest.fixture(scope="module")
def cat():
    return load_bright_stars()


@pytest.mark.parametrize("name", list(BSC5_J2000))
def test_orion_directions_match_the_bright_star_catalogue(cat, name):
    hip, _hr, ra, dec = BSC5_J2000[name]
    u = cat.unit_icrs[cat.index_of(hip)]
    sep = _sep_deg(u, _ref_unit(ra, dec))
    assert sep < TOL_DEG, f"{name}: {sep * 3600:.1f}\" from the BSC5 position"


def test_unit_vectors_are_unit_and_right_handed(cat):
    assert cat.unit_icrs.shape == (len(cat), 3)
    assert np.allclose(np.linalg.norm(cat.unit_icrs, axis=1), 1.0, atol=1e-12)
    # Polaris (HIP 11767, BSC5 HR 424: 02h31m48.7s +89°15'51") is within 1° of +z.
    pol = cat.unit_icrs[cat.index_of(11767)]
    assert _sep_deg(pol, np.array([0.0, 0.0, 1.0])) == pytest.approx(0.7358, abs=0.01)


def test_orions_belt_is_nearly_a_straight_line(cat):
    # Alnitak, Alnilam, Mintaka: the middle star lies within 0.1° of the great circle
    # through the outer two (it is about 0.03° off), and between them.
    z, e, d = (cat.unit_icrs[cat.index_of(h)] for h in (26727, 26311, 25930))
    pole = np.cross(z, d)
    pole /= np.linalg.norm(pole)
    off_deg = math.degrees(math.asin(abs(float(np.dot(e, pole)))))
    assert off_deg < 0.1
    span = _sep_deg(z, d)
    assert 2.5 < span < 3.0  # the belt is about 2.7° long
    assert _sep_deg(z, e) < span and _sep_deg(e, d) < span


def test_magnitudes_and_colours_are_plausible(cat):
    # Sirius (HIP 32349) is the brightest star, Hp about -1.09; every star kept is
    # brighter than Hp 6.5; colours cover hot blue (B-V < 0) to cool red (> 1.5) stars.
    assert cat.hip[np.argmin(cat.mag)] == 32349
    assert cat.mag.min() == pytest.approx(-1.09, abs=0.05)
    assert cat.mag.max() < 6.5
    assert cat.b_v[cat.index_of(27989)] > 1.4  # Betelgeuse, red supergiant (BSC5: 1.85)
    assert cat.b_v[cat.index_of(24436)] < 0.05  # Rigel, blue supergiant (BSC5: -0.03)
    assert -0.5 < cat.b_v.min() < 0.0 and 1.8 < cat.b_v.max() < 4.0
    # Stars are more numerous at fainter magnitudes: about 3x per magnitude.
    n5, n6 = np.sum(cat.mag < 5.5), np.sum(cat.mag < 6.5)
    assert 2.0 < n6 / n5 < 4.0


def test_count_is_the_naked_eye_sky(cat):
    # 7,982 stars with Hp < 6.5 (Hp runs a little fainter than Johnson V for most stars,
    # so the BSC's ~9,100 stars to V 6.5 become ~8,000 here).
    assert 7500 < len(cat) < 9500
    assert len(np.unique(cat.hip)) == len(cat)
