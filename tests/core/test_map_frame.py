"""What the map shows (orbitviz.core.map_frame), from a real viewer model on the real mission.

The markers sit at the core's latitude/longitude for the viewer's time and move with it; the
terminator is the core's terminator of the Sun's sub-solar point; docked vehicles are drawn
as the station; the tracks never draw across the map. (Moved from the assertions of the old
pyqtgraph panel's tests, tests/ui/test_groundtrack_panel.py, onto the frame's data.)
"""

from __future__ import annotations

import numpy as np
import pytest

from orbitviz.core.groundtrack import angular_distance_deg, join_with_nans, terminator
from orbitviz.core.map_frame import MapFrameBuilder, slice_track
from orbitviz.core.viewer import ViewerModel

LABEL_MAX = 50


@pytest.fixture(scope="module")
def model():
    from orbitviz.core.mission import MissionModel

    return MissionModel.build()


@pytest.fixture
def viewer(model):
    return ViewerModel(model, met_s=300.0)


@pytest.fixture
def builder(viewer):
    return MapFrameBuilder(viewer)


def _frame(builder, t):
    return builder.frame(t, label_max=LABEL_MAX)


def _event(model, eid):
    return next(e.met_s for e in model.events() if e.id == eid)


def _inside(poly_lon, poly_lat, lon, lat) -> bool:
    """Even-odd ray casting (ray toward +lon) in map coordinates."""
    inside = False
    for i in range(len(poly_lon) - 1):
        x1, y1, x2, y2 = poly_lon[i], poly_lat[i], poly_lon[i + 1], poly_lat[i + 1]
        if (y1 > lat) != (y2 > lat):
            if x1 + (lat - y1) * (x2 - x1) / (y2 - y1) > lon:
                inside = not inside
    return inside


def test_markers_at_core_positions_and_follow_time(builder, model):
    for t in (300.0, 5000.0, 500_000.0):
        m = _frame(builder, t).marker("iss")
        s = model.object_state("iss", t)
        assert (m.lat_deg, m.lon_deg) == pytest.approx((s.lat_deg, s.lon_deg), abs=1e-6)
    # Soyuz MS-19 in free flight has its own marker, at its own position
    s19 = model.object_state("soyuz-ms-19", 5000.0)
    m = _frame(builder, 5000.0).marker("soyuz-ms-19")
    assert (m.lat_deg, m.lon_deg) == pytest.approx((s19.lat_deg, s19.lon_deg), abs=1e-6)
    # 10 minutes later the ISS marker has moved ~4,600 km (about 40° of arc)
    a = _frame(builder, 5000.0).marker("iss")
    b = _frame(builder, 5600.0).marker("iss")
    moved = float(angular_distance_deg(a.lat_deg, a.lon_deg, b.lat_deg, b.lon_deg))
    assert 35.0 < moved < 45.0


def test_docked_vehicles_are_drawn_as_the_station(builder, model):
    f = _frame(builder, _event(model, "docking") + 600.0)
    assert {m.object_id for m in f.markers} == {"iss"}
    assert "MS-19" in f.marker("iss").label
    x, _ = join_with_nans(f.track("soyuz-ms-19").past)
    # its flown track ends at the docking (no later points along the station's orbit)
    assert np.isfinite(x).sum() > 10
    assert f.track("soyuz-ms-19").future == ()
    f = _frame(builder, _event(model, "undocking") + 1200.0)
    assert {m.object_id for m in f.markers} == {"iss", "soyuz-ms-18"}
    assert f.marker("iss").label.startswith("ISS + MS-19")  # MS-18 no longer docked


def test_terminator_is_the_cores(builder, model):
    for t in (300.0, _event(model, "docking")):
        f = _frame(builder, t)
        slat, slon = (float(v) for v in model.sun.subsolar_point(t))
        assert (f.subsolar_lat_deg, f.subsolar_lon_deg) == pytest.approx((slat, slon), abs=1e-9)
        ref = terminator(slat, slon)
        np.testing.assert_array_equal(f.terminator.lon_deg, ref.lon_deg)
        np.testing.assert_array_equal(f.terminator.lat_deg, ref.lat_deg)
        np.testing.assert_allclose(f.terminator.night_lon_deg, ref.night_lon_deg, atol=1e-9)
        night = (f.terminator.night_lon_deg, f.terminator.night_lat_deg)
        assert not _inside(*night, slon, slat)  # the sub-solar point is lit
        assert _inside(*night, 0.0, 89.0)  # October: the north pole is dark


