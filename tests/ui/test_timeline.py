"""The timeline scrubber and time controls, driven as a user would (pytest-qt), on the
real mission model. Times are met_s (TT seconds from lift-off); pixels are logical."""

import datetime as dt
import math
import time

import pytest

pytest.importorskip("pytestqt")

# the offscreen platform (no Xvfb) warns that it cannot size, raise or grab windows
pytestmark = pytest.mark.qt_log_ignore("^This plugin does not support")

from PySide6 import QtCore, QtGui, QtWidgets  # noqa: E402
from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402

from orbitviz.core.mission import MissionModel  # noqa: E402
from orbitviz.core.timeaxis import TimeParseError, format_met, parse_time  # noqa: E402
from orbitviz.core.viewer import ViewerModel  # noqa: E402
from orbitviz.ui.scrubber import MIN_SPAN_S  # noqa: E402
from orbitviz.ui.time_controls import TimeControls  # noqa: E402


@pytest.fixture(scope="module")
def model():
    return MissionModel.build()


def _dark_palette() -> QtGui.QPalette:
    pal = QtGui.QPalette()
    R = QtGui.QPalette.ColorRole
    for role, c in [(R.Window, "#1e2228"), (R.WindowText, "#dfe3e8"), (R.Base, "#15181d"),
                    (R.Text, "#dfe3e8"), (R.Button, "#2a2f37"), (R.ButtonText, "#dfe3e8"),
                    (R.PlaceholderText, "#8a93a0")]:
        pal.setColor(role, QtGui.QColor(c))
    return pal


@pytest.fixture
def controls(qtbot, model):
    viewer = ViewerModel(model, met_s=0.0, rate=60.0)
    viewer.select("soyuz-ms-19")
    w = TimeControls(viewer)
    w.setPalette(_dark_palette())
    qtbot.addWidget(w)
    w.resize(1600, 160)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QtWidgets.QApplication.activeWindow() is w, timeout=3000)
    return w


def _event(model, eid):
    return next(e for e in model.events() if e.id == eid)


def _track_y(sc) -> int:
    """A row of the track below the event names and above the event markers."""
    return int(sc.track_rect().bottom() - 12)


def _rgb(img: QtGui.QImage, x: int, y: int):
    c = img.pixelColor(x, y)
    return c.red(), c.green(), c.blue()


def _grab(widget) -> QtGui.QImage:
    img = widget.grab().toImage()
    # pixel facts below are in logical pixels; scale back if the screen is high-DPI
    if img.devicePixelRatio() != 1.0:
        img = img.scaled(widget.width(), widget.height())
    return img


