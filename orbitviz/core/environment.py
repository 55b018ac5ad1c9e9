"""The Earth's orientation and the Sun at any instant the app shows, not only in the mission.

Inside the mission's window these are the mission model's own (``model.eo``,
``model.sun``), so everything drawn there agrees with the cached mission. Outside it (a free
scenario of the user's element sets, months or years away) they are built from skyfield in
two-day chunks on first use, with the same node spacing and the same DE421 Sun, and kept
(the last :data:`KEEP_CHUNKS`). Times are ``met_s`` on the mission's time axis.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from orbitviz.core.frames import EarthOrientation
from orbitviz.core.sun import SunTrack

#: Length of one chunk of Earth orientation and Sun built outside the mission, seconds.
CHUNK_S = 2 * 86400.0
#: Margin of each chunk's nodes beyond the chunk, seconds (interpolation at its edges).
_MARGIN_S = 3 * 3600.0
#: Chunks kept built.
KEEP_CHUNKS = 8


class Environment:
    """Earth orientation and Sun for ``model`` (a built
    :class:`~orbitviz.core.mission.MissionModel`) at any ``met_s``."""

    def __init__(self, model):
        self.model = model
        self.axis = model.axis
        self._chunks: OrderedDict[int, tuple[EarthOrientation, SunTrack]] = OrderedDict()

    def in_mission(self, met_s: float) -> bool:
        """Whether ``met_s`` lies in the mission's display window."""
        w0, w1 = self.model.window
        return w0 <= float(met_s) <= w1

    def _chunk(self, met_s: float) -> tuple[EarthOrientation, SunTrack]:
        k = int(np.floor(float(met_s) / CHUNK_S))
        got = self._chunks.get(k)
        if got is None:
            a, b = k * CHUNK_S - _MARGIN_S, (k + 1) * CHUNK_S + _MARGIN_S
            eo = EarthOrientation(self.axis, a, b)
            got = (eo, SunTrack(self.axis, eo, a, b))
            self._chunks[k] = got
            while len(self._chunks) > KEEP_CHUNKS:
                self._chunks.popitem(last=False)
        else:
            self._chunks.move_to_end(k)
        return got

    def eo_at(self, met_s: float) -> EarthOrientation:
        """Earth orientation good at ``met_s``."""
        return self.model.eo if self.in_mission(met_s) else self._chunk(met_s)[0]

    def sun_at(self, met_s: float) -> SunTrack:
        """The Sun's track covering ``met_s``."""
        return self.model.sun if self.in_mission(met_s) else self._chunk(met_s)[1]

    def gcrs_to_itrs(self, met_s: float) -> np.ndarray:
        """(3,3) rotation GCRS → ITRS at ``met_s``."""
        return self.eo_at(met_s).gcrs_to_itrs(float(met_s))

    def sun_direction_gcrs(self, met_s: float) -> np.ndarray:
        """Unit vector (3,) toward the apparent Sun, GCRS."""
        return self.sun_at(met_s).direction_gcrs(float(met_s))

    def subsolar_point(self, met_s: float) -> tuple[float, float]:
        """(lat_deg, lon_deg) under the Sun at ``met_s`` (geodetic, WGS 84)."""
        lat, lon = self.sun_at(met_s).subsolar_point(float(met_s))
        return float(lat), float(lon)


__all__ = ["Environment", "CHUNK_S"]
