"""The whole station as meshes, built from the station file (numpy only, no GL).

Frame: the station body frame of :mod:`orbitviz.core.station_layout` (x forward, z toward
the Earth, y starboard; origin at S0's centre), metres. Figures come from
``assets/station/iss-2021-10.toml`` through :class:`~orbitviz.core.station_layout.StationLayout`;
nothing here adds a dimension of its own except the drawing's thicknesses (panels, masts).

The parts that move with the solar joints are built for given joint angles
(:class:`~orbitviz.core.station_attitude.ArrayJoints`, from
:class:`~orbitviz.core.station_attitude.ArrayTracker`): rebuilding them is cheap (a few
hundred triangles), the fixed parts (:func:`build_station_fixed`) are built once.
"""

from __future__ import annotations

import numpy as np

from orbitviz.core.station_attitude import (
    ArrayJoints,
    joint_rotation,
    wing_pose,
)
from orbitviz.core.station_layout import ArrayWing, Module, StationLayout

from .solids import Mesh, frustum, merge, oriented_box, panel
from .style import STATION_MESH_COLORS as _C

__all__ = [
    "build_station", "build_station_fixed", "build_station_articulated", "module_mesh",
    "wing_mesh",
]

WHITE = _C["white"]
GREY = _C["grey"]
DARK = _C["dark"]
TRUSS = _C["truss"]
RU_GREEN = _C["ru-green"]              # Zarya's and Nauka's blankets
CELLS = _C["cells"]                    # US legacy arrays: blue-violet cells
CELLS_BACK = _C["cells-back"]          # the blankets' back (kapton, gold-brown)
IROSA_CELLS = _C["irosa-cells"]        # roll-out arrays: darker cells
RU_CELLS = _C["ru-cells"]
RADIATOR = _C["radiator"]
ARM = _C["arm"]

_MODULE_COLORS = {"zarya": RU_GREEN, "nauka": RU_GREEN, "pma-1": GREY, "pma-2": GREY,
                  "pma-3": GREY, "ida-2": GREY, "ida-3": GREY, "bishop": GREY}

#: Drawing thicknesses (m): not published figures, only what makes a thin item visible.
PANEL_THICKNESS_M = 0.08
RADIATOR_THICKNESS_M = 0.12
MAST_WIDTH_M = 0.6
BLANKET_GAP_M = 1.0


def _zero_joints(layout: StationLayout) -> ArrayJoints:
    """The joints at rest: alpha = beta = 0 (masts along ±x, cell faces toward zenith)."""
    return ArrayJoints({j: 0.0 for j in layout.alpha_joints},
                       {w.id: 0.0 for w in layout.legacy_wings()})


def module_mesh(module: Module, segments: int = 32) -> Mesh:
    """A module's frusta laid along its axis (body frame, m)."""
    color = _MODULE_COLORS.get(module.id, WHITE)
    parts, p = [], module.start_m.copy()
    for length, d0, d1 in module.sections:
        q = p + module.axis * length
        parts.append(frustum(p, q, 0.5 * d0, 0.5 * d1, color, segments))
        p = q
    return merge(parts)


def build_station_fixed(layout: StationLayout) -> dict[str, Mesh]:
    """The parts that do not move: ``modules``, ``truss`` (inboard of the SARJs),
    ``radiators`` (the heat-rejection radiators, at their drawn angle), ``canadarm2``."""
    modules = [module_mesh(m) for m in layout.modules.values()]
    modules += [oriented_box(b.center_m, np.eye(3), b.size_m, WHITE) for b in layout.boxes.values()]
    truss = [oriented_box(t.center_m, np.eye(3), t.size_m, TRUSS)
             for t in layout.truss.values() if not t.rotates_with]
    rads = [_radiator(r, np.eye(3)) for r in layout.radiators.values() if not r.joint]
    arm = layout.arm
    booms = [frustum(a, b, 0.5 * arm.diameter_m, 0.5 * arm.diameter_m, ARM, 12)
             for a, b in zip(arm.points_m[:-1], arm.points_m[1:])]
    joints = [oriented_box(p, np.eye(3), (0.6, 0.6, 0.6), GREY) for p in arm.points_m]
    return {"modules": merge(modules), "truss": merge(truss), "radiators": merge(rads),
            "canadarm2": merge(booms + joints)}


