"""Simple, recognisable shaded meshes of the ISS and of a Soyuz MS spacecraft.

Body frame (LVLH-like): **x along the velocity, z toward the Earth (nadir), y = z × x**
(opposite the orbit normal). Geometry is built in metres by pure functions
(:func:`station_geometry`, :func:`soyuz_geometry`) and stored in kilometres, the scene unit.
Every part is a closed solid (boxes, capped cylinders and cones, ellipsoids); panels are thin
boxes, so no face is seen from behind.

Dimensions follow published figures (rounded; the shapes are schematic):

* ISS (NASA, "International Space Station Facts and Figures", 2021): integrated truss
  109 m long; eight solar-array wings, each about 35 m × 12 m (NASA: 34 m × 12 m blankets),
  two per photovoltaic module at the truss ends (P4, P6, S4, S6); pressurised modules along the
  flight direction about 50 m from Harmony's front to Zvezda's aft end (Harmony 7.2 m,
  Destiny 8.5 m, Unity 5.5 m, Zarya 12.6 m, Zvezda 13.1 m, diameters 4.2–4.4 m); Kibo (11.2 m)
  and Columbus (6.9 m) at Harmony's sides; heat-rejection radiators on S1/P1 (three per side,
  about 3.1 m × 23 m each); Zvezda's small solar wings.
* Soyuz MS (Roscosmos/Energia figures): length 7.48 m, maximum diameter 2.72 m, solar-array
  span 10.7 m; orbital module about 2.26 m wide and 3.0 m long; descent module (bell) 2.17 m
  wide and 2.24 m long; service (instrument-propulsion) module 2.26 m long and 2.72 m wide.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

import numpy as np
from OpenGL import GL
from pyqtgraph.opengl import GLGraphicsItem
from pyqtgraph.Qt import QT_LIB

from .tracks import (
    bind_interleaved,
    gl_matrix,
    program_for,
    qmatrix_to_numpy,
    upload_vbo,
)

QtOpenGL = importlib.import_module(f"{QT_LIB}.QtOpenGL")

__all__ = [
    "MeshData", "Part", "assemble", "box", "frustum", "ellipsoid", "station_geometry",
    "soyuz_geometry", "model_matrix", "MeshItem", "StationMesh", "SoyuzMesh",
]

# Colours (linear-ish RGB 0..1)
WHITE = (0.86, 0.86, 0.84)
GREY = (0.62, 0.62, 0.64)
DARK = (0.30, 0.30, 0.32)
GOLD = (0.78, 0.62, 0.30)
SOLAR = (0.20, 0.26, 0.52)          # US arrays: deep blue-violet cells
SOLAR_RU = (0.18, 0.28, 0.45)
RADIATOR = (0.93, 0.93, 0.95)
SOYUZ_GREEN = (0.42, 0.47, 0.36)    # the thermal blanket's green-grey
SOYUZ_DM = (0.55, 0.50, 0.42)


# ---------------------------------------------------------------------------------------------
# Primitives (metres, float64), each a closed solid
# ---------------------------------------------------------------------------------------------


@dataclass
class Part:
    """One solid: triangles (M,3,3) m, per-vertex normals (M,3,3), an RGB colour."""

    name: str
    tris: np.ndarray
    normals: np.ndarray
    color: tuple


def box(name, center, size, color) -> Part:
    """An axis-aligned box (metres): 12 triangles, flat outward normals."""
    c = np.asarray(center, dtype=np.float64)
    h = 0.5 * np.asarray(size, dtype=np.float64)
    tris, norms = [], []
    for axis in range(3):
        for sign in (-1.0, 1.0):
            n = np.zeros(3)
            n[axis] = sign
            u = np.zeros(3)
            v = np.zeros(3)
            u[(axis + 1) % 3] = 1.0
            v[(axis + 2) % 3] = 1.0
            if sign < 0:
                u, v = v, u  # keep counter-clockwise seen from outside
            fc = c + n * h
            hu, hv = u * h, v * h
            q = [fc - hu - hv, fc + hu - hv, fc + hu + hv, fc - hu + hv]
            tris += [[q[0], q[1], q[2]], [q[0], q[2], q[3]]]
            norms += [[n, n, n], [n, n, n]]
    return Part(name, np.array(tris), np.array(norms), color)


def _basis(axis):
    a = np.asarray(axis, dtype=np.float64)
    a = a / np.linalg.norm(a)
    t = np.array([1.0, 0.0, 0.0]) if abs(a[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    u = np.cross(a, t)
    u /= np.linalg.norm(u)
    v = np.cross(a, u)
    return a, u, v


def frustum(name, p0, p1, r0, r1, color, segments=24) -> Part:
    """A capped cone frustum (cylinder when r0 == r1) from p0 (radius r0) to p1 (radius r1), m.

    Smooth side normals, flat caps; a zero radius makes a pointed cone (no cap there).
    """
    p0 = np.asarray(p0, dtype=np.float64)
    p1 = np.asarray(p1, dtype=np.float64)
    length = np.linalg.norm(p1 - p0)
    a, u, v = _basis(p1 - p0)
    ang = np.linspace(0.0, 2.0 * np.pi, segments + 1)
    ring = np.cos(ang)[:, None] * u + np.sin(ang)[:, None] * v
    slope = (r0 - r1) / length
    side_n = ring + slope * a
    side_n /= np.linalg.norm(side_n, axis=1)[:, None]
    tris, norms = [], []
    for i in range(segments):
        a0, a1 = p0 + r0 * ring[i], p0 + r0 * ring[i + 1]
        b0, b1 = p1 + r1 * ring[i], p1 + r1 * ring[i + 1]
        n0, n1 = side_n[i], side_n[i + 1]
        if r0 > 0:
            tris.append([a0, a1, b1])
            norms.append([n0, n1, n1])
        if r1 > 0:
            tris.append([a0, b1, b0])
            norms.append([n0, n1, n0])
        if r0 > 0:
            tris.append([p0, a1, a0])
            norms.append([-a, -a, -a])
        if r1 > 0:
            tris.append([p1, b0, b1])
            norms.append([a, a, a])
    return Part(name, np.array(tris), np.array(norms), color)


def ellipsoid(name, center, radii, color, axis=(1, 0, 0), n_lat=14, n_lon=24) -> Part:
    """An ellipsoid (metres): ``radii[0]`` along ``axis``, ``radii[1]`` across; smooth normals."""
    c = np.asarray(center, dtype=np.float64)
    a, u, v = _basis(axis)
    ra, rb = float(radii[0]), float(radii[1])
    th = np.linspace(0.0, np.pi, n_lat + 1)
    ph = np.linspace(0.0, 2.0 * np.pi, n_lon + 1)

    def pt(t, p):
        d = np.cos(t) * a * ra + np.sin(t) * (np.cos(p) * u + np.sin(p) * v) * rb
        g = np.cos(t) * a / ra + np.sin(t) * (np.cos(p) * u + np.sin(p) * v) / rb
        return c + d, g / np.linalg.norm(g)

    tris, norms = [], []
    for i in range(n_lat):
        for j in range(n_lon):
            (p00, n00), (p01, n01) = pt(th[i], ph[j]), pt(th[i], ph[j + 1])
            (p10, n10), (p11, n11) = pt(th[i + 1], ph[j]), pt(th[i + 1], ph[j + 1])
            if i > 0:
                tris.append([p00, p11, p01])
                norms.append([n00, n11, n01])
            if i < n_lat - 1:
                tris.append([p00, p10, p11])
                norms.append([n00, n10, n11])
    return Part(name, np.array(tris), np.array(norms), color)


# ---------------------------------------------------------------------------------------------
# Whole meshes
# ---------------------------------------------------------------------------------------------


@dataclass
class MeshData:
    """Triangles of a mesh: ``positions_km``/``normals``/``colors`` (3M, 3) float32 and the
    solids it is made of (``parts``, in metres, for tests and picking)."""

    positions_km: np.ndarray
    normals: np.ndarray
    colors: np.ndarray
    parts: list = field(default_factory=list)

    @property
    def n_triangles(self) -> int:
        return len(self.positions_km) // 3

    def interleaved(self) -> np.ndarray:
        """(3M, 9) float32: position km, unit normal, RGB."""
        return np.ascontiguousarray(
            np.hstack([self.positions_km, self.normals, self.colors]), dtype=np.float32)

    def bounds_m(self) -> tuple[np.ndarray, np.ndarray]:
        p = self.positions_km.astype(np.float64) * 1000.0
        return p.min(axis=0), p.max(axis=0)


def assemble(parts) -> MeshData:
    """A :class:`MeshData` (km) from solids in metres."""
    pos = np.concatenate([p.tris.reshape(-1, 3) for p in parts]) / 1000.0
    nrm = np.concatenate([p.normals.reshape(-1, 3) for p in parts])
    col = np.concatenate([np.tile(np.asarray(p.color, dtype=np.float64), (p.tris.size // 3, 1))
                          for p in parts])
    return MeshData(pos.astype(np.float32), nrm.astype(np.float32), col.astype(np.float32), parts)


#: Truss length (m) and published wing size (m) used below.
ISS_TRUSS_LENGTH_M = 109.0
ISS_WING_LENGTH_M = 35.0
ISS_WING_WIDTH_M = 12.0


def station_geometry() -> MeshData:
    """The ISS as of October 2021, schematic, in the body frame (x: flight, z: nadir), metres
    in the parts, km in the arrays. The origin is near the station's centre of mass (on
    Destiny's axis under the truss)."""
    parts = []
    # Pressurised modules along x (US segment forward, Russian segment aft), all on y = z = 0.
    mods = [  # name, length m, radius m, colour
        ("PMA-2/IDA-2", 2.0, 0.95, GREY),
        ("Harmony", 7.2, 2.2, WHITE),
        ("Destiny", 8.5, 2.15, WHITE),
        ("Unity", 5.5, 2.25, WHITE),
        ("PMA-1", 2.0, 1.0, GREY),
        ("Zarya", 12.6, 2.05, SOYUZ_GREEN),
        ("Zvezda", 13.1, 2.05, WHITE),
    ]
    x = 4.25 + 7.2 + 2.0          # Destiny centred on x = 0: Harmony and PMA-2 in front
    for name, length, radius, color in mods:
        parts.append(frustum(name, (x, 0, 0), (x - length, 0, 0), radius, radius, color))
        x -= length
    harmony_x = 4.25 + 3.6
    parts.append(frustum("Kibo", (harmony_x, -2.2, 0), (harmony_x, -13.4, 0), 2.2, 2.2, WHITE))
    parts.append(frustum("Columbus", (harmony_x, 2.2, 0), (harmony_x, 9.1, 0), 2.25, 2.25, WHITE))
    # Zvezda's solar wings (29.7 m span), near its aft end
    zv_x = x + 3.0
    for s in (-1, 1):
        parts.append(box(f"Zvezda wing {s:+d}", (zv_x, s * 8.9, 0), (2.9, 13.5, 0.12), SOLAR_RU))
    # Integrated truss along y, above (zenith, -z) Destiny
    truss_z = -4.6
    parts.append(box("ITS truss", (0, 0, truss_z), (4.5, ISS_TRUSS_LENGTH_M, 3.2), GREY))
    # Eight solar wings: two per PV module (P4/P6/S4/S6), one toward +x and one toward -x
    pv_y = (33.5, 48.5)
    mast_gap = 1.8
    for s in (-1, 1):
        for y0 in pv_y:
            y = s * y0
            parts.append(box(f"PV canister {y:+.0f}", (0, y, truss_z), (3.6, 3.0, 3.6), DARK))
            for d in (-1, 1):
                xc = d * (mast_gap + 0.5 * ISS_WING_LENGTH_M)
                parts.append(box(f"solar wing {y:+.0f}{'+' if d > 0 else '-'}x",
                                 (xc, y, truss_z), (ISS_WING_LENGTH_M, ISS_WING_WIDTH_M, 0.15),
                                 SOLAR))
    # Heat-rejection radiators on S1/P1: three panels a side hanging toward nadir (+z)
    rad_len = 23.0
    for s in (-1, 1):
        for k in range(3):
            y = s * (10.5 + 3.5 * k)
            parts.append(box(f"radiator {y:+.1f}", (-1.0, y, truss_z + 1.6 + 0.5 * rad_len),
                             (0.12, 3.1, rad_len), RADIATOR))
    return assemble(parts)


