"""Mission time: one axis for every array in the model, and the one TIME parser.

Every instant in :mod:`orbitviz.core` is ``met_s``: SI seconds from lift-off, measured
on the TT scale (so a leap second never opens a gap in an array). Conversions to UTC and
to skyfield :class:`~skyfield.timelib.Time` objects go through :class:`TimeAxis`, which
uses skyfield's built-in time-scale files only (nothing is downloaded).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Mapping

import numpy as np
from skyfield.api import load

from orbitviz.core.constants import DAY_S
from orbitviz.core.userfiles import quote

_TIMESCALE = None

_UTC = _dt.timezone.utc
#: The instants orbitviz shows (and any TIME may name): inside the span of JPL DE421, the
#: Sun's ephemeris (TDB Julian dates 2414864.5 to 2471184.5 as its kernel's segments say:
#: 1899-07-28T23:59:18Z to 2053-10-08T23:58:51Z), with room for the 3-hour margins of
#: Earth-orientation and Sun nodes around any instant.
SHOWN_FIRST_UTC = _dt.datetime(1899, 7, 30, tzinfo=_UTC)
SHOWN_LAST_UTC = _dt.datetime(2053, 10, 8, tzinfo=_UTC)


def shown_span_text() -> str:
    """``1899-07-30 to 2053-10-08 UTC``: the dates orbitviz shows, for messages."""
    return f"{SHOWN_FIRST_UTC:%Y-%m-%d} to {SHOWN_LAST_UTC:%Y-%m-%d} UTC"


def timescale():
    """The shared skyfield timescale, built from skyfield's own files (no download)."""
    global _TIMESCALE
    if _TIMESCALE is None:
        _TIMESCALE = load.timescale(builtin=True)
    return _TIMESCALE


class TimeParseError(ValueError):
    """A TIME string that orbitviz cannot read; the message is one line for the user."""


class TimeAxis:
    """Maps ``met_s`` (TT seconds from lift-off) to skyfield Times and UTC.

    ``liftoff_utc`` is an aware :class:`datetime.datetime`.
    """

    def __init__(self, liftoff_utc: _dt.datetime):
        if liftoff_utc.tzinfo is None:
            raise ValueError("lift-off time must carry a time zone")
        self.ts = timescale()
        self.liftoff_utc = liftoff_utc.astimezone(_dt.timezone.utc)
        t0 = self.ts.from_datetime(self.liftoff_utc)
        self.t0 = t0
        self._whole = float(t0.whole)
        self._frac = float(t0.tt_fraction)

    # -- conversions -------------------------------------------------------------------
    def time(self, met_s):
        """skyfield Time (scalar or array) at ``met_s``."""
        met = np.asarray(met_s, dtype=float)
        return self.ts.tt_jd(self._whole, self._frac + met / DAY_S)

    def jd_utc_split(self, met_s):
        """(whole, fraction) UTC Julian date at ``met_s``, as SGP4 takes its times.

        Computed as skyfield's own :class:`~skyfield.sgp4lib.EarthSatellite` does, so the
        two agree to the last bit.
        """
        t = self.time(met_s)
        return t.whole, t.tai_fraction - t._leap_seconds() / DAY_S

    def met_from_datetime(self, when: _dt.datetime) -> float:
        """``met_s`` of an aware datetime (UTC or any offset)."""
        t = self.ts.from_datetime(when.astimezone(_dt.timezone.utc))
        return float(((t.whole - self._whole) + (t.tt_fraction - self._frac)) * DAY_S)

    def shown_span(self) -> tuple[float, float]:
        """``(first, last)`` ``met_s`` of the instants orbitviz shows (:data:`SHOWN_FIRST_UTC`
        to :data:`SHOWN_LAST_UTC`)."""
        if not hasattr(self, "_shown"):
            self._shown = (self.met_from_datetime(SHOWN_FIRST_UTC),
                           self.met_from_datetime(SHOWN_LAST_UTC))
        return self._shown

    def shown(self, met_s: float) -> bool:
        """Whether ``met_s`` is a finite instant within :meth:`shown_span`."""
        a, b = self.shown_span()
        return math.isfinite(met_s) and a <= met_s <= b

    def met_from_jd_utc(self, jd_whole: float, jd_fraction: float = 0.0) -> float:
        """``met_s`` of a UTC Julian date (a TLE epoch, for instance).

        UTC Julian dates count 86,400 s a day, as :mod:`datetime` does, so the
        conversion through a datetime is exact between leap seconds.
        """
        j2000 = _dt.datetime(2000, 1, 1, 12, tzinfo=_dt.timezone.utc)
        days = (jd_whole - 2451545.0) + jd_fraction
        return self.met_from_datetime(j2000 + _dt.timedelta(days=days))

    def datetime_utc(self, met_s: float) -> _dt.datetime:
        """Aware UTC datetime of a scalar ``met_s`` (microsecond resolution)."""
        return self.time(float(met_s)).utc_datetime()

    def iso_utc(self, met_s: float, digits: int = 3) -> str:
        """ISO 8601 UTC text, e.g. ``2021-10-05T08:55:02.442Z``."""
        d = self.datetime_utc(met_s)
        # round to the requested digits without letting 59.9996 print as 60
        q = 10 ** (6 - digits)
        micro = int(round(d.microsecond / q)) * q
        if micro >= 1_000_000:
            d = d.replace(microsecond=0) + _dt.timedelta(seconds=1)
            micro = 0
        text = d.strftime("%Y-%m-%dT%H:%M:%S")
        if digits > 0:
            text += "." + f"{micro:06d}"[:digits]
        return text + "Z"


