"""Side panels (layers, readouts, rendezvous) on the real mission model and a real clock.

Readouts show what the core's ``snapshot`` gives (parsed back from the text, to display
precision), the "modelled" badge for modelled phases and the element set for the ISS; the
rendezvous panel's marker sits at ``lvlh_relative`` at the clock's time, its burn markers
at the burns; the layers panel writes the ViewState and emits ``changed``. Each panel is
grabbed to a PNG and checked for its colours.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6 import QtCore, QtGui

from orbitviz.core.formatting import LAYER_NAMES, PHASE_NAMES
from orbitviz.core.mission import MissionModel
from orbitviz.core.relative import curvilinear_at, lvlh_relative
from orbitviz.core.viewer import ViewerModel
from orbitviz.core.viewstate import LAYERS, ViewState
from orbitviz.render.style import BADGE_BG, CURSOR_COLOR, SOYUZ_COLOR
from orbitviz.ui.layers_panel import LayersPanel
from orbitviz.ui.readouts_panel import ReadoutsPanel
from orbitviz.ui.rendezvous_panel import RendezvousPanel

SOYUZ = "soyuz-ms-19"

# Shown widgets on Qt's offscreen platform (no Xvfb) warn about an unsupported size hint.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture(scope="module")
def model():
    return MissionModel.build()


@pytest.fixture
def viewer(model):
    return ViewerModel(model, met_s=0.0)


@pytest.fixture
def clock(viewer):
    return viewer.clock


def _readouts(viewer, selected):
    viewer.select(selected)
    return ReadoutsPanel(viewer)


def _event(model, eid):
    return next(e.met_s for e in model.events() if e.id == eid)


def _number(text):
    return float(re.search(r"-?\d[\d,]*\.?\d*", text).group(0).replace(",", ""))


def _lat(text):
    v = _number(text)
    return -v if text.strip().endswith("S") else v


def _lon(text):
    v = _number(text)
    return -v if text.strip().endswith("W") else v


def _alt_km(text):
    v = _number(text)
    return v / 1000.0 if text.strip().endswith(" m") else v


def _count_color(image: QtGui.QImage, hex_color: str, tol: int = 40) -> int:
    """Pixels of ``image`` within ``tol`` (per channel) of ``hex_color``."""
    img = image.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    w, h = img.width(), img.height()
    arr = np.frombuffer(img.constBits(), dtype=np.uint8,
                        count=img.bytesPerLine() * h).reshape(h, img.bytesPerLine())
    rgb = arr[:, : w * 3].reshape(h, w, 3).astype(int)
    c = QtGui.QColor(hex_color)
    ref = np.array([c.red(), c.green(), c.blue()])
    return int(np.all(np.abs(rgb - ref) <= tol, axis=-1).sum())


# --- readouts ------------------------------------------------------------------------------

@pytest.mark.parametrize("oid, met_s", [
    ("iss", 5000.0), (SOYUZ, -600.0), (SOYUZ, 300.0), (SOYUZ, 5000.0), (SOYUZ, 12000.0),
    (SOYUZ, 40000.0), ("soyuz-ms-18", 1_019_000.0), ("soyuz-ms-18", 1_022_000.0),
])
def test_readouts_show_the_snapshot(qtbot, model, clock, viewer, oid, met_s):
    """Latitude, longitude, altitude, speed and phase as the core's snapshot gives them,
    to display precision, after the clock moves to ``met_s``."""
    panel = _readouts(viewer, oid)
    qtbot.addWidget(panel)
    clock.seek(met_s)
    snap = model.snapshot(met_s)["objects"][oid]
    assert panel.title.text() == snap["name"]
    assert abs(_lat(panel.text("lat")) - snap["lat_deg"]) <= 0.0005 + 1e-9
    dlon = (_lon(panel.text("lon")) - snap["lon_deg"] + 180.0) % 360.0 - 180.0
    assert abs(dlon) <= 0.0005 + 1e-9
    alt_tol = 0.0005 if abs(snap["alt_km"]) < 1.0 else 0.05
    assert abs(_alt_km(panel.text("alt")) - snap["alt_km"]) <= alt_tol + 1e-9
    assert abs(_number(panel.text("speed")) - snap["speed_km_s"]) <= 0.0005 + 1e-9
    assert panel.text("phase") == PHASE_NAMES[snap["phase"]]


def test_readouts_phase_names_at_known_times(qtbot, model, clock, viewer):
    """Soyuz MS-19: on the pad before lift-off, ascending at T+5 min, in free flight at
    T+1 h, on final approach after the Kurs failure, docked after 12:22:31."""
    panel = _readouts(viewer, SOYUZ)
    qtbot.addWidget(panel)
    t_kurs, t_dock = _event(model, "kurs-failure"), _event(model, "docking")
    for t, expect in [(-60.0, "On the pad"), (300.0, "Ascent"), (3600.0, "Free flight"),
                      (t_kurs + 60.0, "Final approach"), (t_dock + 60.0, "Docked")]:
        clock.seek(t)
        assert panel.text("phase") == expect, t


def test_readouts_badge_and_source(qtbot, model, clock, viewer):
    """Modelled phases show the MODELLED badge and "model"; the ISS shows its element set
    file and age and no badge; the docked Soyuz rides the station's element set."""
    panel = _readouts(viewer, SOYUZ)
    qtbot.addWidget(panel)
    panel.show()
    clock.seek(5000.0)
    assert panel.badge.isVisibleTo(panel)
    assert panel.text("source").startswith("model")
    img = panel.grab().toImage()
    assert _count_color(img, BADGE_BG, tol=12) > 150  # the orange badge is drawn

    viewer.select("iss")
    assert not panel.badge.isVisibleTo(panel)
    tle = model.tle_info(5000.0)
    assert tle["file"] in panel.text("source")
    # the age as shown: the 8 Oct set is 3 d 5 h after this instant
    days, rem = divmod(abs(tle["age_s"]), 86400.0)
    assert f"{int(days)} d {int(rem // 3600)} h" in panel.text("source")
    assert _count_color(panel.grab().toImage(), BADGE_BG, tol=12) == 0

    viewer.select(SOYUZ)
    clock.seek(_event(model, "docking") + 3600.0)
    assert not panel.badge.isVisibleTo(panel)
    assert model.tle_info(clock.met_s)["file"] in panel.text("source")


