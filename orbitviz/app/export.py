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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from orbitviz.core.atomic_write import AtomicWriteError
from orbitviz.core.atomic_write import write_atomic as _write_atomic
from orbitviz.core.timeaxis import format_met

#: Largest width or height of an export, px.
MAX_SIZE_PX = 16384
#: File formats by extension (Qt's writer names).
FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
FRAMES = ("earth-fixed", "inertial")
BASE_VIEWS = ("earth", "baikonur", "rendezvous")
#: The reference camera: the on-screen viewport's horizontal field of view at 16:9, which
#: fixes the vertical field of view every export keeps (about 26.2°).
REF_FOV_DEG = 45.0
REF_ASPECT = 16.0 / 9.0
#: Smallest tile, px (tiles carry a margin on every side).
MIN_TILE_PX = 256
#: The picture's height that pixel scale 1 is designed for, px.
REF_HEIGHT_PX = 1080.0
#: Imagery and data credits, always in the credit line.
CREDIT_IMAGERY = "Imagery: NASA Earth Observatory (Blue Marble), NASA GSFC/NOAA (city lights)"
CREDIT_STARS = "stars: ESA Hipparcos"


class ExportError(ValueError):
    """Bad input for an export; the message is one line for the user."""


@dataclass(frozen=True)
class ExportSpec:
    """What to export.

    ``size``: (width, height) px. ``view``: ``earth``, ``baikonur``, ``rendezvous`` or
    ``follow:<object id>``. ``frame``: ``earth-fixed`` or ``inertial`` (when ``view_state``
    is given its frame wins). ``caption``: ``auto`` (title, UTC, T+, current event),
    ``none``, or a text. ``transparent``: alpha 0 where nothing is drawn (PNG only).
    ``credit``: the credit line. ``tile``: largest render pass, px (None: the GL limit).
    ``view_state``: a ViewState to copy layers, frame and track span from. ``camera``: a
    ``Viewport.camera()`` dict overriding the preset's camera, optionally with ``fov_deg``
    and ``aspect`` (width / height) of the viewport it came from. ``pixel_scale``: factor
    for every pixel size (None: height / 1080). ``quality``: JPEG quality 1–100.
    """

    size: tuple = (1920, 1080)
    view: str = "earth"
    frame: str = "earth-fixed"
    caption: str = "auto"
    transparent: bool = False
    credit: bool = True
    tile: int | None = None
    view_state: object = None
    camera: dict | None = None
    pixel_scale: float | None = None
    quality: int = 92
    #: optional ``inset(met_s, width, height, pixel_scale) -> QImage`` painted in the
    #: top-right corner (``pixel_scale`` as :attr:`pixel_scale`: lines and text scaled)
    #: (the app passes its ground-track map when the map is shown)
    inset: object = None


# -- checks (no Qt) ---------------------------------------------------------------------
def parse_size(text: str) -> tuple[int, int]:
    """``"1920x1080"`` → (1920, 1080); raises :class:`ExportError`."""
    parts = str(text).lower().replace("×", "x").split("x")
    try:
        if len(parts) != 2:
            raise ValueError
        w, h = (int(p.strip()) for p in parts)
    except ValueError:
        raise ExportError(f"size must be WIDTHxHEIGHT in pixels (1920x1080), not '{text}'")
    check_size((w, h))
    return w, h


def check_size(size) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in size)
    except (TypeError, ValueError):
        raise ExportError(f"size must be (width, height) in pixels, not {size!r}") from None
    if not (1 <= w <= MAX_SIZE_PX and 1 <= h <= MAX_SIZE_PX):
        raise ExportError(f"size {w}x{h}: width and height must be between 1 and "
                          f"{MAX_SIZE_PX} px")
    return w, h


def image_format(path) -> str:
    """Qt's format name for ``path``'s extension (PNG or JPEG); raises :class:`ExportError`."""
    ext = Path(path).suffix.lower()
    if ext not in FORMATS:
        raise ExportError(f"unknown extension '{ext or Path(path).name}' for a picture: "
                          "use .png or .jpg")
    return FORMATS[ext]


