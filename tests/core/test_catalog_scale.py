"""Catalogues at scale and far from the mission: vectorised windows of every object's
positions, the free scenario's Earth orientation and Sun, and synthetic catalogues."""

import datetime as dt

import numpy as np
import pytest
from skyfield.api import EarthSatellite

from orbitviz.core.catalog import build_catalog
from orbitviz.core.elements import NoStateError
from orbitviz.core.environment import Environment
from orbitviz.core.scenario import load_scenario
from orbitviz.core.sun import ephemeris
from orbitviz.core.synthetic import synthetic_tle_text
from orbitviz.core.timeaxis import timescale
from orbitviz.core.tle import parse_tle_text

EPOCH = dt.datetime(2026, 11, 25, 12, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def axis():
    return load_scenario().axis


@pytest.fixture(scope="module")
def synthetic(axis):
    sets, errors = parse_tle_text(synthetic_tle_text(400, EPOCH, seed=7), "synthetic.tle")
    assert errors == []
    return sets, build_catalog(sets, axis)


def skyfield_gcrs_km(tle_set, when_utc):
    """Independent reference: skyfield's own SGP4 + TEME → GCRS."""
    sat = EarthSatellite(tle_set.line1, tle_set.line2, tle_set.name, timescale())
    t = timescale().from_datetimes(when_utc)
    return sat.at(t).position.km.T


def test_synthetic_catalogue_is_valid_and_mostly_low_orbits(synthetic):
    sets, cat = synthetic
    assert len(sets) == 400 and len(cat) == 400
    # mean motion of an orbit below 2,000 km altitude exceeds 11.25 rev/day
    leo = np.mean([s.mean_motion_rev_day > 11.25 for s in sets])
    assert 0.65 < leo < 0.9
    for s in sets:
        assert EPOCH - dt.timedelta(hours=24) <= s.epoch_utc <= EPOCH + dt.timedelta(seconds=1)


def test_window_matches_skyfield_for_every_object(synthetic, axis):
    sets, cat = synthetic
    t0 = axis.met_from_datetime(EPOCH)
    win = cat.propagate(t0 - 600.0, t0 + 600.0, 60.0)
    assert win.r_gcrs_km.shape == (400, 21, 3)
    assert np.isfinite(win.r_gcrs_km).all()
    when = [axis.datetime_utc(float(t)) for t in win.times[[0, 10, 20]]]
    by_id = {o.id: o.sets[0] for o in cat.objects.values()}
    for k in range(0, 400, 37):
        ref = skyfield_gcrs_km(by_id[win.ids[k]], when)
        err = np.linalg.norm(win.r_gcrs_km[k, [0, 10, 20]] - ref, axis=1)
        assert err.max() < 0.05, (win.ids[k], err)  # km


def test_states_at_one_instant_agree_with_the_window(synthetic, axis):
    _, cat = synthetic
    t0 = axis.met_from_datetime(EPOCH)
    win = cat.propagate(t0, t0 + 120.0, 60.0)
    st = cat.states_gcrs(t0 + 60.0)
    assert st.ids == win.ids
    assert np.abs(st.r_gcrs_km - win.r_gcrs_km[:, 1]).max() < 1e-6


def test_heads_between_samples_lie_on_the_chord_within_its_sag(synthetic, axis):
    """Linear interpolation between samples 60 s apart: a low orbit (7.8 km/s) turns by
    0.07 rad, so the chord is at most r·θ²/8 ≈ 4 km from the true position."""
    _, cat = synthetic
    t0 = axis.met_from_datetime(EPOCH)
    win = cat.propagate(t0 - 300.0, t0 + 300.0, 60.0)
    t = t0 + 27.0
    err = np.linalg.norm(win.positions_gcrs(t) - cat.states_gcrs(t).r_gcrs_km, axis=1)
    assert err.max() < 4.5
    assert np.isnan(win.positions_gcrs(t0 + 1000.0)).all()


def test_switching_sets_and_validity_in_a_window(axis):
    """Two sets of one object: each sample takes the set in use then; beyond three days
    after the last epoch the object has no state (NaN)."""
    text = synthetic_tle_text(1, EPOCH, seed=3, first_number=70000, spread_h=0.0)
    later = synthetic_tle_text(1, EPOCH + dt.timedelta(days=1), seed=3, first_number=70000,
                               spread_h=0.0)
    sets, errors = parse_tle_text(text + later, "two.tle")
    assert errors == [] and len(sets) == 2
    cat = build_catalog(sets, axis)
    (obj,) = cat.objects.values()
    chain = obj.chains[0]
    switch = chain.switch_times_s[0]
    win = cat.propagate(switch - 300.0, switch + 300.0, 100.0)
    for k, t in enumerate(win.times):
        span = chain.span_at(float(t))
        ref = skyfield_gcrs_km(span.tle, [axis.datetime_utc(float(t))])[0]
        assert np.linalg.norm(win.r_gcrs_km[0, k] - ref) < 0.05
    end = obj.end_s
    win = cat.propagate(end - 100.0, end + 100.0, 50.0)
    assert np.isfinite(win.r_gcrs_km[0, win.times <= end]).all()
    assert np.isnan(win.r_gcrs_km[0, win.times > end]).all()


def test_object_state_and_ground_track_of_one_object(synthetic, axis):
    sets, cat = synthetic
    oid = cat.ids[5]
    t = axis.met_from_datetime(EPOCH)
    s = cat.object_state(oid, t)
    r, lat, lon = s.r_gcrs_km, s.lat_deg, s.lon_deg
    ref = skyfield_gcrs_km(cat.objects[oid].sets[0], [EPOCH])[0]
    assert np.linalg.norm(r - ref) < 0.05
    met, lats, lons = cat.ground_track(oid, t - 600.0, t + 600.0, 30.0)
    assert len(met) == 41
    k = int(np.argmin(np.abs(met - t)))
    assert abs(lats[k] - lat) < 1e-6 and abs(lons[k] - lon) < 1e-6
    with pytest.raises(NoStateError):
        cat.object_state(oid, t + 30 * 86400.0)


@pytest.fixture(scope="module")
def model():
    from orbitviz.core.mission import MissionModel

    return MissionModel.build()


def test_environment_is_the_missions_own_inside_its_window(model):
    env = Environment(model)
    t = 5000.0
    assert env.in_mission(t)
    assert np.array_equal(env.gcrs_to_itrs(t), model.eo.gcrs_to_itrs(t))
    assert np.array_equal(env.sun_direction_gcrs(t), model.sun.direction_gcrs(t))


def test_environment_far_from_the_mission_matches_skyfield(model):
    """Five years on: precession alone has turned the sky by 0.07°, so the mission's own
    Earth orientation would be wrong; the chunks built there agree with skyfield."""
    env = Environment(model)
    ax = model.axis
    t = ax.met_from_datetime(EPOCH) + 1234.5
    assert not env.in_mission(t)
    ts = timescale()
    st = ax.time(np.array([t]))
    eph = ephemeris()
    sun = eph["earth"].at(st).observe(eph["sun"]).apparent().position.km[:, 0]
    u = sun / np.linalg.norm(sun)
    ang = np.arccos(np.clip(env.sun_direction_gcrs(t) @ u, -1, 1))
    assert ang < 1e-6  # rad
    from skyfield.framelib import itrs

    rot_ref = itrs.rotation_at(ts.tt_jd(st.tt[0]))
    assert np.abs(env.gcrs_to_itrs(t) - rot_ref).max() < 2e-7
    # the sub-solar point: the Sun overhead, so its Earth-fixed direction has that latitude
    lat, lon = env.subsolar_point(t)
    d = rot_ref @ u
    assert abs(lat - np.degrees(np.arcsin(d[2]))) < 1e-4
    assert abs(lon - np.degrees(np.arctan2(d[1], d[0]))) < 1e-4


def test_captions_and_credits_name_your_objects(model, synthetic, axis):
    """A picture of your objects says so: outside the mission, the caption counts them and
    gives the UTC time only; the credit names your element sets. In the mission with your
    objects present, the credit adds them to the station's sets."""
    from orbitviz.core.export_rules import caption_lines, check_time, credit_text, ExportError

    from orbitviz.core.viewer import ViewerModel

    _, cat = synthetic
    t = axis.met_from_datetime(EPOCH)
    theirs = ViewerModel(model)
    theirs.set_catalog(cat)
    lines = dict(caption_lines(theirs, t))
    assert lines["title"] == f"{len(cat.existing(t))} objects from your element sets"
    assert lines["time"] == "25 Nov 2026, 12:00:00 UTC"
    assert "your element sets (SGP4)" in credit_text(theirs, t)
    assert check_time(theirs, t) == t
    with pytest.raises(ExportError, match="your element sets' validity"):
        check_time(theirs, t + 30 * 86400.0)
    # in the mission: the ISS's own TLE as your object, present at T+1 h
    from orbitviz.core.catalog import load_element_files
    from orbitviz.core.assets import asset_path

    mine, _ = load_element_files([asset_path("tle", "iss-21277.86166359.tle")], axis)
    with_mine, plain = ViewerModel(model), ViewerModel(model)
    with_mine.set_catalog(mine)
    assert credit_text(with_mine, 3600.0).startswith(credit_text(plain, 3600.0).split("·")[0])
    assert "NORAD element sets (ISS) and yours" in credit_text(with_mine, 3600.0)
    assert "and yours" not in credit_text(plain, 3600.0)
