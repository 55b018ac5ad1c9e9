"""Benchmark: seconds for still exports (1920×1080, 3840×2160, 7680×4320) and a 10 s 1080p
clip, beside the on-screen frame time of the same scene in the same run.

Run under a display or Xvfb:
    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python bench/export.py

- On-screen frame: a shown 1920×1080 viewport with the full mission scene (whole-Earth
  preset, T+5 min), ``update()`` until ``frameSwapped``, median of 60 frames.
- Stills: ``Exporter.save`` to a PNG in a temporary folder, whole path (pose, GL in tiles,
  read-back, caption and credit, PNG encoding, atomic rename), median of 3 after one
  warm-up; the GL, compose and write parts are printed too. 8K also with 1024 px tiles.
- Clip: ``orbitviz.app.clip.export_clip`` of 10 s of video at 30 fps and 60× (T+0 to
  T+10 min, 300 frames, H.264 MP4), output frames per second.
Goals: a 4K still under 2 s; a 1080p clip faster than 4 output frames per second.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
T = 300.0


def _screen_frame_ms(model, qapp) -> float:
    from PySide6 import QtCore

    from orbitviz.core.viewer import ViewerModel
    from orbitviz.render.scene import SceneController, create_items
    from orbitviz.ui.viewport import Viewport

    view = Viewport()
    view.resize(1920, 1080)
    view.show()
    sc = SceneController(ViewerModel(model), view, create_items(model))
    sc.apply_preset("earth")
    view.set_camera(*sc.preset_camera())
    sc.set_time(T)
    stamps = []
    loop = QtCore.QEventLoop()

    def swapped():
        stamps.append(time.perf_counter())
        loop.quit()

    view.frameSwapped.connect(swapped)
    for _ in range(70):
        view.opts["azimuth"] += 0.5
        view.update()
        QtCore.QTimer.singleShot(2000, loop.quit)
        loop.exec()
    view.close()
    qapp.processEvents()
    gaps = [b - a for a, b in zip(stamps[10:], stamps[11:])]
    return 1000.0 * statistics.median(gaps)


def main() -> int:
    from orbitviz.app.startup import make_qapplication

    qapp = make_qapplication()
    from orbitviz.app.export import Exporter
    from orbitviz.core.export_rules import ExportSpec
    from orbitviz.core.mission import MissionModel

    model = MissionModel.build()
    frame_ms = _screen_frame_ms(model, qapp)
    print(f"on-screen frame, 1920x1080 full scene: {frame_ms:.1f} ms "
          f"({1000.0 / frame_ms:.1f} fps)")
    ex = Exporter(model)
    print(f"GL limit (largest render pass): {ex.max_tile} px")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size, tile in (((1920, 1080), None), ((3840, 2160), None), ((7680, 4320), None),
                           ((7680, 4320), 1024)):
            spec = ExportSpec(size=size, tile=tile)
            path = Path(tmp) / "still.png"
            ex.save(path, T, spec, force=True)  # warm-up
            runs = []
            for _ in range(3):
                t0 = time.perf_counter()
                ex.save(path, T, spec, force=True)
                runs.append((time.perf_counter() - t0, dict(ex.timings)))
            total = statistics.median(r[0] for r in runs)
            parts = {k: statistics.median(r[1][k] for r in runs) for k in runs[0][1]}
            mb = path.stat().st_size / 1e6
            label = f"{size[0]}x{size[1]}" + (f", {tile} px tiles" if tile else "")
            rows.append((label, total, parts, mb))
            print(f"still {label}: {total:.2f} s (GL {parts['gl']:.2f}, caption "
                  f"{parts['compose']:.2f}, PNG {parts['write']:.2f}; {mb:.1f} MB)")
        try:
            from orbitviz.app.clip import export_clip
        except ImportError:
            print("clip: orbitviz.app.clip is not available")
        else:
            out = Path(tmp) / "clip.mp4"
            t0 = time.perf_counter()
            done = []
            export_clip(ex, 0.0, 600.0, out, ExportSpec(size=(1920, 1080)), fps=30, rate=60.0,
                        progress=lambda d, n: done.append(d))
            dt = time.perf_counter() - t0
            print(f"clip 10 s of 1080p video (300 frames, MP4): {dt:.1f} s, "
                  f"{len(done) / dt:.1f} output frames/s ({out.stat().st_size / 1e6:.1f} MB)")
    ex.close()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp(prefix="orbitviz-xdg-"))
    sys.exit(main())
