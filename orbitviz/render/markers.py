"""Screen-sized markers and text labels anchored at scene positions.

Scene frame and units: anchors are float32 kilometres relative to the scene origin (see
:mod:`orbitviz.render.units`); sizes and offsets are device pixels.

* :class:`MarkerItem` draws round points with a soft edge and a dark outline as screen-aligned
  quads (no ``gl_PointSize``: points are clipped by their centre and limited in size on some
  drivers; quads behave the same everywhere, in tiled exports too). Depth test on, so the Earth
  hides a marker behind it; each quad is pulled toward the camera by two marker radii so a
  marker on the ground (the pad) is not cut by the curved surface; no depth writes, so tracks
  never hide markers (markers draw after tracks).
* :class:`LabelItem` renders each text once, with a dark halo, into a texture atlas (QPainter on
  a QImage, on the CPU, no widget) and draws textured quads pixel-snapped to the anchor: crisp
  text of a fixed pixel size that appears in ``renderToArray`` and ``grabFramebuffer`` alike,
  because it is ordinary GL geometry (pyqtgraph's ``GLTextItem`` paints with a QPainter on the
  widget, which off-screen renders miss). Labels ignore depth (always legible over meshes and
  tracks) but hide when an optional occluding sphere (the Earth) lies between the camera and
  the anchor, and when the anchor is behind the camera.
"""

from __future__ import annotations

import importlib

import numpy as np
from OpenGL import GL
from pyqtgraph.opengl import GLGraphicsItem
from pyqtgraph.Qt import QT_LIB, QtCore, QtGui

from orbitviz.core.label_layout import place_boxes

from .tracks import (
    program_for,
    bind_interleaved,
    frame_matrices,
    qmatrix_to_numpy,
    gl_matrix,
    translucent_gl_options,
    upload_if_dirty,
    upload_vbo,
)

QtOpenGL = importlib.import_module(f"{QT_LIB}.QtOpenGL")

__all__ = ["MarkerItem", "LabelItem", "build_marker_vertices", "LabelAtlas", "build_label_atlas"]

#: Outline width of a marker (px) and its colour (RGBA).
OUTLINE_PX = 1.5
OUTLINE_RGBA = (0.02, 0.02, 0.05, 0.9)


# ---------------------------------------------------------------------------------------------
# Markers
# ---------------------------------------------------------------------------------------------

_MARKER_VS = """
uniform mat4 u_mv;
uniform mat4 u_proj;
uniform vec2 u_vp;
attribute vec3 a_pos;
attribute vec2 a_corner;    // (-1..1, -1..1)
attribute vec4 a_color;
attribute float a_size;     // diameter, px
varying vec2 v_px;          // fragment offset from the centre, px
varying vec4 v_color;
varying float v_radius;

void main() {
    vec4 vpos = u_mv * vec4(a_pos, 1.0);
    float r_px = 0.5 * a_size;
    float ext = r_px + 1.0;
    // pull toward the camera by two radii (in scene units at this depth), along the view ray
    float dist = length(vpos.xyz);
    float km_per_px = 2.0 * max(-vpos.z, 0.0) / (u_vp.x * u_proj[0][0]);
    float bias = min(2.0 * r_px * km_per_px, 0.5 * dist);
    if (dist > 0.0) vpos.xyz -= vpos.xyz / dist * bias;
    vec4 c = u_proj * vpos;
    c.xy += a_corner * ext / (0.5 * u_vp) * c.w;
    gl_Position = c;
    v_px = a_corner * ext;
    v_color = a_color;
    v_radius = r_px;
}
"""

_MARKER_FS = """
uniform float u_outline_px;
uniform vec4 u_outline;
varying vec2 v_px;
varying vec4 v_color;
varying float v_radius;

void main() {
    float r = length(v_px);
    float edge = clamp(v_radius + 0.5 - r, 0.0, 1.0);          // soft outer edge, 1 px
    if (edge <= 0.0) discard;
    float inner = clamp(v_radius - u_outline_px + 0.5 - r, 0.0, 1.0);
    vec4 col = mix(u_outline, v_color, inner);
    OUT_COLOR = vec4(col.rgb, col.a * edge);
}
"""

_MARKER_ATTRS = ["a_pos", "a_corner", "a_color", "a_size"]
_MARKER_LAYOUT = [3, 2, 4, 1]
_CORNERS = np.array([[-1, -1], [1, -1], [1, 1], [-1, -1], [1, 1], [-1, 1]], dtype=np.float32)


