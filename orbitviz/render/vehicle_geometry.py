"""Spacecraft and launcher meshes from ``assets/station/vehicles.toml`` (numpy only, no GL).

Spacecraft (Soyuz MS, Progress MS, Crew Dragon, Cygnus): the mesh frame's origin is the
docking mechanism (a Soyuz's or Progress's probe tip, Dragon's docking-ring plane, Cygnus's
berthing-ring plane), **+x the docking axis pointing out of the vehicle** (the body lies
along -x), solar arrays along ±y. :meth:`~orbitviz.core.station_layout.StationLayout.vehicle_mesh_to_body`
places such a mesh on its port; :func:`docked_vehicle_meshes` does it for every visitor.

Launcher (Soyuz-2.1a with the crewed fairing and escape tower): origin at the centre of the
core stage's base, +x up the vehicle, boosters B, V, G, D at +y, +z, -y, -z. Each stage is
its own part so it can be drawn, moved and shed separately at its event.

Every builder returns ``{part name: Mesh}`` in metres.
"""

from __future__ import annotations

import numpy as np

from orbitviz.core.station_layout import StationLayout, vehicle_shapes

from .solids import Mesh, frustum, merge, oriented_box, panel
from .style import VEHICLE_MESH_COLORS as _C

__all__ = ["spacecraft_mesh", "soyuz_ms_mesh", "progress_ms_mesh", "crew_dragon_mesh",
           "cygnus_mesh", "soyuz_2_1a_mesh", "docked_vehicle_meshes", "merged"]

SOYUZ_GREEN = _C["soyuz-green"]
SOYUZ_DM = _C["soyuz-dm"]
GREY = _C["grey"]
WHITE = _C["white"]
DARK = _C["dark"]
CELLS = _C["cells"]
CELLS_BACK = _C["cells-back"]
CYGNUS_SM = _C["cygnus-sm"]
ROCKET = _C["rocket"]
FAIRING = _C["fairing"]

_COLORS = {"probe": GREY, "orbital-module": SOYUZ_GREEN, "descent-module": SOYUZ_DM,
           "service-module": SOYUZ_GREEN, "cargo-module": SOYUZ_GREEN,
           "refuelling-module": SOYUZ_GREEN, "capsule": WHITE, "trunk": WHITE,
           "pressurised-cargo-module": WHITE}
_SEGMENTS = 32


def _stack(stack, direction: float = -1.0, start: float = 0.0, colors=None,
           default=WHITE) -> dict[str, Mesh]:
    """Frusta ``[part, length, d0, d1]`` laid along ``direction``·x from x = ``start``."""
    parts: dict[str, list] = {}
    x = start
    for name, length, d0, d1 in stack:
        x1 = x + direction * float(length)
        color = (colors or _COLORS).get(name, default)
        parts.setdefault(name, []).append(
            frustum((x, 0, 0), (x1, 0, 0), 0.5 * float(d0), 0.5 * float(d1), color, _SEGMENTS))
        x = x1
    return {k: merge(v) for k, v in parts.items()}


def _wings_y(spec: dict, span_m: float) -> Mesh:
    """Two flat wings along ±y, cells toward -z (drawn both sides)."""
    length = 0.5 * span_m - spec["root_m"]
    parts = []
    for s in (-1.0, 1.0):
        c = (spec["x_m"], s * (spec["root_m"] + 0.5 * length), 0.0)
        parts.append(panel(c, (1, 0, 0), (0, 1, 0), spec["width_m"], length,
                           spec["thickness_m"], CELLS_BACK, front_color=CELLS))
    return merge(parts)


def soyuz_ms_mesh(shapes: dict | None = None) -> dict[str, Mesh]:
    """Soyuz MS: ``probe``, ``orbital-module``, ``descent-module``, ``service-module``,
    ``solar-arrays``; origin at the probe's tip, probe along +x."""
    spec = (shapes or vehicle_shapes())["soyuz-ms"]
    out = _stack(spec["stack"])
    out[spec["arrays"]["part"]] = _wings_y(spec["arrays"], spec["span_m"])
    return out


def progress_ms_mesh(shapes: dict | None = None) -> dict[str, Mesh]:
    """Progress MS: ``probe``, ``cargo-module``, ``refuelling-module``, ``service-module``,
    ``solar-arrays``; origin at the probe's tip, probe along +x."""
    spec = (shapes or vehicle_shapes())["progress-ms"]
    out = _stack(spec["stack"])
    out[spec["arrays"]["part"]] = _wings_y(spec["arrays"], spec["span_m"])
    return out


def crew_dragon_mesh(shapes: dict | None = None) -> dict[str, Mesh]:
    """Crew Dragon: ``capsule`` and ``trunk`` (its -y half dark: the body-mounted cells);
    origin at the docking ring plane, nose along +x."""
    spec = (shapes or vehicle_shapes())["crew-dragon"]
    out = _stack(spec["stack"])
    trunk = out["trunk"]
    trunk.colors[trunk.vertices_m[:, 1] < -1e-9] = CELLS
    fin = spec["fins"]
    r = 0.5 * spec["stack"][-1][2]
    x_end = -sum(float(s[1]) for s in spec["stack"])
    fins = []
    for k in range(int(fin["count"])):
        ang = 2 * np.pi * k / fin["count"]
        radial = np.array([0.0, np.cos(ang), np.sin(ang)])
        tang = np.cross([1.0, 0.0, 0.0], radial)
        c = np.array([x_end + 0.5 * fin["length_m"], 0, 0]) + radial * (r + 0.5 * fin["radial_m"])
        fins.append(oriented_box(c, np.column_stack([[1.0, 0, 0], radial, tang]),
                                 (fin["length_m"], fin["radial_m"], fin["thickness_m"]), WHITE))
    out["trunk"] = merge([trunk] + fins)
    return out


