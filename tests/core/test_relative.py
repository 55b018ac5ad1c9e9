"""Relative motion in the station's LVLH frame (orbitviz.core.relative).

Checks in metres and m/s: docking puts Soyuz MS-19 at the Rassvet port's offset; the final
approach closes under 0.3 m/s; a point built by ``docked_state`` maps back to its offset at
rest; positions agree with the single-state ``vectors.lvlh_matrix``; velocities are the time
derivatives of the positions (the rotating-frame term); curvilinear and straight coordinates
agree close in; the rendezvous profile carries the six burns at the events' times.
"""

from __future__ import annotations

import numpy as np
import pytest

from orbitviz.core.mission import MissionModel, docked_state
from orbitviz.core.vectors import lvlh_matrix
from orbitviz.core.relative import (BURN_EVENT_IDS, curvilinear, curvilinear_at,
                                    lvlh_relative, range_and_closing_speed, relative_lvlh,
                                    rendezvous_profile)

SOYUZ = "soyuz-ms-19"


@pytest.fixture(scope="module")
def model():
    return MissionModel.build()


def _event(model, eid):
    return next(e.met_s for e in model.events() if e.id == eid)


def _burn_edges(model):
    """Starts and ends of the rendezvous burns (finite since issue 10: the acceleration
    jumps at both edges, where central differences are off by half a jump)."""
    burns = model.objects[SOYUZ].info["rendezvous"]["burns"]
    edges = [_event(model, b) for b in BURN_EVENT_IDS]
    return edges + [b["met_s"] + b["duration_s"] for b in burns]


def test_soyuz_sits_at_the_rassvet_port_at_docking(model):
    """At contact and while docked the Soyuz is at the port's LVLH offset (within 1 m)."""
    port = np.asarray(model.scenario.ports["rassvet-nadir"]["offset_lvlh_m"], dtype=float)
    t_dock = _event(model, "docking")
    t = np.array([t_dock, t_dock + 60.0, t_dock + 3 * 3600.0, t_dock + 86400.0])
    pos, vel = lvlh_relative(model, SOYUZ, t)
    assert pos.shape == (4, 3) and vel.shape == (4, 3)
    assert np.all(np.linalg.norm(pos - port, axis=1) < 1.0), pos
    # once docked it rides the station: at rest in its frame (1 mm/s)
    assert np.all(np.linalg.norm(vel[1:], axis=1) < 1e-3), vel
    # and a scalar time gives the same answer
    p1, _ = lvlh_relative(model, SOYUZ, float(t_dock + 60.0))
    np.testing.assert_allclose(p1[0], pos[1], atol=1e-9)


def test_final_approach_closes_slowly_straight_up_r_bar(model):
    """From the Kurs failure to contact: closing under 0.3 m/s, range shrinking from
    about 54 m (the hold 40 m below the port, issue 10) to the port's 19 m, the Soyuz below
    the station on the port's axis. (Read from the cached trajectories: the hold's range
    rate wobbles by a fraction of a mm/s there, hence the 1 mm/s allowance.)"""
    t0, t1 = _event(model, "kurs-failure"), _event(model, "docking")
    t = np.linspace(t0, t1, 400)[:-1]  # contact itself is the join to the docked segment
    rng, closing = range_and_closing_speed(model, SOYUZ, t)
    assert np.all(closing < 0.3), closing.max()
    assert np.all(closing > -1e-3)  # never backs away
    assert np.all(np.diff(rng) <= 1e-3)
    assert 40.0 < rng[0] < 70.0
    port = model.scenario.ports["rassvet-nadir"]["offset_lvlh_m"]
    assert rng[-1] == pytest.approx(np.linalg.norm(port), abs=1.0)
    pos, _ = lvlh_relative(model, SOYUZ, t)
    assert np.all(pos[:, 2] > 0)  # +z: toward the Earth, below the station
    np.testing.assert_allclose(pos[:, 0], port[0], atol=1.0)
    np.testing.assert_allclose(pos[:, 1], port[1], atol=1.0)


def test_docked_state_point_maps_back_to_its_offset_at_rest(model):
    """Independent check of the frame: ``mission.docked_state`` builds a GCRS point fixed
    in the station's LVLH frame; seen from the station it is at its offset, at rest."""
    t = np.linspace(model.window[0], model.window[1], 50)
    r_s, v_s = model.objects["iss"].trajectory.state(t)
    offset = np.array([-37.5, 12.25, 61.0])
    r_p, v_p = docked_state(r_s, v_s, offset)
    pos, vel = relative_lvlh(r_s, v_s, r_p, v_p)  # orbital rate only, as docked_state
    np.testing.assert_allclose(pos, np.broadcast_to(offset, pos.shape), atol=1e-6)
    np.testing.assert_allclose(vel, 0.0, atol=1e-9)
    # with the plane-turning term (about 1e-6 rad/s) the point still rests within 1 mm/s
    pole = model.eo.pole_gcrs(float(t.mean()))
    _, vel_j2 = relative_lvlh(r_s, v_s, r_p, v_p, pole=pole)
    assert np.abs(vel_j2).max() < 1e-3


def test_positions_match_the_single_state_lvlh_matrix(model):
    """Vectorised positions equal the projection on ``vectors.lvlh_matrix`` rows, point by
    point, across the rendezvous (1 mm)."""
    t = np.linspace(600.0, 12400.0, 25)
    pos, _ = lvlh_relative(model, SOYUZ, t)
    r_s, v_s = model.objects["iss"].trajectory.state(t)
    r_o, _ = model.objects[SOYUZ].trajectory.state(t)
    for k in range(len(t)):
        expect = lvlh_matrix(r_s[k], v_s[k]) @ (r_o[k] - r_s[k]) * 1000.0
        np.testing.assert_allclose(pos[k], expect, atol=1e-3)