def build_marker_vertices(pos_scene, colors, sizes_px) -> np.ndarray:
    """Interleaved float32 vertices (6N, 10) of N marker quads: pos, corner, RGBA, size px.

    ``pos_scene``: (N,3) scene km; ``colors``: (N,4) or (4,) floats 0..1; ``sizes_px``: (N,) or
    scalar diameters in px. Pure function (no GL).
    """
    pos = np.asarray(pos_scene, dtype=np.float32).reshape(-1, 3)
    n = len(pos)
    col = np.broadcast_to(np.asarray(colors, dtype=np.float32), (n, 4))
    size = np.broadcast_to(np.asarray(sizes_px, dtype=np.float32).reshape(-1) if np.ndim(sizes_px)
                           else np.float32(sizes_px), (n,))
    out = np.empty((n, 6, 10), dtype=np.float32)
    out[:, :, 0:3] = pos[:, None, :]
    out[:, :, 3:5] = _CORNERS[None, :, :]
    out[:, :, 5:9] = col[:, None, :]
    out[:, :, 9] = size[:, None]
    return out.reshape(-1, 10)


class MarkerItem(GLGraphicsItem.GLGraphicsItem):
    """Round screen-sized markers with a soft edge and a dark outline.

    Depth-tested against opaque geometry (the Earth, meshes) and drawn over tracks.
    """

    _programs: dict = {}

    def __init__(self, parentItem=None):
        super().__init__(parentItem=parentItem)
        self.setGLOptions(translucent_gl_options())
        self.setDepthValue(20)
        self._verts: np.ndarray | None = None
        self._dirty = False
        self._vbo = QtOpenGL.QOpenGLBuffer(QtOpenGL.QOpenGLBuffer.Type.VertexBuffer)
        self.upload_count = 0

    def set_points(self, pos_scene, colors, sizes_px) -> None:
        """Markers at (N,3) scene km with (N,4) RGBA colours and (N,) diameters in px."""
        v = build_marker_vertices(pos_scene, colors, sizes_px)
        self._verts = v if len(v) else None
        self._dirty = True
        self.update()

    def set_visible(self, visible: bool) -> None:
        self.setVisible(bool(visible))

    def paint(self):
        upload_if_dirty(self)
        if self._verts is None:
            return
        self.setupGLState()
        proj, mv, vp_w, vp_h = frame_matrices(self)
        program = program_for(MarkerItem, _MARKER_VS, _MARKER_FS, _MARKER_ATTRS)
        locs = bind_interleaved(self._vbo, _MARKER_LAYOUT)
        try:
            GL.glUseProgram(program)
            u = lambda name: GL.glGetUniformLocation(program, name)  # noqa: E731
            GL.glUniformMatrix4fv(u("u_mv"), 1, False, gl_matrix(mv))
            GL.glUniformMatrix4fv(u("u_proj"), 1, False, gl_matrix(proj))
            GL.glUniform2f(u("u_vp"), vp_w, vp_h)
            GL.glUniform1f(u("u_outline_px"), OUTLINE_PX)
            GL.glUniform4f(u("u_outline"), *OUTLINE_RGBA)
            GL.glDrawArrays(GL.GL_TRIANGLES, 0, len(self._verts))
        finally:
            GL.glUseProgram(0)
            for loc in locs:
                GL.glDisableVertexAttribArray(loc)
            GL.glDepthMask(GL.GL_TRUE)


# ---------------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------------


class LabelAtlas:
    """Texts rendered with a halo into one premultiplied RGBA image.

    ``image``: (H, W, 4) uint8, row 0 at the top; ``rects``: (N, 4) int x, y, w, h of each
    label in the image; ``baseline_mid``: (N,) int, row (from each rect's top) of the text's
    optical middle (half the x-height above the baseline), where the anchor's line points.
    """

    def __init__(self, image: np.ndarray, rects: np.ndarray, mids: np.ndarray):
        self.image = image
        self.rects = rects
        self.mids = mids


def _label_font(font_px: int) -> QtGui.QFont:
    font = QtGui.QFont("DejaVu Sans")
    font.setPixelSize(int(font_px))
    font.setWeight(QtGui.QFont.Weight.DemiBold)
    font.setHintingPreference(QtGui.QFont.HintingPreference.PreferFullHinting)
    return font


