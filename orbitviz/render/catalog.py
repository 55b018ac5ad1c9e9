"""A whole satellite catalogue (up to ~30,000 objects) as points with short time-lit trails.

Frame and units: positions are **world-frame kilometres** (GCRS or ITRS, whichever the scene
controller uses; this item does not care), NOT scene coordinates. The item draws
``scene = rot @ (world - origin)`` with ``rot`` and ``origin`` from
:meth:`CatalogItem.set_transform`, folded into the model-view-projection matrix as a uniform. So the big trail buffer (N·M samples)
is uploaded only when a new propagation window arrives, never when the camera, the origin or the
frame's rotation changes; per frame only the heads (N × 4 floats) are uploaded. float32 world
kilometres (|r| ≤ 50,000 km) are exact to about 4 m, far below a pixel at catalogue scale.
Times are mission elapsed time (MET) in seconds.

How it is drawn (three small shader passes in ``paint()``, no GL call elsewhere):

* **Trails** — ``GL_LINES`` (1 px) between consecutive samples of an object where both are
  finite. Each vertex carries its time relative to the window's reference time ``t_ref_s``
  (float32: exact to a millisecond over hours) and its object index. Visibility is decided per
  fragment on the interpolated time against uniforms (``now - t_ref``, behind, ahead): the past
  back to ``now - behind_s`` fades linearly from ``trail_alpha`` to 0, the future up to
  ``now + ahead_s`` is faint (``0.25 * trail_alpha``), the rest is discarded. A segment that
  straddles "now" is therefore cut exactly at the head when the head lies on the chord.
  The buffer is ordered by time (all objects' first segments, then all second segments, ...),
  so only the contiguous range of segments that overlaps [now - behind, now + ahead] is drawn:
  on llvmpipe the cost is the rasterised line length, and segments wholly outside the span are
  not rasterised at all. Changing the time only changes uniforms and that range.
* **Selected trail** — left out of the first pass (vertex shader, by object index) and drawn
  again afterwards, in near-white at full alpha, on top of the others: one small
  ``glMultiDrawArrays`` over its segments (their offsets are found on the CPU, once per
  selection and window).
* **Heads** — ``GL_POINTS`` with ``gl_PointSize`` (a round disc ``point_px`` across with a 1 px
  soft edge, computed from ``gl_FragCoord`` so no point-sprite state is needed), one colour for
  all; NaN heads carry a flag and are moved outside the clip volume. The selected head is drawn
  last, twice as large, with a white ring.

All passes are depth-tested (the Earth hides what is behind it) without depth writes, with
standard alpha blending, as the other items do.
"""

from __future__ import annotations

import importlib

import numpy as np
from OpenGL import GL
from pyqtgraph.opengl import GLGraphicsItem
from pyqtgraph.Qt import QT_LIB

from .tracks import (bind_interleaved, frame_matrices, gl_matrix, program_for,
                     translucent_gl_options, upload_vbo)

QtOpenGL = importlib.import_module(f"{QT_LIB}.QtOpenGL")

__all__ = ["CatalogItem", "build_trail_vertices", "world_to_scene_matrix",
           "DEFAULT_COLOR", "SELECTED_TRAIL_RGB", "RING_RGBA", "AHEAD_FACTOR"]

#: Default colour of catalogue objects (magenta), RGBA 0..1.
DEFAULT_COLOR = (1.00, 0.36, 0.86, 1.0)
#: Colour of the selected object's trail (white-ish), RGB 0..1.
SELECTED_TRAIL_RGB = (0.93, 0.95, 1.0)
#: Ring around the selected head, RGBA 0..1.
RING_RGBA = (1.0, 1.0, 1.0, 1.0)
#: Opacity of the trail ahead of "now", relative to the trail's alpha.
AHEAD_FACTOR = 0.25

#: Floats per trail vertex: x, y, z (world km), t - t_ref (s), object index.
TRAIL_STRIDE = 5


