"""Render items' geometry as arrays (no GL): spacecraft meshes against published dimensions,
track/marker/label vertex layouts, and the precision tricks (time hi/lo, dash period)."""

import math

import numpy as np
import pytest

from orbitviz.render import meshes as M
from orbitviz.render.markers import LabelAtlas, build_label_vertices, build_marker_vertices
from orbitviz.render.tracks import (
    DASH_PERIOD_PX,
    NOMINAL_SPEED_KM_S,
    build_track_vertices,
    dash_period_s,
    km_per_px_at_target,
    split_f64,
)


def _signed_volume(part):
    t = part.tris
    return np.einsum("ij,ij->i", t[:, 0], np.cross(t[:, 1], t[:, 2])).sum() / 6.0


def _area_vector(part):
    t = part.tris
    return 0.5 * np.cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0]).sum(axis=0)


def _part_extent(part):
    p = part.tris.reshape(-1, 3)
    return p.max(axis=0) - p.min(axis=0)


@pytest.fixture(scope="module")
def iss():
    return M.station_geometry()


@pytest.fixture(scope="module")
def soyuz():
    return M.soyuz_geometry()


# --- primitives -------------------------------------------------------------------------------


def test_box_is_closed_with_exact_volume():
    b = M.box("b", (1.0, -2.0, 3.0), (2.0, 3.0, 4.0), (1, 1, 1))
    assert len(b.tris) == 12
    assert _signed_volume(b) == pytest.approx(24.0, abs=1e-9)       # outward winding
    np.testing.assert_allclose(_area_vector(b), 0.0, atol=1e-12)    # closed surface


def test_frustum_and_ellipsoid_volumes_converge_to_analytic():
    cyl = M.frustum("c", (0, 0, 0), (0, 0, 2.0), 1.0, 1.0, (1, 1, 1), segments=96)
    assert _signed_volume(cyl) == pytest.approx(2.0 * math.pi, rel=1e-3)
    cone = M.frustum("k", (0, 0, 0), (0, 0, 3.0), 1.0, 0.0, (1, 1, 1), segments=96)
    assert _signed_volume(cone) == pytest.approx(math.pi, rel=1e-3)
    ell = M.ellipsoid("e", (0, 0, 0), (2.0, 1.0), (1, 1, 1), n_lat=48, n_lon=96)
    assert _signed_volume(ell) == pytest.approx(4.0 / 3.0 * math.pi * 2.0, rel=3e-3)
    for p in (cyl, cone, ell):
        np.testing.assert_allclose(_area_vector(p), 0.0, atol=1e-9)


@pytest.mark.parametrize("which", ["iss", "soyuz"])
def test_every_part_is_a_closed_outward_solid_with_unit_normals(which, request):
    mesh = request.getfixturevalue(which)
    for part in mesh.parts:
        assert _signed_volume(part) > 0, part.name
        area = np.abs(np.cross(part.tris[:, 1] - part.tris[:, 0],
                               part.tris[:, 2] - part.tris[:, 0])).sum()
        assert np.abs(_area_vector(part)).max() < 1e-9 * max(area, 1.0), part.name
    n = mesh.normals.astype(np.float64)
    np.testing.assert_allclose(np.linalg.norm(n, axis=1), 1.0, atol=1e-5)
    # vertex normals lean the same way as the faces they belong to
    t = mesh.positions_km.astype(np.float64).reshape(-1, 3, 3)
    face_n = np.cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0])
    assert (np.einsum("ij,ij->i", face_n, n.reshape(-1, 3, 3).mean(axis=1)) > 0).all()
    assert mesh.positions_km.shape == mesh.normals.shape == mesh.colors.shape
    assert len(mesh.positions_km) == 3 * mesh.n_triangles
    assert mesh.interleaved().shape == (3 * mesh.n_triangles, 9)


# --- the ISS against NASA's published figures --------------------------------------------------


def test_iss_truss_and_overall_span_are_109_m(iss):
    truss = [p for p in iss.parts if p.name == "ITS truss"]
    assert len(truss) == 1
    assert _part_extent(truss[0])[1] == pytest.approx(109.0, abs=0.1)
    lo, hi = iss.bounds_m()
    assert hi[1] - lo[1] == pytest.approx(109.0, abs=1.0)     # arrays stay within the truss


def test_iss_has_eight_35_by_12_m_wings_four_each_side(iss):
    wings = [p for p in iss.parts if p.name.startswith("solar wing")]
    assert len(wings) == 8
    for w in wings:
        ext = sorted(_part_extent(w), reverse=True)
        assert ext[0] == pytest.approx(35.0, abs=0.5)
        assert ext[1] == pytest.approx(12.0, abs=0.5)
        assert ext[2] < 0.5                                     # a thin blanket
    ys = np.array([w.tris[..., 1].mean() for w in wings])
    assert (ys > 0).sum() == 4 and (ys < 0).sum() == 4
    # wings do not overlap each other across the truss (>= 2 m between blankets)
    centres = sorted(set(np.round(np.abs(ys), 1)))
    assert len(centres) == 2 and centres[1] - centres[0] - 12.0 >= 2.0


def test_iss_modules_run_about_50_m_along_the_flight_direction(iss):
    names = {"PMA-2/IDA-2", "Harmony", "Destiny", "Unity", "PMA-1", "Zarya", "Zvezda"}
    mods = [p for p in iss.parts if p.name in names]
    assert len(mods) == len(names)
    x = np.concatenate([p.tris[..., 0].ravel() for p in mods])
    assert x.max() - x.min() == pytest.approx(51.0, abs=3.0)
    for p in mods:                                              # axes along x, on the centre line
        ext = _part_extent(p)
        assert abs(p.tris[..., 1].mean()) < 0.1 and abs(p.tris[..., 2].mean()) < 0.1
        assert ext[1] == pytest.approx(ext[2], rel=0.02) and ext[1] < 4.6
    radiators = [p for p in iss.parts if p.name.startswith("radiator")]
    assert len(radiators) == 6
    # the truss is on the zenith side (-z) of the modules
    truss = next(p for p in iss.parts if p.name == "ITS truss")
    assert truss.tris[..., 2].max() < -2.0


# --- Soyuz MS ---------------------------------------------------------------------------------


def test_soyuz_length_span_and_diameter(soyuz):
    lo, hi = soyuz.bounds_m()
    assert hi[0] - lo[0] == pytest.approx(M.SOYUZ_LENGTH_M, abs=0.03)   # 7.48 m
    assert hi[1] - lo[1] == pytest.approx(10.7, abs=0.05)               # array span
    sm = next(p for p in soyuz.parts if p.name == "service module")
    assert _part_extent(sm)[1] == pytest.approx(2.72, abs=0.02)
    om = next(p for p in soyuz.parts if p.name == "orbital module")
    dm = next(p for p in soyuz.parts if p.name == "descent module")
    # order along the flight direction: orbital module forward, then descent, then service
    assert om.tris[..., 0].mean() > dm.tris[..., 0].mean() > sm.tris[..., 0].mean()
    assert _part_extent(dm)[1] == pytest.approx(2.17, abs=0.03)
    assert _part_extent(om)[1] == pytest.approx(2.26, abs=0.03)


def test_model_matrix_rotates_then_translates():
    rot = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])   # +90 deg about z
    m = M.model_matrix(rot, (10.0, 20.0, 30.0))
    body_x_tip = np.array([0.001, 0.0, 0.0, 1.0])                           # 1 m ahead
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
