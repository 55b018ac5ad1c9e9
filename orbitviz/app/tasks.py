"""One way to run heavy work off the GUI thread: a task runner in the pattern of Orange3's
``ConcurrentMixin``.

Heavy work is a plain function (building the mission, reading element sets, propagating a
window of the user's catalogue). :meth:`TaskRunner.submit` runs it on a worker thread of a
``QThreadPool``; its result or its exception comes back on the GUI thread, to ``on_done`` or
``on_error``. Requests carry a key: the newest request of a key wins (an older one not yet
started is dropped, the result of one already running is thrown away), so fast scrubbing
queues no work. A function that takes a ``task`` keyword gets its :class:`Task`: it may
report progress (``task.report(done, total)``, delivered to ``on_progress`` on the GUI
thread) and should stop early when ``task.cancelled`` is true.

Errors without an ``on_error`` handler are emitted once per key and message as
:attr:`TaskRunner.failed` (``(what, message, details)``): the app shows them in the status bar
with a "Details" action, never as a dialog per failed window.
"""

from __future__ import annotations

import inspect
import threading
import time
import traceback
from typing import Callable

from PySide6 import QtCore


class TaskCancelled(Exception):
    """Raised inside a task function that noticed ``task.cancelled``."""


class Task:
    """One request. ``cancelled``: set by :meth:`cancel` or by a newer request of its key."""

    def __init__(self, key: str, generation: int):
        self.key = key
        self.generation = generation
        self._cancel = threading.Event()
        self.done = False
        self.result = None
        self.error: BaseException | None = None
        self._relay: _Relay | None = None

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def check(self) -> None:
        """Raise :class:`TaskCancelled` if the task was cancelled (call it between chunks)."""
        if self._cancel.is_set():
            raise TaskCancelled(self.key)

    def report(self, done: int, total: int) -> None:
        """Progress from the worker thread (delivered on the GUI thread)."""
        relay = self._relay
        if relay is not None:
            relay.progress.emit(self, int(done), int(total))


class _Relay(QtCore.QObject):
    """Lives on the GUI thread; its signals, emitted by workers, arrive there (queued)."""

    finished = QtCore.Signal(object)
    progress = QtCore.Signal(object, int, int)


class _Job(QtCore.QRunnable):
    def __init__(self, task: Task, fn: Callable, args, kwargs):
        super().__init__()
        self.setAutoDelete(False)
        self.task, self.fn, self.args, self.kwargs = task, fn, args, kwargs

    def run(self) -> None:  # on a worker thread
        t = self.task
        try:
            if not t.cancelled:
                t.result = self.fn(*self.args, **self.kwargs)
        except BaseException as exc:  # handed to the GUI thread, never lost
            t.error = exc
            t.details = "".join(traceback.format_exception(exc))
        t.done = True
        t._relay.finished.emit(t)


class TaskRunner(QtCore.QObject):
    """Runs plain functions on worker threads; see the module's notes."""

    #: ``(what, message, details)`` of a failed task that had no ``on_error``.
    failed = QtCore.Signal(str, str, str)

    def __init__(self, parent=None, max_threads: int = 2):
        super().__init__(parent)
        self._pool = QtCore.QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._finished)
        self._relay.progress.connect(self._progress)
        self._latest: dict[str, Task] = {}
        self._jobs: dict[int, tuple[_Job, dict]] = {}
        self._reported: set[tuple[str, str]] = set()

    def submit(self, key: str, fn: Callable, *args, on_done: Callable | None = None,
               on_error: Callable | None = None, on_progress: Callable | None = None,
               what: str = "", **kwargs) -> Task:
        """Run ``fn(*args, **kwargs)`` on a worker thread (see the module's notes); returns
        the :class:`Task`. ``what``: a few words for an error message ("propagate your
        objects")."""
        old = self._latest.get(key)
        gen = (old.generation + 1) if old is not None else 0
        task = Task(key, gen)
        task._relay = self._relay
        if old is not None and not old.done:
            old.cancel()
            entry = self._jobs.get(id(old))
            if entry is not None and self._pool.tryTake(entry[0]):
                self._jobs.pop(id(old), None)  # never started: dropped
        self._latest[key] = task
        if "task" in _parameters(fn):
            kwargs["task"] = task
        job = _Job(task, fn, args, kwargs)
        self._jobs[id(task)] = (job, {"on_done": on_done, "on_error": on_error,
                                      "on_progress": on_progress, "what": what or key})
        self._pool.start(job)
        return task

    def pending(self) -> bool:
        """Whether any task is waiting or running."""
        return bool(self._jobs)

    def wait_idle(self, timeout_s: float = 30.0) -> bool:
        """Process Qt events until no task is pending (for tests, tools and exports that
        must wait); returns whether everything finished in time."""
        end = time.monotonic() + timeout_s
        while self.pending() and time.monotonic() < end:
            QtCore.QCoreApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents,
                                                  20)
            time.sleep(0.002)
        QtCore.QCoreApplication.processEvents()
        return not self.pending()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Cancel everything and wait for running work to stop."""
        for t in self._latest.values():
            t.cancel()
        self._pool.clear()
        self._pool.waitForDone(timeout_ms)

    # -- on the GUI thread --------------------------------------------------------------------
    def _progress(self, task: Task, done: int, total: int) -> None:
        entry = self._jobs.get(id(task))
        if entry is not None and entry[1]["on_progress"] is not None and \
                self._latest.get(task.key) is task:
            entry[1]["on_progress"](done, total)

    def _finished(self, task: Task) -> None:
        entry = self._jobs.pop(id(task), None)
        if entry is None or self._latest.get(task.key) is not task or task.cancelled:
            return  # superseded by a newer request, or cancelled: its outcome is dropped
        hooks = entry[1]
        if task.error is None:
            if hooks["on_done"] is not None:
                hooks["on_done"](task.result)
            return
        if isinstance(task.error, TaskCancelled):
            return
        if hooks["on_error"] is not None:
            hooks["on_error"](task.error)
            return
        message = str(task.error) or type(task.error).__name__
        if (task.key, message) not in self._reported:  # once, not per failed window
            self._reported.add((task.key, message))
            self.failed.emit(hooks["what"], message, getattr(task, "details", ""))


def _parameters(fn) -> set[str]:
    try:
        return set(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return set()


__all__ = ["TaskRunner", "Task", "TaskCancelled"]
