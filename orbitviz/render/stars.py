"""The starry sky: the bright-star catalogue drawn as points at infinity.

Frames and units: the catalogue gives unit vectors in the ICRS
(:func:`orbitviz.core.stars.load_bright_stars`); :meth:`StarsItem.set_rotation` takes the
rotation ICRS → world (the scene controller passes GCRS → world, which equals ICRS → world
to far better than a pixel: the GCRS axes are the ICRS axes). Stars have no position, only a
direction: the view's rotation applies and its translation does not, so the sky does not
slide when the camera pans or the scene origin moves. Each star is placed on the far plane
(depth ≈ 1), drawn with depth test ``LEQUAL`` and no depth writes, so anything drawn (the
Earth, tracks) hides it, whatever the drawing order; the item also asks to be drawn first
(depth value −1000).

Look: the apparent brightness ``10^(−0.4 (m − 6.5))`` relative to the faintest star kept
sets each star's size (2.5 px at Hp 6.5, +1.5 px a magnitude, 14 px for Sirius, on a 1080-line frame) and its
intensity (a Gaussian spot, added to the frame). The tint is the colour of a black body
at the star's temperature from B−V (Ballesteros 2012, EPL 97, 34008), seen through the
CIE 1931 2° observer (the multi-lobe Gaussian fit of Wyman, Sloan & Shirley 2013, JCGT 2(2)),
in sRGB, then mixed 45 % towards white as the eye sees stars at night.

Sizes are in pixels of a 1080-line frame and scale with the output height: automatically
from the widget's height and, in ``GLViewWidget.renderToArray`` exports larger than the
widget, from the projection's focal length in pixels; or fixed with
:meth:`StarsItem.set_point_scale`.
"""

from __future__ import annotations

import ctypes
import math

import numpy as np
from OpenGL import GL
from pyqtgraph.opengl import GLGraphicsItem
from pyqtgraph.Qt import QtGui

from orbitviz.render.tracks import compile_program, gl_matrix, qmatrix_to_numpy

__all__ = ["StarsItem", "star_rgb_from_b_v", "star_size_and_intensity", "bv_to_temperature_k"]

#: Faintest magnitude kept by the catalogue (Hp).
MAG_LIMIT = 6.5


def bv_to_temperature_k(b_v) -> np.ndarray:
    """Effective temperature (K) of a star of colour index B−V (mag), Ballesteros (2012)."""
    bv = np.clip(np.asarray(b_v, dtype=np.float64), -0.4, 2.0)
    return 4600.0 * (1.0 / (0.92 * bv + 1.7) + 1.0 / (0.92 * bv + 0.62))


def _cie1931_xyz(lam_nm: np.ndarray) -> np.ndarray:
    """CIE 1931 2° colour matching functions (Wyman, Sloan & Shirley 2013 fit), (…,3)."""

    def g(x, mu, s1, s2):
        s = np.where(x < mu, s1, s2)
        return np.exp(-0.5 * ((x - mu) / s) ** 2)

    x = (1.056 * g(lam_nm, 599.8, 37.9, 31.0) + 0.362 * g(lam_nm, 442.0, 16.0, 26.7)
         - 0.065 * g(lam_nm, 501.1, 20.4, 26.2))
    y = 0.821 * g(lam_nm, 568.8, 46.9, 40.5) + 0.286 * g(lam_nm, 530.9, 16.3, 31.1)
    z = 1.217 * g(lam_nm, 437.0, 11.8, 36.0) + 0.681 * g(lam_nm, 459.0, 26.0, 13.8)
    return np.stack([x, y, z], axis=-1)


_XYZ_TO_LINEAR_SRGB = np.array([[3.2406, -1.5372, -0.4986],
                                [-0.9689, 1.8758, 0.0415],
                                [0.0557, -0.2040, 1.0570]])


