"""The Earth: a textured WGS 84 ellipsoid with night lights, a soft terminator and a thin
atmosphere rim.

Frames and units:

- The mesh is built once in the ITRS (Earth-fixed; x towards latitude 0°, longitude 0°,
  z towards the north pole), in kilometres, on the WGS 84 ellipsoid (a = 6378.137 km,
  f = 1/298.257223563, :mod:`orbitviz.core.constants`).
- :meth:`EarthItem.set_pose` takes the rotation ITRS → world (float64) and the Earth's centre
  in scene units (km from the scene origin); the model matrix is built from them in float64
  and multiplied with the view matrix on the CPU, so the GPU sees one float32 model-view
  matrix.
- :meth:`EarthItem.set_sun_direction` takes a unit vector towards the Sun in the world frame.

Textures (``assets/earth/``, see ``assets/CREDITS.md``): ``day.jpg``, NASA Blue Marble Next
Generation, 5400 × 2700 plate carrée, and ``night.jpg``, NASA/NOAA "Earth's City Lights",
2700 × 1350, both with longitude −180° at u = 0 and geodetic latitude +90° at v = 0 (the
image's top row is uploaded first, so v grows southwards). The day texture is mipmapped
(trilinear, anisotropic where the driver offers it). Images are read with Qt's QImage.

Shading (one fragment shader, lighting in linear light, sRGB out):

- day side: Blue Marble × a softened Lambert term, with a faint sun glint on the oceans
  (water found by colour: Blue Marble's oceans are dark blue);
- terminator: a soft edge about ±6° of solar elevation wide, tinted warm at twilight;
- night side: the city lights (warm sodium colour) fading in below the terminator, over a
  faint trace of the day map so that continents stay readable;
- atmosphere: a view-angle dependent blue haze on the lit limb, and a second, slightly
  larger ellipsoid drawn additively whose glow falls off exponentially with the height of
  the sight line above the surface (scale height ``ATMOSPHERE_SCALE_HEIGHT_KM``), lit by
  the Sun with a red twilight fringe.

No GL call happens outside :meth:`EarthItem.paint`.
"""

from __future__ import annotations

import ctypes
from functools import lru_cache

import numpy as np
from OpenGL import GL
from pyqtgraph.opengl import GLGraphicsItem
from pyqtgraph.Qt import QtGui

from orbitviz.core.assets import asset_path
from orbitviz.core.constants import R_EARTH_EQ_KM, WGS84_F
from orbitviz.render.tracks import compile_program, gl_matrix, qmatrix_to_numpy

__all__ = ["EarthItem", "ellipsoid_mesh", "geodetic_to_uv", "load_texture_array",
           "model_matrix", "ATMOSPHERE_TOP_KM", "ATMOSPHERE_SCALE_HEIGHT_KM"]

#: WGS 84 polar radius, km.
R_EARTH_POLAR_KM = R_EARTH_EQ_KM * (1.0 - WGS84_F)
#: Height of the glow shell above the equator, km (where the glow has faded to ~1 %).
ATMOSPHERE_TOP_KM = 160.0
#: Scale height of the drawn glow, km. The real air's density scale height is ~8 km; the
#: glow is drawn ~4× thicker so that it reads on screen at whole-Earth scale.
ATMOSPHERE_SCALE_HEIGHT_KM = 32.0


# ---------------------------------------------------------------------------------------
# Geometry (no GL)
# ---------------------------------------------------------------------------------------


def geodetic_to_uv(lat_deg, lon_deg) -> np.ndarray:
    """Texture coordinates (…,2) of geodetic latitude/longitude (degrees) in the plate
    carrée maps: u = (lon + 180°)/360° (longitude wrapped to [−180°, 180°)), v = (90° − lat)/180°.
    """
    lat = np.asarray(lat_deg, dtype=np.float64)
    lon = (np.asarray(lon_deg, dtype=np.float64) + 180.0) % 360.0 - 180.0
    return np.stack([(lon + 180.0) / 360.0, (90.0 - lat) / 180.0], axis=-1)


