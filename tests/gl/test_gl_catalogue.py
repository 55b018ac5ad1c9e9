"""Catalogues far from the mission, for real: the free scenario's Earth lit by the 2026 Sun,
heads where skyfield puts the objects, clicking selects, and the CLI's ``export --tle``."""

import datetime as dt

import numpy as np
import pytest
from PySide6 import QtCore
from skyfield.api import EarthSatellite

from _frames import render_rgb
from orbitviz.core.catalog import build_catalog
from orbitviz.core.mission import MissionModel
from orbitviz.core.sun import ephemeris
from orbitviz.core.synthetic import synthetic_tle_text
from orbitviz.core.timeaxis import timescale
from orbitviz.core.tle import parse_tle_text
from orbitviz.core.viewer import ViewerModel
from orbitviz.core.viewstate import ViewState

W, H = 800, 600
EPOCH = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def model():
    return MissionModel.build()


@pytest.fixture(scope="module")
def sets():
    sets, errors = parse_tle_text(synthetic_tle_text(300, EPOCH, seed=11), "mine-2026.tle")
    assert not errors
    return sets


@pytest.fixture
def scene(qtbot, model, sets):
    from orbitviz.render.scene import SceneController, create_items
    from orbitviz.ui.viewport import Viewport

    view = Viewport()
    view.resize(W, H)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    sc = SceneController(ViewerModel(model, ViewState()), view, create_items(model))
    catalog = build_catalog(sets, model.axis)
    sc.viewer.set_catalog(catalog)
    sc.apply_preset("earth")
    view.set_camera(*sc.preset_camera())
    sc.set_time(model.axis.met_from_datetime(EPOCH))
    return sc, view, catalog


def _skyfield_gcrs(tle_set, when):
    sat = EarthSatellite(tle_set.line1, tle_set.line2, tle_set.name, timescale())
    return sat.at(timescale().from_datetime(when)).position.km


def test_heads_sit_where_skyfield_puts_the_objects(scene, tmp_path):
    sc, view, catalog = scene
    rgb = render_rgb(view, W, H, str(tmp_path / "heads.png"))
    g2w = sc.world_rotation()[0]
    cam = view.camera_position_scene()
    earth = sc.world_to_scene @ -sc.origin_world_km
    checked = 0
    for oid in catalog.ids[:120]:
        r = _skyfield_gcrs(catalog.objects[oid].sets[0], EPOCH)
        p = sc.world_to_scene @ (g2w @ r - sc.origin_world_km)
        if (p - earth) @ (cam - earth) < 0.3 * np.linalg.norm(p - earth) * np.linalg.norm(
                cam - earth):
            continue  # near or behind the limb
        xy = view.project(p)
        if xy is None:
            continue  # high orbits between the camera and the Earth's centre, behind it
        x, y = xy
        if not (5 <= x < W - 5 and 5 <= y < H - 5):
            continue
        patch = rgb[int(y) - 2:int(y) + 3, int(x) - 2:int(x) + 3]
        # magenta: strong red and blue over green, at the point skyfield gives (±2 px)
        assert ((patch[..., 0] - patch[..., 1] > 60) & (patch[..., 2] - patch[..., 1] > 40)).any()
        checked += 1
    assert checked >= 10
    # the mission is not in this scene: no pad marker, nothing of the mission's drawn
    assert sc.user_ids_shown == catalog.ids
    assert not any(sc.items[f"track:{o}"].visible() for o in sc.viewer.ids("mission"))
    assert all("Baikonur" not in t for t, _ in sc.items["labels"]._labels)


def test_the_earth_is_lit_by_the_sun_of_that_day(scene, tmp_path, model):
    """Five years after the mission: surface points within 50° of the sub-solar point
    (DE421 through skyfield, independently of the app's chunks) are day, points more than
    115° away are night."""
    sc, view, catalog = scene
    sc.viewer.set_catalog(None)  # the Earth alone
    rgb = render_rgb(view, W, H, str(tmp_path / "lit.png"))
    eph = ephemeris()
    t = timescale().from_datetime(EPOCH)
    u_sun = eph["earth"].at(t).observe(eph["sun"]).apparent().position.km
    u_sun /= np.linalg.norm(u_sun)
    g2w = sc.world_rotation()[0]
    cam = view.camera_position_scene()
    earth = sc.world_to_scene @ -sc.origin_world_km
    day, night = [], []
    rng = np.random.default_rng(2)
    for _ in range(4000):
        n = rng.normal(size=3)
        n /= np.linalg.norm(n)
        p = sc.world_to_scene @ (g2w @ (6378.0 * n) - sc.origin_world_km)
        if (p - earth) @ (cam - earth) < 0.5 * 6378.0 * np.linalg.norm(cam - earth):
            continue  # keep to the middle of the visible disc
        x, y = view.project(p)
        lum = rgb[int(y), int(x)].mean()
        ang = np.degrees(np.arccos(np.clip(n @ u_sun, -1, 1)))
        if ang < 50:
            day.append(lum)
        elif ang > 115:
            night.append(lum)
    assert len(day) > 40 and len(night) > 40
    assert np.median(day) > 3 * np.median(night) + 20