def star_rgb_from_b_v(b_v, whiten: float = 0.45) -> np.ndarray:
    """sRGB tint (N,3) in [0,1] (brightest channel 1) of stars of colour index B−V."""
    t = bv_to_temperature_k(b_v).reshape(-1, 1)
    lam = np.arange(380.0, 781.0, 5.0)
    c2_nm_k = 1.4387769e7  # second radiation constant hc/k, nm·K
    planck = lam ** -5 / np.expm1(c2_nm_k / (lam * t))  # (N, L), arbitrary scale
    xyz = planck @ _cie1931_xyz(lam)  # (N, 3)
    rgb = np.clip(xyz @ _XYZ_TO_LINEAR_SRGB.T, 0.0, None)
    rgb /= rgb.max(axis=1, keepdims=True)
    srgb = np.where(rgb <= 0.0031308, 12.92 * rgb, 1.055 * rgb ** (1 / 2.4) - 0.055)
    return np.clip((1.0 - whiten) * srgb + whiten, 0.0, 1.0)


def star_size_and_intensity(mag) -> tuple[np.ndarray, np.ndarray]:
    """Sprite diameter (px, 1080-line frame) and peak intensity (0–1) from magnitude."""
    m = np.asarray(mag, dtype=np.float64)
    flux = 10.0 ** (-0.4 * (m - MAG_LIMIT))  # 1 at the limit, ~1900 for Sirius
    size = np.clip(2.5 + 3.75 * np.log10(flux), 2.5, 16.0)  # +1.5 px per magnitude
    intensity = np.clip(0.42 * flux ** 0.25, 0.42, 1.0)
    return size, intensity


_VS = """
uniform mat3 u_rot;        // ICRS -> eye (view rotation x icrs_to_world)
uniform mat4 u_proj;
uniform float u_px_scale;
attribute vec3 a_dir;
attribute vec3 a_color;
attribute vec2 a_size_int;
varying vec3 v_color;
void main() {
    vec3 eye = u_rot * a_dir;
    vec4 clip = u_proj * vec4(eye, 0.0);   // a direction: no translation
    clip.z = clip.w * 0.999999;            // on the far plane
    gl_Position = clip;
    gl_PointSize = max(a_size_int.x * u_px_scale, 1.0);
    v_color = a_color * a_size_int.y;
}
"""

_FS = """
varying vec3 v_color;
void main() {
    vec2 xy = gl_PointCoord * 2.0 - 1.0;
    float r2 = dot(xy, xy);
    if (r2 > 1.0) discard;
    float a = exp(-3.5 * r2);
    OUT_COLOR = vec4(v_color * a, 1.0);
}
"""