# ---------------------------------------------------------------------------------------------
# Pure numpy (testable without GL)
# ---------------------------------------------------------------------------------------------


def _trail_layout(world_km, times_s, t_ref_s: float):
    """(vertices (2K, 5) float32, block_first (M,) int64, seg_ok (M-1, N) bool).

    Vertices are **time-major**: block ``k`` holds segment ``k`` (samples ``k`` → ``k+1``) of
    every object that has both ends, in object order; ``block_first[k]`` is its first vertex
    and ``block_first[M-1]`` the total. A time span is then one contiguous range to draw.
    """
    w = np.asarray(world_km)
    t = np.asarray(times_s, dtype=np.float64).reshape(-1)
    if w.ndim != 3 or w.shape[2] != 3:
        raise ValueError(f"world_km must be (N, M, 3), got {w.shape}")
    n, m, _ = w.shape
    if m != len(t):
        raise ValueError(f"{m} samples per object but {len(t)} times")
    if m >= 2 and not np.all(np.diff(t) > 0):
        raise ValueError("times_s must be strictly increasing")
    if n == 0 or m < 2:
        return (np.empty((0, TRAIL_STRIDE), np.float32), np.zeros(max(m, 1), np.int64),
                np.zeros((max(m - 1, 0), n), bool))
    wt = np.asarray(w, dtype=np.float32).transpose(1, 0, 2)       # (M, N, 3), a view
    finite = np.isfinite(wt).all(axis=2)                          # (M, N)
    seg_ok = finite[:-1] & finite[1:]                             # (M-1, N)
    t_rel = (t - float(t_ref_s)).astype(np.float32)
    out = np.empty((m - 1, n, 2, TRAIL_STRIDE), dtype=np.float32)
    out[:, :, 0, 0:3] = wt[:-1]
    out[:, :, 1, 0:3] = wt[1:]
    out[:, :, 0, 3] = t_rel[:-1, None]
    out[:, :, 1, 3] = t_rel[1:, None]
    out[:, :, :, 4] = np.arange(n, dtype=np.float32)[None, :, None]
    verts = out[seg_ok].reshape(-1, TRAIL_STRIDE)
    block_first = np.zeros(m, np.int64)
    np.cumsum(2 * seg_ok.sum(axis=1), out=block_first[1:])
    return verts, block_first, seg_ok


def build_trail_vertices(world_km, times_s, t_ref_s: float) -> np.ndarray:
    """Interleaved float32 ``GL_LINES`` vertices (2K, 5) of the trails: x, y, z (world km),
    ``t - t_ref_s`` (s), object index.

    ``world_km``: (N, M, 3) world-frame km, NaN where an object has no state; ``times_s``:
    (M,) MET seconds, strictly increasing; ``t_ref_s``: the window's reference MET (s).
    Vertices ``2k, 2k+1`` are segment ``k``; segments with a non-finite end are left out.
    Ordered by time: first every object's segment between samples 0 and 1 (objects in index
    order), then every object's segment between samples 1 and 2, and so on.
    """
    return _trail_layout(world_km, times_s, t_ref_s)[0]


def world_to_scene_matrix(rot, origin_world_km) -> np.ndarray:
    """Row-major (4, 4) float64 matrix taking world km to scene km:
    ``scene = rot @ (world - origin)``."""
    r = np.asarray(rot, dtype=np.float64).reshape(3, 3)
    o = np.asarray(origin_world_km, dtype=np.float64).reshape(3)
    m = np.eye(4)
    m[:3, :3] = r
    m[:3, 3] = -r @ o
    return m


def _head_array(world_km) -> np.ndarray:
    """(N, 4) float32: x, y, z world km and 1 (finite) / 0 (not drawn; xyz zeroed)."""
    w = np.asarray(world_km, dtype=np.float64)
    if w.ndim != 2 or w.shape[1] != 3:
        raise ValueError(f"heads must be (N, 3), got {w.shape}")
    ok = np.isfinite(w).all(axis=1)
    out = np.zeros((len(w), 4), dtype=np.float32)
    out[ok, 0:3] = w[ok]
    out[ok, 3] = 1.0
    return out


