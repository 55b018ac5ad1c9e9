"""The scene's meshes as posed for drawing (no GL), against references built here: each
docked vehicle's probe against its port from the station's element-set state and the port's
LVLH offset; the arrays' cell faces against the Sun from skyfield + DE421; the joint
transforms against the meshes rebuilt at those angles; the plumes against the burns."""

import dataclasses
import datetime as dt
import importlib.resources

import numpy as np
import pytest
from skyfield.api import load, load_file

from orbitviz.core.mission import MissionModel, docked_state
from orbitviz.core.station_attitude import ArrayJoints
from orbitviz.render.mission_geometry import (build_mission_geometry, station_group_transforms,
                                              station_groups)
from orbitviz.render.solid_poses import pose_plumes, pose_solids
from orbitviz.render.solids_layer import mission_meshes
from orbitviz.render.station_geometry import build_station_articulated, wing_mesh
from orbitviz.render.style import STATION_MESH_COLORS


def _deg(a, b):
    return float(np.degrees(np.arctan2(np.linalg.norm(np.cross(a, b)), np.dot(a, b))))


def _lvlh(r, v):
    z = -r / np.linalg.norm(r)
    y = -np.cross(r, v) / np.linalg.norm(np.cross(r, v))
    return np.cross(y, z), y, z


@pytest.fixture(scope="module")
def model():
    return MissionModel.build()


@pytest.fixture(scope="module")
def motion(model):
    return model.motion


@pytest.fixture(scope="module")
def meshes(model):
    return mission_meshes(model)


@pytest.fixture(scope="module")
def ev(model):
    return model.scenario.event_times()


def _port(model, port_id, met_s):
    p = model.scenario.ports[port_id]
    rs, vs = model.station.state(met_s)
    r, _ = docked_state(rs, vs, p["offset_lvlh_m"])
    x, y, z = _lvlh(rs, vs)
    a = p["axis_lvlh"]
    return r, a[0] * x + a[1] * y + a[2] * z


def _sorted_rows(a):
    a = np.round(np.asarray(a), 6)
    return a[np.lexsort(a.T[::-1])]


# --- the station's moving parts ---------------------------------------------------------------

def test_joint_transforms_move_the_rest_meshes_where_the_joint_model_puts_them(model):
    lay = model.scenario.station
    rest = station_groups(lay)
    rng = np.random.default_rng(11)
    for _ in range(4):
        joints = ArrayJoints({j: rng.uniform(-np.pi, np.pi) for j in lay.alpha_joints},
                             {w.id: rng.uniform(-1.2, 1.2) for w in lay.legacy_wings()})
        tf = station_group_transforms(lay, joints)
        for w in lay.legacy_wings():
            R, t = tf[f"station:wing:{w.id}"]
            moved = rest[f"station:wing:{w.id}"].vertices_m @ R.T + t
            built = wing_mesh(lay, w, joints).vertices_m
            np.testing.assert_allclose(moved[:len(built)], built, atol=1e-9)
        art = build_station_articulated(lay, joints)
        moved = np.vstack([rest[f"station:alpha:{j}"].vertices_m @ tf[f"station:alpha:{j}"][0].T
                           for j in lay.alpha_joints])
        ref = np.vstack([art["truss-outboard"].vertices_m, art["radiators-pv"].vertices_m])
        np.testing.assert_allclose(_sorted_rows(moved), _sorted_rows(ref), atol=1e-6)


