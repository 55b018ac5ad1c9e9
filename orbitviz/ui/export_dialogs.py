"""The export dialogs: a still image (PNG/JPEG at presentation sizes) and a clip.

Widgets only: they gather the user's choices (remembered in QSettings) and hand them back
as plain values; the app renders through :mod:`orbitviz.app.export` and
:mod:`orbitviz.app.clip`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from orbitviz.core import export_rules as rules
from orbitviz.core import settings_values

#: Output presets (label, width, height).
SIZE_PRESETS = [("1920 × 1080 (Full HD)", 1920, 1080), ("2560 × 1440 (QHD)", 2560, 1440),
                ("3840 × 2160 (4K)", 3840, 2160), ("7680 × 4320 (8K)", 7680, 4320)]


@dataclass
class StillChoice:
    path: str
    width: int
    height: int
    caption: bool
    caption_text: str
    transparent: bool
    credit: bool
    hide_overlays: bool


@dataclass
class ClipChoice:
    path: str
    t0_text: str
    t1_text: str
    width: int
    height: int
    fps: int
    rate: float
    caption: bool
    credit: bool


class _SizeBox(QtWidgets.QWidget):
    """Preset sizes, a custom size, and 'match the view's aspect' (height kept, width from
    the view), never stretching the picture. ``sizeChanged(width, height)`` follows every
    change (the view draws the picture's frame from it)."""

    sizeChanged = QtCore.Signal(int, int)

    def __init__(self, view_aspect: float, parent=None):
        super().__init__(parent)
        self._aspect = max(view_aspect, 0.1)
        self.preset = QtWidgets.QComboBox()
        for label, w, h in SIZE_PRESETS:
            self.preset.addItem(label, (w, h))
        self.preset.addItem("Custom", None)
        self.width_spin = QtWidgets.QSpinBox()
        self.height_spin = QtWidgets.QSpinBox()
        for s in (self.width_spin, self.height_spin):
            s.setRange(rules.MIN_DIALOG_SIZE_PX, rules.MAX_SIZE_PX)
            s.setSuffix(" px")
        self.match = QtWidgets.QCheckBox("Match the view's aspect (height kept)")
        lay = QtWidgets.QGridLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.preset, 0, 0, 1, 3)
        lay.addWidget(self.width_spin, 1, 0)
        lay.addWidget(QtWidgets.QLabel("×"), 1, 1)
        lay.addWidget(self.height_spin, 1, 2)
        lay.addWidget(self.match, 2, 0, 1, 3)
        self.preset.currentIndexChanged.connect(self._apply_preset)
        self.match.toggled.connect(self._apply_preset)
        self.height_spin.valueChanged.connect(self._height_changed)
        for spin in (self.width_spin, self.height_spin):
            spin.valueChanged.connect(lambda _v: self.sizeChanged.emit(*self.size()))
        self._apply_preset()

    def _apply_preset(self, *_):
        data = self.preset.currentData()
        custom = data is None
        self.width_spin.setEnabled(custom and not self.match.isChecked())
        self.height_spin.setEnabled(custom)
        if not custom:
            w, h = data
            self.height_spin.setValue(h)
            self.width_spin.setValue(self._width_for(h) if self.match.isChecked() else w)
        elif self.match.isChecked():
            self.width_spin.setValue(self._width_for(self.height_spin.value()))

    def _height_changed(self, h):
        if self.match.isChecked():
            self.width_spin.setValue(self._width_for(h))

    def _width_for(self, h: int) -> int:
        return int(min(rules.MAX_SIZE_PX,
                       max(rules.MIN_DIALOG_SIZE_PX, round(h * self._aspect / 2) * 2)))

    def size(self) -> tuple[int, int]:  # noqa: D401  (Qt-like accessor)
        return self.width_spin.value(), self.height_spin.value()

    def save(self, s: QtCore.QSettings, prefix: str):
        s.setValue(f"{prefix}/preset", self.preset.currentIndex())
        s.setValue(f"{prefix}/width", self.width_spin.value())
        s.setValue(f"{prefix}/height", self.height_spin.value())
        s.setValue(f"{prefix}/match", self.match.isChecked())

    def load(self, s: QtCore.QSettings, prefix: str):
        self.match.setChecked(_setting(s, f"{prefix}/match"))
        idx = _setting(s, f"{prefix}/preset")
        if 0 <= idx < self.preset.count():
            self.preset.setCurrentIndex(idx)
        if self.preset.currentData() is None:
            self.height_spin.setValue(_setting(s, f"{prefix}/height"))
            if not self.match.isChecked():
                self.width_spin.setValue(_setting(s, f"{prefix}/width"))
        self._apply_preset()


