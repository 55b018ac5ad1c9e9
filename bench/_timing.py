"""Frame timing shared by the GL benchmarks: presented frames of a QOpenGLWidget
(``frameSwapped``), and several views measured taking turns so that a slow spell of a
shared machine falls on all of them, not on one."""

from __future__ import annotations

import time

SECONDS = 4.0
ROUNDS = 4


class _Frames:
    """Counts presented frames of a QOpenGLWidget."""

    def __init__(self, view):
        from PySide6 import QtCore

        self.view = view
        self.times = []
        view.frameSwapped.connect(lambda: self.times.append(time.perf_counter()))
        self.loop = QtCore.QEventLoop()

    def wait_next(self, timeout_s=2.0):
        n = len(self.times)
        t_end = time.perf_counter() + timeout_s
        from PySide6 import QtWidgets

        while len(self.times) == n and time.perf_counter() < t_end:
            QtWidgets.QApplication.processEvents()
        return self.times[-1] if len(self.times) > n else None


def _run_frames(view, step, seconds=SECONDS):
    """Render continuously for ``seconds`` calling ``step(k)`` before each frame;
    (frames, elapsed seconds), after one frame not counted."""
    frames = _Frames(view)
    view.update()
    frames.wait_next()
    t0 = time.perf_counter()
    k = 0
    while time.perf_counter() - t0 < seconds:
        step(k)
        view.update()
        frames.wait_next()
        k += 1
    return k, time.perf_counter() - t0


def _alternate(runs, seconds=SECONDS, rounds=ROUNDS):
    """Frames per second of each ``(view, step)`` of ``runs``, taking turns: ``rounds``
    rounds of ``seconds / rounds`` each, the other views hidden."""
    totals = [[0, 0.0] for _ in runs]
    for _ in range(rounds):
        for (view, step), total in zip(runs, totals):
            for other, _s in runs:
                if other is not view:
                    other.hide()
            view.show()
            k, dt = _run_frames(view, step, seconds / rounds)
            total[0] += k
            total[1] += dt
    return [k / dt for k, dt in totals]


__all__ = ["_Frames", "_run_frames", "_alternate", "SECONDS", "ROUNDS"]
