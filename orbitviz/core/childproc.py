"""Helper programs (ffmpeg, Xvfb) that die with the process that started them.

``kill -9`` of ``orbitviz export`` used to leave its private Xvfb running and its ffmpeg
finishing a video nobody would see (issue 14). :func:`popen_kwargs` gives
``subprocess.Popen`` what makes a child follow its parent:

- **Linux:** ``prctl(PR_SET_PDEATHSIG, sig)`` in the child before it runs the program (a
  ``preexec_fn``; the setting survives ``exec``): the kernel sends ``sig`` to the child when
  its parent dies, however it dies. A parent that died before the child got there is noticed
  (``getppid`` changed), and the child exits at once. The kernel ties this to the *thread*
  that started the child: start such children from a thread that lives as long as they do
  (the main thread here).
- **Everywhere:** a session of its own (``start_new_session``), so a Ctrl-C at the terminal
  reaches orbitviz alone, which then stops its children in order instead of having ffmpeg
  cut mid-frame.

No Qt here.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

#: ``PR_SET_PDEATHSIG`` from ``<linux/prctl.h>``.
PR_SET_PDEATHSIG = 1


def _load_prctl():
    """libc's ``prctl`` on Linux, or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(None, use_errno=True).prctl  # the C library this process runs on
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong,
                   ctypes.c_ulong]
    fn.restype = ctypes.c_int
    return fn


_PRCTL = _load_prctl()


def follows_parent() -> bool:
    """Whether children started with :func:`popen_kwargs` die with this process here."""
    return _PRCTL is not None


def popen_kwargs(death_signal: int = signal.SIGKILL) -> dict:
    """Keyword arguments for ``subprocess.Popen``: the child gets ``death_signal`` when this
    process dies (Linux), and runs in a session of its own."""
    kwargs: dict = {"start_new_session": True}
    prctl = _PRCTL
    if prctl is None:
        return kwargs
    parent = os.getpid()
    sig = int(death_signal)

    def _die_with_parent():  # runs in the child, between fork and exec: no allocation-heavy work
        prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the line above took effect
            os._exit(1)

    kwargs["preexec_fn"] = _die_with_parent
    return kwargs


__all__ = ["popen_kwargs", "follows_parent", "PR_SET_PDEATHSIG"]
