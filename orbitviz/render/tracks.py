"""Orbit and trajectory tracks: wide, anti-aliased lines whose look follows mission time.

Scene frame and units: positions are float32 kilometres relative to the scene origin (see
:mod:`orbitviz.render.units`), times are mission elapsed time (MET) in seconds.

How a track is drawn (one shader, one VBO, per-frame changes only as uniforms):

* **Wide lines as screen-space triangle strips.** ``glLineWidth > 1`` is not available in core
  profiles (and pyqtgraph skips it there), and even where it works GL lines have no joins and no
  anti-aliasing worth the name. Each sample becomes two vertices (left/right); the vertex
  shader projects the sample and both neighbours, builds a miter join in pixel units and pushes
  the vertex sideways by half the width. The width is therefore exact in pixels at any zoom and
  in tiled off-screen renders; the strip never overlaps itself on smooth curves, so translucent
  parts blend evenly (no beads at the joints, as per-segment quads would give).
* **Time without float32 loss.** Each vertex stores its time relative to a per-item epoch as a
  float32 pair (hi, lo); "now" is sent the same way, so ``t - now`` is exact to well under a
  millisecond near the current time for a mission months long.
* **Flown / ahead.** The flown part (``t <= now``) is bright and fades linearly to transparent
  ``fade_s`` seconds into the past; the part ahead is faint.
* **Dashes for modelled stretches, at any zoom.** The dash phase is counted along the track in
  *time* (exact, unlike arc lengths summed from re-origined float32 points, which would jitter
  as the origin follows a spacecraft), scaled by a nominal orbital speed (7.66 km/s) into a
  length, and the period is chosen each frame from the pixel size at the camera's target and
  snapped to powers of two: dashes stay 14–28 px long whether the view spans the Earth or 50 m,
  and they do not crawl while zooming (they split in two at each octave). The phase is anchored
  to absolute MET, so dashes stay put while time advances. On orbital stretches (the rendezvous)
  this equals arc-length dashing; on slower stretches dashes are proportionally shorter.

This module also holds the small GL helpers shared by :mod:`orbitviz.render.markers` and
:mod:`orbitviz.render.solid_item` (shader compilation for the context's GLSL version, VBO upload,
matrices and viewport): GL calls happen only inside ``paint()``.
"""

from __future__ import annotations

import ctypes
import importlib
import math

import numpy as np
from OpenGL import GL
from OpenGL.GL import shaders
from pyqtgraph.opengl import GLGraphicsItem
from pyqtgraph.Qt import QT_LIB, QtGui

QtOpenGL = importlib.import_module(f"{QT_LIB}.QtOpenGL")

__all__ = ["TrackItem", "NOMINAL_SPEED_KM_S", "split_f64", "dash_period_s", "translucent_gl_options",
           "program_for"]

#: Speed (km/s) that turns the time-based dash phase into a length: ISS orbital speed, Oct 2021.
NOMINAL_SPEED_KM_S = 7.66

#: Dash period on screen (px) at the camera's target, lower end of the octave band [P, 2P).
DASH_PERIOD_PX = 14.0
#: Fraction of a dash period that is drawn.
DASH_DUTY = 0.6

#: Opacity of the part ahead of "now" (relative to the track colour's alpha).
AHEAD_ALPHA = 0.28


# ---------------------------------------------------------------------------------------------
# Shared GL helpers (used by markers.py, solid_item.py and plume_item.py too)
# ---------------------------------------------------------------------------------------------


def glsl_header(kind: str) -> str:
    """GLSL preamble for the current context: ``#version 140`` (in/out) or ``#version 120``.

    ``kind`` is ``"vertex"`` or ``"fragment"``. The sources use ``attribute``/``varying``,
    ``TEX2D(...)`` and ``OUT_COLOR``; the macros map them onto the chosen version.
    """
    ctx = QtGui.QOpenGLContext.currentContext()
    if ctx is None:
        raise RuntimeError("no current OpenGL context (GL calls belong in paint())")
    modern = (not ctx.isOpenGLES()) and ctx.format().version() >= (3, 1)
    if modern:
        if kind == "vertex":
            return "#version 140\n#define attribute in\n#define varying out\n"
        return (
            "#version 140\n#define varying in\n#define TEX2D texture\n"
            "out vec4 o_fragColor;\n#define OUT_COLOR o_fragColor\n"
        )
    if kind == "vertex":
        return "#version 120\n"
    return "#version 120\n#define TEX2D texture2D\n#define OUT_COLOR gl_FragColor\n"


