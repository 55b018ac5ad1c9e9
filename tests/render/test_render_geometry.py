"""Render items' geometry as arrays (no GL): the solids' model matrix,
track/marker/label vertex layouts, and the precision tricks (time hi/lo, dash period)."""

import math

import numpy as np
import pytest

from orbitviz.render.solid_item import instance_matrix
from orbitviz.render.markers import LabelAtlas, build_label_vertices, build_marker_vertices
from orbitviz.render.tracks import (
    DASH_PERIOD_PX,
    NOMINAL_SPEED_KM_S,
    build_track_vertices,
    dash_period_s,
    km_per_px_at_target,
    split_f64,
)


def test_instance_matrix_rotates_metres_then_translates_in_km():
    rot = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])   # +90 deg about z
    m = instance_matrix(rot, (10.0, 20.0, 30.0))
    body_x_tip = np.array([1.0, 0.0, 0.0, 1.0])                             # 1 m ahead
    np.testing.assert_allclose(m @ body_x_tip, [10.0, 20.001, 30.0, 1.0], atol=1e-12)


# --- tracks -----------------------------------------------------------------------------------


def test_track_vertices_layout_and_exact_times():
    n = 500
    met = np.linspace(0.0, 180 * 86400.0, n) + 0.123456          # a 180-day mission
    pts = np.random.default_rng(1).normal(size=(n, 3)).astype(np.float32) * 7000
    modelled = np.arange(n) % 7 == 0
    epoch = float(np.round(0.5 * (met[0] + met[-1])))
    v = build_track_vertices(pts, met, modelled, epoch)
    assert v.shape == (2 * n, 13) and v.dtype == np.float32
    np.testing.assert_array_equal(v[0::2, 9], -1.0)
    np.testing.assert_array_equal(v[1::2, 9], 1.0)
    np.testing.assert_array_equal(v[0::2, 0:3], pts)
    np.testing.assert_array_equal(v[2::2, 3:6], pts[:-1])       # prev
    np.testing.assert_array_equal(v[0:-2:2, 6:9], pts[1:])      # next
    np.testing.assert_array_equal(v[0, 3:6], pts[0])            # ends repeat themselves
    np.testing.assert_array_equal(v[0::2, 12], modelled.astype(np.float32))
    t = v[0::2, 10].astype(np.float64) + v[0::2, 11].astype(np.float64) + epoch
    assert np.abs(t - met).max() < 1e-6                          # µs, not float32's ~1 s
    assert np.abs(met.astype(np.float32).astype(np.float64) - met).max() > 0.1


def test_split_f64_keeps_sub_millisecond_differences():
    now, t = 1.5e7 + 0.0004, 1.5e7
    (nh, nl), (th, tl) = split_f64(now), split_f64(t)
    dt = (np.float32(th) - np.float32(nh)) + (np.float32(tl) - np.float32(nl))
    assert float(dt) == pytest.approx(-0.0004, abs=1e-6)


@pytest.mark.parametrize("km_per_px", [40.0, 3.7, 0.01, 6.1e-5])
def test_dash_period_is_14_to_28_px_at_any_zoom(km_per_px):
    p_s = dash_period_s(km_per_px)
    assert math.log2(p_s) == pytest.approx(round(math.log2(p_s)), abs=1e-12)   # octave-snapped
    period_px = p_s * NOMINAL_SPEED_KM_S / km_per_px
    assert DASH_PERIOD_PX - 1e-9 <= period_px < 2 * DASH_PERIOD_PX


def test_km_per_px_matches_the_field_of_view():
    from PySide6 import QtGui  # QMatrix4x4 only; no application needed

    dist, fov, w, h = 25000.0, 60.0, 1200, 800
    near = dist * 0.001
    r = near * math.tan(math.radians(fov / 2))
    proj = QtGui.QMatrix4x4()
    proj.frustum(-r, r, -r * h / w, r * h / w, near, dist * 1000)
    p = np.array(proj.data()).reshape(4, 4).T
    mv = np.eye(4)
    mv[2, 3] = -dist
    expected = 2 * dist * math.tan(math.radians(fov / 2)) / w
    assert km_per_px_at_target(p, mv, w) == pytest.approx(expected, rel=1e-6)  # float32 matrix


# --- markers and labels -----------------------------------------------------------------------


def test_marker_vertices_make_one_quad_per_marker():
    pos = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32)
    cols = np.array([[1, 0, 0, 1], [0, 1, 0, 0.5]])
    v = build_marker_vertices(pos, cols, [10, 16])
    assert v.shape == (12, 10)
    q = v[:6]
    np.testing.assert_array_equal(q[:, 0:3], np.repeat(pos[:1], 6, axis=0))
    # two triangles covering the square [-1, 1]^2: total signed area 4
    c = q[:, 3:5].reshape(2, 3, 2)
    area = 0.5 * ((c[:, 1, 0] - c[:, 0, 0]) * (c[:, 2, 1] - c[:, 0, 1])
                  - (c[:, 2, 0] - c[:, 0, 0]) * (c[:, 1, 1] - c[:, 0, 1]))
    assert area.sum() == pytest.approx(4.0)
    np.testing.assert_array_equal(v[6:, 5:9], np.repeat(cols[1:].astype(np.float32), 6, axis=0))
    np.testing.assert_array_equal(v[:, 9], [10] * 6 + [16] * 6)
    # one colour and one size for all markers broadcast
    v2 = build_marker_vertices(pos, (1, 1, 1, 1), 8)
    assert (v2[:, 9] == 8).all() and (v2[:, 5:9] == 1).all()


def test_label_quads_are_pixel_sized_and_sample_their_own_texels():
    img = np.zeros((50, 80, 4), dtype=np.uint8)
    atlas = LabelAtlas(img, np.array([[0, 0, 60, 24], [0, 25, 80, 25]]), np.array([12, 13]))
    v = build_label_vertices([[0, 0, 0], [1, 1, 1]], atlas, offset_px=(10, 2))
    assert v.shape == (12, 7)
    for i, (x, y, w, h) in enumerate(atlas.rects):
        q = v[6 * i: 6 * i + 6]
        off, uv = q[:, 3:5], q[:, 5:7]
        assert off[:, 0].min() == 10 and off[:, 0].max() == 10 + w      # starts 10 px right
        assert off[:, 1].max() - off[:, 1].min() == h                    # exactly h px high
        assert off[:, 1].max() == 2 + atlas.mids[i]                      # anchor at text middle
        np.testing.assert_allclose(uv[:, 0].min() * 80, x)
        np.testing.assert_allclose(uv[:, 0].max() * 80, x + w)
        np.testing.assert_allclose(uv[:, 1].min() * 50, y)               # top row at the top
        np.testing.assert_allclose(uv[:, 1].max() * 50, y + h)
        # the top edge of the quad samples the top of the label's rectangle
        assert np.all(uv[off[:, 1] == off[:, 1].max(), 1] * 50 == pytest.approx(y))
