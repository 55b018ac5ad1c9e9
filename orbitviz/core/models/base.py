"""What every physical model returns: samples for the cache, phases, events, and a
direct evaluator (the model's own integrator) for checking the interpolation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from orbitviz.core.trajectory import Trajectory


@dataclass
class ModelResult:
    """A modelled stretch of one object's trajectory, in GCRS.

    - ``trajectory``: samples at nondecreasing ``met_s`` (TT seconds from lift-off), with a
      sample at every burn, staging and parachute event; cubic Hermite interpolation between
      samples stays within 1 m of ``evaluate``. A repeated time marks an impulsive burn.
    - ``phases``: ``(start met_s, phase id)`` in time order; each phase lasts until the next.
    - ``events``: modelled event ids → ``met_s`` (e.g. ``"parachute"``).
    - ``evaluate(met_s)``: ``(r_gcrs_km, v_gcrs_km_s)`` by direct integration (slow).
    - ``info``: diagnostics for tests and the UI (Δv budgets, losses, peak load, …).
      The rendezvous and the return carry ``info["burns"]``: one dict per burn, in time
      order, with ``id`` (the burn's event id), ``met_s`` (start), ``duration_s``,
      ``end_met_s``, ``engine`` ("SKD", the main engine, or "DPO", the approach and
      attitude thrusters), ``thrust_N``, ``dv_solved_m_s``, ``dv_published_m_s`` (a sister
      flight's figure, named in ``dv_published_flight``, or None) and ``thrust_dir_gcrs``:
      the thrust's unit vector in GCRS, either a 3-list (fixed through the burn) or a
      function of ``met_s`` (the deorbit burn, against the velocity). The thrust acts along
      the Δv, so the engine points against it: an attitude model turns the vehicle so.
    """

    trajectory: Trajectory
    phases: list[tuple[float, str]]
    events: dict[str, float]
    evaluate: Callable[[float], tuple[np.ndarray, np.ndarray]]
    info: dict = field(default_factory=dict)

    @property
    def start_s(self) -> float:
        return self.trajectory.start_s

    @property
    def end_s(self) -> float:
        return self.trajectory.end_s


@dataclass
class ModelContext:
    """What a model may use from the rest of the core.

    - ``axis``: the mission's :class:`~orbitviz.core.timeaxis.TimeAxis`.
    - ``eo``: :class:`~orbitviz.core.frames.EarthOrientation` over the display window
      (``eo.pole_gcrs()`` for J2, ``eo.omega_gcrs()`` for the rotating atmosphere,
      ``eo.gcrs_to_itrs`` / ``eo.itrs_to_gcrs_position`` for Earth-fixed points).
    - ``station(met_s)``: the station's GCRS ``(r_km, v_km_s)`` from its real element sets
      (scalar or array ``met_s``).
    - ``events``: ``met_s`` of the mission file's timed events, by id.
    - ``sites``: ``{"pad": {...}, "landing-estimate": {...}}`` with ``lat_deg``, ``lon_deg``,
      ``alt_km``.
    - ``ports``: docking-port offsets from the station's reference point in the station's
      LVLH frame (metres, x along-track, y −orbit normal, z toward the Earth), by port id.
    """

    axis: object
    eo: object
    station: Callable
    events: dict
    sites: dict
    ports: dict


def earth_fixed_trajectory(eo, r_itrs_km, met_start_s: float, met_end_s: float,
                           step_s: float = 30.0) -> Trajectory:
    """Samples of a point fixed on the Earth (a pad, a landing site), in GCRS."""
    n = max(2, int(np.ceil((met_end_s - met_start_s) / step_s)) + 1)
    met = np.linspace(met_start_s, met_end_s, n)
    r = eo.itrs_to_gcrs_position(np.asarray(r_itrs_km, dtype=float), met)
    v = np.cross(eo.omega_gcrs(met_start_s), r)
    return Trajectory(met, r, v)
