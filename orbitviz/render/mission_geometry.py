"""Every mesh the mission scene draws, built once, each in its own body frame (numpy only).

:func:`build_mission_geometry` returns ``{key: Mesh}`` (metres), drawn by
:class:`~orbitviz.render.solid_item.SolidItem` with one model matrix per instance:

- ``station:fixed`` — modules, inboard truss, heat-rejection radiators, Canadarm2;
- ``station:alpha:<joint>`` — the truss outboard of a solar alpha joint and its photovoltaic
  radiators, turned about the body y axis by the joint;
- ``station:wing:<wing>`` — a legacy wing's two blankets, mast and canister, with the
  roll-out array it carries, turned by its alpha joint and its beta gimbal;
- ``station:zvezda:<wing>`` — a Zvezda wing, turned about its long axis;
- ``soyuz-ms:<part>`` (probe, orbital-module, descent-module, service-module, solar-arrays),
  ``progress-ms``, ``crew-dragon``, ``cygnus-enhanced``: the vehicles;
- ``launcher:<part>`` — the Soyuz-2.1a's parts, and ``launcher:fairing:+y`` / ``-y`` (the two
  fairing halves as shed);
- ``parachute:drogue`` and ``parachute:main`` — canopies and risers in the Soyuz MS frame,
  above the descent module's hatch.

The station's groups are built at rest (all joint angles zero); :func:`station_group_transforms`
gives each group's rigid motion for given joint angles, so the arrays turn by a uniform each
frame, with no upload. Frames: the station body frame and the vehicles' mesh frames of
``assets/station/vehicles.toml``.
"""

from __future__ import annotations

import numpy as np

from orbitviz.core.station_attitude import ArrayJoints, _rodrigues, rot_y
from orbitviz.core.station_layout import StationLayout, vehicle_shapes

from .solids import Mesh, frustum, merge, oriented_box
from .station_geometry import DARK, build_station_fixed, radiator_mesh, wing_mesh
from .style import PARACHUTE_COLORS
from .vehicle_geometry import soyuz_2_1a_mesh, spacecraft_mesh

__all__ = ["build_mission_geometry", "station_groups", "station_group_transforms",
           "parachute_mesh", "half_mesh", "geometry_bounds", "geometry_corners", "hatch_x_m"]


def _rest_joints(layout: StationLayout) -> ArrayJoints:
    return ArrayJoints({j: 0.0 for j in layout.alpha_joints},
                       {w.id: 0.0 for w in layout.legacy_wings()})


def station_groups(layout: StationLayout) -> dict[str, Mesh]:
    """The station's meshes grouped by what moves them, at rest (body frame, m)."""
    rest = _rest_joints(layout)
    fixed = build_station_fixed(layout)
    out = {"station:fixed": merge(list(fixed.values()))}
    for j in layout.alpha_joints:
        parts = [oriented_box(t.center_m, np.eye(3), t.size_m, (0.70, 0.70, 0.72))
                 for t in layout.truss.values() if t.rotates_with == j]
        parts += [radiator_mesh(r, np.eye(3)) for r in layout.radiators.values()
                  if r.joint == j]
        out[f"station:alpha:{j}"] = merge(parts)
    for w in layout.legacy_wings():
        mast = np.array([w.mast_x_sign, 0.0, 0.0])
        c = w.bga_m + mast * (0.5 * w.root_m)
        parts = [wing_mesh(layout, w, rest),
                 frustum(c - mast * (0.5 * w.root_m), c + mast * (0.5 * w.root_m), 0.45, 0.45,
                         DARK, 12)]
        parts += [wing_mesh(layout, r, rest) for r in layout.wings.values()
                  if r.kind == "irosa" and r.host == w.id]
        out[f"station:wing:{w.id}"] = merge(parts)
    for w in layout.wings.values():
        if w.kind == "zvezda":
            out[f"station:zvezda:{w.id}"] = wing_mesh(layout, w, rest)
    return out