def ellipsoid_mesh(n_lat: int = 128, n_lon: int = 256, height_km: float = 0.0):
    """A latitude/longitude grid on the WGS 84 ellipsoid (raised by ``height_km``).

    Returns ``(positions_itrs_km float32 (V,3), normals float32 (V,3), uv float32 (V,2),
    indices uint32 (T*3,))``. Rows run from latitude +90° (v = 0) to −90° (v = 1), columns
    from longitude −180° (u = 0) to +180° (u = 1); the seam column is duplicated so that u
    runs 0 → 1 without wrapping. Normals are the geodetic (ellipsoid) normals. Triangles
    wind counter-clockwise seen from outside.
    """
    lat = np.linspace(90.0, -90.0, n_lat + 1)
    lon = np.linspace(-180.0, 180.0, n_lon + 1)
    lon_g, lat_g = np.meshgrid(lon, lat)  # (n_lat+1, n_lon+1)
    phi, lam = np.radians(lat_g), np.radians(lon_g)
    e2 = WGS84_F * (2.0 - WGS84_F)
    s, c = np.sin(phi), np.cos(phi)
    n = R_EARTH_EQ_KM / np.sqrt(1.0 - e2 * s * s)
    pos = np.stack([(n + height_km) * c * np.cos(lam), (n + height_km) * c * np.sin(lam),
                    (n * (1.0 - e2) + height_km) * s], axis=-1)
    nrm = np.stack([c * np.cos(lam), c * np.sin(lam), s], axis=-1)
    uv = geodetic_to_uv(lat_g, lon_g)
    uv[..., 0] = lon_g / 360.0 + 0.5  # keep the seam column at exactly u = 1
    cols = n_lon + 1
    r, k = np.meshgrid(np.arange(n_lat), np.arange(n_lon), indexing="ij")
    a = r * cols + k  # (lat, lon)
    b = a + 1  # east
    d = a + cols  # south
    e = d + 1  # south-east
    tris = np.stack([np.stack([a, d, b], -1), np.stack([b, d, e], -1)], axis=2)
    return (pos.reshape(-1, 3).astype(np.float32), nrm.reshape(-1, 3).astype(np.float32),
            uv.reshape(-1, 2).astype(np.float32), tris.reshape(-1).astype(np.uint32))


def model_matrix(itrs_to_world, center_scene) -> np.ndarray:
    """Row-major (4,4) float64 matrix taking ITRS km to scene units: ``R · r + c``."""
    m = np.eye(4)
    m[:3, :3] = np.asarray(itrs_to_world, dtype=np.float64)
    m[:3, 3] = np.asarray(center_scene, dtype=np.float64)
    return m


@lru_cache(maxsize=4)
def load_texture_array(name: str) -> np.ndarray:
    """Pixels of ``assets/earth/<name>.jpg`` as read-only uint8 (H, W, C), top row first
    (C = 3 for the RGB day map, 1 for the greyscale night lights). Read with QImage."""
    path = asset_path("earth", f"{name}.jpg")
    img = QtGui.QImage(str(path))
    if img.isNull():
        raise FileNotFoundError(f"cannot read the Earth texture {path}")
    grey = img.isGrayscale()
    fmt = QtGui.QImage.Format.Format_Grayscale8 if grey else QtGui.QImage.Format.Format_RGB888
    img = img.convertToFormat(fmt)
    ch = 1 if grey else 3
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), dtype=np.uint8, count=bpl * h).reshape(h, bpl)
    arr = buf[:, : w * ch].copy().reshape(h, w, ch)  # own the pixels: the QImage goes away
    arr.setflags(write=False)
    return arr


# ---------------------------------------------------------------------------------------
# Shaders
# ---------------------------------------------------------------------------------------

_EARTH_VS = """
uniform mat4 u_mvp;
attribute vec3 a_pos;
attribute vec3 a_normal;
attribute vec2 a_uv;
varying vec3 v_pos;
varying vec3 v_normal;
varying vec2 v_uv;
void main() {
    v_pos = a_pos;
    v_normal = a_normal;
    v_uv = a_uv;
    gl_Position = u_mvp * vec4(a_pos, 1.0);
}
"""

