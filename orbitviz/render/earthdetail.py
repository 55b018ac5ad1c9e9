"""The fine ground under close views: the shipped 30″ tiles (``assets/earth/tiles/``, grid
and selection in :mod:`orbitviz.core.earthtiles`) put together into one texture for the
window the camera needs.

The window's texture is ``WINDOW_TILES × TILE_TEXELS`` = 1920 texels a side, RGBA like the
global map (day colour in RGB, city lights in A), top row first. A tile that is not
shipped (away from the mission's places) is filled from the global map, magnified by the
GL's own bilinear rule, so that the fine texture matches the global one there and the
shader can use it over the whole window.

:class:`DetailTexture` does the GL side and must be used inside ``paint()``; everything
else here runs without a GL context (Qt's QImage reads the JPEGs).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from OpenGL import GL
from pyqtgraph.Qt import QtGui

from orbitviz.core import earthtiles as et
from orbitviz.core.assets import asset_path

__all__ = ["available_tiles", "load_tile", "assemble", "DetailTexture"]


@lru_cache(maxsize=1)
def available_tiles() -> frozenset:
    """(row, col) of every shipped tile (a day and a night JPEG both present)."""
    root = asset_path("earth", "tiles")
    out = set()
    for p in (root / "day").glob("r??c???.jpg"):
        if (root / "night" / p.name).is_file():
            out.add((int(p.name[1:3]), int(p.name[4:7])))
    return frozenset(out)


def _read(path, grey: bool) -> np.ndarray:
    img = QtGui.QImage(str(path))
    if img.isNull():
        raise FileNotFoundError(f"cannot read the Earth tile {path}")
    fmt = QtGui.QImage.Format.Format_Grayscale8 if grey else QtGui.QImage.Format.Format_RGB888
    img = img.convertToFormat(fmt)
    ch = 1 if grey else 3
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), dtype=np.uint8, count=bpl * h).reshape(h, bpl)
    return buf[:, : w * ch].reshape(h, w, ch).copy()


@lru_cache(maxsize=160)
def load_tile(row: int, col: int) -> np.ndarray | None:
    """Tile (row, col) as read-only (240, 240, 4) uint8 (day RGB, lights A), or None if
    it is not shipped."""
    if (row, col) not in available_tiles():
        return None
    name = f"r{row:02d}c{col:03d}.jpg"
    rgba = np.empty((et.TILE_TEXELS, et.TILE_TEXELS, 4), dtype=np.uint8)
    rgba[..., :3] = _read(asset_path("earth", "tiles", "day", name), grey=False)
    rgba[..., 3:] = _read(asset_path("earth", "tiles", "night", name), grey=True)
    rgba.setflags(write=False)
    return rgba


def _from_global(global_rgba: np.ndarray, row: int, col: int) -> np.ndarray:
    """Tile (row, col) magnified from the global map (H, W, 4) with GL_LINEAR's rule
    (texel centres at (i + ½)/n, wrapping in longitude, clamped at the poles)."""
    h, w = global_rgba.shape[:2]
    t = et.TILE_TEXELS
    north, _, west, _ = et.tile_bounds(row, col)
    # texel centres of the tile, in the global map's texel units
    y = ((90.0 - north) + (np.arange(t) + 0.5) * et.TILE_DEG / t) / 180.0 * h - 0.5
    x = ((west + 180.0) + (np.arange(t) + 0.5) * et.TILE_DEG / t) / 360.0 * w - 0.5
    y0 = np.floor(y).astype(np.int64)
    x0 = np.floor(x).astype(np.int64)
    fy = (y - y0).astype(np.float32)[:, None, None]
    fx = (x - x0).astype(np.float32)[None, :, None]
    r0, r1 = np.clip(y0, 0, h - 1), np.clip(y0 + 1, 0, h - 1)
    c0, c1 = x0 % w, (x0 + 1) % w
    src = global_rgba.astype(np.float32)
    top = src[r0][:, c0] * (1.0 - fx) + src[r0][:, c1] * fx
    bottom = src[r1][:, c0] * (1.0 - fx) + src[r1][:, c1] * fx
    return np.clip(top * (1.0 - fy) + bottom * fy + 0.5, 0.0, 255.0).astype(np.uint8)


def assemble(window: et.DetailWindow, global_rgba: np.ndarray) -> np.ndarray:
    """The window's pixels, (n·240, n·240, 4) uint8, top row first: shipped tiles where
    there are some, the magnified global map elsewhere."""
    t = et.TILE_TEXELS
    out = np.empty((window.n * t, window.n * t, 4), dtype=np.uint8)
    for k, (row, col) in enumerate(window.tiles()):
        i, j = divmod(k, window.n)
        tile = load_tile(row, col)
        out[i * t:(i + 1) * t, j * t:(j + 1) * t] = (
            tile if tile is not None else _from_global(global_rgba, row, col))
    return out


class DetailTexture:
    """The GL texture of the current window, remade when the window changes. Use inside
    ``paint()`` only (one per GL share group)."""

    def __init__(self):
        self.window: et.DetailWindow | None = None
        self.tex = int(GL.glGenTextures(1))

    def show(self, window: et.DetailWindow | None, global_rgba: np.ndarray) -> bool:
        """Make the texture hold ``window`` (None: nothing to draw). True if there is a
        window to draw."""
        if window is None:
            return False
        if window != self.window:
            pixels = assemble(window, global_rgba)
            GL.glActiveTexture(GL.GL_TEXTURE1)
            GL.glBindTexture(GL.GL_TEXTURE_2D, self.tex)
            GL.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 1)
            h, w = pixels.shape[:2]
            GL.glTexImage2D(GL.GL_TEXTURE_2D, 0, GL.GL_RGBA8, w, h, 0, GL.GL_RGBA,
                            GL.GL_UNSIGNED_BYTE, pixels)
            GL.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 4)
            GL.glGenerateMipmap(GL.GL_TEXTURE_2D)
            for key, val in ((GL.GL_TEXTURE_WRAP_S, GL.GL_CLAMP_TO_EDGE),
                             (GL.GL_TEXTURE_WRAP_T, GL.GL_CLAMP_TO_EDGE),
                             (GL.GL_TEXTURE_MAG_FILTER, GL.GL_LINEAR),
                             (GL.GL_TEXTURE_MIN_FILTER, GL.GL_LINEAR_MIPMAP_LINEAR)):
                GL.glTexParameteri(GL.GL_TEXTURE_2D, key, val)
            GL.glBindTexture(GL.GL_TEXTURE_2D, 0)
            GL.glActiveTexture(GL.GL_TEXTURE0)
            self.window = window
        return True
