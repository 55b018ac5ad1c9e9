"""The ground-track map (orbitviz.ui.groundtrack) on the real mission model and a real clock.

The markers sit at the core's latitude/longitude for the clock's time and move with it; the
terminator curve is the core's terminator of the core's sub-solar point; the tracks never
draw across the map; a rendered image shows the map, the night side and the tracks.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from _refs import qimage_rgb as _rgb
from orbitviz.core.clock import SimulationClock
from orbitviz.core.groundtrack import angular_distance_deg, terminator
from orbitviz.core.mission import MissionModel
from orbitviz.core.viewstate import ViewState
from orbitviz.render.style import COLORS
from orbitviz.ui.groundtrack import LABEL_FILL, SUN_COLOR, GroundTrackPanel

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture(scope="module")
def model():
    return MissionModel.build()


@pytest.fixture
def clock(model):
    return SimulationClock(*model.window, met_s=300.0)


@pytest.fixture
def panel(qtbot, model, clock):
    p = GroundTrackPanel(model, clock, ViewState())
    qtbot.addWidget(p)
    p.resize(1200, 600)
    p.show()
    qtbot.waitExposed(p)
    return p


def _event(model, eid):
    return next(e.met_s for e in model.events() if e.id == eid)


def test_markers_at_core_positions_and_follow_clock(panel, model, clock):
    for t in (300.0, 5000.0, 500_000.0):
        clock.seek(t)
        shown = panel.marker_positions()
        s = model.object_state("iss", t)
        assert shown["iss"][0] == pytest.approx(s.lat_deg, abs=1e-6)
        assert shown["iss"][1] == pytest.approx(s.lon_deg, abs=1e-6)
    # Soyuz MS-19 in free flight has its own marker, at its own position
    clock.seek(5000.0)
    s19 = model.object_state("soyuz-ms-19", 5000.0)
    assert panel.marker_positions()["soyuz-ms-19"] == pytest.approx((s19.lat_deg, s19.lon_deg),
                                                                     abs=1e-6)
    # moving the clock by 10 minutes moves the ISS marker by ~4,600 km (about 40° of arc)
    before = panel.marker_positions()["iss"]
    clock.seek(5600.0)
    after = panel.marker_positions()["iss"]
    moved = float(angular_distance_deg(before[0], before[1], after[0], after[1]))
    assert 35.0 < moved < 45.0


def test_docked_vehicles_are_drawn_as_the_station(panel, model, clock):
    clock.seek(_event(model, "docking") + 600.0)
    shown = panel.marker_positions()
    assert set(shown) == {"iss"}
    assert "MS-19" in panel.labels["iss"].textItem.toPlainText()
    x, _ = panel.past_curves["soyuz-ms-19"].getData()
    # its flown track ends at the docking (no later points along the station's orbit)
    assert x is not None and np.isfinite(x).sum() > 10
    clock.seek(_event(model, "undocking") + 1200.0)
    assert set(panel.marker_positions()) == {"iss", "soyuz-ms-18"}


def test_terminator_is_the_cores(panel, model, clock):
    for t in (300.0, _event(model, "docking")):
        clock.seek(t)
        slat, slon = (float(v) for v in model.sun.subsolar_point(t))
        ref = terminator(slat, slon)
        x, y = panel.terminator_curve.getData()
        np.testing.assert_array_equal(x, ref.lon_deg)
        np.testing.assert_array_equal(y, ref.lat_deg)
        sx, sy = panel.sun_point.getData()
        assert (float(sy[0]), float(sx[0])) == pytest.approx((slat, slon), abs=1e-9)
        path = panel.night.path()
        pts = np.array([(path.elementAt(i).x, path.elementAt(i).y)
                        for i in range(path.elementCount())])
        ref_pts = np.column_stack([ref.night_lon_deg, ref.night_lat_deg])
        np.testing.assert_allclose(pts[: len(ref_pts)], ref_pts, atol=1e-9)
        assert not path.contains(QPointF(slon, slat))  # the sub-solar point is lit
        assert path.contains(QPointF(0.0, 89.0))  # October: the north pole is dark


def test_tracks_never_cross_the_map(panel, model, clock):
    for t in (300.0, 5000.0, 12000.0, _event(model, "deorbit-burn")):
        clock.seek(t)
        for curves in (panel.past_curves, panel.future_curves):
            for oid, item in curves.items():
                x, y = item.getData()
                if x is None or len(x) < 2:
                    continue
                d = np.abs(np.diff(x))
                finite = np.isfinite(d)
                assert np.all(d[finite] <= 180.0), oid
                assert np.nanmax(np.abs(x)) <= 180.0
    # the ISS shows one orbit behind and one ahead: ~360° − 22.5° of longitude each way
    clock.seek(50_000.0)
    for curves in (panel.past_curves, panel.future_curves):
        x, _ = curves["iss"].getData()
        span = np.nansum(np.abs(np.diff(x))[np.abs(np.diff(x)) < 180.0])
        assert 330.0 < span < 400.0


def test_tick_is_cheap(panel, clock):
    times = []
    for k in range(40):
        t0 = time.perf_counter()
        clock.seek(20_000.0 + 37.0 * k)
        times.append(time.perf_counter() - t0)
    assert float(np.median(times)) < 0.010  # a few ms on these 2-core machines


def test_render_image_is_the_map(panel, model, clock, tmp_path):
    clock.seek(300.0)
    img = panel.render_image(1200, 600)
    assert (img.width(), img.height()) == (1200, 600)
    assert img.save(str(tmp_path / "map.png"))
    rgb = _rgb(img)
    assert rgb.std() > 30  # a picture, not a blank
    # the ISS track colour (pale blue) and the Soyuz orange are present
    for oid in ("iss", "soyuz-ms-19"):
        ref = np.array([round(c * 255) for c in COLORS[oid][:3]])
        near = np.all(np.abs(rgb - ref) <= 40, axis=-1).sum()
        assert near > 200, oid
    # the whole world fills the 2:1 picture: the Sahara (23° N 10° E) is at its plate
    # carrée pixel; there at 09:40 UTC (day) against the same place 12 hours later (night)
    x, y = (int(round(v)) for v in panel.image_point(23.0, 10.0, 1200, 600))
    assert (x, y) == (int(round((10.0 + 180.0) / 360.0 * 1200)),
                      int(round((90.0 - 23.0) / 180.0 * 600)))
    day = rgb[y - 8: y + 8, x - 8: x + 8].mean()
    clock.seek(300.0 + 12 * 3600.0)
    night = _rgb(panel.render_image(1200, 600))[y - 8: y + 8, x - 8: x + 8].mean()
    assert day > 120 and night < 0.6 * day
    grab = panel.plot_widget.grab().toImage()
    assert _rgb(grab).std() > 30


def test_a_soyuz_close_to_the_station_shares_its_label(qtbot):
    """In final approach (83 m away) the Soyuz is named in the station's label, not over it."""
    from orbitviz.core.clock import SimulationClock
    from orbitviz.core.mission import MissionModel
    from orbitviz.core.viewstate import ViewState
    from orbitviz.ui.groundtrack import GroundTrackPanel

    model = MissionModel.build()
    clock = SimulationClock(*model.window, met_s=12000.0)
    panel = GroundTrackPanel(model, clock, ViewState())
    qtbot.addWidget(panel)
    panel.resize(800, 400)
    panel.show()
    qtbot.waitExposed(panel)
    panel.refresh()
    assert not panel.labels["soyuz-ms-19"].isVisible()
    assert "Soyuz MS-19 close by" in panel.labels["iss"].toPlainText()
    clock.seek(5000.0)  # 600 km apart: each has its own label
    panel.refresh()
    assert panel.labels["soyuz-ms-19"].isVisible()