# ---------------------------------------------------------------------------------------------
# Shaders
# ---------------------------------------------------------------------------------------------

_TRAIL_VS = """
uniform mat4 u_mvp;         // projection * model-view * world-to-scene
uniform float u_skip;       // object index left out of this pass (-1: none)
attribute vec3 a_pos;       // world km
attribute float a_t;        // t - t_ref, s
attribute float a_idx;      // object index
varying float v_t;

void main() {
    v_t = a_t;
    if (abs(a_idx - u_skip) < 0.5) {
        gl_Position = vec4(2.0, 2.0, 2.0, 1.0);   // outside the clip volume: not drawn
    } else {
        gl_Position = u_mvp * vec4(a_pos, 1.0);
    }
}
"""

_TRAIL_FS = """
uniform vec4 u_color;       // rgb, alpha at "now"
uniform float u_now;        // now - t_ref, s
uniform float u_behind;     // s
uniform float u_ahead;      // s
uniform float u_ahead_factor;
varying float v_t;

void main() {
    float dt = v_t - u_now;
    float a;
    if (dt > 0.0) {
        if (dt > u_ahead) discard;
        a = u_ahead_factor;
    } else {
        float age = -dt / max(u_behind, 1e-6);
        if (age >= 1.0) discard;
        a = 1.0 - age;
    }
    a *= u_color.a;
    if (a <= 0.002) discard;
    OUT_COLOR = vec4(u_color.rgb, a);
}
"""

_TRAIL_ATTRS = ["a_pos", "a_t", "a_idx"]
_TRAIL_LAYOUT = [3, 1, 1]

_HEAD_VS = """
uniform mat4 u_mvp;         // projection * model-view * world-to-scene
uniform vec4 u_vp;          // viewport x, y, w, h (px)
uniform float u_size;       // point size, px (disc + ring + 1 px fringe each side)
attribute vec4 a_head;      // world km, w = 1 drawn / 0 not drawn
varying vec2 v_center;      // window coordinates of the centre, px

void main() {
    gl_PointSize = u_size;
    if (a_head.w < 0.5) {
        gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
        v_center = vec2(0.0);
    } else {
        vec4 c = u_mvp * vec4(a_head.xyz, 1.0);
        gl_Position = c;
        v_center = (c.xy / c.w * 0.5 + 0.5) * u_vp.zw + u_vp.xy;
    }
}
"""

_HEAD_FS = """
uniform vec4 u_color;
uniform float u_radius;     // disc radius, px
uniform float u_ring;       // ring width outside the disc, px (0: none)
uniform vec4 u_ring_color;
varying vec2 v_center;

void main() {
    float r = length(gl_FragCoord.xy - v_center);
    float edge = clamp(u_radius + u_ring + 0.5 - r, 0.0, 1.0);   // soft 1 px outer edge
    if (edge <= 0.0) discard;
    vec4 col = u_color;
    if (u_ring > 0.0) col = mix(u_ring_color, u_color, clamp(u_radius + 0.5 - r, 0.0, 1.0));
    OUT_COLOR = vec4(col.rgb, col.a * edge);
}
"""

_HEAD_ATTRS = ["a_head"]
_HEAD_LAYOUT = [4]


class _TrailProgram:
    """Per-share-group cache of the trail program (see ``tracks.program_for``)."""
    _programs: dict = {}


class _HeadProgram:
    """Per-share-group cache of the head program."""
    _programs: dict = {}


# ---------------------------------------------------------------------------------------------
# Item
# ---------------------------------------------------------------------------------------------