_EARTH_FS = """
uniform sampler2D u_day;
uniform sampler2D u_night;
uniform vec3 u_sun;        // unit, ITRS
uniform vec3 u_eye;        // camera position, ITRS km
uniform float u_night_on;
uniform float u_atmo_on;
varying vec3 v_pos;
varying vec3 v_normal;
varying vec2 v_uv;

vec3 to_linear(vec3 c) { return pow(c, vec3(2.2)); }

void main() {
    vec3 n = normalize(v_normal);
    vec3 v = normalize(u_eye - v_pos);
    float mu_s = dot(n, u_sun);
    float mu_v = max(dot(n, v), 0.0);

    vec3 albedo_srgb = TEX2D(u_day, v_uv).rgb;
    vec3 albedo = to_linear(albedo_srgb);

    // Day side: softened Lambert with a soft terminator (about +-6 degrees of solar elevation).
    float day = smoothstep(-0.10, 0.10, mu_s);
    float lambert = 0.30 + 0.70 * sqrt(max(mu_s, 0.0));
    vec3 twilight = mix(vec3(1.0, 0.50, 0.25), vec3(1.0), smoothstep(0.0, 0.25, mu_s));
    vec3 col = albedo * lambert * day * twilight * 1.15;

    // Sun glint on water (Blue Marble oceans are dark and blue).
    float water = smoothstep(0.01, 0.07, albedo_srgb.b - max(albedo_srgb.r, albedo_srgb.g))
                * (1.0 - smoothstep(0.25, 0.45, albedo_srgb.b));
    vec3 h = normalize(u_sun + v);
    float glint = pow(max(dot(n, h), 0.0), 220.0) * water * day;
    col += vec3(1.0, 0.93, 0.80) * glint * 0.22;

    // Night side: faint land, then the city lights below the terminator.
    float night = 1.0 - smoothstep(-0.12, 0.04, mu_s);
    col += albedo * 0.025 * night;
    float lights = TEX2D(u_night, v_uv).r;
    col += vec3(1.0, 0.72, 0.38) * to_linear(vec3(lights)).r * 1.6 * night * u_night_on;

    // Atmospheric haze towards the lit limb.
    float rim = pow(1.0 - mu_v, 4.0);
    float lit = smoothstep(-0.15, 0.35, mu_s);
    vec3 haze = vec3(0.30, 0.55, 1.0);
    col = mix(col, haze * (0.25 + 0.75 * lit), u_atmo_on * lit * (0.03 + 0.55 * rim));

    OUT_COLOR = vec4(pow(clamp(col, 0.0, 1.0), vec3(1.0 / 2.2)), 1.0);
}
"""

_ATMO_VS = """
uniform mat4 u_mvp;
attribute vec3 a_pos;
varying vec3 v_pos;
void main() {
    v_pos = a_pos;
    gl_Position = u_mvp * vec4(a_pos, 1.0);
}
"""

# Everything is computed in "stretched" coordinates where z is scaled by a/b, turning the
# ellipsoid into a sphere of radius a: the sight line's closest approach to the centre
# then gives its height above the surface.
_ATMO_FS = """
uniform vec3 u_sun;        // unit, ITRS
uniform vec3 u_eye;        // camera position, ITRS km
uniform float u_radius;    // equatorial radius, km
uniform float u_flat;      // a / b
uniform float u_scale_h;   // glow scale height, km
varying vec3 v_pos;

void main() {
    vec3 stretch = vec3(1.0, 1.0, u_flat);
    vec3 p = v_pos * stretch;
    vec3 e = u_eye * stretch;
    vec3 d = normalize(p - e);
    if (dot(d, p) > 0.0) discard;              // only the near side of the shell
    vec3 c = e + d * max(-dot(e, d), 0.0);     // closest approach of the sight line
    float b = length(c);
    float height = b - u_radius;
    float glow;
    if (height > 0.0) {
        glow = exp(-height / u_scale_h);       // over the limb
    } else {
        // In front of the disc: the haze thins away from the limb.
        glow = 0.55 * exp(height / (5.0 * u_scale_h));
    }
    vec3 nc = c / max(b, 1.0);
    if (height <= 0.0) nc = normalize(p);
    float mu = dot(nc, u_sun);
    float lit = smoothstep(-0.22, 0.12, mu);
    vec3 color = mix(vec3(1.0, 0.45, 0.18), vec3(0.32, 0.62, 1.0), smoothstep(-0.08, 0.25, mu));
    OUT_COLOR = vec4(color * glow * lit * 0.95, 1.0);
}
"""


