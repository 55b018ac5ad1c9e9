"""The one place where float64 kilometres become float32 scene units.

Scene units are kilometres measured from the scene origin, a float64 point on the CPU
(the camera's target). Offsets stay small near the target, so a 50 m close-up keeps
millimetre precision in float32 while the Earth, thousands of kilometres away, keeps
sub-metre precision.
"""

from __future__ import annotations

import numpy as np

#: Scene units per kilometre.
SCENE_PER_KM = 1.0


def to_scene(r_km, origin_km) -> np.ndarray:
    """float32 scene coordinates (…,3) of float64 km positions relative to ``origin_km``."""
    d = np.asarray(r_km, dtype=np.float64) - np.asarray(origin_km, dtype=np.float64)
    return (d * SCENE_PER_KM).astype(np.float32)

