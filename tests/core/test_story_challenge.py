"""The story that ships, "Challenge: the flight in 90 seconds", read against the real mission:
its seven shots tell what the issue asks, every frame's camera is above the ground and clear
of its target; and the locator built from the viewer model agrees with the object states."""

import numpy as np
import pytest
import story_refs as ref

from orbitviz.core.geodesy import itrs_to_geodetic
from orbitviz.core.mission import MissionModel
from orbitviz.core.story import (Film, Keyframe, KeyframePath, StoryContext, StoryError,
                                 find_story, list_stories, load_story, viewer_locator)
from orbitviz.core.story.ramp import LinearRamp
from orbitviz.core.viewer import ViewerModel

ISS_ORBIT_S = 5556.0  # 92.6 min


@pytest.fixture(scope="module")
def mission():
    return MissionModel.build()


@pytest.fixture(scope="module")
def viewer(mission):
    return ViewerModel(mission)


@pytest.fixture(scope="module")
def story(mission):
    return load_story(find_story("challenge"), StoryContext.from_mission(mission))


@pytest.fixture(scope="module")
def ev(mission):
    return mission.scenario.event_times()


def test_the_listing_names_title_and_duration(mission):
    (info,) = list_stories(StoryContext.from_mission(mission))
    assert (info.name, info.title, info.shots) == ("challenge",
                                                   "Challenge: the flight in 90 seconds", 7)
    assert info.duration_s == pytest.approx(90.0, abs=1e-9)
    assert find_story("challenge") == info.path == find_story(str(info.path))
    with pytest.raises(StoryError, match=r"no story file or shipped story named 'nope' "
                                         r"\(shipped: challenge\)"):
        find_story("nope")


def test_ninety_seconds_seven_shots_2700_frames(story):
    assert story.duration_s == pytest.approx(90.0, abs=1e-9)
    assert len(story.shots) == 7
    assert Film(story).frame_count == 2700 == round(30 * 90.0)
    # the shots follow the mission forward
    starts = [s.start_s for s in story.shots]
    assert starts == sorted(starts)


def _rate_at_event(shot, met_s):
    return float(shot.ramp.rate_at(shot.ramp.video_at(met_s)))


def test_1_the_pad_at_t_minus_10_lift_off_at_1x_then_faster_slowing_at_each_separation(story, ev):
    pad = story.shots[0]
    assert pad.start_s == ev["liftoff"] - 10.0
    assert _rate_at_event(pad, ev["liftoff"]) == pytest.approx(1.0, rel=1e-6)
    # 1× for the first seconds of flight: T+3 s is still at real time
    assert _rate_at_event(pad, ev["liftoff"] + 3.0) == pytest.approx(1.0, rel=1e-6)
    for sep in ("booster-separation", "fairing-separation"):
        assert pad.start_s < ev[sep] < pad.end_s
        assert _rate_at_event(pad, ev[sep]) <= 3.0
    assert pad.ramp.fast_rate > 30.0  # and faster in between
    assert {k.target for k in pad.camera.path.keyframes} == {"soyuz-ms-19"}


def test_2_the_climb_to_orbit(story, ev):
    climb = story.shots[1]
    assert climb.start_s < ev["core-separation"] < ev["orbit-insertion"] < climb.end_s


def test_3_the_two_orbit_chase_compressed_with_the_soyuz_followed(story, ev):
    chase = story.shots[2]
    assert chase.start_s <= ev["rendezvous-burn-1"] and chase.end_s >= ev["rendezvous-burn-6"]
    assert chase.end_s - chase.start_s > 1.8 * ISS_ORBIT_S
    assert chase.ramp.mean_rate > 500.0
    assert {k.target for k in chase.camera.path.keyframes} == {"soyuz-ms-19"}


def test_4_the_final_approach_slowly_from_beside_the_station_and_docking(story, ev, viewer):
    dock = story.shots[3]
    assert dock.start_s == ev["kurs-failure"] and dock.start_s < ev["docking"] < dock.end_s
    assert _rate_at_event(dock, ev["docking"]) <= 5.0
    locate = viewer_locator(viewer, dock.frame)
    for u in np.linspace(0.0, dock.duration_s, 33):
        t = dock.ramp.met_at(u)
        pose = dock.camera.path.pose(u, t, locate)
        iss, rows = locate("iss", "lvlh", t)
        offset = rows @ (pose.position_km - iss)
        assert 0.1 < np.linalg.norm(offset) < 1.0  # within a kilometre of the station
        assert abs(offset[1]) > 0.5 * np.linalg.norm(offset)  # beside it: across the orbit


def test_5_twelve_days_in_a_few_seconds_over_the_turning_earth(story, ev):
    days = story.shots[4]
    assert days.end_s - days.start_s > 11.0 * 86400.0 and days.duration_s <= 10.0
    assert days.ramp.fast_rate > 100_000.0
    assert days.frame == "inertial"  # the Earth turns under a camera fixed among the stars
    assert {(k.target, k.axes) for k in days.camera.path.keyframes} == {("earth", "inertial")}