def _path_row(parent, placeholder: str, pick):
    row = QtWidgets.QHBoxLayout()
    edit = QtWidgets.QLineEdit()
    edit.setPlaceholderText(placeholder)
    button = QtWidgets.QPushButton("Browse…")
    button.clicked.connect(lambda: pick(edit))
    row.addWidget(edit, 1)
    row.addWidget(button)
    return row, edit


class _ExportDialog(QtWidgets.QDialog):
    """What the two export dialogs share: the error line, Export/Cancel, the file picker,
    and a path field ready to be typed over (the last path, all selected)."""

    TITLE = ""
    DEFAULT_NAME = ""
    FILTER = ""

    def _finish(self, form: QtWidgets.QFormLayout) -> None:
        self.error = QtWidgets.QLabel()
        self.error.setStyleSheet("color: #ff7a6a")
        self.error.setWordWrap(True)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        self.export_button = buttons.addButton("Export",
                                               QtWidgets.QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        lay = QtWidgets.QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)

    def _ready(self) -> None:
        """After the settings are loaded: the path field focused, its text selected."""
        self.path.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)
        self.path.selectAll()

    def _browse(self, edit):
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, self.TITLE, edit.text() or str(Path.home() / self.DEFAULT_NAME), self.FILTER)
        if path:
            edit.setText(path)


class ExportImageDialog(_ExportDialog):
    """File → Export image: where, how big, and what goes on it."""

    TITLE = "Export image"
    DEFAULT_NAME = "orbitviz.png"
    FILTER = "PNG image (*.png);;JPEG image (*.jpg *.jpeg)"

    def __init__(self, settings: QtCore.QSettings, view_aspect: float, title: str,
                 parent=None, folder: str | Path | None = None, name_for=None):
        """``folder``: where the first export goes (the Pictures folder); later ones go
        where the last one went. ``name_for(folder) -> str``: a fresh file name there."""
        super().__init__(parent)
        self.setWindowTitle("Export image")
        self.settings = settings
        self._folder = folder
        self._name_for = name_for
        form = QtWidgets.QFormLayout()
        row, self.path = _path_row(self, "picture.png or picture.jpg", self._browse)
        form.addRow("File", row)
        self.size_box = _SizeBox(view_aspect)
        form.addRow("Size", self.size_box)
        self.caption = QtWidgets.QCheckBox("Caption: title, UTC, T+, current event")
        self.caption_text = QtWidgets.QLineEdit(title)
        self.transparent = QtWidgets.QCheckBox("Transparent background (PNG)")
        self.credit = QtWidgets.QCheckBox("Credit line (imagery: NASA; modelled segments)")
        self.hide_overlays = QtWidgets.QCheckBox("Hide labels and markers")
        form.addRow("", self.caption)
        form.addRow("Title", self.caption_text)
        form.addRow("", self.transparent)
        form.addRow("", self.credit)
        form.addRow("", self.hide_overlays)
        self._finish(form)
        self._load()
        self._ready()

    def _checks(self):
        return {"caption": (self.caption, True), "transparent": (self.transparent, False),
                "credit": (self.credit, True), "hide_overlays": (self.hide_overlays, False)}

    def _load(self):
        _load_common(self.settings, "export/image", self.path, self.size_box, self._checks())
        if self._name_for is not None:  # a fresh name in the last folder, not the last file
            last = self.path.text().strip()
            folder = Path(last).expanduser().parent if last else self._folder
            if folder is None or not Path(folder).is_dir():
                folder = self._folder or Path.home()
            self.path.setText(str(Path(folder) / self._name_for(folder)))

    def _save(self):
        _save_common(self.settings, "export/image", self.path, self.size_box, self._checks())

    def check(self) -> str:
        """The first problem with the choices, or ''."""
        p = self.path.text().strip()
        if not p:
            return "Choose a file to export to."
        ext = Path(p).suffix.lower()
        if ext not in rules.IMAGE_FORMATS:
            return "The file name must end in .png, .jpg or .jpeg."
        if self.transparent.isChecked() and rules.IMAGE_FORMATS[ext] != "PNG":
            return "A transparent background needs PNG: JPEG has no transparency."
        return ""

    def _accept(self):
        problem = self.check()
        if problem:
            self.error.setText(problem)
            return
        target = Path(self.path.text().strip()).expanduser()
        if target.exists() and not _confirm_replace(self, "Export image", target):
            return
        self._save()
        self.accept()

    def choice(self) -> StillChoice:
        w, h = self.size_box.size()
        return StillChoice(str(Path(self.path.text().strip()).expanduser()), w, h,
                           self.caption.isChecked(), self.caption_text.text(),
                           self.transparent.isChecked(), self.credit.isChecked(),
                           self.hide_overlays.isChecked())


