"""Every spacecraft's attitude and human-scale motion over the mission, built once. Qt-free.

:class:`MissionMotion` (``mission.motion``, built on first use) holds:

- the station's attitude (:class:`~orbitviz.core.station_attitude.StationAttitude`: +XVV and
  the reconstructed upset of 15 October), sampled every :data:`STATION_STEP_S` over the
  display window and slerped; outside it, evaluated directly;
- Soyuz MS-19's attitude: on the pad and in the launcher (along the thrust), free flight,
  main-engine burns, pointing at Rassvet's Earth-facing port from the fly-around, then
  rigidly docked;
- Soyuz MS-18's: docked at Nauka's Earth-facing port, backing away, free flight, the deorbit
  burn, heat shield first after module separation, under the parachute, landed;
- every docked vehicle's pose (:meth:`docked_pose`, the rigid mating of
  :meth:`~orbitviz.core.station_layout.StationLayout.vehicle_mesh_to_body`);
- the parts shed at separations (:mod:`orbitviz.core.separations`) and the engine firings
  (:mod:`orbitviz.core.firings`);
- the solar-array joints (:class:`~orbitviz.core.station_attitude.ArrayTracker`).

Poses are ``(R, o)``: ``R`` (3,3) the body-to-GCRS rotation and ``o`` (3,) the GCRS position
(km) of the body's mesh origin, so a mesh point ``p`` (m) lies at ``o + R @ p / 1000``.
The laws and figures are in ``assets/mission/vehicle-motion.toml`` (see
:mod:`orbitviz.core.attitude_laws`).
"""

from __future__ import annotations

import numpy as np

from orbitviz.core.assets import load_toml
from orbitviz.core.attitude import (AttitudeTrack, PiecewiseAttitude, blend, frame_quat,
                                    quat_from_matrix_fast, smoothstep)
from orbitviz.core.attitude_laws import (apply_burn_turns, burn_direction, burn_turns, entry_q,
                                         launcher_thrust_dirs, orbital_q, pad_up_gcrs,
                                         pointing_q)
from orbitviz.core.firings import mission_firings
from orbitviz.core.separations import shed_parts
from orbitviz.core.station_attitude import (ArrayTracker, StationAttitude, matrix_from_quat,
                                           quat_multiply)
from orbitviz.core.station_layout import vehicle_shapes
from orbitviz.core.vectors import lvlh_axes, unit

__all__ = ["MissionMotion", "STATION_STEP_S", "MOTION_FILE"]

MOTION_FILE = ("mission", "vehicle-motion.toml")
#: Sampling step of the station's attitude, s (the LVLH frame turns 2° in 30 s, about one
#: axis, which slerp follows exactly); 5 s through the upset (a 30-min profile).
STATION_STEP_S = 30.0


def _times(t0: float, t1: float, step: float, dense=(), dense_step: float = 1.0) -> np.ndarray:
    """Sample times from ``t0`` to ``t1`` every ``step``, every ``dense_step`` inside the
    ``dense`` intervals, plus both ends."""
    parts = [np.arange(t0, t1, step), [t0, t1]]
    for a, b in dense:
        a, b = max(a, t0), min(b, t1)
        if b > a:
            parts.append(np.arange(a, b, dense_step))
            parts.append([a, b])
    return np.unique(np.concatenate(parts))


