"""Every bad input of ``tests/data/bad_inputs.toml`` through the real CLI (issue 14).

Each case runs as ``python -m orbitviz ...`` in a folder of its own under a timeout and must
exit with status 2, print nothing on stdout and exactly one line on stderr (matching the
case's ``expect``), and leave no file behind. The table's header says how inputs are made.
The cases run a few at a time (each is a separate process) once per session; each test then
checks its own case's result.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sgp4.api import WGS72, Satrec
from sgp4.exporter import export_omm, export_tle

from orbitviz.core.assets import asset_path
from orbitviz.core.tle import load_tle_file

TABLE = Path(__file__).resolve().parents[1] / "data" / "bad_inputs.toml"
CASES = tomllib.loads(TABLE.read_text(encoding="utf-8"))["case"]
TIMEOUT_S = 60
ISS = load_tle_file(asset_path("tle", "iss-21277.86166359.tle"))[0][0]
_REPEAT = re.compile(r"\{(.)\*(\d+)\}")
_FILL_AND_RUN = ('mount -t tmpfs -o size=8k tmpfs "$0" || exit 97; '
                 'head -c 1048576 /dev/zero > "$0/fill" 2>/dev/null; exec "$@"')


def expand(text: str) -> str:
    """``{C*N}``: the character C repeated N times."""
    return _REPEAT.sub(lambda m: m.group(1) * int(m.group(2)), text)


def _fields(base: dict, raw: dict, drop=()) -> str:
    """A JSON object of ``base``'s fields (JSON-encoded) with ``raw`` ones as raw text."""
    items = [(k, expand(raw[k]) if k in raw else json.dumps(v))
             for k, v in base.items() if k not in drop]
    items += [(k, expand(v)) for k, v in raw.items() if k not in base]
    return "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in items) + "}"


def _omm_xml(fields: dict, raw: dict) -> str:
    meta = ("OBJECT_NAME", "OBJECT_ID", "CENTER_NAME", "REF_FRAME", "TIME_SYSTEM",
            "MEAN_ELEMENT_THEORY")
    mean = ("EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE",
            "ARG_OF_PERICENTER", "MEAN_ANOMALY")

    def tags(keys):
        return "".join(f"<{k}>{expand(raw[k]) if k in raw else fields[k]}</{k}>" for k in keys)

    tle = [k for k in fields if k not in meta + mean]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<ndm><omm><body><segment>\n'
            f"<metadata>{tags(meta)}</metadata>\n<data><meanElements>{tags(mean)}"
            f"</meanElements>\n<tleParameters>{tags(tle)}</tleParameters></data>\n"
            "</segment></body></omm></ndm>\n")


def _tle_at(epoch: dt.datetime) -> tuple[str, str]:
    """The shipped ISS set's elements re-encoded at ``epoch`` (valid checksums)."""
    s = ISS.satrec
    sat = Satrec()
    days = (epoch - dt.datetime(1949, 12, 31, tzinfo=dt.timezone.utc)).total_seconds() / 86400
    sat.sgp4init(WGS72, "i", 25544, days, s.bstar, s.ndot, s.nddot, s.ecco, s.argpo, s.inclo,
                 s.mo, s.no_kozai, s.nodeo)
    sat.intldesg, sat.revnum = s.intldesg, s.revnum
    return export_tle(sat)


def _shots_doc(raw: dict, drop) -> str:
    shot = {"name": "Docking", "utc": "2021-10-05T12:22:31.000Z", "met_s": 12448.558,
            "view_state": {}, "camera": None}
    return ('{"format": "orbitviz-shots", "version": 1, "mission": "soyuz-ms-19", '
            f'"shots": [{_fields(shot, raw, drop)}]}}')