# -- scrubbing -----------------------------------------------------------------------------
@pytest.mark.parametrize("view", [None, (-600.0, 13000.0)])
def test_drag_from_liftoff_to_docking_seeks_to_docking(controls, qtbot, model, view):
    sc = controls.scrubber
    if view is None:
        sc.fit()
    else:
        sc.set_view(*view)
    w0, w1 = sc.view_range()
    # one pixel's worth of time, from the geometry alone (14 px margins each side)
    px_s = (w1 - w0) / (sc.width() - 28)
    docking = _event(model, "docking").met_s
    y = _track_y(sc)
    x0 = int(sc.x_of(0.0))
    x1 = int(sc.x_of(docking))
    assert x1 - x0 >= 15  # a real drag, over many pixels
    qtbot.mousePress(sc, Qt.MouseButton.LeftButton, pos=QPoint(x0, y))
    assert abs(controls.clock.met_s - 0.0) <= px_s  # grabbing the cursor does not jump
    seen = []
    for x in range(x0 + 1, x1 + 1):
        qtbot.mouseMove(sc, QPoint(x, y))
        seen.append(controls.clock.met_s)  # every move seeks at once
    qtbot.mouseRelease(sc, Qt.MouseButton.LeftButton, pos=QPoint(x1, y))
    assert all(b > a for a, b in zip(seen, seen[1:]))
    assert abs(controls.clock.met_s - docking) <= px_s
    assert abs(seen[len(seen) // 2] - 0.5 * docking) <= 2 * px_s


def test_click_seeks_to_the_time_under_the_pointer(controls, qtbot, model):
    sc = controls.scrubber
    sc.fit()
    landing = _event(model, "landing").met_s
    x = int(sc.x_of(landing))
    qtbot.mouseClick(sc, Qt.MouseButton.LeftButton, pos=QPoint(x, _track_y(sc)))
    w0, w1 = model.window
    assert abs(controls.clock.met_s - landing) <= (w1 - w0) / (sc.width() - 28)


def _tick_kind(rgb):
    r, g, b = rgb
    if min(r, g, b) > 200:
        return "measured"
    if r > 200 and b < 110:
        return "modelled"
    return None


@pytest.mark.parametrize("view", [(-30.0, 560.0), (-1800.0, 30000.0), None])
def test_event_ticks_sit_where_their_times_map(controls, model, view):
    sc = controls.scrubber
    controls.clock.seek(500000.0)  # cursor away from the events
    if view is None:
        sc.fit()
    else:
        sc.set_view(*view)
    v0, v1 = sc.view_range()
    x0, width = 14.0, sc.width() - 28.0
    expected = {}
    for e in model.events():  # later events are drawn over earlier ones in one column
        if v0 <= e.met_s <= v1:
            col = math.floor(x0 + (e.met_s - v0) / (v1 - v0) * width)
            expected[col] = e.basis
    img = _grab(sc)
    y = _track_y(sc)
    cursor_col = math.floor(sc.x_of(controls.clock.met_s))
    found = {}
    for x in range(int(x0), int(x0 + width)):
        if abs(x - cursor_col) <= 2:
            continue
        k = _tick_kind(_rgb(img, x, y))
        if k:
            found[x] = k
    assert set(found) == set(expected)
    for col, basis in expected.items():
        assert found[col] == basis
    assert "measured" in found.values() and "modelled" in found.values()


def test_tooltip_at_a_tick_names_the_event(controls, qtbot, model):
    sc = controls.scrubber
    sc.set_view(10000.0, 14000.0)
    docking = _event(model, "docking")
    pos = QPoint(int(sc.x_of(docking.met_s)), _track_y(sc))
    ev = QtGui.QHelpEvent(QtCore.QEvent.Type.ToolTip, pos, sc.mapToGlobal(pos))
    QtWidgets.QApplication.sendEvent(sc, ev)
    qtbot.waitUntil(QtWidgets.QToolTip.isVisible, timeout=2000)
    text = QtWidgets.QToolTip.text()
    assert "Docking to Rassvet" in text
    assert "2021-10-05 12:22:31" in text and format_met(docking.met_s) in text
    assert "Kurs" not in text  # 691 s away: 270 px at this zoom
    # far from any tick there is no event tooltip
    assert sc.tooltip_at(sc.x_of(13000.0)) is None
    QtWidgets.QToolTip.hideText()


def _wheel(widget, x, y, dy, dx=0, mods=Qt.KeyboardModifier.NoModifier):
    pos = QPointF(x, y)
    ev = QtGui.QWheelEvent(pos, QPointF(widget.mapToGlobal(pos.toPoint())), QPoint(0, 0),
                           QPoint(dx, dy), Qt.MouseButton.NoButton, mods,
                           Qt.ScrollPhase.NoScrollPhase, False)
    QtWidgets.QApplication.sendEvent(widget, ev)


def test_wheel_zooms_around_the_pointer_to_minutes(controls, model):
    sc = controls.scrubber
    sc.fit()
    y = _track_y(sc)
    target = 264.0  # mid-ascent
    n = 0
    while sc.span_s() > 600.0 and n < 60:
        x = sc.x_of(target)
        _wheel(sc, x, y, 120)
        assert abs(sc.met_at(x) - target) <= sc.seconds_per_px()  # pointer keeps its time
        n += 1
    span = sc.span_s()
    assert 60.0 <= span <= 600.0  # minutes
    v0, v1 = sc.view_range()
    assert v0 <= target <= v1
    # zoom stops at the narrowest span, and out again to the whole window
    for _ in range(30):
        _wheel(sc, sc.x_of(target), y, 120)
    assert sc.span_s() == pytest.approx(MIN_SPAN_S)
    for _ in range(80):
        _wheel(sc, sc.x_of(target), y, -120)
    assert sc.view_range() == pytest.approx(model.window)


def test_shift_wheel_pans_and_double_click_fits(controls, qtbot, model):
    sc = controls.scrubber
    sc.set_view(0.0, 528.0)  # the ascent fills the bar
    y = _track_y(sc)
    _wheel(sc, 400, y, -120, mods=Qt.KeyboardModifier.ShiftModifier)
    v0, v1 = sc.view_range()
    assert v1 - v0 == pytest.approx(528.0)
    assert v0 == pytest.approx(52.8)  # a tenth of the span later
    qtbot.mousePress(sc, Qt.MouseButton.MiddleButton, pos=QPoint(800, y))
    qtbot.mouseMove(sc, QPoint(700, y))
    qtbot.mouseRelease(sc, Qt.MouseButton.MiddleButton, pos=QPoint(700, y))
    assert sc.view_range()[0] == pytest.approx(52.8 + 100 * 528.0 / (sc.width() - 28))
    qtbot.mouseDClick(sc, Qt.MouseButton.LeftButton, pos=QPoint(700, y))
    assert sc.view_range() == pytest.approx(model.window)


def test_axis_labels_adapt_to_the_zoom(controls):
    sc = controls.scrubber
    fm = QtGui.QFontMetricsF(sc.font())
    sc.fit()
    major, _, ticks = sc._axis_ticks(fm)
    assert major == 86400 and ticks[0][1] == "6 Oct"  # days, at UTC midnight
    sc.set_view(0.0, 6 * 3600.0)
    major, _, ticks = sc._axis_ticks(fm)
    assert 600 <= major <= 3600 and all(len(t[1]) == 5 and t[1][2] == ":" for t in ticks)
    sc.set_view(0.0, 120.0)
    major, _, ticks = sc._axis_ticks(fm)
    assert major < 60 and ticks[0][1].count(":") == 2  # hh:mm:ss


# -- keys, play and rate -------------------------------------------------------------------
@pytest.mark.parametrize("rate", [600.0, -600.0])
def test_space_plays_at_the_rate(controls, qtbot, rate):
    clock = controls.clock
    clock.seek(100000.0)
    i = controls.rate_combo.findData(rate)
    assert i >= 0
    controls.rate_combo.setCurrentIndex(i)
    assert clock.rate == rate
    met0 = clock.met_s
    t_a = time.monotonic()
    qtbot.keyClick(controls, Qt.Key.Key_Space)
    assert clock.playing and controls.play_action.isChecked()
    qtbot.wait(800)
    mid = clock.met_s
    qtbot.keyClick(controls, Qt.Key.Key_Space)
    t_b = time.monotonic()
    assert not clock.playing and not controls.play_action.isChecked()
    moved = clock.met_s - met0
    assert (mid - met0) * rate > 0  # the timer moved it while playing
    assert moved == pytest.approx(rate * (t_b - t_a), abs=abs(rate) * 0.05)
    assert math.copysign(1, moved) == math.copysign(1, rate)


def test_rate_list_and_faster_slower(controls):
    rates = [controls.rate_combo.itemData(i) for i in range(controls.rate_combo.count())]
    assert rates == [-3600, -600, -60, -10, -1, 1, 10, 60, 600, 3600]
    controls.set_rate(1.0)
    controls.slower_action.trigger()
    assert controls.clock.rate == -1.0  # below real time comes reverse
    controls.faster_action.trigger()
    controls.faster_action.trigger()
    assert controls.clock.rate == 10.0


def test_next_and_previous_event_jump_exactly(controls, qtbot, model):
    times = [e.met_s for e in model.events()]
    clock = controls.clock
    clock.seek(-100.0)
    for t in times:
        qtbot.keyClick(controls, Qt.Key.Key_BracketRight)
        assert clock.met_s == t
    qtbot.keyClick(controls, Qt.Key.Key_PageDown)  # nothing after the last event
    assert clock.met_s == times[-1]
    for t in reversed(times[:-1]):
        qtbot.keyClick(controls, Qt.Key.Key_PageUp)
        assert clock.met_s == t
    # from between two events
    clock.seek(500000.0)
    controls.next_event_action.trigger()
    assert clock.met_s == _event(model, "ms18-thruster-test").met_s
    clock.seek(500000.0)
    controls.prev_event_action.trigger()
    assert clock.met_s == _event(model, "hatch-open").met_s


def test_arrow_steps_follow_the_zoom(controls, qtbot):
    clock = controls.clock
    sc = controls.scrubber
    sc.set_view(0.0, 528.0)
    clock.seek(200.0)
    qtbot.keyClick(controls, Qt.Key.Key_Right)
    assert clock.met_s == 205.0  # 5 s steps over a 9-minute span
    sc.fit()
    clock.seek(200000.0)
    qtbot.keyClick(controls, Qt.Key.Key_Left)
    assert clock.met_s == 200000.0 - 7200.0  # 2 h steps over 12 days


def test_event_combo_jumps(controls, model):
    docking = _event(model, "docking")
    i = controls.event_combo.findData("docking")
    controls.event_combo.activated.emit(i)
    assert controls.clock.met_s == docking.met_s
    assert controls.event_combo.count() == len(model.events())


# -- the TIME field -----------------------------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("docking", "docking"),
    ("T+528", 528.0),
    ("2021-10-05T12:22:31Z", "docking"),  # docking was measured at 12:22:31 UTC
])
def test_time_field_accepts_cli_times(controls, qtbot, model, text, expected):
    want = _event(model, expected).met_s if isinstance(expected, str) else expected
    controls.clock.seek(-1000.0)
    qtbot.keyClicks(controls.time_field, text)
    qtbot.keyClick(controls.time_field, Qt.Key.Key_Return)
    assert controls.clock.met_s == pytest.approx(want, abs=1e-3)
    assert controls.time_error() == ""


