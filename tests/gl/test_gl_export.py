"""Still exports rendered for real (Xvfb + Mesa): sizes, framing, labels, tiles, alpha,
caption and credit, and the CLI end to end with its own private Xvfb.

Geometry is checked against an independent pinhole camera written here (camera position
from distance, elevation and azimuth; the vertical field of view the exporter promises).
"""

import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from orbitviz.core.mission import MissionModel
from orbitviz.core.viewer import ViewerModel
from orbitviz.core.viewstate import ViewState

ROOT = Path(__file__).resolve().parents[2]
T = 300.0  # T+5 min: Soyuz MS-19 in ascent, the ISS (with MS-18 docked) over Asia
#: Vertical field of view of every export: 45° horizontal at 16:9, degrees.
VFOV_DEG = math.degrees(2 * math.atan(math.tan(math.radians(22.5)) * 9 / 16))


@pytest.fixture(scope="module")
def model():
    return MissionModel.build()


@pytest.fixture(scope="module")
def exporter(qapp, model):
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.platformName() in ("offscreen", "minimal"):
        pytest.skip("no OpenGL on the offscreen platform")
    from orbitviz.app.export import Exporter

    ex = Exporter(model)
    yield ex
    ex.close()


def rgba(img) -> np.ndarray:
    """(H, W, 4) uint8 RGBA (straight alpha) of a QImage."""
    from PySide6 import QtGui

    img = img.convertToFormat(QtGui.QImage.Format.Format_RGBA8888)
    a = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes())
    return a.reshape(img.height(), img.bytesPerLine())[:, : 4 * img.width()].reshape(
        img.height(), img.width(), 4).copy()


def bare_state(**layers) -> ViewState:
    st = ViewState()
    for k in st.layers:
        st.layers[k] = layers.get(k.replace("-", "_").replace(":", "_"), st.layers[k])
    return st


def project(cam: dict, size, p_scene) -> tuple[float, float]:
    """Pixel (x right, y down) of a scene point for a camera that orbits the origin."""
    w, h = size
    el, az, d = (math.radians(cam["elevation_deg"]), math.radians(cam["azimuth_deg"]),
                 cam["distance_km"])
    c = d * np.array([math.cos(el) * math.cos(az), math.cos(el) * math.sin(az), math.sin(el)])
    fwd = -c / np.linalg.norm(c)
    right = np.cross(fwd, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, fwd)
    v = np.asarray(p_scene, dtype=float) - c
    f = 0.5 * h / math.tan(math.radians(0.5 * VFOV_DEG))
    return w / 2 + f * (v @ right) / (v @ fwd), h / 2 - f * (v @ up) / (v @ fwd)


def iss_scene(exporter, model, met):
    """The ISS in the exporter's scene coordinates, km (Earth-fixed frame)."""
    r_gcrs, _ = model.gcrs_state("iss", met)
    r_world = model.eo.gcrs_to_itrs(met) @ np.asarray(r_gcrs)
    sc = exporter.scene
    return sc.world_to_scene @ (r_world - sc.origin_world_km)