def test_6_undocking_and_the_deorbit_burn(story, ev):
    home = story.shots[5]
    assert home.start_s == ev["undocking"] and ev["deorbit-burn-end"] < home.end_s
    # the burn (about 4.5 min) plays at 60×: about five seconds of video
    a, b = home.ramp.video_at(ev["deorbit-burn"]), home.ramp.video_at(ev["deorbit-burn-end"])
    assert 4.0 < b - a < 6.0


def test_7_entry_and_the_parachute_landing(story, ev):
    last = story.shots[6]
    assert last.start_s < ev["entry-interface"] < ev["parachute"] < ev["touchdown"] < last.end_s
    assert last.end_s == ev["landing"]


def test_every_frame_s_camera_is_above_the_ground_and_clear_of_its_target(story, viewer,
                                                                          mission):
    film = Film(story)
    locate = {f: viewer_locator(viewer, f) for f in ("earth-fixed", "inertial")}
    lowest = np.inf
    for k in range(0, film.frame_count, 3):
        for layer in film.frame(k).layers:
            loc = locate[layer.frame]
            pose = layer.camera_pose(loc)
            assert np.all(np.isfinite(pose.position_km))
            g2i = viewer.environment.gcrs_to_itrs(layer.met_s)
            p_itrs = pose.position_km if layer.frame == "earth-fixed" else g2i @ pose.position_km
            lat, lon, alt = itrs_to_geodetic(p_itrs)
            lowest = min(lowest, float(alt))
            for t in layer.shot.camera.path.targets():
                if t != "earth":  # 50 m at least: outside the ships
                    d = np.linalg.norm(pose.position_km - loc(t, "inertial", layer.met_s)[0])
                    assert d > 0.05, (layer.shot.name, layer.local_s, t, d)
    assert lowest > 0.1  # km; the landing shot ends 0.6 km above the capsule on the steppe


def test_viewer_locator_agrees_with_the_object_states(viewer, ev):
    t = ev["docking"]
    st = viewer.state("iss", t)
    r, v = st.r_gcrs_km, st.v_gcrs_km_s
    g2i = viewer.environment.gcrs_to_itrs(t)
    gi = viewer_locator(viewer, "inertial")
    ef = viewer_locator(viewer, "earth-fixed")
    assert np.array_equal(gi("iss", "lvlh", t)[0], r)
    assert np.allclose(ef("iss", "lvlh", t)[0], g2i @ r, atol=1e-9)
    rows = gi("iss", "lvlh", t)[1]
    assert np.allclose(rows @ rows.T, np.eye(3), atol=1e-12) and np.linalg.det(rows) > 0.999
    assert np.allclose(rows, ref.lvlh_rows(r, v), atol=1e-12)
    assert np.allclose(rows[2], -r / np.linalg.norm(r), atol=1e-12)  # z toward the Earth
    enu = gi("iss", "enu", t)[1]
    assert np.allclose(enu[2], r / np.linalg.norm(r), atol=1e-12)  # up: radially out
    assert abs(enu[0] @ g2i[2]) < 1e-12  # east is horizontal to the Earth's axis
    assert np.allclose(gi("earth", "inertial", t)[1], np.eye(3))
    assert np.allclose(ef("earth", "earth-fixed", t)[1], np.eye(3), atol=1e-12)
    # one camera, two world frames: the positions differ by the Earth's rotation only
    path = KeyframePath([Keyframe(0.0, "iss", "lvlh", (0.3, 0.5, -0.1)),
                         Keyframe(4.0, "earth", "earth-fixed", (9000.0, 3000.0, 5000.0))])
    for u in (0.0, 1.3, 2.0, 4.0):
        a, b = path.pose(u, t, gi), path.pose(u, t, ef)
        assert np.allclose(g2i @ a.position_km, b.position_km, atol=1e-8)
        assert np.allclose(g2i @ a.view_dir, b.view_dir, atol=1e-12)
        assert np.allclose(g2i @ a.up, b.up, atol=1e-12)


def test_earth_to_soyuz_in_the_real_scene_is_c1(viewer, ev):
    """A change of target over the mission's own trajectories (modelled, sampled and
    interpolated): the camera is C1 where the target changes and between."""
    path = KeyframePath([Keyframe(0.0, "earth", "earth-fixed", (20000.0, -9000.0, 8000.0)),
                         Keyframe(4.0, "soyuz-ms-19", "lvlh", (-0.6, 0.4, -0.2)),
                         Keyframe(6.0, "soyuz-ms-19", "lvlh", (-0.2, 0.3, -0.1))])
    ramp = LinearRamp(ev["rendezvous-burn-2"] + 300.0, ev["rendezvous-burn-2"] + 360.0, 6.0)
    locate = viewer_locator(viewer, "inertial")

    def f(u):
        return path.pose(u, ramp.met_at(u), locate).position_km

    for s in (1.0, 2.5, 4.0, 5.0):
        assert ref.kink(f, s) < 2e-5, s
        assert ref.kink(f, s, 1e-4) < 2e-6, s
