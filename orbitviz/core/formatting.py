"""What the user reads: display formatting of core values, and the human names of core ids.

Qt-free and pure, so the panels, the time bar, the map and the exports say things the same
way. Units: latitude and longitude in degrees (WGS 84 geodetic), altitude in km above the
WGS 84 ellipsoid, ranges in metres, speeds in m/s or km/s, durations in seconds. Negative
numbers are written with a typographic minus sign (U+2212) where the text is for reading.
"""

from __future__ import annotations

import datetime as _dt
import math
import re

from orbitviz.core.timeaxis import format_met

MINUS = "\u2212"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
           "Dec")

#: Human names of the layer ids of :data:`orbitviz.core.viewstate.LAYERS`.
LAYER_NAMES = {
    "earth": "Earth",
    "night-lights": "Night lights",
    "atmosphere": "Atmosphere",
    "stars": "Stars",
    "track:iss": "ISS track",
    "track:soyuz-ms-19": "Soyuz MS-19 track",
    "track:soyuz-ms-18": "Soyuz MS-18 track",
    "user-objects": "Your objects",
    "user-trails": "Your objects' tracks",
    "labels": "Labels",
    "grid": "Equator & grid",
    "events": "Event markers",
}
#: Human names of the frames of :data:`orbitviz.core.viewstate.FRAMES`.
FRAME_NAMES = {"earth-fixed": "Earth-fixed", "inertial": "Inertial"}
#: Human names of the objects' phase ids.
PHASE_NAMES = {
    "orbit": "In orbit",
    "on-pad": "On the pad",
    "ascent": "Ascent",
    "free-flight": "Free flight",
    "final-approach": "Final approach",
    "docked": "Docked",
    "deorbit-burn": "Deorbit burn",
    "coast": "Coast",
    "entry": "Entry",
    "parachute": "Parachute",
    "landed": "Landed",
}


#: "Nice" steps for time axes' ticks and keyboard steps, seconds.
NICE_STEPS_S = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800,
                21600, 43200, 86400, 172800, 345600, 604800, 1209600, 2592000, 7776000,
                31536000)


def nice_at_least(x: float) -> float:
    """The smallest of :data:`NICE_STEPS_S` at or above ``x`` seconds."""
    for s in NICE_STEPS_S:
        if s >= x:
            return float(s)
    return float(NICE_STEPS_S[-1])


def nice_at_most(x: float) -> float:
    """The largest of :data:`NICE_STEPS_S` at or below ``x`` seconds (the smallest if none)."""
    best = float(NICE_STEPS_S[0])
    for s in NICE_STEPS_S:
        if s <= x:
            best = float(s)
    return best


def phase_name(phase: str) -> str:
    """``Final approach`` for ``final-approach``; unknown ids with their dashes as spaces."""
    return PHASE_NAMES.get(phase, phase.replace("-", " "))


def signed(x: float, fmt: str) -> str:
    """``x`` formatted with ``fmt`` and a typographic minus sign."""
    return format(x, fmt).replace("-", MINUS)


def format_lat(lat_deg: float) -> str:
    """``45.996° N`` (WGS 84 geodetic latitude, 3 decimals ≈ 100 m)."""
    return f"{abs(lat_deg):.3f}° {'N' if lat_deg >= 0 else 'S'}"


def format_lon(lon_deg: float) -> str:
    """``63.564° E``, longitude wrapped to (−180°, 180°]."""
    lon = (lon_deg + 180.0) % 360.0 - 180.0
    if lon == -180.0:
        lon = 180.0
    return f"{abs(lon):.3f}° {'E' if lon >= 0 else 'W'}"


def format_alt(alt_km: float) -> str:
    """Altitude above the WGS 84 ellipsoid: ``408.2 km``, or metres below 1 km."""
    if abs(alt_km) < 1.0:
        return f"{alt_km * 1000.0:.0f} m"
    return f"{alt_km:.1f} km"


def format_range(range_m: float) -> str:
    """``1,234 km`` / ``12.3 km`` / ``412 m`` / ``19.2 m``."""
    if not math.isfinite(range_m):
        return "—"
    if range_m >= 100_000:
        return f"{range_m / 1000.0:,.0f} km"
    if range_m >= 10_000:
        return f"{range_m / 1000.0:.1f} km"
    if range_m >= 1_000:
        return f"{range_m / 1000.0:.2f} km"
    if range_m >= 100:
        return f"{range_m:.0f} m"
    return f"{range_m:.1f} m"