# -- size, content, framing --------------------------------------------------------------
@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)])
def test_export_has_the_size_and_is_not_blank(exporter, size):
    from orbitviz.core.export_rules import ExportSpec

    img = exporter.render(T, ExportSpec(size=size))
    assert (img.width(), img.height()) == size
    a = rgba(img)[..., :3].astype(float)
    lum = a.mean(axis=2)
    lit = (lum > 40).mean()
    assert 0.25 < lit < 0.8          # the Earth fills the middle; space around it
    assert a.std() > 30
    assert lum[:size[1] // 20, :size[0] // 20].mean() < 25   # dark space in a corner


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160), (1440, 1080)])
def test_earth_disc_is_where_and_as_large_as_the_camera_says(exporter, size):
    """Transparent, no atmosphere: the opaque disc's half-width on the centre row equals
    f·tan(asin(R/d)), f from the reference view's vertical field of view (narrower pictures)
    or horizontal one (wider pictures), at any size and aspect."""
    from orbitviz.core.export_rules import ExportSpec

    st = bare_state(atmosphere=False, labels=False, grid=False, events=False,
                    track_iss=False, track_soyuz_ms_19=False, track_soyuz_ms_18=False)
    spec = ExportSpec(size=size, transparent=True, caption="none", credit=False,
                      view_state=st)
    alpha = rgba(exporter.render(T, spec))[..., 3]
    w, h = size
    cam = exporter.view.camera()
    # the Earth's centre is the scene origin: it projects onto the picture's centre
    cx, cy = project(cam, size, (0.0, 0.0, 0.0))
    assert (cx, cy) == pytest.approx((w / 2, h / 2), abs=1e-6)
    row = alpha[h // 2] >= 128
    cols = np.flatnonzero(row)
    left, right = cols.min(), cols.max() + 1
    if w / h <= 16 / 9:  # narrower than the reference view (4:3): its vertical fov kept
        f = 0.5 * h / math.tan(math.radians(0.5 * VFOV_DEG))
    else:  # wider: its horizontal 45° kept (the middle of the view, at its scale)
        f = 0.5 * w / math.tan(math.radians(22.5))
    # horizontal section of the WGS 84 ellipsoid seen 22° above the equator, km
    r_km = 6378.137 * (1 - 0.00335 * math.sin(math.radians(cam["elevation_deg"])) ** 2)
    r_px = f * math.tan(math.asin(r_km / cam["distance_km"]))
    assert (right - left) / 2 == pytest.approx(r_px, rel=0.006)
    assert (left + right) / 2 == pytest.approx(w / 2, abs=1.5)
    assert alpha[0, 0] == alpha[0, -1] == alpha[-1, 0] == alpha[-1, -1] == 0


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)])
def test_iss_label_reaches_the_file_where_the_iss_is(exporter, model, size):
    from orbitviz.core.export_rules import ExportSpec

    w, h = size
    k = h / 1080
    on = rgba(exporter.render(T, ExportSpec(size=size, caption="none", credit=False)))
    x, y = project(exporter.view.camera(), size, iss_scene(exporter, model, T))
    assert 0 < x < w and 0 < y < h
    off = rgba(exporter.render(T, ExportSpec(size=size, caption="none", credit=False,
                                             view_state=bare_state(labels=False))))
    diff = np.abs(on[..., :3].astype(int) - off[..., :3].astype(int)).max(axis=2)
    # "ISS + Soyuz MS-18" in an 18·k px font, starting 10·k px right of the anchor
    box = diff[int(y - 14 * k):int(y + 14 * k), int(x + 6 * k):int(x + 170 * k)]
    assert (box > 80).sum() > 350 * k * k
    # and nowhere far from it: labels are not drawn somewhere else
    far = diff.copy()
    far[int(y - 40 * k):int(y + 40 * k), int(x - 40 * k):int(x + 260 * k)] = 0
    bad = far > 80
    for _, (lx, ly) in _other_labels(exporter, model, size):
        # right of the anchor, or (moved off a neighbour's label) left of it or a line
        # above or below
        bad[int(ly - 55 * k):int(ly + 55 * k), int(lx - 280 * k):int(lx + 260 * k)] = False
    assert bad.sum() < 20 * k * k


def _other_labels(exporter, model, size):
    """Projected anchors of the labels other than the station's at T (pad, Soyuz MS-19)."""
    from orbitviz.core.geodesy import geodetic_to_itrs

    sc = exporter.scene
    pad = model.scenario.sites["pad"]
    r_pad = geodetic_to_itrs(pad["lat_deg"], pad["lon_deg"], pad["alt_km"])
    r_ms19 = model.eo.gcrs_to_itrs(T) @ np.asarray(model.gcrs_state("soyuz-ms-19", T)[0])
    cam = exporter.view.camera()
    return [(name, project(cam, size, sc.world_to_scene @ (r - sc.origin_world_km)))
            for name, r in (("pad", r_pad), ("ms19", r_ms19))]