class ExportClipDialog(_ExportDialog):
    """File → Export clip: a time range and its playback rate (a proposal around now, the
    mission's presets, or the last range), the video's duration, size, frame rate, and MP4
    or PNGs.

    ``plans``: :class:`~orbitviz.core.clip_plan.ClipPlan` proposals, the first one shown;
    ``format_time(met_s) -> str`` and ``parse(text) -> met_s`` (raising ValueError with a
    message) convert the From and To fields.
    """

    TITLE = "Export clip"
    DEFAULT_NAME = "orbitviz.mp4"
    FILTER = "MP4 video (*.mp4)"

    def __init__(self, settings: QtCore.QSettings, view_aspect: float, plans, format_time,
                 parse, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Export clip")
        self.settings = settings
        self.format_time = format_time
        self.parse = parse
        self._plans = list(plans)
        form = QtWidgets.QFormLayout()
        row, self.path = _path_row(self, "clip.mp4, or a folder for PNG frames", self._browse)
        form.addRow("File", row)
        self.preset = QtWidgets.QComboBox()
        for plan in self._plans:
            self.preset.addItem(plan.label, plan)
        last = self._last_range()
        if last is not None:
            self.preset.addItem("Last range", last)
        form.addRow("Clip", self.preset)
        self.t0 = QtWidgets.QLineEdit()
        self.t1 = QtWidgets.QLineEdit()
        width = self.t0.fontMetrics().horizontalAdvance("2021-10-05T12:22:31.000Z") + 24
        for edit in (self.t0, self.t1):
            edit.setMinimumWidth(width)  # the whole date shows
        trow = QtWidgets.QHBoxLayout()
        trow.addWidget(self.t0, 1)
        trow.addWidget(QtWidgets.QLabel("to"))
        trow.addWidget(self.t1, 1)
        form.addRow("From", trow)
        self.rate = QtWidgets.QDoubleSpinBox()
        self.rate.setRange(0.1, min(rules.MAX_CLIP_RATE, 1e6))
        self.rate.setDecimals(1)
        self.rate.setSuffix(" × real time")
        self.duration = QtWidgets.QDoubleSpinBox()
        self.duration.setRange(0.1, 3600.0)
        self.duration.setDecimals(1)
        self.duration.setSuffix(" s of video")
        self.duration.setToolTip("The video's length: changing it moves the end of the clip")
        form.addRow("Playback", self.rate)
        form.addRow("Duration", self.duration)
        self.size_box = _SizeBox(view_aspect)
        form.addRow("Size", self.size_box)
        self.fps = QtWidgets.QSpinBox()
        self.fps.setRange(*rules.FPS_RANGE)
        self.fps.setSuffix(" fps")
        form.addRow("Frame rate", self.fps)
        self.caption = QtWidgets.QCheckBox("Caption")
        self.credit = QtWidgets.QCheckBox("Credit line")
        form.addRow("", self.caption)
        form.addRow("", self.credit)
        self.estimate = QtWidgets.QLabel()
        form.addRow("", self.estimate)
        self._finish(form)
        self._load()
        self.preset.currentIndexChanged.connect(self._apply_plan)
        self.fps.valueChanged.connect(self._update_estimate)
        self.rate.valueChanged.connect(self._span_changed)
        self.t0.textChanged.connect(self._span_changed)
        self.t1.textChanged.connect(self._span_changed)
        self.duration.valueChanged.connect(self._duration_changed)
        self._apply_plan()
        self._ready()

    # -- the range ------------------------------------------------------------------------
    def _last_range(self):
        from orbitviz.core.clip_plan import ClipPlan

        s = self.settings
        t0, t1 = _setting(s, "export/clip/t0_s"), _setting(s, "export/clip/t1_s")
        rate = _setting(s, "export/clip/rate")
        if t0 is None or t1 is None or rate is None or not t1 > t0:
            return None
        try:
            self.format_time(t0), self.format_time(t1)
        except (ValueError, OverflowError):  # outside the dates the app can show
            return None
        return ClipPlan("Last range", t0, t1, rate)

    def _apply_plan(self, *_):
        plan = self.preset.currentData()
        if plan is None:
            return
        for w in (self.t0, self.t1, self.rate, self.duration):
            w.blockSignals(True)
        self.t0.setText(self.format_time(plan.t0_s))
        self.t1.setText(self.format_time(plan.t1_s))
        self.rate.setValue(plan.rate)
        self.duration.setValue(plan.video_s)
        for w in (self.t0, self.t1, self.rate, self.duration):
            w.blockSignals(False)
        self._update_estimate()

    def _span_changed(self, *_):
        span = self._span()
        if span is not None and self.rate.value() > 0:
            self.duration.blockSignals(True)
            self.duration.setValue(max((span[1] - span[0]) / self.rate.value(), 0.1))
            self.duration.blockSignals(False)
        self._update_estimate()

    def _duration_changed(self, seconds: float):
        try:
            t0 = self.parse(self.t0.text())
        except ValueError:
            return
        self.t1.blockSignals(True)
        self.t1.setText(self.format_time(t0 + seconds * self.rate.value()))
        self.t1.blockSignals(False)
        self._update_estimate()

    def _checks(self):
        return {"caption": (self.caption, True), "credit": (self.credit, True)}

    def _load(self):
        s = self.settings
        _load_common(s, "export/clip", self.path, self.size_box, self._checks())
        self.fps.setValue(_setting(s, "export/clip/fps"))

    def _save(self):
        s = self.settings
        _save_common(s, "export/clip", self.path, self.size_box, self._checks())
        s.setValue("export/clip/fps", self.fps.value())
        s.setValue("export/clip/rate", self.rate.value())
        span = self._span()
        if span is not None:
            s.setValue("export/clip/t0_s", span[0])
            s.setValue("export/clip/t1_s", span[1])

    def _span(self):
        if self.parse is None:
            return None
        try:
            return self.parse(self.t0.text()), self.parse(self.t1.text())
        except ValueError:
            return None

    def _update_estimate(self, *_):
        span = self._span()
        if span is None or self.rate.value() == 0:
            self.estimate.setText("")
            return
        try:
            frames = rules.clip_frame_count(span[0], span[1], self.fps.value(),
                                            self.rate.value())
        except rules.ExportError as exc:
            self.estimate.setText(str(exc))
            return
        self.estimate.setText(f"{frames / self.fps.value():.1f} s of video, {frames} frames")

    def check(self) -> str:
        p = self.path.text().strip()
        if not p:
            return "Choose a file (.mp4) or a folder (PNG frames)."
        if not (p.endswith("/") or Path(p).suffix.lower() == rules.CLIP_EXTENSION
                or Path(p).is_dir()):
            return "The clip goes to a .mp4 file, or to a folder (end the path with /)."
        if self.parse is not None:
            try:
                t0, t1 = self.parse(self.t0.text()), self.parse(self.t1.text())
            except ValueError as exc:
                return str(exc)
            if t1 <= t0:
                return "The end of the clip must come after its start."
        if self.rate.value() <= 0:
            return "The playback rate must be more than zero."
        return ""

    def _accept(self):
        problem = self.check()
        if problem:
            self.error.setText(problem)
            return
        target = Path(self.path.text().strip()).expanduser()
        if target.suffix.lower() == rules.CLIP_EXTENSION and target.exists() and \
                not _confirm_replace(self, "Export clip", target):
            return
        self._save()
        self.accept()

    def choice(self) -> ClipChoice:
        w, h = self.size_box.size()
        return ClipChoice(self.path.text().strip(), self.t0.text(), self.t1.text(), w, h,
                          self.fps.value(), self.rate.value(), self.caption.isChecked(),
                          self.credit.isChecked())


def _confirm_replace(parent, title: str, target: Path) -> bool:
    """Ask before an existing file is replaced; True to go ahead."""
    buttons = QtWidgets.QMessageBox.StandardButton
    answer = QtWidgets.QMessageBox.question(parent, title,
                                            f"{target.name} exists. Replace it?",
                                            buttons.Yes | buttons.No, buttons.No)
    return answer == buttons.Yes


def _load_common(settings, prefix: str, path_edit, size_box, checks: dict) -> None:
    """The settings both export dialogs keep under ``prefix``: the path, the size and the
    check boxes (``{key: (box, default)}``)."""
    path_edit.setText(_setting(settings, f"{prefix}/path"))
    size_box.load(settings, prefix)
    for key, (box, default) in checks.items():
        box.setChecked(_setting(settings, f"{prefix}/{key}", default))


def _save_common(settings, prefix: str, path_edit, size_box, checks: dict) -> None:
    settings.setValue(f"{prefix}/path", path_edit.text())
    size_box.save(settings, prefix)
    for key, (box, _default) in checks.items():
        settings.setValue(f"{prefix}/{key}", box.isChecked())


def _setting(settings, key: str, default=None):
    """The saved value of ``key`` checked by :mod:`orbitviz.core.settings_values` (the app
    has already reset bad ones and told the user); its default when missing or bad."""
    return settings_values.value_or(key, settings.value(key), default)