def compile_program(vertex_src: str, fragment_src: str, attributes: list[str]) -> int:
    """Compile and link a program; attribute ``i`` of ``attributes`` is bound to location ``i``.

    Compilation or link errors raise (PyOpenGL's ``ShaderCompilationError``/``RuntimeError``).
    """
    vs = shaders.compileShader([glsl_header("vertex"), vertex_src], GL.GL_VERTEX_SHADER)
    fs = shaders.compileShader([glsl_header("fragment"), fragment_src], GL.GL_FRAGMENT_SHADER)
    program = GL.glCreateProgram()
    GL.glAttachShader(program, vs)
    GL.glAttachShader(program, fs)
    for i, name in enumerate(attributes):
        GL.glBindAttribLocation(program, i, name)
    GL.glLinkProgram(program)
    if GL.glGetProgramiv(program, GL.GL_LINK_STATUS) != GL.GL_TRUE:
        log = GL.glGetProgramInfoLog(program)
        raise RuntimeError(f"shader link failed: {log!r}")
    GL.glDeleteShader(vs)
    GL.glDeleteShader(fs)
    return program


def upload_vbo(vbo, arr: np.ndarray) -> None:
    """Create (if needed) and fill a ``QOpenGLBuffer`` with a contiguous float32 array."""
    arr = np.ascontiguousarray(arr, dtype=np.float32)
    if not vbo.isCreated():
        vbo.create()
    vbo.bind()
    if vbo.size() != arr.nbytes:
        vbo.allocate(arr, arr.nbytes)
    else:
        vbo.write(0, arr, arr.nbytes)
    vbo.release()


def bind_interleaved(vbo, layout: list[int]) -> list[int]:
    """Point attributes 0..k-1 at an interleaved float32 VBO; ``layout`` lists component counts.

    Returns the enabled locations (disable them after drawing).
    """
    stride = 4 * sum(layout)
    vbo.bind()
    offset = 0
    locs = []
    for loc, n in enumerate(layout):
        GL.glVertexAttribPointer(loc, n, GL.GL_FLOAT, False, stride, ctypes.c_void_p(offset))
        GL.glEnableVertexAttribArray(loc)
        locs.append(loc)
        offset += 4 * n
    vbo.release()
    return locs


def qmatrix_to_numpy(m: QtGui.QMatrix4x4) -> np.ndarray:
    """A QMatrix4x4 as a row-major (4,4) float64 array (``data()`` is column-major)."""
    return np.array(m.data(), dtype=np.float64).reshape(4, 4).T


def gl_matrix(m: np.ndarray) -> np.ndarray:
    """A row-major (4,4) matrix as the column-major float32 array ``glUniformMatrix4fv`` wants."""
    return np.ascontiguousarray(np.asarray(m, dtype=np.float64).T, dtype=np.float32)


def current_viewport_px() -> tuple[float, float]:
    """Width and height (device px) of the GL viewport being drawn.

    In ``GLViewWidget.renderToArray`` this is the tile's size and the projection covers the
    tile's region, so "pixels" stay true pixels of the final image in tiled renders too.
    """
    vp = GL.glGetIntegerv(GL.GL_VIEWPORT)
    return float(max(vp[2], 1)), float(max(vp[3], 1))



def frame_matrices(item):
    """(projection, model-view, viewport width px, viewport height px) for ``item``'s paint:
    the matrices as row-major float64 numpy arrays."""
    vp_w, vp_h = current_viewport_px()
    return (qmatrix_to_numpy(item.projectionMatrix()), qmatrix_to_numpy(item.modelViewMatrix()),
            vp_w, vp_h)


def program_for(owner, vertex_src: str, fragment_src: str, attributes: list[str]) -> int:
    """The shader program of ``owner`` (a class with a ``_programs`` dict) for the current
    context's share group, compiled on first use: contexts that share objects (pyqtgraph
    0.14 needs ``AA_ShareOpenGLContexts``) share one program."""
    key = QtGui.QOpenGLContext.currentContext().shareGroup()
    prog = owner._programs.get(key)
    if prog is None:
        prog = owner._programs[key] = compile_program(vertex_src, fragment_src, attributes)
    return prog


