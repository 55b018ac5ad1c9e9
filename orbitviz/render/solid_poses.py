"""Where every mesh of the mission is at one instant, in GCRS (numpy only, no GL).

:func:`pose_solids` turns the core's motion (:class:`~orbitviz.core.motion.MissionMotion`)
into the instances the scene draws: the station's groups (its pose, then each group's joint
transform, :func:`~orbitviz.render.mission_geometry.station_group_transforms`), the visiting
vehicles mated at their ports for exactly their docked times, both Soyuz on their
trajectories and attitudes (Soyuz MS-19 in its launcher until spacecraft separation), the
parts shed at separations (fading) and Soyuz MS-18's parachute. :func:`pose_plumes` gives
the engine plumes firing at that instant.

A :class:`Posed` instance's mesh point ``p`` (m, its body frame) lies at
``origin_km + R @ p / 1000`` (GCRS). ``owner`` names whose it is (a mission object's id, a
visitor's id, or ``shed:<id>``), for labels and markers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orbitviz.core.firings import plume_length_m
from orbitviz.core.station_attitude import matrix_from_quat

from .mission_geometry import station_group_transforms

__all__ = ["Posed", "PlumePose", "pose_solids", "pose_plumes", "owner_spheres",
           "LAUNCHER_PARTS", "SOYUZ_PARTS"]

SOYUZ_PARTS = ("probe", "orbital-module", "descent-module", "service-module", "solar-arrays")
LAUNCHER_PARTS = ("booster-b", "booster-v", "booster-g", "booster-d", "core",
                  "third-stage-aft", "third-stage", "fairing", "escape-tower")
_MESH_OF_TYPE = {"progress-ms": "progress-ms", "crew-dragon": "crew-dragon",
                 "cygnus-enhanced": "cygnus-enhanced"}


@dataclass
class Posed:
    key: str
    owner: str
    R: np.ndarray
    origin_km: np.ndarray
    alpha: float = 1.0


@dataclass
class PlumePose:
    """A plume: nozzle ``apex_km`` (GCRS), unit ``direction`` of the exhaust, ``length_m``,
    far ``radius_m``, ``propellant`` (``kerolox``, ``hypergolic`` or ``solid``) and the
    firing's id."""

    id: str
    apex_km: np.ndarray
    direction: np.ndarray
    length_m: float
    radius_m: float
    propellant: str


def _soyuz(owner, R, o, parts=SOYUZ_PARTS):
    return [Posed(f"soyuz-ms:{p}", owner, R, o) for p in parts]


def _station(motion, t, pose) -> list[Posed]:
    Rs, rs = pose
    out = []
    for key, (Rg, tg) in station_group_transforms(motion.layout, motion.joints(t)).items():
        out.append(Posed(key, "iss", Rs @ Rg, rs + Rs @ tg / 1000.0))
    return out


def _shed_keys(part) -> list[str]:
    if part.parent == "launcher":
        if part.half:
            return [f"launcher:fairing:{part.half}"]
        return [f"launcher:{p}" for p in part.parts]
    return [f"soyuz-ms:{p}" for p in part.parts]


def pose_solids(motion, met_s: float) -> list[Posed]:
    """Every mesh instance drawn at ``met_s`` (see the module's notes)."""
    t = float(met_s)
    mission = motion.mission
    station = motion.station_pose(t)
    out = _station(motion, t, station) if mission.objects["iss"].exists(t) else []
    docked = motion.docked_ids(t)
    for vid in docked:
        R, o = motion.docked_pose(vid, t, station)
        vtype = motion.layout.vehicles[vid].type
        if vtype == "soyuz-ms":
            out += _soyuz(vid, R, o)
        else:
            out.append(Posed(_MESH_OF_TYPE[vtype], vid, R, o))
    shed = motion.shed_at(t)
    gone = {(p.parent, name) for p in motion.shed if p.event_s <= t for name in p.parts}
    # Soyuz MS-19: in its launcher, then free, then docked (above)
    if "soyuz-ms-19" not in docked and mission.objects["soyuz-ms-19"].exists(t):
        R, o = motion.vehicle_pose("soyuz-ms-19", t)
        if motion.in_launcher(t):
            out += _soyuz("soyuz-ms-19", R, o, SOYUZ_PARTS[:-1])       # arrays folded
            Rl, ol = motion.launcher_pose(t)
            out += [Posed(f"launcher:{p}", "soyuz-ms-19", Rl, ol) for p in LAUNCHER_PARTS
                    if ("launcher", p) not in gone]
        else:
            out += _soyuz("soyuz-ms-19", R, o)
    # Soyuz MS-18: free after undocking; after module separation only the descent module
    if "soyuz-ms-18" not in docked and mission.objects["soyuz-ms-18"].exists(t):
        R, o = motion.vehicle_pose("soyuz-ms-18", t)
        parts = [p for p in SOYUZ_PARTS if ("soyuz-ms-18", p) not in gone]
        out += _soyuz("soyuz-ms-18", R, o, parts)
        chute = motion.parachute(t)
        if chute:
            out.append(Posed(f"parachute:{chute}", "soyuz-ms-18", R, o))
    for p in shed:
        Rp, r_pivot = p.pose(t)
        o = r_pivot - Rp @ p.pivot_m / 1000.0
        a = p.alpha(t)
        out += [Posed(k, f"shed:{p.id}", Rp, o, a) for k in _shed_keys(p)]
    return out


def _propellant(firing) -> str:
    if firing.vehicle == "launcher":
        return "kerolox"
    return "solid" if firing.id == "soft-landing-engines" else "hypergolic"


def pose_plumes(motion, met_s: float) -> list[PlumePose]:
    """The plumes of the engines firing at ``met_s``, sized by thrust (the motion file's
    ``[plume]`` scale)."""
    t = float(met_s)
    spec = motion.spec["plume"]
    out = []
    for f in motion.firings_at(t):
        if f.vehicle == "launcher":
            R, o = motion.launcher_pose(t)
        else:
            R, o = motion.vehicle_pose(f.vehicle, t)
        length = plume_length_m(f.thrust_n, float(spec["length_per_sqrt_n"]))
        out.append(PlumePose(f.id, o + R @ f.nozzle_m / 1000.0, f.exhaust_gcrs(t, R), length,
                             float(spec["spread"]) * length, _propellant(f)))
    return out


def owner_spheres(posed, bounds) -> dict[str, tuple[np.ndarray, float]]:
    """``{owner: (centre_km (3,), radius_km)}``: a sphere around each owner's instances
    (GCRS), from each mesh's bounding sphere ``bounds[key] = (centre_m, radius_m)``."""
    groups: dict[str, list] = {}
    for p in posed:
        c_m, r_m = bounds[p.key]
        groups.setdefault(p.owner, []).append((p.origin_km + p.R @ c_m / 1000.0, r_m / 1000.0))
    out = {}
    for owner, items in groups.items():
        cs = np.array([c for c, _ in items])
        centre = 0.5 * (cs.min(axis=0) + cs.max(axis=0))
        radius = max(float(np.linalg.norm(c - centre)) + r for c, r in items)
        out[owner] = (centre, radius)
    return out


def attitude_matrix(motion, object_id: str, met_s: float) -> np.ndarray:
    """Body-to-GCRS matrix of a mission object (for tests and readouts)."""
    return matrix_from_quat(motion.attitude(object_id, met_s))
