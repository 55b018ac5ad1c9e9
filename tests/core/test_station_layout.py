"""The station file against the published figures it cites: module sizes, where each port
sits on its module, the truss's length, the arrays' sizes, and the visiting vehicles' docked
times (published times, written here from the sources, not read from the file)."""

import datetime as dt

import numpy as np
import pytest

from orbitviz.core.scenario import load_scenario
from orbitviz.core.station_layout import load_station_layout

# Published figures, metres (sources as in assets/station/iss-2021-10.toml's header).
PUBLISHED_LENGTH_DIAMETER_M = {
    "destiny": (8.53, 4.27),       # NASA: 28 ft × 14 ft
    "harmony": (7.2, 4.4),         # NASA: 23.6 ft × 14.5 ft
    "unity": (5.47, 4.57),
    "zarya": (12.56, 4.11),
    "zvezda": (13.1, 4.15),        # NASA: 43 ft × 13.5 ft
    "nauka": (13.12, 4.25),
    "rassvet": (6.0, 2.35),        # STS-132 press kit
    "poisk": (4.049, 2.55),        # Energia: 4,049 mm between docking planes
    "tranquility": (6.7, 4.48),
    "cupola": (1.5, 2.95),
    "kibo-pm": (11.2, 4.4),        # NASA/JAXA
    "columbus": (6.871, 4.477),    # ESA
    "quest": (5.5, 4.0),
    "leonardo": (6.6, 4.57),
    "beam": (4.01, 3.23),
    "bishop": (2.13, 2.44),        # NASA: 7 ft high, 8 ft diameter
    "pma-1": (1.86, 1.9),
    "pma-2": (1.86, 1.9),
    "pma-3": (1.86, 1.9),
    "ida-2": (1.10, 1.60),         # 42 in × 63 in
    "ida-3": (1.10, 1.60),
}
TRUSS_LENGTH_M = 109.0             # NASA facts and figures: 357.5 ft
MODULE_LENGTH_M = 51.0             # NASA facts and figures: 167.3 ft
WING_M = (34.1, 11.9)              # NASA: 112 ft × 39 ft
IROSA_M = (18.3, 6.0)              # NASA: 60 ft × 20 ft
ZVEZDA_SPAN_M = 29.7               # NASA: 97.5 ft


@pytest.fixture(scope="module")
def layout():
    return load_station_layout()


@pytest.fixture(scope="module")
def scenario():
    return load_scenario()


def test_every_item_cites_a_source(layout):
    items = (list(layout.modules.values()) + list(layout.ports.values())
             + list(layout.truss.values()) + list(layout.wings.values())
             + list(layout.radiators.values()) + list(layout.boxes.values())
             + list(layout.alpha_joints.values()) + list(layout.vehicles.values()) + [layout.arm])
    assert len(items) > 60
    for it in items:
        assert it.source.strip(), it.id
        if hasattr(it, "basis"):
            assert it.basis.strip(), it.id


@pytest.mark.parametrize("mid", sorted(PUBLISHED_LENGTH_DIAMETER_M))
def test_module_sizes_match_the_published_figures(layout, mid):
    length, diameter = PUBLISHED_LENGTH_DIAMETER_M[mid]
    m = layout.modules[mid]
    assert sum(s[0] for s in m.sections) == pytest.approx(length, abs=0.005)
    assert max(max(s[1], s[2]) for s in m.sections) == pytest.approx(diameter, abs=0.005)
    assert np.linalg.norm(m.end_m - m.start_m) == pytest.approx(length, abs=0.005)


def _on_hull(layout, child, parent):
    """Distance of a lateral module's attaching plane from its parent's axis, m."""
    p = layout.modules[parent]
    c = layout.modules[child]
    rel = c.start_m - p.start_m
    return np.linalg.norm(rel - np.dot(rel, p.axis) * p.axis)


