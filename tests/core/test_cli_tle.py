"""``--tle FILE``: the user's own satellites in ``orbitviz state`` (and checked by export)."""

import csv
import datetime as dt
import io
import json

import numpy as np
import pytest
from sgp4.api import WGS72, Satrec
from sgp4.exporter import export_tle
from skyfield.api import EarthSatellite

from orbitviz.cli.args import build_parser, parse_args
from orbitviz.cli.main import main
from orbitviz.core.assets import asset_path
from orbitviz.core.tle import load_tle_file
from orbitviz.core.timeaxis import timescale

OBJECT_KEYS = {"name", "phase", "source", "tle", "lat_deg", "lon_deg", "alt_km", "speed_km_s",
               "r_gcrs_km", "v_gcrs_km_s"}
ISS = load_tle_file(asset_path("tle", "iss-21277.86166359.tle"))[0][0]


def run(capsys, *argv):
    rc = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


def tle_2026(epoch: dt.datetime):
    """The shipped ISS set's elements re-encoded at a 2026 epoch (valid checksums)."""
    s = ISS.satrec
    sat = Satrec()
    days = (epoch - dt.datetime(1949, 12, 31, tzinfo=dt.timezone.utc)).total_seconds() / 86400
    sat.sgp4init(WGS72, "i", 25544, days, s.bstar, s.ndot, s.nddot, s.ecco, s.argpo, s.inclo,
                 s.mo, s.no_kozai, s.nodeo)
    sat.intldesg, sat.revnum = s.intldesg, s.revnum
    return export_tle(sat)


@pytest.fixture
def mixed(tmp_path):
    bad = ISS.line1[:68] + str((int(ISS.line1[68]) + 3) % 10)
    path = tmp_path / "mixed.tle"
    path.write_text(f"ISS (ZARYA)\n{ISS.line1}\n{ISS.line2}\n"
                    f"BROKEN\n{bad}\n{ISS.line2}\n")
    return path


def test_tle_option_everywhere():
    assert parse_args(["--tle", "a.tle"]).tle == ["a.tle"]
    ns = parse_args(["--tle", "a.tle", "state", "--tle", "b.json", "--tle", "c.xml",
                     "--at", "T+0"])
    assert ns.tle == ["a.tle", "b.json", "c.xml"]
    ns = parse_args(["export", "--tle", "a.tle", "--at", "T+0", "--out", "x.png"])
    assert ns.tle == ["a.tle"]
    assert parse_args(["state", "--at", "T+0"]).tle == []
    export_help = build_parser()._subparsers._group_actions[0].choices["export"].format_help()
    assert "do not show them yet" not in export_help  # they are drawn (issue 14)
    assert "drawn in the pictures" in export_help


def test_state_lists_good_objects_and_reports_bad_lines(capsys, mixed):
    rc, out, err = run(capsys, "state", "--tle", mixed, "--at", "docking", "--json")
    assert rc == 0
    assert err.splitlines() == ["mixed.tle:5: checksum is 7, the line sums to 4"]
    snap = json.loads(out)
    assert list(snap["objects"]) == ["iss", "soyuz-ms-19", "soyuz-ms-18", "iss-zarya"]
    user = snap["objects"]["iss-zarya"]
    assert set(user) == OBJECT_KEYS
    assert (user["name"], user["phase"], user["source"]) == ("ISS (ZARYA)", "orbit", "tle")
    assert user["tle"]["file"] == "mixed.tle"
    assert user["tle"]["epoch_utc"] == "2021-10-04T20:40:47.734Z"
    # docking is 15.7 h after this set's epoch
    assert user["tle"]["age_s"] == pytest.approx(15 * 3600 + 41 * 60 + 43.3, abs=1.0)
    # against skyfield's SGP4 + TEME -> GCRS at the docking instant
    ts = timescale()
    ref = EarthSatellite(ISS.line1, ISS.line2, ISS.name, ts).at(
        ts.utc(2021, 10, 5, 12, 22, 31))
    assert np.linalg.norm(np.array(user["r_gcrs_km"]) - ref.position.km) * 1000 < 1.0
    # the same set the station uses within a day of its epoch: within a few km of it
    gap = np.subtract(user["r_gcrs_km"], snap["objects"]["iss"]["r_gcrs_km"])
    assert np.linalg.norm(gap) < 5.0


