"""The station's make-up in October 2021, read from ``assets/station/iss-2021-10.toml``. Qt-free.

Frame and units: the **station body frame**, metres. x forward (toward Harmony; the
velocity under +XVV), z toward the Earth, y = z × x (starboard). The origin is the geometric
centre of the S0 truss (the SSACS origin); orbitviz takes the element-set position there.
Under +XVV the body frame is the station's LVLH frame (x along-track, y = -orbit normal,
z toward the Earth's centre), which is why :func:`scenario_ports` can hand the core its
docking ports as ``offset_lvlh_m``.

The file is the one source of the station's geometry: every item carries its ``source`` and
``basis`` (published / derived / estimate); see the file's header for how positions were
derived. Docked vehicles carry their docked interval as TIMEs, resolved to ``met_s`` (TT
seconds from lift-off) through the mission's :class:`~orbitviz.core.timeaxis.TimeAxis` and
events by :func:`load_station_layout`.

:meth:`StationLayout.vehicle_mesh_to_body` is the rigid mating: it places a vehicle's mesh
frame (docking mechanism at the origin, docking axis along the mesh's +x, see
``assets/station/vehicles.toml``) on its port.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from orbitviz.core.assets import load_toml
from orbitviz.core.timeaxis import TimeAxis, TimeParseError, parse_time

DEFAULT_STATION = "iss-2021-10.toml"
VEHICLES_FILE = "vehicles.toml"


class StationLayoutError(ValueError):
    """The station file is inconsistent; the message names the item."""


def _vec(raw, what: str, unit: bool = False) -> np.ndarray:
    v = np.asarray(raw, dtype=float)
    if v.shape != (3,) or not np.all(np.isfinite(v)):
        raise StationLayoutError(f"{what}: expected three numbers, got {raw!r}")
    if unit:
        n = np.linalg.norm(v)
        if abs(n - 1.0) > 1e-6:
            raise StationLayoutError(f"{what}: axis {raw!r} is not a unit vector")
    return v


@dataclass(frozen=True)
class Module:
    """A pressurised module: frusta ``sections`` ``(length_m, d_start_m, d_end_m)`` laid from
    ``start_m`` (the centre of its attaching plane) along the unit ``axis``; body frame, m."""

    id: str
    name: str
    start_m: np.ndarray
    axis: np.ndarray
    sections: tuple
    length_m: float
    diameter_m: float
    basis: str
    source: str

    @property
    def end_m(self) -> np.ndarray:
        """Centre of the far end (body frame, m)."""
        return self.start_m + self.axis * sum(s[0] for s in self.sections)


@dataclass(frozen=True)
class Box:
    """An unpressurised box (Kibo's Exposed Facility): centre and (x, y, z) sizes, m."""

    id: str
    name: str
    center_m: np.ndarray
    size_m: np.ndarray
    basis: str
    source: str


@dataclass(frozen=True)
class Port:
    """A docking or berthing port: ``position_m`` the centre of its mating plane, ``axis``
    the plane's outward unit normal (away from the station), body frame."""

    id: str
    name: str
    module: str
    position_m: np.ndarray
    axis: np.ndarray
    mechanism: str
    basis: str
    source: str


@dataclass(frozen=True)
class Truss:
    """A truss segment: a box (``size_m`` along x, y, z) at ``center_m``; ``rotates_with``
    names the alpha joint that turns it ("" when fixed)."""

    id: str
    name: str
    center_m: np.ndarray
    size_m: np.ndarray
    rotates_with: str
    basis: str
    source: str


@dataclass(frozen=True)
class AlphaJoint:
    """A solar alpha rotary joint: turns the truss outboard of it about ``axis`` (y)
    through ``position_m``."""

    id: str
    name: str
    position_m: np.ndarray
    axis: np.ndarray
    basis: str
    source: str


@dataclass(frozen=True)
class ArrayWing:
    """A solar-array wing on a beta gimbal.

    ``kind``: ``legacy`` (the eight original wings), ``irosa`` (a roll-out array riding on
    its ``host`` wing's gimbal, ``standoff_m`` sunward of it and leaning ``cant_deg`` away)
    or ``zvezda``. For legacy wings, the mast points along ``mast_x_sign``·x at alpha = 0
    and the blanket runs from ``root_m`` to ``root_m + length_m`` from the gimbal
    ``bga_m``; ``joint`` is the alpha joint carrying it.
    """

    id: str
    kind: str
    joint: str
    bga_m: np.ndarray
    mast_x_sign: float
    root_m: float
    length_m: float
    width_m: float
    basis: str
    source: str
    pv_module: str = ""
    host: str = ""
    standoff_m: float = 0.0
    cant_deg: float = 0.0
    direction: np.ndarray | None = None  # zvezda wings: unit direction of the long axis
    installed_utc: str = ""


@dataclass(frozen=True)
class Radiator:
    """A radiator panel: root edge centre ``root_m``, running along ``extend`` (at alpha 0)
    for ``length_m``, ``width_m`` along y; ``joint`` the alpha joint turning it, or ""."""

    id: str
    kind: str
    joint: str
    root_m: np.ndarray
    extend: np.ndarray
    length_m: float
    width_m: float
    basis: str
    source: str


@dataclass(frozen=True)
class Arm:
    """Canadarm2 as a polyline of booms (``points_m``) of ``diameter_m``."""

    id: str
    name: str
    points_m: np.ndarray
    diameter_m: float
    length_m: float
    basis: str
    source: str


@dataclass(frozen=True)
class Vehicle:
    """A visiting vehicle at ``port`` from ``docked_from`` to ``docked_until`` (TIMEs as
    written; ``*_met_s`` resolved through the mission's time axis, None without one).
    ``type`` names its shape in ``vehicles.toml``; ``array_axis`` the body direction its
    solar arrays (its mesh's +y) point along."""

    id: str
    name: str
    type: str
    port: str
    docked_from: str
    docked_until: str
    array_axis: np.ndarray
    source: str
    docked_from_met_s: float | None = None
    docked_until_met_s: float | None = None

    def docked_at(self, met_s) -> np.ndarray:
        """True where ``met_s`` lies within the docked interval (array or scalar)."""
        if self.docked_from_met_s is None or self.docked_until_met_s is None:
            raise StationLayoutError(f"vehicle '{self.id}': docked times are not resolved "
                                     "(load the layout with the mission's time axis)")
        t = np.asarray(met_s, dtype=float)
        return (t >= self.docked_from_met_s) & (t <= self.docked_until_met_s)


@dataclass
class StationLayout:
    """Everything in the station file, in the body frame (metres)."""

    name: str
    main_axis_z_m: float
    modules: dict[str, Module]
    boxes: dict[str, Box]
    ports: dict[str, Port]
    truss: dict[str, Truss]
    alpha_joints: dict[str, AlphaJoint]
    wings: dict[str, ArrayWing]
    radiators: dict[str, Radiator]
    arm: Arm
    vehicles: dict[str, Vehicle]
    array_lock: dict
    attitude: dict
    checks: dict = field(default_factory=dict)

    # -- derived figures -----------------------------------------------------------------
    def truss_span_m(self) -> tuple[float, float]:
        """(min y, max y) of the truss boxes, m."""
        lo = min(t.center_m[1] - 0.5 * t.size_m[1] for t in self.truss.values())
        hi = max(t.center_m[1] + 0.5 * t.size_m[1] for t in self.truss.values())
        return lo, hi

    def legacy_wings(self) -> list[ArrayWing]:
        return [w for w in self.wings.values() if w.kind == "legacy"]

    def vehicle_mesh_to_body(self, vehicle_id: str) -> tuple[np.ndarray, np.ndarray]:
        """``(R, t)`` with ``p_body = R @ p_mesh + t`` for a docked vehicle's mesh.

        The mesh's origin is its docking mechanism (a Soyuz's probe tip) and its +x the
        docking axis pointing out of the vehicle; mated, the origin sits on the port's plane
        centre and the mesh's +x points into the port (−port axis). The mesh's +y (the
        solar arrays) is turned onto the vehicle's ``array_axis``, made square to the port
        axis. A Soyuz at an Earth-facing port so hangs vertically, probe up.
        """
        veh = self.vehicles[vehicle_id]
        port = self.ports[veh.port]
        ex = -port.axis
        ey = veh.array_axis - np.dot(veh.array_axis, ex) * ex
        n = np.linalg.norm(ey)
        if n < 1e-6:
            raise StationLayoutError(f"vehicle '{vehicle_id}': array_axis lies along the port axis")
        ey = ey / n
        ez = np.cross(ex, ey)
        return np.column_stack([ex, ey, ez]), port.position_m.copy()

    def vehicles_docked_at(self, met_s: float) -> list[Vehicle]:
        """The vehicles docked at ``met_s``."""
        return [v for v in self.vehicles.values() if bool(v.docked_at(met_s))]


def _get(raw: dict, key: str, what: str):
    try:
        return raw[key]
    except KeyError:
        raise StationLayoutError(f"{what}: missing '{key}'") from None


def _sections(raw, what: str) -> tuple:
    out = []
    for s in raw:
        if len(s) != 3 or min(s) <= 0:
            raise StationLayoutError(f"{what}: a section must be [length_m, d_start_m, d_end_m] > 0")
        out.append(tuple(float(x) for x in s))
    if not out:
        raise StationLayoutError(f"{what}: no sections")
    return tuple(out)


def _resolve(text: str, axis: TimeAxis | None, events: Mapping[str, float] | None, what: str):
    if axis is None:
        return None
    try:
        return parse_time(text, axis, events)
    except TimeParseError as exc:
        raise StationLayoutError(f"{what}: {exc}") from None


def load_station_layout(name: str = DEFAULT_STATION, axis: TimeAxis | None = None,
                        events: Mapping[str, float] | None = None) -> StationLayout:
    """Read ``assets/station/<name>``. With ``axis`` (and the mission's ``events``), the
    vehicles' docked intervals are resolved to ``met_s``."""
    doc = load_toml("station", name)
    st = doc["station"]
    modules = {}
    for raw in doc.get("module", []):
        mid = _get(raw, "id", "module")
        what = f"module '{mid}'"
        sec = _sections(_get(raw, "sections", what), what)
        modules[mid] = Module(mid, raw["name"], _vec(raw["start_m"], what),
                              _vec(raw["axis"], what, unit=True), sec, float(raw["length_m"]),
                              float(raw["diameter_m"]), raw.get("basis", ""), raw.get("source", ""))
    boxes = {b["id"]: Box(b["id"], b["name"], _vec(b["center_m"], b["id"]),
                          _vec(b["size_m"], b["id"]), b.get("basis", ""), b.get("source", ""))
             for b in doc.get("box", [])}
    ports = {}
    for raw in doc.get("port", []):
        pid = _get(raw, "id", "port")
        what = f"port '{pid}'"
        if raw.get("module") not in modules:
            raise StationLayoutError(f"{what}: unknown module {raw.get('module')!r}")
        ports[pid] = Port(pid, raw["name"], raw["module"], _vec(raw["position_m"], what),
                          _vec(raw["axis"], what, unit=True), raw.get("mechanism", ""),
                          raw.get("basis", ""), raw.get("source", ""))
    joints = {j["id"]: AlphaJoint(j["id"], j["name"], _vec(j["position_m"], j["id"]),
                                  _vec(j["axis"], j["id"], unit=True), j.get("basis", ""),
                                  j.get("source", ""))
              for j in doc.get("alpha_joint", [])}
    truss = {}
    for raw in doc.get("truss", []):
        tid = raw["id"]
        rot = raw.get("rotates_with", "")
        if rot and rot not in joints:
            raise StationLayoutError(f"truss '{tid}': unknown alpha joint {rot!r}")
        truss[tid] = Truss(tid, raw["name"], _vec(raw["center_m"], tid), _vec(raw["size_m"], tid),
                           rot, raw.get("basis", ""), raw.get("source", ""))
    wings: dict[str, ArrayWing] = {}
    for raw in doc.get("wing", []):
        wid = raw["id"]
        if raw["joint"] not in joints:
            raise StationLayoutError(f"wing '{wid}': unknown alpha joint {raw['joint']!r}")
        wings[wid] = ArrayWing(wid, "legacy", raw["joint"], _vec(raw["bga_m"], wid),
                               float(raw["mast_x_sign"]), float(raw["root_m"]),
                               float(raw["length_m"]), float(raw["width_m"]),
                               raw.get("basis", ""), raw.get("source", ""),
                               pv_module=raw.get("pv_module", ""))
    for raw in doc.get("irosa", []):
        wid = raw["id"]
        host = wings.get(raw["host_wing"])
        if host is None or host.kind != "legacy":
            raise StationLayoutError(f"irosa '{wid}': unknown host wing {raw['host_wing']!r}")
        wings[wid] = ArrayWing(wid, "irosa", host.joint, host.bga_m, host.mast_x_sign,
                               host.root_m, float(raw["length_m"]), float(raw["width_m"]),
                               raw.get("basis", ""), raw.get("source", ""),
                               pv_module=host.pv_module, host=host.id,
                               standoff_m=float(raw["standoff_m"]),
                               cant_deg=float(raw["cant_deg"]),
                               installed_utc=raw.get("installed_utc", ""))
    for raw in doc.get("zvezda_wing", []):
        wid = raw["id"]
        wings[wid] = ArrayWing(wid, "zvezda", "", _vec(raw["root_m"], wid), 0.0, 0.0,
                               float(raw["length_m"]), float(raw["width_m"]),
                               raw.get("basis", ""), raw.get("source", ""),
                               direction=_vec(raw["direction"], wid, unit=True))
    radiators = {}
    for raw in doc.get("radiator", []):
        rid = raw["id"]
        if raw.get("joint") and raw["joint"] not in joints:
            raise StationLayoutError(f"radiator '{rid}': unknown alpha joint {raw['joint']!r}")
        radiators[rid] = Radiator(rid, raw["kind"], raw.get("joint", ""), _vec(raw["root_m"], rid),
                                  _vec(raw["extend"], rid, unit=True), float(raw["length_m"]),
                                  float(raw["width_m"]), raw.get("basis", ""), raw.get("source", ""))
    a = doc["arm"]
    pts = np.asarray(a["points_m"], dtype=float)
    arm = Arm(a["id"], a["name"], pts, float(a["diameter_m"]), float(a["length_m"]),
              a.get("basis", ""), a.get("source", ""))
    vehicles = {}
    shapes = load_toml("station", VEHICLES_FILE)
    for raw in doc.get("vehicle", []):
        vid = raw["id"]
        what = f"vehicle '{vid}'"
        if raw.get("port") not in ports:
            raise StationLayoutError(f"{what}: unknown port {raw.get('port')!r}")
        if raw.get("type") not in shapes:
            raise StationLayoutError(f"{what}: type {raw.get('type')!r} is not in {VEHICLES_FILE}")
        t0 = _resolve(raw["docked_from"], axis, events, what)
        t1 = _resolve(raw["docked_until"], axis, events, what)
        if t0 is not None and t1 <= t0:
            raise StationLayoutError(f"{what}: docked_until is not after docked_from")
        vehicles[vid] = Vehicle(vid, raw["name"], raw["type"], raw["port"], raw["docked_from"],
                                raw["docked_until"], _vec(raw["array_axis"], what, unit=True),
                                raw.get("source", ""), t0, t1)
    checks = {k: v for k, v in st.items() if k.startswith("check_")}
    return StationLayout(st["name"], float(st["main_axis_z_m"]), modules, boxes, ports, truss,
                         joints, wings, radiators, arm, vehicles, doc.get("array_lock", {}),
                         doc.get("attitude", {}), checks)


def scenario_ports(layout: StationLayout) -> dict:
    """The ports as the core's models take them (``Scenario.ports``, ``ModelContext.ports``):
    ``{id: {"name", "offset_lvlh_m", "axis_lvlh", "module", "mechanism", "basis", "source"}}``
    with the offset of the port's plane centre from the station's reference point and the
    port's outward axis, both in the station's LVLH frame (= body frame under +XVV), m."""
    return {pid: {"name": p.name, "offset_lvlh_m": p.position_m.copy(),
                  "axis_lvlh": p.axis.copy(), "module": p.module, "mechanism": p.mechanism,
                  "basis": p.basis, "source": p.source}
            for pid, p in layout.ports.items()}


def vehicle_shapes() -> dict:
    """``assets/station/vehicles.toml`` as parsed (the mesh builders' figures)."""
    return load_toml("station", VEHICLES_FILE)
