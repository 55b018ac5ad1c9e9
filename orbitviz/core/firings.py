"""Every engine firing of the mission, for the plumes: when, how hard, from where. Qt-free.

Times come from the models: the ascent's staging events (the boosters and the core burn from
lift-off to their separations, the third stage from core separation to cutoff), the
rendezvous and return burns (``ModelResult.info["burns"]``: start, duration, engine, thrust,
thrust direction) and the soft-landing engines (``info["soft_landing"]`` to touchdown).
Thrusts of the stages: ``assets/mission/soyuz-2.1a.toml``; nozzle points (mesh frames) and the
soft-landing thrust: ``assets/mission/vehicle-motion.toml``.

The exhaust leaves a main engine along its vehicle's body −x; the thrusters' (DPO) exhaust
leaves against the burn's thrust direction in GCRS (the Soyuz does not turn for them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from orbitviz.core.attitude_laws import burn_direction

__all__ = ["Firing", "mission_firings", "plume_length_m"]


@dataclass
class Firing:
    """One engine (or cluster) firing.

    ``vehicle``: ``"launcher"`` (the Soyuz-2.1a, mesh frame at the core's base),
    ``"soyuz-ms-19"`` or ``"soyuz-ms-18"`` (Soyuz MS mesh frame); ``nozzle_m``: the exhaust's
    start in that frame; ``thrust_n``: one plume's thrust; ``burn``: the model's burn dict
    for thrusters (exhaust against its thrust direction), None for a main engine (exhaust
    along body −x)."""

    id: str
    vehicle: str
    start_s: float
    end_s: float
    thrust_n: float
    nozzle_m: np.ndarray
    burn: dict | None = None

    def active(self, met_s: float) -> bool:
        return self.start_s <= met_s <= self.end_s

    def exhaust_gcrs(self, met_s: float, body_to_gcrs) -> np.ndarray:
        """Unit exhaust direction (3,) in GCRS at ``met_s``."""
        if self.burn is not None:
            return -burn_direction(self.burn, [met_s])[0]
        return -np.asarray(body_to_gcrs)[:, 0]


def plume_length_m(thrust_n: float, per_sqrt_n: float) -> float:
    """A plume's drawn length: ``per_sqrt_n · √thrust`` (a drawing scale, see the motion file)."""
    return per_sqrt_n * math.sqrt(max(thrust_n, 0.0))


def mission_firings(events: dict, models: dict, stages: dict, motion: dict) -> list[Firing]:
    """All firings of the mission in time order. ``events``: event times by id; ``models``:
    the mission's ``ModelResult`` s by name; ``stages``: ``soyuz-2.1a.toml`` as parsed;
    ``motion``: ``vehicle-motion.toml`` as parsed."""
    nz = {k: np.asarray(v, dtype=float) for k, v in motion["plume"]["nozzles"].items()}
    out: list[Firing] = []
    t_bs, t_cs = events.get("booster-separation"), events.get("core-separation")
    t_cut = events.get("third-stage-cutoff")
    if t_bs is not None and t_cs is not None and t_cut is not None:
        f_b = 1e3 * float(stages["boosters"]["thrust_vac_kN"])
        for b in ("booster-b", "booster-v", "booster-g", "booster-d"):
            out.append(Firing(f"ascent:{b}", "launcher", 0.0, float(t_bs), f_b, nz[b]))
        out.append(Firing("ascent:core", "launcher", 0.0, float(t_cs),
                          1e3 * float(stages["core"]["thrust_vac_kN"]), nz["core"]))
        out.append(Firing("ascent:third-stage", "launcher", float(t_cs), float(t_cut),
                          1e3 * float(stages["third_stage"]["thrust_vac_kN"]),
                          nz["third-stage"]))
    for name, vehicle in (("rendezvous", "soyuz-ms-19"), ("return", "soyuz-ms-18")):
        res = models.get(name)
        if res is None:
            continue
        for b in res.info.get("burns", []):
            main = b["engine"] == "SKD"
            out.append(Firing(b["id"], vehicle, float(b["met_s"]), float(b["end_met_s"]),
                              float(b["thrust_N"]), nz["skd"] if main else nz["dpo"],
                              None if main else b))
    ret = models.get("return")
    if ret is not None and "soft_landing" in ret.info:
        sl = ret.info["soft_landing"]
        t_touch = float(ret.info["touchdown"]["met_s"])
        out.append(Firing("soft-landing-engines", "soyuz-ms-18", float(sl["met_s"]), t_touch,
                          float(motion["soft_landing"]["thrust_n"]), nz["soft-landing"]))
    return sorted(out, key=lambda f: f.start_s)
