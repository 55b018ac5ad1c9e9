"""Argument parsing for ``orbitviz`` (pure: no side effects, easy to test)."""

from __future__ import annotations

import argparse
import math

from orbitviz import __version__
from orbitviz.core import export_rules as rules
from orbitviz.core.userfiles import one_line, quote
from orbitviz.core.viewstate import FRAMES, LABEL_SIZES


class UsageError(Exception):
    """Bad command-line input; the message is one line for stderr (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump, no SystemExit from argparse
        raise UsageError(message)


TLE_HELP = ("your own satellites: a TLE/3LE file or OMM JSON/XML with one or many objects; "
            "malformed sets are reported and skipped")
TIME_HELP = ("TIME: ISO 8601 UTC (2021-10-05T12:22:31Z), T+SECONDS / T-SECONDS, "
             "T+[d.]hh:mm:ss, or an event id (docking)")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="orbitviz",
                description="The Soyuz MS-19 'Challenge' mission (October 2021) in 3D.",
                epilog=TIME_HELP)
    p.add_argument("--version", action="version", version=f"orbitviz {__version__}")
    p.add_argument("--tle", dest="tle_top", metavar="FILE", action="append", default=[],
                   help=TLE_HELP + " (repeatable)")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    ev = sub.add_parser("events", help="list the mission's events", epilog=TIME_HELP)
    ev.add_argument("--json", action="store_true", help="print JSON")

    st = sub.add_parser("state", help="positions of every object at a time or over a span",
                        epilog=TIME_HELP)
    st.add_argument("--at", metavar="TIME", help="one instant")
    st.add_argument("--from", dest="from_", metavar="TIME", help="start of a series")
    st.add_argument("--to", metavar="TIME", help="end of a series")
    st.add_argument("--step", metavar="SECONDS", type=_positive_seconds,
                    help=f"series step in seconds (at least {MIN_STEP_S:g})")
    st.add_argument("--tle", metavar="FILE", action="append", default=[],
                    help=TLE_HELP + "; listed beside the mission's objects, and TIME may be "
                    "anywhere within their sets' validity (repeatable)")
    fmt = st.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON")
    fmt.add_argument("--csv", action="store_true", help="print CSV (series only)")

    ex = sub.add_parser(
        "export", help="save a picture, one per event, or a clip of the 3D scene",
        epilog=EXPORT_HELP + " " + TIME_HELP)
    what = ex.add_argument_group("what to export (one of)")
    what.add_argument("--at", metavar="TIME", help="one picture at TIME (.png or .jpg)")
    what.add_argument("--shot", metavar="NAME",
                      help="one picture of a saved shot: its time, camera, frame and layers")
    what.add_argument("--events", action="store_true",
                      help="one captioned picture per mission event, plus index.html, in DIR")
    what.add_argument("--from", dest="from_", metavar="TIME", help="start of a clip")
    what.add_argument("--to", metavar="TIME", help="end of a clip")
    ex.add_argument("--out", metavar="FILE|DIR", help="FILE.png, FILE.jpg, FILE.mp4 or DIR/")
    ex.add_argument("--size", metavar="WxH", type=_size, default=(1920, 1080),
                    help="picture size in pixels (default 1920x1080, at most "
                    f"{rules.MAX_SIZE_PX} a side)")
    ex.add_argument("--view", metavar="VIEW", type=_view,
                    help="earth (default), baikonur, launch, rendezvous or follow:<object id>")
    ex.add_argument("--labels", choices=tuple(LABEL_SIZES), default=None,
                    help="label size: small, medium (default) or large, as the app's "
                    "Layers panel sets it (a saved shot's own size with --shot)")
    ex.add_argument("--frame", choices=FRAMES, default="earth-fixed",
                    help="earth-fixed (default) or inertial")
    ex.add_argument("--caption", metavar="auto|none|TEXT", default="auto",
                    help="auto (title, UTC, T+, current event; default), none, or a text")
    ex.add_argument("--no-credit", dest="credit", action="store_false",
                    help="leave out the credit line (imagery, modelled positions)")
    ex.add_argument("--transparent", action="store_true",
                    help="transparent background, no stars (PNG only)")
    ex.add_argument("--tile", metavar="PX", type=_tile,
                    help="largest render pass in pixels (default: the GL limit)")
    ex.add_argument("--tle", metavar="FILE", action="append", default=[],
                    help=TLE_HELP + "; drawn in the pictures and clips (follow:<id> follows "
                    "one), and TIME may be anywhere within their sets' validity (repeatable)")
    ex.add_argument("--map", action="store_true",
                    help="draw the ground-track map as an inset in the top-right corner, "
                    "at each picture's time (as the app does while its Map panel is shown)")
    ex.add_argument("--force", action="store_true", help="overwrite existing files")
    ex.add_argument("--shots", metavar="FILE",
                    help="the saved-shots file for --shot (default: the app's own)")
    ex.add_argument("--fps", metavar="N", type=_fps, default=30,
                    help="clip frames per second of video (default 30)")
    ex.add_argument("--rate", metavar="X", type=_rate, default=60.0,
                    help="clip speed: mission seconds per video second (default 60, "
                    f"{MIN_RATE:g} to {MAX_RATE:,.0f})")
    return p


EXPORT_HELP = ("Forms: export --at TIME --out FILE.png|.jpg; export --shot NAME --out FILE.png; "
               "export --events --out DIR; "
               "export --from TIME --to TIME --out FILE.mp4|DIR/.")
IMAGE_EXTS = tuple(rules.IMAGE_FORMATS)
#: Smallest series step, s: below a millisecond a series says nothing a finer one would
#: not (and 1e-320 overflows every count).
MIN_STEP_S = 1e-3
MIN_RATE = rules.MIN_CLIP_RATE
MAX_RATE = rules.MAX_CLIP_RATE


def _size(text: str) -> tuple[int, int]:
    try:
        return rules.parse_size(text)
    except rules.ExportError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _view(text: str) -> str:
    if rules.view_name_ok(text):
        return text
    raise argparse.ArgumentTypeError(
        f"unknown view {quote(text)}: use earth, baikonur, launch, rendezvous or "
        "follow:<object id>")


def _int_in(text: str, what: str, lo: int, hi: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{what} must be a whole number, not {quote(text)}")
    if not lo <= value <= hi:
        raise argparse.ArgumentTypeError(f"{what} must be between {lo} and {hi}, not {value}")
    return value


def _tile(text: str) -> int:
    return _int_in(text, "tile", rules.MIN_TILE_PX, rules.MAX_SIZE_PX)


def _fps(text: str) -> int:
    return _int_in(text, "fps", *rules.FPS_RANGE)


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"rate must be a number (mission s per s), not {quote(text)}") from None
    if not (MIN_RATE <= value <= MAX_RATE):
        raise argparse.ArgumentTypeError(
            f"rate must be between {MIN_RATE:g} and {MAX_RATE:,.0f} mission s per s, "
            f"not {quote(text)}")
    return value


def export_kind(ns) -> str:
    """``still``, ``events`` or ``clip``, and for a clip whether it is ``mp4`` or a PNG
    sequence (``clip-dir``); the output form follows ``--out``'s extension."""
    if ns.events:
        return "events"
    if ns.at is not None or ns.shot is not None:
        return "still"
    out = ns.out or ""
    return "clip" if out.lower().endswith(".mp4") else "clip-dir"


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"step must be a number of seconds, not {quote(text)}") from None
    if not (math.isfinite(value) and value >= MIN_STEP_S):
        raise argparse.ArgumentTypeError(
            f"step must be at least {MIN_STEP_S:g} s, not {quote(text)}")
    return value


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse and check ``argv``; raises :class:`UsageError` with a one-line message."""
    ns = build_parser().parse_args(argv)
    # the top-level --tle has its own dest: a subcommand's defaults would overwrite it
    ns.tle = list(ns.tle_top) + list(getattr(ns, "tle", None) or [])
    del ns.tle_top
    if ns.command == "state":
        series = any(x is not None for x in (ns.from_, ns.to, ns.step))
        if ns.at is not None and series:
            raise UsageError("state takes either --at TIME or --from/--to/--step, not both")
        if ns.at is None and not series:
            raise UsageError("state needs --at TIME, or --from TIME --to TIME --step SECONDS")
        if series and None in (ns.from_, ns.to, ns.step):
            raise UsageError("a series needs all of --from TIME --to TIME --step SECONDS")
        if ns.csv and not series:
            raise UsageError("--csv is for a series (--from/--to/--step); use --json or a table")
    if ns.command == "export":
        _check_export(ns)
    return ns


def _check_export(ns) -> None:
    clip = ns.from_ is not None or ns.to is not None
    forms = sum([ns.at is not None, ns.shot is not None, bool(ns.events), clip])
    if forms != 1:
        raise UsageError("export takes one of --at TIME, --shot NAME, --events, or "
                         "--from TIME --to TIME")
    if ns.shots is not None and ns.shot is None:
        raise UsageError("--shots FILE goes with --shot NAME")
    if clip and None in (ns.from_, ns.to):
        raise UsageError("a clip needs both --from TIME and --to TIME")
    if not ns.out:
        raise UsageError("export needs --out FILE (or --out DIR for --events and sequences)")
    out = ns.out
    ext = _ext(out)
    if ns.at is not None or ns.shot is not None:
        if ext not in IMAGE_EXTS:
            raise UsageError(f"unknown extension {quote(ext or out)} for a picture: "
                             "use .png or .jpg")
        if ns.transparent and ext in (".jpg", ".jpeg"):
            raise UsageError("--transparent needs PNG: JPEG has no alpha channel")
    elif ns.events:
        if ext in IMAGE_EXTS + (".mp4", ".html"):
            raise UsageError("--events writes a folder of pictures: give --out DIR, "
                             f"not {one_line(out)}")
    else:
        if ext and ext != ".mp4" and not out.endswith(("/", "\\")):
            raise UsageError(f"unknown extension {quote(ext)} for a clip: use FILE.mp4, "
                             "or DIR/ for a PNG sequence")
        if ns.transparent and ext == ".mp4":
            raise UsageError("--transparent needs a PNG sequence (--out DIR/): MP4 has no alpha")
    if not clip and (ns.fps != 30 or ns.rate != 60.0):
        raise UsageError("--fps and --rate are for clips (--from/--to)")


def _ext(path: str) -> str:
    name = path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    if path.endswith(("/", "\\")) or "." not in name.strip("."):
        return ""
    return "." + name.rsplit(".", 1)[-1].lower()
