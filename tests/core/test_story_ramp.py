"""Time ramps: video time → mission time, monotonic, exact on each span, C1, and eased
around events at the rates asked for."""

import math
import re

import numpy as np
import pytest

from orbitviz.core.story.ramp import (EasedRamp, EasePoint, HoldRamp, LinearRamp, RampError)

DAY_S = 86400.0


def _dense(ramp, n=20001):
    u = np.linspace(0.0, ramp.duration_s, n)
    return u, ramp.met_at(u)


def _fd_rate(ramp, u, h=1e-6):
    """d met / d u by central differences of met_at alone (independent of rate_at)."""
    return (ramp.met_at(u + h) - ramp.met_at(u - h)) / (2 * h)


# -- the ends, exactly --------------------------------------------------------------------------
SPANS = [(0.1, 0.7, 3.0), (-10.0, 300.0, 18.0), (12448.558, 1022439.6, 5.0),
         (1e6 + 0.3, 1e6 + 0.9, 7.0), (-1800.0, -1799.9, 0.1)]


@pytest.mark.parametrize("t0, t1, d", SPANS)
def test_linear_ramp_starts_and_ends_exactly_on_its_span(t0, t1, d):
    r = LinearRamp(t0, t1, d)
    # bit for bit, although t0 + (t1 − t0) need not round to t1 in floating point
    assert r.met_at(0.0) == t0 and r.met_at(d) == t1
    assert r.met_at(-1.0) == t0 and r.met_at(d + 5.0) == t1  # clamped outside
    u, t = _dense(r)
    assert t[0] == t0 and t[-1] == t1
    assert np.all(np.diff(t) >= 0.0)
    assert np.count_nonzero(np.diff(t) > 0.0) > 0.9 * (len(t) - 1)


def test_linear_ramp_rate_is_not_capped_twelve_days_in_five_seconds():
    r = LinearRamp(0.0, 12 * DAY_S, 5.0)
    # the issue: "twelve days in five seconds is about 200,000×"
    assert r.rate_at(2.5) == pytest.approx(207_360.0, rel=1e-12)
    assert 200_000 < r.mean_rate < 210_000
    u = np.linspace(0.1, 4.9, 49)
    assert np.allclose(_fd_rate(r, u, 1e-4), 207_360.0, rtol=1e-6)


def test_hold_keeps_time_still():
    r = HoldRamp(12448.558, 4.0)
    u, t = _dense(r, 101)
    assert np.all(t == 12448.558)
    assert r.rate_at(2.0) == 0.0 and r.span_s == 0.0


@pytest.mark.parametrize("args, words", [
    ((10.0, 5.0, 3.0), "before its start"),
    ((0.0, 5.0, 0.0), "more than 0 seconds"),
    ((0.0, 5.0, -2.0), "more than 0 seconds"),
    ((0.0, float("nan"), 2.0), "finite"),
])
def test_bad_spans_are_refused_in_one_line(args, words):
    with pytest.raises(RampError, match=words) as e:
        LinearRamp(*args)
    assert "\n" not in str(e.value)


# -- eased ramps ---------------------------------------------------------------------------------
ASCENT = [EasePoint(0.0, 1.0, 3.0, 4.0), EasePoint(118.0, 2.0, 2.5, 1.0),
          EasePoint(157.5, 2.0, 0.5, 1.0), EasePoint(287.0, 3.0, 0.5, 1.5)]


@pytest.fixture(scope="module")
def ascent():
    return EasedRamp(-10.0, 320.0, 24.0, ASCENT, ease_s=0.4)


def test_eased_ramp_ends_exactly_and_is_strictly_monotonic(ascent):
    u, t = _dense(ascent, 200_001)
    assert t[0] == -10.0 and t[-1] == 320.0
    assert ascent.met_at(24.0) == 320.0 and ascent.met_at(0.0) == -10.0
    assert np.all(np.diff(t) > 0.0)


