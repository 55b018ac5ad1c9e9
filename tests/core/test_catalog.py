"""The user's own satellites: OMM/TLE parsing, grouping by NORAD number, ids, states."""

import datetime as dt
import json

import numpy as np
import pytest
from sgp4.api import WGS72, Satrec
from sgp4.exporter import export_omm, export_tle
from skyfield.api import EarthSatellite

from orbitviz.core.assets import asset_path
from orbitviz.core.catalog import (CatalogError, build_catalog, load_element_files,
                                   read_element_file, slugify)
from orbitviz.core.elements import ElementSetChain
from orbitviz.core.omm import parse_omm_json, parse_omm_xml
from orbitviz.core.tle import load_tle_file, parse_tle_text

ISS_FILE = asset_path("tle", "iss-21277.86166359.tle")
DOCKING_S = 3 * 3600 + 27 * 60 + 28.558


def iss_set():
    return load_tle_file(ISS_FILE)[0][0]


def reencoded(epoch_utc: dt.datetime, norad: int = 25544, mo_shift_rad: float = 0.0):
    """The shipped ISS set's elements, re-encoded at another epoch (valid checksums)."""
    s = iss_set().satrec
    sat = Satrec()
    days = (epoch_utc - dt.datetime(1949, 12, 31, tzinfo=dt.timezone.utc)).total_seconds() / 86400
    sat.sgp4init(WGS72, "i", norad, days, s.bstar, s.ndot, s.nddot, s.ecco, s.argpo, s.inclo,
                 (s.mo + mo_shift_rad) % (2 * np.pi), s.no_kozai, s.nodeo)
    sat.intldesg, sat.revnum = s.intldesg, s.revnum
    return export_tle(sat)


def omm_xml(records) -> str:
    segs = []
    for d in records:
        meta = "".join(f"<{k}>{d[k]}</{k}>" for k in ("OBJECT_NAME", "OBJECT_ID", "CENTER_NAME",
                                                      "REF_FRAME", "TIME_SYSTEM",
                                                      "MEAN_ELEMENT_THEORY"))
        mean = "".join(f"<{k}>{d[k]}</{k}>" for k in ("EPOCH", "MEAN_MOTION", "ECCENTRICITY",
                                                      "INCLINATION", "RA_OF_ASC_NODE",
                                                      "ARG_OF_PERICENTER", "MEAN_ANOMALY"))
        tle = "".join(f"<{k}>{d[k]}</{k}>" for k in (
            "EPHEMERIS_TYPE", "CLASSIFICATION_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO",
            "REV_AT_EPOCH", "BSTAR", "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT"))
        segs.append(f"<segment>\n<metadata>{meta}</metadata>\n<data>\n"
                    f"<meanElements>{mean}</meanElements>\n"
                    f"<tleParameters>{tle}</tleParameters>\n</data>\n</segment>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<ndm><omm id="CCSDS_OMM_VERS" '
            'version="2.0">\n<header><CREATION_DATE/><ORIGINATOR/></header>\n<body>\n'
            + "\n".join(segs) + "\n</body></omm></ndm>\n")


def teme_states(sat, jd0, days):
    jd = np.full(len(days), jd0)
    e, r, _ = sat.sgp4_array(jd, np.asarray(days, float))
    assert not e.any()
    return r


def test_slugs():
    assert slugify("ISS (ZARYA)") == "iss-zarya"
    assert slugify("HUBBLE SPACE TELESCOPE") == "hubble-space-telescope"
    assert slugify("  Tiangong/CSS  ") == "tiangong-css"
    assert slugify("Sentinel-6 Michael Freilich") == "sentinel-6-michael-freilich"
    assert slugify("Ørsted Ñandú") == "rsted-nandu"
    assert slugify("Спутник") == ""


def test_omm_json_and_xml_give_the_tle_state():
    s = iss_set()
    rec = export_omm(s.satrec, s.name)
    from_json, errs = parse_omm_json(json.dumps([rec], indent=2), "iss.json")
    assert not errs
    from_xml, errs = parse_omm_xml(omm_xml([rec]), "iss.xml")
    assert not errs
    days = np.linspace(-3, 3, 97) + s.epoch_fr
    ref = teme_states(s.satrec, s.epoch_jd, days)
    for got in (from_json[0], from_xml[0]):
        assert got.name == "ISS (ZARYA)" and got.norad_id == 25544
        assert got.epoch_utc == pytest.approx(s.epoch_utc, abs=dt.timedelta(microseconds=1))
        r = teme_states(got.satrec, s.epoch_jd, days)
        # the OMM epoch is kept to the microsecond (the TLE to 1e-8 day): mm, not metres
        assert np.max(np.linalg.norm(r - ref, axis=1)) * 1000 < 1.0
        # and the set re-encodes as the same two lines
        assert (got.line1, got.line2) == (s.line1, s.line2)


