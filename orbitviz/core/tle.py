"""Two-line element sets: strict parsing with line-numbered errors.

Accepts two-line and three-line (name + two lines) sets. Every line is checked for its
line number, length, checksum and a matching catalogue number before SGP4 sees it.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

from sgp4.api import WGS72, Satrec


class TleError(ValueError):
    """A malformed element set; ``line`` is the 1-based line number in its file."""

    def __init__(self, source: str, line: int, message: str):
        super().__init__(f"{source}:{line}: {message}")
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
            if sat.error:
                raise TleError(source, i + 1, f"SGP4 rejects the set (error {sat.error})")
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
    return parse_tle_text(p.read_text(encoding="ascii", errors="replace"), p.name)
