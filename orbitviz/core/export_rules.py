"""The rules of exports, without Qt or GL: one module for the CLI, the app and the dialogs.

What an export is (:class:`ExportSpec`) and every check of it; file formats, size limits and
clip frame counts; what a picture's caption and credit line say; the camera preset that suits
each mission event; file names of event stills. Rendering, tiling and painting stay in
:mod:`orbitviz.app.export`; writing files atomically in :mod:`orbitviz.app.export` too.

Every bad input raises :class:`ExportError` with one line for the user. Times are ``met_s``
(TT seconds from lift-off); sizes are pixels. Functions that need to know about objects take
a :class:`~orbitviz.core.viewer.ViewerModel` (the mission and the user's catalogue).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from orbitviz.core.timeaxis import format_met
from orbitviz.core.userfiles import quote
from orbitviz.core.viewstate import FRAMES

#: Largest width or height of an export, px.
MAX_SIZE_PX = 16384
#: Smallest width or height the export dialogs offer, px.
MIN_DIALOG_SIZE_PX = 16
#: Picture formats by extension (Qt's writer names).
IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
#: A clip is an MP4 (this extension) or a folder of PNG frames.
CLIP_EXTENSION = ".mp4"
#: The camera presets every scene has (``follow:<object id>`` comes on top).
BASE_VIEWS = ("earth", "baikonur", "launch", "rendezvous")
#: The reference camera: the on-screen viewport's horizontal field of view at 16:9, which
#: fixes the vertical field of view every export keeps (about 26.2°).
REF_FOV_DEG = 45.0
REF_ASPECT = 16.0 / 9.0
#: Smallest render tile, px (tiles carry a margin on every side).
MIN_TILE_PX = 256
#: The picture's height that pixel scale 1 is designed for, px.
REF_HEIGHT_PX = 1080.0
#: Frames per second of video a clip may have.
FPS_RANGE = (1, 240)
#: A clip's playback rate, mission seconds per second of video: a millisecond of mission
#: time a second of video at the slowest (1/1000 real time), 10^7 at the fastest.
MIN_CLIP_RATE = 1e-3
MAX_CLIP_RATE = 1e7
#: Most frames one clip may have (about 55 minutes of video at 30 fps): stops a typo in the
#: span or the rate from rendering for a day.
MAX_FRAMES = 100_000
#: Imagery and data credits, always in the credit line.
CREDIT_IMAGERY = "Imagery: NASA Earth Observatory (Blue Marble), NASA GSFC/NOAA (city lights)"
CREDIT_STARS = "stars: ESA Hipparcos"


class ExportError(ValueError):
    """Bad input for an export; the message is one line for the user."""


@dataclass(frozen=True)
class ExportSpec:
    """What to export.

    ``size``: (width, height) px. ``view``: ``earth``, ``baikonur``, ``rendezvous`` or
    ``follow:<object id>``. ``frame``: ``earth-fixed`` or ``inertial`` (when ``view_state``
    is given its frame wins). ``caption``: ``auto`` (title, UTC, T+, current event),
    ``none``, or a text. ``transparent``: alpha 0 where nothing is drawn (PNG only).
    ``credit``: the credit line. ``tile``: largest render pass, px (None: the GL limit).
    ``view_state``: a ViewState to copy layers, frame and track span from. ``camera``: a
    ``Viewport.camera()`` dict overriding the preset's camera, optionally with ``fov_deg``
    and ``aspect`` (width / height) of the viewport it came from. ``pixel_scale``: factor
    for every pixel size (None: height / 1080). ``quality``: JPEG quality 1–100.
    """

    size: tuple = (1920, 1080)
    view: str = "earth"
    frame: str = "earth-fixed"
    caption: str = "auto"
    transparent: bool = False
    credit: bool = True
    tile: int | None = None
    view_state: object = None
    camera: dict | None = None
    pixel_scale: float | None = None
    quality: int = 92
    #: optional ``inset(met_s, width, height, pixel_scale) -> QImage`` painted in the
    #: top-right corner (``pixel_scale`` as :attr:`pixel_scale`: lines and text scaled)
    #: (the app passes its ground-track map when the map is shown)
    inset: object = None


# -- sizes, formats, views, times -----------------------------------------------------------
def parse_size(text: str) -> tuple[int, int]:
    """``"1920x1080"`` → (1920, 1080); raises :class:`ExportError`."""
    parts = str(text).lower().replace("×", "x").split("x")
    try:
        if len(parts) != 2:
            raise ValueError
        w, h = (int(p.strip()) for p in parts)
    except ValueError:
        raise ExportError(f"size must be WIDTHxHEIGHT in pixels (1920x1080), not {quote(text)}")
    check_size((w, h))
    return w, h


def check_size(size) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in size)
    except (TypeError, ValueError):
        raise ExportError(f"size must be (width, height) in pixels, not {size!r}") from None
    if not (1 <= w <= MAX_SIZE_PX and 1 <= h <= MAX_SIZE_PX):
        raise ExportError(f"size {w}x{h}: width and height must be between 1 and "
                          f"{MAX_SIZE_PX} px")
    return w, h


def image_format(path) -> str:
    """Qt's format name for ``path``'s extension (PNG or JPEG); raises :class:`ExportError`."""
    ext = Path(path).suffix.lower()
    if ext not in IMAGE_FORMATS:
        raise ExportError(f"unknown extension '{ext or Path(path).name}' for a picture: "
                          "use .png or .jpg")
    return IMAGE_FORMATS[ext]


def view_name_ok(view) -> bool:
    """Whether ``view`` has the form of a camera preset name (objects not checked)."""
    return isinstance(view, str) and (view in BASE_VIEWS or (
        view.startswith("follow:") and len(view) > len("follow:")))


def check_view(view: str, viewer=None) -> str:
    """Raise :class:`ExportError` unless ``view`` names a camera preset (``follow:`` any
    object of ``viewer``: the mission's or the user's)."""
    if view in BASE_VIEWS:
        return view
    if isinstance(view, str) and view.startswith("follow:"):
        oid = view.split(":", 1)[1]
        if oid and (viewer is None or viewer.kind(oid) is not None):
            return view
        known = ", ".join(viewer.ids("mission")) if viewer is not None else ""
        raise ExportError(f"unknown object '{oid}' in view '{view}' (known: {known})")
    raise ExportError(f"unknown view '{view}': use earth, baikonur, launch, rendezvous or "
                      "follow:<object id>")


def check_time(viewer, met_s: float) -> float:
    """Raise :class:`ExportError` unless ``met_s`` lies in the mission's display window or
    within the user's element sets' validity."""
    t0, t1 = viewer.mission.window
    if not math.isfinite(met_s):
        raise ExportError(f"{met_s} is not a time")
    cat = viewer.catalog
    if cat is not None and cat.covers(met_s):
        return float(met_s)
    if not (t0 <= met_s <= t1):
        axis = viewer.mission.axis
        also = ""
        if cat is not None and len(cat):
            a, b = cat.span
            also = (f", nor within your element sets' validity, {axis.iso_utc(a, 0)} to "
                    f"{axis.iso_utc(b, 0)}")
        raise ExportError(f"{format_met(met_s)} ({axis.iso_utc(met_s, 0)}) is outside the "
                          f"display window, {axis.iso_utc(t0, 0)} to {axis.iso_utc(t1, 0)}"
                          f"{also}")
    return float(met_s)


def check_spec(spec: ExportSpec, viewer=None, path=None) -> None:
    """Every check of a spec that needs no GL; raises :class:`ExportError`."""
    check_size(spec.size)
    check_view(spec.view, viewer)
    if spec.frame not in FRAMES:
        raise ExportError(f"unknown frame '{spec.frame}': use earth-fixed or inertial")
    if spec.tile is not None and not (MIN_TILE_PX <= int(spec.tile) <= MAX_SIZE_PX):
        raise ExportError(f"tile must be between {MIN_TILE_PX} and {MAX_SIZE_PX} px, "
                          f"not {spec.tile}")
    if spec.pixel_scale is not None and not (0 < float(spec.pixel_scale) <= 64):
        raise ExportError(f"pixel scale must be above 0 and at most 64, not {spec.pixel_scale}")
    if not (1 <= int(spec.quality) <= 100):
        raise ExportError(f"JPEG quality must be between 1 and 100, not {spec.quality}")
    if path is not None and spec.transparent and image_format(path) == "JPEG":
        raise ExportError("--transparent needs PNG: JPEG has no alpha channel")


# -- clips -------------------------------------------------------------------------------------
#: Frame times within this many frame steps of ``t1`` count as on the frame grid.
_GRID_EPS = 1e-6


def clip_frame_count(t0_s: float, t1_s: float, fps: float, rate: float) -> int:
    """Number of frames of the clip from MET ``t0_s`` to ``t1_s`` (s) at ``fps`` frames per
    video second and ``rate`` simulated seconds per video second: frames ``k = 0 …
    floor((t1−t0)·fps/rate)``, so ``t1`` is the last frame when it falls on the frame grid.

    Raises :class:`ExportError` for a span that is empty or backwards, a rate or frame rate
    that is not a positive finite number, a clip shorter than one frame step, or more than
    :data:`MAX_FRAMES` frames.
    """
    for name, v in (("start", t0_s), ("end", t1_s), ("fps", fps), ("rate", rate)):
        if not isinstance(v, (int, float, np.integer, np.floating)) or not math.isfinite(v):
            raise ExportError(f"clip {name} must be a finite number, not {v!r}")
    if not t1_s > t0_s:
        raise ExportError(f"a clip's end must be after its start (start T{t0_s:+.3f} s, "
                          f"end T{t1_s:+.3f} s)")
    if not fps > 0:
        raise ExportError(f"frames per second must be more than zero, not {fps:g}")
    if not rate > 0:
        raise ExportError(f"the playback rate must be more than zero simulated seconds per "
                          f"second, not {rate:g}")
    n = int(np.floor((float(t1_s) - float(t0_s)) / float(rate) * float(fps) + _GRID_EPS)) + 1
    if n < 2:
        raise ExportError(f"the clip is shorter than one frame: {t1_s - t0_s:g} s of mission "
                          f"time at {rate:g}× and {fps:g} fps; lower the rate or widen the span")
    if n > MAX_FRAMES:
        raise ExportError(f"the clip would have {n} frames ({n / fps / 60:.0f} min of video), "
                          f"more than {MAX_FRAMES}; raise the rate or shorten the span")
    return int(n)


def clip_frame_times(t0_s: float, t1_s: float, fps: float, rate: float) -> np.ndarray:
    """The MET (s, float64, shape (n,)) of every frame: ``t0 + k·rate/fps`` for
    ``k = 0 … floor((t1−t0)·fps/rate)``.

    Closed span: the first frame is exactly ``t0``, and ``t1`` is the last frame when it
    falls on the frame grid (a clip ``--to docking`` shows docking); otherwise the last
    frame is the last grid time before ``t1``. Each time is computed from ``k`` directly (no
    accumulated sum), so there is no drift over long clips. Raises :class:`ExportError` as
    :func:`clip_frame_count` does.
    """
    n = clip_frame_count(t0_s, t1_s, fps, rate)
    return float(t0_s) + np.arange(n, dtype=np.float64) * float(rate) / float(fps)


# -- what the caption and credit say -----------------------------------------------------------
def current_event(mission, met_s: float, tolerance_s: float = 0.5):
    """The latest event of the mission at or before ``met_s`` (within ``tolerance_s``), or
    None."""
    last = None
    for e in mission.events():
        if e.met_s <= met_s + tolerance_s:
            last = e
    return last


def caption_lines(viewer, met_s: float) -> list[tuple[str, str]]:
    """The automatic caption as (role, text) lines: title, event, time (outside the
    mission: the user's objects and the UTC time)."""
    mission = viewer.mission
    utc = mission.axis.datetime_utc(met_s)
    if not viewer.in_mission(met_s):
        cat = viewer.catalog
        n = len(cat.existing(met_s)) if cat is not None else 0
        return [("title", f"{n:,} object{'s' if n != 1 else ''} from your element sets"),
                ("time", f"{utc:%d %b %Y, %H:%M:%S} UTC")]
    when = f"{utc:%d %b %Y, %H:%M:%S} UTC   ·   {format_met(met_s)}"
    ev = current_event(mission, met_s)
    lines = [("title", mission.scenario.title)]
    if ev is None:
        lines.append(("event", "Before lift-off"))
    else:
        text = ev.name
        if abs(ev.met_s - met_s) > 0.5:
            text = f"{ev.name}  ({format_met(ev.met_s)})"
        if ev.basis != "measured":
            text += "  · modelled"
        lines.append(("event", text))
    lines.append(("time", when))
    return lines


def credit_text(viewer, met_s: float) -> str:
    """One line: imagery credit, and where the positions shown at ``met_s`` come from."""
    if not viewer.in_mission(met_s):
        return f"{CREDIT_IMAGERY}; {CREDIT_STARS}   ·   Orbits: your element sets (SGP4)"
    modelled = [f"{viewer.name(oid)} {viewer.phase_at(oid, met_s).replace('-', ' ')}"
                for oid in viewer.ids("mission")
                if viewer.exists(oid, met_s) and viewer.modelled(oid, met_s)]
    orbits = "Orbits: NORAD element sets (ISS)"
    cat = viewer.catalog
    if cat is not None and cat.existing(met_s):
        orbits += " and yours"
    if modelled:
        orbits += "; modelled by orbitviz (dashed): " + ", ".join(modelled)
    return f"{CREDIT_IMAGERY}; {CREDIT_STARS}   ·   {orbits}"


def event_view(viewer, event) -> str:
    """The camera preset that suits ``event`` in a picture: the event's ``view`` from the
    mission file, else by rule from its object's phase and distance to the station."""
    from orbitviz.core.elements import NoStateError

    if getattr(event, "view", ""):
        return event.view
    oid = event.object if viewer.kind(event.object) == "mission" else "iss"
    if not viewer.exists(oid, event.met_s):
        return "earth"
    phase = viewer.phase_at(oid, event.met_s)
    if phase in ("on-pad", "ascent"):
        return "baikonur"
    if phase in ("docked", "final-approach") or oid == "iss":
        return "rendezvous"
    try:
        r = viewer.state(oid, event.met_s).r_gcrs_km
        ri = viewer.state("iss", event.met_s).r_gcrs_km
    except NoStateError:  # no station state: follow the object
        return f"follow:{oid}"
    if float(np.linalg.norm(np.asarray(r) - np.asarray(ri))) < 0.5:
        return "rendezvous"
    return f"follow:{oid}"


# -- names and framing --------------------------------------------------------------------------
def met_file_stem(met_s: float) -> str:
    """A T+ that sorts as text and is safe in file names: ``T+00d03h27m28s``."""
    sign = "-" if met_s < 0 else "+"
    a = int(math.floor(abs(met_s) + 0.5))
    d, rem = divmod(a, 86400)
    h, rem = divmod(rem, 3600)
    m, s = divmod(rem, 60)
    return f"T{sign}{d:02d}d{h:02d}h{m:02d}m{s:02d}s"


def event_file_name(event) -> str:
    """The file name of an event's still in ``export --events``: ``T+…_<event id>.png``."""
    return f"{met_file_stem(event.met_s)}_{event.id}.png"


def picture_file_name(viewer, met_s: float, folder=None, ext: str = ".png") -> str:
    """A fresh name for a picture of ``met_s``, built like the ``--events`` names:
    ``orbitviz-T+00d03h27m29s-docking.png`` (the latest event at or before that time;
    outside the mission the UTC time: ``orbitviz-20261125-120000.png``). With ``folder``,
    ``-2``, ``-3``, … are added until the name is free there."""
    if viewer.in_mission(met_s):
        ev = current_event(viewer.mission, met_s)
        stem = f"orbitviz-{met_file_stem(met_s)}" + (f"-{ev.id}" if ev is not None else "")
    else:
        stem = f"orbitviz-{viewer.mission.axis.datetime_utc(met_s):%Y%m%d-%H%M%S}"
    name = stem + ext
    if folder is not None:
        k = 2
        while (Path(folder) / name).exists():
            name = f"{stem}-{k}{ext}"
            k += 1
    return name


def vertical_fov_deg(camera: dict | None) -> float:
    """The vertical field of view an export keeps, degrees (the reference camera's unless
    ``camera`` gives ``fov_deg`` and ``aspect``)."""
    fov = REF_FOV_DEG
    aspect = REF_ASPECT
    if camera:
        fov = float(camera.get("fov_deg", fov))
        aspect = float(camera.get("aspect", aspect))
    return math.degrees(2.0 * math.atan(math.tan(math.radians(0.5 * fov)) / aspect))


def export_fov_deg(camera: dict | None, width: int, height: int) -> float:
    """The horizontal field of view of a ``width`` × ``height`` export, degrees: the
    picture is the largest rectangle of its shape in the middle of the camera's own view,
    at the view's scale (the guide the view draws while the export dialog is open). A
    picture narrower than the view (4:3, 1:1, 9:16 from a 16:9 screen) keeps the view's
    vertical field of view; a wider one its horizontal field of view. A preset camera the
    user has not moved frames its subject again for the picture's shape (see the
    exporter). The view is ``camera``'s (``fov_deg`` horizontal and ``aspect``), else the
    reference camera's (45° at 16:9)."""
    fov = REF_FOV_DEG
    aspect = REF_ASPECT
    if camera:
        fov = float(camera.get("fov_deg", fov))
        aspect = float(camera.get("aspect", aspect))
    if width / height <= aspect:
        return horizontal_fov_deg(vertical_fov_deg(camera), width, height)
    return fov


def guide_rect(view_w: float, view_h: float, width: int, height: int):
    """``(x, y, w, h)`` in the view's pixels of what a ``width`` × ``height`` export shows:
    the largest rectangle of the export's shape centred in the view."""
    a = width / height
    if view_w / max(view_h, 1e-9) >= a:
        w, h = view_h * a, view_h
    else:
        w, h = view_w, view_w / a
    return (0.5 * (view_w - w), 0.5 * (view_h - h), w, h)


def horizontal_fov_deg(vfov_deg: float, width: int, height: int) -> float:
    """The horizontal field of view, degrees, of a ``width`` × ``height`` picture whose
    vertical field of view is ``vfov_deg``."""
    return math.degrees(2.0 * math.atan(math.tan(math.radians(0.5 * vfov_deg))
                                        * width / height))


__all__ = ["ExportError", "ExportSpec", "MAX_SIZE_PX", "IMAGE_FORMATS", "FPS_RANGE",
           "MAX_FRAMES", "parse_size", "check_size", "image_format", "check_view",
           "check_time", "check_spec", "clip_frame_count", "clip_frame_times",
           "current_event", "caption_lines", "credit_text", "event_view", "met_file_stem",
           "event_file_name", "picture_file_name", "vertical_fov_deg", "horizontal_fov_deg", "export_fov_deg",
           "view_name_ok", "guide_rect"]
