"""Fine Earth tiles: the grid's texel size, which tiles are shipped, and which window a
camera gets (orbitviz.core.earthtiles, no Qt).

References are independent of the module: texel sizes from the WGS 84 radii of curvature
written out here (and checked against the 1° lengths published for the ellipsoid), places
from the mission file and issue 12, the station's ground track from the mission model's
trajectory through skyfield's own ITRS transform (not orbitviz's cached rotation)."""

import datetime as dt
import math
import re

import numpy as np
import pytest

from orbitviz.core import earthtiles as et
from orbitviz.core.assets import asset_path
from orbitviz.core.geodesy import geodetic_to_itrs

BAIKONUR = (45.996034, 63.564003)  # Site 31/6 (Launch Library 2, pad record 20)
LANDING = (47.4, 69.6)  # issue 12: about 148 km south-east of Zhezkazgan
TILE_NAME = re.compile(r"r(\d\d)c(\d\d\d)\.jpg")


def shipped():
    root = asset_path("earth", "tiles")
    day = {tuple(map(int, TILE_NAME.fullmatch(p.name).groups()))
           for p in (root / "day").glob("*.jpg")}
    night = {tuple(map(int, TILE_NAME.fullmatch(p.name).groups()))
             for p in (root / "night").glob("*.jpg")}
    assert day == night
    return day


def test_texel_is_under_a_kilometre_and_matches_published_degree_lengths():
    # WGS 84: 1° of latitude is 111.132 km at 0°, 111.694 km at 90°; 1° of longitude is
    # 111.320 km at the equator (NGA, "Department of Defense World Geodetic System 1984",
    # TR8350.2, and the standard series for arc lengths).
    ns0, ew0 = et.texel_size_km(0.0)
    assert ns0 * 120 == pytest.approx(110.574, abs=0.01)  # meridian arc at the equator
    assert ew0 * 120 == pytest.approx(111.320, abs=0.01)
    ns90, _ = et.texel_size_km(90.0)
    assert ns90 * 120 == pytest.approx(111.694, abs=0.01)
    for lat in (BAIKONUR[0], LANDING[0], 0.0, 60.0):
        ns, ew = et.texel_size_km(lat)
        assert ns <= 1.0 and ew <= 1.0


def test_tile_grid_round_trips():
    assert (et.N_ROWS, et.N_COLS) == (90, 180)
    row, col = et.tile_of(*BAIKONUR)
    north, south, west, east = et.tile_bounds(row, col)
    assert south <= BAIKONUR[0] < north and west <= BAIKONUR[1] < east
    assert et.tile_of(0.0, -180.0) == (45, 0) and et.tile_of(0.0, 180.0) == (45, 0)
    assert et.tile_of(-90.0, 179.99) == (89, 179)


def _points_within(lat0, lon0, radius_km, n_ring=48):
    """The point and rings of points around it out to radius_km (great circles)."""
    out = [(lat0, lon0)]
    p0, l0 = math.radians(lat0), math.radians(lon0)
    for frac in (0.5, 1.0):
        d = radius_km * frac / et.R_MEAN_KM
        for k in range(n_ring):
            b = 2 * math.pi * k / n_ring
            p = math.asin(math.sin(p0) * math.cos(d) + math.cos(p0) * math.sin(d) * math.cos(b))
            lam = l0 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p0),
                                  math.cos(d) - math.sin(p0) * math.sin(p))
            out.append((math.degrees(p), (math.degrees(lam) + 180) % 360 - 180))
    return out


@pytest.mark.parametrize("site", [BAIKONUR, LANDING, (46.8, 69.1)])
def test_tiles_are_shipped_within_500_km_of_the_pad_and_the_landing_site(site):
    tiles = shipped()
    for lat, lon in _points_within(*site, 500.0):
        assert et.tile_of(lat, lon) in tiles, (lat, lon)


