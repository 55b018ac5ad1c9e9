"""Real frames (Xvfb + Mesa llvmpipe) of the track, marker, label and spacecraft-mesh items.

Camera: looking straight down the scene's -z axis (elevation 90°, azimuth -90°), so scene x
is screen right and scene y is screen up; pixel positions are predicted with the view's own
matrices. Renders are BGRA arrays from ``renderToArray``.
"""

import numpy as np
import pytest

pytestmark = pytest.mark.gl

pg_gl = pytest.importorskip("pyqtgraph.opengl")

import _frames  # noqa: E402
from orbitviz.render.markers import LabelItem, MarkerItem  # noqa: E402
from orbitviz.render.mission_geometry import station_groups  # noqa: E402
from orbitviz.render.solid_item import SolidInstance, SolidItem  # noqa: E402
from orbitviz.render.solids import oriented_box  # noqa: E402
from orbitviz.render.tracks import DASH_PERIOD_PX, NOMINAL_SPEED_KM_S, TrackItem  # noqa: E402
from orbitviz.render.units import to_scene  # noqa: E402

W, H = 480, 320


def slab_item(center_m, size_m):
    """An opaque grey box (metres), drawn once at the scene's origin."""
    item = SolidItem({"slab": oriented_box(center_m, np.eye(3), size_m, (0.5, 0.5, 0.5))})
    item.set_instances([SolidInstance("slab", np.eye(3), np.zeros(3))])
    return item


def make_view(qtbot, dist, w=W, h=H):
    return _frames.make_view(qtbot, dist, w, h)


def project(view, p, w=W, h=H):
    return _frames.project(view, p, w, h)


def rgb(arr):
    return arr[..., [2, 1, 0]].astype(np.float64)


def luminance(arr):
    c = rgb(arr)
    return 0.2126 * c[..., 0] + 0.7152 * c[..., 1] + 0.0722 * c[..., 2]


def straight_track(half_len_km, met0=0.0, n=401):
    """A straight track along scene x through the origin, flown at orbital speed."""
    x = np.linspace(-half_len_km, half_len_km, n)
    pts = np.zeros((n, 3), dtype=np.float32)
    pts[:, 0] = x
    met = met0 + (x + half_len_km) / NOMINAL_SPEED_KM_S
    return pts, met


def runs(mask):
    """Start indices and lengths of the True runs in a 1-D boolean array."""
    m = np.concatenate([[False], mask, [False]]).astype(int)
    d = np.diff(m)
    starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    return starts, ends - starts


# --- tracks -----------------------------------------------------------------------------------


