"""CatalogItem: real frames (Xvfb + Mesa llvmpipe) of catalogue heads and time-lit trails, plus
the pure-numpy trail builder.

Camera: looking straight down the scene's -z axis (elevation 90°, azimuth -90°), so scene x is
screen right and scene y is screen up; pixels are predicted with the view's own matrices.
World = scene unless a test sets a transform. Times are MET seconds near 1.6e8 s (2026), so
the float32 relative-time path is exercised.
"""

import time
import warnings

import numpy as np
import pytest

pytestmark = pytest.mark.gl

pg_gl = pytest.importorskip("pyqtgraph.opengl")

import _frames  # noqa: E402
from _frames import render_rgb  # noqa: E402

from orbitviz.render.catalog import (  # noqa: E402
    AHEAD_FACTOR,
    CatalogItem,
    build_trail_vertices,
)
from orbitviz.render.solid_item import SolidInstance, SolidItem  # noqa: E402
from orbitviz.render.solids import oriented_box  # noqa: E402

W, H = 320, 240
T_REF = 1.6e8
MAGENTA = (1.00, 0.36, 0.86)


def make_view(qtbot, dist=100.0, w=W, h=H):
    return _frames.make_view(qtbot, dist, w, h)


def project(view, p, w=W, h=H):
    return _frames.project(view, p, w, h)


def render(view, name, w=W, h=H):
    return render_rgb(view, w, h, f"/tmp/orbitviz-gl-catalog-{name}.png")


def is_magenta(px):
    r, g, b = px
    return r > 200 and 60 < g < 130 and b > 170


def blob_centroid(img, mask):
    rows, cols = np.nonzero(mask)
    wts = img[rows, cols, 0]
    return (cols + 0.5) @ wts / wts.sum(), (rows + 0.5) @ wts / wts.sum()


def red_near(img, view, p, half=3):
    """Brightest red value in a (2·half+1)² patch around scene point p."""
    col, row = map(int, project(view, p))
    return img[row - half: row + half + 1, col - half: col + half + 1, 0].max()


# --- pure numpy ------------------------------------------------------------------------------


def test_build_trail_vertices_skips_nan_segments_and_stores_relative_times():
    times = T_REF + np.array([-120.0, -60.0, 0.0, 60.0, 120.0])
    rng = np.random.default_rng(3)
    world = rng.uniform(-7000.0, 7000.0, (3, 5, 3))
    world[1, 2, 1] = np.nan            # object 1: no state at sample 2 -> segments 0 and 3 only
    world[2, :, :] = np.nan            # object 2: no state at all
    v = build_trail_vertices(world, times, T_REF)
    assert v.dtype == np.float32 and v.shape == (2 * (4 + 2), 5)
    # time-major: block k holds segment k (samples k -> k+1) of each object that has it
    expected = [(0, 0), (1, 0), (0, 1), (0, 2), (0, 3), (1, 3)]       # (object, segment)
    for s, (obj, k) in enumerate(expected):
        a, b = v[2 * s], v[2 * s + 1]
        assert a[4] == obj and b[4] == obj
        np.testing.assert_allclose(a[:3], world[obj, k], rtol=0, atol=1e-3)   # km, float32
        np.testing.assert_allclose(b[:3], world[obj, k + 1], rtol=0, atol=1e-3)
        assert a[3] == times[k] - T_REF and b[3] == times[k + 1] - T_REF     # exact here
    assert np.isfinite(v).all()
    with pytest.raises(ValueError):
        build_trail_vertices(world, times[::-1], T_REF)
    with pytest.raises(ValueError):
        build_trail_vertices(world[:, :4], times, T_REF)


def test_build_trail_vertices_full_catalogue_shape():
    n, m = 30_000, 20
    times = T_REF + 90.0 * np.arange(m)
    world = np.random.default_rng(1).uniform(-7000, 7000, (n, m, 3))
    world[::10, 7] = np.nan            # 3000 objects lose samples 7: two segments each
    t0 = time.perf_counter()
    v = build_trail_vertices(world, times, T_REF + 900.0)
    dt = time.perf_counter() - t0
    print(f"build_trail_vertices 30,000 x 20: {1e3 * dt:.1f} ms")
    assert v.shape == (2 * (n * (m - 1) - 2 * 3000), 5)
    assert v[:, 3].min() == -900.0 and v[:, 3].max() == 90.0 * (m - 1) - 900.0
    assert set(np.unique(v[:, 4]).astype(int)) == set(range(n))


