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


def _parse(text):
    if not text.startswith("T+"):
        raise ValueError(f"cannot read TIME '{text}'")
    return float(text[2:])


def _fmt(met_s):
    return f"T+{met_s:g}"


def _plans():
    from orbitviz.core.clip_plan import ClipPlan

    return [ClipPlan("Around now", 100.0, 400.0, 30.0),
            ClipPlan("Lift-off to orbit", -10.0, 533.0, 30.0)]


def test_clip_dialog_checks_times_and_proposes_a_short_clip(qtbot, settings, tmp_path):
    dlg = ExportClipDialog(settings, 16 / 9, _plans(), _fmt, _parse)
    qtbot.addWidget(dlg)
    # the first proposal: 10 s of video around now, not the whole mission
    assert (dlg.t0.text(), dlg.t1.text(), dlg.rate.value()) == ("T+100", "T+400", 30.0)
    assert dlg.duration.value() == pytest.approx(10.0)
    dlg.fps.setValue(30)
    assert "10.0 s of video, 301 frames" in dlg.estimate.text()
    # a preset brings its span and its rate
    dlg.preset.setCurrentIndex(1)
    assert (dlg.t0.text(), dlg.t1.text(), dlg.rate.value()) == ("T+-10", "T+533", 30.0)
    # the duration moves the end; the end moves the duration
    dlg.duration.setValue(4.0)
    assert dlg.t1.text() == "T+110"
    dlg.t1.setText("T+290")
    assert dlg.duration.value() == pytest.approx(10.0)
    dlg.path.setText(str(tmp_path / "c.mp4"))
    dlg.t1.setText("T+-10")  # ends where it starts
    assert "after its start" in dlg.check()
    dlg.t1.setText("later")
    assert "cannot read TIME" in dlg.check()
    dlg.t1.setText("T+528")
    dlg.path.setText(str(tmp_path / "c.avi"))
    assert ".mp4" in dlg.check()


def test_clip_dialog_remembers_the_last_range(qtbot, settings, tmp_path):
    dlg = ExportClipDialog(settings, 16 / 9, _plans(), _fmt, _parse)
    qtbot.addWidget(dlg)
    dlg.path.setText(str(tmp_path / "c.mp4"))
    dlg.t0.setText("T+1000")
    dlg.t1.setText("T+1600")
    dlg.rate.setValue(60.0)
    dlg._accept()
    assert dlg.result() == 1
    again = ExportClipDialog(settings, 16 / 9, _plans(), _fmt, _parse)
    qtbot.addWidget(again)
    assert again.t0.text() == "T+100"  # a new proposal around now first
    labels = [again.preset.itemText(i) for i in range(again.preset.count())]
    assert labels[-1] == "Last range"
    again.preset.setCurrentIndex(len(labels) - 1)
    assert (again.t0.text(), again.t1.text(), again.rate.value()) == ("T+1000", "T+1600", 60.0)
    # wide enough to show a whole ISO date
    fm = again.t0.fontMetrics()
    assert again.t0.minimumWidth() >= fm.horizontalAdvance("2021-10-05T12:22:31.000Z")


def test_image_dialog_proposes_a_fresh_name_in_pictures(qtbot, settings, tmp_path):
    pictures = tmp_path / "Pictures"
    pictures.mkdir()

    def name_for(folder):
        k, name = 2, "orbitviz-T+00d03h27m29s-docking.png"
        while (folder / name).exists():
            name = f"orbitviz-T+00d03h27m29s-docking-{k}.png"
            k += 1
        return name

    dlg = ExportImageDialog(settings, 16 / 9, "T", folder=pictures, name_for=name_for)
    qtbot.addWidget(dlg)
    assert dlg.path.text() == str(pictures / "orbitviz-T+00d03h27m29s-docking.png")
    dlg._accept()
    assert dlg.result() == 1  # a free name: no "replace?" question
    (pictures / "orbitviz-T+00d03h27m29s-docking.png").write_bytes(b"done")  # exported
    again = ExportImageDialog(settings, 16 / 9, "T", folder=pictures, name_for=name_for)
    qtbot.addWidget(again)
    assert again.path.text() == str(pictures / "orbitviz-T+00d03h27m29s-docking-2.png")


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
