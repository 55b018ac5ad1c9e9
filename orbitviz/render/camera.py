"""Camera presets and their framing, as pure functions of core values (no GL, no widgets).

The scene is drawn around the camera's target: scene coordinates are kilometres from the
target, turned by the preset's basis (see docs/app-design.md). A preset names the target and
the basis; :func:`camera_frame` turns them into the world-to-scene transform for one instant,
and :func:`preset_camera` into the orbit camera's distance, elevation and azimuth.

World frame: GCRS (inertial view) or ITRS (Earth-fixed view); ``gcrs_to_world`` and
``itrs_to_world`` are the (3,3) rotations into it at the instant drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orbitviz.core.vectors import lvlh_axes


@dataclass(frozen=True)
class CameraPreset:
    """Where the camera looks and how it is oriented.

    ``target``: "earth", "pad" or an object id; ``basis``: "world" (z = the Earth's axis),
    "enu" (east-north-up at the pad) or "lvlh" (x along the target's velocity, y along the
    orbit normal, z up: the LVLH frame of :mod:`orbitviz.core.vectors` turned upright).
    ``azimuth_deg`` None means: face the pad from above its meridian.
    """

    label: str
    target: str
    basis: str
    distance_km: float
    elevation_deg: float
    azimuth_deg: float | None
    #: The radius of what the preset frames (the Earth with its atmosphere), km: the camera
    #: stands as far as it takes to fit it with a margin, at any aspect ratio. None: the
    #: preset's ``distance_km`` as it is.
    subject_radius_km: float | None = None


#: Distance, elevation and azimuth of a ``follow:<object>`` preset.
FOLLOW_CAMERA = (2600.0, 24.0, 200.0)

PRESETS = {
    "earth": CameraPreset("Whole Earth", "earth", "world", 26000.0, 22.0, None,
                          subject_radius_km=6378.137 + 100.0),
    "baikonur": CameraPreset("Baikonur launch", "pad", "enu", 1700.0, 24.0, 215.0),
    "follow:iss": CameraPreset("Follow ISS", "iss", "lvlh", *FOLLOW_CAMERA),
    "follow:soyuz-ms-19": CameraPreset("Follow Soyuz MS-19", "soyuz-ms-19", "lvlh",
                                       *FOLLOW_CAMERA),
    "rendezvous": CameraPreset("Rendezvous close-up", "iss", "lvlh", 0.9, 16.0, 235.0),
    # beside the Soyuz-2.1a, close enough to see it shed its stages (the four boosters fall
    # 50–100 m behind within seconds)
    "launch": CameraPreset("Launch close-up", "soyuz-ms-19", "lvlh", 0.35, 6.0, 255.0),
}


def preset_for(name: str, viewer=None) -> CameraPreset | None:
    """The camera preset called ``name``: one of :data:`PRESETS`, or ``follow:<object id>``
    for any object ``viewer`` knows (the mission's or the user's); None if unknown."""
    if name in PRESETS:
        return PRESETS[name]
    if isinstance(name, str) and name.startswith("follow:") and viewer is not None:
        oid = name.split(":", 1)[1]
        if viewer.kind(oid) is not None:
            return CameraPreset(f"Follow {viewer.name(oid)}", oid, "lvlh", *FOLLOW_CAMERA)
    return None


def lvlh_view_basis(r_gcrs_km, v_gcrs_km_s) -> np.ndarray:
    """Rows: x along the velocity, y along the orbit normal, z radially out (GCRS): the
    LVLH frame with y and z reversed, so that the scene's z is up."""
    x, y, z = lvlh_axes(r_gcrs_km, v_gcrs_km_s)
    return np.stack([x, -y, -z])


def enu_basis(lat_deg: float, lon_deg: float) -> np.ndarray:
    """Rows: east, north, up (ITRS unit vectors) at a geodetic place (spherical up)."""
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    up = np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    east = np.array([-np.sin(lon), np.cos(lon), 0.0])
    north = np.cross(up, east)
    return np.stack([east, north, up])


def camera_frame(preset: CameraPreset, gcrs_to_world, itrs_to_world, target_state=None,
                 pad_itrs_km=None, pad_lat_lon_deg=None, pan_scene_km=(0.0, 0.0, 0.0)):
    """``(origin_world_km (3,), world_to_scene (3,3))`` for ``preset`` at one instant.

    ``target_state``: ``(r_world, v_world, r_gcrs, v_gcrs)`` of the followed object (None
    when it has none now: the Earth's centre and the world axes stand in). ``pad_itrs_km``
    and ``pad_lat_lon_deg``: the pad, for the "pad" target and the "enu" basis.
    ``pan_scene_km``: the viewport's float64 pan, in scene km, added to the origin.
    """
    if preset.target == "pad" and pad_itrs_km is not None:
        origin = itrs_to_world @ np.asarray(pad_itrs_km, dtype=float)
    elif preset.target not in ("earth", "pad") and target_state is not None:
        origin = np.asarray(target_state[0], dtype=float)
    else:
        origin = np.zeros(3)
    if preset.basis == "enu" and pad_lat_lon_deg is not None:
        basis = (itrs_to_world @ enu_basis(*pad_lat_lon_deg).T).T
    elif preset.basis == "lvlh" and target_state is not None:
        basis = (gcrs_to_world @ lvlh_view_basis(target_state[2], target_state[3]).T).T
    else:
        basis = np.eye(3)
    pan = np.asarray(pan_scene_km, dtype=float)
    return origin + basis.T @ pan, basis


#: Space left around a framed subject: its radius is this much of the half-frame.
FIT_MARGIN = 1.06


def fit_distance_km(radius_km: float, hfov_deg: float, aspect: float,
                    margin: float = FIT_MARGIN) -> float:
    """How far a camera stands for a sphere of ``radius_km`` to fill the narrower of its
    two fields of view with ``margin`` (``hfov_deg``: horizontal field of view; ``aspect``:
    width / height of the view)."""
    h = np.radians(hfov_deg)
    v = 2.0 * np.arctan(np.tan(0.5 * h) / aspect)
    half = 0.5 * min(h, v)
    return float(radius_km * margin / np.sin(half))


def preset_camera(preset: CameraPreset, pad_dir_world=None, hfov_deg: float = 45.0,
                  aspect: float = 16.0 / 9.0) -> tuple[float, float, float]:
    """(distance_km, elevation_deg, azimuth_deg) of the orbit camera for ``preset`` in a
    view of ``hfov_deg`` (horizontal) and ``aspect`` (width / height); a preset with a
    subject radius stands where the subject fits; a preset without an azimuth faces the
    pad's meridian (``pad_dir_world``: the pad's direction in the world frame now)."""
    az = preset.azimuth_deg
    if az is None:
        d = np.asarray(pad_dir_world if pad_dir_world is not None else (1.0, 0.0, 0.0))
        az = float(np.degrees(np.arctan2(d[1], d[0])))
    distance = preset.distance_km
    if preset.subject_radius_km is not None:
        distance = fit_distance_km(preset.subject_radius_km, hfov_deg, aspect)
    return distance, preset.elevation_deg, az


__all__ = ["CameraPreset", "PRESETS", "FOLLOW_CAMERA", "preset_for", "lvlh_view_basis",
           "enu_basis", "camera_frame", "preset_camera", "fit_distance_km", "FIT_MARGIN"]