def check_view(view: str, model=None, catalog=None) -> str:
    """Raise :class:`ExportError` unless ``view`` names a camera preset (``follow:`` any
    object of ``model`` or of the user's ``catalog``)."""
    if view in BASE_VIEWS:
        return view
    if isinstance(view, str) and view.startswith("follow:"):
        oid = view.split(":", 1)[1]
        if model is None or oid in model.objects or (catalog is not None
                                                     and oid in catalog.objects):
            if oid:
                return view
        known = ", ".join(model.objects) if model is not None else ""
        raise ExportError(f"unknown object '{oid}' in view '{view}' (known: {known})")
    raise ExportError(f"unknown view '{view}': use earth, baikonur, rendezvous or "
                      "follow:<object id>")


def check_time(model, met_s: float, catalog=None) -> float:
    """Raise :class:`ExportError` unless ``met_s`` lies in the mission's display window or,
    with the user's ``catalog``, within its element sets' validity."""
    t0, t1 = model.window
    if not math.isfinite(met_s):
        raise ExportError(f"{met_s} is not a time")
    if catalog is not None and catalog.covers(met_s):
        return float(met_s)
    if not (t0 <= met_s <= t1):
        axis = model.axis
        also = ""
        if catalog is not None and len(catalog):
            a, b = catalog.span
            also = (f", nor within your element sets' validity, {axis.iso_utc(a, 0)} to "
                    f"{axis.iso_utc(b, 0)}")
        raise ExportError(f"{format_met(met_s)} ({axis.iso_utc(met_s, 0)}) is outside the "
                          f"display window, {axis.iso_utc(t0, 0)} to {axis.iso_utc(t1, 0)}"
                          f"{also}")
    return float(met_s)


def check_spec(spec: ExportSpec, model=None, path=None, catalog=None) -> None:
    """Every check of a spec that needs no GL; raises :class:`ExportError`."""
    check_size(spec.size)
    check_view(spec.view, model, catalog)
    if spec.frame not in FRAMES:
        raise ExportError(f"unknown frame '{spec.frame}': use earth-fixed or inertial")
    if spec.tile is not None and not (MIN_TILE_PX <= int(spec.tile) <= MAX_SIZE_PX):
        raise ExportError(f"tile must be between {MIN_TILE_PX} and {MAX_SIZE_PX} px, "
                          f"not {spec.tile}")
    if spec.pixel_scale is not None and not (0 < float(spec.pixel_scale) <= 64):
        raise ExportError(f"pixel scale must be above 0 and at most 64, not {spec.pixel_scale}")
    if not (1 <= int(spec.quality) <= 100):
        raise ExportError(f"JPEG quality must be between 1 and 100, not {spec.quality}")
    if path is not None and spec.transparent and image_format(path) == "JPEG":
        raise ExportError("--transparent needs PNG: JPEG has no alpha channel")


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


def write_atomic(path, writer, force: bool = True) -> Path:
    """:func:`orbitviz.core.atomic_write.write_atomic`, its errors as :class:`ExportError`."""
    try:
        return _write_atomic(path, writer, force=force)
    except AtomicWriteError as exc:
        raise ExportError(str(exc)) from None


# -- what the caption and credit say (no Qt) ---------------------------------------------
def current_event(model, met_s: float, tolerance_s: float = 0.5):
    """The latest event at or before ``met_s`` (within ``tolerance_s``), or None."""
    last = None
    for e in model.events():
        if e.met_s <= met_s + tolerance_s:
            last = e
    return last