#: Published Soyuz MS figures (m).
SOYUZ_LENGTH_M = 7.48
SOYUZ_SPAN_M = 10.7
SOYUZ_MAX_DIAMETER_M = 2.72


def soyuz_geometry() -> MeshData:
    """Soyuz MS, schematic, in the body frame: docking probe forward (+x), service module aft.

    The origin is at the descent module's heat shield (its join with the service module)."""
    parts = []
    om_len, dm_len, sm_len = 2.98, 2.24, 2.26
    x_dm_front = dm_len            # DM from x = 0 (heat shield) to 2.24 m
    # Orbital module: an ellipsoid 2.26 m wide, 2.98 m long (its front carries the probe)
    om_c = x_dm_front + 0.5 * om_len - 0.05
    parts.append(ellipsoid("orbital module", (om_c, 0, 0), (0.5 * om_len, 1.13), SOYUZ_GREEN))
    # docking probe (the length above includes it; keep it inside the total)
    parts.append(frustum("docking probe", (om_c + 0.5 * om_len - 0.1, 0, 0),
                         (om_c + 0.5 * om_len + 0.05, 0, 0), 0.12, 0.0, GREY, segments=12))
    # Descent module: the bell, wide at the heat shield, narrow at the hatch
    parts.append(frustum("descent module", (0.0, 0, 0), (x_dm_front, 0, 0), 1.085, 0.55,
                         SOYUZ_DM))
    # Service module: transfer section, then the wider instrument/propulsion cylinder, engine
    parts.append(frustum("service module fore", (0.0, 0, 0), (-0.4, 0, 0), 1.1, 1.1, SOYUZ_GREEN))
    parts.append(frustum("service module", (-0.4, 0, 0), (-sm_len + 0.25, 0, 0), 1.36, 1.36,
                         SOYUZ_GREEN))
    parts.append(frustum("engine", (-sm_len + 0.25, 0, 0), (-sm_len, 0, 0), 0.5, 0.75, DARK,
                         segments=16))
    # Solar wings: 10.7 m tip to tip, four panels each as one board 1.2 m wide
    wing_root = 1.36
    wing_len = 0.5 * SOYUZ_SPAN_M - wing_root
    for s in (-1, 1):
        parts.append(box(f"solar wing {s:+d}", (-1.2, s * (wing_root + 0.5 * wing_len), 0),
                         (1.2, wing_len, 0.05), SOLAR))
        parts.append(frustum(f"antenna {s:+d}", (-1.8, 0, s * 1.3), (-1.8, 0, s * 2.4), 0.03,
                             0.03, GREY, segments=6))
    return assemble(parts)


