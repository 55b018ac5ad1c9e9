"""The map panel and the map picture (orbitviz.ui.map_panel, orbitviz.ui.map_painter) on the
real mission, read from rendered pixels: the map is drawn, day and night where the Sun puts
them; labels sit on their boxes and never print over each other; markers grow with the pixel
scale; the panel fills its shape, zooms, pans, fits, and the exports' picture is the panel's.
"""

from __future__ import annotations

import shiboken6
import numpy as np
import pytest
from PySide6 import QtCore, QtGui

from _refs import qimage_rgb as _rgb
from orbitviz.core.map_view import fit_view
from orbitviz.core.viewer import ViewerModel
from orbitviz.render.style import COLORS, LABEL_FILL, MAP_BG, SUN_COLOR
from orbitviz.ui.map_panel import MapPanel, map_image, render_map

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture(scope="module")
def model():
    from orbitviz.core.mission import MissionModel

    return MissionModel.build()


@pytest.fixture
def viewer(model, qapp):
    """A viewer with Soyuz MS-19 selected (a QApplication exists: fonts need one)."""
    v = ViewerModel(model, met_s=300.0)
    v.select("soyuz-ms-19")
    return v


def _panel(qtbot, viewer, size=(1200, 600)):
    p = MapPanel(viewer)
    qtbot.addWidget(p)
    p.resize(*size)
    p.show()
    qtbot.waitExposed(p)
    return p