# --- real frames -----------------------------------------------------------------------------


def test_heads_are_round_magenta_dots_and_nan_heads_are_not_drawn(qtbot):
    v = make_view(qtbot)
    cat = CatalogItem()                                   # default magenta, 5 px
    heads = np.array([[-20.0, 0, 0], [20.0, 0, 0], [0, 20.0, 0]])
    cat.set_heads(heads)
    v.addItem(cat)
    img = render(v, "heads")
    assert cat.head_count() == 3
    for p in heads:
        col, row = map(int, project(v, p))
        assert is_magenta(img[row, col]), img[row, col]
    # a 5 px disc: the run of coloured pixels across its centre is ~5 px wide
    col, row = project(v, heads[0])
    run = (img[int(row), int(col) - 8: int(col) + 9, 0] > 128).sum()
    assert 4 <= run <= 6
    # nothing else is drawn
    lit = img.max(axis=2) > 20
    assert lit.sum() < 3 * 40
    heads[1] = np.nan
    cat.set_heads(heads)
    img = render(v, "heads-nan")
    assert cat.head_count() == 2
    col, row = map(int, project(v, (20.0, 0, 0)))
    assert img[row - 4: row + 5, col - 4: col + 5].max() < 10     # gone
    for p in (heads[0], heads[2]):
        col, row = map(int, project(v, p))
        assert is_magenta(img[row, col])


def _line_window():
    """Two objects, 11 samples 10 s apart (1 km/s along scene x, from -50 to +50 km):
    object 0 on y = 0; object 1 on y = 20 km with no state at sample 5 (x = 0)."""
    times = T_REF + np.linspace(0.0, 100.0, 11)
    world = np.zeros((2, 11, 3))
    world[:, :, 0] = np.linspace(-50.0, 50.0, 11)
    world[1, :, 1] = 20.0
    world[1, 5] = np.nan
    return world, times


def test_trail_lit_by_time_fades_into_the_past_faint_ahead_and_stops_at_now(qtbot):
    v = make_view(qtbot)
    world, times = _line_window()
    cat = CatalogItem(trail_alpha=0.7)
    cat.set_window(world, times, T_REF)
    cat.set_time(T_REF + 55.0, behind_s=40.0, ahead_s=20.0)      # now at x = +5 km
    v.addItem(cat)
    img = render(v, "trail-time")

    def expect(age_s):
        a = 0.7 * (1.0 - age_s / 40.0) if age_s >= 0 else AHEAD_FACTOR * 0.7
        return 255.0 * MAGENTA[0] * a

    for x, age in ((-5.0, 10.0), (-20.0, 25.0), (15.0, -10.0)):
        got = red_near(img, v, (x, 0, 0))
        assert got == pytest.approx(expect(age), abs=0.1 * expect(age) + 4), (x, got)
    assert red_near(img, v, (-40.0, 0, 0)) < 3                  # 45 s ago, beyond behind_s
    assert red_near(img, v, (30.0, 0, 0)) < 3                   # 25 s ahead, beyond ahead_s
    # the segment from x = 0 to x = 10 straddles now: bright up to x = 5, faint after it
    c_now, row = project(v, (5.0, 0, 0))
    band = img[int(row) - 2: int(row) + 3, :, 0].max(axis=0)
    c0, c1 = int(project(v, (1.0, 0, 0))[0]), int(project(v, (9.0, 0, 0))[0])
    assert band[c0] > 0.9 * expect(4.0)
    assert band[c1] == pytest.approx(expect(-1.0), abs=6)
    step = c0 + np.flatnonzero(band[c0: c1 + 1] < 0.5 * (expect(0.0) + expect(-1.0)))[0]
    assert abs(step + 0.5 - c_now) <= 1.5
    # object 1: no state at x = 0, so no line from x = -10 to x = +10 km; drawn elsewhere
    assert red_near(img, v, (-5.0, 20.0, 0)) < 3 and red_near(img, v, (8.0, 20.0, 0)) < 3
    assert red_near(img, v, (-15.0, 20.0, 0)) == pytest.approx(expect(20.0), rel=0.1, abs=4)