def build_label_atlas(labels, font_px: int = 18, halo_px: float = 3.0) -> LabelAtlas:
    """Render ``labels`` (list of (text, RGBA floats)) into a :class:`LabelAtlas`.

    Text in its colour over a dark halo ``halo_px`` wide, antialiased. Needs a
    ``QGuiApplication`` (fonts) but no widget and no GL.
    """
    font = _label_font(font_px)
    fm = QtGui.QFontMetricsF(font)
    pad = int(np.ceil(halo_px)) + 2
    sizes = []
    for text, _ in labels:
        w = int(np.ceil(fm.horizontalAdvance(text))) + 2 * pad
        h = int(np.ceil(fm.ascent() + fm.descent())) + 2 * pad
        sizes.append((w, h))
    width = max([w for w, _ in sizes] + [1])
    height = max(sum(h + 1 for _, h in sizes), 1)
    img = QtGui.QImage(width, height, QtGui.QImage.Format.Format_RGBA8888_Premultiplied)
    img.fill(QtCore.Qt.GlobalColor.transparent)
    rects = np.zeros((len(labels), 4), dtype=np.int32)
    mids = np.zeros(len(labels), dtype=np.int32)
    painter = QtGui.QPainter(img)
    try:
        painter.setRenderHints(QtGui.QPainter.RenderHint.Antialiasing
                               | QtGui.QPainter.RenderHint.TextAntialiasing)
        halo_pen = QtGui.QPen(QtGui.QColor(0, 0, 0, 215), 2.0 * halo_px)
        halo_pen.setJoinStyle(QtCore.Qt.PenJoinStyle.RoundJoin)
        y = 0
        for i, ((text, rgba), (w, h)) in enumerate(zip(labels, sizes)):
            baseline = y + pad + fm.ascent()
            path = QtGui.QPainterPath()
            path.addText(QtCore.QPointF(pad, round(baseline)), font, text)
            painter.strokePath(path, halo_pen)
            color = QtGui.QColor.fromRgbF(*[float(np.clip(c, 0, 1)) for c in rgba][:3], 1.0)
            painter.fillPath(path, QtGui.QBrush(color))
            rects[i] = (0, y, w, h)
            mids[i] = int(round(pad + fm.ascent() - 0.5 * fm.xHeight()))
            y += h + 1
    finally:
        painter.end()
    ptr = img.constBits()
    arr = np.frombuffer(ptr, dtype=np.uint8, count=img.sizeInBytes())
    arr = arr.reshape(height, img.bytesPerLine())[:, : 4 * width].reshape(height, width, 4).copy()
    return LabelAtlas(arr, rects, mids)


_LABEL_VS = """
uniform mat4 u_mv;
uniform mat4 u_proj;
uniform vec2 u_vp;
uniform vec4 u_occ;         // occluding sphere: view-space centre xyz, radius (<=0: none)
attribute vec3 a_pos;
attribute vec2 a_off;       // corner offset from the anchor, px (y up), integers
attribute vec2 a_uv;
varying vec2 v_uv;

void main() {
    vec4 vpos = u_mv * vec4(a_pos, 1.0);
    bool hidden = vpos.z >= 0.0;
    if (u_occ.w > 0.0 && !hidden) {
        float L = length(vpos.xyz);
        vec3 d = vpos.xyz / L;
        float tca = dot(u_occ.xyz, d);
        float d2 = dot(u_occ.xyz, u_occ.xyz) - tca * tca;
        float r2 = u_occ.w * u_occ.w;
        if (d2 < r2) {
            float t0 = tca - sqrt(r2 - d2);
            if (t0 > 0.0 && t0 < L) hidden = true;
        }
    }
    vec4 c = u_proj * vpos;
    vec2 px = floor((c.xy / c.w * 0.5 + 0.5) * u_vp) + a_off;
    gl_Position = hidden ? vec4(2.0, 2.0, 2.0, 1.0) : vec4(px / u_vp * 2.0 - 1.0, 0.0, 1.0);
    v_uv = a_uv;
}
"""

_LABEL_FS = """
uniform sampler2D u_tex;
varying vec2 v_uv;
void main() {
    vec4 c = TEX2D(u_tex, v_uv);
    if (c.a <= 0.0) discard;
    OUT_COLOR = c;
}
"""

_LABEL_ATTRS = ["a_pos", "a_off", "a_uv"]
_LABEL_LAYOUT = [3, 2, 2]