def translucent_gl_options() -> dict:
    """GL state of the translucent overlays (tracks, markers, labels, catalogues): depth
    tested against the Earth and meshes but not written, alpha blended (alpha kept for
    transparent exports), both faces."""
    return {
        GL.GL_DEPTH_TEST: True,
        GL.GL_BLEND: True,
        GL.GL_CULL_FACE: False,
        "glBlendFuncSeparate": (GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA,
                                GL.GL_ONE, GL.GL_ONE_MINUS_SRC_ALPHA),
        "glDepthMask": (GL.GL_FALSE,),
    }


def upload_if_dirty(item) -> None:
    """Upload ``item._verts`` into ``item._vbo`` once after it changed (``item._dirty``),
    counting uploads in ``item.upload_count``."""
    if item._dirty:
        if item._verts is not None:
            upload_vbo(item._vbo, item._verts)
            item.upload_count += 1
        item._dirty = False

def km_per_px_at_target(proj: np.ndarray, modelview: np.ndarray, vp_w: float) -> float:
    """Size (scene km) of one screen pixel at the camera's target, the scene origin."""
    dist = float(np.linalg.norm(modelview[:3, 3]))  # |view-space position of (0,0,0)|
    p00 = float(proj[0, 0])
    if dist <= 0.0 or p00 <= 0.0:
        return 1.0
    return 2.0 * dist / (vp_w * p00)


def split_f64(x) -> tuple[np.ndarray, np.ndarray]:
    """Split float64 values into float32 (hi, lo) with hi + lo ≈ x to ~1e-14 relative."""
    x = np.asarray(x, dtype=np.float64)
    hi = x.astype(np.float32)
    lo = (x - hi.astype(np.float64)).astype(np.float32)
    return hi, lo


def dash_period_s(km_per_px: float, period_px: float = DASH_PERIOD_PX,
                  speed_km_s: float = NOMINAL_SPEED_KM_S) -> float:
    """Dash period in MET seconds: ``period_px`` at the target, snapped up to a power of two."""
    p_s = max(period_px * km_per_px / speed_km_s, 1e-9)
    return float(2.0 ** math.ceil(math.log2(p_s)))


# ---------------------------------------------------------------------------------------------
# Track item
# ---------------------------------------------------------------------------------------------

_TRACK_VS = """
uniform mat4 u_mvp;
uniform vec2 u_vp;          // viewport size, px
uniform float u_half_w;     // half line width + 1 px of anti-aliasing fringe, px
uniform vec2 u_now;         // now - epoch as (hi, lo), s
uniform float u_dash_inv;   // 1 / dash period, 1/s
uniform float u_phase0;     // dash phase of "now" in [0, 1)
attribute vec3 a_pos;
attribute vec3 a_prev;
attribute vec3 a_next;
attribute float a_side;
attribute vec2 a_time;      // t - epoch as (hi, lo), s
attribute float a_model;
varying float v_dt;         // t - now, s
varying float v_side;
varying float v_model;
varying float v_phase;

vec4 to_near(vec4 a, vec4 b) {
    // the point of segment a->b on the near plane (z = -w), a behind it and b in front
    float da = a.z + a.w;
    float db = b.z + b.w;
    return mix(a, b, da / (da - db));
}

vec2 to_px(vec4 c) { return c.xy / c.w * 0.5 * u_vp; }

void main() {
    vec4 c = u_mvp * vec4(a_pos, 1.0);
    vec4 p = u_mvp * vec4(a_prev, 1.0);
    vec4 n = u_mvp * vec4(a_next, 1.0);
    float dc = c.z + c.w;
    if (dc < 0.0) {
        // behind the near plane: slide onto it along a segment that is visible
        if (n.z + n.w > 0.0) c = to_near(c, n);
        else if (p.z + p.w > 0.0) c = to_near(c, p);
    } else {
        if (p.z + p.w < 0.0) p = to_near(p, c);
        if (n.z + n.w < 0.0) n = to_near(n, c);
    }
    vec2 sc = to_px(c);
    vec2 da = sc - to_px(p);
    vec2 db = to_px(n) - sc;
    if (dot(da, da) < 1e-8) da = db;
    if (dot(db, db) < 1e-8) db = da;
    if (dot(da, da) < 1e-8) { da = vec2(1.0, 0.0); db = da; }
    vec2 ta = normalize(da);
    vec2 tb = normalize(db);
    vec2 t = ta + tb;
    t = dot(t, t) < 1e-6 ? ta : normalize(t);
    vec2 miter = vec2(-t.y, t.x);
    float cosang = max(dot(miter, vec2(-ta.y, ta.x)), 0.35);
    vec2 off_px = miter * (u_half_w / cosang) * a_side;
    c.xy += off_px / (0.5 * u_vp) * c.w;
    gl_Position = c;

    v_dt = (a_time.x - u_now.x) + (a_time.y - u_now.y);
    v_side = a_side / cosang;
    v_model = a_model;
    v_phase = v_dt * u_dash_inv + u_phase0;
}
"""

