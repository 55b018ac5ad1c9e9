"""What a clip proposes: short clips around now at a rate fit for the phase, and the
mission's three presets, against the published event times."""

import pytest

from orbitviz.core.clip_plan import (NICE_RATES, clip_presets, default_clip, nice_rate,
                                     rate_for)
from orbitviz.core.export_rules import picture_file_name
from orbitviz.core.mission import MissionModel
from orbitviz.core.viewer import ViewerModel


@pytest.fixture(scope="module")
def mission():
    return MissionModel.build()


def test_nice_rates():
    assert nice_rate(0.3) == 1.0 and nice_rate(26.9) == 30.0 and nice_rate(60.0) == 60.0
    assert nice_rate(1e9) == NICE_RATES[-1]
    assert rate_for(543.0, 20.0) == 30.0  # 543 s in at most 20 s of video


def test_default_clip_near_docking_is_short_and_slow(mission):
    v = ViewerModel(mission)
    v.select("soyuz-ms-19")
    dock = mission.scenario.event_times()["docking"]
    plan = default_clip(v, dock - 60.0)
    # the final approach lasts about 11.5 min (12:11 to 12:22:31): half a minute of video
    assert 10.0 <= plan.rate <= 60.0
    assert plan.video_s == pytest.approx(10.0)
    assert plan.t0_s < dock - 60.0 < plan.t1_s


def test_default_clip_on_the_coast_plays_faster_and_stays_in_the_window(mission):
    v = ViewerModel(mission)
    v.select("iss")
    w0, w1 = mission.window
    plan = default_clip(v, w1 - 10.0)
    assert plan.t1_s <= w1 and plan.t0_s >= w0 and plan.video_s == pytest.approx(10.0)
    assert plan.rate >= 3600.0  # the station's one phase spans two weeks


def test_presets_span_the_published_events(mission):
    ev = mission.scenario.event_times()
    plans = {p.label: p for p in clip_presets(mission)}
    assert list(plans) == ["Lift-off to orbit", "The final approach", "Entry and landing"]
    up = plans["Lift-off to orbit"]
    assert up.t0_s < 0.0 and up.t1_s >= ev["orbit-insertion"]
    final = plans["The final approach"]
    assert final.t0_s < ev["kurs-failure"] and final.t1_s > ev["docking"]
    down = plans["Entry and landing"]
    assert down.t0_s <= ev["module-separation"] and down.t1_s > ev["landing"]
    for p in plans.values():
        assert 5.0 <= p.video_s <= 20.0  # each a short clip for a slide


def test_picture_names_like_the_event_stills(mission, tmp_path):
    v = ViewerModel(mission)
    dock = mission.scenario.event_times()["docking"]
    assert picture_file_name(v, dock) == "orbitviz-T+00d03h27m29s-docking.png"
    (tmp_path / "orbitviz-T+00d03h27m29s-docking.png").write_text("x")
    assert picture_file_name(v, dock, tmp_path) == "orbitviz-T+00d03h27m29s-docking-2.png"
