"""Relative motion: an object seen from the station, in the station's LVLH frame. Qt-free.

The LVLH frame of a reference orbit (the station's) is the convention of ISS operations,
:func:`orbitviz.core.vectors.lvlh_axes` (the one definition):

- **x** along-track (V-bar, the direction of the velocity's horizontal part),
- **y** opposite the orbit normal (H-bar),
- **z** toward the Earth's centre (R-bar), so ``-z`` is "up".

Positions are in **metres** and velocities in **m/s**; inputs are GCRS states in km and
km/s at ``met_s`` (TT seconds from lift-off), read from the objects' cached trajectories
(``model.objects[id].trajectory``), vectorised over time.

Relative velocity is measured *in the rotating frame*: the inertial velocity difference
minus ``ω × Δr``, where ``ω`` is the frame's angular velocity. Its main part is the orbital
rate ``h/r²`` about the orbit normal (what :func:`~orbitviz.core.mission.docked_state`
adds); the small part about the radius, ``r (a·ĥ)/h``, turns the orbit plane and is
computed from two-body + J2 gravity at the station (it matters only at far range: about
1e-6 rad/s, a few m/s at 3,000 km).

Also here: curvilinear coordinates (along-track arc and radial height difference, the
natural picture at far range, where the straight LVLH axes leave the Earth's curvature),
range and closing speed, and :func:`rendezvous_profile`, the arrays the rendezvous plots draw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orbitviz.core.constants import J2_EARTH, MU_EARTH_KM3_S2, R_EARTH_EQ_KM
from orbitviz.core.geodesy import itrs_to_geodetic
from orbitviz.core.vectors import lvlh_axes

#: Ids of the rendezvous burns among the mission's events, in order.
BURN_EVENT_IDS = tuple(f"rendezvous-burn-{k}" for k in range(1, 7))


# --- frame geometry ------------------------------------------------------------------------

def _gravity_j2(r_km, pole):
    """Two-body + J2 acceleration (km/s²) at GCRS positions (N,3); ``pole`` a unit 3-vector."""
    r2 = np.einsum("ij,ij->i", r_km, r_km)[:, None]
    rn = np.sqrt(r2)
    zp = r_km @ pole
    zp = zp[:, None]
    k = 1.5 * J2_EARTH * MU_EARTH_KM3_S2 * R_EARTH_EQ_KM**2 / (r2 * r2 * rn)
    a_r = -MU_EARTH_KM3_S2 / (r2 * rn) + k * (5.0 * zp * zp / r2 - 1.0)
    return a_r * r_km - 2.0 * k * zp * pole[None, :]


def frame_rate(r_ref_km, v_ref_km_s, pole=None):
    """Angular velocity (N,3), rad/s in GCRS, of the LVLH frame of reference states (N,3).

    ``h/r²`` along the orbit normal, plus ``r (a·ĥ)/h`` along the radius when ``pole``
    (Earth's rotation axis, a GCRS unit vector) is given: the turn of the orbit plane under
    J2 gravity ``a`` (Schaub & Junkins, *Analytical Mechanics of Space Systems*, the
    angular velocity of the orbit frame).
    """
    r = np.asarray(r_ref_km, dtype=float)
    v = np.asarray(v_ref_km_s, dtype=float)
    h = np.cross(r, v)
    r2 = np.einsum("ij,ij->i", r, r)[:, None]
    w = h / r2
    if pole is not None:
        hn = np.linalg.norm(h, axis=-1, keepdims=True)
        a = _gravity_j2(r, np.asarray(pole, dtype=float))
        a_h = np.einsum("ij,ij->i", a, h / hn)[:, None]
        w = w + (np.sqrt(r2) * a_h / hn) * (r / np.sqrt(r2))
    return w


def relative_lvlh(r_ref_km, v_ref_km_s, r_obj_km, v_obj_km_s, pole=None):
    """Positions (N,3) in m and rotating-frame velocities (N,3) in m/s of objects relative
    to reference states, in the reference's LVLH frame. Inputs: GCRS (N,3), km and km/s.
    ``pole``: see :func:`frame_rate` (None: orbital rate only, as ``docked_state``)."""
    r_ref = np.atleast_2d(np.asarray(r_ref_km, dtype=float))
    v_ref = np.atleast_2d(np.asarray(v_ref_km_s, dtype=float))
    dr = np.atleast_2d(np.asarray(r_obj_km, dtype=float)) - r_ref
    dv = np.atleast_2d(np.asarray(v_obj_km_s, dtype=float)) - v_ref
    dv = dv - np.cross(frame_rate(r_ref, v_ref, pole), dr)
    x, y, z = lvlh_axes(r_ref, v_ref)
    basis = np.stack([x, y, z], axis=1)  # (N,3,3), rows are the axes
    pos = np.einsum("nij,nj->ni", basis, dr) * 1000.0
    vel = np.einsum("nij,nj->ni", basis, dv) * 1000.0
    return pos, vel


def curvilinear(r_ref_km, v_ref_km_s, r_obj_km):
    """(along_m, cross_m, up_m), each (N,), of objects relative to reference states.

    ``along_m``: arc length at the reference's radius of the angle, in the reference's
    orbit plane, from the reference to the object's projection on that plane (positive
    ahead). ``cross_m``: the object's distance from that plane along ``y`` (−orbit normal).
    ``up_m``: the object's geocentric radius minus the reference's (positive above). Near
    the reference these equal (x, y, −z) of :func:`relative_lvlh` to second order.
    """
    r_ref = np.atleast_2d(np.asarray(r_ref_km, dtype=float))
    r_obj = np.atleast_2d(np.asarray(r_obj_km, dtype=float))
    x, y, z = lvlh_axes(r_ref, np.atleast_2d(np.asarray(v_ref_km_s, dtype=float)))
    rn = np.linalg.norm(r_ref, axis=-1)
    theta = np.arctan2(np.einsum("ij,ij->i", r_obj, x), -np.einsum("ij,ij->i", r_obj, z))
    along = theta * rn * 1000.0
    cross = np.einsum("ij,ij->i", r_obj - r_ref, y) * 1000.0
    up = (np.linalg.norm(r_obj, axis=-1) - rn) * 1000.0
    return along, cross, up


# --- from the mission model ------------------------------------------------------------

def _states(model, object_id, met):
    """GCRS (r, v) (N,3) of an object from its cached trajectory; times the cache does not
    cover fall back to the model's per-instant state (NaN where the object does not exist)."""
    r, v = model.objects[object_id].trajectory.state(met)
    bad = np.isnan(r[:, 0])
    if np.any(bad):
        obj = model.objects[object_id]
        for i in np.flatnonzero(bad):
            if obj.exists(float(met[i])):
                r[i], v[i] = model.gcrs_state(object_id, float(met[i]))
    return r, v


