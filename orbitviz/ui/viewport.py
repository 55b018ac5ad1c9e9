"""The 3D viewport: a pyqtgraph ``GLViewWidget`` whose camera always looks at the scene
origin (0, 0, 0).

A failed draw is never silent: pyqtgraph catches an item's ``paint()`` exception, prints
"Error while drawing item" and draws the rest, which would leave a picture without that item
(an export of an Earth with no Earth, issue 14). :meth:`Viewport.drawItemTree` keeps every
such error in :attr:`Viewport.paint_errors`; the exporter clears it before a pass and fails
the export if anything is in it after. On screen the error is still printed as pyqtgraph
does (``report_paint_errors``), and the next frames go on drawing.

The scene controller moves the world so that the camera's target sits at the origin (see
docs/app-design.md); panning therefore changes a float64 offset here instead of the
camera's float32 centre, and near/far clipping planes follow the camera distance so a 50 m
close-up and the whole Earth both keep their depth.
"""

from __future__ import annotations

import math
import sys

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL
from PySide6 import QtCore, QtGui

#: Closest and farthest camera distances, km (scene units).
MIN_DISTANCE_KM = 0.015
MAX_DISTANCE_KM = 400000.0
#: Everything drawn lies within this distance of the Earth's centre, km (the stars are
#: drawn at the far plane by their own shader).
SCENE_RADIUS_KM = 60000.0


