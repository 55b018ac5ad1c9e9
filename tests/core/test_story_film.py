"""Film timing: round(fps × duration) frames, frame k at k/fps, shots on screen, dissolve
weights, each shot's camera C1 through its dissolve, and the texts each frame carries."""

import numpy as np
import pytest
import story_refs as ref

from orbitviz.core.story import Film, StoryError, parse_story
from orbitviz.core.timeaxis import format_met

# three shots: 10 s (1.5 s dissolve) → 6 s (cut) → 4.25 s: the film lasts 10 + 6 + 4.25 − 1.5
THREE = """
[story]
title = "Three shots"

[[shots]]
name = "Lift-off"
start = "T-10"
end = "T+190"
duration_s = 10
dissolve_s = 1.5
camera = "baikonur"
title = "Three shots"
title_s = [0, 3]

[[shots]]
name = "Follow"
start = "T+200"
end = "T+800"
duration_s = 6
frame = "inertial"
caption = "none"
clock = false
[[shots.keyframes]]
video_s = 0
target = "sat"
position_km = [-2.0, 1.0, -0.5]
[[shots.keyframes]]
video_s = 6
target = "sat"
position_km = [-0.4, 0.3, -0.1]

[[shots]]
name = "Docked"
at = "docking"
duration_s = 4.25
caption = "Docked"
saved_shot = "Docking"
"""
DURATION = 10 + 6 + 4.25 - 1.5


@pytest.fixture(scope="module")
def story():
    return parse_story(THREE, ref.context(), "three.toml", "three")


@pytest.mark.parametrize("fps", [1, 24, 25, 30, 60, 120])
def test_a_film_has_round_fps_times_duration_frames_frame_k_at_k_over_fps(story, fps):
    film = Film(story, fps)
    assert film.duration_s == pytest.approx(DURATION, abs=1e-12)
    assert film.frame_count == round(fps * DURATION) == len(list(film.frames()))
    times = [film.frame(k).video_s for k in range(film.frame_count)]
    assert times == [k / fps for k in range(film.frame_count)]
    assert times[-1] < DURATION
    with pytest.raises(IndexError):
        film.frame(film.frame_count)


def test_the_story_s_own_frame_rate_is_the_default(story):
    assert story.fps == 30 and Film(story).frame_count == round(30 * DURATION)


def test_shot_starts_and_dissolve_weights(story):
    film = Film(story, 30)
    assert film.starts_s == (0.0, 8.5, 14.5)
    for k in range(film.frame_count):
        plan = film.frame(k)
        v = k / 30
        weights = [layer.weight for layer in plan.layers]
        assert sum(weights) == pytest.approx(1.0, abs=1e-12)
        if 8.5 <= v < 10.0:  # the dissolve: the last 1.5 s of shot 1, the first of shot 2
            assert [layer.shot.name for layer in plan.layers] == ["Lift-off", "Follow"]
            w = (v - 8.5) / 1.5  # linear from 0 to 1
            assert plan.dissolve == pytest.approx(w, abs=1e-12)
            assert weights == pytest.approx([1 - w, w], abs=1e-12)
            assert plan.layers[0].local_s == pytest.approx(v, abs=1e-12)
            assert plan.layers[1].local_s == pytest.approx(v - 8.5, abs=1e-12)
        else:
            assert len(plan.layers) == 1 and plan.dissolve is None and weights == [1.0]
            want = "Lift-off" if v < 8.5 else ("Follow" if v < 14.5 else "Docked")
            assert plan.layers[0].shot.name == want


def test_a_cut_switches_shots_between_two_frames(story):
    film = Film(story, 30)
    k = round(14.5 * 30)
    before, after = film.frame(k - 1), film.frame(k)
    assert before.layers[0].shot.name == "Follow" and after.layers[0].shot.name == "Docked"
    assert after.layers[0].local_s == pytest.approx(0.0, abs=1e-12)


def test_each_layer_shows_its_ramp_s_mission_time(story):
    film = Film(story, 30)
    for k in range(film.frame_count):
        for layer in film.frame(k).layers:
            shot = layer.shot
            assert layer.met_s == shot.ramp.met_at(layer.local_s)
            assert shot.start_s <= layer.met_s <= shot.end_s
    # shot 1: T−10 to T+190 in 10 s at 20×; shot 3 holds at docking
    assert film.frame(0).layers[0].met_s == -10.0
    assert film.frame(0).layers[0].rate == pytest.approx(20.0)
    assert film.frame(film.frame_count - 1).layers[0].met_s == 12448.558
    assert film.frame(film.frame_count - 1).layers[0].rate == 0.0