def radiator_mesh(rad, R) -> Mesh:
    """A radiator panel turned by ``R`` (its alpha joint's rotation; identity when fixed)."""
    return _radiator(rad, R)


def _radiator(rad, R) -> Mesh:
    extend = R @ rad.extend
    root = R @ rad.root_m
    across = np.array([0.0, 1.0, 0.0])
    return panel(root + extend * (0.5 * rad.length_m), extend, across, rad.length_m,
                 rad.width_m, RADIATOR_THICKNESS_M, RADIATOR)


def wing_mesh(layout: StationLayout, wing: ArrayWing, joints: ArrayJoints) -> Mesh:
    """One wing for the given joint angles: a legacy wing is two blankets either side of
    its mast (``width_m`` over both), a roll-out or Zvezda array one blanket; the cell side
    faces :func:`~orbitviz.core.station_attitude.wing_pose`'s ``normal``."""
    pose = wing_pose(layout, wing, joints)
    if wing.kind == "legacy":
        w = 0.5 * (pose.width_m - BLANKET_GAP_M)
        off = 0.5 * (BLANKET_GAP_M + w)
        parts = [panel(pose.center_m + s * off * pose.across, pose.along, pose.across,
                       pose.length_m, w, PANEL_THICKNESS_M, CELLS_BACK, front_color=CELLS)
                 for s in (-1.0, 1.0)]
        parts.append(panel(pose.center_m, pose.along, pose.across, pose.length_m,
                           MAST_WIDTH_M * 0.5, MAST_WIDTH_M * 0.5, GREY))
        return merge(parts)
    cells = IROSA_CELLS if wing.kind == "irosa" else RU_CELLS
    return panel(pose.center_m, pose.along, pose.across, pose.length_m, pose.width_m,
                 PANEL_THICKNESS_M, CELLS_BACK, front_color=cells)


def build_station_articulated(layout: StationLayout, joints: ArrayJoints | None = None
                              ) -> dict[str, Mesh]:
    """The parts the solar joints move, for ``joints`` (None: all angles zero):
    ``truss-outboard`` (turned by each SARJ), ``arrays`` (the eight legacy wings and their
    mast canisters), ``irosa`` (the two roll-out arrays), ``zvezda-arrays`` and
    ``radiators-pv`` (the photovoltaic radiators, turned by each SARJ)."""
    j = joints if joints is not None else _zero_joints(layout)
    truss = []
    for t in layout.truss.values():
        if t.rotates_with:
            R = joint_rotation(j, t.rotates_with)
            truss.append(oriented_box(R @ t.center_m, R, t.size_m, TRUSS))
    arrays, irosa, zvezda = [], [], []
    for w in layout.wings.values():
        mesh = wing_mesh(layout, w, j)
        {"legacy": arrays, "irosa": irosa, "zvezda": zvezda}[w.kind].append(mesh)
        if w.kind == "legacy":
            R = joint_rotation(j, w.joint)
            mast = w.mast_x_sign * (R @ np.array([1.0, 0.0, 0.0]))
            c = w.bga_m + mast * (0.5 * w.root_m)
            arrays.append(frustum(c - mast * (0.5 * w.root_m), c + mast * (0.5 * w.root_m),
                                  0.45, 0.45, DARK, 12))
    pv = [_radiator(r, joint_rotation(j, r.joint)) for r in layout.radiators.values() if r.joint]
    return {"truss-outboard": merge(truss), "arrays": merge(arrays), "irosa": merge(irosa),
            "zvezda-arrays": merge(zvezda), "radiators-pv": merge(pv)}


def build_station(layout: StationLayout, joints: ArrayJoints | None = None) -> dict[str, Mesh]:
    """Every part of the station (fixed and articulated), by part name."""
    out = build_station_fixed(layout)
    out.update(build_station_articulated(layout, joints))
    return out
