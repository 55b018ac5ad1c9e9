#!/usr/bin/env python3
"""Build the fine ground tiles ``assets/earth/tiles/{day,night}/rRRcCCC.jpg``.

What they are. 2° × 2° plate carrée tiles of 240 × 240 texels (30″ a texel: 0.93 km
north–south, 0.64 km east–west at Baikonur's 46° N; grid in
:mod:`orbitviz.core.earthtiles`), shipped only where the mission's close views look:

- within ``SITE_RADIUS_KM`` (700 km, the issue's 500 km made generous) of the Baikonur pad
  (45.996° N, 63.564° E) and of the landing site: the mission file's estimate (46.8° N,
  69.1° E; both read from ``assets/mission/soyuz-ms-19.toml``), the point 148 km
  south-east of Zhezkazgan that issue 12 names (47.4° N, 69.6° E), and where the return
  model's Soyuz MS-18 comes down;
- within ``TRACK_RADIUS_KM`` (600 km) of the station's ground track from 11:50 to 12:30 UTC
  on 5 October 2021 (the docking's approach, from the mission model's station trajectory,
  sampled every 30 s).

Where their pixels come from. No imagery finer than the shipped global maps could be had
from the package registries (what was searched is listed in ``assets/CREDITS.md``), so the
tiles are **reconstructions** of those maps at 30″, not new observations:

- day: NASA Blue Marble Next Generation, ``assets/earth/day.jpg`` (5400 × 2700, 7.4 km a
  texel), magnified 8× by iterative back-projection (Irani & Peleg 1991, CVGIP 53, 231)
  with a shock filter as its prior (Osher & Rudin 1990, SIAM J. Numer. Anal. 27, 919;
  the upwind scheme of Alvarez & Mazorra 1994, SIAM J. Numer. Anal. 31, 590): edges
  between the map's areas are made steep, and every 8 × 8 block of a tile still averages
  (in linear light, after a 0.6-texel Gaussian that removes the source's JPEG blocking)
  to the Blue Marble texel it came from. Detail inside a 7.4 km texel is inferred, not seen.
- night: NASA/NOAA "Earth's City Lights", ``assets/earth/night.jpg`` (2700 × 1350,
  14.8 km a texel), magnified 16× by Richardson–Lucy deconvolution (Richardson 1972,
  JOSA 62, 55; Lucy 1974, AJ 79, 745) with a Gaussian of half a source texel for the map's
  own blur: non-negative and flux-preserving, it gathers each texel's light towards the
  brightest places around it instead of spreading it evenly, so a town is a compact
  light and not a 15 km square. Light under ``NIGHT_FLOOR`` (JPEG noise in the dark) is
  taken as none.

Needs numpy and Pillow (this tool only; the app reads the JPEGs with Qt)::

    python3 -m venv /tmp/tiles && /tmp/tiles/bin/pip install numpy pillow
    /tmp/tiles/bin/python tools/build_earth_tiles.py      # needs the repo on sys.path
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from orbitviz.core import earthtiles as et  # noqa: E402

OUT_DIR = REPO / "assets" / "earth" / "tiles"
SITE_RADIUS_KM = 700.0
TRACK_RADIUS_KM = 600.0
#: The landing site as issue 12 gives it: about 148 km south-east of Zhezkazgan.
LANDING_ISSUE_DEG = (47.4, 69.6)
TRACK_UTC = (dt.datetime(2021, 10, 5, 11, 50, tzinfo=dt.timezone.utc),
             dt.datetime(2021, 10, 5, 12, 30, tzinfo=dt.timezone.utc))
TRACK_STEP_S = 30.0
DAY_QUALITY = 88
NIGHT_QUALITY = 90
#: Night light below this (of 1) is JPEG noise in the source's dark areas.
NIGHT_FLOOR = 3.0 / 255.0
#: Linear-light weights of sRGB luminance (IEC 61966-2-1).
LUMA = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)


# --- coverage -------------------------------------------------------------------------------


def coverage() -> set[tuple[int, int]]:
    """Every tile the mission's close views need (see the module docstring)."""
    from orbitviz.core.assets import load_toml
    from orbitviz.core.groundtrack import ground_track
    from orbitviz.core.mission import MissionModel

    sites = load_toml("mission", "soyuz-ms-19.toml")["sites"]
    points = [(sites[k]["lat_deg"], sites[k]["lon_deg"]) for k in ("pad", "landing-estimate")]
    points.append(LANDING_ISSUE_DEG)
    model = MissionModel.build()
    ms18 = model.objects["soyuz-ms-18"].trajectory
    _, lat, lon = ground_track(model, "soyuz-ms-18", ms18.end_s, ms18.end_s)
    points.append((float(lat[-1]), float(lon[-1])))
    tiles: set[tuple[int, int]] = set()
    for lat_deg, lon_deg in points:
        tiles |= et.tiles_near(lat_deg, lon_deg, SITE_RADIUS_KM)
    t0, t1 = (model.axis.met_from_datetime(t) for t in TRACK_UTC)
    _, lat, lon = ground_track(model, "iss", t0, t1, step_s=TRACK_STEP_S)
    tiles |= et.tiles_near(lat, lon, TRACK_RADIUS_KM)
    return tiles


