"""Two-line element sets: strict parsing with line-numbered errors.

Accepts two-line and three-line (name + two lines) sets. Every line is checked for its
line number, length, checksum and a matching catalogue number before SGP4 sees it, and
every set (TLE or OMM) for physical ranges after (:func:`physical_problem`): an epoch
orbitviz can show, a mean motion of an orbit above the Earth's surface and bound to the
Earth, an inclination of 0-180°, a drag term that is not absurd.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass
from pathlib import Path

from sgp4.api import WGS72, Satrec

from orbitviz.core.userfiles import MAX_ELEMENT_FILE_BYTES, read_user_file

_UTC = _dt.timezone.utc
#: Epochs orbitviz takes: a set is used up to 3 days from its epoch
#: (``elements.MAX_STRETCH_S``), with 3-hour margins of Earth orientation and Sun beyond
#: that, and all of it inside the instants shown (``timeaxis.SHOWN_FIRST_UTC`` to
#: ``SHOWN_LAST_UTC``, within JPL DE421's span); rounded inward to whole days.
EPOCH_FIRST_UTC = _dt.datetime(1899, 8, 3, tzinfo=_UTC)
EPOCH_LAST_UTC = _dt.datetime(2053, 10, 4, tzinfo=_UTC)
#: SGP4's WGS 72 constants (Hoots & Roehrich, Spacetrack Report No. 3, 1980): km^3/s^2, km.
MU_WGS72_KM3_S2 = 398600.8
R_WGS72_KM = 6378.135
#: The Earth's Hill sphere, km: a_E (GM_E / 3 GM_sun)^(1/3) with the astronomical unit
#: (IAU 2012, 149,597,870.7 km) and GM_sun 1.32712440018e11 km^3/s^2 (IERS 2010
#: Conventions, table 1.1): about 1.5 million km. Beyond it the Sun, not the Earth, holds
#: an orbit.
HILL_RADIUS_KM = 149_597_870.7 * (398600.4418 / (3.0 * 1.32712440018e11)) ** (1.0 / 3.0)


def _mean_motion_rev_day(a_km: float) -> float:
    """Kepler's third law: mean motion (rev/day) of semi-major axis ``a_km``."""
    return math.sqrt(MU_WGS72_KM3_S2 / a_km ** 3) * 86400.0 / (2.0 * math.pi)


#: Mean motion of an orbit grazing the Earth's equator (a = R, about 84.5-minute period),
#: rev/day: no orbit is faster.
MEAN_MOTION_MAX_REV_DAY = _mean_motion_rev_day(R_WGS72_KM)
#: Mean motion of an orbit as wide as the Hill sphere, rev/day: no orbit of the Earth is
#: slower.
MEAN_MOTION_MIN_REV_DAY = _mean_motion_rev_day(HILL_RADIUS_KM)
#: Largest |B*|, 1/earth radii: nearly 10,000 times the ISS's (1.07e-4 in the shipped set);
#: with B* = 1 SGP4 brings the ISS's orbit down in 10 hours (computed with that set).
BSTAR_MAX = 1.0


class TleError(ValueError):
    """A malformed element set; ``line`` is the 1-based line number in its file."""

    def __init__(self, source: str, line: int, message: str):
        from orbitviz.core.userfiles import one_line

        super().__init__(f"{one_line(source)}:{line}: {message}")
        self.source = source
        self.line = line
        self.detail = message


@dataclass(frozen=True)
class TleSet:
    """One element set. ``epoch_jd``/``epoch_fr``: its UTC Julian date split as SGP4 keeps it."""

    name: str
    norad_id: int
    line1: str
    line2: str
    source: str
    satrec: Satrec

    @property
    def epoch_jd(self) -> float:
        return self.satrec.jdsatepoch

    @property
    def epoch_fr(self) -> float:
        return self.satrec.jdsatepochF

    @property
    def epoch_utc(self) -> _dt.datetime:
        j2000 = _dt.datetime(2000, 1, 1, 12, tzinfo=_dt.timezone.utc)
        return j2000 + _dt.timedelta(days=(self.epoch_jd - 2451545.0) + self.epoch_fr)

    @property
    def mean_motion_rev_day(self) -> float:
        return self.satrec.no_kozai * 1440.0 / (2.0 * 3.141592653589793)


def epoch_datetime(sat: Satrec) -> _dt.datetime | None:
    """The set's epoch as an aware UTC datetime, or None where it is not a date."""
    j2000 = _dt.datetime(2000, 1, 1, 12, tzinfo=_UTC)
    try:
        return j2000 + _dt.timedelta(days=(sat.jdsatepoch - 2451545.0) + sat.jdsatepochF)
    except (OverflowError, ValueError):
        return None


def epoch_range_text() -> str:
    return (f"{EPOCH_FIRST_UTC:%Y-%m-%d} to {EPOCH_LAST_UTC:%Y-%m-%d} (sets are used up to "
            "3 days from their epoch, within the span of JPL's DE421 ephemeris)")


