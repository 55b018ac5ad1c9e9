"""Shaded solids drawn as instances: every mesh uploaded once into one VBO, each instance a
model matrix and an opacity set per frame (uniforms only).

Geometry: ``{key: Mesh}`` (metres, each in its own body frame; :mod:`orbitviz.render.solids`),
laid end to end by :func:`build_solid_vertices` (pure). Per frame the scene hands
:meth:`SolidItem.set_instances` a list of :class:`SolidInstance`: which mesh, its body-to-scene
rotation and its origin in scene km. Opaque instances are drawn first, then the fading ones
(alpha < 1) blended without writing depth. Lighting: :mod:`orbitviz.render.lighting`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import numpy as np
from OpenGL import GL
from pyqtgraph.opengl import GLGraphicsItem
from pyqtgraph.Qt import QT_LIB

from .lighting import LIGHTING_GLSL, Lighting, set_lighting_uniforms
from .tracks import bind_interleaved, gl_matrix, program_for, qmatrix_to_numpy, upload_vbo

QtOpenGL = importlib.import_module(f"{QT_LIB}.QtOpenGL")

__all__ = ["SolidItem", "SolidInstance", "build_solid_vertices", "instance_matrix"]

_VS = """
uniform mat4 u_mvp;
uniform mat3 u_rot;         // body -> scene
attribute vec3 a_pos;       // metres, body frame
attribute vec3 a_normal;
attribute vec3 a_color;
varying vec3 v_normal;
varying vec3 v_color;
void main() {
    gl_Position = u_mvp * vec4(a_pos, 1.0);
    v_normal = u_rot * a_normal;
    v_color = a_color;
}
"""

_FS = LIGHTING_GLSL + """
uniform float u_alpha;
varying vec3 v_normal;
varying vec3 v_color;
void main() {
    OUT_COLOR = vec4(shade(normalize(v_normal), v_color), u_alpha);
}
"""

_ATTRS = ["a_pos", "a_normal", "a_color"]
_LAYOUT = [3, 3, 3]


@dataclass
class SolidInstance:
    """One drawn copy of a mesh: ``rot`` (3,3) body → scene, ``pos_scene`` (3,) its origin
    in scene km, ``alpha`` its opacity (1 opaque)."""

    key: str
    rot: np.ndarray
    pos_scene: np.ndarray
    alpha: float = 1.0


def build_solid_vertices(meshes: dict) -> tuple[np.ndarray, dict[str, tuple[int, int]]]:
    """``(vertices (N,9) float32, {key: (first vertex, count)})``: every mesh's triangles
    as position (m), unit normal and RGB, one mesh after another."""
    blocks, ranges, first = [], {}, 0
    for key, mesh in meshes.items():
        pos, nrm, col = mesh.triangle_soup()
        blocks.append(np.hstack([pos, nrm, col]))
        ranges[key] = (first, len(pos))
        first += len(pos)
    verts = np.ascontiguousarray(np.vstack(blocks) if blocks else np.zeros((0, 9)),
                                 dtype=np.float32)
    return verts, ranges


def instance_matrix(rot, pos_scene) -> np.ndarray:
    """Row-major (4,4) model matrix: metres in the body frame → scene km."""
    m = np.eye(4)
    m[:3, :3] = np.asarray(rot, dtype=np.float64).reshape(3, 3) / 1000.0
    m[:3, 3] = np.asarray(pos_scene, dtype=np.float64).reshape(3)
    return m


class SolidItem(GLGraphicsItem.GLGraphicsItem):
    """Opaque and fading shaded meshes, instanced (see the module's notes)."""

    _programs: dict = {}

    def __init__(self, meshes: dict, parentItem=None):
        super().__init__(parentItem=parentItem)
        self.setGLOptions({GL.GL_DEPTH_TEST: True, GL.GL_BLEND: False, GL.GL_CULL_FACE: False,
                           "glDepthMask": (GL.GL_TRUE,)})
        self.setDepthValue(5)
        self.meshes = dict(meshes)
        self._verts, self.ranges = build_solid_vertices(self.meshes)
        self._dirty = True
        self._vbo = QtOpenGL.QOpenGLBuffer(QtOpenGL.QOpenGLBuffer.Type.VertexBuffer)
        self.upload_count = 0
        self.instances: list[SolidInstance] = []
        self.lighting = Lighting()

    @property
    def n_triangles(self) -> int:
        return len(self._verts) // 3

    def set_instances(self, instances) -> None:
        """What to draw this frame (unknown keys are an error)."""
        inst = list(instances)
        for i in inst:
            if i.key not in self.ranges:
                raise KeyError(f"no mesh '{i.key}' in this item")
        self.instances = inst
        self.update()

    def set_lighting(self, lighting: Lighting) -> None:
        self.lighting = lighting
        self.update()

    def set_sun_direction(self, unit_scene) -> None:
        """Direction to the Sun, a vector in the scene frame."""
        self.set_lighting(self.lighting.with_sun(unit_scene))

    def paint(self):
        if self._dirty:
            upload_vbo(self._vbo, self._verts)
            self.upload_count += 1
            self._dirty = False
        if not self.instances:
            return
        self.setupGLState()
        pv = qmatrix_to_numpy(self.projectionMatrix()) @ qmatrix_to_numpy(self.modelViewMatrix())
        program = program_for(SolidItem, _VS, _FS, _ATTRS)
        locs = bind_interleaved(self._vbo, _LAYOUT)
        opaque = [i for i in self.instances if i.alpha >= 1.0]
        fading = [i for i in self.instances if 0.0 < i.alpha < 1.0]
        try:
            GL.glUseProgram(program)
            set_lighting_uniforms(program, self.lighting)
            u_mvp = GL.glGetUniformLocation(program, "u_mvp")
            u_rot = GL.glGetUniformLocation(program, "u_rot")
            u_alpha = GL.glGetUniformLocation(program, "u_alpha")
            self._draw(opaque, pv, u_mvp, u_rot, u_alpha)
            if fading:
                GL.glEnable(GL.GL_BLEND)
                GL.glBlendFuncSeparate(GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA,
                                       GL.GL_ONE, GL.GL_ONE_MINUS_SRC_ALPHA)
                GL.glDepthMask(GL.GL_FALSE)
                try:
                    self._draw(fading, pv, u_mvp, u_rot, u_alpha)
                finally:
                    GL.glDepthMask(GL.GL_TRUE)
                    GL.glDisable(GL.GL_BLEND)
        finally:
            GL.glUseProgram(0)
            for loc in locs:
                GL.glDisableVertexAttribArray(loc)

    def _draw(self, instances, pv, u_mvp, u_rot, u_alpha):
        for inst in instances:
            first, count = self.ranges[inst.key]
            if count == 0:
                continue
            GL.glUniformMatrix4fv(u_mvp, 1, False,
                                  gl_matrix(pv @ instance_matrix(inst.rot, inst.pos_scene)))
            GL.glUniformMatrix3fv(u_rot, 1, False,
                                  np.ascontiguousarray(np.asarray(inst.rot).T, dtype=np.float32))
            GL.glUniform1f(u_alpha, float(inst.alpha))
            GL.glDrawArrays(GL.GL_TRIANGLES, first, count)