def label_boxes(anchors_px, atlas: LabelAtlas, offset_px=(10, 0), shifts_px=None):
    """(N, 4) boxes left, bottom, right, top in pixels (y up) of the labels whose anchors
    are at ``anchors_px`` (N, 2), as :func:`build_label_vertices` places them."""
    a = np.asarray(anchors_px, dtype=float).reshape(-1, 2)
    sh = np.zeros_like(a) if shifts_px is None else np.asarray(shifts_px, float).reshape(-1, 2)
    r = np.asarray(atlas.rects, dtype=float).reshape(-1, 4)
    left = a[:, 0] + int(offset_px[0]) + sh[:, 0]
    top = a[:, 1] + int(offset_px[1]) + np.asarray(atlas.mids, float) + sh[:, 1]
    return np.stack([left, top - r[:, 3], left + r[:, 2], top], axis=1)


def declutter_labels(anchors_px, atlas: LabelAtlas, offset_px=(10, 0), shown=None,
                     gap_px: float = 2.0, bounds=None) -> np.ndarray:
    """(N, 2) pixel shifts (y up) so that labels do not print over each other.

    Labels are placed in order (the first keeps its place: the scene lists the mission's
    objects first): each takes the first of right of its anchor, left of it, a line below,
    a line above (right, then left) whose box clears the boxes already placed by
    ``gap_px``; if none does, it stays right of its anchor. ``shown``: (N,) bool, labels
    that are drawn (hidden ones take no room). ``bounds``: (x0, y0, x1, y1), the picture's
    edges in the anchors' pixels: a label that would run off the picture flips inward (to
    the left of its anchor at the right edge, below it at the top). Pure function (no
    GL); the placement is :func:`orbitviz.core.label_layout.place_boxes`, shared with the
    map.
    """
    a = np.asarray(anchors_px, dtype=float).reshape(-1, 2)
    n = len(a)
    if n < 2 and bounds is None:
        return np.zeros((n, 2))
    base = label_boxes(a, atlas, offset_px)
    w = base[:, 2] - base[:, 0]
    h = base[:, 3] - base[:, 1]
    left = -(2 * int(offset_px[0]) + w)
    zero = np.zeros(n)
    options = np.stack([np.stack(c, axis=1) for c in (
        (zero, zero), (left, zero), (zero, -h), (left, -h), (zero, h), (left, h))], axis=1)
    if bounds is None:
        shifts, _ = place_boxes(base, options, shown, gap_px, keep_unplaced=True)
        return shifts
    shifts, placed = place_boxes(base, options, shown, gap_px, bounds=bounds)
    # a label that finds no place clear of the others inside the picture: inside it at
    # least (over another label rather than cut off)
    alone, ok = place_boxes(base, options, shown, -np.inf, bounds=bounds)  # overlap allowed
    use = ~placed & ok
    shifts[use] = alone[use]
    return shifts


def build_label_vertices(anchors, atlas: LabelAtlas, offset_px=(10, 0),
                         shifts_px=None) -> np.ndarray:
    """Interleaved float32 vertices (6N, 7): anchor pos, corner offset px (y up), texture uv.

    Each label's quad starts ``offset_px[0]`` px right of the anchor, with the text's optical
    middle ``offset_px[1]`` px above it, moved by its ``shifts_px`` row (N, 2) if given.
    Pure function (no GL).
    """
    anchors = np.asarray(anchors, dtype=np.float32).reshape(-1, 3)
    H, W = atlas.image.shape[:2]
    out = np.zeros((len(anchors), 6, 7), dtype=np.float32)
    sh = np.zeros((len(anchors), 2)) if shifts_px is None else np.asarray(shifts_px, float)
    for i, (x, y, w, h) in enumerate(atlas.rects):
        left = int(offset_px[0]) + int(round(sh[i, 0]))
        top = int(offset_px[1]) + int(atlas.mids[i]) + int(round(sh[i, 1]))  # y up
        bottom = top - int(h)
        u0, u1 = x / W, (x + w) / W
        v0, v1 = y / H, (y + h) / H                          # row 0 (top of the image) is v = 0
        quad = [(left, bottom, u0, v1), (left + w, bottom, u1, v1), (left + w, top, u1, v0),
                (left, bottom, u0, v1), (left + w, top, u1, v0), (left, top, u0, v0)]
        out[i, :, 0:3] = anchors[i]
        out[i, :, 3:7] = np.array(quad, dtype=np.float32)
    return out.reshape(-1, 7)