def test_changing_only_the_time_redraws_the_trail_without_uploading(qtbot):
    v = make_view(qtbot)
    world, times = _line_window()
    cat = CatalogItem()
    cat.set_window(world, times, T_REF)
    cat.set_time(T_REF + 50.0, behind_s=30.0, ahead_s=20.0)
    v.addItem(cat)
    img = render(v, "uniform-a")
    assert red_near(img, v, (-10.0, 0, 0)) > 90
    assert red_near(img, v, (40.0, 0, 0)) < 3
    cat.set_time(T_REF + 90.0, behind_s=30.0, ahead_s=20.0)      # now at x = +40
    img = render(v, "uniform-b")
    assert cat.trail_upload_count == 1
    assert red_near(img, v, (-10.0, 0, 0)) < 3                  # 90 s old: gone
    assert red_near(img, v, (30.0, 0, 0)) > 90                  # 10 s old: bright
    cat.set_time(T_REF + 200.0, behind_s=30.0, ahead_s=20.0)     # after the window: nothing
    img = render(v, "uniform-c")
    assert img.max() < 3
    cat.set_time(T_REF - 10.0, behind_s=30.0, ahead_s=20.0)      # before: only the start, faint
    img = render(v, "uniform-d")
    assert 0.5 * 255 * 0.7 * AHEAD_FACTOR < red_near(img, v, (-45.0, 0, 0)) < 0.7 * 255 * 0.7
    assert red_near(img, v, (-30.0, 0, 0)) < 3                  # 20 s ahead of -10 s: no
    assert cat.trail_upload_count == 1
    cat.clear_window()
    assert render(v, "uniform-e").max() < 3


def test_transform_moves_heads_and_trails_by_the_right_pixels_without_uploading(qtbot):
    v = make_view(qtbot)
    cat = CatalogItem()
    cat.set_heads(np.array([[20.0, 0.0, 0.0]]))
    v.addItem(cat)

    def head_px(name):
        img = render(v, name)
        return blob_centroid(img, img[..., 0] > 40)

    got = head_px("transform-id")
    np.testing.assert_allclose(got, project(v, (20.0, 0, 0)), atol=0.5)
    cat.set_transform(np.eye(3), np.array([30.0, 0.0, 0.0]))       # scene = world - (30,0,0)
    got = head_px("transform-shift")
    want = project(v, (-10.0, 0, 0))
    np.testing.assert_allclose(got, want, atol=0.5)
    assert got[0] - project(v, (20.0, 0, 0))[0] < -55             # moved ~62 px left
    rz90 = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    cat.set_transform(rz90, np.array([0.0, 0.0, 0.0]))             # world +x -> scene +y
    np.testing.assert_allclose(head_px("transform-rot"), project(v, (0, 20.0, 0)), atol=0.5)
    assert cat.head_upload_count == 1
    # the trail follows the same transform: object 0's line now runs along scene y
    world, times = _line_window()
    cat.set_window(world[:1], times, T_REF)
    cat.set_time(T_REF + 100.0, behind_s=200.0, ahead_s=0.0)
    img = render(v, "transform-trail")
    assert red_near(img, v, (0.0, -30.0, 0)) > 60                 # world (-30, 0, 0)
    assert red_near(img, v, (-30.0, 0.0, 0)) < 3


def test_selected_head_is_bigger_with_a_white_ring_and_its_trail_white_on_top(qtbot):
    v = make_view(qtbot)
    world, times = _line_window()
    world[1] = world[0] + np.array([0.0, 20.0, 0.0])                 # two parallel lines
    cat = CatalogItem(point_px=6.0)
    cat.set_window(world, times, T_REF)
    cat.set_time(T_REF + 50.0, behind_s=60.0, ahead_s=0.0)
    heads = np.array([[0.0, 0.0, 0.0], [0.0, 20.0, 0.0]])
    cat.set_heads(heads)
    cat.set_selected(1)
    v.addItem(cat)
    img = render(v, "selected")

    def run_width(p, pred):
        col, row = map(int, project(v, p))
        line = img[row, col - 15: col + 16]
        return sum(bool(pred(px)) for px in line)

    white = lambda px: px.min() > 200                              # noqa: E731
    assert run_width(heads[0], is_magenta) in range(5, 8)          # 6 px
    assert run_width(heads[1], is_magenta) in range(10, 14)        # 12 px
    assert run_width(heads[1], white) >= 2                         # ring both sides
    assert run_width(heads[0], white) == 0
    # trails: the selected one near-white at full alpha, the other magenta
    col = int(project(v, (-20.0, 0, 0))[0])

    def brightest(p):
        row = int(project(v, p)[1])
        patch = img[row - 2: row + 3, col]
        return patch[patch.sum(axis=1).argmax()]

    s, o = brightest((-20.0, 20.0, 0)), brightest((-20.0, 0.0, 0))
    assert s.min() > 0.9 * 255 * (1 - 20 / 60) * 0.9               # white, age 20 of 60 s
    assert o[1] < 0.5 * o[0] and o[0] > 70                         # magenta
    cat.set_selected(None)
    img = render(v, "selected-none")
    col, row = map(int, project(v, heads[1]))
    assert img[row, col - 10: col + 11].min(axis=1).max() < 200    # no white ring any more
    assert cat.trail_upload_count == 1 and cat.head_upload_count == 1


