"""The user's own satellites: element-set files (TLE/3LE, OMM JSON/XML/CSV) as scene objects.

:func:`load_element_files` reads files, groups their sets by NORAD number (one object per
number, its sets switched between as the station's are, by
:class:`~orbitviz.core.elements.ElementSetChain`), and gives each object an id: the slug of
its name (``ISS (ZARYA)`` → ``iss-zarya``), with ``-<NORAD number>`` appended when that id
is taken (by the mission's objects or by an earlier object, in file order). A set is used at
most 3 days before the first epoch and after the last; sets of one object more than 10 days
apart form separate chains,
so an object has no state in a gap between them.

Times are ``met_s`` on the mission's :class:`~orbitviz.core.timeaxis.TimeAxis` (TT seconds
from lift-off), states GCRS km and km/s. Element sets may lie years from the mission:
:class:`UserCatalog` keeps its own Earth orientation over its objects' validity.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sgp4.api import SatrecArray

from orbitviz.core.elements import ElementSetChain, NoStateError, SetSpan
from orbitviz.core.frames import EarthOrientation
from orbitviz.core.geodesy import itrs_to_geodetic
from orbitviz.core.objectstate import ObjectState
from orbitviz.core.omm import parse_omm_csv, parse_omm_json, parse_omm_xml, sniff_format
from orbitviz.core.timeaxis import TimeAxis
from orbitviz.core.tle import TleError, TleSet, parse_tle_text
from orbitviz.core.userfiles import (MAX_ELEMENT_FILE_BYTES, UserFileError, one_line,
                                     read_user_file)

#: The mission's own object ids: user objects never take them.
MISSION_IDS = ("iss", "soyuz-ms-19", "soyuz-ms-18")
#: Longest gap between consecutive epochs of one object that its chain bridges, seconds
#: (the mission's own station sets have a 7-day gap, bridged as the station's chain does).
BRIDGE_MAX_S = 10 * 86400.0
#: Element sets propagated in one SGP4 call when a window is built.
_CHUNK_SETS = 1500
#: Margin of Earth-orientation nodes beyond the objects' validity, seconds.
_EO_MARGIN_S = 3 * 3600.0


class CatalogError(ValueError):
    """A file that cannot be used at all (unreadable, or no valid object); one line."""


def slugify(name: str) -> str:
    """Lowercase ASCII words joined by ``-``: ``ISS (ZARYA)`` → ``iss-zarya``; "" if none."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def read_element_file(path: Path | str):
    """``(sets, errors)`` of one file, its format found from its content (TLE/3LE, OMM
    JSON, XML or CSV). Error sources are the file name. :class:`CatalogError` if the file
    cannot be read: missing, not a regular file (a FIFO, ``/dev/zero``), or larger than
    :data:`~orbitviz.core.userfiles.MAX_ELEMENT_FILE_BYTES`."""
    p = Path(path)
    try:
        raw = read_user_file(p, MAX_ELEMENT_FILE_BYTES, "element-set file")
    except UserFileError as exc:
        raise CatalogError(str(exc)) from None
    text = raw.decode("utf-8", errors="replace")
    kind = sniff_format(text, p.suffix)
    parse = {"json": parse_omm_json, "xml": parse_omm_xml, "csv": parse_omm_csv,
             "tle": parse_tle_text}[kind]
    return parse(text, p.name)


@dataclass
class UserObject:
    """One user satellite: every set with its NORAD number, in chains of nearby epochs."""

    id: str
    name: str
    norad_id: int
    chains: list[ElementSetChain]
    sources: list[str] = field(default_factory=list)

    @property
    def start_s(self) -> float:
        return self.chains[0].start_s

    @property
    def end_s(self) -> float:
        return self.chains[-1].end_s

    @property
    def sets(self) -> list[TleSet]:
        return [span.tle for c in self.chains for span in c.spans]

    def chain_at(self, met_s: float) -> ElementSetChain | None:
        for c in self.chains:
            if c.start_s <= met_s <= c.end_s:
                return c
        return None

    def exists(self, met_s: float) -> bool:
        return self.chain_at(met_s) is not None

    def span_at(self, met_s: float) -> SetSpan:
        """The set in use at ``met_s``; :class:`NoStateError` where none is."""
        c = self.chain_at(met_s)
        if c is None:
            raise NoStateError(f"{self.name} has no element set near that time")
        return c.span_at(met_s)

    def validity(self) -> list[tuple[float, float]]:
        """The ``met_s`` spans where the object has a state."""
        return [(c.start_s, c.end_s) for c in self.chains]


