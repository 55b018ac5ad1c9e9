"""Benchmark: frames per second with 1k, 10k and 30k user objects against the mission
scene alone, and what loading and propagating such catalogues costs.

Run under a display or Xvfb:
    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python bench/catalogue.py

Synthetic catalogues (:func:`orbitviz.core.synthetic.synthetic_tle_text`: three quarters
in low orbit, the rest medium, geosynchronous and eccentric) with epochs at the mission,
so the mission's objects and the catalogue are drawn together, as the app draws them. At
1920×1080, whole-Earth view, camera turning and time running 10 s a frame, windows of
samples propagated on the app's worker thread; the scenes take turns (``ROUNDS`` rounds),
the mission scene alone being the baseline. Goal on llvmpipe (2 cores): 30k at 10 fps
or more.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from _timing import ROUNDS, SECONDS, _alternate  # noqa: E402

W, H = 1920, 1080
SIZES = (1000, 10000, 30000)
#: The catalogues' epochs: the morning of docking day, so the mission is on screen too.
EPOCH = dt.datetime(2021, 10, 5, 12, 0, tzinfo=dt.timezone.utc)


def main() -> int:
    from PySide6 import QtCore

    from orbitviz.app.startup import make_qapplication

    qapp = make_qapplication()
    from orbitviz.app.tasks import TaskRunner
    from orbitviz.core.catalog import build_catalog
    from orbitviz.core.mission import MissionModel
    from orbitviz.core.synthetic import synthetic_tle_text
    from orbitviz.core.tle import parse_tle_text
    from orbitviz.core.viewer import ViewerModel
    from orbitviz.core.viewstate import ViewState
    from orbitviz.render.scene import SceneController, create_items
    from orbitviz.ui.viewport import Viewport

    model = MissionModel.build()
    t_start = model.axis.met_from_datetime(EPOCH)
    load = {}
    runs = []
    scenes = []
    configs = [(0, True)] + [(n, True) for n in SIZES] + [(SIZES[-1], False)]
    for n, trails in configs:
        catalog = None
        if n and n not in load:
            t0 = time.perf_counter()
            text = synthetic_tle_text(n, EPOCH, seed=n)
            t1 = time.perf_counter()
            sets, errors = parse_tle_text(text, f"synthetic-{n}.tle")
            catalog = build_catalog(sets, model.axis)
            t2 = time.perf_counter()
            catalog.propagate(t_start - 900.0, t_start + 900.0, 60.0)
            t3 = time.perf_counter()
            assert not errors and len(catalog) == n
            load[n] = (t2 - t1, t3 - t2, t1 - t0, catalog)
        elif n:
            catalog = load[n][3]
        view = Viewport()
        view.resize(W, H)
        view.show()
        state = ViewState()
        state.layers["user-trails"] = trails
        viewer = ViewerModel(model, state, met_s=t_start)
        sc = SceneController(viewer, view, create_items(model))
        prop = TaskRunner()
        sc.set_window_requester(
            lambda cat, t0, t1, step, sc=sc, prop=prop: prop.submit(
                "user-window", cat.propagate, t0, t1, step, on_done=sc.set_user_window))
        viewer.set_catalog(catalog)
        clock = viewer.clock
        sc.apply_preset("earth")
        view.set_camera(*sc.preset_camera())
        sc.set_time(t_start)
        prop.wait_idle(60.0)  # the first window, as a user waits for it after loading
        for _ in range(5):
            qapp.processEvents()

        def step(k, view=view, clock=clock):
            view.orbit(0.5, 0.0)
            clock.seek(clock.met_s + 10.0)

        runs.append((view, step))
        scenes.append((n, sc, prop, clock))

    fps = _alternate(runs)
    shown = [len(sc.user_ids_shown) for _, sc, _, _ in scenes]
    for (view, _), (_, _, prop, _) in zip(runs, scenes):
        prop.shutdown()
        view.close()
    QtCore.QTimer.singleShot(0, qapp.quit)

    base = fps[0]
    print(f"orbitviz catalogue benchmark at {W}×{H} ({SECONDS:.0f} s per scene, taking "
          f"{ROUNDS} turns; whole-Earth view, 10 s of mission time a frame)")
    print(f"  {'mission scene alone':<40s}{base:7.1f} fps   (baseline)")
    for (n, trails), f, k in list(zip(configs, fps, shown))[1:]:
        what = f"mission + {n:6,d} objects" + ("" if trails else ", no trails")
        print(f"  {what:<40s}{f:7.1f} fps   {f / base:5.2f} × baseline   ({k:,} drawn at the end)")
    print("  loading and propagating (synthetic three-line sets, this process):")
    for n in SIZES:
        parse_build, window, _, _ = load[n]
        print(f"    {n:6,d} objects: parse + build {parse_build * 1000:7.0f} ms;  one 31-sample "
              f"window {window * 1000:6.0f} ms ({window / (31 * n) * 1e6:.2f} µs a position)")
    f30 = fps[len(SIZES)]
    print(f"  goal 30k ≥ 10 fps: {'met' if f30 >= 10.0 else 'NOT met'} ({f30:.1f} fps)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
