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
image's top row is uploaded first, so v grows southwards). Both go into one RGBA texture,
the city lights as its alpha (:func:`day_night_levels`), so that one fetch serves both;
it is mipmapped (trilinear, anisotropic where that is free, on a GPU). Images are read with
Qt's QImage.

Shading (one fragment shader, lighting in linear light, sRGB out; the cosines of the Sun,
view and half-vector angles come interpolated from the vertices):

- day side: Blue Marble × a softened Lambert term, with a faint sun glint on the oceans
  (water found by colour: Blue Marble's oceans are dark blue);
- terminator: a soft edge about ±6° of solar elevation wide, tinted warm at twilight;
- night side: the city lights (warm sodium colour) fading in below the terminator, over a
  faint trace of the day map so that continents stay readable;
- atmosphere: a view-angle dependent blue haze on the lit limb, and a second, slightly
  larger ellipsoid drawn additively whose glow falls off exponentially with the height of
  the sight line above the surface (scale height ``ATMOSPHERE_SCALE_HEIGHT_KM``), lit by
  the Sun with a red twilight fringe.

The limb: vertices near the outline are lifted by the facets' chord gap and the ground's
fragment shader draws the Earth with the share of each pixel it covers over the glow
(:mod:`orbitviz.render.earthshaders` says why).

The ground under close views: within ``DETAIL_RANGE_KM`` of the point the camera looks at,
the fine 30″ tiles (:mod:`orbitviz.core.earthtiles` chooses the window from the eye's
position and view direction, which :meth:`EarthItem.paint` reads from the view matrix;
:mod:`orbitviz.render.earthdetail` assembles and uploads it) replace the global map there.

No GL call happens outside :meth:`EarthItem.paint`.
"""

from __future__ import annotations

import ctypes
from functools import lru_cache

import numpy as np
from OpenGL import GL
from pyqtgraph.opengl import GLGraphicsItem
from pyqtgraph.Qt import QtGui

from orbitviz.core import earthtiles
from orbitviz.core.assets import asset_path
from orbitviz.core.constants import R_EARTH_EQ_KM, WGS84_F
from orbitviz.render.earthdetail import DetailTexture, available_tiles
from orbitviz.render.earthshaders import ATMO_FS, ATMO_VS, EARTH_FS, EARTH_VS
from orbitviz.render.tracks import compile_program, gl_matrix, qmatrix_to_numpy

__all__ = ["EarthItem", "ellipsoid_mesh", "geodetic_to_uv", "load_texture_array",
           "day_night_levels", "upsample_bilinear", "halve",
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


def coarse_indices(n_lat: int, n_lon: int, stride: int = 2) -> np.ndarray:
    """Triangle indices (uint32) of the grid of :func:`ellipsoid_mesh` (``n_lat``×``n_lon``)
    that use only every ``stride``-th row and column: the same vertices, a coarser mesh."""
    if n_lat % stride or n_lon % stride:
        raise ValueError("the grid must divide by the stride")
    cols = n_lon + 1
    r, k = np.meshgrid(np.arange(0, n_lat, stride), np.arange(0, n_lon, stride), indexing="ij")
    a = r * cols + k
    b = a + stride
    d = a + stride * cols
    e = d + stride
    tris = np.stack([np.stack([a, d, b], -1), np.stack([b, d, e], -1)], axis=2)
    return tris.reshape(-1).astype(np.uint32)


#: Above this height of the eye over the Earth's surface, the half-resolution mesh is drawn:
#: its facets (1.9 km sagitta at 64 × 128) stay under a third of a pixel from there, and a
#: software rasteriser pays per triangle.
LOD_EYE_HEIGHT_KM = 8000.0


def chord_gap_km(step_deg: float) -> float:
    """Largest depth of the ellipsoid below a facet of a grid of ``step_deg`` cells: the
    sagitta over a triangle's circumradius (half its hypotenuse, step·√2/2), with 5 % for
    the ellipsoid's flattening, km."""
    half = np.radians(step_deg * np.sqrt(2.0) / 2.0 * 1.05)
    return float(R_EARTH_EQ_KM * (1.0 - np.cos(half)))



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


def upsample_bilinear(pixels: np.ndarray, h: int, w: int) -> np.ndarray:
    """Resample (H0, W0, C) uint8 pixels of a plate carrée map to (h, w, C) by bilinear
    interpolation with the texel centres where GL puts them ((i + ½)/n), wrapping in
    longitude and clamping at the poles, so that sampling the result matches sampling the
    original with ``GL_LINEAR``. Doubling both ways runs in integers (weights ¾, ¼)."""
    pixels = np.asarray(pixels, dtype=np.uint8)
    h0, w0 = pixels.shape[:2]
    if (h, w) == (2 * h0, 2 * w0):
        s = pixels.astype(np.uint16)
        up = np.vstack([s[:1], s[:-1]])  # clamped at the poles
        down = np.vstack([s[1:], s[-1:]])
        rows = np.empty((h, w0) + s.shape[2:], dtype=np.uint16)
        rows[0::2] = 3 * s + up
        rows[1::2] = 3 * s + down
        west = np.roll(rows, 1, axis=1)  # wraps at the date line
        east = np.roll(rows, -1, axis=1)
        out = np.empty((h, w) + s.shape[2:], dtype=np.uint16)
        out[:, 0::2] = 3 * rows + west
        out[:, 1::2] = 3 * rows + east
        out += 8
        out >>= 4
        return out.astype(np.uint8)
    src = pixels.astype(np.float32)

    def taps(n_out, n_in, wrap):
        x = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5
        i0 = np.floor(x).astype(np.int64)
        f = (x - i0).astype(np.float32)
        i1 = i0 + 1
        if wrap:
            i0, i1 = i0 % n_in, i1 % n_in
        else:
            i0, i1 = np.clip(i0, 0, n_in - 1), np.clip(i1, 0, n_in - 1)
        return i0, i1, f

    r0, r1, fy = taps(h, h0, wrap=False)
    rows = src[r0] * (1.0 - fy)[:, None, None] + src[r1] * fy[:, None, None]
    c0, c1, fx = taps(w, w0, wrap=True)
    out = rows[:, c0] * (1.0 - fx)[None, :, None] + rows[:, c1] * fx[None, :, None]
    return np.clip(out + 0.5, 0.0, 255.0).astype(np.uint8)


def halve(pixels: np.ndarray) -> np.ndarray:
    """(H, W, C) uint8 pixels averaged over 2×2 blocks: (H//2, W//2, C), as a mipmap level."""
    h2, w2 = pixels.shape[0] // 2 * 2, pixels.shape[1] // 2 * 2
    p = pixels[:h2, :w2].astype(np.uint16)
    return ((p[0::2, 0::2] + p[1::2, 0::2] + p[0::2, 1::2] + p[1::2, 1::2] + 2) // 4
            ).astype(np.uint8)


@lru_cache(maxsize=1)
def day_night_levels() -> tuple[np.ndarray, ...]:
    """The day map's RGB with the city lights as alpha, in one texture so that one trilinear
    fetch serves both (on a software rasteriser a second texture fetch costs more than all
    of the shading arithmetic): the top mipmap levels, (H, W, 4) uint8, top row first,
    read-only.

    Level 0 holds the day map at full size (5400 × 2700) with the lights resampled onto it
    (:func:`upsample_bilinear`); level 1 holds the day map averaged 2×2 with the lights at
    their own size (2700 × 1350) where they fit exactly, so that wherever the mipmap level
    is 1 or more (the whole Earth in view), the lights are sampled from their own pixels,
    as sharp as from a texture of their own. Further levels are the GL's to make.
    """
    path = asset_path("earth", "day.jpg")
    img = QtGui.QImage(str(path))
    if img.isNull():
        raise FileNotFoundError(f"cannot read the Earth texture {path}")
    img = img.convertToFormat(QtGui.QImage.Format.Format_RGBA8888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), dtype=np.uint8, count=bpl * h).reshape(h, bpl)
    top = buf[:, : w * 4].reshape(h, w, 4).copy()  # own the pixels: the QImage goes away
    night = load_texture_array("night")
    top[..., 3:] = night if night.shape[:2] == (h, w) else upsample_bilinear(night, h, w)
    levels = [top]
    if night.shape[:2] == (h // 2, w // 2):
        second = halve(top)
        second[..., 3:] = night
        levels.append(second)
    for arr in levels:
        arr.setflags(write=False)
    return tuple(levels)


# ---------------------------------------------------------------------------------------
# The item
# ---------------------------------------------------------------------------------------


class EarthItem(GLGraphicsItem.GLGraphicsItem):
    """The Earth, drawn opaque with depth, then its atmosphere rim additively."""

    def __init__(self, n_lat: int = 128, n_lon: int = 256, parentItem=None):
        super().__init__()
        self._pos, self._nrm, self._uv, self._idx = ellipsoid_mesh(n_lat, n_lon)
        # a soft glow: a quarter-resolution shell is smooth enough and cheaper to rasterise
        shell = ellipsoid_mesh(n_lat // 4, n_lon // 4, height_km=ATMOSPHERE_TOP_KM)
        self._shell_pos, self._shell_idx = shell[0], shell[3]
        self._coarse_idx = coarse_indices(n_lat, n_lon)
        step = max(180.0 / n_lat, 360.0 / n_lon)
        # vertices near the outline are lifted by this (km); key: the coarse mesh is drawn
        self._chord_gap_km = {False: chord_gap_km(step), True: chord_gap_km(2.0 * step)}
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

    def detail_window(self, eye_itrs_km, forward_itrs):
        """The fine-tile window for an eye at ``eye_itrs_km`` looking along
        ``forward_itrs`` (ITRS), or None (:func:`orbitviz.core.earthtiles.choose_window`;
        kept while the looked-at point stays well inside it). Called by paint(), which
        has both from the view matrix: the scene needs to feed nothing."""
        current = self._gl["detail"].window if self._gl is not None else None
        return earthtiles.choose_window(eye_itrs_km, forward_itrs, available_tiles(), current)

    # --- GL ----------------------------------------------------------------------------

    def _ensure_gl(self) -> dict:
        ctx = QtGui.QOpenGLContext.currentContext()
        group = ctx.shareGroup()
        if self._gl is not None and self._gl["group"] is group:
            return self._gl
        g = {"group": group}
        attrs = ["a_pos", "a_normal", "a_uv"]
        for key, defines in (("earth", ""), ("limb", "#define LIMB 1\n"),
                             ("detail", "#define LIMB 1\n#define DETAIL 1\n")):
            g[f"{key}_prog"] = compile_program(EARTH_VS, defines + EARTH_FS, attrs)
        g["atmo_prog"] = compile_program(ATMO_VS, ATMO_FS, ["a_pos"])
        # uniform locations, looked up once; constant uniforms are set once (a program
        # keeps its uniforms' values)
        names = ("u_mvp", "u_sun", "u_eye", "u_night_on", "u_atmo_on", "u_day", "u_detail",
                 "u_win", "u_inflate_km", "u_radius", "u_flat", "u_glow_k", "u_eye_s",
                 "u_eye2_s")
        for key in ("earth", "limb", "detail"):
            prog = g[f"{key}_prog"]
            g[f"{key}_u"] = u = _uniform_locations(prog, names)
            GL.glUseProgram(prog)
            GL.glUniform1i(u["u_day"], 0)
            GL.glUniform1i(u["u_detail"], 1)
            GL.glUniform1f(u["u_radius"], R_EARTH_EQ_KM)
            GL.glUniform1f(u["u_flat"], R_EARTH_EQ_KM / R_EARTH_POLAR_KM)
            GL.glUniform1f(u["u_glow_k"], 1.0 / (ATMOSPHERE_SCALE_HEIGHT_KM * np.log(2.0)))
        g["atmo_u"] = _uniform_locations(g["atmo_prog"], (
            "u_mvp", "u_sun", "u_eye", "u_radius", "u_flat", "u_scale_h"))
        GL.glUseProgram(g["atmo_prog"])
        u = g["atmo_u"]
        GL.glUniform1f(u["u_radius"], R_EARTH_EQ_KM)
        GL.glUniform1f(u["u_flat"], R_EARTH_EQ_KM / R_EARTH_POLAR_KM)
        GL.glUniform1f(u["u_scale_h"], ATMOSPHERE_SCALE_HEIGHT_KM)
        GL.glUseProgram(0)
        vbos = GL.glGenBuffers(4)
        g["vbo"] = dict(zip(("pos", "nrm", "uv", "shell"), vbos))
        for key, arr in (("pos", self._pos), ("nrm", self._nrm), ("uv", self._uv),
                         ("shell", self._shell_pos)):
            GL.glBindBuffer(GL.GL_ARRAY_BUFFER, g["vbo"][key])
            GL.glBufferData(GL.GL_ARRAY_BUFFER, arr.nbytes, arr, GL.GL_STATIC_DRAW)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, 0)
        g["ibo"] = []
        for idx in (self._idx, self._shell_idx, self._coarse_idx):
            ibo = GL.glGenBuffers(1)
            GL.glBindBuffer(GL.GL_ELEMENT_ARRAY_BUFFER, ibo)
            GL.glBufferData(GL.GL_ELEMENT_ARRAY_BUFFER, idx.nbytes, idx, GL.GL_STATIC_DRAW)
            g["ibo"].append((ibo, int(idx.size)))
        GL.glBindBuffer(GL.GL_ELEMENT_ARRAY_BUFFER, 0)
        g["day"] = _upload_texture(day_night_levels(), mipmap=True)
        g["detail"] = DetailTexture()
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
        # the model-view matrix is a rotation and a translation: its inverse is (Rᵀ, −Rᵀt)
        eye_itrs = (-view[:3, :3].T @ view[:3, 3]).astype(np.float32)
        forward_itrs = -view[2, :3]  # the eye looks along its −z
        detail = g["detail"].show(self.detail_window(eye_itrs, forward_itrs),
                                  day_night_levels()[0])

        # --- the ground: opaque, depth-tested, back faces culled --------------------------
        GL.glEnable(GL.GL_DEPTH_TEST)
        GL.glDepthFunc(GL.GL_LESS)
        GL.glDepthMask(GL.GL_TRUE)
        GL.glDisable(GL.GL_BLEND)
        GL.glEnable(GL.GL_CULL_FACE)
        GL.glCullFace(GL.GL_BACK)
        GL.glFrontFace(GL.GL_CCW)
        far = float(np.linalg.norm(eye_itrs)) - R_EARTH_EQ_KM > LOD_EYE_HEIGHT_KM
        variant = "detail" if detail else "earth" if far else "limb"
        prog, u = g[f"{variant}_prog"], g[f"{variant}_u"]
        GL.glUseProgram(prog)
        try:
            GL.glUniformMatrix4fv(u["u_mvp"], 1, False, mvp)
            GL.glUniform1f(u["u_inflate_km"], self._chord_gap_km[far])
            eye_s = eye_itrs.astype(np.float64) * (1.0, 1.0, R_EARTH_EQ_KM / R_EARTH_POLAR_KM)
            GL.glUniform3fv(u["u_eye_s"], 1, eye_s.astype(np.float32))
            GL.glUniform1f(u["u_eye2_s"], float(eye_s @ eye_s))
            if detail:
                u0, v0, du, dv = g["detail"].window.uv_rect()
                GL.glUniform4f(u["u_win"], u0, v0, 1.0 / du, 1.0 / dv)
                GL.glActiveTexture(GL.GL_TEXTURE1)
                GL.glBindTexture(GL.GL_TEXTURE_2D, g["detail"].tex)
            GL.glUniform3fv(u["u_sun"], 1, sun_itrs)
            GL.glUniform3fv(u["u_eye"], 1, eye_itrs)
            GL.glUniform1f(u["u_night_on"], float(self._night_on))
            GL.glUniform1f(u["u_atmo_on"], float(self._atmo_on))
            GL.glActiveTexture(GL.GL_TEXTURE0)
            GL.glBindTexture(GL.GL_TEXTURE_2D, g["day"])
            for loc, (key, n) in enumerate((("pos", 3), ("nrm", 3), ("uv", 2))):
                GL.glBindBuffer(GL.GL_ARRAY_BUFFER, g["vbo"][key])
                GL.glVertexAttribPointer(loc, n, GL.GL_FLOAT, False, 0, _NULL)
                GL.glEnableVertexAttribArray(loc)
            _draw_indexed(*g["ibo"][2 if far else 0])
            for loc in (1, 2):
                GL.glDisableVertexAttribArray(loc)
            GL.glBindTexture(GL.GL_TEXTURE_2D, 0)
            if detail:
                GL.glActiveTexture(GL.GL_TEXTURE1)
                GL.glBindTexture(GL.GL_TEXTURE_2D, 0)
                GL.glActiveTexture(GL.GL_TEXTURE0)

            # --- the atmosphere: additive, depth-tested, no depth writes ------------------
            if self._atmo_on:
                prog, u = g["atmo_prog"], g["atmo_u"]
                GL.glUseProgram(prog)
                GL.glDepthMask(GL.GL_FALSE)
                GL.glDepthFunc(GL.GL_LEQUAL)
                GL.glEnable(GL.GL_BLEND)
                GL.glBlendFunc(GL.GL_ONE, GL.GL_ONE)
                GL.glUniformMatrix4fv(u["u_mvp"], 1, False, mvp)
                GL.glUniform3fv(u["u_sun"], 1, sun_itrs)
                GL.glUniform3fv(u["u_eye"], 1, eye_itrs)
                GL.glBindBuffer(GL.GL_ARRAY_BUFFER, g["vbo"]["shell"])
                GL.glVertexAttribPointer(0, 3, GL.GL_FLOAT, False, 0, _NULL)
                _draw_indexed(*g["ibo"][1])
            GL.glDisableVertexAttribArray(0)
        finally:
            GL.glBindBuffer(GL.GL_ARRAY_BUFFER, 0)
            GL.glUseProgram(0)
            GL.glDisable(GL.GL_CULL_FACE)
            GL.glDepthMask(GL.GL_TRUE)
            GL.glDepthFunc(GL.GL_LESS)
            GL.glDisable(GL.GL_BLEND)
            GL.glBlendFunc(GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA)


_NULL = ctypes.c_void_p(0)


def _uniform_locations(prog: int, names) -> dict:
    """Locations of a linked program's uniforms by name."""
    return {name: int(GL.glGetUniformLocation(prog, name)) for name in names}


def software_renderer() -> bool:
    """True when the current context rasterises on the CPU (Mesa llvmpipe/softpipe/swrast)."""
    name = GL.glGetString(GL.GL_RENDERER) or b""
    name = name.decode("ascii", "replace").lower() if isinstance(name, bytes) else str(name)
    return any(k in name for k in ("llvmpipe", "softpipe", "swrast", "swiftshader"))


def _draw_indexed(ibo, count: int) -> None:
    """Draw ``count`` indices of triangles from an element buffer."""
    GL.glBindBuffer(GL.GL_ELEMENT_ARRAY_BUFFER, ibo)
    GL.glDrawElements(GL.GL_TRIANGLES, count, GL.GL_UNSIGNED_INT, ctypes.c_void_p(0))
    GL.glBindBuffer(GL.GL_ELEMENT_ARRAY_BUFFER, 0)


def _upload_texture(levels, mipmap: bool) -> int:
    """A 2D texture from (H, W, C) uint8 pixels (C = 1, 3 or 4), top row at t = 0.

    ``levels`` is one array, or a sequence of the top mipmap levels (each half the size of
    the one before); with ``mipmap`` the GL makes the levels below the last one given and
    filters trilinearly, anisotropically where that is free (on a GPU). Levels larger than
    GL_MAX_TEXTURE_SIZE are dropped, or halved when it is the last."""
    levels = [levels] if isinstance(levels, np.ndarray) else list(levels)
    max_size = int(GL.glGetIntegerv(GL.GL_MAX_TEXTURE_SIZE))
    while max(levels[0].shape[:2]) > max_size:
        levels = levels[1:] if len(levels) > 1 else [halve(levels[0])]
    if not mipmap:
        levels = levels[:1]
    ch = levels[0].shape[2]
    ctx = QtGui.QOpenGLContext.currentContext()
    legacy = ctx.format().version() < (3, 0) and not ctx.isOpenGLES()
    one = GL.GL_LUMINANCE if legacy else GL.GL_RED  # single channel, read as .r
    fmt = {3: GL.GL_RGB, 4: GL.GL_RGBA}.get(ch, one)
    internal = {3: GL.GL_RGB8, 4: GL.GL_RGBA8}.get(
        ch, GL.GL_LUMINANCE8 if legacy else GL.GL_R8)
    tex = GL.glGenTextures(1)
    GL.glActiveTexture(GL.GL_TEXTURE0)
    GL.glBindTexture(GL.GL_TEXTURE_2D, tex)
    GL.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 1)
    for level, pixels in enumerate(levels):
        h, w = pixels.shape[:2]
        GL.glTexImage2D(GL.GL_TEXTURE_2D, level, internal, w, h, 0, fmt, GL.GL_UNSIGNED_BYTE,
                        np.ascontiguousarray(pixels))
    GL.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 4)
    GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_WRAP_S, GL.GL_REPEAT)
    GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_WRAP_T, GL.GL_CLAMP_TO_EDGE)
    GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_MAG_FILTER, GL.GL_LINEAR)
    if mipmap:
        # the GL makes the levels below the last one given from it
        GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_BASE_LEVEL, len(levels) - 1)
        GL.glGenerateMipmap(GL.GL_TEXTURE_2D)
        GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_BASE_LEVEL, 0)
        GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_MIN_FILTER,
                           GL.GL_LINEAR_MIPMAP_LINEAR)
        if not software_renderer() and (
                ctx.hasExtension(b"GL_EXT_texture_filter_anisotropic")
                or ctx.hasExtension(b"GL_ARB_texture_filter_anisotropic")):
            # free on a GPU; on a software rasteriser 16 taps a texel halve the frame rate
            max_aniso = float(GL.glGetFloatv(0x84FF))  # GL_MAX_TEXTURE_MAX_ANISOTROPY
            GL.glTexParameterf(GL.GL_TEXTURE_2D, 0x84FE, min(max_aniso, 16.0))
    else:
        GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_MIN_FILTER, GL.GL_LINEAR)
    GL.glBindTexture(GL.GL_TEXTURE_2D, 0)
    return int(tex)
