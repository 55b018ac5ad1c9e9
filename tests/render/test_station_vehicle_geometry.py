"""Station and vehicle meshes as arrays (no GL): docked vehicles mated to their ports,
bounding boxes against the published dimensions, the arrays' faces against the core's joint
model, and closed, outward-wound solids."""

import numpy as np
import pytest

from orbitviz.core.station_attitude import ArrayJoints, wing_pose
from orbitviz.core.station_layout import load_station_layout
from orbitviz.render import solids
from orbitviz.render.station_geometry import build_station, build_station_fixed, wing_mesh
from orbitviz.render.vehicle_geometry import (
    crew_dragon_mesh,
    cygnus_mesh,
    docked_vehicle_meshes,
    merged,
    progress_ms_mesh,
    soyuz_2_1a_mesh,
    soyuz_ms_mesh,
    spacecraft_mesh,
)

# Published figures (m): NASA Soyuz specifications (22.9 ft, 8.9 ft, 34.8 ft); SpaceX Dragon
# (8.1 m, 4 m); enhanced Cygnus 6.3 m × 3.07 m; Soyuz-FG stages (boosters 19.6 × 2.68 m,
# core 27.1 × 2.95 m, third stage 6.7 × 2.66 m, 49.5 m overall, 10.3 m over the rudders).
SOYUZ = dict(length=6.98, diameter=2.72, span=10.6)
DRAGON = dict(length=8.1, diameter=4.0)
CYGNUS = dict(length=6.3, diameter=3.07)
LAUNCHER = dict(height=49.5, span=10.3, booster=19.6, booster_d=2.68, core=27.1, core_d=2.95,
                third=6.7, third_d=2.66)
WING = (34.1, 11.9)


@pytest.fixture(scope="module")
def layout():
    return load_station_layout()


def _extent(mesh):
    lo, hi = mesh.bounds_m()
    return hi - lo


def _principal_axis(points):
    c = points - points.mean(axis=0)
    w, v = np.linalg.eigh(c.T @ c)
    return v[:, np.argmax(w)]


def _angle_deg(a, b):
    return np.degrees(np.arctan2(np.linalg.norm(np.cross(a, b)), np.dot(a, b)))


def test_solids_are_closed_and_wound_outward():
    f = solids.frustum((0, 0, 0), (2, 0, 0), 1.0, 0.5, (1, 1, 1), 32)
    exact = np.pi * 2 / 3 * (1 + 0.5 + 0.25)            # frustum volume
    polygon = exact * (32 / (2 * np.pi)) * np.sin(2 * np.pi / 32)   # inscribed 32-gon
    assert f.signed_volume_m3() == pytest.approx(polygon, rel=1e-9)
    b = solids.oriented_box((1, 2, 3), np.eye(3), (1, 2, 3), (1, 1, 1))
    assert b.signed_volume_m3() == pytest.approx(6.0)
    # stored normals agree with the winding on flat faces
    fn = b.face_normals()
    vn = b.normals[b.faces[:, 0]]
    assert np.all(np.einsum("ij,ij->i", fn, vn) > 0.999)


@pytest.mark.parametrize("vid", ["soyuz-ms-18", "soyuz-ms-19", "progress-ms-17",
                                 "crew-dragon-endeavour", "cygnus-ng-16"])
def test_docked_vehicle_mates_with_its_port(layout, vid):
    """The docking mechanism (the mesh's end toward the station) within 0.1 m of the port's
    plane centre; the vehicle's long axis (from its vertices) within 1° of the port axis."""
    port = layout.ports[layout.vehicles[vid].port]
    parts = docked_vehicle_meshes(layout)[vid]
    arrays = {"solar-arrays", "ultraflex-arrays"}
    body = solids.merge([m for k, m in parts.items() if k not in arrays])
    p = body.vertices_m
    depth = (p - port.position_m) @ port.axis         # > 0: away from the station
    assert depth.min() > -1e-6                         # nothing pokes into the station
    tip = p[depth < depth.min() + 1e-6]
    assert np.linalg.norm(tip.mean(axis=0) - port.position_m) < 0.1
    axis = _principal_axis(p)
    assert min(_angle_deg(axis, port.axis), _angle_deg(-axis, port.axis)) < 1.0


def test_soyuz_hangs_probe_up_below_rassvet(layout):
    parts = docked_vehicle_meshes(layout)["soyuz-ms-19"]
    probe = parts["probe"].vertices_m
    sm = parts["service-module"].vertices_m
    assert probe[:, 2].min() == pytest.approx(layout.ports["rassvet-nadir"].position_m[2], abs=1e-9)
    assert sm[:, 2].mean() > probe[:, 2].mean() + 5.0    # engine end toward the Earth


def test_only_vehicles_docked_at_the_time_are_placed(layout):
    from orbitviz.core.scenario import load_scenario
    sc = load_scenario()
    t = sc.event_times()["undocking"]
    before = docked_vehicle_meshes(sc.station, t - 1)
    after = docked_vehicle_meshes(sc.station, t + 1)
    assert "soyuz-ms-18" in before and "soyuz-ms-18" not in after
    assert len(before) == 5 and len(after) == 4