@dataclass
class UserStates:
    """States of the user objects that exist at one instant (GCRS km, km/s)."""

    met_s: float
    ids: list[str]
    r_gcrs_km: np.ndarray  # (N,3)
    v_gcrs_km_s: np.ndarray  # (N,3)


class UserCatalog:
    """The user's objects, keyed by id in load order; all on the mission's time axis."""

    def __init__(self, axis: TimeAxis, objects: dict[str, UserObject]):
        self.axis = axis
        self.objects = objects
        self._list = list(objects.values())
        spans = sorted(s for o in self._list for s in o.validity())
        merged: list[list[float]] = []
        for a, b in spans:
            if merged and a <= merged[-1][1] + 2 * _EO_MARGIN_S:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        #: Disjoint ``met_s`` spans where at least one object has a state.
        self.coverage = [(a, b) for a, b in merged]
        self._eo: dict[int, EarthOrientation] = {}
        self._arrays: dict[bytes, SatrecArray] = {}
        self._suns: dict[int, object] = {}
        # every set's span of use, flattened over objects (in catalogue order) and chains
        obj_idx, starts, ends, sats = [], [], [], []
        for k, o in enumerate(self._list):
            for c in o.chains:
                for span in c.spans:
                    obj_idx.append(k)
                    starts.append(span.start_s)
                    ends.append(span.end_s)
                    sats.append(span.tle.satrec)
        self._span_obj = np.asarray(obj_idx, dtype=np.int64)
        self._span_start = np.asarray(starts, dtype=float)
        self._span_end = np.asarray(ends, dtype=float)
        self._span_sat = sats
        self.ids = [o.id for o in self._list]
        self._index = {oid: k for k, oid in enumerate(self.ids)}

    @property
    def span(self) -> tuple[float, float]:
        """(first, last) ``met_s`` at which some object has a state."""
        return self.coverage[0][0], self.coverage[-1][1]

    def index(self, object_id: str) -> int:
        """Position of ``object_id`` in :attr:`ids` (the order of every array here)."""
        return self._index[object_id]

    def __len__(self) -> int:
        return len(self._list)

    # -- Earth orientation, per span of coverage ------------------------------------
    def eo_at(self, met_s: float) -> EarthOrientation | None:
        """Earth orientation covering ``met_s`` (built once per coverage span)."""
        for k, (a, b) in enumerate(self.coverage):
            if a <= met_s <= b:
                if k not in self._eo:
                    self._eo[k] = EarthOrientation(self.axis, a - _EO_MARGIN_S, b + _EO_MARGIN_S)
                return self._eo[k]
        return None

    def covers(self, met_s: float) -> bool:
        return any(a <= met_s <= b for a, b in self.coverage)

    def latest_epoch_s(self) -> float:
        """``met_s`` of the newest element set's epoch, over every object."""
        return max(o.chains[-1].spans[-1].epoch_met_s for o in self._list)

    # -- states ---------------------------------------------------------------------
    def _spans_at(self, met_s: float) -> np.ndarray:
        """Indices (into the flattened spans) of the set in use at ``met_s`` for every
        object that has one, in catalogue order (at a switch instant, the later set)."""
        t = float(met_s)
        idx = np.nonzero((self._span_start <= t) & (t <= self._span_end))[0]
        if idx.size > 1:
            obj = self._span_obj[idx]
            idx = idx[np.r_[obj[1:] != obj[:-1], True]]
        return idx

    def _satrec_array(self, span_idx: np.ndarray) -> SatrecArray:
        key = span_idx.tobytes()
        arr = self._arrays.get(key)
        if arr is None:
            if len(self._arrays) > 8:
                self._arrays.clear()
            arr = self._arrays[key] = SatrecArray([self._span_sat[i] for i in span_idx])
        return arr

    def existing(self, met_s: float) -> list[str]:
        """Ids of the objects with a state at ``met_s``, in catalogue order."""
        return [self.ids[k] for k in self._span_obj[self._spans_at(met_s)]]

    def states_gcrs(self, met_s: float) -> UserStates:
        """GCRS states of every object with a state at ``met_s`` (others are left out).

        One vectorised SGP4 call (``SatrecArray``) for all objects' sets in use, and one
        TEME → GCRS rotation; the sets in use are found with array operations, not a loop
        over objects. Objects SGP4 fails for at that time (decayed, or a state that is not
        finite) are left out too.
        """
        met = float(met_s)
        eo = self.eo_at(met)
        idx = self._spans_at(met) if eo is not None else np.zeros(0, dtype=np.int64)
        if idx.size == 0:
            return UserStates(met, [], np.zeros((0, 3)), np.zeros((0, 3)))
        jd, fr = self.axis.jd_utc_split(np.array([met]))
        e, r, v = self._satrec_array(idx).sgp4(np.asarray(jd, float), np.asarray(fr, float))
        # a state SGP4 fails for, or does not report failing but is not finite, is left out:
        # no NaN reaches a reader or `state --json`
        ok = (e[:, 0] == 0) & np.isfinite(r[:, 0, :]).all(axis=1) & \
            np.isfinite(v[:, 0, :]).all(axis=1)
        rot = eo.teme_to_gcrs(met)
        r_g = r[ok, 0, :] @ rot.T
        v_g = v[ok, 0, :] @ rot.T
        ids = [self.ids[k] for k in self._span_obj[idx[ok]]]
        return UserStates(met, ids, r_g, v_g)

    def propagate(self, t0_s: float, t1_s: float, step_s: float) -> "CatalogWindow":
        """Positions of every object over ``[t0_s, t1_s]`` at ``step_s`` (the last sample at
        or after ``t1_s``), for drawing trails and interpolating heads per frame.

        One ``SatrecArray`` call over the sets in use anywhere in the window × every sample
        time; each sample takes the set in use at its time (switching exactly as
        :meth:`states_gcrs`). Where an object has no state (outside its sets' validity, or
        SGP4 fails) its positions are NaN. About 1 µs per object and sample (measured).
        """
        t0, t1 = float(t0_s), float(t1_s)
        if not (t1 > t0 and step_s > 0):
            raise ValueError("propagate needs t1_s > t0_s and step_s > 0")
        m = int(np.ceil((t1 - t0) / step_s)) + 1
        times = t0 + step_s * np.arange(m)
        n = len(self._list)
        r_out = np.full((n, m, 3), np.nan)
        used = np.nonzero((self._span_start <= times[-1]) & (self._span_end >= t0))[0]
        eo = self.eo_at(0.5 * (t0 + times[-1])) or self.eo_at(t0) or self.eo_at(times[-1])
        if used.size and eo is not None:
            jd, fr = self.axis.jd_utc_split(times)
            jd, fr = np.asarray(jd, float), np.asarray(fr, float)
            rot = eo.teme_to_gcrs(times)  # (m,3,3)
            # in chunks: SGP4 holds the GIL, so a worker thread running this lets the GUI
            # thread in between chunks (about 40 ms each)
            for c0 in range(0, used.size, _CHUNK_SETS):
                chunk = used[c0:c0 + _CHUNK_SETS]
                e, r, _ = SatrecArray([self._span_sat[i] for i in chunk]).sgp4(jd, fr)
                r[e != 0] = np.nan
                r_g = np.einsum("mij,smj->smi", rot, r)
                # each sample from the set in use then; spans are in time order within an
                # object, so a later span overwrites an earlier one at a shared switch instant
                valid = (times[None, :] >= self._span_start[chunk, None]) & \
                    (times[None, :] <= self._span_end[chunk, None])
                s_idx, t_idx = np.nonzero(valid)
                r_out[self._span_obj[chunk][s_idx], t_idx] = r_g[s_idx, t_idx]
        return CatalogWindow(times, list(self.ids), r_out)

    def object_state(self, object_id: str, met_s: float) -> ObjectState:
        """The state of one object at ``met_s`` (phase ``orbit``, source ``tle``, with the
        set in use); :class:`NoStateError` where it has none."""
        obj = self.objects[object_id]
        chain = obj.chain_at(float(met_s))
        eo = self.eo_at(float(met_s))
        if chain is None or eo is None:
            raise NoStateError(f"{obj.name} has no element set near that time")
        r, v = chain.states_gcrs([float(met_s)], eo)
        if not np.all(np.isfinite(r)):
            raise NoStateError(f"SGP4 fails for {obj.name} at that time (decayed?)")
        lat, lon, alt = itrs_to_geodetic(eo.gcrs_to_itrs_position(r[0], float(met_s)))
        return ObjectState(object_id, obj.name, "orbit", "tle", self.tle_info(object_id, met_s),
                           r[0], v[0], float(lat), float(lon), float(alt), kind="user")

    def ground_track(self, object_id: str, t0_s: float, t1_s: float, step_s: float = 30.0):
        """``(met_s, lat_deg, lon_deg)`` sample arrays of one object over the part of
        ``[t0_s, t1_s]`` where it has a state (empty arrays where none)."""
        obj = self.objects[object_id]
        parts = []
        for c in obj.chains:
            a, b = max(t0_s, c.start_s), min(t1_s, c.end_s)
            if b <= a:
                continue
            t = np.linspace(a, b, max(2, int(np.ceil((b - a) / step_s)) + 1))
            eo = self.eo_at(0.5 * (a + b))
            r, _ = c.states_gcrs(t, eo)
            ok = np.all(np.isfinite(r), axis=1)
            if ok.any():
                lat, lon, _ = itrs_to_geodetic(eo.gcrs_to_itrs_position(r[ok], t[ok]))
                parts.append((t[ok], np.atleast_1d(lat), np.atleast_1d(lon)))
        if not parts:
            return np.zeros(0), np.zeros(0), np.zeros(0)
        return tuple(np.concatenate(x) for x in zip(*parts))

    def map_points(self, met_s: float):
        """``(ids, lat_deg (N,), lon_deg (N,))`` of the objects with a state at ``met_s``."""
        st = self.states_gcrs(met_s)
        if not st.ids:
            return [], np.zeros(0), np.zeros(0)
        rot = self.eo_at(met_s).gcrs_to_itrs(float(met_s))  # one rotation for the instant
        lat, lon, _ = itrs_to_geodetic(st.r_gcrs_km @ rot.T)
        return st.ids, np.atleast_1d(lat), np.atleast_1d(lon)

    def tle_info(self, object_id: str, met_s: float) -> dict:
        """The object's set in use at ``met_s``: file, epoch and age (as the station's)."""
        span = self.objects[object_id].span_at(met_s)
        return {"file": span.tle.source, "epoch_utc": self.axis.iso_utc(span.epoch_met_s),
                "age_s": float(met_s - span.epoch_met_s)}

    def snapshot_objects(self, met_s: float) -> dict:
        """``{id: {...}}`` in the schema of ``orbitviz state --json`` (phase ``orbit``,
        source ``tle``) for the objects with a state at ``met_s``."""
        st = self.states_gcrs(met_s)
        if not st.ids:
            return {}
        eo = self.eo_at(met_s)
        r_itrs = eo.gcrs_to_itrs_position(st.r_gcrs_km, np.full(len(st.ids), float(met_s)))
        lat, lon, alt = itrs_to_geodetic(r_itrs)
        lat, lon, alt = np.atleast_1d(lat), np.atleast_1d(lon), np.atleast_1d(alt)
        out = {}
        for k, oid in enumerate(st.ids):
            r, v = st.r_gcrs_km[k], st.v_gcrs_km_s[k]
            out[oid] = {
                "name": self.objects[oid].name, "phase": "orbit", "source": "tle",
                "tle": self.tle_info(oid, met_s),
                "lat_deg": float(lat[k]), "lon_deg": float(lon[k]), "alt_km": float(alt[k]),
                "speed_km_s": float(np.linalg.norm(v)),
                "r_gcrs_km": [float(x) for x in r], "v_gcrs_km_s": [float(x) for x in v],
            }
        return out

    def subsolar_point(self, met_s: float) -> tuple[float, float]:
        """(lat_deg, lon_deg) under the Sun at ``met_s`` (for instants outside the mission's
        own Sun track); :class:`NoStateError` outside the catalogue's coverage. The Sun is
        evaluated once per span of coverage (10-minute nodes) and interpolated."""
        from orbitviz.core.sun import SunTrack

        eo = self.eo_at(met_s)
        if eo is None:
            raise NoStateError("no user object covers that time")
        k = next(i for i, (a, b) in enumerate(self.coverage) if a <= met_s <= b)
        if k not in self._suns:
            a, b = self.coverage[k]
            self._suns[k] = SunTrack(self.axis, eo, a - _EO_MARGIN_S, b + _EO_MARGIN_S)
        lat, lon = self._suns[k].subsolar_point(met_s)
        return float(lat), float(lon)