def test_array_cells_face_the_sun_through_the_posed_meshes(model, motion, meshes, ev):
    """At 20 instants away from dockings, undockings and the upset, every legacy wing's
    cell side, as posed for drawing (station pose × joint transform × mesh normals), faces
    the Sun of skyfield + DE421 within 5°."""
    eph = load_file(str(importlib.resources.files("skyfield_data") / "data" / "de421.bsp"))
    ts = load.timescale(builtin=True)
    sa = motion.station_attitude
    t = np.linspace(ev["docking"] + 7200, ev["undocking"] - 7200, 200)
    t = [m for m in t if motion.arrays.lock_window(m) is None
         and not (sa.upset_start_s - 3600 < m < sa.upset_end_s + 3600)][::9][:20]
    assert len(t) == 20
    cells = np.array(STATION_MESH_COLORS["cells"])
    liftoff = model.axis.datetime_utc(0.0)
    worst = 0.0
    try:
        for m in t:
            when = ts.from_datetime(liftoff + dt.timedelta(seconds=float(m)))
            sun = eph["earth"].at(when).observe(eph["sun"]).apparent().position.km
            r, _ = model.station.state(m)
            s = sun - r
            wings = [p for p in pose_solids(motion, m) if p.key.startswith("station:wing:")]
            assert len(wings) == 8
            for p in wings:
                mesh = meshes[p.key]
                sel = np.all(np.isclose(mesh.colors, cells), axis=1)
                assert sel.sum() >= 8
                for n in mesh.normals[sel][::4]:
                    worst = max(worst, _deg(p.R @ n, s))
    finally:
        eph.close()
    assert worst < 5.0


# --- docking ---------------------------------------------------------------------------------

def test_every_docked_vehicle_sits_on_its_port(model, motion, ev):
    """Through the poses the scene draws: each docked vehicle's mesh origin (a Soyuz's or
    Progress's probe tip, Dragon's docking ring, Cygnus's berthing ring) within 0.1 m of its
    port's plane centre, its docking axis within 1° of the port's axis (inward)."""
    lay = model.scenario.station
    times = [ev["docking"] + 1.0, ev["hatch-open"], ev["ms18-hatch-close"],
             ev["undocking"] - 1.0]
    seen = set()
    for t in times:
        for p in pose_solids(motion, t):
            if p.owner not in lay.vehicles:
                continue
            veh = lay.vehicles[p.owner]
            port, axis = _port(model, veh.port, t)
            assert np.linalg.norm(p.origin_km - port) * 1000.0 < 0.1, (p.owner, t)
            assert _deg(p.R[:, 0], -axis) < 1.0
            seen.add(p.owner)
    assert seen == set(lay.vehicles)


def test_vehicles_are_drawn_mated_only_within_their_docked_times(model, motion, ev):
    lay = model.scenario.station

    def mated(owner, t):
        got = [p for p in pose_solids(motion, t) if p.owner == owner]
        if not got:
            return False
        R, o = motion.docked_pose(owner, t)
        return all(np.linalg.norm(p.origin_km - o) < 1e-6 and np.allclose(p.R, R) for p in got)

    assert not mated("soyuz-ms-19", ev["docking"] - 120.0)
    assert mated("soyuz-ms-19", ev["docking"] + 1.0)
    assert mated("soyuz-ms-18", ev["undocking"] - 1.0)
    assert not mated("soyuz-ms-18", ev["undocking"] + 120.0)
    # the visitors present all week: drawn for exactly their docked interval (Progress MS-17's
    # departure moved into the window here to see it go)
    t_go = ev["hatch-open"] + 3600.0
    prog = lay.vehicles["progress-ms-17"]
    lay.vehicles["progress-ms-17"] = dataclasses.replace(prog, docked_until_met_s=t_go)
    try:
        assert mated("progress-ms-17", t_go - 1.0)
        assert not any(p.owner == "progress-ms-17" for p in pose_solids(motion, t_go + 1.0))
    finally:
        lay.vehicles["progress-ms-17"] = prog
    for vid in ("crew-dragon-endeavour", "cygnus-ng-16"):
        assert mated(vid, ev["liftoff"]) and mated(vid, ev["undocking"])


# --- the launcher, the return, the plumes ---------------------------------------------------------

def _vertices(meshes, p):
    return p.origin_km * 1000.0 + meshes[p.key].vertices_m @ p.R.T