def test_tracks_never_cross_the_map(builder, model):
    for t in (300.0, 5000.0, 12000.0, _event(model, "deorbit-burn")):
        for tr in _frame(builder, t).tracks:
            for pieces in (tr.past, tr.future):
                for lon, lat in pieces:
                    assert np.all(np.isfinite(lon)) and np.all(np.abs(lon) <= 180.0)
                    assert np.all(np.abs(np.diff(lon)) <= 180.0), tr.object_id
    # the ISS shows one orbit behind and one ahead: ~360° − 22.5° of longitude each way
    f = _frame(builder, 50_000.0)
    for pieces in (f.track("iss").past, f.track("iss").future):
        span = sum(float(np.abs(np.diff(lon)).sum()) for lon, _ in pieces)
        assert 330.0 < span < 400.0
    # joined at the object: the flown part ends and the part to come starts at the marker
    m = f.marker("iss")
    lon, lat = f.track("iss").past[-1]
    assert (lat[-1], lon[-1]) == (m.lat_deg, m.lon_deg)
    lon, lat = f.track("iss").future[0]
    assert (lat[0], lon[0]) == (m.lat_deg, m.lon_deg)


def test_track_layers_and_the_mission_window(viewer, builder):
    viewer.set_layer("track:iss", False)
    f = _frame(builder, 5000.0)
    assert f.track("iss") is None and f.track("soyuz-ms-19") is not None
    viewer.set_layer("labels", False)
    f = _frame(builder, 5000.0)
    assert all(m.label is None for m in f.markers) and all(s.label is None for s in f.sites)


def test_a_soyuz_close_to_the_station_shares_its_label(builder):
    """In final approach (83 m away) the Soyuz is named in the station's label, not over it."""
    f = _frame(builder, 12000.0)
    assert f.marker("soyuz-ms-19").label is None
    assert "Soyuz MS-19 close by" in f.marker("iss").label
    f = _frame(builder, 5000.0)  # 600 km apart: each has its own label
    assert f.marker("soyuz-ms-19").label == "Soyuz MS-19"


def test_sites_and_their_names(builder, model):
    f = _frame(builder, 300.0)
    pad = model.scenario.sites["pad"]
    sites = {s.key: s for s in f.sites}
    assert (sites["pad"].lat_deg, sites["pad"].lon_deg) == (pad["lat_deg"], pad["lon_deg"])
    assert sites["pad"].label == "Baikonur" and sites["landing-estimate"].label is None
    touch = model.objects["soyuz-ms-18"].info["return"]["touchdown"]
    assert sites["landing-model"].lat_deg == touch["lat_deg"]
    f = _frame(builder, _event(model, "undocking") + 60.0)  # MS-18 has left: named
    assert {s.key: s.label for s in f.sites}["landing-model"] == "modelled touchdown"


def test_slice_track_reference():
    met = np.arange(0.0, 100.0, 10.0)
    lon = np.array([150.0, 160.0, 170.0, -178.0, -168.0, -158.0, -148.0, -138.0, -128.0,
                    -118.0])
    lat = np.arange(10.0)
    past, fut = slice_track(met, lat, lon, 35.0, 30.0, 20.0, now=(3.5, -173.0))
    # flown: samples at 10, 20, 30 and now; 170 → −178 crosses the dateline at 2 + 10/12
    assert [list(p[0]) for p in past] == [[160.0, 170.0, 180.0], [-180.0, -178.0, -173.0]]
    assert past[0][1][-1] == pytest.approx(2.0 + 10.0 / 12.0)
    assert [list(p[0]) for p in fut] == [[-173.0, -168.0, -158.0]]


def test_a_cropped_view_keeps_the_selected_object(viewer, builder, model):
    """The frame's focus: the selected object; a docked vehicle: the station; none outside
    the mission (then 0°), the pad's longitude when the selection has no place."""
    f = _frame(builder, 5000.0)
    assert viewer.selected == "iss"
    m = f.marker("iss")
    assert (f.focus_lat_deg, f.focus_lon_deg) == (m.lat_deg, m.lon_deg)
    viewer.select("soyuz-ms-19")
    f = _frame(builder, 5000.0)
    m = f.marker("soyuz-ms-19")
    assert (f.focus_lat_deg, f.focus_lon_deg) == (m.lat_deg, m.lon_deg)
    f = _frame(builder, _event(model, "docking") + 600.0)  # docked: the station's marker
    m = f.marker("iss")
    assert (f.focus_lat_deg, f.focus_lon_deg) == (m.lat_deg, m.lon_deg)
    f = _frame(builder, model.window[1] + 86400.0)  # outside the mission: nothing to keep
    assert (f.focus_lat_deg, f.focus_lon_deg) == (None, 0.0)
    pad = model.scenario.sites["pad"]
    assert builder.pad_lon_deg == pad["lon_deg"]