def test_objects_behind_an_opaque_mesh_are_hidden(qtbot):
    v = make_view(qtbot)
    # an opaque slab between the camera (+z) and the catalogue plane z = 0, covering |x|,|y| < 10 km
    slab = SolidItem({"slab": oriented_box((0, 0, 10e3), np.eye(3), (20e3, 20e3, 1e3),
                                           (0.5, 0.5, 0.5))})
    slab.set_instances([SolidInstance("slab", np.eye(3), np.zeros(3))])
    slab.set_sun_direction((0, 0, 1))
    v.addItem(slab)
    world, times = _line_window()
    cat = CatalogItem()
    cat.set_window(world[:1], times, T_REF)
    cat.set_time(T_REF + 100.0, behind_s=200.0, ahead_s=0.0)
    cat.set_heads(np.array([[0.0, 0.0, 0.0], [30.0, 5.0, 0.0]]))
    v.addItem(cat)
    img = render(v, "depth")
    col, row = map(int, project(v, (0, 0, 0)))
    r, g, b = img[row, col]
    assert abs(r - g) < 10 and r > 40                              # the grey slab, no magenta
    strip = img[row - 3: row + 4, int(project(v, (-8.0, 0, 0))[0])]
    assert (np.abs(strip[:, 0] - strip[:, 1]) < 10).all()          # trail hidden under it
    assert red_near(img, v, (-30.0, 0, 0)) > 60                    # trail visible outside
    col, row = map(int, project(v, (30.0, 5.0, 0)))
    assert is_magenta(img[row, col])


def test_full_catalogue_renders_without_gl_error(qtbot):
    n, m = 30_000, 20
    rng = np.random.default_rng(7)
    a = 6378.0 + rng.uniform(350.0, 1500.0, n)
    inc = np.radians(rng.uniform(0.0, 100.0, n))
    raan, u0 = rng.uniform(0, 2 * np.pi, (2, n))
    mean_motion = np.sqrt(398600.4418 / a ** 3)
    times = T_REF + np.linspace(-900.0, 900.0, m)

    def positions(t):
        u = u0[:, None] + mean_motion[:, None] * (np.atleast_1d(t)[None, :] - T_REF)
        x, y = np.cos(u), np.sin(u)
        ci, si = np.cos(inc)[:, None], np.sin(inc)[:, None]
        cr, sr = np.cos(raan)[:, None], np.sin(raan)[:, None]
        xyz = np.stack([cr * x - sr * ci * y, sr * x + cr * ci * y, si * y], axis=-1)
        return xyz * a[:, None, None]

    world = positions(times)
    world[::50, 3] = np.nan
    heads = positions(T_REF)[:, 0]
    heads[::97] = np.nan
    v = make_view(qtbot, dist=30_000.0)
    cat = CatalogItem(point_px=3.0, trail_alpha=0.2)
    cat.set_window(world, times, T_REF)
    cat.set_heads(heads)
    cat.set_time(T_REF, behind_s=600.0, ahead_s=300.0)
    cat.set_selected(123)
    v.addItem(cat)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")            # pyqtgraph reports paint errors as warnings
        img = render(v, "full-catalogue")
        v.resize(1920, 1080)
        qtbot.wait(50)
        v.grabFramebuffer()                        # first frame at this size (allocations)
        t0 = time.perf_counter()
        frame = v.grabFramebuffer()
        dt = time.perf_counter() - t0
    print(f"1920x1080 frame, 30,000 heads + 30,000x20 trail samples: {1e3 * dt:.0f} ms")
    assert [str(w.message) for w in caught] == []
    assert cat.head_count() == n - len(range(0, n, 97))
    assert frame.width() == 1920 and frame.height() == 1080
    lit = img.max(axis=2) > 30
    assert 0.05 < lit.mean() < 0.9                 # a ring of objects, not blank, not all
    hue = img[lit]
    assert (hue[:, 0] > 1.5 * hue[:, 1]).mean() > 0.95    # magenta: the catalogue's colour