def physical_problem(sat: Satrec) -> str | None:
    """What is physically wrong with an initialised set, in a few words, or None."""
    epoch = epoch_datetime(sat)
    if epoch is None or not EPOCH_FIRST_UTC <= epoch <= EPOCH_LAST_UTC:
        shown = f"{epoch:%Y-%m-%dT%H:%M:%SZ}" if epoch is not None else "of the set"
        return f"epoch {shown} is outside the epochs orbitviz shows, {epoch_range_text()}"
    n = sat.no_kozai * 1440.0 / (2.0 * math.pi)
    if not MEAN_MOTION_MIN_REV_DAY <= n <= MEAN_MOTION_MAX_REV_DAY:
        return (f"mean motion {n:.6g} rev/day is outside {MEAN_MOTION_MIN_REV_DAY:.4f} to "
                f"{MEAN_MOTION_MAX_REV_DAY:.2f} (an orbit above the Earth's surface and "
                "within its Hill sphere)")
    if not 0.0 <= sat.inclo <= math.pi:
        return f"inclination {math.degrees(sat.inclo):.6g}° is outside 0 to 180°"
    if not abs(sat.bstar) <= BSTAR_MAX:
        return f"drag term B* {sat.bstar:.6g} is outside ±{BSTAR_MAX:g} per earth radius"
    for name, value in (("eccentricity", sat.ecco), ("right ascension of the node", sat.nodeo),
                        ("argument of perigee", sat.argpo), ("mean anomaly", sat.mo)):
        if not math.isfinite(value):
            return f"{name} is not a finite number"
    return None


def sgp4_error_text(code: int) -> str:
    """SGP4's error ``code`` in words (the sgp4 package's ``SGP4_ERRORS``)."""
    from sgp4.api import SGP4_ERRORS

    words = {6: "the orbit has decayed: its perigee is below the Earth's surface"}.get(
        code, SGP4_ERRORS.get(code, "unknown error"))
    return f"SGP4 rejects the set: {words} (error {code})"


def checksum(line: str) -> int:
    """The TLE checksum of the first 68 characters: digits count, '-' counts 1."""
    total = 0
    for ch in line[:68]:
        if ch.isdigit():
            total += int(ch)
        elif ch == "-":
            total += 1
    return total % 10


def _check_line(text: str, number: int, source: str, lineno: int) -> None:
    if len(text) != 69:
        raise TleError(source, lineno, f"line {number} has {len(text)} characters, not 69")
    if not text.startswith(f"{number} "):
        raise TleError(source, lineno, f"expected line {number} of an element set")
    if not text[68].isdigit():
        raise TleError(source, lineno, "checksum character is not a digit")
    if checksum(text) != int(text[68]):
        raise TleError(source, lineno,
                       f"checksum is {text[68]}, the line sums to {checksum(text)}")


def parse_tle_text(text: str, source: str = "<text>"):
    """Parse every set in ``text``. Returns ``(sets, errors)``: errors are
    :class:`TleError` for the sets that could not be read; the others still load."""
    lines = [ln.rstrip() for ln in text.splitlines()]
    sets: list[TleSet] = []
    errors: list[TleError] = []
    i = 0
    n = len(lines)
    while i < n:
        if not lines[i].strip():
            i += 1
            continue
        name = ""
        start = i
        if not lines[i].startswith("1 "):
            name = lines[i].strip()
            if name.startswith("0 "):
                name = name[2:].strip()
            i += 1
        if i + 1 >= n:
            errors.append(TleError(source, start + 1, "element set is cut short"))
            break
        l1 = lines[i]
        l2 = lines[i + 1] if i + 1 < n else ""
        try:
            _check_line(l1, 1, source, i + 1)
            _check_line(l2, 2, source, i + 2)
            if l1[2:7] != l2[2:7]:
                raise TleError(source, i + 2, "catalogue numbers of lines 1 and 2 differ")
            sat = Satrec.twoline2rv(l1, l2, WGS72)
            problem = physical_problem(sat)  # first: it says more than SGP4's error number
            if problem:
                raise TleError(source, i + 1, problem)
            if sat.error:
                raise TleError(source, i + 1, sgp4_error_text(sat.error))
            norad = int(sat.satnum)
            sets.append(TleSet(name or f"NORAD {norad}", norad, l1, l2, source, sat))
            i += 2
        except TleError as exc:
            errors.append(exc)
            # resynchronise: skip to the next line that starts a set
            i += 1
            while i < n and not (lines[i].startswith("1 ") and i + 1 < n
                                 and lines[i + 1].startswith("2 ")):
                if lines[i].strip() and not lines[i].startswith(("1 ", "2 ")) and \
                        i + 1 < n and lines[i + 1].startswith("1 "):
                    break
                i += 1
        except (ValueError, IndexError) as exc:
            errors.append(TleError(source, i + 1, f"cannot read the set: {exc}"))
            i += 2
    return sets, errors


def load_tle_file(path: Path | str):
    """Parse a TLE file; see :func:`parse_tle_text`. Source names are the file name."""
    p = Path(path)
    raw = read_user_file(p, MAX_ELEMENT_FILE_BYTES, "element-set file")
    return parse_tle_text(raw.decode("ascii", errors="replace"), p.name)
