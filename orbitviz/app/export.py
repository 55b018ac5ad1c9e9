"""Still exports of the 3D scene: the engine behind ``orbitviz export`` and the app's dialog.

An :class:`Exporter` owns a hidden GL viewport (``WA_DontShowOnScreen``; its context shares
with every other one, so programs and textures compile once) and its own scene items posed
by the same :class:`~orbitviz.render.scene.SceneController` as the screen. A render:

- poses the scene for a mission time (``met_s``, seconds from lift-off), a camera preset or
  an explicit camera, a frame (Earth-fixed ITRS or inertial GCRS) and the layers of a
  :class:`~orbitviz.core.viewstate.ViewState`;
- keeps the camera's **vertical** field of view, so the framing (the Earth's size in the
  picture's height) is the same at any aspect ratio and any size; the reference is the
  on-screen viewport's 45° horizontal field of view at 16:9 unless the camera dict says
  otherwise (``fov_deg`` and ``aspect`` of the viewport it came from);
- scales every size given in pixels (tracks, markers, labels, stars) by ``pixel_scale``
  (default: output height / 1080), so a 4K or 8K picture looks like the 1080p one, sharper;
- draws in tiles no larger than the GL limit (or ``tile``), each a region of the full
  image's projection with a margin (``pad``) so that point sprites crossing a tile border
  are drawn whole by both tiles, and stitches the tiles' cores: no seams;
- for a transparent picture draws the scene twice, over black and over white, and takes
  the alpha from the difference (exact for ordinary blending, and it turns the additive
  glow of the atmosphere into a translucent one); the stars are left out;
- paints the caption (title, UTC, T+, current event) and the credit line (imagery, and
  which positions are modelled) with QPainter on the final image.

A failed draw fails the export: the viewport keeps the error of any item whose ``paint()``
raised (pyqtgraph itself only prints it and goes on); after each pass the exporter raises
:class:`ExportError` naming the item, so no picture (nor clip frame) ever lacks an item.

Cancel: ``Exporter.cancel`` (a :class:`~orbitviz.core.cancel.CancelToken`, set by the CLI's
SIGTERM/SIGINT handlers) is checked between tiles, after encoding and just before the final
rename; :class:`~orbitviz.core.cancel.Cancelled` then unwinds, and the old file stays.

Files are written atomically (:func:`write_atomic`, from :mod:`orbitviz.core.atomic_write`):
a temporary file in the same folder, then a rename that, without ``force``, never replaces a
file that appeared meanwhile; a crash or cancel leaves the old file (or none), never half a
file, and a full disk is one line saying so.
Every bad input raises :class:`ExportError` with one line for the user.

This module imports Qt lazily: its checks (:func:`parse_size`, :func:`check_output`, …)
run without a display.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from orbitviz.core.atomic_write import AtomicWriteError
from orbitviz.core.atomic_write import write_atomic as _write_atomic
from orbitviz.core.export_rules import (MIN_TILE_PX, REF_HEIGHT_PX, ExportError, ExportSpec,
                                        caption_lines, check_spec, check_time, credit_text,
                                        export_fov_deg, image_format)
from orbitviz.core.userfiles import one_line


def check_output(path, force: bool = False) -> Path:
    """Raise :class:`ExportError` unless ``path`` can be written: an existing, writable
    folder, and no file there already unless ``force``."""
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"cannot write {p}: {folder} is a file, not a folder")
    if not folder.is_dir():
        raise ExportError(f"cannot write {p}: the folder {folder} does not exist")
    if p.is_dir():
        raise ExportError(f"cannot write {p}: it is a folder")
    if p.exists() and not force:
        raise ExportError(f"{p} exists: use --force to overwrite it")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write {p}: the folder {folder} is not writable")
    return p


def write_atomic(path, writer, force: bool = True, **kwargs) -> Path:
    """:func:`orbitviz.core.atomic_write.write_atomic`, its errors as :class:`ExportError`."""
    try:
        return _write_atomic(path, writer, force=force, **kwargs)
    except AtomicWriteError as exc:
        raise ExportError(str(exc)) from None


def paint_error_text(errors) -> str:
    """One line for the draw errors a viewport kept: which item failed, and why."""
    item, exc = errors[0]
    why = str(exc).strip().splitlines()
    why = f"{type(exc).__name__}: {why[0]}" if why else type(exc).__name__
    more = f" (and {len(errors) - 1} more draw errors)" if len(errors) > 1 else ""
    return f"drawing the picture failed: {type(item).__name__}: {one_line(why, 160)}{more}"


# -- the engine --------------------------------------------------------------------------
class Exporter:
    """Renders pictures of the mission scene off screen. Needs a QApplication whose
    platform has OpenGL (a desktop session or Xvfb) with shared GL contexts."""

    def __init__(self, mission):
        from PySide6 import QtCore, QtWidgets
        from OpenGL import GL

        from orbitviz.core.viewer import ViewerModel
        from orbitviz.render.scene import SceneController, create_items
        from orbitviz.ui.viewport import Viewport

        if QtWidgets.QApplication.instance() is None:
            raise RuntimeError("Exporter needs a QApplication")
        self.model = mission
        #: The exporter's own viewer model: the same mission and (set by the caller) the
        #: same catalogue as the screen, its own view state, selection and time.
        self.viewer = ViewerModel(mission)
        self.view = Viewport()
        self.view.report_paint_errors = False  # a failed draw fails the export instead
        #: Checked between tiles and before the final rename (a CancelToken; None: never).
        self.cancel = None
        self.view.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen)
        self.view.resize(640, 360)
        self.view.show()
        self.view.grabFramebuffer()  # creates the context and runs initializeGL
        self.items = create_items(mission)
        self.scene = SceneController(self.viewer, self.view, self.items)
        self.view.makeCurrent()
        try:
            limits = [int(GL.glGetIntegerv(GL.GL_MAX_TEXTURE_SIZE)),
                      int(GL.glGetIntegerv(GL.GL_MAX_RENDERBUFFER_SIZE)),
                      *(int(v) for v in np.ravel(GL.glGetIntegerv(GL.GL_MAX_VIEWPORT_DIMS)))]
        finally:
            self.view.doneCurrent()
        #: Largest render pass, px (the GL limit).
        self.max_tile = max(min(limits), MIN_TILE_PX)
        self.view.hide()  # nothing paints the widget itself; the context stays
        #: Seconds of the last render's parts: "gl", "compose".
        self.timings = {}

    @property
    def state(self):
        """The view state of the last render (the exporter's viewer model's)."""
        return self.viewer.view

    def set_catalog(self, catalog) -> None:
        """Draw the user's objects of ``catalog`` (None: none) in the pictures."""
        self.viewer.set_catalog(catalog)

    def close(self) -> None:
        self.scene.close()
        if self.view is not None:
            self.view.close()
            self.view.deleteLater()
            self.view = None

    # -- posing ----------------------------------------------------------------------------
    def _pose(self, met_s: float, spec: ExportSpec) -> float:
        """Pose the scene for ``spec`` at ``met_s``; returns the pixel scale used."""
        from orbitviz.core.viewstate import ViewState

        w, h = spec.size
        src = spec.view_state if spec.view_state is not None else ViewState(frame=spec.frame)
        with self.scene.batch():  # one pose at the end, not one per change
            self.viewer.set_view_state(src)
            st = self.viewer.view
            # one of your objects selected: ringed, named and with its track, as on screen
            self.viewer.select(src.selected)
            if spec.transparent:
                st.layers["stars"] = False
            k = float(spec.pixel_scale) if spec.pixel_scale else h / REF_HEIGHT_PX
            # the widget's size stands for the picture at pixel scale 1 (meshes against
            # markers are judged in those pixels, as on screen)
            self.view.resize(max(int(round(w / k)), 16), max(int(round(h / k)), 16))
            self.view.opts["fov"] = export_fov_deg(spec.camera, w, h)
            self.scene.set_time(met_s)
            self.scene.apply_preset(spec.view)
            self.view.set_camera(*self.scene.preset_camera())
            if spec.camera:
                self.view.set_camera_dict(spec.camera)
                if spec.camera.get("fitted") and self.scene.preset.subject_radius_km:
                    # the screen showed the preset as placed: frame its subject again for
                    # this picture's shape
                    self.view.set_distance(self.scene.preset_camera()[0])
            self.scene.set_pixel_scale(k)
        return k

    # -- rendering -------------------------------------------------------------------------
    def _check_cancel(self) -> None:
        if self.cancel is not None:
            self.cancel.check()

    def render_array(self, met_s: float, spec: ExportSpec) -> np.ndarray:
        """The GL picture alone, (H, W, 4) uint8 in memory order B, G, R, A (premultiplied
        alpha; alpha 255 everywhere unless ``spec.transparent``)."""
        import time

        check_spec(spec, self.viewer)
        check_time(self.viewer, met_s)
        self._check_cancel()
        t0 = time.perf_counter()
        k = self._pose(met_s, spec)
        w, h = spec.size
        tile = min(int(spec.tile or self.max_tile), self.max_tile)
        pad = int(math.ceil(10.0 * max(k, 1.0))) + 4  # > half the largest star sprite
        pad = min(pad, (tile - 16) // 4)
        bg = self.view.opts["bgcolor"]
        try:
            if not spec.transparent:
                out = self._passes(w, h, tile, pad, None)
                out[..., 3] = 255
            else:
                black = self._passes(w, h, tile, pad, (0.0, 0.0, 0.0, 0.0))
                white = self._passes(w, h, tile, pad, (1.0, 1.0, 1.0, 0.0))
                out = _alpha_from_pair(black, white)
        finally:
            self.view.opts["bgcolor"] = bg
        self.timings = {"gl": time.perf_counter() - t0}
        return out

    def _passes(self, w, h, tile, pad, bg) -> np.ndarray:
        from OpenGL import GL
        from PySide6 import QtOpenGL

        if bg is not None:
            self.view.opts["bgcolor"] = bg
        self.view.paint_errors.clear()
        tw = min(tile, w + 2 * pad)
        th = min(tile, h + 2 * pad)
        out = np.empty((h, w, 4), dtype=np.uint8)
        self.view.makeCurrent()
        fbo = QtOpenGL.QOpenGLFramebufferObject(
            tw, th, QtOpenGL.QOpenGLFramebufferObject.Attachment.CombinedDepthStencil,
            GL.GL_TEXTURE_2D)
        if not fbo.isValid():
            self.view.doneCurrent()
            raise ExportError(f"the GL driver cannot make a {tw}x{th} render target: "
                              "use a smaller --tile")
        try:
            GL.glPixelStorei(GL.GL_PACK_ALIGNMENT, 4)
            for y0 in range(0, h, th - 2 * pad):
                ch = min(th - 2 * pad, h - y0)
                for x0 in range(0, w, tw - 2 * pad):
                    self._check_cancel()
                    cw = min(tw - 2 * pad, w - x0)
                    rw, rh = cw + 2 * pad, ch + 2 * pad
                    fbo.bind()
                    GL.glViewport(0, 0, rw, rh)
                    # the region in the full picture's pixels, origin at the bottom left
                    region = (x0 - pad, h - (y0 + ch) - pad, rw, rh)
                    self.view.paint(region=region, viewport=(0, 0, w, h))
                    data = GL.glReadPixels(pad, pad, cw, ch, GL.GL_BGRA, GL.GL_UNSIGNED_BYTE)
                    arr = np.frombuffer(data, dtype=np.uint8).reshape(ch, cw, 4)
                    out[y0:y0 + ch, x0:x0 + cw] = arr[::-1]
                    if self.view.paint_errors:  # pyqtgraph drew on without the item
                        raise ExportError(paint_error_text(self.view.paint_errors))
            err = GL.glGetError()
            if err != GL.GL_NO_ERROR:
                raise ExportError(f"OpenGL error {err:#x} while rendering the picture")
        finally:
            fbo.release()
            del fbo
            self.view.doneCurrent()
        return out

    def render(self, met_s: float, spec: ExportSpec = ExportSpec()):
        """The picture at ``met_s`` (seconds from lift-off) as a QImage (ARGB32, exactly
        ``spec.size``), caption and credit included."""
        import time

        from PySide6 import QtGui

        arr = self.render_array(met_s, spec)
        t0 = time.perf_counter()
        h, w = arr.shape[:2]
        img = QtGui.QImage(arr.data, w, h, 4 * w,
                           QtGui.QImage.Format.Format_ARGB32_Premultiplied).copy()
        del arr
        if spec.inset is not None:
            k = spec.pixel_scale if spec.pixel_scale is not None else h / 1080.0
            self._inset(img, met_s, spec.inset, max(float(k), 0.25))
        self._decorate(img, met_s, spec)
        img = img.convertToFormat(QtGui.QImage.Format.Format_ARGB32)
        self.timings["compose"] = time.perf_counter() - t0
        return img

    def save(self, path, met_s: float, spec: ExportSpec = ExportSpec(),
             force: bool = False) -> Path:
        """Render and write ``path`` (PNG or JPEG by extension) atomically; returns it."""
        import time

        from PySide6 import QtCore, QtGui

        fmt = image_format(path)
        check_spec(spec, self.viewer, path)
        check_time(self.viewer, met_s)
        check_output(path, force)
        img = self.render(met_s, spec)
        self._check_cancel()  # before the encoding, which takes seconds at 8K
        t0 = time.perf_counter()
        if not spec.transparent:  # 3 bytes a pixel: smaller PNGs, and JPEG needs it
            img = img.convertToFormat(QtGui.QImage.Format.Format_RGB888)

        def writer(tmp):
            # encoded in memory, then written by Python: a write error (a full disk) is an
            # OSError with its errno, not libpng's lines and Qt's "Unknown error"
            buf = QtCore.QBuffer()
            buf.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
            wr = QtGui.QImageWriter(buf, fmt.encode())
            # JPEG: the spec's quality; PNG: Qt maps quality 50 to a middle zlib level,
            # twice as fast as its default for 5 % more bytes
            wr.setQuality(int(spec.quality) if fmt == "JPEG" else 50)
            if fmt == "JPEG":
                wr.setOptimizedWrite(True)
            if not wr.write(img):
                raise ExportError(f"cannot write {path}: {wr.errorString()}")
            buf.close()
            self._check_cancel()  # a signal during the encoding: stop before writing
            with open(tmp, "wb") as fh:
                fh.write(memoryview(buf.data()))

        out = write_atomic(path, writer, force=force, cancel=self.cancel)
        self.timings["write"] = time.perf_counter() - t0
        return out

    #: Inset width as a share of the picture's width, and its margin as a share of the height.
    INSET_WIDTH = 0.32
    INSET_MARGIN = 0.026

    def inset_rect(self, width: int, height: int):
        """(x, y, w, h) in pixels of the inset in a ``width`` × ``height`` picture: top right,
        a 2:1 map."""
        iw = int(round(width * self.INSET_WIDTH))
        ih = iw // 2
        m = int(round(height * self.INSET_MARGIN))
        return width - m - iw, m, iw, ih

    def _inset(self, img, met_s: float, inset, pixel_scale: float = 1.0) -> None:
        from PySide6 import QtCore, QtGui

        x, y, iw, ih = self.inset_rect(img.width(), img.height())
        picture = inset(met_s, iw, ih, pixel_scale)
        p = QtGui.QPainter(img)
        try:
            p.drawImage(QtCore.QRect(x, y, iw, ih), picture)
            pen = QtGui.QPen(QtGui.QColor(220, 226, 236, 200))
            pen.setWidthF(max(1.0, img.height() / 1080.0))
            p.setPen(pen)
            p.drawRect(QtCore.QRectF(x, y, iw, ih))
        finally:
            p.end()

    # -- caption and credit ---------------------------------------------------------------------
    def _decorate(self, img, met_s: float, spec: ExportSpec) -> None:
        from PySide6 import QtCore, QtGui

        # Laid out on a 1080-line page (the 16:9 picture's height, or less for narrower
        # pictures) and scaled to the picture: unhinted glyph outlines, so the caption is
        # the same drawing at every size.
        scale = min(img.height(), img.width() * 9 / 16) / REF_HEIGHT_PX
        w, h = img.width() / scale, img.height() / scale
        unit = REF_HEIGHT_PX / 100.0
        p = QtGui.QPainter(img)
        try:
            p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
            p.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing)
            p.scale(scale, scale)
            margin = 2.6 * unit
            bottom = h - margin
            if spec.credit:
                font = _font(max(1.55 * unit, 6.0), QtGui.QFont.Weight.Normal)
                p.setFont(font)
                fm = QtGui.QFontMetricsF(font)
                text = fm.elidedText(credit_text(self.viewer, met_s),
                                     QtCore.Qt.TextElideMode.ElideRight, w - 2 * margin)
                base = h - 1.2 * unit - fm.descent()
                _shadow_text(p, QtCore.QPointF(w - margin - fm.horizontalAdvance(text), base),
                             text, QtGui.QColor(205, 212, 224, 235), unit)
                bottom = base - fm.ascent() - 1.6 * unit
            if spec.caption and spec.caption != "none":
                if spec.caption == "auto":
                    lines = caption_lines(self.viewer, met_s)
                else:
                    lines = [("title", spec.caption)]
                self._caption(p, lines, margin, bottom, w, unit)
        finally:
            p.end()

    def _caption(self, p, lines, left, bottom, w, unit) -> None:
        """Lines in a translucent panel whose bottom-left corner is (left, bottom)."""
        from PySide6 import QtCore, QtGui

        styles = {"title": (4.0, QtGui.QFont.Weight.Bold, QtGui.QColor(255, 255, 255)),
                  "event": (3.3, QtGui.QFont.Weight.DemiBold, QtGui.QColor(255, 196, 110)),
                  "time": (2.8, QtGui.QFont.Weight.Normal, QtGui.QColor(220, 228, 240))}
        max_w = w - 2 * left - 2.4 * unit
        laid = []
        for role, text in lines:
            size, weight, color = styles.get(role, styles["title"])
            font = _font(max(size * unit, 6.0), weight)
            fm = QtGui.QFontMetricsF(font)
            text = fm.elidedText(text, QtCore.Qt.TextElideMode.ElideRight, max_w)
            laid.append((text, font, fm, color))
        gap = 0.9 * unit
        pad_x, pad_y = 1.8 * unit, 1.4 * unit
        height = sum(fm.height() for _, _, fm, _ in laid) + gap * (len(laid) - 1) + 2 * pad_y
        width = max(fm.horizontalAdvance(t) for t, _, fm, _ in laid) + 2 * pad_x
        rect = QtCore.QRectF(left, bottom - height, width, height)
        p.setPen(QtCore.Qt.PenStyle.NoPen)
        p.setBrush(QtGui.QColor(8, 10, 16, 178))
        p.drawRoundedRect(rect, 1.2 * unit, 1.2 * unit)
        p.setBrush(QtGui.QColor(255, 160, 46, 230))  # the accent bar of Soyuz MS-19's colour
        p.drawRoundedRect(QtCore.QRectF(left, rect.top(), 0.45 * unit, height),
                          0.2 * unit, 0.2 * unit)
        y = rect.top() + pad_y
        for text, font, fm, color in laid:
            p.setFont(font)
            _shadow_text(p, QtCore.QPointF(left + pad_x, y + fm.ascent()), text, color, unit)
            y += fm.height() + gap


