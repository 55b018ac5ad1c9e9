"""The CLI: the state schema, events, series, and one-line errors with exit status 2."""

import csv
import io
import json
import math
import subprocess
import sys

import pytest

from orbitviz.cli.args import UsageError, parse_args
from orbitviz.cli.main import main

OBJECT_KEYS = {"name", "phase", "source", "tle", "lat_deg", "lon_deg", "alt_km", "speed_km_s",
               "r_gcrs_km", "v_gcrs_km_s"}


def run(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


# -- parsing (pure) ------------------------------------------------------------------
def test_parse_state_forms():
    ns = parse_args(["state", "--at", "docking", "--json"])
    assert ns.command == "state" and ns.at == "docking" and ns.json
    ns = parse_args(["state", "--from", "T+0", "--to", "T+60", "--step", "10", "--csv"])
    assert (ns.from_, ns.to, ns.step, ns.csv) == ("T+0", "T+60", 10.0, True)


@pytest.mark.parametrize("argv, words", [
    (["state"], "needs --at"),
    (["state", "--at", "T+0", "--from", "T+0"], "not both"),
    (["state", "--from", "T+0", "--to", "T+9"], "all of"),
    (["state", "--from", "T+0", "--to", "T+9", "--step", "0"], "at least 0.001 s"),
    (["state", "--from", "T+0", "--to", "T+9", "--step", "-5"], "at least 0.001 s"),
    (["state", "--from", "T+0", "--to", "T+9", "--step", "x"], "number of seconds"),
    (["state", "--at", "T+0", "--csv"], "series"),
    (["frobnicate"], "invalid choice"),
])
def test_parse_errors(argv, words):
    with pytest.raises(UsageError, match=words):
        parse_args(argv)


# -- state ----------------------------------------------------------------------------
def test_state_json_schema_at_docking(capsys):
    rc, out, err = run(capsys, "state", "--at", "docking", "--json")
    assert rc == 0 and not err
    snap = json.loads(out)
    assert set(snap) == {"utc", "met_s", "objects", "sun"}
    assert snap["utc"] == "2021-10-05T12:22:31.000Z"
    assert snap["met_s"] == pytest.approx(3 * 3600 + 27 * 60 + 28.558)
    assert set(snap["sun"]) == {"subsolar_lat_deg", "subsolar_lon_deg"}
    assert set(snap["objects"]) == {"iss", "soyuz-ms-19", "soyuz-ms-18"}
    for oid, o in snap["objects"].items():
        assert set(o) == OBJECT_KEYS, oid
        assert o["source"] in ("tle", "model")
        assert len(o["r_gcrs_km"]) == 3 and len(o["v_gcrs_km_s"]) == 3
        speed = math.sqrt(sum(x * x for x in o["v_gcrs_km_s"]))
        assert o["speed_km_s"] == pytest.approx(speed, rel=1e-12)
    iss = snap["objects"]["iss"]
    assert iss["phase"] == "orbit" and iss["source"] == "tle"
    assert set(iss["tle"]) == {"file", "epoch_utc", "age_s"}
    assert snap["objects"]["soyuz-ms-19"]["phase"] == "docked"
    # docked at docking: the Soyuz is at the station (within 100 m)
    d = math.dist(snap["objects"]["soyuz-ms-19"]["r_gcrs_km"], iss["r_gcrs_km"])
    assert d < 0.1


def test_state_before_liftoff_lists_the_soyuz_on_the_pad(capsys):
    rc, out, _ = run(capsys, "state", "--at", "T-600", "--json")
    snap = json.loads(out)
    s = snap["objects"]["soyuz-ms-19"]
    assert s["phase"] == "on-pad" and s["source"] == "model" and s["tle"] is None
    assert s["lat_deg"] == pytest.approx(45.996034, abs=1e-5)
    assert s["lon_deg"] == pytest.approx(63.564003, abs=1e-5)
    assert s["alt_km"] == pytest.approx(0.09, abs=1e-3)


def test_state_outside_the_window_lists_what_exists(capsys):
    # 29 Sep: the station exists (its sets cover it), Soyuz MS-19 not yet
    rc, out, _ = run(capsys, "state", "--at", "2021-09-29T00:00:00Z", "--json")
    snap = json.loads(out)
    assert rc == 0 and "soyuz-ms-19" not in snap["objects"] and "iss" in snap["objects"]


def test_state_table_is_readable(capsys):
    rc, out, _ = run(capsys, "state", "--at", "T+300")
    assert rc == 0
    assert "2021-10-05T09:00:02.442Z" in out and "soyuz-ms-19" in out and "ascent" in out


def test_series_csv_has_a_row_per_object_and_time(capsys):
    rc, out, _ = run(capsys, "state", "--from", "T+0", "--to", "T+600", "--step", "60", "--csv")
    assert rc == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 11 * 3
    assert {r["object"] for r in rows} == {"iss", "soyuz-ms-19", "soyuz-ms-18"}
    ascent = [r for r in rows if r["object"] == "soyuz-ms-19"]
    alts = [float(r["alt_km"]) for r in ascent]
    # climbing through the ascent to core separation (T+287.7 s); then the third stage crests
    # and settles onto the insertion perigee (issue 10's lofted path), within 2 km of its top
    top = alts.index(max(alts))
    assert top >= 5 and alts[:top + 1] == sorted(alts[:top + 1])
    assert max(alts) - min(alts[top:]) < 2.0


def test_series_json_rows(capsys):
    rc, out, _ = run(capsys, "state", "--from", "docking", "--to", "T+03:30:00", "--step",
                     "30", "--json")
    rows = json.loads(out)
    # docking is T+03:27:28.558: instants at +0, 30, … 150 s fit before T+03:30:00
    assert rc == 0 and len(rows) == 6 * 3
    assert {"utc", "met_s", "object", "lat_deg", "alt_km"} <= set(rows[0])


def test_events_json(capsys):
    rc, out, _ = run(capsys, "events", "--json")
    events = json.loads(out)
    assert rc == 0
    ids = [e["id"] for e in events]
    assert ids[0] == "liftoff" and "docking" in ids and "landing" in ids
    mets = [e["met_s"] for e in events]
    assert mets == sorted(mets)
    for e in events:
        assert e["basis"] in ("measured", "modelled") and e["source"]
    # modelled events computed by the models have times too
    assert "parachute" in ids


# -- errors: one line on stderr, status 2, never a traceback ------------------------------
@pytest.mark.parametrize("argv, words", [
    (["state", "--at", "not-a-time!"], "cannot read TIME"),
    (["state", "--at", "2030-01-01T00:00:00Z"], "no object exists"),
    (["state", "--from", "T+0", "--to", "T+60", "--step", "0"], "at least 0.001 s"),
    (["state", "--from", "T+60", "--to", "T+0", "--step", "1"], "before --from"),
    (["state", "--at", "launch"], "unknown event id"),
])
def test_bad_input(capsys, argv, words):
    rc, out, err = run(capsys, *argv)
    assert rc == 2 and not out
    assert err.count("\n") == 1 and words in err and err.startswith("orbitviz: error:")


def test_bad_input_in_a_real_process_has_no_traceback():
    p = subprocess.run([sys.executable, "-m", "orbitviz", "state", "--at", "T+yesterday"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2
    assert "Traceback" not in p.stderr and p.stderr.count("\n") == 1


def test_version():
    p = subprocess.run([sys.executable, "-m", "orbitviz", "--version"], capture_output=True,
                       text=True, timeout=60)
    import orbitviz

    assert p.returncode == 0 and p.stdout.strip() == f"orbitviz {orbitviz.__version__}"