def test_clicking_a_head_selects_it_and_the_earth_hides_those_behind(scene):
    sc, view, catalog = scene
    ids, pts = sc.pickable()
    assert 0 < len(ids) < len(catalog)  # some are behind the Earth
    px = view.project_many(pts)
    on = [(i, p) for i, p in zip(ids, px) if 20 < p[0] < W - 20 and 20 < p[1] < H - 20]
    # an object alone within 15 px: a click on it picks it, a click 40 px off picks nothing
    for oid, p in on:
        others = [q for j, q in zip(ids, px) if j != oid]
        if np.nanmin(np.hypot(*(np.asarray(others) - p).T)) > 15:
            assert sc.pick(p[0] + 3, p[1] - 2) == oid
            break
    else:
        pytest.fail("no isolated object on screen")
    empty = next((p for p in ((20.0, 20.0), (W - 20.0, 20.0), (20.0, H - 20.0))
                  if np.nanmin(np.hypot(*(px - p).T)) > 40), None)
    if empty is not None:
        assert sc.pick(*empty) is None
    hidden = [o for o in catalog.ids if o not in ids]
    assert hidden and all(sc.pick(*p) not in hidden for p in px[:20])


def test_the_propagator_builds_windows_off_the_gui_thread(qtbot, scene):
    import threading

    from orbitviz.app.tasks import TaskRunner

    sc, view, catalog = scene
    runner = TaskRunner()
    threads = []

    def propagate(t0, t1, step):
        threads.append(threading.current_thread())
        return catalog.propagate(t0, t1, step)

    sc.set_window_requester(lambda cat, t0, t1, step: runner.submit(
        "user-window", propagate, t0, t1, step, on_done=sc.set_user_window))
    try:
        later = sc.met_s + 6 * 3600.0  # far outside the current window
        sc.set_time(later)
        assert runner.wait_idle(30.0)
        w = sc.users._window
        assert w is not None and w.covers(later)
        assert threads and threading.main_thread() not in threads
        assert sc.items["user-catalog"].head_count() == len(catalog)
    finally:
        runner.shutdown()


def test_cli_export_draws_your_objects_at_a_time_years_from_the_mission(tmp_path, sets):
    """``orbitviz export --tle F --at T`` outside the mission: a picture with the objects;
    a time outside the sets' validity: one line, status 2, no file."""
    import subprocess
    import sys

    from PySide6.QtGui import QImage

    path = tmp_path / "mine.tle"
    path.write_text("".join(f"{s.name}\n{s.line1}\n{s.line2}\n" for s in sets[:40]))
    out = tmp_path / "mine.png"
    cmd = [sys.executable, "-m", "orbitviz", "export", "--tle", str(path), "--at",
           "2026-11-25T12:00:00Z", "--size", "640x360", "--out", str(out)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, p.stderr
    img = QImage(str(out)).convertToFormat(QImage.Format.Format_RGB888)
    arr = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes()).reshape(
        img.height(), img.bytesPerLine())[:, :img.width() * 3].reshape(img.height(), -1, 3)
    a = arr.astype(int)
    magenta = (a[..., 0] - a[..., 1] > 80) & (a[..., 2] - a[..., 1] > 60)
    assert magenta.sum() > 40
    bad = tmp_path / "late.png"
    late = cmd[:7] + ["2027-06-01T00:00:00Z", "--size", "640x360", "--out", str(bad)]
    p = subprocess.run(late, capture_output=True, text=True, timeout=180)
    assert p.returncode == 2 and not bad.exists()
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "your element sets' validity" in lines[0]


