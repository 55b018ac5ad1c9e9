"""Renders the README's pictures from the real app (run under a display or Xvfb):

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python tools/readme_screenshots.py

Writes docs/images/{earth,baikonur,follow,rendezvous,catalogue}.jpg: the whole window at
1600×940, as a user sees it, with fresh settings (nothing of the user's is read or written).
The catalogue picture loads a synthetic catalogue of 10,000 objects with epochs in November
2026 (not real objects: ``orbitviz.core.synthetic``), which opens in the free scenario.
"""

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHOTS = [  # name, camera preset, mission time (s from lift-off), selected object
    ("earth", "earth", 300.0, "iss"),
    ("baikonur", "baikonur", 200.0, "soyuz-ms-19"),
    ("follow", "follow:soyuz-ms-19", 5000.0, "soyuz-ms-19"),
    ("rendezvous", "rendezvous", 12000.0, "soyuz-ms-19"),
]


def main() -> int:
    from PySide6 import QtCore

    from orbitviz.app.app import OrbitvizApp
    from orbitviz.app.startup import make_qapplication

    qa = make_qapplication()
    with tempfile.TemporaryDirectory() as tmp:
        settings = QtCore.QSettings(str(Path(tmp) / "shots.ini"),
                                    QtCore.QSettings.Format.IniFormat)
        app = OrbitvizApp(settings)
        app.start()
        if not app.wait_ready():
            print("the mission did not load", file=sys.stderr)
            return 1
        app.window.resize(1600, 940)
        out = ROOT / "docs" / "images"
        out.mkdir(parents=True, exist_ok=True)
        for name, preset, met, selected in SHOTS:
            app.apply_preset(preset)
            app.select(selected)
            app.clock.seek(met)
            for _ in range(15):
                qa.processEvents()
                time.sleep(0.02)
            path = out / f"{name}.jpg"
            if not app.window.grab().save(str(path), "JPG", 88):
                print(f"could not write {path}", file=sys.stderr)
                return 1
            print(path.relative_to(ROOT))
        if not _catalogue_shot(qa, app, out, Path(tmp)):
            return 1
        app.window.close()
    return 0


def _catalogue_shot(qa, app, out: Path, tmp: Path) -> bool:
    import datetime as dt

    from orbitviz.core.synthetic import synthetic_tle_text

    path = tmp / "synthetic-10k.tle"
    path.write_text(synthetic_tle_text(10000, dt.datetime(2026, 11, 25, 12,
                                                          tzinfo=dt.timezone.utc)))
    app.apply_preset("earth")
    app.add_element_files([str(path)])
    app.tasks.wait_idle(60.0)
    app.clock.seek(app.model.axis.met_from_datetime(
        dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.timezone.utc)))
    app.tasks.wait_idle(60.0)
    ids, pts = app.scene.pickable()
    px = app.viewport.project_many(pts)
    w, h = app.viewport.width(), app.viewport.height()
    centre = [(abs(x - 0.42 * w) + abs(y - 0.45 * h), oid) for oid, (x, y) in zip(ids, px)
              if oid.startswith("synth")]
    app.select(min(centre)[1])
    app.window._docks["Map"].raise_()
    for _ in range(25):
        qa.processEvents()
        time.sleep(0.02)
    path = out / "catalogue.jpg"
    if not app.window.grab().save(str(path), "JPG", 88):
        print(f"could not write {path}", file=sys.stderr)
        return False
    print(path.relative_to(ROOT))
    return True


if __name__ == "__main__":
    sys.exit(main())