def test_readouts_range_and_closing_during_the_rendezvous(qtbot, model, clock, viewer):
    """Between separation and docking the Soyuz readout adds range and closing speed;
    the range equals the distance between the snapshot's two GCRS positions."""
    panel = _readouts(viewer, SOYUZ)
    qtbot.addWidget(panel)
    panel.show()
    for t in (5000.0, 9500.0, 12000.0):
        clock.seek(t)
        objs = model.snapshot(t)["objects"]
        d_m = np.linalg.norm(np.subtract(objs[SOYUZ]["r_gcrs_km"],
                                         objs["iss"]["r_gcrs_km"])) * 1000.0
        text = panel.text("range")
        shown_m = _number(text) * (1000.0 if text.endswith("km") else 1.0)
        assert shown_m == pytest.approx(d_m, rel=2e-3, abs=0.06)
        assert panel.values["range"].isVisibleTo(panel)
        assert "m/s" in panel.text("closing")
    # final approach: slow, closing
    clock.seek(12000.0)
    assert 0.0 < _number(panel.text("closing")) < 0.3
    clock.seek(_event(model, "docking") + 600.0)
    assert not panel.values["range"].isVisibleTo(panel)
    viewer.select("iss")
    clock.seek(5000.0)
    assert not panel.values["range"].isVisibleTo(panel)


def test_readouts_chooser_emits_selection(qtbot, model, clock, viewer):
    panel = _readouts(viewer, "iss")
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.selection_changed) as sig:
        panel.chooser.setCurrentIndex(panel.chooser.findData("soyuz-ms-18"))
    assert sig.args == ["soyuz-ms-18"]
    assert panel.title.text() == "Soyuz MS-18"


# --- rendezvous ---------------------------------------------------------------------------

@pytest.mark.parametrize("met_s, mode", [(5000.0, "far"), (10300.0, "close"),
                                         (12000.0, "final"), (12300.0, "close")])
def test_marker_follows_the_clock(qtbot, model, clock, viewer, met_s, mode):
    """The current-position marker is at the Soyuz's LVLH position at the clock's time:
    (x, −z) in metres close in; (along-track arc, height) in km in the far view; the time
    cursors of both time plots sit at the clock's time."""
    panel = RendezvousPanel(viewer)
    qtbot.addWidget(panel)
    if mode == "close" and met_s > 12000.0:
        panel.set_mode("close")  # a chosen zoom overrides Auto
    clock.seek(met_s)
    assert panel.shown_mode == mode
    x, y = panel.marker_position()
    if mode == "far":
        along, _, up = curvilinear_at(model, SOYUZ, met_s)
        assert x == pytest.approx(along[0] / 1000.0, abs=1e-9)
        assert y == pytest.approx(up[0] / 1000.0, abs=1e-9)
    else:
        pos, _ = lvlh_relative(model, SOYUZ, met_s)
        assert x == pytest.approx(pos[0, 0], abs=1e-6)
        assert y == pytest.approx(-pos[0, 2], abs=1e-6)
    for cursor in panel.cursors:
        assert cursor.value() == pytest.approx(met_s)
    # the range plot's marker: the range in km at that time
    xs, ys = panel.range_marker.getOriginalDataset()  # getData() gives log10 here
    pos, _ = lvlh_relative(model, SOYUZ, met_s)
    assert xs[0] == pytest.approx(met_s)
    assert ys[0] == pytest.approx(np.linalg.norm(pos[0]) / 1000.0, rel=1e-9)