@pytest.mark.parametrize("port_id, module_id, parent_id, parent_offset_m", [
    # (port, its module, the module it hangs from, the parent port's distance from the
    # parent's axis: hull radius for CBM modules; 1.6 m for the Russian lateral ports, estimate)
    ("rassvet-nadir", "rassvet", "zarya", 1.6),
    ("nauka-nadir", "nauka", "zvezda", 1.6),
    ("poisk-zenith", "poisk", "zvezda", 1.6),
    ("ida-3", "ida-3", "pma-3", None),
])
def test_ports_lie_at_their_modules_far_ends(layout, port_id, module_id, parent_id,
                                             parent_offset_m):
    port = layout.ports[port_id]
    mod = layout.modules[module_id]
    length = PUBLISHED_LENGTH_DIAMETER_M[module_id][0]
    # the port is the module's far end, one published length out along the module's axis
    assert np.linalg.norm(port.position_m - (mod.start_m + length * mod.axis)) < 0.01
    assert np.dot(port.axis, mod.axis) == pytest.approx(1.0)
    if parent_offset_m is not None:
        assert _on_hull(layout, module_id, parent_id) == pytest.approx(parent_offset_m, abs=0.01)


def test_earth_facing_ports_below_their_parents_by_published_lengths(layout):
    """Soyuz ports: Rassvet's is 6.0 m below Zarya's nadir port, Nauka's 13.12 m below
    Zvezda's; both sit on the main axis's vertical plane (y = 0), facing the Earth."""
    z_axis = layout.main_axis_z_m
    r = layout.ports["rassvet-nadir"]
    n = layout.ports["nauka-nadir"]
    assert r.position_m[2] - (z_axis + 1.6) == pytest.approx(6.0, abs=0.01)
    assert n.position_m[2] - (z_axis + 1.6) == pytest.approx(13.12, abs=0.01)
    for p in (r, n):
        assert p.position_m[1] == 0.0
        np.testing.assert_allclose(p.axis, [0, 0, 1])
    # Nauka hangs from Zvezda's forward transfer compartment, within Zvezda's first 3 m
    zv = layout.modules["zvezda"]
    assert 0.0 < zv.start_m[0] - n.position_m[0] < 3.0
    # Rassvet hangs from Zarya's forward adapter, within Zarya's first 3 m
    za = layout.modules["zarya"]
    assert 0.0 < za.start_m[0] - r.position_m[0] < 3.0


def test_main_stack_length_against_nasa(layout):
    front = layout.modules["ida-2"].end_m[0]
    back = layout.modules["zvezda"].end_m[0]
    assert abs((front - back) - MODULE_LENGTH_M) < 1.5
    # chained end to end: each module starts where its neighbour ends
    chain = ["ida-2", "pma-2", "harmony"]
    for a, b in zip(chain, chain[1:]):
        assert np.allclose(layout.modules[a].start_m, layout.modules[b].end_m)
    chain = ["destiny", "unity", "pma-1", "zarya", "zvezda"]
    for a, b in zip(chain, chain[1:]):
        assert np.allclose(layout.modules[a].end_m, layout.modules[b].start_m)


def test_truss_spans_109_m_without_gaps(layout):
    lo, hi = layout.truss_span_m()
    assert hi - lo == pytest.approx(TRUSS_LENGTH_M, abs=0.01)
    segs = sorted(((t.center_m[1] - t.size_m[1] / 2, t.center_m[1] + t.size_m[1] / 2)
                   for t in layout.truss.values()))
    for (a0, a1), (b0, b1) in zip(segs, segs[1:]):
        assert b0 == pytest.approx(a1, abs=0.01)
    # S0 at the origin, S1/P1 45 ft each (NASA), outboard segments turn with a SARJ
    assert layout.truss["s0"].size_m[1] == pytest.approx(13.4)
    assert layout.truss["s1"].size_m[1] == pytest.approx(13.7)
    for tid in ("s4", "s5", "s6"):
        assert layout.truss[tid].rotates_with == "starboard-sarj"
    for tid in ("p4", "p5", "p6"):
        assert layout.truss[tid].rotates_with == "port-sarj"


def test_array_sizes(layout):
    legacy = layout.legacy_wings()
    assert sorted(w.id for w in legacy) == ["1A", "1B", "2A", "2B", "3A", "3B", "4A", "4B"]
    for w in legacy:
        assert (w.length_m, w.width_m) == pytest.approx(WING_M)
    irosa = [w for w in layout.wings.values() if w.kind == "irosa"]
    assert sorted(w.host for w in irosa) == ["2B", "4B"]      # P6's two channels, June 2021
    for w in irosa:
        assert (w.length_m, w.width_m) == pytest.approx(IROSA_M)
        assert layout.wings[w.host].pv_module == "P6"
    zv = [w for w in layout.wings.values() if w.kind == "zvezda"]
    tips = [w.bga_m + w.direction * w.length_m for w in zv]
    assert np.linalg.norm(tips[0] - tips[1]) == pytest.approx(ZVEZDA_SPAN_M, abs=0.01)