class StarsItem(GLGraphicsItem.GLGraphicsItem):
    """Stars of a :class:`orbitviz.core.stars.StarCatalog`, behind everything."""

    def __init__(self, catalog, parentItem=None):
        super().__init__()
        dirs = np.asarray(catalog.unit_icrs, dtype=np.float64)
        size, inten = star_size_and_intensity(catalog.mag)
        color = star_rgb_from_b_v(catalog.b_v)
        self._vertices = np.ascontiguousarray(
            np.column_stack([dirs, color, size, inten]), dtype=np.float32)  # (N, 8)
        self._rot = np.eye(3)
        self._point_scale = None
        self._gl = None
        self.setDepthValue(-1000)
        self.setParentItem(parentItem)

    def set_rotation(self, icrs_to_world) -> None:
        """Rotation ICRS → world ((3,3), float64)."""
        r = np.asarray(icrs_to_world, dtype=np.float64)
        if r.shape != (3, 3):
            raise ValueError(f"icrs_to_world must be (3,3), got {r.shape}")
        self._rot = r
        self.update()

    def set_point_scale(self, scale: float | None) -> None:
        """Multiply star sizes by ``scale`` (1 = sized for a 1080-line frame); ``None``
        (the default) follows the output's height."""
        self._point_scale = None if scale is None else float(scale)
        self.update()

    def _auto_scale(self, proj: np.ndarray) -> float:
        view = self.view()
        if view is None:
            return 1.0
        h = view.deviceHeight()
        # Focal length in pixels of this draw against the widget's own: >1 in exports
        # rendered larger than the widget (tiles keep the full image's focal length).
        vp = GL.glGetIntegerv(GL.GL_VIEWPORT)
        f_now = 0.5 * float(proj[0, 0]) * float(vp[2])
        fov = float(view.opts.get("fov", 60.0))
        f_widget = 0.5 * view.deviceWidth() / math.tan(math.radians(0.5 * fov))
        ratio = f_now / f_widget if f_widget > 0 and f_now > 0 else 1.0
        return float(np.clip(h * ratio / 1080.0, 0.75, 4.0))

    def _ensure_gl(self) -> dict:
        group = QtGui.QOpenGLContext.currentContext().shareGroup()
        if self._gl is not None and self._gl["group"] is group:
            return self._gl
        prog = compile_program(_VS, _FS, ["a_dir", "a_color", "a_size_int"])
        vbo = GL.glGenBuffers(1)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, vbo)
        GL.glBufferData(GL.GL_ARRAY_BUFFER, self._vertices.nbytes, self._vertices,
                        GL.GL_STATIC_DRAW)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, 0)
        self._gl = {"group": group, "prog": prog, "vbo": vbo}
        return self._gl

    def paint(self):
        g = self._ensure_gl()
        mv = qmatrix_to_numpy(self.modelViewMatrix())
        proj = qmatrix_to_numpy(self.projectionMatrix())
        rot = mv[:3, :3] @ self._rot  # translation stripped
        scale = self._point_scale if self._point_scale is not None else self._auto_scale(proj)

        ctx = QtGui.QOpenGLContext.currentContext()
        compat = not ctx.isOpenGLES() and (
            ctx.format().profile() != QtGui.QSurfaceFormat.OpenGLContextProfile.CoreProfile)
        if compat:
            GL.glEnable(GL.GL_POINT_SPRITE)
        GL.glEnable(GL.GL_PROGRAM_POINT_SIZE)
        GL.glEnable(GL.GL_DEPTH_TEST)
        GL.glDepthFunc(GL.GL_LEQUAL)
        GL.glDepthMask(GL.GL_FALSE)
        GL.glDisable(GL.GL_CULL_FACE)
        GL.glEnable(GL.GL_BLEND)
        GL.glBlendFunc(GL.GL_ONE, GL.GL_ONE)
        prog = g["prog"]
        GL.glUseProgram(prog)
        try:
            GL.glUniformMatrix3fv(GL.glGetUniformLocation(prog, "u_rot"), 1, True,
                                  np.ascontiguousarray(rot, dtype=np.float32))
            GL.glUniformMatrix4fv(GL.glGetUniformLocation(prog, "u_proj"), 1, False,
                                  gl_matrix(proj))
            GL.glUniform1f(GL.glGetUniformLocation(prog, "u_px_scale"), scale)
            GL.glBindBuffer(GL.GL_ARRAY_BUFFER, g["vbo"])
            stride = 8 * 4
            for loc, (n, off) in enumerate(((3, 0), (3, 12), (2, 24))):
                GL.glVertexAttribPointer(loc, n, GL.GL_FLOAT, False, stride,
                                         ctypes.c_void_p(off))
                GL.glEnableVertexAttribArray(loc)
            GL.glDrawArrays(GL.GL_POINTS, 0, int(self._vertices.shape[0]))
            for loc in range(3):
                GL.glDisableVertexAttribArray(loc)
        finally:
            GL.glBindBuffer(GL.GL_ARRAY_BUFFER, 0)
            GL.glUseProgram(0)
            GL.glDepthMask(GL.GL_TRUE)
            GL.glDepthFunc(GL.GL_LESS)
            GL.glDisable(GL.GL_BLEND)
            GL.glBlendFunc(GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA)
