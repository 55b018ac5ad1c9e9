"""Element-set parsing: the shipped sets load; malformed ones are named by line."""

import pytest

from orbitviz.core.assets import asset_path
from orbitviz.core.tle import checksum, load_tle_file, parse_tle_text

GOOD = """ISS (ZARYA)
1 25544U 98067A   21277.86166359  .00005427  00000-0  10685-3 0  9994
2 25544  51.6453 160.4350 0004170  58.5851  39.6969 15.48931550305594
"""


def test_shipped_sets_load_with_valid_checksums():
    files = sorted(asset_path("tle").glob("*.tle"))
    assert len(files) == 10
    for f in files:
        sets, errors = load_tle_file(f)
        assert not errors and len(sets) == 1
        s = sets[0]
        assert checksum(s.line1) == int(s.line1[68]) and checksum(s.line2) == int(s.line2[68])
        # the file name carries the epoch (YYDDD.dddddddd): it must match the set's own
        stamp = f.stem.rsplit("-", 1)[1]
        assert s.line1[18:32].strip() == stamp


def test_epoch_and_mean_motion_are_read():
    sets, errors = parse_tle_text(GOOD)
    assert not errors
    s = sets[0]
    assert s.name == "ISS (ZARYA)" and s.norad_id == 25544
    # 21277.86166359 = 2021-10-04 20:40:47.734 UTC (day 277 of 2021 is 4 October)
    assert s.epoch_utc.strftime("%Y-%m-%d %H:%M:%S") == "2021-10-04 20:40:47"
    assert s.mean_motion_rev_day == pytest.approx(15.48931550, abs=1e-7)


def test_two_line_sets_without_a_name():
    sets, errors = parse_tle_text("\n".join(GOOD.splitlines()[1:]))
    assert not errors and sets[0].name == "NORAD 25544"


def test_bad_checksum_is_reported_with_its_line_and_good_sets_still_load():
    bad = GOOD.replace("0  9994", "0  9995")
    sets, errors = parse_tle_text(bad + GOOD, "mixed.tle")
    assert len(sets) == 1
    assert len(errors) == 1
    assert errors[0].line == 2 and "checksum" in str(errors[0])
    assert str(errors[0]).startswith("mixed.tle:2:")


@pytest.mark.parametrize("mutate, line, words", [
    (lambda t: t.replace("  9994", " 9994"), 2, "characters"),
    (lambda t: t.replace("\n2 25544", "\n3 25544"), 3, "line 2"),
    (lambda t: t.replace("\n2 25544  51.6453", "\n2 25545  51.6453").replace(
        "305594", "305595"), 3, "catalogue numbers"),
])
def test_malformed_lines(mutate, line, words):
    sets, errors = parse_tle_text(mutate(GOOD), "f.tle")
    assert not sets
    assert errors and errors[0].line == line and words in str(errors[0])


def test_cut_short():
    sets, errors = parse_tle_text("\n".join(GOOD.splitlines()[:2]), "f.tle")
    assert not sets and errors and "cut short" in str(errors[0])