def test_the_app_opens_a_2026_catalogue_in_a_free_scenario(qtbot, tmp_path, sets):
    from orbitviz.app.app import OrbitvizApp

    settings = QtCore.QSettings(str(tmp_path / "o.ini"), QtCore.QSettings.Format.IniFormat)
    settings.setValue("shots/path", str(tmp_path / "shots.json"))
    app = OrbitvizApp(settings)
    app.start()
    qtbot.addWidget(app.window)
    assert app.wait_ready(30000)
    path = tmp_path / "mine.tle"
    path.write_text("".join(f"{s.name}\n{s.line1}\n{s.line2}\n" for s in sets))
    app.add_element_files([str(path)])
    assert app.tasks.wait_idle(30.0)
    malformed, failed = app.last_elements_result
    assert malformed == [] and failed == []
    cat = app.user_catalog
    assert app.scenario == "free" and app.time_controls.is_free()
    assert app.time_controls.scrubber.full_range() == pytest.approx(cat.span)
    assert cat.span[0] <= app.clock.met_s <= cat.span[1]
    assert (app.clock.start_s, app.clock.end_s) == pytest.approx(cat.span)
    assert app.tasks.wait_idle(30.0)
    assert len(app.scene.user_ids_shown) == len(cat.existing(app.clock.met_s)) > 250
    # select one as a click would: the readouts show its place as its element set gives it
    oid = cat.ids[7]
    app.select(oid)
    assert app.readouts.title.text() == cat.objects[oid].name
    t = app.clock.met_s
    when = app.model.axis.datetime_utc(t)
    sat = EarthSatellite(cat.objects[oid].sets[0].line1, cat.objects[oid].sets[0].line2,
                         "x", timescale())
    from skyfield.api import wgs84

    sub = wgs84.subpoint_of(sat.at(timescale().from_datetime(when)))
    shown = app.readouts.text("lat")
    value = float(shown.split("°")[0])
    assert abs(value - abs(sub.latitude.degrees)) < 0.01
    # follow it and export the view, as Ctrl+F then Ctrl+E do: the object at the centre
    app.follow_selected()
    assert app.state.camera == f"follow:{oid}"
    out = app.exporter().save(tmp_path / "follow.png", app.clock.met_s,
                              app.export_spec(640, 360, caption="auto"), force=True)
    from PySide6.QtGui import QImage

    img = QImage(str(out)).convertToFormat(QImage.Format.Format_RGB888)
    a = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes()).reshape(
        360, img.bytesPerLine())[:, :640 * 3].reshape(360, 640, 3).astype(int)
    img.save(str(tmp_path / "follow.png"))
    centre = a[165:196, 305:336]
    # the selected head, ringed in white and at least 10 px wide, at the centre
    assert ((centre[..., 0] > 200) & (centre[..., 2] > 170)).sum() >= 30
    # a shot saved here comes back to this scenario and time from the mission's
    shot_met = app.clock.met_s
    app.save_shot("catalogue 2026")
    # back to the mission: its window, events and the station again
    app.set_scenario("mission")
    assert not app.time_controls.is_free()
    assert app.time_controls.scrubber.full_range() == pytest.approx(app.model.window)
    assert app.model.window[0] <= app.clock.met_s <= app.model.window[1]
    app.apply_shot("catalogue 2026")
    assert app.scenario == "free" and abs(app.clock.met_s - shot_met) < 1e-3
    app.window.close()


def test_a_selected_object_of_a_big_catalogue_gets_its_track(scene, tmp_path):
    """Beyond 50 objects every object has only a short trail; the selected one gets a
    track over the view's track span, drawn where skyfield puts it minutes ago."""
    sc, view, catalog = scene
    g2w = sc.world_rotation()[0]
    cam = view.camera_position_scene()
    earth = sc.world_to_scene @ -sc.origin_world_km
    ids, pts = sc.pickable()
    now = sc.met_s
    ax = sc.mission.axis

    def pixels(oid, dts):
        out = []
        for dt_s in dts:
            when = ax.datetime_utc(now + dt_s)
            r = _skyfield_gcrs(catalog.objects[oid].sets[0], when)
            p = sc.world_to_scene @ (g2w @ r - sc.origin_world_km)
            if (p - earth) @ (cam - earth) < 0.4 * np.linalg.norm(p - earth) * np.linalg.norm(
                    cam - earth):
                return None
            xy = view.project(p)
            if xy is None or not (5 <= xy[0] < W - 5 and 5 <= xy[1] < H - 5):
                return None
            out.append(xy)
        return out

    dts = [-720.0, -600.0, 240.0, 420.0, 600.0]  # beyond the short trail (474 s), and ahead
    oid, where = next((o, px) for o in ids if (px := pixels(o, dts)) is not None)
    before = render_rgb(view, W, H, str(tmp_path / "unselected.png"))
    sc.viewer.select(oid)
    assert sc.items["track:user-selected"].visible()
    after = render_rgb(view, W, H, str(tmp_path / "selected.png"))
    changed = np.abs(after - before).max(axis=-1)
    hits = [changed[int(y) - 2:int(y) + 3, int(x) - 2:int(x) + 3].max() > 25 for x, y in where]
    assert sum(hits) >= 4, hits
    sc.viewer.select("iss")  # a mission object: no user object highlighted
    assert not sc.items["track:user-selected"].visible()
