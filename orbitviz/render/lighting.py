"""How meshes are lit: one place for every shaded solid of the scene.

:class:`Lighting` holds what lights a mesh in scene coordinates; :data:`LIGHTING_GLSL` is the
fragment-shader code that applies it (``vec3 shade(vec3 n, vec3 albedo)``, ``n`` a unit
normal in the scene frame); :func:`set_lighting_uniforms` loads a :class:`Lighting` into a
program. Today: the Sun (a direction and an intensity, 1 in sunlight), an ambient floor and a
faint fill opposite the Sun (a drawing aid, not a physical source). The next lights (the
Earth's shadow with its penumbra through ``sun_k``, the Soyuz's floodlights as spots) belong
here, so every mesh item gets them at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from OpenGL import GL

from .style import MESH_AMBIENT, MESH_FILL

__all__ = ["Lighting", "LIGHTING_GLSL", "set_lighting_uniforms"]


@dataclass
class Lighting:
    """``sun_dir_scene``: unit vector toward the Sun (scene frame); ``sun_k``: the Sun's
    intensity on the mesh (1 in full sunlight, 0 in the umbra); ``ambient`` and ``fill``:
    the floor and the fill's share (:mod:`orbitviz.render.style`)."""

    sun_dir_scene: np.ndarray = field(default_factory=lambda: np.array([1.0, 0.0, 0.0]))
    sun_k: float = 1.0
    ambient: float = MESH_AMBIENT
    fill: float = MESH_FILL

    def with_sun(self, direction) -> "Lighting":
        d = np.asarray(direction, dtype=float).reshape(3)
        n = float(np.linalg.norm(d))
        return Lighting(d / n if n > 0 else self.sun_dir_scene, self.sun_k, self.ambient,
                        self.fill)


LIGHTING_GLSL = """
uniform vec3 u_sun;         // unit, scene frame
uniform float u_sun_k;      // the Sun's intensity here (1: sunlit)
uniform float u_ambient;
uniform float u_fill;
vec3 shade(vec3 n, vec3 albedo) {
    float diff = max(dot(n, u_sun), 0.0) * u_sun_k;
    float fill = u_fill * max(-dot(n, u_sun), 0.0);
    return albedo * (u_ambient + (1.0 - u_ambient) * diff + fill);
}
"""


def set_lighting_uniforms(program: int, lighting: Lighting) -> None:
    """Load ``lighting`` into the current ``program`` (its shader includes LIGHTING_GLSL)."""
    def u(name):
        return GL.glGetUniformLocation(program, name)

    s = lighting.sun_dir_scene
    GL.glUniform3f(u("u_sun"), float(s[0]), float(s[1]), float(s[2]))
    GL.glUniform1f(u("u_sun_k"), float(lighting.sun_k))
    GL.glUniform1f(u("u_ambient"), float(lighting.ambient))
    GL.glUniform1f(u("u_fill"), float(lighting.fill))
