"""The state of one object at one instant, the same for the mission's objects and the user's.

:meth:`orbitviz.core.viewer.ViewerModel.state` returns it for any object id;
:meth:`orbitviz.core.mission.MissionModel.object_state` and
:meth:`orbitviz.core.catalog.UserCatalog.object_state` build it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class ObjectState:
    """An object's state at one instant.

    - ``r_gcrs_km``, ``v_gcrs_km_s``: GCRS position (km) and velocity (km/s).
    - ``lat_deg``, ``lon_deg``, ``alt_km``: geodetic WGS 84 sub-point and height.
    - ``kind``: ``"mission"`` (the mission file's objects) or ``"user"`` (the user's
      element sets).
    - ``phase``: the object's phase id (``"orbit"`` for the user's objects).
    - ``source``: ``"tle"`` (from element sets) or ``"model"`` (orbitviz's models).
    - ``tle``: the element set in use (``file``, ``epoch_utc``, ``age_s``) or None.
    - ``attitude_q_gcrs``: the body-to-GCRS rotation as a unit quaternion
      ``(w, x, y, z)``, or None where no attitude is known.
    """

    id: str
    name: str
    phase: str
    source: str
    tle: dict | None
    r_gcrs_km: np.ndarray
    v_gcrs_km_s: np.ndarray
    lat_deg: float
    lon_deg: float
    alt_km: float
    kind: str = "mission"
    attitude_q_gcrs: np.ndarray | None = None

    @property
    def speed_km_s(self) -> float:
        return float(np.linalg.norm(self.v_gcrs_km_s))


__all__ = ["ObjectState"]