def caption_lines(model, met_s: float, catalog=None) -> list[tuple[str, str]]:
    """The automatic caption as (role, text) lines: title, event, time (outside the
    mission: the user's objects and the UTC time)."""
    utc = model.axis.datetime_utc(met_s)
    w0, w1 = model.window
    if not (w0 <= met_s <= w1):
        n = len(catalog.existing(met_s)) if catalog is not None else 0
        return [("title", f"{n:,} object{'s' if n != 1 else ''} from your element sets"),
                ("time", f"{utc:%d %b %Y, %H:%M:%S} UTC")]
    when = f"{utc:%d %b %Y, %H:%M:%S} UTC   ·   {format_met(met_s)}"
    ev = current_event(model, met_s)
    lines = [("title", model.scenario.title)]
    if ev is None:
        lines.append(("event", "Before lift-off"))
    else:
        text = ev.name
        if abs(ev.met_s - met_s) > 0.5:
            text = f"{ev.name}  ({format_met(ev.met_s)})"
        if ev.basis != "measured":
            text += "  · modelled"
        lines.append(("event", text))
    lines.append(("time", when))
    return lines


def credit_text(model, met_s: float, catalog=None) -> str:
    """One line: imagery credit, and where the positions shown at ``met_s`` come from."""
    w0, w1 = model.window
    if not (w0 <= met_s <= w1):
        return f"{CREDIT_IMAGERY}; {CREDIT_STARS}   ·   Orbits: your element sets (SGP4)"
    modelled = []
    for oid in model.existing(met_s):
        obj = model.objects[oid]
        if obj.segment_at(met_s).source == "model":
            modelled.append(f"{obj.name} {obj.phase_at(met_s).replace('-', ' ')}")
    orbits = "Orbits: NORAD element sets (ISS)"
    if catalog is not None and catalog.existing(met_s):
        orbits += " and yours"
    if modelled:
        orbits += "; modelled by orbitviz (dashed): " + ", ".join(modelled)
    return f"{CREDIT_IMAGERY}; {CREDIT_STARS}   ·   {orbits}"


def event_view(model, event) -> str:
    """The camera preset that suits ``event`` in a picture: the event's ``view`` from the
    mission file, else by rule from its object's phase and distance to the station."""
    if getattr(event, "view", ""):
        return event.view
    oid = event.object if event.object in model.objects else "iss"
    obj = model.objects[oid]
    if not obj.exists(event.met_s):
        return "earth"
    phase = obj.phase_at(event.met_s)
    if phase in ("on-pad", "ascent"):
        return "baikonur"
    if phase == "docked" or oid == "iss":
        return "rendezvous"
    if phase in ("final-approach",):
        return "rendezvous"
    try:
        r, _ = model.gcrs_state(oid, event.met_s)
        ri, _ = model.gcrs_state("iss", event.met_s)
        if float(np.linalg.norm(np.asarray(r) - np.asarray(ri))) < 0.5:
            return "rendezvous"
    except Exception:  # noqa: BLE001 (no station state: follow the object)
        pass
    return f"follow:{oid}"


def met_file_stem(met_s: float) -> str:
    """A T+ that sorts as text and is safe in file names: ``T+00d03h27m28s``."""
    sign = "-" if met_s < 0 else "+"
    a = int(math.floor(abs(met_s) + 0.5))
    d, rem = divmod(a, 86400)
    h, rem = divmod(rem, 3600)
    m, s = divmod(rem, 60)
    return f"T{sign}{d:02d}d{h:02d}h{m:02d}m{s:02d}s"


def vertical_fov_deg(camera: dict | None) -> float:
    """The vertical field of view an export keeps, degrees (see the module's notes)."""
    fov = REF_FOV_DEG
    aspect = REF_ASPECT
    if camera:
        fov = float(camera.get("fov_deg", fov))
        aspect = float(camera.get("aspect", aspect))
    return math.degrees(2.0 * math.atan(math.tan(math.radians(0.5 * fov)) / aspect))


def horizontal_fov_deg(vfov_deg: float, width: int, height: int) -> float:
    return math.degrees(2.0 * math.atan(math.tan(math.radians(0.5 * vfov_deg))
                                        * width / height))