class MissionMotion:
    """Attitudes, docked poses, shed parts and firings of a built
    :class:`~orbitviz.core.mission.MissionModel`."""

    def __init__(self, mission):
        self.mission = mission
        sc = mission.scenario
        self.layout = sc.station
        self.spec = load_toml(*MOTION_FILE)
        self.events = sc.event_times()
        self._shapes = vehicle_shapes()
        self.station_attitude = StationAttitude(self.layout, sc.axis, mission.station.state)
        w0, w1 = mission.window
        sa = self.station_attitude
        t = _times(w0 - STATION_STEP_S, w1 + STATION_STEP_S, STATION_STEP_S,
                   [(sa.upset_start_s, sa.upset_end_s)], 5.0)
        self.station_track = AttitudeTrack(t, self._station_q_direct(t))
        self.arrays = ArrayTracker(self.layout, self.station_attitude,
                                   mission.sun.position_gcrs_km, self.events)
        self._mate = {vid: self.layout.vehicle_mesh_to_body(vid) for vid in self.layout.vehicles}
        self._mate_q = {vid: quat_from_matrix_fast(m[0]) for vid, m in self._mate.items()}
        a = self.spec["attitude"]
        self.turn_s = float(a["turn_s"])
        self.max_rate_deg_s = float(a["max_rate_deg_s"])
        self.spacecraft_tip_x_m = float(self.spec["launcher"]["spacecraft_probe_tip_x_m"])
        self.dm_base_x_m = -self._stack_end("soyuz-ms", "descent-module")
        self.dm_hatch_x_m = -self._stack_end("soyuz-ms", "orbital-module")
        self._attitudes = {"iss": self.station_q,
                           "soyuz-ms-19": self._build_ms19(),
                           "soyuz-ms-18": self._build_ms18()}
        self._shed = None
        self.firings = mission_firings(self.events, mission.models,
                                       load_toml("mission", "soyuz-2.1a.toml"), self.spec)

    # -- the station ------------------------------------------------------------------------
    def _station_q_direct(self, t) -> np.ndarray:
        t = np.atleast_1d(np.asarray(t, dtype=float))
        r, v = self.mission.station.state(t)
        x, y, z = lvlh_axes(np.reshape(r, (-1, 3)), np.reshape(v, (-1, 3)))
        q_lvlh = quat_from_matrix_fast(np.stack([x, y, z], axis=-1))
        return quat_multiply(q_lvlh, self.station_attitude.body_to_lvlh(t))

    def station_q(self, met_s) -> np.ndarray:
        """The station's body-to-GCRS quaternion(s) (…,4)."""
        t = np.asarray(met_s, dtype=float)
        tr = self.station_track
        flat = np.atleast_1d(t).reshape(-1)
        inside = (flat >= tr.start_s) & (flat <= tr.end_s)
        out = np.empty((len(flat), 4))
        if np.any(inside):
            out[inside] = tr.at(flat[inside])
        if np.any(~inside):
            out[~inside] = self._station_q_direct(flat[~inside])
        return out.reshape(t.shape + (4,))

    def station_pose(self, met_s: float):
        """``(R, o)`` of the station body (origin: S0's centre, the element sets' point)."""
        r, _ = self.mission.station.state(float(met_s))
        return matrix_from_quat(self.station_q(float(met_s))), np.asarray(r)

    def joints(self, met_s: float):
        """The solar-array joint angles at ``met_s``."""
        return self.arrays.angles(float(met_s))

    # -- docked vehicles -------------------------------------------------------------------
    def docked_q(self, vehicle_id: str, met_s) -> np.ndarray:
        """A docked vehicle's body-to-GCRS quaternion(s): the station's after the mating."""
        return quat_multiply(self.station_q(met_s), self._mate_q[vehicle_id])

    def docked_pose(self, vehicle_id: str, met_s: float, station_pose=None):
        """``(R, o)`` of a vehicle's mesh mated on its port (whether or not it is docked);
        ``station_pose``: the station's ``(R, o)`` at ``met_s`` when already known."""
        Rs, rs = station_pose if station_pose is not None else self.station_pose(met_s)
        Rm, t_m = self._mate[vehicle_id]
        return Rs @ Rm, rs + Rs @ t_m / 1000.0

    def docked_ids(self, met_s: float) -> list[str]:
        """The station file's vehicles docked at ``met_s``."""
        return [v.id for v in self.layout.vehicles_docked_at(float(met_s))]

    # -- Soyuz MS-19 ------------------------------------------------------------------------
    def _port_frame(self, vehicle_id: str, t):
        """(port plane centres (N,3) km, outward axes (N,3), vehicle array axes (N,3)) in
        GCRS for the vehicle's port at times ``t``."""
        veh = self.layout.vehicles[vehicle_id]
        port = self.layout.ports[veh.port]
        R = matrix_from_quat(self.station_q(t))
        r, _ = self.mission.station.state(t)
        return (r + R @ port.position_m / 1000.0, R @ port.axis, R @ veh.array_axis)

    def _build_ms19(self) -> PiecewiseAttitude:
        m = self.mission
        obj = m.objects["soyuz-ms-19"]
        ev = self.events
        t_ins, t_dock = ev["orbit-insertion"], ev["docking"]
        t_fly = ev[self.spec["attitude"]["point_from_event"]]
        asc = m.models["ascent"].trajectory
        # the target orbit's normal: the launcher's body y stays as near −(it) as it can
        rs, vs = m.station.state(t_ins)
        y_ref = -unit(np.cross(rs, vs))
        tt, dirs = launcher_thrust_dirs(asc, m.eo.pole_gcrs())
        q_asc = frame_quat(dirs, y_ref)
        pad = m.scenario.sites["pad"]
        t_pad = _times(obj.start_s, 0.0, 30.0)
        q_pad = frame_quat(pad_up_gcrs(m.eo, pad["lat_deg"], pad["lon_deg"], t_pad), y_ref)
        launch = AttitudeTrack(np.concatenate([t_pad, tt, [t_ins]]),
                               np.vstack([q_pad, q_asc, q_asc[-1:]]))
        burns = m.models["rendezvous"].info["burns"]
        T = self.turn_s
        turns = burn_turns(burns, obj.trajectory.state, T, self.max_rate_deg_s)
        dense = [(b["met_s"] - turns[b["id"]], b["end_met_s"] + turns[b["id"]])
                 for b in burns if b["engine"] == "SKD"]
        dense += [(t_ins, t_ins + T), (t_fly, t_dock)]
        t = _times(t_ins, t_dock, 10.0, dense, 1.0)
        r, v = obj.trajectory.state(t)
        q = orbital_q(r, v)
        q = blend(launch.at(np.full(len(t), t_ins)), q, smoothstep((t - t_ins) / T))
        q = apply_burn_turns(t, q, r, v, burns, turns)
        sel = t >= t_fly - 1e-9
        port, axis, arr = self._port_frame("soyuz-ms-19", t[sel])
        q_pt = pointing_q(r[sel], port, axis, arr)
        q[sel] = blend(q[sel], q_pt, smoothstep((t[sel] - t_fly) / T))
        free = AttitudeTrack(t, q)
        return PiecewiseAttitude([
            (obj.start_s, t_ins, launch.at),
            (t_ins, t_dock, free.at),
            (t_dock, obj.end_s, lambda x: self.docked_q("soyuz-ms-19", x)),
        ])

    # -- Soyuz MS-18 ------------------------------------------------------------------------
    def _build_ms18(self) -> PiecewiseAttitude:
        m = self.mission
        obj = m.objects["soyuz-ms-18"]
        ret = m.models["return"]
        ev = self.events
        T = self.turn_s
        a = self.spec["attitude"]
        t_un, t_land = ev["undocking"], float(ret.info["touchdown"]["met_s"])
        burns = ret.info["burns"]
        sep = next(b for b in burns if b["id"] == "separation-burn")
        deo = next(b for b in burns if b["id"] == "deorbit-burn")
        t_free = sep["end_met_s"] + float(a["undock_hold_s"])
        t_ms = ev["module-separation"]
        Te = float(a["entry_turn_s"])
        Td = burn_turns([deo], obj.trajectory.state, T, self.max_rate_deg_s)[deo["id"]]
        dense = [(t_un, t_free + T), (deo["met_s"] - Td, deo["end_met_s"] + 1.0),
                 (t_ms, t_land)]
        t = _times(t_un, t_land, 5.0, dense, 1.0)
        r, v = obj.trajectory.state(t)
        omega = m.eo.omega_gcrs(0.0)
        _, y_lvlh, _ = lvlh_axes(r, v)
        q_hold = self.docked_q("soyuz-ms-18", t)
        q = blend(q_hold, orbital_q(r, v), smoothstep((t - t_free) / T))
        # the deorbit burn: turned in before it, along its thrust (against the velocity)
        # through it, and held against the velocity (engine forward) after it
        w = smoothstep((t - (deo["met_s"] - Td)) / Td)
        sel = w > 0
        during = sel & (t <= deo["end_met_s"])
        d = np.zeros_like(r)
        if np.any(during):
            d[during] = burn_direction(deo, t[during])
        after = t > deo["end_met_s"]
        d[after] = -unit(v[after])
        q[sel] = blend(q[sel], frame_quat(d[sel], y_lvlh[sel]), w[sel])
        sel = t >= t_ms
        q[sel] = blend(q[sel], entry_q(r[sel], v[sel], omega), smoothstep((t[sel] - t_ms) / Te))
        track = AttitudeTrack(t, q)
        r_land = np.asarray(ret.info["touchdown"]["r_itrs_km"], dtype=float)
        y_land_itrs = m.eo.gcrs_to_itrs(t_land) @ track.matrix_at(t_land)[:, 1]
        m_land_itrs = frame_quat(unit(r_land), y_land_itrs)

        def landed(x):
            x = np.atleast_1d(np.asarray(x, dtype=float))
            g2i = m.eo.gcrs_to_itrs(x)
            q_i2g = quat_from_matrix_fast(np.swapaxes(np.reshape(g2i, (-1, 3, 3)), -1, -2))
            return quat_multiply(q_i2g, m_land_itrs)

        return PiecewiseAttitude([
            (obj.start_s, t_un, lambda x: self.docked_q("soyuz-ms-18", x)),
            (t_un, t_land, track.at),
            (t_land, obj.end_s, landed),
        ])

    # -- attitudes and poses of the mission's objects --------------------------------------------
    def attitude(self, object_id: str, met_s) -> np.ndarray:
        """Body-to-GCRS quaternion(s) of a mission object (its mesh frame)."""
        return self._attitudes[object_id](met_s) if object_id == "iss" \
            else self._attitudes[object_id].at(met_s)

    def in_launcher(self, met_s: float) -> bool:
        """Whether Soyuz MS-19 rides in its launcher (before spacecraft separation)."""
        return float(met_s) < self.events["orbit-insertion"]

    def reference_point_m(self, object_id: str, met_s: float) -> np.ndarray:
        """The mesh point (m, the object's mesh frame) at its trajectory's position: MS-19's
        core-stage base sliding up to the probe tip over the first seconds of flight (a
        Soyuz MS frame point); MS-18's probe tip sliding down to the descent module's base
        after module separation; the origin otherwise."""
        t = float(met_s)
        if object_id == "soyuz-ms-19" and self.in_launcher(t):
            s = float(self.spec["attitude"]["launcher_ref_shift_s"])
            return np.array([-self.spacecraft_tip_x_m * (1.0 - float(smoothstep(t / s))),
                             0.0, 0.0])
        if object_id == "soyuz-ms-18":
            t_ms = self.events.get("module-separation", np.inf)
            if t >= t_ms:
                u = float(smoothstep((t - t_ms) / 60.0))
                return np.array([self.dm_base_x_m * u, 0.0, 0.0])
        return np.zeros(3)

    def vehicle_pose(self, object_id: str, met_s: float):
        """``(R, o)`` of a mission vehicle's mesh: docked ones on their ports, free ones
        on their trajectories (the reference point on the trajectory's position)."""
        t = float(met_s)
        if object_id in self.layout.vehicles and \
                bool(self.layout.vehicles[object_id].docked_at(t)):
            return self.docked_pose(object_id, t)
        R = matrix_from_quat(self.attitude(object_id, t))
        r, _ = self.mission.gcrs_state(object_id, t)
        return R, np.asarray(r) - R @ self.reference_point_m(object_id, t) / 1000.0

    def launcher_pose(self, met_s: float):
        """``(R, o)`` of the Soyuz-2.1a's mesh (origin at the core's base) while MS-19 rides
        in it: the spacecraft's pose, moved down the axis by the probe tip's height."""
        R, o = self.vehicle_pose("soyuz-ms-19", met_s)
        return R, o - R[:, 0] * self.spacecraft_tip_x_m / 1000.0

    def _parent_state(self, parent: str, met_s: float):
        """(q, mesh origin km, velocity km/s) of a shed part's parent at its separation."""
        oid = "soyuz-ms-19" if parent == "launcher" else parent
        R, o = self.launcher_pose(met_s) if parent == "launcher" else \
            self.vehicle_pose(oid, met_s)
        _, v = self.mission.gcrs_state(oid, met_s)
        return quat_from_matrix_fast(R), o, np.asarray(v)

    @property
    def shed(self):
        """The parts shed at separations (:func:`~orbitviz.core.separations.shed_parts`),
        integrated on first use."""
        if self._shed is None:
            m = self.mission
            self._shed = shed_parts(self.spec.get("shed", []), self.events, self._parent_state,
                                    m.eo.pole_gcrs(), m.eo.omega_gcrs(0.0))
        return self._shed

    def shed_at(self, met_s: float):
        """The shed parts drawn at ``met_s`` (opacity above zero)."""
        return [p for p in self.shed if p.exists(met_s)]

    def firings_at(self, met_s: float):
        """The engine firings active at ``met_s``."""
        return [f for f in self.firings if f.active(met_s)]

    def parachute(self, met_s: float) -> str:
        """``"drogue"``, ``"main"`` or ``""``: the canopy above Soyuz MS-18's descent
        module at ``met_s`` (from the parachute events to touchdown)."""
        t = float(met_s)
        ev = self.events
        t0, t1, t2 = ev.get("parachute"), ev.get("main-parachute"), ev.get("touchdown")
        if t0 is None or t2 is None or not (t0 <= t <= t2):
            return ""
        return "main" if t1 is not None and t >= t1 else "drogue"

    def _stack_end(self, vehicle_type: str, part: str) -> float:
        """Distance (m) from a stacked vehicle's origin to the far end of its last
        ``part`` section (``vehicles.toml``)."""
        x = end = 0.0
        for name, length, _d0, _d1 in self._shapes[vehicle_type]["stack"]:
            x += float(length)
            if name == part:
                end = x
        return end