def test_flown_part_is_bright_and_fades_ahead_is_faint(qtbot):
    v = make_view(qtbot, dist=100.0)
    pts, met = straight_track(50.0)
    tr = TrackItem((1.0, 0.8, 0.2, 1.0), width_px=4.0, fade_s=6.0)
    tr.set_track(pts, met, np.zeros(len(met), bool))
    now = met[len(met) // 2]                       # "now" at x = 0
    tr.set_time(now)
    v.addItem(tr)
    lum = luminance(v.renderToArray((W, H)))
    _, row = project(v, (0, 0, 0))
    band = lum[int(row) - 4: int(row) + 5]

    def peak(x_km):
        col, _ = project(v, (x_km, 0, 0))
        return band[:, int(col) - 1: int(col) + 2].max()

    recent, older = peak(-2.0), peak(-30.0)        # ages 0.26 s and 3.9 s of a 6 s fade
    ahead = peak(10.0)
    gone = peak(-48.0)                             # 6.3 s ago: faded out
    assert recent > 150
    assert recent > 2.5 * ahead and ahead > 25     # ahead faint but visible
    assert recent > older > ahead * 0.5 and older < 0.75 * recent
    assert gone < 3                                # background
    assert lum[: int(row) - 10].max() < 3          # nothing drawn away from the line


def _line_profile(v, tr, half_len):
    arr = v.renderToArray((W, H))
    lum = luminance(arr)
    _, row = project(v, (0, 0, 0))
    c0, _ = project(v, (-0.8 * half_len, 0, 0))
    c1, _ = project(v, (0.8 * half_len, 0, 0))
    return lum[int(row) - 3: int(row) + 4, int(c0): int(c1)].max(axis=0), arr


@pytest.mark.parametrize("scale_km, met0", [(50.0, 0.0), (0.05, 1.2e7)])
def test_modelled_stretch_is_dashed_at_any_zoom(qtbot, scale_km, met0):
    """Same picture 1000× smaller (a 100 m track seen from 100 m, 139 days into the mission):
    dashes of 14–28 px either way, and the same track unmodelled is unbroken."""
    v = make_view(qtbot, dist=2.0 * scale_km)
    pts, met = straight_track(scale_km, met0=met0)
    tr = TrackItem((0.3, 0.9, 1.0, 1.0), width_px=3.0, fade_s=1e9)
    tr.set_track(pts, met, np.ones(len(met), bool))
    tr.set_time(met[-1] + 1.0)                     # all flown
    v.addItem(tr)
    prof, _ = _line_profile(v, tr, scale_km)
    on = prof > 0.5 * prof.max()
    starts, lengths = runs(on)
    assert len(starts) >= 8
    period = np.diff(starts)[1:-1]
    assert period.min() >= DASH_PERIOD_PX - 2 and period.max() <= 2 * DASH_PERIOD_PX + 2
    assert np.ptp(period) <= 2                     # regular
    duty = on.sum() / len(on)
    assert 0.45 < duty < 0.75
    tr.set_track(pts, met, np.zeros(len(met), bool))
    prof, _ = _line_profile(v, tr, scale_km)
    assert (prof > 0.5 * prof.max()).all()


def test_width_in_pixels_and_set_time_uploads_nothing(qtbot):
    v = make_view(qtbot, dist=100.0)
    pts, met = straight_track(50.0)
    tr = TrackItem((1.0, 1.0, 1.0, 1.0), width_px=2.0)
    tr.set_track(pts, met, np.zeros(len(met), bool))
    tr.set_time(met[-1])
    v.addItem(tr)
    col, row = project(v, (-5.0, 0, 0))

    def thickness():
        lum = luminance(v.renderToArray((W, H)))[:, int(col)]
        # coverage-weighted thickness: sum of intensity over the peak
        return lum[int(row) - 10: int(row) + 11].sum() / 255.0

    t2 = thickness()
    assert tr.upload_count == 1
    tr.set_width(8.0)
    t8 = thickness()
    tr.set_time(met[-1] - 100.0)
    thickness()
    assert tr.upload_count == 1                    # width and time are uniforms
    assert t2 == pytest.approx(2.0, abs=0.6)
    assert t8 == pytest.approx(8.0, abs=1.0)
    tr.set_track(pts * 0.5, met, np.zeros(len(met), bool))
    thickness()
    assert tr.upload_count == 2


# --- markers and labels -----------------------------------------------------------------------


def test_markers_round_outlined_over_tracks_and_hidden_behind_opaque_geometry(qtbot):
    v = make_view(qtbot, dist=100.0)
    pts, met = straight_track(50.0)
    tr = TrackItem((0.0, 1.0, 0.0, 1.0), width_px=6.0)
    tr.set_track(pts, met, np.zeros(len(met), bool))
    tr.set_time(met[-1])
    v.addItem(tr)
    # an opaque slab between the camera (+z) and the marker at x = +20 km
    slab = slab_item((20e3, 0, 10e3), (8e3, 8e3, 1e3))
    slab.set_sun_direction((0, 0, 1))
    v.addItem(slab)
    mk = MarkerItem()
    mk.set_points(np.array([[0, 0, 0], [20, 0, 0], [-20, 10, 0]], np.float32),
                  np.array([[1, 0, 0, 1], [1, 0, 0, 1], [0, 0.4, 1, 1]]), np.array([20, 20, 12]))
    v.addItem(mk)
    c = rgb(v.renderToArray((W, H)))
    col, row = map(int, project(v, (0, 0, 0)))
    r, g, b = c[row, col]
    assert r > 240 and g < 10 and b < 10           # the marker, not the green track under it
    # round: 20 px diameter, dark outline at the rim, red inside
    red_row = (c[row, :, 0] > 128) & (c[row, :, 1] < 100)
    s, n = runs(red_row)
    k = np.argmin(np.abs(s + n / 2 - col))
    assert 14 <= n[k] <= 18                        # 20 px minus the 1.5 px outline each side
    rim = c[row, col + 9]
    assert rim.max() < 120 and (rim[1] < 200)      # dark ring, track (green) not showing through
    diag = c[row - 5, col + 5]                     # inside the disc (r = 7.1 px)
    corner = c[row - 9, col + 9]                   # outside the disc (r = 12.7 px)
    assert diag[0] > 200 and corner[0] < 30
    # the slab hides the marker behind it
    col2, row2 = map(int, project(v, (20, 0, 0)))
    assert c[row2, col2, 0] < 200 and abs(c[row2, col2, 0] - c[row2, col2, 1]) < 10
    col3, row3 = map(int, project(v, (-20, 10, 0)))
    assert c[row3, col3, 2] > 200                  # the blue one is visible


def _green_mask(c):
    return (c[..., 1] > 150) & (c[..., 0] < 90) & (c[..., 2] < 90)


def test_labels_in_render_to_array_and_grab_framebuffer_and_occluded(qtbot):
    from PySide6 import QtGui

    w, h = 640, 400
    v = make_view(qtbot, dist=100.0, w=w, h=h)
    lb = LabelItem(font_px=20)
    lb.set_labels([("ISS (Zarya)", np.array([0.0, 0.0, 0.0]), (0.0, 1.0, 0.0))])
    v.addItem(lb)
    col, row = map(int, project(v, (0, 0, 0), w, h))

    def check(c):
        g = _green_mask(c)
        right = g[row - 14: row + 15, col + 10: col + 160].sum()
        assert right > 150                          # text pixels to the right of the anchor
        assert g.sum() == right                     # and nowhere else
        # a dark halo around the text: pixels right next to green ones are dark
        rows, cols = np.nonzero(g)
        i = np.argmax(cols)
        assert c[rows[i], cols[i] + 3].max() < 80

    arr = v.renderToArray((w, h))
    check(rgb(arr))
    img = v.grabFramebuffer().convertToFormat(QtGui.QImage.Format.Format_RGB888)
    grab = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes()).reshape(
        img.height(), img.bytesPerLine())[:, : 3 * img.width()].reshape(img.height(), img.width(), 3)
    assert grab.shape[:2] == (h, w)
    check(grab.astype(np.float64))
    # tiled export (1024 px tiles) with the label across a tile seam at column 1024:
    # identical text to the on-screen frame of the same size
    lb.set_labels([("ISS (Zarya)", np.array([0.0, 0.0, 0.0]), (0.0, 1.0, 0.0)),
                   ("Soyuz MS-19", np.array([31.0, 5.0, 0.0]), (0.0, 1.0, 0.0))])
    v.resize(1280, 720)
    qtbot.waitUntil(lambda: v.width() == 1280)
    big = rgb(v.renderToArray((1280, 720)))
    img = v.grabFramebuffer().convertToFormat(QtGui.QImage.Format.Format_RGB888)
    gb = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes()).reshape(
        img.height(), img.bytesPerLine())[:, : 3 * img.width()].reshape(img.height(), img.width(), 3)
    c2, r2 = map(int, project(v, (31, 5, 0), 1280, 720))
    assert c2 + 10 < 1024 < c2 + 100               # the second label straddles the seam
    ga, gg = _green_mask(big), _green_mask(gb.astype(np.float64))
    assert ga[:, 1000:1024].sum() > 20 and ga[:, 1024:1050].sum() > 20
    assert (ga != gg).sum() <= 0.02 * gg.sum()
    # an occluding sphere between camera (+z) and anchor hides the label; one behind does not
    lb.set_occluder((0.0, 0.0, 30.0), 10.0)
    occluded = _green_mask(rgb(v.renderToArray((1280, 720))))
    assert occluded[:, :900].sum() == 0 and ga[:, :900].sum() > 150
    assert occluded[:, 900:].sum() == ga[:, 900:].sum()    # the other label's ray misses it
    lb.set_occluder((0.0, 0.0, -30.0), 10.0)
    assert _green_mask(rgb(v.renderToArray((1280, 720)))).sum() == ga.sum()


