"""The one TIME parser: every accepted form, and clear errors for the rest."""

import datetime as dt

import pytest

from orbitviz.core.timeaxis import TimeAxis, TimeParseError, format_met, parse_time

LIFTOFF = dt.datetime(2021, 10, 5, 8, 55, 2, 442000, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def axis():
    return TimeAxis(LIFTOFF)


EVENTS = {"liftoff": 0.0, "docking": 12448.558}


@pytest.mark.parametrize("text, expected", [
    ("2021-10-05T08:55:02.442Z", 0.0),
    ("2021-10-05T12:22:31Z", 12448.558),
    ("2021-10-05T15:22:31+03:00", 12448.558),          # Moscow time offset
    ("2021-10-05T12:22:31.5Z", 12449.058),
    ("2021-10-05 08:55:02.442Z", 0.0),
    ("2021-10-05T08:55:02.442", 0.0),                  # no zone: UTC
    ("2021-10-06T08:55:02.442Z", 86400.0),
    ("T+0", 0.0),
    ("T+528", 528.0),
    ("T-1800", -1800.0),
    ("T+157.5", 157.5),
    ("T+03:27:29", 3 * 3600 + 27 * 60 + 29),
    ("T-00:30:00", -1800.0),
    ("T+1.02:00:00.5", 86400 + 7200.5),
    ("docking", 12448.558),
    ("liftoff", 0.0),
])
def test_accepted_forms(axis, text, expected):
    assert parse_time(text, axis, EVENTS) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("text", ["", "yesterday", "2021-13-05T00:00:00Z", "T+", "T+1:2",
                                  "T+00:61:00", "2021-10-05T25:00:00Z", "Docking!"])
def test_rejected_forms_are_one_line(axis, text):
    with pytest.raises(TimeParseError) as err:
        parse_time(text, axis, EVENTS)
    assert "\n" not in str(err.value) and str(err.value)


def test_unknown_event_names_the_known_ones(axis):
    with pytest.raises(TimeParseError, match="unknown event id 'landing'.*docking"):
        parse_time("landing", axis, EVENTS)


def test_met_round_trips_through_utc(axis):
    for met in (-1800.0, 0.0, 12448.558, 1021239.558):
        assert parse_time(axis.iso_utc(met), axis) == pytest.approx(met, abs=1e-3)


def test_format_met():
    assert format_met(12448.558) == "T+03:27:29"
    assert format_met(-1800) == "T-00:30:00"
    assert format_met(1021239.558) == "T+11.19:40:40"
    assert format_met(157.5, 1) == "T+00:02:37.5"


# -- the forms of issue 13: a day and a clock time; a clock time alone on the day shown -------
def test_day_and_clock_forms_name_the_same_instant():
    import datetime as dt

    from orbitviz.core.scenario import load_scenario
    from orbitviz.core.timeaxis import TimeParseError, parse_time

    ax = load_scenario().axis
    docking = ax.met_from_datetime(dt.datetime(2021, 10, 5, 12, 22, 31,
                                               tzinfo=dt.timezone.utc))
    for text in ("5 Oct 2021 12:22:31", "5 Oct 12:22:31", "Oct 5 12:22:31 UTC",
                 "5 October 12:22:31", "5 oct. 2021, 12:22:31"):
        assert parse_time(text, ax) == pytest.approx(docking, abs=1e-6), text
    assert parse_time("5 Oct 12:22", ax) == pytest.approx(docking - 31.0, abs=1e-6)
    # a clock time alone: only on a day that is shown (the app's go-to field)
    later_that_day = docking + 3600.0
    assert parse_time("12:22:31", ax, day_met_s=later_that_day) == pytest.approx(docking)
    assert parse_time("12:22", ax, day_met_s=later_that_day) == pytest.approx(docking - 31)
    with pytest.raises(TimeParseError, match="needs its day: for example 5 Oct 12:22"):
        parse_time("12:22", ax)  # the CLI and stories name the day
    for bad, words in (("5 Foo 12:22", "not a month"), ("31 Sep 12:00", "day is out of range"),
                       ("25:00", "hour 25"), ("half past noon", "for example")):
        with pytest.raises(TimeParseError, match=words) as err:
            parse_time(bad, ax, day_met_s=docking)
        assert "\n" not in str(err.value)