# -- tiles ------------------------------------------------------------------------------
def test_8k_in_1024_px_tiles_matches_a_direct_1080p_render_without_seams(exporter):
    from orbitviz.core.export_rules import ExportSpec

    direct = rgba(exporter.render(T, ExportSpec(size=(1920, 1080)))).astype(np.float32)
    tiled = rgba(exporter.render(T, ExportSpec(size=(7680, 4320), tile=1024)))
    assert tiled.shape == (4320, 7680, 4)
    small = tiled.astype(np.float32).reshape(1080, 4, 1920, 4, 4).mean(axis=(1, 3))
    assert np.abs(small - direct)[..., :3].mean() < 2.0  # of 255
    # seams: the same 8K picture in one pass differs nowhere near the tile borders
    one = rgba(exporter.render(T, ExportSpec(size=(7680, 4320), tile=16384)))
    diff = np.abs(one[..., :3].astype(np.int16) - tiled[..., :3].astype(np.int16)).max(axis=2)
    pad = int(math.ceil(10 * 4)) + 4
    step = 1024 - 2 * pad
    cols = np.concatenate([diff[:, x - 2:x + 2] for x in range(step, 7680, step)], axis=1)
    rows = np.concatenate([diff[y - 2:y + 2] for y in range(step, 4320, step)], axis=0)
    assert cols.shape[1] >= 4 * 8 and rows.shape[0] >= 4 * 4
    assert cols.mean() < 0.1 and rows.mean() < 0.1
    assert (cols > 8).sum() + (rows > 8).sum() < 20


# -- alpha, caption, credit ---------------------------------------------------------------
def test_transparent_export_has_clear_corners_and_an_opaque_earth(exporter):
    from orbitviz.core.export_rules import ExportSpec

    a = rgba(exporter.render(T, ExportSpec(size=(960, 540), transparent=True)))
    for corner in (a[:8, :8], a[:8, -8:]):
        assert corner[..., 3].max() == 0
    assert a[270 - 5:270 + 5, 480 - 5:480 + 5, 3].min() == 255
    # the caption panel over space is kept, translucent (its colour is no hole)
    assert a[470, 100, 3] >= 150


def test_caption_and_credit_are_painted(exporter, model):
    from orbitviz.core.export_rules import ExportSpec, caption_lines, credit_text

    size = (1920, 1080)
    plain = rgba(exporter.render(T, ExportSpec(size=size, caption="none", credit=False)))
    full = rgba(exporter.render(T, ExportSpec(size=size)))
    diff = np.abs(full[..., :3].astype(int) - plain[..., :3].astype(int)).max(axis=2)
    caption_box = diff[1080 - 230:1080 - 50, 28:700]   # lower-left panel (3 lines)
    credit_box = diff[1080 - 28:1080 - 6, 1200:1890]     # bottom-right line
    assert (caption_box > 60).mean() > 0.2              # the darkened panel and its text
    assert (credit_box > 60).sum() > 1500                # small text, but there
    assert (diff[:700] > 0).sum() == 0                   # nothing painted over the scene above
    lines = dict(caption_lines(ViewerModel(model), T))
    assert lines["title"] == model.scenario.title
    # the latest event before T+5 min: the third stage's aft section (T+296.12 s, issue 10)
    assert "aft section" in lines["event"] and "T+00:05:00" in lines["time"]
    credit = credit_text(ViewerModel(model), T)
    assert "NASA" in credit and "Soyuz MS-19 ascent" in credit


def test_save_writes_png_and_jpeg_atomically(exporter, tmp_path):
    from PySide6 import QtGui

    from orbitviz.core.export_rules import ExportError, ExportSpec

    png = exporter.save(tmp_path / "a.png", T, ExportSpec(size=(640, 360)))
    jpg = exporter.save(tmp_path / "a.jpg", T, ExportSpec(size=(640, 360)))
    for p in (png, jpg):
        img = QtGui.QImage(str(p))
        assert (img.width(), img.height()) == (640, 360)
    before = png.read_bytes()
    with pytest.raises(ExportError, match="exists"):
        exporter.save(png, 600.0, ExportSpec(size=(640, 360)))
    assert png.read_bytes() == before
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.jpg", "a.png"]


