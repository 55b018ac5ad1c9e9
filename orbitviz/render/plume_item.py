"""Engine plumes: additive cones, one unit cone uploaded once, each plume a model matrix and a
colour set per frame.

A plume starts at its nozzle and runs ``length`` along its exhaust direction, widening to
``radius`` at the far end; it is brightest at the nozzle and on its axis (three nested
cones: a line of sight near the axis crosses them all, from the side or end-on) and fades
to nothing at its end. Additive
blending, depth-tested against the solids but not written: the plume glows over what lies
behind it and hides behind what stands in front. Sizes and timing come from the core
(:mod:`orbitviz.core.firings`); colours from :mod:`orbitviz.render.style`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import numpy as np
from OpenGL import GL
from pyqtgraph.opengl import GLGraphicsItem
from pyqtgraph.Qt import QT_LIB

from .tracks import bind_interleaved, gl_matrix, program_for, qmatrix_to_numpy, upload_vbo

QtOpenGL = importlib.import_module(f"{QT_LIB}.QtOpenGL")

__all__ = ["PlumeItem", "PlumeInstance", "build_cone_vertices", "plume_matrix"]

#: Radius of the cone at the nozzle, as a share of its far radius.
NOZZLE_SHARE = 0.18
#: Each plume is three nested cones (share of the radius, share of the intensity): the
#: inner ones make the middle bright from any side, end-on too.
LAYERS = ((1.0, 0.30), (0.6, 0.35), (0.3, 0.45))

_VS = """
uniform mat4 u_mvp;
uniform mat3 u_rot_view;    // plume axes -> eye axes (no scale)
attribute vec3 a_pos;       // unit cone: z from 0 (nozzle) to 1, radius NOZZLE..1
attribute vec3 a_normal;
varying float v_along;
varying float v_facing;
void main() {
    gl_Position = u_mvp * vec4(a_pos, 1.0);
    v_along = a_pos.z;
    vec3 n = normalize(u_rot_view * a_normal);
    v_facing = abs(n.z);
}
"""

_FS = """
uniform vec3 u_color;
uniform float u_intensity;
varying float v_along;
varying float v_facing;
void main() {
    float fall = pow(max(1.0 - v_along, 0.0), 1.6);
    float core = 0.35 + 0.65 * v_facing;
    OUT_COLOR = vec4(u_color * (u_intensity * fall * core), 1.0);
}
"""

_ATTRS = ["a_pos", "a_normal"]
_LAYOUT = [3, 3]


@dataclass
class PlumeInstance:
    """One plume: nozzle ``apex_scene`` (scene km), unit exhaust ``direction_scene``,
    ``length_km`` and far ``radius_km``, RGB ``color`` and peak ``intensity``."""

    apex_scene: np.ndarray
    direction_scene: np.ndarray
    length_km: float
    radius_km: float
    color: tuple
    intensity: float


def build_cone_vertices(segments: int = 24) -> np.ndarray:
    """(N,6) float32 triangles of the unit open cone (position, outward normal): z from 0 to
    1, radius from :data:`NOZZLE_SHARE` to 1."""
    a = 2.0 * np.pi * np.arange(segments + 1) / segments
    c, s = np.cos(a), np.sin(a)
    r0, r1 = NOZZLE_SHARE, 1.0
    slope = r1 - r0
    n = np.stack([c, s, np.full_like(c, -slope)], axis=1)
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    p0 = np.stack([r0 * c, r0 * s, np.zeros_like(c)], axis=1)
    p1 = np.stack([r1 * c, r1 * s, np.ones_like(c)], axis=1)
    tris = []
    for i in range(segments):
        for p, nn in ((p0[i], n[i]), (p1[i], n[i]), (p1[i + 1], n[i + 1]),
                      (p0[i], n[i]), (p1[i + 1], n[i + 1]), (p0[i + 1], n[i + 1])):
            tris.append(np.concatenate([p, nn]))
    return np.ascontiguousarray(tris, dtype=np.float32)


def _basis(d) -> np.ndarray:
    d = np.asarray(d, dtype=float)
    d = d / np.linalg.norm(d)
    t = np.array([1.0, 0.0, 0.0]) if abs(d[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    u = np.cross(d, t)
    u /= np.linalg.norm(u)
    return np.column_stack([u, np.cross(d, u), d])


def plume_matrix(p: PlumeInstance, radius_share: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(model (4,4) row-major, rotation (3,3)): the unit cone onto the plume (its radius
    times ``radius_share``)."""
    R = _basis(p.direction_scene)
    m = np.eye(4)
    r = p.radius_km * radius_share
    m[:3, :3] = R @ np.diag([r, r, p.length_km])
    m[:3, 3] = np.asarray(p.apex_scene, dtype=float)
    return m, R


class PlumeItem(GLGraphicsItem.GLGraphicsItem):
    """Additive cones (see the module's notes)."""

    _programs: dict = {}

    def __init__(self, parentItem=None):
        super().__init__(parentItem=parentItem)
        self.setGLOptions({GL.GL_DEPTH_TEST: True, GL.GL_BLEND: True, GL.GL_CULL_FACE: False,
                           "glBlendFunc": (GL.GL_ONE, GL.GL_ONE), "glDepthMask": (GL.GL_FALSE,)})
        self.setDepthValue(6)
        self._verts = build_cone_vertices()
        self._dirty = True
        self._vbo = QtOpenGL.QOpenGLBuffer(QtOpenGL.QOpenGLBuffer.Type.VertexBuffer)
        self.upload_count = 0
        self.plumes: list[PlumeInstance] = []

    def set_plumes(self, plumes) -> None:
        self.plumes = list(plumes)
        self.update()

    def paint(self):
        if self._dirty:
            upload_vbo(self._vbo, self._verts)
            self.upload_count += 1
            self._dirty = False
        if not self.plumes:
            return
        self.setupGLState()
        proj = qmatrix_to_numpy(self.projectionMatrix())
        mv = qmatrix_to_numpy(self.modelViewMatrix())
        program = program_for(PlumeItem, _VS, _FS, _ATTRS)
        locs = bind_interleaved(self._vbo, _LAYOUT)
        try:
            GL.glUseProgram(program)
            u = {k: GL.glGetUniformLocation(program, k)
                 for k in ("u_mvp", "u_rot_view", "u_color", "u_intensity")}
            for p in self.plumes:
                GL.glUniform3f(u["u_color"], *(float(c) for c in p.color[:3]))
                for share, k in LAYERS:
                    m, R = plume_matrix(p, share)
                    GL.glUniformMatrix4fv(u["u_mvp"], 1, False, gl_matrix(proj @ mv @ m))
                    rv = mv[:3, :3] @ R
                    GL.glUniformMatrix3fv(u["u_rot_view"], 1, False,
                                          np.ascontiguousarray(rv.T, dtype=np.float32))
                    GL.glUniform1f(u["u_intensity"], float(p.intensity) * k)
                    GL.glDrawArrays(GL.GL_TRIANGLES, 0, len(self._verts))
        finally:
            GL.glUseProgram(0)
            for loc in locs:
                GL.glDisableVertexAttribArray(loc)
            GL.glDepthMask(GL.GL_TRUE)