@dataclass
class CatalogWindow:
    """Every user object's GCRS positions at the sample ``times`` (met_s): ``r_gcrs_km``
    (N, M, 3), NaN where an object has no state; ``ids`` in catalogue order."""

    times: np.ndarray
    ids: list[str]
    r_gcrs_km: np.ndarray

    @property
    def t0_s(self) -> float:
        return float(self.times[0])

    @property
    def t1_s(self) -> float:
        return float(self.times[-1])

    def covers(self, a_s: float, b_s: float | None = None) -> bool:
        """Whether the window's samples span ``[a_s, b_s]`` (``b_s`` defaults to ``a_s``)."""
        b = a_s if b_s is None else b_s
        return self.t0_s <= a_s and b <= self.t1_s

    def positions_gcrs(self, met_s: float) -> np.ndarray:
        """(N,3) positions at ``met_s`` by linear interpolation between the two samples
        around it: on the chord the trails are drawn along (NaN where either is NaN, and
        everywhere outside the window)."""
        t = self.times
        n = len(self.ids)
        if not self.covers(met_s) or len(t) < 2:
            return np.full((n, 3), np.nan)
        k = int(min(max(np.searchsorted(t, met_s, side="right") - 1, 0), len(t) - 2))
        f = (float(met_s) - t[k]) / (t[k + 1] - t[k])
        return self.r_gcrs_km[:, k] * (1.0 - f) + self.r_gcrs_km[:, k + 1] * f