def _drawing(panel) -> QtGui.QImage:
    """The panel's own drawing (its paintEvent) in a 32-bit image: grabs of the screen are
    quantised to the virtual screen's colour depth (16 bits under pytest-xvfb)."""
    img = QtGui.QImage(panel.size(), QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(0)
    panel.render(img)
    return img


def _event(model, eid):
    return next(e.met_s for e in model.events() if e.id == eid)


def _apart(a, b) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def _cover(mask, labels, pad=2):
    """Mark each label's box (and its leader line's extent) on ``mask``, ``pad`` px wider."""
    h, w = mask.shape
    for lb in labels:
        boxes = [lb.box]
        if lb.leader is not None:
            (x0, y0), (x1, y1) = lb.leader
            boxes.append((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
        for x0, y0, x1, y1 in boxes:
            mask[max(int(y0) - pad, 0):min(int(np.ceil(y1)) + pad, h),
                 max(int(x0) - pad, 0):min(int(np.ceil(x1)) + pad, w)] = True
    return mask


def test_the_picture_is_the_map(viewer, qtbot, tmp_path):
    img = map_image(viewer, 300.0, 1200, 600)
    assert (img.width(), img.height()) == (1200, 600)
    assert img.save(str(tmp_path / "map.png"))
    rgb = _rgb(img)
    assert rgb.std() > 30  # a picture, not a blank
    # the ISS track colour (pale blue) and the Soyuz orange are present
    for oid in ("iss", "soyuz-ms-19"):
        ref = np.array([round(c * 255) for c in COLORS[oid][:3]])
        assert np.all(np.abs(rgb - ref) <= 40, axis=-1).sum() > 200, oid
    # the whole world fills the 2:1 picture: the Sahara (23° N 10° E) is at its plate
    # carrée pixel; there at 09:40 UTC (day) against the same place 12 hours later (night)
    x, y = (int(round(float(v))) for v in fit_view(1200, 600).to_px(23.0, 10.0))
    assert (x, y) == (int(round((10.0 + 180.0) / 360.0 * 1200)),
                      int(round((90.0 - 23.0) / 180.0 * 600)))
    day = rgb[y - 8: y + 8, x - 8: x + 8].mean()
    night = _rgb(map_image(viewer, 300.0 + 12 * 3600.0, 1200, 600))[y - 8: y + 8,
                                                                       x - 8: x + 8].mean()
    assert day > 120 and night < 0.6 * day
    panel = _panel(qtbot, viewer, (700, 420))
    assert _rgb(panel.grab().toImage()).std() > 30


def test_the_day_side_is_the_blue_marble_as_shipped(qapp):
    """What the map shows on the day side is the image file, box-averaged, unchanged: a dark
    band there (the flat patch at 60–66° S, 75° W–95° E in day.jpg) is the image's own."""
    from orbitviz.core.assets import asset_path
    from orbitviz.core.mission import MissionModel

    model = MissionModel.build()
    v = ViewerModel(model, met_s=5000.0)
    for layer in ("labels", "track:iss", "track:soyuz-ms-19", "track:soyuz-ms-18"):
        v.set_layer(layer, False)
    w, h = 1080, 540  # 5400 / 5: each map pixel averages 5 × 5 pixels of the file
    drawn = _rgb(map_image(v, 5000.0, w, h))
    src = _rgb(QtGui.QImage(str(asset_path("earth", "day.jpg"))))
    ref = src.reshape(h, 5, w, 5, 3).mean(axis=(1, 3))
    # October: the south is lit; compare 55–70° S, 90° W to 100° E (band and its edges)
    rows = slice(int((90 + 55) / 180 * h), int((90 + 70) / 180 * h))
    cols = slice(int(90 / 360 * w), int(280 / 360 * w))
    diff = np.abs(drawn[rows, cols] - ref[rows, cols])
    assert diff.mean() < 4.0 and np.percentile(diff, 99) < 30


def test_labels_sit_on_their_boxes_and_nothing_else_changes(viewer, tmp_path):
    """Turning labels on changes the pixels inside the labels' boxes only, and in each box
    the map shows through the dark fill between the glyphs."""
    w, h = 1200, 600
    on, labels = render_map(viewer, 16000.0, w, h)
    assert on.save(str(tmp_path / "labels.png"))
    assert {lb.text for lb in labels} >= {"Baikonur"} and len(labels) >= 2
    viewer.set_layer("labels", False)
    off, none = render_map(viewer, 16000.0, w, h)
    assert none == []
    a, b = _rgb(on), _rgb(off)
    changed = np.abs(a - b).max(axis=-1) > 10
    text = (a - b).max(axis=-1) > 40  # the glyphs: brighter than the map they cover
    alpha = LABEL_FILL[3] / 255.0
    for lb in labels:
        x0, y0, x1, y1 = (int(round(v)) for v in lb.box)
        assert text[y0:y1, x0:x1].sum() > 20, lb.text
        boxed = b[y0:y1, x0:x1] * (1 - alpha) + np.array(LABEL_FILL[:3]) * alpha
        through = np.abs(a[y0:y1, x0:x1] - boxed).max(axis=-1) < 14
        assert (through | text[y0:y1, x0:x1]).mean() > 0.6, lb.text
    covered = _cover(np.zeros_like(changed), labels)
    assert changed[~covered].sum() < 10  # nothing anywhere else: no stray box


CROWDED = [0.0, 300.0, 5000.0, 12000.0, "docking", "undocking", "deorbit-burn", "landing"]


@pytest.mark.parametrize("size", [(1200, 600), (700, 420), (480, 500), (330, 165)])
def test_labels_never_overlap(viewer, model, size, tmp_path):
    """At lift-off (Soyuz MS-19 on the pad under its label and Baikonur's), the station with
    a Soyuz beside it, docking, landing (three sites in a few pixels): every label drawn lies
    apart from every other, inside the picture, in panel-sized pictures and an inset; and
    the labels of the mission's objects in view are all drawn."""
    w, h = size
    for when in CROWDED:
        t = _event(model, when) if isinstance(when, str) else when
        img, labels = render_map(viewer, t, w, h, axes=True)
        for i, a in enumerate(labels):
            assert 0 <= a.box[0] and a.box[2] <= w and 0 <= a.box[1] and a.box[3] <= h
            for b in labels[i + 1:]:
                assert _apart(a.box, b.box), (when, a.text, b.text)
        frame = viewer_frame(viewer, t)
        view = fit_view(w, h, frame.focus_lon_deg, frame.focus_lat_deg)
        wanted = {m.label for m in frame.markers if m.label and
                  0 <= float(view.to_px(m.lat_deg, m.lon_deg)[0]) <= w}
        drawn = {lb.text for lb in labels if lb.role == "mission"}
        if w >= 480:
            assert wanted <= drawn, (when, wanted - drawn)
        if w == 480:
            img.save(str(tmp_path / f"labels-{when}.png"))


def viewer_frame(viewer, t):
    from orbitviz.core.map_frame import builder_for

    return builder_for(viewer).frame(t, label_max=50)


def test_a_bigger_picture_scales_the_maps_markers_and_labels(viewer, tmp_path):
    """An inset in a 4K export (pixel scale 2) is the 1080-line inset drawn at twice the
    size: markers, lines and labels grow with it, so it reads the same on a slide."""
    small = map_image(viewer, 5000.0, 480, 240)
    big, big_labels = render_map(viewer, 5000.0, 960, 480, 2.0)
    flat, flat_labels = render_map(viewer, 5000.0, 960, 480)
    big.save(str(tmp_path / "inset-2x.png"))
    ref = np.array([int(SUN_COLOR[i:i + 2], 16) for i in (1, 3, 5)])

    def sun_px(img):
        return int((np.abs(_rgb(img) - ref).max(axis=-1) < 30).sum())

    n_small = sun_px(small)
    assert n_small > 20
    assert 3.0 < sun_px(big) / n_small < 5.0
    assert 0.6 < sun_px(flat) / n_small < 1.5
    # label boxes twice as tall
    hb = np.median([lb.box[3] - lb.box[1] for lb in big_labels])
    hf = np.median([lb.box[3] - lb.box[1] for lb in flat_labels])
    assert hb / hf == pytest.approx(2.0, rel=0.15)
    with pytest.raises(ValueError):
        map_image(viewer, 5000.0, 480, 240, pixel_scale=0.0)


@pytest.mark.parametrize("size", [(614, 307), (500, 400), (900, 300)])
def test_the_inset_is_the_panels_drawing(qtbot, viewer, size):
    """The exports' picture of the map at the panel's size is the panel's drawing (but for
    the panel's tick labels along its left and bottom edges)."""
    w, h = size
    viewer.clock.seek(5000.0)
    panel = _panel(qtbot, viewer, size)
    shown = _rgb(_drawing(panel))
    inset = _rgb(map_image(viewer, 5000.0, w, h))
    assert shown.shape == inset.shape
    axes = _cover(np.zeros(shown.shape[:2], bool),
                  [lb for lb in panel.painted_labels() if lb.role == "axis"])
    axes[:, :8] = True  # the tick marks
    axes[-8:, :] = True
    diff = np.abs(shown - inset).max(axis=-1)
    assert diff[~axes].mean() < 1.0 and (diff[~axes] > 40).mean() < 0.002


def test_the_map_fills_its_panel(qtbot, viewer):
    """No band of background beside or above the world, whatever the panel's shape."""
    bg = np.array([int(MAP_BG[i:i + 2], 16) for i in (1, 3, 5)])
    for size in ((480, 500), (1200, 300), (300, 600)):
        panel = _panel(qtbot, viewer, size)
        rgb = _rgb(_drawing(panel))
        is_bg = np.abs(rgb - bg).max(axis=-1) <= 2
        assert is_bg.all(axis=1).sum() == 0 and is_bg.all(axis=0).sum() == 0, size
        assert is_bg.mean() < 0.01
        panel.close()


def test_wheel_zoom_drag_pan_and_double_click_fit(qtbot, viewer):
    panel = _panel(qtbot, viewer, (600, 400))
    fitted = panel.map_view()
    pos = QtCore.QPointF(450.0, 120.0)
    lat, lon = fitted.to_geo(pos.x(), pos.y())
    ev = QtGui.QWheelEvent(pos, panel.mapToGlobal(pos), QtCore.QPoint(), QtCore.QPoint(0, 240),
                           QtCore.Qt.MouseButton.NoButton, QtCore.Qt.KeyboardModifier.NoModifier,
                           QtCore.Qt.ScrollPhase.NoScrollPhase, False)
    QtCore.QCoreApplication.sendEvent(panel, ev)
    z = panel.map_view()
    assert z.zoom == pytest.approx(1.25 ** 2)
    x, y = z.to_px(lat, lon)
    assert (float(x), float(y)) == pytest.approx((450.0, 120.0))  # zoomed about the mouse
    start, end = QtCore.QPoint(300, 200), QtCore.QPoint(340, 230)
    qtbot.mousePress(panel, QtCore.Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(panel, QtCore.QPoint(320, 215))
    qtbot.mouseMove(panel, end)
    qtbot.mouseRelease(panel, QtCore.Qt.MouseButton.LeftButton, pos=end)
    la, lo = z.to_geo(300, 200)
    x, y = panel.map_view().to_px(la, lo)
    assert (float(x), float(y)) == pytest.approx((340.0, 230.0))  # the map followed the mouse
    assert viewer.selected == "soyuz-ms-19"  # a drag selects nothing
    qtbot.mouseDClick(panel, QtCore.Qt.MouseButton.LeftButton, pos=end)
    assert panel.map_view() == fitted


def test_a_click_on_a_marker_selects_it(qtbot, viewer):
    viewer.clock.seek(5000.0)
    panel = _panel(qtbot, viewer, (800, 400))
    assert viewer.selected == "soyuz-ms-19"
    got = []
    viewer.events.selection.connect(got.append)
    m = panel.frame().marker("iss")
    x, y = panel.map_view().to_px(m.lat_deg, m.lon_deg)
    qtbot.mouseClick(panel, QtCore.Qt.MouseButton.LeftButton,
                     pos=QtCore.QPoint(int(round(float(x))) + 2, int(round(float(y))) - 2))
    assert viewer.selected == "iss" and got == ["iss"]
    # open sea far from everything: nothing
    x, y = panel.map_view().to_px(-40.0, -140.0)
    qtbot.mouseClick(panel, QtCore.Qt.MouseButton.LeftButton,
                     pos=QtCore.QPoint(int(float(x)), int(float(y))))
    assert viewer.selected == "iss" and got == ["iss"]


def test_the_panel_follows_the_viewer_and_lets_go_when_destroyed(qtbot, viewer, model):
    ev = viewer.events
    before = {n: len(getattr(ev, n)) for n in ("time", "selection", "catalog", "scenario",
                                                "view")}
    panel = _panel(qtbot, viewer, (600, 300))
    assert all(len(getattr(ev, n)) == before[n] + 1 for n in before)
    viewer.clock.seek(5000.0)
    s = model.object_state("iss", 5000.0)
    m = panel.frame().marker("iss")
    assert (m.lat_deg, m.lon_deg) == pytest.approx((s.lat_deg, s.lon_deg), abs=1e-6)
    viewer.set_layer("track:iss", False)
    assert panel.frame().track("iss") is None
    shiboken6.delete(panel)
    assert {n: len(getattr(ev, n)) for n in before} == before
    viewer.clock.seek(6000.0)  # nothing calls into the deleted panel


def test_a_tick_is_cheap(qtbot, viewer):
    """Following the clock: a seek and the frame it draws (the data; measured on these
    2-core machines at about 1 ms)."""
    import time

    panel = _panel(qtbot, viewer, (700, 420))
    times = []
    for k in range(40):
        t0 = time.perf_counter()
        viewer.clock.seek(20_000.0 + 37.0 * k)
        panel.frame()
        times.append(time.perf_counter() - t0)
    assert float(np.median(times)) < 0.010
