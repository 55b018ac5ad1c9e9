"""Camera presets, framing and picking as pure functions (no GL): the bases against
independent constructions, picking against hand-placed geometry."""

import numpy as np
import pytest

from orbitviz.core.geodesy import geodetic_to_itrs
from orbitviz.render.camera import (PRESETS, camera_frame, enu_basis, lvlh_view_basis,
                                    preset_camera, preset_for)
from orbitviz.render.picking import hidden_by_sphere, nearest_within


class _Viewer:
    """The two questions preset_for asks of a viewer model."""

    def __init__(self, names):
        self.names = names

    def kind(self, oid):
        return "user" if oid in self.names else None

    def name(self, oid):
        return self.names[oid]


def test_presets_by_name_and_follow_any_known_object():
    assert preset_for("earth") is PRESETS["earth"]
    viewer = _Viewer({"sat-1": "SAT 1"})
    p = preset_for("follow:sat-1", viewer)
    assert (p.target, p.basis, p.label) == ("sat-1", "lvlh", "Follow SAT 1")
    assert preset_for("follow:nobody", viewer) is None and preset_for("zoom") is None


def test_enu_basis_at_the_pad_is_east_north_up():
    lat, lon = 45.996034, 63.564003
    e, n, u = enu_basis(lat, lon)
    # up: the spherical radial direction; north: toward the pole along the meridian
    r = geodetic_to_itrs(lat, 0.0, 0.0)
    assert np.degrees(np.arcsin(u[2])) == pytest.approx(lat, abs=1e-9)
    assert np.degrees(np.arctan2(u[1], u[0])) == pytest.approx(lon, abs=1e-9)
    assert e[2] == pytest.approx(0.0) and n[2] > 0 and np.linalg.norm(r) > 0
    assert np.allclose(np.cross(e, n), u)


def test_lvlh_view_basis_has_z_up_and_x_along_track():
    r = np.array([7000.0, 0.0, 0.0])
    v = np.array([0.0, 7.5, 0.0])
    x, y, z = lvlh_view_basis(r, v)
    assert np.allclose(x, [0, 1, 0]) and np.allclose(z, [1, 0, 0])  # z radially out
    assert np.allclose(y, [0, 0, 1])  # the orbit normal (r × v)


def test_camera_frame_targets_and_pan():
    g2w, i2w = np.eye(3), np.eye(3)
    target = (np.array([7000.0, 0, 0]), np.array([0, 7.5, 0]),
              np.array([7000.0, 0, 0]), np.array([0, 7.5, 0]))
    origin, basis = camera_frame(PRESETS["rendezvous"], g2w, i2w, target)
    assert np.allclose(origin, target[0]) and np.allclose(basis @ [1, 0, 0], [0, 0, 1])
    # the pan (scene km) moves the origin along the scene's axes in world terms
    origin2, _ = camera_frame(PRESETS["rendezvous"], g2w, i2w, target,
                              pan_scene_km=(0.0, 0.0, 2.0))
    assert np.allclose(origin2 - origin, 2.0 * basis[2])
    pad = geodetic_to_itrs(45.996034, 63.564003, 0.09)
    origin3, b3 = camera_frame(PRESETS["baikonur"], g2w, i2w, None, pad, (45.996034, 63.564003))
    assert np.allclose(origin3, pad) and np.allclose(b3, enu_basis(45.996034, 63.564003))
    origin4, b4 = camera_frame(PRESETS["earth"], g2w, i2w, None)
    assert np.allclose(origin4, 0) and np.allclose(b4, np.eye(3))


def test_whole_earth_faces_the_pads_meridian():
    d, el, az = preset_camera(PRESETS["earth"], pad_dir_world=np.array([0.0, -1.0, 0.3]))
    assert el == 22.0 and az == pytest.approx(-90.0) and d > 26000.0
    assert preset_camera(PRESETS["baikonur"])[2] == 215.0


def test_a_point_behind_the_earth_is_hidden_and_one_in_front_is_not():
    eye = np.array([0.0, 0.0, 20000.0])
    pts = np.array([[0.0, 0.0, 7000.0],      # between the eye and the Earth: seen
                    [0.0, 0.0, -7000.0],     # straight behind the Earth: hidden
                    [9000.0, 0.0, -1000.0]])  # off to the side, past the limb: seen
    assert list(hidden_by_sphere(eye, pts, np.zeros(3), 6371.0)) == [False, True, False]


def test_nearest_within_the_radius():
    px = np.array([[10.0, 10.0], [100.0, 100.0], [np.nan, np.nan], [103.0, 98.0]])
    assert nearest_within(px, 101.0, 99.0, 12.0) == 1
    assert nearest_within(px, 102.5, 98.0, 12.0) == 3
    assert nearest_within(px, 300.0, 300.0, 12.0) is None
    assert nearest_within(np.zeros((0, 2)), 0.0, 0.0, 12.0) is None


@pytest.mark.parametrize("aspect", [16 / 9, 4 / 3, 1.0, 9 / 16])
@pytest.mark.parametrize("hfov", [45.0, 30.0])
def test_whole_earth_fits_the_frame_at_every_aspect(aspect, hfov):
    """The disc of the Earth with its atmosphere (R + 100 km) seen from the fitted distance
    subtends less than the narrower field of view, with room to spare, and not much less
    (the Earth still fills the frame)."""
    d, _, _ = preset_camera(PRESETS["earth"], hfov_deg=hfov, aspect=aspect)
    h = np.radians(hfov)
    v = 2 * np.arctan(np.tan(h / 2) / aspect)
    disc = np.arcsin((6378.137 + 100.0) / d)  # angular radius of the limb seen from d
    narrow = 0.5 * min(h, v)
    assert disc < narrow * 0.97
    assert disc > narrow * 0.85
