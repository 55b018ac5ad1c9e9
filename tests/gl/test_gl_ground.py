"""The ground under close views and the horizon, in real frames (Xvfb + Mesa llvmpipe).

- The horizon (issue 12): at the Baikonur camera preset, rendered by ``orbitviz export``
  with the Earth, its night lights and the atmosphere only (a saved shot hides tracks,
  labels, grid and stars, which would cross the limb), no pixel between the atmosphere
  and the ground (from 8 rows above the glow's brightest row to 4 below it: the glow, the
  limb and the first ground rows) is darker than both its neighbours above and below by
  more than ``DIP_MARGIN`` levels of luminance, in any column. With the atmosphere off, the limb is anti-aliased:
  the outline's sub-pixel height, read column by column from the pixels' coverage, follows
  a smooth curve to within ``JAG_RMS_PX``.
- Ground sharpness: 400 km straight above the Baikonur pad, Sun overhead, 960 × 540, the
  variance of the 4-neighbour Laplacian of the frame's luminance is at least twice what
  main's code gave (measured before the change; see the test's docstring).

Frames are saved under /tmp/orbitviz-gl-ground-*.png for a look.
"""

import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

from orbitviz.core.geodesy import geodetic_to_itrs

BAIKONUR = (45.996034, 63.564003)  # Site 31/6, Launch Library 2 pad record 20
LANDING = (47.4, 69.6)  # about 148 km south-east of Zhezkazgan (issue 12)
MOSCOW = (55.756, 37.617)
#: A row "darker than both its neighbours" by more than this many levels (of 255) of
#: luminance is a dark dash. main's code (commit 876eb44): 495 of the 1920 columns had
#: one, the deepest 60 levels. The ground's own texture at the limb varies by a few levels
#: (a re-encoded day map moved one column from 3.8 to 4.2): 5 levels tells dashes from it.
DIP_MARGIN = 5.0
#: RMS distance (px) of the atmosphere-off outline from a smooth curve. An outline that
#: jumps a whole pixel at a time (no anti-aliasing) lies about 0.29 px (1/√12) from it;
#: main's code (commit 876eb44): 0.30 px.
JAG_RMS_PX = 0.15
LUMA = np.array([0.2126, 0.7152, 0.0722])


