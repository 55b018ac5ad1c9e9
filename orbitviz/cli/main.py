"""``orbitviz`` entry point: dispatch, and one-line errors with exit status 2."""

from __future__ import annotations

import sys

from orbitviz.cli.args import UsageError, parse_args

EXIT_USAGE = 2


def _fail(message: str) -> int:
    """One line on stderr, whatever the message holds: a control character that slipped
    into it (a newline in an argument argparse echoes) is shown escaped, as repr does."""
    line = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(message))
    print(f"orbitviz: error: {line}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        ns = parse_args(argv)
    except UsageError as exc:
        return _fail(str(exc))
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0)
    from orbitviz.cli import commands
    from orbitviz.core.cancel import Cancelled

    try:
        if ns.command == "events":
            return commands.events(ns)
        if ns.command == "state":
            return commands.state(ns)
        if ns.command == "export":
            return commands.export(ns)
        return commands.open_app(ns)
    except commands.CommandError as exc:
        return _fail(str(exc))
    except BrokenPipeError:
        return 0
    except Cancelled as exc:  # SIGTERM or SIGINT during an export: cleaned up, then out
        print(f"orbitviz: export {exc.describe()}; no file was left half-written",
              file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
