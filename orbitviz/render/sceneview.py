"""What the scene controller needs from the view it draws into (a ``typing.Protocol``).

:class:`orbitviz.ui.viewport.Viewport` satisfies it; so does the exporter's hidden viewport.
The render layer depends only on this description, never on the widget class.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class SceneView(Protocol):
    """A pyqtgraph ``GLViewWidget``-like view whose camera orbits the scene origin.

    - ``opts``: pyqtgraph's camera options (``distance`` in scene km, ``fov`` in degrees,
      horizontal).
    - ``pan_offset_scene``: float64 (3,) pan of the camera's target, scene km.
    """

    opts: dict
    pan_offset_scene: np.ndarray

    def addItem(self, item) -> None: ...  # noqa: N802 (pyqtgraph's name)

    def update(self) -> None: ...

    def width(self) -> int: ...

    def height(self) -> int: ...

    def camera_position_scene(self) -> np.ndarray:
        """The camera's position in scene km, float64 (3,)."""

    def project_many(self, scene_xyz) -> np.ndarray:
        """(N,2) logical widget pixels (y down) of scene points; NaN behind the camera."""


__all__ = ["SceneView"]