# -- the CLI, end to end -------------------------------------------------------------------
def _cli(args, tmp_path, display=False):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    if display:
        env["DISPLAY"] = os.environ["DISPLAY"]
    return subprocess.run([sys.executable, "-m", "orbitviz", "export", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=240)


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb")
def test_cli_starts_its_own_xvfb_without_a_display(tmp_path):
    from PySide6 import QtGui

    out = tmp_path / "t300.png"
    r = _cli(["--at", "T+300", "--out", str(out), "--size", "800x450"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(out)
    img = QtGui.QImage(str(out))
    assert (img.width(), img.height()) == (800, 450)
    assert rgba(img)[..., :3].std() > 30
    r2 = _cli(["--at", "T+600", "--out", str(out), "--size", "800x450"], tmp_path)
    assert r2.returncode == 2 and "--force" in r2.stderr and len(r2.stderr.splitlines()) == 1


@pytest.mark.skipif("DISPLAY" not in os.environ, reason="needs the test display")
def test_cli_events_writes_one_still_per_event_and_a_contact_sheet(tmp_path, model):
    out = tmp_path / "events"
    r = _cli(["--events", "--out", str(out), "--size", "320x180"], tmp_path, display=True)
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in out.glob("*.png"))
    events = [e for e in model.events() if model.window[0] <= e.met_s <= model.window[1]]
    assert len(names) == len(events) == 36  # issue 10 added the published events
    assert "T+00d00h00m00s_liftoff.png" in names and "T+00d03h27m29s_docking.png" in names
    assert names == sorted(names, key=lambda n: n[:15])  # names sort in time order
    html = (out / "index.html").read_text(encoding="utf-8")
    for n in names:
        assert f'src="{n}"' in html
    assert "Docking to Rassvet" in html and "modelled" in html
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("size", [(640, 360), (480, 360), (400, 400), (360, 640)])
@pytest.mark.parametrize("from_screen", [False, True])
def test_whole_earth_is_whole_at_every_aspect(exporter, size, from_screen):
    """16:9, 4:3, 1:1 and 9:16: the Earth's disc and its atmosphere stay inside the picture
    with space around them, from the CLI's default camera and from a 16:9 screen's camera
    (an app export at another shape)."""
    from orbitviz.core.export_rules import ExportSpec

    st = bare_state(labels=False, grid=False, events=False, track_iss=False,
                    track_soyuz_ms_19=False, track_soyuz_ms_18=False)
    camera = None
    if from_screen:  # what the app passes: its 16:9 viewport's camera, fitted there
        exporter.render(T, ExportSpec(size=(1280, 720), view_state=st, caption="none",
                                      credit=False))
        camera = exporter.view.camera()
        camera["aspect"], camera["fov_deg"] = 16 / 9, 45.0
    spec = ExportSpec(size=size, transparent=True, caption="none", credit=False,
                      view_state=st, camera=camera)
    alpha = rgba(exporter.render(T, spec))[..., 3].astype(int)
    w, h = size
    ys, xs = np.nonzero(alpha > 24)
    assert len(xs) > 0.2 * w * h  # the Earth is there, and not a speck
    edge = max(2, int(0.01 * min(w, h)))
    assert xs.min() >= edge and xs.max() < w - edge, (xs.min(), xs.max())
    assert ys.min() >= edge and ys.max() < h - edge, (ys.min(), ys.max())


@pytest.mark.skipif("DISPLAY" not in os.environ, reason="needs the test display")
def test_cli_export_carries_the_map_inset(exporter, tmp_path, model):
    """``orbitviz export --map``: the map drawn at the picture's time in the top-right
    corner, the same picture the app's exports carry (issue 9: CLI exports carry the inset
    too); without --map that corner shows the scene."""
    from PySide6 import QtGui

    from orbitviz.core.viewer import ViewerModel
    from orbitviz.ui.map_panel import map_image

    w, h, met = 1280, 720, 5000.0
    pics = {}
    for name, extra in (("map", ["--map"]), ("plain", [])):
        out = tmp_path / f"{name}.png"
        r = _cli(["--at", f"T+{met:.0f}", "--out", str(out), "--size", f"{w}x{h}",
                  "--caption", "none", "--no-credit", *extra], tmp_path, display=True)
        assert r.returncode == 0, r.stderr
        pics[name] = rgba(QtGui.QImage(str(out)))[..., :3].astype(int)
    x, y, iw, ih = exporter.inset_rect(w, h)
    expected = rgba(map_image(ViewerModel(model), met, iw, ih, h / 1080.0))[..., :3].astype(int)
    region = (slice(y + 2, y + ih - 2), slice(x + 2, x + iw - 2))
    assert np.abs(pics["map"][region] - expected[2:-2, 2:-2]).mean() < 2.0
    assert np.abs(pics["map"][region] - pics["plain"][region]).mean() > 8.0
    rest = (slice(ih + 40, h), slice(0, x - 40))
    assert np.abs(pics["map"][rest] - pics["plain"][rest]).mean() < 1.0