def test_velocity_is_the_rate_of_the_lvlh_coordinates(model):
    """The rotating-frame velocity is d/dt of the LVLH position: central differences at
    1 s agree, away from the burns, within 5 cm/s plus 3e-7 of the range (the frame's axes
    come from 30-s Hermite samples of the station, whose direction wobbles by about 1e-7
    rad/s between samples); the median within 5 cm/s. The inertial velocity difference
    rotated without the frame's turn misses by hundreds of m/s at far range."""
    t = np.arange(600.0, 12400.0, 1.0)
    pos, vel = lvlh_relative(model, SOYUZ, t)
    fd = (pos[2:] - pos[:-2]) / 2.0
    burns = np.array(_burn_edges(model) + [_event(model, "kurs-failure")])
    tm = t[1:-1]
    away = np.min(np.abs(tm[:, None] - burns[None, :]), axis=1) > 3.0
    err = np.linalg.norm(fd - vel[1:-1], axis=1)[away]
    rng = np.linalg.norm(pos[1:-1], axis=1)[away]
    assert np.all(err < 0.05 + 3e-7 * rng), np.max(err - 3e-7 * rng)
    assert np.median(err) < 0.05
    # without the frame's rotation the inertial velocity difference is far off
    r_s, v_s = model.objects["iss"].trajectory.state(tm)
    r_o, v_o = model.objects[SOYUZ].trajectory.state(tm)
    x, y, z = (lvlh_matrix(r_s[0], v_s[0]))
    raw = np.array([x, y, z]) @ (v_o[0] - v_s[0]) * 1000.0
    assert np.linalg.norm(raw - fd[0]) > 100.0


def test_closing_speed_is_minus_the_range_rate(model):
    """Closing speed = −d(range)/dt (central differences at 1 s, 1 cm/s away from burns);
    range = |LVLH position|."""
    t = np.arange(700.0, 12300.0, 7.0)
    rng, closing = range_and_closing_speed(model, SOYUZ, t)
    pos, _ = lvlh_relative(model, SOYUZ, t)
    np.testing.assert_allclose(rng, np.linalg.norm(pos, axis=1), rtol=1e-12, atol=1e-6)
    rp, _ = range_and_closing_speed(model, SOYUZ, t + 1.0)
    rm, _ = range_and_closing_speed(model, SOYUZ, t - 1.0)
    burns = np.array(_burn_edges(model))
    away = np.min(np.abs(t[:, None] - burns[None, :]), axis=1) > 2.0
    np.testing.assert_allclose(closing[away], -((rp - rm) / 2.0)[away], atol=0.01)


def test_curvilinear_far_and_near(model):
    """Close in, curvilinear (along, up) equal LVLH (x, −z) within 1 m; at separation the
    along-track arc is the angle between the two radius vectors times the station's radius
    (the Soyuz is nearly in the station's plane) and the Soyuz is about 200 km lower."""
    t_near = np.linspace(_event(model, "rendezvous-burn-5"), _event(model, "docking"), 50)
    along, cross, up = curvilinear_at(model, SOYUZ, t_near)
    pos, _ = lvlh_relative(model, SOYUZ, t_near)
    np.testing.assert_allclose(along, pos[:, 0], atol=1.0)
    np.testing.assert_allclose(cross, pos[:, 1], atol=1.0)
    np.testing.assert_allclose(up, -pos[:, 2], atol=1.0)

    t_sep = _event(model, "orbit-insertion")
    r_s, v_s = model.objects["iss"].trajectory.state(np.array([t_sep]))
    r_o, _ = model.objects[SOYUZ].trajectory.state(np.array([t_sep]))
    along, cross, up = curvilinear(r_s, v_s, r_o)
    angle = np.arccos(np.dot(r_s[0], r_o[0]) / np.linalg.norm(r_s[0]) / np.linalg.norm(r_o[0]))
    assert abs(cross[0]) < 20_000.0
    assert abs(along[0]) == pytest.approx(angle * np.linalg.norm(r_s[0]) * 1000.0, rel=1e-3)
    assert along[0] < -1_000_000.0  # behind the station by more than 1,000 km
    assert -260_000.0 < up[0] < -150_000.0


def test_rendezvous_profile(model):
    """The profile spans separation to docking, carries burns 1–6 at the events' times,
    and ends at the port (19.2 m) after starting over 1,000 km away."""
    p = rendezvous_profile(model)
    assert p.start_s == _event(model, "orbit-insertion")
    assert p.end_s == _event(model, "docking")
    assert [b[0] for b in p.burns] == list(BURN_EVENT_IDS)
    for bid, _, t in p.burns:
        assert t == _event(model, bid)
        assert t in p.met_s
    assert np.all(np.diff(p.met_s) > 0) and np.all(np.diff(p.met_s) <= 10.0 + 1e-9)
    assert p.range_m[0] > 1_000_000.0
    port = model.scenario.ports["rassvet-nadir"]["offset_lvlh_m"]
    assert p.range_m[-1] == pytest.approx(np.linalg.norm(port), abs=1.0)
    np.testing.assert_allclose(p.lvlh_m, lvlh_relative(model, SOYUZ, p.met_s)[0], atol=1e-6)
    # altitudes: insertion near 200 km, the station near 420 km, the two equal at docking
    assert 180.0 < p.alt_km[0] < 260.0
    assert np.all((p.station_alt_km > 400.0) & (p.station_alt_km < 445.0))
    assert abs(p.alt_km[-1] - p.station_alt_km[-1]) < 0.1
