"""The Readouts panel: name, phase, position, speed and data source of the selected object.

A widget around the :class:`~orbitviz.core.viewer.ViewerModel`, the same for the mission's
objects and the user's: everything comes from ``viewer.state``; the chooser selects through
``viewer.select`` and follows the viewer's selection. During Soyuz MS-19's rendezvous it also
shows the range and closing speed to the station.

Units: latitude/longitude in degrees (WGS 84 geodetic), altitude in km above the WGS 84
ellipsoid, inertial (GCRS) speed in km/s, range in km or m, closing speed in m/s.
"""

from __future__ import annotations

import math

from PySide6 import QtCore, QtGui, QtWidgets

from orbitviz.core.elements import NoStateError
from orbitviz.core.formatting import (format_alt, format_closing, format_element_set,
                                      format_lat, format_lon, format_range, phase_name)
from orbitviz.core.relative import range_and_closing_speed
from orbitviz.ui.binding import bind
from orbitviz.ui.widgets import modelled_badge

#: Up to this many of the user's objects are listed in the chooser.
CHOOSER_MAX_USER = 500
#: The vehicle whose rendezvous the panel follows.
RENDEZVOUS_OBJECT = "soyuz-ms-19"


class ReadoutsPanel(QtWidgets.QWidget):
    """Name, phase, position, speed and data source of the selected object at the clock's
    time; during Soyuz MS-19's rendezvous also its range and closing speed to the station.

    The chooser lists the mission's objects and, when one of the user's is selected, that
    one last; choosing selects through the viewer model (``selection_changed`` is emitted
    too).
    """

    selection_changed = QtCore.Signal(str)
    ROWS = ("phase", "lat", "lon", "alt", "speed", "source", "range", "closing")
    ROW_TITLES = {"phase": "Phase", "lat": "Latitude", "lon": "Longitude",
                  "alt": "Altitude", "speed": "Speed (inertial)", "source": "Source",
                  "range": "Range to ISS", "closing": "Closing speed"}

    def __init__(self, viewer, parent=None):
        super().__init__(parent)
        self.viewer = viewer
        self.clock = viewer.clock
        phases = dict((p, t) for t, p in viewer.phases(RENDEZVOUS_OBJECT)) \
            if viewer.kind(RENDEZVOUS_OBJECT) == "mission" else {}
        self._rdv_span = (phases.get("free-flight", math.inf), phases.get("docked", -math.inf))
        self._mission_ids = viewer.ids("mission")

        self.chooser = QtWidgets.QComboBox()
        for oid in self._mission_ids:
            self.chooser.addItem(viewer.name(oid), oid)
        self.chooser.currentIndexChanged.connect(self._chosen)

        self.title = QtWidgets.QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.badge = modelled_badge()
        head = QtWidgets.QHBoxLayout()
        head.addWidget(self.title)
        head.addWidget(self.badge)
        head.addStretch(1)

        form = QtWidgets.QFormLayout()
        form.setLabelAlignment(QtCore.Qt.AlignmentFlag.AlignRight)
        self.values: dict[str, QtWidgets.QLabel] = {}
        self._shown: dict[str, str] = {}
        self._visible: dict[int, bool] = {}
        self._row_titles: dict[str, QtWidgets.QLabel] = {}
        mono = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont)
        for key in self.ROWS:
            value = QtWidgets.QLabel("—")
            value.setObjectName(f"value:{key}")
            value.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
            if key in ("lat", "lon", "alt", "speed", "range", "closing"):
                value.setFont(mono)
            if key == "source":
                value.setWordWrap(True)
            title = QtWidgets.QLabel(self.ROW_TITLES[key])
            form.addRow(title, value)
            self.values[key] = value
            self._row_titles[key] = title

        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.chooser)
        layout.addLayout(head)
        layout.addLayout(form)
        layout.addStretch(1)
        bind(self, viewer.events.time, self.update_time)
        bind(self, viewer.events.selection, self._show_selected)
        bind(self, viewer.events.catalog, self._on_catalog)
        self._on_catalog(viewer.catalog)

    # -- selection ----------------------------------------------------------------------
    @property
    def selected(self) -> str:
        return self.viewer.selected

    def _show_selected(self, object_id: str) -> None:
        """Show ``object_id`` (the viewer's selection) in the chooser and the rows."""
        self.chooser.blockSignals(True)
        self.chooser.setCurrentIndex(self.chooser.findData(object_id))
        if self.chooser.currentIndex() < 0 and self.viewer.kind(object_id) == "user":
            self._fill_user_rows()  # a big catalogue lists only the one selected
            self.chooser.setCurrentIndex(self.chooser.findData(object_id))
        self.chooser.blockSignals(False)
        self.update_time(self.clock.met_s)

    def _fill_user_rows(self) -> None:
        """The user's objects after the mission's, by name (all of them up to
        :data:`CHOOSER_MAX_USER`; in a bigger catalogue, the selected one)."""
        n = len(self._mission_ids)
        while self.chooser.count() > n:
            self.chooser.removeItem(self.chooser.count() - 1)
        users = self.viewer.ids("user")
        if len(users) > CHOOSER_MAX_USER:
            users = [u for u in users if u == self.viewer.selected]
        if users:
            self.chooser.insertSeparator(n)
            for oid in sorted(users, key=lambda o: self.viewer.name(o).lower()):
                self.chooser.addItem(self.viewer.name(oid), oid)

    def _on_catalog(self, _catalog) -> None:
        self.chooser.blockSignals(True)
        self._fill_user_rows()
        self.chooser.blockSignals(False)
        self._show_selected(self.viewer.selected)

    def _chosen(self, index: int) -> None:
        oid = self.chooser.itemData(index)
        if oid and self.viewer.select(oid):
            self.selection_changed.emit(oid)

    # -- per tick -------------------------------------------------------------------------
    def text(self, key: str) -> str:
        """The text shown in a row (``phase``, ``lat``, ``lon``, ``alt``, ``speed``,
        ``source``, ``range``, ``closing``), for tests and copying."""
        return self.values[key].text()

    def _set(self, key: str, text: str) -> None:
        """Set a row's text only when it changed (each Qt call costs; ticks are frequent)."""
        if self._shown.get(key) != text:
            self._shown[key] = text
            self.values[key].setText(text)

    def _set_visible(self, widget: QtWidgets.QWidget, on: bool) -> None:
        if self._visible.get(id(widget)) != on:
            self._visible[id(widget)] = on
            widget.setVisible(on)

    def _show_rendezvous_rows(self, on: bool) -> None:
        for key in ("range", "closing"):
            self._set_visible(self.values[key], on)
            self._set_visible(self._row_titles[key], on)

    def _clear(self, phase_text: str) -> None:
        for key in self.ROWS:
            self._set(key, "—")
        self._set("phase", phase_text)
        self._set_visible(self.badge, False)
        self._show_rendezvous_rows(False)

    def update_time(self, met_s: float) -> None:
        v = self.viewer
        oid = v.selected
        if v.kind(oid) is None:
            return
        name = v.name(oid)
        if self.title.text() != name:
            self.title.setText(name)
        user = v.kind(oid) == "user"
        try:
            if not v.exists(oid, met_s):
                raise NoStateError(oid)
            s = v.state(oid, met_s)
        except NoStateError:
            if user:
                self._clear("no element set covers this time")
            else:
                self._clear("not in the scene at this time" if v.in_mission(met_s) else
                            "not in this scenario")
            return
        self._set("lat", format_lat(s.lat_deg))
        self._set("lon", format_lon(s.lon_deg))
        self._set("alt", format_alt(s.alt_km))
        self._set("speed", f"{s.speed_km_s:.3f} km/s")
        if user:
            self._set_visible(self.badge, False)
            self._show_rendezvous_rows(False)
            norad = v.catalog.objects[oid].norad_id
            self._set("phase", f"in orbit · NORAD {norad}")
            self._set("source", "your element set: " + format_element_set(s.tle, "panel"))
            return
        self._set("phase", phase_name(s.phase))
        modelled = s.source != "tle"
        self._set_visible(self.badge, modelled)
        if modelled:
            self._set("source", "model (orbitviz's modelled flight, not tracking data)")
        else:
            via = "" if oid == "iss" else "station's element set (docked): "
            self._set("source", via + format_element_set(s.tle, "panel"))
        t0, t1 = self._rdv_span
        in_rdv = oid == RENDEZVOUS_OBJECT and t0 <= met_s <= t1
        self._show_rendezvous_rows(in_rdv)
        if in_rdv and s.phase == "docked":  # the instant of contact
            self._set("range", "0 m")
            self._set("closing", "docked")
        elif in_rdv:
            rng, closing = range_and_closing_speed(v.mission, oid, met_s)
            self._set("range", format_range(float(rng[0])))
            self._set("closing", format_closing(float(closing[0])))


__all__ = ["ReadoutsPanel", "RENDEZVOUS_OBJECT"]
