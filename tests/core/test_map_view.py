"""The map's view of the world (orbitviz.core.map_view): it fills any rectangle, pans over
the whole world, zooms about the mouse; pixels against hand-computed plate carrée values."""

from __future__ import annotations

import numpy as np
import pytest

from orbitviz.core.map_view import MAX_ZOOM, MapView, fit_view, pick_nearest

SIZES = [(1200, 600), (1920, 1080), (480, 500), (400, 711), (1200, 300), (160, 90)]


@pytest.mark.parametrize("w, h", SIZES)
def test_the_world_fills_the_view_at_any_shape(w, h):
    v = fit_view(w, h, focus_lon_deg=63.564)
    x, y, ww, wh = v.world_px()
    assert x <= 1e-9 and y <= 1e-9 and x + ww >= w - 1e-9 and y + wh >= h - 1e-9  # no band
    assert ww == pytest.approx(2 * wh)  # plate carrée: as many pixels per degree both ways
    # one side fits exactly: nothing cropped that need not be
    assert ww == pytest.approx(w) or wh == pytest.approx(h)
    lon_w, lat_s, lon_e, lat_n = v.visible()
    assert -180.0 - 1e-9 <= lon_w < lon_e <= 180.0 + 1e-9
    assert -90.0 - 1e-9 <= lat_s < lat_n <= 90.0 + 1e-9
    if ww > w + 1:  # longitudes cropped: centred on the pad's where the edges allow
        assert (lon_w + lon_e) / 2 == pytest.approx(min(63.564, 180.0 - (lon_e - lon_w) / 2))
    if wh > h + 1:  # latitudes cropped: the equator in the middle
        assert (lat_s + lat_n) / 2 == pytest.approx(0.0)


def test_a_wide_view_keeps_the_focus_inside_its_margin():
    """1200 × 300 px: 3.33 px/° shows ±45° of latitude. The equator stays in the middle
    while the focus is within 40 px of neither edge; beyond, the view slides just enough."""
    s = 1200 / 360
    assert fit_view(1200, 300, 10.0, 20.0).center_lat_deg == 0.0
    v = fit_view(1200, 300, 10.0, 51.6)  # the station at the top of its orbit
    assert v.center_lat_deg == pytest.approx(51.6 - (45.0 - 40.0 / s))
    _, y = v.to_px(51.6, 10.0)
    assert float(y) == pytest.approx(40.0)
    v = fit_view(1200, 300, 10.0, -51.6)
    assert float(v.to_px(-51.6, 10.0)[1]) == pytest.approx(260.0)
    # a tall view centres on the focus' longitude, the world's edges allowing
    assert fit_view(300, 600, 63.5, 46.0).center_lon_deg == pytest.approx(63.5)
    v = fit_view(300, 600, 175.0, 46.0)
    assert v.visible()[2] == pytest.approx(180.0)
    assert float(v.to_px(46.0, 175.0)[0]) < 300


def test_a_2_to_1_view_is_the_plate_carree():
    v = fit_view(3600, 1800, focus_lon_deg=63.564)
    # Baikonur Site 31/6, 45.996034° N 63.564003° E: 243.564003/360 of the width from the
    # left edge, 44.003966/180 of the height from the top
    x, y = v.to_px(45.996034, 63.564003)
    assert float(x) == pytest.approx(2435.64003, abs=1e-6)
    assert float(y) == pytest.approx(440.03966, abs=1e-6)
    lat, lon = v.to_geo(x, y)
    assert (float(lat), float(lon)) == pytest.approx((45.996034, 63.564003), abs=1e-9)


@pytest.mark.parametrize("w, h", SIZES)
def test_panning_reaches_every_edge_of_the_world(w, h):
    v = fit_view(w, h).zoomed(3.0)
    far = 1e6
    assert v.panned(far, 0).visible()[0] == pytest.approx(-180.0)  # dragged right: the west
    assert v.panned(-far, 0).visible()[2] == pytest.approx(180.0)
    assert v.panned(0, far).visible()[3] == pytest.approx(90.0)    # dragged down: the north
    assert v.panned(0, -far).visible()[1] == pytest.approx(-90.0)
    # a drag moves the map with the mouse: the place under the mouse stays under it
    lat, lon = v.to_geo(100, 50)
    moved = v.panned(30, 20)
    x, y = moved.to_px(lat, lon)
    assert (float(x), float(y)) == pytest.approx((130.0, 70.0))


def test_zoom_keeps_the_place_under_the_mouse_and_has_limits():
    v = fit_view(800, 400)
    lat, lon = v.to_geo(600, 100)
    z = v.zoomed(4.0, 600, 100)
    assert z.zoom == pytest.approx(4.0) and z.scale == pytest.approx(4 * 800 / 360)
    x, y = z.to_px(lat, lon)
    assert (float(x), float(y)) == pytest.approx((600.0, 100.0))
    assert v.zoomed(0.1).zoom == 1.0  # never smaller than filling the view
    assert v.zoomed(1e9).zoom == MAX_ZOOM
    assert z.zoomed(0.25).world_px() == pytest.approx(v.world_px())
    with pytest.raises(ValueError):
        MapView(0, 10)


def test_pick_nearest():
    xs, ys = np.array([10.0, 50.0, np.nan]), np.array([10.0, 52.0, 0.0])
    assert pick_nearest(xs, ys, 48.0, 50.0, 5.0) == 1
    assert pick_nearest(xs, ys, 30.0, 30.0, 5.0) is None
    assert pick_nearest([], [], 0.0, 0.0, 5.0) is None