class CatalogItem(GLGraphicsItem.GLGraphicsItem):
    """Thousands of catalogue objects: round heads and short trails lit by mission time.

    ``color``: RGBA (or RGB) 0..1 of heads and trails; ``point_px``: head diameter in device
    pixels; ``trail_alpha``: trail opacity at "now" (times the colour's alpha).
    Positions are world-frame km; see :meth:`set_transform` and the module docstring.
    """

    def __init__(self, color=DEFAULT_COLOR, point_px=5.0, trail_alpha=0.7, parentItem=None):
        super().__init__(parentItem=parentItem)
        self.setGLOptions(translucent_gl_options())
        # after the Earth and the spacecraft meshes, before mission tracks and markers:
        # the mission's own objects stay on top of the catalogue clutter
        self.setDepthValue(8)
        self._color = self._rgba(color)
        self._point_px = max(float(point_px), 0.5)
        #: The selected head is at least this wide (device px), even in a dense catalogue.
        self._selected_min_px = 10.0
        self._trail_alpha = float(trail_alpha)
        self._world_to_scene = np.eye(4)
        self._now_s = 0.0
        self._behind_s = 0.0
        self._ahead_s = 0.0
        self._t_ref_s = 0.0
        self._selected: int | None = None
        self._trail_verts: np.ndarray | None = None
        self._block_first = np.zeros(1, np.int64)
        self._seg_ok = np.zeros((0, 0), bool)
        self._times_rel = np.zeros(0)
        self._sel_ranges: tuple | None = None    # (index, firsts) cache for the selected trail
        self._trail_dirty = False
        self._heads: np.ndarray | None = None
        self._n_heads_finite = 0
        self._heads_dirty = False
        self._trail_vbo = QtOpenGL.QOpenGLBuffer(QtOpenGL.QOpenGLBuffer.Type.VertexBuffer)
        self._head_vbo = QtOpenGL.QOpenGLBuffer(QtOpenGL.QOpenGLBuffer.Type.VertexBuffer)
        #: VBO uploads so far (tests check that time, transform and selection upload nothing)
        self.trail_upload_count = 0
        self.head_upload_count = 0

    @staticmethod
    def _rgba(c) -> tuple:
        c = tuple(float(x) for x in c)
        if len(c) not in (3, 4):
            raise ValueError(f"colour must be RGB or RGBA, got {c}")
        return c if len(c) == 4 else c + (1.0,)

    # -- data --------------------------------------------------------------------------------
    def set_window(self, world_km, times_s, t_ref_s: float) -> None:
        """A new propagated window: (N, M, 3) world km (NaN where no state), (M,) MET s
        strictly increasing, reference MET ``t_ref_s`` (s) for the float32 vertex times
        (best near the window's middle). The trail buffer is re-uploaded at the next paint."""
        verts, block_first, seg_ok = _trail_layout(world_km, times_s, t_ref_s)
        self._t_ref_s = float(t_ref_s)
        self._trail_verts = verts if len(verts) else None
        self._block_first, self._seg_ok = block_first, seg_ok
        self._times_rel = np.asarray(times_s, dtype=np.float64).reshape(-1) - self._t_ref_s
        self._sel_ranges = None
        self._trail_dirty = True
        self.update()

    def clear_window(self) -> None:
        """No trails."""
        self._trail_verts = None
        self._block_first = np.zeros(1, np.int64)
        self._seg_ok = np.zeros((0, 0), bool)
        self._times_rel = np.zeros(0)
        self._sel_ranges = None
        self._trail_dirty = True
        self.update()

    def set_heads(self, world_km) -> None:
        """Current positions, (N, 3) world km, same objects and order as the window (the
        selection index refers to both; a different N is not an error, so the two may be
        replaced in either order); NaN rows are not drawn. Uploads N × 4 floats."""
        heads = _head_array(world_km)
        self._heads = heads if len(heads) else None
        self._n_heads_finite = int(heads[:, 3].sum()) if len(heads) else 0
        self._heads_dirty = True
        self.update()

    def set_transform(self, rot, origin_world_km) -> None:
        """World → scene: ``scene = rot @ (world - origin)``; rot (3, 3), origin (3,) km,
        float64. A uniform only: nothing is re-uploaded."""
        self._world_to_scene = world_to_scene_matrix(rot, origin_world_km)
        self.update()

    def set_time(self, met_s: float, behind_s: float, ahead_s: float) -> None:
        """Now (MET s) and the trail span: ``behind_s`` into the past (fading out),
        ``ahead_s`` into the future (faint). Uniforms only."""
        self._now_s = float(met_s)
        self._behind_s = max(float(behind_s), 0.0)
        self._ahead_s = max(float(ahead_s), 0.0)
        self.update()

    def set_selected(self, index: int | None) -> None:
        """Highlight object ``index`` (larger head with a white ring, white trail on top);
        None: no selection."""
        if index is not None:
            index = int(index)
            if index < 0:
                raise ValueError(f"selected index must be >= 0, got {index}")
        self._selected = index
        self.update()

    def set_point_px(self, px: float) -> None:
        """Head diameter in device pixels (exports scale it with the output height)."""
        self._point_px = max(float(px), 0.5)
        self.update()

    def set_trail_alpha(self, alpha: float) -> None:
        """Trail opacity at "now" (dense catalogues use less, so the Earth shows through)."""
        self._trail_alpha = min(max(float(alpha), 0.0), 1.0)
        self.update()

    def set_selected_min_px(self, px: float) -> None:
        """Smallest diameter of the selected head, device px (exports scale it)."""
        self._selected_min_px = max(float(px), 0.0)
        self.update()

    def set_color(self, rgba) -> None:
        """Colour of heads and trails, RGBA (or RGB) 0..1."""
        self._color = self._rgba(rgba)
        self.update()

    def set_visible(self, visible: bool) -> None:
        self.setVisible(bool(visible))

    def head_count(self) -> int:
        """Number of heads with a finite position (the ones drawn)."""
        return self._n_heads_finite

    @property
    def point_px(self) -> float:
        return self._point_px

    # -- GL ----------------------------------------------------------------------------------
    def _upload(self) -> None:
        if self._trail_dirty:
            if self._trail_verts is not None:
                upload_vbo(self._trail_vbo, self._trail_verts)
                self.trail_upload_count += 1
            self._trail_dirty = False
        if self._heads_dirty:
            if self._heads is not None:
                upload_vbo(self._head_vbo, self._heads)
                self.head_upload_count += 1
            self._heads_dirty = False

    def paint(self):
        self._upload()
        sel = self._selected
        has_trails = self._trail_verts is not None
        has_heads = self._heads is not None and self._n_heads_finite > 0
        if not (has_trails or has_heads):
            return
        self.setupGLState()
        proj, mv, _, _ = frame_matrices(self)
        vp = [float(x) for x in GL.glGetIntegerv(GL.GL_VIEWPORT)]
        mvp = gl_matrix(proj @ mv @ self._world_to_scene)
        try:
            if has_trails:
                self._paint_trails(mvp, sel)
            if has_heads:
                self._paint_heads(mvp, vp, sel)
        finally:
            GL.glUseProgram(0)
            GL.glDepthMask(GL.GL_TRUE)

    def _visible_blocks(self) -> tuple[int, int]:
        """Blocks (segments between samples k and k+1) that overlap
        [now - behind, now + ahead]: the half-open range [k0, k1)."""
        t = self._times_rel
        now = self._now_s - self._t_ref_s
        lo, hi = now - self._behind_s, now + self._ahead_s
        k0 = max(int(np.searchsorted(t, lo, side="right")) - 1, 0)   # last sample <= lo
        k1 = min(int(np.searchsorted(t, hi, side="left")), len(t) - 1)  # first sample >= hi
        return k0, max(k1, k0)

    def _selected_firsts(self, sel: int) -> np.ndarray:
        """First vertex of each of object ``sel``'s segments, by block (-1: none there)."""
        if self._sel_ranges is None or self._sel_ranges[0] != sel:
            ok = self._seg_ok
            if sel >= ok.shape[1]:
                firsts = np.full(ok.shape[0], -1, np.int64)
            else:
                before = ok[:, :sel].sum(axis=1)
                firsts = np.where(ok[:, sel], self._block_first[:-1] + 2 * before, -1)
            self._sel_ranges = (sel, firsts)
        return self._sel_ranges[1]

    def _paint_trails(self, mvp, sel) -> None:
        k0, k1 = self._visible_blocks()
        first = int(self._block_first[k0])
        count = int(self._block_first[k1]) - first
        firsts = self._selected_firsts(sel)[k0:k1] if sel is not None else np.zeros(0)
        firsts = firsts[firsts >= 0]
        if count <= 0:
            return
        program = program_for(_TrailProgram, _TRAIL_VS, _TRAIL_FS, _TRAIL_ATTRS)
        locs = bind_interleaved(self._trail_vbo, _TRAIL_LAYOUT)
        try:
            GL.glUseProgram(program)
            u = lambda name: GL.glGetUniformLocation(program, name)  # noqa: E731
            GL.glUniformMatrix4fv(u("u_mvp"), 1, False, mvp)
            GL.glUniform1f(u("u_now"), float(self._now_s - self._t_ref_s))
            GL.glUniform1f(u("u_behind"), self._behind_s)
            GL.glUniform1f(u("u_ahead"), self._ahead_s)
            GL.glUniform1f(u("u_ahead_factor"), AHEAD_FACTOR)
            GL.glUniform1f(u("u_skip"), float(sel) if len(firsts) else -1.0)
            r, g, b, a = self._color
            GL.glUniform4f(u("u_color"), r, g, b, a * self._trail_alpha)
            GL.glDrawArrays(GL.GL_LINES, first, count)
            if len(firsts):
                # the selected object's segments, one per block, on top of the others
                GL.glUniform1f(u("u_skip"), -1.0)
                GL.glUniform4f(u("u_color"), *SELECTED_TRAIL_RGB, 1.0)
                GL.glMultiDrawArrays(GL.GL_LINES, np.ascontiguousarray(firsts, np.int32),
                                     np.full(len(firsts), 2, np.int32), len(firsts))
        finally:
            for loc in locs:
                GL.glDisableVertexAttribArray(loc)

    def _paint_heads(self, mvp, vp, sel) -> None:
        program = program_for(_HeadProgram, _HEAD_VS, _HEAD_FS, _HEAD_ATTRS)
        locs = bind_interleaved(self._head_vbo, _HEAD_LAYOUT)
        GL.glEnable(GL.GL_PROGRAM_POINT_SIZE)
        try:
            GL.glUseProgram(program)
            u = lambda name: GL.glGetUniformLocation(program, name)  # noqa: E731
            GL.glUniformMatrix4fv(u("u_mvp"), 1, False, mvp)
            GL.glUniform4f(u("u_vp"), *vp)
            GL.glUniform4f(u("u_color"), *self._color)
            GL.glUniform4f(u("u_ring_color"), *RING_RGBA)
            radius = 0.5 * self._point_px
            GL.glUniform1f(u("u_radius"), radius)
            GL.glUniform1f(u("u_ring"), 0.0)
            GL.glUniform1f(u("u_size"), 2.0 * radius + 2.0)
            GL.glDrawArrays(GL.GL_POINTS, 0, len(self._heads))
            if sel is not None and sel < len(self._heads) and self._heads[sel, 3] > 0:
                radius = max(self._point_px, 0.5 * self._selected_min_px)  # 2× the diameter
                ring = max(1.5, 0.3 * self._point_px)
                GL.glUniform1f(u("u_radius"), radius)
                GL.glUniform1f(u("u_ring"), ring)
                GL.glUniform1f(u("u_size"), 2.0 * (radius + ring) + 2.0)
                GL.glDrawArrays(GL.GL_POINTS, int(sel), 1)
        finally:
            GL.glDisable(GL.GL_PROGRAM_POINT_SIZE)
            for loc in locs:
                GL.glDisableVertexAttribArray(loc)
