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
uniform mat4 u_pv;          // scene km -> clip (once a frame)
uniform mat4 u_model;       // body m -> scene km: rotation / 1000, then the origin
attribute vec3 a_pos;       // metres, body frame
attribute vec3 a_normal;
attribute vec3 a_color;
varying vec3 v_normal;
varying vec3 v_color;
void main() {
    gl_Position = u_pv * (u_model * vec4(a_pos, 1.0));
    v_normal = mat3(u_model) * a_normal;   // scaled by 1/1000: normalised per fragment
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

    def __init__(self, meshes, parentItem=None):
        """``meshes``: ``{key: Mesh}``, or a function returning it, called on first use (the
        scene builds its meshes only when a close view first needs them)."""
        super().__init__(parentItem=parentItem)
        self.setGLOptions({GL.GL_DEPTH_TEST: True, GL.GL_BLEND: False, GL.GL_CULL_FACE: False,
                           "glDepthMask": (GL.GL_TRUE,)})
        self.setDepthValue(5)
        self._source = meshes
        self._meshes = None
        self._verts = None
        self._ranges = None
        self._dirty = True
        self._vbo = QtOpenGL.QOpenGLBuffer(QtOpenGL.QOpenGLBuffer.Type.VertexBuffer)
        self.upload_count = 0
        self.instances: list[SolidInstance] = []
        self.lighting = Lighting()
        self._uniforms: dict = {}

    @property
    def meshes(self) -> dict:
        """The meshes by key (built on first use)."""
        if self._meshes is None:
            src = self._source
            self._meshes = dict(src() if callable(src) else src)
            self._verts, self._ranges = build_solid_vertices(self._meshes)
        return self._meshes

    @property
    def ranges(self) -> dict[str, tuple[int, int]]:
        """``{key: (first vertex, count)}`` in the VBO."""
        self.meshes
        return self._ranges

    @property
    def n_triangles(self) -> int:
        self.meshes
        return len(self._verts) // 3

    def set_instances(self, instances) -> None:
        """What to draw this frame (unknown keys are an error)."""
        inst = list(instances)
        ranges = self.ranges
        for i in inst:
            if i.key not in ranges:
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
        if not self.instances:
            return
        if self._dirty:
            self.meshes
            upload_vbo(self._vbo, self._verts)
            self.upload_count += 1
            self._dirty = False
        self.setupGLState()
        pv = qmatrix_to_numpy(self.projectionMatrix()) @ qmatrix_to_numpy(self.modelViewMatrix())
        program = program_for(SolidItem, _VS, _FS, _ATTRS)
        u = self._uniforms.get(program)
        if u is None:
            u = self._uniforms[program] = {k: GL.glGetUniformLocation(program, k)
                                           for k in ("u_pv", "u_model", "u_alpha")}
        locs = bind_interleaved(self._vbo, _LAYOUT)
        ranges = self._ranges
        drawn = [i for i in self.instances if i.alpha > 0.0 and ranges[i.key][1] > 0]
        # every model matrix at once, column-major float32 (what glUniformMatrix4fv reads)
        models = np.zeros((len(drawn), 4, 4))
        models[:, :3, :3] = np.array([i.rot for i in drawn]).reshape(-1, 3, 3) / 1000.0
        models[:, :3, 3] = np.array([i.pos_scene for i in drawn]).reshape(-1, 3)
        models[:, 3, 3] = 1.0
        cols = np.ascontiguousarray(np.swapaxes(models, 1, 2), dtype=np.float32)
        opaque = [k for k, i in enumerate(drawn) if i.alpha >= 1.0]
        fading = [k for k, i in enumerate(drawn) if i.alpha < 1.0]
        try:
            GL.glUseProgram(program)
            set_lighting_uniforms(program, self.lighting)
            GL.glUniformMatrix4fv(u["u_pv"], 1, False, gl_matrix(pv))
            GL.glUniform1f(u["u_alpha"], 1.0)
            self._draw(drawn, opaque, cols, u, False)
            if fading:
                GL.glEnable(GL.GL_BLEND)
                GL.glBlendFuncSeparate(GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA,
                                       GL.GL_ONE, GL.GL_ONE_MINUS_SRC_ALPHA)
                GL.glDepthMask(GL.GL_FALSE)
                try:
                    self._draw(drawn, fading, cols, u, True)
                finally:
                    GL.glDepthMask(GL.GL_TRUE)
                    GL.glDisable(GL.GL_BLEND)
        finally:
            GL.glUseProgram(0)
            for loc in locs:
                GL.glDisableVertexAttribArray(loc)

    def _draw(self, drawn, which, cols, u, set_alpha: bool):
        """Two GL calls an instance: its model matrix, its draw (and its opacity when
        fading)."""
        ranges = self._ranges
        for k in which:
            inst = drawn[k]
            first, count = ranges[inst.key]
            GL.glUniformMatrix4fv(u["u_model"], 1, False, cols[k])
            if set_alpha:
                GL.glUniform1f(u["u_alpha"], float(inst.alpha))
            GL.glDrawArrays(GL.GL_TRIANGLES, first, count)