def test_omm_errors_name_the_record_and_line():
    rec = export_omm(iss_set().satrec, "ISS (ZARYA)")
    bad = dict(rec, MEAN_MOTION="fast")
    partial = {k: v for k, v in rec.items() if k != "EPOCH"}
    text = json.dumps([rec, bad, partial], indent=1)
    sets, errs = parse_omm_json(text, "cat.json")
    assert len(sets) == 1 and len(errs) == 2
    lines = text.splitlines()
    starts = [i + 1 for i, ln in enumerate(lines) if ln == " {"]
    assert [e.line for e in errs] == starts[1:]
    assert "OMM record 1: MEAN_MOTION 'fast' is not a number" in str(errs[0])
    assert str(errs[1]).startswith(f"cat.json:{starts[2]}: OMM record 2: missing EPOCH")
    xml = omm_xml([rec, dict(rec, ECCENTRICITY="1.5")])
    sets, errs = parse_omm_xml(xml, "cat.xml")
    seg_lines = [i + 1 for i, ln in enumerate(xml.splitlines()) if ln == "<segment>"]
    assert len(sets) == 1 and [e.line for e in errs] == [seg_lines[1]]
    assert "ECCENTRICITY must be in [0, 1)" in str(errs[0])
    sets, errs = parse_omm_xml(xml.replace("</body>", "</bodyx>"), "cut.xml")
    assert len(sets) == 1 and "invalid XML: mismatched tag" in str(errs[-1])


def test_format_is_found_from_content(tmp_path):
    s = iss_set()
    rec = export_omm(s.satrec, s.name)
    (tmp_path / "a.txt").write_text(json.dumps([rec]))
    (tmp_path / "b.txt").write_text(omm_xml([rec]))
    (tmp_path / "c.json").write_text(f"{s.name}\n{s.line1}\n{s.line2}\n")
    for name in ("a.txt", "b.txt", "c.json"):
        sets, errs = read_element_file(tmp_path / name)
        assert not errs and sets[0].norad_id == 25544 and sets[0].source == name


def test_mixed_file_loads_the_good_objects(tmp_path):
    s = iss_set()
    l1, l2 = reencoded(dt.datetime(2021, 10, 5, tzinfo=dt.timezone.utc), norad=49269)
    bad_sum = s.line1[:68] + str((int(s.line1[68]) + 1) % 10)
    text = "\n".join([
        "ISS (ZARYA)", s.line1, s.line2,                   # lines 1-3: good
        "BROKEN CHECKSUM", bad_sum, s.line2,               # line 5: bad checksum
        "SHORT LINE", l1[:60], l2,                          # line 8: 60 characters
        "SOYUZ MS-19", l1, l2,                              # lines 10-12: good
        "CUT SHORT", l1,                                    # line 13: no line 2
    ]) + "\n"
    path = tmp_path / "mixed.tle"
    path.write_text(text)
    cat, errors = load_element_files([path])
    assert [(e.source, e.line) for e in errors] == [("mixed.tle", 5), ("mixed.tle", 8),
                                                    ("mixed.tle", 13)]
    assert "checksum" in errors[0].detail and "60 characters" in errors[1].detail
    # a NORAD number is one object; 'soyuz-ms-19' is the mission's, so it gets the number
    assert list(cat.objects) == ["iss-zarya", "soyuz-ms-19-49269"]
    assert [o.norad_id for o in cat.objects.values()] == [25544, 49269]


def test_id_collisions(tmp_path):
    t = dt.datetime(2021, 10, 5, tzinfo=dt.timezone.utc)
    a1, a2 = reencoded(t, norad=40001)
    b1, b2 = reencoded(t, norad=40002, mo_shift_rad=1.0)
    c1, c2 = reencoded(t, norad=40003, mo_shift_rad=2.0)
    (tmp_path / "one.tle").write_text(f"CUBESAT\n{a1}\n{a2}\nISS\n{c1}\n{c2}\n")
    (tmp_path / "two.tle").write_text(f"CubeSat\n{b1}\n{b2}\n")
    cat, errors = load_element_files([tmp_path / "one.tle", tmp_path / "two.tle"])
    assert not errors
    assert list(cat.objects) == ["cubesat", "iss-40003", "cubesat-40002"]
    assert cat.objects["cubesat-40002"].name == "CubeSat"
    # the same files in another order: ids follow the order given, deterministically
    again, _ = load_element_files([tmp_path / "two.tle", tmp_path / "one.tle"])
    assert list(again.objects) == ["cubesat", "cubesat-40001", "iss-40003"]
    # without the mission's ids reserved, 'iss' is free
    free, _ = load_element_files([tmp_path / "one.tle"], taken=())
    assert list(free.objects) == ["cubesat", "iss"]


