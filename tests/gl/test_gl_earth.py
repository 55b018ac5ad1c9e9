"""EarthItem: the texture lines up with geography, and real frames (Xvfb + Mesa llvmpipe)
show a lit day side, a dark night side, the atmosphere rim, and land where Baikonur is.

Frames are rendered with ``GLViewWidget.renderToArray`` (BGRA, top row first); world points
are projected to pixels with the widget's own view and projection matrices. Renders are
saved under /tmp/orbitviz-gl-earth-*.png for a look.
"""

import math

import numpy as np
import pytest

from orbitviz.core.constants import R_EARTH_EQ_KM
from orbitviz.core.geodesy import geodetic_to_itrs

W, H = 640, 360

BAIKONUR = (45.996034, 63.564003)  # Site 31/6, Launch Library 2 pad record 20
LAND = {  # (lat, lon) degrees
    "Baikonur Site 31": BAIKONUR,
    "Cape Town": (-33.925, 18.424),
    "Sydney": (-33.8688, 151.2093),
    "Alice Springs": (-23.698, 133.881),
}
OCEAN = {
    "central Pacific": (0.0, -150.0),
    "North Atlantic": (30.0, -40.0),
    "Indian Ocean": (-20.0, 80.0),
}


def is_ocean_rgb(rgb) -> bool:
    """Blue Marble's ocean colours: blue well above red and green (deep ocean ~(6,14,37))."""
    r, g, b = (float(c) for c in rgb)
    return b > 1.6 * r and b > g + 12.0


def _rz(deg):
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


# --- texture coordinates (no rendering) ------------------------------------------------


def test_texture_coordinates_put_cities_on_land_and_open_sea_on_water():
    from orbitviz.render.earth import geodetic_to_uv, load_texture_array

    day = load_texture_array("day")
    h, w, _ = day.shape
    assert (w, h) == (5400, 2700)

    def texel(lat, lon):
        u, v = geodetic_to_uv(lat, lon)
        return day[min(int(v * h), h - 1), min(int(u * w), w - 1)]

    for name, (lat, lon) in LAND.items():
        assert not is_ocean_rgb(texel(lat, lon)), f"{name}: {texel(lat, lon)}"
    for name, (lat, lon) in OCEAN.items():
        assert is_ocean_rgb(texel(lat, lon)), f"{name}: {texel(lat, lon)}"


def test_mesh_vertices_sit_on_the_wgs84_ellipsoid_with_matching_uv():
    from orbitviz.render.earth import ellipsoid_mesh, geodetic_to_uv

    pos, nrm, uv, idx = ellipsoid_mesh(128, 256)
    assert pos.shape == ((129) * (257), 3) and idx.max() < len(pos)
    # The vertex nearest Baikonur's texture coordinate lies within half a grid cell
    # (0.7° ~ 80 km) of Baikonur's ITRS position.
    u, v = geodetic_to_uv(*BAIKONUR)
    k = int(np.argmin(np.hypot(uv[:, 0] - u, uv[:, 1] - v)))
    r_pad = geodetic_to_itrs(BAIKONUR[0], BAIKONUR[1], 0.0)
    assert np.linalg.norm(pos[k] - r_pad) < 80.0
    # Equator radius a, polar radius b (WGS 84), normals unit length.
    assert np.max(np.linalg.norm(pos, axis=1)) == pytest.approx(R_EARTH_EQ_KM, abs=1e-3)
    assert np.min(np.linalg.norm(pos, axis=1)) == pytest.approx(6356.752, abs=1e-3)
    assert np.allclose(np.linalg.norm(nrm, axis=1), 1.0, atol=1e-6)


# --- real frames -------------------------------------------------------------------------


@pytest.fixture
def view(qtbot):
    from _frames import bare_view

    return bare_view(qtbot, W, H)


@pytest.fixture
def earth(view):
    from orbitviz.render.earth import EarthItem

    item = EarthItem()
    view.addItem(item)
    return item


def render(view, name):
    """An (H, W, 3) RGB frame, saved as a PNG under /tmp."""
    from _frames import render_rgb

    return render_rgb(view, W, H, f"/tmp/orbitviz-gl-earth-{name}.png")


def project(view, p_world):
    """Pixel (x, y) of a world point in a W×H renderToArray frame."""
    from _frames import project as project_px

    return project_px(view, p_world, W, H)