def test_label_boxes_are_drawn_behind_their_text_in_a_first_render(qtbot, tmp_path):
    """The empty dark box over Greenland at T+3 h 20 min: a label painted for the first time
    in ``render_image`` (exports, the inset) drew its box at its scene position in the
    picture instead of behind its text. Here the labels' first paint is such a render (at
    T+4 h 27 min, the station over the Atlantic, its label well apart from Baikonur's):
    turning labels on changes the pixels behind each label's text, all of them, and no
    others."""
    model = MissionModel.build()
    clock = SimulationClock(*model.window, met_s=16000.0)
    panel = GroundTrackPanel(model, clock, ViewState())  # never shown: nothing painted yet
    qtbot.addWidget(panel)
    w, h = 1200, 600
    on = panel.render_image(w, h)
    assert on.save(str(tmp_path / "labels-first-render.png"))
    shown = [lbl for lbl in [*panel.labels.values(), *panel.site_labels.values()]
             if lbl.isVisible()]
    assert {lbl.toPlainText() for lbl in shown} >= {"Baikonur"} and len(shown) >= 2
    # (the panel was never laid out on screen: labels may sit on the other side of their
    # marker on screen than in the picture, so their boxes are found from their text)
    panel.view_state.layers["labels"] = False
    panel.refresh()
    off = panel.render_image(w, h)
    a, b = _rgb(on), _rgb(off)
    changed = np.abs(a - b).max(axis=-1) > 10
    text = (a - b).max(axis=-1) > 40  # the glyphs: brighter than the map they cover
    # each label's text in the picture, found near its map position (its box may sit
    # right or left of it, above or below); its box must be behind it, all of it
    covered = np.zeros_like(changed)
    for lbl in shown:
        x, y = (int(v) for v in panel.image_point(lbl.pos().y(), lbl.pos().x(), w, h))
        r = lbl.boundingRect()
        mx, my = int(1.2 * r.width()) + 6, int(1.2 * r.height()) + 6
        region = np.zeros_like(text)
        region[max(y - my, 0):y + my, max(x - mx, 0):x + mx] = True
        ys, xs = np.nonzero(text & region)
        assert len(xs) > 20, lbl.toPlainText()
        x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
        # between the glyphs: the map seen through the label's dark box
        alpha = LABEL_FILL[3] / 255.0
        boxed = b[y0:y1, x0:x1] * (1 - alpha) + np.array(LABEL_FILL[:3]) * alpha
        through = np.abs(a[y0:y1, x0:x1] - boxed).max(axis=-1) < 14
        assert (through | text[y0:y1, x0:x1]).mean() > 0.6, lbl.toPlainText()
        covered[max(y0 - 10, 0):y1 + 10, max(x0 - 10, 0):x1 + 10] = True  # + its margins
    assert changed[~covered].sum() < 10  # nothing anywhere else: no stray box


def test_a_bigger_picture_scales_the_maps_markers_and_labels(panel, clock, tmp_path):
    """An inset in a 4K export (pixel scale 2) is the 1080-line inset drawn at twice the
    size: markers, lines and labels grow with it, so it reads the same on a slide."""
    clock.seek(5000.0)
    small_img = panel.render_image(480, 240)
    big = panel.render_image(960, 480, pixel_scale=2.0)
    flat = panel.render_image(960, 480)
    big.save(str(tmp_path / "inset-2x.png"))
    # the sub-solar marker, a disc of fixed pixel size: four times the pixels at scale 2
    # in the big picture (twice as wide), the same number at scale 1
    ref = np.array([int(SUN_COLOR[i:i + 2], 16) for i in (1, 3, 5)])

    def sun_px(img):
        return int((np.abs(_rgb(img) - ref).max(axis=-1) < 30).sum())

    n_small = sun_px(small_img)
    assert n_small > 20
    assert 3.0 < sun_px(big) / n_small < 5.0
    assert 0.6 < sun_px(flat) / n_small < 1.5
    with pytest.raises(ValueError):
        panel.render_image(480, 240, pixel_scale=0.0)
