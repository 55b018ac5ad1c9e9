"""The viewer model: one answer for mission and user objects, events with handles, the
scenario and the clock's window. Positions are checked against skyfield (independent)."""

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from skyfield.api import EarthSatellite, load

from orbitviz.core.assets import asset_path
from orbitviz.core.catalog import load_element_files
from orbitviz.core.clock import SimulationClock
from orbitviz.core.elements import NoStateError
from orbitviz.core.events import Event, EventGroup
from orbitviz.core.mission import MissionModel
from orbitviz.core.viewer import ViewerModel

ISS_FILE = asset_path("tle", "iss-21277.86166359.tle")


@pytest.fixture(scope="module")
def mission():
    return MissionModel.build()


@pytest.fixture
def viewer(mission):
    return ViewerModel(mission)


@pytest.fixture(scope="module")
def catalog(mission, tmp_path_factory):
    path = Path(tmp_path_factory.mktemp("sets")) / "mine.tle"
    path.write_text(ISS_FILE.read_text())
    cat, errors = load_element_files([path], mission.axis)
    assert not errors
    return cat


def _skyfield_gcrs_km(tle_path, when_utc):
    lines = [ln for ln in Path(tle_path).read_text().splitlines() if ln.strip()]
    ts = load.timescale(builtin=True)
    sat = EarthSatellite(lines[-2], lines[-1], "ref", ts)
    return sat.at(ts.from_datetime(when_utc)).position.km


# -- events ------------------------------------------------------------------------------------
def test_event_handles_unsubscribe_and_survive_self_removal():
    ev = Event("x")
    got = []
    a = ev.connect(lambda v: got.append(("a", v)))
    b = None

    def once(v):
        got.append(("b", v))
        b.unsubscribe()  # removing itself while the event is being emitted

    b = ev.connect(once)
    ev.emit(1)
    ev.emit(2)
    a.unsubscribe()
    a.unsubscribe()  # idempotent
    ev.emit(3)
    assert got == [("a", 1), ("b", 1), ("a", 2)]
    assert len(ev) == 0 and not a.active
    with pytest.raises(TypeError):
        ev.connect(42)
    group = EventGroup("one", "two")
    assert group.names == ("one", "two") and isinstance(group.two, Event)


def test_the_clock_owns_its_window():
    clock = SimulationClock(0.0, 100.0, met_s=50.0)
    seen = []
    sub = clock.subscribe(seen.append)
    clock.set_window(60.0, 200.0)  # the time moves into the new window and says so
    assert (clock.start_s, clock.end_s, clock.met_s) == (60.0, 200.0, 60.0)
    assert seen == [60.0]
    with pytest.raises(AttributeError):
        clock.start_s = 0.0  # nobody else writes the window
    with pytest.raises(ValueError):
        clock.set_window(5.0, float("nan"))
    sub.unsubscribe()
    clock.seek(150.0)
    assert seen == [60.0]


# -- objects -------------------------------------------------------------------------------------
def test_kind_name_and_ids_for_mission_and_user_objects(viewer, catalog):
    assert viewer.kind("iss") == "mission" and viewer.kind("soyuz-ms-18") == "mission"
    assert viewer.kind("iss-zarya") is None  # no catalogue yet
    viewer.set_catalog(catalog)
    assert viewer.kind("iss-zarya") == "user" and viewer.kind("nope") is None
    # the user's set of the station (NORAD 25544) is its twin: named as the user's own
    assert viewer.name("iss-zarya") == "ISS (ZARYA) (your set)"
    assert viewer.twin_of("iss-zarya") == "iss" and viewer.twin_of("iss") is None
    assert viewer.name("soyuz-ms-19") == "Soyuz MS-19"
    assert viewer.ids("mission") == ["iss", "soyuz-ms-19", "soyuz-ms-18"]
    assert viewer.ids("user") == ["iss-zarya"]
    assert viewer.ids() == viewer.ids("mission") + viewer.ids("user")
    with pytest.raises(KeyError):
        viewer.name("nope")