def test_time_field_shows_error_for_nonsense(controls, qtbot, model):
    controls.clock.seek(12345.0)
    qtbot.keyClicks(controls.time_field, "nonsense")
    qtbot.keyClick(controls.time_field, Qt.Key.Key_Return)
    assert controls.clock.met_s == 12345.0
    with pytest.raises(TimeParseError) as exc:
        parse_time("nonsense", model.axis, model.scenario.event_times())
    assert controls.time_error() == str(exc.value)
    label = controls.time_error_label
    assert label.isVisible() and label.text().startswith("unknown event id 'nonsense'")
    img = _grab(label)
    reds = sum(1 for x in range(img.width()) for y in range(img.height())
               if (lambda c: c[0] > 180 and c[1] < 140 and c[2] < 140)(_rgb(img, x, y)))
    assert reds > 50  # drawn in red
    # typing again clears the error
    qtbot.keyClick(controls.time_field, Qt.Key.Key_Backspace)
    assert controls.time_error() == ""


# -- readout ------------------------------------------------------------------------------
def test_readout_matches_the_core(controls, model):
    ms19 = model.objects["soyuz-ms-19"]
    for t in (-1000.0, 0.0, 300.0, _event(model, "docking").met_s + 1, 500000.0):
        controls.clock.seek(t)
        assert controls.utc_label.text() == model.axis.iso_utc(t, 0)
        assert controls.met_label.text() == format_met(t).replace("-", "\u2212")
        assert controls.phase_label.full_text() == f"{ms19.name}: {ms19.phase_at(t)}"
        info = model.tle_info(t)
        age = f"{info['age_s'] / 3600:+.1f}".replace("-", "\u2212")
        assert f"age {age} h" in controls.readout_text()
    controls.viewer.select("soyuz-ms-18")
    assert controls.phase_label.full_text() == "Soyuz MS-18: docked"