def format_closing(speed_m_s: float) -> str:
    """Closing speed in m/s: positive closing, negative opening."""
    if not math.isfinite(speed_m_s):
        return "—"
    digits = 2 if abs(speed_m_s) < 10 else 1 if abs(speed_m_s) < 100 else 0
    word = "closing" if speed_m_s >= 0 else "opening"
    return f"{speed_m_s:.{digits}f} m/s ({word})"


def format_duration(seconds: float) -> str:
    """``3 d 5 h``, ``15 h 37 min``, ``12 min``."""
    s = abs(seconds)
    d, rem = divmod(s, 86400.0)
    h, rem = divmod(rem, 3600.0)
    m = rem // 60.0
    if d >= 1:
        return f"{int(d)} d {int(h)} h"
    if h >= 1:
        return f"{int(h)} h {int(m)} min"
    return f"{int(m)} min"


def format_span(span_s: float) -> str:
    """A length of time at a glance: ``3.5 days``, ``4.2 h``, ``12 min``, ``45 s``."""
    if span_s >= 2 * 86400:
        return f"{span_s / 86400:.1f} days"
    if span_s >= 2 * 3600:
        return f"{span_s / 3600:.1f} h"
    if span_s >= 120:
        return f"{span_s / 60:.0f} min"
    return f"{span_s:.0f} s"


def met_axis_label(met_s: float, step_s: float) -> str:
    """Mission-time label of an axis tick at ``met_s`` for a tick step of ``step_s``:
    ``T+2d`` for day steps, ``T+03:27`` for minute steps, ``T+03:27:28`` below."""
    if step_s >= 86400:
        return f"T{'+' if met_s >= 0 else MINUS}{abs(met_s) / 86400:.0f}d"
    text = format_met(met_s)
    if step_s >= 60:
        text = text[:-3]  # drop the seconds
    return text.replace("T-", "T" + MINUS)


def format_element_set(info: dict, layout: str = "line") -> str:
    """The element set in use (``file``, ``epoch_utc``, ``age_s`` as the core gives them).

    ``layout="line"`` (the time bar): ``ISS set 21281.73 (epoch 8 Oct 17:31, age −77.1 h)``,
    the age ``met_s − epoch`` in hours (negative: before the set's epoch).
    ``layout="panel"`` (the readouts): the file on one line, then ``epoch 4 Oct 20:40 UTC,
    age 15 h 37 min`` (or ``… 3 d 5 h later`` for a set whose epoch is later).
    """
    name = str(info.get("file", "?"))
    epoch_text = str(info.get("epoch_utc", ""))
    try:
        epoch = _dt.datetime.fromisoformat(epoch_text.replace("Z", "+00:00"))
    except ValueError:
        epoch = None
    age_s = float(info.get("age_s", float("nan")))
    if layout == "panel":
        if age_s >= 0:
            when = f"age {format_duration(age_s)}"
        else:
            when = f"{format_duration(age_s)} later"
        if epoch is None:
            return f"{name}\nepoch {epoch_text}, {when}"
        day = f"{epoch.day} {MONTHS[epoch.month - 1]}" + (
            f" {epoch.year}" if epoch.year != 2021 else "")
        return f"{name}\nepoch {day} {epoch:%H:%M} UTC, {when}"
    if layout != "line":
        raise ValueError(f"unknown layout '{layout}': use 'line' or 'panel'")
    m = re.match(r"^([A-Za-z0-9]+)-(\d{5}\.\d{2})\d*", name)
    label = f"{m.group(1).upper()} set {m.group(2)}" if m else name
    if epoch is None:
        when = epoch_text
    else:
        when = f"{epoch.day} {MONTHS[epoch.month - 1]} {epoch.hour:02d}:{epoch.minute:02d}"
    return f"{label} (epoch {when}, age {signed(age_s / 3600.0, '+.1f')} h)"


__all__ = ["NICE_STEPS_S", "nice_at_least", "nice_at_most", "LAYER_NAMES", "FRAME_NAMES", "PHASE_NAMES", "MINUS", "MONTHS", "phase_name", "signed",
           "format_lat", "format_lon", "format_alt", "format_range", "format_closing",
           "format_duration", "format_span", "met_axis_label", "format_element_set"]
