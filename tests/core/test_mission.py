"""The assembled mission: segments join continuously, phases follow the mission file,
docked vehicles ride the station, the landed capsule stays put."""

import numpy as np
import pytest

from orbitviz.core.elements import NoStateError
from orbitviz.core.geodesy import itrs_to_geodetic
from orbitviz.core.mission import MissionModel


@pytest.fixture(scope="module")
def model():
    return MissionModel.build()


def _geodetic(model, r, met):
    return itrs_to_geodetic(model.eo.gcrs_to_itrs_position(r, met))


@pytest.mark.parametrize("oid", ["iss", "soyuz-ms-19", "soyuz-ms-18"])
def test_positions_are_continuous_at_every_join(model, oid):
    """Where a sample time repeats (a segment join or an impulsive burn), the position
    is the same on both sides (1 m), except at an element-set switch (under 10 km)."""
    traj = model.objects[oid].trajectory
    t, r = traj.met_s, traj.r_gcrs_km
    dup = np.nonzero(np.diff(t) == 0)[0]
    switches = set(model.scenario.chain.switch_times_s)
    for i in dup:
        jump = np.linalg.norm(r[i + 1] - r[i])
        limit = 10.0 if t[i] in switches else 1e-3
        assert jump < limit, (oid, model.axis.iso_utc(t[i]), jump)
    # between samples, no gap larger than the speed allows
    dt = np.diff(t)
    dr = np.linalg.norm(np.diff(r, axis=0), axis=1)
    vmax = np.maximum(np.linalg.norm(traj.v_gcrs_km_s[:-1], axis=1),
                      np.linalg.norm(traj.v_gcrs_km_s[1:], axis=1))
    ok = (dt == 0) | (dr <= vmax * dt * 1.01 + 1e-6)
    assert ok.all()


@pytest.mark.parametrize("oid", ["iss", "soyuz-ms-19", "soyuz-ms-18"])
def test_phases_follow_the_mission_file(model, oid):
    obj = model.objects[oid]
    listed = model.scenario.objects[oid].phases
    seen = [p for _, p in obj.phases]
    assert seen == listed
    starts = [t for t, _ in obj.phases]
    assert starts == sorted(starts)


def test_soyuz_ms19_is_on_the_pad_then_flies_then_docks(model):
    ev = model.scenario.event_times()
    obj = model.objects["soyuz-ms-19"]
    assert obj.phase_at(-60.0) == "on-pad"
    assert obj.phase_at(60.0) == "ascent"
    assert obj.phase_at(ev["orbit-insertion"] + 1) == "free-flight"
    assert obj.phase_at(ev["kurs-failure"] + 1) == "final-approach"
    assert obj.phase_at(ev["docking"] + 1) == "docked"
    with pytest.raises(NoStateError):
        model.gcrs_state("soyuz-ms-19", -1801.0)


def test_docked_vehicles_ride_with_the_station(model):
    """Docked, each Soyuz keeps its port's distance from the station's reference point."""
    ev = model.scenario.event_times()
    cases = [("soyuz-ms-19", np.linspace(ev["docking"] + 1, ev["undocking"], 300), "rassvet-nadir"),
             ("soyuz-ms-18", np.linspace(model.window[0], ev["undocking"] - 1, 300), "nauka-nadir")]
    for oid, times, port in cases:
        expected_m = np.linalg.norm(model.scenario.ports[port]["offset_lvlh_m"])
        for t in times:
            r, _ = model.gcrs_state(oid, float(t))
            rs, _ = model.gcrs_state("iss", float(t))
            assert np.linalg.norm(r - rs) * 1000 == pytest.approx(expected_m, abs=0.5)


def test_landed_capsule_stays_at_its_landing_point(model):
    obj = model.objects["soyuz-ms-18"]
    touch = obj.info["return"]["touchdown"]
    for t in np.linspace(touch["met_s"] + 1, model.window[1] + 86400, 50):
        r, v = model.gcrs_state("soyuz-ms-18", float(t))
        lat, lon, alt = _geodetic(model, r, float(t))
        assert obj.phase_at(float(t)) == "landed"
        assert float(lat) == pytest.approx(touch["lat_deg"], abs=1e-6)
        assert float(lon) == pytest.approx(touch["lon_deg"], abs=1e-6)
        # inertial speed of a point on the ground at 46.8° N: Ω R cos(lat) ≈ 0.318 km/s
        assert np.linalg.norm(v) == pytest.approx(7.292115e-5 * 6378.137 * np.cos(np.radians(46.8)), rel=0.01)


def test_display_window_is_30_min_before_liftoff_to_30_min_after_landing(model):
    ev = model.scenario.event_times()
    assert model.window[0] == pytest.approx(-1800.0)
    assert model.window[1] == pytest.approx(ev["landing"] + 1800.0)


def test_every_listed_event_has_a_time(model):
    missing = [e.id for e in model.scenario.events if e.met_s is None]
    assert not missing