def test_marker_hidden_before_separation(qtbot, model, clock, viewer):
    panel = RendezvousPanel(viewer)
    qtbot.addWidget(panel)
    clock.seek(200.0)
    assert panel.marker_position() is None
    assert "not separated" in panel.status.text()
    clock.seek(5000.0)
    assert panel.marker_position() is not None


@pytest.mark.parametrize("mode", ["far", "close", "final"])
def test_burn_markers_at_the_burn_times(qtbot, model, clock, viewer, mode):
    """Burn stars sit at the Soyuz's position at each burn time the mode's stretch shows;
    the time plots carry a span over each of the six burns, from its event time."""
    panel = RendezvousPanel(viewer)
    qtbot.addWidget(panel)
    panel.set_mode(mode)
    burns = [(f"rendezvous-burn-{k}", _event(model, f"rendezvous-burn-{k}")) for k in range(1, 7)]
    first = {"far": 1, "close": 4, "final": 6}[mode]
    shown = [t for bid, t in burns if int(bid[-1]) >= first]
    xs, ys = panel.burn_points.getData()
    assert len(xs) == len(shown)
    t = np.array(shown)
    if mode == "far":
        along, _, up = curvilinear_at(model, SOYUZ, t)
        ex, ey = along / 1000.0, up / 1000.0
    else:
        pos, _ = lvlh_relative(model, SOYUZ, t)
        ex, ey = pos[:, 0], -pos[:, 2]
    np.testing.assert_allclose(xs, ex, atol=1e-6)
    np.testing.assert_allclose(ys, ey, atol=1e-6)
    info = {b["id"]: b for b in model.objects[SOYUZ].info["rendezvous"]["burns"]}
    for bid, tb in burns:
        spans = panel.burn_spans[bid]
        assert len(spans) == 2  # range plot and altitude plot
        for span in spans:  # from the event's time over the burn's duration
            lo, hi = span.getRegion()
            assert lo == pytest.approx(tb) and hi - lo == pytest.approx(info[bid]["duration_s"])
            assert hi > lo  # every burn is finite (issue 10)


def test_rendezvous_panel_draws(qtbot, model, clock, viewer, tmp_path):
    """A grab of the panel shows the orange path and the cyan time cursor on a dark plot."""
    panel = RendezvousPanel(viewer)
    qtbot.addWidget(panel)
    panel.resize(700, 900)
    panel.show()
    qtbot.waitExposed(panel)
    clock.seek(5000.0)
    qtbot.wait(50)
    img = panel.grab().toImage()
    img.save(str(tmp_path / "rendezvous.png"))
    assert img.width() >= 700 and img.height() >= 900
    assert _count_color(img, SOYUZ_COLOR) > 1500
    assert _count_color(img, CURSOR_COLOR, tol=30) > 300
    assert _count_color(img, "#12161c", tol=6) > 0.3 * img.width() * img.height()


# --- layers ---------------------------------------------------------------------------------

def test_layers_panel_lists_every_layer_with_its_name(qtbot, model):
    vs = ViewState()
    panel = LayersPanel(ViewerModel(model, vs))
    qtbot.addWidget(panel)
    for layer in LAYERS:
        box = panel.checkbox(layer)
        assert box.text().replace("&&", "&") == LAYER_NAMES[layer]
        assert box.isChecked()
    assert panel.radio("earth-fixed").isChecked()
    assert not panel.radio("inertial").isChecked()