def export_baikonur(tmp_path, name, atmosphere: bool, size=(1920, 1080)):
    """The Baikonur preset at lift-off through ``orbitviz export --shot``, as (H, W) luma."""
    from PySide6.QtGui import QImage

    layers = {k: False for k in ("stars", "track:iss", "track:soyuz-ms-19",
                                 "track:soyuz-ms-18", "user-objects", "user-trails",
                                 "labels", "grid", "events")}
    layers.update({"earth": True, "night-lights": True, "atmosphere": atmosphere})
    shots = tmp_path / "shots.json"
    shots.write_text(json.dumps({
        "format": "orbitviz-shots", "version": 1, "mission": "soyuz-ms-19",
        "shots": [{"name": name, "utc": "2021-10-05T08:55:02.000Z",
                   "view_state": {"layers": layers, "frame": "earth-fixed",
                                  "camera": "baikonur"}, "camera": None}]}))
    out = f"/tmp/orbitviz-gl-ground-{name}.png"
    cmd = [sys.executable, "-m", "orbitviz", "export", "--shot", name, "--shots", str(shots),
           "--size", f"{size[0]}x{size[1]}", "--caption", "none", "--no-credit",
           "--out", out, "--force"]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=240, env=os.environ)
    assert run.returncode == 0, run.stderr
    img = QImage(out).convertToFormat(QImage.Format.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    rgb = np.frombuffer(img.constBits(), np.uint8, bpl * h).reshape(h, bpl)[:, :3 * w]
    return rgb.reshape(h, w, 3).astype(np.float64) @ LUMA


def limb_rows(luma, threshold):
    """Per column, the first row (from the top) brighter than ``threshold``: where the sky
    meets the Earth (or its glow)."""
    bright = luma > threshold
    has = bright.any(axis=0)
    return np.where(has, bright.argmax(axis=0), -1)


def test_no_row_of_dark_dashes_along_the_horizon(tmp_path):
    luma = export_baikonur(tmp_path, "horizon", atmosphere=True)
    h, w = luma.shape
    # the limb: the brightest row of the glow, where the atmosphere meets the ground
    top = limb_rows(luma, 30.0)
    cols = np.nonzero((top > 0) & (top < h - 60))[0]
    assert len(cols) > 0.9 * w, "the limb should cross the frame"
    worst = []
    for x in cols:
        y_limb = top[x] + int(np.argmax(luma[top[x]:top[x] + 40, x]))
        seg = luma[y_limb - 8:y_limb + 5, x]  # the glow down to the first ground rows
        dip = np.minimum(seg[:-2], seg[2:]) - seg[1:-1]
        worst.append(dip.max())
    worst = np.array(worst)
    assert worst.max() <= DIP_MARGIN, (
        f"{(worst > DIP_MARGIN).sum()} of {len(cols)} columns have a dark row at the limb, "
        f"the deepest {worst.max():.1f} levels")


def test_limb_is_smooth_with_the_atmosphere_off(tmp_path):
    luma = export_baikonur(tmp_path, "limb-no-atmosphere", atmosphere=False)
    h, w = luma.shape
    sky = float(np.median(luma[:20]))  # the app's night-blue background
    top = limb_rows(luma, sky + 6.0)
    # columns where a marker (the pad, the station) stands over the limb are left out: their
    # first lit row is off the running median of their neighbours' by more than 3 rows
    pad = np.pad(top, 15, mode="edge")
    median = np.median(np.lib.stride_tricks.sliding_window_view(pad, 31), axis=1)
    cols = np.nonzero((top > 2) & (top < h - 40) & (np.abs(top - median) <= 3))[0]
    assert len(cols) > 0.9 * w
    # sub-pixel outline: rows above the first lit one are sky (0); the covered share of the
    # edge pixels is their brightness over the ground's just below
    edge = []
    for x in cols:
        y = top[x]
        ground = np.median(luma[y + 3:y + 8, x]) - sky
        cover = np.clip((luma[y - 2:y + 3, x] - sky) / max(ground, 1.0), 0.0, 1.0)
        edge.append(y + 3 - 2 - cover.sum())
    edge = np.array(edge)
    xs = cols.astype(float)
    resid = []
    for k in range(0, len(xs) - 64, 32):  # a quadratic through each 64-column stretch
        sl = slice(k, k + 64)
        fit = np.polyval(np.polyfit(xs[sl], edge[sl], 2), xs[sl])
        resid.append(edge[sl] - fit)
    rms = float(np.sqrt(np.mean(np.concatenate(resid) ** 2)))
    assert rms < JAG_RMS_PX, rms


# --- ground sharpness, on a bare view --------------------------------------------------------

W, H = 960, 540


@pytest.fixture
def view(qtbot):
    from _frames import bare_view

    return bare_view(qtbot, W, H)


def overhead(view, earth, lat, lon, alt_km, sun_overhead=True):
    """A frame (H, W) of luma from ``alt_km`` straight above (lat, lon), pyqtgraph's 60°
    field; the Sun at the zenith there (or at the nadir, for night)."""
    from _frames import render_rgb
    from pyqtgraph import Vector

    p = geodetic_to_itrs(lat, lon, 0.0)
    up = p / np.linalg.norm(p)
    earth.set_sun_direction(up if sun_overhead else -up)
    view.setCameraPosition(pos=Vector(*p), distance=alt_km,
                           elevation=math.degrees(math.asin(up[2])),
                           azimuth=math.degrees(math.atan2(up[1], up[0])))
    name = f"{lat:.0f}-{lon:.0f}-{'day' if sun_overhead else 'night'}"
    return render_rgb(view, W, H, f"/tmp/orbitviz-gl-ground-{name}.png") @ LUMA


def laplacian_variance(luma) -> float:
    lap = (luma[:-2, 1:-1] + luma[2:, 1:-1] + luma[1:-1, :-2] + luma[1:-1, 2:]
           - 4.0 * luma[1:-1, 1:-1])
    return float(lap.var())


def test_ground_at_400_km_over_baikonur_is_twice_as_sharp(view):
    """main's code (commit 876eb44: the global 5400 × 2700 map alone, magnified about 15×
    here) gave a variance of the Laplacian of 1.48 in this frame, little more than the
    8-bit rounding of a smooth picture gives. The issue asks for at least twice: 2.96.
    (With the 30″ tiles: 3.28.)"""
    from orbitviz.render.earth import EarthItem

    earth = EarthItem()
    view.addItem(earth)
    day = overhead(view, earth, *BAIKONUR, 400.0)
    assert day.mean() > 60.0  # lit ground, not a blank frame
    lv = laplacian_variance(day)
    assert lv >= 2.0 * 1.48, lv


def test_city_lights_at_400_km_are_compact(view):
    """By night over Moscow, 400 km up: the lights are concentrated, not smeared. Of all
    the light in the frame, the brightest 5 % of pixels carry at least 45 % (main's code,
    commit 876eb44: 35 %; with the tiles: 52 %), and the variance of the Laplacian is at
    least four times main's 1.36 (with the tiles: 14.2)."""
    from orbitviz.render.earth import EarthItem

    earth = EarthItem()
    view.addItem(earth)
    night = overhead(view, earth, *MOSCOW, 400.0, sun_overhead=False)
    light = np.sort(night.ravel())[::-1]
    share = light[: light.size // 20].sum() / light.sum()
    assert share >= 0.45, share
    lv = laplacian_variance(night)
    assert lv >= 4.0 * 1.36, lv
