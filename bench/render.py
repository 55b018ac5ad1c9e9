"""Benchmark: frames per second of the full mission scene, scrub latency, launch time.

Run under a display or Xvfb:
    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python bench/render.py

At 1920×1080, camera turning and time running, it measures in one run:
- frames per second of the full scene (Earth with day/night textures and atmosphere, stars,
  tracks, markers, labels, grid) against a bare sphere (128×64 segments, one 4096×2048
  texture, one shader, nothing else) as the baseline;
- frames per second of the docking close-up: the rendezvous preset at docking (the whole
  station with its arrays turning, both Soyuz and the other visitors, the Earth below,
  tracks, labels), the camera turning and time running at real speed (0.05 s a frame), so
  every frame poses every mesh anew; the three take turns, ``ROUNDS`` rounds of ``SECONDS / ROUNDS`` each, so
  that a slow spell of a shared machine falls on all and not on one (each rate is all its
  frames over all its time);
- scrub latency: from a clock seek to the frame presented (``frameSwapped``), median and
  95th percentile, beside the bare sphere's frame time;
- launch to first frame: a fresh ``orbitviz`` process until its first mission frame.
Goals on llvmpipe (2 cores): full ≥ 0.8 × bare and ≥ 20 fps; docking close-up ≥ 0.8 × bare;
scrub p95 within one frame of the bare sphere's frame time; first frame under 3 s.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from _timing import ROUNDS, SECONDS, _alternate, _Frames  # noqa: E402

W, H = 1920, 1080

_VERT = """
attribute vec3 a_position;
attribute vec2 a_uv;
uniform mat4 u_mvp;
varying vec2 v_uv;
void main() { v_uv = a_uv; gl_Position = u_mvp * vec4(a_position, 1.0); }
"""
_FRAG = """
uniform sampler2D u_tex;
varying vec2 v_uv;
void main() { gl_FragColor = texture2D(u_tex, v_uv); }
"""


def _bare_sphere_item():
    """A textured sphere, 128×64 segments, 4096×2048 texture, one shader: the baseline."""
    import pyqtgraph.opengl as gl
    from OpenGL import GL
    from OpenGL.GL import shaders
    from PySide6 import QtGui

    rows, cols = 64, 128
    lat = np.linspace(np.pi / 2, -np.pi / 2, rows + 1)
    lon = np.linspace(-np.pi, np.pi, cols + 1)
    lo, la = np.meshgrid(lon, lat)
    pos = np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], -1) * 6378.0
    uv = np.stack([(lo + np.pi) / (2 * np.pi), (np.pi / 2 - la) / np.pi], -1)
    idx = []
    for i in range(rows):
        for j in range(cols):
            a, b = i * (cols + 1) + j, (i + 1) * (cols + 1) + j
            idx += [a, b, a + 1, a + 1, b, b + 1]
    verts = np.ascontiguousarray(pos.reshape(-1, 3), dtype=np.float32)
    uvs = np.ascontiguousarray(uv.reshape(-1, 2), dtype=np.float32)
    index = np.asarray(idx, dtype=np.uint32)
    img = QtGui.QImage(str(ROOT / "assets" / "earth" / "day.jpg")).scaled(4096, 2048).convertToFormat(
        QtGui.QImage.Format.Format_RGBA8888)

    class Bare(gl.GLGraphicsItem.GLGraphicsItem):
        def __init__(self):
            super().__init__()
            self._prog = None

        def paint(self):
            if self._prog is None:
                self._prog = shaders.compileProgram(
                    shaders.compileShader("#version 120\n" + _VERT, GL.GL_VERTEX_SHADER),
                    shaders.compileShader("#version 120\n" + _FRAG, GL.GL_FRAGMENT_SHADER))
                self._tex = GL.glGenTextures(1)
                GL.glBindTexture(GL.GL_TEXTURE_2D, self._tex)
                ptr = img.constBits()
                data = np.frombuffer(ptr, np.uint8, img.sizeInBytes()).copy()
                GL.glTexImage2D(GL.GL_TEXTURE_2D, 0, GL.GL_RGBA8, 4096, 2048, 0, GL.GL_RGBA,
                                GL.GL_UNSIGNED_BYTE, data)
                GL.glGenerateMipmap(GL.GL_TEXTURE_2D)
                GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_MIN_FILTER,
                                   GL.GL_LINEAR_MIPMAP_LINEAR)
                GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_MAG_FILTER, GL.GL_LINEAR)
                self._vbo = GL.glGenBuffers(3)
                GL.glBindBuffer(GL.GL_ARRAY_BUFFER, self._vbo[0])
                GL.glBufferData(GL.GL_ARRAY_BUFFER, verts.nbytes, verts, GL.GL_STATIC_DRAW)
                GL.glBindBuffer(GL.GL_ARRAY_BUFFER, self._vbo[1])
                GL.glBufferData(GL.GL_ARRAY_BUFFER, uvs.nbytes, uvs, GL.GL_STATIC_DRAW)
                GL.glBindBuffer(GL.GL_ELEMENT_ARRAY_BUFFER, self._vbo[2])
                GL.glBufferData(GL.GL_ELEMENT_ARRAY_BUFFER, index.nbytes, index, GL.GL_STATIC_DRAW)
            GL.glEnable(GL.GL_DEPTH_TEST)
            GL.glUseProgram(self._prog)
            mvp = np.array(self.mvpMatrix().data(), dtype=np.float32)
            GL.glUniformMatrix4fv(GL.glGetUniformLocation(self._prog, "u_mvp"), 1, False, mvp)
            GL.glActiveTexture(GL.GL_TEXTURE0)
            GL.glBindTexture(GL.GL_TEXTURE_2D, self._tex)
            GL.glUniform1i(GL.glGetUniformLocation(self._prog, "u_tex"), 0)
            for name, vbo, n in (("a_position", self._vbo[0], 3), ("a_uv", self._vbo[1], 2)):
                loc = GL.glGetAttribLocation(self._prog, name)
                GL.glBindBuffer(GL.GL_ARRAY_BUFFER, vbo)
                GL.glEnableVertexAttribArray(loc)
                GL.glVertexAttribPointer(loc, n, GL.GL_FLOAT, False, 0, None)
            GL.glBindBuffer(GL.GL_ELEMENT_ARRAY_BUFFER, self._vbo[2])
            GL.glDrawElements(GL.GL_TRIANGLES, len(index), GL.GL_UNSIGNED_INT, None)
            GL.glBindBuffer(GL.GL_ARRAY_BUFFER, 0)
            GL.glUseProgram(0)

    return Bare()


def _launch_to_first_frame() -> float:
    code = (
        "import time, sys; t0 = time.perf_counter()\n"
        "from orbitviz.app.app import OrbitvizApp; from orbitviz.app.startup import make_qapplication\n"
        "from PySide6 import QtCore\n"
        "qa = make_qapplication()\n"
        "s = QtCore.QSettings(QtCore.QSettings.Format.IniFormat, QtCore.QSettings.Scope.UserScope, 'orbitviz-bench', 'launch')\n"
        "s.clear()\n"
        "app = OrbitvizApp(s); app.start(); app.wait_ready()\n"
        "app.viewport.frameSwapped.connect(lambda: (print(time.perf_counter() - t0, flush=True), qa.exit(0)))\n"
        "app.viewport.update(); qa.exec()\n")
    t_spawn = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       cwd=ROOT, env=dict(os.environ))
    wall = time.perf_counter() - t_spawn
    if p.returncode != 0:
        raise RuntimeError(p.stderr.strip().splitlines()[-1] if p.stderr else "launch failed")
    return wall


def main() -> int:
    from PySide6 import QtCore

    from orbitviz.app.startup import make_qapplication

    qapp = make_qapplication()
    from orbitviz.core.mission import MissionModel
    from orbitviz.core.viewer import ViewerModel
    from orbitviz.render.scene import SceneController, create_items
    from orbitviz.ui.viewport import Viewport

    # -- baseline: the bare sphere ------------------------------------------------------------
    bare_view = Viewport()
    bare_view.resize(W, H)
    bare_view.show()
    bare_view.addItem(_bare_sphere_item())
    bare_view.set_camera(26000.0, 22.0, 60.0)
    for _ in range(5):
        qapp.processEvents()

    # -- the full scene ---------------------------------------------------------------------------
    model = MissionModel.build()
    viewer = ViewerModel(model, met_s=0.0)
    view = Viewport()
    view.resize(W, H)
    view.show()
    sc = SceneController(viewer, view, create_items(model))
    clock = viewer.clock
    sc.apply_preset("earth")
    view.set_camera(*sc.preset_camera())
    for _ in range(5):
        qapp.processEvents()

    def step(k):
        view.orbit(0.5, 0.0)
        clock.seek(clock.met_s + 10.0)

    # -- the docking close-up, and the same without the Earth's fine ground window -------------
    model.motion  # built before timing (once per process, on first use in the app)

    def docking(fine_ground: bool):
        viewer = ViewerModel(model, met_s=model.scenario.event_times()["docking"])
        v = Viewport()
        v.resize(W, H)
        v.show()
        items = create_items(model)
        if not fine_ground:  # diagnostic: what the Earth's fine window costs here
            items["earth"].detail_window = lambda *a: None
        sc = SceneController(viewer, v, items)
        sc.apply_preset("rendezvous")
        v.set_camera(*sc.preset_camera())

        def dock_step(k):
            v.orbit(0.5, 0.0)
            viewer.clock.seek(viewer.clock.met_s + 0.05)
        return sc, v, dock_step

    dock, dock_view, dock_step = docking(True)
    coarse, coarse_view, coarse_step = docking(False)
    for _ in range(5):
        qapp.processEvents()
    shown = dock.solids.item.n_triangles

    bare_fps, full_fps, dock_fps, coarse_fps = _alternate(
        [(bare_view, lambda k: bare_view.orbit(0.5, 0.0)), (view, step),
         (dock_view, dock_step), (coarse_view, coarse_step)])
    drawn = len(dock.solids.posed)
    for sc, v in ((dock, dock_view), (coarse, coarse_view)):
        sc.close()
        v.close()
    bare_frame_ms = 1000.0 / bare_fps
    bare_view.close()
    view.show()

    # -- scrub latency ---------------------------------------------------------------------------------
    frames = _Frames(view)
    rng = np.random.default_rng(5)
    lat = []
    for t in rng.uniform(model.window[0], 20000.0, 60):
        t0 = time.perf_counter()
        clock.seek(float(t))
        done = frames.wait_next()
        if done is not None:
            lat.append((done - t0) * 1000.0)
    view.close()
    lat.sort()
    med = statistics.median(lat)
    p95 = lat[int(0.95 * (len(lat) - 1))]

    first = _launch_to_first_frame()
    QtCore.QTimer.singleShot(0, qapp.quit)

    print(f"orbitviz render benchmark at {W}×{H} ({SECONDS:.0f} s per measurement, "
          f"bare and full taking {ROUNDS} turns each)")

    print(f"  bare sphere (128×64, 4096×2048 texture)  {bare_fps:7.1f} fps  "
          f"({bare_frame_ms:.1f} ms/frame)")
    print(f"  full mission scene                       {full_fps:7.1f} fps  "
          f"ratio {full_fps / bare_fps:.2f}  (goals ≥ 0.8 and ≥ 20 fps)")
    print(f"  docking close-up                         {dock_fps:7.1f} fps  "
          f"ratio {dock_fps / bare_fps:.2f}  (goal ≥ 0.8; {drawn} mesh instances of "
          f"{shown} triangles uploaded once)")
    print(f"    the same, Earth's fine window off      {coarse_fps:7.1f} fps  "
          f"ratio {coarse_fps / bare_fps:.2f}  (diagnostic)")
    print(f"  scrub latency, seek → frame presented    median {med:.1f} ms, p95 {p95:.1f} ms "
          f"(goal p95 ≤ {2 * bare_frame_ms:.1f} ms: bare frame + one frame)")
    print(f"  launch to first frame (fresh process)    {first:7.2f} s  (goal < 3 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
