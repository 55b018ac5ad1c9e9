"""The limits on what orbitviz reads (issue 14): regular files under a size cap, JSON under a
depth cap, TIMEs and element sets within the dates it can show, physical elements only."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import random
import threading

import numpy as np
import pytest
from sgp4.api import WGS72, Satrec
from sgp4.exporter import export_omm

from orbitviz.core import userfiles as uf
from orbitviz.core.assets import asset_path
from orbitviz.core.catalog import build_catalog
from orbitviz.core.elements import MAX_STRETCH_S
from orbitviz.core.omm import record_to_set
from orbitviz.core.scenario import load_scenario
from orbitviz.core.timeaxis import (SHOWN_FIRST_UTC, SHOWN_LAST_UTC, TimeParseError,
                                    parse_time)
from orbitviz.core.tle import (EPOCH_FIRST_UTC, EPOCH_LAST_UTC, HILL_RADIUS_KM,
                               MEAN_MOTION_MAX_REV_DAY, MEAN_MOTION_MIN_REV_DAY, TleSet,
                               load_tle_file)

UTC = dt.timezone.utc
ISS = load_tle_file(asset_path("tle", "iss-21277.86166359.tle"))[0][0]
MARGIN_S = 3 * 3600.0  # Earth-orientation and Sun node margins (catalog._EO_MARGIN_S)


@pytest.fixture(scope="module")
def axis():
    return load_scenario().axis


# -- reading files ------------------------------------------------------------------------
def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = {}

    def read():
        try:
            uf.read_user_file(fifo, 1000, "test file")
        except uf.UserFileError as exc:
            result["error"] = str(exc)

    t = threading.Thread(target=read, daemon=True)
    t.start()
    t.join(timeout=5)
    assert not t.is_alive(), "reading a FIFO waited for a writer"
    assert result["error"] == f"cannot read {fifo}: it is a FIFO (named pipe), not a regular file"


def test_devices_folders_and_files_over_the_cap_are_refused(tmp_path):
    with pytest.raises(uf.UserFileError, match="/dev/zero: it is a character device"):
        uf.read_user_file("/dev/zero", 1000)
    with pytest.raises(uf.UserFileError, match="it is a folder, not a regular file"):
        uf.read_user_file(tmp_path, 1000)
    big = tmp_path / "big.json"
    big.write_bytes(b"x" * 1001)
    with pytest.raises(uf.UserFileError, match="it is 1,001 bytes, and test files are read "
                                               "up to 1,000 bytes"):
        uf.read_user_file(big, 1000, "test file")
    big.write_bytes(b"x" * 1000)
    assert uf.read_user_file(big, 1000) == b"x" * 1000
    with pytest.raises(uf.UserFileError, match="No such file"):
        uf.read_user_file(tmp_path / "none", 1000)
    assert uf.MAX_ELEMENT_FILE_BYTES == 256 * 2**20 and uf.MAX_SHOTS_FILE_BYTES == 16 * 2**20


def _depth(value) -> int:
    """Nesting depth by recursion over the decoded value (the reference)."""
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


def _random_doc(rng, depth):
    if depth == 0 or rng.random() < 0.2:
        return rng.choice(["[x]", "a\"{[b", "\\", "\\\"[", 1, 2.5, None, "é{"])
    if rng.random() < 0.5:
        return [_random_doc(rng, depth - 1) for _ in range(rng.randint(0, 3))]
    return {f"k{i}[": _random_doc(rng, depth - 1) for i in range(rng.randint(0, 3))}


def test_json_depth_agrees_with_decoding():
    rng = random.Random(14)
    for _ in range(300):
        doc = _random_doc(rng, rng.randint(0, 9))
        text = json.dumps(doc, ensure_ascii=rng.random() < 0.5)
        assert uf.json_depth(text) == _depth(doc), text
    assert uf.json_depth("[" * 100000 + "]" * 100000) == 100000


def test_strict_json_refuses_what_json_should_not_hold():
    assert uf.loads_json('{"a": [1, 2.5, "x"]}') == {"a": [1, 2.5, "x"]}
    assert uf.loads_json("9" * 40) == int("9" * 40)
    for text, words in [("9" * 41, "a number with 41 digits; at most 40 are read"),
                        ("[1e400]", "the number '1e400' is too large for a double"),
                        ("[NaN]", "NaN is not a number JSON allows"),
                        ("[-Infinity]", "-Infinity is not a number JSON allows"),
                        ("[" * 65 + "]" * 65, "nested 65 deep; at most 64 levels are read"),
                        ('{"a": }', "Expecting value at line 1, column 7")]:
        with pytest.raises(uf.UserFileError) as e:
            uf.loads_json(text)
        assert str(e.value) == words


def test_user_text_in_messages_is_one_line():
    assert uf.quote("doc\nking") == "'doc\\nking'"
    assert uf.quote("x" * 100, 10) == "'xxxxxxxxxx'… (100 characters)"
    assert uf.one_line("/tmp/a b.png") == "/tmp/a b.png"
    assert uf.one_line("/tmp/a\nb.png") == "'/tmp/a\\nb.png'"
    assert "\n" not in uf.brief(["\n"] * 1000) and len(uf.brief(["x"] * 1000)) < 70


# -- dates and physical ranges -------------------------------------------------------------
def test_the_dates_shown_lie_inside_de421_as_its_kernel_says(axis):
    from orbitviz.core.sun import ephemeris

    spans = [(s.spk_segment.start_jd, s.spk_segment.end_jd) for s in ephemeris().segments]
    first_jd = max(a for a, _ in spans)
    last_jd = min(b for _, b in spans)
    ts = axis.ts
    first = ts.tdb_jd(first_jd).utc_datetime()
    last = ts.tdb_jd(last_jd).utc_datetime()
    assert first < SHOWN_FIRST_UTC and SHOWN_LAST_UTC < last
    # every instant a set is used at, with the margins of orientation and Sun around it
    stretch = dt.timedelta(seconds=MAX_STRETCH_S + MARGIN_S)
    assert SHOWN_FIRST_UTC <= EPOCH_FIRST_UTC - stretch
    assert EPOCH_LAST_UTC + stretch <= SHOWN_LAST_UTC


def test_times_at_the_edges_of_the_dates_shown(axis):
    assert parse_time("1899-07-30T00:00:00Z", axis) == pytest.approx(
        axis.met_from_datetime(SHOWN_FIRST_UTC))
    assert parse_time("2053-10-08T00:00:00Z", axis) == pytest.approx(
        axis.met_from_datetime(SHOWN_LAST_UTC))
    for text in ("1899-07-29T23:59:59Z", "2053-10-08T00:00:01Z", "T-3900000000",
                 "T+1100000000", "T+99999.00:00:00"):
        with pytest.raises(TimeParseError, match="outside the dates orbitviz shows, "
                                                 "1899-07-30 to 2053-10-08 UTC"):
            parse_time(text, axis)


def test_mean_motion_limits_are_kepler_at_the_earth_and_at_the_hill_sphere():
    # the Earth's Hill sphere is about 1.5 million km (0.01 au)
    assert HILL_RADIUS_KM == pytest.approx(1.5e6, rel=0.02)
    # an orbit grazing the Earth takes about 84.5 minutes
    assert 1440.0 / MEAN_MOTION_MAX_REV_DAY == pytest.approx(84.5, abs=0.2)
    # an orbit as wide as the Hill sphere: about 211 days (2 pi sqrt(a^3 / mu))
    period_d = 2 * math.pi * math.sqrt(HILL_RADIUS_KM ** 3 / 398600.8) / 86400
    assert 1.0 / MEAN_MOTION_MIN_REV_DAY == pytest.approx(period_d, rel=1e-9)
    assert 200 < period_d < 220


@pytest.mark.parametrize("epoch", [EPOCH_FIRST_UTC, EPOCH_LAST_UTC])
def test_sets_at_the_edge_epochs_work_over_their_whole_validity(axis, epoch):
    """No EphemerisRangeError anywhere a set is used: its state and the Sun at its first
    and last instant."""
    rec = export_omm(ISS.satrec, ISS.name)
    rec["EPOCH"] = epoch.strftime("%Y-%m-%dT%H:%M:%S.%f")
    cat = build_catalog([record_to_set(rec, "edge.json", 1, 0)], axis)
    ((a, b),) = cat.coverage
    for met in (a, axis.met_from_datetime(epoch), b):
        objects = cat.snapshot_objects(met)
        assert list(objects) == ["iss-zarya"]
        assert 400 < objects["iss-zarya"]["alt_km"] < 450
        lat, lon = cat.subsolar_point(met)
        assert abs(lat) <= 23.5 and -180 <= lon <= 180


def test_a_set_past_the_edge_is_refused_with_the_dates(axis):
    from orbitviz.core.tle import TleError

    rec = export_omm(ISS.satrec, ISS.name)
    rec["EPOCH"] = "2053-10-05T00:00:00"
    with pytest.raises(TleError, match="outside the epochs orbitviz shows, 1899-08-03 to "
                                       "2053-10-04"):
        record_to_set(rec, "late.json", 1, 0)


def test_states_that_are_not_finite_are_left_out(axis):
    """Defence in depth: a set whose SGP4 state is NaN without an error code (the campaign's
    MEAN_MOTION 1e308, built here past the loader's checks) never reaches a reader."""
    s = ISS.satrec
    sat = Satrec()
    no_kozai = 1e308 * 2 * math.pi / 1440  # 1e308 rev/day in rad/min, as sgp4.omm reads it
    sat.sgp4init(WGS72, "i", 99999, s.jdsatepoch + s.jdsatepochF - 2433281.5, s.bstar,
                 s.ndot, s.nddot, s.ecco, s.argpo, s.inclo, s.mo, no_kozai, s.nodeo)
    e, r, _ = sat.sgp4(s.jdsatepoch, s.jdsatepochF)
    assert e == 0 and not np.all(np.isfinite(r))  # what SGP4 does with it
    bad = TleSet("BAD", 99999, "", "", "bad.json", sat)
    cat = build_catalog([ISS, bad], axis)
    met = axis.met_from_jd_utc(s.jdsatepoch, s.jdsatepochF)
    assert cat.states_gcrs(met).ids == ["iss-zarya"]
    assert list(cat.snapshot_objects(met)) == ["iss-zarya"]


def test_json_output_never_holds_nan():
    from orbitviz.cli.commands import CommandError, _json

    assert _json({"a": 1.5}, None) == '{"a": 1.5}'
    with pytest.raises(CommandError, match="not a finite number"):
        _json({"a": [float("nan")]}, 2)