def _chains(sets: list[TleSet], axis: TimeAxis) -> list[ElementSetChain]:
    """Sets of one object split where consecutive epochs are more than 10 days apart."""
    ordered = sorted(sets, key=lambda s: s.epoch_jd + s.epoch_fr)
    unique: list[TleSet] = []
    for s in ordered:  # the same epoch twice (one set in two files): keep the first
        if unique and abs((s.epoch_jd + s.epoch_fr) - (unique[-1].epoch_jd + unique[-1].epoch_fr)) \
                < 1e-8:
            continue
        unique.append(s)
    groups: list[list[TleSet]] = [[unique[0]]]
    for s in unique[1:]:
        prev = groups[-1][-1]
        gap_s = ((s.epoch_jd - prev.epoch_jd) + (s.epoch_fr - prev.epoch_fr)) * 86400.0
        if gap_s > BRIDGE_MAX_S:
            groups.append([s])
        else:
            groups[-1].append(s)
    return [ElementSetChain(g, axis) for g in groups]


def build_catalog(sets: list[TleSet], axis: TimeAxis,
                  taken: tuple[str, ...] = MISSION_IDS) -> UserCatalog:
    """Group ``sets`` (in file order) by NORAD number into objects with unique ids."""
    by_norad: dict[int, list[TleSet]] = {}
    for s in sets:
        by_norad.setdefault(s.norad_id, []).append(s)
    used = set(taken)
    objects: dict[str, UserObject] = {}
    for norad, group in by_norad.items():
        named = [s for s in sorted(group, key=lambda s: s.epoch_jd + s.epoch_fr)
                 if s.name != f"NORAD {norad}"]
        name = named[-1].name if named else f"NORAD {norad}"
        base = slugify(name) or f"norad-{norad}"
        oid = base if base not in used else f"{base}-{norad}"
        k = 2
        while oid in used:
            oid = f"{base}-{norad}-{k}"
            k += 1
        used.add(oid)
        sources = list(dict.fromkeys(s.source for s in group))
        objects[oid] = UserObject(oid, name, norad, _chains(group, axis), sources)
    return UserCatalog(axis, objects)


def load_element_files(paths, axis: TimeAxis | None = None,
                       taken: tuple[str, ...] = MISSION_IDS):
    """``(UserCatalog, errors)`` from element-set files, in the order given; ``axis``
    defaults to the mission's.

    ``errors`` are :class:`~orbitviz.core.tle.TleError` (``file:line: message``) for the
    malformed sets; the good ones still load. A file that cannot be read or holds no valid
    set raises :class:`CatalogError` naming it (and its first problem).
    """
    all_sets: list[TleSet] = []
    errors: list[TleError] = []
    for path in paths:
        sets, errs = read_element_file(path)
        if not sets:
            first = f" (first problem: {errs[0]})" if errs else ""
            raise CatalogError(f"{one_line(path)}: no valid element set in the file{first}")
        all_sets.extend(sets)
        errors.extend(errs)
    if axis is None:
        from orbitviz.core.scenario import load_scenario

        axis = load_scenario().axis
    return build_catalog(all_sets, axis, taken), errors


__all__ = ["CatalogError", "CatalogWindow", "UserCatalog", "UserObject", "UserStates", "build_catalog",
           "load_element_files", "read_element_file", "slugify", "MISSION_IDS"]