class LabelItem(GLGraphicsItem.GLGraphicsItem):
    """Text labels at scene positions, ``font_px`` pixels high, with a dark halo.

    Always drawn on top (no depth test) except where :meth:`set_occluder`'s sphere hides the
    anchor. ``offset_px``: (right, up) shift of the text from the anchor, px.
    """

    _programs: dict = {}

    def __init__(self, font_px: int = 18, offset_px=(10, 0), parentItem=None):
        super().__init__(parentItem=parentItem)
        self.setGLOptions({
            GL.GL_DEPTH_TEST: False,
            GL.GL_BLEND: True,
            GL.GL_CULL_FACE: False,
            "glBlendFuncSeparate": (GL.GL_ONE, GL.GL_ONE_MINUS_SRC_ALPHA,
                                    GL.GL_ONE, GL.GL_ONE_MINUS_SRC_ALPHA),
        })
        self.setDepthValue(30)
        self._font_px = int(font_px)
        self._halo_px = 3.0 * self._font_px / 18.0
        self._offset_px = (int(offset_px[0]), int(offset_px[1]))
        self._labels: list = []
        self._anchors = np.zeros((0, 3), dtype=np.float32)
        self._shifts = None
        self._atlas: LabelAtlas | None = None
        self._verts: np.ndarray | None = None
        self._occ = None
        self._dirty_tex = False
        self._dirty_vbo = False
        self._tex = None
        self._vbo = QtOpenGL.QOpenGLBuffer(QtOpenGL.QOpenGLBuffer.Type.VertexBuffer)

    def set_labels(self, labels) -> None:
        """Labels as a list of (text, pos_scene (3,) km, colour RGBA/RGB floats 0..1).

        The texture is re-rendered only when the texts or colours change; moving anchors
        re-uploads only the small vertex buffer.
        """
        texts = [(str(t), tuple(float(c) for c in col) + ((1.0,) if len(col) == 3 else ()))
                 for t, _, col in labels]
        anchors = np.array([np.asarray(p, dtype=np.float64) for _, p, _ in labels],
                           dtype=np.float32).reshape(-1, 3)
        self._anchors = anchors
        if texts != self._labels or self._atlas is None:
            self._labels = texts
            self._atlas = (build_label_atlas(texts, self._font_px, self._halo_px)
                           if texts else None)
            self._dirty_tex = True
        self._verts = (build_label_vertices(anchors, self._atlas, self._offset_px)
                       if self._atlas is not None else None)
        self._shifts = None  # placed again, in pixels, at the next paint
        self._dirty_vbo = True
        self.update()

    def set_font_px(self, font_px: int, offset_px=None) -> None:
        """Text height in pixels (the halo scales with it) and, optionally, the offset from
        the anchor; exports use it so labels keep their look at 4K and 8K."""
        font_px = max(int(font_px), 1)
        if offset_px is not None:
            self._offset_px = (int(offset_px[0]), int(offset_px[1]))
        if font_px != self._font_px:
            self._font_px = font_px
            self._halo_px = 3.0 * font_px / 18.0
            self._atlas = None  # rebuilt (texture re-uploaded) by the next set_labels
        labels = [(t, p, c) for (t, c), p in zip(self._labels, self._anchors)] \
            if getattr(self, "_anchors", None) is not None and self._labels else []
        if labels:
            self.set_labels(labels)
        self.update()

    def set_occluder(self, center_scene=None, radius_km: float = 0.0) -> None:
        """A sphere (scene km) that hides labels whose anchor is behind it; None: no occluder.

        For the Earth pass its centre and a radius a little under the polar radius
        (e.g. 6350 km) so labels on the surface (the pad) stay visible on the near side.
        """
        self._occ = None if center_scene is None else (
            np.asarray(center_scene, dtype=np.float64).reshape(3), float(radius_km))
        self.update()

    def set_visible(self, visible: bool) -> None:
        self.setVisible(bool(visible))

    def _place(self, proj, mv, vp_w, vp_h, occ) -> None:
        """Move labels that would print over each other (:func:`declutter_labels`), from
        the anchors' pixels in this frame. Only pixel differences matter, so every tile of
        a tiled export places them alike. Rebuilds the vertices only when a shift changes."""
        n = len(self._anchors)
        if n < 1:
            return
        view = np.c_[self._anchors.astype(float), np.ones(n)] @ mv.T
        clip = view @ proj.T
        w = np.where(np.abs(clip[:, 3]) > 1e-12, clip[:, 3], 1e-12)
        px = np.stack([clip[:, 0] / w * 0.5 * vp_w, clip[:, 1] / w * 0.5 * vp_h], axis=1)
        shown = clip[:, 3] > 0
        bounds = None
        full = getattr(self.view(), "paint_viewport", None)
        if full is not None and full[2] > 0 and full[3] > 0:
            # against the whole picture's edges (a tiled export paints parts of it)
            fw, fh = full[2], full[3]
            fproj = qmatrix_to_numpy(self.view().projectionMatrix(full, full))
            fclip = view @ fproj.T
            fw_ = np.where(np.abs(fclip[:, 3]) > 1e-12, fclip[:, 3], 1e-12)
            px = np.stack([fclip[:, 0] / fw_ * 0.5 * fw, fclip[:, 1] / fw_ * 0.5 * fh], axis=1)
            bounds = (-0.5 * fw + 2, -0.5 * fh + 2, 0.5 * fw - 2, 0.5 * fh - 2)
        if occ[3] > 0:  # behind the occluding sphere, as the shader hides them
            c = np.array(occ[:3])
            d = view[:, :3]
            a = np.einsum("ij,ij->i", d, d)
            b = -2.0 * d @ c
            cc = c @ c - occ[3] ** 2
            disc = b * b - 4 * a * cc
            t1 = (-b - np.sqrt(np.maximum(disc, 0.0))) / (2 * np.maximum(a, 1e-30))
            shown &= ~((disc > 0) & (t1 > 0) & (t1 < 1.0))
        shifts = declutter_labels(px, self._atlas, self._offset_px, shown, bounds=bounds)
        if self._shifts is None or not np.array_equal(shifts, self._shifts):
            self._shifts = shifts
            self._verts = build_label_vertices(self._anchors, self._atlas, self._offset_px,
                                               shifts)
            self._dirty_vbo = True

    def paint(self):
        if self._dirty_tex and self._atlas is not None:
            if self._tex is None:
                self._tex = int(GL.glGenTextures(1))
            img = self._atlas.image
            GL.glBindTexture(GL.GL_TEXTURE_2D, self._tex)
            GL.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 1)
            GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_MIN_FILTER, GL.GL_NEAREST)
            GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_MAG_FILTER, GL.GL_NEAREST)
            GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_WRAP_S, GL.GL_CLAMP_TO_EDGE)
            GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_WRAP_T, GL.GL_CLAMP_TO_EDGE)
            GL.glTexImage2D(GL.GL_TEXTURE_2D, 0, GL.GL_RGBA8, img.shape[1], img.shape[0], 0,
                            GL.GL_RGBA, GL.GL_UNSIGNED_BYTE, np.ascontiguousarray(img))
            GL.glBindTexture(GL.GL_TEXTURE_2D, 0)
            self._dirty_tex = False
        if self._verts is None or self._atlas is None:
            return
        proj, mv, vp_w, vp_h = frame_matrices(self)
        occ = (0.0, 0.0, 0.0, 0.0)
        if self._occ is not None:
            c_view = mv @ np.append(self._occ[0], 1.0)
            occ = (float(c_view[0]), float(c_view[1]), float(c_view[2]), self._occ[1])
        self._place(proj, mv, vp_w, vp_h, occ)
        if self._dirty_vbo:
            upload_vbo(self._vbo, self._verts)
            self._dirty_vbo = False
        if self._tex is None:
            return
        self.setupGLState()
        program = program_for(LabelItem, _LABEL_VS, _LABEL_FS, _LABEL_ATTRS)
        locs = bind_interleaved(self._vbo, _LABEL_LAYOUT)
        try:
            GL.glUseProgram(program)
            u = lambda name: GL.glGetUniformLocation(program, name)  # noqa: E731
            GL.glUniformMatrix4fv(u("u_mv"), 1, False, gl_matrix(mv))
            GL.glUniformMatrix4fv(u("u_proj"), 1, False, gl_matrix(proj))
            GL.glUniform2f(u("u_vp"), vp_w, vp_h)
            GL.glUniform4f(u("u_occ"), *occ)
            GL.glActiveTexture(GL.GL_TEXTURE0)
            GL.glBindTexture(GL.GL_TEXTURE_2D, self._tex)
            GL.glUniform1i(u("u_tex"), 0)
            GL.glDrawArrays(GL.GL_TRIANGLES, 0, len(self._verts))
        finally:
            GL.glBindTexture(GL.GL_TEXTURE_2D, 0)
            GL.glUseProgram(0)
            for loc in locs:
                GL.glDisableVertexAttribArray(loc)