def make_input(spec: dict, folder: Path) -> Path:
    """The case's input file in ``folder``, as the table's header describes."""
    kind = spec["kind"]
    raw = spec.get("raw", {})
    if kind == "omm":
        path = folder / "input.json"
        path.write_text("[" + _fields(export_omm(ISS.satrec, ISS.name), raw) + "]\n")
    elif kind == "xml":
        path = folder / "input.xml"
        path.write_text(_omm_xml(export_omm(ISS.satrec, ISS.name), raw))
    elif kind == "tle":
        path = folder / "input.tle"
        l1, l2 = _tle_at(dt.datetime.fromisoformat(spec["epoch"].replace("Z", "+00:00")))
        path.write_text(f"ISS\n{l1}\n{l2}\n")
    elif kind == "shots":
        path = folder / "input.json"
        path.write_text(_shots_doc(raw, spec.get("drop", ())))
    elif kind == "text":
        path = folder / "input.txt"
        path.write_text(expand(spec["content"]))
    elif kind == "sparse":
        path = folder / "input.json"
        with open(path, "wb") as fh:
            fh.truncate(int(spec["size"]))
    elif kind == "fifo":
        path = folder / "input.fifo"
        os.mkfifo(path)
    else:
        raise ValueError(f"unknown input kind {kind!r} in {TABLE.name}")
    return path


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _namespaces_work() -> bool:
    if not shutil.which("unshare"):
        return False
    try:
        r = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs tmpfs /mnt"],
                           capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


def run_case(case: dict, root: Path) -> dict:
    """Run one case in ``root/<id>``; returns what the checks need."""
    folder = root / case["id"]
    inputs = folder / "inputs"  # made before the run, not counted as left behind
    work = folder / "work"
    inputs.mkdir(parents=True)
    work.mkdir()
    full = folder / "full"
    full.mkdir()
    subs = {"{tmp}": str(work), "{full}": str(full)}
    if "input" in case:
        subs["{input}"] = str(make_input(case["input"], inputs))
    argv = []
    for arg in case["argv"]:
        for key, value in subs.items():
            arg = arg.replace(key, value)
        argv.append(expand(arg))
    env = dict(os.environ)
    cmd = [sys.executable, "-m", "orbitviz", *argv]
    if case.get("needs") == "tmpfs":
        cmd = ["unshare", "-rm", "sh", "-c", _FILL_AND_RUN, str(full), *cmd]
    else:  # no display and no Xvfb: nothing here may get as far as starting one
        env.pop("DISPLAY", None)
        env.pop("WAYLAND_DISPLAY", None)
        env["PATH"] = str(folder / "no-programs-here")
    before = _tree(work)
    try:
        r = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True,
                           timeout=TIMEOUT_S, stdin=subprocess.DEVNULL)
        rc, out, err = r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired as exc:
        rc, out, err = "timeout", exc.stdout or "", exc.stderr or ""
    return {"rc": rc, "stdout": out, "stderr": err, "before": before, "after": _tree(work),
            "full_after": _tree(full)}


@pytest.fixture(scope="session")
def results(tmp_path_factory):
    """Every case's result, run a few at a time once per session."""
    root = tmp_path_factory.mktemp("bad-inputs")
    tmpfs = _namespaces_work()
    runnable = [c for c in CASES if c.get("needs") != "tmpfs" or tmpfs]
    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2))) as pool:
        done = dict(zip([c["id"] for c in runnable],
                        pool.map(lambda c: run_case(c, root), runnable)))
    return done


def test_the_table_is_well_formed():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 50
    for c in CASES:
        assert set(c) <= {"id", "argv", "expect", "input", "needs"}, c["id"]
        re.compile(c["expect"])


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_input_is_one_line_and_exit_2(results, case):
    if case["id"] not in results:
        pytest.skip("needs a user and mount namespace (unshare -rm) for a small tmpfs")
    r = results[case["id"]]
    assert r["rc"] != "timeout", f"hung for {TIMEOUT_S} s: {r['stderr'][-500:]!r}"
    assert r["rc"] != 97, "could not mount the tmpfs"
    lines = r["stderr"].splitlines()
    assert len(lines) == 1 and r["stderr"].endswith("\n"), r["stderr"][-2000:]
    line = lines[0]
    assert line.startswith("orbitviz: error: ") and "Traceback" not in line
    assert re.search(case["expect"], line), line
    assert r["rc"] == 2, line
    assert r["stdout"] == ""
    assert r["after"] == r["before"], "a file was left behind"
    assert r["full_after"] == []