def patch(img, xy, r=2):
    x, y = int(round(xy[0])), int(round(xy[1]))
    assert r <= x < W - r and r <= y < H - r, f"{xy} is off the frame"
    return img[y - r:y + r + 1, x - r:x + r + 1].reshape(-1, 3).mean(axis=0)


def look_from(view, direction, distance_km):
    d = np.asarray(direction, float) / np.linalg.norm(direction)
    view.setCameraPosition(distance=distance_km, azimuth=math.degrees(math.atan2(d[1], d[0])),
                           elevation=math.degrees(math.asin(d[2])))


def test_earth_at_the_centre_is_not_black(view, earth):
    earth.set_sun_direction([1.0, 0.0, 0.0])
    look_from(view, [1.0, 0.3, 0.2], 26000.0)
    img = render(view, "centre")
    centre = img[H // 2 - 10:H // 2 + 10, W // 2 - 10:W // 2 + 10].mean(axis=(0, 1))
    assert centre.sum() > 120, centre
    assert img[:15, :15].max() < 10  # space stays black


def test_day_side_is_much_brighter_than_the_night_side(view, earth):
    # Sun along +x of the world; the camera looks from +y, so the terminator runs down the
    # middle of the disc: +x half lit, −x half in the night.
    earth.set_sun_direction([1.0, 0.0, 0.0])
    look_from(view, [0.0, 1.0, 0.0], 26000.0)
    img = render(view, "day-night")
    a = R_EARTH_EQ_KM
    s, c = math.sin(math.radians(45)), math.cos(math.radians(45))
    for z in (-0.3 * a, 0.0, 0.3 * a):
        day = patch(img, project(view, [a * s, a * c, z]), r=3).mean()
        night = patch(img, project(view, [-a * s, a * c, z]), r=3).mean()
        assert day > 40.0 and day > 5.0 * night, (z, day, night)


def test_atmosphere_rim_glows_on_the_lit_limb_only_when_enabled(view, earth):
    earth.set_sun_direction([1.0, 0.0, 0.0])
    dist = 16000.0  # about 27 km a pixel at the limb
    look_from(view, [0.0, 1.0, 0.0], dist)

    def above_lit_limb(h_km):
        # A point on the sight line that passes h_km above the equator's lit limb.
        alpha = math.asin((R_EARTH_EQ_KM + h_km) / dist)
        t = dist * math.cos(alpha)
        return np.array([0.0, dist, 0.0]) + t * np.array([math.sin(alpha), -math.cos(alpha), 0.0])

    limb = project(view, above_lit_limb(60.0))
    space = project(view, above_lit_limb(600.0))
    on = render(view, "atmosphere-on")
    glow = patch(on, limb, r=0)
    assert glow[2] > 25.0 and glow[2] > 1.5 * glow[0], glow  # blue glow
    assert patch(on, space, r=1).max() < 8.0
    earth.set_options(night_lights=True, atmosphere=False)
    off = render(view, "atmosphere-off")
    assert patch(off, limb, r=0).max() < 8.0


def test_baikonur_projects_onto_land_with_a_rotated_and_shifted_pose(view, earth):
    # Earth turned by 30° about z and moved off the scene origin: the model matrix must
    # carry Baikonur with it.
    rot = _rz(30.0)
    centre = np.array([800.0, -400.0, 300.0])
    earth.set_pose(rot, centre)
    r_pad_world = rot @ geodetic_to_itrs(*BAIKONUR, 0.0) + centre
    up = rot @ geodetic_to_itrs(*BAIKONUR, 0.0)
    earth.set_sun_direction(up)  # noon at the pad
    look_from(view, up, 20000.0)
    img = render(view, "baikonur")
    px = project(view, r_pad_world)
    rgb = patch(img, px, r=1)
    assert not is_ocean_rgb(rgb), rgb
    assert rgb[0] > 60.0  # lit steppe: ochre, not black

    # Control: the same camera on the central Pacific sees ocean blue (Sun 40° to the
    # side, away from the specular glint).
    p_pac = rot @ geodetic_to_itrs(*OCEAN["central Pacific"], 0.0)
    earth.set_sun_direction(_rz(40.0) @ p_pac)
    look_from(view, p_pac, 20000.0)
    img = render(view, "pacific")
    assert is_ocean_rgb(patch(img, project(view, p_pac + centre), r=1))
