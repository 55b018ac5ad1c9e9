"""Headless commands: ``events``, ``state``, ``export``, and opening the app."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import os
import sys

import numpy as np

from orbitviz.core.elements import NoStateError
from orbitviz.core.timeaxis import TimeParseError, format_met, parse_time
from orbitviz.core.userfiles import one_line

#: Most rows a series may produce (objects × times), to stop a typo filling a disk.
MAX_SERIES_ROWS = 2_000_000


class CommandError(Exception):
    """A command that cannot run as asked; the message is one line for stderr."""


_MODEL = None
_SCENARIO = None


def _scenario():
    """The mission's scenario (time axis, events, display window), read once per process:
    enough to check every TIME and file before the model is built (a quarter of a second
    more), so bad input fails fast."""
    global _SCENARIO
    if _MODEL is not None:
        return _MODEL.scenario
    if _SCENARIO is None:
        from orbitviz.core.scenario import load_scenario

        try:
            _SCENARIO = load_scenario()
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot load the mission data: {exc}") from None
    return _SCENARIO


def _model():
    """The mission model, built once per process."""
    global _MODEL
    if _MODEL is None:
        from orbitviz.core.mission import MissionModel

        try:
            _MODEL = MissionModel.build(_scenario())
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot load the mission data: {exc}") from None
    return _MODEL


def _parse(text: str, scenario) -> float:
    """``met_s`` of a TIME (``scenario``: the mission's, or a model, which has one)."""
    sc = getattr(scenario, "scenario", scenario)
    try:
        return parse_time(text, sc.axis, sc.event_times())
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
def _catalog(ns, axis):
    """The user's element-set files (``--tle FILE``, repeatable) as a UserCatalog, or None.

    Each malformed set is one stderr line (``file:line: message``); a file that cannot be
    read or holds no valid object is a CommandError (exit status 2)."""
    paths = getattr(ns, "tle", None) or []
    if not paths:
        return None
    from orbitviz.core.catalog import CatalogError, load_element_files

    try:
        catalog, errors = load_element_files(paths, axis)
    except CatalogError as exc:
        raise CommandError(str(exc)) from None
    for err in errors:
        sys.stderr.write(f"{one_line(err, 400)}\n")
    sys.stderr.flush()
    return catalog


def _snapshot(model, met: float, catalog=None) -> dict:
    """The mission's snapshot with the user's objects added; where only user objects
    exist, theirs alone (the Sun from their own Earth orientation)."""
    user = catalog.snapshot_objects(met) if catalog is not None else {}
    if model.existing(met):
        try:
            snap = model.snapshot(met)
        except NoStateError as exc:
            raise CommandError(str(exc)) from None
        snap["objects"].update(user)
        return snap
    if user:
        lat, lon = catalog.subsolar_point(met)
        return {"utc": model.axis.iso_utc(met), "met_s": round(float(met), 6),
                "objects": user, "sun": {"subsolar_lat_deg": lat, "subsolar_lon_deg": lon}}
    try:
        model.snapshot(met)
        message = f"no object exists at {model.axis.iso_utc(met)}"
    except NoStateError as exc:
        message = str(exc)
    if catalog is not None:
        spans = ", ".join(f"{model.axis.iso_utc(a, 0)} to {model.axis.iso_utc(b, 0)}"
                          for a, b in catalog.coverage)
        message += f"; your element sets cover {spans}"
    raise CommandError(message)


def _table(snap: dict, axis) -> str:
    lines = [f"{snap['utc']}   {format_met(snap['met_s'], 1)}"]
    w = max([13] + [len(oid) for oid in snap["objects"]])
    header = (f"{'object':<{w}} {'phase':<15} {'lat °':>8} {'lon °':>9} {'alt km':>9} "
              f"{'v km/s':>7}  source")
    lines.append(header)
    for oid, o in snap["objects"].items():
        if o["tle"]:
            age_h = o["tle"]["age_s"] / 3600.0
            src = f"TLE {o['tle']['file']} (age {age_h:+.1f} h)"
        else:
            src = "model"
        lines.append(f"{oid:<{w}} {o['phase']:<15} {o['lat_deg']:8.3f} {o['lon_deg']:9.3f} "
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


def _json(value, indent) -> str:
    """JSON text; never ``NaN`` or ``Infinity``, which JSON does not have."""
    try:
        return json.dumps(value, indent=indent, allow_nan=False)
    except ValueError:
        raise CommandError("a computed value is not a finite number; nothing was printed "
                           "(please report this with the command)") from None


def state(ns) -> int:
    sc = _scenario()
    if ns.at is not None:
        met = _parse(ns.at, sc)
        catalog = _catalog(ns, sc.axis)
        model = _model()
        snap = _snapshot(model, met, catalog)
        _out(_json(snap, 2) + "\n" if ns.json else _table(snap, model.axis))
        return 0
    t0 = _parse(ns.from_, sc)
    t1 = _parse(ns.to, sc)
    catalog = _catalog(ns, sc.axis)
    model = _model()
    if t1 < t0:
        raise CommandError("--to is before --from")
    n_objects = max(1, len(model.objects) + (len(catalog) if catalog is not None else 0))
    steps = (t1 - t0) / ns.step  # a float first: a tiny step must not overflow int()
    if not math.isfinite(steps) or (steps + 1) * n_objects > MAX_SERIES_ROWS:
        raise CommandError(f"that series has {steps + 1:,.0f} times; use a larger --step "
                           f"(at most {MAX_SERIES_ROWS // n_objects:,} times)")
    count = int(math.floor(steps + 1e-9)) + 1
    times = t0 + ns.step * np.arange(count)
    snaps = [_snapshot(model, float(t), catalog) for t in times]
    if ns.json:
        rows = [row for snap in snaps for row in _rows(snap)]
        _out(_json(rows, 1) + "\n")
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


# -- export -----------------------------------------------------------------------------
def export(ns) -> int:
    """``orbitviz export``: a still, one still per event with a contact sheet, or a clip.

    Everything that can be checked without a display is checked first (times, view,
    output paths and the length of their names, a clip's frame count); then a private Xvfb
    is started if there is no display, and the GL work runs in this process. Files are
    written atomically."""
    from orbitviz.app import export as ex
    from orbitviz.cli.args import export_kind
    from orbitviz.core import export_rules as rules
    from orbitviz.core.atomic_write import AtomicWriteError, check_name_fits, error_line
    from orbitviz.core.viewer import ViewerModel

    try:  # a name the file system cannot hold fails now, not after the render
        check_name_fits(ns.out)
    except AtomicWriteError as exc:
        raise CommandError(str(exc)) from None
    kind = export_kind(ns)
    sc = _scenario()
    # what needs no model first: TIMEs, the user's files, a clip's length
    shot = _load_shot(ns, sc.axis) if kind == "still" and ns.shot is not None else None
    met = _parse(ns.at, sc) if kind == "still" and ns.at is not None else None
    if kind in ("clip", "clip-dir"):
        t0, t1 = _parse(ns.from_, sc), _parse(ns.to, sc)
        if t1 <= t0:
            raise CommandError("--to must be after --from")
    catalog = _catalog(ns, sc.axis)  # drawn in the pictures; its validity is exportable time
    model = _model()
    viewer = ViewerModel(model)
    viewer.set_catalog(catalog)

    def check_time(met):
        return rules.check_time(viewer, met)

    try:
        spec = rules.ExportSpec(size=tuple(ns.size),
                                view=rules.check_view(ns.view or "earth", viewer),
                                frame=ns.frame, caption=ns.caption,
                                transparent=ns.transparent, credit=ns.credit, tile=ns.tile)
        if ns.labels is not None:
            from orbitviz.core.viewstate import ViewState

            spec = dataclasses.replace(spec, view_state=ViewState(frame=ns.frame,
                                                                  label_size=ns.labels))
        if ns.map:
            spec = dataclasses.replace(spec, inset=_MapInset(model, catalog))
        if shot is not None:
            shot_view = shot.view()
            if ns.labels is not None:
                shot_view.label_size = ns.labels
            spec = dataclasses.replace(spec, view=shot_view.camera, view_state=shot_view,
                                       camera=shot.camera)
            if ns.map:  # the shot's layers on the map too
                spec = dataclasses.replace(spec, inset=_MapInset(model, catalog, shot.view()))
            met = check_time(shot.met_s)
            rules.check_spec(spec, viewer, ns.out)
            ex.check_output(ns.out, ns.force)
            job = lambda exporter: _export_still(exporter, ns, spec, met)  # noqa: E731
        elif kind == "still":
            met = check_time(met)
            rules.check_spec(spec, viewer, ns.out)
            ex.check_output(ns.out, ns.force)
            job = lambda exporter: _export_still(exporter, ns, spec, met)  # noqa: E731
        elif kind == "events":
            plan = _events_plan(viewer, ns)
            job = lambda exporter: _export_events(exporter, ns, spec, plan)  # noqa: E731
        else:
            t0, t1 = check_time(t0), check_time(t1)
            _check_clip_frames(t0, t1, ns.fps, ns.rate)
            _check_clip_output(ns, kind, ex)
            clip = _clip_module()
            job = lambda exporter: _export_clip(exporter, clip, ns, spec, t0, t1)  # noqa: E731
    except rules.ExportError as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:  # a path the checks could not even look at
        raise CommandError(error_line(exc, ns.out)) from None
    return _with_gl(model, job, catalog)


class _MapInset:
    """``inset(met_s, width, height, pixel_scale)`` for an ``ExportSpec``: the map of a
    viewer model of the mission and the user's catalogue (made on first use, when the GL
    job's QApplication exists), with the layers of ``view_state`` (a saved shot's) if given."""

    def __init__(self, model, catalog, view_state=None):
        self.model, self.catalog, self.view_state = model, catalog, view_state
        self.viewer = None

    def __call__(self, met_s, width, height, pixel_scale=1.0):
        import copy

        from orbitviz.core.viewer import ViewerModel
        from orbitviz.ui.map_panel import map_image

        if self.viewer is None:
            self.viewer = ViewerModel(self.model, copy.deepcopy(self.view_state))
            self.viewer.set_catalog(self.catalog)
            if self.view_state is not None:  # a user object selected in the shot
                self.viewer.select(self.view_state.selected)
        return map_image(self.viewer, met_s, width, height, pixel_scale)


def _check_clip_frames(t0: float, t1: float, fps: int, rate: float) -> None:
    """The clip's frame count, checked before any display starts (a float first: a
    tiny rate must not overflow)."""
    from orbitviz.core.export_rules import MAX_FRAMES

    frames = (t1 - t0) / rate * fps + 1  # t0 and the frames after it
    if not math.isfinite(frames) or frames > MAX_FRAMES:
        raise CommandError(f"the clip would have {frames:,.0f} frames, more than "
                           f"{MAX_FRAMES:,}; raise --rate or shorten the span")


def _load_shot(ns, axis):
    """The saved shot ``--shot NAME`` from ``--shots FILE`` or the app's own file."""
    from orbitviz.core.shots import ShotBook, ShotError

    if ns.shots:
        path = ns.shots
    else:
        from orbitviz.app.paths import default_shots_path

        path = default_shots_path()
    try:
        book = ShotBook(path, axis)
        if not len(book):
            raise CommandError(f"no saved shots in {one_line(path)}: save one in the app "
                               "(Shots panel)")
        return book.get(ns.shot)
    except ShotError as exc:
        raise CommandError(str(exc)) from None


def _export_still(exporter, ns, spec, met) -> int:
    path = exporter.save(ns.out, met, spec, force=ns.force)
    _out(f"{path}\n")
    return 0


def _events_plan(viewer, ns) -> list:
    """[(event, path, view)] for every event in the display window; checks the folder."""
    from pathlib import Path

    from orbitviz.core.export_rules import event_file_name, event_view

    model = viewer.mission
    out = Path(ns.out)
    if out.exists() and not out.is_dir():
        raise CommandError(f"--events needs a folder, and {one_line(out)} is a file")
    if not out.exists():
        parent = out.parent if str(out.parent) else Path(".")
        if not parent.is_dir():
            raise CommandError(f"cannot make the folder {one_line(out)}: "
                               f"{one_line(parent)} does not exist")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise CommandError(f"cannot make the folder {one_line(out)}: "
                               f"{one_line(parent)} is not writable")
    elif not os.access(out, os.W_OK | os.X_OK):
        raise CommandError(f"cannot write in {one_line(out)}: the folder is not writable")
    t0, t1 = model.window
    plan = []
    for e in model.events():
        if not t0 <= e.met_s <= t1:
            continue
        view = ns.view or event_view(viewer, e)
        plan.append((e, out / event_file_name(e), view))
    if not ns.force:
        for path in [p for _, p, _ in plan] + [out / "index.html"]:
            if path.exists():
                raise CommandError(f"{one_line(path)} exists: use --force to overwrite it")
    return plan


def _export_events(exporter, ns, spec, plan) -> int:
    """Every event's picture, then ``index.html``. On any failure (a full disk, Ctrl-C,
    SIGTERM) the pictures this run created are removed again, and so is a folder this run
    made: no empty or half-filled new folder. (Pictures it replaced with ``--force`` stay
    replaced: each is whole.)"""
    from dataclasses import replace
    from pathlib import Path

    from orbitviz.app.export import write_atomic

    out = Path(ns.out)
    made = not out.exists()
    try:
        out.mkdir(exist_ok=True)
    except OSError as exc:
        raise CommandError(f"cannot make the folder {one_line(out)}: "
                           f"{exc.strerror or exc}") from None
    written = []
    try:
        n = len(plan)
        for i, (e, path, view) in enumerate(plan, 1):
            existed = path.exists()
            exporter.save(path, e.met_s, replace(spec, view=view), force=ns.force)
            if not existed:
                written.append(path)
            sys.stderr.write(f"[{i:>{len(str(n))}}/{n}] {path.name}\n")
            sys.stderr.flush()
        html = contact_sheet(exporter.model, plan, spec.size)

        def write_html(tmp):
            with open(tmp, "w", encoding="utf-8") as fh:  # closed here: errors are seen
                fh.write(html)

        index = write_atomic(out / "index.html", write_html, force=ns.force,
                             cancel=exporter.cancel)
    except BaseException:
        for path in written:
            try:
                path.unlink()
            except OSError:
                pass
        if made:
            try:
                out.rmdir()  # only if empty: nobody else's files are touched
            except OSError:
                pass
        raise
    _out(f"{index}\n")
    return 0


def contact_sheet(model, plan, size) -> str:
    """``index.html``: every event's picture with its T+, UTC, name, basis and description."""
    from html import escape

    from orbitviz.core.timeaxis import format_met

    sc = model.scenario
    cards = []
    for e, path, view in plan:
        basis = "" if e.basis == "measured" else '<span class="tag">modelled</span>'
        desc = f"<p>{escape(e.description)}</p>" if e.description else ""
        src = f'<p class="src">Source: {escape(e.source)}</p>' if e.source else ""
        cards.append(
            f'<figure id="{escape(e.id)}"><a href="{escape(path.name)}">'
            f'<img src="{escape(path.name)}" alt="{escape(e.name)}" loading="lazy" '
            f'width="{size[0]}" height="{size[1]}"></a>'
            f'<figcaption><div class="when"><b>{escape(format_met(e.met_s))}</b> '
            f'{escape(model.axis.iso_utc(e.met_s, 0))}</div>'
            f'<h2>{escape(e.name)} {basis}</h2>{desc}{src}'
            f'<p class="src">View: {escape(view)} · <a href="{escape(path.name)}">'
            f'{escape(path.name)}</a></p></figcaption></figure>')
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(sc.title)}: mission events</title>
<style>
body {{ background: #12141a; color: #e2e6ee; font-family: "DejaVu Sans", system-ui, sans-serif;
        margin: 2rem; }}
h1 {{ font-size: 1.8rem; margin: 0 0 .3rem; }}
.summary {{ color: #aab2c0; max-width: 70rem; }}
.grid {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(22rem, 1fr));
         gap: 1.4rem; margin-top: 1.5rem; }}
figure {{ margin: 0; background: #1c1f27; border-radius: 8px; overflow: hidden; }}
img {{ display: block; width: 100%; height: auto; }}
figcaption {{ padding: .7rem .9rem .9rem; }}
.when {{ color: #ffb45a; font-variant-numeric: tabular-nums; }}
h2 {{ font-size: 1.1rem; margin: .3rem 0; }}
p {{ margin: .3rem 0; font-size: .9rem; }}
.src {{ color: #8d96a6; font-size: .8rem; }}
.tag {{ font-size: .75rem; font-weight: normal; color: #12141a; background: #c9ced8;
        border-radius: 3px; padding: 0 .3rem; vertical-align: middle; }}
a {{ color: #9cc8ff; }}
</style></head><body>
<h1>{escape(sc.title)}: {len(plan)} mission events</h1>
<p class="summary">{escape(sc.summary)}</p>
<p class="summary">Times in UTC and T+ from lift-off. Events marked <span class="tag">modelled</span>
come from a nominal profile or orbitviz's own model, not a measurement for this flight.</p>
<div class="grid">
{chr(10).join(cards)}
</div></body></html>
"""


def _check_clip_output(ns, kind, ex) -> None:
    from pathlib import Path

    out = Path(ns.out)
    if kind == "clip":
        ex.check_output(out, ns.force)
        return
    parent = out.parent if str(out.parent) else Path(".")
    if out.exists() and not out.is_dir():
        raise CommandError(f"a PNG sequence needs a folder, and {one_line(out)} is a file")
    if not parent.is_dir():
        raise CommandError(f"cannot make the folder {one_line(out)}: {one_line(parent)} "
                           "does not exist")
    if out.is_dir():
        # the clip replaces an earlier frame sequence as a whole (with --force); a folder
        # holding anything else is never written into, so nobody's files are mixed or lost
        others = [p for p in out.iterdir()
                  if not (p.name.startswith("frame_") and p.suffix == ".png")]
        if others:
            raise CommandError(f"{one_line(out)} holds other files ({others[0].name}, …): "
                               "choose an empty or new folder")
        if any(out.iterdir()) and not ns.force:
            raise CommandError(f"{one_line(out)} holds an earlier frame sequence: use --force to "
                               "replace it")
    if not os.access(out if out.is_dir() else parent, os.W_OK | os.X_OK):
        raise CommandError(f"cannot write in {out if out.is_dir() else parent}")


def _clip_module():
    try:
        from orbitviz.app import clip
    except ModuleNotFoundError as exc:
        if exc.name in ("orbitviz.app.clip", None):
            raise CommandError("clips are not available in this build") from None
        raise CommandError(f"clips need the Python package '{exc.name}': "
                           f"pip install {exc.name.replace('_', '-')}") from None
    return clip


def _export_clip(exporter, clip, ns, spec, t0, t1) -> int:
    import time

    start = time.perf_counter()
    tty = sys.stderr.isatty()
    state = {"last": -1}

    def progress(done: int, total: int) -> None:
        frac = done / total if total else 1.0
        if not tty and int(frac * 10) == state["last"] and done != total:
            return
        state["last"] = int(frac * 10)
        elapsed = time.perf_counter() - start
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else 0.0
        bar = "#" * int(round(30 * frac))
        line = (f"[{bar:<30}] {100 * frac:5.1f}%  {done}/{total} frames  {rate:5.1f} fps  "
                f"ETA {int(eta) // 60}:{int(eta) % 60:02d}")
        sys.stderr.write(("\r" + line + ("\n" if done == total else "")) if tty else line + "\n")
        sys.stderr.flush()

    try:
        out = ns.out
        if not out.lower().endswith(".mp4") and not out.endswith(("/", os.sep)):
            out += "/"  # no extension: a folder of PNGs
        path = clip.export_clip(exporter, t0, t1, out, spec, fps=ns.fps, rate=ns.rate,
                                progress=progress, force=ns.force)
    except getattr(clip, "ClipCancelled", KeyboardInterrupt):
        raise KeyboardInterrupt from None
    finally:
        if tty and state["last"] >= 0:
            sys.stderr.write("\n")
    _out(f"{path}\n")
    return 0


def _with_gl(model, job, catalog=None) -> int:
    """Run ``job(exporter)`` with a GL-capable QApplication (a private Xvfb if needed).

    SIGTERM and SIGINT cancel cleanly: their handlers only record the signal in a
    :class:`~orbitviz.core.cancel.CancelToken` (an exception raised by a handler could land
    inside pyqtgraph's item drawing, which swallows it and finishes the picture without
    that item); the exporter checks the token between tiles and frames and just before the
    final rename, and :class:`~orbitviz.core.cancel.Cancelled` unwinds through the atomic
    writers, which leave the old file and remove their temporaries."""
    import contextlib
    import signal

    from orbitviz.cli.xvfb import PrivateXvfb, XvfbError, display_available
    from orbitviz.core.cancel import CancelToken

    token = CancelToken()

    def _on_signal(signum, frame):
        token.request(signum)

    old = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    display = contextlib.nullcontext() if display_available() else PrivateXvfb()
    try:
        with display:
            token.check()
            return _run_gl_job(model, job, catalog, token)
    except XvfbError as exc:
        raise CommandError(str(exc)) from None
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


def _run_gl_job(model, job, catalog=None, cancel=None) -> int:
    from PySide6 import QtWidgets

    from orbitviz.app.export import Exporter
    from orbitviz.app.startup import check_opengl, make_qapplication
    from orbitviz.core.export_rules import ExportError

    owned = QtWidgets.QApplication.instance() is None
    qapp = make_qapplication()
    exporter = None
    try:
        reason = check_opengl()
        if reason is not None:
            raise CommandError(f"OpenGL cannot start: {reason}")
        exporter = Exporter(model)
        exporter.cancel = cancel
        exporter.set_catalog(catalog)
        return job(exporter)
    except ExportError as exc:
        raise CommandError(str(exc)) from None
    finally:
        if exporter is not None:
            exporter.close()
        if owned:
            qapp.processEvents()
            qapp.shutdown()  # before a private X server goes away


# -- the app ----------------------------------------------------------------------------
def open_app(ns) -> int:
    """Open the desktop app (the GUI layers are imported only here)."""
    from orbitviz.app.app import run

    return run(tle_paths=list(getattr(ns, "tle", None) or []))
