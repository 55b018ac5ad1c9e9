"""The one LVLH frame, against a construction from orbital elements (independent)."""

import numpy as np
import pytest

from orbitviz.core.vectors import lvlh_axes, lvlh_matrix, unit

MU = 398600.4418  # km^3/s^2


def _rot1(a):
    c, s = np.cos(a), np.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def _rot3(a):
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


@pytest.mark.parametrize("raan, inc, u", [(0.3, np.radians(51.64), 1.1),
                                         (4.0, np.radians(97.0), -2.5),
                                         (1.0, 0.2, 0.0)])
def test_lvlh_of_a_circular_orbit_from_its_elements(raan, inc, u):
    """For a circular orbit the perifocal-to-inertial rotation R3(Ω) R1(i) R3(u) carries
    (1,0,0) to the radial direction, (0,1,0) to the along-track direction and (0,0,1) to
    the orbit normal; so LVLH x = along-track, y = −normal, z = −radial."""
    rot = _rot3(raan) @ _rot1(inc) @ _rot3(u)
    radial, along, normal = rot[:, 0], rot[:, 1], rot[:, 2]
    a = 6790.0
    r = a * radial
    v = np.sqrt(MU / a) * along
    x, y, z = lvlh_axes(r, v)
    assert np.allclose(x, along, atol=1e-12)
    assert np.allclose(y, -normal, atol=1e-12)
    assert np.allclose(z, -radial, atol=1e-12)
    m = lvlh_matrix(r, v)
    assert np.allclose(m @ m.T, np.eye(3), atol=1e-12) and np.linalg.det(m) == \
        pytest.approx(1.0)


def test_eccentric_orbit_x_is_the_horizontal_part_of_the_velocity():
    r = np.array([7000.0, 0.0, 0.0])
    v = np.array([0.5, 7.5, 0.1])  # climbing: a radial part the frame must not take
    x, _, z = lvlh_axes(r, v)
    horizontal = unit(v - (v @ unit(r)) * unit(r))
    assert np.allclose(x, horizontal) and np.allclose(z, [-1.0, 0.0, 0.0])


def test_vectorised_shapes():
    r = np.tile([7000.0, 0.0, 0.0], (5, 1))
    v = np.tile([0.0, 7.5, 0.0], (5, 1))
    x, y, z = lvlh_axes(r, v)
    assert x.shape == (5, 3) and lvlh_matrix(r, v).shape == (5, 3, 3)
    assert np.allclose(y, [0.0, 0.0, -1.0])
