"""The export dialogs: sizes without stretching, clear refusals, remembered choices."""

import pytest
from PySide6 import QtCore

from orbitviz.ui.export_dialogs import SIZE_PRESETS, ExportClipDialog, ExportImageDialog

# the offscreen platform (no Xvfb) warns that it cannot size message boxes to their hints
pytestmark = pytest.mark.qt_log_ignore("^This plugin does not support")


@pytest.fixture
def settings(tmp_path):
    return QtCore.QSettings(str(tmp_path / "s.ini"), QtCore.QSettings.Format.IniFormat)


def test_presets_and_the_views_aspect(qtbot, settings):
    dlg = ExportImageDialog(settings, view_aspect=1.25, title="T")
    qtbot.addWidget(dlg)
    labels = [dlg.size_box.preset.itemText(i) for i in range(dlg.size_box.preset.count())]
    assert labels[:4] == [p[0] for p in SIZE_PRESETS] and labels[-1] == "Custom"
    dlg.size_box.preset.setCurrentIndex(2)  # 4K
    assert dlg.size_box.size() == (3840, 2160)
    dlg.size_box.match.setChecked(True)      # the view is 5:4: height kept, width follows
    assert dlg.size_box.size() == (2700, 2160)


@pytest.mark.parametrize("path, transparent, words", [
    ("", False, "Choose a file"),
    ("/tmp/x.gif", False, ".png, .jpg"),
    ("/tmp/x.jpg", True, "needs PNG"),
])
def test_image_dialog_refuses_clearly(qtbot, settings, path, transparent, words):
    dlg = ExportImageDialog(settings, 16 / 9, "T")
    qtbot.addWidget(dlg)
    dlg.path.setText(path)
    dlg.transparent.setChecked(transparent)
    dlg._accept()
    assert words in dlg.error.text() and dlg.result() == 0


def test_image_dialog_remembers_its_choices(qtbot, settings, tmp_path):
    dlg = ExportImageDialog(settings, 16 / 9, "T")
    qtbot.addWidget(dlg)
    dlg.path.setText(str(tmp_path / "a.png"))
    dlg.size_box.preset.setCurrentIndex(4)  # custom
    dlg.size_box.width_spin.setValue(1000)
    dlg.size_box.height_spin.setValue(600)
    dlg.transparent.setChecked(True)
    dlg.credit.setChecked(False)
    dlg._accept()
    assert dlg.result() == 1
    again = ExportImageDialog(settings, 16 / 9, "T")
    qtbot.addWidget(again)
    c = again.choice()
    assert (c.path, c.width, c.height, c.transparent, c.credit) == (
        str(tmp_path / "a.png"), 1000, 600, True, False)


def test_clip_dialog_checks_times_and_fills_this_phase(qtbot, settings, tmp_path):
    dlg = ExportClipDialog(settings, 16 / 9, ("T+0", "T+528"), "T+100")
    qtbot.addWidget(dlg)

    def parse(text):
        if not text.startswith("T+"):
            raise ValueError(f"cannot read TIME '{text}'")
        return float(text[2:])

    dlg.parse = parse
    assert (dlg.t0.text(), dlg.t1.text()) == ("T+0", "T+528")  # 'this phase' by default
    dlg.path.setText(str(tmp_path / "c.mp4"))
    dlg.rate.setValue(60.0)
    dlg.fps.setValue(30)
    dlg._update_estimate()
    assert "8.8 s of video, 264 frames" in dlg.estimate.text()
    dlg.t1.setText("T+0")  # ends where it starts
    assert "after its start" in dlg.check()
    dlg.t1.setText("later")
    assert "cannot read TIME" in dlg.check()
    dlg.t1.setText("T+528")
    dlg.path.setText(str(tmp_path / "c.avi"))
    assert ".mp4" in dlg.check()


@pytest.mark.parametrize("answer, accepted", [("No", 0), ("Yes", 1)])
def test_an_existing_file_is_replaced_only_when_confirmed(qtbot, settings, tmp_path, answer,
                                                          accepted):
    from PySide6 import QtWidgets

    existing = tmp_path / "old.png"
    existing.write_bytes(b"keep me")
    dlg = ExportImageDialog(settings, 16 / 9, "T")
    qtbot.addWidget(dlg)
    dlg.path.setText(str(existing))
    asked = []

    def reply():
        box = QtWidgets.QApplication.activeModalWidget()
        asked.append(box.text())
        role = getattr(QtWidgets.QMessageBox.StandardButton, answer)
        box.button(role).click()

    QtCore.QTimer.singleShot(100, reply)
    dlg._accept()
    assert asked and "old.png exists" in asked[0]
    assert dlg.result() == accepted
    assert existing.read_bytes() == b"keep me"  # the dialog itself never writes