def format_met(met_s: float, digits: int = 0) -> str:
    """Mission elapsed time as ``T+[d.]hh:mm:ss`` (or ``T-…``)."""
    sign = "-" if met_s < 0 else "+"
    a = abs(met_s)
    a = round(a, digits)
    days, rem = divmod(a, DAY_S)
    h, rem = divmod(rem, 3600.0)
    m, s = divmod(rem, 60.0)
    sec = f"{s:0{3 + digits if digits else 2}.{digits}f}" if digits else f"{int(s):02d}"
    core = f"{int(h):02d}:{int(m):02d}:{sec}"
    if days:
        core = f"{int(days)}.{core}"
    return f"T{sign}{core}"


_REL_SECONDS = re.compile(r"^T([+-])(\d+(?:\.\d*)?|\.\d+)$")
_REL_CLOCK = re.compile(r"^T([+-])(?:(\d+)\.)?(\d{1,3}):([0-5]\d):([0-5]\d(?:\.\d*)?)$")
_EVENT_ID = re.compile(r"^[a-z][a-z0-9-]*$")
_MONTHS = {m: k for k, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul",
                                       "aug", "sep", "oct", "nov", "dec"), start=1)}
#: "5 Oct 12:22", "5 October 2021 12:22:31.5", "Oct 5 12:22 UTC"
_DAY_CLOCK = re.compile(
    r"^(?:(?P<d1>\d{1,2})\s+(?P<m1>[a-z]{3,9})\.?|(?P<m2>[a-z]{3,9})\.?\s+(?P<d2>\d{1,2}),?)"
    r"(?:\s+(?P<y>\d{4}))?,?\s+(?P<clock>\d{1,2}:[0-5]\d(?::[0-5]\d(?:\.\d*)?)?)"
    r"(?:\s*(?:utc|z))?$", re.IGNORECASE)
#: "12:22", "12:22:31", "12:22:31.5 UTC" (only where a day is shown: the app's go-to field)
_CLOCK = re.compile(r"^(\d{1,2}):([0-5]\d)(?::([0-5]\d(?:\.\d*)?))?(?:\s*(?:utc|z))?$",
                    re.IGNORECASE)
#: What a rejected TIME is told it could have been.
TIME_EXAMPLES = ("2021-10-05T12:22:31Z, 5 Oct 12:22, 5 Oct 2021 12:22:31, T+3:27:28 "
                 "(from lift-off), T+12448 or an event id such as docking")
#: Longest TIME text read (an ISO 8601 time with nanoseconds and an offset has 35).
MAX_TIME_CHARS = 100


