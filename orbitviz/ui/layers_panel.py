"""The Layers panel: which layers show, the view's frame, and the track span.

A widget around the :class:`~orbitviz.core.viewer.ViewerModel`: the boxes write through
its setters (``set_layer``, ``set_frame``, ``set_track_span``) and follow its ``view``
event, so a change made elsewhere (a saved shot, the View menu) shows here too.
"""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from orbitviz.core.formatting import FRAME_NAMES, LAYER_NAMES
from orbitviz.core.viewstate import FRAMES, LABEL_SIZES, LAYERS, ORBIT_S
from orbitviz.ui.binding import bind


class LayersPanel(QtWidgets.QWidget):
    """Check boxes for every layer of :data:`~orbitviz.core.viewstate.LAYERS`, the view's
    frame and the track span; ``changed`` is emitted after the user changed one."""

    changed = QtCore.Signal()

    def __init__(self, viewer, parent=None):
        super().__init__(parent)
        self.viewer = viewer
        self.view_state = viewer.view
        self._boxes: dict[str, QtWidgets.QCheckBox] = {}
        self._radios: dict[str, QtWidgets.QRadioButton] = {}

        layers = QtWidgets.QGroupBox("Layers")
        lv = QtWidgets.QVBoxLayout(layers)
        for layer in LAYERS:
            # "&" marks a keyboard mnemonic in Qt: double it to show it
            box = QtWidgets.QCheckBox(LAYER_NAMES.get(layer, layer).replace("&", "&&"))
            box.setObjectName(f"layer:{layer}")
            box.toggled.connect(lambda on, k=layer: self._set_layer(k, on))
            lv.addWidget(box)
            self._boxes[layer] = box

        frame = QtWidgets.QGroupBox("Frame")
        fv = QtWidgets.QVBoxLayout(frame)
        self._frame_group = QtWidgets.QButtonGroup(self)
        for name in FRAMES:
            radio = QtWidgets.QRadioButton(FRAME_NAMES.get(name, name))
            radio.setObjectName(f"frame:{name}")
            radio.setToolTip("Earth-fixed: the ground stays put, orbits drift west. "
                             "Inertial: the stars stay put, the Earth turns."
                             if name == "earth-fixed" else
                             "Inertial (GCRS): the stars stay put, the Earth turns beneath "
                             "the orbits.")
            self._frame_group.addButton(radio)
            radio.toggled.connect(lambda on, k=name: self._frame_toggled(k, on))
            fv.addWidget(radio)
            self._radios[name] = radio

        span = QtWidgets.QGroupBox("Tracks")
        sv = QtWidgets.QFormLayout(span)
        self._spans: dict[str, QtWidgets.QDoubleSpinBox] = {}
        for key, label in (("track_behind_s", "Behind"), ("track_ahead_s", "Ahead")):
            spin = QtWidgets.QDoubleSpinBox()
            spin.setObjectName(f"span:{key}")
            spin.setRange(0.0, 20.0)
            spin.setSingleStep(0.25)
            spin.setDecimals(2)
            spin.setSuffix(" orbits")
            spin.setToolTip("How much of each track to draw, in ISS orbits (92.7 min)")
            spin.valueChanged.connect(lambda v, k=key: self._set_span(k, v))
            sv.addRow(label, spin)
            self._spans[key] = spin
        self.label_size = QtWidgets.QComboBox()
        self.label_size.setObjectName("labelSize")
        for key in LABEL_SIZES:
            self.label_size.addItem(key.capitalize(), key)
        self.label_size.setToolTip("The size of the names in the view and in every picture "
                                   "exported")
        self.label_size.currentIndexChanged.connect(self._label_size_chosen)
        sv.addRow("Labels", self.label_size)

        outer = QtWidgets.QVBoxLayout(self)
        outer.addWidget(layers)
        outer.addWidget(frame)
        outer.addWidget(span)
        outer.addStretch(1)
        self.sync_from_state()
        bind(self, viewer.events.view, self.sync_from_state)

    def checkbox(self, layer: str) -> QtWidgets.QCheckBox:
        return self._boxes[layer]

    def radio(self, frame: str) -> QtWidgets.QRadioButton:
        return self._radios[frame]

    def sync_from_state(self) -> None:
        """Show what the view state holds (after it was changed elsewhere); emits nothing."""
        for layer, box in self._boxes.items():
            box.blockSignals(True)
            box.setChecked(self.view_state.visible(layer))
            box.blockSignals(False)
        for name, radio in self._radios.items():
            radio.blockSignals(True)
            radio.setChecked(self.view_state.frame == name)
            radio.blockSignals(False)
        for key, spin in self._spans.items():
            spin.blockSignals(True)
            spin.setValue(getattr(self.view_state, key) / ORBIT_S)
            spin.blockSignals(False)
        self.label_size.blockSignals(True)
        self.label_size.setCurrentIndex(self.label_size.findData(self.view_state.label_size))
        self.label_size.blockSignals(False)

    def _label_size_chosen(self, index: int) -> None:
        size = self.label_size.itemData(index)
        if size:
            self.viewer.set_label_size(size)
            self.changed.emit()

    def span_spin(self, key: str) -> QtWidgets.QDoubleSpinBox:
        return self._spans[key]

    def _set_span(self, key: str, orbits: float) -> None:
        seconds = float(orbits) * ORBIT_S
        if key == "track_behind_s":
            self.viewer.set_track_span(behind_s=seconds)
        else:
            self.viewer.set_track_span(ahead_s=seconds)
        self.changed.emit()

    def _set_layer(self, layer: str, on: bool) -> None:
        self.viewer.set_layer(layer, bool(on))
        self.changed.emit()

    def _frame_toggled(self, frame: str, on: bool) -> None:
        if on and self.view_state.frame != frame:
            self.viewer.set_frame(frame)
            self.changed.emit()


__all__ = ["LayersPanel"]