# ---------------------------------------------------------------------------------------
# The item
# ---------------------------------------------------------------------------------------


class EarthItem(GLGraphicsItem.GLGraphicsItem):
    """The Earth, drawn opaque with depth, then its atmosphere rim additively."""

    def __init__(self, n_lat: int = 128, n_lon: int = 256, parentItem=None):
        super().__init__()
        self._pos, self._nrm, self._uv, self._idx = ellipsoid_mesh(n_lat, n_lon)
        shell = ellipsoid_mesh(n_lat // 2, n_lon // 2, height_km=ATMOSPHERE_TOP_KM)
        self._shell_pos, self._shell_idx = shell[0], shell[3]
        self._model = model_matrix(np.eye(3), np.zeros(3))
        self._sun_world = np.array([1.0, 0.0, 0.0])
        self._night_on = True
        self._atmo_on = True
        self._gl = None  # GL objects, created in paint() for the context share group
        self.setParentItem(parentItem)

    # --- per-frame state (no GL) --------------------------------------------------------

    def set_pose(self, itrs_to_world, center_scene) -> None:
        """Rotation ITRS → world ((3,3), float64) and the Earth's centre in scene units."""
        r = np.asarray(itrs_to_world, dtype=np.float64)
        if r.shape != (3, 3):
            raise ValueError(f"itrs_to_world must be (3,3), got {r.shape}")
        self._model = model_matrix(r, center_scene)
        self.update()

    def set_sun_direction(self, unit_world) -> None:
        """Direction towards the Sun, a unit vector in the world frame."""
        s = np.asarray(unit_world, dtype=np.float64).reshape(3)
        norm = np.linalg.norm(s)
        if not norm > 0.0:
            raise ValueError("the Sun direction must be a non-zero vector")
        self._sun_world = s / norm
        self.update()

    def set_options(self, night_lights: bool = True, atmosphere: bool = True) -> None:
        """Show the city lights on the night side; draw the atmosphere rim and haze."""
        self._night_on = bool(night_lights)
        self._atmo_on = bool(atmosphere)
        self.update()

    @property
    def model(self) -> np.ndarray:
        """The current model matrix (row-major (4,4), ITRS km → scene units)."""
        return self._model.copy()

    # --- GL ----------------------------------------------------------------------------

    def _ensure_gl(self) -> dict:
        ctx = QtGui.QOpenGLContext.currentContext()
        group = ctx.shareGroup()
        if self._gl is not None and self._gl["group"] is group:
            return self._gl
        g = {"group": group}
        g["earth_prog"] = compile_program(_EARTH_VS, _EARTH_FS, ["a_pos", "a_normal", "a_uv"])
        g["atmo_prog"] = compile_program(_ATMO_VS, _ATMO_FS, ["a_pos"])
        vbos = GL.glGenBuffers(4)
        g["vbo"] = dict(zip(("pos", "nrm", "uv", "shell"), vbos))
        for key, arr in (("pos", self._pos), ("nrm", self._nrm), ("uv", self._uv),
                         ("shell", self._shell_pos)):
            GL.glBindBuffer(GL.GL_ARRAY_BUFFER, g["vbo"][key])
            GL.glBufferData(GL.GL_ARRAY_BUFFER, arr.nbytes, arr, GL.GL_STATIC_DRAW)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, 0)
        g["ibo"] = []
        for idx in (self._idx, self._shell_idx):
            ibo = GL.glGenBuffers(1)
            GL.glBindBuffer(GL.GL_ELEMENT_ARRAY_BUFFER, ibo)
            GL.glBufferData(GL.GL_ELEMENT_ARRAY_BUFFER, idx.nbytes, idx, GL.GL_STATIC_DRAW)
            g["ibo"].append((ibo, int(idx.size)))
        GL.glBindBuffer(GL.GL_ELEMENT_ARRAY_BUFFER, 0)
        g["day"] = _upload_texture(load_texture_array("day"), mipmap=True)
        g["night"] = _upload_texture(load_texture_array("night"), mipmap=True)
        self._gl = g
        return g

    def paint(self):
        if not self.visible():
            return
        g = self._ensure_gl()
        view = qmatrix_to_numpy(self.modelViewMatrix()) @ self._model
        proj = qmatrix_to_numpy(self.projectionMatrix())
        mvp = gl_matrix(proj @ view)
        rot = self._model[:3, :3]
        sun_itrs = (rot.T @ self._sun_world).astype(np.float32)
        eye_itrs = (np.linalg.inv(view) @ np.array([0.0, 0.0, 0.0, 1.0]))[:3]
        eye_itrs = eye_itrs.astype(np.float32)

        # --- the ground: opaque, depth-tested, back faces culled --------------------------
        GL.glEnable(GL.GL_DEPTH_TEST)
        GL.glDepthFunc(GL.GL_LESS)
        GL.glDepthMask(GL.GL_TRUE)
        GL.glDisable(GL.GL_BLEND)
        GL.glEnable(GL.GL_CULL_FACE)
        GL.glCullFace(GL.GL_BACK)
        GL.glFrontFace(GL.GL_CCW)
        prog = g["earth_prog"]
        GL.glUseProgram(prog)
        try:
            GL.glUniformMatrix4fv(GL.glGetUniformLocation(prog, "u_mvp"), 1, False, mvp)
            GL.glUniform3fv(GL.glGetUniformLocation(prog, "u_sun"), 1, sun_itrs)
            GL.glUniform3fv(GL.glGetUniformLocation(prog, "u_eye"), 1, eye_itrs)
            GL.glUniform1f(GL.glGetUniformLocation(prog, "u_night_on"), float(self._night_on))
            GL.glUniform1f(GL.glGetUniformLocation(prog, "u_atmo_on"), float(self._atmo_on))
            GL.glUniform1i(GL.glGetUniformLocation(prog, "u_day"), 0)
            GL.glUniform1i(GL.glGetUniformLocation(prog, "u_night"), 1)
            GL.glActiveTexture(GL.GL_TEXTURE1)
            GL.glBindTexture(GL.GL_TEXTURE_2D, g["night"])
            GL.glActiveTexture(GL.GL_TEXTURE0)
            GL.glBindTexture(GL.GL_TEXTURE_2D, g["day"])
            locs = []
            for loc, (key, n) in enumerate((("pos", 3), ("nrm", 3), ("uv", 2))):
                GL.glBindBuffer(GL.GL_ARRAY_BUFFER, g["vbo"][key])
                GL.glVertexAttribPointer(loc, n, GL.GL_FLOAT, False, 0, ctypes.c_void_p(0))
                GL.glEnableVertexAttribArray(loc)
                locs.append(loc)
            _draw_indexed(*g["ibo"][0])
            for loc in locs:
                GL.glDisableVertexAttribArray(loc)
            GL.glActiveTexture(GL.GL_TEXTURE1)
            GL.glBindTexture(GL.GL_TEXTURE_2D, 0)
            GL.glActiveTexture(GL.GL_TEXTURE0)
            GL.glBindTexture(GL.GL_TEXTURE_2D, 0)

            # --- the atmosphere: additive, depth-tested, no depth writes ------------------
            if self._atmo_on:
                prog = g["atmo_prog"]
                GL.glUseProgram(prog)
                GL.glDisable(GL.GL_CULL_FACE)
                GL.glDepthMask(GL.GL_FALSE)
                GL.glEnable(GL.GL_BLEND)
                GL.glBlendFunc(GL.GL_ONE, GL.GL_ONE)
                GL.glUniformMatrix4fv(GL.glGetUniformLocation(prog, "u_mvp"), 1, False, mvp)
                GL.glUniform3fv(GL.glGetUniformLocation(prog, "u_sun"), 1, sun_itrs)
                GL.glUniform3fv(GL.glGetUniformLocation(prog, "u_eye"), 1, eye_itrs)
                GL.glUniform1f(GL.glGetUniformLocation(prog, "u_radius"), R_EARTH_EQ_KM)
                GL.glUniform1f(GL.glGetUniformLocation(prog, "u_flat"),
                               R_EARTH_EQ_KM / R_EARTH_POLAR_KM)
                GL.glUniform1f(GL.glGetUniformLocation(prog, "u_scale_h"),
                               ATMOSPHERE_SCALE_HEIGHT_KM)
                GL.glBindBuffer(GL.GL_ARRAY_BUFFER, g["vbo"]["shell"])
                GL.glVertexAttribPointer(0, 3, GL.GL_FLOAT, False, 0, ctypes.c_void_p(0))
                GL.glEnableVertexAttribArray(0)
                _draw_indexed(*g["ibo"][1])
                GL.glDisableVertexAttribArray(0)
        finally:
            GL.glBindBuffer(GL.GL_ARRAY_BUFFER, 0)
            GL.glUseProgram(0)
            GL.glDisable(GL.GL_CULL_FACE)
            GL.glDepthMask(GL.GL_TRUE)
            GL.glDisable(GL.GL_BLEND)
            GL.glBlendFunc(GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA)