def test_a_shot_s_camera_stays_c1_through_the_dissolve(story):
    """The dissolve blends pictures; the camera inside each shot goes on smoothly: shot 2's
    camera as a function of film time has no kink where its dissolve ends."""
    film = Film(story, 30)

    def camera_of(shot_index):
        def f(v):
            layer = [x for x in film.at(v).layers if x.shot.index == shot_index][0]
            return layer.camera_pose(ref.locate).position_km
        return f

    f = camera_of(1)
    assert ref.kink(f, 10.0, 1e-3) < 2e-5  # where the dissolve into shot 2 ends
    assert ref.kink(f, 12.0, 1e-3) < 2e-5  # and inside the shot
    # preset and saved-shot cameras are the renderer's to resolve
    first = film.frame(0).layers[0]
    assert first.camera_pose(ref.locate) is None and first.shot.camera.preset == "baikonur"
    assert story.shots[2].camera.saved == "Docking"


def test_texts_title_caption_and_clock(story):
    film = Film(story, 30)
    t0 = film.frame(0).layers[0].texts()
    assert t0.title == ("Three shots",) and t0.title_alpha == 1.0  # starts with its shot
    assert t0.caption == "Before lift-off" and t0.clock == "T-00:00:10"
    fading = film.at(2.75).layers[0].texts()  # 0.25 s before the title's end at 3 s
    assert fading.title_alpha == pytest.approx(0.5)
    assert film.at(3.5).layers[0].texts().title == ()
    # the automatic lower third is the latest event, and says when it is modelled
    v = 128.0 / 20.0 + 0.5  # shot 1 runs 20×: T+128 is past booster separation at T+118
    texts = film.at(v).layers[0].texts()
    assert texts.caption == "Booster separation  · modelled"
    assert texts.clock == format_met(film.at(v).layers[0].met_s)
    mid = film.at(3.0).layers[0].texts()
    assert mid.caption == "Lift-off"
    follow = film.at(12.0).layers[0].texts()
    assert follow.caption == "" and follow.clock == ""
    last = film.frame(film.frame_count - 1).layers[0].texts()
    assert last.caption == "Docked" and last.clock == "T+03:27:29"


def test_a_film_shorter_than_a_frame_or_longer_than_the_limit_is_refused(story):
    with pytest.raises(StoryError, match="more than 100000"):
        Film(story, 10_000)
    short = parse_story('[story]\ntitle = "x"\n[[shots]]\nat = "docking"\nduration_s = 0.01\n'
                        'camera = "earth"\n', ref.context(), "short.toml")
    with pytest.raises(StoryError, match="shorter than one frame"):
        Film(short, 30)
    with pytest.raises(StoryError, match="above 0"):
        Film(story, 0)


def test_frames_are_deterministic(story):
    a = [(p.video_s, [(x.shot.index, x.met_s, x.weight) for x in p.layers])
         for p in Film(story, 25).frames()]
    b = [(p.video_s, [(x.shot.index, x.met_s, x.weight) for x in p.layers])
         for p in Film(parse_story(THREE, ref.context(), "three.toml"), 25).frames()]
    assert a == b and np.all(np.diff([x[0] for x in a]) > 0)


def test_check_cameras_names_the_shot_whose_camera_cannot_be_posed():
    bad = THREE.replace("position_km = [-0.4, 0.3, -0.1]", "position_km = [2.0, -1.0, 0.5]\n"
                        "up = [0.0, 1.0, 0.0]")  # looks back the way the first keyframe looks
    story = parse_story(bad, ref.context(), "three.toml")
    film = Film(story, 30)
    with pytest.raises(StoryError, match=r"^three.toml:15: shot 2 \(Follow\): at 3.000 s of "
                                         r"the shot the blended view direction vanishes"):
        film.check_cameras({"inertial": ref.locate, "earth-fixed": ref.locate})
    Film(parse_story(THREE, ref.context(), "three.toml"), 30).check_cameras(
        {"inertial": ref.locate, "earth-fixed": ref.locate})