def test_a_2026_set_is_queried_in_2026(capsys, tmp_path):
    l1, l2 = tle_2026(dt.datetime(2026, 3, 19, 12, tzinfo=dt.timezone.utc))
    path = tmp_path / "iss-2026.tle"
    path.write_text(f"ISS (ZARYA)\n{l1}\n{l2}\n")
    rc, out, err = run(capsys, "state", "--tle", path, "--at", "2026-03-20T14:46:00Z",
                       "--json")
    assert rc == 0 and not err
    snap = json.loads(out)
    assert snap["utc"] == "2026-03-20T14:46:00.000Z"
    assert list(snap["objects"]) == ["iss-zarya"]  # the mission's objects do not exist then
    o = snap["objects"]["iss-zarya"]
    assert o["tle"]["age_s"] == pytest.approx(26.7667 * 3600, abs=1.0)
    ts = timescale()
    ref = EarthSatellite(l1, l2, "ISS", ts).at(ts.utc(2026, 3, 20, 14, 46))
    assert np.linalg.norm(np.array(o["r_gcrs_km"]) - ref.position.km) * 1000 < 1.0
    assert 350 < o["alt_km"] < 450 and abs(o["lat_deg"]) <= 51.7
    # the equinox of March 2026 is 20 March 14:46 UTC: the Sun stands over the equator
    assert abs(snap["sun"]["subsolar_lat_deg"]) < 0.02
    # a series in CSV, the table too
    rc, out, _ = run(capsys, "state", "--tle", path, "--from", "2026-03-20T14:46:00Z",
                     "--to", "2026-03-20T14:48:00Z", "--step", "60", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and [r["object"] for r in rows] == ["iss-zarya"] * 3
    assert rows[0]["tle_file"] == "iss-2026.tle"
    rc, out, _ = run(capsys, "state", "--tle", path, "--at", "2026-03-20T14:46:00Z")
    assert rc == 0 and "iss-zarya" in out and "TLE iss-2026.tle (age +26.8 h)" in out
    # four days after the epoch nothing exists: the one-line error names what is covered
    rc, out, err = run(capsys, "state", "--tle", path, "--at", "2026-03-23T13:00:00Z")
    assert rc == 2 and not out and len(err.splitlines()) == 1
    assert "no object exists at 2026-03-23T13:00:00.000Z" in err
    assert "your element sets cover 2026-03-16T12:00:00Z to 2026-03-22T12:00:00Z" in err


def test_a_file_with_no_valid_object_is_exit_2(capsys, tmp_path, mixed):
    junk = tmp_path / "junk.tle"
    junk.write_text("hello\nworld\n")
    rc, out, err = run(capsys, "state", "--tle", mixed, "--tle", junk, "--at", "docking")
    assert rc == 2 and not out
    assert len(err.splitlines()) == 1
    assert err.startswith("orbitviz: error: ") and "junk.tle: no valid element set" in err
    rc, out, err = run(capsys, "state", "--tle", tmp_path / "nope.tle", "--at", "docking")
    assert rc == 2 and "cannot read" in err and len(err.splitlines()) == 1


def test_export_checks_the_files_before_any_rendering(capsys, tmp_path):
    junk = tmp_path / "junk.json"
    junk.write_text('[{"OBJECT_NAME": "X"}]')
    out_png = tmp_path / "x.png"
    rc, out, err = run(capsys, "export", "--tle", junk, "--at", "docking", "--out", out_png)
    assert rc == 2 and not out_png.exists()
    assert "junk.json: no valid element set" in err and "OMM record 0: missing" in err