def test_state_is_one_type_and_right_for_both_kinds(viewer, catalog, mission):
    viewer.set_catalog(catalog)
    when = dt.datetime(2021, 10, 5, 6, 0, tzinfo=dt.timezone.utc)
    t = mission.axis.met_from_datetime(when)
    ref = _skyfield_gcrs_km(ISS_FILE, when)
    mine = viewer.state("iss-zarya", t)
    station = viewer.state("iss", t)
    assert type(mine) is type(station)
    assert (mine.kind, station.kind) == ("user", "mission")
    assert mine.phase == "orbit" and mine.source == "tle" and mine.tle["file"]
    # each within 50 m of skyfield's SGP4 of the set it says it uses
    assert np.linalg.norm(mine.r_gcrs_km - ref) < 0.05
    used = _skyfield_gcrs_km(asset_path("tle", station.tle["file"]), when)
    assert np.linalg.norm(station.r_gcrs_km - used) < 0.05
    assert mine.attitude_q_gcrs is None  # room for the attitude, filled by later models
    assert 380.0 < mine.alt_km < 440.0 and 7.6 < mine.speed_km_s < 7.75
    with pytest.raises(NoStateError):
        viewer.state("iss-zarya", t + 40 * 86400.0)


def test_phases_docked_and_modelled(viewer, mission):
    dock = mission.scenario.event_times()["docking"]
    assert viewer.phase_at("soyuz-ms-19", dock + 60.0) == "docked"
    assert viewer.docked(dock + 60.0) == ["soyuz-ms-19", "soyuz-ms-18"]
    assert viewer.docked(dock - 600.0) == ["soyuz-ms-18"]
    assert viewer.modelled("soyuz-ms-19", 300.0) and not viewer.modelled("iss", 300.0)
    assert viewer.element_set("soyuz-ms-19", 300.0) is None  # the ascent is modelled
    assert viewer.element_set("iss", 300.0)["file"].startswith("iss-")
    assert [p for _, p in viewer.phases("soyuz-ms-19")][:2] == ["on-pad", "ascent"]


# -- selection, scenario, view ----------------------------------------------------------------------
def test_selection_events_only_for_known_changes(viewer, catalog):
    seen = []
    sub = viewer.events.selection.connect(seen.append)
    assert viewer.selected == "iss"  # the view state's default
    assert viewer.select("iss") is False
    assert viewer.select("soyuz-ms-19") is True
    assert viewer.select("iss-zarya") is False  # not loaded yet
    viewer.set_catalog(catalog)
    assert viewer.select("iss-zarya") and viewer.selected == "iss-zarya"
    viewer.set_catalog(None)  # the selected user object is gone: back to the station
    assert viewer.selected == "iss"
    sub.unsubscribe()
    viewer.select("soyuz-ms-18")
    assert seen == ["soyuz-ms-19", "iss-zarya", "iss"]


def test_free_scenario_moves_the_clocks_window_and_comes_back(mission, tmp_path):
    from tests.core.test_catalog import reencoded

    path = tmp_path / "later.tle"
    path.write_text(reencoded(dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc))[0] + "\n"
                    + reencoded(dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc))[1] + "\n")
    cat, errors = load_element_files([path], mission.axis)
    assert not errors
    viewer = ViewerModel(mission, met_s=5000.0)
    scen = []
    viewer.events.scenario.connect(scen.append)
    viewer.set_catalog(cat)
    assert not viewer.catalog_meets_mission()
    viewer.set_scenario("free")
    t0, t1 = cat.span
    assert viewer.window == (t0, t1) and t0 <= viewer.clock.met_s <= t1
    epoch = mission.axis.met_from_datetime(dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc))
    assert viewer.clock.met_s == pytest.approx(epoch, abs=1.0)  # the latest epoch
    assert not viewer.exists("iss", viewer.clock.met_s)  # the mission is not shown there
    viewer.set_scenario("mission")
    assert viewer.window == mission.window and viewer.clock.met_s == 5000.0
    assert scen == ["free", "mission"]
    with pytest.raises(ValueError):
        viewer.set_scenario("elsewhere")


def test_view_setters_emit_once_per_change(viewer):
    n = []
    viewer.events.view.connect(lambda: n.append(1))
    viewer.set_layer("grid", False)
    viewer.set_layer("grid", False)
    viewer.set_frame("inertial")
    viewer.set_track_span(behind_s=1000.0)
    assert len(n) == 3 and viewer.view.frame == "inertial"
    with pytest.raises(KeyError):
        viewer.set_layer("clouds", True)
    with pytest.raises(ValueError):
        viewer.set_frame("galactic")