class Viewport(gl.GLViewWidget):
    """The GL view. Emits ``camera_changed`` when the user orbits, pans or zooms."""

    camera_changed = QtCore.Signal()
    #: The widget's size changed (the camera may need refitting to its new shape).
    resized = QtCore.Signal()
    #: A left click that did not drag: (x, y) in logical widget pixels.
    clicked = QtCore.Signal(float, float)
    #: A press moving less than this (logical px) before release is a click, not a drag.
    CLICK_SLOP_PX = 4.0

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackgroundColor((3, 4, 10, 255))
        self.opts["fov"] = 45.0
        self.opts["center"] = QtGui.QVector3D(0.0, 0.0, 0.0)
        #: float64 pan offset in scene coordinates, km, applied by the scene controller
        self.pan_offset_scene = np.zeros(3)
        #: Whether the user orbited, panned or zoomed since the camera was last placed.
        self.user_moved = False
        self.setMinimumSize(320, 240)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        #: ``(item, exception)`` of each item whose ``paint()`` failed, oldest first (at most
        #: ``MAX_PAINT_ERRORS``; whoever reads it clears it).
        self.paint_errors: list[tuple[object, Exception]] = []
        #: Print a failed draw as pyqtgraph does (the screen); the exporter reports its own.
        self.report_paint_errors = True

    #: Most paint errors kept (a broken item fails on every frame).
    MAX_PAINT_ERRORS = 32

    # -- drawing --------------------------------------------------------------------------
    def paint(self, *, region, viewport, useItemNames=False):
        """pyqtgraph's paint, remembering the whole picture's viewport (a tiled export
        paints regions of it) so items can place things against the picture's edges."""
        self.paint_viewport = tuple(int(v) for v in viewport)
        super().paint(region=region, viewport=viewport, useItemNames=useItemNames)

    def drawItemTree(self, item=None, useItemNames=False):  # noqa: N802 (pyqtgraph's name)
        """Draw ``item`` and its children (None: every top-level item) in depth order, as
        pyqtgraph does, keeping the error of any item whose ``paint()`` fails (see the
        module's notes). Only ``Exception`` is caught: an interrupt is never taken for a
        failed draw."""
        if item is None:
            todo = [i for i in self.items if i.parentItem() is None]
        else:
            todo = [*item.childItems(), item]
        todo.sort(key=lambda i: i.depthValue())
        for i in todo:
            if not i.visible():
                continue
            if i is not item:  # a subtree: its own transform, then its items
                self._modelViewStack.append(self.currentModelView() * i.transform())
                try:
                    self.drawItemTree(i, useItemNames=useItemNames)
                finally:
                    self._modelViewStack.pop()
                continue
            try:
                if useItemNames:
                    GL.glLoadName(i._id)
                    self._itemNames[i._id] = i
                # items that paint with QPainter may unbind the default VAO
                if self.default_vao.isCreated():
                    self.default_vao.bind()
                i.paint()
            except Exception as exc:  # noqa: BLE001 (kept, then reported by the caller)
                if len(self.paint_errors) < self.MAX_PAINT_ERRORS:
                    self.paint_errors.append((i, exc))
                if self.report_paint_errors:
                    from pyqtgraph import debug

                    debug.printExc()
                    print(f"Error while drawing item {i}.", file=sys.stderr)

    # -- camera -------------------------------------------------------------------------
    def set_camera(self, distance_km: float, elevation_deg: float, azimuth_deg: float) -> None:
        """Place the camera around the origin; resets any pan."""
        self.opts["distance"] = float(np.clip(distance_km, MIN_DISTANCE_KM, MAX_DISTANCE_KM))
        self.opts["elevation"] = float(elevation_deg)
        self.opts["azimuth"] = float(azimuth_deg)
        self.pan_offset_scene = np.zeros(3)
        self.user_moved = False
        self.update()

    def set_distance(self, distance_km: float) -> None:
        """Move the camera along its line of sight (a refit, not a user's zoom)."""
        self.opts["distance"] = float(np.clip(distance_km, MIN_DISTANCE_KM, MAX_DISTANCE_KM))
        self.update()

    def resizeEvent(self, ev):  # noqa: N802 (Qt)
        super().resizeEvent(ev)
        self.resized.emit()

    def camera(self) -> dict:
        return {"distance_km": float(self.opts["distance"]),
                "elevation_deg": float(self.opts["elevation"]),
                "azimuth_deg": float(self.opts["azimuth"]),
                "pan_scene_km": [float(x) for x in self.pan_offset_scene],
                # pyqtgraph's fov is horizontal: with the aspect, an export can keep the
                # vertical field of view and so the framing at any size
                "fov_deg": float(self.opts["fov"]),
                "aspect": self.width() / max(self.height(), 1),
                # placed by a preset and not moved since: a picture of another shape may
                # frame the preset's subject again
                "fitted": not self.user_moved}

    def set_camera_dict(self, cam: dict) -> None:
        self.set_camera(cam["distance_km"], cam["elevation_deg"], cam["azimuth_deg"])
        self.pan_offset_scene = np.asarray(cam.get("pan_scene_km", (0, 0, 0)), dtype=float)
        self.user_moved = not bool(cam.get("fitted", False))

    def projectionMatrix(self, region, viewport):  # noqa: N802 (pyqtgraph's name)
        x0, y0, w, h = viewport
        dist = self.opts["distance"]
        fov = self.opts["fov"]
        near = max(dist * 0.02, 1e-4)
        far = dist + SCENE_RADIUS_KM + float(np.linalg.norm(self.pan_offset_scene))
        r = near * math.tan(0.5 * math.radians(fov))
        t = r * h / w
        left = r * ((region[0] - x0) * (2.0 / w) - 1)
        right = r * ((region[0] + region[2] - x0) * (2.0 / w) - 1)
        bottom = t * ((region[1] - y0) * (2.0 / h) - 1)
        top = t * ((region[1] + region[3] - y0) * (2.0 / h) - 1)
        tr = QtGui.QMatrix4x4()
        tr.frustum(left, right, bottom, top, near, far)
        return tr

    def pan(self, dx, dy, dz, relative="global"):
        """Pan by moving the float64 offset, never the camera's centre."""
        scale = self.opts["distance"] * 2.0 * math.tan(0.5 * math.radians(self.opts["fov"]))
        scale /= max(self.width(), 1)
        az = math.radians(self.opts["azimuth"])
        el = math.radians(self.opts["elevation"])
        right = np.array([-math.sin(az), math.cos(az), 0.0])
        up = np.array([-math.sin(el) * math.cos(az), -math.sin(el) * math.sin(az), math.cos(el)])
        if relative == "view-upright":
            up = np.array([0.0, 0.0, 1.0])
        self.pan_offset_scene = self.pan_offset_scene + scale * (-dx * right + dy * up)
        self.user_moved = True
        self.camera_changed.emit()
        self.update()

    def orbit(self, azim, elev):
        super().orbit(azim, elev)
        self.user_moved = True
        self.camera_changed.emit()

    def mousePressEvent(self, ev):  # noqa: N802
        super().mousePressEvent(ev)
        p = ev.position()
        self._press = (p.x(), p.y()) if ev.button() == QtCore.Qt.MouseButton.LeftButton else None

    def mouseReleaseEvent(self, ev):  # noqa: N802
        press = getattr(self, "_press", None)
        self._press = None
        if press is not None and ev.button() == QtCore.Qt.MouseButton.LeftButton:
            p = ev.position()
            if math.hypot(p.x() - press[0], p.y() - press[1]) < self.CLICK_SLOP_PX:
                self.clicked.emit(p.x(), p.y())
        super().mouseReleaseEvent(ev)

    def wheelEvent(self, ev):  # noqa: N802
        delta = ev.angleDelta().y() or ev.angleDelta().x()
        d = self.opts["distance"] * 0.999 ** delta
        self.opts["distance"] = float(np.clip(d, MIN_DISTANCE_KM, MAX_DISTANCE_KM))
        self.user_moved = True
        self.camera_changed.emit()
        self.update()
        ev.accept()

    def project_many(self, scene_xyz) -> np.ndarray:
        """(N,2) widget pixels (logical, y down) of scene points (N,3); NaN for points behind
        the camera or NaN themselves."""
        w, h = max(self.width(), 1), max(self.height(), 1)
        region = (0, 0, w, h)
        m = self.projectionMatrix(region, region) * self.viewMatrix()
        mat = np.array(m.data(), dtype=float).reshape(4, 4).T  # Qt stores column-major
        p = np.asarray(scene_xyz, dtype=float).reshape(-1, 3)
        clip = p @ mat[:3, :3].T + mat[:3, 3]
        wc = p @ mat[3, :3] + mat[3, 3]
        out = np.full((len(p), 2), np.nan)
        ok = wc > 0
        out[ok, 0] = (clip[ok, 0] / wc[ok] * 0.5 + 0.5) * w
        out[ok, 1] = (1.0 - (clip[ok, 1] / wc[ok] * 0.5 + 0.5)) * h
        return out

    def camera_position_scene(self) -> np.ndarray:
        """The camera's position in scene km (float64)."""
        c = self.cameraPosition()
        return np.array([c.x(), c.y(), c.z()], dtype=float)

    def project(self, scene_xyz) -> tuple[float, float] | None:
        """Widget pixel (x right, y down, logical px) of a scene point, or None if behind
        the camera."""
        w, h = max(self.width(), 1), max(self.height(), 1)
        region = (0, 0, w, h)
        m = self.projectionMatrix(region, region) * self.viewMatrix()
        p = np.asarray(scene_xyz, dtype=float)
        v = m.map(QtGui.QVector4D(float(p[0]), float(p[1]), float(p[2]), 1.0))
        if v.w() <= 0:
            return None
        x = (v.x() / v.w() * 0.5 + 0.5) * w
        y = (1.0 - (v.y() / v.w() * 0.5 + 0.5)) * h
        return x, y