def _font(px: float, weight):
    from PySide6 import QtGui

    font = QtGui.QFont("DejaVu Sans")
    font.setPixelSize(max(int(round(px)), 1))
    font.setWeight(weight)
    font.setHintingPreference(QtGui.QFont.HintingPreference.PreferNoHinting)
    return font


def _shadow_text(p, pos, text, color, unit) -> None:
    from PySide6 import QtCore, QtGui

    off = max(0.12 * unit, 1.0)
    p.setPen(QtGui.QColor(0, 0, 0, 170))
    p.drawText(pos + QtCore.QPointF(off, off), text)
    p.setPen(color)
    p.drawText(pos, text)


def _alpha_from_pair(black: np.ndarray, white: np.ndarray) -> np.ndarray:
    """Premultiplied BGRA from the same picture over black and over white: per channel
    ``alpha = 1 − (white − black)``; the largest channel's alpha is kept (and never less
    than the colour, so the result is valid premultiplied colour)."""
    b = black[..., :3].astype(np.int16)
    wt = white[..., :3].astype(np.int16)
    alpha = (255 - np.clip(wt - b, 0, 255)).max(axis=2)
    alpha = np.maximum(alpha, b.max(axis=2)).astype(np.uint8)
    out = black.copy()
    out[..., 3] = alpha
    return out


__all__ = ["Exporter", "write_atomic", "check_output"]
