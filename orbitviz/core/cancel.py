"""Cancelling long work from a signal, safely: a flag set by the handler, checked by the work.

A signal handler that raises (Python's default ``KeyboardInterrupt`` for SIGINT, or a SIGTERM
handler that raises it) interrupts whatever Python line runs at that instant. Inside
pyqtgraph's item drawing that exception is caught, printed as "Error while drawing item" and
the picture is finished without that item (issue 14: an 8K export cancelled with SIGTERM
replaced the target with a picture that had no Earth, and exited 0). So the CLI's handlers
only *record* the signal in a :class:`CancelToken`; the export engine calls
:meth:`CancelToken.check` at safe points (between render tiles, between clip frames, after
encoding, just before the final rename), where :class:`Cancelled` unwinds through the atomic
writers, which remove their temporary files.

:class:`Cancelled` derives from ``KeyboardInterrupt`` (as Ctrl-C does), so ``except
Exception`` blocks on the way never swallow it. No Qt here.
"""

from __future__ import annotations

import signal


class Cancelled(KeyboardInterrupt):
    """The work was cancelled by ``signum`` (None: by the user in the app)."""

    def __init__(self, signum: int | None = None):
        self.signum = signum
        super().__init__(self.describe())

    def describe(self) -> str:
        if self.signum is None:
            return "cancelled"
        try:
            return f"cancelled by {signal.Signals(self.signum).name}"
        except ValueError:
            return f"cancelled by signal {self.signum}"

    @property
    def exit_status(self) -> int:
        """The shell's convention for a process ended by a signal: 128 + its number (130
        for SIGINT, 143 for SIGTERM); 130 without one."""
        return 128 + (self.signum if self.signum is not None else signal.SIGINT)


class CancelToken:
    """A request to stop, set from a signal handler or a Cancel button, checked by the
    work between steps. Setting it does nothing else (safe inside a signal handler)."""

    def __init__(self):
        self.signum: int | None = None
        self._requested = False

    def request(self, signum: int | None = None) -> None:
        """Ask the work to stop at its next check (the first signal is the one kept)."""
        if not self._requested:
            self.signum = signum
            self._requested = True

    @property
    def requested(self) -> bool:
        return self._requested

    def __call__(self) -> bool:
        """Whether a stop was requested (the ``cancelled()`` polls of the writers)."""
        return self._requested

    def check(self) -> None:
        """Raise :class:`Cancelled` if a stop was requested."""
        if self._requested:
            raise Cancelled(self.signum)


__all__ = ["Cancelled", "CancelToken"]
