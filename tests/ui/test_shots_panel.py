"""The Shots panel: lists the book's shots with their times, and asks before it changes them."""

import pytest
from PySide6 import QtCore, QtWidgets

from orbitviz.core.scenario import load_scenario
from orbitviz.core.shots import Shot, ShotBook
from orbitviz.ui.shots import ShotsPanel

# the offscreen platform (no Xvfb) warns that it cannot size message boxes to their hints
pytestmark = pytest.mark.qt_log_ignore("^This plugin does not support")


@pytest.fixture(scope="module")
def axis():
    return load_scenario().axis


@pytest.fixture
def book(tmp_path, axis):
    b = ShotBook(tmp_path / "shots.json", axis)
    b.add(Shot.create("Lift-off", 0.0, axis))
    # 3 h 27 min 28.558 s after the 08:55:02.442 lift-off: 12:22:31 UTC, by hand
    b.add(Shot.create("Docking", 12448.558, axis))
    b.add(Shot.create("Day two", 86400.0 + 3661.0, axis, note="over the Pacific"))
    return b


@pytest.fixture
def panel(qtbot, book, axis):
    p = ShotsPanel(book, axis)
    qtbot.addWidget(p)
    p.resize(420, 300)
    p.show()
    qtbot.waitExposed(p)
    return p


def _row(panel, i):
    item = panel.list.topLevelItem(i)
    return [item.text(c) for c in range(panel.list.columnCount())]


def _answer_later(answer, asked, text=None):
    """Click ``answer`` (Yes/No, or OK/Cancel with ``text`` typed) in the next modal dialog."""

    def reply():
        box = QtWidgets.QApplication.activeModalWidget()
        if isinstance(box, QtWidgets.QMessageBox):
            asked.append(box.text())
            box.button(getattr(QtWidgets.QMessageBox.StandardButton, answer)).click()
        elif isinstance(box, QtWidgets.QInputDialog):
            asked.append(box.textValue())
            if text is not None:
                box.setTextValue(text)
            box.accept() if answer == "OK" else box.reject()
        else:  # not there yet: try again shortly
            QtCore.QTimer.singleShot(50, reply)

    QtCore.QTimer.singleShot(100, reply)


def test_lists_the_shots_in_order_with_their_times(panel):
    assert panel.list.topLevelItemCount() == 3
    assert _row(panel, 0) == ["Lift-off", "2021-10-05 08:55:02 UTC", "T+00:00:00"]
    # both rounded to the second: 12:22:31.000 UTC, and 3 h 27 min 28.558 s -> 29 s
    assert _row(panel, 1) == ["Docking", "2021-10-05 12:22:31 UTC", "T+03:27:29"]
    # 08:55:02.442 + 1 d 1 h 1 min 1 s = 09:56:03.442 on the 6th
    assert _row(panel, 2) == ["Day two", "2021-10-06 09:56:03 UTC", "T+1.01:01:01"]
    assert "over the Pacific" in panel.list.topLevelItem(2).toolTip(0)
    assert not panel.go_button.isEnabled()  # nothing selected yet


def test_empty_book_shows_a_hint(qtbot, tmp_path, axis):
    p = ShotsPanel(ShotBook(tmp_path / "none.json", axis), axis)
    qtbot.addWidget(p)
    assert p.list.isHidden() and not p.empty.isHidden()
    assert p.default_name() == "Shot 1"


def test_double_click_and_go_to_emit_apply_requested(qtbot, panel):
    item = panel.list.topLevelItem(1)
    rect = panel.list.visualItemRect(item)
    # a real double-click: press/release, then the double-click event
    qtbot.mouseClick(panel.list.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(panel.apply_requested, timeout=2000) as sig:
        qtbot.mouseDClick(panel.list.viewport(), QtCore.Qt.MouseButton.LeftButton,
                          pos=rect.center())
    assert sig.args == ["Docking"]
    panel.list.setCurrentItem(panel.list.topLevelItem(2))
    with qtbot.waitSignal(panel.apply_requested, timeout=2000) as sig:
        panel.go_button.click()
    assert sig.args == ["Day two"]


@pytest.mark.parametrize("answer, left", [("No", ["Lift-off", "Docking", "Day two"]),
                                          ("Yes", ["Lift-off", "Day two"])])
def test_delete_asks_first(qtbot, panel, book, axis, answer, left):
    panel.select("docking")
    asked = []
    _answer_later(answer, asked)
    panel.delete_button.click()
    assert asked and "Docking" in asked[0]
    assert book.names() == left and panel.names() == left
    assert ShotBook(book.path, axis).names() == left  # saved


def test_rename_updates_the_book(qtbot, panel, book, axis):
    panel.select("Lift-off")
    asked = []
    _answer_later("OK", asked, text="  Launch from Baikonur ")
    with qtbot.waitSignal(panel.shots_changed, timeout=3000):
        panel.rename_button.click()
    assert asked == ["Lift-off"]  # the old name offered for editing
    assert book.names()[0] == "Launch from Baikonur"
    assert _row(panel, 0)[0] == "Launch from Baikonur" and panel.selected_name() == book.names()[0]
    assert ShotBook(book.path, axis).get("launch from baikonur").met_s == pytest.approx(0, abs=1e-6)
    # a clash is refused with a message, the book unchanged
    asked.clear()
    _answer_later("OK", asked, text="docking")
    QtCore.QTimer.singleShot(400, lambda: _answer_later("Ok", asked))
    panel.rename_button.click()
    assert any("exists already" in a for a in asked)
    assert book.names() == ["Launch from Baikonur", "Docking", "Day two"]


def test_save_offers_a_fresh_name_and_confirms_a_replacement(qtbot, panel, book):
    asked = []
    _answer_later("OK", asked)
    with qtbot.waitSignal(panel.save_requested, timeout=3000) as sig:
        panel.save_button.click()
    assert asked == ["Shot 4"] and sig.args == ["Shot 4"]
    # an existing name: asked, and nothing emitted on No
    asked.clear()
    got = []
    panel.save_requested.connect(got.append)
    _answer_later("OK", asked, text="docking")
    QtCore.QTimer.singleShot(400, lambda: _answer_later("No", asked))
    panel.save_button.click()
    assert any("“Docking” exists" in a for a in asked) and got == []
    _answer_later("OK", asked, text="docking")
    QtCore.QTimer.singleShot(400, lambda: _answer_later("Yes", asked))
    panel.save_button.click()
    assert got == ["docking"]
