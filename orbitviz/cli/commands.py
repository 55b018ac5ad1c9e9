"""Headless commands: ``events``, ``state``, and opening the app."""

from __future__ import annotations

import csv
import io
import json
import math
import sys

import numpy as np

from orbitviz.core.elements import NoStateError
from orbitviz.core.timeaxis import TimeParseError, format_met, parse_time

#: Most rows a series may produce (objects × times), to stop a typo filling a disk.
MAX_SERIES_ROWS = 2_000_000


class CommandError(Exception):
    """A command that cannot run as asked; the message is one line for stderr."""


_MODEL = None


def _model():
    """The mission model, built once per process."""
    global _MODEL
    if _MODEL is None:
        from orbitviz.core.mission import MissionModel

        try:
            _MODEL = MissionModel.build()
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot load the mission data: {exc}") from None
    return _MODEL


def _parse(text: str, model) -> float:
    try:
        return parse_time(text, model.axis, model.scenario.event_times())
    except TimeParseError as exc:
        raise CommandError(str(exc)) from None


def _out(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


# -- events -----------------------------------------------------------------------------
def events(ns) -> int:
    model = _model()
    rows = [{"id": e.id, "name": e.name, "utc": model.axis.iso_utc(e.met_s), "met_s": e.met_s,
             "met": format_met(e.met_s, 1), "basis": e.basis,
             "object": e.object, "source": e.source, "description": e.description}
            for e in model.events()]
    if ns.json:
        _out(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return 0
    buf = io.StringIO()
    buf.write(f"{model.scenario.title}: {len(rows)} events (UTC; T+ from lift-off)\n\n")
    w_id = max(len(r["id"]) for r in rows)
    for r in rows:
        mark = "" if r["basis"] == "measured" else "  (modelled)"
        buf.write(f"{r['utc']}  {r['met']:>16}  {r['id']:<{w_id}}  {r['name']}{mark}\n")
    _out(buf.getvalue())
    return 0


# -- state ------------------------------------------------------------------------------
def _snapshot(model, met: float) -> dict:
    try:
        return model.snapshot(met)
    except NoStateError as exc:
        raise CommandError(str(exc)) from None


def _table(snap: dict, axis) -> str:
    lines = [f"{snap['utc']}   {format_met(snap['met_s'], 1)}"]
    header = (f"{'object':<13} {'phase':<15} {'lat °':>8} {'lon °':>9} {'alt km':>9} "
              f"{'v km/s':>7}  source")
    lines.append(header)
    for oid, o in snap["objects"].items():
        if o["tle"]:
            age_h = o["tle"]["age_s"] / 3600.0
            src = f"TLE {o['tle']['file']} (age {age_h:+.1f} h)"
        else:
            src = "model"
        lines.append(f"{oid:<13} {o['phase']:<15} {o['lat_deg']:8.3f} {o['lon_deg']:9.3f} "
                     f"{o['alt_km']:9.3f} {o['speed_km_s']:7.3f}  {src}")
    sun = snap["sun"]
    lines.append(f"Sun overhead at {sun['subsolar_lat_deg']:.3f}°, "
                 f"{sun['subsolar_lon_deg']:.3f}°")
    return "\n".join(lines) + "\n"


_CSV_FIELDS = ["utc", "met_s", "object", "name", "phase", "source", "tle_file",
               "tle_epoch_utc", "tle_age_s", "lat_deg", "lon_deg", "alt_km", "speed_km_s",
               "x_gcrs_km", "y_gcrs_km", "z_gcrs_km", "vx_gcrs_km_s", "vy_gcrs_km_s",
               "vz_gcrs_km_s", "subsolar_lat_deg", "subsolar_lon_deg"]


def _rows(snap: dict):
    for oid, o in snap["objects"].items():
        tle = o["tle"] or {}
        yield {
            "utc": snap["utc"], "met_s": snap["met_s"], "object": oid, "name": o["name"],
            "phase": o["phase"], "source": o["source"], "tle_file": tle.get("file", ""),
            "tle_epoch_utc": tle.get("epoch_utc", ""), "tle_age_s": tle.get("age_s", ""),
            "lat_deg": o["lat_deg"], "lon_deg": o["lon_deg"], "alt_km": o["alt_km"],
            "speed_km_s": o["speed_km_s"],
            "x_gcrs_km": o["r_gcrs_km"][0], "y_gcrs_km": o["r_gcrs_km"][1],
            "z_gcrs_km": o["r_gcrs_km"][2], "vx_gcrs_km_s": o["v_gcrs_km_s"][0],
            "vy_gcrs_km_s": o["v_gcrs_km_s"][1], "vz_gcrs_km_s": o["v_gcrs_km_s"][2],
            "subsolar_lat_deg": snap["sun"]["subsolar_lat_deg"],
            "subsolar_lon_deg": snap["sun"]["subsolar_lon_deg"],
        }


def state(ns) -> int:
    model = _model()
    if ns.at is not None:
        snap = _snapshot(model, _parse(ns.at, model))
        _out(json.dumps(snap, indent=2) + "\n" if ns.json else _table(snap, model.axis))
        return 0
    t0 = _parse(ns.from_, model)
    t1 = _parse(ns.to, model)
    if t1 < t0:
        raise CommandError("--to is before --from")
    count = int(math.floor((t1 - t0) / ns.step + 1e-9)) + 1
    if count * max(1, len(model.objects)) > MAX_SERIES_ROWS:
        raise CommandError(f"that series has {count} times; use a larger --step "
                           f"(at most {MAX_SERIES_ROWS // len(model.objects)} times)")
    times = t0 + ns.step * np.arange(count)
    snaps = [_snapshot(model, float(t)) for t in times]
    if ns.json:
        rows = [row for snap in snaps for row in _rows(snap)]
        _out(json.dumps(rows, indent=1) + "\n")
    elif ns.csv:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=_CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        for snap in snaps:
            writer.writerows(_rows(snap))
        _out(buf.getvalue())
    else:
        _out("\n".join(_table(snap, model.axis) for snap in snaps))
    return 0


# -- the app ----------------------------------------------------------------------------
def open_app(ns) -> int:
    """Open the desktop app (the GUI layers are imported only here)."""
    from orbitviz.app.app import run

    return run()