def test_sets_of_one_object_switch_like_the_station(mission_context):
    sc, ctx, station = mission_context
    files = sorted(asset_path("tle").glob("iss-*.tle"))
    cat, errors = load_element_files(files, sc.axis)
    assert not errors and list(cat.objects) == ["iss-zarya"]
    obj = cat.objects["iss-zarya"]
    assert len(obj.chains) == 1 and len(obj.sets) == 9
    # switched as the station's sets are: the same chain, built from the same sets
    reference = ElementSetChain(obj.sets, sc.axis)
    assert obj.chains[0].switch_times_s == pytest.approx(reference.switch_times_s, abs=1e-6)
    # positions against skyfield's SGP4 + TEME -> GCRS for the set in use at each time
    ts = sc.axis.ts
    by_file = {s.source: s for s in obj.sets}
    times = np.concatenate([np.linspace(obj.start_s + 60, obj.end_s - 60, 25), [DOCKING_S]])
    for t in times:
        st = cat.states_gcrs(t)
        s = by_file[cat.tle_info("iss-zarya", t)["file"]]
        ref = EarthSatellite(s.line1, s.line2, s.name, ts).at(sc.axis.time(t))
        assert st.ids == ["iss-zarya"]
        assert np.linalg.norm(st.r_gcrs_km[0] - ref.position.km) * 1000 < 1.0
        assert np.linalg.norm(st.v_gcrs_km_s[0] - ref.velocity.km_per_s) * 1e6 < 5.0  # mm/s
    # and the mission's station, where its chain uses ISS sets too (it borrows Soyuz
    # MS-19's own set from 14 October); the station blends across its switches and a
    # user's object does not, so blend windows are left out
    borrowed = next(sp for sp in sc.chain.spans if sp.tle.norad_id == 49269)
    for t in np.linspace(sc.chain.start_s + 60, borrowed.start_s - 60, 15):
        if sc.chain.blend_at(t) is not None:
            continue
        r_ref, _ = station.state(t)
        assert np.linalg.norm(cat.states_gcrs(t).r_gcrs_km[0] - r_ref) * 1000 < 1.0
    # which set is in use flips at a switch
    sw = obj.chains[0].switch_times_s[0]
    before, after = cat.tle_info("iss-zarya", sw - 1), cat.tle_info("iss-zarya", sw + 1)
    assert before["file"] == files[0].name and after["file"] == files[1].name


def test_a_2026_set_is_valid_three_days_from_its_epoch(mission_context):
    sc = mission_context[0]
    epoch = dt.datetime(2026, 3, 19, 12, tzinfo=dt.timezone.utc)
    l1, l2 = reencoded(epoch)
    assert l1[18:32] == "26078.50000000"
    sets, errs = parse_tle_text(f"ISS (ZARYA)\n{l1}\n{l2}\n", "iss-2026.tle")
    assert not errs
    cat = build_catalog(sets, sc.axis)
    ts = sc.axis.ts
    sat = EarthSatellite(l1, l2, "ISS (ZARYA)", ts)
    for hours in (-71.9, 0.0, 30.25, 71.9):
        when = epoch + dt.timedelta(hours=hours)
        met = sc.axis.met_from_datetime(when)
        st = cat.states_gcrs(met)
        ref = sat.at(ts.from_datetime(when))
        assert st.ids == ["iss-zarya"]
        # against skyfield's own SGP4 + TEME -> GCRS, exact at every instant
        assert np.linalg.norm(st.r_gcrs_km[0] - ref.position.km) * 1000 < 1.0
        assert np.linalg.norm(st.v_gcrs_km_s[0] - ref.velocity.km_per_s) * 1e6 < 5.0
    for hours in (-72.1, 72.1):
        met = sc.axis.met_from_datetime(epoch + dt.timedelta(hours=hours))
        assert cat.states_gcrs(met).ids == [] and cat.snapshot_objects(met) == {}
    # the Sun at the March 2026 equinox (20 March 14:46 UTC) is over the equator
    met = sc.axis.met_from_datetime(dt.datetime(2026, 3, 20, 14, 46, tzinfo=dt.timezone.utc))
    lat, lon = cat.subsolar_point(met)
    assert abs(lat) < 0.02
    # equation of time that day is about -7.5 min: lon = -15°(14.767-12) + 1.9°
    assert lon == pytest.approx(-39.6, abs=0.3)


