"""Propagating windows of the user's catalogue off the GUI thread.

The scene asks for a window of samples (``request``) whenever the current one no longer
covers the trails around now; a worker thread computes the newest request only (older
ones that were never started are dropped, so fast scrubbing does not queue work) and
hands the result back on the GUI thread through a queued signal. The catalogue's SGP4
calls are chunked (:meth:`~orbitviz.core.catalog.UserCatalog.propagate`), so the GUI
thread gets the interpreter between chunks even though SGP4 holds the GIL.
"""

from __future__ import annotations

import sys
import threading

from PySide6 import QtCore


class WindowPropagator(QtCore.QObject):
    """``request(catalog, t0, t1, step)``; ``ready(window)`` arrives on the GUI thread."""

    ready = QtCore.Signal(object)
    #: Emitted with a one-line message when a window cannot be computed.
    failed = QtCore.Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._cond = threading.Condition()
        self._latest = None
        self._stop = False
        self.busy = False
        self._thread = threading.Thread(target=self._run, name="orbitviz-propagator",
                                        daemon=True)
        self._thread.start()

    def request(self, catalog, t0_s: float, t1_s: float, step_s: float) -> None:
        with self._cond:
            self._latest = (catalog, float(t0_s), float(t1_s), float(step_s))
            self._cond.notify()

    def pending(self) -> bool:
        """Whether a request is waiting or being computed."""
        with self._cond:
            return self._latest is not None or self.busy

    def wait_idle(self, timeout_s: float = 30.0) -> bool:
        """Process Qt events until no request is pending (for tests and exports)."""
        import time

        end = time.monotonic() + timeout_s
        while self.pending() and time.monotonic() < end:
            QtCore.QCoreApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents,
                                                  20)
            time.sleep(0.005)
        QtCore.QCoreApplication.processEvents()
        return not self.pending()

    def shutdown(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()
        self._thread.join(timeout=5.0)

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._latest is None and not self._stop:
                    self._cond.wait()
                if self._stop:
                    return
                job, self._latest = self._latest, None
                self.busy = True
            catalog, t0, t1, step = job
            try:
                window = catalog.propagate(t0, t1, step)
            except Exception as exc:  # reported as one line, never a traceback
                print(f"orbitviz: error: cannot propagate your objects: {exc}", file=sys.stderr)
                self.failed.emit(str(exc))
            else:
                self.ready.emit(window)
            finally:
                with self._cond:
                    self.busy = False


__all__ = ["WindowPropagator"]
