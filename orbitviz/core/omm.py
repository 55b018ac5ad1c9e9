"""Orbit Mean-Elements Messages (CCSDS OMM) as JSON, XML or CSV → :class:`TleSet` records.

The JSON form is CelesTrak's ``FORMAT=JSON`` (a list of objects with the OMM keyword names,
or a single object); XML is the CCSDS NDM/OMM layout (``<segment>`` with ``<metadata>`` and
``<data>``), namespaced or not; CSV is CelesTrak's ``FORMAT=CSV`` (a header of keyword names).
Each record is checked and handed to ``sgp4.omm.initialize``, so an OMM record and the
equivalent TLE give the same SGP4 state. A bad record is reported as a
:class:`~orbitviz.core.tle.TleError` naming its line and its index (0-based, in file order);
the others still load.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import re
from xml.parsers import expat

from sgp4 import omm as _sgp4_omm
from sgp4.api import WGS72, Satrec

from orbitviz.core.tle import (EPOCH_FIRST_UTC, EPOCH_LAST_UTC, MEAN_MOTION_MAX_REV_DAY,
                               MEAN_MOTION_MIN_REV_DAY, TleError, TleSet, epoch_range_text,
                               physical_problem, sgp4_error_text)
from orbitviz.core.userfiles import (MAX_JSON_DEPTH, json_depth, lenient_float, lenient_int,
                                     quote)

#: Keywords a record must carry (the rest have CCSDS defaults).
REQUIRED = ("NORAD_CAT_ID", "EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION",
            "RA_OF_ASC_NODE", "ARG_OF_PERICENTER", "MEAN_ANOMALY")
_DEFAULTS = {"CLASSIFICATION_TYPE": "U", "OBJECT_ID": "", "EPHEMERIS_TYPE": "0",
             "ELEMENT_SET_NO": "999", "REV_AT_EPOCH": "0", "BSTAR": "0",
             "MEAN_MOTION_DOT": "0", "MEAN_MOTION_DDOT": "0"}
_FLOATS = ("MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE",
           "ARG_OF_PERICENTER", "MEAN_ANOMALY", "BSTAR", "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT")
_EPOCH = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?Z?$")


def _epoch_text(text: str) -> str:
    """The epoch as ``sgp4.omm`` reads it (``%Y-%m-%dT%H:%M:%S.%f``, UTC)."""
    m = _EPOCH.match(text.strip())
    if not m:
        raise ValueError(f"EPOCH {quote(text)} is not ISO 8601 UTC (2021-10-05T12:00:00.000000)")
    frac = (m.group(7) or ".0")[1:]
    # microsecond resolution is what datetime (and so sgp4.omm) keeps
    micro = round(float("0." + frac) * 1e6)
    try:
        base = _dt.datetime(*(int(m.group(k)) for k in range(1, 7)), tzinfo=_dt.timezone.utc)
    except ValueError as exc:
        raise ValueError(f"EPOCH {quote(text)} is not a date ({exc})") from None
    if not EPOCH_FIRST_UTC <= base <= EPOCH_LAST_UTC:
        raise ValueError(f"EPOCH {quote(text)} is outside the epochs orbitviz shows, "
                         f"{epoch_range_text()}")
    when = base + _dt.timedelta(microseconds=micro)
    return when.strftime("%Y-%m-%dT%H:%M:%S.%f")


def record_to_set(fields: dict, source: str, line: int, index: int) -> TleSet:
    """One OMM record (keyword → value, values text or numbers) as a :class:`TleSet`.

    Raises :class:`TleError` naming ``line`` and ``index`` when the record is unusable.
    """
    def fail(message: str):
        raise TleError(source, line, f"OMM record {index}: {message}")

    f = {str(k).strip().upper(): v for k, v in fields.items()}
    name = str(f.get("OBJECT_NAME") or "").strip()
    missing = [k for k in REQUIRED if f.get(k) in (None, "")]
    if missing:
        fail(f"missing {', '.join(missing)}")
    theory = str(f.get("MEAN_ELEMENT_THEORY") or "SGP4").strip().upper()
    if theory not in ("SGP4", "SGP/SGP4"):
        fail(f"mean elements for {quote(theory, 30)}, not SGP4")
    frame = str(f.get("REF_FRAME") or "TEME").strip().upper()
    if frame != "TEME":
        fail(f"reference frame {quote(frame, 30)}, not TEME")
    for k, v in _DEFAULTS.items():
        if f.get(k) in (None, ""):
            f[k] = v
    norad_text = str(f["NORAD_CAT_ID"]).strip()
    if not re.fullmatch(r"[0-9]{1,9}", norad_text):
        fail(f"NORAD_CAT_ID {quote(norad_text, 20)} is not a whole number of at most 9 digits")
    norad = int(norad_text)
    if not 0 < norad < 340000:  # what SGP4's Alpha-5 numbers can hold
        fail(f"NORAD_CAT_ID {norad} is out of range (1 to 339999)")
    for k in _FLOATS:
        text_k = str(f[k]).strip()
        try:
            value = float(text_k)
        except ValueError:
            fail(f"{k} {quote(text_k, 30)} is not a number")
        if not math.isfinite(value):
            fail(f"{k} {quote(text_k, 30)} is not a finite number")
    # physical ranges before SGP4 sees them (MEAN_MOTION 1e308 initialises to NaN states)
    mm = float(f["MEAN_MOTION"])
    if not MEAN_MOTION_MIN_REV_DAY <= mm <= MEAN_MOTION_MAX_REV_DAY:
        fail(f"MEAN_MOTION {mm:.6g} rev/day is outside {MEAN_MOTION_MIN_REV_DAY:.4f} to "
             f"{MEAN_MOTION_MAX_REV_DAY:.2f} (an orbit above the Earth's surface and within "
             "its Hill sphere)")
    if not 0 <= float(f["ECCENTRICITY"]) < 1:
        fail("ECCENTRICITY must be in [0, 1)")
    if not 0 <= float(f["INCLINATION"]) <= 180:
        fail(f"INCLINATION {float(f['INCLINATION']):.6g}° is outside 0 to 180°")
    for k in ("RA_OF_ASC_NODE", "ARG_OF_PERICENTER", "MEAN_ANOMALY"):
        if not -360 <= float(f[k]) <= 360:
            fail(f"{k} {float(f[k]):.6g}° is outside -360 to 360°")
    try:
        f["EPOCH"] = _epoch_text(str(f["EPOCH"]))
        for k in ("EPHEMERIS_TYPE", "ELEMENT_SET_NO", "REV_AT_EPOCH"):
            f[k] = str(int(float(str(f[k]).strip())))
    except ValueError as exc:
        fail(str(exc))
    f["OBJECT_ID"] = str(f["OBJECT_ID"]).strip()
    f["CLASSIFICATION_TYPE"] = str(f["CLASSIFICATION_TYPE"]).strip()[:1] or "U"
    f = {k: (str(v) if not isinstance(v, str) else v) for k, v in f.items()}
    sat = Satrec()
    try:
        _sgp4_omm.initialize(sat, f, WGS72)
    except (ValueError, KeyError) as exc:
        fail(f"cannot read the record: {exc}")
    problem = physical_problem(sat)  # first: it says more than SGP4's error number
    if problem:
        fail(problem)
    if sat.error:
        fail(sgp4_error_text(sat.error))
    line1 = line2 = ""
    try:
        from sgp4.exporter import export_tle

        line1, line2 = export_tle(sat)
    except (ValueError, TypeError):
        pass  # the set still propagates; only its TLE rendering is unavailable
    return TleSet(name or f"NORAD {norad}", norad, line1, line2, source, sat)


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


# -- JSON ---------------------------------------------------------------------------------
def parse_omm_json(text: str, source: str = "<json>"):
    """``(sets, errors)`` from OMM JSON: a list of records or one record.

    Records are decoded one at a time, so each error names the line where its record
    starts; a syntax error ends the file there (the records before it still load).
    """
    dec = json.JSONDecoder(parse_int=lenient_int, parse_float=lenient_float,
                           parse_constant=str)
    sets: list[TleSet] = []
    errors: list[TleError] = []
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        return [], [TleError(source, 1, f"invalid JSON: nested {depth:,} deep; at most "
                                        f"{MAX_JSON_DEPTH} levels are read")]
    ws = re.compile(r"[ \t\r\n]*")
    pos = ws.match(text, 0).end()
    if text.startswith("\ufeff", pos):
        pos = ws.match(text, pos + 1).end()
    if pos < len(text) and text[pos] == "{":
        try:
            obj, _ = dec.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            return [], [TleError(source, exc.lineno, f"invalid JSON: {exc.msg}")]
        except (ValueError, RecursionError) as exc:
            return [], [TleError(source, _line_of(text, pos), f"invalid JSON: {exc}")]
        try:
            sets.append(record_to_set(obj, source, _line_of(text, pos), 0))
        except TleError as exc:
            errors.append(exc)
        return sets, errors
    if pos >= len(text) or text[pos] != "[":
        return [], [TleError(source, _line_of(text, pos), "OMM JSON must be a list of records")]
    pos = ws.match(text, pos + 1).end()
    index = 0
    while pos < len(text) and text[pos] != "]":
        start = pos
        try:
            obj, pos = dec.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            errors.append(TleError(source, exc.lineno, f"invalid JSON: {exc.msg}"))
            return sets, errors
        except (ValueError, RecursionError) as exc:
            errors.append(TleError(source, _line_of(text, start), f"invalid JSON: {exc}"))
            return sets, errors
        if isinstance(obj, dict):
            try:
                sets.append(record_to_set(obj, source, _line_of(text, start), index))
            except TleError as exc:
                errors.append(exc)
        else:
            errors.append(TleError(source, _line_of(text, start),
                                   f"OMM record {index}: not a JSON object"))
        index += 1
        pos = ws.match(text, pos).end()
        if pos < len(text) and text[pos] == ",":
            pos = ws.match(text, pos + 1).end()
        elif pos < len(text) and text[pos] != "]":
            errors.append(TleError(source, _line_of(text, pos), "invalid JSON: expected ','"))
            return sets, errors
    if pos >= len(text):
        errors.append(TleError(source, _line_of(text, len(text)), "invalid JSON: no closing ']'"))
    return sets, errors


# -- XML ----------------------------------------------------------------------------------
def parse_omm_xml(text: str, source: str = "<xml>"):
    """``(sets, errors)`` from CCSDS OMM XML: every ``<segment>`` is one record, and its
    errors name the line of its ``<segment>`` tag. Namespaces are ignored."""
    sets: list[TleSet] = []
    errors: list[TleError] = []
    parser = expat.ParserCreate()
    stack: list[str] = []
    state = {"fields": None, "line": 0, "text": [], "index": 0}
    sections = ("metadata", "meanelements", "tleparameters")

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]

    def start(tag, attrs):
        name = local(tag)
        stack.append(name)
        state["text"] = []
        if name.lower() == "segment":
            state["fields"] = {}
            state["line"] = parser.CurrentLineNumber

    def end(tag):
        name = local(tag)
        stack.pop()
        fields = state["fields"]
        if name.lower() == "segment" and fields is not None:
            try:
                sets.append(record_to_set(fields, source, state["line"], state["index"]))
            except TleError as exc:
                errors.append(exc)
            state["fields"] = None
            state["index"] += 1
        elif fields is not None and stack and stack[-1].lower() in sections:
            fields[name] = "".join(state["text"]).strip()
        state["text"] = []

    def chars(data):
        state["text"].append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(text.encode("utf-8"), True)
    except expat.ExpatError as exc:
        errors.append(TleError(source, exc.lineno, f"invalid XML: {expat.ErrorString(exc.code)}"))
    return sets, errors


# -- CSV ----------------------------------------------------------------------------------
def parse_omm_csv(text: str, source: str = "<csv>"):
    """``(sets, errors)`` from OMM CSV with a header row of keyword names."""
    import csv
    import io

    sets: list[TleSet] = []
    errors: list[TleError] = []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    index = 0
    try:
        for row in reader:
            line = reader.line_num
            if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                continue
            try:
                sets.append(record_to_set({k: v for k, v in row.items() if k}, source, line,
                                          index))
            except TleError as exc:
                errors.append(exc)
            index += 1
    except csv.Error as exc:
        errors.append(TleError(source, reader.line_num, f"invalid CSV: {exc}"))
    return sets, errors


def sniff_format(text: str, suffix: str = "") -> str:
    """``json``, ``xml``, ``csv`` or ``tle`` from the content (the extension only breaks a
    tie for an empty file)."""
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith(("[", "{")):
        return "json"
    if head.startswith("<"):
        return "xml"
    first = head.split("\n", 1)[0].upper()
    if "NORAD_CAT_ID" in first and "," in first:
        return "csv"
    if not head:
        ext = suffix.lower().lstrip(".")
        return ext if ext in ("json", "xml", "csv") else "tle"
    return "tle"


__all__ = ["parse_omm_json", "parse_omm_xml", "parse_omm_csv", "record_to_set", "sniff_format",
           "REQUIRED"]