def station_group_transforms(layout: StationLayout, joints: ArrayJoints
                             ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{group key: (R, t)}``: a rest vertex ``p`` of the group lies at ``R @ p + t`` (body
    frame, m) for the joint angles ``joints``. Alpha joints turn about the body y axis
    through the truss axis (x = z = 0, where the gimbals lie); a beta gimbal turns its wing
    about its mast through the gimbal; a Zvezda wing turns about its long axis through its
    root by the alpha joints' mean angle (as the core's wing model)."""
    out = {"station:fixed": (np.eye(3), np.zeros(3))}
    for j in layout.alpha_joints:
        out[f"station:alpha:{j}"] = (rot_y(joints.alpha[j]), np.zeros(3))
    for w in layout.legacy_wings():
        ra = rot_y(joints.alpha[w.joint])
        mast = w.mast_x_sign * (ra @ np.array([1.0, 0.0, 0.0]))
        R = _rodrigues(mast, joints.beta[w.id]) @ ra
        bga = np.asarray(w.bga_m, dtype=float)
        out[f"station:wing:{w.id}"] = (R, bga - R @ bga)
    alpha = float(np.mean(list(joints.alpha.values())))
    for w in layout.wings.values():
        if w.kind == "zvezda":
            R = rot_y(alpha)
            out[f"station:zvezda:{w.id}"] = (R, w.bga_m - R @ w.bga_m)
    return out


def half_mesh(mesh: Mesh, axis: int, sign: float) -> Mesh:
    """The faces of ``mesh`` whose centres lie on the ``sign`` side of the plane
    ``coordinate[axis] = 0`` (their vertices compacted)."""
    centres = mesh.vertices_m[mesh.faces].mean(axis=1)
    keep = mesh.faces[sign * centres[:, axis] >= 0.0]
    used, inverse = np.unique(keep.reshape(-1), return_inverse=True)
    return Mesh(mesh.vertices_m[used], mesh.normals[used], mesh.colors[used],
                inverse.reshape(-1, 3).astype(np.uint32))


def parachute_mesh(hatch_x_m: float, riser_m: float, diameter_m: float, key: str) -> Mesh:
    """A canopy (a shallow dome of ``diameter_m``) ``riser_m`` above the descent module's
    hatch (body +x, Soyuz MS frame), joined to it by four risers."""
    r = 0.5 * diameter_m
    skirt = hatch_x_m + riser_m
    colors = PARACHUTE_COLORS
    dome = merge([frustum((skirt, 0, 0), (skirt + 0.35 * r, 0, 0), r, 0.55 * r,
                          colors[f"{key}-canopy"], 24),
                  frustum((skirt + 0.35 * r, 0, 0), (skirt + 0.5 * r, 0, 0), 0.55 * r, 0.0,
                          colors[f"{key}-canopy"], 24)])
    # open underneath: the cloth seen from below takes the light of its sunlit outside
    # (faces are drawn from both sides), as a thin canopy does
    keep = ~np.all(dome.normals[dome.faces][:, :, 0] < -0.999, axis=1)
    canopy = [Mesh(dome.vertices_m, dome.normals, dome.colors, dome.faces[keep])]
    lines = []
    for k in range(4):
        a = 0.5 * np.pi * k + 0.25 * np.pi
        rim = np.array([skirt, r * np.cos(a), r * np.sin(a)])
        lines.append(frustum((hatch_x_m, 0, 0), rim, 0.03 + 0.002 * riser_m,
                             0.03 + 0.002 * riser_m, colors["riser"], 4))
    return merge(canopy + lines)


def hatch_x_m(shapes: dict | None = None) -> float:
    """The descent module's hatch (the orbital module's far end) on the Soyuz MS's x axis, m
    (``vehicles.toml``: the stack's sections from the probe's tip)."""
    x = end = 0.0
    for name, length, _d0, _d1 in (shapes or vehicle_shapes())["soyuz-ms"]["stack"]:
        x += float(length)
        if name == "orbital-module":
            end = x
    return -end


def build_mission_geometry(layout: StationLayout, motion_spec: dict) -> dict[str, Mesh]:
    """Every mesh of the scene by key (see the module's notes). ``motion_spec``: the parsed
    ``vehicle-motion.toml`` (parachute sizes)."""
    hatch = hatch_x_m()
    out = station_groups(layout)
    for part, mesh in spacecraft_mesh("soyuz-ms").items():
        out[f"soyuz-ms:{part}"] = mesh
    for vtype in ("progress-ms", "crew-dragon", "cygnus-enhanced"):
        out[vtype] = merge(list(spacecraft_mesh(vtype).values()))
    launcher = soyuz_2_1a_mesh()
    for part, mesh in launcher.items():
        out[f"launcher:{part}"] = mesh
    out["launcher:fairing:+y"] = half_mesh(launcher["fairing"], 1, 1.0)
    out["launcher:fairing:-y"] = half_mesh(launcher["fairing"], 1, -1.0)
    p = motion_spec["parachute"]
    out["parachute:drogue"] = parachute_mesh(hatch, 0.5 * p["riser_m"],
                                             p["drogue_diameter_m"], "drogue")
    out["parachute:main"] = parachute_mesh(hatch, p["riser_m"], p["main_diameter_m"], "main")
    return out


def geometry_bounds(meshes: dict[str, Mesh]) -> dict[str, tuple[np.ndarray, float]]:
    """``{key: (centre_m (3,), radius_m)}``: each mesh's bounding sphere (its box's centre)."""
    out = {}
    for k, m in meshes.items():
        lo, hi = m.bounds_m()
        c = 0.5 * (lo + hi)
        out[k] = (c, float(np.linalg.norm(m.vertices_m - c, axis=1).max()))
    return out


def geometry_corners(meshes: dict[str, Mesh]) -> dict[str, np.ndarray]:
    """``{key: (8,3)}``: the corners of each mesh's bounding box, m."""
    out = {}
    for k, m in meshes.items():
        lo, hi = m.bounds_m()
        out[k] = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1])
                           for z in (lo[2], hi[2])])
    return out