# ---------------------------------------------------------------------------------------------
# GL item
# ---------------------------------------------------------------------------------------------

_MESH_VS = """
uniform mat4 u_mvp;
uniform mat3 u_rot;         // body -> world
attribute vec3 a_pos;
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

_MESH_FS = """
uniform vec3 u_sun;         // unit, world frame
uniform float u_ambient;
varying vec3 v_normal;
varying vec3 v_color;
void main() {
    vec3 n = normalize(v_normal);
    float diff = max(dot(n, u_sun), 0.0);
    // a little sky fill from the opposite side keeps the night side readable
    float fill = 0.12 * max(-dot(n, u_sun), 0.0);
    vec3 c = v_color * (u_ambient + (1.0 - u_ambient) * diff + fill);
    OUT_COLOR = vec4(c, 1.0);
}
"""

_MESH_ATTRS = ["a_pos", "a_normal", "a_color"]
_MESH_LAYOUT = [3, 3, 3]


def model_matrix(body_to_world, pos_scene) -> np.ndarray:
    """Row-major (4,4) float64 model matrix: rotate body → world, then translate (scene km)."""
    m = np.eye(4)
    m[:3, :3] = np.asarray(body_to_world, dtype=np.float64).reshape(3, 3)
    m[:3, 3] = np.asarray(pos_scene, dtype=np.float64).reshape(3)
    return m


class MeshItem(GLGraphicsItem.GLGraphicsItem):
    """An opaque shaded mesh posed by ``set_pose`` and lit by ``set_sun_direction``."""

    _programs: dict = {}

    def __init__(self, data: MeshData, ambient: float = 0.22, parentItem=None):
        super().__init__(parentItem=parentItem)
        self.setGLOptions("opaque")
        self.setDepthValue(5)
        self.data = data
        self._verts = data.interleaved()
        self._dirty = True
        self._rot = np.eye(3)
        self._pos = np.zeros(3)
        self._sun = np.array([1.0, 0.0, 0.0])
        self._ambient = float(ambient)
        self._vbo = QtOpenGL.QOpenGLBuffer(QtOpenGL.QOpenGLBuffer.Type.VertexBuffer)
        self.upload_count = 0

    def set_pose(self, body_to_world, pos_scene) -> None:
        """Attitude (3,3) body → world rotation and position (3,) in scene km."""
        self._rot = np.asarray(body_to_world, dtype=np.float64).reshape(3, 3)
        self._pos = np.asarray(pos_scene, dtype=np.float64).reshape(3)
        self.update()

    def set_sun_direction(self, unit_world) -> None:
        """Direction to the Sun, a unit vector in the world frame."""
        s = np.asarray(unit_world, dtype=np.float64).reshape(3)
        self._sun = s / np.linalg.norm(s)
        self.update()

    def set_visible(self, visible: bool) -> None:
        self.setVisible(bool(visible))

    def paint(self):
        if self._dirty:
            upload_vbo(self._vbo, self._verts)
            self.upload_count += 1
            self._dirty = False
        self.setupGLState()
        proj = qmatrix_to_numpy(self.projectionMatrix())
        mv = qmatrix_to_numpy(self.modelViewMatrix())
        mvp = proj @ mv @ model_matrix(self._rot, self._pos)
        program = program_for(MeshItem, _MESH_VS, _MESH_FS, _MESH_ATTRS)
        locs = bind_interleaved(self._vbo, _MESH_LAYOUT)
        try:
            GL.glUseProgram(program)
            u = lambda name: GL.glGetUniformLocation(program, name)  # noqa: E731
            GL.glUniformMatrix4fv(u("u_mvp"), 1, False, gl_matrix(mvp))
            GL.glUniformMatrix3fv(u("u_rot"), 1, False,
                                  np.ascontiguousarray(self._rot.T, dtype=np.float32))
            GL.glUniform3f(u("u_sun"), *(float(x) for x in self._sun))
            GL.glUniform1f(u("u_ambient"), self._ambient)
            GL.glDrawArrays(GL.GL_TRIANGLES, 0, len(self._verts))
        finally:
            GL.glUseProgram(0)
            for loc in locs:
                GL.glDisableVertexAttribArray(loc)


class StationMesh(MeshItem):
    """The ISS (:func:`station_geometry`)."""

    def __init__(self, parentItem=None):
        super().__init__(station_geometry(), parentItem=parentItem)


class SoyuzMesh(MeshItem):
    """Soyuz MS (:func:`soyuz_geometry`)."""

    def __init__(self, parentItem=None):
        super().__init__(soyuz_geometry(), parentItem=parentItem)
