"""StarsItem in real frames (Xvfb + Mesa llvmpipe): Orion where the catalogue puts it,
tinted by colour, fixed at infinity, hidden behind the Earth.

Frames come from ``GLViewWidget.renderToArray`` (BGRA, top row first); star directions are
projected with the widget's own matrices (rotation only). Renders are saved under
/tmp/orbitviz-gl-stars-*.png.
"""

import math

import numpy as np
import pytest

W, H = 640, 360
BETELGEUSE, RIGEL = 27989, 24436


@pytest.fixture(scope="module")
def catalog():
    from orbitviz.core.stars import load_bright_stars

    return load_bright_stars()


@pytest.fixture
def view(qtbot):
    from _frames import bare_view

    return bare_view(qtbot, W, H)


def render(view, name):
    """An (H, W, 3) RGB frame, saved as a PNG under /tmp."""
    from _frames import render_rgb

    return render_rgb(view, W, H, f"/tmp/orbitviz-gl-stars-{name}.png")


def project_direction(view, d_world):
    """Pixel (x, y) of a direction at infinity (the view's rotation only)."""
    from orbitviz.render.tracks import qmatrix_to_numpy

    proj = qmatrix_to_numpy(view.projectionMatrix((0, 0, W, H), (0, 0, W, H)))
    rot = qmatrix_to_numpy(view.viewMatrix())[:3, :3]
    clip = proj @ np.r_[rot @ np.asarray(d_world, float), 0.0]
    assert clip[3] > 0, "direction is behind the camera"
    return (clip[0] / clip[3] * 0.5 + 0.5) * W, (0.5 - clip[1] / clip[3] * 0.5) * H


def peak(img, xy, r=2):
    x, y = int(round(xy[0])), int(round(xy[1]))
    assert r <= x < W - r and r <= y < H - r, f"{xy} is off the frame"
    block = img[y - r:y + r + 1, x - r:x + r + 1]
    k = np.unravel_index(np.argmax(block.sum(axis=2)), block.shape[:2])
    return block[k]


def look_towards(view, ra_deg, dec_deg, distance):
    # pyqtgraph's camera sits at azimuth/elevation from the centre and looks back at it.
    view.setCameraPosition(distance=distance, azimuth=ra_deg + 180.0, elevation=-dec_deg)


def test_betelgeuse_and_rigel_shine_where_they_project(view, catalog):
    from orbitviz.render.stars import StarsItem

    stars = StarsItem(catalog)
    view.addItem(stars)
    look_towards(view, 83.8, -1.2, 10.0)  # Orion's belt (Alnilam) at the centre
    img = render(view, "orion")
    b = peak(img, project_direction(view, catalog.unit_icrs[catalog.index_of(BETELGEUSE)]))
    r = peak(img, project_direction(view, catalog.unit_icrs[catalog.index_of(RIGEL)]))
    assert b.max() > 150 and r.max() > 150, (b, r)
    # Tints from B-V: Betelgeuse (1.50) red-orange, Rigel (-0.03) blue-white.
    assert b[0] > b[2] + 30, b
    assert r[2] >= r[0], r
    # The sky between stars stays black: most pixels are dark.
    assert np.median(img.sum(axis=2)) < 5
    # Betelgeuse is upper left of Rigel, as seen from Earth with north up.
    xb, yb = project_direction(view, catalog.unit_icrs[catalog.index_of(BETELGEUSE)])
    xr, yr = project_direction(view, catalog.unit_icrs[catalog.index_of(RIGEL)])
    assert xb < xr and yb < yr


def test_stars_stay_put_when_the_camera_moves_away_and_follow_the_rotation(view, catalog):
    from orbitviz.render.stars import StarsItem

    stars = StarsItem(catalog)
    view.addItem(stars)
    look_towards(view, 83.8, -1.2, 10.0)
    d = catalog.unit_icrs[catalog.index_of(BETELGEUSE)]
    near = peak(render(view, "near"), project_direction(view, d))
    look_towards(view, 83.8, -1.2, 4.0e5)  # translation of the view must not matter
    far = peak(render(view, "far"), project_direction(view, d))
    assert np.allclose(near, far, atol=2)
    # Rotate the sky by 5° about z: Betelgeuse moves to where the rotation takes it.
    c, s = math.cos(math.radians(5.0)), math.sin(math.radians(5.0))
    rot = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    stars.set_rotation(rot)
    img = render(view, "rotated")
    assert peak(img, project_direction(view, rot @ d)).max() > 150


def test_the_earth_hides_the_stars_behind_it(view, catalog):
    from orbitviz.render.earth import EarthItem
    from orbitviz.render.stars import StarsItem

    stars = StarsItem(catalog)
    earth = EarthItem()
    view.addItem(earth)  # added before the stars: the depth test must still hide them
    view.addItem(stars)
    earth.set_sun_direction([0.0, 0.0, -1.0])
    look_towards(view, 83.8, -1.2, 9000.0)  # the Earth fills the middle of the frame
    img = render(view, "behind-earth")
    d = catalog.unit_icrs[catalog.index_of(26311)]  # Alnilam, at the centre
    with_earth = peak(img, project_direction(view, d))
    view.removeItem(earth)
    alone = peak(render(view, "no-earth"), project_direction(view, d))
    assert alone.max() > 120
    assert with_earth.max() < 60, with_earth  # the night side, no star on top