def test_canadarm2_length(layout):
    pts = layout.arm.points_m
    assert np.sum(np.linalg.norm(np.diff(pts, axis=0), axis=1)) == pytest.approx(17.6, abs=0.1)
    assert layout.arm.diameter_m == pytest.approx(0.35)


def _met(sc, iso):
    return sc.axis.met_from_datetime(dt.datetime.fromisoformat(iso))


@pytest.mark.parametrize("vid, port, t_in, t_out_before, t_out_after", [
    # published instants: docked at t_in; not docked just before arrival / after departure
    ("soyuz-ms-19", "rassvet-nadir", "2021-10-05T12:22:32+00:00",
     "2021-10-05T12:22:30+00:00", None),
    ("soyuz-ms-18", "nauka-nadir", "2021-10-17T01:13:59+00:00",
     "2021-09-28T13:03:00+00:00", "2021-10-17T01:14:01+00:00"),
    ("progress-ms-17", "poisk-zenith", "2021-10-10T00:00:00+00:00", None,
     "2021-10-21T00:00:00+00:00"),
    ("crew-dragon-endeavour", "ida-3", "2021-10-10T00:00:00+00:00",
     "2021-07-21T11:00:00+00:00", None),
    ("cygnus-ng-16", "unity-nadir", "2021-10-10T00:00:00+00:00",
     "2021-08-12T13:00:00+00:00", "2021-11-21T00:00:00+00:00"),
])
def test_vehicles_docked_exactly_when_published(scenario, vid, port, t_in, t_out_before,
                                                t_out_after):
    v = scenario.station.vehicles[vid]
    assert v.port == port
    assert v.docked_at(_met(scenario, t_in))
    for t in (t_out_before, t_out_after):
        if t is not None:
            assert not v.docked_at(_met(scenario, t))


def test_all_five_visitors_docked_through_the_window_until_ms18_leaves(scenario):
    sc = scenario
    t = np.linspace(sc.event_times()["docking"] + 1, sc.event_times()["undocking"] - 1, 50)
    for m in t:
        assert len(sc.station.vehicles_docked_at(m)) == 5
    after = sc.station.vehicles_docked_at(sc.event_times()["undocking"] + 60)
    assert sorted(v.id for v in after) == ["crew-dragon-endeavour", "cygnus-ng-16",
                                           "progress-ms-17", "soyuz-ms-19"]


def test_core_ports_come_from_the_station_file(scenario):
    sc = scenario
    assert set(sc.ports) == set(sc.station.ports)
    for pid, p in sc.station.ports.items():
        np.testing.assert_array_equal(sc.ports[pid]["offset_lvlh_m"], p.position_m)
        np.testing.assert_array_equal(sc.ports[pid]["axis_lvlh"], p.axis)
    for oid in ("soyuz-ms-18", "soyuz-ms-19"):
        port = sc.objects[oid].extra["port"]
        assert port == sc.station.vehicles[oid].port


def test_docked_vehicle_placement_is_a_rotation_onto_the_port(scenario):
    lay = scenario.station
    for vid, v in lay.vehicles.items():
        R, t = lay.vehicle_mesh_to_body(vid)
        np.testing.assert_allclose(R @ R.T, np.eye(3), atol=1e-12)
        assert np.linalg.det(R) == pytest.approx(1.0)
        port = lay.ports[v.port]
        np.testing.assert_allclose(t, port.position_m)
        np.testing.assert_allclose(R[:, 0], -port.axis, atol=1e-12)
    # a Soyuz at an Earth-facing port hangs vertically, probe up (mesh +x -> body -z)
    R, _ = lay.vehicle_mesh_to_body("soyuz-ms-19")
    np.testing.assert_allclose(R @ [1, 0, 0], [0, 0, -1], atol=1e-12)
