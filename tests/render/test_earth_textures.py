"""The Earth's packed texture (day RGB + city lights as alpha), checked without GL."""

import numpy as np
import pytest

from orbitviz.render.earth import day_night_levels, halve, load_texture_array, upsample_bilinear


@pytest.fixture(scope="module")
def qt(qapp):
    return qapp


def _exact_bilinear(src, h, w):
    """Independent reference: GL_LINEAR sampling at texel centres, wrap in x, clamp in y."""
    h0, w0 = src.shape[:2]
    y = (np.arange(h) + 0.5) * h0 / h - 0.5
    x = (np.arange(w) + 0.5) * w0 / w - 0.5
    y0 = np.floor(y).astype(int)
    x0 = np.floor(x).astype(int)
    fy = (y - y0)[:, None, None]
    fx = (x - x0)[None, :, None]
    yc0, yc1 = np.clip(y0, 0, h0 - 1), np.clip(y0 + 1, 0, h0 - 1)
    xw0, xw1 = x0 % w0, (x0 + 1) % w0
    s = src.astype(float)
    top = s[yc0][:, xw0] * (1 - fx) + s[yc0][:, xw1] * fx
    bot = s[yc1][:, xw0] * (1 - fx) + s[yc1][:, xw1] * fx
    return top * (1 - fy) + bot * fy


def test_fast_doubling_matches_exact_bilinear():
    rng = np.random.default_rng(3)
    src = rng.integers(0, 256, (24, 40, 1), dtype=np.uint8)
    fast = upsample_bilinear(src, 48, 80).astype(float)
    assert np.abs(fast - _exact_bilinear(src, 48, 80)).max() <= 0.5 + 1e-9


def test_halve_averages_two_by_two_blocks():
    a = np.array([[[0], [4]], [[8], [12]]], dtype=np.uint8)
    assert halve(a)[0, 0, 0] == 6


def test_packed_levels_carry_the_day_map_and_the_lights(qt):
    day = load_texture_array("day")
    night = load_texture_array("night")
    lv0, lv1 = day_night_levels()[:2]
    assert lv0.shape == day.shape[:2] + (4,)
    assert np.array_equal(lv0[..., :3], day)                 # day map untouched at level 0
    assert lv1.shape == night.shape[:2] + (4,)
    assert np.array_equal(lv1[..., 3:], night)               # lights at their own pixels
    assert np.abs(lv1[..., :3].astype(int) - halve(day).astype(int)).max() <= 0


def test_no_dark_band_across_the_southern_ocean():
    """Issue 13: bmng.jpg darkens the Southern Ocean south of 60°S from 75°W to 96°E to a
    fifth of its brightness (a black band along Antarctica's coast on the map and globe).
    The shipped day map is repaired: the ocean just south of the block's edge is as bright
    as just north of it (within 30 %), where the raw file's is about half as bright."""
    import numpy as np
    from PySide6.QtGui import QImage

    from orbitviz.core.assets import asset_path

    img = QImage(str(asset_path("earth", "day.jpg"))).convertToFormat(
        QImage.Format.Format_RGB888)
    w, h = img.width(), img.height()
    a = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes()).reshape(
        h, img.bytesPerLine())[:, :w * 3].reshape(h, w, 3).astype(float)

    def rows(lat0, lat1):
        return slice(int((90 - lat1) / 180 * h), int((90 - lat0) / 180 * h))

    cols = slice(int((-60 + 180) / 360 * w), int((90 + 180) / 360 * w))
    north = np.median(a[rows(-59.9, -59.3), cols].reshape(-1, 3), axis=0)  # across the edge
    south = np.median(a[rows(-60.9, -60.3), cols].reshape(-1, 3), axis=0)
    assert np.all(south >= 0.7 * north) and np.all(south <= 1.4 * north + 2), (north, south)
