"""The ground-track map panel (interim: the pyqtgraph map of :mod:`orbitviz.ui.groundtrack`
following the viewer model; being rebuilt as a QPainter painter)."""

from __future__ import annotations

from orbitviz.ui.binding import bind
from orbitviz.ui.groundtrack import GroundTrackPanel


class MapPanel(GroundTrackPanel):
    """The map, following a :class:`~orbitviz.core.viewer.ViewerModel`."""

    def __init__(self, viewer, parent=None):
        super().__init__(viewer.mission, viewer.clock, viewer.view, parent)
        self.viewer = viewer
        self.set_environment(viewer.environment)
        ev = viewer.events
        bind(self, ev.catalog, self._on_catalog)
        bind(self, ev.selection, self._on_selection)
        bind(self, ev.view, self.refresh)
        bind(self, ev.scenario, self._on_scenario)
        self._on_catalog(viewer.catalog)

    def _on_scenario(self, _key) -> None:
        self.refresh()

    def _on_catalog(self, catalog) -> None:
        self.set_user_catalog(catalog)
        self._on_selection(self.viewer.selected)

    def _on_selection(self, object_id: str) -> None:
        self.set_selected_user(object_id if self.viewer.kind(object_id) == "user" else None)


_PANELS: dict = {}


def map_image(viewer, met_s: float, width: int, height: int, pixel_scale: float = 1.0):
    """The map at ``met_s`` as a ``width`` × ``height`` QImage (lines and text scaled by
    ``pixel_scale``), as exports carry it."""
    panel = _PANELS.get(id(viewer))
    if panel is None:
        panel = _PANELS[id(viewer)] = MapPanel(viewer)
    return panel.image_at(met_s, width, height, pixel_scale)


__all__ = ["MapPanel", "map_image"]
