"""The fine window's pixels (orbitviz.render.earthdetail), without GL: shipped tiles are
used where there are some, the global map elsewhere, and every shipped tile stays true to
the global maps it was built from (its 8 × 8 blocks average to the Blue Marble texel; its
city lights add up to the source's)."""

import numpy as np
import pytest

from orbitviz.core import earthtiles as et

BAIKONUR = (45.996034, 63.564003)


@pytest.fixture(autouse=True)
def qt(qapp):
    return qapp


def test_window_around_baikonur_uses_shipped_tiles_and_fills_the_rest():
    from orbitviz.render.earth import day_night_levels
    from orbitviz.render.earthdetail import _from_global, assemble, available_tiles, load_tile

    shipped = available_tiles()
    win = et.window_around(*et.tile_of(*BAIKONUR))
    pixels = assemble(win, day_night_levels()[0])
    t = et.TILE_TEXELS
    assert pixels.shape == (win.n * t, win.n * t, 4)
    kinds = set()
    for k, (row, col) in enumerate(win.tiles()):
        i, j = divmod(k, win.n)
        block = pixels[i * t:(i + 1) * t, j * t:(j + 1) * t]
        if (row, col) in shipped:
            assert np.array_equal(block, load_tile(row, col))
        else:
            assert np.array_equal(block, _from_global(day_night_levels()[0], row, col))
        kinds.add((row, col) in shipped)
    assert kinds == {True, False}  # this window reaches past the shipped area


def test_shipped_tiles_keep_the_global_maps_averages():
    from orbitviz.render.earth import load_texture_array
    from orbitviz.render.earthdetail import available_tiles, load_tile

    day = load_texture_array("day").astype(np.float64) / 255.0
    night = load_texture_array("night")[..., 0].astype(np.float64) / 255.0
    row, col = et.tile_of(*BAIKONUR)
    assert (row, col) in available_tiles()
    tile = load_tile(row, col).astype(np.float64) / 255.0
    # day: 8 × 8 blocks of the tile against the Blue Marble texels, in linear light (2.2)
    kd = et.TILE_TEXELS // (day.shape[1] // et.N_COLS)
    src = day[row * 30:(row + 1) * 30, col * 30:(col + 1) * 30] ** 2.2
    blocks = (tile[..., :3] ** 2.2).reshape(30, kd, 30, kd, 3).mean(axis=(1, 3))
    # the tool matches a 0.6-texel Gaussian of the source (and JPEG re-encodes both), so
    # single texels differ; the tile's mean does not
    assert abs(blocks.mean() - src.mean()) < 0.01
    assert np.corrcoef(blocks.ravel(), src.ravel())[0, 1] > 0.9
    # night: the light in the tile is the source's light under it (flux kept), within 15 %
    kn = et.TILE_TEXELS // (night.shape[1] // et.N_COLS)
    src_n = night[row * 15:(row + 1) * 15, col * 15:(col + 1) * 15]
    flux_src = np.where(src_n < 3 / 255, 0.0, src_n).sum() * kn * kn
    assert tile[..., 3].sum() == pytest.approx(flux_src, rel=0.15)