def parse_time(text: str, axis: TimeAxis, events: Mapping[str, float] | None = None,
               day_met_s: float | None = None) -> float:
    """Parse a TIME as orbitviz takes it everywhere and return ``met_s``.

    Accepted: ISO 8601 (``2021-10-05T12:22:31Z``, fractional seconds, ``Z`` or an offset;
    no zone means UTC); a day and a UTC clock time (``5 Oct 12:22``, ``5 Oct 2021
    12:22:31``, ``Oct 5 12:22``; without a year, the lift-off's); ``T+S`` / ``T-S`` seconds
    from lift-off; ``T+[d.]hh:mm:ss``; a mission event id (``docking``); or ``now`` (the
    present, from the system clock). With ``day_met_s`` (the app's go-to field: the day
    shown), a clock time alone too: ``12:22`` or ``12:22:31`` UTC on that day. Raises
    :class:`TimeParseError` with a one-line message, with examples, otherwise.
    """
    s = text.strip()
    if not s:
        raise TimeParseError("empty TIME")
    if len(s) > MAX_TIME_CHARS:
        raise TimeParseError(f"cannot read TIME {quote(text)}: it is {len(s):,} characters "
                             "long")
    outside = TimeParseError(f"TIME {quote(text)} is outside the dates orbitviz shows, "
                             f"{shown_span_text()} (the span of JPL's DE421 ephemeris)")
    if s.lower() == "now":
        now = _dt.datetime.now(_dt.timezone.utc)
        if not SHOWN_FIRST_UTC <= now <= SHOWN_LAST_UTC:
            raise outside
        return axis.met_from_datetime(now)
    met = _relative(s)
    if met is not None:
        if not axis.shown(met):
            raise outside
        return met
    if _EVENT_ID.match(s):
        if events is not None and s in events:
            return float(events[s])
        known = ", ".join(sorted(events)) if events else "none"
        raise TimeParseError(f"unknown event id {quote(s)} (known: {known})")
    when = _day_and_clock(s, axis, day_met_s, text)
    if when is not None:
        if not SHOWN_FIRST_UTC <= when <= SHOWN_LAST_UTC:
            raise outside
        return axis.met_from_datetime(when)
    iso = s.replace(" ", "T", 1) if re.match(r"^\d{4}-\d\d-\d\d \d", s) else s
    if iso.endswith(("z", "Z")):
        iso = iso[:-1] + "+00:00"
    try:
        when = _dt.datetime.fromisoformat(iso)
    except ValueError:
        raise TimeParseError(
            f"cannot read TIME {quote(text)}: use ISO 8601 UTC or another form orbitviz "
            f"knows, for example {TIME_EXAMPLES}"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.timezone.utc)
    # compared before any conversion: year 1 or 9999 with an offset overflows datetime
    if not SHOWN_FIRST_UTC <= when <= SHOWN_LAST_UTC:
        raise outside
    met = axis.met_from_datetime(when)
    if not math.isfinite(met):
        raise TimeParseError(f"cannot read TIME {quote(text)}")
    return met


def _day_and_clock(s: str, axis: TimeAxis, day_met_s: float | None, text: str):
    """The UTC datetime of ``5 Oct 12:22``-like forms (and, with ``day_met_s``, of a clock
    time alone on that day), or None when ``s`` is none of them."""
    m = _DAY_CLOCK.match(s)
    if m:
        month_text = (m.group("m1") or m.group("m2")).lower()
        month = _MONTHS.get(month_text[:3])
        if month is None or (len(month_text) > 3 and not any(
                full.startswith(month_text) for full in _MONTH_NAMES)):
            raise TimeParseError(f"cannot read TIME {quote(text)}: '{month_text}' is not a "
                                 f"month; for example {TIME_EXAMPLES}")
        day = int(m.group("d1") or m.group("d2"))
        year = int(m.group("y")) if m.group("y") else axis.liftoff_utc.year
        clock = _clock_parts(m.group("clock"))
        try:
            return _dt.datetime(year, month, day, clock[0], clock[1], tzinfo=_dt.timezone.utc) \
                + _dt.timedelta(seconds=clock[2])
        except ValueError as exc:
            raise TimeParseError(f"cannot read TIME {quote(text)}: {exc}") from None
    m = _CLOCK.match(s)
    if m:
        if day_met_s is None:
            raise TimeParseError(
                f"TIME {quote(text)} needs its day: for example 5 Oct {s}, or "
                f"2021-10-05T{s}Z")
        day = axis.datetime_utc(day_met_s)
        h, mi, sec = _clock_parts(s.split()[0].rstrip("zZ"))
        if h > 23:
            raise TimeParseError(f"cannot read TIME {quote(text)}: hour {h} is not 0–23")
        return _dt.datetime(day.year, day.month, day.day, h, mi,
                            tzinfo=_dt.timezone.utc) + _dt.timedelta(seconds=sec)
    return None


_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")


def _clock_parts(clock: str) -> tuple[int, int, float]:
    parts = clock.split(":")
    h, mi = int(parts[0]), int(parts[1])
    sec = float(parts[2]) if len(parts) > 2 else 0.0
    return h, mi, sec


def _relative(s: str) -> float | None:
    """``met_s`` of ``T±SECONDS`` or ``T±[d.]hh:mm:ss`` (possibly infinite), else None."""
    m = _REL_SECONDS.match(s)
    if m:
        value = float(m.group(2))  # float, not int: 10^5000 digits is inf, not an error
        return -value if m.group(1) == "-" else value
    m = _REL_CLOCK.match(s)
    if m:
        days = float(m.group(2) or 0)
        value = days * DAY_S + int(m.group(3)) * 3600 + int(m.group(4)) * 60 + float(m.group(5))
        return -value if m.group(1) == "-" else value
    return None