def test_far_apart_sets_form_separate_chains(mission_context):
    sc = mission_context[0]
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    text = ""
    for days in (0, 2, 30):
        l1, l2 = reencoded(t0 + dt.timedelta(days=days))
        text += f"ISS (ZARYA)\n{l1}\n{l2}\n"
    sets, _ = parse_tle_text(text, "three.tle")
    cat = build_catalog(sets, sc.axis)
    obj = cat.objects["iss-zarya"]
    assert [len(c.spans) for c in obj.chains] == [2, 1]
    mid = sc.axis.met_from_datetime(t0 + dt.timedelta(days=15))
    assert not obj.exists(mid) and cat.existing(mid) == []
    assert len(cat.coverage) == 2  # one Earth orientation per stretch, not a month of nodes
    late = sc.axis.met_from_datetime(t0 + dt.timedelta(days=31))
    assert cat.existing(late) == ["iss-zarya"]


def test_vectorised_states_match_each_chain(mission_context):
    sc = mission_context[0]
    t = dt.datetime(2021, 10, 5, tzinfo=dt.timezone.utc)
    sets = []
    for k in range(50):
        l1, l2 = reencoded(t, norad=41000 + k, mo_shift_rad=0.1 * k)
        sets += parse_tle_text(f"SAT {k}\n{l1}\n{l2}\n", "many.tle")[0]
    cat = build_catalog(sets, sc.axis)
    met = DOCKING_S
    st = cat.states_gcrs(met)
    assert st.ids == [f"sat-{k}" for k in range(50)]
    eo = cat.eo_at(met)
    for k, oid in enumerate(st.ids):
        r, v = cat.objects[oid].chains[0].states_gcrs(met, eo)
        assert np.linalg.norm(r[0] - st.r_gcrs_km[k]) < 1e-9
        assert np.linalg.norm(v[0] - st.v_gcrs_km_s[k]) < 1e-12


def test_a_file_with_no_valid_object_is_an_error(tmp_path):
    path = tmp_path / "junk.tle"
    path.write_text("NOT A SET\n1 25544U bad\n2 25544 bad\n")
    good = tmp_path / "good.tle"
    good.write_text(ISS_FILE.read_text())
    with pytest.raises(CatalogError, match=r"junk.tle: no valid element set .*junk.tle:2:"):
        load_element_files([good, path])
    (tmp_path / "empty.json").write_text("[]")
    with pytest.raises(CatalogError, match="empty.json: no valid element set"):
        load_element_files([tmp_path / "empty.json"])
    with pytest.raises(CatalogError, match="cannot read"):
        load_element_files([tmp_path / "missing.tle"])


def test_one_set_in_two_files_is_one_set(tmp_path):
    (tmp_path / "a.tle").write_text(ISS_FILE.read_text())
    (tmp_path / "b.json").write_text(json.dumps([export_omm(iss_set().satrec, "ISS (ZARYA)")]))
    cat, errors = load_element_files([tmp_path / "a.tle", tmp_path / "b.json"])
    assert not errors
    obj = cat.objects["iss-zarya"]
    assert len(obj.sets) == 1 and obj.sources == ["a.tle", "b.json"]


def test_omm_csv_gives_the_tle_state_and_names_a_bad_row():
    """CelesTrak's CSV form: a header of OMM keywords, one object a row."""
    import csv
    import io

    from orbitviz.core.omm import parse_omm_csv

    s = iss_set()
    rec = export_omm(s.satrec, s.name)
    bad = dict(rec, OBJECT_NAME="BROKEN", NORAD_CAT_ID=99999, INCLINATION="steep")
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rec))
    writer.writeheader()
    writer.writerow(rec)
    writer.writerow(bad)
    sets, errs = parse_omm_csv(buf.getvalue(), "active.csv")
    assert len(sets) == 1 and len(errs) == 1
    assert errs[0].source == "active.csv" and errs[0].line == 3  # the header is line 1
    got = sets[0]
    assert got.name == "ISS (ZARYA)" and got.norad_id == 25544
    days = np.linspace(-3, 3, 97) + s.epoch_fr
    r = teme_states(got.satrec, s.epoch_jd, days)
    ref = teme_states(s.satrec, s.epoch_jd, days)
    assert np.max(np.linalg.norm(r - ref, axis=1)) * 1000 < 1.0  # m