# --- meshes and float precision ---------------------------------------------------------------


def test_station_close_up_does_not_jitter_at_orbital_speed(qtbot):
    """ISS 30 m ahead of the followed Soyuz, both at 7.66 km/s, 6778 km from the Earth's
    centre: frames 0.1 s apart are identical when the offset is formed in float64 by
    ``to_scene``; a float32-first offset (the bug this design avoids) moves the mesh."""
    v = make_view(qtbot, dist=0.11)
    r0 = np.array([4123.456789, -3987.654321, 3912.121212])
    r0 *= 6778.0 / np.linalg.norm(r0)
    vel = np.cross([0.0, 0.0, 1.0], r0)
    vel *= 7.66 / np.linalg.norm(vel)
    ahead = 0.030 * vel / np.linalg.norm(vel)
    from orbitviz.core.station_layout import load_station_layout

    groups = station_groups(load_station_layout())
    iss = SolidItem(groups)
    iss.set_sun_direction(np.array([0.3, -0.4, 0.87]))
    v.addItem(iss)
    rot = np.eye(3)

    def frame(t, naive=False):
        r_soyuz = r0 + vel * t
        r_iss = r_soyuz + ahead
        if naive:
            pos = r_iss.astype(np.float32) - r_soyuz.astype(np.float32)
        else:
            pos = to_scene(r_iss, r_soyuz)
        iss.set_instances([SolidInstance(k, rot, pos) for k in groups])
        return v.renderToArray((W, H)), np.asarray(pos, dtype=np.float64)

    t0 = 1234.5
    a, pa = frame(t0)
    b, pb = frame(t0 + 0.1)
    assert np.array_equal(a, b)
    np.testing.assert_allclose(pa, ahead, atol=1e-9)           # sub-µm offsets
    lum = luminance(a)
    filled = (lum > 8).mean()
    assert 0.08 < filled < 0.8                                 # a sensible part of the frame
    # shading: lit parts bright, not a flat silhouette
    assert np.percentile(lum[lum > 8], 90) > 120
    # the float32-first path is off by decimetres and moves between frames
    na, pna = frame(t0, naive=True)
    nb, pnb = frame(t0 + 0.1, naive=True)
    assert np.abs(pna - pnb).max() > 0.3e-3                    # jumps by > 0.3 m in 0.1 s
    assert not np.array_equal(na, nb)                          # and the picture jitters