# -- the engine --------------------------------------------------------------------------
class Exporter:
    """Renders pictures of the mission scene off screen. Needs a QApplication whose
    platform has OpenGL (a desktop session or Xvfb) with shared GL contexts."""

    def __init__(self, model):
        from PySide6 import QtCore, QtWidgets
        from OpenGL import GL

        from orbitviz.core.viewstate import ViewState
        from orbitviz.render.scene import SceneController, create_items
        from orbitviz.ui.viewport import Viewport

        if QtWidgets.QApplication.instance() is None:
            raise RuntimeError("Exporter needs a QApplication")
        self.model = model
        self.view = Viewport()
        self.view.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen)
        self.view.resize(640, 360)
        self.view.show()
        self.view.grabFramebuffer()  # creates the context and runs initializeGL
        self.state = ViewState()
        self.items = create_items(model)
        self.scene = SceneController(model, self.state, self.view, self.items)
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

    def close(self) -> None:
        if self.view is not None:
            self.view.close()
            self.view.deleteLater()
            self.view = None

    # -- posing ----------------------------------------------------------------------------
    def _pose(self, met_s: float, spec: ExportSpec) -> float:
        """Pose the scene for ``spec`` at ``met_s``; returns the pixel scale used."""
        from orbitviz.core.viewstate import ViewState

        w, h = spec.size
        st = self.state
        src = spec.view_state if spec.view_state is not None else ViewState(frame=spec.frame)
        st.layers = dict(src.layers)
        st.frame = src.frame
        st.track_behind_s = src.track_behind_s
        st.track_ahead_s = src.track_ahead_s
        st.selected = src.selected
        # one of your objects selected: ringed, named and with its track, as on screen
        # (a mission id is never one of yours: it selects none)
        self.scene.set_selected_user(src.selected)
        if spec.transparent:
            st.layers["stars"] = False
        k = float(spec.pixel_scale) if spec.pixel_scale else h / REF_HEIGHT_PX
        # the widget's size stands for the picture at pixel scale 1 (meshes against
        # markers are judged in those pixels, as on screen)
        self.view.resize(max(int(round(w / k)), 16), max(int(round(h / k)), 16))
        self.scene.met_s = float(met_s)
        self.scene.apply_preset(spec.view)
        self.view.set_camera(*self.scene.preset_camera())
        if spec.camera:
            self.view.set_camera_dict(spec.camera)
        self.view.opts["fov"] = horizontal_fov_deg(vertical_fov_deg(spec.camera), w, h)
        self.scene.set_pixel_scale(k)  # also poses every item for met_s
        return k

    # -- rendering -------------------------------------------------------------------------
    def render_array(self, met_s: float, spec: ExportSpec) -> np.ndarray:
        """The GL picture alone, (H, W, 4) uint8 in memory order B, G, R, A (premultiplied
        alpha; alpha 255 everywhere unless ``spec.transparent``)."""
        import time

        cat = self.scene.user_catalog
        check_spec(spec, self.model, catalog=cat)
        check_time(self.model, met_s, cat)
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
        check_spec(spec, self.model, path, self.scene.user_catalog)
        check_time(self.model, met_s, self.scene.user_catalog)
        check_output(path, force)
        img = self.render(met_s, spec)
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
            with open(tmp, "wb") as fh:
                fh.write(memoryview(buf.data()))

        out = write_atomic(path, writer, force=force)
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
                text = fm.elidedText(credit_text(self.model, met_s, self.scene.user_catalog),
                                     QtCore.Qt.TextElideMode.ElideRight, w - 2 * margin)
                base = h - 1.2 * unit - fm.descent()
                _shadow_text(p, QtCore.QPointF(w - margin - fm.horizontalAdvance(text), base),
                             text, QtGui.QColor(205, 212, 224, 235), unit)
                bottom = base - fm.ascent() - 1.6 * unit
            if spec.caption and spec.caption != "none":
                if spec.caption == "auto":
                    lines = caption_lines(self.model, met_s, self.scene.user_catalog)
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


__all__ = ["ExportError", "ExportSpec", "Exporter", "write_atomic", "parse_size", "check_size",
           "check_spec", "check_output", "check_time", "check_view", "image_format",
           "event_view", "caption_lines", "credit_text", "current_event", "met_file_stem"]