# --- image operations (float32, (H, W) or (H, W, C)) --------------------------------------


def gblur(a: np.ndarray, sigma: float) -> np.ndarray:
    """Separable Gaussian blur, edges extended."""
    r = int(3.0 * sigma + 1.0)
    x = np.arange(-r, r + 1, dtype=np.float32)
    g = np.exp(-x * x / (2.0 * sigma * sigma))
    g /= g.sum()
    pad = [(r, r), (0, 0)] + [(0, 0)] * (a.ndim - 2)
    p = np.pad(a, pad, mode="edge")
    a = sum(g[i] * p[i:i + a.shape[0]] for i in range(2 * r + 1))
    p = np.pad(a, [(0, 0), (r, r)] + [(0, 0)] * (a.ndim - 2), mode="edge")
    return sum(g[i] * p[:, i:i + a.shape[1]] for i in range(2 * r + 1))


def down(a: np.ndarray, k: int) -> np.ndarray:
    """Mean of each k × k block."""
    h, w = a.shape[:2]
    return a.reshape(h // k, k, w // k, k, *a.shape[2:]).mean(axis=(1, 3))


def rep(a: np.ndarray, k: int) -> np.ndarray:
    """Each texel repeated k × k times."""
    return np.repeat(np.repeat(a, k, axis=0), k, axis=1)


def up_bicubic(a: np.ndarray, k: int) -> np.ndarray:
    """Magnify k× with Pillow's bicubic filter (each channel as a float image)."""
    from PIL import Image

    chans = a[..., None] if a.ndim == 2 else a
    h, w = chans.shape[:2]
    out = np.stack([np.asarray(Image.fromarray(np.ascontiguousarray(chans[..., i]))
                               .resize((w * k, h * k), Image.Resampling.BICUBIC))
                    for i in range(chans.shape[2])], axis=-1)
    return out[..., 0] if a.ndim == 2 else out


def shock(x: np.ndarray, steps: int = 4, dt_: float = 0.25, sigma: float = 1.5):
    """Osher–Rudin shock filter on an RGB image, driven by its luminance: each step moves
    a texel towards the side of the nearest edge (sign of the Laplacian of the luminance
    smoothed by ``sigma`` texels) at the upwind gradient's speed."""
    def minmod(a, b):
        return np.where(a * b > 0.0, np.sign(a) * np.minimum(np.abs(a), np.abs(b)), 0.0)

    for _ in range(steps):
        ls = gblur(x @ LUMA, sigma)
        lap = np.zeros_like(ls)
        lap[1:-1, 1:-1] = (ls[:-2, 1:-1] + ls[2:, 1:-1] + ls[1:-1, :-2] + ls[1:-1, 2:]
                           - 4.0 * ls[1:-1, 1:-1])
        p = np.pad(x, [(1, 1), (1, 1), (0, 0)], mode="edge")
        gx = minmod(p[1:-1, 2:] - x, x - p[1:-1, :-2])
        gy = minmod(p[2:, 1:-1] - x, x - p[:-2, 1:-1])
        x = x - dt_ * np.sign(lap)[..., None] * np.sqrt(gx * gx + gy * gy)
    return x


def reconstruct_day(src_srgb: np.ndarray, k: int = 8, iters: int = 3) -> np.ndarray:
    """Blue Marble pixels (h, w, 3) in [0, 1] sRGB → (h·k, w·k, 3) (see the docstring)."""
    lin = gblur(src_srgb.astype(np.float32) ** 2.2, 0.6)
    x = np.clip(up_bicubic(lin, k), 0.0, 1.0)
    for _ in range(iters):
        x = shock(x)
        x = np.clip(x + up_bicubic(lin - down(x, k), k), 0.0, 1.0)
    return x ** (1.0 / 2.2)


def reconstruct_lights(src: np.ndarray, k: int = 16, iters: int = 12) -> np.ndarray:
    """City lights (h, w) in [0, 1] → (h·k, w·k) by Richardson–Lucy (see the docstring)."""
    y = np.where(src < NIGHT_FLOOR, 0.0, src).astype(np.float32)
    s = 0.5 * k

    def blur_down(x):
        return down(gblur(x, s), k)

    def spread(r):
        return gblur(rep(r, k), s)

    x = np.maximum(spread(y), 0.0) + 1e-7
    norm = spread(np.ones_like(y))
    for _ in range(iters):
        x = x * spread(y / np.maximum(blur_down(x), 1e-7)) / norm
    return x


# --- tiles ----------------------------------------------------------------------------------


def source_block(img: np.ndarray, row: int, col: int, margin: int) -> np.ndarray:
    """The source texels under tile (row, col) plus ``margin`` texels each side (wrapping in
    longitude, edge rows repeated at the poles)."""
    n = img.shape[1] // et.N_COLS  # source texels a tile
    rows = np.clip(np.arange(row * n - margin, (row + 1) * n + margin), 0, img.shape[0] - 1)
    cols = np.arange(col * n - margin, (col + 1) * n + margin) % img.shape[1]
    return img[rows][:, cols]


def build_tile(day: np.ndarray, night: np.ndarray, row: int, col: int):
    """(day RGB uint8 (240, 240, 3), night uint8 (240, 240)) of tile (row, col)."""
    t = et.TILE_TEXELS
    kd, md = t // (day.shape[1] // et.N_COLS), 6
    kn, mn = t // (night.shape[1] // et.N_COLS), 4
    d = reconstruct_day(source_block(day, row, col, md), kd)[md * kd:md * kd + t,
                                                             md * kd:md * kd + t]
    n = reconstruct_lights(source_block(night, row, col, mn), kn)[mn * kn:mn * kn + t,
                                                                  mn * kn:mn * kn + t]
    to8 = (lambda a: np.clip(np.round(a * 255.0), 0, 255).astype(np.uint8))
    return to8(d), to8(n)


def load(path: Path) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as im:
        return np.asarray(im).astype(np.float32) / 255.0


def build(out_dir: Path = OUT_DIR) -> None:
    from PIL import Image

    day = load(REPO / "assets" / "earth" / "day.jpg")
    night = load(REPO / "assets" / "earth" / "night.jpg")
    tiles = sorted(coverage())
    for sub in ("day", "night"):
        (out_dir / sub).mkdir(parents=True, exist_ok=True)
        for old in (out_dir / sub).glob("*.jpg"):
            old.unlink()
    start = time.time()
    for i, (row, col) in enumerate(tiles):
        d, n = build_tile(day, night, row, col)
        name = f"r{row:02d}c{col:03d}.jpg"
        Image.fromarray(d, mode="RGB").save(out_dir / "day" / name, quality=DAY_QUALITY,
                                            optimize=True)
        Image.fromarray(n, mode="L").save(out_dir / "night" / name, quality=NIGHT_QUALITY,
                                          optimize=True)
        if i % 50 == 0:
            print(f"{i}/{len(tiles)} tiles, {time.time() - start:.0f} s", flush=True)
    size = sum(p.stat().st_size for p in out_dir.rglob("*.jpg"))
    print(f"{len(tiles)} tiles, {size / 1e6:.1f} MB in {out_dir}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out-dir", type=Path, default=OUT_DIR)
    build(ap.parse_args(argv).out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