_TRACK_FS = """
uniform vec4 u_color;
uniform float u_half_w;
uniform float u_fade_s;
uniform float u_ahead_alpha;
uniform float u_duty;
varying float v_dt;
varying float v_side;
varying float v_model;
varying float v_phase;

void main() {
    // coverage across the line: u_half_w includes a 1 px fringe
    float d_px = abs(v_side) * u_half_w;
    float cover = clamp(u_half_w - 0.5 - d_px, 0.0, 1.0);
    float a;
    if (v_dt <= 0.0) {
        float age = -v_dt / u_fade_s;
        if (age >= 1.0) discard;
        a = 1.0 - age;
        a = a * a * (3.0 - 2.0 * a) ;   // smooth fade, bright near now
    } else {
        a = u_ahead_alpha;
    }
    if (v_model > 0.5 && fract(v_phase) > u_duty) discard;
    a *= u_color.a * cover;
    if (a <= 0.002) discard;
    OUT_COLOR = vec4(u_color.rgb, a);
}
"""

_TRACK_ATTRS = ["a_pos", "a_prev", "a_next", "a_side", "a_time", "a_model"]
_TRACK_LAYOUT = [3, 3, 3, 1, 2, 1]


def build_track_vertices(points_scene, met_s, modelled, epoch_s: float) -> np.ndarray:
    """Interleaved float32 strip vertices (2N, 13) for a track: pos, prev, next, side,
    time (hi, lo) relative to ``epoch_s``, modelled flag. Pure function (no GL).

    ``points_scene``: (N,3) scene km; ``met_s``: (N,) MET seconds; ``modelled``: (N,) bool.
    Vertex ``2i`` is the left side (-1), ``2i+1`` the right side (+1) of sample ``i``.
    """
    p = np.ascontiguousarray(points_scene, dtype=np.float32).reshape(-1, 3)
    n = len(p)
    prev = np.concatenate([p[:1], p[:-1]])
    nxt = np.concatenate([p[1:], p[-1:]])
    hi, lo = split_f64(np.asarray(met_s, dtype=np.float64) - epoch_s)
    model = np.asarray(modelled, dtype=np.float32).reshape(-1)
    per_point = np.empty((n, 13), dtype=np.float32)
    per_point[:, 0:3] = p
    per_point[:, 3:6] = prev
    per_point[:, 6:9] = nxt
    per_point[:, 10] = hi
    per_point[:, 11] = lo
    per_point[:, 12] = model
    out = np.repeat(per_point, 2, axis=0)
    out[0::2, 9] = -1.0
    out[1::2, 9] = 1.0
    return out