def test_soyuz_and_progress_bounding_boxes():
    for mesh in (soyuz_ms_mesh(), progress_ms_mesh()):
        ext = _extent(merged(mesh))
        assert ext[1] == pytest.approx(SOYUZ["span"], abs=0.02)
        assert ext[2] == pytest.approx(SOYUZ["diameter"], abs=0.02)
    soyuz = merged(soyuz_ms_mesh())
    assert _extent(soyuz)[0] == pytest.approx(SOYUZ["length"], abs=0.02)
    lo, hi = soyuz.bounds_m()
    assert hi[0] == pytest.approx(0.0, abs=1e-9)        # origin at the probe's tip


def test_dragon_and_cygnus_bounding_boxes():
    d = _extent(merged(crew_dragon_mesh()))
    assert d[0] == pytest.approx(DRAGON["length"], abs=0.02)
    assert max(d[1], d[2]) == pytest.approx(DRAGON["diameter"], abs=0.02)
    c = cygnus_mesh()
    body = solids.merge([c["pressurised-cargo-module"], c["service-module"]])
    e = _extent(body)
    assert e[0] == pytest.approx(CYGNUS["length"], abs=0.02)
    assert e[1] == pytest.approx(CYGNUS["diameter"], abs=0.02)
    assert _extent(merged(c))[0] == pytest.approx(CYGNUS["length"], abs=0.02)


def test_launcher_parts_and_sizes():
    parts = soyuz_2_1a_mesh()
    assert {"booster-b", "booster-v", "booster-g", "booster-d", "core", "third-stage-aft",
            "third-stage", "fairing", "escape-tower"} == set(parts)
    whole = _extent(merged(parts))
    assert whole[0] == pytest.approx(LAUNCHER["height"], abs=0.02)
    assert whole[1] == pytest.approx(LAUNCHER["span"], abs=0.02)
    core = _extent(parts["core"])
    assert core[0] == pytest.approx(LAUNCHER["core"], abs=0.02)
    assert core[1] == pytest.approx(LAUNCHER["core_d"], abs=0.02)
    third = _extent(solids.merge([parts["third-stage-aft"], parts["third-stage"]]))
    assert third[0] == pytest.approx(LAUNCHER["third"], abs=0.02)
    assert third[1] == pytest.approx(LAUNCHER["third_d"], abs=0.02)
    for b in ("booster-b", "booster-v", "booster-g", "booster-d"):
        assert _extent(parts[b])[0] == pytest.approx(LAUNCHER["booster"], abs=0.1)
    # the four boosters stand around the core, one per quadrant, and are separate parts
    centres = np.array([parts[b].vertices_m.mean(axis=0)[1:] for b in
                        ("booster-b", "booster-v", "booster-g", "booster-d")])
    ang = np.round(np.degrees(np.arctan2(centres[:, 1], centres[:, 0])), 3) % 360
    np.testing.assert_allclose(np.sort(ang), [0, 90, 180, 270], atol=1.0)


def test_station_fixed_parts_span_the_published_station(layout):
    st = build_station(layout)
    truss = solids.merge([st["truss"], st["truss-outboard"]])
    assert _extent(truss)[1] == pytest.approx(109.0, abs=0.01)
    mods = st["modules"]
    lo, hi = mods.bounds_m()
    assert hi[0] == pytest.approx(layout.ports["ida-2"].position_m[0], abs=1e-6)
    assert hi[2] == pytest.approx(layout.ports["nauka-nadir"].position_m[2], abs=1e-6)
    fixed = build_station_fixed(layout)
    assert set(fixed) == {"modules", "truss", "radiators", "canadarm2"}
    assert set(st) >= {"arrays", "irosa", "zvezda-arrays", "radiators-pv", "truss-outboard"}


def test_wing_panels_follow_the_joint_model(layout):
    """At arbitrary joint angles each legacy wing spans its published 34.1 m × 11.9 m, and
    its cell faces look along the core's wing normal."""
    rng = np.random.default_rng(2)
    for _ in range(5):
        joints = ArrayJoints({j: rng.uniform(-np.pi, np.pi) for j in layout.alpha_joints},
                             {w.id: rng.uniform(-1.2, 1.2) for w in layout.legacy_wings()})
        for w in layout.legacy_wings():
            pose = wing_pose(layout, w, joints)
            m = wing_mesh(layout, w, joints)
            c = m.vertices_m - pose.center_m
            along = c @ pose.along
            across = c @ pose.across
            assert along.max() - along.min() == pytest.approx(WING[0], abs=1e-6)
            assert across.max() - across.min() == pytest.approx(WING[1], abs=1e-6)
            cells = np.all(np.isclose(m.colors, (0.16, 0.20, 0.45)), axis=1)
            assert cells.any()
            for n in m.normals[cells]:
                assert _angle_deg(n, pose.normal) < 1e-6


def test_meshes_are_finite_and_indexed(layout):
    meshes = list(build_station(layout).values())
    meshes += [merged(spacecraft_mesh(t)) for t in ("soyuz-ms", "progress-ms", "crew-dragon",
                                                    "cygnus-enhanced")]
    meshes.append(merged(soyuz_2_1a_mesh()))
    for m in meshes:
        assert np.all(np.isfinite(m.vertices_m))
        assert m.faces.max() < len(m.vertices_m)
        np.testing.assert_allclose(np.linalg.norm(m.normals, axis=1), 1.0, atol=1e-9)
        assert np.all((m.colors >= 0) & (m.colors <= 1))
        pos, nrm, col = m.triangle_soup()
        assert pos.shape == (3 * m.n_triangles, 3) and pos.dtype == np.float32