def cygnus_mesh(shapes: dict | None = None) -> dict[str, Mesh]:
    """Cygnus (enhanced): ``pressurised-cargo-module``, ``service-module``,
    ``ultraflex-arrays`` (two decagonal fans along ±y, faces toward ±z); origin at the
    berthing ring plane, +x out of it."""
    spec = (shapes or vehicle_shapes())["cygnus-enhanced"]
    out = _stack(spec["stack"], colors={**_COLORS, "service-module": CYGNUS_SM})
    a = spec["arrays"]
    fans = []
    for s in (-1.0, 1.0):
        c = np.array([a["x_m"], s * a["centre_m"], 0.0])
        t = np.array([0.0, 0.0, 0.5 * a["thickness_m"]])
        fans.append(frustum(c - t, c + t, 0.5 * a["diameter_m"], 0.5 * a["diameter_m"],
                            CELLS, 10))
        fans.append(frustum((a["x_m"], s * 0.5 * spec["diameter_m"], 0),
                            (a["x_m"], s * (a["centre_m"] - 0.5 * a["diameter_m"]), 0),
                            0.05, 0.05, GREY, 8))
    out[a["part"]] = merge(fans)
    return out


_BUILDERS = {"soyuz-ms": soyuz_ms_mesh, "progress-ms": progress_ms_mesh,
             "crew-dragon": crew_dragon_mesh, "cygnus-enhanced": cygnus_mesh}


def spacecraft_mesh(vehicle_type: str, shapes: dict | None = None) -> dict[str, Mesh]:
    """The parts of a spacecraft named as in ``vehicles.toml`` (``soyuz-ms``, ...)."""
    try:
        return _BUILDERS[vehicle_type](shapes)
    except KeyError:
        raise ValueError(f"no mesh builder for vehicle type {vehicle_type!r}") from None


def soyuz_2_1a_mesh(shapes: dict | None = None) -> dict[str, Mesh]:
    """Soyuz-2.1a: ``booster-b``, ``booster-v``, ``booster-g``, ``booster-d``, ``core``,
    ``third-stage-aft``, ``third-stage``, ``fairing``, ``escape-tower``; origin at the core's
    base, +x up."""
    spec = (shapes or vehicle_shapes())["soyuz-2_1a"]
    out = _stack(spec["core"], direction=1.0, default=ROCKET)
    x = spec["core_length_m"]
    out.update(_stack(spec["third_stage"], direction=1.0, start=x, default=ROCKET))
    x += spec["third_stage_length_m"]
    out.update(_stack(spec["fairing"], direction=1.0, start=x, default=FAIRING))
    x += sum(s[1] for s in spec["fairing"])
    out.update(_stack(spec["escape_tower"], direction=1.0, start=x, default=GREY))
    # boosters: base against the core's waist, nose leaning on it, each a tilted stack
    waist_r = 0.5 * spec["core"][0][2]
    d_base = spec["booster"][0][1]
    d_nose = spec["booster"][-1][2]
    length = spec["booster_length_m"]
    base_r = waist_r + 0.5 * d_base
    nose_r = waist_r + 0.5 * d_nose
    fin = spec["booster_fin"]
    fin_out = 0.5 * spec["max_span_m"] - (base_r + 0.5 * d_base)
    for k, name in enumerate(spec["booster_names"]):
        ang = 0.5 * np.pi * k
        radial = np.array([0.0, np.cos(ang), np.sin(ang)])
        lean = np.arctan2(base_r - nose_r, length)
        # lifted so the tilted base ring's lowest point stays on the core's base plane
        p0 = radial * base_r + np.array([0.5 * d_base * np.sin(lean), 0, 0])
        axis = np.array([np.cos(lean), 0, 0]) - radial * np.sin(lean)
        parts, p = [], p0
        for seg_len, d0, d1 in spec["booster"]:
            q = p + axis * seg_len
            parts.append(frustum(p, q, 0.5 * d0, 0.5 * d1, ROCKET, _SEGMENTS))
            p = q
        tang = np.cross([1.0, 0.0, 0.0], radial)
        c = np.array([0.5 * fin["height_m"], 0, 0]) + radial * (base_r + 0.5 * d_base + 0.5 * fin_out)
        parts.append(oriented_box(c, np.column_stack([[1.0, 0, 0], radial, tang]),
                                  (fin["height_m"], fin_out, fin["thickness_m"]), GREY))
        out[name] = merge(parts)
    return out


def merged(parts: dict[str, Mesh]) -> Mesh:
    """All parts as one mesh."""
    return merge(list(parts.values()))


def docked_vehicle_meshes(layout: StationLayout, met_s: float | None = None,
                          shapes: dict | None = None) -> dict[str, dict[str, Mesh]]:
    """The visiting vehicles' parts placed on their ports (station body frame, m): every
    vehicle, or only those docked at ``met_s`` (needs resolved docked times)."""
    shapes = shapes or vehicle_shapes()
    out = {}
    for vid, v in layout.vehicles.items():
        if met_s is not None and not v.docked_at(met_s):
            continue
        R, t = layout.vehicle_mesh_to_body(vid)
        out[vid] = {k: m.transformed(R, t) for k, m in spacecraft_mesh(v.type, shapes).items()}
    return out