def _pole(model, met):
    finite = met[np.isfinite(met)]
    t = float(np.median(finite)) if finite.size else 0.0
    return model.eo.pole_gcrs(t)


def lvlh_relative(model, object_id: str, met_s, reference: str = "iss"):
    """(positions (N,3) m, velocities (N,3) m/s) of ``object_id`` relative to ``reference``
    in the reference's LVLH frame at ``met_s`` (scalar or (N,), TT seconds from lift-off).

    x along-track (V-bar), y −orbit normal (H-bar), z toward the Earth (R-bar). Velocities
    are rates of change of these coordinates (rotating frame). NaN where either object does
    not exist.
    """
    met = np.atleast_1d(np.asarray(met_s, dtype=float))
    r_ref, v_ref = _states(model, reference, met)
    r_obj, v_obj = _states(model, object_id, met)
    return relative_lvlh(r_ref, v_ref, r_obj, v_obj, pole=_pole(model, met))


def range_and_closing_speed(model, object_id: str, met_s, reference: str = "iss"):
    """(range_m (N,), closing_speed_m_s (N,)) of ``object_id`` from ``reference``.

    Closing speed is ``-d(range)/dt``: positive while the two draw together. (The range rate
    is the same in every frame; it is computed here from the inertial velocities.)
    """
    met = np.atleast_1d(np.asarray(met_s, dtype=float))
    r_ref, v_ref = _states(model, reference, met)
    r_obj, v_obj = _states(model, object_id, met)
    dr = (r_obj - r_ref) * 1000.0
    dv = (v_obj - v_ref) * 1000.0
    rng = np.linalg.norm(dr, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        closing = -np.einsum("ij,ij->i", dr, dv) / rng
    return rng, closing


# --- the rendezvous, as the plots draw it ------------------------------------------------

@dataclass
class RendezvousProfile:
    """Soyuz MS-19 relative to the station from separation to docking, sampled in time.

    Arrays (N,) or (N,3) at ``met_s``; LVLH in metres (see the module docstring);
    curvilinear ``along_m``/``up_m`` in metres; ``range_m``; geodetic WGS 84 altitudes in km
    of the Soyuz and the station. ``burns``: (event id, name, met_s) of the burns. All of
    it is orbitviz's model of the rendezvous (no MS-19 burn data were published).
    """

    met_s: np.ndarray
    lvlh_m: np.ndarray
    along_m: np.ndarray
    up_m: np.ndarray
    range_m: np.ndarray
    alt_km: np.ndarray
    station_alt_km: np.ndarray
    burns: list
    start_s: float
    end_s: float


def altitude_km(model, r_gcrs_km, met_s):
    """Geodetic altitudes (N,) in km above WGS 84 of GCRS positions (N,3) at ``met_s``."""
    r_itrs = model.eo.gcrs_to_itrs_position(np.asarray(r_gcrs_km, dtype=float),
                                            np.asarray(met_s, dtype=float))
    return itrs_to_geodetic(r_itrs)[2]


def rendezvous_profile(model, object_id: str = "soyuz-ms-19", reference: str = "iss",
                       step_s: float = 10.0) -> RendezvousProfile:
    """The rendezvous of ``object_id`` with ``reference`` from orbit insertion (the start of
    its free flight) to docking, sampled every ``step_s`` seconds plus each burn time."""
    phases = dict((p, t) for t, p in model.objects[object_id].phases)
    t0, t1 = float(phases["free-flight"]), float(phases["docked"])
    burns = [(e.id, e.name, float(e.met_s)) for e in model.events() if e.id in BURN_EVENT_IDS]
    n = max(2, int(np.ceil((t1 - t0) / step_s)) + 1)
    met = np.unique(np.concatenate([np.linspace(t0, t1, n), [b[2] for b in burns]]))
    met = met[(met >= t0) & (met <= t1)]
    r_ref, v_ref = _states(model, reference, met)
    r_obj, v_obj = _states(model, object_id, met)
    pos, _ = relative_lvlh(r_ref, v_ref, r_obj, v_obj)
    along, _, up = curvilinear(r_ref, v_ref, r_obj)
    return RendezvousProfile(
        met_s=met, lvlh_m=pos, along_m=along, up_m=up,
        range_m=np.linalg.norm(pos, axis=-1),
        alt_km=altitude_km(model, r_obj, met), station_alt_km=altitude_km(model, r_ref, met),
        burns=burns, start_s=t0, end_s=t1)


def curvilinear_at(model, object_id: str, met_s, reference: str = "iss"):
    """(along_m, cross_m, up_m) (N,) of ``object_id`` about ``reference``: see
    :func:`curvilinear`."""
    met = np.atleast_1d(np.asarray(met_s, dtype=float))
    r_ref, v_ref = _states(model, reference, met)
    r_obj, _ = _states(model, object_id, met)
    return curvilinear(r_ref, v_ref, r_obj)