class TrackItem(GLGraphicsItem.GLGraphicsItem):
    """A trajectory drawn as a wide line that shows flown / ahead / modelled at a glance.

    ``color``: RGBA floats in 0..1 (or RGB); ``width_px``: line width in device pixels;
    ``fade_s``: seconds over which the flown part fades to transparent (default one ISS orbit,
    5560 s). Depth test on (the Earth hides it), depth writes off (markers draw over it).
    """

    _programs: dict = {}

    def __init__(self, color=(1.0, 0.8, 0.2, 1.0), width_px: float = 2.0, fade_s: float = 5560.0,
                 parentItem=None):
        super().__init__(parentItem=parentItem)
        self.setGLOptions(translucent_gl_options())
        self.setDepthValue(10)
        c = tuple(float(x) for x in color)
        self._color = c if len(c) == 4 else c + (1.0,)
        self._width_px = float(width_px)
        self._fade_s = float(fade_s)
        self._now_s = 0.0
        self._epoch_s = 0.0
        self._verts: np.ndarray | None = None
        self._n = 0
        self._dirty = False
        self._vbo = QtOpenGL.QOpenGLBuffer(QtOpenGL.QOpenGLBuffer.Type.VertexBuffer)
        #: number of VBO uploads so far (tests check that set_time uploads nothing)
        self.upload_count = 0

    # -- data --------------------------------------------------------------------------------
    def set_track(self, points_scene, met_s, modelled=None) -> None:
        """New samples: (N,3) float32 scene km, (N,) MET s (increasing), (N,) bool modelled."""
        met = np.asarray(met_s, dtype=np.float64).reshape(-1)
        pts = np.asarray(points_scene, dtype=np.float32).reshape(-1, 3)
        if len(pts) != len(met):
            raise ValueError(f"{len(pts)} points but {len(met)} times")
        if modelled is None:
            modelled = np.zeros(len(met), dtype=bool)
        modelled = np.asarray(modelled, dtype=bool).reshape(-1)
        if len(modelled) != len(met):
            raise ValueError(f"{len(modelled)} modelled flags but {len(met)} times")
        if len(met) < 2:
            self._verts, self._n = None, 0
        else:
            self._epoch_s = float(np.round(0.5 * (met[0] + met[-1])))
            self._verts = build_track_vertices(pts, met, modelled, self._epoch_s)
            self._n = len(met)
        self._dirty = True
        self.update()

    def set_time(self, met_s: float) -> None:
        """Current MET (s): only a uniform changes."""
        self._now_s = float(met_s)
        self.update()

    def set_width(self, width_px: float) -> None:
        """Line width in device pixels."""
        self._width_px = max(float(width_px), 0.5)
        self.update()

    def set_color(self, color) -> None:
        """RGBA (or RGB) floats in 0..1."""
        c = tuple(float(x) for x in color)
        self._color = c if len(c) == 4 else c + (1.0,)
        self.update()

    def set_visible(self, visible: bool) -> None:
        self.setVisible(bool(visible))

    @property
    def width_px(self) -> float:
        return self._width_px

    # -- GL ----------------------------------------------------------------------------------
    @classmethod
    def _program(cls):
        return program_for(cls, _TRACK_VS, _TRACK_FS, _TRACK_ATTRS)

    def paint(self):
        if self._verts is None and not self._dirty:
            return
        upload_if_dirty(self)
        if self._verts is None:
            return
        self.setupGLState()
        proj, mv, vp_w, vp_h = frame_matrices(self)
        period_s = dash_period_s(km_per_px_at_target(proj, mv, vp_w))
        now_rel = self._now_s - self._epoch_s
        now_hi, now_lo = split_f64(now_rel)
        phase0 = (self._now_s / period_s) % 1.0

        program = self._program()
        locs = bind_interleaved(self._vbo, _TRACK_LAYOUT)
        try:
            GL.glUseProgram(program)
            u = lambda name: GL.glGetUniformLocation(program, name)  # noqa: E731
            GL.glUniformMatrix4fv(u("u_mvp"), 1, False, gl_matrix(proj @ mv))
            GL.glUniform2f(u("u_vp"), vp_w, vp_h)
            GL.glUniform1f(u("u_half_w"), 0.5 * self._width_px + 1.0)
            GL.glUniform2f(u("u_now"), float(now_hi), float(now_lo))
            GL.glUniform1f(u("u_dash_inv"), 1.0 / period_s)
            GL.glUniform1f(u("u_phase0"), phase0)
            GL.glUniform4f(u("u_color"), *self._color)
            GL.glUniform1f(u("u_fade_s"), self._fade_s)
            GL.glUniform1f(u("u_ahead_alpha"), AHEAD_ALPHA)
            GL.glUniform1f(u("u_duty"), DASH_DUTY)
            GL.glDrawArrays(GL.GL_TRIANGLE_STRIP, 0, 2 * self._n)
        finally:
            GL.glUseProgram(0)
            for loc in locs:
                GL.glDisableVertexAttribArray(loc)
            GL.glDepthMask(GL.GL_TRUE)