def _click(qtbot, button):
    """A left click on a check box's or radio button's indicator."""
    pos = QtCore.QPoint(min(8, button.width() // 2), button.height() // 2)
    qtbot.mouseClick(button, QtCore.Qt.MouseButton.LeftButton, pos=pos)


def test_layers_panel_writes_view_state_and_emits(qtbot, model):
    vs = ViewState()
    panel = LayersPanel(ViewerModel(model, vs))
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    for layer in ("stars", "track:soyuz-ms-18", "grid"):
        with qtbot.waitSignal(panel.changed, timeout=1000):
            _click(qtbot, panel.checkbox(layer))
        assert vs.layers[layer] is False
        assert not vs.visible(layer)
    assert sum(not v for v in vs.layers.values()) == 3
    with qtbot.waitSignal(panel.changed, timeout=1000):
        _click(qtbot, panel.checkbox("stars"))
    assert vs.layers["stars"] is True
    with qtbot.waitSignal(panel.changed, timeout=1000):
        _click(qtbot, panel.radio("inertial"))
    assert vs.frame == "inertial"
    with qtbot.waitSignal(panel.changed, timeout=1000):
        _click(qtbot, panel.radio("earth-fixed"))
    assert vs.frame == "earth-fixed"


def test_layers_panel_follows_state_set_elsewhere(qtbot, model):
    """``sync_from_state`` shows a view state changed elsewhere and emits nothing."""
    vs = ViewState()
    viewer = ViewerModel(model, vs)
    panel = LayersPanel(viewer)
    qtbot.addWidget(panel)
    vs.layers["atmosphere"] = False
    vs.frame = "inertial"
    with qtbot.assertNotEmitted(panel.changed):
        panel.sync_from_state()
    assert not panel.checkbox("atmosphere").isChecked()
    assert panel.radio("inertial").isChecked()
    assert vs.frame == "inertial" and vs.layers["atmosphere"] is False


def test_track_span_is_set_in_orbits(qtbot, model):
    from orbitviz.core.viewstate import ORBIT_S, ViewState

    state = ViewState()
    panel = LayersPanel(ViewerModel(model, state))
    qtbot.addWidget(panel)
    assert panel.span_spin("track_behind_s").value() == pytest.approx(1.0)
    with qtbot.waitSignal(panel.changed):
        panel.span_spin("track_ahead_s").setValue(2.5)
    assert state.track_ahead_s == pytest.approx(2.5 * ORBIT_S)
    assert state.track_behind_s == pytest.approx(ORBIT_S)


def test_rendezvous_panel_texts_never_overlap(qtbot, model, viewer):
    """At the default dock size and a small one: the burn labels over the range plot are
    apart (grouped when close), and no text widget overlaps another."""
    from PySide6 import QtWidgets

    panel = RendezvousPanel(viewer)
    qtbot.addWidget(panel)
    for w, h in ((480, 900), (330, 900)):
        panel.resize(w, max(h, panel.minimumSizeHint().height()))
        panel.show()
        qtbot.wait(30)
        boxes = [lbl.sceneBoundingRect() for lbl in panel._burn_labels]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert not a.intersects(b), (w, a, b)
        texts = [c for c in panel.findChildren(QtWidgets.QLabel) if c.isVisible()]
        geoms = [(c, c.geometry().translated(c.parentWidget().mapTo(panel, QtCore.QPoint())))
                 for c in texts]
        for i, (ca, a) in enumerate(geoms):
            for cb, b in geoms[i + 1:]:
                if ca.parentWidget() is cb.parentWidget():
                    assert not a.intersects(b), (ca.text()[:30], cb.text()[:30])
    table = panel.burn_table.text()
    for b in model.objects[SOYUZ].info["rendezvous"]["burns"]:
        assert f"{b['dv_solved_m_s']:.1f} m/s" in table  # solved Δv beside the published one
        if b["dv_published_m_s"] is not None:
            assert f"{b['dv_published_m_s']:.1f} m/s" in table


def test_readouts_list_your_objects(qtbot, model, viewer, tmp_path):
    """Issue 13: your own objects are in the Readouts list and can be chosen there."""
    from orbitviz.core.assets import asset_path
    from orbitviz.core.catalog import load_element_files

    path = tmp_path / "mine.tle"
    path.write_text(asset_path("tle", "iss-21277.86166359.tle").read_text())
    cat, _ = load_element_files([path], model.axis)
    panel = ReadoutsPanel(viewer)
    qtbot.addWidget(panel)
    viewer.set_catalog(cat)
    items = [panel.chooser.itemData(i) for i in range(panel.chooser.count())]
    assert items[:3] == ["iss", SOYUZ, "soyuz-ms-18"] and items[-1] == "iss-zarya"
    panel.chooser.setCurrentIndex(panel.chooser.findData("iss-zarya"))
    assert viewer.selected == "iss-zarya"
    assert panel.title.text() == "ISS (ZARYA) (your set)"
