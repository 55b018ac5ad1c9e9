"""The simulation clock and the view state (Qt-free)."""

import pytest

from orbitviz.core.clock import MAX_RATE, SimulationClock
from orbitviz.core.viewstate import LAYERS, ViewState


def test_advance_moves_by_rate_times_wall_time():
    c = SimulationClock(-1800.0, 10000.0, met_s=0.0, rate=60.0)
    seen = []
    c.subscribe(seen.append)
    c.advance(1.0)  # paused: nothing happens
    assert c.met_s == 0.0 and not seen
    c.play()
    c.advance(0.5)
    assert c.met_s == pytest.approx(30.0)
    c.set_rate(-3600.0)
    c.advance(0.25)
    assert c.met_s == pytest.approx(-870.0)
    assert seen == [pytest.approx(30.0), pytest.approx(-870.0)]


def test_stops_at_the_ends_and_clamps():
    c = SimulationClock(0.0, 100.0, met_s=90.0, rate=60.0)
    c.play()
    c.advance(1.0)
    assert c.met_s == 100.0 and not c.playing
    c.seek(-50.0)
    assert c.met_s == 0.0
    c.set_rate(1e9)
    assert c.rate == MAX_RATE


def test_view_state_round_trips_and_rejects_garbage():
    v = ViewState()
    v.layers["stars"] = False
    v.frame = "inertial"
    v.camera = "follow:iss"
    w = ViewState.from_dict(v.to_dict())
    assert w == v
    bad = ViewState.from_dict({"frame": "sideways", "layers": {"stars": "yes"},
                               "track_ahead_s": -5, "camera": 3})
    assert bad == ViewState()
    assert set(ViewState().layers) == set(LAYERS)


def test_a_nan_never_becomes_the_time_or_the_rate():
    """Issue 14: ``time/met_s=nan`` stuck the app (every pose of a NaN time failed) and was
    saved back. The clock keeps a real time: NaN is ignored, infinity clamps to an end."""
    c = SimulationClock(-100.0, 1000.0, met_s=float("nan"), rate=float("nan"))
    assert c.met_s == -100.0 and c.rate == 60.0
    c.seek(250.0)
    c.seek(float("nan"))
    assert c.met_s == 250.0
    c.seek(float("inf"))
    assert c.met_s == 1000.0
    c.set_rate(-120.0)
    c.set_rate(float("nan"))
    assert c.rate == -120.0