def test_labels_of_neighbours_do_not_print_over_each_other(qtbot):
    """The pad under the station at lift-off: two anchors 4 px apart. The second label moves
    (left of its anchor, or a line down) so the two boxes are apart, in a real frame."""
    from orbitviz.render.markers import build_label_atlas, declutter_labels, label_boxes

    atlas = build_label_atlas([("ISS + Soyuz MS-18", (1, 1, 1, 1)),
                               ("Baikonur 31/6", (1, 1, 1, 1))], 18, 3.0)
    anchors = np.array([[100.0, 100.0], [103.0, 97.0]])
    before = label_boxes(anchors, atlas)
    assert before[1, 0] < before[0, 2] and before[1, 3] > before[0, 1]  # they overlap
    shifts = declutter_labels(anchors, atlas)
    assert np.array_equal(shifts[0], [0, 0])  # the first keeps its place
    a, b = label_boxes(anchors, atlas, shifts_px=shifts)
    assert b[0] >= a[2] + 2 or b[2] + 2 <= a[0] or b[1] >= a[3] + 2 or b[3] + 2 <= a[1]
    # a hidden label takes no room
    assert not declutter_labels(anchors, atlas, shown=np.array([False, True])).any()

    w, h = 640, 400
    v = make_view(qtbot, dist=100.0, w=w, h=h)
    lb = LabelItem(font_px=20)
    lb.set_labels([("ISS (Zarya)", np.array([0.0, 0.0, 0.0]), (0.0, 1.0, 0.0)),
                   ("Baikonur", np.array([0.3, -0.3, 0.0]), (0.0, 1.0, 0.0))])
    v.addItem(lb)
    both = _green_mask(rgb(v.renderToArray((w, h)))).sum()
    lb.set_labels([("ISS (Zarya)", np.array([0.0, 0.0, 0.0]), (0.0, 1.0, 0.0))])
    one = _green_mask(rgb(v.renderToArray((w, h)))).sum()
    lb.set_labels([("Baikonur", np.array([0.3, -0.3, 0.0]), (0.0, 1.0, 0.0))])
    other = _green_mask(rgb(v.renderToArray((w, h)))).sum()
    # no text pixel of one hides under the other: the frame has both labels' pixels
    assert both >= 0.97 * (one + other)


def test_a_label_at_the_edge_flips_inward(qtbot):
    """Issue 13: a label whose anchor is near the right edge is drawn left of its anchor,
    whole, instead of running off the picture; in a tiled render too (the placement uses the
    whole picture's edges)."""
    from orbitviz.render.markers import declutter_labels, build_label_atlas
    from orbitviz.ui.viewport import Viewport

    atlas = build_label_atlas([("Soyuz MS-19 + a long name", (1, 1, 1, 1))], 18, 3.0)
    shift = declutter_labels(np.array([[300.0, 0.0]]), atlas, bounds=(-320, -200, 320, 200))
    assert shift[0, 0] < 0  # left of its anchor
    w, h = 640, 400
    v = Viewport()
    v.resize(w, h)
    v.setBackgroundColor((0, 0, 0))
    qtbot.addWidget(v)
    v.show()
    qtbot.waitExposed(v)
    v.set_camera(100.0, 90.0, -90.0)
    lb = LabelItem(font_px=20)
    v.addItem(lb)
    counts = {}
    for name, x in (("middle", 0.0), ("edge", None)):
        if x is None:  # the anchor 15 px from the right edge
            from _frames import project
            xs = np.linspace(0.0, 60.0, 601)
            px = np.array([project(v, (xx, 0.0, 0.0), w, h)[0] for xx in xs])
            x = float(xs[np.argmin(np.abs(px - (w - 15)))])
        lb.set_labels([("Soyuz MS-19", np.array([x, 0.0, 0.0]), (0.0, 1.0, 0.0))])
        mask = _green_mask(rgb(v.renderToArray((w, h))))
        counts[name] = mask.sum()
        if name == "edge":
            cols = np.nonzero(mask.any(axis=0))[0]
            assert cols.max() < w - 15  # all of it left of the anchor, inside the picture
    assert counts["edge"] >= 0.95 * counts["middle"]  # whole, not cut off
