"""Argument parsing for ``orbitviz`` (pure: no side effects, easy to test)."""

from __future__ import annotations

import argparse

from orbitviz import __version__


class UsageError(Exception):
    """Bad command-line input; the message is one line for stderr (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump, no SystemExit from argparse
        raise UsageError(message)


TIME_HELP = ("TIME: ISO 8601 UTC (2021-10-05T12:22:31Z), T+SECONDS / T-SECONDS, "
             "T+[d.]hh:mm:ss, or an event id (docking)")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="orbitviz",
                description="The Soyuz MS-19 'Challenge' mission (October 2021) in 3D.",
                epilog=TIME_HELP)
    p.add_argument("--version", action="version", version=f"orbitviz {__version__}")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    ev = sub.add_parser("events", help="list the mission's events", epilog=TIME_HELP)
    ev.add_argument("--json", action="store_true", help="print JSON")

    st = sub.add_parser("state", help="positions of every object at a time or over a span",
                        epilog=TIME_HELP)
    st.add_argument("--at", metavar="TIME", help="one instant")
    st.add_argument("--from", dest="from_", metavar="TIME", help="start of a series")
    st.add_argument("--to", metavar="TIME", help="end of a series")
    st.add_argument("--step", metavar="SECONDS", type=_positive_seconds,
                    help="series step in seconds")
    fmt = st.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON")
    fmt.add_argument("--csv", action="store_true", help="print CSV (series only)")
    return p


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"step must be a number of seconds, not '{text}'")
    if not value > 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"step must be more than zero seconds, not '{text}'")
    return value


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse and check ``argv``; raises :class:`UsageError` with a one-line message."""
    ns = build_parser().parse_args(argv)
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
    return ns