def test_eased_ramp_plays_each_event_at_its_rate_for_the_video_seconds_asked(ascent):
    u, t = _dense(ascent, 400_001)
    for p in ASCENT:
        # the video time of the window's two ends, found on the sampled map itself
        a = np.interp(p.met_s - p.rate * p.before_s, t, u)
        b = np.interp(p.met_s + p.rate * p.after_s, t, u)
        assert b - a == pytest.approx(p.before_s + p.after_s, abs=1e-3)
        mid = np.interp(p.met_s, t, u)
        assert _fd_rate(ascent, mid) == pytest.approx(p.rate, rel=1e-5)
    # between the events the coast runs at the solved fast rate, far above every slow rate
    coast = np.interp(60.0, t, u)
    assert _fd_rate(ascent, coast) == pytest.approx(ascent.fast_rate, rel=1e-5)
    assert ascent.fast_rate > 10.0


def test_eased_ramp_fits_the_duration_exactly(ascent):
    # the integral of the rate over the video is the span: check by quadrature of the
    # finite-difference rate, which knows nothing of the solver
    u = np.linspace(0.0, 24.0, 200_001)
    rate = _fd_rate(ascent, np.clip(u, 1e-6, 24.0 - 1e-6))
    assert np.trapezoid(rate, u) == pytest.approx(330.0, rel=1e-4)


def test_eased_ramp_is_c1_its_rate_changes_at_most_tenfold_per_ease_s(ascent):
    u = np.linspace(1e-5, 24.0 - 1e-5, 48_001)
    rate = _fd_rate(ascent, u, 1e-7)
    assert np.all(rate > 0)
    # C1: the rate (the slope of met_at) is continuous; here quantitatively: it changes no
    # faster than exponentially, tenfold per ease_s, between any two neighbouring samples
    growth = np.abs(np.diff(np.log(rate))) / np.diff(u)
    assert growth.max() <= math.log(10.0) / 0.4 * 1.01
    # and rate_at agrees with the slope of met_at everywhere
    assert np.allclose(ascent.rate_at(u), rate, rtol=1e-4)


def test_eased_twelve_days_in_eight_seconds_runs_near_two_hundred_thousand_times():
    t0, t1 = 21897.6, 1022339.6  # hatch opening to undocking, as the mission file has them
    r = EasedRamp(t0, t1, 8.0, [EasePoint(t0, 2000.0, 0.0, 0.3),
                                EasePoint(t1, 2000.0, 0.5, 0.0)])
    u, t = _dense(r, 100_001)
    assert t[0] == t0 and t[-1] == t1 and np.all(np.diff(t) > 0.0)
    assert 150_000 < r.fast_rate < 250_000  # not capped
    assert _fd_rate(r, 1e-4, 1e-5) == pytest.approx(2000.0, rel=1e-3)


def test_every_ramp_inverts_video_to_mission_time(ascent):
    u = np.linspace(0.0, 24.0, 97)
    assert np.allclose(ascent.video_at(ascent.met_at(u)), u, atol=1e-9)
    lin = LinearRamp(-10.0, 300.0, 18.0)
    assert np.allclose(lin.video_at(lin.met_at(u * 0.75)), u * 0.75, atol=1e-12)
    assert lin.video_at(-1e6) == 0.0 and lin.video_at(1e6) == 18.0  # clamped to the span
    assert HoldRamp(5.0, 3.0).video_at(5.0) == 0.0


def test_an_eased_ramp_too_short_for_its_slow_stretches_says_how_long_they_need():
    with pytest.raises(RampError, match="too short") as e:
        EasedRamp(-10.0, 320.0, 8.0, ASCENT)
    need = float(re.search(r"need (\d+\.\d+) s", str(e.value)).group(1))
    slow_alone = sum(p.before_s + p.after_s for p in ASCENT)  # 14 s at the slow rates
    assert slow_alone < need < 24.0  # plus the easing into them; 24 s is enough (above)


def test_a_long_eased_shot_never_plays_faster_than_its_fast_rate():
    r = EasedRamp(0.0, 20.0, 30.0, [EasePoint(10.0, 5.0, 1.0, 1.0)])
    assert r.fast_rate < 1.0  # 20 s of mission in 30 s of video: slower than the "slow" rate
    u, t = _dense(r)
    assert t[-1] == 20.0 and np.all(np.diff(t) > 0)
    assert np.allclose(_fd_rate(r, u[1:-1]), 20.0 / 30.0, rtol=1e-6)


def test_scalar_and_array_evaluation_agree(ascent):
    u = np.array([0.0, 3.3, 11.7, 24.0])
    assert [ascent.met_at(float(x)) for x in u] == list(ascent.met_at(u))
    assert isinstance(ascent.met_at(3.3), float)
