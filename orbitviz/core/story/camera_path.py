"""Camera paths from keyframes, as pure functions of video time (numpy, float64, no GL).

A :class:`Keyframe` places the camera relative to a *target* (``"earth"`` or an object
id) at a video time of its shot: the camera's position, the point it looks at and its up
direction, all written in the target's *axes* (below), and the vertical field of view.

Axes (each a right-handed orthonormal frame; the locator gives its unit vectors in the
world frame at any mission time):

- ``lvlh`` — the target's local-vertical/local-horizontal frame of
  :func:`orbitviz.core.vectors.lvlh_axes` (x along-track, y opposite the orbit normal,
  z toward the Earth's centre, so −z is up). Objects only.
- ``enu`` — east, north, up at the target's place (spherical up, from the Earth's centre
  through the target; east along the Earth's rotation). Objects only.
- ``earth-fixed`` — ITRS axes (z the Earth's axis, x through Greenwich).
- ``inertial`` — GCRS axes.

The *world frame* is the scene's: GCRS for an inertial view, ITRS for an Earth-fixed one
(docs/app-design.md). A :data:`Locator` answers, for ``(target, axes, met_s)``, the target's
position in the world frame (km, float64) and the axes' unit vectors in the world frame
(the rows of a 3×3 matrix). :func:`orbitviz.core.story.scene_frames.viewer_locator` builds
one from a :class:`~orbitviz.core.viewer.ViewerModel`; the renderer passes it in.

Interpolation, and why it is C1. At the current mission time each keyframe ``j`` gives a
camera rig in the world frame, in double precision: the point looked at ``L_j``, the unit
view direction ``d_j``, the distance ``g_j`` from the camera to ``L_j``, the up vector
``n_j`` and the field of view ``f_j`` (its camera is ``L_j − g_j·d_j``). The rigs move with
their targets, smoothly in mission time and therefore in video time (the ramps are C1).
They are blended with the weights of a cubic Hermite spline with Catmull-Rom tangents
(non-uniform: ``m_j = (x_{j+1} − x_{j−1}) / (s_{j+1} − s_{j−1})``) and zero tangents at the
first and last keyframes: ``x(u) = Σ_j w_j(u)·x_j(u)``. The weights are C1 piecewise cubics
of video time alone and sum to 1, so

- ``L = Σ w_j L_j`` — the look-at point, a Hermite spline (affine: two keyframes on one
  target blend their offsets in its frame; a change of target, the Earth → Soyuz MS-19,
  blends the two rigs computed in the world frame, with no jump);
- ``d = unit(Σ w_j d_j)`` and ``n`` = ``Σ w_j n_j`` made orthogonal to ``d`` and unit —
  directions blended then normalised, no quaternions;
- ``g = exp(Σ w_j ln g_j)`` — the distance blended in log space, so a move from 300 m to
  100 km neither overshoots toward the target nor crawls at one end (with keyframes at
  0.34, 6 and 107 km, Catmull-Rom on camera positions first moves the camera 10% closer,
  and on the distance itself goes below zero);
- the camera ``P = L − g·d``; the field of view ``Σ w_j f_j``.

Every piece is a smooth function of C1 quantities, so position, view and up are C1 in video
time wherever the blended directions do not vanish (two keyframes looking in opposite
directions, or an up blended along the line of sight): there :class:`CameraPathError` says
so rather than drawing a spin. At a keyframe the rig is the keyframe's exactly. Before the
first keyframe and after the last the camera keeps the end keyframe's rig relative to its
target; the zero end tangents make that hold C1 too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from orbitviz.core.export_rules import vertical_fov_deg

#: The axes a keyframe may be written in.
AXES = ("lvlh", "enu", "earth-fixed", "inertial")
#: The axes only an object (not the Earth) has.
OBJECT_AXES = ("lvlh", "enu")
#: Default up direction of each axes (−z of LVLH points away from the Earth).
DEFAULT_UP = {"lvlh": (0.0, 0.0, -1.0), "enu": (0.0, 0.0, 1.0),
              "earth-fixed": (0.0, 0.0, 1.0), "inertial": (0.0, 0.0, 1.0)}
#: The vertical field of view of orbitviz's reference camera (45° horizontal at 16:9, what
#: exports keep), degrees: about 26.2°.
DEFAULT_FOV_DEG = vertical_fov_deg(None)
#: The range a keyframe's vertical field of view may take, degrees.
FOV_RANGE_DEG = (0.5, 170.0)
#: Below this length an interpolated view or up direction counts as vanished.
_DEGENERATE = 1e-9

#: ``locate(target, axes, met_s) -> (origin_world_km (3,), axes_world (3, 3))``: the
#: target's position in the world frame and the axes' unit vectors (rows) in the world frame.
Locator = Callable[[str, str, float], tuple[np.ndarray, np.ndarray]]


class CameraPathError(ValueError):
    """A camera path that cannot be evaluated; one line for the user."""


@dataclass(frozen=True)
class Keyframe:
    """One keyframe of a shot's camera.

    ``video_s``: seconds of video from the shot's start. ``target``: ``"earth"`` or an
    object id. ``axes``: one of :data:`AXES`, the frame the three vectors are written in.
    ``position_km``: the camera relative to the target, km. ``look_at_km``: the point looked
    at, relative to the target, km. ``up``: the up direction (any length). ``fov_deg``:
    the vertical field of view, degrees.
    """

    video_s: float
    target: str
    axes: str
    position_km: tuple[float, float, float]
    look_at_km: tuple[float, float, float] = (0.0, 0.0, 0.0)
    up: tuple[float, float, float] = (0.0, 0.0, 1.0)
    fov_deg: float = DEFAULT_FOV_DEG


@dataclass(frozen=True)
class CameraPose:
    """Where the camera is, in the world frame, float64.

    ``position_km`` (3,): the camera. ``view_dir`` (3,): unit vector along the line of
    sight. ``up`` (3,): unit vector, orthogonal to ``view_dir``. ``fov_deg``: vertical field
    of view. ``focus_km``: distance to the point looked at (for near/far planes and an
    orbit camera's distance); ``look_at_km`` is that point.
    """

    position_km: np.ndarray
    view_dir: np.ndarray
    up: np.ndarray
    fov_deg: float
    focus_km: float

    @property
    def look_at_km(self) -> np.ndarray:
        return self.position_km + self.focus_km * self.view_dir

    def world_to_camera(self) -> np.ndarray:
        """(3,3) rotation whose rows are the camera's right, up and backward axes in the
        world frame (OpenGL's eye coordinates: the camera looks along −z)."""
        back = -self.view_dir
        right = np.cross(self.up, back)
        return np.stack([right, self.up, back])


def keyframe_check(k: Keyframe) -> str | None:
    """What is wrong with one keyframe's geometry, or None: the camera on its look-at point,
    or an up direction along the line of sight (both independent of time and target)."""
    pos = np.asarray(k.position_km, dtype=float)
    look = np.asarray(k.look_at_km, dtype=float)
    up = np.asarray(k.up, dtype=float)
    sight = look - pos
    dist = float(np.linalg.norm(sight))
    if dist < 1e-6:  # a millimetre
        return "the camera is on the point it looks at: move position_km or look_at_km"
    n = float(np.linalg.norm(up))
    if n < 1e-12:
        return "up must not be the zero vector"
    if float(np.linalg.norm(np.cross(sight / dist, up / n))) < 1e-3:
        return "up points along the line of sight: choose an up across it"
    return None


def hermite_weights(times: Sequence[float], u: float) -> list[tuple[int, float]]:
    """The Catmull-Rom/Hermite weights of the keyframes at video time ``u``:
    ``[(keyframe index, weight), …]`` (weights sum to 1; zero tangents at the ends; held
    before the first keyframe and after the last). ``times`` strictly increasing."""
    s = [float(x) for x in times]
    n = len(s)
    if n == 1 or u <= s[0]:
        return [(0, 1.0)]
    if u >= s[-1]:
        return [(n - 1, 1.0)]
    j = max(0, min(n - 2, int(np.searchsorted(s, u, side="right")) - 1))
    h = s[j + 1] - s[j]
    x = (u - s[j]) / h
    x2, x3 = x * x, x * x * x
    h00 = 2 * x3 - 3 * x2 + 1
    h10 = x3 - 2 * x2 + x
    h01 = -2 * x3 + 3 * x2
    h11 = x3 - x2
    w: dict[int, float] = {j: h00, j + 1: h01}
    if 0 < j:  # tangent at j from its neighbours
        c = h10 * h / (s[j + 1] - s[j - 1])
        w[j + 1] = w.get(j + 1, 0.0) + c
        w[j - 1] = w.get(j - 1, 0.0) - c
    if j + 1 < n - 1:  # tangent at j + 1
        c = h11 * h / (s[j + 2] - s[j])
        w[j + 2] = w.get(j + 2, 0.0) + c
        w[j] = w.get(j, 0.0) - c
    return sorted(w.items())


def keyframe_rig(k: Keyframe, met_s: float, locate: Locator):
    """The keyframe's own rig at ``met_s`` in the world frame: ``(look_at_km, view_dir,
    up (unit, not yet orthogonal to the view), focus_km)``; its camera is
    ``look_at_km − focus_km·view_dir``."""
    origin, axes = locate(k.target, k.axes, float(met_s))
    origin = np.asarray(origin, dtype=np.float64)
    rows = np.asarray(axes, dtype=np.float64)
    pos = origin + rows.T @ np.asarray(k.position_km, dtype=np.float64)
    look = origin + rows.T @ np.asarray(k.look_at_km, dtype=np.float64)
    sight = look - pos
    focus = float(np.linalg.norm(sight))
    up = rows.T @ np.asarray(k.up, dtype=np.float64)
    return look, sight / focus, up / np.linalg.norm(up), focus


class KeyframePath:
    """The camera of a shot given by keyframes (at least one, in strictly increasing video
    time). :meth:`pose` evaluates it; see the module's notes for the construction."""

    def __init__(self, keyframes: Sequence[Keyframe]):
        ks = tuple(keyframes)
        if not ks:
            raise CameraPathError("a keyframe path needs at least one keyframe")
        for a, b in zip(ks, ks[1:]):
            if not b.video_s > a.video_s:
                raise CameraPathError(
                    f"keyframes must go forward in video time: {b.video_s:g} s after "
                    f"{a.video_s:g} s")
        for k in ks:
            if k.axes not in AXES:
                raise CameraPathError(f"unknown axes '{k.axes}': use {', '.join(AXES)}")
            if k.target == "earth" and k.axes in OBJECT_AXES:
                raise CameraPathError(f"the Earth has no {k.axes} axes: use earth-fixed or "
                                      "inertial")
            lo, hi = FOV_RANGE_DEG
            if not lo <= k.fov_deg <= hi:
                raise CameraPathError(f"fov_deg must be between {lo:g} and {hi:g} degrees")
            bad = keyframe_check(k)
            if bad:
                raise CameraPathError(bad)
        self.keyframes = ks
        self.times = tuple(float(k.video_s) for k in ks)

    def targets(self) -> tuple[str, ...]:
        """The targets the path refers to, in keyframe order, without repeats."""
        return tuple(dict.fromkeys(k.target for k in self.keyframes))

    def pose(self, u_s: float, met_s: float, locate: Locator) -> CameraPose:
        """The camera at video time ``u_s`` of its shot, which shows mission time
        ``met_s``, in the world frame of ``locate``."""
        weights = hermite_weights(self.times, float(u_s))
        look = np.zeros(3)
        view = np.zeros(3)
        up = np.zeros(3)
        fov = 0.0
        log_focus = 0.0
        for j, w in weights:
            if w == 0.0:
                continue
            k = self.keyframes[j]
            a, d, n, g = keyframe_rig(k, met_s, locate)
            look += w * a
            view += w * d
            up += w * n
            fov += w * k.fov_deg
            log_focus += w * math.log(g)
        vn = float(np.linalg.norm(view))
        if vn < _DEGENERATE:
            raise CameraPathError(f"at {u_s:.3f} s of the shot the blended view direction "
                                  "vanishes: neighbouring keyframes look in opposite "
                                  "directions; add a keyframe between them")
        view /= vn
        up -= np.dot(up, view) * view
        un = float(np.linalg.norm(up))
        if un < _DEGENERATE:
            raise CameraPathError(f"at {u_s:.3f} s of the shot the up direction lies along "
                                  "the line of sight; change the keyframes' up")
        focus = math.exp(log_focus)
        lo, hi = FOV_RANGE_DEG
        return CameraPose(look - focus * view, view, up / un, min(max(fov, lo), hi), focus)


def pose_from_vectors(position_km, look_at_km, up, fov_deg: float) -> CameraPose:
    """A :class:`CameraPose` from world-frame vectors (for references and conversions)."""
    pos = np.asarray(position_km, dtype=np.float64)
    sight = np.asarray(look_at_km, dtype=np.float64) - pos
    focus = float(np.linalg.norm(sight))
    view = sight / focus
    u = np.asarray(up, dtype=np.float64)
    u = u - np.dot(u, view) * view
    return CameraPose(pos, view, u / np.linalg.norm(u), float(fov_deg), focus)


__all__ = ["AXES", "OBJECT_AXES", "DEFAULT_UP", "FOV_RANGE_DEG", "Locator", "CameraPathError",
           "Keyframe", "CameraPose", "KeyframePath", "keyframe_check", "keyframe_rig",
           "hermite_weights", "pose_from_vectors", "DEFAULT_FOV_DEG"]
