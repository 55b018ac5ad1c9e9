"""Display formatting: what the panels, the time bar and the exports print."""

import datetime as dt

import pytest

from orbitviz.core.formatting import (FRAME_NAMES, LAYER_NAMES, format_alt, format_closing,
                                      format_duration, format_element_set, format_lat,
                                      format_lon, format_range, format_span, met_axis_label,
                                      phase_name)
from orbitviz.core.viewstate import FRAMES, LAYERS


def test_every_layer_and_frame_has_a_name():
    assert set(LAYER_NAMES) == set(LAYERS) and set(FRAME_NAMES) == set(FRAMES)


def test_positions_and_distances():
    assert format_lat(45.996034) == "45.996° N" and format_lat(-0.0004) == "0.000° S"
    assert format_lon(63.564003) == "63.564° E" and format_lon(-75.5) == "75.500° W"
    assert format_lon(180.0) == "180.000° E" and format_lon(-180.0) == "180.000° E"
    assert format_lon(370.0) == "10.000° E"
    assert format_alt(408.24) == "408.2 km" and format_alt(0.35) == "350 m"
    assert format_range(1_234_567) == "1,235 km" and format_range(12_345) == "12.3 km"
    assert format_range(1_500) == "1.50 km" and format_range(412.4) == "412 m"
    assert format_range(19.24) == "19.2 m" and format_range(float("nan")) == "—"
    assert format_closing(0.123) == "0.12 m/s (closing)"
    assert format_closing(-12.34) == "-12.3 m/s (opening)"


def test_durations_and_axis_labels():
    assert format_duration(3 * 86400 + 5 * 3600 + 59) == "3 d 5 h"
    assert format_duration(15 * 3600 + 37 * 60) == "15 h 37 min"
    assert format_duration(-12 * 60) == "12 min"
    assert format_span(3.5 * 86400) == "3.5 days" and format_span(45) == "45 s"
    assert met_axis_label(2 * 86400, 86400) == "T+2d"
    assert met_axis_label(12448.558, 60) == "T+03:27"
    assert met_axis_label(-90, 10) == "T\u221200:01:30"
    assert phase_name("final-approach") == "Final approach"
    assert phase_name("new-phase") == "new phase"


def test_one_element_set_formatter_two_layouts():
    # set 21281.73004796: epoch 8 Oct 2021 17:31:16 UTC (day 281.73004796 of 2021);
    # docking at 12:22:31 UTC on 5 Oct, so the age is about −77.15 h
    epoch = dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(days=280.73004796)
    dock = dt.datetime(2021, 10, 5, 12, 22, 31, tzinfo=dt.timezone.utc)
    info = {"file": "iss-21281.73004796.tle",
            "epoch_utc": epoch.isoformat().replace("+00:00", "Z"),
            "age_s": (dock - epoch).total_seconds()}
    assert format_element_set(info) == "ISS set 21281.73 (epoch 8 Oct 17:31, age \u221277.1 h)"
    assert format_element_set(info, "panel") == \
        "iss-21281.73004796.tle\nepoch 8 Oct 17:31 UTC, 3 d 5 h later"
    info["age_s"] = 15 * 3600 + 37 * 60 + 5
    assert format_element_set(info, "panel").endswith("age 15 h 37 min")
    with pytest.raises(ValueError):
        format_element_set(info, "poster")