def test_tiles_are_shipped_under_the_docking_ground_track():
    from skyfield.api import load

    from orbitviz.core.mission import MissionModel

    model = MissionModel.build()
    ts = load.timescale(builtin=True)
    t0 = model.axis.met_from_datetime(dt.datetime(2021, 10, 5, 11, 50, tzinfo=dt.timezone.utc))
    t1 = model.axis.met_from_datetime(dt.datetime(2021, 10, 5, 12, 30, tzinfo=dt.timezone.utc))
    tiles = shipped()
    from skyfield.positionlib import Geocentric
    from skyfield.toposlib import wgs84

    for met in np.arange(t0, t1 + 1.0, 60.0):
        r_gcrs, _ = model.objects["iss"].trajectory.state(np.array([met]))
        t = ts.from_datetime(model.axis.datetime_utc(float(met)))
        sub = wgs84.subpoint_of(Geocentric(r_gcrs[0] / 149597870.7, t=t))
        lat, lon = sub.latitude.degrees, sub.longitude.degrees
        for p in _points_within(lat, lon, 300.0, n_ring=16):
            assert et.tile_of(*p) in tiles, (float(met), p)


def test_tiles_budget():
    root = asset_path("earth", "tiles")
    size = sum(p.stat().st_size for p in root.rglob("*.jpg"))
    assert size < 150e6  # the README's budget for added imagery


# --- the window ------------------------------------------------------------------------------

AVAILABLE = frozenset({et.tile_of(*BAIKONUR)})


def _above(lat, lon, alt_km):
    p = geodetic_to_itrs(lat, lon, alt_km)
    return p, -p / np.linalg.norm(p)


def test_window_over_the_pad_from_400_km_holds_the_pad():
    eye, down = _above(*BAIKONUR, 400.0)
    win = et.choose_window(eye, down, AVAILABLE)
    assert win is not None and et.tile_of(*BAIKONUR) in win.tiles()
    assert len(win.tiles()) == et.WINDOW_TILES**2
    u0, v0, du, dv = win.uv_rect()
    u = (BAIKONUR[1] + 180.0) / 360.0
    v = (90.0 - BAIKONUR[0]) / 180.0
    assert u0 < u < u0 + du and v0 < v < v0 + dv


def test_window_follows_the_looked_at_point_of_an_oblique_camera():
    # 1,700 km from the pad, 24° above its horizon (the Baikonur preset): the camera's nadir
    # is about 1,400 km away, the pad is where it looks.
    pad = geodetic_to_itrs(*BAIKONUR, 0.0)
    up = pad / np.linalg.norm(pad)
    east = np.cross([0.0, 0.0, 1.0], up)
    east /= np.linalg.norm(east)
    eye = pad + 1700.0 * (math.sin(math.radians(24)) * up + math.cos(math.radians(24)) * east)
    target = et.look_point(eye, pad - eye)
    assert np.linalg.norm(target - pad) < 1e-6
    win = et.choose_window(eye, pad - eye, AVAILABLE)
    assert win is not None and et.tile_of(*BAIKONUR) in win.tiles()


def test_no_window_from_far_away_or_over_unshipped_ground():
    eye, down = _above(*BAIKONUR, 26000.0)
    assert et.choose_window(eye, down, AVAILABLE) is None
    eye, down = _above(-40.0, -140.0, 400.0)  # South Pacific: nothing shipped
    assert et.choose_window(eye, down, AVAILABLE) is None
    eye, down = _above(*BAIKONUR, 400.0)
    assert et.choose_window(eye, -down, AVAILABLE) is not None  # looking at the sky: nadir


def test_window_is_kept_while_the_point_stays_inside_and_moves_after():
    eye, down = _above(*BAIKONUR, 400.0)
    win = et.choose_window(eye, down, AVAILABLE)
    eye2, down2 = _above(BAIKONUR[0] + 1.0, BAIKONUR[1] + 1.0, 400.0)
    assert et.choose_window(eye2, down2, AVAILABLE, win) is win
    eye3, down3 = _above(BAIKONUR[0], BAIKONUR[1] + 7.5, 400.0)
    win3 = et.choose_window(eye3, down3, frozenset(AVAILABLE | {et.tile_of(46.0, 71.0)}), win)
    assert win3 is not None and win3 != win
    assert et.tile_of(BAIKONUR[0], BAIKONUR[1] + 7.5) in win3.tiles()


def test_window_straddles_the_date_line_and_stays_between_the_poles():
    win = et.window_around(*et.tile_of(0.0, 179.0))
    cols = {c for _, c in win.tiles()}
    assert 0 in cols and 179 in cols
    polar = et.window_around(*et.tile_of(89.5, 0.0))
    assert polar.row0 == 0 and polar.holds_inner(0, polar.col0 + 4)