def test_boosters_attached_until_separation_then_apart(model, motion, meshes, ev):
    before = pose_solids(motion, ev["booster-separation"] - 1.0)
    assert {p.key for p in before if p.owner == "soyuz-ms-19"} >= {
        "launcher:booster-b", "launcher:booster-v", "launcher:booster-g", "launcher:booster-d",
        "launcher:core", "launcher:fairing", "soyuz-ms:descent-module"}
    after = pose_solids(motion, 120.0)
    core = next(p for p in after if p.key == "launcher:core")
    core_v = _vertices(meshes, core)
    boosters = [p for p in after if p.owner.startswith("shed:booster-")]
    assert len(boosters) == 4
    for b in boosters:
        bv = _vertices(meshes, b)
        gap = min(np.linalg.norm(core_v - x, axis=1).min() for x in bv[::7])
        assert gap > 3.0, b.owner                                  # metres apart


def test_descent_module_alone_after_module_separation(model, motion, ev):
    t = ev["module-separation"]
    keys = {p.key for p in pose_solids(motion, t - 1.0) if p.owner == "soyuz-ms-18"}
    assert "soyuz-ms:orbital-module" in keys and "soyuz-ms:service-module" in keys
    after = pose_solids(motion, t + 30.0)
    assert {p.key for p in after if p.owner == "soyuz-ms-18"} == {"soyuz-ms:descent-module"}
    shed = {p.owner for p in after}
    assert {"shed:ms18-orbital-module", "shed:ms18-service-module"} <= shed
    chute = [p for p in pose_solids(motion, ev["main-parachute"] + 60) if p.owner == "soyuz-ms-18"]
    assert {p.key for p in chute} == {"soyuz-ms:descent-module", "parachute:main"}


def test_plumes_fire_at_the_burns_against_the_dv(model, motion, ev):
    b1 = model.models["rendezvous"].info["burns"][0]
    assert b1["engine"] == "SKD"
    (pl,) = pose_plumes(motion, b1["met_s"] + 30.0)
    assert pl.id == b1["id"] and pl.propellant == "hypergolic"
    assert _deg(pl.direction, -np.asarray(b1["dv_gcrs_m_s"])) < 1.0   # exhaust against Δv
    R, o = motion.vehicle_pose("soyuz-ms-19", b1["met_s"] + 30.0)
    aft = o + R @ np.array([-6.98, 0, 0]) / 1000.0                      # the SKD's nozzle
    assert np.linalg.norm(pl.apex_km - aft) * 1000.0 < 0.01
    assert pose_plumes(motion, b1["met_s"] - 1.0) == []
    assert pose_plumes(motion, b1["end_met_s"] + 1.0) == []
    lift = pose_plumes(motion, 10.0)
    assert len(lift) == 5 and all(p.propellant == "kerolox" for p in lift)
    core = next(p for p in lift if p.id == "ascent:core")
    assert core.length_m / pl.length_m == pytest.approx(np.sqrt(990180.0 / 2950.0), rel=1e-9)
    assert {p.id for p in pose_plumes(motion, 200.0)} == {"ascent:core"}
    assert {p.id for p in pose_plumes(motion, 400.0)} == {"ascent:third-stage"}


def test_every_key_posed_has_a_mesh(model, motion, meshes, ev):
    keys = set(build_mission_geometry(model.scenario.station,
                                      {"parachute": {"riser_m": 28.0, "drogue_diameter_m": 4.5,
                                                     "main_diameter_m": 25.0}}))
    for t in list(ev.values()) + [-100.0, 500.0, ev["undocking"] + 3000.0]:
        if model.window[0] <= t <= model.window[1]:
            assert {p.key for p in pose_solids(motion, t)} <= keys


def test_shed_parts_turn_about_points_inside_themselves(model, motion, meshes):
    """Each shed part's pivot (its ballistic point, from the motion file) lies inside the
    bounding box of the meshes it is drawn with."""
    from orbitviz.render.solid_poses import _shed_keys

    for p in motion.shed:
        lo = np.min([meshes[k].bounds_m()[0] for k in _shed_keys(p)], axis=0)
        hi = np.max([meshes[k].bounds_m()[1] for k in _shed_keys(p)], axis=0)
        assert np.all(p.pivot_m >= lo - 1e-9) and np.all(p.pivot_m <= hi + 1e-9), p.id