def _draw_indexed(ibo, count: int) -> None:
    """Draw ``count`` indices of triangles from an element buffer."""
    GL.glBindBuffer(GL.GL_ELEMENT_ARRAY_BUFFER, ibo)
    GL.glDrawElements(GL.GL_TRIANGLES, count, GL.GL_UNSIGNED_INT, ctypes.c_void_p(0))
    GL.glBindBuffer(GL.GL_ELEMENT_ARRAY_BUFFER, 0)


def _upload_texture(pixels: np.ndarray, mipmap: bool) -> int:
    """A 2D texture from (H, W, C) uint8 pixels, top row at t = 0; trilinear mipmaps and
    the driver's best anisotropic filtering when ``mipmap``. Shrunk (by whole halvings)
    when larger than GL_MAX_TEXTURE_SIZE."""
    max_size = int(GL.glGetIntegerv(GL.GL_MAX_TEXTURE_SIZE))
    while pixels.shape[1] > max_size or pixels.shape[0] > max_size:
        h2, w2 = pixels.shape[0] // 2 * 2, pixels.shape[1] // 2 * 2
        p = pixels[:h2, :w2].astype(np.uint16)
        pixels = ((p[0::2, 0::2] + p[1::2, 0::2] + p[0::2, 1::2] + p[1::2, 1::2] + 2) // 4
                  ).astype(np.uint8)
    h, w, ch = pixels.shape
    ctx = QtGui.QOpenGLContext.currentContext()
    legacy = ctx.format().version() < (3, 0) and not ctx.isOpenGLES()
    one = GL.GL_LUMINANCE if legacy else GL.GL_RED  # single channel, read as .r
    fmt = GL.GL_RGB if ch == 3 else one
    internal = GL.GL_RGB8 if ch == 3 else (GL.GL_LUMINANCE8 if legacy else GL.GL_R8)
    tex = GL.glGenTextures(1)
    GL.glActiveTexture(GL.GL_TEXTURE0)
    GL.glBindTexture(GL.GL_TEXTURE_2D, tex)
    GL.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 1)
    GL.glTexImage2D(GL.GL_TEXTURE_2D, 0, internal, w, h, 0, fmt, GL.GL_UNSIGNED_BYTE,
                    np.ascontiguousarray(pixels))
    GL.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 4)
    GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_WRAP_S, GL.GL_REPEAT)
    GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_WRAP_T, GL.GL_CLAMP_TO_EDGE)
    GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_MAG_FILTER, GL.GL_LINEAR)
    if mipmap:
        GL.glGenerateMipmap(GL.GL_TEXTURE_2D)
        GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_MIN_FILTER,
                           GL.GL_LINEAR_MIPMAP_LINEAR)
        if ctx.hasExtension(b"GL_EXT_texture_filter_anisotropic") or \
                ctx.hasExtension(b"GL_ARB_texture_filter_anisotropic"):
            max_aniso = float(GL.glGetFloatv(0x84FF))  # GL_MAX_TEXTURE_MAX_ANISOTROPY
            GL.glTexParameterf(GL.GL_TEXTURE_2D, 0x84FE, min(max_aniso, 16.0))
    else:
        GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_MIN_FILTER, GL.GL_LINEAR)
    GL.glBindTexture(GL.GL_TEXTURE_2D, 0)
    return int(tex)