def test_element_set_text_at_docking(controls, model):
    # independent reference: set 21281.73004796 has its epoch on 8 Oct 2021 17:31:16 UTC
    # (day 281.73004796); docking was at 12:22:31 UTC on 5 Oct
    epoch = dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(days=280.73004796)
    dock = dt.datetime(2021, 10, 5, 12, 22, 31, tzinfo=dt.timezone.utc)
    age_h = (dock - epoch).total_seconds() / 3600
    assert age_h == pytest.approx(-77.146, abs=0.01)
    controls.clock.seek(_event(model, "docking").met_s)
    assert controls.tle_label.full_text() == \
        "ISS set 21281.73 (epoch 8 Oct 17:31, age \u221277.1 h)"


def test_render_png(controls, qtbot):
    controls.resize(1600, 120)
    controls.clock.seek(12448.558)
    qtbot.wait(50)
    img = _grab(controls)
    assert (img.width(), img.height()) == (1600, 120)
    img.save("/tmp/timeline.png")
    sc_img = _grab(controls.scrubber)
    sc = controls.scrubber
    col = math.floor(sc.x_of(controls.clock.met_s))
    r, g, b = _rgb(sc_img, col, _track_y(sc))
    assert r > 200 and g < 120 and b < 120  # the red cursor


@pytest.mark.parametrize("width", [1600, 900, 640])
def test_event_names_never_collide_and_docking_keeps_its_name(controls, width, qtbot):
    """Issue 13: on the whole mission, at a wide and at narrow widths, the names on the bar
    do not touch, and docking is named (it goes before the crowd of modelled events)."""
    controls.resize(width, 160)
    controls.scrubber.fit()
    qtbot.wait(20)
    boxes = controls.scrubber.event_label_boxes()
    names = [eid for eid, _ in boxes]
    assert "docking" in names and "liftoff" in names
    for i, (a_id, a) in enumerate(boxes):
        for b_id, b in boxes[i + 1:]:
            assert not a.adjusted(-2, 0, 2, 0).intersects(b.adjusted(-2, 0, 2, 0)), (a_id, b_id)
